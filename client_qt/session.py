"""The logged-in session the windows share: connection, background runner, user and caches.

Besides the calls, the session carries what the windows need to keep the user's work safe: the
connection's state as a Qt signal (:class:`ConnectionMonitor`: retrying, lost, restored), the
journal of unsaved edits of this profile (:mod:`client_qt.models.journal`, None in tests that do
not want one), and :meth:`Session.relogin` / :meth:`Session.apply_preferences`.
"""
import logging

from .qt import QCoreApplication, QObject, Signal
from .rpc.connection import Connection
from .rpc.runner import Runner

_logger = logging.getLogger(__name__)


class ConnectionMonitor(QObject):
    """Re-emits the connection's state changes (told in worker threads) on the GUI thread."""

    #: ``(state, detail)``: ``"retrying"`` / ``"lost"`` / ``"restored"``, see
    #: :attr:`client_qt.rpc.connection.Connection.listeners`
    state_changed = Signal(str, object)

    def __init__(self, connection, parent=None):
        super().__init__(parent)
        connection.listeners.append(self._tell)

    def _tell(self, state, detail):
        self.state_changed.emit(state, dict(detail or {}))


def _gui_object(qobject):
    """Move a QObject made in a worker thread (a login run through a runner) to the GUI thread."""
    app = QCoreApplication.instance()
    if app is not None and qobject.thread() is not app.thread():
        qobject.moveToThread(app.thread())
    return qobject


class Session:
    """:param connection: an authenticated :class:`~client_qt.rpc.connection.Connection`"""

    def __init__(self, connection, runner=None):
        self.connection = connection
        self.runner = runner or _gui_object(Runner())
        self.monitor = _gui_object(ConnectionMonitor(connection)) if hasattr(connection, "listeners") else None
        self.views_cache = {}
        self.fields_cache = {}
        #: the :class:`~client_qt.models.journal.Journal` of unsaved edits, or None
        self.journal = None

    @classmethod
    def login(cls, url, db, login, password, verify=True):
        """Authenticate (blocking: call it through a runner from the GUI)."""
        connection = Connection(url, verify=verify)
        connection.authenticate(db, login, password)
        _logger.info("logged in to %s on %s as %s (uid %s)", db, url, login, connection.uid)
        return cls(connection)

    def relogin(self, password):
        """Open a new web session for the same user after the previous one ended (blocking).

        :raises AccessDenied: wrong password
        :raises ValueError: the server logged in another user (the open windows belong to this one)
        """
        connection = self.connection
        uid = connection.uid
        info = connection.post("/web/session/authenticate",
                               {"db": connection.db, "login": connection.login, "password": password})
        if uid and info.get("uid") != uid:
            raise ValueError("The server logged in another user.")
        connection.session_info = info
        _logger.info("logged in again to %s as %s", connection.db, connection.login)
        return info

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

    def apply_preferences(self, values):
        """Use a new language/time zone for the next calls (after ``set_preferences``)."""
        context = {key: values[key] for key in ("lang", "tz") if key in values}
        if context:
            self.connection.update_user_context(context)
        if "lang" in context:
            self.views_cache.clear()
            self.fields_cache.clear()

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
