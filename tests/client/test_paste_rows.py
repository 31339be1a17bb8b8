"""Pasting rows copied from a spreadsheet into an editable list (issue 7 item 8): cells parsed per field
type onto the visible columns, invalid cells marked, nothing saved until every row is valid, then one
``create`` of all rows; against the live server."""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, unique
from client_qt.qt import QApplication, Qt
from client_qt.views.list.parser import parse_list
from client_qt.views.list.paste import PENDING, parse_cell, split_rows, target_columns

pytestmark = [pytest.mark.pg, pytest.mark.qt]

CTRL = Qt.KeyboardModifier.ControlModifier

BOOK_LIST = """<list editable="bottom">
    <field name="name"/><field name="author_id"/><field name="genre"/><field name="price"/>
    <field name="publication_date"/><field name="pages"/><field name="active" optional="hide"/>
</list>"""

FIELDS = {"name": {"type": "char", "string": "Title", "required": True},
          "author_id": {"type": "many2one", "relation": "res.partner", "string": "Author"},
          "genre": {"type": "selection", "string": "Genre", "selection": [["novel", "Novel"], ["essay", "Essay"]]},
          "price": {"type": "float", "string": "Price"},
          "publication_date": {"type": "date", "string": "Publication Date"},
          "pages": {"type": "integer", "string": "Pages"},
          "active": {"type": "boolean", "string": "Active"},
          "loan_count": {"type": "integer", "string": "Loans", "readonly": True},
          "registered": {"type": "datetime", "string": "Registered"}}


def column(name):
    spec = parse_list(f'<list><field name="{name}"/></list>', FIELDS)
    return spec.columns[0]


def test_cells_are_parsed_per_field_type_in_the_users_locale(qapp, english_locale):
    assert parse_cell(column("price"), "1,234.50") == (1234.5, None)
    assert parse_cell(column("price"), "1.5") == (1.5, None)
    assert parse_cell(column("price"), "abc")[1].startswith("“abc” is not a number")
    assert parse_cell(column("pages"), "12") == (12, None)
    assert "whole number" in parse_cell(column("pages"), "1.5")[1]
    assert parse_cell(column("publication_date"), "3/14/2021") == ("2021-03-14", None)
    assert parse_cell(column("publication_date"), "2021-03-14") == ("2021-03-14", None)
    assert "not a date" in parse_cell(column("publication_date"), "14/3/2021")[1]
    assert parse_cell(column("registered"), "2024-01-15 10:00", "Europe/Brussels") == ("2024-01-15 09:00:00", None)
    assert parse_cell(column("registered"), "7/15/24 10:00 AM", "Europe/Brussels") == ("2024-07-15 08:00:00", None)
    assert parse_cell(column("genre"), " essay ") == ("essay", None)
    assert parse_cell(column("genre"), "Essay") == ("essay", None)
    assert "not one of: Novel, Essay" in parse_cell(column("genre"), "Poem")[1]
    assert parse_cell(column("active"), "Yes") == (True, None)
    assert parse_cell(column("active"), "0") == (False, None)
    assert parse_cell(column("author_id"), "Victor Hugo") == (PENDING, None)
    assert parse_cell(column("name"), "")[1] == "“Title” is required."
    assert parse_cell(column("pages"), "") == (None, None)            # empty: the default applies
    assert "read-only" in parse_cell(column("loan_count"), "3")[1]


def test_de_locale_numbers_and_dates(qapp):
    from client_qt.qt import QLocale
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    try:
        assert parse_cell(column("price"), "1.234,5") == (1234.5, None)
        assert parse_cell(column("publication_date"), "14.03.2021") == ("2021-03-14", None)
    finally:
        QLocale.setDefault(previous)


def test_clipboard_rows_and_target_columns():
    assert split_rows("a\tb\r\nc\t\"d\te\"\r\n\r\n") == [["a", "b"], ["c", "d\te"]]
    columns = parse_list(BOOK_LIST, FIELDS).visible_columns()
    assert [c.name for c in target_columns(columns, 3, 5)] == ["price", "publication_date", "pages"]


def open_books(qtbot, window, views, prefix):
    list_view_id = views("library.book", BOOK_LIST, "list")["views"]["list"]["id"]
    action = {"type": "ir.actions.act_window", "res_model": "library.book", "name": "Pasted books",
              "views": [[list_view_id, "list"], [False, "form"]], "domain": [["name", "like", prefix]]}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    view = tab.current
    qtbot.waitUntil(lambda: view.model.counted, timeout=TIMEOUT)
    return view


def paste_with_keys(qtbot, window, view, text):
    QApplication.clipboard().setText(text)
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus, timeout=TIMEOUT)
    qtbot.keyClick(view.table, Qt.Key.Key_V, CTRL)


def test_a_block_with_one_invalid_cell_saves_nothing_until_fixed(qtbot, window, views, rpc, english_locale):
    prefix = unique("Pasted")
    author = unique("Paste Author")
    rpc.create("res.partner", {"name": author})
    view = open_books(qtbot, window, views, prefix)
    connection = window.session.connection
    block = (f"{prefix} One\t{author}\tPoetry\t1,234.50\t3/14/2021\t120\r\n"
             f"{prefix} Two\t{author}\tEssay\tabc\t2021-05-01\t80\r\n")
    paste_with_keys(qtbot, window, view, block)
    qtbot.waitUntil(lambda: view.paste.panel is not None and not view.paste.panel.block.pending, timeout=TIMEOUT)
    panel = view.paste.panel
    assert panel.isVisible()
    price = 3
    assert [(r, c) for r, c, _ in panel.block.errors()] == [(1, price)]
    assert panel.cell_error(1, price).startswith("“abc” is not a number")
    item = panel.table.item(1, price)
    assert item.toolTip() == panel.cell_error(1, price) and item.background().style() != Qt.BrushStyle.NoBrush
    assert panel.table.item(0, price).background().style() == Qt.BrushStyle.NoBrush
    assert not panel.save_button.isEnabled()
    assert not connection.sent("create", "library.book")
    assert rpc("library.book", "search_count", [["name", "like", prefix]]) == 0
    # the user corrects the cell: it is parsed again, the block can be saved, in one create
    panel.table.item(1, price).setText("12.5")
    assert panel.cell_error(1, price) is None and panel.save_button.isEnabled()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.paste.panel is None and view.model.rowCount() == 2, timeout=TIMEOUT)
    creates = connection.sent("create", "library.book")
    assert len(creates) == 1 and len(creates[0].args[0]) == 2
    books = rpc("library.book", "search_read", [["name", "like", prefix]],
                ["name", "author_id", "genre", "price", "publication_date", "pages"], order="name")
    rpc.created.append(("library.book", [b["id"] for b in books]))
    assert [(b["name"], b["author_id"][1], b["genre"], b["price"], b["publication_date"], b["pages"]) for b in books] \
        == [(f"{prefix} One", author, "poetry", 1234.5, "2021-03-14", 120),
            (f"{prefix} Two", author, "essay", 12.5, "2021-05-01", 80)]


def test_a_valid_block_from_the_current_column_is_created_at_once(qtbot, window, views, rpc, english_locale):
    prefix = unique("Pasted")
    view = open_books(qtbot, window, views, prefix)
    rpc.create("library.book", {"name": f"{prefix} existing"})
    view.model.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and bool(view.model.record_id(0)), timeout=TIMEOUT)
    # from the Price column: price, date, pages; the fourth cell has no column (the optional one is hidden)
    view.table.setCurrentIndex(view.model.index(0, view.model.column_index("price")))
    panel = view.paste.paste_text("7\t2021-01-01\t9\tspare\n8\t2021-01-02\t10\tspare\n")
    assert [c.name for c in panel.block.columns] == ["price", "publication_date", "pages"]
    assert "left out" in panel.message.text()
    # no title column: the server refuses the rows (Title is required), nothing is created
    qtbot.waitUntil(lambda: bool(panel.server_error), timeout=TIMEOUT)
    assert rpc("library.book", "search_count", [["name", "like", prefix]]) == 1
    qtbot.mouseClick(panel.discard_button, Qt.MouseButton.LeftButton)
    assert view.paste.panel is None
    # a block starting at the title column, every cell valid: created without a click
    view.table.setCurrentIndex(view.model.index(0, view.model.column_index("name")))
    view.paste.paste_text(f"{prefix} A\t\tNovel\t3\n{prefix} B\t\tEssay\t4\n")
    qtbot.waitUntil(lambda: rpc("library.book", "search_count", [["name", "like", prefix]]) == 3, timeout=TIMEOUT)
    books = rpc("library.book", "search_read", [["name", "like", prefix]], ["name", "author_id", "price"])
    rpc.created.append(("library.book", [b["id"] for b in books]))
    assert sorted((b["name"], b["author_id"], b["price"]) for b in books)[:2] == [
        (f"{prefix} A", False, 3.0), (f"{prefix} B", False, 4.0)]


def test_a_block_pasted_in_an_open_cell_editor_becomes_rows(qtbot, window, views, rpc, english_locale):
    prefix = unique("Pasted")
    view = open_books(qtbot, window, views, prefix)
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    view.new_record()
    qtbot.waitUntil(lambda: view.table.indexWidget(view.table.currentIndex()) is not None
                    or view.table.focusWidget() is not view.table, timeout=TIMEOUT)
    editor = QApplication.focusWidget()
    assert editor is not view.table
    QApplication.clipboard().setText("single value")             # one value: the editor's own paste
    qtbot.keyClick(editor, Qt.Key.Key_V, CTRL)
    assert view.paste.panel is None and "single value" in editor.text()
    QApplication.clipboard().setText(f"{prefix} X\t\tNovel\tabc\n")
    qtbot.keyClick(editor, Qt.Key.Key_V, CTRL)
    qtbot.waitUntil(lambda: view.paste.panel is not None, timeout=TIMEOUT)
    assert [c.name for c in view.paste.panel.block.columns] == ["name", "author_id", "genre", "price"]
    assert [(r, c) for r, c, _ in view.paste.panel.block.errors()] == [(0, 3)]
