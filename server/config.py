"""Bureau's configuration: every option, its type and its default in one table.

Precedence is defaults < config file (INI, section ``[options]``) < ``BUREAU_*`` environment
variables < command line. The :class:`Config` object is built once at start-up; other modules receive
it (or values from it) and never read ``os.environ`` or files themselves.

The command line uses the ``--config`` file, else ``BUREAU_CONFIG``, else ``<data dir>/bureau.conf``
(:func:`default_config_file`); :func:`update_config_file` writes values back (the generated master
password hash), keeping the other lines, with mode 0600.

Example::

    cfg = Config.load(file="bureau.conf", environ=os.environ, overrides={"http_port": 8070})
    cfg["http_port"]  # -> 8070
"""
import configparser
import contextlib
import logging
import os
import re
import tempfile
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
    Option("limit_time_idle_transaction", int, 300,
           "idle_in_transaction_session_timeout of server connections (seconds; 0: none)"),
    Option("limit_time_real", int, 120,
           "prefork: seconds a worker may spend on one request before it is killed and replaced"),
    Option("limit_time_cpu", int, 60, "prefork: CPU seconds a worker may spend on one request"),
    Option("limit_request", int, 8192, "prefork: requests a worker serves before it is replaced"),
    Option("cron_interval", float, 60.0,
           "seconds between two checks for due scheduled actions (ir.cron); 0 disables the runner"),
    Option("limit_records", int, 10_000, "records one search/read call returns at most (security.md VAL-5)"),
    Option("server_action_code", _bool, True, "run server actions of type Python code (security.md EVAL-5)"),
    Option("session_idle_days", int, 7, "days a web session may stay unused"),
    Option("session_lifetime_days", int, 30, "days a web session lives at most"),
    Option("login_attempts_per_login", int, 5,
           "failed logins per login from one network before that network is refused for the window"),
    Option("login_attempts_per_network", int, 100, "failed logins from one network before it is refused"),
    Option("login_attempts_window", int, 900, "seconds a failed login counts for throttling"),
    Option("login_attempts_slow_login", int, 50,
           "failed logins per login from all networks after which each attempt is slowed down"),
]

DEFAULTS = {opt.name: opt.default for opt in OPTIONS}
_BY_NAME = {opt.name: opt for opt in OPTIONS}


class ConfigError(ValueError):
    """A configuration value has the wrong type; the message names the key."""


class Config:
    """The resolved configuration, a read-only mapping of option name to typed value."""

    def __init__(self, values=None, file=None):
        self._values = dict(DEFAULTS)
        for key, value in (values or {}).items():
            self._values[key] = _convert(key, value, "value")
        #: the configuration file this configuration reads and writes (the generated master
        #: password hash is stored there, DBM-1); it may not exist yet. None: no file.
        self.file = Path(file) if file else None

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
        return Config(merged, file=self.file)

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
    def load(cls, file=None, environ=None, overrides=None, missing_ok=False):
        """Build the configuration from its sources.

        :param file: path of an INI file (section ``[options]``), or None
        :param environ: a mapping of environment variables; ``BUREAU_<KEY>`` are read
        :param overrides: command-line values; ``None`` values mean "not given"
        :param missing_ok: a missing ``file`` is not an error (it is created when a value must be
            stored, see :func:`update_config_file`)
        :raises ConfigError: when a value has the wrong type (the message names the key)
        """
        values = {}
        if file and missing_ok and not os.path.exists(file):
            file_to_read = None
        else:
            file_to_read = file
        if file_to_read:
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
        return cls(values, file=file)


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


#: name of the configuration file in the data directory, read and written when no ``--config`` is given
CONFIG_FILE_NAME = "bureau.conf"
_SECTION_RE = re.compile(r"^\s*\[([^\]]+)\]")


def default_config_file(data_dir=None):
    """The configuration file used without ``--config``: ``<data dir>/bureau.conf``."""
    return (Path(data_dir) if data_dir else default_data_dir()) / CONFIG_FILE_NAME


def update_config_file(path, values, keep_existing=False):
    """Set ``values`` in the ``[options]`` section of the INI file ``path``, keeping every other line.

    The file is created when missing (and its directory), and is always written whole to a
    temporary file of mode 0600 renamed over it: a reader never sees half a file and the result is
    readable by its owner only (STYLE.md §6: it may hold the master password hash). Writers are
    serialised with a lock on the directory, so two servers starting together do not both write.

    :param values: ``{key: text}``; keys must be known options, texts on one line
    :param keep_existing: keys already set in the file keep their value (nothing is written for them)
    :returns: ``{key: value in the file afterwards}`` for the keys of ``values``
    :raises ConfigError: unknown key or multi-line value
    :raises OSError: the file or its directory cannot be written
    """
    path = Path(path)
    for key, value in values.items():
        if key not in _BY_NAME:
            raise ConfigError(f"unknown configuration key {key!r}")
        if "\n" in str(value) or "\r" in str(value):
            raise ConfigError(f"configuration key {key!r}: the value must be on one line")
    directory = path.parent
    if not directory.exists():
        # as root the embedded PostgreSQL's service user must traverse the data directory (DBM-7)
        directory.mkdir(parents=True, mode=0o755 if _is_root() else 0o700)
    with _DirectoryLock(directory):
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text, source=str(path))
        current = dict(parser.items("options")) if parser.has_section("options") else {}
        result = {}
        changes = {}
        for key, value in values.items():
            if keep_existing and current.get(key):
                result[key] = current[key]
            else:
                result[key] = changes[key] = str(value)
        if changes:
            _write_private(path, _set_lines(text.splitlines(), changes))
    return result


def _set_lines(lines, changes):
    """``lines`` of an INI file with the ``[options]`` keys of ``changes`` set (replaced in place,
    or appended to the section, which is created when missing)."""
    lines = list(lines)
    start = next((i for i, line in enumerate(lines)
                  if (m := _SECTION_RE.match(line)) and m.group(1).strip() == "options"), None)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines.append("[options]")
        start = len(lines) - 1
    end = next((i for i in range(start + 1, len(lines)) if _SECTION_RE.match(lines[i])), len(lines))
    for key, value in changes.items():
        key_re = re.compile(rf"^{re.escape(key)}\s*[=:]", re.IGNORECASE)
        index = next((i for i in range(start + 1, end) if key_re.match(lines[i])), None)
        if index is None:
            insert_at = end
            while insert_at > start + 1 and not lines[insert_at - 1].strip():
                insert_at -= 1
            lines.insert(insert_at, f"{key} = {value}")
            end += 1
        else:
            lines[index] = f"{key} = {value}"
            # drop the continuation lines of a former multi-line value
            while index + 1 < end and lines[index + 1][:1] in (" ", "\t") and lines[index + 1].strip():
                del lines[index + 1]
                end -= 1
    return "\n".join(lines) + "\n"


def _write_private(path, text):
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)   # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class _DirectoryLock:
    """An exclusive ``flock`` on a directory (released when the block ends)."""

    def __init__(self, directory):
        self.directory = directory

    def __enter__(self):
        self.fd = os.open(self.directory, os.O_RDONLY)
        try:
            import fcntl
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except ImportError:      # no flock on this platform: writers are not serialised
            pass
        return self

    def __exit__(self, *exc):
        os.close(self.fd)


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0
