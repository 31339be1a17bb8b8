"""Preferences (issue 6): the menu of the user's name opens a dialog changing language (active
``res.lang``), time zone and password; the session context changes at once."""
import pytest

from behaviour_helpers import (TIMEOUT, admin_session, delete_kept_widgets, login, open_window, rpc,  # noqa: F401
                               screenshot, unique, wait_for_widget)
from client_qt.rpc.errors import AccessDenied

pytestmark = [pytest.mark.pg, pytest.mark.qt]

FIRST, SECOND = "First-prefs-pass-1", "Second-prefs-pass-2"


@pytest.fixture
def user(admin_session):
    """A new internal user (and German made an active language)."""
    login_name = unique("prefs").replace(" ", "_")
    group = rpc(admin_session, "ir.model.data", "check_object_reference", "base", "group_user")[1]
    user_id = rpc(admin_session, "res.users", "create", {"name": f"Pref {login_name[-8:]}", "login": login_name,
                                                         "password": FIRST, "groups_id": [(6, 0, [group])]})
    [german] = rpc(admin_session, "res.lang", "search", [["code", "=", "de_DE"]], context={"active_test": False})
    rpc(admin_session, "res.lang", "write", [german], {"active": True})
    return {"id": user_id, "login": login_name, "name": f"Pref {login_name[-8:]}"}


def test_preferences_change_language_time_zone_and_password_at_once(qtbot, live_server, rpc_db, user):
    session = login(live_server.url, rpc_db, user["login"], FIRST)
    try:
        window = open_window(qtbot, session)
        assert window.user_menu.title() == user["name"]
        assert user["name"] in window.status.user_label.text() and rpc_db in window.status.user_label.text()
        window.preferences_action.trigger()
        dialog = wait_for_widget(qtbot, "preferences_dialog")
        qtbot.waitUntil(lambda: dialog.loaded, timeout=TIMEOUT)
        codes = [dialog.lang.itemData(i) for i in range(dialog.lang.count())]
        assert {"en_US", "de_DE"} <= set(codes) and "fr_FR" not in codes   # active languages only
        assert dialog.lang.currentData() == "en_US"

        # a mistyped confirmation: nothing is sent
        dialog.new_password.setText(SECOND)
        dialog.confirm_password.setText(SECOND + "x")
        dialog.apply_button.click()
        assert "differ" in dialog.message.text()

        dialog.lang.setCurrentIndex(codes.index("de_DE"))
        dialog.tz.setCurrentIndex(dialog.tz.findData("Asia/Tokyo"))
        dialog.old_password.setText(FIRST)
        dialog.confirm_password.setText(SECOND)
        screenshot(dialog, "behaviour_preferences")
        dialog.apply_button.click()
        qtbot.waitUntil(lambda: "password is changed" in dialog.message.text(), timeout=TIMEOUT)
        assert dialog.old_password.text() == dialog.new_password.text() == ""

        # the session context changed at once: the next call carries it
        assert session.context["lang"] == "de_DE" and session.context["tz"] == "Asia/Tokyo"
        seen = rpc(session, "test.orm.rpc", "rpc_environment")["context"]
        assert seen["lang"] == "de_DE" and seen["tz"] == "Asia/Tokyo"
        stored = rpc(session, "res.users", "get_preferences")
        assert stored["lang"] == "de_DE" and stored["tz"] == "Asia/Tokyo"
        # the new password logs in, the old one no longer does; this session goes on
        login(live_server.url, rpc_db, user["login"], SECOND)
        with pytest.raises(AccessDenied):
            login(live_server.url, rpc_db, user["login"], FIRST)
        assert rpc(session, "res.partner", "search_count", []) >= 0
    finally:
        session.runner.cancel_all()
        session.runner.wait()


def test_a_wrong_current_password_is_refused_and_nothing_else_changes(qtbot, live_server, rpc_db, user):
    session = login(live_server.url, rpc_db, user["login"], FIRST)
    try:
        window = open_window(qtbot, session)
        dialog = window.open_preferences()
        qtbot.waitUntil(lambda: dialog.loaded, timeout=TIMEOUT)
        dialog.old_password.setText("not-my-password")
        dialog.new_password.setText(SECOND)
        dialog.confirm_password.setText(SECOND)
        dialog.apply_button.click()
        qtbot.waitUntil(lambda: "Access Denied" in dialog.message.text(), timeout=TIMEOUT)
        login(live_server.url, rpc_db, user["login"], FIRST)
    finally:
        session.runner.cancel_all()
        session.runner.wait()
