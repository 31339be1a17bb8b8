"""An office user's walk through the desktop client, end to end against the live server (issue 6):
log in through the login dialog, open Contacts from the menu, search, group by, open a partner from
the list, edit fields of several types (a many2one chosen by typing, a one2many line added), save
with Ctrl+S, and find the changes in the database."""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, keep, unique
from client_qt.qt import QDialogButtonBox, QTabWidget, Qt
from conftest import RPC_ADMIN_PASSWORD
from test_form_live import pick, type_into

pytestmark = [pytest.mark.pg, pytest.mark.qt]


def log_in(qtbot, url, db):
    from client_qt.dialogs.login import LoginDialog
    dialog = keep(LoginDialog(url=url, db=db, login="admin"))
    dialog.show()
    qtbot.waitUntil(lambda: dialog.database.findText(db) >= 0, timeout=TIMEOUT)
    dialog.database.setCurrentIndex(dialog.database.findText(db))
    type_into(qtbot, dialog.password, RPC_ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.logged_in, timeout=TIMEOUT) as logged:
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    return logged.args[0]


def test_log_in_search_group_open_edit_save(qtbot, live_server, rpc_db, rpc, db):
    from client_qt.views.registry import load_view_modules
    from client_qt.windows.main_window import MainWindow
    load_view_modules()
    city = unique("Walkville")
    names = [unique("Walk Alpha"), unique("Walk Beta")]
    be, fr = (rpc("res.country", "search", [["code", "=", code]])[0] for code in ("BE", "FR"))
    ids = [rpc.create("res.partner", {"name": names[0], "city": city, "country_id": be, "is_company": True}),
           rpc.create("res.partner", {"name": names[1], "city": city, "country_id": fr})]

    session = log_in(qtbot, live_server.url, rpc_db)
    assert session.uid == 2
    window = keep(MainWindow(session))
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    try:
        # the menu tree comes from the server; Contacts opens in a tab
        qtbot.waitUntil(lambda: window.menu_item("Contacts/Contacts") is not None, timeout=TIMEOUT)
        window.menu_tree.itemActivated.emit(window.menu_item("Contacts/Contacts"), 0)
        qtbot.waitUntil(lambda: window.tabs.count() == 1 and window.tabs.widget(0).current is not None,
                        timeout=TIMEOUT)
        tab = window.tabs.widget(0)
        assert window.tabs.tabText(0) == "Contacts"
        view = tab.current
        # type in the search box: the city of our two partners
        search = tab.search_view
        search.box.setFocus()
        qtbot.keyClicks(search.box, city)
        qtbot.waitUntil(lambda: any(label.startswith("Search City for") for label in search.proposal_items()),
                        timeout=TIMEOUT)
        row = next(i for i, label in enumerate(search.proposal_items()) if label.startswith("Search City for"))
        for _ in range(row):
            qtbot.keyClick(search.box, Qt.Key.Key_Down)
        qtbot.keyClick(search.box, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.model.counted and view.model.total == 2, timeout=TIMEOUT)
        # group by country: one group per country, with the counts of read_group
        search.group_action("group_country").trigger()
        qtbot.waitUntil(lambda: view.is_grouped() and len(view.group_model.groups()) == 2, timeout=TIMEOUT)
        expected = rpc("res.partner", "read_group", [["city", "ilike", city]], ["country_id"], ["country_id"])
        assert sorted((g.label, g.count) for g in view.group_model.groups()) == \
            sorted((group["country_id"][1], group["country_id_count"]) for group in expected)
        qtbot.mouseClick(search.chips[-1].findChild(object, "facet_remove"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not view.is_grouped() and view.model.counted and view.model.total == 2,
                        timeout=TIMEOUT)
        qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
        # open the company with a double-click on its row
        row = [view.model.record_id(i) for i in range(2)].index(ids[0])
        rect = view.table.visualRect(view.model.index(row, 0))
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        form_view = tab.views["form"]
        qtbot.waitUntil(lambda: tab.current is form_view and form_view.form.record is not None
                        and form_view.form.record.id == ids[0], timeout=TIMEOUT)
        form = form_view.form
        # fields of several types: char, many2one typed, email, a one2many line
        type_into(qtbot, form.widget("street").editor, "1 Walk Street")
        pick(qtbot, form.widget("country_id"), "Fran", "France")
        type_into(qtbot, form.widget("email").editor, "walk@example.com")
        contact = unique("Walk Contact")
        form.findChild(QTabWidget, "notebook").setCurrentIndex(0)
        children = form.widget("child_ids")
        children.list.add_buttons[0].click()
        qtbot.waitUntil(lambda: getattr(children, "dialog", None) is not None and children.dialog.isVisible(),
                        timeout=TIMEOUT)
        type_into(qtbot, children.dialog.form.widget("name").editor, contact)
        children.dialog.buttons["save_close"].click()
        qtbot.waitUntil(lambda: not children.dialog.isVisible(), timeout=TIMEOUT)
        assert form.is_modified()
        # Ctrl+S saves; nothing was written before
        assert db("res.partner", [("id", "=", ids[0])], ["email"])[0]["email"] is False
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(form.widget("email").editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not form.is_modified(), timeout=TIMEOUT)
        [partner] = db("res.partner", [("id", "=", ids[0])], ["street", "country_id", "email", "child_ids"])
        assert partner["street"] == "1 Walk Street" and partner["country_id"][0] == fr
        assert partner["email"] == "walk@example.com"
        [child] = db("res.partner", [("id", "in", partner["child_ids"])], ["name", "parent_id"])
        rpc.created.append(("res.partner", [child["id"]]))
        assert child["name"] == contact and child["parent_id"][0] == ids[0]
        # the list it came from gives the position
        assert form_view.pager.text() == f"{row + 1} / 2"
    finally:
        while window.tabs.count():
            widget = window.tabs.widget(0)
            window.tabs.removeTab(0)
            widget.deleteLater()
        session.runner.wait()
