"""Buttons and dialogs of forms: object/action buttons, confirm, related-record dialogs (views.md §3.4, §11)."""
import threading

import pytest

from client_qt.models.record import Record
from client_qt.qt import QApplication, QMessageBox, QPushButton
from client_qt.views.form import FormView
from form_fakes import (FakeServer, FakeSession, FakeTab, answer_next_question, close_notices, form_result, keep,
                        make_form)
from form_fakes import keep_widgets_alive  # noqa: F401  (autouse)

pytestmark = pytest.mark.qt

FIELDS = {
    "name": {"type": "char", "string": "Name"},
    "state": {"type": "selection", "string": "State", "selection": [["draft", "Draft"], ["done", "Done"]],
              "readonly": True},
    "partner_id": {"type": "many2one", "string": "Partner", "relation": "res.partner"},
}
ARCH = """<form><header>
  <button name="action_done" type="object" string="Done" class="oe_highlight" invisible="state == 'done'"
          context="{'reason': name}"/>
  <button name="42" type="action" string="Report"/>
  <button name="action_wipe" type="object" string="Wipe" confirm="Really wipe?"/>
  <field name="state" widget="statusbar"/>
</header><sheet><group><field name="name"/><field name="partner_id"/></group></sheet></form>"""


class Window:
    """The main window's interface used by buttons."""

    def __init__(self, session):
        self.session = session
        self.actions = []

    def run_action_dict(self, action, title=None, context=None):
        self.actions.append((action, context))


@pytest.fixture
def server():
    server = FakeServer()
    server.add("x.doc", id=1, name="Doc", state="draft", partner_id=False)
    server.add("res.partner", id=7, name="Deco Addict")

    def done(ids, context=None):
        for record_id in ids:
            server.tables["x.doc"][record_id]["state"] = "done"
        server.done_context = context
        return True

    server.on("x.doc", "action_done", done)
    return server


@pytest.fixture
def view(qtbot, server):
    session = FakeSession(server)
    window = Window(session)
    view = keep(FormView(FakeTab(session, "x.doc", form_result("x.doc", ARCH, FIELDS), window=window), ARCH, FIELDS))
    qtbot.addWidget(view)
    view.show()
    view.activate(record_id=1, ids=[1])
    qtbot.waitUntil(lambda: view.form.record is not None)
    yield view
    close_notices()


def button(view, name):
    return view.form.findChild(QPushButton, f"button_{name}")


def test_object_button_saves_the_changes_first_then_calls_and_reloads(qtbot, view, server):
    editor = view.form.widget("name").editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "Changed")
    button(view, "action_done").click()
    qtbot.waitUntil(lambda: view.form.record.get("state") == "done")
    methods = [m for _model, m in server.methods("x.doc")]
    assert methods.index("write") < methods.index("action_done") < len(methods) - 1 - methods[::-1].index("read")
    assert server.tables["x.doc"][1]["name"] == "Changed"
    assert server.done_context["reason"] == "Changed"
    assert not button(view, "action_done").isVisible()


def test_object_button_is_disabled_until_the_call_returns(qtbot, view, server):
    release = threading.Event()

    def slow(ids, context=None):
        release.wait(5)
        return True

    server.on("x.doc", "action_done", slow)
    done = button(view, "action_done")
    done.click()
    qtbot.waitUntil(lambda: ("x.doc", "action_done") in server.methods())
    assert not done.isEnabled()
    done.click()
    release.set()
    qtbot.waitUntil(done.isEnabled)
    assert server.methods().count(("x.doc", "action_done")) == 1


def test_a_returned_action_is_followed_by_the_main_window(qtbot, view, server):
    action = {"type": "ir.actions.act_window", "res_model": "x.other", "views": [[False, "list"]]}
    server.on("x.doc", "action_done", lambda ids, context=None: action)
    button(view, "action_done").click()
    window = view.form.main_window
    qtbot.waitUntil(lambda: bool(window.actions))
    assert window.actions[0][0] == action


def test_action_button_runs_the_action_with_the_active_record(qtbot, view, server):
    server.on("ir.actions.actions", "load", lambda action_id, context=None: {
        "type": "ir.actions.act_window", "res_model": "x.report", "id": action_id, "context": context})
    button(view, "42").click()
    window = view.form.main_window
    qtbot.waitUntil(lambda: bool(window.actions))
    action, context = window.actions[0]
    assert action["id"] == 42
    assert context["active_id"] == 1 and context["active_ids"] == [1] and context["active_model"] == "x.doc"


def test_confirm_asks_first_and_no_aborts(qtbot, view, server):
    server.on("x.doc", "action_wipe", lambda ids, context=None: True)
    answer_next_question(QMessageBox.StandardButton.No)
    button(view, "action_wipe").click()
    assert ("x.doc", "action_wipe") not in server.methods()
    answer_next_question(QMessageBox.StandardButton.Yes)
    button(view, "action_wipe").click()
    qtbot.waitUntil(lambda: ("x.doc", "action_wipe") in server.methods())


def dialogs(name):
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()]


def test_many2one_create_and_edit_opens_the_comodel_form_with_the_typed_name(qtbot, view, server):
    partner_form = "<form><sheet><group><field name='name'/><field name='email'/></group></sheet></form>"
    fields = {"name": {"type": "char", "string": "Name", "required": True}, "email": {"type": "char"}}
    view.session.views["res.partner"] = form_result("res.partner", partner_form, fields)
    server.on("res.partner", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"name": context.get("default_name"), "email": False}})
    widget = view.form.widget("partner_id")
    widget.input.fill("Nova Corp", [])
    entry = [i for i, e in enumerate(widget.input.entries()) if e[0] == "create_edit"][0]
    widget.input.choose_entry(entry)
    qtbot.waitUntil(lambda: bool(dialogs("record_dialog")))
    dialog = dialogs("record_dialog")[0]
    qtbot.waitUntil(lambda: dialog.form.record.get("name") == "Nova Corp")
    email = dialog.form.widget("email").editor
    email.setFocus()
    qtbot.keyClicks(email, "nova@example.com")
    dialog.buttons["save"].click()
    qtbot.waitUntil(lambda: view.form.record.get("partner_id") and view.form.record.get("partner_id")[1] ==
                    "Nova Corp")
    created = server.last("res.partner", "create")[0][0]
    assert created == {"email": "nova@example.com", "name": "Nova Corp"}
    assert not dialog.isVisible()


def test_many2one_open_button_edits_the_linked_record(qtbot, view, server):
    partner_form = "<form><sheet><group><field name='name'/></group></sheet></form>"
    view.session.views["res.partner"] = form_result("res.partner", partner_form, {"name": {"type": "char"}})
    widget = view.form.widget("partner_id")
    widget.input.take([7, "Deco Addict"])
    widget.open_button.click()
    qtbot.waitUntil(lambda: bool(dialogs("record_dialog")))
    dialog = dialogs("record_dialog")[0]
    qtbot.waitUntil(lambda: dialog.form.record is not None and dialog.form.record.id == 7)
    name = dialog.form.widget("name").editor
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Deco Addict SA")
    dialog.buttons["save"].click()
    qtbot.waitUntil(lambda: server.tables["res.partner"][7]["name"] == "Deco Addict SA")
    server.tables["res.partner"][7]["display_name"] = "Deco Addict SA"
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_control_create_buttons_replace_add_a_line(qtbot):
    fields = {"line_ids": {"type": "one2many", "relation": "x.line", "string": "Lines", "relation_field": "doc_id"}}
    line_fields = {"name": {"type": "char"}, "kind": {"type": "char"}}
    arch = """<form><sheet><field name="line_ids"><list editable="bottom">
      <control><create string="Add a product" context="{'default_kind': 'product'}"/>
               <create string="Add a note" context="{'default_kind': 'note'}"/></control>
      <field name="name"/><field name="kind"/></list></field></sheet></form>"""
    server = FakeServer()
    server.on("x.line", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"kind": context.get("default_kind"), "name": False}})
    form = make_form(FakeSession(server), "x.doc", arch, fields, models={"x.line": {"fields": line_fields}})
    form.set_record(Record("x.doc", form.fields, {"id": 1, "line_ids": []}))
    qtbot.addWidget(form)
    form.show()
    lines = form.widget("line_ids").list
    assert [b.text() for b in lines.add_buttons] == ["Add a product", "Add a note"]
    lines.add_buttons[1].click()
    host = lines.editing[1]
    qtbot.waitUntil(lambda: host.record.get("kind") == "note")


def test_special_save_and_cancel_buttons_of_a_dialog_footer(qtbot, server):
    from client_qt.dialogs.form_dialog import RECORD, FormDialog
    from client_qt.views.arch import parse_arch
    arch = """<form><group><field name="name"/></group>
      <footer><button special="save" string="Keep"/><button special="cancel" string="Forget"/></footer></form>"""
    session = FakeSession(server)
    fields = {"name": {"type": "char", "string": "Name"}}
    dialog = keep(FormDialog(None, session, "x.doc", parse_arch(arch), fields, record_id=1, mode=RECORD))
    dialog.open()
    qtbot.waitUntil(lambda: dialog.form.record is not None)
    assert [b.text() for b in dialog.findChildren(QPushButton) if b.isVisible()] == ["Keep", "Forget"]
    name = dialog.form.widget("name").editor
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Kept")
    dialog.findChild(QPushButton, "button_save").click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert server.tables["x.doc"][1]["name"] == "Kept"
    other = keep(FormDialog(None, session, "x.doc", parse_arch(arch), fields, record_id=1, mode=RECORD))
    other.open()
    qtbot.waitUntil(lambda: other.form.record is not None)
    other.form.widget("name").editor.setText("Lost")
    other.form.widget("name")._typed = True
    other.findChild(QPushButton, "button_cancel").click()
    assert not other.isVisible() and server.tables["x.doc"][1]["name"] == "Kept"
