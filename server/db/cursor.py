"""The cursor Bureau's code works with: one transaction on one pooled connection.

It wraps a psycopg2 cursor and adds what the ORM needs: :class:`~bureau.db.sql.SQL` objects,
a query counter (``sql_count``, used by query-budget tests), savepoints as a context manager that
flushes pending ORM writes first and resets the ORM cache when rolled back, and pre-commit /
post-commit / post-rollback hooks for side effects that must not repeat when a call is retried.

Transactions run at REPEATABLE READ (orm.md TRX-1); a write conflict then surfaces as a
serialization failure which :mod:`bureau.db.retry` retries.
"""
import itertools
import logging
import time

import psycopg2
import psycopg2.extensions

from .sql import SQL

_logger = logging.getLogger(__name__)
_savepoint_ids = itertools.count(1)


class Callbacks:
    """An ordered list of callables run once (then forgotten), e.g. ``cr.postcommit.add(fn)``."""

    def __init__(self):
        self._funcs = []

    def add(self, func):
        self._funcs.append(func)

    def clear(self):
        self._funcs.clear()

    def run(self):
        while self._funcs:
            func = self._funcs.pop(0)
            func()

    def __len__(self):
        return len(self._funcs)


class Cursor:
    """A transaction on a pooled connection.

    Used as a context manager it commits on success, rolls back on an exception, and closes::

        with server.cursor("tenant") as cr:
            cr.execute(SQL("UPDATE t SET x = %s", 1))

    :ivar sql_count: number of statements executed (including failed ones)
    :ivar transaction: the ORM transaction bound to this cursor, if any (cache and pending writes)
    """

    def __init__(self, pool, dbname, conn, readonly=False):
        self._pool = pool
        self.dbname = dbname
        self._cnx = conn
        self.readonly = readonly
        conn.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ,
                         readonly=readonly, autocommit=False)
        self._obj = conn.cursor()
        self.sql_count = 0
        self.closed = False
        self.transaction = None
        self.precommit = Callbacks()
        self.postcommit = Callbacks()
        self.postrollback = Callbacks()
        self._now = None

    def __repr__(self):
        return f"<Cursor {self.dbname}{' closed' if self.closed else ''}>"

    # -- statements ---------------------------------------------------------------------------
    def execute(self, query, params=None, log_exceptions=True):
        """Run one statement: an :class:`SQL` object, or a code string with its params."""
        if isinstance(query, SQL):
            if params is not None:
                raise TypeError("params must be inside the SQL object")
            query, params = query.code, query.params
        start = time.perf_counter()
        try:
            self._obj.execute(query, params)
        except psycopg2.Error:
            if log_exceptions:
                _logger.debug("bad query: %s", query)
            raise
        finally:
            self.sql_count += 1
        if _logger.isEnabledFor(logging.DEBUG):
            _logger.debug("[%.1f ms] %s", (time.perf_counter() - start) * 1000, query)

    def execute_values(self, query, rows, template=None, page_size=100, fetch=False):
        """Insert many rows with one statement per page (``psycopg2.extras.execute_values``)."""
        import psycopg2.extras
        if isinstance(query, SQL):
            query = query.code
        pages = max(1, -(-len(rows) // page_size))
        result = psycopg2.extras.execute_values(self._obj, query, rows, template=template,
                                                page_size=page_size, fetch=fetch)
        self.sql_count += pages
        return result

    def fetchone(self):
        return self._obj.fetchone()

    def fetchall(self):
        return self._obj.fetchall()

    def fetchmany(self, size):
        return self._obj.fetchmany(size)

    def dictfetchall(self):
        names = [col.name for col in self._obj.description]
        return [dict(zip(names, row)) for row in self._obj.fetchall()]

    def dictfetchone(self):
        row = self._obj.fetchone()
        if row is None:
            return None
        return dict(zip((col.name for col in self._obj.description), row))

    @property
    def rowcount(self):
        return self._obj.rowcount

    @property
    def description(self):
        return self._obj.description

    @property
    def connection(self):
        return self._cnx

    def now(self):
        """The transaction's timestamp in UTC (naive), shared by every write of the transaction."""
        if self._now is None:
            self.execute("SELECT (now() AT TIME ZONE 'UTC')")
            self._now = self.fetchone()[0].replace(microsecond=0)
        return self._now

    # -- transaction control --------------------------------------------------------------------
    def flush(self):
        """Write the ORM's pending changes to the database (no-op without an ORM transaction)."""
        if self.transaction is not None:
            self.transaction.flush()

    def commit(self):
        """Flush, run pre-commit hooks, commit, then run post-commit hooks."""
        self.flush()
        self.precommit.run()
        self._cnx.commit()
        self._now = None
        self.postrollback.clear()
        if self.transaction is not None:
            self.transaction.clear()
        self.postcommit.run()

    def rollback(self):
        """Roll back, discard the ORM's pending state and run post-rollback hooks."""
        self.precommit.clear()
        self.postcommit.clear()
        if self.transaction is not None:
            self.transaction.reset()
        if not self._cnx.closed:
            self._cnx.rollback()
        self._now = None
        self.postrollback.run()

    def savepoint(self, flush=True):
        """A savepoint as a context manager: released on success, rolled back on an exception.

        :param flush: write pending ORM changes first, so the savepoint covers them
        """
        return Savepoint(self, flush)

    def close(self, keep=True):
        """Give the connection back to the pool, rolling back an open transaction."""
        if self.closed:
            return
        try:
            if not self._cnx.closed:
                self._obj.close()
                self.rollback()
        except psycopg2.Error:
            keep = False
        finally:
            self.closed = True
            self.transaction = None
            self._pool.give_back(self._cnx, self.dbname, keep=keep)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.commit()
        finally:
            self.close(keep=exc_type is None or not isinstance(exc, psycopg2.InterfaceError))


class Savepoint:
    """``with cr.savepoint():`` — see :meth:`Cursor.savepoint`."""

    def __init__(self, cr, flush):
        self.cr = cr
        self.flush = flush
        self.name = f"sp_{next(_savepoint_ids)}"

    def __enter__(self):
        if self.flush:
            self.cr.flush()
        self.cr.execute(SQL("SAVEPOINT %s", SQL.identifier(self.name)))
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            if self.flush:
                self.cr.flush()
            self.cr.execute(SQL("RELEASE SAVEPOINT %s", SQL.identifier(self.name)))
            return False
        if self.cr.transaction is not None:
            # pending writes and cached values may come from the rolled-back part (orm.md CCH-7)
            self.cr.transaction.reset()
        if not self.cr.connection.closed:
            self.cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(self.name)))
        return False


class TestCursor:
    """A cursor sharing the transaction of a test's real cursor (modules.md TEST-2).

    ``commit`` releases its savepoint and opens a new one, ``rollback`` returns to it; the real
    transaction is rolled back when the test ends, so nothing a test does is ever committed. Calls
    are serialised with a lock, as test code may use several threads (an RPC server).
    """

    import threading
    _lock = threading.RLock()

    def __init__(self, real):
        self._real = real
        self.dbname = real.dbname
        self.transaction = None
        self.precommit = Callbacks()
        self.postcommit = Callbacks()
        self.postrollback = Callbacks()
        self.closed = False
        self.readonly = False
        self._lock.acquire()
        self._savepoint = f"test_cursor_{next(_savepoint_ids)}"
        self._real.execute(SQL("SAVEPOINT %s", SQL.identifier(self._savepoint)))

    def __getattr__(self, name):
        return getattr(self._real, name)

    def execute(self, query, params=None, log_exceptions=True):
        return self._real.execute(query, params, log_exceptions)

    @property
    def sql_count(self):
        return self._real.sql_count

    def flush(self):
        if self.transaction is not None:
            self.transaction.flush()

    def savepoint(self, flush=True):
        return Savepoint(self, flush)

    def commit(self):
        self.flush()
        self.precommit.run()
        self._real.execute(SQL("RELEASE SAVEPOINT %s", SQL.identifier(self._savepoint)))
        self._real.execute(SQL("SAVEPOINT %s", SQL.identifier(self._savepoint)))
        if self.transaction is not None:
            self.transaction.clear()
        self.postcommit.run()

    def rollback(self):
        self.precommit.clear()
        self.postcommit.clear()
        if self.transaction is not None:
            self.transaction.reset()
        self._real.execute(SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(self._savepoint)))
        self.postrollback.run()

    def close(self, keep=True):
        if self.closed:
            return
        try:
            self.rollback()
            self._real.execute(SQL("RELEASE SAVEPOINT %s", SQL.identifier(self._savepoint)))
        finally:
            self.closed = True
            self.transaction = None
            self._lock.release()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.commit()
        finally:
            self.close()
