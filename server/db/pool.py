"""Connection pool shared by all databases of one PostgreSQL server.

Bureau holds one PostgreSQL database per tenant, so the pool hands out connections per database
name while bounding the total number of connections. A connection that failed at protocol level
(server restart, terminated backend) is discarded rather than returned to the pool (security.md
TRX-B), so the next call gets a fresh one.
"""
import logging
import select
import threading
import time

import psycopg2
import psycopg2.extensions

_logger = logging.getLogger(__name__)


class PoolError(Exception):
    """No connection became available in time."""


class ConnectionPool:
    """A bounded pool of psycopg2 connections keyed by database name.

    :param dsn_params: connection keywords (host, port, user, password ...) without ``dbname``
    :param maxconn: total connections this pool may hold open across databases
    :param timeout: seconds a caller waits for a free connection before :class:`PoolError`
    """

    def __init__(self, dsn_params, maxconn=32, timeout=30.0):
        self.dsn_params = {k: v for k, v in dsn_params.items() if k != "dbname"}
        self.maxconn = maxconn
        self.timeout = timeout
        self._idle = {}          # dbname -> [connection, ...]
        self._count = 0          # connections open (idle + in use)
        self._cond = threading.Condition()

    def __repr__(self):
        return f"<ConnectionPool {self.dsn_params.get('host')} {self._count}/{self.maxconn}>"

    def borrow(self, dbname):
        """Return an open connection to ``dbname`` (idle one if available, else a new one)."""
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while True:
                idle = self._idle.get(dbname)
                while idle:
                    conn = idle.pop()
                    if self._usable(conn):
                        return conn
                    self._discard(conn)
                if self._count < self.maxconn:
                    self._count += 1
                    break
                if self._close_one_idle():
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PoolError(f"no database connection available within {self.timeout}s "
                                    f"(pool of {self.maxconn} connections is exhausted)")
                self._cond.wait(remaining)
        try:
            conn = psycopg2.connect(dbname=dbname, **self.dsn_params)
        except Exception:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise
        return conn

    def give_back(self, conn, dbname, keep=True):
        """Return a connection; it is closed instead when ``keep`` is false or it is broken."""
        with self._cond:
            if keep and self._usable(conn):
                try:
                    conn.rollback()
                except psycopg2.Error:
                    self._discard(conn)
                else:
                    self._idle.setdefault(dbname, []).append(conn)
            else:
                self._discard(conn)
            self._cond.notify()

    def close_all(self, dbname=None):
        """Close the idle connections (of one database, or all); needed before DROP DATABASE."""
        with self._cond:
            names = [dbname] if dbname else list(self._idle)
            for name in names:
                for conn in self._idle.pop(name, []):
                    self._discard(conn)
            self._cond.notify_all()

    def _close_one_idle(self):
        for name, conns in self._idle.items():
            if conns:
                self._discard(conns.pop(0))
                return True
        return False

    def _discard(self, conn):
        try:
            if not conn.closed:
                conn.close()
        except psycopg2.Error:
            pass
        self._count -= 1

    @staticmethod
    def _usable(conn):
        if conn.closed:
            return False
        status = conn.get_transaction_status()
        if status == psycopg2.extensions.TRANSACTION_STATUS_UNKNOWN:
            return False
        if status == psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            # nothing should arrive on an idle connection: data (or end of file) on its socket means
            # the backend was terminated (server restart, pg_terminate_backend); psycopg2 would
            # only notice at the next statement
            try:
                poller = select.poll()  # unlike select(), not limited to descriptors below 1024
                poller.register(conn.fileno(), select.POLLIN)
                if poller.poll(0):
                    return False
            except (OSError, ValueError, psycopg2.Error):
                return False
        return True
