"""Import and export of rows (orm.md API-19 ``load``, API-20 ``export_data``)."""
import datetime
import re

import pytest

from bureau.exceptions import ValidationError

MODEL = "test.orm.all.types"


@pytest.fixture
def Types(env):
    return env[MODEL]


@pytest.fixture
def partners(env):
    Partner = env["res.partner"]
    return Partner.create([{"name": "Import Partner"}, {"name": "Import Partner Two"}])


def xml_id_of(record):
    return record.get_external_id()[record.id]


def errors(result):
    return [message for message in result["messages"] if message["type"] == "error"]


# -- load: dry run and skipping bad rows -----------------------------------------------------------
ROWS = [["dry_a", "A", "1"], ["dry_b", "B", "not a number"], ["dry_c", "C", "3"]]


def test_dry_run_reports_every_bad_row_and_writes_nothing(env, Types):
    before = Types.search_count([])
    result = Types.with_context(import_dryrun=True).load(["id", "name", "integer"], ROWS)
    assert result["ids"] is False
    assert [(m["rows"]["from"], m["field"]) for m in errors(result)] == [(1, "integer")]
    assert Types.search_count([]) == before
    clean = Types.with_context(import_dryrun=True).load(["id", "name", "integer"], [ROWS[0], ROWS[2]])
    assert clean["dryrun"] is True and len(clean["ids"]) == 2 and clean["messages"] == []
    assert Types.search_count([]) == before
    assert not env.ref("__import__.dry_a", raise_if_not_found=False)


def test_skip_errors_keeps_the_good_rows(env, Types):
    result = Types.with_context(import_skip_errors=True).load(["id", "name", "integer"], ROWS)
    assert [m["rows"]["from"] for m in errors(result)] == [1]
    assert Types.browse(result["ids"]).mapped("name") == ["A", "C"]


# -- load: ids ------------------------------------------------------------------------------------
def test_load_creates_records_with_import_external_ids(env, Types):
    result = Types.load(["id", "name", "integer"], [["rec_a", "A", "1"], ["rec_b", "B", "2"]])
    assert result["messages"] == [] and result["nextrow"] == 0
    records = Types.browse(result["ids"])
    assert records.mapped("name") == ["A", "B"] and records.mapped("integer") == [1, 2]
    assert xml_id_of(records[0]) == "__import__.rec_a"
    assert env.ref("__import__.rec_b") == records[1]


def test_load_updates_records_of_existing_external_ids(env, Types):
    first = Types.load(["id", "name"], [["rec_upd", "First"]])
    second = Types.load(["id", "name", "integer"], [["__import__.rec_upd", "Second", "5"]])
    assert first["ids"] == second["ids"]
    record = Types.browse(second["ids"])
    assert (record.name, record.integer) == ("Second", 5)


def test_load_with_database_id_updates_that_record(env, Types):
    record = Types.create({"name": "by id"})
    result = Types.load([".id", "name"], [[str(record.id), "renamed"]])
    assert result["ids"] == [record.id] and record.name == "renamed"


def test_load_unknown_database_id_is_an_error(env, Types):
    result = Types.load([".id", "name"], [["999999999", "x"]])
    assert result["ids"] is False
    assert errors(result)[0]["field"] == ".id"


def test_load_module_context_names_external_ids(env, Types):
    result = Types.with_context(module="test_orm").load(["id", "name"], [["loaded_in_module", "M"]])
    assert env.ref("test_orm.loaded_in_module").id == result["ids"][0]


def test_load_update_mode_leaves_noupdate_records(env, Types):
    frozen = Types.with_context(noupdate=True)
    frozen.load(["id", "name"], [["rec_frozen", "Original"]])
    Types.with_context(mode="update").load(["id", "name"], [["rec_frozen", "Changed"]])
    assert env.ref("__import__.rec_frozen").name == "Original"
    Types.load(["id", "name"], [["rec_frozen", "Init"]])
    assert env.ref("__import__.rec_frozen").name == "Init", "mode init writes anyway"


# -- load: values ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text,value", [("1", True), ("0", False), ("true", True), ("False", False),
                                        ("yes", True), ("no", False), ("", False)])
def test_load_booleans(Types, text, value):
    result = Types.load(["name", "boolean"], [["b", text]])
    assert Types.browse(result["ids"]).boolean is value


def test_load_unknown_boolean_is_an_error(Types):
    result = Types.load(["name", "boolean"], [["b", "maybe"]])
    assert result["ids"] is False
    assert errors(result)[0]["field"] == "boolean" and "maybe" in errors(result)[0]["message"]


def test_load_numbers_dates_and_datetimes(Types):
    result = Types.load(["name", "integer", "float_plain", "date", "datetime"],
                        [["n", "-3", "2.75", "2024-02-29", "2024-02-29 23:15:00"]])
    record = Types.browse(result["ids"])
    assert (record.integer, record.float_plain) == (-3, 2.75)
    assert record.date == datetime.date(2024, 2, 29)
    assert record.datetime == datetime.datetime(2024, 2, 29, 23, 15)


def test_load_datetime_in_context_time_zone(Types):
    result = Types.with_context(tz="Europe/Brussels").load(["name", "datetime"], [["tz", "2024-07-01 12:00:00"]])
    assert Types.browse(result["ids"]).datetime == datetime.datetime(2024, 7, 1, 10, 0)


@pytest.mark.parametrize("column,text", [("date", "29/02/2024"), ("date", "2024-02-30"), ("integer", "1.5"),
                                         ("float_plain", "abc")])
def test_load_bad_values_are_errors(Types, column, text):
    result = Types.load(["name", column], [["bad", text]])
    assert result["ids"] is False
    assert errors(result)[0]["field"] == column


@pytest.mark.parametrize("text,key", [("draft", "draft"), ("Done", "done"), ("done", "done"), ("DRAFT", "draft")])
def test_load_selection_by_key_or_label(Types, text, key):
    result = Types.load(["name", "selection"], [["s", text]])
    assert Types.browse(result["ids"]).selection == key


def test_load_selection_integer_keys(Types):
    result = Types.load(["name", "selection_int", "selection_dynamic"], [["s", "Two", "b"]])
    record = Types.browse(result["ids"])
    assert (record.selection_int, record.selection_dynamic) == (2, "b")


def test_load_unknown_selection_value_is_an_error(Types):
    result = Types.load(["name", "selection"], [["s", "cancelled"]])
    assert result["ids"] is False and errors(result)[0]["field"] == "selection"


def test_load_many2one_by_exact_name(Types, partners):
    result = Types.load(["name", "partner_id"], [["m", "Import Partner"]])
    assert Types.browse(result["ids"]).partner_id == partners[0], "exact match, not 'Import Partner Two'"


def test_load_many2one_by_name_not_found(Types, partners):
    result = Types.load(["name", "partner_id"], [["m", "Import Part"]])
    assert result["ids"] is False
    message = errors(result)[0]
    assert message["field"] == "partner_id" and "Import Part" in message["message"]


@pytest.mark.parametrize("column", ["partner_id/id", "partner_id:id"])
def test_load_many2one_by_external_id(env, Types, column):
    result = Types.load(["name", column], [["m", "base.main_partner"]])
    assert Types.browse(result["ids"]).partner_id == env.ref("base.main_partner")


@pytest.mark.parametrize("column", ["partner_id/.id", "partner_id.id"])
def test_load_many2one_by_database_id(Types, partners, column):
    result = Types.load(["name", column], [["m", str(partners[1].id)]])
    assert Types.browse(result["ids"]).partner_id == partners[1]


def test_load_many2one_external_id_of_another_model_refused(Types):
    result = Types.load(["name", "partner_id/id"], [["m", "base.group_user"]])
    assert result["ids"] is False and "base.group_user" in errors(result)[0]["message"]


def test_load_many2many_comma_separated(env, Types):
    Tag = env["test.orm.tag"]
    tags = Tag.create([{"name": "imp-1"}, {"name": "imp-2"}])
    tag_ids = tags._ensure_xml_ids()
    result = Types.load(["name", "tag_ids/id"], [["t", ",".join(xid for _, xid in tag_ids)]])
    assert Types.browse(result["ids"]).tag_ids == tags
    result = Types.load(["name", "tag_ids"], [["t", "imp-1,imp-2"]])
    assert Types.browse(result["ids"]).tag_ids == tags, "by names"
    result = Types.load(["name", "tag_ids/.id"], [["t", str(tags[1].id)]])
    assert Types.browse(result["ids"]).tag_ids == tags[1]


def test_load_one2many_continuation_rows(Types):
    rows = [
        ["o2m_a", "First", "line 1", "1"],
        ["", "", "line 2", "2"],
        ["", "", "line 3", "3"],
        ["o2m_b", "Second", "line 4", "4"],
        ["o2m_c", "Third", "", ""],
    ]
    result = Types.load(["id", "name", "line_ids/name", "line_ids/sequence"], rows)
    assert result["messages"] == []
    first, second, third = Types.browse(result["ids"])
    assert [(line.name, line.sequence) for line in first.line_ids] == [("line 1", 1), ("line 2", 2), ("line 3", 3)]
    assert second.line_ids.mapped("name") == ["line 4"]
    assert not third.line_ids


def test_load_one2many_line_of_unknown_external_id_is_an_error(Types):
    result = Types.load(["id", "name", "line_ids/id", "line_ids/name"], [["o2m_new", "R", "line_x", "old"]])
    assert result["ids"] is False
    assert errors(result)[0]["field"] == "line_ids" and "__import__.line_x" in errors(result)[0]["message"]


def test_load_one2many_existing_lines_updated_by_external_id(env, Types):
    Types.load(["id", "name", "line_ids/name"], [["o2m_upd", "R", "old"]])
    record = env.ref("__import__.o2m_upd")
    (lines,) = record.line_ids._ensure_xml_ids()
    Types.load(["id", "line_ids/id", "line_ids/name"], [["o2m_upd", lines[1], "new"]])
    assert record.line_ids.mapped("name") == ["new"] and record.line_ids == lines[0]


def test_load_error_messages_name_record_field_and_rows(Types):
    rows = [
        ["ok", "1"],
        ["bad", "x"],
        ["", "2"],
    ]
    result = Types.load(["name", "integer"], rows)
    assert result["ids"] is False
    (message,) = errors(result)
    assert set(message) >= {"type", "message", "record", "field", "rows"}
    assert (message["record"], message["field"], message["rows"]) == (1, "integer", {"from": 1, "to": 1})


def test_load_continuation_rows_counted_in_rows_range(Types):
    rows = [["a", "l1", "1"], ["", "l2", "x"], ["b", "l3", "3"]]
    result = Types.load(["name", "line_ids/name", "line_ids/sequence"], rows)
    (message,) = errors(result)
    assert message["record"] == 0 and message["rows"] == {"from": 0, "to": 1} and message["field"] == "line_ids"


def test_load_reports_every_error_and_rolls_everything_back(env, Types):
    before = Types.search_count([])
    rows = [["good", "1"], ["bad one", "x"], ["good two", "2"], ["bad two", "y"]]
    result = Types.load(["name", "integer"], rows)
    assert result["ids"] is False
    assert [message["record"] for message in errors(result)] == [1, 3]
    assert Types.search_count([]) == before, "nothing kept"


def test_load_orm_error_in_one_record_reported_and_everything_rolled_back(env):
    Constrained = env["test.orm.constrained"]
    before = Constrained.search_count([])
    result = Constrained.load(["name", "amount"], [["c-ok", "1"], ["c-neg", "-1"], ["c-ok-2", "2"]])
    assert result["ids"] is False
    (message,) = errors(result)
    assert message["record"] == 1 and "cannot be negative" in message["message"]
    assert Constrained.search_count([]) == before


def test_load_unknown_column_is_an_error(Types):
    result = Types.load(["name", "no_such_field"], [["x", "y"]])
    assert result["ids"] is False
    assert "no_such_field" in result["messages"][0]["message"]


def test_load_subfield_of_non_relational_field_is_an_error(Types):
    result = Types.load(["name/id"], [["x"]])
    assert result["ids"] is False and "not relational" in result["messages"][0]["message"]


def test_load_row_of_wrong_length_is_an_error(Types):
    result = Types.load(["name", "integer"], [["x"]])
    assert result["ids"] is False and "2 columns" in result["messages"][0]["message"]


# -- export_data ----------------------------------------------------------------------------------
def test_export_plain_values(Types):
    record = Types.create({"name": "Exp", "integer": 0, "float_plain": 1.5, "boolean": True, "selection": "done",
                           "date": "2024-01-02"})
    datas = record.export_data(["name", "integer", "float_plain", "boolean", "selection", "date", "text"])["datas"]
    assert datas == [["Exp", 0, 1.5, True, "Done", "2024-01-02", ""]]


def test_export_creates_stable_export_external_ids(env, Types):
    record = Types.create({"name": "Exp id"})
    (row,) = record.export_data(["id", ".id"])["datas"]
    assert re.fullmatch(rf"__export__\.test_orm_all_types_{record.id}_[0-9a-f]{{8}}", row[0])
    assert row[1] == str(record.id)
    assert record.export_data(["id"])["datas"] == [[row[0]]], "created once, reused"
    assert env.ref(row[0]) == record


def test_export_uses_existing_external_id(env):
    group = env.ref("base.group_user")
    assert group.export_data(["id", "name"])["datas"] == [["base.group_user", group.name]]


def test_export_many2one(env, Types, partners):
    record = Types.create({"name": "M2O", "partner_id": partners[0].id})
    empty = Types.create({"name": "no partner"})
    records = record | empty
    datas = records.export_data(["partner_id", "partner_id/id", "partner_id/.id", "partner_id/city"])["datas"]
    xid = xml_id_of(partners[0])
    assert datas == [["Import Partner", xid, str(partners[0].id), ""], ["", "", "", ""]]


def test_export_one2many_continuation_rows(Types):
    record = Types.create({"name": "Lines", "line_ids": [(0, 0, {"name": "l1", "sequence": 1}),
                                                         (0, 0, {"name": "l2", "sequence": 2})]})
    other = Types.create({"name": "Other"})
    datas = (record | other).export_data(["name", "line_ids/name", "line_ids/sequence"])["datas"]
    assert datas == [["Lines", "l1", 1], ["", "l2", 2], ["Other", "", ""]]


def test_export_many2many_in_one_cell(env, Types):
    tags = env["test.orm.tag"].create([{"name": "exp-a"}, {"name": "exp-b"}])
    record = Types.create({"name": "Tags", "tag_ids": [(6, 0, tags.ids)]})
    (row,) = record.export_data(["tag_ids/id", "tag_ids"])["datas"]
    assert row[0] == ",".join(xml_id_of(tag) for tag in tags)
    (row,) = record.export_data(["tag_ids"])["datas"]
    assert row == ["exp-a,exp-b"]


def test_export_unknown_field_refused(Types):
    with pytest.raises(ValidationError, match="no_such_field"):
        Types.browse().export_data(["no_such_field"])


def test_export_then_load_round_trip(env, Types, partners):
    tags = env["test.orm.tag"].create([{"name": "rt-a"}, {"name": "rt-b"}])
    record = Types.create({"name": "Round", "integer": 4, "selection": "draft", "partner_id": partners[1].id,
                           "tag_ids": [(6, 0, tags.ids)],
                           "line_ids": [(0, 0, {"name": "r1"}), (0, 0, {"name": "r2"})]})
    columns = ["id", "name", "integer", "selection", "partner_id/id", "tag_ids/id", "line_ids/name"]
    datas = record.export_data(columns)["datas"]
    record.write({"name": "Changed", "integer": 0, "tag_ids": [(5,)], "line_ids": [(5,)]})
    result = Types.load(columns, [[str(cell) for cell in row] for row in datas])
    assert result["messages"] == [] and result["ids"] == [record.id]
    assert (record.name, record.integer, record.selection) == ("Round", 4, "draft")
    assert record.partner_id == partners[1] and record.tag_ids == tags
    assert record.line_ids.mapped("name") == ["r1", "r2"]
