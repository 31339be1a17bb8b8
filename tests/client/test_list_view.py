"""The list and search views in a real action tab against the live server (views.md §4, §5)."""
import csv

import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT
from client_qt.qt import QApplication, QMessageBox, QPoint, Qt
from test_list_model import SCROLL_COUNT, SCROLL_DOMAIN, make_scroll_contacts


def open_tab(qtbot, session, model, domain=None, context=None, name=None):
    """A main window with one tab running a window action on ``model``; returns (window, tab)."""
    import client_qt.views.list  # noqa: F401 (registers the view)
    import client_qt.views.search  # noqa: F401
    from client_qt.windows.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    action = {"type": "ir.actions.act_window", "res_model": model, "view_mode": "list,form",
              "name": name or model, "domain": domain or [], "context": context or {}}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    return window, tab


def list_view(qtbot, tab):
    view = tab.current
    qtbot.waitUntil(lambda: view.model.counted or bool(view.group_model.groups()), timeout=TIMEOUT)
    return view


def counting(session):
    """The session's connection, which notes every call it makes."""
    return session.connection


def offsets(connection, model="res.partner"):
    return [call.kwargs["offset"] for call in connection.sent("search_read", model)]


@pytest.fixture
def contacts(session, rpc):
    make_scroll_contacts(rpc.connection)
    return session


def test_partner_list_fetches_pages_as_the_user_scrolls(qtbot, contacts):
    connection = counting(contacts)
    window, tab = open_tab(qtbot, contacts, "res.partner", SCROLL_DOMAIN)
    view = list_view(qtbot, tab)
    qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
    assert view.model.rowCount() == SCROLL_COUNT
    assert offsets(connection) == [0]
    qtbot.waitUntil(lambda: view.pager.text() == f"1-80 / {SCROLL_COUNT}", timeout=TIMEOUT)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: 2 in view.model.loaded_pages(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view.pager.text() == f"161-{SCROLL_COUNT} / {SCROLL_COUNT}", timeout=TIMEOUT)
    assert offsets(connection) == [0, 160]
    view.table.scrollTo(view.model.index(100, 0))
    qtbot.waitUntil(lambda: 1 in view.model.loaded_pages(), timeout=TIMEOUT)
    assert sorted(offsets(connection)) == [0, 80, 160]
    # never the whole table: every read is one page
    assert {call.kwargs["limit"] for call in connection.sent("search_read", "res.partner")} == {80}


def test_header_click_sorts_the_list(qtbot, contacts):
    window, tab = open_tab(qtbot, contacts, "res.partner", SCROLL_DOMAIN)
    view = list_view(qtbot, tab)
    qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
    header = view.table.horizontalHeader()
    column = view.model.column_index("complete_name")
    point = QPoint(header.sectionViewportPosition(column) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: view.model.data(view.model.index(0, column)) == "Scroll Contact 000", timeout=TIMEOUT)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: view.model.data(view.model.index(0, column)) == "Scroll Contact 204", timeout=TIMEOUT)
    assert header.isSortIndicatorShown() and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_group_by_country_from_the_search_view(qtbot, contacts, rpc):
    window, tab = open_tab(qtbot, contacts, "res.partner", SCROLL_DOMAIN)
    view = list_view(qtbot, tab)
    tab.search_view.group_action("group_country").trigger()
    qtbot.waitUntil(lambda: view.is_grouped() and len(view.group_model.groups()) == 3, timeout=TIMEOUT)
    groups = view.group_model.groups()
    expected = rpc("res.partner", "read_group", SCROLL_DOMAIN, ["country_id"], ["country_id"])
    assert [g.count for g in groups] == [group["country_id_count"] for group in expected]
    assert view.group_model.data(view.group_model.index(0, 0)) == f"{groups[0].label} ({groups[0].count})"
    assert [chip.text.text() for chip in tab.search_view.chips] == ["Country"]
    view.tree.expand(view.group_model.index(0, 0))
    qtbot.waitUntil(lambda: view.group_model.rowCount(view.group_model.index(0, 0)) == groups[0].count,
                    timeout=TIMEOUT)
    assert view.pager.text() == f"{len(expected)} groups · {SCROLL_COUNT} records"
    # removing the facet brings the flat list back
    qtbot.mouseClick(tab.search_view.chips[0].findChild(object, "facet_remove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.is_grouped() and view.model.counted and view.model.total == SCROLL_COUNT,
                    timeout=TIMEOUT)


def test_search_by_a_field_with_an_operator_a_filter_and_a_removed_facet(qtbot, contacts):
    window, tab = open_tab(qtbot, contacts, "res.partner", SCROLL_DOMAIN)
    view = list_view(qtbot, tab)
    search = tab.search_view
    expected_city = contacts.connection.call_kw("res.partner", "search_count",
                                                [SCROLL_DOMAIN + [["city", "=", "City 3"]]])
    search.set_custom_filter("city", "=", "City 3")
    qtbot.mouseClick(search.findChild(object, "custom_add"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.counted and view.model.total == expected_city, timeout=TIMEOUT)
    assert search.chips[0].text.text() == "is equal to City 3"
    search.filter_action("type_company").trigger()
    expected_both = contacts.connection.call_kw("res.partner", "search_count", [
        SCROLL_DOMAIN + [["city", "=", "City 3"], ["is_company", "=", True]]])
    qtbot.waitUntil(lambda: view.model.counted and view.model.total == expected_both, timeout=TIMEOUT)
    assert [chip.text.text() for chip in search.chips] == ["is equal to City 3", "Companies"]
    # Backspace in the empty box removes the last facet, the × of a chip removes that one
    search.box.setFocus()
    qtbot.keyClick(search.box, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: view.model.counted and view.model.total == expected_city, timeout=TIMEOUT)
    qtbot.mouseClick(search.chips[0].findChild(object, "facet_remove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.counted and view.model.total == SCROLL_COUNT, timeout=TIMEOUT)


def test_typing_proposes_fields_and_many2one_records(qtbot, contacts, rpc):
    window, tab = open_tab(qtbot, contacts, "res.partner", SCROLL_DOMAIN)
    view = list_view(qtbot, tab)
    search = tab.search_view
    search.box.setFocus()
    qtbot.keyClicks(search.box, "Scroll Contact 01")
    assert search.popup.isVisible()
    assert search.proposal_items()[0] == "Search Name for: Scroll Contact 01"
    qtbot.keyClick(search.box, Qt.Key.Key_Return)
    named = rpc("res.partner", "search_count", SCROLL_DOMAIN + [["name", "ilike", "Scroll Contact 01"]])
    qtbot.waitUntil(lambda: view.model.counted and view.model.total == named, timeout=TIMEOUT)
    country = contacts.connection.call_kw("res.partner", "search_read", [SCROLL_DOMAIN], {
        "fields": ["country_id"], "limit": 1, "order": "id"})[0]["country_id"]
    qtbot.keyClicks(search.box, country[1][:4])
    labels = search.proposal_items()
    row = next(i for i, label in enumerate(labels) if label.startswith("Search Country for"))
    for _ in range(row):
        qtbot.keyClick(search.box, Qt.Key.Key_Down)
    qtbot.keyClick(search.box, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: f"  {country[1]}" in search.proposal_items(), timeout=TIMEOUT)
    qtbot.keyClick(search.box, Qt.Key.Key_Return)
    expected = contacts.connection.call_kw("res.partner", "search_count", [
        SCROLL_DOMAIN + [["name", "ilike", "Scroll Contact 01"], ["country_id", "=", country[0]]]])
    qtbot.waitUntil(lambda: view.model.counted and view.model.total == expected, timeout=TIMEOUT)
    assert [chip.text.text() for chip in search.chips] == ["Scroll Contact 01", country[1]]


def test_double_click_and_enter_open_the_record_with_the_loaded_ids(qtbot, contacts, monkeypatch):
    window, tab = open_tab(qtbot, contacts, "res.partner", SCROLL_DOMAIN)
    view = list_view(qtbot, tab)
    qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
    opened = []
    monkeypatch.setattr(tab, "open_record", lambda record_id, ids=None: opened.append((record_id, ids)))
    rect = view.table.visualRect(view.model.index(2, 0))
    # a real double-click: press and release, then the double-click event
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened[0][0] == view.model.record_id(2)
    assert opened[0][1][:80] == view.model.loaded_ids()[:80]
    view.table.setCurrentIndex(view.model.index(5, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened[1][0] == view.model.record_id(5)


def test_duplicate_then_delete_the_selected_rows(qtbot, contacts):
    window, tab = open_tab(qtbot, contacts, "res.partner", SCROLL_DOMAIN)
    view = list_view(qtbot, tab)
    qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
    view.table.selectRow(0)
    assert view.duplicate_button.isEnabled() and view.delete_button.isEnabled()
    original = view.model.record_id(0)
    qtbot.mouseClick(view.duplicate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.counted and view.model.total == SCROLL_COUNT + 1, timeout=TIMEOUT)
    copies = contacts.connection.call_kw("res.partner", "search", [SCROLL_DOMAIN + [["id", ">", original]]],
                                         {"order": "id desc", "limit": 1})
    row = None
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: copies[0] in view.model.loaded_ids(), timeout=TIMEOUT)
    row = next(r for r in range(view.model.rowCount()) if view.model.record_id(r) == copies[0])
    view.table.clearSelection()
    view.table.selectRow(row)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    box = view.confirm_box
    assert box is not None and box.isVisible() and "1 record" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.counted and view.model.total == SCROLL_COUNT, timeout=TIMEOUT)
    assert contacts.connection.call_kw("res.partner", "search_count", [[["id", "=", copies[0]]]]) == 0


def test_book_list_shows_decorations_and_the_price_sum(qtbot, session):
    from client_qt.models.list_format import decoration_colour
    connection = session.connection
    books = connection.call_kw("library.book", "search_read", [[]], {"fields": ["price", "available", "name"]})
    window, tab = open_tab(qtbot, session, "library.book")
    view = list_view(qtbot, tab)
    qtbot.waitUntil(lambda: view.footer.isVisible(), timeout=TIMEOUT)
    price = view.model.column_index("price")
    total = sum(book["price"] for book in books)
    from client_qt.qt import QLocale
    assert view.footer.texts[price] == QLocale().toString(total, "f", 2)
    assert view.footer.tooltips[price] == "Total value"
    qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
    for row in range(view.model.rowCount()):
        data = view.model.row_data(row)
        brush = view.model.data(view.model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
        if data["available"]:
            assert brush is None
        else:
            assert brush.color() == decoration_colour("muted")
    # the footer follows the selection
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.footer.texts[price] == QLocale().toString(
        float(view.model.row_data(0)["price"]), "f", 2), timeout=TIMEOUT)


def current_editor(view):
    """The open cell editor of a list (offscreen windows get no keyboard focus, so look for it)."""
    from client_qt.qt import QWidget
    editors = [w for w in view.table.viewport().findChildren(QWidget)
               if w.objectName().startswith("cell_editor_") and w.isVisible()]
    return editors[-1] if len(editors) == 1 else None


def editor_named(view, name):
    editor = current_editor(view)
    return editor is not None and editor.objectName() == f"cell_editor_{name}"


def test_editable_list_saves_each_row_with_the_keyboard(qtbot, session):
    connection = session.connection
    window, tab = open_tab(qtbot, session, "ir.config_parameter",
                           [["key", "=like", "client.test.%"]])
    view = list_view(qtbot, tab)
    table = view.table
    assert table.editable and view.spec.editable == "bottom"
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor_named(view, "key"), timeout=TIMEOUT)
    qtbot.keyClicks(current_editor(view), "client.test.first")
    qtbot.keyClick(current_editor(view), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: editor_named(view, "value"), timeout=TIMEOUT)
    qtbot.keyClicks(current_editor(view), "one")
    with qtbot.waitSignal(view.model.row_saved, timeout=TIMEOUT):
        qtbot.keyClick(current_editor(view), Qt.Key.Key_Return)
    saved = connection.call_kw("ir.config_parameter", "search_read", [[["key", "=", "client.test.first"]]],
                               {"fields": ["value"]})
    assert saved[0]["value"] == "one"
    # Enter after a new row opens another new row (fast line entry); Escape removes it untouched
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 and editor_named(view, "key"), timeout=TIMEOUT)
    assert table.currentIndex().row() == 1
    qtbot.keyClick(current_editor(view), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=TIMEOUT)
    # a second row with the same key: the server refuses, the row keeps its edits and shows why
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor_named(view, "key"), timeout=TIMEOUT)
    qtbot.keyClicks(current_editor(view), "client.test.first")
    qtbot.keyClick(current_editor(view), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: editor_named(view, "value"), timeout=TIMEOUT)
    qtbot.keyClicks(current_editor(view), "two")
    with qtbot.waitSignal(view.model.row_failed, timeout=TIMEOUT):
        qtbot.keyClick(current_editor(view), Qt.Key.Key_Return)
    assert not view.error_label.isHidden() and view.error_label.text()
    assert view.model.is_row_dirty(1)
    assert view.model.data(view.model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == view.error_label.text()
    table.setCurrentIndex(view.model.index(1, 0))
    table.escape_pressed()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=TIMEOUT)
    # editing an existing cell and pressing Enter writes the row
    table.edit_cell(0, view.model.column_index("value"))
    qtbot.waitUntil(lambda: editor_named(view, "value"), timeout=TIMEOUT)
    editor = current_editor(view)
    editor.selectAll()
    qtbot.keyClicks(editor, "changed")
    with qtbot.waitSignal(view.model.row_saved, timeout=TIMEOUT):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    saved = connection.call_kw("ir.config_parameter", "search_read", [[["key", "=", "client.test.first"]]],
                               {"fields": ["value"]})
    assert saved[0]["value"] == "changed"
    connection.call_kw("ir.config_parameter", "unlink", [[saved[0]["id"]]])


def test_export_writes_chosen_fields_with_formula_cells_neutralised(qtbot, contacts, tmp_path):
    connection = contacts.connection
    hostile = connection.call_kw("res.partner", "create", [{"name": "=HYPERLINK(\"http://x\")", "city": "+1"}])
    try:
        window, tab = open_tab(qtbot, contacts, "res.partner", [["id", "in", [hostile]]])
        view = list_view(qtbot, tab)
        qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
        view.table.selectRow(0)
        dialog = view.export()
        assert dialog.chosen_names() == [c.name for c in view.model.columns]
        qtbot.waitUntil(lambda: dialog.available.count() > 0, timeout=TIMEOUT)
        assert dialog.scope_selected.isChecked()
        path = tmp_path / "partners.csv"
        dialog.path.setText(str(path))
        with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
            qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        with open(path, encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][0] == "Name"
        assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
        assert rows[1][rows[0].index("City")] == "'+1"
    finally:
        connection.call_kw("res.partner", "unlink", [[hostile]])


LOAN_ARCH = """<list>
    <header><button name="action_return" type="object" string="Return Selected"/></header>
    <field name="name"/><field name="book_id"/><field name="state"/>
    <button name="action_start" type="object" string="Start" invisible="state != 'draft'"/>
</list>"""


def test_row_and_header_buttons_act_on_their_records(qtbot, session):
    from client_qt.views.list.view import ListView
    connection = session.connection
    book = connection.call_kw("library.book", "search", [[["available", "=", True]]], {"limit": 1})[0]
    member = connection.call_kw("res.partner", "search", [[["name", "=", "Alice Martin"]]])[0]
    loan = connection.call_kw("library.loan", "create", [{"book_id": book, "member_id": member}])
    window, tab = open_tab(qtbot, session, "library.loan", [["id", "=", loan]])
    list_view(qtbot, tab)
    fields = connection.call_kw("library.loan", "fields_get", [], {})
    view = ListView(tab, LOAN_ARCH, fields)
    qtbot.addWidget(view)
    view.resize(800, 300)
    view.show()
    view.activate()
    qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
    header_button = view.header_buttons[0][1]
    assert header_button.isHidden()          # header buttons need a selection
    start = view.model.columnCount() - 1
    assert view.model.data(view.model.index(0, start)) == "Start"
    rect = view.table.visualRect(view.model.index(0, start))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.model.row_data(0, fetch=False) is not None
                    and view.model.row_data(0, fetch=False)["state"] == "ongoing", timeout=TIMEOUT)
    # invisible="state != 'draft'": the button cell is blank now
    assert view.model.data(view.model.index(0, start)) == ""
    view.table.selectRow(0)
    assert not header_button.isHidden()
    qtbot.mouseClick(header_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.row_data(0, fetch=False) is not None
                    and view.model.row_data(0, fetch=False)["state"] == "returned", timeout=TIMEOUT)
    assert connection.call_kw("library.book", "read", [[book], ["available"]])[0]["available"]


def test_search_defaults_of_the_action_apply_before_the_first_load(qtbot, contacts):
    connection = counting(contacts)
    window, tab = open_tab(qtbot, contacts, "res.partner", SCROLL_DOMAIN,
                           context={"search_default_type_company": 1, "search_default_group_country": 1})
    view = list_view(qtbot, tab)
    assert view.is_grouped()
    qtbot.waitUntil(lambda: len(view.group_model.groups()) == 3, timeout=TIMEOUT)
    assert sum(g.count for g in view.group_model.groups()) == 41
    assert [chip.text.text() for chip in tab.search_view.chips] == ["Companies", "Country"]
    # the first load already had the filter: no ungrouped read happened before
    assert connection.sent("search_count", "res.partner") == []
    assert connection.sent("search_read", "res.partner") == []


def test_ctrl_f_focuses_the_search_box(qtbot, session):
    window, tab = open_tab(qtbot, session, "library.book")
    list_view(qtbot, tab)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    view = tab.current
    view.table.setFocus()
    qtbot.waitUntil(lambda: view.table.hasFocus(), timeout=TIMEOUT)
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.search_view.box.hasFocus(), timeout=TIMEOUT)


def test_loans_by_start_month_and_this_month_filter(qtbot, session):
    import datetime
    connection = session.connection
    window, tab = open_tab(qtbot, session, "library.loan")
    view = list_view(qtbot, tab)
    search = tab.search_view
    search.group_action("date_start_month").trigger()
    qtbot.waitUntil(lambda: view.is_grouped() and bool(view.group_model.groups()), timeout=TIMEOUT)
    expected = connection.call_kw("library.loan", "read_group", [[], ["__count"], ["date_start:month"]], {})
    assert [g.label for g in view.group_model.groups()] == [g["date_start:month"] for g in expected]
    assert [chip.text.text() for chip in search.chips] == ["Start Date: Month"]
    search.model.remove_last()
    today = datetime.date.today()
    start = today.replace(day=1)
    stop = (start + datetime.timedelta(days=32)).replace(day=1)
    count = connection.call_kw("library.loan", "search_count", [[
        ["date_start", ">=", start.isoformat()], ["date_start", "<", stop.isoformat()]]])
    search.filter_action("date_start_month_0").trigger()
    qtbot.waitUntil(lambda: not view.is_grouped() and view.model.counted and view.model.total == count
                    and view.model.domain == ["&", ("date_start", ">=", start.isoformat()),
                                              ("date_start", "<", stop.isoformat())], timeout=TIMEOUT)


def test_editable_list_keyboard_moves_between_cells_and_rows(qtbot, session):
    connection = session.connection
    ids = [connection.call_kw("ir.config_parameter", "create", [{"key": f"client.nav.{i}", "value": str(i)}])
           for i in range(2)]
    try:
        window, tab = open_tab(qtbot, session, "ir.config_parameter", [["key", "=like", "client.nav.%"]])
        view = list_view(qtbot, tab)
        qtbot.waitUntil(lambda: 0 in view.model.loaded_pages() and view.model.rowCount() == 2, timeout=TIMEOUT)
        table, key, value = view.table, view.model.column_index("key"), view.model.column_index("value")
        table.edit_cell(0, value)
        qtbot.waitUntil(lambda: editor_named(view, "value"), timeout=TIMEOUT)
        current_editor(view).selectAll()
        qtbot.keyClicks(current_editor(view), "zero")
        # Down leaves the row: it is saved, and the same column of the next row is edited
        with qtbot.waitSignal(view.model.row_saved, timeout=TIMEOUT):
            qtbot.keyClick(current_editor(view), Qt.Key.Key_Down)
        assert (table.currentIndex().row(), table.currentIndex().column()) == (1, value)
        assert connection.call_kw("ir.config_parameter", "read", [[ids[0]], ["value"]])[0]["value"] == "zero"
        # Shift+Tab goes back to the key cell, Tab forward again
        qtbot.waitUntil(lambda: editor_named(view, "value"), timeout=TIMEOUT)
        qtbot.keyClick(current_editor(view), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(lambda: editor_named(view, "key"), timeout=TIMEOUT)
        assert table.currentIndex().column() == key
        qtbot.keyClick(current_editor(view), Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda: editor_named(view, "value"), timeout=TIMEOUT)
        # Tab on the last cell of the last row of a "bottom" list opens a new row
        qtbot.keyClick(current_editor(view), Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda: view.model.rowCount() == 3 and editor_named(view, "key"), timeout=TIMEOUT)
        assert table.currentIndex().row() == 2
        # Up leaves the untouched new row, which goes away
        qtbot.keyClick(current_editor(view), Qt.Key.Key_Up)
        qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=TIMEOUT)
        assert table.currentIndex().row() == 1
    finally:
        connection.call_kw("ir.config_parameter", "unlink", [ids])


@pytest.fixture
def settings_in(tmp_path):
    """QSettings written under a temporary directory instead of the user's configuration."""
    from client_qt.qt import QSettings
    previous = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield tmp_path
    QSettings.setDefaultFormat(previous)


def test_optional_columns_are_toggled_and_remembered(qtbot, session, settings_in):
    window, tab = open_tab(qtbot, session, "res.partner")
    view = list_view(qtbot, tab)
    assert "function" not in [c.name for c in view.model.columns]
    assert not view.columns_button.isHidden()
    menu = view.columns_button.menu()
    menu.aboutToShow.emit()
    action = menu.findChild(object, "optional_function")
    assert action is not None and not action.isChecked()
    action.setChecked(True)
    assert "function" in [c.name for c in view.model.columns]
    menu.aboutToShow.emit()
    menu.findChild(object, "optional_phone").setChecked(False)
    names = [c.name for c in view.model.columns]
    assert "phone" not in names and "function" in names
    # another list of the same view for the same user starts with that choice
    window2, tab2 = open_tab(qtbot, session, "res.partner")
    view2 = list_view(qtbot, tab2)
    assert [c.name for c in view2.model.columns] == names


BOOK_EDIT_ARCH = """<list editable="top">
    <field name="name"/><field name="author_id"/><field name="genre"/><field name="price"/>
</list>"""


def test_editable_many2one_selection_and_float_cells(qtbot, session):
    from client_qt.views.list.view import ListView
    connection = session.connection
    book = connection.call_kw("library.book", "create", [{"name": "Client Edit Book", "price": 1.0}])
    try:
        window, tab = open_tab(qtbot, session, "library.book", [["id", "=", book]])
        list_view(qtbot, tab)
        fields = connection.call_kw("library.book", "fields_get", [], {})
        view = ListView(tab, BOOK_EDIT_ARCH, fields)
        qtbot.addWidget(view)
        view.resize(900, 300)
        view.show()
        view.activate()
        qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
        model, table = view.model, view.table
        table.edit_cell(0, model.column_index("author_id"))
        qtbot.waitUntil(lambda: editor_named(view, "author_id"), timeout=TIMEOUT)
        editor = current_editor(view)
        qtbot.keyClicks(editor, "Victor")
        qtbot.waitUntil(lambda: bool(editor.matches) and editor.matches[0][1] == "Victor Hugo", timeout=TIMEOUT)
        qtbot.keyClick(editor, Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda: editor_named(view, "genre"), timeout=TIMEOUT)
        assert model.data(model.index(0, model.column_index("author_id"))) == "Victor Hugo"
        combo = current_editor(view)
        combo.setCurrentIndex(combo.findData("poetry"))
        qtbot.keyClick(combo, Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda: editor_named(view, "price"), timeout=TIMEOUT)
        spin = current_editor(view)
        spin.setValue(12.5)
        with qtbot.waitSignal(model.row_saved, timeout=TIMEOUT):
            qtbot.keyClick(spin, Qt.Key.Key_Return)
        saved = connection.call_kw("library.book", "read", [[book], ["author_id", "genre", "price"]])[0]
        assert saved["author_id"][1] == "Victor Hugo" and saved["genre"] == "poetry" and saved["price"] == 12.5
        # text that matches no single record is not silently replaced by a stale first result
        table.edit_cell(0, model.column_index("author_id"))
        qtbot.waitUntil(lambda: editor_named(view, "author_id"), timeout=TIMEOUT)
        editor = current_editor(view)
        editor.selectAll()
        qtbot.keyClicks(editor, "Nobody At All")
        with qtbot.waitSignal(model.row_failed, timeout=TIMEOUT):
            qtbot.keyClick(editor, Qt.Key.Key_Tab)
        assert model.data(model.index(0, model.column_index("author_id"))) == "Victor Hugo"
    finally:
        connection.call_kw("library.book", "unlink", [[book]])


LINE_ARCH = '<list><field name="sequence" widget="handle"/><field name="name"/></list>'


def test_rows_dragged_by_the_handle_get_new_sequences(qtbot, session):
    from client_qt.models.list_model import ListModel
    from client_qt.qt import QModelIndex
    from client_qt.views.list.parser import parse_list
    connection = session.connection
    parent = connection.call_kw("test.orm.all.types", "create", [{"name": "Handle parent"}])
    lines = [connection.call_kw("test.orm.line", "create", [{"name": name, "sequence": 10, "all_types_id": parent}])
             for name in ("a", "b", "c", "d")]
    try:
        fields = connection.call_kw("test.orm.line", "fields_get", [], {})
        model = ListModel(session, "test.orm.line", parse_list(LINE_ARCH, fields), fields)
        model.set_search([["all_types_id", "=", parent]])
        qtbot.waitUntil(lambda: 0 in model.loaded_pages() and model.rowCount() == 4, timeout=TIMEOUT)
        assert model.can_reorder()
        assert model.data(model.index(0, 0)) == "☰"
        assert model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsDragEnabled
        # drop row 3 ("d") before row 1 the way a view does it
        data = model.mimeData([model.index(3, 1)])
        with qtbot.waitSignal(model.page_loaded, timeout=TIMEOUT):
            assert not model.dropMimeData(data, Qt.DropAction.MoveAction, 1, 0, QModelIndex())
        qtbot.waitUntil(lambda: [model.data(model.index(r, 1)) for r in range(4)] == ["a", "d", "b", "c"],
                        timeout=TIMEOUT)
        stored = connection.call_kw("test.orm.line", "search_read", [[["all_types_id", "=", parent]]],
                                    {"fields": ["name", "sequence"]})
        assert [(r["name"], r["sequence"]) for r in stored] == [("a", 10), ("d", 11), ("b", 12), ("c", 13)]
        # "a" down below "d": the two swap their values, the others keep theirs
        connection_calls = []
        with qtbot.waitSignal(model.page_loaded, timeout=TIMEOUT):
            model.move_rows([0], 2, on_done=connection_calls.extend)
        assert sorted(connection_calls) == sorted([(lines[3], 10), (lines[0], 11)])
        qtbot.waitUntil(lambda: [model.data(model.index(r, 1)) for r in range(4)] == ["d", "a", "b", "c"],
                        timeout=TIMEOUT)
        # sorted by another column, the handle does not drag
        model.toggle_sort(1)
        assert not model.can_reorder()
    finally:
        connection.call_kw("test.orm.all.types", "unlink", [[parent]])
