"""Buttons and dialogs of forms: object/action buttons, confirm, related-record dialogs (views.md §3.4, §11).

Against the live server: the buttons are methods of ``test.orm.client.doc``
(``tests/addons/test_orm/models/client.py``), the action is an ``ir.actions.act_window`` made by
the test, the related records are real partners.
"""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import (TIMEOUT, answer_next_question, dialogs, form_tab, load, make_form, keep, show,
                             type_into, unique)
from client_qt.qt import QMessageBox, QPushButton

pytestmark = [pytest.mark.pg, pytest.mark.qt]

MODEL = "test.orm.client.doc"
ARCH = """<form><header>
  <button name="action_done" type="object" string="Done" class="oe_highlight" invisible="state == 'done'"
          context="{'reason': name}"/>
  <button name="%(action)s" type="action" string="Report"/>
  <button name="action_wipe" type="object" string="Wipe" confirm="Really wipe?"/>
  <button name="action_wait" type="object" string="Wait"/>
  <button name="action_open_partner" type="object" string="Partner"/>
  <field name="state" widget="statusbar"/>
</header><sheet><group><field name="name"/><field name="city"/><field name="partner_id"/></group></sheet></form>"""


@pytest.fixture
def report_action(rpc):
    """A window action on contacts, run by the "Report" button."""
    return rpc.create("ir.actions.act_window", {"name": unique("Report"), "res_model": "res.partner",
                                                "view_mode": "list,form"})


@pytest.fixture
def doc(rpc):
    return rpc.create(MODEL, {"name": unique("Doc"), "city": "Paris"})


@pytest.fixture
def view(qtbot, window, views, doc, report_action):
    view_id = views(MODEL, ARCH % {"action": report_action})["views"]["form"]["id"]
    return form_tab(qtbot, window, MODEL, doc, view_id=view_id)


def button(view, name):
    return view.form.findChild(QPushButton, f"button_{name}")


def sent(view, method=None, model=None):
    return view.session.connection.sent(method, model)


def test_object_button_saves_the_changes_first_then_calls_and_reloads(qtbot, view, doc, rpc):
    name = unique("Changed")
    type_into(qtbot, view.form.widget("name").editor, name)
    button(view, "action_done").click()
    qtbot.waitUntil(lambda: view.form.record.get("state") == "done", timeout=TIMEOUT)
    methods = [call.method for call in sent(view, model=MODEL)]
    assert methods.index("write") < methods.index("action_done") < len(methods) - 1 - methods[::-1].index("read")
    stored = rpc.read_one(MODEL, doc, ["name", "state", "note"])
    assert stored == {"id": doc, "name": name, "state": "done", "note": name}, "the button context had the reason"
    assert not button(view, "action_done").isVisible()


def test_object_button_is_disabled_until_the_call_returns(qtbot, view, doc, rpc, gate):
    held = gate()
    rpc(MODEL, "write", [doc], {"gate": held.key})
    wait = button(view, "action_wait")
    wait.click()
    qtbot.waitUntil(lambda: held.waiting() == 1, timeout=TIMEOUT)
    assert not wait.isEnabled()
    wait.click()
    held.release()
    qtbot.waitUntil(wait.isEnabled, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not view.session.runner.pending, timeout=TIMEOUT)
    assert len(sent(view, "action_wait", MODEL)) == 1


def test_a_returned_action_is_followed_by_the_main_window(qtbot, view, window, doc, rpc):
    partner = rpc.create("res.partner", {"name": unique("Button partner")})
    rpc(MODEL, "write", [doc], {"partner_id": partner})
    view.reload()
    qtbot.waitUntil(lambda: (view.form.record.get("partner_id") or [None])[0] == partner, timeout=TIMEOUT)
    tabs = window.tabs.count()
    button(view, "action_open_partner").click()
    qtbot.waitUntil(lambda: window.tabs.count() == tabs + 1, timeout=TIMEOUT)
    opened = window.tabs.widget(tabs)
    assert opened.action == rpc(MODEL, "action_open_partner", [doc])
    assert opened.model == "res.partner"


def test_action_button_runs_the_action_with_the_active_record(qtbot, view, window, doc, report_action):
    tabs = window.tabs.count()
    button(view, str(report_action)).click()
    qtbot.waitUntil(lambda: window.tabs.count() == tabs + 1, timeout=TIMEOUT)
    [load] = sent(view, "load", "ir.actions.actions")
    assert load.args == [report_action]
    opened = window.tabs.widget(tabs)
    assert opened.action["id"] == report_action and opened.model == "res.partner"
    for context in (load.context, opened.context):
        assert context["active_id"] == doc and context["active_ids"] == [doc] and context["active_model"] == MODEL


def test_confirm_asks_first_and_no_aborts(qtbot, view, doc, rpc):
    answer_next_question(QMessageBox.StandardButton.No)
    button(view, "action_wipe").click()
    assert sent(view, "action_wipe") == []
    answer_next_question(QMessageBox.StandardButton.Yes)
    button(view, "action_wipe").click()
    qtbot.waitUntil(lambda: view.form.record.get("city") is False, timeout=TIMEOUT)
    assert len(sent(view, "action_wipe", MODEL)) == 1
    assert rpc.read_one(MODEL, doc, ["city"])["city"] is False


def test_many2one_create_and_edit_opens_the_comodel_form_with_the_typed_name(qtbot, view, doc, rpc):
    name, email = unique("Nova Corp"), f"nova-{unique('x')[2:]}@example.com"
    widget = view.form.widget("partner_id")
    widget.input.fill(name, [])
    entry = [i for i, e in enumerate(widget.input.entries()) if e[0] == "create_edit"][0]
    widget.input.choose_entry(entry)
    qtbot.waitUntil(lambda: bool(dialogs("record_dialog")), timeout=TIMEOUT)
    dialog = dialogs("record_dialog")[0]
    qtbot.waitUntil(lambda: dialog.form.record is not None and dialog.form.record.get("name") == name,
                    timeout=TIMEOUT)
    type_into(qtbot, dialog.form.widget("email").editor, email)
    dialog.buttons["save"].click()
    qtbot.waitUntil(lambda: (view.form.record.get("partner_id") or [0, ""])[1] == name, timeout=TIMEOUT)
    partner_id = view.form.record.get("partner_id")[0]
    rpc.created.append(("res.partner", [partner_id]))
    created = sent(view, "create", "res.partner")[0].args[0]
    assert created["name"] == name and created["email"] == email
    assert rpc.read_one("res.partner", partner_id, ["name", "email"]) == {"id": partner_id, "name": name,
                                                                           "email": email}
    assert not dialog.isVisible()


def test_many2one_open_button_edits_the_linked_record(qtbot, view, doc, rpc):
    partner = rpc.create("res.partner", {"name": unique("Deco Addict")})
    widget = view.form.widget("partner_id")
    widget.input.take(rpc("res.partner", "name_get", [partner])[0])
    widget.open_button.click()
    qtbot.waitUntil(lambda: bool(dialogs("record_dialog")), timeout=TIMEOUT)
    dialog = dialogs("record_dialog")[0]
    qtbot.waitUntil(lambda: dialog.form.record is not None and dialog.form.record.id == partner, timeout=TIMEOUT)
    renamed = unique("Deco Addict SA")
    type_into(qtbot, dialog.form.widget("name").editor, renamed)
    dialog.buttons["save"].click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert rpc.read_one("res.partner", partner, ["name"])["name"] == renamed


def test_control_create_buttons_replace_add_a_line(qtbot, session, views, rpc):
    arch = """<form><sheet><group><field name="name"/></group><field name="line_ids"><list editable="bottom">
      <control><create string="Add a product" context="{'default_name': 'product'}"/>
               <create string="Add a note" context="{'default_name': 'note'}"/></control>
      <field name="name"/><field name="price"/></list></field></sheet></form>"""
    order = rpc.create("test.orm.order", {"name": unique("CONTROL")})
    form = make_form(session, "test.orm.order", views("test.orm.order", arch))
    show(qtbot, form)
    load(qtbot, form, order)
    lines = form.widget("line_ids").list
    assert [b.text() for b in lines.add_buttons] == ["Add a product", "Add a note"]
    lines.add_buttons[1].click()
    host = lines.editing[1]
    qtbot.waitUntil(lambda: host.record.get("name") == "note", timeout=TIMEOUT)
    [defaults] = [call for call in session.connection.sent("onchange", "test.orm.order.line")]
    assert defaults.context["default_name"] == "note"


def test_special_save_and_cancel_buttons_of_a_dialog_footer(qtbot, session, views, doc, rpc):
    from client_qt.dialogs.form_dialog import RECORD, FormDialog
    from client_qt.views.arch import parse_arch
    arch = """<form><group><field name="name"/></group>
      <footer><button special="save" string="Keep"/><button special="cancel" string="Forget"/></footer></form>"""
    result = views(MODEL, arch)
    root, fields = parse_arch(result["views"]["form"]["arch"]), result["models"][MODEL]["fields"]
    dialog = keep(FormDialog(None, session, MODEL, root, fields, result["models"], record_id=doc, mode=RECORD))
    dialog.open()
    qtbot.waitUntil(lambda: dialog.form.record is not None, timeout=TIMEOUT)
    assert [b.text() for b in dialog.findChildren(QPushButton) if b.isVisible()] == ["Keep", "Forget"]
    kept = unique("Kept")
    type_into(qtbot, dialog.form.widget("name").editor, kept)
    dialog.findChild(QPushButton, "button_save").click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert rpc.read_one(MODEL, doc, ["name"])["name"] == kept
    other = keep(FormDialog(None, session, MODEL, root, fields, result["models"], record_id=doc, mode=RECORD))
    other.open()
    qtbot.waitUntil(lambda: other.form.record is not None, timeout=TIMEOUT)
    other.form.widget("name").editor.setText("Lost")
    other.form.widget("name")._typed = True
    other.findChild(QPushButton, "button_cancel").click()
    assert not other.isVisible()
    qtbot.waitUntil(lambda: not session.runner.pending, timeout=TIMEOUT)
    assert rpc.read_one(MODEL, doc, ["name"])["name"] == kept
