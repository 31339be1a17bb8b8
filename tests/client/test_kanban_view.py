"""The kanban view in a real action tab against the live server (views.md §8, issue 7 item 4).

Cards are dragged with the mouse as a user drags them (press on the card, moves over the board,
release over another column): the grouping field is then read back from the database. Column
counts are compared with ``read_group``; pages are checked on the calls the view sent.
"""
import base64

import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, answer_next_question, dialogs, unique
from client_qt.qt import QColor, QMessageBox, QPainter, QPoint, Qt, QtCore, QtGui, QtWidgets

from client_qt.views.kanban.card import COLOURS

pytestmark = [pytest.mark.pg, pytest.mark.qt]

from client_fixtures import SCREENSHOTS


# -- helpers ------------------------------------------------------------------------------------------
def open_kanban(qtbot, window, model, domain=None, context=None, view_id=False, name=None):
    """A tab on ``model`` showing its kanban view (the view ``view_id`` if given); returns the view."""
    action = {"type": "ir.actions.act_window", "res_model": model, "name": name or model,
              "views": [[view_id, "kanban"], [False, "list"], [False, "form"]],
              "domain": domain or [], "context": context or {}}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    view = tab.current
    settle(qtbot, view)
    return view


def settle(qtbot, view):
    """Wait until the columns and their pages (and the calls they start) have arrived."""
    def idle():
        return bool(view.board.columns and view.column_widgets and not view.session.runner.pending
                and not any(column.loading for column in view.board.columns))
    for _ in range(2):
        qtbot.waitUntil(idle, timeout=TIMEOUT)
        qtbot.wait(10)


def column(view, label):
    return next(widget for widget in view.column_widgets if widget.column.label == label)


def card_ids(widget):
    return [card.record_id for card in widget.cards]


def drag(qtbot, view, record_id, target):
    """Drag the card of ``record_id`` onto the column widget ``target`` with the mouse.

    The pressed card keeps the mouse (Qt's implicit grab): every later move and the release go to
    it, with positions relative to it, wherever the pointer is — as they are sent here.
    """
    card = view.card(record_id)
    assert card is not None, f"no card for {record_id}"
    start = QPoint(20, 12)
    qtbot.mousePress(card, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(card, start + QPoint(12, 6))
    middle = target.rect().center()
    for point in (QPoint(middle.x() // 2, middle.y() // 2), middle):
        qtbot.mouseMove(card, card.mapFromGlobal(target.mapToGlobal(point)))
    assert target.highlighted, "the column under the dragged card is highlighted"
    assert view.ghost.isVisible()
    qtbot.mouseRelease(card, Qt.MouseButton.LeftButton, pos=card.mapFromGlobal(target.mapToGlobal(middle)))
    assert not view.ghost.isVisible()


def admin_partner(rpc):
    return rpc("res.users", "read", [rpc.connection.uid], ["partner_id"])[0]["partner_id"][0]


def cover(colour, text):
    """A PNG book cover (base64) painted here."""
    image = QtGui.QImage(120, 170, QtGui.QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    painter = QPainter(image)
    painter.setPen(QColor("white"))
    font = painter.font()
    font.setPixelSize(28)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    data = QtCore.QByteArray()
    buffer = QtCore.QBuffer(data)
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return base64.b64encode(bytes(data)).decode()


@pytest.fixture
def loans(rpc):
    """Two books, a draft loan of each, and an ongoing loan of the second: ``(prefix, draft ids,
    ongoing id, book ids)``."""
    prefix = unique("Kanban book")
    member = admin_partner(rpc)
    books = rpc.create("library.book", [{"name": f"{prefix} A", "genre": "novel"},
                                        {"name": f"{prefix} B", "genre": "novel"}])
    ongoing = rpc.create("library.loan", {"book_id": books[1], "member_id": member})
    rpc("library.loan", "action_start", [ongoing])
    drafts = rpc.create("library.loan", [{"book_id": books[0], "member_id": member},
                                         {"book_id": books[1], "member_id": member}])
    yield prefix, drafts, ongoing, books
    # an ongoing loan cannot be deleted: returned first (rpc deletes loans, then books)
    still = rpc("library.loan", "search", [("id", "in", drafts + [ongoing]), ("state", "=", "ongoing")])
    if still:
        rpc("library.loan", "action_return", still)


# -- grouped boards -----------------------------------------------------------------------------------
def test_dragging_a_loan_card_to_another_state_writes_the_state(qtbot, window, rpc, loans):
    prefix, drafts, ongoing, books = loans
    view = open_kanban(qtbot, window, "library.loan", [("book_id", "in", books)])
    assert [w.column.label for w in view.column_widgets] == ["Draft", "Ongoing", "Returned"]
    assert sorted(card_ids(column(view, "Draft"))) == sorted(drafts)
    returned = column(view, "Returned")
    drag(qtbot, view, drafts[0], returned)
    assert card_ids(returned) == [drafts[0]]            # moved at once
    qtbot.waitUntil(lambda: rpc.read_one("library.loan", drafts[0], ["state"])["state"] == "returned",
                    timeout=TIMEOUT)
    writes = view.session.connection.sent("write", "library.loan")
    assert [(c.args[0], c.args[1]) for c in writes] == [([drafts[0]], {"state": "returned"})]
    settle(qtbot, view)
    assert card_ids(returned) == [drafts[0]] and drafts[0] not in card_ids(column(view, "Draft"))
    assert returned.count_label.text() == "1" and column(view, "Draft").count_label.text() == "1"
    assert "Returned" in view.card(drafts[0]).texts()     # the card was read again (t-if now true)


def test_a_refused_move_puts_the_card_back_and_shows_the_error(qtbot, window, rpc, loans):
    prefix, drafts, ongoing, books = loans
    view = open_kanban(qtbot, window, "library.loan", [("book_id", "in", books)])
    draft, ongoing_column = column(view, "Draft"), column(view, "Ongoing")
    # the second book is on loan already: a second ongoing loan is refused by the server
    drag(qtbot, view, drafts[1], ongoing_column)
    qtbot.waitUntil(lambda: view.error_label.isVisible(), timeout=TIMEOUT)
    assert "already on loan" in view.error_label.text()
    assert any("already on loan" in box.text() for box in open_notices())
    assert drafts[1] in card_ids(draft) and card_ids(ongoing_column) == [ongoing]
    assert draft.count_label.text() == "2" and ongoing_column.count_label.text() == "1"
    assert rpc.read_one("library.loan", drafts[1], ["state"])["state"] == "draft"
    close_notices()


def test_column_counts_are_those_of_read_group(qtbot, window, rpc):
    view = open_kanban(qtbot, window, "library.book", name="Books")
    assert view.board.group_by == "genre"        # the arch's default_group_by
    groups = rpc("library.book", "read_group", [], ["genre"], ["genre"], lazy=True)
    expected = {group["genre"]: group["genre_count"] for group in groups}
    shown = {w.column.key: int(w.count_label.text()) for w in view.column_widgets}
    assert {key: count for key, count in shown.items() if key in expected} == expected
    # the other genres are empty columns a card can be dropped into
    fields = rpc("library.book", "fields_get", ["genre"])["genre"]
    assert set(shown) == {key for key, _ in fields["selection"]} | set(expected)
    assert all(count == 0 for key, count in shown.items() if key not in expected)
    for widget in view.column_widgets:
        assert len(widget.cards) == min(widget.column.count, view.spec.limit)


def test_quick_create_makes_a_record_with_the_columns_value(qtbot, window, rpc):
    view = open_kanban(qtbot, window, "library.book", name="Books")
    poetry = column(view, "Poetry")
    before = poetry.column.count
    qtbot.mouseClick(poetry.add_button, Qt.MouseButton.LeftButton)
    assert poetry.quick_edit.isVisible()
    name = unique("Quick poem")
    qtbot.keyClicks(poetry.quick_edit, name)
    qtbot.keyClick(poetry.quick_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(name in card.texts() for card in poetry.cards), timeout=TIMEOUT)
    created = rpc("library.book", "search_read", [("name", "=", name)], ["genre"])
    rpc.created.append(("library.book", [r["id"] for r in created]))
    assert [r["genre"] for r in created] == ["poetry"]
    assert poetry.cards[0].record_id == created[0]["id"]
    assert poetry.count_label.text() == str(before + 1)


def test_columns_load_their_first_page_only_then_more_on_demand(qtbot, window, rpc, views):
    prefix = unique("Lazy book")
    rpc.create("library.book", [{"name": f"{prefix} poem {i}", "genre": "poetry"} for i in range(7)]
               + [{"name": f"{prefix} essay {i}", "genre": "essay"} for i in range(4)])
    arch = """<kanban default_group_by="genre" limit="3"><templates><t t-name="card">
              <strong><field name="name"/></strong></t></templates></kanban>"""
    result = views("library.book", arch, "kanban")
    view = open_kanban(qtbot, window, "library.book", [("name", "like", prefix)],
                       view_id=result["views"]["kanban"]["id"])
    connection = view.session.connection
    pages = connection.sent("search_read", "library.book")
    # one search_read per column that has records, each the first page only
    assert sorted((c.kwargs["offset"], c.kwargs["limit"]) for c in pages) == [(0, 3), (0, 3)]
    assert sorted(len(c.result) for c in pages) == [3, 3]
    poetry, essay = column(view, "Poetry"), column(view, "Essay")
    assert (len(poetry.cards), poetry.count_label.text()) == (3, "7")
    assert poetry.more_button.isVisible() and "4" in poetry.more_button.text()
    qtbot.mouseClick(poetry.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(poetry.cards) == 6, timeout=TIMEOUT)
    assert [c.kwargs["offset"] for c in connection.sent("search_read", "library.book")][2:] == [3]
    # scrolling the column to its end reads the last page
    poetry.scroll.verticalScrollBar().setValue(poetry.scroll.verticalScrollBar().maximum())
    if len(poetry.cards) < 7:
        qtbot.mouseClick(poetry.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(poetry.cards) == 7, timeout=TIMEOUT)
    assert not poetry.more_button.isVisible() and len(essay.cards) == 3
    assert len(set(card_ids(poetry))) == 7


def test_search_domain_and_group_by_of_the_search_bar(qtbot, window, rpc):
    prefix = unique("Searched book")
    partners = rpc.create("res.partner", [{"name": f"{prefix} author 1"}, {"name": f"{prefix} author 2"}])
    books = rpc.create("library.book", [{"name": f"{prefix} {i}", "author_id": partners[i % 2]} for i in range(3)])
    view = open_kanban(qtbot, window, "library.book", name="Books")
    tab = view.tab
    tab.apply_search([("name", "like", prefix)], {}, [])
    settle(qtbot, view)
    assert sorted(card.record_id for card in view.cards()) == sorted(books)
    assert sum(w.column.count for w in view.column_widgets) == 3
    # grouped by a many2one from the search bar: one column per author; a drag writes the author
    tab.apply_search([("name", "like", prefix)], {}, ["author_id"])
    settle(qtbot, view)
    labels = [w.column.label for w in view.column_widgets]
    assert labels == sorted(labels) and set(labels) == {f"{prefix} author 1", f"{prefix} author 2"}
    first, second = column(view, f"{prefix} author 1"), column(view, f"{prefix} author 2")
    assert sorted(card_ids(first)) == [books[0], books[2]]
    drag(qtbot, view, books[0], second)
    qtbot.waitUntil(lambda: rpc.read_one("library.book", books[0], ["author_id"])["author_id"][0] == partners[1],
                    timeout=TIMEOUT)
    assert sorted(card_ids(second)) == sorted([books[0], books[1]])


def test_ungrouped_kanban_is_a_grid_and_cards_open_the_form(qtbot, window, rpc):
    prefix = unique("Grid contact")
    ids = rpc.create("res.partner", [{"name": f"{prefix} {i:02d}", "email": f"grid{i}@example.com"}
                                     for i in range(8)])
    view = open_kanban(qtbot, window, "res.partner", [("name", "like", prefix)], name="Contacts")
    assert not view.board.is_grouped() and len(view.column_widgets) == 1
    grid = view.column_widgets[0]
    assert grid.flow and not grid.header.isVisible() and len(grid.cards) == 8
    qtbot.waitUntil(lambda: len({card.y() for card in grid.cards}) > 1, timeout=TIMEOUT)
    assert len({card.x() for card in grid.cards}) > 1          # several cards a row, several rows
    assert not view.draggable
    card = grid.cards[2]
    assert f"grid{ids.index(card.record_id)}@example.com" in card.texts()
    qtbot.mouseDClick(card, Qt.MouseButton.LeftButton, pos=QPoint(20, 10))
    tab = view.tab
    qtbot.waitUntil(lambda: tab.current is tab.views.get("form") and tab.current.form.record is not None
                    and tab.current.form.record.id == card.record_id, timeout=TIMEOUT)
    tab.switch_to("kanban")
    settle(qtbot, view)
    grid = view.column_widgets[0]
    grid.cards[0].setFocus()
    qtbot.keyClick(grid.cards[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.current is tab.views.get("form") and tab.current.form.record is not None
                    and tab.current.form.record.id == grid.cards[0].record_id, timeout=TIMEOUT)


def test_cards_show_images_tags_and_priority(qtbot, window, rpc, views):
    prefix = unique("Card contact")
    tag = rpc.create("res.partner.category", {"name": f"{prefix} VIP"})
    partner = rpc.create("res.partner", {"name": f"{prefix} one", "category_id": [(6, 0, [tag])],
                                         "image_1920": cover("#2e7d32", "P")})
    doc = rpc.create("test.orm.client.doc", {"name": f"{prefix} doc", "priority": "2", "state": "open",
                                             "score": 4})
    arch = """<kanban><templates><t t-name="card">
        <field name="image_1920" widget="image"/>
        <strong><field name="name"/></strong>
        <field name="category_id" widget="many2many_tags"/>
        <div t-if="record.email.raw_value">has email</div>
        <div t-else="">no email</div></t></templates></kanban>"""
    view = open_kanban(qtbot, window, "res.partner", [("id", "=", partner)],
                       view_id=views("res.partner", arch, "kanban")["views"]["kanban"]["id"])
    card = view.card(partner)
    qtbot.waitUntil(lambda: f"{prefix} VIP" in card.texts() and card.thumbnail.pixmap() is not None
                    and not card.thumbnail.pixmap().isNull(), timeout=TIMEOUT)
    assert "no email" in card.texts() and "has email" not in card.texts()
    arch = """<kanban default_group_by="state" highlight_color="score"><templates><t t-name="card">
        <field name="name"/><footer><field name="priority" widget="priority"/></footer></t></templates></kanban>"""
    view = open_kanban(qtbot, window, "test.orm.client.doc", [("id", "=", doc)],
                       view_id=views("test.orm.client.doc", arch, "kanban")["views"]["kanban"]["id"])
    assert view.draggable and card_ids(column(view, "Open")) == [doc]
    assert "★★☆" in view.card(doc).texts()
    assert view.card(doc).colour == COLOURS[4] and COLOURS[4] in view.card(doc).styleSheet()


# -- the card menu and refused quick creates ----------------------------------------------------------
def menu_actions(menu):
    """``{data: action}`` of a card menu and its colour sub-menu."""
    actions = {}
    for action in menu.actions():
        if action.menu() is not None:
            actions.update({sub.data(): sub for sub in action.menu().actions()})
        elif action.data():
            actions[action.data()] = action
    return actions


def right_click(widget, pos=QPoint(20, 10)):
    """The context-menu event a right-click gives (QTest's clicks do not make one)."""
    event = QtGui.QContextMenuEvent(QtGui.QContextMenuEvent.Reason.Mouse, pos, widget.mapToGlobal(pos))
    QtWidgets.QApplication.sendEvent(widget, event)


def choose(view, data):
    """Choose an entry of the card menu shown, as a click does (the menu closes, then the action runs)."""
    action = menu_actions(view.card_menu_shown)[data]
    view.card_menu_shown.close()
    action.trigger()


def test_card_menu_colours_deletes_and_edits_a_book(qtbot, window, rpc):
    prefix = unique("Menu book")
    books = rpc.create("library.book", [{"name": f"{prefix} {i}", "genre": "essay"} for i in range(3)])
    view = open_kanban(qtbot, window, "library.book", [("name", "like", prefix)], name="Books")
    essay = column(view, "Essay")
    assert essay.count_label.text() == "3" and view.spec.colour_field == "color"
    # the ⋮ button: Edit, Delete and the colours (the book has none yet)
    card = view.card(books[0])
    assert card.menu_button.isVisible()
    qtbot.mouseClick(card.menu_button, Qt.MouseButton.LeftButton)
    actions = menu_actions(view.card_menu_shown)
    assert set(actions) == {("edit", None), ("delete", None)} | {("colour", i) for i in range(12)}
    assert actions[("colour", 0)].isChecked() and not actions[("colour", 3)].isChecked()
    choose(view, ("colour", 3))
    qtbot.waitUntil(lambda: rpc.read_one("library.book", books[0], ["color"])["color"] == 3, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view.card(books[0]).colour == COLOURS[3], timeout=TIMEOUT)
    assert COLOURS[3] in view.card(books[0]).styleSheet()
    # a right-click opens the same menu; Delete asks first: No keeps the book
    card = view.card(books[1])
    right_click(card)
    qtbot.waitUntil(lambda: view.card_menu_shown is not None and view.card_menu_shown.isVisible(), timeout=TIMEOUT)
    answer_next_question(QMessageBox.StandardButton.No)
    choose(view, ("delete", None))
    assert not view.session.connection.sent("unlink") and view.card(books[1]) is not None
    # Yes: unlink, the card and one of the column's count go
    view.card_menu_shown = None
    right_click(view.card(books[1]))
    qtbot.waitUntil(lambda: view.card_menu_shown is not None and view.card_menu_shown.isVisible(), timeout=TIMEOUT)
    answer_next_question(QMessageBox.StandardButton.Yes)
    choose(view, ("delete", None))
    qtbot.waitUntil(lambda: view.card(books[1]) is None, timeout=TIMEOUT)
    assert rpc("library.book", "search", [("id", "=", books[1])]) == []
    assert [c.args for c in view.session.connection.sent("unlink", "library.book")] == [[[books[1]]]]
    assert essay.count_label.text() == "2" and sorted(card_ids(essay)) == sorted([books[0], books[2]])
    assert view.pager.text() == "2"
    # Edit opens the form of the card's record
    qtbot.mouseClick(view.card(books[2]).menu_button, Qt.MouseButton.LeftButton)
    choose(view, ("edit", None))
    tab = view.tab
    qtbot.waitUntil(lambda: tab.current is tab.views.get("form") and tab.current.form.record is not None
                    and tab.current.form.record.id == books[2], timeout=TIMEOUT)


def test_cards_have_no_colour_choice_without_a_color_field(qtbot, window, rpc, loans):
    prefix, drafts, ongoing, books = loans
    view = open_kanban(qtbot, window, "library.loan", [("book_id", "in", books)])
    qtbot.mouseClick(view.card(drafts[0]).menu_button, Qt.MouseButton.LeftButton)
    assert set(menu_actions(view.card_menu_shown)) == {("edit", None), ("delete", None)}


def test_a_refused_quick_create_opens_the_form_with_the_columns_value(qtbot, window, rpc, views, loans):
    prefix, drafts, ongoing, books = loans
    member = admin_partner(rpc)
    arch = """<kanban default_group_by="member_id"><templates><t t-name="card">
              <strong><field name="book_id"/></strong><field name="state"/></t></templates></kanban>"""
    view = open_kanban(qtbot, window, "library.loan", [("book_id", "in", books)],
                       view_id=views("library.loan", arch, "kanban")["views"]["kanban"]["id"])
    [members] = view.column_widgets
    assert members.column.key == member and members.add_button.isVisible()
    qtbot.mouseClick(members.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(members.quick_edit, "A loan by name only")
    qtbot.keyClick(members.quick_edit, Qt.Key.Key_Return)
    # a loan needs a book: the server refuses name_create and the form opens with the member
    qtbot.waitUntil(lambda: bool(dialogs("record_dialog")), timeout=TIMEOUT)
    [refused] = view.session.connection.sent("name_create", "library.loan")
    assert refused.error is not None and refused.context["default_member_id"] == member
    dialog = dialogs("record_dialog")[0]
    qtbot.waitUntil(lambda: dialog.form.record is not None and bool(dialog.form.record.get("member_id")),
                    timeout=TIMEOUT)
    assert dialog.form.record.get("member_id")[0] == member and not view.error_label.isVisible()
    dialog.form.widget("book_id").input.take(rpc("library.book", "name_get", [books[0]])[0])
    dialog.buttons["save"].click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    created = rpc("library.loan", "search", [("book_id", "in", books), ("id", "not in", drafts + [ongoing])])
    rpc.created.append(("library.loan", created))
    assert len(created) == 1
    assert rpc.read_one("library.loan", created[0], ["member_id", "book_id"]) == {
        "id": created[0], "member_id": [member, members.column.label], "book_id": [books[0], f"{prefix} A"]}
    # the board is read again: the new loan has its card in the member's column
    settle(qtbot, view)
    qtbot.waitUntil(lambda: view.card(created[0]) is not None, timeout=TIMEOUT)
    assert view.column_widgets[0].count_label.text() == "4"


# -- screenshots --------------------------------------------------------------------------------------
def test_screenshots_of_the_loan_and_book_boards(qtbot, window, rpc):
    """docs/screenshots/kanban-books.png (demo books with painted covers) and kanban-loans.png."""
    colours = ["#1565c0", "#6a1b9a", "#c62828", "#2e7d32", "#a05a00", "#00695c", "#ad1457"]
    demo = rpc("library.book", "search_read", [("cover", "=", False)], ["name"], limit=len(colours))
    for book, colour in zip(demo, colours):
        rpc("library.book", "write", [book["id"]], {"cover": cover(colour, book["name"][:2])})
    try:
        window.resize(1280, 640)
        view = open_kanban(qtbot, window, "library.book", name="Books")
        qtbot.waitUntil(lambda: sum(1 for c in view.cards() if c.image is not None) >= len(demo), timeout=TIMEOUT)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(SCREENSHOTS / "kanban-books.png"))
    finally:
        for book in demo:
            rpc("library.book", "write", [book["id"]], {"cover": False})
    # two more draft loans of books on the shelf, by the demo members
    members = rpc("res.partner", "search", [("name", "in", ["Alice Martin", "Bob Peeters"])])
    shelf = rpc("library.book", "search", [("available", "=", True)], limit=2)
    rpc.create("library.loan", [{"book_id": book, "member_id": member} for book, member in zip(shelf, members)])
    view = open_kanban(qtbot, window, "library.loan", name="Loans")
    assert {w.column.label for w in view.column_widgets} == {"Draft", "Ongoing", "Returned"}
    assert window.grab().save(str(SCREENSHOTS / "kanban-loans.png"))
