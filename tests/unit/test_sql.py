"""Composable SQL (server/db/sql.py): placeholders, escaping, identifiers (orm.md SCH-1, DOM-32)."""
import pytest
from hypothesis import given, settings, strategies as st

from bureau.db.sql import MAX_IDENTIFIER_BYTES, SQL, check_identifier, make_identifier


def assert_sql(sql, code, params):
    assert (sql.code, sql.params) == (code, params)


# -- placeholders ----------------------------------------------------------------------------------
def test_values_become_bound_parameters():
    assert_sql(SQL("SELECT * FROM t WHERE a = %s AND b = %s", 1, "x"),
               "SELECT * FROM t WHERE a = %s AND b = %s", [1, "x"])


def test_values_are_never_formatted_into_the_code():
    evil = "x'); DROP TABLE t; --"
    sql = SQL("a = %s", evil)
    assert evil not in sql.code and sql.params == [evil]


def test_nested_sql_is_inlined_with_its_params_in_order():
    inner = SQL("b IN (SELECT id FROM u WHERE c = %s)", 2)
    assert_sql(SQL("a = %s AND %s AND d = %s", 1, inner, 3),
               "a = %s AND b IN (SELECT id FROM u WHERE c = %s) AND d = %s", [1, 2, 3])


def test_code_without_arguments_is_kept_verbatim():
    assert_sql(SQL("SELECT 1"), "SELECT 1", [])
    assert_sql(SQL(), "", [])
    assert not SQL() and SQL("x")


def test_placeholder_count_must_match_arguments():
    with pytest.raises(TypeError):
        SQL("a = %s AND b = %s", 1)
    with pytest.raises(TypeError):
        SQL("a = %s", 1, 2)
    with pytest.raises(TypeError):
        SQL("a = 1", 1)


def test_sql_values_passed_as_params_are_inlined_not_bound():
    assert_sql(SQL("%s", SQL("now()")), "now()", [])


def test_tuple_values_are_single_parameters():
    assert_sql(SQL("id IN %s", (1, 2, 3)), "id IN %s", [(1, 2, 3)])


# -- percent escaping ------------------------------------------------------------------------------
def test_double_percent_is_a_literal_percent_not_a_placeholder():
    assert_sql(SQL("a LIKE 'x%%' AND b = %s", 1), "a LIKE 'x%%' AND b = %s", [1])


def test_double_percent_followed_by_s_is_not_a_placeholder():
    assert_sql(SQL("a = '%%s' AND b = %s", 1), "a = '%%s' AND b = %s", [1])
    with pytest.raises(TypeError):
        SQL("a = '%%s'", 1)


def test_percent_in_a_value_stays_in_the_parameter():
    assert_sql(SQL("a LIKE %s", "%100%"), "a LIKE %s", ["%100%"])


def test_placeholders_inside_nested_sql_code_are_not_reinterpreted():
    """A nested object's code is already final: its %% and %s are not parsed again by the outer one."""
    inner = SQL("b LIKE 'y%%' AND c = %s", 5)
    assert_sql(SQL("(%s) AND d = %s", inner, 6), "(b LIKE 'y%%' AND c = %s) AND d = %s", [5, 6])


# -- join ------------------------------------------------------------------------------------------
def test_join_concatenates_code_and_params():
    assert_sql(SQL.join(" AND ", [SQL("a = %s", 1), SQL("b"), SQL("c = %s", 3)]),
               "a = %s AND b AND c = %s", [1, 3])


def test_join_binds_plain_values():
    assert_sql(SQL.join(", ", [SQL.identifier("a"), 2, "x"]), '"a", %s, %s', [2, "x"])


def test_join_of_nothing_is_empty():
    assert_sql(SQL.join(", ", []), "", [])


def test_join_with_single_item():
    assert_sql(SQL.join(" OR ", [SQL("x = %s", 1)]), "x = %s", [1])


# -- value semantics -------------------------------------------------------------------------------
def test_equality_compares_code_and_params():
    assert SQL("a = %s", 1) == SQL("a = %s", 1)
    assert SQL("a = %s", 1) != SQL("a = %s", 2)
    assert SQL("a") != "a"
    assert hash(SQL("a = %s", 1)) == hash(SQL("a = %s", 2))


def test_params_are_a_copy():
    sql = SQL("a = %s", 1)
    sql.params.append(2)
    assert sql.params == [1]


def test_unpacks_into_code_and_params():
    code, params = SQL("a = %s", 1)
    assert (code, params) == ("a = %s", [1])


# -- identifiers -----------------------------------------------------------------------------------
def test_identifiers_are_double_quoted():
    assert_sql(SQL.identifier("res_partner"), '"res_partner"', [])
    assert_sql(SQL.identifier("p", "name"), '"p"."name"', [])


@pytest.mark.parametrize("name", [
    "", "1abc", "a b", 'a"b', "a;b", "a.b", "a-b", "a'b", "a)", "é", "a\x00", "a\nb", None, 5, b"abc",
    "name; DROP TABLE x", "abc\n", "abc\r\n",
])
def test_invalid_identifiers_are_refused(name):
    with pytest.raises(ValueError):
        check_identifier(name)
    with pytest.raises(ValueError):
        SQL.identifier(name)
    if name is not None:        # SQL.identifier(name, None) is the unqualified form
        with pytest.raises(ValueError):
            SQL.identifier("ok", name)


def test_identifier_limit_is_63_bytes():
    assert MAX_IDENTIFIER_BYTES == 63
    assert check_identifier("a" * 63) == "a" * 63
    with pytest.raises(ValueError, match="63"):
        check_identifier("a" * 64)
    with pytest.raises(ValueError):
        SQL.identifier("t", "a" * 64)


def test_identifier_with_dollar_and_underscores_is_valid():
    assert_sql(SQL.identifier("_a$1"), '"_a$1"', [])


# -- generated identifiers -------------------------------------------------------------------------
def test_make_identifier_keeps_short_names():
    assert make_identifier("res_partner__country_id") == "res_partner__country_id"
    assert make_identifier("a" * 63) == "a" * 63


def test_make_identifier_shortens_long_names_deterministically():
    long_name = "test_orm_all_types__partner_id__country_id__state_id__company_id__x"
    short = make_identifier(long_name)
    assert len(short.encode()) <= 63
    assert short == make_identifier(long_name)
    assert check_identifier(short)


def test_make_identifier_distinguishes_long_names_with_the_same_prefix():
    prefix = "x" * 70
    assert make_identifier(prefix + "_a") != make_identifier(prefix + "_b")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF), min_size=1, max_size=200))
def test_make_identifier_never_exceeds_63_bytes(name):
    assert len(make_identifier(name).encode()) <= 63


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_check_identifier_accepts_only_plain_ascii_names(name):
    try:
        check_identifier(name)
    except ValueError:
        return
    assert name.isascii() and name.replace("_", "a").replace("$", "a").isalnum()
    assert not name[0].isdigit() and len(name) <= 63
