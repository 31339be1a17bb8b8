"""Onchange round trips: what is sent, what is applied, warnings, serialization (views.md §3.6, API-18)."""
import threading

import pytest

from client_qt.models.record import Record
from client_qt.views.form.saving import save_record
from client_qt.qt import Qt
from client_qt.views.form.values import onchange_values, write_values
from form_fakes import FakeServer, FakeSession, close_notices, make_form, open_notices, recorded_views

from form_fakes import keep_widgets_alive  # noqa: F401  (autouse)

pytestmark = pytest.mark.qt

VIEWS = recorded_views("test_orm_order")
FIELDS = VIEWS["models"]["test.orm.order"]["fields"]
ARCH = VIEWS["views"]["form"]["arch"]


@pytest.fixture
def server():
    server = FakeServer()
    server.add("res.partner", id=7, name="Deco Addict", is_company=True, email=False)
    server.add("test.orm.order", id=1, name="SO1", partner_id=False, line_ids=[11], tag_ids=[], total=10.0,
               line_count=1, discount=0.0, state="draft", child_ids=[], parent_id=False)
    server.add("test.orm.order.line", id=11, name="Line 11", price=10.0, quantity=1.0, subtotal=10.0,
               order_id=[1, "SO1"], sequence=10)
    return server


@pytest.fixture
def form(qtbot, server):
    session = FakeSession(server)
    form = make_form(session, "test.orm.order", ARCH, FIELDS, models=VIEWS["models"])
    values = dict(server.tables["test.orm.order"][1])
    form.set_record(Record("test.orm.order", FIELDS, values))
    qtbot.addWidget(form)
    form.resize(900, 700)
    form.show()
    qtbot.waitExposed(form)
    yield form
    close_notices()


def test_fields_marked_on_change_are_the_ones_that_call_the_server(form):
    assert {"partner_id", "line_ids", "discount", "date_order"} <= form.onchange_fields
    assert "name" not in form.onchange_fields and "state" not in form.onchange_fields


def test_fields_spec_lists_the_view_fields_and_the_sub_view_fields_of_lines(form):
    spec = form.fields_spec()
    assert spec["name"] == {} and spec["partner_id"] == {}
    assert set(spec["line_ids"]["fields"]) == {"name", "order_id", "sequence", "price", "quantity", "subtotal"}


def test_changing_a_flagged_field_sends_all_values_and_applies_the_answer_with_a_warning(qtbot, form, server):
    server.on("test.orm.order", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"discount": 60.0, "total_with_tax": -60.0},
        "warning": {"title": "No email", "message": "Deco Addict has no email."}})
    form.widget("partner_id").input.take([7, "Deco Addict"])
    qtbot.waitUntil(lambda: form.record.get("discount") == 60.0)
    args, kwargs = server.last("test.orm.order", "onchange")
    ids, values, names, spec = args
    assert ids == [1] and names == ["partner_id"]
    assert values["partner_id"] == 7 and values["id"] == 1 and values["name"] == "SO1"
    assert values["line_ids"] == [] and values["tag_ids"] == []
    assert form.widget("discount").editor.text() == "60.00"
    notice = open_notices()[-1]
    assert notice.windowTitle() == "No email" and "no email" in notice.text()
    assert notice.windowModality() != Qt.WindowModality.ApplicationModal
    assert write_values(form.record)["discount"] == 60.0


def test_a_value_set_by_onchange_does_not_trigger_another_onchange(qtbot, form, server):
    server.on("test.orm.order", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"discount": 60.0}})
    form.widget("partner_id").input.take([7, "Deco Addict"])
    qtbot.waitUntil(lambda: form.record.get("discount") == 60.0)
    qtbot.waitUntil(lambda: not form._pending_onchange and form.onchanger.is_idle()
                    and not form.session.runner.pending)
    assert server.methods("test.orm.order").count(("test.orm.order", "onchange")) == 1


def test_onchange_calls_are_serialized_and_later_edits_wait(qtbot, form, server):
    release = threading.Event()
    in_flight, seen = [], []

    def slow(ids, values, names, spec, context=None):
        in_flight.append(1)
        seen.append((list(names), values["discount"], len(in_flight)))
        if len(seen) == 1:
            release.wait(5)
        in_flight.pop()
        return {"value": {}}

    server.on("test.orm.order", "onchange", slow)
    form.record.set("discount", 5.0)
    form.user_edited = True
    form._queue_onchange("discount")
    qtbot.waitUntil(lambda: len(seen) == 1)
    form.record.set("discount", 6.0)
    form._queue_onchange("discount")
    qtbot.waitUntil(lambda: not form._pending_onchange)
    assert form.onchanger.queue == [["discount"]] and len(seen) == 1, "the second call waits for the first answer"
    release.set()
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[1] == (["discount"], 6.0, 1)


def test_x2many_commands_in_the_answer_update_the_lines(qtbot, form, server):
    server.on("test.orm.order", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"line_ids": [[2, 11], [0, "virtual_40", {"name": "Copied", "price": 4.0, "quantity": 2.0,
                                                           "subtotal": 8.0}]], "total": 8.0}})
    form.widget("parent_id").input.take([9, "SO9"])
    qtbot.waitUntil(lambda: form.record.get("total") == 8.0)
    lines = form.record.lines["line_ids"]
    assert lines.removed == [11] and len(lines.current) == 1
    new = lines.records[lines.current[0]]
    assert new.get("name") == "Copied" and new.fields["price"]["type"] == "float"
    table = form.widget("line_ids").list
    qtbot.waitUntil(lambda: table.row_texts() == [["Copied"]])
    values = write_values(form.record)
    assert values["line_ids"][0] == (2, 11, 0)
    assert values["line_ids"][1][:2] == (0, 0) and values["line_ids"][1][2]["name"] == "Copied"


def test_new_lines_are_sent_with_their_reference_and_the_answer_can_update_them(qtbot, form, server):
    lines = form.record.lines["line_ids"]
    line = lines.add(form.line_fields("line_ids"), {"name": "New", "price": 2.0, "quantity": 3.0})
    line.parent_field = "order_id"
    values = onchange_values(form.record)
    create = [command for command in values["line_ids"] if command[0] == 0][0]
    assert create[1] == line.virtual_id and create[2]["name"] == "New" and "order_id" not in create[2]
    server.on("test.orm.order", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"line_ids": [[1, line.virtual_id, {"subtotal": 6.0}]], "total": 16.0}})
    form.lines_changed("line_ids")
    qtbot.waitUntil(lambda: form.record.get("total") == 16.0)
    assert line.get("subtotal") == 6.0


def test_save_waits_for_the_pending_onchange(qtbot, form, server):
    release = threading.Event()

    def slow(ids, values, names, spec, context=None):
        release.wait(5)
        return {"value": {"discount": 60.0}}

    server.on("test.orm.order", "onchange", slow)
    form.widget("partner_id").input.take([7, "Deco Addict"])
    saved = []
    save_record(form, saved.append)
    qtbot.waitUntil(lambda: ("test.orm.order", "onchange") in server.methods())
    assert server.last("test.orm.order", "write") is None
    release.set()
    qtbot.waitUntil(lambda: saved == [1])
    written = server.last("test.orm.order", "write")[0][1]
    assert written["partner_id"] == 7 and written["discount"] == 60.0


def test_new_record_defaults_come_from_an_onchange_without_values(qtbot, server):
    from client_qt.views.form.saving import new_record
    server.on("test.orm.order", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"name": False, "state": "draft", "discount": 0.0,
                  "line_ids": [[0, "virtual_1", {"name": "Default line", "price": 1.0}]]}})
    session = FakeSession(server)
    form = make_form(session, "test.orm.order", ARCH, FIELDS, models=VIEWS["models"])
    qtbot.addWidget(form)
    ready = []
    new_record(form, on_ready=ready.append)
    qtbot.waitUntil(lambda: bool(ready))
    ids, values, names, spec = server.last("test.orm.order", "onchange")[0]
    assert ids == [] and values == {} and names == []
    record = form.record
    assert record.get("state") == "draft" and not form.is_modified()
    line = record.lines["line_ids"].records[record.lines["line_ids"].current[0]]
    assert line.get("name") == "Default line"
