"""The ``bureau`` command line: ``bureau [global options] COMMAND ...`` (modules.md §15).

Every command is a module of this package with ``add_parser(subparsers)`` and ``run(args, config)``.
Global options apply to every command: ``--config FILE`` (INI), ``--db-uri``, ``--data-dir``,
``--addons-path``, ``--log-level``; the command line overrides the file, which overrides defaults.
"""
import argparse
import importlib
import logging
import os
import sys

from ..config import Config, ConfigError
from ..exceptions import UserError

COMMANDS = ("client", "db", "demo", "module", "scaffold", "serve", "shell", "test")
#: commands that log at INFO by default (long-running servers); the others only warn
VERBOSE_COMMANDS = ("serve", "demo")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="bureau", description="Bureau: an open business-application platform.")
    parser.add_argument("-c", "--config", metavar="FILE", help="configuration file (INI, section [options])")
    parser.add_argument("--db-uri", metavar="URI",
                        help="PostgreSQL server, e.g. postgresql://user:password@host:5432/ "
                             "(default: the embedded PostgreSQL)")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="directory of the embedded PostgreSQL and the filestore")
    parser.add_argument("--addons-path", metavar="DIRS", help="extra addon directories, comma separated")
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"], help="logging level")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMANDS:
        importlib.import_module(f"{__package__}.{name}").add_parser(subparsers)
    return parser


def load_config(args):
    overrides = {
        "db_uri": args.db_uri,
        "data_dir": args.data_dir,
        "addons_path": args.addons_path,
        "log_level": args.log_level,
    }
    return Config.load(file=args.config, environ=os.environ, overrides=overrides)


def setup_logging(level):
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args)
    except ConfigError as exc:
        parser.error(str(exc))
    setup_logging(config["log_level"] or ("info" if args.command in VERBOSE_COMMANDS else "warning"))
    if config["addons_path"]:
        from ..modules.discovery import set_addons_path
        try:
            set_addons_path(config["addons_path"])
        except ValueError as exc:
            parser.error(str(exc))
    try:
        return args.func(args, config) or 0
    except KeyboardInterrupt:
        return 130
    except (CommandError, UserError) as exc:
        print(f"bureau: error: {exc}", file=sys.stderr)
        return 1


class CommandError(Exception):
    """A command failed for a reason the user can act on; printed without a traceback."""

