"""An ended web session (JSON-RPC error code 100) while working (issue 6): the login dialog opens
pre-filled, the refused calls are sent again after the new login, open forms keep their edits.

The session is ended from outside exactly as the server ends it at logout (``/web/session/destroy``
with the client's cookie); the client only notices at its next call.
"""
import pytest
import requests

from behaviour_helpers import (TIMEOUT, admin_session, delete_kept_widgets, form_tab, open_window, rpc,  # noqa: F401
                               screenshot, type_into, unique, visible_widgets, wait_for_widget)
from client_qt.qt import QDialogButtonBox
from client_qt.rpc.errors import SessionExpired
from conftest import RPC_ADMIN_PASSWORD

pytestmark = [pytest.mark.pg, pytest.mark.qt]


def end_session(session):
    """Log the client's web session out from another HTTP client (the server forgets it)."""
    connection = session.connection
    response = requests.post(connection.url + "/web/session/destroy", json={"jsonrpc": "2.0", "params": {}},
                             cookies={"session_id": connection.session_cookie()}, timeout=10)
    assert response.status_code == 200
    probe = requests.post(connection.url + "/web/session/check", json={"jsonrpc": "2.0", "params": {}},
                          cookies={"session_id": connection.session_cookie()}, timeout=10).json()
    assert probe["error"]["code"] == 100


def test_expired_session_asks_the_password_then_retries_the_save_and_keeps_the_edits(qtbot, admin_session):
    partner_id = rpc(admin_session, "res.partner", "create", {"name": unique("Session"), "city": "Namur"})
    window = open_window(qtbot, admin_session)
    view = form_tab(qtbot, window, "res.partner", partner_id)
    type_into(qtbot, view.form.widget("city").editor, "Dinant")
    type_into(qtbot, view.form.widget("street").editor, "Rue du Session 3")
    end_session(admin_session)

    outcome, counted = [], []
    view.save(outcome.append)
    admin_session.call("res.partner", "search_count", [["id", "=", partner_id]], on_result=counted.append)
    dialog = wait_for_widget(qtbot, "relogin_dialog")
    qtbot.waitUntil(lambda: len(admin_session.runner.parked) == 2, timeout=TIMEOUT)
    assert dialog.url.text() == admin_session.connection.url and dialog.url.isReadOnly()
    assert dialog.database.currentText() == admin_session.connection.db and not dialog.database.isEnabled()
    assert dialog.login.text() == "admin" and dialog.login.isReadOnly()
    assert dialog.password.text() == ""
    assert "unsaved changes are kept" in dialog.message.text()
    screenshot(dialog, "behaviour_relogin")
    assert outcome == [] and counted == []
    assert view.form.is_modified() and view.form.record.get("city") == "Dinant"

    # a wrong password: told so, still waiting
    dialog.password.setText("not the password")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "Access Denied" in dialog.message.text(), timeout=TIMEOUT)
    assert dialog.isVisible() and outcome == []

    dialog.password.setText(RPC_ADMIN_PASSWORD)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: outcome == [True] and counted == [1], timeout=TIMEOUT)
    assert not visible_widgets("relogin_dialog")
    assert not view.form.is_modified()
    saved = rpc(admin_session, "res.partner", "read", [partner_id], ["city", "street"])[0]
    assert saved["city"] == "Dinant" and saved["street"] == "Rue du Session 3"
    assert "Logged in again" in window.statusBar().currentMessage()


def test_refusing_to_log_in_again_fails_the_save_but_keeps_the_edits(qtbot, admin_session):
    partner_id = rpc(admin_session, "res.partner", "create", {"name": unique("Session"), "city": "Arlon"})
    window = open_window(qtbot, admin_session)
    view = form_tab(qtbot, window, "res.partner", partner_id)
    type_into(qtbot, view.form.widget("city").editor, "Bastogne")
    end_session(admin_session)
    outcome = []
    view.save(outcome.append)
    dialog = wait_for_widget(qtbot, "relogin_dialog")
    dialog.reject()
    qtbot.waitUntil(lambda: outcome == [False], timeout=TIMEOUT)
    box = wait_for_widget(qtbot, "error_dialog")
    assert box.windowTitle() == "Session Expired" and "unsaved changes are kept" in box.informativeText()
    assert view.form.is_modified() and view.form.widget("city").editor.text() == "Bastogne"
    # a later call asks again; logging in then saves
    box.close()
    view.save(outcome.append)
    dialog = wait_for_widget(qtbot, "relogin_dialog")
    dialog.password.setText(RPC_ADMIN_PASSWORD)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: outcome == [False, True], timeout=TIMEOUT)
    assert rpc(admin_session, "res.partner", "read", [partner_id], ["city"])[0]["city"] == "Bastogne"


def test_without_a_window_to_ask_the_error_reaches_the_caller(qtbot, admin_session):
    """A runner nobody listens to for re-logins does not park calls (tests, scripts)."""
    end_session(admin_session)
    errors = []
    admin_session.call("res.partner", "search_count", [], on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=TIMEOUT)
    assert isinstance(errors[0], SessionExpired) and admin_session.runner.parked == []
