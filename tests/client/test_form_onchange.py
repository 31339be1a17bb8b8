"""Onchange round trips: what is sent, what is applied, warnings, serialization (views.md §3.6, API-18).

Against the live server: the server's default form of ``test.orm.order`` (its onchange methods in
``tests/addons/test_orm/models/orders.py``) and, where a reply must be held back, the gate of
``test.orm.client.doc``. Expected values are the server's answers, read from the call log.
"""
import pytest
from lxml import etree

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, close_notices, default_views, load, make_form, open_notices, show, unique
from client_qt.qt import Qt
from client_qt.views.form.saving import new_record, save_record
from client_qt.views.form.values import onchange_values, write_values

pytestmark = [pytest.mark.pg, pytest.mark.qt]

ORDER = "test.orm.order"
DOC = "test.orm.client.doc"


@pytest.fixture
def order_views(rpc):
    return default_views(rpc, ORDER)


@pytest.fixture
def order(rpc):
    return rpc.create(ORDER, {"name": unique("SO"), "line_ids": [(0, 0, {"name": "Line 11", "price": 10.0})]})


@pytest.fixture
def form(qtbot, session, order_views, order):
    form = show(qtbot, make_form(session, ORDER, order_views), 900, 700)
    load(qtbot, form, order)
    yield form
    close_notices()


def onchanges(form, model=ORDER):
    return form.session.connection.sent("onchange", model)


def idle(qtbot, form):
    qtbot.waitUntil(lambda: not form._pending_onchange and form.onchanger.is_idle()
                    and not form.session.runner.pending, timeout=TIMEOUT)


def test_fields_marked_on_change_are_the_ones_that_call_the_server(form, order_views):
    arch = etree.fromstring(order_views["views"]["form"]["arch"])
    marked = {node.get("name") for node in arch.xpath("./group/field[@on_change='1']")}
    assert {"partner_id", "line_ids", "discount", "date_order"} <= marked, "the server marks its onchange fields"
    assert form.onchange_fields == marked
    assert "name" not in form.onchange_fields and "state" not in form.onchange_fields


def test_fields_spec_lists_the_view_fields_and_the_sub_view_fields_of_lines(form, order_views):
    arch = etree.fromstring(order_views["views"]["form"]["arch"])
    [lines] = arch.xpath("./group/field[@name='line_ids']")
    sub_fields = {node.get("name") for node in lines.xpath("./*/group/field | ./*/field")}
    spec = form.fields_spec()
    assert spec["name"] == {} and spec["partner_id"] == {}
    assert sub_fields and set(spec["line_ids"]["fields"]) == sub_fields


def test_changing_a_flagged_field_sends_all_values_and_applies_the_answer_with_a_warning(qtbot, form, order,
                                                                                       rpc):
    name = rpc.read_one(ORDER, order, ["name"])["name"]
    partner = rpc.create("res.partner", {"name": unique("Deco Addict"), "is_company": True})
    form.widget("partner_id").input.take([partner, rpc.read_one("res.partner", partner, ["display_name"])[
        "display_name"]])
    qtbot.waitUntil(lambda: bool(onchanges(form)) and onchanges(form)[-1].result is not None, timeout=TIMEOUT)
    call = onchanges(form)[-1]
    ids, values, names, spec = call.args
    assert ids == [order] and names == ["partner_id"]
    assert values["partner_id"] == partner and values["id"] == order and values["name"] == name
    assert values["line_ids"] == [] and values["tag_ids"] == []
    answer = call.result
    assert answer["value"]["discount"] == 60.0, "a company customer gets a discount (orders.py)"
    qtbot.waitUntil(lambda: form.record.get("discount") == answer["value"]["discount"], timeout=TIMEOUT)
    assert form.widget("discount").editor.text() == "60.00"
    notice = open_notices()[-1]
    assert notice.windowTitle() == answer["warning"]["title"] and notice.text() == answer["warning"]["message"]
    assert notice.windowModality() != Qt.WindowModality.ApplicationModal
    assert write_values(form.record)["discount"] == 60.0


def test_a_value_set_by_onchange_does_not_trigger_another_onchange(qtbot, form, rpc):
    partner = rpc.create("res.partner", {"name": unique("Company"), "is_company": True, "email": "c@example.com"})
    form.widget("partner_id").input.take([partner, "Company"])
    qtbot.waitUntil(lambda: form.record.get("discount") == 60.0, timeout=TIMEOUT)
    idle(qtbot, form)
    assert "discount" in form.onchange_fields
    assert len(onchanges(form)) == 1


DOC_ARCH = """<form><sheet><group><field name="name"/><field name="quantity"/><field name="note"/>
<field name="partner_id"/><field name="email"/><field name="gate" invisible="1"/></group></sheet></form>"""


@pytest.fixture
def gated_form(qtbot, session, views, rpc, gate):
    """A form of a ``test.orm.client.doc`` whose onchanges wait at a gate the test holds."""
    held = gate()
    doc = rpc.create(DOC, {"name": unique("Gated"), "gate": held.key})
    form = show(qtbot, make_form(session, DOC, views(DOC, DOC_ARCH)))
    load(qtbot, form, doc)
    yield form, held
    held.release()
    close_notices()


def test_onchange_calls_are_serialized_and_later_edits_wait(qtbot, gated_form):
    from client_fixtures import type_into
    form, held = gated_form
    type_into(qtbot, form.widget("quantity").editor, "5")
    qtbot.waitUntil(lambda: held.waiting() == 1, timeout=TIMEOUT)
    type_into(qtbot, form.widget("quantity").editor, "6")
    qtbot.waitUntil(lambda: not form._pending_onchange, timeout=TIMEOUT)
    assert form.onchanger.queue == [["quantity"]] and len(onchanges(form, DOC)) == 1, \
        "the second call waits for the first answer"
    held.release()
    qtbot.waitUntil(lambda: len(onchanges(form, DOC)) == 2, timeout=TIMEOUT)
    idle(qtbot, form)
    first, second = onchanges(form, DOC)
    assert (first.args[2], first.args[1]["quantity"]) == (["quantity"], 5.0)
    assert (second.args[2], second.args[1]["quantity"]) == (["quantity"], 6.0)
    assert form.record.get("note") == second.result["value"]["note"] == "quantity 6"


def test_save_waits_for_the_pending_onchange(qtbot, gated_form, rpc):
    form, held = gated_form
    email = f"{unique('kim')[4:]}@example.com"
    partner = rpc.create("res.partner", {"name": unique("Kim"), "email": email})
    form.widget("partner_id").input.take([partner, "Kim"])
    saved = []
    save_record(form, saved.append)
    qtbot.waitUntil(lambda: held.waiting() == 1, timeout=TIMEOUT)
    assert form.session.connection.sent("write") == []
    held.release()
    qtbot.waitUntil(lambda: saved == [form.record.id], timeout=TIMEOUT)
    [write] = form.session.connection.sent("write", DOC)
    assert write.args[1]["partner_id"] == partner and write.args[1]["email"] == email
    stored = rpc.read_one(DOC, form.record.id, ["partner_id", "email"])
    assert stored["partner_id"][0] == partner and stored["email"] == email


def test_x2many_commands_in_the_answer_update_the_lines(qtbot, form, rpc):
    parent = rpc.create(ORDER, {"name": unique("SO parent"),
                                "line_ids": [(0, 0, {"name": "Copied", "price": 4.0, "quantity": 2.0})]})
    form.widget("parent_id").input.take([parent, "parent"])
    qtbot.waitUntil(lambda: bool(onchanges(form)) and onchanges(form)[-1].result is not None, timeout=TIMEOUT)
    idle(qtbot, form)
    answer = onchanges(form)[-1].result["value"]
    created = [command for command in answer["line_ids"] if command[0] == 0]
    assert [command[2]["name"] for command in created] == ["Copied"]
    qtbot.waitUntil(lambda: form.record.get("total") == answer["total"], timeout=TIMEOUT)
    lines = form.record.lines["line_ids"]
    names = [lines.records[key].get("name") for key in lines.current if key in lines.records]
    assert "Copied" in names
    new = next(lines.records[key] for key in lines.current if lines.records[key].get("name") == "Copied")
    assert new.get("price") == 4.0 and new.fields["price"]["type"] == "float"
    table = form.widget("line_ids").list
    qtbot.waitUntil(lambda: ["Copied"] in table.row_texts(), timeout=TIMEOUT)
    commands = write_values(form.record)["line_ids"]
    creates = [command for command in commands if command[0] == 0]
    assert [command[:2] for command in creates] == [(0, 0)] and creates[0][2]["name"] == "Copied"


def test_new_lines_are_sent_with_their_reference_and_the_answer_can_update_them(qtbot, form):
    lines = form.record.lines["line_ids"]
    line = lines.add(form.line_fields("line_ids"), {"name": "New", "price": 2.0, "quantity": 3.0})
    line.parent_field = "order_id"
    values = onchange_values(form.record)
    create = [command for command in values["line_ids"] if command[0] == 0][0]
    assert create[1] == line.virtual_id and create[2]["name"] == "New" and "order_id" not in create[2]
    form.lines_changed("line_ids")
    qtbot.waitUntil(lambda: bool(onchanges(form)) and onchanges(form)[-1].result is not None, timeout=TIMEOUT)
    idle(qtbot, form)
    answer = onchanges(form)[-1].result["value"]
    # the server names the new line by the client's reference (its inverse many2one is set)
    [update] = [command for command in answer["line_ids"] if command[1] == line.virtual_id]
    assert update[0] == 1 and update[2]["order_id"][0] == form.record.id
    assert all(line.get(name) == value for name, value in update[2].items())
    assert form.record.get("line_count") == answer["line_count"] == 2


def test_new_record_defaults_come_from_an_onchange_without_values(qtbot, session, order_views, rpc):
    default_lines = [[0, 0, {"name": "Default line", "price": 1.0}]]
    form = make_form(session, ORDER, order_views, context={"default_line_ids": default_lines})
    qtbot.addWidget(form)
    ready = []
    new_record(form, on_ready=ready.append)
    qtbot.waitUntil(lambda: bool(ready), timeout=TIMEOUT)
    [call] = onchanges(form)
    ids, values, names, spec = call.args
    assert ids == [] and values == {} and names == []
    record = form.record
    defaults = rpc(ORDER, "default_get", ["state", "discount"])
    assert record.get("state") == defaults["state"] and not form.is_modified()
    lines = record.lines["line_ids"]
    line = lines.records[lines.current[0]]
    assert line.get("name") == "Default line" and line.get("price") == 1.0
