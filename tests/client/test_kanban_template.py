"""Kanban templates and boards without a server or widgets (client_qt.views.kanban.template, .data)."""
import logging

import pytest

from client_qt.views.kanban.data import Board
from client_qt.views.kanban.template import CardRenderer, Condition, parse_kanban, translate_js

FIELDS = {
    "display_name": {"type": "char"},
    "name": {"type": "char"},
    "state": {"type": "selection", "selection": [["draft", "Draft"], ["open", "Open"], ["done", "Done"]]},
    "score": {"type": "integer"},
    "color": {"type": "integer"},
    "image": {"type": "binary"},
    "priority": {"type": "selection", "selection": [["0", "Normal"], ["1", "Good"], ["2", "Very Good"]]},
    "tag_ids": {"type": "many2many", "relation": "res.partner.category"},
    "partner_id": {"type": "many2one", "relation": "res.partner"},
    "locked": {"type": "selection", "readonly": True, "selection": [["a", "A"], ["b", "B"]]},
}

ARCH = """<kanban default_group_by="state" limit="5" quick_create="false" highlight_color="color">
    <field name="score"/>
    <templates><t t-name="card">
        <field name="image" widget="image"/>
        <strong><field name="name"/></strong>
        <field name="tag_ids" widget="many2many_tags"/>
        <div t-if="record.state.raw_value === 'open' &amp;&amp; !record.score.raw_value">fresh</div>
        <div t-elif="record.state.raw_value == 'open'">scored</div>
        <div t-else="">closed</div>
        <span t-esc="record.partner_id.value"/>
        <footer><field name="priority" widget="priority"/><field name="missing"/></footer>
    </t></templates>
</kanban>"""


def display(name, value):
    if isinstance(value, list) and len(value) == 2:
        return value[1]
    return "" if value is False else str(value)


def render(row, arch=ARCH):
    spec = parse_kanban(arch, FIELDS)
    return CardRenderer(spec, FIELDS, display, lambda relation, ids: [f"tag{i}" for i in ids]).render(row)


def test_root_attributes_and_fetched_fields():
    spec = parse_kanban(ARCH, FIELDS)
    assert (spec.default_group_by, spec.limit, spec.quick_create, spec.create) == ("state", 5, False, True)
    assert spec.highlight_color == "color" and spec.image_field() == "image"
    assert spec.field_names == ["display_name", "score", "image", "name", "tag_ids", "state", "partner_id",
                                "priority", "color"]


def test_card_regions_widgets_and_conditions():
    row = {"id": 7, "name": "Doc", "state": "open", "score": 0, "image": "12 Kb", "tag_ids": [3, 4],
           "priority": "1", "partner_id": [2, "Alice"]}
    card = render(row)
    assert [(p.kind, p.field) for p in card.aside] == [("image", "image")]
    assert [(p.kind, p.text, p.title) for p in card.body] == [
        ("text", "Doc", True), ("tags", "tag3, tag4", False), ("text", "fresh", False), ("text", "Alice", False)]
    assert [(p.kind, p.text, p.value, p.total) for p in card.footer] == [("priority", "★☆", 1, 2)]
    assert "scored" in render(dict(row, score=3)).texts()
    assert "closed" in render(dict(row, state="done")).texts()


def test_legacy_kanban_box_and_no_template():
    legacy = """<kanban><templates><t t-name="kanban-box"><div><h3><field name="name"/></h3></div>
                </t></templates></kanban>"""
    assert [(p.text, p.title) for p in render({"id": 1, "name": "Old"}, legacy).body] == [("Old", True)]
    card = render({"id": 1, "display_name": "Plain"}, "<kanban/>")
    assert card.texts() == ["Plain"]


@pytest.mark.parametrize("text, python", [
    ("record.a.raw_value === 'x' && !record.b.value", "record.a.raw_value  ==  'x'  and   not record.b.value"),
    ("record.a.raw_value !== 'a && b' || false", "record.a.raw_value  !=  'a && b'  or  False"),
])
def test_javascript_operators_are_translated_outside_strings(text, python):
    assert translate_js(text) == python


@pytest.mark.parametrize("text", [
    "record.name.raw_value.startswith('x')", "widget.editable", "__import__('os')",
    "record.name.raw_value[0] == 'x'", "user.id == 1", "record.name.value.__class__",
])
def test_conditions_outside_the_subset_show_the_element(text, caplog):
    caplog.set_level(logging.WARNING)
    condition = Condition(text)
    assert not condition.supported
    assert condition.evaluate(None) is True


def test_grouped_board_columns_pages_and_moves():
    board = Board("x", FIELDS, ["name", "state"], page_size=2)
    board.set_search([["score", ">", 1]], "state")
    assert board.read_group_call() == ([[["score", ">", 1]], ["state"], ["state"]], {"lazy": True})
    columns = board.set_groups([
        {"state": "done", "state_count": 1, "__domain": [["state", "=", "done"]]},
        {"state": "draft", "state_count": 3, "__domain": [["state", "=", "draft"]]},
    ])
    assert [(c.key, c.label, c.count) for c in columns] == [("draft", "Draft", 3), ("open", "Open", 0),
                                                           ("done", "Done", 1)]
    draft, open_, done = columns
    assert board.page_call(open_) is None                      # nothing to read in an empty column
    call = board.page_call(draft)
    assert (call["offset"], call["limit"], call["domain"]) == (0, 2, [["state", "=", "draft"]])
    board.add_page(draft, [{"id": 1, "state": "draft"}, {"id": 2, "state": "draft"}])
    assert draft.remaining() == 1 and board.page_call(draft)["offset"] == 2
    assert board.can_drag()
    token = board.move(1, done)
    assert (draft.count, done.count, done.records[0]["state"], draft.offset) == (2, 2, "done", 1)
    assert board.write_value(done) == "done"
    board.undo(token, {"id": 1, "state": "draft"})
    assert [r["id"] for r in draft.records] == [1, 2] and (draft.count, done.count, draft.offset) == (3, 1, 2)
    # the next page may repeat a card already shown: it is not shown twice
    board.add_page(draft, [{"id": 2, "state": "draft"}, {"id": 3, "state": "draft"}])
    assert [r["id"] for r in draft.records] == [1, 2, 3] and not draft.has_more()


def test_cards_move_only_between_columns_of_a_plain_writable_field():
    board = Board("x", FIELDS, ["name"])
    board.set_search([], None)
    assert not board.is_grouped() and not board.can_drag()
    board.set_search([], "partner_id")
    columns = board.set_groups([{"partner_id": [2, "Alice"], "partner_id_count": 1, "__domain": []},
                                {"partner_id": False, "partner_id_count": 2, "__domain": []}])
    assert [c.label for c in columns] == ["Alice", "None"] and board.write_value(columns[0]) == 2
    assert board.can_drag() and not board.can_drag(records_draggable=False) and not board.can_drag(editable=False)
    board.set_search([], "locked")
    assert not board.can_drag() and board.can_drag(records_draggable=True)
    board.set_search([], "unknown_field")
    assert not board.is_grouped()


def test_card_menu_entries_and_colour_field():
    spec = parse_kanban("<kanban/>", FIELDS)
    assert spec.colour_field == "color" and "color" in spec.field_names
    assert spec.menu_entries() == ["edit", "delete", "colour"] and spec.edge_field() == "color"
    assert parse_kanban('<kanban delete="0" edit="0"/>', FIELDS).menu_entries() == ["edit"]
    # no colour choice without an integer ``color`` field, nor when it is read-only (computed)
    for fields in ({k: v for k, v in FIELDS.items() if k != "color"}, dict(FIELDS, color={"type": "char"}),
                   dict(FIELDS, color={"type": "integer", "readonly": True})):
        spec = parse_kanban("<kanban/>", fields)
        assert spec.colour_field == "" and spec.menu_entries() == ["edit", "delete"] and spec.edge_field() == ""
    assert parse_kanban('<kanban highlight_color="score"/>', FIELDS).edge_field() == "score"


def test_a_deleted_record_leaves_its_column():
    board = Board("x", FIELDS, ["name", "state"], page_size=2)
    board.set_search([], "state")
    draft = board.set_groups([{"state": "draft", "state_count": 3, "__domain": [["state", "=", "draft"]]}])[0]
    board.add_page(draft, [{"id": 1, "state": "draft"}, {"id": 2, "state": "draft"}])
    assert board.remove(1) is draft
    assert [r["id"] for r in draft.records] == [2] and (draft.count, draft.offset) == (2, 1)
    assert board.page_call(draft)["offset"] == 1          # the third record is now the server's second
    assert board.remove(99) is None
