"""The command palette (Ctrl+K, issue 7 item 8): menus and commands matched locally as the user types,
records found with ``name_search`` on the models of the user's menus (after a pause, stale answers
dropped), Enter opens; against the live server."""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, unique
from client_qt.models.palette import Entry, fuzzy_score, menu_entries, rank, record_models, window_action_ids
from client_qt.qt import Qt

pytestmark = [pytest.mark.pg, pytest.mark.qt]

CTRL = Qt.KeyboardModifier.ControlModifier


def activate(qtbot, window):
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)


def open_palette_by_key(qtbot, window):
    qtbot.waitUntil(lambda: bool(window.menus), timeout=TIMEOUT)
    activate(qtbot, window)
    window.menu_tree.setFocus()
    qtbot.keyClick(window.menu_tree, Qt.Key.Key_K, CTRL)
    palette = window._palette
    qtbot.waitUntil(lambda: palette.isVisible() and palette.input.hasFocus(), timeout=TIMEOUT)
    return palette


# -- matching (no server) -------------------------------------------------------------------------
def test_fuzzy_matching_prefers_word_starts_and_runs():
    assert fuzzy_score("bks", "Library / Books") is not None
    assert fuzzy_score("skb", "Library / Books") is None
    assert fuzzy_score("books", "Library / Books") > fuzzy_score("books", "Library / Borrowed stocks")
    entries = [Entry("menu", "Library / Loans"), Entry("menu", "Library / Books"), Entry("menu", "Contacts")]
    assert [e.label for e in rank("lib b", entries)][0] == "Library / Books"
    assert [e.label for e in rank("", entries)] == ["Library / Loans", "Library / Books", "Contacts"]


def test_menu_entries_and_record_models_from_a_menu_tree():
    menus = {"root": {"children": [1]},
             "1": {"id": 1, "name": "Library", "children": [2, 3], "action": False},
             "2": {"id": 2, "name": "Books", "children": [], "action": "ir.actions.act_window,10"},
             "3": {"id": 3, "name": "Report", "children": [], "action": "ir.actions.server,11"}}
    assert [(e.label, e.data) for e in menu_entries(menus)] == [("Library / Books", 2), ("Library / Report", 3)]
    assert window_action_ids(menus) == {10: "Library / Books"}
    actions = [{"id": 10, "res_model": "library.book", "name": "Books"},
               {"id": 12, "res_model": "library.book", "name": "Other books"},
               {"id": 13, "res_model": "res.partner", "name": "Contacts"}]
    assert record_models(actions) == [("library.book", "Books", 10), ("res.partner", "Contacts", 13)]


# -- in the window ----------------------------------------------------------------------------------
def test_palette_opens_a_menu_by_typing(qtbot, window):
    palette = open_palette_by_key(qtbot, window)
    qtbot.keyClicks(palette.input, "lib books")
    entry = palette.current_entry()
    assert entry.kind == "menu" and entry.label == "Library / Books"
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.count() == 1, timeout=TIMEOUT)
    assert not palette.isVisible()
    tab = window.tabs.widget(0)
    assert window.tabs.tabText(0) == "Books" and tab.model == "library.book"
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)


def test_palette_opens_a_record_by_typing_part_of_its_name(qtbot, window, rpc, session):
    word = unique("Palettebook").split()[1]
    book_id = rpc.create("library.book", {"name": f"The {word} Chronicles"})
    palette = open_palette_by_key(qtbot, window)
    qtbot.keyClicks(palette.input, word[:6] + "xx")         # a text that finds nothing ...
    qtbot.waitUntil(lambda: bool(session.connection.sent("name_search", "library.book")), timeout=TIMEOUT)
    palette.input.clear()
    qtbot.keyClicks(palette.input, word)                    # ... then the (shorter) part of the name
    qtbot.waitUntil(lambda: any(e.kind == "record" and e.data[1] == book_id for e in palette.entries()),
                    timeout=TIMEOUT)
    # one name_search per menu model, limited, with what was typed when the user paused
    calls = [c for c in session.connection.sent("name_search") if c.args and c.args[0] == word]
    assert {c.model for c in calls} >= {"library.book", "res.partner"}
    assert all(c.kwargs.get("limit") == 5 for c in calls)
    records = [e for e in palette.entries() if e.kind == "record"]
    assert [e.label for e in records] == [f"The {word} Chronicles"]
    while palette.current_entry().kind != "record":
        qtbot.keyClick(palette.input, Qt.Key.Key_Down)
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.count() == 1, timeout=TIMEOUT)
    tab = window.tabs.widget(0)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None and tab.current.view_type == "form"
                    and tab.current.form.record is not None and tab.current.form.record.id == book_id,
                    timeout=TIMEOUT)
    assert window.tabs.tabText(0) == f"The {word} Chronicles"


def test_stale_record_answers_are_dropped_and_escape_closes(qtbot, window, rpc):
    word = unique("Stalebook").split()[1]
    rpc.create("library.book", {"name": f"{word} one"})
    palette = open_palette_by_key(qtbot, window)
    qtbot.waitUntil(lambda: bool(palette.models), timeout=TIMEOUT)
    palette.input.setText(word)
    palette.search_records()
    palette.input.setText(word + "-nothing")                 # typed on before the answers came
    window.session.runner.wait()
    qtbot.wait(50)
    assert not [e for e in palette.entries() if e.kind == "record"]
    # commands are listed too: Enter runs them
    palette.input.setText("keyboard shortcuts")
    assert palette.current_entry().kind == "command"
    qtbot.keyClick(palette.input, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not palette.isVisible(), timeout=TIMEOUT)
    assert window.tabs.count() == 0
