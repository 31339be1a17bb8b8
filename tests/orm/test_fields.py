"""Field types and field attributes (orm.md §3, §4, API-1..3, API-15, API-30).

Every value is checked three ways: through ``record.field`` (Python value), through ``read()``
(RPC value) and, after the cache is dropped, as fetched back from PostgreSQL.
"""
import base64
import datetime
import json

import pytest

from bureau import Command
from bureau.exceptions import ValidationError

MODEL = "test.orm.all.types"
UNICODE = "Zoë ßtraße 東京 😀"


@pytest.fixture
def Model(env):
    return env[MODEL]


@pytest.fixture
def record(Model):
    return Model.create({"name": "rec"})


def reload(record):
    """The record after flushing and dropping every cached value (values come from the database)."""
    record.env.flush_all()
    record.env.invalidate_all()
    return record


def raw(record, column):
    """The value of ``column`` in the record's row, straight from PostgreSQL."""
    record.env.flush_all()
    record.env.cr.execute(f'SELECT "{column}" FROM "{record._table}" WHERE id = %s', [record.id])
    return record.env.cr.fetchone()[0]


def column_type(env, table, column):
    env.cr.execute("SELECT data_type, character_maximum_length FROM information_schema.columns "
                   "WHERE table_name = %s AND column_name = %s", [table, column])
    return env.cr.fetchone()


# -- empty values (orm.md §3) ------------------------------------------------------------------------
EMPTY_READ = {
    "name": False, "char_sized": False, "char_translate": False, "text": False, "html": False,
    "integer": 0, "float_plain": 0.0, "float_digits": 0.0, "amount": 0.0, "boolean": False,
    "date": False, "datetime": False, "selection": False, "selection_int": False,
    "selection_dynamic": False, "reference": False, "binary": False, "binary_db": False,
    "json_data": False, "partner_id": False, "currency_id": False, "line_ids": [], "tag_ids": [],
    "partner_name": False, "partner_city": False, "name_upper": False,
}


def test_empty_record_reads_null_formats(Model):
    record = reload(Model.create({}))
    values = record.read(list(EMPTY_READ))[0]
    assert values == dict(EMPTY_READ, id=record.id)
    assert type(values["integer"]) is int and type(values["float_plain"]) is float


def test_empty_record_field_access_gives_python_nulls(Model):
    record = reload(Model.create({}))
    assert record.name is False and record.text is False and record.date is False
    assert record.integer == 0 and record.float_plain == 0.0 and record.amount == 0.0
    assert record.boolean is False and record.selection is False and record.reference is False
    assert record.binary is False and record.binary_db is False
    assert record.partner_id._name == "res.partner" and not record.partner_id
    assert record.line_ids._name == "test.orm.line" and not record.line_ids
    assert record.tag_ids._name == "test.orm.tag" and not record.tag_ids


def test_empty_recordset_field_access_gives_python_nulls(Model):
    empty = Model.browse()
    assert empty.name is False
    assert empty.integer == 0
    assert empty.float_plain == 0.0
    assert not empty.partner_id and empty.partner_id._name == "res.partner"
    assert not empty.tag_ids


def test_write_false_everywhere_reads_null_formats(Model, env):
    partner = env["res.partner"].create({"name": "P", "city": "Paris"})
    tag = env["test.orm.tag"].create({"name": "t"})
    record = Model.create({
        "name": "x", "char_sized": "abc", "char_translate": "tr", "text": "t", "html": "<p>h</p>",
        "integer": 5, "float_plain": 1.5, "float_digits": 2.5, "amount": 3.0, "boolean": True,
        "date": "2024-01-02", "datetime": "2024-01-02 03:04:05", "selection": "draft",
        "selection_int": 1, "selection_dynamic": "a", "reference": f"res.partner,{partner.id}",
        "binary": base64.b64encode(b"data").decode(), "binary_db": base64.b64encode(b"db").decode(),
        "json_data": {"a": 1}, "partner_id": partner.id, "tag_ids": [Command.set(tag.ids)],
    })
    record.write({name: False for name in EMPTY_READ
                  if name not in ("line_ids", "partner_name", "partner_city", "name_upper")})
    assert record.read(list(EMPTY_READ))[0] == dict(EMPTY_READ, id=record.id)
    reload(record)
    assert record.read(list(EMPTY_READ))[0] == dict(EMPTY_READ, id=record.id)
    assert raw(record, "integer") is None or raw(record, "integer") == 0
    assert raw(record, "name") is None


def test_write_false_on_char_reads_false(record):
    record.name = False
    assert reload(record).name is False
    assert raw(record, "name") is None


def test_write_empty_string_on_char_reads_empty_string(record):
    record.name = ""
    assert reload(record).name == ""


# -- text ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("fname", ["name", "text", "char_translate", "text_translate"])
def test_unicode_text_round_trips(Model, fname):
    record = Model.create({fname: UNICODE})
    assert record[fname] == UNICODE
    reload(record)
    assert record[fname] == UNICODE
    assert record.read([fname])[0][fname] == UNICODE
    record.write({fname: UNICODE + "!"})
    assert reload(record)[fname] == UNICODE + "!"


def test_char_size_truncates_on_create_and_write(Model, env):
    assert column_type(env, "test_orm_all_types", "char_sized") == ("character varying", 5)
    record = Model.create({"char_sized": "abcdefgh"})
    assert record.char_sized == "abcde"
    assert raw(record, "char_sized") == "abcde"
    record.char_sized = "ßtraße東京"
    assert reload(record).char_sized == "ßtraß"


def test_text_keeps_newlines_and_long_values(record):
    value = "line 1\nline 2\n" + "x" * 10000
    record.text = value
    assert reload(record).text == value


def test_non_string_written_to_char_is_converted_to_str(record):
    record.name = 42
    assert reload(record).name == "42"


# -- numbers -------------------------------------------------------------------------------------
def test_integer_round_trips_including_negative_and_zero(Model):
    records = Model.create([{"integer": 7}, {"integer": -3}, {"integer": 0}, {"integer": "12"}])
    reload(records)
    assert records.mapped("integer") == [7, -3, 0, 12]
    assert [r["integer"] for r in records.read(["integer"])] == [7, -3, 0, 12]


def test_integer_out_of_int4_range_raises_value_error(record):
    with pytest.raises(ValueError, match="integer"):
        record.integer = 2**31


def test_integer_garbage_raises_value_error_naming_field(record):
    with pytest.raises(ValueError, match="integer"):
        record.integer = "twelve"


def test_float_plain_keeps_full_precision(record, env):
    record.float_plain = 1.23456789
    assert reload(record).float_plain == 1.23456789
    assert column_type(env, "test_orm_all_types", "float_plain")[0] == "double precision"


@pytest.mark.parametrize("value, expected", [(1.005, 1.01), (2.344, 2.34), (-2.345, -2.35), (3, 3.0)])
def test_float_digits_rounds_to_scale(Model, env, value, expected):
    assert column_type(env, "test_orm_all_types", "float_digits")[0] == "numeric"
    record = Model.create({"float_digits": value})
    assert record.float_digits == expected
    assert float(raw(record, "float_digits")) == expected
    record.float_digits = 7.125
    assert reload(record).float_digits == 7.13


def test_float_read_returns_float(record):
    record.float_digits = 4
    reload(record)
    value = record.read(["float_digits"])[0]["float_digits"]
    assert value == 4.0 and type(value) is float


def test_float_garbage_raises_value_error(record):
    with pytest.raises(ValueError, match="float_plain"):
        record.float_plain = "abc"


@pytest.fixture
def coarse_currency(env):
    return env["res.currency"].create({"name": "XCO", "symbol": "C", "rounding": 0.05})


def test_monetary_rounded_with_currency_on_create(Model, coarse_currency):
    record = Model.create({"amount": 1.23, "currency_id": coarse_currency.id})
    assert record.amount == 1.25
    assert float(raw(record, "amount")) == 1.25


def test_monetary_rounded_with_currency_on_write(Model, coarse_currency):
    record = Model.create({"currency_id": coarse_currency.id})
    record.amount = 2.12
    assert reload(record).amount == 2.1


def test_monetary_rounded_with_currency_written_in_same_call(Model, coarse_currency):
    record = Model.create({})
    record.write({"amount": 3.33, "currency_id": coarse_currency.id})
    assert reload(record).amount == 3.35


def test_monetary_rounded_per_record_on_multi_write(Model, env, coarse_currency):
    eur = env.ref("base.EUR")
    records = Model.create([{"currency_id": eur.id}, {"currency_id": coarse_currency.id}])
    records.write({"amount": 1.234})
    reload(records)
    assert records.mapped("amount") == [1.23, 1.25]


def test_monetary_without_currency_is_not_rounded(Model, env):
    record = Model.create({"amount": 1.23456})
    assert reload(record).amount == 1.23456
    assert column_type(env, "test_orm_all_types", "amount")[0] == "numeric"


@pytest.mark.parametrize("value, expected", [(True, True), (1, True), ("yes", True), (False, False),
                                             (0, False), ("", False), (None, False)])
def test_boolean_accepts_any_truthy_value(Model, value, expected):
    record = Model.create({"boolean": value})
    assert reload(record).boolean is expected
    assert record.read(["boolean"])[0]["boolean"] is expected


# -- dates ---------------------------------------------------------------------------------------
def test_date_from_string_and_object(Model):
    records = Model.create([{"date": "2024-02-29"}, {"date": datetime.date(1999, 12, 31)}])
    reload(records)
    assert records.mapped("date") == [datetime.date(2024, 2, 29), datetime.date(1999, 12, 31)]
    assert [r["date"] for r in records.read(["date"])] == ["2024-02-29", "1999-12-31"]


def test_date_from_datetime_keeps_the_day(record):
    record.date = datetime.datetime(2024, 5, 6, 23, 59)
    assert reload(record).date == datetime.date(2024, 5, 6)


def test_invalid_date_raises_value_error_naming_field(record):
    with pytest.raises(ValueError, match="date"):
        record.date = "2024-13-45"


def test_datetime_from_string_and_object(Model):
    records = Model.create([{"datetime": "2024-03-01 12:34:56"},
                            {"datetime": datetime.datetime(2020, 1, 2, 3, 4, 5)}])
    reload(records)
    assert records.mapped("datetime") == [datetime.datetime(2024, 3, 1, 12, 34, 56),
                                          datetime.datetime(2020, 1, 2, 3, 4, 5)]
    assert [r["datetime"] for r in records.read(["datetime"])] == ["2024-03-01 12:34:56",
                                                                    "2020-01-02 03:04:05"]


def test_datetime_iso_string_with_offset_is_converted_to_utc(record):
    record.datetime = "2024-07-01T14:30:00+02:00"
    assert raw(record, "datetime") == datetime.datetime(2024, 7, 1, 12, 30)


def test_datetime_drops_microseconds(record):
    record.datetime = datetime.datetime(2024, 3, 1, 12, 0, 0, 987654)
    assert record.datetime == datetime.datetime(2024, 3, 1, 12, 0, 0)
    assert raw(record, "datetime") == datetime.datetime(2024, 3, 1, 12, 0, 0)
    assert reload(record).datetime.microsecond == 0


def test_aware_datetime_is_stored_in_utc(Model):
    paris_summer = datetime.timezone(datetime.timedelta(hours=2))
    record = Model.create({"datetime": datetime.datetime(2024, 7, 1, 14, 30, tzinfo=paris_summer)})
    assert raw(record, "datetime") == datetime.datetime(2024, 7, 1, 12, 30)
    assert reload(record).datetime == datetime.datetime(2024, 7, 1, 12, 30)
    assert reload(record).datetime.tzinfo is None
    record.datetime = datetime.datetime(2024, 1, 1, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
    assert raw(record, "datetime") == datetime.datetime(2024, 1, 1, 5, 30)


def test_datetime_reads_utc_whatever_the_context_tz(Model):
    record = reload(Model.create({"datetime": "2024-07-01 12:00:00"}))
    tokyo = record.with_context(tz="Asia/Tokyo")
    assert tokyo.datetime == datetime.datetime(2024, 7, 1, 12, 0)
    assert tokyo.read(["datetime"])[0]["datetime"] == "2024-07-01 12:00:00"


def test_datetime_column_is_timestamp_without_time_zone(env):
    assert column_type(env, "test_orm_all_types", "datetime")[0] == "timestamp without time zone"


def test_invalid_datetime_raises_value_error(record):
    with pytest.raises(ValueError, match="datetime"):
        record.datetime = "not a date"


def test_date_and_datetime_helpers(record):
    from bureau import fields
    day = datetime.date(2024, 5, 15)
    assert fields.Date.to_date("2024-05-15") == day
    assert fields.Date.to_date(False) is None
    assert fields.Date.to_string(day) == "2024-05-15"
    assert fields.Date.add(day, months=1, days=1) == datetime.date(2024, 6, 16)
    assert fields.Date.subtract(day, years=1) == datetime.date(2023, 5, 15)
    assert fields.Date.start_of(day, "month") == datetime.date(2024, 5, 1)
    assert fields.Date.end_of(day, "quarter") == datetime.date(2024, 6, 30)
    assert fields.Date.start_of(day, "week") == datetime.date(2024, 5, 13)
    assert fields.Datetime.now().microsecond == 0 and fields.Datetime.now().tzinfo is None
    assert fields.Datetime.to_string(datetime.datetime(2024, 5, 15, 1, 2, 3)) == "2024-05-15 01:02:03"
    stamp = fields.Datetime.context_timestamp(record.with_context(tz="Asia/Tokyo"),
                                              datetime.datetime(2024, 5, 15, 20, 0))
    assert (stamp.day, stamp.hour) == (16, 5)
    tokyo_today = fields.Date.context_today(record.with_context(tz="Asia/Tokyo"),
                                            datetime.datetime(2024, 5, 15, 20, 0))
    assert tokyo_today == datetime.date(2024, 5, 16)


# -- selection -----------------------------------------------------------------------------------
def test_selection_round_trips(Model):
    record = Model.create({"selection": "done"})
    assert reload(record).selection == "done"
    assert record.read(["selection"])[0]["selection"] == "done"


def test_bad_selection_value_raises_value_error_naming_model_field_value(Model, record):
    with pytest.raises(ValueError) as info:
        Model.create({"selection": "bogus"})
    message = str(info.value)
    assert MODEL in message and "selection" in message and "bogus" in message
    with pytest.raises(ValueError, match="bogus"):
        record.write({"selection": "bogus"})


def test_integer_selection_uses_int_column(Model, env):
    assert column_type(env, "test_orm_all_types", "selection_int")[0] == "integer"
    record = Model.create({"selection_int": 2})
    assert raw(record, "selection_int") == 2
    assert reload(record).selection_int == 2
    with pytest.raises(ValueError, match="selection_int"):
        record.selection_int = 3


def test_dynamic_selection_validates_against_method(Model):
    record = Model.create({"selection_dynamic": "b"})
    assert reload(record).selection_dynamic == "b"
    with pytest.raises(ValueError, match="selection_dynamic"):
        record.selection_dynamic = "z"


# -- reference -----------------------------------------------------------------------------------
def test_reference_from_string_and_record(Model, env):
    partner = env["res.partner"].create({"name": "Ref"})
    tag = env["test.orm.tag"].create({"name": "RefTag"})
    records = Model.create([{"reference": f"res.partner,{partner.id}"}, {"reference": tag}])
    reload(records)
    assert records[0].reference == partner
    assert records[1].reference == tag
    assert [r["reference"] for r in records.read(["reference"])] == [f"res.partner,{partner.id}",
                                                                     f"test.orm.tag,{tag.id}"]
    assert raw(records[1], "reference") == f"test.orm.tag,{tag.id}"


def test_reference_to_model_outside_selection_raises(record, env):
    user = env.user
    with pytest.raises(ValueError, match="reference"):
        record.reference = f"res.users,{user.id}"


def test_reference_malformed_raises(record):
    with pytest.raises(ValueError, match="reference"):
        record.reference = "res.partner"


def test_dangling_reference_reads_false(Model, env):
    tag = env["test.orm.tag"].create({"name": "gone"})
    record = Model.create({"reference": f"test.orm.tag,{tag.id}"})
    tag.unlink()
    reload(record)
    assert record.reference is False
    assert record.read(["reference"])[0]["reference"] is False


# -- binary --------------------------------------------------------------------------------------
def attachments_of(record, fname):
    return record.env["ir.attachment"].search([("res_model", "=", record._name), ("res_field", "=", fname),
                                               ("res_id", "=", record.id)])


def test_binary_attachment_is_stored_in_ir_attachment(Model, env):
    record = Model.create({"binary": base64.b64encode(b"hello").decode()})
    assert record.binary == b"hello"
    assert column_type(env, "test_orm_all_types", "binary") is None
    attachment = attachments_of(record, "binary")
    assert len(attachment) == 1
    assert attachment.raw == b"hello"
    assert reload(record).binary == b"hello"


def test_binary_write_replaces_and_false_deletes_attachment(record):
    record.binary = base64.b64encode(b"one").decode()
    record.binary = base64.b64encode(b"two").decode()
    assert len(attachments_of(record, "binary")) == 1
    assert reload(record).binary == b"two"
    record.binary = False
    assert not attachments_of(record, "binary")
    assert reload(record).binary is False


def test_binary_read_is_base64(record):
    record.binary = base64.b64encode(b"\x00\xffpayload").decode()
    reload(record)
    assert record.read(["binary"])[0]["binary"] == base64.b64encode(b"\x00\xffpayload").decode()


def test_binary_bin_size_context_reads_human_size(record):
    record.binary = base64.b64encode(b"x" * 2048).decode()
    record.binary_db = base64.b64encode(b"12345").decode()
    reload(record)
    values = record.with_context(bin_size=True).read(["binary", "binary_db"])[0]
    assert values["binary"] == "2.00 Kb"
    assert values["binary_db"] == "5.00 bytes"


def test_binary_without_attachment_is_bytea_column(Model, env):
    assert column_type(env, "test_orm_all_types", "binary_db")[0] == "bytea"
    record = Model.create({"binary_db": base64.b64encode(b"\x00raw\xff").decode()})
    assert bytes(raw(record, "binary_db")) == b"\x00raw\xff"
    assert not attachments_of(record, "binary_db")
    assert reload(record).binary_db == b"\x00raw\xff"


def test_binary_raw_bytes_are_taken_as_content(Model):
    record = Model.create({"binary": b"raw bytes", "binary_db": b"raw db"})
    reload(record)
    assert record.binary == b"raw bytes"
    assert record.binary_db == b"raw db"


def test_binary_attachment_per_record_on_multi_create_and_write(Model):
    records = Model.create([{"binary": base64.b64encode(b"a").decode()},
                            {"binary": base64.b64encode(b"b").decode()}, {}])
    reload(records)
    assert records.mapped("binary") == [b"a", b"b", False]
    records.write({"binary": base64.b64encode(b"same").decode()})
    reload(records)
    assert records.mapped("binary") == [b"same"] * 3
    assert all(len(attachments_of(r, "binary")) == 1 for r in records)


def test_binary_invalid_base64_raises(record):
    with pytest.raises(ValueError, match="binary"):
        record.binary_db = "not base64!!"


def test_attachment_removed_with_record(Model, env):
    record = Model.create({"binary": base64.b64encode(b"bye").decode()})
    record_id = record.id
    record.unlink()
    assert not env["ir.attachment"].search([("res_model", "=", MODEL), ("res_id", "=", record_id)])


# -- json ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [{"a": [1, 2, {"b": None}], "ü": "東京"}, [1, "two", 3.5], "text", 7, [], {}])
def test_json_round_trips(Model, env, value):
    assert column_type(env, "test_orm_all_types", "json_data")[0] == "jsonb"
    record = Model.create({"json_data": value})
    assert reload(record).json_data == value
    assert record.read(["json_data"])[0]["json_data"] == value


def test_json_not_serializable_raises(record):
    with pytest.raises(ValueError, match="json_data"):
        record.json_data = {"when": object()}


# -- translations (FLD-5) ------------------------------------------------------------------------
def test_translated_char_keeps_one_value_per_language(Model):
    record = Model.create({"char_translate": "Chair"})
    record.with_context(lang="fr_FR").char_translate = "Chaise"
    reload(record)
    assert record.char_translate == "Chair"
    assert record.with_context(lang="en_US").char_translate == "Chair"
    assert record.with_context(lang="fr_FR").char_translate == "Chaise"
    assert record.with_context(lang="fr_FR").read(["char_translate"])[0]["char_translate"] == "Chaise"
    stored = raw(record, "char_translate")
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored == {"en_US": "Chair", "fr_FR": "Chaise"}


def test_translated_char_falls_back_to_en_us(Model):
    record = Model.create({"char_translate": "Table"})
    reload(record)
    assert record.with_context(lang="de_DE").char_translate == "Table"
    assert record.with_context(lang="de_DE").read(["char_translate"])[0]["char_translate"] == "Table"


def test_translated_write_in_en_us_leaves_other_languages(Model):
    record = Model.create({"char_translate": "Chair"})
    record.with_context(lang="fr_FR").char_translate = "Chaise"
    record.with_context(lang="en_US").char_translate = "Seat"
    reload(record)
    assert record.with_context(lang="en_US").char_translate == "Seat"
    assert record.with_context(lang="fr_FR").char_translate == "Chaise"


def test_translated_cache_is_per_language_without_reload(Model):
    record = Model.create({"char_translate": "Chair"})
    french = record.with_context(lang="fr_FR")
    assert french.char_translate == "Chair"
    french.char_translate = "Chaise"
    assert french.char_translate == "Chaise"
    assert record.char_translate == "Chair"


def test_cached_fallback_follows_en_us_write(Model):
    record = Model.create({"char_translate": "Chair"})
    french = record.with_context(lang="fr_FR")
    assert french.char_translate == "Chair"
    record.with_context(lang="en_US").char_translate = "Seat"
    assert french.char_translate == "Seat"
    assert reload(french).char_translate == "Seat"


def test_create_in_other_language_sets_en_us_too(Model):
    record = Model.with_context(lang="fr_FR").create({"char_translate": "Chaise"})
    reload(record)
    assert record.with_context(lang="en_US").char_translate == "Chaise"
    assert record.with_context(lang="fr_FR").char_translate == "Chaise"


def test_search_on_translated_field_uses_context_language(Model):
    record = Model.create({"char_translate": "Chair"})
    record.with_context(lang="fr_FR").char_translate = "Chaise"
    assert Model.with_context(lang="fr_FR").search([("char_translate", "=", "Chaise")]) == record
    assert not Model.search([("char_translate", "=", "Chaise")])
    assert Model.with_context(lang="de_DE").search([("char_translate", "=", "Chair")]) == record


def test_order_on_translated_field_uses_context_language(Model):
    records = Model.create([{"char_translate": "ord-A", "name": "ord"}, {"char_translate": "ord-B", "name": "ord"}])
    records[0].with_context(lang="fr_FR").char_translate = "ord-Z"
    french = Model.with_context(lang="fr_FR").search([("name", "=", "ord")], order="char_translate")
    assert french.ids == [records[1].id, records[0].id]
    english = Model.search([("name", "=", "ord")], order="char_translate")
    assert english.ids == records.ids


# -- html ----------------------------------------------------------------------------------------
def test_html_is_sanitized_on_write(Model):
    record = Model.create({"html": '<p onclick="steal()">Hi <b>there</b></p><script>alert(1)</script>'})
    reload(record)
    assert "<script" not in record.html and "alert" not in record.html
    assert "onclick" not in record.html
    assert "<p>" in record.html and "<b>there</b>" in record.html
    record.html = '<img src="x" onerror="evil()">'
    assert "onerror" not in reload(record).html


# -- related fields (CMP-10) ---------------------------------------------------------------------
def test_related_field_reads_target_and_follows_changes(Model, env):
    partner = env["res.partner"].create({"name": "Alice", "city": "Oslo"})
    record = Model.create({"partner_id": partner.id})
    assert record.partner_name == "Alice"
    partner.name = "Bob"
    assert record.partner_name == "Bob"
    other = env["res.partner"].create({"name": "Carol"})
    record.partner_id = other
    assert record.partner_name == "Carol"
    assert record.read(["partner_name"])[0]["partner_name"] == "Carol"


def test_related_field_attributes(Model):
    field = Model._fields["partner_name"]
    assert field.readonly is True
    assert field.store is False
    assert field.copy is False
    assert field.string == "Name"


def test_related_readonly_false_writes_through(Model, env):
    partner = env["res.partner"].create({"name": "Dan", "city": "Rome"})
    record = Model.create({"partner_id": partner.id})
    record.partner_city = "Milan"
    assert reload(partner).city == "Milan"
    record2 = Model.create({"partner_id": partner.id, "partner_city": "Turin"})
    assert reload(partner).city == "Turin"
    assert record2.partner_city == "Turin"
    assert Model._fields["partner_city"].readonly is False


def test_related_field_is_searchable(Model, env):
    partner = env["res.partner"].create({"name": "Searchable Sam"})
    record = Model.create({"partner_id": partner.id})
    assert Model.search([("partner_name", "=", "Searchable Sam")]) == record


# -- field attributes (FLD-10, FLD-13, FLD-15, CMP-2) --------------------------------------------
def test_string_defaults_from_field_name(Model):
    assert Model._fields["float_digits"].string == "Float digits"
    assert Model._fields["selection_dynamic"].string == "Selection dynamic"
    assert Model._fields["id"].string == "ID"
    assert Model._fields["create_date"].string == "Created on"


def test_relational_labels_drop_the_id_suffix(Model):
    assert Model._fields["partner_id"].string == "Partner"
    assert Model._fields["tag_ids"].string == "Tag"
    assert Model._fields["line_ids"].string == "Line"


@pytest.mark.parametrize("fname, copy", [
    ("name", True), ("integer", True), ("partner_id", True), ("tag_ids", True), ("binary", True),
    ("line_ids", False), ("name_upper", False), ("partner_name", False), ("display_name", False),
    ("id", False), ("create_uid", False), ("create_date", False), ("write_uid", False),
    ("write_date", False),
])
def test_copy_attribute_defaults(Model, fname, copy):
    assert Model._fields[fname].copy is copy


def test_stored_computed_and_explicit_copy(env):
    fields = env["test.orm.order"]._fields
    assert fields["total"].store is True
    assert fields["total"].readonly is True
    assert fields["total"].copy is False
    assert fields["partner_country_code"].store is True


def test_store_and_readonly_defaults_for_computed(Model):
    field = Model._fields["name_upper"]
    assert field.store is False
    assert field.readonly is True
    assert Model._fields["name"].store is True
    assert Model._fields["name"].readonly is False


def test_non_stored_computed_field_has_no_column(env):
    assert column_type(env, "test_orm_all_types", "name_upper") is None
    assert column_type(env, "test_orm_all_types", "line_ids") is None
    assert column_type(env, "test_orm_all_types", "tag_ids") is None


# -- fields_get (API-15) -------------------------------------------------------------------------
def test_fields_get_describes_every_field(Model):
    description = Model.fields_get()
    assert set(Model._fields) <= set(description)
    name = description["name"]
    for key in ("type", "string", "help", "required", "readonly", "store", "searchable", "sortable"):
        assert key in name
    assert name["type"] == "char" and name["string"] == "Name"
    assert description["char_sized"]["size"] == 5
    assert description["float_digits"]["digits"] == [10, 2]
    assert description["partner_id"]["relation"] == "res.partner"
    assert description["partner_id"]["type"] == "many2one"
    assert description["line_ids"]["relation"] == "test.orm.line"
    assert description["line_ids"]["relation_field"] == "all_types_id"
    assert description["tag_ids"]["type"] == "many2many"
    assert description["selection"]["selection"] == [["draft", "Draft"], ["done", "Done"]]
    assert description["selection_dynamic"]["selection"] == [["a", "A"], ["b", "B"]]
    assert description["char_translate"]["translate"] is True
    assert description["amount"]["currency_field"] == "currency_id"
    assert description["name_upper"]["readonly"] is True
    assert description["name_upper"]["store"] is False
    assert description["name_upper"]["depends"] == ["name"]
    assert description["partner_name"]["related"] == "partner_id.name"


def test_fields_get_required_flag(env):
    description = env["test.orm.order"].fields_get(["name", "partner_id"])
    assert set(description) == {"name", "partner_id"}
    assert description["name"]["required"] is True
    assert description["partner_id"]["required"] is False


def test_fields_get_attributes_restrict_keys(Model):
    description = Model.fields_get(["name", "selection"], attributes=["type", "string"])
    assert description == {"name": {"type": "char", "string": "Name"},
                           "selection": {"type": "selection", "string": "Selection"}}


# -- defaults (FLD-11, API-30) -------------------------------------------------------------------
def test_constant_default_applies_when_missing(env):
    line = env["test.orm.line"].create({"name": "l"})
    assert line.sequence == 10
    assert line.active is True
    explicit = env["test.orm.line"].create({"name": "l", "sequence": 3})
    assert explicit.sequence == 3


def test_callable_default_receives_model(env):
    secret = env["test.orm.secret"].create({"name": "s"})
    assert secret.user_id == env.user


def test_context_default_overrides_field_default(env):
    Line = env["test.orm.line"].with_context(default_sequence=77, default_name="from context")
    line = Line.create({})
    assert line.sequence == 77
    assert line.name == "from context"
    assert Line.create({"name": "mine"}).name == "mine"


def test_default_get_returns_write_format(env):
    defaults = env["test.orm.secret"].with_context(default_name="N").default_get(
        ["name", "user_id", "code"])
    assert defaults["name"] == "N"
    assert defaults["user_id"] == env.uid
    assert "code" not in defaults


def test_callable_default_returning_recordset_is_converted_to_id(Model, env):
    assert Model.default_get(["user_id"]) == {"user_id": env.uid}
    assert Model.create({}).user_id == env.user
    assert env["res.users"].default_get(["company_ids"])["company_ids"] == [Command.set(env.company.ids)]


def test_explicit_false_is_not_replaced_by_default(env):
    line = env["test.orm.line"].create({"name": "l", "active": False})
    assert line.active is False


# -- required fields (FLD-12) --------------------------------------------------------------------
def test_missing_required_fields_raise_validation_error_before_sql(env):
    with pytest.raises(ValidationError) as info:
        env["res.currency"].create({"full_name": "No code"})
    message = str(info.value)
    assert "Currency" in message and "Symbol" in message
    # no SQL statement failed: the transaction is still usable
    env.cr.execute("SELECT 1")
    assert env.cr.fetchone() == (1,)


def test_required_field_satisfied_by_default(env):
    animal = env["test.orm.animal"].create({"name": "Rex"})
    assert animal.color == "grey"


def test_missing_required_in_one_of_many_creates_nothing(env):
    before = env["test.orm.order"].search_count([])
    with pytest.raises(ValidationError):
        env["test.orm.order"].create([{"name": "ok-1"}, {"partner_id": False}])
    assert env["test.orm.order"].search_count([]) == before


def test_required_many2one_given_an_empty_recordset_is_missing(env):
    with pytest.raises(ValidationError, match="Order"):
        env["test.orm.order.line"].create({"name": "orphan", "order_id": env["test.orm.order"]})
    env.cr.execute("SELECT 1")
    line = env["test.orm.order.line"].create({"order_id": env["test.orm.order"].create({"name": "RQ"}).id})
    with pytest.raises(ValidationError, match="Order"):
        line.write({"order_id": env["test.orm.order"]})
    env.cr.execute("SELECT 1")


def test_required_char_empty_string_is_missing(env):
    with pytest.raises(ValidationError, match="Name"):
        env["test.orm.order"].create({"name": ""})


def test_emptying_required_field_raises_validation_error(env):
    order = env["test.orm.order"].create({"name": "req"})
    with pytest.raises(ValidationError, match="Name"):
        order.write({"name": False})
    env.cr.execute("SELECT 1")
    assert reload(order).name == "req"


def test_required_column_is_not_null(env):
    env.cr.execute("SELECT is_nullable FROM information_schema.columns "
                   "WHERE table_name = 'test_orm_order' AND column_name = 'name'")
    assert env.cr.fetchone() == ("NO",)


# -- unknown fields (API-1, API-2, API-5) --------------------------------------------------------
@pytest.mark.parametrize("operation", ["create", "write", "read"])
def test_unknown_field_raises_value_error_naming_field_and_model(Model, record, operation):
    with pytest.raises(ValueError) as info:
        if operation == "create":
            Model.create({"name": "x", "no_such_field": 1})
        elif operation == "write":
            record.write({"no_such_field": 1})
        else:
            record.read(["name", "no_such_field"])
    assert isinstance(info.value, ValidationError)
    assert "no_such_field" in str(info.value) and MODEL in str(info.value)


def test_unknown_field_in_create_inserts_nothing(Model, env):
    before = Model.search_count([])
    with pytest.raises(ValueError):
        Model.create([{"name": "ok"}, {"nope": 1}])
    assert Model.search_count([]) == before


# -- relational values (API-3) -------------------------------------------------------------------
def test_many2one_accepts_id_record_and_false(Model, env):
    partner = env["res.partner"].create({"name": "M2O"})
    records = Model.create([{"partner_id": partner.id}, {"partner_id": partner}, {"partner_id": False}])
    reload(records)
    assert records.mapped("partner_id") == partner
    assert [r["partner_id"] for r in records.read(["partner_id"])] == [(partner.id, "M2O"), (partner.id, "M2O"),
                                                                       False]
    assert records[0].read(["partner_id"], load=None)[0]["partner_id"] == partner.id


def test_many2one_wrong_model_record_raises(record, env):
    with pytest.raises(ValueError, match="partner_id"):
        record.partner_id = env["test.orm.tag"].create({"name": "wrong"})


def test_many2many_plain_ids_read_as_list(Model, env):
    tags = env["test.orm.tag"].create([{"name": "a"}, {"name": "b"}])
    record = Model.create({"tag_ids": tags.ids})
    reload(record)
    assert record.tag_ids == tags
    assert sorted(record.read(["tag_ids"])[0]["tag_ids"]) == sorted(tags.ids)
