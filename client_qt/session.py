"""The logged-in session the windows share: connection, background runner, user and caches."""
import logging

from .rpc.connection import Connection
from .rpc.runner import Runner

_logger = logging.getLogger(__name__)


class Session:
    """:param connection: an authenticated :class:`~client_qt.rpc.connection.Connection`"""

    def __init__(self, connection, runner=None):
        self.connection = connection
        self.runner = runner or Runner()
        self.views_cache = {}
        self.fields_cache = {}

    @classmethod
    def login(cls, url, db, login, password, verify=True):
        """Authenticate (blocking: call it through a runner from the GUI)."""
        connection = Connection(url, verify=verify)
        connection.authenticate(db, login, password)
        return cls(connection)

    @property
    def info(self):
        return self.connection.session_info

    @property
    def uid(self):
        return self.connection.uid

    @property
    def user_tz(self):
        return (self.connection.user_context or {}).get("tz") or None

    @property
    def context(self):
        return self.connection.user_context

    def call(self, model, method, *args, on_result=None, on_error=None, **kwargs):
        """``model.method(*args, **kwargs)`` in the background (results on the GUI thread)."""
        return self.runner.call(self.connection.call_kw, model, method, list(args), kwargs,
                                on_result=on_result, on_error=on_error)

    def get_views(self, model, views, context=None):
        """``get_views`` result, cached per (model, views, lang) (blocking)."""
        key = (model, tuple(tuple(v) for v in views), (context or {}).get("lang"))
        if key not in self.views_cache:
            self.views_cache[key] = self.connection.call_kw(
                model, "get_views", [], {"views": [list(v) for v in views], "options": {"toolbar": True}},
                context=context)
        return self.views_cache[key]
