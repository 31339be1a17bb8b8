"""``bureau test -d DB [-m MODULE] [--test-tags SPEC]``: run addons' own tests (modules.md TEST-3).

Tests run against the database's installed addons, inside transactions that are rolled back; the
exit code is non-zero when a test fails.
"""
import sys
import unittest

from .main import CommandError


def add_parser(subparsers):
    parser = subparsers.add_parser("test", help="run the tests of installed addons",
                                   description="Run the tests of installed addons (nothing is committed).")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-m", "--module", action="append", default=[],
                        help="addon whose tests to run (repeatable; default: every installed addon)")
    parser.add_argument("--test-tags", default="", metavar="SPEC",
                        help="selection: [-][tag][/module][:class][.method], comma separated")
    parser.set_defaults(func=run)


def run(args, config):
    from ..db.runtime import open_database_server
    from ..modules.lifecycle import module_states
    from ..tests.common import set_test_database
    from ..tests.runner import build_suite
    server = open_database_server(config)
    if not server.exists(args.database):
        raise CommandError(f"database {args.database!r} does not exist")
    with server.cursor(args.database) as cr:
        installed = [name for name, state in module_states(cr).items() if state == "installed"]
    modules = [m for name in args.module for m in name.split(",") if m] or sorted(installed)
    missing = [m for m in modules if m not in installed]
    if missing:
        raise CommandError(f"not installed in {args.database!r}: {', '.join(missing)}")
    set_test_database(server, args.database, config)
    try:
        suites = [build_suite(modules, args.test_tags, phase) for phase in ("at_install", "post_install")]
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    suite = unittest.TestSuite(suites)
    if not suite.countTestCases():
        print("No test selected.")
        return 0
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1
