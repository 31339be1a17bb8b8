"""Keyboard (issue 6): Ctrl+S save, Ctrl+N new, Ctrl+F search, Esc discard, Ctrl+PgUp/PgDown previous /
next record, Alt+1..9 tabs, Ctrl+W close tab — from inside the views and from what surrounds them
(menu tree, tab bar, search box); and UI strings go through Qt's translation functions."""
import pytest

from behaviour_helpers import (TIMEOUT, activate, admin_session, delete_kept_widgets, open_window, rpc,  # noqa: F401
                               type_into, unique)
from client_qt.qt import QApplication, QCoreApplication, QLabel, QPushButton, Qt, QToolButton

pytestmark = [pytest.mark.pg, pytest.mark.qt]

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def open_menu(qtbot, window, path):
    count = window.tabs.count()
    window._menu_activated(window.menu_item(path))
    qtbot.waitUntil(lambda: window.tabs.count() == count + 1, timeout=TIMEOUT)
    tab = window.tabs.widget(count)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    return tab


def key(qtbot, widget, which, modifier=Qt.KeyboardModifier.NoModifier):
    if not widget.window().isActiveWindow():
        activate(qtbot, widget.window())
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=TIMEOUT)
    qtbot.keyClick(widget, which, modifier)


def test_record_keys_work_in_the_form_and_from_the_menu_tree(qtbot, admin_session):
    names = [unique("Keys A"), unique("Keys B")]
    ids = [rpc(admin_session, "res.partner", "create", {"name": name, "city": "Keyville"}) for name in names]
    window = open_window(qtbot, admin_session)
    tab = open_menu(qtbot, window, "Contacts/Contacts")
    tab.open_record(ids[0], ids)
    form_view = tab.views["form"]
    form = form_view.form
    qtbot.waitUntil(lambda: form.record is not None and form.record.id == ids[0], timeout=TIMEOUT)

    city = form.widget("city").editor
    key(qtbot, city, Qt.Key.Key_PageDown, CTRL)                       # next record
    qtbot.waitUntil(lambda: form.record.id == ids[1], timeout=TIMEOUT)
    key(qtbot, city, Qt.Key.Key_PageUp, CTRL)                         # previous record
    qtbot.waitUntil(lambda: form.record.id == ids[0], timeout=TIMEOUT)

    type_into(qtbot, city, "Typed", leave=False)
    qtbot.keyClick(city, Qt.Key.Key_Escape)                           # discard
    qtbot.waitUntil(lambda: not form.is_modified() and city.text() == "Keyville", timeout=TIMEOUT)

    type_into(qtbot, city, "Saved City", leave=False)
    qtbot.keyClick(city, Qt.Key.Key_S, CTRL)                          # save
    qtbot.waitUntil(lambda: rpc(admin_session, "res.partner", "read", [ids[0]], ["city"])[0]["city"]
                    == "Saved City", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not form.is_modified() and form.record.get("city") == "Saved City", timeout=TIMEOUT)

    qtbot.keyClick(city, Qt.Key.Key_F, CTRL)                          # search box
    qtbot.waitUntil(tab.search_view.box.hasFocus, timeout=TIMEOUT)

    # the same keys with the focus outside the view: menu tree, then the search box
    type_into(qtbot, city, "From the tree", leave=False)
    key(qtbot, window.menu_tree, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: rpc(admin_session, "res.partner", "read", [ids[0]], ["city"])[0]["city"]
                    == "From the tree", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not form.is_modified() and form.record.get("city") == "From the tree", timeout=TIMEOUT)
    key(qtbot, window.menu_tree, Qt.Key.Key_PageDown, CTRL)
    qtbot.waitUntil(lambda: form.record.id == ids[1], timeout=TIMEOUT)
    key(qtbot, window.menu_tree, Qt.Key.Key_F, CTRL)
    qtbot.waitUntil(tab.search_view.box.hasFocus, timeout=TIMEOUT)
    qtbot.keyClick(tab.search_view.box, Qt.Key.Key_N, CTRL)           # new, typed in the search box
    qtbot.waitUntil(lambda: form.record is not None and form.record.is_new, timeout=TIMEOUT)


def test_ctrl_n_in_a_list_opens_a_new_record_and_alt_digits_switch_tabs(qtbot, admin_session):
    window = open_window(qtbot, admin_session)
    contacts = open_menu(qtbot, window, "Contacts/Contacts")
    books = open_menu(qtbot, window, "Library/Books")
    assert window.tabs.currentWidget() is books
    key(qtbot, window.menu_tree, Qt.Key.Key_1, ALT)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is contacts, timeout=TIMEOUT)
    key(qtbot, window.menu_tree, Qt.Key.Key_2, ALT)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is books, timeout=TIMEOUT)
    assert books.current.view_type == "list"
    key(qtbot, books.current.table, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: books.current.view_type == "form" and books.current.form.record is not None
                    and books.current.form.record.is_new, timeout=TIMEOUT)
    key(qtbot, window.menu_tree, Qt.Key.Key_W, CTRL)                  # close the (unmodified) tab
    qtbot.waitUntil(lambda: window.tabs.count() == 1, timeout=TIMEOUT)


class Brackets:
    """A translator marking every string it is asked for: ``[text]``."""

    def __init__(self):
        from client_qt.qt import QtCore

        class Translator(QtCore.QTranslator):
            def translate(self, context, text, disambiguation=None, n=-1):
                return f"[{text}]" if text else text

            def isEmpty(self):
                return False

        self.translator = Translator()

    def __enter__(self):
        QCoreApplication.installTranslator(self.translator)
        return self

    def __exit__(self, *exc):
        QCoreApplication.removeTranslator(self.translator)


def test_window_and_view_texts_go_through_the_translation_functions(qtbot, admin_session):
    """With a translator installed, every text of the window's own chrome (menus, tool bars, status)
    comes back translated; only data (menu names, user, database) is not."""
    with Brackets():
        window = open_window(qtbot, admin_session)
        tab = open_menu(qtbot, window, "Library/Books")
        tab.switch_to("form")
        qtbot.waitUntil(lambda: tab.current.form.record is not None, timeout=TIMEOUT)
        own = [action.text() for menu in (window.menuBar().actions()[0].menu(), window.user_menu)
               for action in menu.actions() if action.text()]
        own += [window.menuBar().actions()[0].text(), window.status.cancel_button.text()]
        own += [button.text() for button in tab.current.findChildren(QToolButton)
                if button.text() and button.objectName().startswith("form_") and button.text() not in "‹›"]
        own += [button.text() for button in tab.findChildren(QToolButton) if button.objectName().startswith("switch_")]
        assert own and all(text.startswith("[") and text.endswith("]") for text in own), own
        window.status.set_busy(True)
        assert window.status.busy_label.text().startswith("[")
        window.status.connection_state("retrying", {"delay": 1, "attempt": 1, "attempts": 3})
        assert window.status.connection_label.text().startswith("[")
