"""Domain syntax and the order grammar, without a database (orm.md DOM-1, DOM-2, DOM-4, DOM-40)."""
import pytest
from hypothesis import given, settings, strategies as st

from bureau.exceptions import ValidationError
from bureau.orm.domain.parse import (
    AND, FALSE_DOMAIN, FALSE_LEAF, OR, TRUE_DOMAIN, TRUE_LEAF, And, Constant, DomainError, Leaf, Not, Or,
    distribute_not, is_leaf, normalize_domain, normalize_operator, parse,
)
from bureau.orm.order import parse_order
from bureau.osv import expression

A = ("a", "=", 1)
B = ("b", "=", 2)
C = ("c", "=", 3)


# -- the error class -------------------------------------------------------------------------------
def test_domain_error_is_both_validation_error_and_value_error():
    with pytest.raises(ValidationError):
        normalize_domain("not a list")
    with pytest.raises(ValueError):
        normalize_domain("not a list")


# -- normalize_domain ------------------------------------------------------------------------------
def test_empty_and_missing_domains_normalize_to_true():
    assert normalize_domain([]) == TRUE_DOMAIN
    assert normalize_domain(None) == TRUE_DOMAIN
    assert normalize_domain(False) == TRUE_DOMAIN


def test_single_leaf_is_unchanged():
    assert normalize_domain([A]) == [A]


def test_implicit_and_made_explicit():
    assert normalize_domain([A, B]) == ["&", A, B]
    assert normalize_domain([A, B, C]) == ["&", "&", A, B, C]


def test_implicit_and_after_explicit_operator():
    assert normalize_domain(["|", A, B, C]) == ["&", "|", A, B, C]
    assert normalize_domain([A, "!", B]) == ["&", A, "!", B]


def test_explicit_prefix_domain_is_kept():
    domain = ["|", "&", A, B, "!", C]
    assert normalize_domain(domain) == domain


def test_lists_are_accepted_in_place_of_tuples():
    assert normalize_domain([["a", "=", 1], ["b", "=", 2]]) == ["&", A, B]


def test_tuple_domain_is_accepted():
    assert normalize_domain((A, B)) == ["&", A, B]


def test_true_and_false_leaves_are_leaves():
    assert is_leaf(TRUE_LEAF) and is_leaf(FALSE_LEAF) and is_leaf(list(TRUE_LEAF))
    assert normalize_domain([TRUE_LEAF, FALSE_LEAF]) == ["&", TRUE_LEAF, FALSE_LEAF]


@pytest.mark.parametrize("domain", [
    ["|", A],                   # binary operator with one operand
    ["&", A],
    ["!"],                      # unary operator without operand
    [A, "!"],
    ["|", "&", A, B],
    ["|"],
])
def test_operator_arity_mismatch_is_refused(domain):
    with pytest.raises(DomainError):
        normalize_domain(domain)


@pytest.mark.parametrize("term", [
    ("a", "="),                 # too short
    ("a", "=", 1, 2),           # too long
    ("a",),
    (),
    (1, "=", 2),                # left is neither a name nor a TRUE/FALSE leaf
    (None, "=", 1),
    ("a", 1, 1),                # operator is not a string
    "a = 1",                    # a string that is not '&', '|' or '!'
    "and",
    5,
    None,
    {"a": 1},
])
def test_malformed_terms_are_refused(term):
    with pytest.raises(DomainError):
        normalize_domain([term])
    with pytest.raises(DomainError):
        parse([term])


@pytest.mark.parametrize("domain", ["a = 1", 42, {"a": 1}, ("a", "=", 1).__iter__()])
def test_non_list_domains_are_refused(domain):
    with pytest.raises(DomainError):
        normalize_domain(domain)


# -- AND / OR --------------------------------------------------------------------------------------
def test_and_combines_domains_with_prefix_operators():
    assert AND([[A], [B]]) == ["&", A, B]
    assert AND([[A], [B], [C]]) == ["&", "&", A, B, C]
    assert AND([[A, B], [C]]) == ["&", "&", A, B, C]


def test_or_combines_domains_with_prefix_operators():
    assert OR([[A], [B]]) == ["|", A, B]
    assert OR([["|", A, B], [C]]) == ["|", "|", A, B, C]


def test_and_skips_true_and_is_absorbed_by_false():
    assert AND([TRUE_DOMAIN, [A]]) == [A]
    assert AND([[A], FALSE_DOMAIN, [B]]) == FALSE_DOMAIN
    assert AND([]) == TRUE_DOMAIN
    assert AND([[], []]) == TRUE_DOMAIN


def test_or_skips_false_and_is_absorbed_by_true():
    assert OR([FALSE_DOMAIN, [A]]) == [A]
    assert OR([[A], TRUE_DOMAIN]) == TRUE_DOMAIN
    assert OR([]) == FALSE_DOMAIN


def test_and_of_or_keeps_grouping():
    """(A or B) and C: the OR must stay an operand of the AND."""
    assert AND([["|", A, B], [C]]) == ["&", "|", A, B, C]
    assert parse(AND([["|", A, B], [C]])).__class__ is And


def test_osv_expression_exposes_the_helpers():
    assert expression.AND is AND and expression.OR is OR
    assert expression.normalize_domain is normalize_domain
    assert expression.TRUE_LEAF == (1, "=", 1) and expression.FALSE_LEAF == (0, "=", 1)


# -- distribute_not --------------------------------------------------------------------------------
def test_distribute_not_negates_leaf_operators():
    assert distribute_not(["!", ("a", "=", 1)]) == [("a", "!=", 1)]
    assert distribute_not(["!", ("a", "in", [1])]) == [("a", "not in", [1])]
    assert distribute_not(["!", ("a", "not ilike", "x")]) == [("a", "ilike", "x")]


def test_distribute_not_applies_de_morgan():
    assert distribute_not(["!", "|", A, B]) == ["&", ("a", "!=", 1), ("b", "!=", 2)]
    assert distribute_not(["!", "&", A, B]) == ["|", ("a", "!=", 1), ("b", "!=", 2)]


def test_distribute_not_double_negation_cancels():
    assert distribute_not(["!", "!", A]) == [A]


def test_distribute_not_keeps_not_on_operators_without_negation():
    leaf = ("parent_id", "child_of", 1)
    assert distribute_not(["!", leaf]) == ["!", leaf]


def test_distribute_not_swaps_true_and_false_leaves():
    assert distribute_not(["!", TRUE_LEAF]) == [FALSE_LEAF]
    assert distribute_not(["!", FALSE_LEAF]) == [TRUE_LEAF]


def test_distribute_not_leaves_positive_parts_alone():
    assert distribute_not([A, "!", B]) == ["&", A, ("b", "!=", 2)]


def test_distribute_not_normalizes_operator_case_when_negating():
    assert distribute_not(["!", ("a", "IN", [1])]) == [("a", "not in", [1])]


# -- operators -------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, normalized", [
    ("ILIKE", "ilike"), ("Not In", "not in"), ("NOT LIKE", "not like"), ("<>", "!="), ("=Like", "=like"),
    ("Child_Of", "child_of"), ("NOT ANY", "not any"), (" = ", "="),
])
def test_operators_are_normalized(raw, normalized):
    assert normalize_operator(raw) == normalized
    leaf = parse([("name", raw, "x")])
    assert isinstance(leaf, Leaf) and leaf.operator == normalized


@pytest.mark.parametrize("operator", ["==", "lik", "not  in", "is", "is not", "between", "~", "", "%", "=%s"])
def test_unknown_operator_is_refused(operator):
    with pytest.raises(DomainError, match="Invalid operator"):
        parse([("name", operator, "x")])


def test_unknown_operator_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse([("name", "SIMILAR TO", "x")])


# -- field paths -----------------------------------------------------------------------------------
def test_field_paths_are_split_on_dots():
    leaf = parse([("partner_id.country_id.code", "=", "FR")])
    assert leaf.path == ("partner_id", "country_id", "code")


@pytest.mark.parametrize("left", [
    "", "a..b", "a.", ".a", "1abc", "a-b", "a b", " name", "name ", "name;drop table x", 'na"me',
    "name)", "a.b.1", "name--", "na'me", "a\\b", "a\x00b",
])
def test_invalid_field_path_syntax_is_refused(left):
    with pytest.raises(DomainError, match="Invalid field"):
        parse([(left, "=", 1)])


def test_leading_underscore_field_names_are_syntactically_valid():
    assert parse([("_private", "=", 1)]).path == ("_private",)


# -- parse tree ------------------------------------------------------------------------------------
def test_parse_builds_flattened_and_or_nodes():
    tree = parse(["|", A, "|", B, C])
    assert isinstance(tree, Or) and len(tree.children) == 3
    tree = parse([A, B, C])
    assert isinstance(tree, And) and [leaf.path for leaf in tree.children] == [("a",), ("b",), ("c",)]


def test_parse_not_node():
    tree = parse(["!", A])
    assert isinstance(tree, Not) and isinstance(tree.child, Leaf)


def test_parse_constants():
    assert isinstance(parse([]), Constant) and parse([]).value is True
    assert parse(FALSE_DOMAIN).value is False


def test_parse_turns_list_values_into_tuples():
    assert parse([("a", "in", [1, 2])]).value == (1, 2)


# -- order grammar ---------------------------------------------------------------------------------
@pytest.mark.parametrize("order, terms", [
    ("name", [("name", "ASC", "")]),
    ("name desc", [("name", "DESC", "")]),
    ("name DESC NULLS FIRST", [("name", "DESC", "FIRST")]),
    ("name desc nulls first", [("name", "DESC", "FIRST")]),
    ("name nulls last", [("name", "ASC", "LAST")]),
    ("name asc, id desc", [("name", "ASC", ""), ("id", "DESC", "")]),
    ("  sequence ,  id  ", [("sequence", "ASC", ""), ("id", "ASC", "")]),
])
def test_valid_order_strings_are_parsed(order, terms):
    assert parse_order(order) == terms


@pytest.mark.parametrize("order", [
    "id; DROP TABLE x", "id;", "name desc; select 1", "(select 1)", "name::text", "name desc desc",
    "name asc nulls", "name nulls middle", "name, ", ",name", "", "name collate \"C\"", "lower(name)",
    "name:sum", "1", "name -- comment", "name/*x*/", "partner_id.name", "id desc limit 1",
    "a" * 1001,
])
def test_invalid_order_strings_are_refused(order):
    with pytest.raises(DomainError):
        parse_order(order)


@pytest.mark.parametrize("order", [None, 5, ["name"], b"name"])
def test_non_string_orders_are_refused(order):
    with pytest.raises(DomainError):
        parse_order(order)


_ORDER_WORDS = st.sampled_from(["name", "id", "desc", "asc", "nulls", "first", "last", ",", ";", "'",
                                '"', "(", ")", " ", "--", "DROP", "select", "\\", "é", "\x00"])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(_ORDER_WORDS, max_size=8).map(" ".join)))
def test_order_parser_accepts_only_plain_terms(order):
    """Whatever the input, parse_order either refuses it or yields plain identifiers and keywords."""
    try:
        terms = parse_order(order)
    except DomainError:
        return
    for field, direction, nulls in terms:
        assert field.replace("_", "a").isalnum() and field.isascii()
        assert direction in ("ASC", "DESC") and nulls in ("", "FIRST", "LAST")


_LEFT = st.one_of(st.text(max_size=12), st.sampled_from(["name", "a.b", "a..b", "id;", "x y", "_a"]))
_OPERATOR = st.one_of(st.text(max_size=8), st.sampled_from(["=", "IN", "<>", "not like", "child_of", "~"]))
_VALUE = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10),
                   st.lists(st.integers(), max_size=3))
_TERM = st.one_of(st.tuples(_LEFT, _OPERATOR, _VALUE), st.sampled_from(["&", "|", "!", "?", ""]),
                  st.integers(), st.lists(st.integers(), max_size=4))


@settings(max_examples=200, deadline=None)
@given(st.lists(_TERM, max_size=6))
def test_parser_never_fails_with_anything_but_domain_error(domain):
    """Random domains are either parsed into a tree of plain names and known operators, or refused."""
    try:
        tree = parse(domain)
    except DomainError:
        return
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (And, Or)):
            stack.extend(node.children)
        elif isinstance(node, Not):
            stack.append(node.child)
        elif isinstance(node, Leaf):
            assert node.operator == normalize_operator(node.operator)
            assert all(name and name.replace("_", "a").isalnum() for name in node.path)


def test_distribute_not_keeps_not_on_comparisons():
    """NOT (a < 1) also holds for NULL a, which (a >= 1) does not: the '!' must stay."""
    assert distribute_not(["!", ("a", "<", 1)]) == ["!", ("a", "<", 1)]
    assert distribute_not(["!", "|", ("a", ">=", 1), B]) == ["&", "!", ("a", ">=", 1), ("b", "!=", 2)]
