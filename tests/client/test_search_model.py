"""Search arches, domains and facets without widgets or server (views.md §5)."""
import datetime

import pytest

from client_qt.expr import match_domain
from client_qt.views.search.domain import AND, OR, field_domain, normalize, period_options, range_domain
from client_qt.views.search.facets import SearchModel
from client_qt.views.search.parser import SearchField, parse_search

FIELDS = {
    "name": {"type": "char", "string": "Name"},
    "complete_name": {"type": "char", "string": "Complete name"},
    "email": {"type": "char", "string": "Email"},
    "country_id": {"type": "many2one", "string": "Country", "relation": "res.country"},
    "is_company": {"type": "boolean", "string": "Is a Company"},
    "genre": {"type": "selection", "string": "Genre", "selection": [["novel", "Novel"], ["poetry", "Poetry"]]},
    "price": {"type": "float", "string": "Price"},
    "date_start": {"type": "date", "string": "Start Date"},
    "create_date": {"type": "datetime", "string": "Created on"},
    "active": {"type": "boolean", "string": "Active"},
    "user_id": {"type": "many2one", "string": "Salesperson", "relation": "res.users"},
}
ARCH = """
<search string="Contacts">
    <field name="name" filter_domain="['|', ('complete_name', 'ilike', self), ('email', 'ilike', self)]"/>
    <field name="country_id" context="{'country_hint': self}"/>
    <field name="genre"/>
    <field name="price"/>
    <field name="create_date"/>
    <field name="missing_field"/>
    <filter name="companies" string="Companies" domain="[('is_company', '=', True)]"/>
    <filter name="people" string="Individuals" domain="[('is_company', '=', False)]"/>
    <separator/>
    <filter name="mine" string="Mine" domain="[('user_id', '=', uid)]" context="{'mine': 1}"/>
    <filter name="recent" string="Recent" domain="[('date_start', '&gt;=', (context_today() - relativedelta(days=7)).strftime('%Y-%m-%d'))]"/>
    <filter name="start" string="Start Date" date="date_start"/>
    <group expand="0" string="Group By">
        <filter name="by_country" string="Country" context="{'group_by': 'country_id'}"/>
        <filter name="by_month" string="Month" context="{'group_by': 'date_start:month'}"/>
    </group>
    <filter name="archived" string="Archived" domain="[('active', '=', False)]" col="2" icon="x"/>
</search>
"""
TODAY = datetime.date(2024, 5, 15)


def model(context=None):
    return SearchModel(parse_search(ARCH, FIELDS), FIELDS, context=context or {}, uid=7, user_tz="Europe/Brussels",
                       today=TODAY)


def test_arch_gives_fields_blocks_and_group_bys():
    spec = parse_search(ARCH, FIELDS)
    assert [f.name for f in spec.fields] == ["name", "country_id", "genre", "price", "create_date"]
    assert [[f.name for f in block] for block in spec.blocks] == [["companies", "people"],
                                                                   ["mine", "recent", "start"], ["archived"]]
    assert [(g.name, g.group_by) for g in spec.group_bys] == [("by_country", ["country_id"]),
                                                              ("by_month", ["date_start:month"])]


def test_and_or_make_explicit_prefix_domains():
    assert normalize([("a", "=", 1), ("b", "=", 2)]) == ["&", ("a", "=", 1), ("b", "=", 2)]
    assert AND([[], [("a", "=", 1)]]) == [("a", "=", 1)]
    assert OR([[("a", "=", 1)], []]) == []
    combined = AND([OR([[("a", "=", 1)], [("b", "=", 2)]]), [("c", "=", 3)]])
    assert combined == ["&", "|", ("a", "=", 1), ("b", "=", 2), ("c", "=", 3)]
    assert match_domain(combined, {"a": 0, "b": 2, "c": 3})
    assert not match_domain(combined, {"a": 1, "b": 0, "c": 0})


def test_typed_text_proposes_each_field_that_can_take_it():
    search = model()
    labels = [p.label for p in search.proposals("nov")]
    # a number field is not proposed for text; a selection proposes its matching labels
    assert labels == ["Search Name for: nov", "Search Country for: nov", "Search Genre for: Novel"]
    assert [p.expandable for p in search.proposals("nov")] == [False, True, False]
    assert [p.label for p in search.proposals("12.5")] == ["Search Name for: 12.5", "Search Country for: 12.5",
                                                           "Search Price for: 12.5"]
    assert [p.label for p in search.proposals("2024-05-01")][-1] == "Search Created on for: 2024-05-01"


def test_filter_domain_uses_self_and_values_of_one_field_are_ored():
    search = model()
    name = search.spec.field("name")
    search.add_field_value(name, "ann", "ann")
    search.add_field_value(name, "bob", "bob")
    assert search.domain() == ["|", "|", ("complete_name", "ilike", "ann"), ("email", "ilike", "ann"),
                               "|", ("complete_name", "ilike", "bob"), ("email", "ilike", "bob")]
    assert search.facets[0].label == "ann or bob"


def test_different_fields_are_anded_and_many2one_uses_the_chosen_id():
    search = model()
    search.add_field_value(search.spec.field("country_id"), "Belgium", 1)
    search.add_field_value(search.spec.field("country_id"), "bel", "bel")
    search.add_field_value(search.spec.field("genre"), "Novel", "novel")
    assert search.domain() == ["&", "|", ("country_id", "=", 1), ("country_id", "ilike", "bel"),
                               ("genre", "=", "novel")]
    assert search.search_context() == {"country_hint": "bel"}


def test_filters_of_a_block_are_ored_and_blocks_anded():
    search = model()
    spec = search.spec
    search.toggle_filter(spec.filter("companies"))
    search.toggle_filter(spec.filter("people"))
    search.toggle_filter(spec.filter("mine"))
    assert search.domain() == ["&", "|", ("is_company", "=", True), ("is_company", "=", False),
                               ("user_id", "=", 7)]
    assert search.search_context() == {"mine": 1}
    search.toggle_filter(spec.filter("people"))
    assert search.domain() == ["&", ("is_company", "=", True), ("user_id", "=", 7)]


def test_filter_domains_are_evaluated_with_context_today_and_relativedelta():
    search = model()
    search.toggle_filter(search.spec.filter("recent"))
    assert search.domain() == [("date_start", ">=", "2024-05-08")]


def test_date_filter_periods_make_ranges():
    search = model()
    entry = search.spec.filter("start")
    keys = [key for key, _ in search.periods(entry)]
    assert keys[:3] == ["month_0", "month_-1", "month_-2"] and "q2" in keys and keys[-3:] == ["year_0", "year_-1", "year_-2"]
    search.toggle_filter(entry)     # the default period: this month
    assert search.domain() == ["&", ("date_start", ">=", "2024-05-01"), ("date_start", "<", "2024-06-01")]
    search.toggle_filter(entry, "year_-1")
    assert search.domain() == ["|", "&", ("date_start", ">=", "2024-05-01"), ("date_start", "<", "2024-06-01"),
                               "&", ("date_start", ">=", "2023-01-01"), ("date_start", "<", "2024-01-01")]
    assert search.facets[0].label.endswith("2023")


def test_datetime_ranges_are_local_days_in_utc():
    assert range_domain("create_date", "datetime", datetime.date(2024, 5, 1), datetime.date(2024, 5, 2),
                        "Europe/Brussels") == ["&", ("create_date", ">=", "2024-04-30 22:00:00"),
                                               ("create_date", "<", "2024-05-01 22:00:00")]
    field = SearchField("create_date", "Created on", FIELDS["create_date"])
    assert field_domain(field, datetime.date(2024, 1, 10), None, {}, "Europe/Brussels") == [
        "&", ("create_date", ">=", "2024-01-09 23:00:00"), ("create_date", "<", "2024-01-10 23:00:00")]


@pytest.mark.parametrize("operator, value, expected", [
    (">", 10.0, [("price", ">", 10.0)]),
    ("set", None, [("price", "!=", False)]),
    ("not set", None, [("price", "=", False)]),
])
def test_an_explicit_operator_replaces_the_default(operator, value, expected):
    search = model()
    search.add_field_value(search.spec.field("price"), "10", value, operator=operator)
    assert search.domain() == expected


def test_explicit_operator_wins_over_filter_domain():
    search = model()
    search.add_field_value(search.spec.field("name"), "x", "x", operator="not ilike")
    assert search.domain() == [("name", "not ilike", "x")]
    assert search.facets[0].label == "does not contain x"


def test_group_bys_nest_in_the_order_chosen_and_backspace_removes_the_last_facet():
    search = model()
    search.toggle_filter(search.spec.filter("companies"))
    search.toggle_group_by("date_start:month", "Month")
    search.toggle_group_by("country_id", "Country")
    assert search.group_by() == ["date_start:month", "country_id"]
    assert search.facets[-1].label == "Month > Country"
    assert search.remove_last()
    assert search.group_by() == []
    assert search.domain() == [("is_company", "=", True)]
    search.remove_facet(0)
    assert search.domain() == [] and not search.remove_last()


def test_search_defaults_switch_filters_on_and_order_group_bys():
    search = model({"search_default_companies": 1, "search_default_by_month": 2, "search_default_by_country": 1,
                    "search_default_genre": "novel", "search_default_archived": False})
    names = []
    search.apply_defaults(resolve_name=lambda *args: names.append(args))
    assert search.domain() == ["&", ("is_company", "=", True), ("genre", "=", "novel")]
    assert search.group_by() == ["country_id", "date_start:month"]
    assert [f.label for f in search.facets] == ["Companies", "Novel", "Country > Month"]


def test_search_default_many2one_id_is_named_later():
    search = model({"search_default_country_id": 5})
    pending = []
    search.apply_defaults(resolve_name=lambda field, record_id, set_label: pending.append((record_id, set_label)))
    assert search.domain() == [("country_id", "=", 5)]
    record_id, set_label = pending[0]
    set_label("France")
    assert search.facets[0].label == "France"


def test_period_options_follow_start_and_end_attributes():
    entry = parse_search('<search><filter name="d" string="D" date="date_start" start_month="-1" '
                         'start_year="0"/></search>', FIELDS).filter("d")
    keys = [o[0] for o in period_options(entry, TODAY)]
    assert keys == ["month_0", "month_-1", "q1", "q2", "q3", "q4", "year_0"]
