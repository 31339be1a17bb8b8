"""Running a whole transaction again when PostgreSQL reports a concurrency failure.

At REPEATABLE READ PostgreSQL expects applications to retry transactions that fail with a
serialization failure (40001), a deadlock (40P01) or a lock that was not available (55P03)
(PostgreSQL manual §13.5, orm.md TRX-4). :func:`retrying` re-runs the *whole* unit of work on a
fresh cursor, after a random delay growing exponentially, and finally raises
:class:`~bureau.exceptions.ConcurrencyError`.
"""
import logging
import random
import time

import psycopg2
import psycopg2.errorcodes

from ..exceptions import ConcurrencyError

_logger = logging.getLogger(__name__)

RETRY_CODES = frozenset({
    psycopg2.errorcodes.SERIALIZATION_FAILURE,
    psycopg2.errorcodes.DEADLOCK_DETECTED,
    psycopg2.errorcodes.LOCK_NOT_AVAILABLE,
})
MAX_DELAY = 2.0

#: number of retries done in this process, for operators and tests
retry_count = 0


def is_retryable(exc):
    """Whether ``exc`` (or its cause) is a concurrency failure worth retrying."""
    while exc is not None:
        if isinstance(exc, psycopg2.Error) and exc.pgcode in RETRY_CODES:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def retrying(func, open_cursor, attempts=5):
    """Run ``func(cr)`` in its own transaction, retried on concurrency failures.

    :param func: the unit of work; called with an open cursor; its return value is returned
    :param open_cursor: callable returning a fresh :class:`~bureau.db.cursor.Cursor`
    :param attempts: total attempts before giving up
    :raises ConcurrencyError: the last attempt failed with a concurrency error
    """
    global retry_count
    for attempt in range(1, attempts + 1):
        cr = open_cursor()
        try:
            result = func(cr)
            cr.commit()
            return result
        except Exception as exc:
            try:
                cr.rollback()
            except psycopg2.Error:
                pass
            if not is_retryable(exc):
                raise
            if attempt == attempts:
                _logger.warning("giving up after %d attempts: %s", attempts, exc)
                raise ConcurrencyError(
                    "A concurrent update prevented the operation, please retry.") from exc
            retry_count += 1
            delay = random.uniform(0.0, min(MAX_DELAY, 0.05 * 2 ** attempt))
            _logger.info("concurrency failure (%s), retry %d/%d in %.3fs",
                         getattr(exc, "pgcode", type(exc).__name__), attempt, attempts - 1, delay)
            time.sleep(delay)
        finally:
            cr.close()
    raise AssertionError("unreachable")
