"""``bureau module``: list, install, upgrade and uninstall the addons of a database."""
from .main import CommandError


def add_parser(subparsers):
    parser = subparsers.add_parser("module", help="manage the addons of a database",
                                   description="List, install, upgrade or uninstall addons in a database.")
    commands = parser.add_subparsers(dest="module_command", metavar="ACTION")
    commands.required = True
    listing = commands.add_parser("list", help="list addons and their state",
                                  description="List the addons on the addons path and their state in DB.")
    listing.add_argument("-d", "--database", required=True)
    listing.set_defaults(func=run_list)
    for action, helptext in (("install", "install addons (and their dependencies)"),
                             ("upgrade", "upgrade addons (and the addons depending on them); 'all' for every one"),
                             ("uninstall", "uninstall addons (and the addons depending on them)")):
        command = commands.add_parser(action, help=helptext, description=helptext.capitalize() + ".")
        command.add_argument("-d", "--database", required=True)
        command.add_argument("names", nargs="+", metavar="NAME", help="addon names (comma or space separated)")
        command.set_defaults(func=run_operation, action=action)


def _server(config, database):
    from ..db.runtime import open_database_server
    server = open_database_server(config)
    if not server.exists(database):
        raise CommandError(f"database {database!r} does not exist")
    return server


def run_list(args, config):
    from ..modules.lifecycle import available_manifests, module_states
    server = _server(config, args.database)
    with server.cursor(args.database) as cr:
        states = module_states(cr)
    for name, manifest in sorted(available_manifests().items()):
        print(f"{name:30} {states.get(name, 'uninstalled'):12} {manifest['version']:12} {manifest['name']}")


def run_operation(args, config):
    from ..exceptions import UserError
    from ..modules.lifecycle import ModuleLoader
    from .progress import progress_bar
    server = _server(config, args.database)
    names = [n.strip() for name in args.names for n in name.split(",") if n.strip()]
    with progress_bar(f"{args.action} {', '.join(names)}") as progress:
        loader = ModuleLoader(server, args.database, config, progress=progress)
        try:
            loader.run(**{args.action: names})
        except UserError as exc:
            raise CommandError(str(exc)) from None
    done = {"install": "Installed in", "upgrade": "Upgraded in", "uninstall": "Uninstalled from"}[args.action]
    print(f"{done} {args.database!r}: {', '.join(names)}")
