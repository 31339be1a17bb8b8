"""The import dialog of the list view against the live server: CSV/XLSX, mapping, dry run, skip, progress."""
import datetime

import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, unique
from client_qt.qt import QApplication, QPushButton, Qt


def list_tab(qtbot, window, model):
    import client_qt.views.list  # noqa: F401 (registers the view)
    action = {"type": "ir.actions.act_window", "res_model": model, "view_mode": "list,form", "name": model,
              "domain": [], "context": {}}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    view = tab.current
    qtbot.waitUntil(lambda: view.model.counted, timeout=TIMEOUT)
    return view


def open_import(qtbot, window, path, model="library.book"):
    """The list's import dialog with ``path`` read and the fields of ``model`` arrived."""
    view = list_tab(qtbot, window, model)
    assert view.import_button.isVisible()
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    dialog = view.import_dialog
    assert dialog.isVisible()
    assert dialog.load_path(str(path))
    qtbot.waitUntil(lambda: bool(dialog.combos), timeout=TIMEOUT)
    return view, dialog


def finish(qtbot, dialog, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.running is None, timeout=4 * TIMEOUT)


@pytest.fixture
def prefix(rpc):
    """A unique title prefix; the books whose title starts with it are deleted after the test."""
    value = unique("import")
    yield value
    ids = rpc("library.book", "search", [["name", "=like", value + "%"]], context={"active_test": False})
    if ids:
        rpc("library.book", "unlink", ids)


def books(rpc, prefix, fields=("name",)):
    fields = ["name"] + [name for name in fields if name != "name"]
    return sorted(rpc("library.book", "search_read", [["name", "=like", prefix + "%"]], fields),
                  key=lambda book: book["name"])


def write_csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_a_csv_with_one_bad_line_writes_nothing_and_reports_that_line(qtbot, window, rpc, prefix, tmp_path):
    # a spreadsheet's CSV: semicolons, Windows-1252
    path = write_csv(tmp_path / "books.csv", f"Title;Price;Number of Pages\n{prefix} Été;10;100\n"
                                             f"{prefix} B;abc;120\n{prefix} C;12.5;140\n", encoding="cp1252")
    view, dialog = open_import(qtbot, window, path)
    assert (dialog.data.delimiter, dialog.data.encoding) == (";", "cp1252")
    assert dialog.data.rows[0][0] == f"{prefix} Été"
    assert dialog.mapping == ["name", "price", "pages"]
    finish(qtbot, dialog, dialog.import_button)
    # line 3 of the file is bad (the header is line 1): reported, and nothing is written
    assert dialog.bad_lines() == [3]
    assert dialog.message_list.item(0).text().startswith("Line 3: 'abc' is not a number")
    assert "nothing was imported" in dialog.status.text()
    assert books(rpc, prefix) == []
    loads = window.session.connection.sent("load", "library.book")
    assert len(loads) == 1 and loads[0].context.get("import_dryrun")


def test_skip_bad_lines_imports_the_others(qtbot, window, rpc, prefix, tmp_path):
    path = write_csv(tmp_path / "books.csv", f"name,price\n{prefix} A,10\n{prefix} B,abc\n{prefix} C,12.5\n")
    view, dialog = open_import(qtbot, window, path)
    dialog.skip_errors.setChecked(True)
    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.running is None, timeout=TIMEOUT)
    assert dialog.bad_lines() == [3]
    assert [(b["name"], b["price"]) for b in books(rpc, prefix, ("name", "price"))] == [
        (f"{prefix} A", 10.0), (f"{prefix} C", 12.5)]
    assert len(imported.args[0]) == 2
    assert "2 record(s) imported; 1 bad line(s) skipped" in dialog.status.text()
    # the list shows the new records after the import
    qtbot.waitUntil(lambda: view.model.total >= 2, timeout=TIMEOUT)


def test_a_clean_file_is_tested_then_imported(qtbot, window, rpc, prefix, tmp_path):
    path = write_csv(tmp_path / "books.csv", f"name,pages\n{prefix} A,100\n{prefix} B,200\n")
    view, dialog = open_import(qtbot, window, path)
    finish(qtbot, dialog, dialog.test_button)
    assert dialog.messages == [] and "nothing was written" in dialog.status.text()
    assert books(rpc, prefix) == []
    finish(qtbot, dialog, dialog.import_button)
    assert [b["pages"] for b in books(rpc, prefix, ("name", "pages"))] == [100, 200]
    contexts = [call.context for call in window.session.connection.sent("load", "library.book")]
    assert [bool(c.get("import_dryrun")) for c in contexts] == [True, True, False]


def test_xlsx_import_with_dates_numbers_and_selection_labels(qtbot, window, rpc, prefix, tmp_path):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Title", "Publication Date", "Number of Pages", "Genre", "Price"])
    sheet.append([f"{prefix} Sheet", datetime.date(1999, 12, 31), 321, "Poetry", 9.5])
    sheet.append([None] * 5)   # a formatted empty row at the end is no data
    path = tmp_path / "books.xlsx"
    workbook.save(path)
    view, dialog = open_import(qtbot, window, path)
    assert dialog.data.rows == [[f"{prefix} Sheet", "1999-12-31", "321", "Poetry", "9.5"]]
    assert dialog.mapping == ["name", "publication_date", "pages", "genre", "price"]
    finish(qtbot, dialog, dialog.import_button)
    assert books(rpc, prefix, ("publication_date", "pages", "genre", "price"))[0] == {
        "id": dialog.last_ids[0], "name": f"{prefix} Sheet", "publication_date": "1999-12-31", "pages": 321,
        "genre": "poetry", "price": 9.5}


def test_mapping_by_label_and_many2one_by_name_and_by_external_id(qtbot, window, rpc, prefix, tmp_path):
    author = unique("Author")
    rpc.create("res.partner", {"name": author})
    azure = rpc("res.partner", "search", [["name", "=", "Azure Interior"]])
    path = write_csv(tmp_path / "books.csv", f"Title,Author,Author/External ID,Remarks\n{prefix} By name,{author},,x\n")
    view, dialog = open_import(qtbot, window, path)
    # guessed from the labels; "Remarks" names no field
    assert dialog.mapping == ["name", "author_id", "author_id/id", None]
    assert [combo.currentText() for combo in dialog.combos] == [
        "Title", "Author", "Author/External ID", "— do not import —"]
    # a field filled by two columns is refused before anything is sent
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Several columns fill Author" in dialog.status.text()
    assert window.session.connection.sent("load") == []
    dialog.set_mapping(2, None)
    finish(qtbot, dialog, dialog.import_button)
    assert dialog.messages == []
    assert window.session.connection.sent("load")[-1].args[0] == ["name", "author_id"]
    # a second file: the many2one by external id (an export's "field:id" title)
    path2 = write_csv(tmp_path / "books2.csv", f"name,author_id:id\n{prefix} By xml id,base.res_partner_azure\n")
    assert dialog.load_path(str(path2))
    assert dialog.mapping == ["name", "author_id/id"]
    finish(qtbot, dialog, dialog.import_button)
    found = {b["name"]: b["author_id"] for b in books(rpc, prefix, ("name", "author_id"))}
    assert found[f"{prefix} By name"][1] == author
    assert found[f"{prefix} By xml id"][0] == azure[0]


def test_an_unknown_name_is_reported_on_its_line(qtbot, window, rpc, prefix, tmp_path):
    path = write_csv(tmp_path / "books.csv", f"Title,Author\n{prefix} A,{unique('Nobody')}\n")
    view, dialog = open_import(qtbot, window, path)
    finish(qtbot, dialog, dialog.import_button)
    assert dialog.bad_lines() == [2]
    assert "No matching record found for name" in dialog.messages[0]["message"]
    assert books(rpc, prefix) == []


def test_progress_dialog_for_a_big_file_and_cancel(qtbot, window, rpc, prefix, tmp_path):
    lines = "".join(f"{prefix} {i:05d},{i}\n" for i in range(1200))
    path = write_csv(tmp_path / "big.csv", "name,pages\n" + lines)
    view, dialog = open_import(qtbot, window, path)
    dialog.batch_size = 400
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    progress = dialog.progress
    assert progress is not None and progress.isVisible() and progress.maximum() == 1200
    qtbot.waitUntil(lambda: dialog.running is None, timeout=4 * TIMEOUT)
    assert dialog.progress is None
    assert "All 1200 lines are valid" in dialog.status.text()
    loads = window.session.connection.sent("load", "library.book")
    assert [len(call.args[1]) for call in loads] == [400, 400, 400]
    # a real import cancelled from the progress dialog during its test: nothing is written
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.running is None, timeout=4 * TIMEOUT)
    assert "Test stopped after 400 of 1200 lines" in dialog.status.text()
    assert len(window.session.connection.sent("load", "library.book")) == 4
    assert books(rpc, prefix) == []


def test_an_unreadable_file_says_so(qtbot, window, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    view = list_tab(qtbot, window, "library.book")
    dialog = view.import_records()
    assert not dialog.load_path(str(path))
    assert "Cannot read broken.xlsx as an XLSX workbook" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    QApplication.processEvents()


def test_screenshot_of_the_import_dialog_after_a_test_run(qtbot, window, rpc, prefix, tmp_path, qapp):
    """docs/screenshots/import.png: the mapping row, the preview and the bad lines of a test run."""
    previous_style = qapp.style().name()
    qapp.setStyle("Fusion")
    try:
        author = unique("Author")
        rpc.create("res.partner", {"name": author})
        path = write_csv(tmp_path / "books.csv", "Title,Author,Number of Pages,Genre,Price,Shelf\n"
                         f"{prefix} The Waves,{author},297,Novel,12.50,B4\n"
                         f"{prefix} Leaves of Grass,{author},two hundred,Poetry,9.90,C1\n"
                         f"{prefix} Cosmos,{author},365,Science,15.00,D2\n"
                         f"{prefix} Persepolis,{unique('Nobody')},160,Comics,18.00,A3\n"
                         f"{prefix} Walden,{author},352,Essay,-4,B2\n")
        view, dialog = open_import(qtbot, window, path)
        dialog.resize(900, 560)
        finish(qtbot, dialog, dialog.test_button)
        assert dialog.bad_lines() == [3, 5, 6]
        from client_fixtures import SCREENSHOTS as shots
        shots.mkdir(parents=True, exist_ok=True)
        assert dialog.grab().save(str(shots / "import.png"))
    finally:
        qapp.setStyle(previous_style)
