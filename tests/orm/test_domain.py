"""Searching with domains and ordering, on a real database (orm.md §12, TST-1).

Every test creates its own records and compares what ``search`` finds among them with what the
operator table of DOM-3 (and DOM-4 .. DOM-41) says, NULL cases included.
"""
import datetime

import psycopg2
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bureau.exceptions import ValidationError
from bureau.orm.domain.compile import compile_domain
from bureau.orm.domain.parse import DomainError, distribute_not
from bureau.orm.query import Query

T = "test.orm.all.types"


def found(model, domain, records, **kwargs):
    """The labels of ``records`` (a dict label -> record) that ``model.search(domain)`` returns."""
    by_id = {record.id: label for label, record in records.items()}
    return {by_id[i] for i in model.search(domain, **kwargs).ids if i in by_id}


def db_values(env, records, column):
    """The raw column values in the database (to check NULL preconditions)."""
    env.flush_all()
    model = next(iter(records.values()))
    env.cr.execute(f'SELECT id, "{column}" FROM "{model._table}" WHERE id IN %s',
                   [tuple(r.id for r in records.values())])
    by_id = dict(env.cr.fetchall())
    return {label: by_id[record.id] for label, record in records.items()}


@pytest.fixture
def rows(env):
    """all.types records with values and NULLs: 'null' has NULL name, integer and boolean."""
    model = env[T]
    rows = {
        "one": model.create({"name": "Alpha", "integer": 1, "float_plain": 1.5, "boolean": True}),
        "five": model.create({"name": "alphabet", "integer": 5, "float_plain": 5.0, "boolean": False}),
        "ten": model.create({"name": "Beta", "integer": 10, "float_plain": 10.25}),
        "null": model.create({}),
    }
    assert db_values(env, rows, "name")["null"] is None
    assert db_values(env, rows, "integer")["null"] is None
    assert db_values(env, rows, "boolean") == {"one": True, "five": False, "ten": None, "null": None}
    return rows


ALL = {"one", "five", "ten", "null"}


# -- DOM-3: one test per operator ------------------------------------------------------------------
def test_equal_matches_value_and_false_means_null(env, rows):
    assert found(env[T], [("name", "=", "Alpha")], rows) == {"one"}
    assert found(env[T], [("name", "=", "alpha")], rows) == set()
    assert found(env[T], [("integer", "=", 5)], rows) == {"five"}
    assert found(env[T], [("name", "=", False)], rows) == {"null"}
    assert found(env[T], [("integer", "=", None)], rows) == {"null"}


def test_not_equal_includes_null_rows_and_not_false_means_not_null(env, rows):
    assert found(env[T], [("name", "!=", "Alpha")], rows) == {"five", "ten", "null"}
    assert found(env[T], [("integer", "!=", 5)], rows) == {"one", "ten", "null"}
    assert found(env[T], [("name", "!=", False)], rows) == {"one", "five", "ten"}
    assert found(env[T], [("integer", "!=", None)], rows) == {"one", "five", "ten"}


def test_diamond_operator_is_not_equal(env, rows):
    assert found(env[T], [("integer", "<>", 5)], rows) == {"one", "ten", "null"}


def test_less_than_never_matches_null(env, rows):
    assert found(env[T], [("integer", "<", 5)], rows) == {"one"}
    assert found(env[T], [("float_plain", "<", 5)], rows) == {"one"}


def test_greater_than_never_matches_null(env, rows):
    assert found(env[T], [("integer", ">", 5)], rows) == {"ten"}
    assert found(env[T], [("name", ">", "B")], rows) == {"ten", "five"}


def test_less_or_equal_never_matches_null(env, rows):
    assert found(env[T], [("integer", "<=", 5)], rows) == {"one", "five"}


def test_greater_or_equal_never_matches_null(env, rows):
    assert found(env[T], [("integer", ">=", 5)], rows) == {"five", "ten"}
    assert found(env[T], [("float_plain", ">=", 10.25)], rows) == {"ten"}


def test_comparison_with_false_matches_nothing(env, rows):
    for operator in ("<", ">", "<=", ">="):
        assert found(env[T], [("integer", operator, False)], rows) == set()


def test_optional_equal_is_ignored_for_false_or_none(env, rows):
    assert found(env[T], [("integer", "=?", 5)], rows) == {"five"}
    assert found(env[T], [("integer", "=?", False)], rows) == ALL
    assert found(env[T], [("name", "=?", None)], rows) == ALL


def test_optional_equal_on_relational_fields(env, linked, tags):
    assert found(env[T], [("partner_id", "=?", "Agrolait Dom")], linked) == {"agro"}
    assert found(env[T], [("partner_id", "=?", False)], linked) == set(linked)
    assert found(env[T], [("tag_ids", "=?", tags["other"].id)], linked) == {"camp"}
    assert found(env[T], [("tag_ids", "=?", False)], linked) == set(linked)
    assert found(env[T], [("line_ids", "=?", None)], linked) == set(linked)


def test_like_is_a_case_sensitive_substring_match(env, rows):
    assert found(env[T], [("name", "like", "lpha")], rows) == {"one", "five"}
    assert found(env[T], [("name", "like", "alpha")], rows) == {"five"}


def test_ilike_is_a_case_insensitive_substring_match(env, rows):
    assert found(env[T], [("name", "ilike", "ALPHA")], rows) == {"one", "five"}
    assert found(env[T], [("name", "ilike", "et")], rows) == {"five", "ten"}


def test_like_with_empty_or_false_value_matches_all_rows_including_null(env, rows):
    for operator in ("like", "ilike"):
        assert found(env[T], [("name", operator, "")], rows) == ALL
        assert found(env[T], [("name", operator, False)], rows) == ALL


def test_like_on_a_number_column_compares_its_text(env, rows):
    assert found(env[T], [("integer", "like", "1")], rows) == {"one", "ten"}


def test_not_like_includes_null_rows(env, rows):
    assert found(env[T], [("name", "not like", "alpha")], rows) == {"one", "ten", "null"}


def test_not_ilike_includes_null_rows(env, rows):
    assert found(env[T], [("name", "not ilike", "alpha")], rows) == {"ten", "null"}


def test_not_like_with_empty_value_is_the_complement_of_like(env, rows):
    assert found(env[T], [("name", "not ilike", "")], rows) == set()


def test_equal_like_uses_the_pattern_unwrapped(env, rows):
    assert found(env[T], [("name", "=like", "Al%")], rows) == {"one"}
    assert found(env[T], [("name", "=like", "lpha")], rows) == set()
    assert found(env[T], [("name", "=like", "Bet_")], rows) == {"ten"}


def test_equal_ilike_uses_the_pattern_unwrapped_case_insensitively(env, rows):
    assert found(env[T], [("name", "=ilike", "al%")], rows) == {"one", "five"}
    assert found(env[T], [("name", "=ilike", "ALPHA")], rows) == {"one"}


def test_in_matches_listed_values(env, rows):
    assert found(env[T], [("integer", "in", [1, 10])], rows) == {"one", "ten"}
    assert found(env[T], [("name", "in", ("Alpha", "Beta", "nothing"))], rows) == {"one", "ten"}


def test_in_empty_list_matches_nothing(env, rows):
    assert found(env[T], [("integer", "in", [])], rows) == set()


def test_in_with_false_also_matches_null(env, rows):
    assert found(env[T], [("integer", "in", [1, False])], rows) == {"one", "null"}
    assert found(env[T], [("name", "in", [None])], rows) == {"null"}


def test_not_in_includes_null_rows(env, rows):
    assert found(env[T], [("integer", "not in", [1, 10])], rows) == {"five", "null"}


def test_not_in_empty_list_matches_everything(env, rows):
    assert found(env[T], [("integer", "not in", [])], rows) == ALL


def test_not_in_with_false_excludes_null_rows(env, rows):
    assert found(env[T], [("integer", "not in", [1, False])], rows) == {"five", "ten"}
    assert found(env[T], [("integer", "not in", [False])], rows) == {"one", "five", "ten"}


@pytest.fixture
def tags(env):
    """A tag tree with parent store: root > (child > grand), root > sibling; other."""
    Tag = env["test.orm.tag"]
    root = Tag.create({"name": "dom root"})
    child = Tag.create({"name": "dom child", "parent_id": root.id})
    grand = Tag.create({"name": "dom grand", "parent_id": child.id})
    sibling = Tag.create({"name": "dom sibling", "parent_id": root.id})
    other = Tag.create({"name": "dom other"})
    return {"root": root, "child": child, "grand": grand, "sibling": sibling, "other": other}


def test_child_of_is_inclusive_of_the_given_records(env, tags):
    Tag = env["test.orm.tag"]
    assert found(Tag, [("id", "child_of", tags["root"].id)], tags) == {"root", "child", "grand", "sibling"}
    assert found(Tag, [("id", "child_of", tags["grand"].id)], tags) == {"grand"}


def test_parent_of_is_inclusive_of_the_given_records(env, tags):
    Tag = env["test.orm.tag"]
    assert found(Tag, [("id", "parent_of", tags["grand"].id)], tags) == {"grand", "child", "root"}
    assert found(Tag, [("id", "parent_of", tags["other"].id)], tags) == {"other"}


@pytest.fixture
def partners(env):
    Partner = env["res.partner"]
    return {
        "agrolait": Partner.create({"name": "Agrolait Dom", "city": "Paris"}),
        "archived": Partner.create({"name": "Agro Archived Dom", "city": "Lyon", "active": False}),
        "camp": Partner.create({"name": "Camptocamp Dom", "city": "Paris"}),
        "nocity": Partner.create({"name": "Nocity Dom"}),
    }


@pytest.fixture
def linked(env, partners, tags):
    """all.types records with a partner, lines and tags; 'bare' has none of them."""
    model = env[T]
    Line = env["test.orm.line"]
    records = {
        "agro": model.create({"name": "r agro", "partner_id": partners["agrolait"].id,
                              "tag_ids": [(6, 0, [tags["root"].id, tags["child"].id])]}),
        "arch": model.create({"name": "r arch", "partner_id": partners["archived"].id,
                              "tag_ids": [(6, 0, [tags["child"].id])]}),
        "camp": model.create({"name": "r camp", "partner_id": partners["camp"].id,
                              "tag_ids": [(6, 0, [tags["other"].id])]}),
        "bare": model.create({"name": "r bare"}),
    }
    Line.create({"name": "x", "all_types_id": records["agro"].id})
    Line.create({"name": "y", "all_types_id": records["agro"].id})
    Line.create({"name": "y", "all_types_id": records["arch"].id})
    Line.create({"name": "x", "all_types_id": records["camp"].id})
    return records


def test_any_on_many2one_matches_records_whose_target_matches(env, linked):
    assert found(env[T], [("partner_id", "any", [("city", "=", "Paris")])], linked) == {"agro", "camp"}


def test_not_any_on_many2one_includes_records_without_target(env, linked):
    assert found(env[T], [("partner_id", "not any", [("city", "=", "Paris")])], linked) == {"arch", "bare"}


def test_any_on_one2many(env, linked):
    assert found(env[T], [("line_ids", "any", [("name", "=", "y")])], linked) == {"agro", "arch"}


def test_not_any_on_one2many_includes_records_without_lines(env, linked):
    assert found(env[T], [("line_ids", "not any", [("name", "=", "y")])], linked) == {"camp", "bare"}


def test_any_on_many2many(env, linked, tags):
    domain = [("tag_ids", "any", [("parent_id", "=", tags["root"].id)])]
    assert found(env[T], domain, linked) == {"agro", "arch"}


def test_not_any_on_many2many(env, linked, tags):
    domain = [("tag_ids", "not any", [("name", "=", "dom child")])]
    assert found(env[T], domain, linked) == {"camp", "bare"}


def test_any_sub_domain_has_its_own_active_test(env, linked):
    """The archived partner is not found by the sub-domain unless it asks for archived records."""
    Partner = env["res.partner"]
    domain = [("partner_id", "any", [("name", "=", "Agro Archived Dom")])]
    assert found(env[T], domain, linked) == set()
    domain = [("partner_id", "any", [("name", "=", "Agro Archived Dom"), ("active", "=", False)])]
    assert found(env[T], domain, linked) == {"arch"}
    assert Partner.search([("name", "=", "Agro Archived Dom")]).ids == []


def test_any_and_dotted_path_agree(env, linked):
    assert found(env[T], [("line_ids", "any", [("name", "=", "x")])], linked) == \
        found(env[T], [("line_ids.name", "=", "x")], linked) == {"agro", "camp"}


def test_any_needs_a_relational_field_and_a_domain(env, linked):
    with pytest.raises(DomainError):
        env[T].search([("name", "any", [("id", "=", 1)])])
    with pytest.raises(DomainError):
        env[T].search([("partner_id", "any", "Paris")])
    with pytest.raises(DomainError):
        env[T].search([("partner_id", "any", [("nonexistent", "=", 1)])])


# -- compiled SQL (text and parameters) ------------------------------------------------------------
C = '"test_orm_all_types"."{}"'.format


@pytest.mark.parametrize("leaf, code, params", [
    (("integer", "=", 5), f"{C('integer')} = %s", [5]),
    (("integer", "=", False), f"{C('integer')} IS NULL", []),
    (("integer", "!=", 5), f"({C('integer')} != %s OR {C('integer')} IS NULL)", [5]),
    (("integer", "!=", None), f"{C('integer')} IS NOT NULL", []),
    (("integer", ">=", "5"), f"{C('integer')} >= %s", [5]),
    (("integer", "=?", False), "TRUE", []),
    (("name", "ilike", "a%b"), f"{C('name')}::text ILIKE %s", ["%a%b%"]),
    (("name", "not like", "x"), f"({C('name')}::text NOT LIKE %s OR {C('name')} IS NULL)", ["%x%"]),
    (("name", "=ilike", "x_"), f"{C('name')}::text ILIKE %s", ["x_"]),
    (("integer", "in", []), "FALSE", []),
    (("integer", "not in", []), "TRUE", []),
    (("integer", "in", [1, 2, False]), f"({C('integer')} IN %s OR {C('integer')} IS NULL)", [(1, 2)]),
    (("integer", "not in", [1, None]), f"({C('integer')} NOT IN %s AND {C('integer')} IS NOT NULL)", [(1,)]),
    (("boolean", "=", False), f"({C('boolean')} IS NULL OR {C('boolean')} = FALSE)", []),
    (("boolean", "!=", False), f"{C('boolean')} = TRUE", []),
])
def test_leaf_compiles_to_sql_with_bound_values(env, leaf, code, params):
    model = env[T]
    sql = compile_domain(model, [leaf], Query(env, model._table))
    assert (sql.code, sql.params) == (code, params)


def test_operators_compile_to_and_or_not(env):
    model = env[T]
    sql = compile_domain(model, ["!", "|", ("integer", "=", 1), ("name", "=", "x"), ("float_plain", "<", 2)],
                         Query(env, model._table))
    assert sql.code == (f"((NOT COALESCE(({C('integer')} = %s OR {C('name')} = %s), FALSE)) "
                        f"AND {C('float_plain')} < %s)")
    assert sql.params == [1, "x", 2.0]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(min_size=1, max_size=30).filter(lambda v: "\x00" not in v),
       operator=st.sampled_from(["=", "!=", "like", "not ilike", "=like", "in", "<"]))
def test_values_never_appear_in_the_sql_code(env, value, operator):
    """Whatever the value, the SQL code is the one of a harmless value: only the parameters differ."""
    model = env[T]
    sql = compile_domain(model, [("name", operator, value)], Query(env, model._table))
    neutral = compile_domain(model, [("name", operator, "zzz")], Query(env, model._table))
    assert sql.code == neutral.code
    flat = [p for param in sql.params for p in (param if isinstance(param, tuple) else (param,))]
    assert any(value in param for param in flat)


# -- DOM-4 -----------------------------------------------------------------------------------------
def test_like_wildcards_keep_their_sql_meaning(env, rows):
    assert found(env[T], [("name", "like", "A_pha")], rows) == {"one"}
    assert found(env[T], [("name", "ilike", "a%b")], rows) == {"five"}
    assert found(env[T], [("name", "ilike", "%")], rows) == {"one", "five", "ten"}


def test_scalar_after_in_is_a_one_item_list(env, rows):
    assert found(env[T], [("integer", "in", 5)], rows) == {"five"}
    assert found(env[T], [("integer", "not in", 5)], rows) == {"one", "ten", "null"}
    assert found(env[T], [("name", "in", "Beta")], rows) == {"ten"}


def test_operators_are_case_insensitive(env, rows):
    assert found(env[T], [("name", "ILIKE", "alpha")], rows) == {"one", "five"}
    assert found(env[T], [("integer", "IN", [1])], rows) == {"one"}
    assert found(env[T], [("integer", "Not In", [1])], rows) == {"five", "ten", "null"}
    assert found(env[T], [("name", "NOT LIKE", "Alpha")], rows) == {"five", "ten", "null"}


def test_unknown_operator_raises_value_error(env, rows):
    with pytest.raises(ValueError, match="Invalid operator"):
        env[T].search([("name", "==", "Alpha")])
    with pytest.raises(ValidationError, match="Invalid operator"):
        env[T].search([("name", "similar to", "Alpha")])


# -- DOM-5 -----------------------------------------------------------------------------------------
def test_boolean_equal_false_matches_null_and_false(env, rows):
    assert found(env[T], [("boolean", "=", False)], rows) == {"five", "ten", "null"}


def test_boolean_not_equal_false_and_equal_true_match_true_only(env, rows):
    assert found(env[T], [("boolean", "!=", False)], rows) == {"one"}
    assert found(env[T], [("boolean", "=", True)], rows) == {"one"}


def test_boolean_not_equal_true_matches_null_and_false(env, rows):
    assert found(env[T], [("boolean", "!=", True)], rows) == {"five", "ten", "null"}


def test_boolean_in_lists(env, rows):
    assert found(env[T], [("boolean", "in", [False])], rows) == {"five", "ten", "null"}
    assert found(env[T], [("boolean", "in", [True, False])], rows) == ALL
    assert found(env[T], [("boolean", "not in", [True])], rows) == {"five", "ten", "null"}


@pytest.mark.parametrize("word, labels", [
    ("False", {"five", "ten", "null"}), ("false", {"five", "ten", "null"}), ("0", {"five", "ten", "null"}),
    ("True", {"one"}), ("t", {"one"}), ("1", {"one"}),
])
def test_boolean_string_values_are_read_as_boolean_literals(env, rows, word, labels):
    """'False' is a non-empty string, but means false (as the PostgreSQL literal does)."""
    assert found(env[T], [("boolean", "=", word)], rows) == labels
    assert found(env[T], [("boolean", "in", [word])], rows) == labels


def test_boolean_refuses_values_that_are_not_booleans(env, rows):
    for value in ("maybe", datetime.date(2024, 1, 1), {"a": 1}):
        with pytest.raises(ValidationError):
            env[T].search([("boolean", "=", value)])


# -- DOM-6 -----------------------------------------------------------------------------------------
@pytest.fixture
def moments(env):
    model = env[T]
    stamps = {
        "eve": "2024-01-09 23:59:59",
        "midnight": "2024-01-10 00:00:00",
        "noon": "2024-01-10 12:00:00",
        "last": "2024-01-10 23:59:59",
        "next": "2024-01-11 00:00:00",
    }
    records = {label: model.create({"name": label, "datetime": stamp, "date": stamp[:10]})
               for label, stamp in stamps.items()}
    records["null"] = model.create({"name": "no date"})
    return records


@pytest.mark.parametrize("day", ["2024-01-10", datetime.date(2024, 1, 10)])
def test_datetime_compared_with_a_date_uses_end_of_day_for_greater_and_less_or_equal(env, moments, day):
    assert found(env[T], [("datetime", ">", day)], moments) == {"next"}
    assert found(env[T], [("datetime", "<=", day)], moments) == {"eve", "midnight", "noon", "last"}


@pytest.mark.parametrize("day", ["2024-01-10", datetime.date(2024, 1, 10)])
def test_datetime_compared_with_a_date_uses_start_of_day_otherwise(env, moments, day):
    assert found(env[T], [("datetime", ">=", day)], moments) == {"midnight", "noon", "last", "next"}
    assert found(env[T], [("datetime", "<", day)], moments) == {"eve"}
    assert found(env[T], [("datetime", "=", day)], moments) == {"midnight"}


def test_datetime_accepts_strings_and_objects(env, moments):
    assert found(env[T], [("datetime", "=", "2024-01-10 12:00:00")], moments) == {"noon"}
    assert found(env[T], [("datetime", "=", datetime.datetime(2024, 1, 10, 12))], moments) == {"noon"}
    assert found(env[T], [("datetime", "in", ["2024-01-10 12:00:00", "2024-01-11 00:00:00"])],
                 moments) == {"noon", "next"}
    assert found(env[T], [("datetime", "=", False)], moments) == {"null"}


def test_datetime_strings_are_utc_whatever_the_user_timezone(env, moments):
    model = env[T].with_context(tz="Pacific/Auckland")
    assert found(model, [("datetime", "=", "2024-01-10 12:00:00")], moments) == {"noon"}
    assert found(model, [("datetime", ">", "2024-01-10")], moments) == {"next"}


def test_date_accepts_strings_and_objects(env, moments):
    assert found(env[T], [("date", "=", "2024-01-10")], moments) == {"midnight", "noon", "last"}
    assert found(env[T], [("date", ">", datetime.date(2024, 1, 10))], moments) == {"next"}
    assert found(env[T], [("date", "<=", "2024-01-09")], moments) == {"eve"}
    assert found(env[T], [("date", "!=", "2024-01-10")], moments) == {"eve", "next", "null"}


# -- DOM-10 ----------------------------------------------------------------------------------------
def test_many2one_with_ids_and_records(env, linked, partners):
    assert found(env[T], [("partner_id", "=", partners["agrolait"].id)], linked) == {"agro"}
    assert found(env[T], [("partner_id", "=", partners["agrolait"])], linked) == {"agro"}
    assert found(env[T], [("partner_id", "in", [partners["agrolait"].id, partners["camp"].id])],
                 linked) == {"agro", "camp"}
    assert found(env[T], [("partner_id", "in", partners["agrolait"] | partners["camp"])], linked) == \
        {"agro", "camp"}


def test_many2one_false_means_no_target(env, linked):
    assert found(env[T], [("partner_id", "=", False)], linked) == {"bare"}
    assert found(env[T], [("partner_id", "!=", False)], linked) == {"agro", "arch", "camp"}


def test_many2one_negative_id_operators_include_records_without_target(env, linked, partners):
    assert found(env[T], [("partner_id", "!=", partners["agrolait"].id)], linked) == {"arch", "camp", "bare"}
    assert found(env[T], [("partner_id", "not in", [partners["agrolait"].id])], linked) == \
        {"arch", "camp", "bare"}


def test_many2one_string_is_resolved_by_name_search_including_archived_targets(env, linked):
    assert found(env[T], [("partner_id", "ilike", "agro")], linked) == {"agro", "arch"}
    assert found(env[T], [("partner_id", "=", "Camptocamp Dom")], linked) == {"camp"}
    assert found(env[T], [("partner_id", "in", ["Camptocamp Dom", "Agrolait Dom"])], linked) == {"agro", "camp"}
    assert found(env[T], [("partner_id", "like", "Agro")], linked) == {"agro", "arch"}


def test_many2one_negative_string_operators_use_not_in_or_null(env, linked):
    assert found(env[T], [("partner_id", "not ilike", "agro")], linked) == {"camp", "bare"}
    assert found(env[T], [("partner_id", "!=", "Agrolait Dom")], linked) == {"arch", "camp", "bare"}
    assert found(env[T], [("partner_id", "not in", ["Agrolait Dom", "Camptocamp Dom"])], linked) == \
        {"arch", "bare"}


def test_many2one_negative_string_compiles_to_not_in_or_is_null(env):
    model = env[T]
    query = Query(env, model._table)
    sql = compile_domain(model, [("partner_id", "not ilike", "agro")], query)
    assert "NOT IN (SELECT" in sql.code and "IS NULL" in sql.code
    assert "agro" not in sql.code and "%agro%" in sql.params


def test_many2one_string_matching_nothing(env, linked):
    assert found(env[T], [("partner_id", "ilike", "no such partner")], linked) == set()
    assert found(env[T], [("partner_id", "not ilike", "no such partner")], linked) == set(linked)


def test_many2one_empty_like_pattern_matches_every_row_like_false(env, linked):
    for operator in ("like", "ilike"):
        assert found(env[T], [("partner_id", operator, "")], linked) == set(linked)
        assert found(env[T], [("partner_id", operator, False)], linked) == set(linked)
    assert found(env[T], [("partner_id", "not ilike", "")], linked) == set()


def test_dotted_many2one_path_with_negative_operator(env, linked):
    """The path asks for a partner whose city is not Paris: records without partner have none."""
    assert found(env[T], [("partner_id.city", "!=", "Paris")], linked) == {"arch"}


def test_name_search_uses_domain_and_hides_archived(env, partners):
    Partner = env["res.partner"]
    result = Partner.name_search("dom", domain=[("city", "=", "Paris")])
    assert {rid for rid, _ in result} == {partners["agrolait"].id, partners["camp"].id}
    assert dict(result)[partners["camp"].id] == "Camptocamp Dom"
    assert partners["archived"].id not in dict(Partner.name_search("Agro Archived"))
    assert dict(Partner.name_search("agro", args=[("city", "=", "Lyon")])) == {}
    assert len(Partner.name_search("dom", limit=2)) == 2


# -- DOM-11 ----------------------------------------------------------------------------------------
def test_many2many_in_and_equal(env, linked, tags):
    assert found(env[T], [("tag_ids", "in", [tags["root"].id])], linked) == {"agro"}
    assert found(env[T], [("tag_ids", "in", [tags["root"].id, tags["other"].id])], linked) == {"agro", "camp"}
    assert found(env[T], [("tag_ids", "=", tags["child"].id)], linked) == {"agro", "arch"}
    assert found(env[T], [("tag_ids", "in", [])], linked) == set()


def test_many2many_not_in_and_not_equal_include_records_without_links(env, linked, tags):
    assert found(env[T], [("tag_ids", "not in", [tags["root"].id])], linked) == {"arch", "camp", "bare"}
    assert found(env[T], [("tag_ids", "!=", tags["child"].id)], linked) == {"camp", "bare"}
    assert found(env[T], [("tag_ids", "not in", [])], linked) == set(linked)


def test_x2many_equal_with_a_list_means_in(env, linked, tags):
    assert found(env[T], [("tag_ids", "=", [tags["root"].id, tags["other"].id])], linked) == {"agro", "camp"}
    assert found(env[T], [("tag_ids", "!=", [tags["child"].id])], linked) == {"camp", "bare"}
    assert found(env[T], [("tag_ids", "=", [])], linked) == set()


def test_many2many_false_means_no_link_at_all(env, linked):
    assert found(env[T], [("tag_ids", "=", False)], linked) == {"bare"}
    assert found(env[T], [("tag_ids", "!=", False)], linked) == {"agro", "arch", "camp"}


def test_many2many_string_uses_name_search(env, linked):
    assert found(env[T], [("tag_ids", "=", "dom root")], linked) == {"agro"}
    assert found(env[T], [("tag_ids", "ilike", "CHILD")], linked) == {"agro", "arch"}
    assert found(env[T], [("tag_ids", "not ilike", "child")], linked) == {"camp", "bare"}
    assert found(env[T], [("tag_ids", "in", ["dom root", "dom other"])], linked) == {"agro", "camp"}


def test_one2many_in_and_equal(env, linked):
    line_x = linked["agro"].line_ids.filtered(lambda l: l.name == "x")
    line_arch = linked["arch"].line_ids
    assert found(env[T], [("line_ids", "=", line_x.id)], linked) == {"agro"}
    assert found(env[T], [("line_ids", "in", [line_x.id, line_arch.id])], linked) == {"agro", "arch"}
    assert found(env[T], [("line_ids", "in", [])], linked) == set()


def test_one2many_not_in_and_not_equal_include_records_without_lines(env, linked):
    line_arch = linked["arch"].line_ids
    assert found(env[T], [("line_ids", "not in", [line_arch.id])], linked) == {"agro", "camp", "bare"}
    assert found(env[T], [("line_ids", "!=", line_arch.id)], linked) == {"agro", "camp", "bare"}


def test_one2many_false_means_no_line_at_all(env, linked):
    assert found(env[T], [("line_ids", "=", False)], linked) == {"bare"}
    assert found(env[T], [("line_ids", "!=", False)], linked) == {"agro", "arch", "camp"}


def test_one2many_string_uses_name_search(env, linked):
    assert found(env[T], [("line_ids", "=", "y")], linked) == {"agro", "arch"}
    assert found(env[T], [("line_ids", "!=", "y")], linked) == {"camp", "bare"}


def test_x2many_refuses_comparison_operators(env, linked):
    with pytest.raises(DomainError):
        env[T].search([("tag_ids", "<", 5)])
    with pytest.raises(DomainError):
        env[T].search([("line_ids", ">=", 1)])


# -- DOM-12 ----------------------------------------------------------------------------------------
def test_dotted_path_over_many2one(env, linked):
    assert found(env[T], [("partner_id.city", "=", "Paris")], linked) == {"agro", "camp"}
    assert found(env[T], [("partner_id.city", "=", False)], linked) == set()
    assert found(env[T], [("partner_id.name", "ilike", "camp")], linked) == {"camp"}


def test_dotted_path_over_many2one_ignores_active_test_of_intermediate_step(env, linked):
    assert found(env[T], [("partner_id.city", "=", "Lyon")], linked) == {"arch"}


def test_dotted_path_over_two_many2one_steps(env, linked, partners):
    parent = env["res.partner"].create({"name": "Parent Dom"})
    partners["camp"].parent_id = parent
    assert found(env[T], [("partner_id.parent_id.name", "=", "Parent Dom")], linked) == {"camp"}


def test_dotted_path_over_one2many_means_there_exists_a_line(env, linked):
    assert found(env[T], [("line_ids.name", "=", "x")], linked) == {"agro", "camp"}
    assert found(env[T], [("line_ids.name", "in", ["x", "y"])], linked) == {"agro", "arch", "camp"}


def test_dotted_x2many_path_with_not_equal_means_has_a_line_whose_value_differs(env, linked):
    """'agro' has lines x and y: it has a line whose name is not x. 'bare' has no line at all."""
    assert found(env[T], [("line_ids.name", "!=", "x")], linked) == {"agro", "arch"}
    assert found(env[T], [("line_ids.name", "not in", ["x"])], linked) == {"agro", "arch"}
    assert found(env[T], [("line_ids", "not any", [("name", "=", "x")])], linked) == {"arch", "bare"}


def test_dotted_path_over_many2many(env, linked):
    assert found(env[T], [("tag_ids.name", "=", "dom child")], linked) == {"agro", "arch"}
    assert found(env[T], [("tag_ids.parent_id.name", "=", "dom root")], linked) == {"agro", "arch"}
    assert found(env[T], [("tag_ids.name", "!=", "dom child")], linked) == {"agro", "camp"}


def test_dotted_path_through_x2many_ignores_active_test_of_intermediate_step(env, linked):
    line = linked["camp"].line_ids
    line.active = False
    assert linked["camp"].line_ids.ids == []
    assert found(env[T], [("line_ids.name", "=", "x")], linked) == {"agro", "camp"}


def test_dotted_path_with_unknown_or_non_relational_step_is_refused(env, linked):
    with pytest.raises(DomainError, match="nonexistent"):
        env[T].search([("partner_id.nonexistent", "=", 1)])
    with pytest.raises(DomainError):
        env[T].search([("name.length", "=", 1)])
    with pytest.raises(DomainError):
        env[T].search([("integer.id", "=", 1)])


# -- DOM-13 ----------------------------------------------------------------------------------------
def test_related_non_stored_field_is_searchable_through_its_path(env, linked):
    assert found(env[T], [("partner_name", "=", "Camptocamp Dom")], linked) == {"camp"}
    assert found(env[T], [("partner_city", "=", "Paris")], linked) == {"agro", "camp"}
    assert found(env[T], [("partner_name", "ilike", "agro")], linked) == {"agro", "arch"}


def test_related_many2one_non_stored_field_is_searchable(env, partners):
    order = env["test.orm.order"].create({"name": "DOM-13 order", "partner_id": partners["camp"].id})
    other = env["test.orm.order"].create({"name": "DOM-13 other"})
    Line = env["test.orm.order.line"]
    lines = {"camp": Line.create({"order_id": order.id}), "none": Line.create({"order_id": other.id})}
    assert found(Line, [("order_partner_id", "=", partners["camp"].id)], lines) == {"camp"}
    assert found(Line, [("order_partner_id.city", "=", "Paris")], lines) == {"camp"}


def test_computed_field_with_search_method_is_searchable(env):
    category = env["res.groups.category"].create({"name": "Dom Category"})
    Group = env["res.groups"]
    groups = {"in": Group.create({"name": "Dom In", "category_id": category.id}),
              "out": Group.create({"name": "Dom Out"})}
    assert found(Group, [("full_name", "ilike", "dom category")], groups) == {"in"}
    assert found(Group, [("full_name", "=", "Dom Out")], groups) == {"out"}


def test_computed_field_without_search_method_is_refused(env):
    with pytest.raises(ValueError, match="shown_total"):
        env["test.orm.order"].search([("shown_total", "=", "1.00")])


def test_inherited_fields_are_searched_through_the_link(env):
    Pet = env["test.orm.pet"]
    pets = {"rex": Pet.create({"name": "Rex Dom", "legs": 3}), "ace": Pet.create({"name": "Ace Dom"})}
    assert found(Pet, [("name", "=", "Rex Dom")], pets) == {"rex"}
    assert found(Pet, [("legs", ">", 3)], pets) == {"ace"}
    assert found(Pet, [("animal_id.name", "ilike", "dom")], pets) == {"rex", "ace"}


def test_binary_attachment_fields_support_only_false_comparisons(env):
    model = env[T]
    records = {"file": model.create({"name": "with file", "binary": "aGVsbG8=", "binary_db": "aGVsbG8="}),
               "none": model.create({"name": "without file"})}
    assert found(model, [("binary", "!=", False)], records) == {"file"}
    assert found(model, [("binary", "=", False)], records) == {"none"}
    assert found(model, [("binary_db", "!=", False)], records) == {"file"}
    assert found(model, [("binary_db", "=", False)], records) == {"none"}
    with pytest.raises(DomainError):
        model.search([("binary", "=", "aGVsbG8=")])
    with pytest.raises(DomainError):
        model.search([("binary", "ilike", "a")])


def test_display_name_is_searchable(env, partners):
    found_ids = env["res.partner"].search([("display_name", "ilike", "camptocamp dom")]).ids
    assert found_ids == partners["camp"].ids


def test_translated_field_is_searched_and_sorted_by_its_value(env):
    model = env[T]
    records = {"b": model.create({"char_translate": "Bravo dom"}), "a": model.create({"char_translate": "Alpha dom"})}
    assert found(model, [("char_translate", "ilike", "BRAVO")], records) == {"b"}
    assert found(model, [("char_translate", "=", "Alpha dom")], records) == {"a"}
    assert ordered_labels(model, records, "char_translate desc") == ["b", "a"]


def test_dotted_path_applies_record_rules_of_the_intermediate_comodel(env, linked, partners):
    """A user who may not see the Lyon partner does not find records through it."""
    user = env["res.users"].create({"name": "Dom User", "login": "dom_user",
                                    "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    env["ir.rule"].create({"name": "no Lyon", "model_id": env["ir.model"].search([("model", "=", "res.partner")]).id,
                           "domain_force": "[('city', '!=', 'Lyon')]"})
    model = env[T].with_user(user)
    assert found(env[T], [("partner_id.city", "in", ["Lyon", "Paris"])], linked) == {"agro", "arch", "camp"}
    assert found(model, [("partner_id.city", "in", ["Lyon", "Paris"])], linked) == {"agro", "camp"}


# -- DOM-20 ----------------------------------------------------------------------------------------
def test_child_of_with_a_list_of_ids(env, tags):
    Tag = env["test.orm.tag"]
    assert found(Tag, [("id", "child_of", [tags["child"].id, tags["other"].id])], tags) == \
        {"child", "grand", "other"}
    assert found(Tag, [("id", "child_of", [])], tags) == set()


def test_child_of_with_a_name(env, tags):
    Tag = env["test.orm.tag"]
    assert found(Tag, [("id", "child_of", "dom child")], tags) == {"child", "grand"}


def test_parent_of_with_a_list_and_a_name(env, tags):
    Tag = env["test.orm.tag"]
    assert found(Tag, [("id", "parent_of", [tags["grand"].id, tags["sibling"].id])], tags) == \
        {"grand", "child", "sibling", "root"}
    assert found(Tag, [("id", "parent_of", "dom grand")], tags) == {"grand", "child", "root"}


def test_child_of_on_the_parent_many2one_is_inclusive_like_on_id(env, tags):
    """parent_id links the model to itself: it is the parent link, as ('id', 'child_of', x) (Odoo)."""
    Tag = env["test.orm.tag"]
    assert found(Tag, [("parent_id", "child_of", tags["root"].id)], tags) == {"root", "child", "grand", "sibling"}
    assert found(Tag, [("parent_id", "child_of", "dom child")], tags) == {"child", "grand"}
    assert found(Tag, [("parent_id", "parent_of", tags["grand"].id)], tags) == {"grand", "child", "root"}


def test_child_of_on_a_many2one_to_another_hierarchical_model(env):
    """Applied to the comodel (partners below the company, inclusive), then IN."""
    Partner = env["res.partner"]
    company = Partner.create({"name": "Dom Company", "is_company": True})
    contact = Partner.create({"name": "Dom Contact", "parent_id": company.id})
    stranger = Partner.create({"name": "Dom Stranger"})
    model = env[T]
    records = {"company": model.create({"partner_id": company.id}), "contact": model.create({"partner_id": contact.id}),
               "stranger": model.create({"partner_id": stranger.id}), "none": model.create({})}
    assert found(model, [("partner_id", "child_of", company.id)], records) == {"company", "contact"}
    assert found(model, [("partner_id", "parent_of", contact.id)], records) == {"company", "contact"}
    assert found(model, [("partner_id", "child_of", "Dom Company")], records) == {"company", "contact"}


def test_child_of_on_a_many2many_to_a_hierarchy(env, linked, tags):
    assert found(env[T], [("tag_ids", "child_of", tags["child"].id)], linked) == {"agro", "arch"}
    assert found(env[T], [("tag_ids", "child_of", tags["root"].id)], linked) == {"agro", "arch"}
    assert found(env[T], [("tag_ids", "parent_of", tags["grand"].id)], linked) == {"agro", "arch"}


def test_child_of_skips_archived_records(env, tags):
    tags["sibling"].active = False
    Tag = env["test.orm.tag"]
    assert found(Tag, [("id", "child_of", tags["root"].id)], tags) == {"root", "child", "grand"}
    found_all = found(Tag.with_context(active_test=False), [("id", "child_of", tags["root"].id)], tags)
    assert found_all == {"root", "child", "grand", "sibling"}


def test_child_of_follows_moves_in_the_parent_store(env, tags):
    tags["child"].parent_id = tags["other"]
    Tag = env["test.orm.tag"]
    assert found(Tag, [("id", "child_of", tags["other"].id)], tags) == {"other", "child", "grand"}
    assert found(Tag, [("id", "parent_of", tags["grand"].id)], tags) == {"grand", "child", "other"}


@pytest.fixture
def categories(env):
    """A category tree without parent store: top > (mid > low), top > side; alone."""
    Category = env["test.orm.category"]
    top = Category.create({"name": "cat top"})
    mid = Category.create({"name": "cat mid", "parent_id": top.id})
    low = Category.create({"name": "cat low", "parent_id": mid.id})
    side = Category.create({"name": "cat side", "parent_id": top.id})
    alone = Category.create({"name": "cat alone"})
    assert not Category._parent_store
    return {"top": top, "mid": mid, "low": low, "side": side, "alone": alone}


def test_child_of_without_parent_store(env, categories):
    Category = env["test.orm.category"]
    assert found(Category, [("id", "child_of", categories["top"].id)], categories) == {"top", "mid", "low", "side"}
    assert found(Category, [("id", "child_of", [categories["mid"].id, categories["alone"].id])],
                 categories) == {"mid", "low", "alone"}
    assert found(Category, [("id", "child_of", "cat mid")], categories) == {"mid", "low"}


def test_parent_of_without_parent_store(env, categories):
    Category = env["test.orm.category"]
    assert found(Category, [("id", "parent_of", categories["low"].id)], categories) == {"low", "mid", "top"}
    assert found(Category, [("id", "parent_of", [categories["low"].id, categories["side"].id])],
                 categories) == {"low", "mid", "top", "side"}
    assert found(Category, [("id", "parent_of", "cat side")], categories) == {"side", "top"}


def test_child_of_without_parent_store_on_the_parent_many2one(env, categories):
    Category = env["test.orm.category"]
    assert found(Category, [("parent_id", "child_of", categories["mid"].id)], categories) == {"mid", "low"}
    assert found(Category, [("parent_id", "parent_of", categories["low"].id)], categories) == {"low", "mid", "top"}


def test_child_of_without_parent_store_survives_a_cycle(env, categories):
    env.cr.execute("UPDATE test_orm_category SET parent_id = %s WHERE id = %s",
                   [categories["low"].id, categories["top"].id])
    env.invalidate_all()
    Category = env["test.orm.category"]
    assert found(Category, [("id", "child_of", categories["mid"].id)], categories) == {"top", "mid", "low", "side"}
    assert found(Category, [("id", "parent_of", categories["mid"].id)], categories) == {"top", "mid", "low"}


def test_child_of_and_parent_of_ignore_ids_that_do_not_exist(env, tags, categories):
    Tag, Category = env["test.orm.tag"], env["test.orm.category"]
    missing = max(tags["other"].id, categories["alone"].id) + 1000
    for model, records, top in ((Tag, tags, "root"), (Category, categories, "top")):
        for operator in ("child_of", "parent_of"):
            assert found(model, [("id", operator, missing)], records) == set()
            assert records[top] in model.search([("id", operator, [missing, records[top].id])])
    assert found(env[T], [("tag_ids", "child_of", missing)], {}) == set()


def test_child_of_on_a_many2many_to_the_same_model_uses_it_as_the_parent_link(env):
    """A group is 'below' the groups it implies: child_of g gives g and the groups implying it."""
    Group = env["res.groups"]
    groups = {"base": Group.create({"name": "Dom Base"})}
    groups["mid"] = Group.create({"name": "Dom Mid", "implied_ids": [(6, 0, groups["base"].ids)]})
    groups["top"] = Group.create({"name": "Dom Top", "implied_ids": [(6, 0, groups["mid"].ids)]})
    groups["apart"] = Group.create({"name": "Dom Apart"})
    assert found(Group, [("implied_ids", "child_of", groups["base"].id)], groups) == {"base", "mid", "top"}
    assert found(Group, [("implied_ids", "child_of", groups["mid"].id)], groups) == {"mid", "top"}
    assert found(Group, [("implied_ids", "parent_of", groups["top"].id)], groups) == {"top", "mid", "base"}
    assert found(Group, [("implied_ids", "parent_of", "Dom Mid")], groups) == {"mid", "base"}


def test_child_of_on_a_one2many_to_the_same_model_uses_it_as_the_parent_link(env, tags):
    Tag = env["test.orm.tag"]
    assert found(Tag, [("child_ids", "child_of", tags["grand"].id)], tags) == {"grand", "child", "root"}
    assert found(Tag, [("child_ids", "parent_of", tags["child"].id)], tags) == {"child", "grand"}


def test_child_of_on_a_model_without_hierarchy_is_refused(env, rows):
    with pytest.raises(DomainError):
        env[T].search([("id", "child_of", rows["one"].id)])
    with pytest.raises(DomainError):
        env[T].search([("name", "child_of", 1)])


# -- DOM-30 ----------------------------------------------------------------------------------------
@pytest.fixture
def archive(env):
    model = env[T]
    return {"live": model.create({"name": "dom live"}),
            "gone": model.create({"name": "dom gone", "active": False})}


def test_archived_records_are_hidden_by_default(env, archive):
    assert found(env[T], [("name", "like", "dom ")], archive) == {"live"}
    assert env[T].search_count([("name", "like", "dom ")]) == 1
    assert [rid for rid, _ in env[T].name_search("dom ")] == [archive["live"].id]


def test_active_test_false_shows_archived_records(env, archive):
    model = env[T].with_context(active_test=False)
    assert found(model, [("name", "like", "dom ")], archive) == {"live", "gone"}
    assert model.search_count([("name", "like", "dom ")]) == 2


def test_explicit_active_leaf_disables_the_archive_filter(env, archive):
    assert found(env[T], [("active", "=", False)], archive) == {"gone"}
    assert found(env[T], [("active", "in", [True, False])], archive) == {"live", "gone"}
    assert found(env[T], ["|", ("active", "=", False), ("name", "=", "dom live")], archive) == {"live", "gone"}


def test_browse_and_read_ignore_active_test(env, archive):
    gone = env[T].browse(archive["gone"].id)
    assert gone.read(["name"]) == [{"id": gone.id, "name": "dom gone"}]


def test_x2many_reads_hide_lines_archived_after_being_cached(env, linked):
    lines = linked["agro"].line_ids
    assert len(lines) == 2
    lines[:1].active = False
    assert linked["agro"].line_ids == lines[1:]
    lines[:1].active = True
    assert linked["agro"].line_ids == lines


def test_x2many_reads_follow_the_active_test_context(env, linked):
    lines = linked["agro"].line_ids
    lines[:1].active = False
    env.invalidate_all()
    assert linked["agro"].line_ids == lines[1:]
    assert linked["agro"].with_context(active_test=False).line_ids == lines


# -- '&', '|', '!' ---------------------------------------------------------------------------------
def test_or_of_two_leaves(env, rows):
    assert found(env[T], ["|", ("integer", "=", 1), ("integer", "=", 10)], rows) == {"one", "ten"}


def test_implicit_and(env, rows):
    assert found(env[T], [("name", "ilike", "alpha"), ("integer", ">", 1)], rows) == {"five"}
    assert found(env[T], ["&", ("name", "ilike", "alpha"), ("integer", ">", 1)], rows) == {"five"}


def test_nested_or_inside_and(env, rows):
    domain = [("name", "!=", False), "|", ("integer", "=", 1), ("integer", "=", 10), ("float_plain", ">", 2)]
    assert found(env[T], domain, rows) == {"ten"}


def test_not_is_the_complement_including_null_rows(env, rows):
    assert found(env[T], ["!", ("integer", "=", 1)], rows) == {"five", "ten", "null"}
    assert found(env[T], ["!", ("integer", "<", 5)], rows) == {"five", "ten", "null"}
    assert found(env[T], ["!", "|", ("integer", "=", 1), ("name", "=", "Beta")], rows) == {"five", "null"}
    assert found(env[T], ["!", "!", ("integer", "=", 1)], rows) == {"one"}


LEAVES = [
    ("integer", "=", 1), ("integer", "<", 5), ("integer", ">=", 5), ("integer", "in", [1, False]),
    ("name", "ilike", "alpha"), ("name", "=", False), ("name", "like", ""), ("boolean", "=", False),
    ("integer", "not in", [5]), ("name", "=like", "B%"), ("float_plain", ">", 2),
]


@pytest.mark.parametrize("leaf", LEAVES, ids=lambda leaf: f"{leaf[0]} {leaf[1]} {leaf[2]!r}")
def test_not_leaf_matches_exactly_the_other_rows(env, rows, leaf):
    matching = found(env[T], [leaf], rows)
    assert found(env[T], ["!", leaf], rows) == ALL - matching


@pytest.mark.parametrize("leaf", LEAVES, ids=lambda leaf: f"{leaf[0]} {leaf[1]} {leaf[2]!r}")
def test_distribute_not_keeps_the_meaning(env, rows, leaf):
    for domain in (["!", leaf], ["!", "|", leaf, ("integer", "=", 10)], ["!", "&", leaf, ("name", "!=", False)]):
        assert found(env[T], distribute_not(domain), rows) == found(env[T], domain, rows), domain


# -- DOM-40 / DOM-41: order ------------------------------------------------------------------------
@pytest.fixture
def ordered(env):
    """Partners named so that name order and id order disagree."""
    Partner = env["res.partner"]
    zeta = Partner.create({"name": "Zeta Order"})
    alpha = Partner.create({"name": "Alpha Order"})
    model = env[T]
    return {
        "z": model.create({"name": "o z", "partner_id": zeta.id, "integer": 1}),
        "a": model.create({"name": "o a", "partner_id": alpha.id, "integer": 3}),
        "none": model.create({"name": "o none", "integer": 2}),
    }


def ordered_labels(model, records, order, domain=None):
    by_id = {record.id: label for label, record in records.items()}
    domain = [("id", "in", [r.id for r in records.values()])] + (domain or [])
    return [by_id[i] for i in model.search(domain, order=order).ids]


def test_many2one_order_follows_the_comodel_order(env, ordered):
    assert ordered_labels(env[T], ordered, "partner_id") == ["a", "z", "none"]


def test_many2one_order_desc_reverses_the_comodel_order(env, ordered):
    assert ordered_labels(env[T], ordered, "partner_id desc") == ["none", "z", "a"]


def test_nulls_first_and_last(env, ordered):
    assert ordered_labels(env[T], ordered, "partner_id nulls first") == ["none", "a", "z"]
    assert ordered_labels(env[T], ordered, "partner_id desc nulls last") == ["z", "a", "none"]
    ordered["z"].date = "2024-01-01"
    ordered["a"].date = "2024-01-03"
    assert ordered_labels(env[T], ordered, "date") == ["z", "a", "none"]
    assert ordered_labels(env[T], ordered, "date desc") == ["none", "a", "z"]
    assert ordered_labels(env[T], ordered, "date asc nulls first") == ["none", "z", "a"]
    assert ordered_labels(env[T], ordered, "date desc nulls last") == ["a", "z", "none"]


def test_order_on_plain_columns(env, ordered):
    assert ordered_labels(env[T], ordered, "integer") == ["z", "none", "a"]
    assert ordered_labels(env[T], ordered, "integer DESC") == ["a", "none", "z"]
    assert ordered_labels(env[T], ordered, "name desc, id") == ["z", "none", "a"]


def test_many2one_order_recurses_into_the_comodel_order(env):
    """Order lines sort by order_id, i.e. by the order's own _order 'name desc, id'."""
    Order = env["test.orm.order"]
    first, second = Order.create({"name": "DOM A"}), Order.create({"name": "DOM B"})
    Line = env["test.orm.order.line"]
    lines = {"a": Line.create({"order_id": first.id}), "b": Line.create({"order_id": second.id})}
    assert ordered_labels(Line, lines, "order_id") == ["b", "a"]
    assert ordered_labels(Line, lines, "order_id desc") == ["a", "b"]


def test_self_referencing_many2one_order_terminates(env):
    Order = env["test.orm.order"]
    parent_b = Order.create({"name": "DOM P B"})
    parent_a = Order.create({"name": "DOM P A"})
    orders = {"under_b": Order.create({"name": "DOM C1", "parent_id": parent_b.id}),
              "under_a": Order.create({"name": "DOM C2", "parent_id": parent_a.id})}
    assert ordered_labels(Order, orders, "parent_id") == ["under_b", "under_a"]


def test_order_on_stored_related_and_inherited_fields(env):
    Pet = env["test.orm.pet"]
    pets = {"rex": Pet.create({"name": "Rex"}), "ace": Pet.create({"name": "Ace"})}
    assert ordered_labels(Pet, pets, "name") == ["ace", "rex"]
    assert ordered_labels(Pet, pets, "name desc") == ["rex", "ace"]


def test_id_is_appended_as_tie_breaker(env):
    model = env[T]
    records = {str(i): model.create({"name": "same", "integer": 7}) for i in range(4)}
    records["0"].write({"float_plain": 1.0})       # moves the row physically to the end of the heap
    assert ordered_labels(model, records, "name") == ["0", "1", "2", "3"]
    assert ordered_labels(model, records, "integer desc") == ["0", "1", "2", "3"]
    query = model._search([], order="name desc")
    assert query.order.code.endswith('"test_orm_all_types"."id"')
    query = model._search([], order="id desc")
    assert query.order.code.count('"id"') == 1


def test_default_order_is_the_model_order(env):
    Order = env["test.orm.order"]
    orders = {"a": Order.create({"name": "DOM O A"}), "b": Order.create({"name": "DOM O B"})}
    assert ordered_labels(Order, orders, None) == ["b", "a"]
    assert ordered_labels(Order, orders, False) == ["b", "a"]


@pytest.mark.parametrize("order", [
    "line_ids", "tag_ids desc", "partner_name", "name_upper_missing", "nonexistent", "name; DROP TABLE x",
    "id; DROP TABLE test_orm_all_types", "name desc, (SELECT 1)", "name, partner_id.name", "shown_total",
    "name collate C", "random()",
])
def test_invalid_orders_are_refused_before_any_sql(env, order):
    model = env[T]
    env.flush_all()
    before = env.cr.sql_count
    with pytest.raises(ValidationError):
        model.search([], order=order)
    assert env.cr.sql_count == before
    assert model.search_count([]) >= 0


# -- paging and counting ---------------------------------------------------------------------------
@pytest.fixture
def five(env):
    model = env[T]
    return {str(i): model.create({"name": f"page {i}", "integer": i}) for i in range(1, 6)}


def test_search_offset_and_limit(env, five):
    model = env[T]
    domain = [("name", "like", "page ")]
    assert model.search(domain, order="integer", offset=1, limit=2).mapped("integer") == [2, 3]
    assert model.search(domain, order="integer desc", limit=1).mapped("integer") == [5]
    assert model.search(domain, order="integer", offset=4).mapped("integer") == [5]
    assert model.search(domain, order="integer", offset=10).ids == []


@pytest.mark.parametrize("limit", [None, False, 0])
def test_search_without_limit(env, five, limit):
    assert len(env[T].search([("name", "like", "page ")], limit=limit)) == 5


def test_search_count_and_legacy_count(env, five):
    model = env[T]
    domain = [("name", "like", "page "), ("integer", ">", 2)]
    assert model.search_count(domain) == 3
    assert model.search(domain, count=True) == 3
    assert model.search_count([("name", "=", "no such record")]) == 0


def test_search_count_with_limit(env, five):
    model = env[T]
    assert model.search_count([("name", "like", "page ")], limit=2) == 2
    assert model.search_count([("name", "like", "page ")], limit=10) == 5


@pytest.mark.parametrize("kwargs", [{"limit": -1}, {"offset": -1}, {"limit": "5"}, {"offset": 1.5},
                                    {"limit": "5; DROP TABLE x"}])
def test_invalid_paging_is_refused(env, kwargs):
    with pytest.raises(ValidationError):
        env[T].search([], **kwargs)


def test_search_read_keeps_the_order(env, five):
    result = env[T].search_read([("name", "like", "page ")], ["integer"], order="integer desc", limit=3)
    assert [row["integer"] for row in result] == [5, 4, 3]


# -- errors before SQL -----------------------------------------------------------------------------
@pytest.mark.parametrize("domain", [
    [("nonexistent", "=", 1)],
    [("name", "no such operator", 1)],
    [("partner_id.nonexistent", "=", 1)],
    [("name.foo", "=", 1)],
    [("integer", "=", 1), ("nonexistent", "=", 1)],
    [("partner_id", "ilike", "agro"), ("nonexistent", "=", 1)],
    [("tag_ids", "child_of", "dom"), ("nonexistent", "=", 1)],
    [("integer", "=", 1), ("partner_id", "any", [("city", "bad operator", "x")])],
    [("line_ids", "not any", [("name", "=", "x"), ("nonexistent", "=", 1)])],
    [("partner_id.parent_id", "any", [("country_id.nonexistent", "=", 1)])],
    [("integer", "=", "abc")],
    ["|", ("name", "=", "x")],
    [("name", "=", "x", "y")],
])
def test_invalid_domain_raises_before_any_sql(env, rows, domain):
    rows["one"].write({"integer": 2})           # a pending update that a flush would send
    before = env.cr.sql_count
    with pytest.raises(ValidationError):
        env[T].search(domain)
    assert env.cr.sql_count == before


@pytest.mark.parametrize("leaf", [
    ("integer", "=", "abc"), ("integer", "<", "abc"), ("integer", "in", [1, "abc"]), ("integer", "=", 1.5),
    ("float_plain", "=", "abc"), ("float_plain", ">", [1]), ("date", "=", "abc"), ("date", "=", 5),
    ("datetime", ">", "2024-13-01"), ("datetime", "=", "yesterday"), ("id", "=", "abc"), ("id", "in", ["x"]),
    ("selection_int", "=", "zz"), ("boolean", "<", "x"), ("name", "=", {"a": 1}), ("name", "=", ["a"]),
    ("name", "like", ["a"]), ("tag_ids", "=", 1.5), ("tag_ids", "in", [{}]), ("line_ids", "=", [[1]]),
    ("partner_id", "=", [1, 2]), ("partner_id", "in", [[1]]), ("amount", "=", True),
    ("name", "=", "nul\x00byte"), ("name", "ilike", "nul\x00byte"), ("name", "in", ["a", "\x00"]),
    ("partner_id", "ilike", "nul\x00"), ("text", "=like", "\x00%"), ("json_data", "=", "\x00"),
    ("json_data", "=", {"a": ["\x00"]}), ("json_data", "=", float("nan")), ("json_data", "=", {1, 2}),
])
def test_values_of_the_wrong_type_raise_validation_error(env, rows, leaf):
    with pytest.raises(ValidationError):
        env[T].search([leaf])
    assert found(env[T], [("integer", "=", 1)], rows) == {"one"}


def test_quotes_and_semicolons_in_values_are_plain_data(env):
    evil = "Robert'); DROP TABLE test_orm_all_types; --"
    model = env[T]
    records = {"evil": model.create({"name": evil}), "plain": model.create({"name": "Robert"})}
    assert found(model, [("name", "=", evil)], records) == {"evil"}
    assert found(model, [("name", "ilike", "'); drop")], records) == {"evil"}
    assert found(model, [("name", "in", [evil, "\\'"])], records) == {"evil"}
    assert found(model, [("name", "=", "Robert\\")], records) == set()
    assert model.search_count([("id", "in", [r.id for r in records.values()])]) == 2


# -- fuzz ------------------------------------------------------------------------------------------
FIELD_NAMES = ["name", "integer", "float_plain", "boolean", "date", "datetime", "selection", "selection_int",
               "partner_id", "partner_id.name", "partner_id.city", "line_ids", "line_ids.name", "tag_ids",
               "tag_ids.parent_id", "partner_name", "id", "active", "text", "char_translate", "amount",
               "reference", "binary", "json_data", "create_date", "write_uid.login"]
OPERATORS = ["=", "!=", "<>", "<", ">", "<=", ">=", "=?", "like", "ilike", "not like", "not ilike", "=like",
             "=ilike", "in", "not in", "child_of", "parent_of", "any", "not any", "IN", "Not Like"]
NASTY_TEXT = st.lists(st.sampled_from(list("'\";\\%_-()*/ \n\taZé€𝄞") + ["\x00", "--", "/*", "DROP TABLE x"]),
                      max_size=12).map("".join)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70), st.floats(allow_nan=True),
    NASTY_TEXT, st.text(max_size=15), st.dates(), st.datetimes(),
    st.sampled_from(["2024-01-10", "2024-01-10 12:00:00", "2024-02-30", "1", "1.5", "", "%", "_"]),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.tuples(SCALARS),
                   st.dictionaries(st.text(max_size=3), SCALARS, max_size=2),
                   st.lists(st.tuples(st.sampled_from(FIELD_NAMES), st.sampled_from(OPERATORS), SCALARS),
                            max_size=2))
LEFTS = st.one_of(st.sampled_from(FIELD_NAMES), NASTY_TEXT, st.text(max_size=12))
OPS = st.one_of(st.sampled_from(OPERATORS), NASTY_TEXT, st.text(max_size=8))
LEAF = st.tuples(LEFTS, OPS, VALUES)
DOMAINS = st.lists(st.one_of(LEAF, LEAF, LEAF, st.sampled_from(["&", "|", "!"])), max_size=5)
ORDERS = st.one_of(
    st.none(), NASTY_TEXT, st.text(max_size=20),
    st.lists(st.tuples(st.sampled_from(FIELD_NAMES + ["x;", "1", "(select"]),
                       st.sampled_from(["", " asc", " desc", " DESC nulls first", " nulls last", " desc desc"])),
             min_size=1, max_size=3).map(lambda terms: ", ".join(f + d for f, d in terms)),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
@given(domain=DOMAINS, order=ORDERS, limit=st.one_of(st.none(), st.integers(0, 3)))
def test_fuzzed_domains_never_reach_the_database_as_errors(env, rows, linked, domain, order, limit):
    """Whatever the domain and order, search returns records or raises a validation error (which is
    also a ValueError), never a database error."""
    model = env[T]
    try:
        model.search(domain, order=order, limit=limit)
    except psycopg2.Error as exc:      # pragma: no cover - the failure being looked for
        pytest.fail(f"database error for domain={domain!r} order={order!r}: {exc}")
    except ValidationError:
        pass
    env.cr.execute("SELECT count(*) FROM test_orm_all_types")
    assert env.cr.fetchone()[0] >= 0
