"""The client's modifier evaluator and domain matcher (views.md §2), without a server."""
import pytest

from client_qt.expr import (Expression, ExpressionError, evaluate_modifier, literal_bool, match_domain,
                            parse_literal)


@pytest.mark.parametrize("text, values, expected", [
    ("state != 'draft'", {"state": "done"}, True),
    ("partner_id and not is_company", {"partner_id": 3, "is_company": False}, True),
    ("amount > 10 and amount <= 20", {"amount": 15}, True),
    ("len(line_ids) == 0", {"line_ids": []}, True),
    ("context.get('show')", {}, False),
    ("parent.state == 'done'", {"parent": type("P", (), {"state": "done"})()}, True),
    ("1 < x < 3", {"x": 2}, True),
])
def test_expressions(text, values, expected):
    from client_qt.expr import base_names
    assert bool(Expression(text).evaluate(values, base_names())) is expected


@pytest.mark.parametrize("text", ["__import__('os')", "().__class__", "[x for x in y]", "lambda: 1",
                                  "open('/etc/passwd')", "a.__dict__", "exec('1')"])
def test_forbidden_expressions_are_refused(text):
    with pytest.raises(ExpressionError):
        Expression(text)


def test_unknown_names_are_false():
    assert Expression("missing_field").evaluate({}) is False


@pytest.mark.parametrize("text, expected", [("1", True), ("True", True), ("true", True), ("0", False),
                                            ("False", False), ("", False), ("state == 'x'", None)])
def test_literal_booleans(text, expected):
    assert literal_bool(text) is expected


def test_failure_rules():
    assert evaluate_modifier("invisible", "1 +", {}) is False
    assert evaluate_modifier("readonly", "1 +", {}) is True
    assert evaluate_modifier("required", "1 +", {}) is False


@pytest.mark.parametrize("domain, values, expected", [
    ([("state", "in", ["draft", "sent"])], {"state": "sent"}, True),
    (["|", ("a", "=", 1), ("b", "=", 2)], {"a": 0, "b": 2}, True),
    (["!", ("a", "=", 1)], {"a": 1}, False),
    ([("a", "=", 1), ("b", "=", 2)], {"a": 1, "b": 3}, False),
    ([("partner_id", "=", 3)], {"partner_id": [3, "Azure"]}, True),
    ([("line_ids", "=", False)], {"line_ids": []}, True),
    ([("tag_ids", "in", [4])], {"tag_ids": [1, 4]}, True),
    ([("name", "ilike", "AZU")], {"name": "Azure"}, True),
    ([("name", "not like", "zz")], {"name": "Azure"}, True),
    ([("amount", ">=", 10)], {"amount": 10}, True),
    ([("x", "=?", False)], {"x": 5}, True),
])
def test_domain_matching(domain, values, expected):
    assert match_domain(domain, values) is expected


def test_options_in_python_or_json():
    assert parse_literal("{'no_create': True}") == {"no_create": True}
    assert parse_literal('{"no_create": true}') == {"no_create": True}
    assert parse_literal("{broken", default={}) == {}
