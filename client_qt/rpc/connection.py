"""The connection to a Bureau server: JSON-RPC over ``requests`` with a web session.

All calls are blocking; the GUI makes them through :mod:`client_qt.rpc.runner`, never on its own
thread. TLS certificates are verified (security.md CLI-1); a plain ``http://`` URL to another host
than this machine is flagged by :meth:`Connection.is_insecure` so the login dialog can warn.
"""
import itertools
import logging
import threading
import time
import urllib.parse

import requests

from .errors import ConnectionLost, from_error

_logger = logging.getLogger(__name__)

LOOPBACK = ("localhost", "127.0.0.1", "::1")


class Connection:
    """:param url: the server, e.g. ``http://127.0.0.1:8069``
    :param timeout: seconds per request (connect, read)
    :param retries: attempts when the server cannot be reached
    """

    def __init__(self, url, timeout=(5, 120), retries=3, verify=True):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.session = requests.Session()
        self.session.verify = verify
        self.session.headers["Content-Type"] = "application/json"
        self._ids = itertools.count(1)
        self.db = None
        self.uid = None
        self.login = None
        self.session_info = {}
        self.calls = 0
        # one request at a time: the session cookie jar is shared and replies stay in order
        self._lock = threading.Lock()

    def is_insecure(self):
        parts = urllib.parse.urlsplit(self.url)
        return parts.scheme == "http" and parts.hostname not in LOOPBACK

    # -- transport -------------------------------------------------------------------------------
    def post(self, path, params):
        """POST a JSON-RPC call to ``path``; returns ``result`` or raises the typed error."""
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": next(self._ids)}
        last_error = None
        for attempt in range(self.retries):
            try:
                with self._lock:
                    response = self.session.post(self.url + path, json=payload, timeout=self.timeout)
                break
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_error = exc
                _logger.warning("cannot reach %s (%s), attempt %d/%d", self.url, exc, attempt + 1, self.retries)
                time.sleep(min(2 ** attempt * 0.2, 2))
        else:
            raise ConnectionLost(f"Cannot reach the server {self.url}: {last_error}")
        self.calls += 1
        if response.status_code != 200:
            raise ConnectionLost(f"The server answered HTTP {response.status_code} on {path}")
        try:
            reply = response.json()
        except ValueError:
            raise ConnectionLost(f"The server sent an invalid reply on {path}") from None
        if "error" in reply:
            raise from_error(reply["error"])
        return reply.get("result")

    # -- session ---------------------------------------------------------------------------------
    def version(self):
        return self.post("/web/webclient/version_info", {})

    def list_databases(self):
        return self.post("/web/database/list", {})

    def authenticate(self, db, login, password):
        """Open a web session; returns the session info (uid, user context ...)."""
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
