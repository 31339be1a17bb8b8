"""``bureau db``: create, list, copy and drop tenant databases."""
import secrets

from .main import CommandError


def add_parser(subparsers):
    parser = subparsers.add_parser("db", help="manage databases", description="Manage Bureau databases.")
    commands = parser.add_subparsers(dest="db_command", metavar="ACTION")
    commands.required = True
    create = commands.add_parser("create", help="create a database and install addons",
                                 description="Create a database with the base addon (and others).")
    create.add_argument("name")
    create.add_argument("--demo", action="store_true", help="load demo data")
    create.add_argument("-i", "--init", metavar="MODULES", default="",
                        help="addons to install besides base, comma separated")
    create.add_argument("--admin-password", metavar="PASSWORD",
                        help="password of the user 'admin' (default: a random one, printed)")
    create.set_defaults(func=run_create)
    listing = commands.add_parser("list", help="list databases", description="List the databases.")
    listing.set_defaults(func=run_list)
    drop = commands.add_parser("drop", help="drop a database", description="Drop a database for good.")
    drop.add_argument("name")
    drop.set_defaults(func=run_drop)
    copy = commands.add_parser("copy", help="copy a database", description="Copy database SOURCE to TARGET.")
    copy.add_argument("source")
    copy.add_argument("target")
    copy.set_defaults(func=run_copy)


def _server(config):
    from ..db.runtime import open_database_server
    return open_database_server(config)


def run_create(args, config):
    from ..db.server import DatabaseError
    from ..modules.loading import install_modules
    server = _server(config)
    password = args.admin_password or secrets.token_urlsafe(12)
    modules = [m.strip() for m in args.init.split(",") if m.strip()]
    try:
        server.create_database(args.name)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    try:
        install_modules(server, args.name, ["base"] + modules, config=config, demo=args.demo,
                        admin_password=password)
    except Exception:
        server.drop_database(args.name)
        raise
    print(f"Database {args.name!r} created with {', '.join(['base'] + modules)}.")
    if not args.admin_password:
        print(f"Log in as 'admin' with the password: {password}")


def run_list(args, config):
    for name in _server(config).list_databases():
        print(name)


def run_drop(args, config):
    from ..db.server import DatabaseError
    try:
        _server(config).drop_database(args.name)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    print(f"Database {args.name!r} dropped.")


def run_copy(args, config):
    from ..db.server import DatabaseError
    try:
        _server(config).copy_database(args.source, args.target)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    print(f"Database {args.source!r} copied to {args.target!r}.")
