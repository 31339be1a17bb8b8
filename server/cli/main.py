"""The ``bureau`` command line: ``bureau [global options] COMMAND ...`` (modules.md §15).

Every command is a module of this package with ``add_parser(subparsers)`` and ``run(args, config)``.
Global options apply to every command: ``--config FILE`` (INI), ``--db-uri``, ``--data-dir``,
``--addons-path``, ``--log-level``; the command line overrides the file, which overrides defaults.
Without ``--config`` (or ``BUREAU_CONFIG``) the file is ``<data dir>/bureau.conf``, read when it
exists. ``serve`` and ``demo`` make sure a master password is configured first (security.md DBM-1).
"""
import argparse
import importlib
import logging
import os
import sys

from ..config import Config, ConfigError, default_config_file
from ..exceptions import UserError

COMMANDS = ("client", "config", "db", "demo", "module", "scaffold", "serve", "shell", "test")
#: commands that log at INFO by default (long-running servers); the others only warn
VERBOSE_COMMANDS = ("serve", "demo")
#: commands that generate a master password when none is configured (security.md DBM-1)
MASTER_PASSWORD_COMMANDS = ("serve", "demo")


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
    file = config_file(args, os.environ)
    if (args.config or os.environ.get("BUREAU_CONFIG")) and not os.path.exists(file):
        logging.getLogger(__name__).warning("configuration file %s does not exist: defaults apply", file)
    return Config.load(file=file, environ=os.environ, overrides=overrides, missing_ok=True)


def config_file(args, environ):
    """The configuration file: ``--config``, else ``BUREAU_CONFIG``, else ``<data dir>/bureau.conf``
    (it may not exist yet; the master password hash is written there)."""
    explicit = args.config or environ.get("BUREAU_CONFIG")
    if explicit:
        return explicit
    return str(default_config_file(args.data_dir or environ.get("BUREAU_DATA_DIR")))


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
        if args.command in MASTER_PASSWORD_COMMANDS:
            from .config import ensure_master_password
            config = ensure_master_password(config)
        return args.func(args, config) or 0
    except KeyboardInterrupt:
        return 130
    except (CommandError, UserError) as exc:
        print(f"bureau: error: {exc}", file=sys.stderr)
        return 1


class CommandError(Exception):
    """A command failed for a reason the user can act on; printed without a traceback."""

