"""``bureau module``: list and install addons in a database."""
from .main import CommandError


def add_parser(subparsers):
    parser = subparsers.add_parser("module", help="manage the addons of a database",
                                   description="List or install addons in a database.")
    commands = parser.add_subparsers(dest="module_command", metavar="ACTION")
    commands.required = True
    listing = commands.add_parser("list", help="list addons and their state",
                                  description="List the addons on the addons path and their state in DB.")
    listing.add_argument("-d", "--database", required=True)
    listing.set_defaults(func=run_list)
    install = commands.add_parser("install", help="install addons", description="Install addons in DB.")
    install.add_argument("-d", "--database", required=True)
    install.add_argument("names", nargs="+", metavar="NAME")
    install.set_defaults(func=run_install)


def run_list(args, config):
    from ..db.runtime import open_database_server
    from ..modules.loading import available_manifests
    server = open_database_server(config)
    if not server.exists(args.database):
        raise CommandError(f"database {args.database!r} does not exist")
    with server.cursor(args.database) as cr:
        cr.execute("SELECT name, state FROM ir_module_module")
        states = dict(cr.fetchall())
    for name, manifest in sorted(available_manifests().items()):
        print(f"{name:30} {states.get(name, 'uninstalled'):12} {manifest['name']}")


def run_install(args, config):
    from ..db.runtime import open_database_server
    from ..modules.graph import DependencyError
    from ..modules.loading import install_modules
    server = open_database_server(config)
    if not server.exists(args.database):
        raise CommandError(f"database {args.database!r} does not exist")
    names = [n.strip() for name in args.names for n in name.split(",") if n.strip()]
    try:
        install_modules(server, args.database, names, config=config)
    except DependencyError as exc:
        raise CommandError(str(exc)) from None
    print(f"Installed in {args.database!r}: {', '.join(names)}")
