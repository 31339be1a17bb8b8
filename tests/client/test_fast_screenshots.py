"""Screenshots of working fast (issue 7 item 8), from real widgets against the live server, saved to
``SCREENSHOTS`` (build/screenshots; ``BUREAU_SCREENSHOTS=docs/screenshots`` refreshes the documentation's):
the command palette, the shortcut sheet, pasted rows with an invalid cell, and the main window in a
light and a dark palette (Fusion). They are made to be looked at; the tests check what can be
checked mechanically."""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import SCREENSHOTS, TIMEOUT, unique
from client_qt.qt import QPainter, QPixmap, QPoint
from test_list_screenshots import dark_palette
from test_paste_rows import open_books

pytestmark = [pytest.mark.pg, pytest.mark.qt]

@pytest.fixture(params=["light", "dark"])
def fusion(request, qapp):
    previous_style = qapp.style().name()
    previous = qapp.palette()
    qapp.setStyle("Fusion")
    qapp.setPalette(dark_palette() if request.param == "dark" else qapp.style().standardPalette())
    yield request.param
    qapp.setPalette(previous)
    qapp.setStyle(previous_style)


@pytest.fixture
def light(qapp):
    previous_style = qapp.style().name()
    previous = qapp.palette()
    qapp.setStyle("Fusion")
    qapp.setPalette(qapp.style().standardPalette())
    yield
    qapp.setPalette(previous)
    qapp.setStyle(previous_style)


def save(pixmap, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert pixmap.save(str(path))
    return path


def over(window, dialog):
    """The window with ``dialog`` painted where it is on screen."""
    picture = window.grab()
    painter = QPainter(picture)
    painter.drawPixmap(dialog.frameGeometry().topLeft() - window.geometry().topLeft(), dialog.grab())
    painter.end()
    return picture


def open_books_menu(qtbot, window):
    qtbot.waitUntil(lambda: window.menu_item("Library/Books") is not None, timeout=TIMEOUT)
    window._menu_activated(window.menu_item("Library/Books"))
    qtbot.waitUntil(lambda: window.tabs.count() >= 1 and getattr(window.tabs.currentWidget(), "current", None)
                    is not None, timeout=TIMEOUT)
    view = window.tabs.currentWidget().current
    qtbot.waitUntil(lambda: 0 in view.model.loaded_pages(), timeout=TIMEOUT)
    return view


def test_screenshot_of_the_main_window(qtbot, window, fusion):
    window.resize(1200, 640)
    qtbot.waitUntil(lambda: window.menu_item("Contacts/Contacts") is not None, timeout=TIMEOUT)
    window._menu_activated(window.menu_item("Contacts/Contacts"))
    qtbot.waitUntil(lambda: window.tabs.count() == 1, timeout=TIMEOUT)
    open_books_menu(qtbot, window)
    qtbot.wait(100)
    assert save(window.grab(), f"main-{fusion}").exists()


def test_screenshot_of_the_palette_and_the_shortcut_sheet(qtbot, window, rpc, light):
    window.resize(1100, 600)
    open_books_menu(qtbot, window)
    rpc.create("library.book", {"name": "The Library Companion"})
    from client_qt.dialogs.palette import open_palette
    palette = open_palette(window, window)
    palette.move(window.geometry().topLeft() + QPoint((window.width() - palette.width()) // 2, 50))
    qtbot.keyClicks(palette.input, "lib")
    qtbot.waitUntil(lambda: any(e.kind == "record" for e in palette.entries()), timeout=TIMEOUT)
    window.session.runner.wait()
    qtbot.wait(100)
    assert save(over(window, palette), "palette").exists()
    palette.hide()
    tab = window.tabs.currentWidget()
    tab.switch_to("form")                       # the sheet of a form: its record keys come first
    qtbot.waitUntil(lambda: tab.current.view_type == "form" and tab.current.form.record is not None, timeout=TIMEOUT)
    from client_qt.dialogs.shortcuts import show_shortcuts
    sheet = show_shortcuts(window)
    qtbot.waitUntil(sheet.isVisible, timeout=TIMEOUT)
    assert list(sheet.groups())[:2] == ["View: Form", "Window"]
    assert save(sheet.grab(), "shortcuts").exists()
    sheet.close()


def test_screenshot_of_pasted_rows_with_errors(qtbot, window, views, rpc, light, english_locale):
    window.resize(1100, 520)
    prefix = unique("Pasted")
    author = unique("Paste Author")
    rpc.create("res.partner", {"name": author})
    view = open_books(qtbot, window, views, prefix)
    panel = view.paste.paste_text(f"{prefix} One\t{author}\tPoetry\t1,234.50\t3/14/2021\t120\n"
                                  f"{prefix} Two\tNobody Known\tEssay\tabc\t2021-05-01\t80\n"
                                  f"{prefix} Three\t{author}\tPoem\t9.90\t31/12/2021\t64\n")
    qtbot.waitUntil(lambda: not panel.block.pending, timeout=TIMEOUT)
    assert len(panel.block.errors()) == 4
    panel.table.setCurrentCell(1, 3)
    panel.table.clearSelection()
    assert panel.reason.text() == "Row 2, Price: “abc” is not a number (for example 1,234.50)."
    qtbot.wait(100)
    assert save(window.grab(), "paste-errors").exists()
