"""Recordsets and environments (orm.md §6 ENV-1..4, §7 REC-1..8)."""
import datetime

import pytest

from bureau import Command
from bureau.exceptions import AccessError
from bureau.orm.environment import SUPERUSER_ID, Environment, NewId


@pytest.fixture
def Tag(env):
    return env["test.orm.tag"]


@pytest.fixture
def tags(Tag):
    """Three tags created in the order c, a, b (so ids and names disagree)."""
    return Tag.create([{"name": "rs-c", "color": 3}, {"name": "rs-a", "color": 1}, {"name": "rs-b", "color": 2}])


@pytest.fixture
def partners(env):
    country = env["res.country"].create({"name": "Recordland", "code": "RQ"})
    return env["res.partner"].create([{"name": "P1", "city": "Lyon", "country_id": country.id},
                                      {"name": "P2", "city": "Nice"},
                                      {"name": "P3", "city": False, "country_id": country.id}])


@pytest.fixture
def records(env, partners, tags):
    """Four all-types records with varied values, links and lines."""
    Model = env["test.orm.all.types"]
    return Model.create([
        {"name": "Alpha", "integer": 10, "float_plain": 1.5, "boolean": True, "date": "2024-01-10",
         "datetime": "2024-01-10 08:00:00", "selection": "draft", "partner_id": partners[0].id,
         "tag_ids": [Command.set(tags[:2].ids)], "line_ids": [Command.create({"name": "la1"}),
                                                              Command.create({"name": "la2"})]},
        {"name": "beta", "integer": 20, "float_plain": 2.5, "boolean": False, "date": "2024-02-10",
         "selection": "done", "partner_id": partners[1].id, "tag_ids": [Command.set(tags[2:].ids)],
         "line_ids": [Command.create({"name": "lb1"})]},
        {"name": "Gamma_1%", "integer": 0, "float_plain": 0.0, "partner_id": partners[0].id},
        {"name": False, "integer": -5, "selection": "draft"},
    ])


@pytest.fixture
def other_user(env):
    return env["res.users"].create({
        "name": "Recordset User", "login": "recordset-user",
        "groups_id": [Command.set([env.ref("base.group_user").id])],
    })


# -- REC-1: browse, ids, len, iteration ----------------------------------------------------------
def test_browse_accepts_int_list_and_tuple_without_query(Tag, env, count_queries):
    with count_queries(env) as counter:
        assert Tag.browse(5)._ids == (5,)
        assert Tag.browse([3, 1, 2])._ids == (3, 1, 2)
        assert Tag.browse((7, 8))._ids == (7, 8)
        assert Tag.browse()._ids == ()
        assert Tag.browse([])._ids == ()
    assert counter.count == 0


def test_ids_is_a_list_and_id_depends_on_size(Tag):
    records = Tag.browse([4, 2])
    assert records.ids == [4, 2] and isinstance(records.ids, list)
    assert Tag.browse(4).id == 4
    assert Tag.browse().id is False
    with pytest.raises(ValueError):
        records.id


def test_len_bool_iteration_and_indexing(tags):
    assert len(tags) == 3 and bool(tags)
    assert not tags.browse() and len(tags.browse()) == 0
    items = list(tags)
    assert [len(r) for r in items] == [1, 1, 1]
    assert [r.id for r in items] == tags.ids
    assert tags[0].id == tags.ids[0] and tags[-1].id == tags.ids[-1]
    assert tags[1:]._ids == tuple(tags.ids[1:])
    assert tags[1:]._name == tags._name
    assert not tags[5:]
    with pytest.raises(IndexError):
        tags[3]


def test_recordset_keeps_order_and_duplicates_of_browse(Tag, tags):
    ids = [tags.ids[2], tags.ids[0], tags.ids[2]]
    records = Tag.browse(ids)
    assert records.ids == ids
    assert records.mapped("name") == ["rs-b", "rs-c", "rs-b"]


# -- REC-2: set operations -----------------------------------------------------------------------
def test_concatenation_keeps_duplicates(tags):
    a, b, c = tags
    assert (a + b + a).ids == [a.id, b.id, a.id]


def test_union_deduplicates_in_first_occurrence_order(tags):
    a, b, c = tags
    assert ((c + a) | (a + b + c)).ids == [c.id, a.id, b.id]


def test_intersection_keeps_order_of_left_operand(tags):
    a, b, c = tags
    assert ((c + b + a) & (a + c)).ids == [c.id, a.id]


def test_difference_keeps_order_of_left_operand(tags):
    a, b, c = tags
    assert ((c + b + a + b) - a).ids == [c.id, b.id, b.id]


def test_equality_ignores_order_and_compares_model(tags, env):
    a, b, c = tags
    assert a + b == b + a
    assert a + b != a
    assert tags.browse() == tags.browse()
    assert env["res.partner"].browse(a.id) != a
    assert (a == 1) is False
    assert a != "x"


def test_subset_and_superset_comparisons(tags):
    a, b, c = tags
    assert a < a + b and a <= a + b and a + b <= a + b
    assert not (a + b < a + b)
    assert a + b > b and a + b >= a + b
    assert not (a > a + b)


def test_membership_and_hash(tags):
    a, b, c = tags
    assert a in tags and a not in b + c
    assert "name" in tags and "no_such_field" not in tags
    assert hash(a + b) == hash(b + a)
    assert {a + b: 1}[b + a] == 1
    assert len({a, tags[0], b}) == 2


@pytest.mark.parametrize("operation", ["+", "|", "&", "-", "<", "<=", ">", ">=", "in"])
def test_mixed_models_raise_type_error(tags, env, operation):
    partner = env["res.partner"].browse(1)
    with pytest.raises(TypeError):
        if operation == "in":
            partner in tags
        else:
            eval(f"tags {operation} partner", {"tags": tags, "partner": partner})


# -- REC-3, REC-4: singletons and field access ---------------------------------------------------
def test_ensure_one_returns_self_or_names_the_records(Tag):
    record = Tag.browse(3)
    assert record.ensure_one() is record
    with pytest.raises(ValueError, match=r"^Expected singleton: test\.orm\.tag\(1, 2\)$"):
        Tag.browse([1, 2]).ensure_one()
    with pytest.raises(ValueError, match=r"Expected singleton: test\.orm\.tag\(\)"):
        Tag.browse().ensure_one()


def test_field_access_on_several_records_raises(tags):
    with pytest.raises(ValueError, match="Expected singleton"):
        tags.name


def test_field_access_on_empty_recordset_gives_null_value(Tag):
    assert Tag.browse().name is False
    assert Tag.browse().color == 0
    assert not Tag.browse().parent_id


def test_assignment_on_recordset_writes_every_record(tags):
    tags.color = 9
    tags.env.flush_all()
    tags.env.invalidate_all()
    assert tags.mapped("color") == [9, 9, 9]


def test_item_access_by_field_name(tags):
    assert tags[0]["name"] == "rs-c"
    with pytest.raises(KeyError):
        tags[0]["no_such_field"]


# -- REC-5: mapped, filtered ---------------------------------------------------------------------
def test_mapped_scalar_path_returns_list_with_duplicates(records):
    assert records.mapped("integer") == [10, 20, 0, -5]
    assert records.mapped("partner_id.city") == ["Lyon", "Nice"]
    assert (records[0] + records[2]).mapped("partner_id.name") == ["P1"]


def test_mapped_relational_path_returns_union_in_order(records, partners, tags):
    result = records.mapped("partner_id")
    assert result._name == "res.partner"
    assert result.ids == [partners[0].id, partners[1].id]
    # each record's tags come in the comodel's order (name), the union in first-occurrence order
    assert records.mapped("tag_ids").mapped("name") == ["rs-a", "rs-c", "rs-b"]
    assert records.mapped("partner_id.country_id").name == "Recordland"
    assert records.mapped("line_ids.name") == ["la1", "la2", "lb1"]


def test_mapped_on_empty_recordset(env):
    empty = env["test.orm.all.types"].browse()
    assert empty.mapped("name") == []
    result = empty.mapped("partner_id")
    assert result._name == "res.partner" and not result


def test_mapped_with_callable(records, partners):
    assert records.mapped(lambda r: r.integer * 2) == [20, 40, 0, -10]
    result = records.mapped(lambda r: r.partner_id)
    assert result._name == "res.partner" and result.ids == partners[:2].ids


def test_mapped_unknown_field_raises(records):
    with pytest.raises(KeyError):
        records.mapped("nope")


def test_filtered_with_callable_and_path(records):
    assert records.filtered(lambda r: r.integer > 5) == records[:2]
    assert records.filtered("boolean") == records[0]
    assert records.filtered("partner_id") == records[:3]
    assert records.filtered("partner_id.country_id") == records[0] + records[2]
    assert records.filtered("line_ids").ids == records[:2].ids


def test_filtered_keeps_order(records):
    reordered = records.browse(list(reversed(records.ids)))
    assert reordered.filtered(lambda r: r.integer != 20).ids == [records[3].id, records[2].id, records[0].id]


# -- REC-5: filtered_domain ----------------------------------------------------------------------
@pytest.mark.parametrize("domain", [
    [],
    [("integer", "=", 10)],
    [("integer", "!=", 10)],
    [("integer", "<", 10)],
    [("integer", ">", 0)],
    [("integer", "<=", 0)],
    [("integer", ">=", 10)],
    [("integer", "in", [0, 20])],
    [("integer", "not in", [0, 20])],
    [("name", "=", False)],
    [("name", "!=", False)],
    [("name", "=", "beta")],
    [("name", "!=", "beta")],
    [("name", "like", "eta")],
    [("name", "like", "ETA")],
    [("name", "ilike", "ETA")],
    [("name", "not like", "a")],
    [("name", "not ilike", "A")],
    [("name", "=like", "Gamma%")],
    [("name", "=like", "gamma%")],
    [("name", "=ilike", "gamma%")],
    [("name", "like", "_1%")],
    [("name", "ilike", "")],
    [("name", "in", ["Alpha", False])],
    [("name", "not in", ["Alpha", False])],
    [("float_plain", ">", 1.0)],
    [("boolean", "=", True)],
    [("boolean", "=", False)],
    [("boolean", "!=", False)],
    [("date", "=", "2024-01-10")],
    [("date", ">", "2024-01-31")],
    [("date", "<", datetime.date(2024, 2, 1))],
    [("date", "=", False)],
    [("datetime", ">=", "2024-01-10 00:00:00")],
    [("datetime", "<=", "2024-01-10")],
    [("selection", "=", "draft")],
    [("selection", "in", ["done"])],
    [("selection", "!=", "draft")],
    [("partner_id", "=", False)],
    [("partner_id", "!=", False)],
    [("partner_id.name", "=", "P1")],
    [("partner_id.city", "!=", "Lyon")],
    [("partner_id.country_id.code", "=", "RQ")],
    [("partner_id", "ilike", "p2")],
    [("partner_id", "not ilike", "p2")],
    [("tag_ids", "=", False)],
    [("tag_ids", "!=", False)],
    [("tag_ids.name", "=", "rs-a")],
    [("tag_ids.name", "!=", "rs-a")],
    [("line_ids.name", "like", "lb")],
    [("id", "in", [])],
    ["|", ("integer", "=", 10), ("name", "=", "beta")],
    ["!", ("integer", "=", 10)],
    [("integer", ">", 0), ("boolean", "=", False)],
    ["&", "!", ("name", "=", False), "|", ("selection", "=", "done"), ("integer", "=", 0)],
])
def test_filtered_domain_agrees_with_search(records, domain):
    Model = records.browse()
    expected = Model.search([("id", "in", records.ids)] + domain)
    assert records.filtered_domain(domain) == expected
    assert records.filtered_domain(domain).ids == [i for i in records.ids if i in expected.ids]


def test_filtered_domain_with_relational_ids(records, partners, tags):
    assert records.filtered_domain([("partner_id", "=", partners[0].id)]) == records[0] + records[2]
    assert records.filtered_domain([("partner_id", "in", partners[1].ids)]) == records[1]
    assert records.filtered_domain([("partner_id", "=", partners[1])]) == records[1]
    assert records.filtered_domain([("tag_ids", "in", tags[2].ids)]) == records[1]
    assert records.filtered_domain([("tag_ids", "=", tags[0].id)]) == records[0]
    assert records.filtered_domain([("tag_ids", "not in", tags[0].ids)]) == records[1:]
    assert records.filtered_domain([("id", "=", records[3].id)]) == records[3]


def test_filtered_domain_sees_unflushed_values(records):
    records[3].name = "pending"
    assert records.filtered_domain([("name", "=", "pending")]) == records[3]


def test_filtered_domain_on_new_records(env):
    new = env["test.orm.all.types"].new({"name": "in memory", "integer": 3})
    assert new.filtered_domain([("integer", ">", 2), ("name", "ilike", "MEMORY")]) == new
    assert not new.filtered_domain([("integer", ">", 3)])


def test_filtered_domain_child_of_is_delegated(Tag):
    root = Tag.create({"name": "fd-root"})
    child = Tag.create({"name": "fd-child", "parent_id": root.id})
    other = Tag.create({"name": "fd-other"})
    assert (root + child + other).filtered_domain([("id", "child_of", root.id)]) == root + child


def test_filtered_domain_rejects_unknown_field_and_operator(records):
    with pytest.raises(ValueError):
        records.filtered_domain([("nope", "=", 1)])
    with pytest.raises(ValueError):
        records.filtered_domain([("name", "~", 1)])


# -- REC-6: sorted -------------------------------------------------------------------------------
def test_sorted_without_key_uses_model_order(tags):
    assert tags.sorted().mapped("name") == ["rs-a", "rs-b", "rs-c"]
    assert tags.sorted(reverse=True).mapped("name") == ["rs-c", "rs-b", "rs-a"]


def test_sorted_default_order_with_desc_and_tie_breaker(env):
    orders = env["test.orm.order"].create([{"name": "SRT-A"}, {"name": "SRT-C"}, {"name": "SRT-B"}])
    assert orders.sorted().mapped("name") == ["SRT-C", "SRT-B", "SRT-A"]


def test_sorted_default_order_sees_pending_writes(tags):
    tags[0].name = "rs-0"
    assert tags.sorted().mapped("name") == ["rs-0", "rs-a", "rs-b"]


def test_sorted_by_callable_and_field_name(tags):
    assert tags.sorted(key=lambda t: t.color).mapped("color") == [1, 2, 3]
    assert tags.sorted(key=lambda t: t.color, reverse=True).mapped("color") == [3, 2, 1]
    assert tags.sorted("color").mapped("color") == [1, 2, 3]
    assert tags.sorted("name", reverse=True).mapped("name") == ["rs-c", "rs-b", "rs-a"]


def test_sorted_by_field_name_with_empty_values(records):
    names = records.sorted("name").mapped("name")
    assert names[:3] == sorted(["Alpha", "beta", "Gamma_1%"])
    assert names[3] is False
    by_partner = records.sorted("partner_id")
    assert by_partner.mapped("partner_id.name") == ["P1", "P2"]
    assert not by_partner[3].partner_id
    assert records.sorted("partner_id", reverse=True)[0] == records[3]


def test_sorted_by_boolean_puts_false_first(records):
    assert records.sorted("boolean").mapped("boolean") == [False, False, False, True]


def test_sorted_default_order_keeps_archived_records_in_place(Tag, tags):
    tags[1].active = False
    assert tags.sorted().mapped("name") == ["rs-a", "rs-b", "rs-c"]


def test_sorted_empty_recordset(Tag):
    assert Tag.browse().sorted() == Tag.browse()


# -- REC-8: new records --------------------------------------------------------------------------
def test_new_record_has_falsy_new_id(env, count_queries):
    Model = env["test.orm.all.types"]
    before = Model.search_count([])
    with count_queries(env) as counter:
        record = Model.new({"name": "draft", "integer": 5})
        assert record.name == "draft" and record.integer == 5
    assert counter.count == 0
    assert isinstance(record._ids[0], NewId)
    assert not record.id and not record._ids[0]
    assert record.ids == []
    assert len(record) == 1 and bool(record)
    env.flush_all()
    assert Model.search_count([]) == before


def test_new_record_computed_and_related_fields_work(env, partners):
    record = env["test.orm.all.types"].new({"name": "shout", "partner_id": partners[0].id})
    assert record.name_upper == "SHOUT"
    assert record.partner_name == "P1"
    record.name = "louder"
    assert record.name_upper == "LOUDER"


def test_new_record_stored_compute_over_new_lines(env):
    order = env["test.orm.order"].new({"name": "NEW", "line_ids": [Command.create({"price": 10, "quantity": 2}),
                                                                    Command.create({"price": 1, "quantity": 1})]})
    assert len(order.line_ids) == 2 and not order.line_ids.ids
    assert order.total == 21
    assert order.total_with_tax == 25.2
    assert not env["test.orm.order"].search([("name", "=", "NEW")])


def test_new_record_assignment_writes_nothing(env):
    Model = env["test.orm.all.types"]
    record = Model.new({})
    before = Model.search_count([])
    record.name = "changed"
    record.integer = 7
    assert record.name == "changed" and record.integer == 7
    env.flush_all()
    assert Model.search_count([]) == before


def test_new_record_with_origin(env):
    Model = env["test.orm.all.types"]
    real = Model.create({"name": "origin", "integer": 4})
    new = Model.new({"integer": 8}, origin=real)
    assert new._ids[0].origin == real.id
    assert new._origin == real
    assert not new.id
    assert new.name == "origin"
    assert new.integer == 8
    assert real.integer == 4
    assert Model.new({})._origin == Model.browse()


def test_new_record_defaults_are_not_applied_implicitly(env):
    record = env["test.orm.line"].new({"name": "x"})
    assert record.sequence == 0


def test_new_record_unknown_field_raises(env):
    with pytest.raises(ValueError, match="nope"):
        env["test.orm.all.types"].new({"nope": 1})


# -- ENV-1..4: environments ----------------------------------------------------------------------
def test_environment_attributes(env):
    assert env.uid == SUPERUSER_ID and env.su
    assert env.user._name == "res.users" and env.user.id == SUPERUSER_ID
    assert env.company._name == "res.company" and len(env.company) == 1
    assert env.company == env.user.company_id
    assert env.company in env.companies
    assert env.lang is None
    assert env(context={"lang": "fr_FR"}).lang == "fr_FR"


def test_superuser_id_forces_su(env):
    assert Environment(env.cr, SUPERUSER_ID, {}, su=False).su is True


def test_env_getitem_contains_and_unknown_model(env):
    partners = env["res.partner"]
    assert partners._name == "res.partner" and not partners and partners.env is env
    assert "res.partner" in env
    assert "no.such.model" not in env
    with pytest.raises(KeyError):
        env["no.such.model"]


def test_env_ref(env):
    group = env.ref("base.group_user")
    assert group._name == "res.groups" and len(group) == 1
    with pytest.raises(ValueError):
        env.ref("base.no_such_xmlid")
    assert env.ref("base.no_such_xmlid", raise_if_not_found=False) is None
    with pytest.raises(ValueError):
        env.ref("no_dot")


def test_derived_environment_shares_cache_and_transaction(env):
    derived = env(context={"lang": "fr_FR"})
    assert derived.cache is env.cache
    assert derived.transaction is env.transaction
    assert derived.cr is env.cr
    assert env(context={"lang": "fr_FR"}) is derived


def test_context_is_read_only(env):
    with pytest.raises(TypeError):
        env.context["x"] = 1


def test_with_context_positional_replaces_keywords_update(tags):
    first = tags.with_context({"a": 1}, b=2)
    assert dict(first.env.context) == {"a": 1, "b": 2}
    assert dict(first.with_context(c=3).env.context) == {"a": 1, "b": 2, "c": 3}
    assert dict(first.with_context({"c": 3}).env.context) == {"c": 3}
    assert first.ids == tags.ids
    assert dict(tags.env.context) == {}


def test_with_user_drops_superuser_mode(tags, other_user):
    as_user = tags.with_user(other_user)
    assert as_user.env.uid == other_user.id and not as_user.env.su
    assert as_user.env.user == other_user
    assert tags.with_user(other_user.id).env.uid == other_user.id
    assert as_user.ids == tags.ids


def test_sudo_keeps_uid_and_toggles_su(tags, other_user):
    as_user = tags.with_user(other_user)
    sudoed = as_user.sudo()
    assert sudoed.env.su and sudoed.env.uid == other_user.id
    assert not sudoed.sudo(False).env.su
    assert sudoed.sudo(False).env.uid == other_user.id
    assert sudoed.ids == tags.ids


def test_with_env_switches_environment(tags, env):
    french = env(context={"lang": "fr_FR"})
    moved = tags.with_env(french)
    assert moved.env is french and moved.ids == tags.ids


def test_is_superuser_admin_system_for_plain_user(env, other_user):
    user_env = env(user=other_user)
    assert not user_env.is_superuser()
    assert not user_env.is_admin()
    assert not user_env.is_system()
    assert env.is_superuser() and env.is_admin() and env.is_system()


def test_allowed_company_ids_select_current_company(env, other_user):
    second = env["res.company"].create({"name": "Second Company"})
    as_second = env(context={"allowed_company_ids": [second.id, env.company.id]})
    assert as_second.company == second
    assert as_second.companies.ids == [second.id, env.company.id]
    user_env = env(user=other_user, context={"allowed_company_ids": [second.id]})
    with pytest.raises(AccessError):
        user_env.company


def test_with_company_puts_company_first(env, tags):
    second = env["res.company"].create({"name": "Other Company"})
    main = env.company
    switched = tags.with_company(second)
    assert switched.env.company == second
    assert switched.env.context["allowed_company_ids"][0] == second.id
    assert switched.with_company(main).env.company == main
    assert switched.ids == tags.ids
