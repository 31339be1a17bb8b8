"""``bureau config``: settings kept in the configuration file; for now the master password.

``bureau config set-master-password`` asks for the new master password twice (or reads one line
from standard input with ``--stdin``; ``--generate`` makes a random one and prints it) and stores
only its argon2id hash in the configuration file (``--config``, else ``BUREAU_CONFIG``, else
``<data dir>/bureau.conf``), written with mode 0600. A running server picks the change up at its
next database-management call.

:func:`ensure_master_password` runs before ``bureau serve`` and ``bureau demo``: when no master
password is configured it generates one, stores its hash and prints the password, once
(security.md DBM-1).
"""
import getpass
import sys

from .main import CommandError


def add_parser(subparsers):
    parser = subparsers.add_parser("config", help="change settings of the configuration file",
                                   description="Change settings stored in the configuration file.")
    commands = parser.add_subparsers(dest="config_command", metavar="ACTION")
    commands.required = True
    master = commands.add_parser(
        "set-master-password", help="set the master password guarding database management",
        description="Store the hash of a new master password (the password of database creation, "
                    "backup, restore and deletion) in the configuration file.")
    source = master.add_mutually_exclusive_group()
    source.add_argument("--stdin", action="store_true", help="read the password from standard input")
    source.add_argument("--generate", action="store_true", help="generate a random password and print it")
    master.set_defaults(func=run_set_master_password)


def run_set_master_password(args, config):
    from ..exceptions import ValidationError
    from ..service.db import generate_master_password, store_master_password
    if config.file is None:
        raise CommandError("no configuration file: give one with --config")
    if args.generate:
        password = generate_master_password()
    elif args.stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("New master password: ")
        if getpass.getpass("Repeat it: ") != password:
            raise CommandError("the two passwords differ")
    try:
        store_master_password(config.file, password)
    except ValidationError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot write {config.file}: {exc.strerror or exc}") from None
    if args.generate:
        print(f"Master password: {password}")
    print(f"Master password hash stored in {config.file}.")


def ensure_master_password(config):
    """The configuration with a master password hash, generated (and printed once) when missing."""
    from ..config import ConfigError
    from ..service.db import ensure_master_password as ensure
    try:
        config, generated = ensure(config)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    if generated:
        print("No master password was configured: one was generated. It guards database creation, "
              "backup, restore and deletion, and is shown only this once:", flush=True)
        print(f"    master password: {generated}", flush=True)
        print(f"Only its hash is stored, in {config.file}. Change it with "
              f"'bureau config set-master-password'.", flush=True)
    return config
