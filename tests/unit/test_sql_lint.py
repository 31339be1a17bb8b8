"""security.md VAL-4: SQL text is never built with f-strings, ``%``, ``+`` or ``.format`` in
``execute(`` calls; statements are composed with the SQL object (identifiers through
``SQL.identifier``). The check reads the syntax tree, so statements spread over lines count too."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXECUTING = {"execute", "executemany", "execute_values", "mogrify"}


def _formats_text(node):
    """Whether ``node`` builds a string by formatting or concatenation."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return any(isinstance(side, (ast.Constant, ast.JoinedStr)) and
                   isinstance(getattr(side, "value", ""), str) or _formats_text(side)
                   for side in (node.left, node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return isinstance(node.func.value, (ast.Constant, ast.JoinedStr))
    return False


def offenders(source, name="<source>"):
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in EXECUTING and node.args and _formats_text(node.args[0])):
            found.append(f"{name}:{node.lineno}")
    return found


@pytest.mark.parametrize("source", [
    'cr.execute(f"SELECT * FROM {table}")',
    'cr.execute("SELECT * FROM %s" % table)',
    'cr.execute("SELECT * FROM " + table)',
    'cr.execute("SELECT {}".format(column))',
    'cr.execute(\n    "SELECT * "\n    "FROM %s WHERE id = %%s" % table, [1])',
])
def test_the_lint_catches_formatting(source):
    assert offenders(source)


def test_the_lint_accepts_parameters_and_sql_objects():
    assert not offenders('cr.execute("SELECT * FROM t WHERE id = %s", [1])')
    assert not offenders('cr.execute(SQL("SELECT * FROM %s", SQL.identifier(table)))')


def test_no_string_formatting_in_execute_calls():
    found = []
    for folder in ("server", "addons"):
        for path in (ROOT / folder).rglob("*.py"):
            found += offenders(path.read_text(), str(path.relative_to(ROOT)))
    assert not found, "SQL built with string formatting:\n" + "\n".join(found)
