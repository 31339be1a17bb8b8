"""Checking who calls: login/password, and the password sent with every XML-RPC/JSON-RPC call.

The password KDF (argon2id) is slow on purpose, and XML-RPC clients send the password with every
call: after one successful verification the worker remembers ``(db, uid) -> HMAC(process secret,
password)`` for a few minutes and compares later calls against it (security.md AUTH-1b); the plain
password is never kept. Failed attempts always go through the KDF. A change of password, groups or
activity clears the cache through the registry's cache signal.
"""
import collections
import hashlib
import hmac
import logging
import secrets
import threading
import time

from ..exceptions import AccessDenied
from ..orm.environment import SUPERUSER_ID, Environment

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
            digest, expires, gen = entry
            if expires < time.monotonic() or gen != generation:
                del self._data[key]
                return False
            if hmac.compare_digest(digest, self._digest(secret)):
                self.hits += 1
                return True
            return False

    def remember(self, key, secret, generation):
        with self._lock:
            self._data[key] = (self._digest(secret), time.monotonic() + self.ttl, generation)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self):
        with self._lock:
            self._data.clear()


credential_cache = CredentialCache()


def authenticate(runtime, dbname, login, password, address=None):
    """The uid of ``login`` if ``password`` is right.

    :raises AccessDenied: unknown login, wrong password, inactive user (one message for all)
    """
    if not isinstance(login, str) or not isinstance(password, str) or not login or not password:
        raise AccessDenied()
    registry = runtime.registry(dbname)
    with runtime.cursor(dbname) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        try:
            uid = env["res.users"]._check_credentials_for(login, password)
        except AccessDenied:
            _logger.warning("login failed for %r on %s from %s", login, dbname, address or "?")
            raise
    _logger.info("login %r (uid %s) on %s from %s", login, uid, dbname, address or "?")
    credential_cache.remember((dbname, uid), password, registry.cache_sequence)
    return uid


def check_uid(runtime, dbname, uid, password, address=None):
    """Verify the credentials sent with an ``object`` call; returns the uid.

    :raises AccessDenied: wrong uid/password
    """
    if isinstance(uid, bool) or not isinstance(uid, int) or uid <= 0 or not isinstance(password, str) \
            or not password:
        raise AccessDenied()
    registry = runtime.registry(dbname)
    if credential_cache.check((dbname, uid), password, registry.cache_sequence):
        return uid
    with runtime.cursor(dbname) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        cr.execute("SELECT login FROM res_users WHERE id = %s AND active", [uid])
        row = cr.fetchone()
        if not row:
            env["res.users"]._check_credentials_for("\x00no such login", password)
        checked = env["res.users"]._check_credentials_for(row[0], password)
        if checked != uid:
            raise AccessDenied()
    credential_cache.remember((dbname, uid), password, registry.cache_sequence)
    return uid
