"""Screenshots of a list and a grouped list in a light and a dark palette (build/screenshots/).

They are made from real widgets against the live server, to be looked at: text readable, columns
aligned with the footer, nothing clipped. The tests also check what can be checked mechanically.
"""
from pathlib import Path

import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_qt.qt import QApplication, QColor, QLocale, QPalette, Qt
from test_list_model import SCROLL_DOMAIN, make_scroll_contacts
from test_list_view import TIMEOUT, list_view, open_tab

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def dark_palette():
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#181a1b", QPalette.ColorRole.AlternateBase: "#25272a",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2d2f31",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2d2f31",
        QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Mid: "#3c4043", QPalette.ColorRole.Dark: "#111213", QPalette.ColorRole.Light: "#5f6368",
    }
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7377"))
    return palette


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp):
    previous_style = qapp.style().name()
    previous = qapp.palette()
    qapp.setStyle("Fusion")
    qapp.setPalette(dark_palette() if request.param == "dark" else qapp.style().standardPalette())
    yield request.param
    qapp.setPalette(previous)
    qapp.setStyle(previous_style)


def save(widget, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def test_screenshot_of_the_book_list(qtbot, session, palette):
    window, tab = open_tab(qtbot, session, "library.book", name="Books")
    window.resize(1200, 520)
    view = list_view(qtbot, tab)
    qtbot.waitUntil(lambda: view.footer.isVisible() and 0 in view.model.loaded_pages(), timeout=TIMEOUT)
    price = view.model.column_index("price")
    total = sum(float(view.model.row_data(row)["price"]) for row in range(view.model.rowCount()))
    qtbot.waitUntil(lambda: view.footer.texts.get(price) == QLocale().toString(total, "f", 2), timeout=TIMEOUT)
    # the total sits inside the price column
    rect = view.footer.column_rect(price)
    section = view.table.horizontalHeader()
    assert rect.left() >= section.sectionViewportPosition(price)
    assert view.footer.fontMetrics().horizontalAdvance(view.footer.texts[price]) <= rect.width()
    for column in range(view.model.columnCount()):
        text = view.model.data(view.model.index(0, column)) or ""
        width = view.table.fontMetrics().horizontalAdvance(text)
        assert width <= section.sectionSize(column), f"column {column} clips {text!r}"
    assert save(window, f"list_books_{palette}").exists()


def test_screenshot_of_the_grouped_partner_list(qtbot, session, palette):
    window, tab = open_tab(qtbot, session, "res.partner", [["name", "not like", "Scroll Contact"]],
                           name="Contacts")
    window.resize(1200, 560)
    view = list_view(qtbot, tab)
    tab.search_view.group_action("group_country").trigger()
    qtbot.waitUntil(lambda: view.is_grouped() and len(view.group_model.groups()) >= 3, timeout=TIMEOUT)
    first, second = view.group_model.index(0, 0), view.group_model.index(1, 0)
    view.tree.expand(first)
    view.tree.expand(second)
    qtbot.waitUntil(lambda: view.group_model.rowCount(first) > 0 and view.group_model.rowCount(second) > 0,
                    timeout=TIMEOUT)
    label = view.group_model.data(first)
    assert view.tree.fontMetrics().horizontalAdvance(label) + view.tree.indentation() <= view.tree.columnWidth(0)
    model = view.group_model
    for column in range(1, model.columnCount()):
        for row in range(min(model.rowCount(first), 20)):
            text = model.data(model.index(row, column, first)) or ""
            assert view.tree.fontMetrics().horizontalAdvance(text) <= view.tree.columnWidth(column), \
                f"column {column} clips {text!r}"
    assert save(window, f"list_grouped_partners_{palette}").exists()


def test_screenshot_of_the_search_proposals(qtbot, session, palette):
    make_scroll_contacts(session.connection)
    window, tab = open_tab(qtbot, session, "res.partner", SCROLL_DOMAIN, name="Contacts")
    window.resize(1200, 520)
    view = list_view(qtbot, tab)
    tab.search_view.filter_action("type_company").trigger()
    qtbot.waitUntil(lambda: view.model.counted and view.model.total == 41 and 0 in view.model.loaded_pages(),
                    timeout=TIMEOUT)
    qtbot.keyClicks(tab.search_view.box, "Bel")
    assert tab.search_view.popup.isVisible()
    assert save(window, f"search_proposals_{palette}").exists()
    QApplication.processEvents()


def test_screenshot_of_the_loan_list_with_decorations(qtbot, session, palette):
    from client_qt.models.list_format import decoration_colour
    window, tab = open_tab(qtbot, session, "library.loan", name="Loans")
    window.resize(1200, 420)
    view = list_view(qtbot, tab)
    qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
    for row in range(view.model.rowCount()):
        state = view.model.row_data(row)["state"]
        brush = view.model.data(view.model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
        expected = {"draft": "info", "returned": "muted"}.get(state)
        assert (brush.color() if brush else None) == (decoration_colour(expected) if expected else None)
    assert save(window, f"list_loans_{palette}").exists()
