"""The client record: dirty tracking, save values and x2many commands (views.md §3.5)."""
from client_qt.models.record import Record

FIELDS = {
    "name": {"type": "char"},
    "partner_id": {"type": "many2one", "relation": "res.partner"},
    "line_ids": {"type": "one2many", "relation": "x.line"},
    "tag_ids": {"type": "many2many", "relation": "x.tag"},
    "total": {"type": "float", "readonly": True},
}
LINE_FIELDS = {"name": {"type": "char"}, "price": {"type": "float"}}


def test_only_changed_values_are_saved_for_an_existing_record():
    record = Record("x", FIELDS, {"id": 7, "name": "A", "partner_id": [3, "Azure"], "line_ids": [11, 12],
                                  "tag_ids": [1]})
    assert not record.is_dirty()
    record.set("partner_id", [4, "Deco"])
    assert record.save_values() == {"partner_id": 4}


def test_new_record_sends_all_values_and_line_commands():
    record = Record("x", FIELDS, {"id": False, "name": "New", "partner_id": False, "line_ids": [], "tag_ids": []})
    line = record.lines["line_ids"].add(LINE_FIELDS, {"name": "L1", "price": 3.0})
    assert line.parent is record
    values = record.save_values()
    assert values["name"] == "New"
    assert values["line_ids"] == [(0, 0, {"name": "L1", "price": 3.0})]


def test_x2many_commands_for_removed_updated_and_linked_lines():
    record = Record("x", FIELDS, {"id": 7, "line_ids": [11, 12], "tag_ids": [1, 2]})
    record.lines["line_ids"].remove(11)
    record.lines["line_ids"].line(12, LINE_FIELDS, {"id": 12, "name": "old"}).set("name", "new")
    record.lines["tag_ids"].remove(2)
    record.lines["tag_ids"].link([5])
    values = record.save_values()
    assert values["line_ids"] == [(2, 11, 0), (1, 12, {"name": "new"})]
    assert values["tag_ids"] == [(3, 2, 0), (4, 5, 0)]


def test_eval_values_give_ids_and_the_parent():
    record = Record("x", FIELDS, {"id": 7, "partner_id": [3, "Azure"], "line_ids": [11], "tag_ids": []})
    line = record.lines["line_ids"].add(LINE_FIELDS)
    values = record.eval_values()
    assert values["partner_id"] == 3 and len(values["line_ids"]) == 2
    assert line.eval_values()["parent"].partner_id == 3


def test_listeners_hear_changes_including_lines():
    record = Record("x", FIELDS, {"id": 7, "line_ids": [], "tag_ids": []})
    heard = []
    record.listen(lambda rec, name: heard.append(name))
    record.set("name", "B")
    record.lines["line_ids"].add(LINE_FIELDS)
    assert heard[:2] == ["name", "line_ids"]
