"""The one expression evaluator (security.md §4, orm.md SEC-32): classic escapes are refused."""
import pytest

from bureau.tools.safe_eval import SafeEvalError, safe_eval, safe_exec


ESCAPES = [
    "().__class__.__bases__[0].__subclasses__()",
    "[].__class__.__mro__",
    "(lambda: 1)()",
    "__import__('os').system('id')",
    "__builtins__",
    "open('/etc/passwd').read()",
    "eval('1+1')",
    "exec('x=1')",
    "getattr(int, '__class__')",
    "'{0.__class__}'.format(1)",
    "'{a.__init__}'.format_map({'a': 1})",
    "f'{().__class__}'",
    "type(1)",
    "vars()",
    "globals()",
    "compile('1', 'x', 'eval')",
    "[x for x in ().__class__.__bases__]",
    "[x for x in (1,)].gi_frame",
    "(x for x in (1,)).gi_frame.f_globals",
    "(x for x in (1,)).gi_code",
    "datetime.datetime.mro()",
    "f'{datetime.date.today:{1}}'.format",
    "str.format('{0.__class__}', 1)",
    "{}['_x']",
    "dict(__class__=1)",
]


@pytest.mark.parametrize("expression", ESCAPES)
def test_escapes_are_refused(expression):
    with pytest.raises(SafeEvalError):
        safe_eval(expression)


BOMBS = ["10 ** 100000", "2 ** 2 ** 2 ** 2 ** 2", "'x' * 10 ** 9",
                                        "[1] * 10 ** 8", "1 << 100000", "list(range(10 ** 9))",
                                        "'%999999999d' % 1", "'%*d' % (10 ** 9, 1)", "f'{1:>999999999}'",
                                        "'x'.ljust(10 ** 9)", "'x'.zfill(10 ** 9)",
                                        "('x' * 100000).replace('x', 'x' * 100000)",
                                        "'\\t'.expandtabs(10 ** 9)",
                                        "[1 for a in range(100000) for b in range(2)]",
                                        "9 ** 9 ** 9 ** 9", "10 ** 5000 // 1 + int('1' * 5000)"]


@pytest.mark.parametrize("expression", BOMBS)
def test_resource_bombs_are_refused(expression):
    with pytest.raises(SafeEvalError):
        safe_eval(expression)


@pytest.mark.parametrize("expression", ESCAPES + BOMBS + ["'%s' % context", "context.get.__self__"])
def test_the_client_evaluator_refuses_the_same_corpus(expression):
    """security.md EVAL-4: the client's own evaluator, same corpus; refused when parsed or run."""
    from client_qt.expr import Expression, ExpressionError, base_names
    with pytest.raises(ExpressionError):
        Expression(expression).evaluate({}, base_names())


def test_oversized_and_deep_expressions_are_refused():
    with pytest.raises(SafeEvalError):
        safe_eval("1 + " * 20_000 + "1")
    with pytest.raises(SafeEvalError):
        safe_eval("[" * 3000 + "]" * 3000)


def test_allowed_expressions_work():
    assert safe_eval("[('user_id', '=', user_id)]", {"user_id": 7}) == [("user_id", "=", 7)]
    assert safe_eval("time.strftime('%Y') > '2000'") is True
    assert safe_eval("(datetime.date(2026, 1, 31) + relativedelta(months=1)).isoformat()") == "2026-02-28"
    assert safe_eval("[x * 2 for x in values if x]", {"values": [0, 1, 2]}) == [2, 4]
    assert safe_eval("2 ** 10") == 1024


def test_context_names_with_underscores_are_refused():
    with pytest.raises(SafeEvalError):
        safe_eval("1", {"__builtins__": __builtins__})


def test_statements_allowed_in_server_actions_and_nothing_more():
    context = {"records": [1, 2, 3]}
    safe_exec("total = 0\nfor r in records:\n    total += r\naction = {'sum': total}", context)
    assert context["action"] == {"sum": 6}
    for code in ("import os", "def f():\n    pass", "while True:\n    pass", "with open('x') as f:\n    pass",
                 "class A:\n    pass", "try:\n    x = 1\nexcept Exception:\n    pass", "global x",
                 "del records"):
        with pytest.raises(SafeEvalError):
            safe_exec(code, {"records": []})


def test_long_running_expressions_are_stopped(monkeypatch):
    from bureau.tools import safe_eval as module
    monkeypatch.setattr(module, "MAX_SECONDS", 0.2)
    with pytest.raises(SafeEvalError, match="longer than"):
        safe_eval("sum(1 for a in range(100000) for b in range(100000) if a < 0)")
    with pytest.raises(SafeEvalError, match="longer than"):
        safe_exec("n = 0\nfor a in range(100000):\n    for b in range(100000):\n        n += 1", {})


def test_nothing_is_handed_to_eval():
    """Both evaluators walk the tree (security.md EVAL-1, EVAL-4): no eval/exec/compile in them."""
    import ast
    import inspect

    import client_qt.expr
    from bureau.tools import safe_eval as module
    for source in (inspect.getsource(module), inspect.getsource(client_qt.expr)):
        called = {node.func.id for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
        assert not called & {"eval", "exec", "compile"}


def test_server_action_statements_behave_like_python():
    context = {"values": [3, 1, 2]}
    safe_exec(
        "a, b = values[0], values[1]\n"
        "found = None\n"
        "for v in values:\n"
        "    if v == 1:\n"
        "        found = v\n"
        "        break\n"
        "else:\n"
        "    found = -1\n"
        "odd = [v for v in values if v % 2]\n"
        "d = {}\n"
        "d['k'] = a\n"
        "d['k'] += b\n"
        "label = f'{a:>3}|{b!r}'\n",
        context)
    assert (context["a"], context["b"], context["found"]) == (3, 1, 1)
    assert context["odd"] == [3, 1]
    assert context["d"] == {"k": 4}
    assert context["label"] == "  3|1"
    assert "v" in context  # loop variables stay assigned, as in Python


def test_server_actions_raise_only_user_errors():
    from bureau.exceptions import UserError
    with pytest.raises(UserError, match="stop here"):
        safe_exec("raise UserError('stop here')", {"UserError": UserError})
    with pytest.raises(SafeEvalError):
        safe_exec("raise ValueError('x')", {"ValueError": ValueError})
    with pytest.raises(SafeEvalError):
        safe_exec("x.y = 1", {"x": object()})


def test_short_circuits_and_chained_comparisons():
    assert safe_eval("a and missing", {"a": 0}) == 0
    assert safe_eval("a or missing", {"a": 5}) == 5
    assert safe_eval("1 < x <= 3 != y", {"x": 3, "y": 4}) is True
    assert safe_eval("1 < x < 2", {"x": 3}) is False
    assert safe_eval("{k: v for k, v in pairs}", {"pairs": [("a", 1)]}) == {"a": 1}
    assert safe_eval("any(x > 2 for x in xs)", {"xs": [1, 3]}) is True
    assert safe_eval("xs[1:][::-1]", {"xs": [1, 2, 3]}) == [3, 2]
    with pytest.raises(SafeEvalError, match="not defined"):
        safe_eval("nothing_here")
