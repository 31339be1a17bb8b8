"""CRUD and model API: create, write, unlink, copy, read, names, magic fields, archiving,
optimistic concurrency and transient vacuum (orm.md §9, MOD-3, MOD-6, API-1..14, API-30, TRX-7)."""
import datetime

import pytest

from bureau import Command
from bureau.exceptions import MissingError, UserError, ValidationError

MODEL = "test.orm.all.types"


@pytest.fixture
def Model(env):
    return env[MODEL]


@pytest.fixture
def Tag(env):
    return env["test.orm.tag"]


@pytest.fixture
def Line(env):
    return env["test.orm.line"]


@pytest.fixture
def tags(Tag):
    return Tag.create([{"name": "t1"}, {"name": "t2"}, {"name": "t3"}])


def reload(records):
    records.env.flush_all()
    records.env.invalidate_all()
    return records


def db_ids(env, table, where, params):
    env.flush_all()
    env.cr.execute(f'SELECT id FROM "{table}" WHERE {where} ORDER BY id', params)
    return [row[0] for row in env.cr.fetchall()]


def m2m_ids(record):
    """Tag ids linked to ``record`` in the relation table."""
    field = record._fields["tag_ids"]
    record.env.cr.execute(f'SELECT "{field.column2}" FROM "{field.relation}" WHERE "{field.column1}" = %s '
                          f'ORDER BY 1', [record.id])
    return [row[0] for row in record.env.cr.fetchall()]


@pytest.fixture
def other_user(env):
    return env["res.users"].create({
        "name": "Other User", "login": "crud-other-user",
        "groups_id": [Command.set([env.ref("base.group_user").id])],
    })


# -- create (API-1) ------------------------------------------------------------------------------
def test_create_list_returns_records_in_input_order(Model):
    names = ["c", "a", "b", "a"]
    records = Model.create([{"name": n} for n in names])
    assert len(records) == 4
    assert records.mapped("name") == names
    assert [r["name"] for r in reload(records).read(["name"])] == names
    assert list(records.ids) == sorted(records.ids)


def test_create_dict_returns_singleton(Model):
    record = Model.create({"name": "single"})
    assert len(record) == 1 and isinstance(record.id, int)


def test_create_empty_list_returns_empty_recordset(Model, count_queries, env):
    with count_queries(env) as counter:
        records = Model.create([])
    assert not records and records._name == MODEL
    assert counter.count == 0


def test_create_rejects_non_dict_values(Model):
    with pytest.raises(ValueError):
        Model.create(["name"])


# -- one2many commands (API-4) -------------------------------------------------------------------
@pytest.mark.parametrize("command", [(0, 0, {"name": "L"}), Command.create({"name": "L"}), [0, 0, {"name": "L"}]])
def test_one2many_create_command_on_create(Model, command):
    record = Model.create({"line_ids": [command]})
    assert record.line_ids.mapped("name") == ["L"]
    assert reload(record).line_ids.all_types_id == record


def test_one2many_create_several_lines_keeps_order_by_sequence(Model):
    record = Model.create({"line_ids": [Command.create({"name": "b", "sequence": 2}),
                                        Command.create({"name": "a", "sequence": 1})]})
    assert reload(record).line_ids.mapped("name") == ["a", "b"]


def test_one2many_link_and_set_on_create(Model, Line):
    lines = Line.create([{"name": "x"}, {"name": "y"}, {"name": "z"}])
    first = Model.create({"line_ids": [(4, lines[0].id, 0)]})
    second = Model.create({"line_ids": [Command.set(lines[1:].ids)]})
    reload(first)
    assert first.line_ids == lines[0]
    assert second.line_ids == lines[1:]
    assert lines.mapped("all_types_id") == first | second


def test_one2many_update_command(Model):
    record = Model.create({"line_ids": [Command.create({"name": "old"})]})
    line = record.line_ids
    record.write({"line_ids": [(1, line.id, {"name": "new"})]})
    assert reload(line).name == "new"
    record.write({"line_ids": [Command.update(line.id, {"name": "newer"})]})
    assert reload(line).name == "newer"


def test_one2many_delete_command_deletes_line(Model, env):
    record = Model.create({"line_ids": [Command.create({"name": "a"}), Command.create({"name": "b"})]})
    a, b = record.line_ids
    record.write({"line_ids": [(2, a.id, 0)]})
    assert record.line_ids == b
    assert not a.exists()
    record.write({"line_ids": [Command.delete(b.id)]})
    assert not reload(record).line_ids
    assert db_ids(env, "test_orm_line", "id IN %s", [(a.id, b.id)]) == []


def test_one2many_unlink_with_cascade_inverse_deletes_line(Model):
    record = Model.create({"line_ids": [Command.create({"name": "a"}), Command.create({"name": "b"})]})
    a, b = record.line_ids
    record.write({"line_ids": [Command.unlink(a.id)]})
    assert record.line_ids == b
    assert not a.exists()
    record.write({"line_ids": [(3, b.id, 0)]})
    assert not reload(record).line_ids and not b.exists()


def test_one2many_unlink_without_cascade_sets_inverse_null(env):
    Category = env["test.orm.category"]
    parent = Category.create({"name": "P", "child_ids": [Command.create({"name": "C1"}),
                                                         Command.create({"name": "C2"})]})
    c1, c2 = parent.child_ids.sorted("id")
    parent.write({"child_ids": [Command.unlink(c1.id)]})
    assert parent.child_ids == c2
    reload(parent)
    assert c1.exists() and c1.parent_id.id is False
    parent.write({"child_ids": [Command.clear()]})
    reload(parent)
    assert not parent.child_ids
    assert c2.exists() and not c2.parent_id


def test_one2many_unlink_of_foreign_line_is_ignored(env):
    Category = env["test.orm.category"]
    one = Category.create({"name": "one", "child_ids": [Command.create({"name": "kid"})]})
    two = Category.create({"name": "two"})
    two.write({"child_ids": [Command.unlink(one.child_ids.id)]})
    assert reload(one).child_ids.name == "kid"


def test_one2many_link_moves_line_from_other_record(Model):
    first = Model.create({"line_ids": [Command.create({"name": "moving"})]})
    second = Model.create({})
    line = first.line_ids
    second.write({"line_ids": [Command.link(line.id)]})
    assert second.line_ids == line
    assert not first.line_ids
    reload(first)
    assert line.all_types_id == second and not first.line_ids


def test_one2many_clear_with_cascade_inverse_deletes_lines(Model):
    record = Model.create({"line_ids": [Command.create({"name": "a"}), Command.create({"name": "b"})]})
    lines = record.line_ids
    record.write({"line_ids": [(5, 0, 0)]})
    assert not record.line_ids
    assert not lines.exists()


def test_one2many_set_replaces_lines(Model, Line):
    record = Model.create({"line_ids": [Command.create({"name": "a"}), Command.create({"name": "b"})]})
    a, b = record.line_ids
    c = Line.create({"name": "c"})
    record.write({"line_ids": [(6, 0, [b.id, c.id])]})
    assert record.line_ids == b | c
    assert not a.exists()
    assert reload(record).line_ids == b | c


def test_one2many_commands_apply_in_order(Model):
    record = Model.create({"line_ids": [Command.create({"name": "a"})]})
    record.write({"line_ids": [Command.clear(), Command.create({"name": "b", "sequence": 1}),
                               Command.create({"name": "c", "sequence": 2})]})
    assert reload(record).line_ids.mapped("name") == ["b", "c"]


def test_one2many_create_command_on_several_records_creates_a_line_each(Model):
    records = Model.create([{}, {}])
    records.write({"line_ids": [Command.create({"name": "shared"})]})
    reload(records)
    assert [len(r.line_ids) for r in records] == [1, 1]
    assert records[0].line_ids != records[1].line_ids


def test_one2many_invalid_command_raises(Model):
    with pytest.raises(ValueError, match="line_ids"):
        Model.create({"line_ids": [(9, 0, 0)]})


# -- many2many commands (API-4) ------------------------------------------------------------------
def test_many2many_create_command_creates_and_links(Model, Tag):
    record = Model.create({"tag_ids": [(0, 0, {"name": "new1"}), Command.create({"name": "new2"})]})
    assert sorted(record.tag_ids.mapped("name")) == ["new1", "new2"]
    assert m2m_ids(record) == sorted(record.tag_ids.ids)
    assert Tag.search([("name", "in", ["new1", "new2"])]) == record.tag_ids


def test_many2many_update_command_writes_target(Model, tags):
    record = Model.create({"tag_ids": [Command.set(tags[:1].ids)]})
    record.write({"tag_ids": [(1, tags[0].id, {"name": "renamed"})]})
    assert reload(tags[0]).name == "renamed"
    assert tags[0] in record.tag_ids


def test_many2many_delete_command_deletes_target(Model, tags):
    record = Model.create({"tag_ids": [Command.set(tags.ids)]})
    record.write({"tag_ids": [Command.delete(tags[0].id)]})
    assert not tags[0].exists()
    assert record.tag_ids == tags[1:]
    assert m2m_ids(record) == sorted(tags[1:].ids)


def test_many2many_unlink_command_removes_link_only(Model, tags):
    record = Model.create({"tag_ids": [Command.set(tags.ids)]})
    record.write({"tag_ids": [(3, tags[1].id, 0)]})
    assert record.tag_ids == tags[0] | tags[2]
    assert tags[1].exists()
    assert m2m_ids(record) == sorted((tags[0] | tags[2]).ids)


def test_many2many_link_command_adds_link(Model, tags):
    record = Model.create({"tag_ids": [(4, tags[0].id, 0)]})
    record.write({"tag_ids": [Command.link(tags[1].id), Command.link(tags[1].id)]})
    assert record.tag_ids == tags[:2]
    assert m2m_ids(record) == sorted(tags[:2].ids)


def test_many2many_clear_command_removes_all_links(Model, tags):
    record = Model.create({"tag_ids": [Command.set(tags.ids)]})
    record.write({"tag_ids": [Command.clear()]})
    assert not record.tag_ids
    assert m2m_ids(record) == []
    assert tags.exists() == tags


def test_many2many_set_command_replaces_links(Model, tags):
    record = Model.create({"tag_ids": [(6, 0, tags[:2].ids)]})
    assert reload(record).tag_ids == tags[:2]
    record.write({"tag_ids": [Command.set(tags[1:].ids)]})
    assert record.tag_ids == tags[1:]
    assert m2m_ids(record) == sorted(tags[1:].ids)
    record.write({"tag_ids": [Command.set([])]})
    assert not record.tag_ids


def test_many2many_plain_id_list_means_set(Model, tags):
    record = Model.create({"tag_ids": tags[:2].ids})
    assert record.tag_ids == tags[:2]
    record.write({"tag_ids": [tags[2].id]})
    assert reload(record).tag_ids == tags[2]


def test_many2many_both_sides_see_the_link(Model, tags):
    record = Model.create({"tag_ids": [Command.set(tags[:1].ids)]})
    assert record in tags[0].all_types_ids
    record.write({"tag_ids": [Command.unlink(tags[0].id)]})
    assert record not in tags[0].all_types_ids


def test_many2many_link_to_missing_record_raises(Model):
    with pytest.raises(ValidationError):
        Model.create({"tag_ids": [Command.link(999999999)]})


def test_many2many_commands_on_several_records(Model, tags):
    records = Model.create([{}, {}])
    records.write({"tag_ids": [Command.link(tags[0].id)]})
    assert all(r.tag_ids == tags[0] for r in records)


# -- write (API-2) -------------------------------------------------------------------------------
def test_write_on_recordset_updates_every_record(Model):
    records = Model.create([{"name": "a"}, {"name": "b"}, {"name": "c"}])
    assert records.write({"integer": 9, "name": "same"}) is True
    reload(records)
    assert records.mapped("integer") == [9, 9, 9]
    assert records.mapped("name") == ["same"] * 3


def test_write_on_empty_recordset_is_a_noop(Model, count_queries, env):
    with count_queries(env) as counter:
        assert Model.browse().write({"name": "x"}) is True
    env.flush_all()
    assert counter.count == 0


def test_assignment_is_write(Model):
    record = Model.create({"name": "a"})
    record.name = "b"
    assert reload(record).name == "b"


def test_write_is_visible_to_search_in_same_transaction(Model):
    record = Model.create({"name": "before"})
    record.name = "after-search"
    assert Model.search([("name", "=", "after-search")]) == record


# -- unlink (API-6) ------------------------------------------------------------------------------
def test_unlink_removes_rows(Model, env):
    records = Model.create([{"name": "x"}, {"name": "y"}])
    ids = records.ids
    assert records.unlink() is True
    assert db_ids(env, "test_orm_all_types", "id IN %s", [tuple(ids)]) == []
    assert not records.exists()


def test_unlink_restricted_by_foreign_key_raises_user_error_suggesting_archive(env):
    country = env["res.country"].create({"name": "Ruritania", "code": "RX"})
    env["res.partner"].create({"name": "Citizen", "country_id": country.id})
    with pytest.raises(UserError) as info:
        country.unlink()
    message = str(info.value).lower()
    assert "archive" in message
    assert "res.partner" in message or "contact" in message
    assert not isinstance(info.value, ValidationError)


def test_unlink_restricted_leaves_record_in_place(env):
    country = env["res.country"].create({"name": "Ruritania", "code": "RX"})
    env["res.partner"].create({"name": "Citizen", "country_id": country.id})
    with pytest.raises(UserError):
        with env.cr.savepoint():
            country.unlink()
    assert country.exists() and country.name == "Ruritania"


def test_unlink_cascades_to_lines(env):
    order = env["test.orm.order"].create({"name": "cascade", "line_ids": [Command.create({"price": 1}),
                                                                           Command.create({"price": 2})]})
    lines = order.line_ids
    order.unlink()
    assert not lines.exists()


def test_unlink_set_null_clears_many2one_in_cache(Model, env):
    partner = env["res.partner"].create({"name": "Temporary"})
    record = Model.create({"partner_id": partner.id})
    assert record.partner_id == partner
    partner.unlink()
    assert not record.partner_id
    assert record.read(["partner_id"])[0]["partner_id"] is False


def test_unlink_removes_from_cached_x2many(Model):
    record = Model.create({"line_ids": [Command.create({"name": "a"}), Command.create({"name": "b"})]})
    a, b = record.line_ids
    a.unlink()
    assert record.line_ids == b


def test_unlink_empty_recordset_is_noop(Model):
    assert Model.browse().unlink() is True


# -- copy (API-7) --------------------------------------------------------------------------------
def test_copy_duplicates_copyable_fields_only(Model, env, tags):
    partner = env["res.partner"].create({"name": "P"})
    original = Model.create({
        "name": "orig", "integer": 4, "note": "not copied", "partner_id": partner.id,
        "tag_ids": [Command.set(tags[:2].ids)], "date": "2024-01-01",
        "line_ids": [Command.create({"name": "plain line"})],
    })
    copy = original.copy()
    assert copy != original and copy.exists()
    assert copy.name == "orig" and copy.integer == 4 and copy.date == datetime.date(2024, 1, 1)
    assert copy.partner_id == partner
    assert copy.note is False
    reload(copy)
    assert copy.note is False


def test_copy_relinks_many2many(Model, tags):
    original = Model.create({"tag_ids": [Command.set(tags[:2].ids)]})
    copy = original.copy()
    assert reload(copy).tag_ids == tags[:2]
    assert original.tag_ids == tags[:2]
    assert m2m_ids(copy) == sorted(tags[:2].ids)


def test_copy_duplicates_one2many_with_copy_true(Model, Line):
    original = Model.create({"copied_line_ids": [Command.create({"name": "l1", "sequence": 1}),
                                                 Command.create({"name": "l2", "sequence": 2})]})
    copy = original.copy()
    reload(copy)
    assert copy.copied_line_ids.mapped("name") == ["l1", "l2"]
    assert not (copy.copied_line_ids & original.copied_line_ids)
    assert original.copied_line_ids.mapped("name") == ["l1", "l2"]
    assert Line.search_count([("name", "in", ["l1", "l2"])]) == 4


def test_copy_default_overrides_values(env):
    order = env["test.orm.order"].create({"name": "SO-orig", "discount": 2,
                                          "line_ids": [Command.create({"price": 5})]})
    copy = order.copy({"name": "SO-copy"})
    assert copy.name == "SO-copy"
    assert copy.discount == 2
    # line_ids is a one2many without copy=True: not duplicated; the stored total follows
    assert not copy.line_ids
    assert copy.total == 0
    assert order.total == 5


def test_copy_copies_translations(Model):
    original = Model.create({"char_translate": "Chair"})
    original.with_context(lang="fr_FR").char_translate = "Chaise"
    copy = original.copy()
    reload(copy)
    assert copy.char_translate == "Chair"
    assert copy.with_context(lang="fr_FR").char_translate == "Chaise"


def test_copy_copies_binary_attachment(Model):
    original = Model.create({"binary": b"payload"})
    copy = original.copy()
    reload(copy)
    assert copy.binary == b"payload"
    original.binary = b"changed"
    assert reload(copy).binary == b"payload"


def test_copy_of_several_records_raises(Model):
    records = Model.create([{}, {}])
    with pytest.raises(ValueError, match="Expected singleton"):
        records.copy()


def test_copy_sets_new_magic_fields(Model, other_user):
    original = Model.create({"name": "mine"})
    copy = original.with_user(other_user).sudo().copy()
    assert copy.create_uid == other_user
    assert original.create_uid != other_user


# -- read (API-5) --------------------------------------------------------------------------------
def test_read_returns_dicts_in_recordset_order_with_id(Model):
    records = Model.create([{"name": "a"}, {"name": "b"}])
    reversed_records = records.browse(list(reversed(records.ids)))
    assert reversed_records.read(["name"]) == [{"id": records[1].id, "name": "b"},
                                               {"id": records[0].id, "name": "a"}]


def test_read_id_only(Model):
    record = Model.create({"name": "id only"})
    assert record.read(["id"]) == [{"id": record.id}]


def test_read_without_fields_returns_all_fields(Model):
    record = Model.create({"name": "all"})
    values = record.read()[0]
    assert set(values) == set(Model._fields)


def test_read_skips_deleted_records_silently(Model):
    records = Model.create([{"name": "a"}, {"name": "b"}, {"name": "c"}])
    records[1].unlink()
    assert [v["name"] for v in records.read(["name"])] == ["a", "c"]


def test_read_skips_records_deleted_behind_the_cache(Model, env):
    records = Model.create([{"name": "a"}, {"name": "b"}])
    env.flush_all()
    env.cr.execute("DELETE FROM test_orm_all_types WHERE id = %s", [records[0].id])
    env.invalidate_all(flush=False)
    assert [v["name"] for v in records.read(["name"])] == ["b"]


def test_read_of_unknown_ids_returns_nothing(Model):
    assert Model.browse([999999991, 999999992]).read(["name"]) == []


def test_field_access_on_deleted_record_raises_missing_error(Model, env):
    record = Model.create({"name": "ghost"})
    record.unlink()
    with pytest.raises(MissingError):
        record.name


def test_field_access_on_never_existing_record_raises_missing_error(Model):
    with pytest.raises(MissingError):
        Model.browse(999999993).name


def test_exists_returns_present_records_in_order(Model):
    records = Model.create([{"name": "a"}, {"name": "b"}, {"name": "c"}])
    records[1].unlink()
    mixed = Model.browse([records[2].id, 999999994, records[0].id])
    assert mixed.exists().ids == [records[2].id, records[0].id]
    assert not Model.browse().exists()


def test_exists_flushes_nothing_and_costs_one_query(Model, env, count_queries):
    records = Model.create([{"name": "a"}, {"name": "b"}])
    env.flush_all()
    with count_queries(env) as counter:
        records.exists()
    assert counter.count == 1


# -- names (API-12..14, MOD-7) -------------------------------------------------------------------
def test_display_name_is_rec_name(Tag):
    tag = Tag.create({"name": "Shown"})
    assert tag.display_name == "Shown"
    tag.name = "Renamed"
    assert tag.display_name == "Renamed"
    assert tag.name_get() == [(tag.id, "Renamed")]


def test_display_name_without_rec_name_is_model_and_id(env):
    record = env["test.orm.nameless"].create({"value": 1})
    assert record.display_name == f"test.orm.nameless,{record.id}"
    assert record.read(["display_name"])[0]["display_name"] == f"test.orm.nameless,{record.id}"


def test_name_search_matches_ilike_by_default(Tag):
    Tag.create([{"name": "Alpha crud"}, {"name": "alphabet crud"}, {"name": "Beta crud"}])
    result = Tag.name_search("ALPHA")
    names = [name for _, name in result]
    assert names == ["Alpha crud", "alphabet crud"]
    assert all(isinstance(i, int) for i, _ in result)


def test_name_search_operator_domain_and_limit(Tag):
    tags = Tag.create([{"name": "ns-a", "color": 1}, {"name": "ns-b", "color": 2}, {"name": "ns-c", "color": 2}])
    assert Tag.name_search("ns-b", operator="=") == [(tags[1].id, "ns-b")]
    assert Tag.name_search("ns-", domain=[("color", "=", 2)]) == [(tags[1].id, "ns-b"), (tags[2].id, "ns-c")]
    assert Tag.name_search("ns-", args=[("color", "=", 1)]) == [(tags[0].id, "ns-a")]
    assert len(Tag.name_search("ns-", limit=2)) == 2
    excluded = Tag.name_search("ns-a", operator="not ilike", domain=[("name", "like", "ns-")])
    assert [n for _, n in excluded] == ["ns-b", "ns-c"]


def test_name_search_empty_name_returns_domain_records(Tag):
    tags = Tag.create([{"name": "empty-1", "color": 42}, {"name": "empty-2", "color": 42}])
    assert Tag.name_search("", domain=[("color", "=", 42)]) == [(t.id, t.name) for t in tags]


def test_name_search_skips_archived(Tag):
    Tag.create([{"name": "arch-live"}, {"name": "arch-dead", "active": False}])
    assert [n for _, n in Tag.name_search("arch-")] == ["arch-live"]


def test_name_create_returns_id_and_display_name(Tag):
    tag_id, name = Tag.name_create("Quick tag")
    assert name == "Quick tag"
    assert Tag.browse(tag_id).name == "Quick tag"


def test_name_create_without_rec_name_raises_user_error(env):
    with pytest.raises(UserError):
        env["test.orm.nameless"].name_create("nope")


# -- default_get (API-30) ------------------------------------------------------------------------
def test_default_get_priorities_and_formats(env):
    Order = env["test.orm.order"]
    assert Order.default_get(["state", "name"]) == {"state": "draft"}
    assert Order.with_context(default_state="confirmed").default_get(["state"]) == {"state": "confirmed"}
    partner = env["res.partner"].create({"name": "Default partner"})
    defaults = Order.with_context(default_partner_id=partner.id).default_get(["partner_id"])
    assert defaults == {"partner_id": partner.id}


def test_default_get_unknown_field_raises(env):
    with pytest.raises(ValueError, match="nope"):
        env["test.orm.order"].default_get(["nope"])


# -- search_read (API-10) ------------------------------------------------------------------------
def test_search_read_returns_requested_fields_in_order(Tag):
    Tag.create([{"name": "sr-b", "color": 1}, {"name": "sr-a", "color": 2}, {"name": "sr-c", "color": 3}])
    result = Tag.search_read([("name", "like", "sr-")], ["name", "color"])
    assert [(r["name"], r["color"]) for r in result] == [("sr-a", 2), ("sr-b", 1), ("sr-c", 3)]
    assert set(result[0]) == {"id", "name", "color"}
    result = Tag.search_read([("name", "like", "sr-")], ["name"], offset=1, limit=1, order="color desc")
    assert [r["name"] for r in result] == ["sr-a"]


def test_search_read_with_no_match_returns_empty_list(Tag):
    assert Tag.search_read([("name", "=", "nothing-like-this")], ["name"]) == []


# -- magic fields (MOD-6) ------------------------------------------------------------------------
def test_magic_fields_set_by_orm(Model, env):
    record = Model.create({"name": "magic"})
    reload(record)
    assert record.create_uid == env.user and record.write_uid == env.user
    assert isinstance(record.create_date, datetime.datetime)
    assert record.create_date == record.write_date == env.cr.now()


def test_magic_values_supplied_by_caller_are_ignored(Model, env, other_user):
    old = datetime.datetime(2001, 1, 1)
    record = Model.create({"name": "m", "create_uid": other_user.id, "create_date": old,
                           "write_uid": other_user.id, "write_date": old})
    reload(record)
    assert record.create_uid == env.user and record.write_uid == env.user
    assert record.create_date != old and record.write_date != old
    record.write({"write_date": old, "create_date": old, "write_uid": other_user.id})
    reload(record)
    assert record.write_date != old and record.create_date != old
    assert record.write_uid == env.user


def test_one_transaction_shares_one_timestamp(Model, Tag):
    first = Model.create({"name": "t1"})
    tag = Tag.create({"name": "t2"})
    first.name = "t1 again"
    reload(first)
    assert first.create_date == tag.create_date == first.write_date == tag.write_date


def test_write_sets_write_uid_of_real_user_even_in_sudo(Model, other_user, env):
    record = Model.create({"name": "w"})
    record.with_user(other_user).sudo().write({"name": "by other"})
    reload(record)
    assert record.write_uid == other_user
    assert record.create_uid == env.user


def test_create_with_user_sets_create_uid(Model, other_user):
    record = Model.with_user(other_user).create({"name": "created by other"})
    reload(record)
    assert record.sudo().create_uid == other_user


# -- archiving (API-31, DOM-30) ------------------------------------------------------------------
def test_action_archive_and_unarchive(Tag):
    tags = Tag.create([{"name": "arc-1"}, {"name": "arc-2"}])
    tags.action_archive()
    assert tags.mapped("active") == [False, False]
    assert not Tag.search([("name", "like", "arc-")])
    assert Tag.with_context(active_test=False).search([("name", "like", "arc-")]) == tags
    tags[0].action_unarchive()
    assert Tag.search([("name", "like", "arc-")]) == tags[0]
    assert reload(tags).mapped("active") == [True, False]


def test_archive_on_model_without_active_raises(env):
    record = env["test.orm.nameless"].create({"value": 1})
    with pytest.raises(UserError):
        record.toggle_active()


# -- optimistic concurrency check (TRX-7) --------------------------------------------------------
def test_write_refused_when_record_changed_since_client_read(Model):
    record = Model.create({"name": "seen"})
    stale = record.with_context(__last_update={f"{MODEL},{record.id}": "2000-01-01 00:00:00"})
    with pytest.raises(ValidationError, match="modified by another user"):
        stale.write({"name": "late"})
    assert reload(record).name == "seen"


def test_unlink_refused_when_record_changed_since_client_read(Model):
    record = Model.create({"name": "seen"})
    stale = record.with_context(__last_update={f"{MODEL},{record.id}": "2000-01-01 00:00:00"})
    with pytest.raises(ValidationError):
        stale.unlink()
    assert record.exists()


def test_write_accepted_when_client_saw_latest_version(Model):
    record = Model.create({"name": "seen"})
    reload(record)
    seen = record.read(["write_date"])[0]["write_date"]
    record.with_context(__last_update={f"{MODEL},{record.id}": seen}).write({"name": "fresh"})
    assert reload(record).name == "fresh"


def test_last_update_of_other_records_is_ignored(Model):
    record = Model.create({"name": "seen"})
    other = {f"{MODEL},999999995": "2000-01-01 00:00:00", f"res.partner,{record.id}": "2000-01-01 00:00:00"}
    record.with_context(__last_update=other).write({"name": "fine"})
    assert record.name == "fine"


# -- transient models (MOD-3) --------------------------------------------------------------------
def age_rows(env, table, ids, interval):
    env.flush_all()
    env.cr.execute(f"UPDATE {table} SET create_date = (now() AT TIME ZONE 'UTC') - interval '{interval}', "
                   f"write_date = (now() AT TIME ZONE 'UTC') - interval '{interval}' WHERE id IN %s",
                   [tuple(ids)])
    env.invalidate_all(flush=False)


def test_transient_vacuum_removes_old_rows_and_keeps_recent(env):
    Wizard = env["test.orm.wizard"]
    old = Wizard.create([{"name": "old-1"}, {"name": "old-2"}])
    almost = Wizard.create({"name": "almost"})
    recent = Wizard.create({"name": "recent"})
    age_rows(env, "test_orm_wizard", old.ids, "2 hours")
    age_rows(env, "test_orm_wizard", almost.ids, "50 minutes")
    Wizard._transient_vacuum()
    assert not old.exists()
    assert almost.exists() == almost
    assert recent.exists() == recent


def test_transient_vacuum_count_limit_removes_oldest_but_never_fresh_rows(env, monkeypatch):
    Wizard = env["test.orm.wizard"]
    Wizard.search([]).unlink()
    rows = Wizard.create([{"name": f"w{i}"} for i in range(5)])
    for index, record in enumerate(rows[:4]):
        age_rows(env, "test_orm_wizard", record.ids, f"{10 + index} minutes")
    monkeypatch.setattr(type(Wizard), "_transient_max_count", 2)
    Wizard._transient_vacuum()
    # 5 rows for a limit of 2: the 3 oldest go; a row touched in the last 5 minutes never goes
    assert rows.exists() == rows[0] | rows[4]
    age_rows(env, "test_orm_wizard", rows[0].ids, "2 minutes")
    Wizard._transient_vacuum()
    assert rows.exists() == rows[0] | rows[4]


def test_transient_many2one_to_regular_model_defaults_to_set_null(env):
    assert env["test.orm.wizard"]._fields["order_id"].ondelete == "set null"
    order = env["test.orm.order"].create({"name": "wizard target"})
    wizard = env["test.orm.wizard"].create({"order_id": order.id})
    order.unlink()
    assert wizard.exists() and not wizard.order_id
