"""The shortcut sheet (Ctrl+F1, issue 7 item 8) lists the keys registered on the window and the current
view, grouped; it follows the view (a form's record keys, an editable list's keys and paste) and the
window (a detached tab's own keys); against the live server."""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, form_tab
from client_qt.qt import QKeySequence, Qt

pytestmark = [pytest.mark.pg, pytest.mark.qt]


def native(keys):
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def open_sheet(qtbot, window, focus):
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    focus.setFocus()
    qtbot.keyClick(focus, Qt.Key.Key_F1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "_shortcut_sheet", None) is not None
                    and window._shortcut_sheet.isVisible(), timeout=TIMEOUT)
    sheet = window._shortcut_sheet
    window._shortcut_sheet = None
    return sheet


def test_the_sheet_lists_the_window_and_form_keys(qtbot, window):
    view = form_tab(qtbot, window, "res.partner")
    sheet = open_sheet(qtbot, window, window.menu_tree)
    groups = sheet.groups()
    assert groups["Window"][native("Ctrl+K")] == "Command palette…"
    assert groups["Window"][native("Ctrl+Shift+D")] == "Detach tab"
    assert groups["Window"][native("Ctrl+F1")] == "Keyboard shortcuts"
    assert groups["Window"][f"{native('Alt+1')} … {native('Alt+9')}"] == "Go to tab 1 … 9"
    assert "Close the tab" in groups["Window"].values()
    form_keys = groups["View: Form"]
    assert form_keys[native("Ctrl+S")] == "Save the record"
    assert form_keys[native("Ctrl+PgDown")] == "Next record"
    assert "Discard the changes" in form_keys.values()
    assert "Editable list" not in groups
    # the sheet is a tree of groups with their keys
    tree = sheet.tree
    titles = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert "Window" in titles and "View: Form" in titles
    sheet.close()
    assert view.isVisible()


def test_the_sheet_follows_the_current_view_and_window(qtbot, window, views):
    list_id = views("ir.config_parameter", '<list editable="bottom"><field name="key"/><field name="value"/></list>',
                    "list")["views"]["list"]["id"]
    tab = window.run_action_dict({"type": "ir.actions.act_window", "res_model": "ir.config_parameter",
                                  "name": "Parameters", "views": [[list_id, "list"], [False, "form"]]})
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    sheet = open_sheet(qtbot, window, window.menu_tree)
    groups = sheet.groups()
    assert "View: Form" not in groups
    assert "Paste rows copied from a spreadsheet as new records" in groups["View: List"].values()
    assert "Discard the row's changes" in groups["Editable list"].values()
    sheet.close()
    # a detached window lists its own keys: Attach, close the window, the palette
    from client_qt.windows.detach import detach_tab
    detached = detach_tab(window)
    sheet = open_sheet(qtbot, detached, detached.tab.current.table)
    groups = sheet.groups()
    assert groups["Window"][native("Ctrl+Shift+D")] == "Attach to the main window"
    assert groups["Window"][native("Ctrl+K")] == "Command palette…"
    assert "Close the tab" not in groups["Window"].values()
    assert "Editable list" in groups
