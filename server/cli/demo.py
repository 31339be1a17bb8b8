"""``bureau demo``: Bureau's main job, ready in one command.

It starts the embedded PostgreSQL, creates (once) the database ``demo`` with every shipped addon and
its demo data, serves it at http://127.0.0.1:8069 (``--http-port`` to change) and starts the desktop
client logged in as ``admin``; closing the client stops the demo. ``--no-client`` only serves (until
Ctrl-C) and prints how to connect; ``--no-serve`` only prepares the database. The ``admin``
password is generated at creation, stored in ``<data dir>/demo-admin-password`` (mode 0600) and
printed.

An existing demo database follows the shipped addons: addons shipped since it was created are
installed, and when the shipped addons' files changed (a fingerprint of their paths, sizes and
modification times is kept in ``<data dir>/demo-addons-fingerprint``) they are upgraded.
"""
import hashlib
import logging
import os
import secrets
import signal
import subprocess
import threading
import time
from pathlib import Path

_logger = logging.getLogger(__name__)

DEMO_DB = "demo"
#: a client exiting sooner than this with an error did not start (no display, no Qt): keep serving
CLIENT_START_SECONDS = 10


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "demo", help="prepare the demo database, serve it and open the desktop client",
        description="Start the embedded PostgreSQL, create the 'demo' database once (all shipped addons, "
                    "demo data), serve it on 127.0.0.1 and start the desktop client on it.")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the demo database")
    parser.add_argument("--http-port", type=int, help="port to serve on [8069]")
    parser.add_argument("--no-client", action="store_true", help="serve only, until Ctrl-C")
    parser.add_argument("--no-serve", "--no-shell", dest="no_serve", action="store_true",
                        help="only prepare the database")
    parser.set_defaults(func=run)


def shipped_manifests():
    """``{name: manifest}`` of the installable addons shipped with Bureau."""
    from ..modules.discovery import addons_namespace
    from ..modules.loading import available_manifests
    shipped = Path(addons_namespace().__path__[0])
    return {name: manifest for name, manifest in available_manifests().items()
            if Path(manifest["path"]).parent == shipped and manifest["installable"]}


def addons_fingerprint(manifests):
    """A digest of the files of the addons of ``manifests`` (path, size, modification time)."""
    digest = hashlib.sha256()
    for name in sorted(manifests):
        root = Path(manifests[name]["path"])
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(root.parent)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def refresh(server, config):
    """Install the shipped addons the demo database lacks; upgrade them when their files changed."""
    from ..modules.loading import install_modules, installed_modules, upgrade_modules
    from .progress import progress_bar
    manifests = shipped_manifests()
    shipped = sorted(manifests)
    fingerprint_file = config.data_path / "demo-addons-fingerprint"
    fingerprint = addons_fingerprint(manifests)
    with server.cursor(DEMO_DB) as cr:
        missing = sorted(set(shipped) - set(installed_modules(cr)))
    if missing:
        print(f"Installing in {DEMO_DB!r} the addons shipped since it was created: {', '.join(missing)}", flush=True)
        with progress_bar(f"install {', '.join(missing)}") as progress:
            install_modules(server, DEMO_DB, missing, config=config, demo=True, progress=progress)
    elif fingerprint_file.exists() and fingerprint_file.read_text().strip() != fingerprint:
        print(f"The shipped addons changed: upgrading them in {DEMO_DB!r}", flush=True)
        with progress_bar("upgrade all") as progress:
            upgrade_modules(server, DEMO_DB, ["all"], config=config, progress=progress)
    config.data_path.mkdir(parents=True, exist_ok=True)
    fingerprint_file.write_text(fingerprint + "\n")


def prepare(server, config, reset=False):
    """Create the demo database unless it exists; returns the ``admin`` password (or None when
    the database exists but its password file is gone)."""
    from ..modules.loading import install_modules
    from .progress import progress_bar
    password_file = config.data_path / "demo-admin-password"
    if reset and server.exists(DEMO_DB):
        server.drop_database(DEMO_DB)
    if not server.exists(DEMO_DB):
        password = secrets.token_urlsafe(12)
        server.create_database(DEMO_DB)
        shipped = sorted(shipped_manifests())
        try:
            with progress_bar("creating the demo database") as progress:
                install_modules(server, DEMO_DB, shipped, config=config, demo=True,
                                admin_password=password, progress=progress)
        except Exception:
            server.drop_database(DEMO_DB)
            raise
        config.data_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        print(f"Demo database {DEMO_DB!r} created with: {', '.join(shipped)}.", flush=True)
    refresh(server, config)
    if password_file.exists():
        return password_file.read_text().strip()
    return None


def run(args, config):
    from ..db.runtime import close_database_server, open_database_server
    from ..orm.registry import Registry
    server = open_database_server(config)
    try:
        password = prepare(server, config, reset=args.reset)
        Registry.delete(DEMO_DB)      # the server loads its own
        password_file = config.data_path / "demo-admin-password"
        if password:
            print(f"Log in as 'admin' with the password in {password_file}: {password}", flush=True)
        if args.no_serve:
            return 0
        values = {"http_host": "127.0.0.1"}
        if args.http_port:
            values["http_port"] = args.http_port
        config = config.replace(**values)
        return serve(config, password, start_client=not args.no_client)
    finally:
        # the embedded PostgreSQL stops when its last user (the server) has left
        close_database_server(server)


def serve(config, password, start_client=True):
    """Serve until SIGTERM/Ctrl-C or until the desktop client is closed."""
    from .serve import run_threaded
    url = f"http://{config['http_host']}:{config['http_port']}"
    ready = threading.Event()

    def announce():
        ready.wait()
        print(f"Bureau demo at {url}: database {DEMO_DB!r}, login 'admin'.", flush=True)
        print(f"  desktop client: bureau client --url {url} --db {DEMO_DB} --login admin", flush=True)
        print(f"  XML-RPC: xmlrpc.client.ServerProxy('{url}/xmlrpc/2/common')"
              f".authenticate('{DEMO_DB}', 'admin', PASSWORD, {{}})", flush=True)
        if start_client:
            run_client(url, password)
        else:
            print("Press Ctrl-C to stop.", flush=True)

    threading.Thread(target=announce, name="bureau-demo", daemon=True).start()
    return run_threaded(config, ready=ready)


def run_client(url, password):
    """Run the desktop client logged in on the demo; its normal exit stops the demo."""
    from .client import client_command
    start = time.monotonic()
    try:
        process = subprocess.Popen(client_command(url, DEMO_DB, "admin", password_stdin=bool(password)),
                                   stdin=subprocess.PIPE, text=True)
        if password:
            process.stdin.write(password + "\n")
        process.stdin.close()
        code = process.wait()
    except OSError as exc:
        code, start = f"{exc}", time.monotonic()
    if code != 0 and time.monotonic() - start < CLIENT_START_SECONDS:
        print(f"The desktop client did not start ({code}); the demo keeps serving, Ctrl-C to stop.",
              flush=True)
        return
    _logger.info("desktop client closed: stopping the demo")
    os.kill(os.getpid(), signal.SIGTERM)
