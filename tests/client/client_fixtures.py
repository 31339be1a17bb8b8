"""Fixtures and helpers of the desktop client tests: real widgets (offscreen) against the real server.

Test modules import them all (``from client_fixtures import *``: fixtures need the fixtures they
use in the module's namespace) since only the root conftest may be called ``conftest``. Everything
talks to ``live_server`` (a ``bureau serve`` subprocess) serving ``rpc_db`` (base, library,
calendar, test_orm with demo data):

* ``client_login`` (session scope): admin logged in once through ``/web/session/authenticate``
  (argon2 costs ~0.4 s a login);
* ``session``: a :class:`~client_qt.session.Session` for one test, on its own
  :class:`LoggedConnection` (a real connection sharing the web session of ``client_login``, with
  its own HTTP connections and runner) that notes each call so tests can check what was sent; the
  user context carries the time zone ``Europe/Brussels`` so date-time conversions are exercised;
* ``rpc``: blocking calls for the test itself (set-up, expected values) on another connection
  of the same web session, so they do not show in the session's call log;
  ``rpc.create`` notes the records it makes and deletes them after the test;
* ``views``: a form/list arch written in the test, stored as an ``ir.ui.view`` (priority 99,
  deleted after the test) and read back with ``get_views``: field descriptions, ``on_change``
  marks and sub-view models are the server's;
* ``gate``: an advisory lock the test holds while server code of ``test.orm.client.doc`` waits on
  it (``tests/addons/test_orm/models/client.py``): a slow or late reply from the real server;
* ``window``: a shown :class:`~client_qt.windows.main_window.MainWindow`; :func:`form_tab` opens a
  model in it.

Widgets are kept alive with :func:`keep` (pytest-qt keeps weak references only) and deleted through
Qt after each test by the autouse fixture :func:`keep_widgets_alive`, which modules import.
"""
import copy
import dataclasses
import json
import os
import uuid
from pathlib import Path

import pytest

from client_qt.rpc.connection import Connection
from client_qt.session import Session
from conftest import RPC_ADMIN_PASSWORD, make_env

TIMEOUT = 15000
#: where tests save screenshots: ``build/screenshots`` unless ``BUREAU_SCREENSHOTS`` names a folder
#: (``BUREAU_SCREENSHOTS=docs/screenshots`` refreshes the pictures of the documentation)
SCREENSHOTS = Path(os.environ.get("BUREAU_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "build" / "screenshots")
#: the time zone of the test user's context (Brussels: +1 h in winter, +2 h in summer)
USER_TZ = "Europe/Brussels"

#: ``GATE_CLASS`` of tests/addons/test_orm/models/client.py (an addon module is not importable here)
GATE_CLASS = 7431

@dataclasses.dataclass
class Call:
    """A call as sent (``args``/``kwargs``/``context`` through JSON, ``kwargs`` without the context)
    and, once answered, the server's ``result`` (or the ``error`` raised)."""
    model: str
    method: str
    args: list
    kwargs: dict
    context: dict
    result: object = None
    error: Exception = None


def unique(prefix):
    """A name no other test (or earlier run on the same database) uses."""
    return f"{prefix} {uuid.uuid4().hex[:8]}"


# -- connections ---------------------------------------------------------------------------------------
class LoggedConnection(Connection):
    """A real :class:`~client_qt.rpc.connection.Connection` on the web session of ``login`` (a copy
    of its cookie), that notes every call and its answer as a :class:`Call`."""

    def __init__(self, login, tz=USER_TZ):
        super().__init__(login.url, verify=login.verify)
        self.cookies.update(login.cookies)
        self.db, self.uid, self.login = login.db, login.uid, login.login
        self.session_info = copy.deepcopy(login.session_info)
        if tz:
            self.session_info.setdefault("user_context", {})["tz"] = tz
        self.log = []

    def _noted(self, call, send):
        wire = json.loads(json.dumps([call.args, call.kwargs, call.context]))
        call.args, call.kwargs, call.context = wire
        self.log.append(call)
        try:
            result = send()
        except Exception as exc:
            call.error = exc
            raise
        call.result = json.loads(json.dumps(result))  # before the caller changes it
        return result

    def call_kw(self, model, method, args=None, kwargs=None, context=None):
        kwargs = dict(kwargs or {})
        merged = self.user_context
        merged.update(kwargs.get("context") or {})
        merged.update(context or {})
        call = Call(model, method, list(args or []), {k: v for k, v in kwargs.items() if k != "context"}, merged)
        return self._noted(call, lambda: super(LoggedConnection, self).call_kw(model, method, args, kwargs, context))

    def call_button(self, model, method, ids, context=None):
        call = Call(model, method, [list(ids)], {}, dict(self.user_context, **(context or {})))
        return self._noted(call, lambda: super(LoggedConnection, self).call_button(model, method, ids, context))

    def load_action(self, action_id, context=None):
        call = Call("ir.actions.actions", "load", [action_id], {}, dict(self.user_context, **(context or {})))
        return self._noted(call, lambda: super(LoggedConnection, self).load_action(action_id, context))

    def sent(self, method=None, model=None):
        """The calls made so far, optionally only those of one method and/or model."""
        return [c for c in list(self.log) if (method is None or c.method == method)
                and (model is None or c.model == model)]

    def close(self):
        """Close the HTTP session of the calling thread (those of worker threads go with them)."""
        self.session.close()


@pytest.fixture(scope="session")
def client_login(qapp, live_server, rpc_db):
    """The admin's web session on the live server (one login for the whole run)."""
    from client_qt.views.registry import load_view_modules
    load_view_modules()
    connection = Connection(live_server.url)
    connection.authenticate(rpc_db, "admin", RPC_ADMIN_PASSWORD)
    yield connection
    connection.session.close()


def close_session(session):
    session.runner.cancel_all()
    session.runner.wait()
    session.connection.close()


@pytest.fixture
def session(client_login):
    """A client Session for this test (its calls: ``session.connection.sent(method, model)``)."""
    session = Session(LoggedConnection(client_login))
    yield session
    close_session(session)


class Rpc:
    """Blocking calls of the test: ``rpc(model, method, *args, **kwargs)``."""

    def __init__(self, login):
        self.connection = LoggedConnection(login)
        self.created = []

    def __call__(self, model, method, *args, **kwargs):
        return self.connection.call_kw(model, method, list(args), kwargs)

    def create(self, model, values):
        """Create a record (or several from a list), deleted after the test."""
        result = self(model, "create", values)
        self.created.append((model, result if isinstance(result, list) else [result]))
        return result

    def read_one(self, model, record_id, fields):
        return self(model, "read", [record_id], fields)[0]

    def cleanup(self):
        for model, ids in reversed(self.created):
            existing = self(model, "search", [["id", "in", ids]], context={"active_test": False})
            if existing:
                self(model, "unlink", existing)
        self.connection.close()


@pytest.fixture
def rpc(client_login):
    rpc = Rpc(client_login)
    yield rpc
    rpc.cleanup()


@pytest.fixture
def db(pg, rpc_db):
    """Read the database through the ORM, in a new transaction per call: ``db(model, domain, fields)``."""
    def read(model, domain, fields):
        env = make_env(pg, rpc_db)
        try:
            return env[model].search_read(domain, fields)
        finally:
            env.cr.rollback()
            env.cr.close()
    return read


# -- views ----------------------------------------------------------------------------------------------
@pytest.fixture
def views(rpc):
    """``views(model, arch, view_type="form")``: the ``get_views`` result of ``arch`` stored as a view."""
    created = []

    def make(model, arch, view_type="form"):
        view_id = rpc("ir.ui.view", "create", {"name": unique("client test view"), "model": model,
                                               "type": view_type, "arch": arch, "priority": 99})
        created.append(view_id)
        return rpc(model, "get_views", views=[[view_id, view_type]], options={"toolbar": True})

    yield make
    if created:
        rpc("ir.ui.view", "unlink", created)


def default_views(rpc, model, *types):
    """The ``get_views`` result of the model's default views of ``types`` (``form`` by default)."""
    return rpc(model, "get_views", views=[[False, kind] for kind in (types or ("form",))],
               options={"toolbar": True})


def make_form(session, model, views_result, context=None, main_window=None, readonly=False):
    """A :class:`RecordForm` of the form view of a ``get_views`` result (kept alive for the test)."""
    from client_qt.views.arch import parse_arch
    from client_qt.views.form.record_form import RecordForm
    return keep(RecordForm(session, model, parse_arch(views_result["views"]["form"]["arch"]),
                           views_result["models"][model]["fields"], views_result["models"],
                           context=dict(session.context, **(context or {})), main_window=main_window,
                           readonly=readonly))


def load(qtbot, form, record_id):
    """Read ``record_id`` as the form view does and show it in ``form``; returns the record."""
    from client_qt.views.form.saving import load_record
    errors = []
    load_record(form.session, form.model, form.fields, record_id, form.call_context(), form.set_record,
                errors.append)
    qtbot.waitUntil(lambda: errors or (form.record is not None and form.record.id == record_id), timeout=TIMEOUT)
    assert not errors, errors
    return form.record


def show(qtbot, widget, width=900, height=600):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# -- gates ------------------------------------------------------------------------------------------------
class Gate:
    """An advisory lock held by the test; ``test.orm.client.doc`` code with this key waits for it."""

    def __init__(self, pg, dbname):
        self.pg, self.dbname, self.klass = pg, dbname, GATE_CLASS
        self.key = uuid.uuid4().int % 2_000_000_000 + 1
        self.cr = pg.cursor(dbname)
        self.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [self.klass, self.key])
        self.closed = False

    def waiting(self):
        """How many server transactions wait at the gate."""
        cr = self.pg.cursor(self.dbname)
        try:
            cr.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                       "AND classid = %s AND objid = %s AND objsubid = 2", [self.klass, self.key])
            return cr.fetchone()[0]
        finally:
            cr.rollback()
            cr.close()

    def release(self):
        if not self.closed:
            self.closed = True
            self.cr.rollback()
            self.cr.close()


@pytest.fixture
def gate(pg, rpc_db):
    """``gate()``: a new held :class:`Gate` (all released after the test)."""
    gates = []

    def make():
        gates.append(Gate(pg, rpc_db))
        return gates[-1]

    yield make
    for held in gates:
        held.release()


# -- windows ----------------------------------------------------------------------------------------------
@pytest.fixture
def window(qtbot, session):
    """A shown main window of ``session``; its tabs are closed and deleted after the test."""
    from client_qt.qt import QApplication
    from client_qt.windows.main_window import MainWindow
    window = keep(MainWindow(session))
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    yield window
    close_notices()
    while window.tabs.count():
        widget = window.tabs.widget(0)
        window.tabs.removeTab(0)
        widget.deleteLater()
    session.runner.wait()
    QApplication.sendPostedEvents(None, 52)


def form_tab(qtbot, window, model, record_id=None, ids=None, views=(("form",),), context=None, view_id=False):
    """Open ``model`` in a tab of ``window`` showing its form view (the view ``view_id`` if given);
    a new record unless ``record_id``. Returns the form view."""
    action = {"type": "ir.actions.act_window", "res_model": model, "name": model,
              "views": [[view_id if mode[0] == "form" else False, mode[0]] for mode in views],
              "context": context or {}}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    view = tab.current
    if record_id:
        tab.open_record(record_id, list(ids or [record_id]))
        qtbot.waitUntil(lambda: view.form.record is not None and view.form.record.id == record_id, timeout=TIMEOUT)
    else:
        qtbot.waitUntil(lambda: view.form.record is not None and view.form.onchanger.is_idle(), timeout=TIMEOUT)
    return view


# -- widgets ----------------------------------------------------------------------------------------------
_ALIVE = []


def keep(widget):
    """Keep a top-level widget alive until the end of the test.

    pytest-qt only holds weak references: a top-level widget the test no longer references would
    be garbage-collected (and its C++ object deleted) in the middle of a later paint event.
    """
    _ALIVE.append(widget)
    return widget


@pytest.fixture(autouse=True)
def keep_widgets_alive():
    """Import into a test module: deletes the kept widgets through Qt after each test."""
    yield
    from client_qt.qt import QApplication, QEvent
    import shiboken6
    for widget in _ALIVE:
        if shiboken6.isValid(widget):
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    _ALIVE.clear()


@pytest.fixture
def english_locale():
    from client_qt.qt import QLocale
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(previous)


def type_into(qtbot, line_edit, text):
    """Replace the text of ``line_edit`` as a user would (select all, type or erase) and leave it."""
    from client_qt.qt import Qt
    line_edit.setFocus()
    line_edit.selectAll()
    if text:
        qtbot.keyClicks(line_edit, text)
    else:
        qtbot.keyClick(line_edit, Qt.Key.Key_Backspace)
    line_edit.editingFinished.emit()


def answer_next_question(button):
    """Click ``button`` (a ``QMessageBox.StandardButton``) on the next Yes/No or Save/Discard question.

    The questions are modal and block in ``exec()``: the answer is given from the event loop they run.
    """
    from client_qt.qt import QApplication, QMessageBox, QTimer

    def poll():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() in ("confirm_dialog", "save_changes_dialog"):
            box.button(button).click()
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def open_notices():
    """The message boxes shown without blocking (warnings, missing fields), newest last."""
    from client_qt.qt import QApplication, QMessageBox
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() in ("notice_dialog", "error_dialog")]


def close_notices():
    for box in open_notices():
        box.close()


def dialogs(name):
    """The visible top-level widgets named ``name`` (``record_dialog``, ``wizard_dialog`` ...)."""
    from client_qt.qt import QApplication
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()]
