"""The pivot view in a real action tab against the live server (views.md §7, issue 7 item 3).

The books of :func:`test_graph_view.books` (the action's domain keeps only them) in the pivot view
of ``library.book`` (rows: genre, columns: available, measure: price); every value shown is compared
with a ``read_group`` the test makes itself.
"""
import csv
from pathlib import Path

import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT
from client_qt.qt import Qt
from client_qt.views.graph.data import group_label
from client_qt.views.pivot.data import ROW, Fetch, Pivot
from test_graph_view import BOOKS, SCREENSHOTS, books  # noqa: F401 (fixture)

pytestmark = [pytest.mark.pg, pytest.mark.qt]


def open_pivot(qtbot, window, domain, model="library.book"):
    action = {"type": "ir.actions.act_window", "res_model": model, "name": "Analysis",
              "views": [[False, "pivot"], [False, "list"]], "domain": domain, "context": {}}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    view = tab.current
    wait_ready(qtbot, view)
    return tab, view


def wait_ready(qtbot, view):
    qtbot.waitUntil(lambda: view.ready and not view.is_loading(), timeout=TIMEOUT)


def read_group(rpc, domain, measures, groupbys, model="library.book"):
    fields = [m for m in measures if m != "__count"] or ["__count"]
    return rpc(model, "read_group", domain, fields, groupbys, lazy=False)


def shown(view):
    """``{(row label path, col label path, measure): value}`` read back from the table widget."""
    pivot = view.pivot
    rows = {h.key: path for h, path in _paths(pivot.rows)}
    cols = {h.key: path for h, path in _paths(pivot.cols)}
    result = {}
    for r, line in enumerate(view.grid):
        for c, cell in enumerate(line):
            if cell is not None and cell.kind == "value":
                row_key, col_key = cell.key
                measure = view.grid[len(view.grid) - len(list(pivot.rows.walk())) - 1][c].key[0]
                item = view.table.item(r, c)
                value = item.data(Qt.ItemDataRole.UserRole + 2)
                if value is None:   # no record in both headers: an empty cell
                    assert item.text() == ""
                    continue
                result[(rows[row_key], cols[col_key], measure)] = value
    return result


def _paths(root, prefix=()):
    yield root, prefix
    for child in root.children:
        yield from _paths(child, prefix + (child.label,))


def expected(rpc, domain, measures, row_groupbys, col_groupbys, fields, model="library.book"):
    """The same shape as :func:`shown`, from the test's read_groups (every prefix of both axes)."""
    result = {}
    for i in range(len(row_groupbys) + 1):
        for j in range(len(col_groupbys) + 1):
            rows, cols = row_groupbys[:i], col_groupbys[:j]
            for group in read_group(rpc, domain, measures, rows + cols, model):
                key = (tuple(group_label(group, g, fields) for g in rows),
                       tuple(group_label(group, g, fields) for g in cols))
                for m in measures:
                    result[key + (m,)] = group["__count"] if m == "__count" else group[m]
    return result


def header_position(view, axis, label):
    for r, line in enumerate(view.grid):
        for c, cell in enumerate(line):
            if cell is not None and cell.kind == axis and cell.text == label:
                return r, c
    raise AssertionError(f"no {axis} header {label!r}")


def click(qtbot, view, r, c):
    """A real mouse click on the table cell (r, c)."""
    rect = view.table.visualRect(view.table.model().index(r, c))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def expand_by(qtbot, view, axis, label, groupby):
    click(qtbot, view, *header_position(view, axis, label))
    menu = view.header_menu_shown
    assert menu is not None
    actions = [a for a in menu.findChildren(type(menu.menuAction())) if a.data() == groupby]
    assert actions, groupby
    actions[0].trigger()
    wait_ready(qtbot, view)


def test_pivot_shows_the_read_group_totals_of_the_arch(qtbot, window, rpc, books):
    tab, view = open_pivot(qtbot, window, books)
    pivot = view.pivot
    assert pivot.row_groupbys == ["genre"] and pivot.col_groupbys == ["available"] and pivot.measures == ["price"]
    want = expected(rpc, books, ["price"], ["genre"], ["available"], view.fields)
    assert shown(view) == pytest.approx(want)
    # grand total, a row total, a column total, a cell
    assert want[((), (), "price")] == pytest.approx(sum(b[1] for b in BOOKS))
    assert want[(("Novel",), (), "price")] == pytest.approx(39.75)
    assert want[((), ("No",), "price")] == pytest.approx(20.0 + 31.0 + 18.0)
    assert want[(("Poetry",), ("Yes",), "price")] == pytest.approx(9.0)
    # header layout: Total, its two children and the Total column; measures row; Total row first
    cells = view.shown_cells()
    assert cells[0][1] == "Total" and cells[1][1:3] == ["No", "Yes"] and cells[0][3] == "Total"
    assert cells[2][1:] == ["Price", "Price", "Price"] and cells[3][0] == "Total"
    # the data came from (1 + rows) x (1 + cols) calls, not one per cell
    assert len(view.session.connection.sent("read_group", "library.book")) == 4


def test_measures_chosen_by_the_user(qtbot, window, rpc, books):
    tab, view = open_pivot(qtbot, window, books)
    menu = view.measure_button.menu()
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.data() == "__count").trigger()
    wait_ready(qtbot, view)
    assert view.pivot.measures == ["__count", "price"]
    assert shown(view) == pytest.approx(expected(rpc, books, ["__count", "price"], ["genre"], ["available"],
                                                 view.fields))
    assert view.shown_cells()[2][1:3] == ["Count", "Price"]
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.data() == "price").trigger()
    wait_ready(qtbot, view)
    assert view.pivot.measures == ["__count"]
    want = expected(rpc, books, ["__count"], ["genre"], ["available"], view.fields)
    assert shown(view) == want and want[(("Novel",), (), "__count")] == 3


def test_expand_and_collapse_headers(qtbot, window, rpc, books):
    tab, view = open_pivot(qtbot, window, books)
    calls = len(view.session.connection.sent("read_group"))
    expand_by(qtbot, view, "row", "Novel", "publication_date:year")
    # expanding one header: one call per column level (2), restricted to its records
    assert len(view.session.connection.sent("read_group")) == calls + 2
    assert [h.label for h in view.pivot.rows.find(("novel",)).children] == ["2021", "2022"]
    novels = books + [["genre", "=", "novel"]]
    sub = expected(rpc, novels, ["price"], ["publication_date:year"], ["available"], view.fields)
    got = shown(view)
    for (rows, cols, measure), value in sub.items():
        if rows:
            assert got[(("Novel",) + rows, cols, measure)] == pytest.approx(value)
    assert got[(("Novel", "2021"), (), "price")] == pytest.approx(32.5)
    assert [c[0].strip() for c in view.shown_cells()[3:]] == [
        "Total", "Comics", "History", "Novel", "2021", "2022", "Poetry", "Science"]
    # expanding a column header by genre under "Yes"
    expand_by(qtbot, view, "col", "Yes", "genre")
    assert [h.label for h in view.pivot.cols.find((True,)).children] == ["Comics", "History", "Novel", "Poetry",
                                                                        "Science"]
    got = shown(view)
    assert got[(("Novel", "2021"), ("Yes", "Novel"), "price")] == pytest.approx(12.5)
    assert got[(("History",), ("Yes", "History"), "price")] == pytest.approx(22.0)
    # collapse: clicking an expanded header
    click(qtbot, view, *header_position(view, "row", "Novel"))
    assert view.pivot.rows.find(("novel",)).children == []
    assert all(cell[0].strip() not in ("2021", "2022") for cell in view.shown_cells()[3:])
    click(qtbot, view, *header_position(view, "col", "Yes"))
    assert not view.pivot.cols.find((True,)).expanded
    assert shown(view) == pytest.approx(expected(rpc, books, ["price"], ["genre"], ["available"], view.fields))
    # collapse all, then expand all: every header along the group-bys used on each axis
    view.collapse_button.click()
    assert shown(view) == pytest.approx(expected(rpc, books, ["price"], [], [], view.fields))
    view.expand_button.click()
    wait_ready(qtbot, view)
    assert view.pivot.row_groupbys == ["genre", "publication_date:year"]
    assert view.pivot.col_groupbys == ["available", "genre"]
    want = expected(rpc, books, ["price"], ["genre", "publication_date:year"], ["available", "genre"], view.fields)
    # the table shows the leaf columns and the Total column (not the "Yes"/"No" subtotals)
    assert shown(view) == pytest.approx({key: value for key, value in want.items() if len(key[1]) in (0, 2)})


@pytest.mark.parametrize("interval", ["day", "week", "month", "quarter", "year"])
def test_date_granularity(qtbot, window, rpc, books, interval):
    tab, view = open_pivot(qtbot, window, books)
    click(qtbot, view, *header_position(view, "row", "Total"))   # collapse the rows
    assert not view.pivot.rows.expanded
    expand_by(qtbot, view, "row", "Total", f"publication_date:{interval}")
    groups = read_group(rpc, books, ["price"], [f"publication_date:{interval}"])
    assert [h.label for h in view.pivot.rows.children] == [g[f"publication_date:{interval}"] for g in groups]
    assert len(groups) == {"day": 9, "week": 9, "month": 8, "quarter": 6, "year": 3}[interval]
    assert shown(view) == pytest.approx(expected(rpc, books, ["price"], [f"publication_date:{interval}"],
                                                 ["available"], view.fields))


def test_search_filter_and_group_by_apply(qtbot, window, rpc, books):
    tab, view = open_pivot(qtbot, window, books)
    tab.search_view.filter_action("available").trigger()
    qtbot.waitUntil(lambda: any(list(t) == ["available", "=", True] for t in view.domain
                                if isinstance(t, (list, tuple))), timeout=TIMEOUT)
    wait_ready(qtbot, view)
    domain = books + [["available", "=", True]]
    want = expected(rpc, domain, ["price"], ["genre"], ["available"], view.fields)
    assert shown(view) == pytest.approx(want)
    assert want[((), (), "price")] == pytest.approx(12.5 + 7.25 + 9.0 + 45.5 + 22.0 + 5.0)
    tab.search_view.group_action("group_publication").trigger()
    qtbot.waitUntil(lambda: view.pivot.row_groupbys == ["publication_date:year"], timeout=TIMEOUT)
    wait_ready(qtbot, view)
    assert shown(view) == pytest.approx(expected(rpc, domain, ["price"], ["publication_date:year"], ["available"],
                                                 view.fields))


def test_flip_axes(qtbot, window, rpc, books):
    tab, view = open_pivot(qtbot, window, books)
    calls = len(view.session.connection.sent("read_group"))
    view.flip_button.click()
    assert view.pivot.row_groupbys == ["available"] and view.pivot.col_groupbys == ["genre"]
    assert len(view.session.connection.sent("read_group")) == calls
    assert shown(view) == pytest.approx(expected(rpc, books, ["price"], ["available"], ["genre"], view.fields))


# -- sorting by a measure ------------------------------------------------------------------------------
SORT_FIELDS = {"genre": {"type": "selection", "selection": [["novel", "Novel"], ["poetry", "Poetry"],
                                                             ["comics", "Comics"]]},
               "available": {"type": "boolean"}, "price": {"type": "float", "string": "Price"},
               "year": {"type": "integer"}}


def _group(count, price, **values):
    return dict(values, __count=count, price=price,
                __domain=[[name, "=", value] for name, value in values.items()])


def sorted_pivot(default_order=""):
    """Rows by genre, columns by availability (comics are never on loan: no value in "No")."""
    pivot = Pivot(SORT_FIELDS, ["price", "__count"])
    pivot.set_default_order(default_order)
    pivot.apply(Fetch("", (), "", [
        ([], [], [_group(6, 84.0)]),
        (["genre"], [], [_group(3, 39.0, genre="novel"), _group(2, 40.0, genre="poetry"),
                         _group(1, 5.0, genre="comics")]),
        ([], ["available"], [_group(2, 51.0, available=False), _group(4, 33.0, available=True)]),
        (["genre"], ["available"], [_group(1, 20.0, genre="novel", available=False),
                                    _group(2, 19.0, genre="novel", available=True),
                                    _group(1, 31.0, genre="poetry", available=False),
                                    _group(1, 9.0, genre="poetry", available=True),
                                    _group(1, 5.0, genre="comics", available=True)]),
    ], ["genre"], ["available"]))
    return pivot


def row_labels(pivot, header=None):
    return [child.label for child in (header or pivot.rows).children]


def test_default_order_of_the_arch_sorts_the_rows_by_the_total_column():
    """Set when the view is built (no rows yet), the arch's order applies to the rows read later."""
    assert row_labels(sorted_pivot("price desc")) == ["Poetry", "Novel", "Comics"]
    assert sorted_pivot("price desc").sort == ("price", (), False)
    assert row_labels(sorted_pivot("__count")) == ["Comics", "Poetry", "Novel"]
    # a measure the pivot does not show is ignored: the server's order stays
    unsorted = sorted_pivot("amount desc")
    assert unsorted.sort is None and row_labels(unsorted) == ["Novel", "Poetry", "Comics"]


def test_rows_sort_by_a_measure_of_a_column_without_the_server():
    pivot = sorted_pivot()
    assert row_labels(pivot) == ["Novel", "Poetry", "Comics"] and pivot.sort is None
    assert pivot.toggle_sort("price") == "asc" and row_labels(pivot) == ["Comics", "Novel", "Poetry"]
    assert pivot.toggle_sort("price") == "desc" and row_labels(pivot) == ["Poetry", "Novel", "Comics"]
    assert pivot.toggle_sort("price") == "asc"
    # the measure header of the sorted column says so; the others do not
    measures = [cell for cell in pivot.table()[2] if cell is not None and cell.kind == "measure"]
    assert [(cell.key, cell.sort) for cell in measures] == [
        (("price", (False,)), ""), (("__count", (False,)), ""), (("price", (True,)), ""),
        (("__count", (True,)), ""), (("price", ()), "asc"), (("__count", ()), "")]
    # another measure or column starts ascending; an empty cell is the lowest value; ties keep their order
    assert pivot.toggle_sort("price", (False,)) == "asc" and row_labels(pivot) == ["Comics", "Novel", "Poetry"]
    assert pivot.toggle_sort("price", (False,)) == "desc" and row_labels(pivot) == ["Poetry", "Novel", "Comics"]
    assert pivot.toggle_sort("__count", (True,)) == "asc" and row_labels(pivot) == ["Poetry", "Comics", "Novel"]
    # an expansion's sub-rows come in sorted
    pivot.toggle_sort("price")
    pivot.toggle_sort("price")
    novel = pivot.rows.children[1]
    assert (novel.label, pivot.sort) == ("Novel", ("price", (), False))
    pivot.apply(Fetch(ROW, novel.key, "year", [
        (["genre", "year"], [], [_group(1, 7.0, genre="novel", year=2021), _group(2, 32.0, genre="novel", year=2022)]),
        (["genre", "year"], ["available"], [_group(1, 7.0, genre="novel", year=2021, available=True),
                                            _group(1, 20.0, genre="novel", year=2022, available=False),
                                            _group(1, 12.0, genre="novel", year=2022, available=True)]),
    ], ["genre", "year"], ["available"]))
    assert row_labels(pivot, pivot.rows.find(novel.key)) == ["2022", "2021"]
    # flipping the axes forgets the sort (it named a column); so does dropping its measure
    pivot.flip()
    assert pivot.sort is None
    pivot.toggle_sort("__count")
    pivot.measures = ["price"]
    pivot.apply(Fetch("", (), "", [([], [], [_group(6, 84.0)])], [], []))
    assert pivot.sort is None


def measure_header(view, measure, col_key):
    for r, line in enumerate(view.grid):
        for c, cell in enumerate(line):
            if cell is not None and cell.kind == "measure" and cell.key == (measure, col_key):
                return r, c
    raise AssertionError(f"no {measure} header under {col_key!r}")


def test_clicking_a_measure_header_sorts_the_rows(qtbot, window, rpc, books):
    tab, view = open_pivot(qtbot, window, books)
    calls = len(view.session.connection.sent())
    totals = {group_label(g, "genre", view.fields): g["price"] for g in read_group(rpc, books, ["price"], ["genre"])}

    def rows():
        return [(h.label, view.pivot.value(h.key, (), "price")) for h in view.pivot.rows.children]

    r, c = measure_header(view, "price", ())
    click(qtbot, view, r, c)
    assert [price for _, price in rows()] == sorted(totals.values()) and rows()[0] == ("Comics", 5.0)
    assert dict(rows()) == pytest.approx(totals)
    assert view.table.item(r, c).text() == "Price ▲"
    # the table shows the sorted rows; exports keep the header's text without the arrow
    labels = [line[0] for line in view.shown_cells()[4:]]
    assert labels == [label for label, _ in rows()] and view.shown_cells()[2][c] == "Price"
    click(qtbot, view, r, c)
    assert [price for _, price in rows()] == sorted(totals.values(), reverse=True)
    assert view.table.item(r, c).text() == "Price ▼" and rows()[-1] == ("Comics", 5.0)
    # another column: ascending by its values, the arrow moves there
    r2, c2 = measure_header(view, "price", (False,))
    click(qtbot, view, r2, c2)
    on_loan = [view.pivot.value(h.key, (False,), "price") for h in view.pivot.rows.children]
    assert on_loan == sorted(on_loan, key=lambda v: (v is not None, v or 0))
    assert view.table.item(r2, c2).text() == "Price ▲" and view.table.item(r, c).text() == "Price"
    assert len(view.session.connection.sent()) == calls          # sorting asked nothing of the server
    assert shown(view) == pytest.approx(expected(rpc, books, ["price"], ["genre"], ["available"], view.fields))


def test_export_csv_and_xlsx_hold_the_cells_shown(qtbot, window, rpc, books, tmp_path):
    from openpyxl import load_workbook
    tab, view = open_pivot(qtbot, window, books)
    expand_by(qtbot, view, "row", "Novel", "publication_date:year")
    cells = view.shown_cells()
    assert len(cells) == 3 + 1 + 5 + 2 and len(cells[0]) == 4
    with open(view.export_csv(str(tmp_path / "pivot.csv")), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == len(cells)
    for line, shown_line in zip(rows, cells):
        assert len(line) == len(shown_line)
        for text, value in zip(line, shown_line):
            if isinstance(value, (int, float)):
                assert float(text) == pytest.approx(value)
            else:
                assert text == value
    sheet = load_workbook(view.export_xlsx(str(tmp_path / "pivot.xlsx"))).active
    values = [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert values == cells
    assert any(str(r) == "A1:A3" for r in sheet.merged_cells.ranges)
    # the numbers shown are those exported, formatted
    r, c = header_position(view, "row", "Novel")
    assert view.table.item(r, 3).text() == view._format(cells[r][3], "price")


def test_screenshot_of_the_pivot_view(qtbot, window, rpc, books):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.resize(1000, 560)
    qtbot.waitUntil(lambda: bool(window.menus), timeout=TIMEOUT)
    tab, view = open_pivot(qtbot, window, books)
    menu = view.measure_button.menu()
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.data() == "__count").trigger()
    wait_ready(qtbot, view)
    expand_by(qtbot, view, "row", "Novel", "publication_date:year")
    qtbot.wait(50)
    assert window.grab().save(str(SCREENSHOTS / "pivot.png"))


def test_the_loan_analysis_views_of_the_library_addon(qtbot, window, rpc):
    """Library ▸ Loans offers the graph and pivot of library_analysis_views.xml; both agree with
    read_group over the action's domain and its default search."""
    window.open_action("library.action_library_loan", title="Loans")
    qtbot.waitUntil(lambda: window.tabs.count() == 1 and getattr(window.tabs.widget(0), "current", None) is not None,
                    timeout=TIMEOUT)
    tab = window.tabs.widget(0)
    assert {"graph", "pivot"} <= set(tab.view_modes)
    tab.search_view.filter_action("ongoing").trigger()      # the default filter off: every loan
    qtbot.waitUntil(lambda: tab.search_domain == [], timeout=TIMEOUT)
    assert tab.switch_to("pivot")
    pivot = tab.views["pivot"]
    wait_ready(qtbot, pivot)
    assert pivot.pivot.row_groupbys == ["book_genre"] and pivot.pivot.col_groupbys == ["date_start:quarter"]
    assert pivot.pivot.measures == ["__count"]
    domain = tab.full_domain()
    assert shown(pivot) == expected(rpc, domain, ["__count"], ["book_genre"], ["date_start:quarter"], pivot.fields,
                                    model="library.loan")
    assert tab.switch_to("graph")
    graph = tab.views["graph"]
    qtbot.waitUntil(lambda: graph.data is not None and not graph.is_loading(), timeout=TIMEOUT)
    assert graph.groupbys() == ["date_start:month", "state"] and graph.measure == "__count"
    groups = read_group(rpc, domain, ["__count"], ["date_start:month", "state"], model="library.loan")
    assert graph.data.total() == sum(g["__count"] for g in groups) == rpc("library.loan", "search_count", domain)
    drawn = {k: v for k, v in graph.shown_values().items() if v}
    assert drawn == {(group_label(g, "state", graph.fields), g["date_start:month"]): g["__count"] for g in groups}
