"""Modifiers in forms: expressions, legacy attrs/states, merge order and failure rules (views.md §2).

The first tests evaluate modifiers without widgets; the form tests show a ``test.orm.client.doc``
of the test, read from the live server, in a form written here.
"""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, load, make_form, show, unique
from client_qt.expr import base_names
from client_qt.models.record import Record
from client_qt.qt import QPushButton
from client_qt.views.form.modifiers import NodeModifiers

pytestmark = pytest.mark.qt

#: field descriptions for the evaluator alone (the form tests use the server's)
FIELDS = {"state": {"type": "selection", "string": "State", "selection": [["draft", "Draft"], ["done", "Done"]]}}


def evaluate(attrs, values, description=None):
    return NodeModifiers(attrs, description).evaluate(values, base_names())


# -- merge order, without widgets -----------------------------------------------------------------------
def test_modern_expressions_are_evaluated_against_values():
    attrs = {"invisible": "state != 'draft'", "readonly": "partner_id and not is_company", "required": "amount > 10"}
    assert evaluate(attrs, {"state": "draft", "partner_id": 3, "is_company": False, "amount": 11}) == \
        {"invisible": False, "readonly": True, "required": True, "column_invisible": False}
    assert evaluate(attrs, {"state": "done", "partner_id": False, "is_company": False, "amount": 1})["invisible"]


def test_legacy_attrs_domains_and_states_are_anded_for_invisible():
    attrs = {"attrs": "{'invisible': [('amount', '>', 10)]}", "states": "draft,sent"}
    # invisible only when the attrs domain matches AND the state is not listed
    assert evaluate(attrs, {"amount": 20, "state": "draft"})["invisible"] is False
    assert evaluate(attrs, {"amount": 20, "state": "done"})["invisible"] is True
    assert evaluate(attrs, {"amount": 5, "state": "done"})["invisible"] is False
    assert evaluate({"states": "draft"}, {"state": "done"})["invisible"] is True


def test_field_description_states_change_readonly_in_listed_states():
    description = {"readonly": True, "states": {"draft": [("readonly", False)]}}
    assert evaluate({}, {"state": "draft"}, description)["readonly"] is False
    assert evaluate({}, {"state": "done"}, description)["readonly"] is True


def test_attrs_key_replaces_the_field_description():
    description = {"readonly": True}
    attrs = {"attrs": "{'readonly': [('state', '=', 'done')]}"}
    assert evaluate(attrs, {"state": "draft"}, description)["readonly"] is False


def test_literal_true_always_wins_and_literal_false_only_replaces_static_values():
    assert evaluate({"attrs": "{'readonly': [('state', '=', 'done')]}", "readonly": "1"},
                    {"state": "draft"})["readonly"] is True
    assert evaluate({"attrs": "{'readonly': [('state', '=', 'done')]}", "readonly": "0"},
                    {"state": "done"})["readonly"] is True
    assert evaluate({"readonly": "0"}, {}, {"readonly": True})["readonly"] is False
    assert evaluate({"required": "False"}, {}, {"required": True})["required"] is False


def test_attrs_and_tree_invisible_alias():
    assert evaluate({"attrs": "{'tree_invisible': [('state', '=', 'done')]}"}, {"state": "done"})[
        "column_invisible"] is True


def test_evaluation_errors_show_data_and_forbid_edits(caplog):
    result = evaluate({"invisible": "state.nope(", "readonly": "1 / 0 > 1", "required": "undefined_name"},
                      {"state": "draft"})
    assert result["invisible"] is False and result["readonly"] is True and result["required"] is False
    assert evaluate({"attrs": "{'invisible': [('a', 'bogus', 1)]}"}, {})["invisible"] is False


def test_parent_values_are_visible_to_line_modifiers():
    parent = Record("x", FIELDS, {"id": 1, "state": "done"})
    line = Record("y", {"qty": {"type": "float"}}, {"id": False, "qty": 1}, parent=parent)
    assert evaluate({"readonly": "parent.state == 'done'"}, line.eval_values())["readonly"] is True


# -- in a form --------------------------------------------------------------------------------------
DOC = "test.orm.client.doc"
ARCH = """
<form>
  <header>
    <button name="action_send" string="Send" type="object" states="draft"/>
    <button name="action_done" string="Done" type="object" invisible="state != 'sent'"/>
    <field name="state" widget="statusbar"/>
  </header>
  <sheet>
    <group>
      <field name="name" required="state == 'sent'"/>
      <field name="partner_id" readonly="state == 'done'"/>
      <field name="is_company"/>
      <field name="quantity" attrs="{'invisible': [('is_company', '=', False)]}"/>
      <field name="note" invisible="not partner_id"/>
    </group>
    <group string="Company" invisible="not is_company"><label string="Company stuff"/></group>
  </sheet>
</form>
"""


@pytest.fixture
def form(qtbot, session, views, rpc):
    doc = rpc.create(DOC, {"name": unique("A"), "state": "draft", "is_company": False, "quantity": 0.0})
    form = show(qtbot, make_form(session, DOC, views(DOC, ARCH)), 800, 500)
    load(qtbot, form, doc)
    return form


@pytest.fixture
def partner(rpc):
    partner_id = rpc.create("res.partner", {"name": unique("Deco"), "email": "deco@example.com"})
    return [partner_id, rpc.read_one("res.partner", partner_id, ["display_name"])["display_name"]]


def test_fields_appear_and_disappear_as_values_change(form, partner):
    quantity, note = form.widget("quantity"), form.widget("note")
    assert not quantity.isVisible() and not form.label("quantity").isVisible()
    assert not note.isVisible()
    form.record.set("is_company", True)
    assert quantity.isVisible() and form.label("quantity").isVisible()
    form.widget("partner_id").input.take(partner)
    assert form.record.get("partner_id") == partner
    assert note.isVisible()


def test_readonly_and_required_follow_the_state(form):
    partner, name = form.widget("partner_id"), form.widget("name")
    assert not partner.readonly
    assert not form.label("name").font().bold()
    form.record.set("state", "sent")
    assert form.label("name").font().bold() and name.required
    form.record.set("state", "done")
    assert partner.readonly and not partner.input.isVisible() and partner.display.isVisible()
    assert form.record.view_readonly["partner_id"] is True


def test_buttons_and_groups_follow_states_and_expressions(form):
    send = form.findChild(QPushButton, "button_action_send")
    done = form.findChild(QPushButton, "button_action_done")
    assert send.isVisible() and not done.isVisible()
    form.record.set("state", "sent")
    assert not send.isVisible() and done.isVisible()
    group = [entry for entry in form.node_entries if entry.node.get("string") == "Company"][0].widget
    assert not group.isVisible()
    form.record.set("is_company", True)
    assert group.isVisible()


def test_modifiers_are_updated_in_place_without_rebuilding(form):
    widgets = {entry.name: entry.widget for entry in form.field_list}
    for state in ("sent", "done", "draft"):
        form.record.set("state", state)
    assert widgets == {entry.name: entry.widget for entry in form.field_list}


def test_required_check_lists_missing_fields_and_focuses_the_first(form, qtbot):
    from client_qt.qt import QApplication, QMessageBox
    form.record.set("state", "sent")
    form.record.set("name", False)
    assert form.check_required() is False
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert "Name" in box.text()
    box.close()
    qtbot.waitUntil(lambda: form.widget("name").editor.hasFocus(), timeout=TIMEOUT)
    form.widget("name").editor.setText("Filled")
    form.widget("name")._typed = True
    assert form.check_required() is True
    assert form.record.get("name") == "Filled"


def test_invisible_required_fields_do_not_block(form):
    form.record.set("state", "sent")
    form.record.set("name", False)
    entry = form.entries["name"][0]
    entry.modifiers.sources["invisible"] = NodeModifiers({"invisible": "1"}).sources["invisible"]
    form.evaluate_modifiers()
    assert form.missing_fields() == []
