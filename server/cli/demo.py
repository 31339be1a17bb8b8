"""``bureau demo``: Bureau's main job, ready in one command.

It starts the embedded PostgreSQL, creates (once) the database ``demo`` with every shipped addon and
its demo data, and opens a shell on it. The ``admin`` password is generated at creation, stored in
``<data dir>/demo-admin-password`` (mode 0600) and printed.
"""
import os
import secrets

DEMO_DB = "demo"


def add_parser(subparsers):
    parser = subparsers.add_parser("demo", help="prepare the demo database and open it",
                                   description="Start the embedded PostgreSQL, create the 'demo' database "
                                               "once (all shipped addons, demo data) and open a shell on it.")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the demo database")
    parser.add_argument("--no-shell", action="store_true", help="only prepare the database")
    parser.set_defaults(func=run)


def shipped_addons():
    from ..modules.discovery import addons_namespace
    from ..modules.loading import available_manifests
    from pathlib import Path
    shipped = Path(addons_namespace().__path__[0])
    return sorted(name for name, manifest in available_manifests().items()
                  if Path(manifest["path"]).parent == shipped and manifest["installable"])


def run(args, config):
    from ..db.runtime import open_database_server
    from ..modules.loading import install_modules
    server = open_database_server(config)
    password_file = config.data_path / "demo-admin-password"
    if args.reset and server.exists(DEMO_DB):
        server.drop_database(DEMO_DB)
    if not server.exists(DEMO_DB):
        password = secrets.token_urlsafe(12)
        server.create_database(DEMO_DB)
        try:
            install_modules(server, DEMO_DB, shipped_addons(), config=config, demo=True, admin_password=password)
        except Exception:
            server.drop_database(DEMO_DB)
            raise
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        print(f"Demo database {DEMO_DB!r} created with: {', '.join(shipped_addons())}.")
    if password_file.exists():
        print(f"Log in as 'admin' with the password in {password_file}: {password_file.read_text().strip()}")
    if args.no_shell:
        return 0
    from .shell import run as run_shell

    class ShellArgs:
        database = DEMO_DB
        no_commit = False
    return run_shell(ShellArgs, config)
