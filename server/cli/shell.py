"""``bureau shell -d DB``: an interactive Python shell with ``env`` (superuser) on a database.

Changes are committed when the shell exits normally (``env.cr.commit()`` commits earlier).
Statements can also be piped in: ``echo "print(env['res.partner'].search_count([]))" | bureau shell -d demo``.
"""
import code
import sys

from .main import CommandError


def add_parser(subparsers):
    parser = subparsers.add_parser("shell", help="interactive Python shell with env",
                                   description="Open a Python shell with `env` on a database.")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--no-commit", action="store_true", help="roll back instead of committing at exit")
    parser.set_defaults(func=run)


def run(args, config):
    from ..db.runtime import open_database_server
    from ..modules.loading import load_registry
    from ..orm.environment import SUPERUSER_ID, Environment
    server = open_database_server(config)
    if not server.exists(args.database):
        raise CommandError(f"database {args.database!r} does not exist")
    try:
        load_registry(server, args.database, config)
    except LookupError as exc:
        raise CommandError(str(exc)) from None
    cr = server.cursor(args.database)
    env = Environment(cr, SUPERUSER_ID, {})
    namespace = {"env": env, "self": env.user}
    banner = (f"Bureau shell on database {args.database!r}: `env` is a superuser environment, "
              f"`self` the superuser.")
    try:
        if sys.stdin.isatty():
            code.interact(banner=banner, local=namespace, exitmsg="")
        else:
            exec(compile(sys.stdin.read(), "<stdin>", "exec"), namespace)  # noqa: S102 - the user's own code
        if args.no_commit:
            cr.rollback()
        else:
            cr.commit()
    finally:
        cr.close()
