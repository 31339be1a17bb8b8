"""The form view against a live server: editing, saving, onchange, buttons, wizards, errors.

A real ``bureau serve`` (the ``live_server`` fixture, database ``rpc_db`` with base, library and
test_orm demo data) answers the client's JSON-RPC calls; the database is checked through the ORM.
Screenshots of a form in light and dark palettes go to ``build/screenshots/``.
"""
from pathlib import Path

import pytest

from conftest import RPC_ADMIN_PASSWORD, make_env
from client_qt.qt import QApplication, QColor, QMessageBox, QPalette, QPushButton, Qt, QTabWidget
from form_fakes import answer_next_question, close_notices, keep, open_notices
from form_fakes import keep_widgets_alive  # noqa: F401  (autouse)

pytestmark = [pytest.mark.pg, pytest.mark.qt]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
TIMEOUT = 15000


@pytest.fixture(scope="module")
def session(qapp, live_server, rpc_db):
    from client_qt.session import Session
    from client_qt.views.registry import load_view_modules
    load_view_modules()
    session = Session.login(live_server.url, rpc_db, "admin", RPC_ADMIN_PASSWORD)
    yield session
    session.runner.wait()


@pytest.fixture
def window(qtbot, session):
    from client_qt.windows.main_window import MainWindow
    window = MainWindow(session)
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    yield window
    close_notices()
    while window.tabs.count():
        widget = window.tabs.widget(0)
        window.tabs.removeTab(0)
        widget.deleteLater()
    session.runner.wait()
    window.deleteLater()
    QApplication.sendPostedEvents(None, 52)


@pytest.fixture
def db(pg, rpc_db):
    """Read the database through the ORM, in a new transaction per call."""
    def read(model, domain, fields):
        env = make_env(pg, rpc_db)
        try:
            return env[model].search_read(domain, fields)
        finally:
            env.cr.rollback()
            env.cr.close()
    return read


def rpc(session, model, method, *args, **kwargs):
    return session.connection.call_kw(model, method, list(args), kwargs)


def form_tab(qtbot, window, model, record_id=None, views=(("form",),), context=None):
    """Open ``model`` in a tab showing its form view; a new record unless ``record_id``."""
    action = {"type": "ir.actions.act_window", "res_model": model, "name": model,
              "views": [[False, mode[0]] for mode in views], "context": context or {}}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    view = tab.current
    if record_id:
        tab.open_record(record_id, [record_id])
        qtbot.waitUntil(lambda: view.form.record is not None and view.form.record.id == record_id, timeout=TIMEOUT)
    else:
        qtbot.waitUntil(lambda: view.form.record is not None and view.form.onchanger.is_idle(), timeout=TIMEOUT)
    return view


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


def test_partner_form_creates_a_company_with_fields_of_several_types_and_a_contact_line(qtbot, window, db):
    view = form_tab(qtbot, window, "res.partner")
    form = view.form
    type_into(qtbot, form.widget("name").editor, "Client Test Company")
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
    type_into(qtbot, line.form.widget("name").editor, "Ann Contact")
    type_into(qtbot, line.form.widget("email").editor, "ann@client-test.example")
    line.buttons["save_close"].click()
    qtbot.waitUntil(lambda: not line.isVisible(), timeout=TIMEOUT)
    assert children.list.row_texts()[0][0] == "Ann Contact"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(form.widget("city").editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.record is not None and form.record.id and not form.is_modified(), timeout=TIMEOUT)
    [partner] = db("res.partner", [("name", "=", "Client Test Company")],
                   ["is_company", "country_id", "city", "email", "website", "category_id", "child_ids"])
    assert partner["is_company"] is True and partner["country_id"][1] == "Belgium"
    assert partner["city"] == "Namur" and partner["email"] == "hello@client-test.example"
    assert partner["website"] == "client-test.example"
    [customer] = db("res.partner.category", [("name", "=", "Customer")], ["id"])
    assert partner["category_id"] == [customer["id"]]
    [child] = db("res.partner", [("id", "in", partner["child_ids"])], ["name", "email", "parent_id"])
    assert child["name"] == "Ann Contact" and child["parent_id"][0] == partner["id"]
    assert view.pager.text() == "1 / 1"


def test_editing_a_record_changed_meanwhile_is_refused(qtbot, window, session, db, pg, rpc_db):
    partner_id = rpc(session, "res.partner", "create", {"name": "Conflict Test", "city": "Liège"})
    view = form_tab(qtbot, window, "res.partner", partner_id)
    rpc(session, "res.partner", "write", [partner_id], {"city": "Mons"})
    env = make_env(pg, rpc_db)
    env.cr.execute("UPDATE res_partner SET write_date = write_date + interval '10 seconds' WHERE id = %s",
                   (partner_id,))
    env.cr.commit()
    env.cr.close()
    type_into(qtbot, view.form.widget("city").editor, "Namur")
    assert saved(qtbot, view) is False
    box = open_notices()[-1]
    assert "modified by another user" in box.text()
    assert db("res.partner", [("id", "=", partner_id)], ["city"])[0]["city"] == "Mons"
    view.discard()
    qtbot.waitUntil(lambda: view.form.record.get("city") == "Mons", timeout=TIMEOUT)


def test_a_validation_error_is_shown_in_a_dialog_and_nothing_is_saved(qtbot, window, db):
    view = form_tab(qtbot, window, "library.book")
    type_into(qtbot, view.form.widget("name").editor, "Broken ISBN")
    type_into(qtbot, view.form.widget("isbn").editor, "978-0-00-000000-1")
    assert saved(qtbot, view) is False
    box = open_notices()[-1]
    assert box.windowTitle() == "Validation Error" and "ISBN" in box.text()
    assert box.icon() == QMessageBox.Icon.Warning
    assert db("library.book", [("name", "=", "Broken ISBN")], ["id"]) == []
    assert view.form.is_modified()


def test_order_onchange_fills_the_discount_and_warns_about_a_missing_email(qtbot, window, db):
    view = form_tab(qtbot, window, "test.orm.order")
    form = view.form
    type_into(qtbot, form.widget("name").editor, "CLIENT-ONCHANGE-1")
    pick(qtbot, form.widget("partner_id"), "Jane Aus", "Jane Austen")
    qtbot.waitUntil(lambda: any(box.windowTitle() == "No email" for box in open_notices()), timeout=TIMEOUT)
    assert form.record.get("discount") == 0.0
    close_notices()
    pick(qtbot, form.widget("partner_id"), "Azure Int", "Azure Interior")
    qtbot.waitUntil(lambda: form.record.get("discount") == 60.0, timeout=TIMEOUT)
    assert form.widget("discount").editor.text() == "60.00"
    assert saved(qtbot, view) is True
    [order] = db("test.orm.order", [("name", "=", "CLIENT-ONCHANGE-1")], ["discount", "partner_id"])
    assert order["discount"] == 60.0 and order["partner_id"][1] == "Azure Interior"


def test_loan_buttons_save_first_then_start_and_return_the_book(qtbot, window, session, db):
    book_id = rpc(session, "library.book", "create", {"name": "Client Test Book"})
    view = form_tab(qtbot, window, "library.loan")
    form = view.form
    assert form.record.get("state") == "draft" and form.record.get("date_start")
    pick(qtbot, form.widget("book_id"), "Client Test B", "Client Test Book")
    pick(qtbot, form.widget("member_id"), "Alice M", "Alice Martin")
    start = form.findChild(QPushButton, "button_action_start")
    assert start.isVisible()
    start.click()
    qtbot.waitUntil(lambda: form.record is not None and form.record.get("state") == "ongoing", timeout=TIMEOUT)
    loan_id = form.record.id
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


def test_a_button_error_is_shown_and_the_record_reloaded(qtbot, window, session):
    book_id = rpc(session, "library.book", "create", {"name": "Client Test Book 2"})
    member = rpc(session, "res.partner", "search", [("name", "=", "Bob Peeters")])[0]
    loan_id = rpc(session, "library.loan", "create", {"book_id": book_id, "member_id": member})
    view = form_tab(qtbot, window, "library.loan", loan_id)
    rpc(session, "library.loan", "action_start", [loan_id])
    start = view.form.findChild(QPushButton, "button_action_start")
    start.click()
    qtbot.waitUntil(lambda: any("Only draft loans" in box.text() for box in open_notices()), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view.form.record.get("state") == "ongoing", timeout=TIMEOUT)
    assert start.isEnabled()


WIZARD_ARCH = """<form string="Rename the order">
  <group><field name="order_id"/><field name="name"/></group>
  <footer>
    <button name="action_apply" type="object" string="Apply" class="btn-primary"/>
    <button special="cancel" string="Cancel"/>
  </footer>
</form>"""


@pytest.fixture
def wizard_view(session):
    view_id = rpc(session, "ir.ui.view", "create", {"name": "test.orm.wizard.client", "model": "test.orm.wizard",
                                                    "type": "form", "arch": WIZARD_ARCH, "priority": 99})
    yield view_id
    rpc(session, "ir.ui.view", "unlink", [view_id])


def test_a_wizard_opens_as_a_modal_dialog_runs_its_button_and_closes(qtbot, window, session, db, wizard_view):
    order_id = rpc(session, "test.orm.order", "create", {"name": "CLIENT-WIZARD-1"})
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
    type_into(qtbot, dialog.form.widget("name").editor, "CLIENT-WIZARD-RENAMED")
    dialog.findChild(QPushButton, "button_action_apply").click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert closed == [1]
    assert db("test.orm.order", [("id", "=", order_id)], ["name"])[0]["name"] == "CLIENT-WIZARD-RENAMED"


def test_a_wizard_cancel_closes_without_running(qtbot, window, session, db, wizard_view):
    order_id = rpc(session, "test.orm.order", "create", {"name": "CLIENT-WIZARD-2"})
    action = {"type": "ir.actions.act_window", "res_model": "test.orm.wizard", "target": "new",
              "name": "Rename", "views": [[wizard_view, "form"]]}
    window.run_action_dict(action, None, {"default_order_id": order_id})
    qtbot.waitUntil(lambda: any(w.objectName() == "wizard_dialog" and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=TIMEOUT)
    dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "wizard_dialog" and w.isVisible())
    type_into(qtbot, dialog.form.widget("name").editor, "NEVER")
    dialog.findChild(QPushButton, "button_cancel").click()
    assert not dialog.isVisible()
    assert db("test.orm.order", [("id", "=", order_id)], ["name"])[0]["name"] == "CLIENT-WIZARD-2"


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
def test_screenshots_of_forms(qtbot, window, session, theme):
    app = QApplication.instance()
    previous_style, previous_palette = app.style().name(), app.palette()
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme == "dark" else app.style().standardPalette())
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        azure = rpc(session, "res.partner", "search", [("name", "=", "Azure Interior")])[0]
        view = form_tab(qtbot, window, "res.partner", azure)
        qtbot.waitUntil(lambda: view.form.widget("category_id").tag_names() == ["Customer"], timeout=TIMEOUT)
        qtbot.waitUntil(lambda: view.form.widget("child_ids").list.row_texts()[:1] != [["…", "", "", "", ""]],
                        timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not session.runner.pending, timeout=TIMEOUT)
        assert keep(view).grab().save(str(SCREENSHOTS / f"form_partner_{theme}.png"))
        loans = rpc(session, "library.loan", "search", [("state", "=", "ongoing")], limit=1)
        view = form_tab(qtbot, window, "library.loan", loans[0])
        qtbot.waitUntil(lambda: not session.runner.pending, timeout=TIMEOUT)
        assert view.grab().save(str(SCREENSHOTS / f"form_loan_{theme}.png"))
        book = rpc(session, "library.book", "search", [("loan_count", ">", 0)], limit=1)
        view = form_tab(qtbot, window, "library.book", book[0])
        view.form.findChild(QTabWidget, "notebook").setCurrentIndex(1)
        lines = view.form.widget("loan_ids").list
        qtbot.waitUntil(lambda: bool(lines.row_texts()) and lines.row_texts()[0][0] != "…", timeout=TIMEOUT)
        qtbot.waitUntil(lambda: not session.runner.pending, timeout=TIMEOUT)
        assert view.grab().save(str(SCREENSHOTS / f"form_book_{theme}.png"))
    finally:
        app.setStyle(previous_style)
        app.setPalette(previous_palette)
