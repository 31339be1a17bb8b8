"""Onchange: the form round trip of a client (orm.md API-18, DEC-5, REC-8).

``test.orm.order`` has onchange methods on ``date_order`` (sets the name), ``partner_id`` (a
discount of 60 for companies, a warning for customers without email), ``line_count`` (a warning above
two lines, reached in cascade) and ``parent_id`` (copies the parent's lines); its totals are stored
computed fields over ``line_ids.subtotal``.
"""
import json

import pytest

from bureau import Command
from bureau.exceptions import AccessError

ORDER = "test.orm.order"
LINE_SPEC = {"fields": {"name": {}, "price": {}, "quantity": {}, "subtotal": {}}}
SPEC = {
    "name": {}, "partner_id": {}, "date_order": {}, "discount": {}, "state": {}, "parent_id": {},
    "total": {}, "line_count": {}, "total_with_tax": {}, "shown_total": {},
    "line_ids": LINE_SPEC, "tag_ids": {}, "tag_names": {},
}


@pytest.fixture
def partners(env):
    Partner = env["res.partner"]
    return {
        "company": Partner.create({"name": "OC Corp", "is_company": True, "email": "corp@example.com"}),
        "silent_company": Partner.create({"name": "OC Silent", "is_company": True}),
        "person": Partner.create({"name": "OC Person", "email": "person@example.com"}),
    }


@pytest.fixture
def order(env):
    return env[ORDER].create({"name": "OC-1", "line_ids": [
        Command.create({"name": "a", "price": 10.0, "quantity": 2.0}),
        Command.create({"name": "b", "price": 1.0, "quantity": 1.0}),
    ]})


def form_values(record):
    """What a client holding ``record`` in a form sends: every displayed value, lines as links."""
    values = record.read([name for name in SPEC if name != "line_ids"])[0]
    values["partner_id"] = record.partner_id.id
    values["parent_id"] = record.parent_id.id
    values["line_ids"] = [(Command.LINK, line.id) for line in record.line_ids]
    values["tag_ids"] = [(Command.SET, 0, record.tag_ids.ids)]
    return values


def table_state(env):
    """Row counts and stored values of the order tables, as PostgreSQL has them."""
    env.flush_all()
    env.cr.execute("SELECT id, name, discount, total, partner_id FROM test_orm_order ORDER BY id")
    orders = env.cr.fetchall()
    env.cr.execute("SELECT id, order_id, price, quantity, subtotal FROM test_orm_order_line ORDER BY id")
    return orders, env.cr.fetchall()


# -- a new form ----------------------------------------------------------------------------------
def test_new_form_answers_every_displayed_field_with_defaults(env):
    result = env[ORDER].with_context(default_discount=3.0).onchange({}, [], SPEC)
    value = result["value"]
    assert set(value) == set(SPEC)
    assert value["state"] == "draft"                       # field default
    assert value["discount"] == 3.0                        # context default
    assert value["total_with_tax"] == -3.6                 # computed from the defaults
    assert value["name"] is False and value["partner_id"] is False
    assert value["line_ids"] == [] and value["tag_ids"] == []
    assert "warning" not in result


def test_new_form_runs_the_onchange_of_given_values(env, partners):
    result = env[ORDER].onchange({"partner_id": partners["company"].id}, [], SPEC)
    value = result["value"]
    assert value["partner_id"] == (partners["company"].id, "OC Corp")
    assert value["discount"] == 60.0 and value["total_with_tax"] == -72.0
    assert "warning" not in result


# -- onchange methods and computed fields ----------------------------------------------------------
def test_onchange_method_sets_another_field_and_the_changed_one_is_not_echoed(env):
    values = {"name": False, "date_order": "2024-03-05 10:00:00", "discount": 0.0}
    result = env[ORDER].onchange(values, ["date_order"], {"name": {}, "date_order": {}, "discount": {}})
    assert result == {"value": {"name": "Order of 2024-03-05"}}


def test_onchange_method_leaves_a_value_already_there(env):
    values = {"name": "Kept", "date_order": "2024-03-05 10:00:00"}
    assert env[ORDER].onchange(values, ["date_order"], {"name": {}, "date_order": {}}) == {"value": {}}


def test_field_set_by_an_onchange_has_its_dependants_recomputed(env, partners):
    values = {"name": "X", "partner_id": partners["company"].id, "discount": 0.0, "total": 0.0,
              "total_with_tax": 0.0, "line_ids": []}
    spec = {"name": {}, "partner_id": {}, "discount": {}, "total": {}, "total_with_tax": {}}
    result = env[ORDER].onchange(values, ["partner_id"], spec)
    assert result == {"value": {"discount": 60.0, "total_with_tax": -72.0}}


def test_onchange_of_a_recomputed_field_runs_in_cascade(env, order):
    """parent_id's onchange adds lines, line_count is recomputed, line_count's onchange warns."""
    values = {"name": "Child", "parent_id": order.id, "line_count": 1,
              "line_ids": [(Command.CREATE, "virtual_1", {"price": 2.0})]}
    result = env[ORDER].onchange(values, ["parent_id"], {"parent_id": {}, "line_count": {}})
    assert result["value"] == {"line_count": 3}
    assert result["warning"] == {"title": "Many lines", "message": "3 lines.", "type": "notification"}


def test_onchange_of_a_field_not_displayed_does_not_run(env, order):
    values = {"name": "Child", "parent_id": order.id, "line_ids": [(Command.CREATE, "virtual_1", {"price": 2.0})]}
    result = env[ORDER].onchange(values, ["parent_id"], {"parent_id": {}, "total": {}})
    assert result == {"value": {"total": 23.0}}


def test_onchange_of_an_unchanged_field_does_not_run(env):
    """line_count is not sent, hence answered, but it does not change: its onchange stays quiet."""
    lines = [(Command.CREATE, f"virtual_{n}", {"price": 1.0}) for n in range(3)]
    result = env[ORDER].onchange({"name": "X", "line_ids": lines, "discount": 0.0}, ["discount"],
                                 {"name": {}, "discount": {}, "line_count": {}})
    assert result == {"value": {"line_count": 3}}


def test_warnings_of_several_methods_are_merged(env, order, partners):
    values = {"name": "X", "partner_id": partners["silent_company"].id, "parent_id": order.id, "line_count": 1,
              "line_ids": [(Command.CREATE, "virtual_1", {"price": 2.0})]}
    spec = {"partner_id": {}, "parent_id": {}, "line_count": {}}
    result = env[ORDER].onchange(values, ["partner_id", "parent_id"], spec)
    warning = result["warning"]
    assert warning["type"] == "dialog" and warning["title"] == "Warnings"
    assert warning["message"] == "No email\n\nOC Silent has no email.\n\nMany lines\n\n3 lines."


def test_computed_fields_follow_a_changed_field(env, order):
    values = form_values(order)
    values["discount"] = 1.0
    result = env[ORDER].onchange(values, ["discount"], SPEC)
    assert result == {"value": {"total_with_tax": 24.0}}     # (21 - 1) * 1.2; total unchanged


def test_many2many_change_recomputes_dependants(env):
    tags = env["test.orm.tag"].create([{"name": "oc-b"}, {"name": "oc-a"}])
    values = {"name": "X", "tag_ids": [(Command.SET, 0, tags.ids)], "tag_names": False}
    result = env[ORDER].onchange(values, ["tag_ids"], {"tag_ids": {}, "tag_names": {}})
    assert result == {"value": {"tag_names": "oc-a,oc-b"}}


# -- one2many lines --------------------------------------------------------------------------------
def test_lines_added_in_a_new_form_recompute_the_totals(env):
    values = {"name": "X", "discount": 0.0, "total": 0.0, "line_count": 0, "total_with_tax": 0.0,
              "line_ids": [(Command.CREATE, "virtual_7", {"name": "l1", "price": 10.0, "quantity": 2.0}),
                           (Command.CREATE, "virtual_8", {"name": "l2", "price": 4.0})]}
    spec = {"name": {}, "discount": {}, "total": {}, "line_count": {}, "total_with_tax": {}, "line_ids": LINE_SPEC}
    value = env[ORDER].onchange(values, ["line_ids"], spec)["value"]
    assert value["total"] == 24.0 and value["line_count"] == 2 and value["total_with_tax"] == 28.8
    # what the client did not send comes back: computed subtotals, and the default quantity
    assert value["line_ids"] == [(Command.UPDATE, "virtual_7", {"subtotal": 20.0}),
                                 (Command.UPDATE, "virtual_8", {"quantity": 1.0, "subtotal": 4.0})]


def test_line_changed_on_an_existing_order(env, order):
    first, second = order.line_ids
    before = table_state(env)
    values = form_values(order)
    values["line_ids"] = [(Command.UPDATE, first.id, {"price": 5.0}), (Command.LINK, second.id)]
    value = env[ORDER].onchange(values, ["line_ids"], SPEC)["value"]
    assert value["total"] == 11.0 and value["shown_total"] == "11.00" and value["total_with_tax"] == 13.2
    assert value["line_ids"] == [(Command.UPDATE, first.id, {"subtotal": 10.0})]
    assert table_state(env) == before
    assert first.price == 10.0 and order.total == 21.0


def test_line_removed_from_an_existing_order(env, order):
    first, second = order.line_ids
    values = form_values(order)
    values["line_ids"] = [(Command.DELETE, second.id)]
    value = env[ORDER].onchange(values, ["line_ids"], SPEC)["value"]
    assert value["total"] == 20.0 and value["line_count"] == 1
    assert "line_ids" not in value                        # the client removed it already
    assert order.line_ids == first + second


def test_lines_created_by_an_onchange_method_are_sent_as_creations(env, order):
    values = {"name": "Child", "parent_id": order.id, "total": 0.0, "line_count": 1,
              "line_ids": [(Command.CREATE, "virtual_1", {"name": "own", "price": 2.0, "quantity": 1.0,
                                                          "subtotal": 2.0})]}
    spec = {"name": {}, "parent_id": {}, "total": {}, "line_count": {}, "line_ids": LINE_SPEC}
    value = env[ORDER].onchange(values, ["parent_id"], spec)["value"]
    assert value["total"] == 23.0 and value["line_count"] == 3
    assert value["line_ids"] == [
        (Command.CREATE, "virtual_2", {"name": "a", "price": 10.0, "quantity": 2.0, "subtotal": 20.0}),
        (Command.CREATE, "virtual_3", {"name": "b", "price": 1.0, "quantity": 1.0, "subtotal": 1.0}),
    ]


def test_editing_an_existing_order_without_line_changes_sends_no_lines(env, order, partners):
    values = form_values(order)
    values["partner_id"] = partners["person"].id
    result = env[ORDER].onchange(values, ["partner_id"], SPEC)
    assert result == {"value": {}}


def test_line_form_sees_its_parent_form_values(env, order, partners):
    """A line's form sends its parent's values as a dict: the line computes with them."""
    values = {"order_id": {"id": order.id, "partner_id": partners["person"].id}, "price": 2.0, "quantity": 3.0,
              "subtotal": 0.0}
    result = env["test.orm.order.line"].onchange(values, ["price"], {"price": {}, "subtotal": {},
                                                                     "order_partner_id": {}})
    assert result == {"value": {"subtotal": 6.0, "order_partner_id": (partners["person"].id, "OC Person")}}
    assert not order.partner_id


def test_answer_holds_only_rpc_values(env, order):
    values = form_values(order)
    values.update(parent_id=order.id, line_ids=[(Command.CREATE, "virtual_1", {"price": 1.0})])
    result = env[ORDER].onchange(values, ["parent_id"], SPEC)
    assert json.loads(json.dumps(result)) == json.loads(json.dumps(result, default=repr))


# -- nothing written, access -----------------------------------------------------------------------
def test_onchange_writes_nothing(env, order, partners, count_queries):
    before = table_state(env)
    values = form_values(order)
    values.update(partner_id=partners["company"].id,
                  line_ids=[(Command.UPDATE, order.line_ids[0].id, {"price": 7.0}),
                            (Command.CREATE, "virtual_1", {"price": 1.0})])
    env[ORDER].onchange(values, ["partner_id", "line_ids"], SPEC)
    assert not any(env.transaction.towrite.values())
    assert not any(env.transaction.tocompute.values())
    assert table_state(env) == before


def test_onchange_reads_with_the_access_rights_of_the_user(env):
    user = env["res.users"].create({"name": "OC User", "login": "oc_user",
                                    "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    Doc = env["test.orm.acl.doc"]
    with pytest.raises(AccessError):
        Doc.with_user(user).onchange({}, [], {"name": {}})
    env["ir.model.access"].create({"name": "oc doc read", "model_id": env["ir.model"]._get_id(Doc._name),
                                   "perm_read": True})
    hidden = Doc.create({"name": "hidden"})
    env["ir.rule"].create({"name": "oc hide", "model_id": env["ir.model"]._get_id(Doc._name),
                           "domain_force": "[('name', '!=', 'hidden')]"})
    assert Doc.with_user(user).onchange({}, [], {"name": {}}) == {"value": {"name": False}}
    with pytest.raises(AccessError):
        Doc.with_user(user).onchange({"id": hidden.id, "name": "x"}, ["name"], {"name": {}})


def test_unknown_changed_field_is_refused(env):
    with pytest.raises(ValueError, match="nope"):
        env[ORDER].onchange({}, ["nope"], {"name": {}})


# -- legacy signature ------------------------------------------------------------------------------
def test_legacy_signature_answers_whole_x2many_values(env, order):
    field_onchange = {"name": "", "date_order": "1", "total": "", "line_ids": "", "line_ids.price": "",
                      "line_ids.subtotal": ""}
    values = {"name": False, "date_order": "2024-03-05 10:00:00", "total": 0.0,
              "line_ids": [(Command.CREATE, 0, {"price": 3.0})]}
    value = env[ORDER].onchange(values, "date_order", field_onchange)["value"]
    assert value["name"] == "Order of 2024-03-05"
    values["line_ids"] = [(Command.LINK, order.line_ids[0].id), (Command.CREATE, 0, {"price": 3.0})]
    value = env[ORDER].onchange(values, "line_ids", field_onchange)["value"]
    assert value["total"] == 23.0
    first = order.line_ids[0].id
    assert value["line_ids"][0] == (Command.CLEAR,)
    assert value["line_ids"][1] == (Command.LINK, first)
    assert value["line_ids"][2][0] == Command.CREATE and value["line_ids"][2][2] == {"price": 3.0, "subtotal": 3.0}


# -- x2many commands assigned on new records (REC-8) -----------------------------------------------
def test_commands_assigned_on_a_new_record_apply_to_its_current_lines(env, order):
    new = env[ORDER].new({"name": "N", "line_ids": [Command.create({"price": 2.0, "quantity": 1.0})]})
    new.line_ids = [Command.create({"price": 3.0, "quantity": 1.0})]
    assert new.line_ids.mapped("price") == [2.0, 3.0]
    assert all(line.order_id == new for line in new.line_ids)
    assert new.total == 5.0
    new.line_ids = [Command.update(new.line_ids[0]._ids[0], {"price": 4.0})]
    assert new.line_ids[0].subtotal == 4.0 and new.total == 7.0
    edited = env[ORDER].new({}, origin=order)
    line = order.line_ids[0]
    edited.line_ids = [Command.update(line.id, {"price": 1.0})]
    assert edited.line_ids[0]._origin == line and edited.line_ids[0].price == 1.0
    assert edited.total == 3.0 and line.price == 10.0 and order.total == 21.0
