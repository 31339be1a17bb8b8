"""Recorded server replies for the client's Qt-model tests (STYLE.md §9).

A recording is a JSON list of ``{"model", "method", "args", "kwargs", "result"}`` (or ``"error"``)
entries in call order, made by :class:`RecordingConnection` wrapped around a real connection to the
live server. :class:`ReplayConnection` answers the same calls from the file: a call with the same
model, method and arguments (the context aside) gets the next recorded reply for it; a call that was
never recorded fails the test loudly instead of returning something invented.
"""
import copy
import json
import threading
from pathlib import Path

from client_qt.rpc.errors import from_error

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "client"


def call_key(model, method, args, kwargs):
    kwargs = {k: v for k, v in (kwargs or {}).items() if k != "context"}
    return json.dumps([model, method, list(args or []), kwargs], sort_keys=True, default=list)


class UnrecordedCall(AssertionError):
    """The code made a call the recording does not have (re-record with BUREAU_RECORD_CLIENT=1)."""


class ReplayConnection:
    """A stand-in for :class:`~client_qt.rpc.connection.Connection` answering from a recording."""

    def __init__(self, name, user_context=None, uid=2):
        self.path = FIXTURES / f"{name}.json"
        entries = json.loads(self.path.read_text())
        self.replies = {}
        for entry in entries:
            key = call_key(entry["model"], entry["method"], entry["args"], entry["kwargs"])
            self.replies.setdefault(key, []).append(entry)
        self.uid = uid
        self.db = "recorded"
        self.url = "recorded://"
        self.login = "admin"
        self.session_info = {"uid": uid, "name": "Administrator",
                             "user_context": dict({"lang": "en_US", "tz": "Europe/Brussels"}, **(user_context or {}))}
        self.log = []
        self._lock = threading.Lock()

    @property
    def user_context(self):
        return dict(self.session_info["user_context"])

    def call_kw(self, model, method, args=None, kwargs=None, context=None):
        key = call_key(model, method, args, kwargs)
        with self._lock:
            self.log.append((model, method, copy.deepcopy(list(args or [])),
                             {k: v for k, v in (kwargs or {}).items() if k != "context"}))
            queue = self.replies.get(key)
            if not queue:
                raise UnrecordedCall(f"no recorded reply for {model}.{method} {args} {kwargs} in {self.path.name}")
            entry = queue.pop(0) if len(queue) > 1 else queue[0]
        if "error" in entry:
            raise from_error(entry["error"])
        return copy.deepcopy(entry["result"])

    def calls(self, method=None, model=None):
        """The logged calls, optionally only of one method / model."""
        return [c for c in self.log if (method is None or c[1] == method) and (model is None or c[0] == model)]


class RecordingConnection:
    """Wraps a live connection and keeps every ``call_kw`` with its reply."""

    def __init__(self, connection, name):
        self.connection = connection
        self.name = name
        self.entries = []
        self.log = []
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.connection, name)

    def call_kw(self, model, method, args=None, kwargs=None, context=None):
        plain_kwargs = {k: v for k, v in (kwargs or {}).items() if k != "context"}
        entry = {"model": model, "method": method, "args": json.loads(json.dumps(list(args or []), default=list)),
                 "kwargs": json.loads(json.dumps(plain_kwargs, default=list))}
        with self._lock:
            self.log.append((model, method, list(args or []), plain_kwargs))
        try:
            result = self.connection.call_kw(model, method, args, kwargs, context)
        except Exception as exc:
            entry["error"] = {"code": 200, "message": "Odoo Server Error",
                              "data": {"name": getattr(exc, "name", "") or "", "message": str(exc)}}
            with self._lock:
                self.entries.append(entry)
            raise
        entry["result"] = json.loads(json.dumps(result, default=list))  # before the caller changes it
        with self._lock:
            self.entries.append(entry)
        return result

    def calls(self, method=None, model=None):
        return [c for c in self.log if (method is None or c[1] == method) and (model is None or c[0] == model)]

    def save(self):
        FIXTURES.mkdir(parents=True, exist_ok=True)
        path = FIXTURES / f"{self.name}.json"
        path.write_text(json.dumps(self.entries, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        return path
