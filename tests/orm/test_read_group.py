"""Grouped reads (orm.md API-11, TST-7): granularities, keys, labels, aggregates, order, domains."""
import pytest

from bureau.exceptions import AccessError, ValidationError
from bureau.orm.access import RESTRICTED_NAME

MODEL = "test.orm.all.types"
SCOPE = [("name", "=like", "rg-%")]

# (name, date, datetime (UTC), integer, float, selection) — dates chosen around week, month,
# quarter and year boundaries; 2024-01-07 is a Sunday (same ISO week as Monday 2024-01-01)
ROWS = [
    ("rg-1", "2024-01-01", "2024-01-01 10:00:00", 1, 1.5, "draft"),
    ("rg-2", "2024-01-07", "2024-01-07 23:59:59", 2, 2.5, "draft"),
    ("rg-3", "2024-02-15", "2024-02-15 00:00:00", 3, 3.0, "done"),
    ("rg-4", "2024-04-10", "2024-04-10 12:00:00", 4, 4.0, "done"),
    ("rg-5", "2025-03-31", "2025-03-31 08:00:00", 5, 5.0, False),
    ("rg-6", False, False, 5, 0.0, False),
]

EXPECTED = {
    "day": [("01 Jan 2024", 1), ("07 Jan 2024", 1), ("15 Feb 2024", 1), ("10 Apr 2024", 1),
            ("31 Mar 2025", 1), (False, 1)],
    "week": [("W1 2024", 2), ("W7 2024", 1), ("W15 2024", 1), ("W14 2025", 1), (False, 1)],
    "month": [("January 2024", 2), ("February 2024", 1), ("April 2024", 1), ("March 2025", 1), (False, 1)],
    "quarter": [("Q1 2024", 3), ("Q2 2024", 1), ("Q1 2025", 1), (False, 1)],
    "year": [("2024", 4), ("2025", 1), (False, 1)],
}

RANGES = {
    "day": ("2024-01-01", "2024-01-02"),
    "week": ("2024-01-01", "2024-01-08"),
    "month": ("2024-01-01", "2024-02-01"),
    "quarter": ("2024-01-01", "2024-04-01"),
    "year": ("2024-01-01", "2025-01-01"),
}


@pytest.fixture
def records(env):
    partners = env["res.partner"].create([{"name": "RG Zeta"}, {"name": "RG Alpha"}])
    values = []
    for index, (name, date, moment, integer, number, selection) in enumerate(ROWS):
        values.append({
            "name": name, "date": date, "datetime": moment, "integer": integer, "float_plain": number,
            "selection": selection, "partner_id": partners[index % 2].id if index < 5 else False,
            "boolean": index % 2 == 0,
        })
    return env[MODEL].create(values)


def read_group(env, groupby, fields=("integer",), domain=None, **kwargs):
    return env[MODEL].read_group(domain if domain is not None else SCOPE, list(fields), groupby, **kwargs)


# -- date granularities --------------------------------------------------------------------------
@pytest.mark.parametrize("fname", ["date", "datetime"])
@pytest.mark.parametrize("granularity", list(EXPECTED))
def test_every_granularity_groups_and_labels_chronologically(env, records, fname, granularity):
    spec = f"{fname}:{granularity}"
    groups = read_group(env, [spec])
    assert [(g[spec], g[f"{fname}_count"]) for g in groups] == EXPECTED[granularity]


@pytest.mark.parametrize("fname", ["date", "datetime"])
@pytest.mark.parametrize("granularity", list(RANGES))
def test_group_range_and_domain_bound_the_first_period(env, records, fname, granularity):
    spec = f"{fname}:{granularity}"
    first = read_group(env, [spec])[0]
    start, stop = RANGES[granularity]
    if fname == "datetime":
        start, stop = f"{start} 00:00:00", f"{stop} 00:00:00"
    assert first["__range"] == {spec: {"from": start, "to": stop}}
    assert first["__domain"] == ["&", *SCOPE, "&", (fname, ">=", start), (fname, "<", stop)]


@pytest.mark.parametrize("groupby", [
    ["date:day"], ["date:week"], ["date:month"], ["date:quarter"], ["date:year"], ["datetime:week"],
    ["partner_id"], ["selection"], ["boolean"], ["integer"], ["partner_id", "date:year"],
])
def test_group_domain_selects_exactly_the_group_records(env, records, groupby):
    groups = read_group(env, groupby, lazy=False)
    assert sum(group["__count"] for group in groups) == len(ROWS)
    for group in groups:
        assert env[MODEL].search_count(group["__domain"]) == group["__count"], group


def test_date_without_granularity_groups_by_month(env, records):
    groups = read_group(env, ["date"])
    assert [(g["date"], g["date_count"]) for g in groups] == EXPECTED["month"]


def test_datetime_is_grouped_in_the_context_time_zone(env, records):
    late = env[MODEL].create({"name": "rg-tz", "datetime": "2024-03-10 23:30:00"})
    domain = [("id", "=", late.id)]
    utc = env[MODEL].read_group(domain, ["integer"], ["datetime:day"])
    assert [g["datetime:day"] for g in utc] == ["10 Mar 2024"]

    brussels = env[MODEL].with_context(tz="Europe/Brussels")
    [group] = brussels.read_group(domain, ["integer"], ["datetime:day"])
    # 23:30 UTC is 00:30 the next day in Brussels (UTC+1 in winter)
    assert group["datetime:day"] == "11 Mar 2024"
    assert group["__range"] == {"datetime:day": {"from": "2024-03-11 00:00:00", "to": "2024-03-12 00:00:00"}}
    # the domain is in UTC and still selects the record
    assert group["__domain"] == ["&", ("id", "=", late.id), "&", ("datetime", ">=", "2024-03-10 23:00:00"),
                                 ("datetime", "<", "2024-03-11 23:00:00")]
    assert brussels.search(group["__domain"]) == late


def test_time_zone_groups_follow_daylight_saving_changes(env):
    # 2024-03-31 lasts 23 hours in Brussels: 23:00 UTC the day before to 22:00 UTC
    records = env[MODEL].create([{"name": "rg-dst-in", "datetime": "2024-03-31 21:30:00"},
                                 {"name": "rg-dst-out", "datetime": "2024-03-31 22:30:00"}])
    groups = env[MODEL].with_context(tz="Europe/Brussels").read_group(
        [("id", "in", records.ids)], [], ["datetime:day"])
    assert [(g["datetime:day"], g["datetime_count"]) for g in groups] == [("31 Mar 2024", 1), ("01 Apr 2024", 1)]
    assert groups[0]["__domain"][-2:] == [("datetime", ">=", "2024-03-30 23:00:00"),
                                          ("datetime", "<", "2024-03-31 22:00:00")]


def test_unknown_time_zone_falls_back_to_utc(env, records):
    groups = env[MODEL].with_context(tz="Mars/Olympus").read_group(SCOPE, [], ["datetime:day"])
    assert groups[1]["datetime:day"] == "07 Jan 2024"


def test_invalid_granularities_are_refused(env, records):
    for groupby in ("date:hour", "date:fortnight", "integer:month", "name:day"):
        with pytest.raises(ValidationError):
            read_group(env, [groupby])


# -- keys: lazy and non-lazy ---------------------------------------------------------------------
def test_lazy_groups_by_the_first_field_and_passes_on_the_rest(env, records):
    groups = read_group(env, ["partner_id", "selection"])
    assert len(groups) == 3  # two partners and no partner
    for group in groups:
        assert set(group) == {"partner_id", "partner_id_count", "integer", "__domain", "__context"}
        assert group["__context"] == {"group_by": ["selection"]}
    assert sum(g["partner_id_count"] for g in groups) == len(ROWS)


def test_lazy_count_key_drops_the_granularity(env, records):
    [group, *_] = read_group(env, ["date:year", "partner_id"])
    assert group["date_count"] == 4
    assert group["__context"] == {"group_by": ["partner_id"]}
    assert "date:year_count" not in group


def test_non_lazy_groups_by_all_fields_at_once(env, records):
    groups = read_group(env, ["partner_id", "selection"], lazy=False)
    for group in groups:
        assert set(group) == {"partner_id", "selection", "__count", "integer", "__domain"}
    pairs = sorted(((g["partner_id"] or (0,))[0], str(g["selection"]), g["__count"]) for g in groups)
    assert len(pairs) == 6
    assert sum(count for *_, count in pairs) == len(ROWS)


def test_lazy_single_groupby_has_empty_remaining_context(env, records):
    group = read_group(env, ["selection"])[0]
    assert group["__context"] == {"group_by": []}


# -- values: many2one labels, NULL groups --------------------------------------------------------
def test_many2one_group_is_id_and_display_name_ordered_by_comodel_order(env, records):
    groups = read_group(env, ["partner_id"])
    alpha, zeta = records[1].partner_id, records[0].partner_id
    # res.partner orders by name: Alpha before Zeta; no partner last
    assert [g["partner_id"] for g in groups] == [(alpha.id, "RG Alpha"), (zeta.id, "RG Zeta"), False]
    assert [g["partner_id_count"] for g in groups] == [2, 3, 1]
    assert groups[2]["__domain"] == ["&", *SCOPE, ("partner_id", "=", False)]


def test_many2one_label_of_an_unreadable_record_is_restricted(env, records):
    """The group's id is the grouped records' data; the label is the partner's (security.md ACL-3)."""
    user = env["res.users"].create({"name": "RG user", "login": "rg_user",
                                    "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    zeta = records[0].partner_id
    env["ir.rule"].create({"name": "hide Zeta", "model_id": env["ir.model"]._get_id("res.partner"),
                           "domain_force": f"[('id', '!=', {zeta.id})]"})
    with pytest.raises(AccessError):
        zeta.with_user(user).read(["name"])
    groups = env[MODEL].with_user(user).read_group(SCOPE, ["integer"], ["partner_id"])
    assert groups[1]["partner_id"] == (zeta.id, RESTRICTED_NAME)
    assert groups[0]["partner_id"] == (records[1].partner_id.id, "RG Alpha")


def test_null_group_values_are_false(env, records):
    groups = read_group(env, ["selection"])
    by_value = {g["selection"]: g["selection_count"] for g in groups}
    assert by_value == {"draft": 2, "done": 2, False: 2}
    null = next(g for g in groups if g["selection"] is False)
    assert null["__domain"][-1] == ("selection", "=", False)
    date_null = read_group(env, ["date:month"])[-1]
    assert date_null["date:month"] is False and date_null["date_count"] == 1


# -- aggregates ----------------------------------------------------------------------------------
def test_aggregate_functions(env, records):
    fields = ["integer", "float_plain:avg", "total_min:min(integer)", "total_max:max(float_plain)",
              "n:count(partner_id)", "distinct:count_distinct(integer)", "integer_max:max(integer)",
              "ids:count(id)"]
    [group] = read_group(env, [], fields)
    assert group["__count"] == 6
    assert group["integer"] == 20  # default aggregator of an Integer: sum
    assert group["float_plain"] == pytest.approx(16.0 / 6)
    assert group["total_min"] == 1
    assert group["total_max"] == 5.0
    assert group["n"] == 5  # count ignores NULL
    assert group["distinct"] == 5
    assert group["integer_max"] == 5
    assert group["ids"] == 6


def test_pending_writes_are_flushed_before_grouping(env, records):
    records[0].write({"integer": 100, "selection": "done"})
    groups = read_group(env, ["selection"], ["integer:sum"])
    assert {g["selection"]: g["integer"] for g in groups} == {"draft": 2, "done": 107, False: 10}


def test_aggregates_per_group(env, records):
    groups = read_group(env, ["selection"], ["integer:sum", "float_plain:max", "avg:avg(integer)"])
    by_value = {g["selection"]: g for g in groups}
    assert by_value["draft"]["integer"] == 3
    assert by_value["done"]["float_plain"] == 4.0
    assert by_value[False]["avg"] == 5.0


def test_fields_without_aggregate_are_ignored_and_bad_ones_refused(env, records):
    [group] = read_group(env, [], ["name", "partner_id", "__count"])
    assert group["__count"] == len(ROWS)
    assert not {"name", "partner_id"} & set(group)
    for spec in ("integer:median", "nope:sum", "x:sum(nope)", "integer:sum; drop table x", "shown:sum(line_ids)"):
        with pytest.raises(ValidationError):
            read_group(env, ["selection"], [spec])


# -- order ---------------------------------------------------------------------------------------
def test_orderby_groupby_field_and_aggregate(env, records):
    by_sum = read_group(env, ["selection"], ["integer:sum"], orderby="integer desc")
    assert [g["integer"] for g in by_sum] == [10, 7, 3]
    by_count = read_group(env, ["date:year"], ["integer:sum"], orderby="__count asc")
    assert [g["date_count"] for g in by_count] == [1, 1, 4]
    by_month_desc = read_group(env, ["date:month"], orderby="date:month desc")
    # NULL first when descending, as PostgreSQL does
    assert [g["date:month"] for g in by_month_desc] == [False, "March 2025", "April 2024", "February 2024",
                                                        "January 2024"]
    by_partner_desc = read_group(env, ["partner_id"], orderby="partner_id desc")
    assert [g["partner_id"] and g["partner_id"][1] for g in by_partner_desc] == [False, "RG Zeta", "RG Alpha"]


def test_orderby_with_limit_and_offset_pages_the_groups(env, records):
    groups = read_group(env, ["integer"], [], orderby="integer desc", limit=2, offset=1)
    assert [g["integer"] for g in groups] == [4, 3]


@pytest.mark.parametrize("orderby", ["name", "float_plain desc", "integer; DROP TABLE res_users",
                                     "integer sideways", "(select 1)", "integer desc,, name"])
def test_orderby_outside_groupby_and_aggregates_is_refused(env, records, orderby):
    with pytest.raises(ValidationError):
        read_group(env, ["selection"], ["integer:sum"], orderby=orderby)


def test_empty_result_and_empty_domain(env):
    assert env[MODEL].read_group([("name", "=", "rg-none")], ["integer"], ["selection"]) == []


def test_boolean_null_and_false_form_one_group(env, records):
    unset = env[MODEL].create({"name": "rg-unset"})
    env.cr.execute("SELECT boolean FROM test_orm_all_types WHERE id = %s", [unset.id])
    assert env.cr.fetchone()[0] is None
    groups = read_group(env, ["boolean"])
    assert [(g["boolean"], g["boolean_count"]) for g in groups] == [(False, 4), (True, 3)]
    for group in groups:
        assert env[MODEL].search_count(group["__domain"]) == group["boolean_count"]


def test_group_by_a_stored_related_field(env):
    country = env["res.country"].search([], limit=1)
    partner = env["res.partner"].create({"name": "RG related", "country_id": country.id})
    orders = env["test.orm.order"].create([{"name": f"RG-REL-{i}", "partner_id": partner.id} for i in range(2)])
    groups = env["test.orm.order"].read_group([("id", "in", orders.ids)], [], ["partner_country_code"])
    assert [(g["partner_country_code"], g["partner_country_code_count"]) for g in groups] == [(country.code, 2)]


def test_zero_and_null_numbers_form_distinct_groups(env):
    records = env[MODEL].create([{"name": "rg-zero", "integer": 0}, {"name": "rg-null"},
                                 {"name": "rg-zero-2", "integer": 0}])
    env.cr.execute("UPDATE test_orm_all_types SET integer = NULL WHERE id = %s", [records[1].id])
    env.invalidate_all()
    groups = env[MODEL].read_group([("id", "in", records.ids)], [], ["integer"])
    assert sorted((g["integer"] is False, g["integer_count"]) for g in groups) == [(False, 2), (True, 1)]
    for group in groups:
        assert env[MODEL].search_count(group["__domain"]) == group["integer_count"]
