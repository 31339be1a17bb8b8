"""Helpers of the client behaviour tests (``tests/client/test_behaviour_*.py``, ``test_smoke_actions.py``).

Everything is real: the ``live_server`` fixture (a ``bureau serve`` subprocess on ``rpc_db``), real
client sessions logged in through ``/web/session/authenticate``, real widgets (offscreen).

* ``admin_session``: a :class:`~client_qt.session.Session` of its own (its own web session, so a test
  may end it without touching other tests);
* :class:`Lock`: an advisory lock ``(7432, key)`` the test holds in its own transaction, on which
  ``test.orm.rpc.rpc_wait_lock(key, answer)`` waits on the server: a call as slow as the test wants;
* :func:`open_window`: a shown main window (tabs closed and widgets deleted after the test);
* :func:`wait_for_widget`: the first visible top-level widget with an object name;
* ``journal_dir``: a private journal directory (``BUREAU_CLIENT_DATA_DIR``).
"""
import uuid
from pathlib import Path

import pytest

from conftest import RPC_ADMIN_PASSWORD

TIMEOUT = 15000
LOCK_CLASS = 7432
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

_ALIVE = []


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def login(url, db, user="admin", password=RPC_ADMIN_PASSWORD):
    from client_qt.session import Session
    from client_qt.views.registry import load_view_modules
    load_view_modules()
    return Session.login(url, db, user, password)


def close_session(session):
    session.runner.cancel_all()
    session.runner.wait()


@pytest.fixture
def admin_session(qapp, live_server, rpc_db):
    session = login(live_server.url, rpc_db)
    yield session
    close_session(session)


def rpc(session, model, method, *args, **kwargs):
    """A blocking call of the test itself."""
    return session.connection.call_kw(model, method, list(args), kwargs)


class Lock:
    """An advisory lock held by the test; ``rpc_wait_lock(key)`` waits for its release."""

    def __init__(self, pg, dbname):
        self.pg, self.dbname = pg, dbname
        self.key = uuid.uuid4().int % 2_000_000_000 + 1
        self.cr = pg.cursor(dbname)
        self.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, self.key])
        self.released = False

    def waiting(self):
        """How many server transactions wait for the lock."""
        cr = self.pg.cursor(self.dbname)
        try:
            cr.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                       "AND classid = %s AND objid = %s", [LOCK_CLASS, self.key])
            return cr.fetchone()[0]
        finally:
            cr.rollback()
            cr.close()

    def release(self):
        if not self.released:
            self.released = True
            self.cr.rollback()
            self.cr.close()


@pytest.fixture
def lock(pg, rpc_db):
    """``lock()``: a new held :class:`Lock` (released after the test)."""
    held = []

    def make():
        held.append(Lock(pg, rpc_db))
        return held[-1]

    yield make
    for item in held:
        item.release()


def keep(widget):
    """Keep a top-level widget alive until the end of the test (pytest-qt keeps weak references)."""
    _ALIVE.append(widget)
    return widget


@pytest.fixture(autouse=True)
def delete_kept_widgets():
    """Import into a test module: closes and deletes kept widgets through Qt after each test."""
    yield
    import shiboken6
    from client_qt.qt import QApplication, QEvent
    for widget in _ALIVE:
        if shiboken6.isValid(widget):
            for index in range(getattr(widget, "tabs", None) and widget.tabs.count() or 0):
                tab = widget.tabs.widget(0)
                widget.tabs.removeTab(0)
                tab.deleteLater()
            widget.hide()
            widget.deleteLater()
    for top in QApplication.topLevelWidgets():
        if top.isVisible() and top.objectName() in ("error_dialog", "notice_dialog", "conflict_dialog",
                                                    "recovery_dialog", "relogin_dialog", "preferences_dialog"):
            top.hide()
            top.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    _ALIVE.clear()


def open_window(qtbot, session, width=1280, height=860):
    from client_qt.windows.main_window import MainWindow
    window = keep(MainWindow(session))
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    qtbot.waitUntil(lambda: window.menu_tree.topLevelItemCount() > 0, timeout=TIMEOUT)
    return window


def activate(qtbot, window):
    """Make ``window`` the active window (keyboard shortcuts need it)."""
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)


def visible_widgets(name):
    from client_qt.qt import QApplication
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()]


def wait_for_widget(qtbot, name, timeout=TIMEOUT):
    qtbot.waitUntil(lambda: bool(visible_widgets(name)), timeout=timeout)
    return visible_widgets(name)[-1]


def form_tab(qtbot, window, model, record_id=None, view_id=False):
    """Open ``model``'s form in a new tab (``record_id`` or a new record); returns the form view."""
    action = {"type": "ir.actions.act_window", "res_model": model, "name": model,
              "views": [[view_id, "form"]], "res_id": record_id or False}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    view = tab.current
    if record_id:
        qtbot.waitUntil(lambda: view.form.record is not None and view.form.record.id == record_id, timeout=TIMEOUT)
    else:
        qtbot.waitUntil(lambda: view.form.record is not None and view.form.onchanger.is_idle(), timeout=TIMEOUT)
    return view


def type_into(qtbot, line_edit, text, leave=True):
    """Replace the text of ``line_edit`` as a user would; ``leave``: then confirm it (editing finished)."""
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)
    if leave:
        line_edit.editingFinished.emit()


def screenshot(widget, name):
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(path))
    return path


@pytest.fixture
def journal_dir(tmp_path, monkeypatch):
    """A private journal directory for the test (the client reads ``BUREAU_CLIENT_DATA_DIR``)."""
    monkeypatch.setenv("BUREAU_CLIENT_DATA_DIR", str(tmp_path / "client-data"))
    return tmp_path / "client-data"
