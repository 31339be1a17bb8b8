"""The export dialog of the list view: the field chooser and the "all records of the search" scope."""
import csv

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, unique
from client_qt.qt import Qt


def test_export_all_records_of_the_search_with_chosen_fields(qtbot, window, rpc, tmp_path):
    import client_qt.views.list  # noqa: F401 (registers the view)
    prefix = unique("export")
    rpc.create("library.book", [{"name": f"{prefix} {i}", "pages": 10 * i, "genre": "poetry"} for i in range(3)])
    action = {"type": "ir.actions.act_window", "res_model": "library.book", "view_mode": "list,form",
              "name": "Books", "domain": [["name", "=like", prefix + "%"]], "context": {}}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None and tab.current.model.counted, timeout=TIMEOUT)
    view = tab.current
    dialog = view.export()
    qtbot.waitUntil(lambda: dialog.available.count() > 0, timeout=TIMEOUT)
    # nothing selected: only "all records" is possible
    assert not dialog.scope_selected.isEnabled() and dialog.scope_all.isChecked()
    assert "(3)" in dialog.scope_all.text()
    # the chooser: keep only the title, then add the number of pages and the genre
    dialog.chosen.selectAll()
    dialog.chosen.item(0).setSelected(False)
    dialog.remove_selected()
    assert dialog.chosen_names() == ["name"]
    for name in ("pages", "genre"):
        item = next(dialog.available.item(i) for i in range(dialog.available.count())
                    if dialog.available.item(i).data(Qt.ItemDataRole.UserRole) == name)
        dialog.available.clearSelection()
        item.setSelected(True)
        dialog.add_selected()
    dialog.chosen.setCurrentRow(2)
    dialog.chosen.item(2).setSelected(True)
    dialog.move_selected(-1)
    assert dialog.chosen_names() == ["name", "genre", "pages"]
    path = tmp_path / "books.csv"
    dialog.path.setText(str(path))
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Title", "Genre", "Number of Pages"]
    assert sorted(rows[1:]) == [[f"{prefix} {i}", "Poetry", str(10 * i)] for i in range(3)]
    reads = window.session.connection.sent("search_read", "library.book")
    assert reads[-1].kwargs["domain"] == [["name", "=like", prefix + "%"]]
