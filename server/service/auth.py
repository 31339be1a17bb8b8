"""Checking who calls: login/password, and the password sent with every XML-RPC/JSON-RPC call.

The password KDF (argon2id) is slow on purpose, and XML-RPC clients send the password with every
call: after one successful verification the worker remembers ``(db, uid) -> HMAC(process secret,
password)`` for a few minutes and compares later calls against it (security.md AUTH-1b); the plain
password is never kept. Failed attempts always go through the KDF and the throttle
(:mod:`bureau.service.throttle`). A change of password, groups or activity, or an API key revoked,
clears the cache through the registry's cache signal; an API key's expiry bounds its cache entry.
"""
import collections
import datetime
import hashlib
import hmac
import logging
import secrets
import threading
import time

from ..exceptions import AccessDenied
from ..orm.environment import SUPERUSER_ID, Environment
from ..orm.registry import Registry
from . import throttle

_logger = logging.getLogger(__name__)

_PROCESS_SECRET = secrets.token_bytes(32)
CACHE_TTL = 600
CACHE_SIZE = 1024


class CredentialCache:
    """A bounded, time-limited map ``(db, uid) -> HMAC of the secret`` (never the secret itself)."""

    def __init__(self, ttl=CACHE_TTL, size=CACHE_SIZE):
        self.ttl = ttl
        self.size = size
        self._data = collections.OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    @staticmethod
    def _digest(secret):
        return hmac.new(_PROCESS_SECRET, secret.encode(), hashlib.sha256).digest()

    def check(self, key, secret, generation):
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return False
            digest, expires, gen, until = entry
            if expires < time.monotonic() or gen != generation or (until is not None and until <= _utcnow()):
                del self._data[key]
                return False
            if hmac.compare_digest(digest, self._digest(secret)):
                self.hits += 1
                return True
            return False

    def remember(self, key, secret, generation, until=None):
        """Remember a verified secret; ``until`` (naive UTC datetime) bounds the entry's life for
        secrets that expire (API keys)."""
        with self._lock:
            self._data[key] = (self._digest(secret), time.monotonic() + self.ttl, generation, until)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self):
        with self._lock:
            self._data.clear()


credential_cache = CredentialCache()


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def authenticate(runtime, dbname, login, password, address=None, allow_api_key=True):
    """The uid of ``login`` if ``password`` is right (or, when ``allow_api_key``, one of the
    user's API keys: XML-RPC and ``/jsonrpc`` accept them, web sessions do not, AUTH-2).

    The attempt goes through the throttle (AUTH-3): failures are counted per login and client
    network, and a blocked attempt is refused like a wrong password, after the same work (AUTH-4).

    :param address: the client address (through a trusted proxy already resolved)
    :raises AccessDenied: unknown login, wrong password, inactive user, throttled (one message for all)
    :raises DatabaseNotFound: the database does not exist or is not initialised
    """
    if not isinstance(login, str) or not isinstance(password, str) or not login or not password \
            or "\x00" in login:  # PostgreSQL refuses NUL in strings: it cannot be anyone's login
        raise AccessDenied()
    registry = runtime.registry(dbname)

    def verify():
        with runtime.cursor(dbname) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            return _verify(env, login, password, allow_api_key)

    uid, until = throttle.guarded(
        lambda: runtime.cursor(dbname), throttle.login_key(login), address, verify,
        throttle.Limits.from_config(runtime.config), on_blocked=lambda: _spend_check(runtime, dbname, password),
        what=f"login {login!r} on {dbname}")
    _logger.info("login %r (uid %s) on %s from %s", login, uid, dbname, address or "?")
    credential_cache.remember((dbname, uid), password, registry.cache_sequence, until)
    return uid


def check_uid(runtime, dbname, uid, password, address=None):
    """Verify the credentials sent with an ``object`` call (password or API key); returns the uid.

    A worker that verified the same secret recently answers from :data:`credential_cache`; the
    throttle is consulted first either way, so a blocked network is refused even with the right
    secret.

    :raises AccessDenied: wrong uid/password, throttled
    """
    if isinstance(uid, bool) or not isinstance(uid, int) or uid <= 0 or not isinstance(password, str) \
            or not password:
        raise AccessDenied()
    if not runtime.is_loaded(dbname):
        runtime.registry(dbname)  # loads it, or says the database does not exist
    limits = throttle.Limits.from_config(runtime.config)
    with runtime.cursor(dbname) as cr:
        # one transaction for the registry signals, the user and the throttle counts
        registry = runtime.registry(dbname, cr=cr)
        cr.execute("SELECT (SELECT login FROM res_users WHERE id = %s), to_regclass(%s) IS NOT NULL",
                   [uid, throttle.TABLE])
        login, table_exists = cr.fetchone()
        key = throttle.login_key(login if login is not None else f"#{uid}")
        counted = throttle.counts(cr, key, address, limits, table_exists=table_exists)
    if not counted.blocked(limits) and credential_cache.check((dbname, uid), password, registry.cache_sequence):
        return uid

    def verify():
        with runtime.cursor(dbname) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            cr.execute("SELECT login FROM res_users WHERE id = %s AND active", [uid])
            row = cr.fetchone()
            if not row:
                _spend(env, password)
                raise AccessDenied()
            checked, until = _verify(env, row[0], password, allow_api_key=True)
            if checked != uid:
                raise AccessDenied()
            return until

    until = throttle.guarded(lambda: runtime.cursor(dbname), key, address, verify, limits,
                             on_blocked=lambda: _spend_check(runtime, dbname, password),
                             what=f"call of uid {uid} on {dbname}")
    credential_cache.remember((dbname, uid), password, registry.cache_sequence, until)
    return uid


def _verify(env, login, secret, allow_api_key):
    """``(uid, valid until or None)`` of ``login`` authenticated by ``secret``.

    An API key is tried first when allowed (a cheap lookup by its prefix); a key that is unknown or
    belongs to someone else falls through to the password check, so every failure costs one KDF.

    :raises AccessDenied: no match
    """
    if allow_api_key and "res.users.apikeys" in env:
        found = env["res.users.apikeys"]._check_credentials(scope="rpc", key=secret)
        if found:
            key_uid, expires = found
            env.cr.execute("SELECT id FROM res_users WHERE login = %s AND active", [login])
            row = env.cr.fetchone()
            if row and row[0] == key_uid:
                return key_uid, expires
    return env["res.users"]._check_credentials_for(login, secret), None


def _spend(env, secret):
    """Do the work of a failed password check (a KDF run on a dummy hash), for equal timing."""
    try:
        env["res.users"]._check_credentials_for("\x00no such login", secret)
    except AccessDenied:
        pass


def _spend_check(runtime, dbname, secret):
    with runtime.cursor(dbname) as cr:
        _spend(Environment(cr, SUPERUSER_ID, {}, registry=runtime.registry(dbname)), secret)


def _recheck_guard(registry, uid, verify):
    """A logged-in user's password checked again (``res.users._check_own_password``): failures
    count under the key ``recheck:<uid>``, separate from logins, whatever the client address."""
    return throttle.guarded(registry.cursor, f"recheck:{uid}", None, verify,
                            throttle.Limits.from_config(registry.config), what=f"password re-check of uid {uid}")


Registry.credential_guard = staticmethod(_recheck_guard)
