"""Detachable tabs (issue 7 item 8): a tab moves into its own window (tab menu, key, dragging it out of
the bar) with its views and edits, goes back, and closing its window asks about unsaved changes like
closing a tab; two records side by side; against the live server."""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, answer_next_question, form_tab, type_into, unique
from client_qt.qt import QMessageBox, QPoint, Qt

pytestmark = [pytest.mark.pg, pytest.mark.qt]

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def activate(qtbot, widget):
    widget.raise_()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=TIMEOUT)


def test_two_records_side_by_side_in_detached_windows(qtbot, window, rpc):
    ids = [rpc.create("res.partner", {"name": unique("Side"), "city": city}) for city in ("Left", "Right")]
    first = form_tab(qtbot, window, "res.partner", ids[0])
    second = form_tab(qtbot, window, "res.partner", ids[1])
    assert window.tabs.count() == 2
    # the tab's context menu: Detach
    menu = window.tabs._tab_menu(window.tabs.tabBar().tabRect(0).center())
    next(a for a in menu.actions() if a.objectName() == "tab_detach").trigger()
    qtbot.waitUntil(lambda: len(window.detached) == 1, timeout=TIMEOUT)
    left = window.detached[0]
    assert left.isVisible() and left.tab is first.tab and left.centralWidget() is first.tab
    # the keyboard: Ctrl+Shift+D detaches the current tab
    activate(qtbot, window)
    window.menu_tree.setFocus()
    qtbot.keyClick(window.menu_tree, Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: len(window.detached) == 2, timeout=TIMEOUT)
    right = window.detached[1]
    assert window.tabs.count() == 0 and right.tab is second.tab
    # both forms work side by side: edit and save each in its window
    for view, city in ((first, "Left 2"), (second, "Right 2")):
        type_into(qtbot, view.form.widget("city").editor, city)
        view.save()
    qtbot.waitUntil(lambda: [r["city"] for r in rpc("res.partner", "read", ids, ["city"])] == ["Left 2", "Right 2"],
                    timeout=TIMEOUT)
    # attach back with the same key from the detached window
    activate(qtbot, right)
    right.tab.setFocus()
    qtbot.keyClick(right.menuBar(), Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.tabs.count() == 1 and window.detached == [left], timeout=TIMEOUT)
    assert window.tabs.widget(0) is second.tab and second.form.record.id == ids[1]
    left.attach_action.trigger()
    qtbot.waitUntil(lambda: window.tabs.count() == 2 and not window.detached, timeout=TIMEOUT)


def test_closing_a_detached_window_asks_about_unsaved_changes(qtbot, window, rpc):
    partner = rpc.create("res.partner", {"name": unique("Detached"), "city": "Before"})
    view = form_tab(qtbot, window, "res.partner", partner)
    from client_qt.windows.detach import detach_tab
    detached = detach_tab(window)
    type_into(qtbot, view.form.widget("city").editor, "Unsaved")
    assert view.form.is_modified()
    answer_next_question(QMessageBox.StandardButton.Cancel)
    assert not detached.close()                                # Cancel: the window stays
    assert detached.isVisible() and window.detached == [detached]
    answer_next_question(QMessageBox.StandardButton.Save)
    assert detached.close()                                    # Save, then it closes
    qtbot.waitUntil(lambda: rpc.read_one("res.partner", partner, ["city"])["city"] == "Unsaved", timeout=TIMEOUT)
    assert not window.detached and window.tabs.count() == 0


def test_a_tab_dragged_out_of_the_bar_detaches(qtbot, window):
    form_tab(qtbot, window, "res.partner")
    form_tab(qtbot, window, "res.partner")
    bar = window.tabs.tabBar()
    start = bar.tabRect(1).center()
    qtbot.mousePress(bar, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(bar, start + QPoint(10, 0))
    qtbot.mouseMove(bar, start + QPoint(10, bar.height() * 5))
    qtbot.waitUntil(lambda: len(window.detached) == 1, timeout=TIMEOUT)
    qtbot.mouseRelease(bar, Qt.MouseButton.LeftButton, pos=start + QPoint(10, bar.height() * 5))
    assert window.tabs.count() == 1
    assert window.detached[0].isVisible()
