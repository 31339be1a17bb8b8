"""Server errors become readable dialogs (issue 6): business errors show the server's message and no
traceback; other errors a short text with the details behind "Show Details…"."""
import pytest

from behaviour_helpers import (TIMEOUT, admin_session, delete_kept_widgets, open_window, screenshot,  # noqa: F401
                               visible_widgets)
from client_qt.qt import QMessageBox, QPushButton, QTextEdit

pytestmark = [pytest.mark.pg, pytest.mark.qt]


def error_box(qtbot, session, model, method, *args):
    """Make the call with no error handler of its own (the window shows the error); the box."""
    before = set(map(id, visible_widgets("error_dialog")))
    session.call(model, method, *args)
    qtbot.waitUntil(lambda: any(id(w) not in before for w in visible_widgets("error_dialog")), timeout=TIMEOUT)
    box = [w for w in visible_widgets("error_dialog") if id(w) not in before][-1]
    assert isinstance(box, QMessageBox)
    return box


def details_button(box):
    return next((b for b in box.findChildren(QPushButton) if "Details" in b.text()), None)


@pytest.mark.parametrize("call, title, message", [
    (("res.users", "set_preferences", {"tz": "Mars/Olympus_Mons"}), "Validation Error", "Unknown time zone: Mars/Olympus_Mons"),
    (("res.users", "set_preferences", {"login": "intruder"}), "Access Error", "These are not preferences: login"),
    (("test.orm.rpc", "rpc_raise", "redirect"), "Warning", "Configure the journal first."),
], ids=["validation", "access", "user"])
def test_business_errors_show_the_server_message_without_details(qtbot, admin_session, call, title, message):
    window = open_window(qtbot, admin_session)
    box = error_box(qtbot, admin_session, *call)
    assert box.windowTitle() == title
    assert box.text() == message
    assert box.informativeText() == "" and box.detailedText() == ""
    assert details_button(box) is None
    assert box.icon() == QMessageBox.Icon.Warning
    assert window.isVisible()


def test_an_unexpected_server_error_is_a_short_text_with_expandable_details(qtbot, admin_session):
    window = open_window(qtbot, admin_session)
    box = error_box(qtbot, admin_session, "test.orm.rpc", "rpc_raise", "value")
    assert box.windowTitle() == "Server Error"
    assert box.text() == "The server could not complete the operation."
    assert box.informativeText() == "bad value for the probe"
    assert "builtins.ValueError: bad value for the probe" in box.detailedText()
    assert "Traceback" not in box.detailedText() and "File \"" not in box.detailedText()
    details = box.findChild(QTextEdit)
    button = details_button(box)
    assert button is not None and details is not None and not details.isVisible()
    button.click()
    qtbot.waitUntil(details.isVisible, timeout=TIMEOUT)
    screenshot(box, "behaviour_error_details")
    assert window.isVisible()


def test_a_missing_method_is_a_server_error_not_a_crash(qtbot, admin_session):
    open_window(qtbot, admin_session)
    box = error_box(qtbot, admin_session, "res.partner", "no_such_method_here")
    assert box.windowTitle() in ("Server Error", "Warning")
    assert "no_such_method_here" in box.text() + box.informativeText() + box.detailedText()
