"""``bureau client``: start the desktop client (a separate program: it only talks RPC)."""
import subprocess
import sys


def add_parser(subparsers):
    parser = subparsers.add_parser("client", help="start the desktop client",
                                   description="Start the Bureau desktop client (PySide6).")
    parser.add_argument("--url", default=None, help="server URL [http://127.0.0.1:8069]")
    parser.add_argument("--db", default=None, help="database")
    parser.add_argument("--login", default=None, help="login")
    parser.set_defaults(func=run)


def client_command(url=None, db=None, login=None, password_stdin=False):
    """The command line running the client (``python -m client_qt ...``)."""
    command = [sys.executable, "-m", "client_qt"]
    for flag, value in (("--url", url), ("--db", db), ("--login", login)):
        if value:
            command += [flag, value]
    if password_stdin:
        command.append("--password-stdin")
    return command


def run(args, config):
    return subprocess.call(client_command(args.url, args.db, args.login))
