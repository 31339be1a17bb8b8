"""``bureau db``: create, list, copy, drop, dump and restore tenant databases."""
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
    copy.add_argument("--neutralize", action="store_true",
                      help="deactivate scheduled actions and mail servers in the copy, new database.uuid")
    copy.set_defaults(func=run_copy)
    dump = commands.add_parser("dump", help="back a database up to an archive",
                               description="Write database NAME and its attachment files to the zip "
                                           "archive FILE (with a manifest of SHA-256 hashes).")
    dump.add_argument("name")
    dump.add_argument("file")
    dump.set_defaults(func=run_dump)
    restore = commands.add_parser("restore", help="create a database from an archive",
                                  description="Create database NAME from the archive FILE written by "
                                              "'bureau db dump'. The archive is verified first; NAME "
                                              "must not exist.")
    restore.add_argument("name")
    restore.add_argument("file")
    restore.add_argument("--copy", action="store_true",
                         help="the database is a copy: deactivate scheduled actions and mail servers, "
                              "new database.uuid")
    restore.set_defaults(func=run_restore)


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
    from ..db.dump import remove_filestore
    try:
        _server(config).drop_database(args.name)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    remove_filestore(config.filestore_root, args.name)
    print(f"Database {args.name!r} dropped.")


def run_copy(args, config):
    from ..db.server import DatabaseError
    from ..db.dump import Duplicate
    try:
        Duplicate(_server(config), config.filestore_root).run(args.source, args.target,
                                                              neutralize=args.neutralize)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    print(f"Database {args.source!r} copied to {args.target!r}{' (neutralized)' if args.neutralize else ''}.")


def run_dump(args, config):
    from ..db.dump import Backup
    from ..db.server import DatabaseError
    from .progress import progress_bar
    try:
        with progress_bar(f"dump {args.name}") as progress:
            manifest = Backup(_server(config), args.name, config.filestore_root, progress=progress).run(args.file)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    files = len(manifest["members"]) - 1
    print(f"Database {args.name!r} dumped to {args.file} ({files} attachment files).")
    if manifest["missing_files"]:
        print(f"Warning: {len(manifest['missing_files'])} attachment files were missing or damaged "
              f"and are not in the archive.")


def run_restore(args, config):
    from ..db.dump import Restore
    from ..db.server import DatabaseError
    from .progress import progress_bar
    try:
        with progress_bar(f"restore {args.name}") as progress:
            Restore(_server(config), config.filestore_root, progress=progress).run(args.file, args.name,
                                                                                    copy=args.copy)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    print(f"Database {args.name!r} restored from {args.file}{' as a copy' if args.copy else ''}.")
