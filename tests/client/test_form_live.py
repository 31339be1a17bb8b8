"""The form view against a live server: editing, saving, onchange, buttons, wizards, errors.

A real ``bureau serve`` (the ``live_server`` fixture, database ``rpc_db`` with base, library and
test_orm demo data) answers the client's JSON-RPC calls; the database is checked through the ORM.
Screenshots of a form in light and dark palettes go to ``build/screenshots/``.
"""
from pathlib import Path

import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, answer_next_question, close_notices, form_tab, keep, open_notices, unique
from client_qt.qt import QApplication, QColor, QMessageBox, QPalette, QPushButton, Qt, QTabWidget
from conftest import make_env

pytestmark = [pytest.mark.pg, pytest.mark.qt]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def type_into(qtbot, line_edit, text):
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)


def pick(qtbot, widget, text, choice):
    """Type ``text`` in a many2one and take the pop-up entry named ``choice``."""
    widget.input.setFocus()
    widget.input.selectAll()
    qtbot.keyClicks(widget.input, text)
    qtbot.waitUntil(lambda: widget.input.completer.popup().isVisible()
                    and any(entry[2] == choice for entry in widget.input.entries()), timeout=TIMEOUT)
    row = [entry[2] for entry in widget.input.entries()].index(choice)
    popup = widget.input.completer.popup()
    popup.setCurrentIndex(widget.input.results.index(row, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def saved(qtbot, view):
    results = []
    view.save(results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=TIMEOUT)
    return results[0]


def test_partner_form_creates_a_company_with_fields_of_several_types_and_a_contact_line(qtbot, window, db, rpc):
    company, contact = unique("Client Test Company"), unique("Ann Contact")
    view = form_tab(qtbot, window, "res.partner")
    form = view.form
    type_into(qtbot, form.widget("name").editor, company)
    form.widget("is_company").editor.click()
    pick(qtbot, form.widget("country_id"), "Belg", "Belgium")
    type_into(qtbot, form.widget("city").editor, "Namur")
    type_into(qtbot, form.widget("email").editor, "hello@client-test.example")
    type_into(qtbot, form.widget("website").editor, "client-test.example")
    tags = form.widget("category_id")
    pick(qtbot, tags, "Cust", "Customer")
    assert tags.tag_names() == ["Customer"]
    children = form.widget("child_ids")
    notebook = form.findChild(QTabWidget, "notebook")
    assert notebook.isTabVisible(0), "the contacts page shows for companies"
    notebook.setCurrentIndex(0)
    assert children.isVisible()
    children.list.add_buttons[0].click()
    qtbot.waitUntil(lambda: getattr(children, "dialog", None) is not None and children.dialog.isVisible(),
                    timeout=TIMEOUT)
    line = children.dialog
    type_into(qtbot, line.form.widget("name").editor, contact)
    type_into(qtbot, line.form.widget("email").editor, "ann@client-test.example")
    line.buttons["save_close"].click()
    qtbot.waitUntil(lambda: not line.isVisible(), timeout=TIMEOUT)
    assert children.list.row_texts()[0][0] == contact
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(form.widget("city").editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.record is not None and form.record.id and not form.is_modified(), timeout=TIMEOUT)
    rpc.created.append(("res.partner", [form.record.id]))
    [partner] = db("res.partner", [("name", "=", company)],
                   ["is_company", "country_id", "city", "email", "website", "category_id", "child_ids"])
    assert partner["is_company"] is True and partner["country_id"][1] == "Belgium"
    assert partner["city"] == "Namur" and partner["email"] == "hello@client-test.example"
    assert partner["website"] == "client-test.example"
    [customer] = db("res.partner.category", [("name", "=", "Customer")], ["id"])
    assert partner["category_id"] == [customer["id"]]
    [child] = db("res.partner", [("id", "in", partner["child_ids"])], ["name", "email", "parent_id"])
    assert child["name"] == contact and child["parent_id"][0] == partner["id"]
    rpc.created.append(("res.partner", [child["id"]]))
    assert view.pager.text() == "1 / 1"


def test_editing_a_record_changed_meanwhile_is_refused(qtbot, window, rpc, db, pg, rpc_db):
    partner_id = rpc.create("res.partner", {"name": unique("Conflict Test"), "city": "Liège"})
    view = form_tab(qtbot, window, "res.partner", partner_id)
    rpc("res.partner", "write", [partner_id], {"city": "Mons"})
    env = make_env(pg, rpc_db)
    env.cr.execute("UPDATE res_partner SET write_date = write_date + interval '10 seconds' WHERE id = %s",
                   (partner_id,))
    env.cr.commit()
    env.cr.close()
    type_into(qtbot, view.form.widget("city").editor, "Namur")
    results = []
    view.save(results.append)
    # the server refuses the write; the client finds the newer version and asks what to keep
    qtbot.waitUntil(lambda: getattr(view.form, "conflict_dialog", None) is not None, timeout=TIMEOUT)
    dialog = view.form.conflict_dialog
    [row] = [row for row in dialog.rows if row.name == "city"]
    assert (row.original, row.mine, row.theirs) == ("Liège", "Namur", "Mons")
    [write] = view.session.connection.sent("write", "res.partner")
    assert "modified by another user" in str(write.error)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: results == [False], timeout=TIMEOUT)
    assert db("res.partner", [("id", "=", partner_id)], ["city"])[0]["city"] == "Mons"
    view.discard()
    qtbot.waitUntil(lambda: view.form.record.get("city") == "Mons", timeout=TIMEOUT)


def test_a_validation_error_is_shown_in_a_dialog_and_nothing_is_saved(qtbot, window, db):
    name = unique("Broken ISBN")
    view = form_tab(qtbot, window, "library.book")
    type_into(qtbot, view.form.widget("name").editor, name)
    type_into(qtbot, view.form.widget("isbn").editor, "978-0-00-000000-1")
    assert saved(qtbot, view) is False
    box = open_notices()[-1]
    assert box.windowTitle() == "Validation Error" and "ISBN" in box.text()
    assert box.icon() == QMessageBox.Icon.Warning
    assert db("library.book", [("name", "=", name)], ["id"]) == []
    assert view.form.is_modified()


def test_order_onchange_fills_the_discount_and_warns_about_a_missing_email(qtbot, window, db, rpc):
    name = unique("CLIENT-ONCHANGE")
    view = form_tab(qtbot, window, "test.orm.order")
    form = view.form
    type_into(qtbot, form.widget("name").editor, name)
    pick(qtbot, form.widget("partner_id"), "Jane Aus", "Jane Austen")
    qtbot.waitUntil(lambda: any(box.windowTitle() == "No email" for box in open_notices()), timeout=TIMEOUT)
    assert form.record.get("discount") == 0.0
    close_notices()
    pick(qtbot, form.widget("partner_id"), "Azure Int", "Azure Interior")
    qtbot.waitUntil(lambda: form.record.get("discount") == 60.0, timeout=TIMEOUT)
    assert form.widget("discount").editor.text() == "60.00"
    assert saved(qtbot, view) is True
    rpc.created.append(("test.orm.order", [form.record.id]))
    [order] = db("test.orm.order", [("name", "=", name)], ["discount", "partner_id"])
    assert order["discount"] == 60.0 and order["partner_id"][1] == "Azure Interior"


def test_loan_buttons_save_first_then_start_and_return_the_book(qtbot, window, rpc, db):
    book = unique("Client Test Book")
    book_id = rpc.create("library.book", {"name": book})
    view = form_tab(qtbot, window, "library.loan")
    form = view.form
    assert form.record.get("state") == "draft" and form.record.get("date_start")
    pick(qtbot, form.widget("book_id"), book, book)
    pick(qtbot, form.widget("member_id"), "Alice M", "Alice Martin")
    start = form.findChild(QPushButton, "button_action_start")
    assert start.isVisible()
    start.click()
    qtbot.waitUntil(lambda: form.record is not None and form.record.get("state") == "ongoing", timeout=TIMEOUT)
    loan_id = form.record.id
    rpc.created.append(("library.loan", [loan_id]))
    [loan] = db("library.loan", [("id", "=", loan_id)], ["state", "book_id", "member_id", "name"])
    assert loan["state"] == "ongoing" and loan["book_id"][0] == book_id and loan["name"] != "New"
    statusbar = form.widget("state")
    assert statusbar.chips["ongoing"].isChecked()
    assert not start.isVisible()
    back = form.findChild(QPushButton, "button_action_return")
    assert back.isVisible()
    back.click()
    qtbot.waitUntil(lambda: form.record.get("state") == "returned", timeout=TIMEOUT)
    assert db("library.loan", [("id", "=", loan_id)], ["state", "date_end"])[0]["date_end"]
    assert form.widget("date_start").readonly
    draft = form.findChild(QPushButton, "button_action_draft")
    answer_next_question(QMessageBox.StandardButton.No)
    draft.click()
    assert db("library.loan", [("id", "=", loan_id)], ["state"])[0]["state"] == "returned"
    answer_next_question(QMessageBox.StandardButton.Yes)
    draft.click()
    qtbot.waitUntil(lambda: form.record.get("state") == "draft", timeout=TIMEOUT)
    assert db("library.loan", [("id", "=", loan_id)], ["state"])[0]["state"] == "draft"


def test_a_button_error_is_shown_and_the_record_reloaded(qtbot, window, rpc):
    book_id = rpc.create("library.book", {"name": unique("Client Test Book")})
    member = rpc("res.partner", "search", [("name", "=", "Bob Peeters")])[0]
    loan_id = rpc.create("library.loan", {"book_id": book_id, "member_id": member})
    view = form_tab(qtbot, window, "library.loan", loan_id)
    rpc("library.loan", "action_start", [loan_id])
    start = view.form.findChild(QPushButton, "button_action_start")
    start.click()
    qtbot.waitUntil(lambda: any("Only draft loans" in box.text() for box in open_notices()), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view.form.record.get("state") == "ongoing", timeout=TIMEOUT)
    assert start.isEnabled()
    rpc("library.loan", "action_return", [loan_id])  # an ongoing loan cannot be deleted


WIZARD_ARCH = """<form string="Rename the order">
  <group><field name="order_id"/><field name="name"/></group>
  <footer>
    <button name="action_apply" type="object" string="Apply" class="btn-primary"/>
    <button special="cancel" string="Cancel"/>
  </footer>
</form>"""


@pytest.fixture
def wizard_view(views):
    return views("test.orm.wizard", WIZARD_ARCH)["views"]["form"]["id"]


def test_a_wizard_opens_as_a_modal_dialog_runs_its_button_and_closes(qtbot, window, rpc, db, wizard_view):
    order_id = rpc.create("test.orm.order", {"name": unique("CLIENT-WIZARD")})
    renamed = unique("CLIENT-WIZARD-RENAMED")
    closed = []
    from client_qt.dialogs.wizard import open_wizard
    action = {"type": "ir.actions.act_window", "res_model": "test.orm.wizard", "target": "new",
              "name": "Rename", "views": [[wizard_view, "form"]],
              "context": "{'default_order_id': active_id}"}
    state = open_wizard(window, action, {"active_id": order_id, "active_ids": [order_id],
                                         "active_model": "test.orm.order"}, on_close=lambda: closed.append(1))
    qtbot.waitUntil(lambda: "dialog" in state and state["dialog"].isVisible(), timeout=TIMEOUT)
    dialog = state["dialog"]
    assert dialog.isModal() and dialog.windowTitle() == "Rename"
    qtbot.waitUntil(lambda: dialog.form.record.get("order_id") and
                    dialog.form.record.get("order_id")[0] == order_id, timeout=TIMEOUT)
    assert [button.text() for button in dialog.findChildren(QPushButton) if button.isVisible()] == ["Apply", "Cancel"]
    type_into(qtbot, dialog.form.widget("name").editor, renamed)
    dialog.findChild(QPushButton, "button_action_apply").click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert closed == [1]
    assert db("test.orm.order", [("id", "=", order_id)], ["name"])[0]["name"] == renamed


def test_a_wizard_cancel_closes_without_running(qtbot, window, rpc, db, wizard_view):
    name = unique("CLIENT-WIZARD")
    order_id = rpc.create("test.orm.order", {"name": name})
    action = {"type": "ir.actions.act_window", "res_model": "test.orm.wizard", "target": "new",
              "name": "Rename", "views": [[wizard_view, "form"]]}
    window.run_action_dict(action, None, {"default_order_id": order_id})
    qtbot.waitUntil(lambda: any(w.objectName() == "wizard_dialog" and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=TIMEOUT)
    dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "wizard_dialog" and w.isVisible())
    type_into(qtbot, dialog.form.widget("name").editor, "NEVER")
    dialog.findChild(QPushButton, "button_cancel").click()
    assert not dialog.isVisible()
    assert db("test.orm.order", [("id", "=", order_id)], ["name"])[0]["name"] == name


def dark_palette():
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#2f2f2f",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#3a3a3a",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2b2b2b",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.PlaceholderText: "#8a8a8a",
        QPalette.ColorRole.Link: "#6ea8ff", QPalette.ColorRole.Mid: "#5a5a5a", QPalette.ColorRole.Dark: "#151515",
        QPalette.ColorRole.Light: "#4a4a4a",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#7a7a7a"))
    return palette


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_of_forms(qtbot, window, session, rpc, theme):
    app = QApplication.instance()
    previous_style, previous_palette = app.style().name(), app.palette()
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme == "dark" else app.style().standardPalette())
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        azure = rpc("res.partner", "search", [("name", "=", "Azure Interior")])[0]
        view = form_tab(qtbot, window, "res.partner", azure)
        qtbot.waitUntil(lambda: view.form.widget("category_id").tag_names() == ["Customer"], timeout=TIMEOUT)
        qtbot.waitUntil(lambda: view.form.widget("child_ids").list.row_texts()[:1] != [["…", "", "", "", ""]],
                        timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not session.runner.pending, timeout=TIMEOUT)
        assert keep(view).grab().save(str(SCREENSHOTS / f"form_partner_{theme}.png"))
        loans = rpc("library.loan", "search", [("state", "=", "ongoing")], limit=1)
        view = form_tab(qtbot, window, "library.loan", loans[0])
        qtbot.waitUntil(lambda: not session.runner.pending, timeout=TIMEOUT)
        assert view.grab().save(str(SCREENSHOTS / f"form_loan_{theme}.png"))
        book = rpc("library.book", "search", [("loan_count", ">", 0)], limit=1)
        view = form_tab(qtbot, window, "library.book", book[0])
        view.form.findChild(QTabWidget, "notebook").setCurrentIndex(1)
        lines = view.form.widget("loan_ids").list
        qtbot.waitUntil(lambda: bool(lines.row_texts()) and lines.row_texts()[0][0] != "…", timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not session.runner.pending, timeout=TIMEOUT)
        assert view.grab().save(str(SCREENSHOTS / f"form_book_{theme}.png"))
    finally:
        app.setStyle(previous_style)
        app.setPalette(previous_palette)
