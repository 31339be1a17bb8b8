"""The connection to a Bureau server: JSON-RPC over ``requests`` with a web session.

All calls are blocking; the GUI makes them through :mod:`client_qt.rpc.runner`, never on its own
thread. TLS certificates are verified (security.md CLI-1); a plain ``http://`` URL to another host
than this machine is flagged by :meth:`Connection.is_insecure` so the login dialog can warn.

Each worker thread has its own HTTP session (its own keep-alive connection); they share one cookie
jar, so one web session. Calls therefore run side by side: a long call does not hold up the others,
and a call the user stopped waiting for (:mod:`.runner`) does not block the next ones.

**Lost connection.** When the server cannot be reached the call is tried again after
:attr:`Connection.backoff` delays (0.5, 1, 2, 4, 8 s by default), and listeners are told
(``"retrying"``, then ``"lost"`` or ``"restored"``) so the window can say so. A call is only sent
again when it surely did not reach the server (the TCP connection was refused or timed out, or a
proxy answered 502/503/504), or when it only reads: a ``write`` whose answer was lost may have
been done, and doing it twice is worse than reporting it.
"""
import itertools
import logging
import threading
import time
import urllib.parse

import requests
import urllib3

from .errors import ConnectionLost, from_error

_logger = logging.getLogger(__name__)

LOOPBACK = ("localhost", "127.0.0.1", "::1")
#: delays (seconds) before the successive new attempts of a call that could not reach the server
BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)
#: proxy answers meaning the server behind it is not there (the request was not handled)
UNAVAILABLE_STATUS = (502, 503, 504)
#: methods that only read: sent again even when the first attempt may have reached the server
READ_METHODS = frozenset({
    "read", "search", "search_read", "search_count", "name_search", "name_get", "read_group", "fields_get",
    "get_views", "load_views", "fields_view_get", "default_get", "onchange", "load_menus", "check_access_rights",
    "get_preferences", "web_search_read", "web_read", "read_progress_bar", "export_data",
})
#: session routes that change nothing on the server
READ_PATHS = ("/web/webclient/version_info", "/web/database/list", "/web/session/get_session_info",
              "/web/session/check", "/web/session/get_lang_list", "/web/action/load")


def _not_sent(exc):
    """Whether a transport error happened before the request reached the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError))


class Connection:
    """:param url: the server, e.g. ``http://127.0.0.1:8069``
    :param timeout: seconds per request (connect, read)
    :param retries: attempts when the server cannot be reached (1: no retry); at most
        ``len(backoff) + 1``
    :param backoff: delays in seconds before the second, third ... attempt
    """

    def __init__(self, url, timeout=(5, 120), retries=len(BACKOFF) + 1, verify=True, backoff=BACKOFF):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = tuple(backoff)
        self.verify = verify
        self.cookies = requests.cookies.RequestsCookieJar()
        self._local = threading.local()
        self._ids = itertools.count(1)
        self.db = None
        self.uid = None
        self.login = None
        self.session_info = {}
        self.calls = 0
        #: ``listener(state, detail)`` for ``"retrying"`` (detail: attempt, attempts, delay, error),
        #: ``"lost"`` (detail: error) and ``"restored"``; called in the calling thread
        self.listeners = []
        self.reachable = True

    @property
    def session(self):
        """The HTTP session of the calling thread (shares the cookie jar with the others)."""
        http = getattr(self._local, "http", None)
        if http is None:
            http = requests.Session()
            http.verify = self.verify
            http.cookies = self.cookies
            http.headers["Content-Type"] = "application/json"
            self._local.http = http
        return http

    def is_insecure(self):
        parts = urllib.parse.urlsplit(self.url)
        return parts.scheme == "http" and parts.hostname not in LOOPBACK

    def session_cookie(self):
        """The web session cookie (tests end it from outside to check a re-login)."""
        return self.cookies.get("session_id")

    # -- transport -------------------------------------------------------------------------------
    def _tell(self, state, **detail):
        for listener in list(self.listeners):
            try:
                listener(state, detail)
            except Exception:  # a listener must not break the call
                _logger.exception("connection listener failed")

    def post(self, path, params):
        """POST a JSON-RPC call to ``path``; returns ``result`` or raises the typed error.

        :raises ConnectionLost: the server could not be reached after the retries, or the answer
            of a call that changes data was lost (it may or may not have been done)
        """
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": next(self._ids)}
        reads = path in READ_PATHS or params.get("method") in READ_METHODS
        attempts = max(1, min(self.retries, len(self.backoff) + 1))
        attempt = 0
        while True:
            attempt += 1
            error = None
            try:
                response = self.session.post(self.url + path, json=payload, timeout=self.timeout)
            except requests.ReadTimeout as exc:
                raise ConnectionLost(f"The server {self.url} did not answer within {self.timeout[1]} s: the "
                                     f"operation may or may not have been done.",
                                     data={"kind": "timeout", "url": self.url, "debug": str(exc)}) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                error, retry = exc, reads or _not_sent(exc)
            else:
                if response.status_code in UNAVAILABLE_STATUS:
                    error, retry = f"HTTP {response.status_code}", True
            if error is None:
                break
            if not retry:
                self._lost(error)
                raise ConnectionLost(f"The connection to {self.url} broke before the answer came: the operation "
                                     f"may or may not have been done. Check before trying again.",
                                     data={"kind": "broken", "url": self.url, "debug": str(error)})
            if attempt >= attempts:
                self._lost(error)
                raise ConnectionLost(f"Cannot reach the server {self.url}.",
                                     data={"kind": "unreachable", "url": self.url, "debug": str(error)})
            delay = self.backoff[attempt - 1]
            _logger.warning("cannot reach %s (%s), attempt %d/%d, next in %.1f s", self.url, error, attempt, attempts,
                            delay)
            self.reachable = False
            self._tell("retrying", attempt=attempt, attempts=attempts, delay=delay, error=str(error))
            time.sleep(delay)
        self.calls += 1
        if not self.reachable:
            self.reachable = True
            _logger.info("server %s reachable again", self.url)
            self._tell("restored")
        if response.status_code != 200:
            raise ConnectionLost(f"The server answered HTTP {response.status_code} on {path}",
                                 data={"kind": "http", "url": self.url, "status": response.status_code})
        try:
            reply = response.json()
        except ValueError:
            raise ConnectionLost(f"The server sent an invalid reply on {path}",
                                 data={"kind": "invalid", "url": self.url}) from None
        if "error" in reply:
            raise from_error(reply["error"])
        return reply.get("result")

    def probe(self):
        """One attempt to reach the server (no retry, a short timeout); tells ``"restored"`` when it
        answers after being lost. Returns whether it answered."""
        try:
            response = self.session.post(self.url + "/web/webclient/version_info",
                                         json={"jsonrpc": "2.0", "method": "call", "params": {}, "id": 0},
                                         timeout=(3, 10))
        except (requests.ConnectionError, requests.Timeout):
            return False
        if response.status_code in UNAVAILABLE_STATUS:
            return False
        if not self.reachable:
            self.reachable = True
            _logger.info("server %s reachable again", self.url)
            self._tell("restored")
        return True

    def _lost(self, error):
        self.reachable = False
        _logger.warning("server %s unreachable: %s", self.url, error)
        self._tell("lost", error=str(error))

    # -- session ---------------------------------------------------------------------------------
    def version(self):
        return self.post("/web/webclient/version_info", {})

    def list_databases(self):
        return self.post("/web/database/list", {})

    def authenticate(self, db, login, password):
        """Open a web session; returns the session info (uid, user context ...).

        Also used to log in again after the session ended: the session cookie is replaced and the
        calls waiting for it go on (see :meth:`client_qt.rpc.runner.Runner.resume`).
        """
        info = self.post("/web/session/authenticate", {"db": db, "login": login, "password": password})
        self.db, self.login = db, login
        self.uid = info.get("uid")
        self.session_info = info
        return info

    def logout(self):
        try:
            self.post("/web/session/destroy", {})
        finally:
            self.uid = None

    @property
    def user_context(self):
        return dict(self.session_info.get("user_context") or {})

    def update_user_context(self, values):
        """Change the user context of the next calls (language, time zone after the preferences)."""
        info = dict(self.session_info)
        info["user_context"] = dict(info.get("user_context") or {}, **values)
        self.session_info = info

    # -- calls -----------------------------------------------------------------------------------
    def call_kw(self, model, method, args=None, kwargs=None, context=None):
        """``model.method(*args, **kwargs)`` with the user context merged under ``context``."""
        kwargs = dict(kwargs or {})
        ctx = self.user_context
        ctx.update(kwargs.pop("context", None) or {})
        ctx.update(context or {})
        kwargs["context"] = ctx
        return self.post(f"/web/dataset/call_kw/{model}/{method}",
                         {"model": model, "method": method, "args": list(args or []), "kwargs": kwargs})

    def call_button(self, model, method, ids, context=None):
        ctx = self.user_context
        ctx.update(context or {})
        return self.post(f"/web/dataset/call_button/{model}/{method}",
                         {"model": model, "method": method, "args": [list(ids)], "kwargs": {"context": ctx}})

    def load_action(self, action_id, context=None):
        ctx = self.user_context
        ctx.update(context or {})
        return self.post("/web/action/load", {"action_id": action_id, "context": ctx})
