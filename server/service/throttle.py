"""Throttling of secret checks: logins, per-call passwords, API keys, the master password
(security.md AUTH-3).

Failed attempts are rows of the table ``auth_login_failure`` in PostgreSQL, so every worker process
sees the same counts (an in-memory counter per worker does not work: odoo/odoo#183454). A failure is
counted against a *key* (``login:<login>`` for users; other callers choose their own, e.g. the
master-password check) and the client's *network* (/32 for IPv4, /56 for IPv6, as trytond does: an
IPv6 client easily owns a whole /64). Within the window (15 minutes by default):

* 5 failures for one key from one network, or 100 failures from one network, block further attempts
  from that network, even with the right secret, until the window passes;
* other networks are not blocked: the attacker is locked out, not the victim;
* every failure waits a random delay growing with the count, and a key with 50 failures from all
  networks together is slowed down further.

Typical use (a cursor factory on the database holding the counts)::

    uid = throttle.guarded(lambda: runtime.cursor(dbname), throttle.login_key(login), address,
                           verify, throttle.Limits.from_config(config), on_blocked=spend_kdf_time)

``verify()`` returns the result or raises :class:`~bureau.exceptions.AccessDenied`; a blocked
attempt raises the same ``AccessDenied`` after ``on_blocked()`` (which should cost what a real check
costs), so callers cannot tell a throttled attempt from a wrong secret (AUTH-4). The lower-level
:func:`is_blocked`, :func:`failed` and :func:`succeeded` take an open cursor.

The table is created on first use in any database (``CREATE TABLE IF NOT EXISTS`` under an
advisory lock), so databases created before this module, and databases that are not tenants (where a
caller keeps master-password failures), need no upgrade.
"""
import ipaddress
import logging
import random
import time
from dataclasses import dataclass

import psycopg2

from ..db.retry import is_retryable
from ..exceptions import AccessDenied

_logger = logging.getLogger(__name__)

TABLE = "auth_login_failure"
_DDL = """
    CREATE TABLE IF NOT EXISTS auth_login_failure (
        id BIGSERIAL PRIMARY KEY,
        key VARCHAR NOT NULL,
        network VARCHAR NOT NULL,
        failed_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
    );
    CREATE INDEX IF NOT EXISTS auth_login_failure_network_idx ON auth_login_failure (network, failed_at);
    CREATE INDEX IF NOT EXISTS auth_login_failure_key_idx ON auth_login_failure (key, failed_at);
"""
#: advisory lock serialising the creation of the table by concurrent workers
_DDL_LOCK = 0x6275726561  # "burea"
#: keys longer than this are cut (an attacker must not store megabytes per attempt)
MAX_KEY_LENGTH = 256
#: the prefix length counted as one network
IPV4_PREFIX = 32
IPV6_PREFIX = 56
#: seconds of delay per failure already counted, at most ``MAX_DELAY``
DELAY_STEP = 0.1
MAX_DELAY = 1.0
#: extra seconds (random, at most) once a key passed ``slow_login`` failures from all networks
SLOW_DELAY = 2.0

#: failures counted since the process started, and attempts refused as throttled (for operators)
failure_count = 0
blocked_count = 0


@dataclass(frozen=True)
class Limits:
    """The throttle's limits; defaults of security.md AUTH-3.

    :param per_login: failures per key from one network before that network is blocked for the key
    :param per_network: failures from one network (all keys) before the network is blocked
    :param window: seconds a failure counts
    :param slow_login: failures per key from all networks after which each attempt is slowed down
    """

    per_login: int = 5
    per_network: int = 100
    window: int = 900
    slow_login: int = 50

    @classmethod
    def from_config(cls, config):
        """The limits configured by ``login_attempts_*`` options (defaults when missing)."""
        get = config.get if config is not None else (lambda key, default: default)
        return cls(per_login=get("login_attempts_per_login", cls.per_login),
                   per_network=get("login_attempts_per_network", cls.per_network),
                   window=get("login_attempts_window", cls.window),
                   slow_login=get("login_attempts_slow_login", cls.slow_login))


@dataclass(frozen=True)
class Counts:
    """Failures in the window: for the key from the network, from the network, for the key."""

    key_network: int
    network: int
    key: int

    def blocked(self, limits):
        return self.key_network >= limits.per_login or self.network >= limits.per_network


def login_key(login):
    """The throttle key of a user login (case-insensitive, so ``Admin`` and ``admin`` count together)."""
    return "login:" + str(login).strip().lower()[:MAX_KEY_LENGTH]


def network_of(address):
    """The network a client address counts in: ``'198.51.100.7/32'``, ``'2001:db8:0:100::/56'``.

    IPv4-mapped IPv6 addresses count as their IPv4 address; anything unparsable is ``'unknown'``.
    """
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(str(address).strip().split("%")[0])
    except ValueError:
        return "unknown"
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _best_effort(cr, query, params):
    """A delete that a concurrent login may have done already: its serialization failure must not
    fail the login (the rows are gone either way)."""
    try:
        with cr.savepoint(flush=False):
            cr.execute(query, params)
    except psycopg2.Error as exc:
        if not is_retryable(exc):
            raise


def ensure_table(cr):
    """Create the failure table in the cursor's database if it is missing."""
    cr.execute("SELECT to_regclass(%s)", [TABLE])
    if cr.fetchone()[0] is None:
        cr.execute("SELECT pg_advisory_xact_lock(%s)", [_DDL_LOCK])
        cr.execute(_DDL)


def counts(cr, key, address, limits, table_exists=False):
    """The :class:`Counts` of ``key`` and the network of ``address`` in the window.

    :param table_exists: the caller saw the failure table in this transaction (saves a query)
    """
    if not table_exists:
        ensure_table(cr)
    network = network_of(address)
    key = key[:MAX_KEY_LENGTH]
    cr.execute("""
        SELECT count(*) FILTER (WHERE key = %(key)s AND network = %(network)s),
               count(*) FILTER (WHERE network = %(network)s),
               count(*) FILTER (WHERE key = %(key)s)
          FROM auth_login_failure
         WHERE failed_at > (now() AT TIME ZONE 'UTC') - make_interval(secs => %(window)s)
           AND (key = %(key)s OR network = %(network)s)
    """, {"key": key, "network": network, "window": limits.window})
    return Counts(*cr.fetchone())


def is_blocked(cr, key, address, limits):
    """Whether attempts for ``key`` from ``address`` are refused until the window passes."""
    return counts(cr, key, address, limits).blocked(limits)


def failed(cr, key, address, limits):
    """Record a failed attempt; returns the delay (seconds) the caller should wait before answering
    (outside its transaction: a sleeping request must not hold a database connection)."""
    global failure_count
    ensure_table(cr)
    cr.execute("INSERT INTO auth_login_failure (key, network) VALUES (%s, %s)",
               [key[:MAX_KEY_LENGTH], network_of(address)])
    if random.random() < 0.02:
        # old rows count for nothing; a cheap occasional clean-up keeps the table small
        _best_effort(cr, "DELETE FROM auth_login_failure "
                     "WHERE failed_at < (now() AT TIME ZONE 'UTC') - make_interval(secs => %s)", [2 * limits.window])
    failure_count += 1
    return delay_for(counts(cr, key, address, limits), limits)


def succeeded(cr, key, address):
    """Forget the failures of ``key`` from the network of ``address`` (the owner typed it right)."""
    ensure_table(cr)
    _best_effort(cr, "DELETE FROM auth_login_failure WHERE key = %s AND network = %s",
                 [key[:MAX_KEY_LENGTH], network_of(address)])


def delay_for(counted, limits):
    """A random delay growing with the number of failures (seconds)."""
    base = min(DELAY_STEP * counted.key_network, MAX_DELAY)
    delay = random.uniform(base / 2, base)
    if counted.key >= limits.slow_login:
        delay += random.uniform(SLOW_DELAY / 2, SLOW_DELAY)
    return delay


def guarded(open_cursor, key, address, verify, limits, on_blocked=None, what="login"):
    """Run the secret check ``verify()`` under the throttle.

    :param open_cursor: returns a new cursor on the database holding the counts (each step runs
        and commits in its own transaction, so a failure stays recorded whatever the caller does)
    :param key: what is being guessed, e.g. :func:`login_key` of the login
    :param address: the client's address (already resolved through a trusted proxy)
    :param verify: returns the result, or raises :class:`AccessDenied` for a wrong secret
    :param limits: the :class:`Limits`
    :param on_blocked: called for a blocked attempt so that it costs what a check costs (AUTH-4)
    :param what: how the log lines name the attempt (never the secret)
    :returns: what ``verify()`` returned
    :raises AccessDenied: wrong secret, or blocked (the same error)
    """
    global blocked_count
    with open_cursor() as cr:
        counted = counts(cr, key, address, limits)
    if counted.blocked(limits):
        blocked_count += 1
        _logger.warning("%s from %s refused: too many failed attempts (%d for this key, %d from this "
                        "network)", what, address or "?", counted.key_network, counted.network)
        if on_blocked is not None:
            try:
                on_blocked()
            except AccessDenied:
                pass
        time.sleep(delay_for(counted, limits))
        raise AccessDenied()
    try:
        result = verify()
    except AccessDenied:
        with open_cursor() as cr:
            delay = failed(cr, key, address, limits)
        _logger.warning("%s from %s failed", what, address or "?")
        time.sleep(delay)
        raise
    if counted.key_network:
        with open_cursor() as cr:
            succeeded(cr, key, address)
    return result
