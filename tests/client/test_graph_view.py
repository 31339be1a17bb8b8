"""The graph view in a real action tab against the live server (views.md §7, issue 7 item 2).

Books made by each test (a unique title marker; the action's domain keeps only them) are drawn as
bars, lines and pies; what is drawn is compared with a ``read_group`` the test makes itself.
"""
from pathlib import Path

import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT
from client_qt.qt import QtCharts, QtGui

pytestmark = [pytest.mark.pg, pytest.mark.qt]

from client_fixtures import SCREENSHOTS

BOOKS = [
    # genre, price, available, publication date
    ("novel", 12.5, True, "2021-02-03"), ("novel", 20.0, False, "2021-05-20"), ("novel", 7.25, True, "2022-01-10"),
    ("poetry", 9.0, True, "2021-02-14"), ("poetry", 31.0, False, "2022-07-01"),
    ("science", 45.5, True, "2022-03-30"), ("history", 18.0, False, "2023-11-11"),
    ("history", 22.0, True, "2023-12-24"), ("comics", 5.0, True, "2023-01-05"),
]


@pytest.fixture
def books(rpc):
    """Nine books whose titles share a marker; returns the domain selecting them."""
    marker = unique("Graphbook")
    rpc.create("library.book", [{"name": f"{marker} {i}", "genre": genre, "price": price,
                                 "publication_date": day} for i, (genre, price, _, day) in enumerate(BOOKS)])
    # availability follows loans; set it directly for the test (stored computed field)
    ids = rpc("library.book", "search", [["name", "like", marker]], order="id")
    on_loan = [ids[i] for i, book in enumerate(BOOKS) if not book[2]]
    rpc("library.book", "write", on_loan, {"available": False})
    return [["name", "like", marker]]


def open_graph(qtbot, window, domain, model="library.book", views=("graph", "list")):
    action = {"type": "ir.actions.act_window", "res_model": model, "name": "Analysis",
              "views": [[False, mode] for mode in views], "domain": domain, "context": {}}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    view = tab.current
    wait_loaded(qtbot, view)
    return tab, view


def wait_loaded(qtbot, view):
    qtbot.waitUntil(lambda: view.data is not None and not view.is_loading(), timeout=TIMEOUT)


def expected(rpc, domain, measure, groupbys, fields):
    """``{(series, category): value}`` computed from the test's own ``read_group``."""
    from client_qt.views.graph.data import group_label
    groups = rpc("library.book", "read_group", domain, [measure] if measure != "__count" else ["__count"],
                 groupbys, lazy=False)
    result = {}
    for group in groups:
        category = group_label(group, groupbys[0], fields)
        series = group_label(group, groupbys[1], fields) if len(groupbys) > 1 else None
        value = group["__count"] if measure == "__count" else group[measure]
        result[(series, category)] = value
    return result


def drawn(view):
    """What the chart draws, keyed like :func:`expected` (zero bars of missing pairs left out)."""
    single = len(view.data.series) == 1 and len(view.shown_groupbys) < 2
    result = {}
    for (series, category), value in view.shown_values().items():
        if value == 0 and not single:
            continue
        result[(None if single else series, category)] = value
    return result


def test_bar_chart_shows_the_read_group_totals_of_the_arch(qtbot, window, rpc, books):
    tab, view = open_graph(qtbot, window, books)
    assert view.chart_type == "bar" and view.measure == "price" and view.groupbys() == ["genre"]
    want = expected(rpc, books, "price", ["genre"], view.fields)
    assert drawn(view) == pytest.approx(want)
    assert set(want) == {(None, "Novel"), (None, "Poetry"), (None, "Science"), (None, "History"), (None, "Comics")}
    bars = view.series[0]
    assert isinstance(bars, QtCharts.QBarSeries) and bars.barSets()[0].label() == "Price"
    assert view.chart.legend().isVisible()
    # the read_group the view made was one call on the action's domain
    sent = view.session.connection.sent("read_group", "library.book")
    assert sent[-1].args[0] == books and sent[-1].kwargs["lazy"] is False


def test_changing_measure_and_group_by_changes_the_chart(qtbot, window, rpc, books):
    tab, view = open_graph(qtbot, window, books)
    menu = view.measure_button.menu()
    menu.aboutToShow.emit()
    count_action = next(a for a in menu.actions() if a.data() == "__count")
    count_action.trigger()
    wait_loaded(qtbot, view)
    assert view.measure == "__count" and view.measure_button.text() == "Measure: Count"
    assert drawn(view) == expected(rpc, books, "__count", ["genre"], view.fields)
    assert drawn(view)[(None, "Novel")] == 3

    menu = view.groupby_button.menu()
    menu.aboutToShow.emit()
    year = menu.findChild(type(menu), "groupby_publication_date")
    next(a for a in year.actions() if a.data() == "publication_date:year").trigger()
    wait_loaded(qtbot, view)
    want = expected(rpc, books, "__count", ["publication_date:year"], view.fields)
    assert set(want) == {(None, "2021"), (None, "2022"), (None, "2023")}
    assert drawn(view) == want
    assert view.data.categories == ["2021", "2022", "2023"]


def test_stacked_bars_with_two_group_bys_and_the_other_chart_types(qtbot, window, rpc, books):
    tab, view = open_graph(qtbot, window, books)
    view.set_groupbys(["genre", "available"])
    wait_loaded(qtbot, view)
    assert isinstance(view.series[0], QtCharts.QStackedBarSeries)
    assert sorted(view.data.series) == ["No", "Yes"]
    assert drawn(view) == pytest.approx(expected(rpc, books, "price", ["genre", "available"], view.fields))
    view.stacked_button.click()
    assert not view.stacked and type(view.series[0]) is QtCharts.QBarSeries
    assert drawn(view) == pytest.approx(expected(rpc, books, "price", ["genre", "available"], view.fields))

    view.type_buttons["line"].click()
    assert view.chart_type == "line" and all(isinstance(s, QtCharts.QLineSeries) for s in view.series)
    assert len(view.series) == 2
    assert drawn(view) == pytest.approx(expected(rpc, books, "price", ["genre", "available"], view.fields))

    view.set_groupbys(["genre"])
    wait_loaded(qtbot, view)
    view.type_buttons["pie"].click()
    pie = view.series[0]
    assert isinstance(pie, QtCharts.QPieSeries)
    want = expected(rpc, books, "price", ["genre"], view.fields)
    assert {s.label().split(":")[0]: s.value() for s in pie.slices()} == pytest.approx(
        {category: value for (_, category), value in want.items()})
    assert pie.sum() == pytest.approx(sum(want.values()))


def test_search_filter_and_group_by_apply_to_the_graph(qtbot, window, rpc, books):
    tab, view = open_graph(qtbot, window, books)
    tab.search_view.filter_action("available").trigger()
    qtbot.waitUntil(lambda: ["available", "=", True] in [list(t) for t in view.domain if isinstance(t, (list, tuple))],
                    timeout=TIMEOUT)
    wait_loaded(qtbot, view)
    domain = books + [["available", "=", True]]
    want = expected(rpc, domain, "price", ["genre"], view.fields)
    assert drawn(view) == pytest.approx(want)
    assert want[(None, "Novel")] == pytest.approx(12.5 + 7.25)

    tab.search_view.group_action("group_publication").trigger()
    qtbot.waitUntil(lambda: view.groupbys() == ["publication_date:year"], timeout=TIMEOUT)
    wait_loaded(qtbot, view)
    assert drawn(view) == pytest.approx(expected(rpc, domain, "price", ["publication_date:year"], view.fields))


def test_export_png_and_click_through(qtbot, window, rpc, books, tmp_path):
    tab, view = open_graph(qtbot, window, books)
    path = view.export_png(str(tmp_path / "graph.png"))
    image = QtGui.QImage(path)
    assert not image.isNull() and image.width() > 200 and image.height() > 200
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # clicking the Novel bar opens the novels of the search in a list
    novel = view.data.categories.index("Novel")
    view.series[0].barSets()[0].clicked.emit(novel)
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=TIMEOUT)
    opened = window.tabs.widget(1)
    assert opened.model == "library.book" and opened.view_modes[0] == "list"
    ids = rpc("library.book", "search", opened.full_domain())
    assert len(ids) == 3
    assert rpc("library.book", "search_count", books + [["genre", "=", "novel"]]) == 3


def screenshot(qtbot, window, name):
    """Save ``window`` once the chart's scene has caught up (it redraws from posted events)."""
    qtbot.wait(100)
    assert window.grab().save(str(SCREENSHOTS / name))


def test_screenshots_of_the_graph_view(qtbot, window, rpc, books):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.resize(1000, 640)
    qtbot.waitUntil(lambda: bool(window.menus), timeout=TIMEOUT)
    tab, view = open_graph(qtbot, window, books)
    view.set_groupbys(["genre", "available"])
    wait_loaded(qtbot, view)
    screenshot(qtbot, window, "graph-bar.png")
    view.set_groupbys(["publication_date:quarter"])
    wait_loaded(qtbot, view)
    view.set_chart_type("line")
    screenshot(qtbot, window, "graph-line.png")
    view.set_groupbys(["genre"])
    wait_loaded(qtbot, view)
    view.set_chart_type("pie")
    screenshot(qtbot, window, "graph-pie.png")
