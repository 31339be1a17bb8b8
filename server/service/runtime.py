"""What every service call needs: configuration, the PostgreSQL server and the registries.

One :class:`Runtime` exists per server process. Registries are loaded lazily per database (REG-1)
and reloaded when another process signals a change through the database's signalling sequences
(modules.md REG-8): after a module install in one worker, the others see the new models on their
next request.
"""
import contextlib
import contextvars
import logging
import re
import threading

from ..db.server import DBNAME_RE
from ..exceptions import AccessDenied, UserError
from ..orm.registry import Registry

_logger = logging.getLogger(__name__)


#: databases whose signals were read during the current request (see :meth:`Runtime.request`)
_CHECKED = contextvars.ContextVar("bureau_checked_databases", default=None)


class DatabaseNotFound(UserError):
    """The database does not exist (the message says so: clients match "does not exist")."""


class Runtime:
    """:param config: the :class:`~bureau.config.Config`
    :param db_server: the :class:`~bureau.db.server.DatabaseServer`
    """

    def __init__(self, config, db_server):
        self.config = config
        self.db_server = db_server
        self._lock = threading.RLock()
        self._db_locks = {}
        filter_pattern = config.get("db_filter")
        self.db_filter = re.compile(filter_pattern) if filter_pattern else None

    # -- databases -------------------------------------------------------------------------------
    def check_dbname(self, dbname):
        """Validate a database name from a request (VAL-6, ACL-6).

        :raises DatabaseNotFound: invalid name, filtered out by ``db_filter``, or missing
        """
        if not isinstance(dbname, str) or not DBNAME_RE.match(dbname) or len(dbname.encode()) > 63:
            raise DatabaseNotFound(f'database "{str(dbname)[:64]}" does not exist')
        if self.db_filter is not None and not self.db_filter.fullmatch(dbname):
            raise DatabaseNotFound(f'database "{dbname}" does not exist')
        return dbname

    def list_databases(self):
        """The databases this server serves (``db_filter`` applied)."""
        names = self.db_server.list_databases()
        if self.db_filter is not None:
            names = [name for name in names if self.db_filter.fullmatch(name)]
        return names

    @contextlib.contextmanager
    def request(self):
        """Scope of one request: the signals of a database are read once in it, not at every
        :meth:`registry` call (a call authenticates, then runs: one check serves both)."""
        token = _CHECKED.set(set())
        try:
            yield
        finally:
            _CHECKED.reset(token)

    def is_loaded(self, dbname):
        try:
            return Registry.get(dbname) is not None
        except KeyError:
            return False

    def registry(self, dbname, cr=None):
        """The up-to-date registry of ``dbname`` (loaded or reloaded when needed).

        :param cr: a cursor on ``dbname`` to read the signals in (saves a transaction), once the
            registry is loaded
        :raises DatabaseNotFound: the database does not exist or is not initialised
        """
        self.check_dbname(dbname)
        checked = _CHECKED.get()
        with self._lock:
            lock = self._db_locks.setdefault(dbname, threading.RLock())
        with lock:
            try:
                registry = Registry.get(dbname)
            except KeyError:
                registry = None
            if registry is not None:
                if checked is not None and dbname in checked:
                    return registry
                registry = self._check_signals(registry, cr)
            if registry is None:
                registry = self._load(dbname)
            if checked is not None:
                checked.add(dbname)
            return registry

    def _load(self, dbname):
        from ..modules.loading import load_registry
        if not self.db_server.exists(dbname):
            raise DatabaseNotFound(f'database "{dbname}" does not exist')
        try:
            registry = load_registry(self.db_server, dbname, self.config)
        except LookupError:
            raise DatabaseNotFound(f'database "{dbname}" does not exist or is not initialised') from None
        with self.db_server.cursor(dbname) as cr:
            registry.registry_sequence, registry.cache_signal_sequence = registry.read_signals(cr)
        _logger.info("registry of %s loaded (%d models)", dbname, len(registry))
        return registry

    def _check_signals(self, registry, cr=None):
        """The registry, or None when another process changed the models (reload needed)."""
        try:
            if cr is not None:
                registry_value, cache_value = registry.read_signals(cr)
            else:
                with self.db_server.cursor(registry.dbname) as own:
                    registry_value, cache_value = registry.read_signals(own)
        except Exception:
            _logger.exception("cannot read the signalling sequences of %s", registry.dbname)
            return registry
        if registry.registry_sequence is not None and registry_value != registry.registry_sequence:
            _logger.info("registry of %s changed in another process: reloading", registry.dbname)
            Registry.delete(registry.dbname)
            return None
        if registry.cache_signal_sequence is not None and cache_value != registry.cache_signal_sequence:
            _logger.info("caches of %s invalidated by another process", registry.dbname)
            registry.clear_cache()
            registry.cache_signal_sequence = cache_value
        return registry

    def cursor(self, dbname, readonly=False):
        return self.db_server.cursor(dbname, readonly=readonly)

    def refuse_unless_listing_allowed(self):
        if not self.config.get("list_db", True):
            raise AccessDenied()
