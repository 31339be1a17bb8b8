"""Bureau's configuration: every option, its type and its default in one table.

Precedence is defaults < config file (INI, section ``[options]``) < ``BUREAU_*`` environment
variables < command line. The :class:`Config` object is built once at start-up; other modules receive
it (or values from it) and never read ``os.environ`` or files themselves.

Example::

    cfg = Config.load(file="bureau.conf", environ=os.environ, overrides={"http_port": 8070})
    cfg["http_port"]  # -> 8070
"""
import configparser
import logging
import os
from dataclasses import dataclass
from pathlib import Path

_logger = logging.getLogger(__name__)


def _bool(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _list(value):
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [item.strip() for item in str(value).split(",") if item.strip()]


def _optional_str(value):
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class Option:
    name: str
    type: object
    default: object
    help: str


OPTIONS = [
    Option("db_uri", _optional_str, None,
           "PostgreSQL server URI (postgresql://user:pw@host:port/); empty = embedded PostgreSQL"),
    Option("data_dir", _optional_str, None,
           "directory for the embedded PostgreSQL cluster and the filestore "
           "[platform user data dir; /var/lib/bureau when run as root]"),
    Option("addons_path", _list, [], "extra directories holding addons, comma separated"),
    Option("log_level", _optional_str, None,
           "logging level: debug, info, warning, error [info for servers, warning for other commands]"),
    Option("db_maxconn", int, 32, "maximum connections per database in the connection pool"),
    Option("db_template", str, "template0", "template used by CREATE DATABASE for new tenants"),
    Option("db_retry_attempts", int, 5,
           "attempts for a transaction failing with a serialization failure or deadlock"),
    Option("prefetch_batch", int, 1000, "ids fetched per query when reading a recordset"),
    Option("create_batch", int, 100, "rows inserted per INSERT statement by create()"),
    Option("transient_age_limit", float, 1.0, "hours after which transient (wizard) records are vacuumed"),
    Option("osv_memory_count_limit", int, 0, "maximum rows per transient model; 0 = unlimited"),
    Option("registry_lru_size", int, 16, "registries (databases) kept loaded per process"),
    Option("http_host", str, "127.0.0.1", "address the server listens on"),
    Option("http_port", int, 8069, "port the server listens on"),
    Option("workers", int, 0, "worker processes (0: one threaded process)"),
    Option("list_db", _bool, True, "allow listing and managing databases over RPC"),
    Option("db_filter", _optional_str, None, "regular expression the served database names must match"),
    Option("admin_passwd", _optional_str, None, "hash of the master password guarding database management"),
    Option("proxy_mode", _bool, False, "trust X-Forwarded-* headers (behind a reverse proxy)"),
    Option("debug", _bool, False, "send tracebacks to loopback clients (never the Werkzeug debugger)"),
    Option("limit_request_small", int, 2 * 1024 * 1024, "body limit of common, db and session routes (bytes)"),
    Option("limit_request_large", int, 64 * 1024 * 1024, "body limit of object, /jsonrpc and call_kw (bytes)"),
    Option("limit_request_restore", int, 1024 * 1024 * 1024, "body limit of a database restore (bytes)"),
    Option("limit_time_statement", int, 60, "statement_timeout of each transaction (seconds)"),
    Option("limit_time_lock", int, 30, "lock_timeout of each transaction (seconds)"),
    Option("limit_time_real", int, 120,
           "prefork: seconds a worker may spend on one request before it is killed and replaced"),
    Option("limit_time_cpu", int, 60, "prefork: CPU seconds a worker may spend on one request"),
    Option("limit_request", int, 8192, "prefork: requests a worker serves before it is replaced"),
    Option("cron_interval", float, 60.0,
           "seconds between two checks for due scheduled actions (ir.cron); 0 disables the runner"),
    Option("session_idle_days", int, 7, "days a web session may stay unused"),
    Option("session_lifetime_days", int, 30, "days a web session lives at most"),
]

DEFAULTS = {opt.name: opt.default for opt in OPTIONS}
    Option("login_attempts_per_login", int, 5,
           "failed logins per login from one network before that network is refused for the window"),
    Option("login_attempts_per_network", int, 100, "failed logins from one network before it is refused"),
    Option("login_attempts_window", int, 900, "seconds a failed login counts for throttling"),
    Option("login_attempts_slow_login", int, 50,
           "failed logins per login from all networks after which each attempt is slowed down"),
_BY_NAME = {opt.name: opt for opt in OPTIONS}


class ConfigError(ValueError):
    """A configuration value has the wrong type; the message names the key."""


class Config:
    """The resolved configuration, a read-only mapping of option name to typed value."""

    def __init__(self, values=None):
        self._values = dict(DEFAULTS)
        for key, value in (values or {}).items():
            self._values[key] = _convert(key, value, "value")

    def __getitem__(self, key):
        return self._values[key]

    def get(self, key, default=None):
        return self._values.get(key, default)

    def __contains__(self, key):
        return key in self._values

    def as_dict(self):
        return dict(self._values)

    def replace(self, **values):
        """Return a copy with some values replaced (typed like the rest)."""
        merged = dict(self._values)
        merged.update({k: _convert(k, v, "value") for k, v in values.items()})
        return Config(merged)

    @property
    def data_path(self):
        """The data directory as a :class:`~pathlib.Path` (the default depends on the user, DBM-7)."""
        return Path(self["data_dir"]) if self["data_dir"] else default_data_dir()

    @property
    def filestore_root(self):
        """The directory holding one filestore (attachment files) per database."""
        return self.data_path / "filestore"

    def filestore(self, dbname):
        """The filestore of database ``dbname``: ``<data_dir>/filestore/<dbname>``."""
        return self.filestore_root / dbname

    @classmethod
    def load(cls, file=None, environ=None, overrides=None):
        """Build the configuration from its sources.

        :param file: path of an INI file (section ``[options]``), or None
        :param environ: a mapping of environment variables; ``BUREAU_<KEY>`` are read
        :param overrides: command-line values; ``None`` values mean "not given"
        :raises ConfigError: when a value has the wrong type (the message names the key)
        """
        values = {}
        if file:
            parser = configparser.ConfigParser(interpolation=None)
            if not parser.read(file):
                raise ConfigError(f"cannot read configuration file {file}")
            if parser.has_section("options"):
                for key, raw in parser.items("options"):
                    if key not in _BY_NAME:
                        _logger.warning("unknown configuration key %r in %s (ignored)", key, file)
                        continue
                    values[key] = _convert(key, raw, file)
            if "addons_path" in values:
                # relative directories in a file are relative to the file (modules.md DISC-1)
                base = Path(file).resolve().parent
                values["addons_path"] = [str((base / p).resolve()) for p in values["addons_path"]]
        for key in _BY_NAME:
            env_key = "BUREAU_" + key.upper()
            if environ and env_key in environ:
                values[key] = _convert(key, environ[env_key], env_key)
        for key, value in (overrides or {}).items():
            if value is None:
                continue
            if key not in _BY_NAME:
                raise ConfigError(f"unknown configuration key {key!r}")
            values[key] = _convert(key, value, "command line")
        return cls(values)


def _convert(key, value, source):
    option = _BY_NAME.get(key)
    if option is None:
        raise ConfigError(f"unknown configuration key {key!r} ({source})")
    try:
        return option.type(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"configuration key {key!r} ({source}): {exc}") from None


def default_data_dir():
    """Where Bureau keeps its state when ``--data-dir`` is not given.

    As root this is ``/var/lib/bureau``: the embedded PostgreSQL runs as a service user that must
    traverse the parents of its directory, and Bureau never loosens directories it does not own
    (security.md DBM-7). As an ordinary user it is the platform's user data directory.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/bureau")
    import platformdirs
    return Path(platformdirs.user_data_dir("bureau", appauthor=False))
