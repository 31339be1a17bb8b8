"""The one expression evaluator for data: record rules, domains in data files, view modifiers,
server actions (security.md §4, orm.md SEC-32).

Expressions are parsed with :mod:`ast` and checked against a whitelist of node types before they
are compiled: no imports, no lambdas, no attribute whose name starts with ``_`` (so no dunder walks
such as ``().__class__.__bases__``), no ``format``/``format_map`` (format-string tricks), only
whitelisted builtins. ``**``, ``*`` and ``<<`` are rewritten into checked helpers so that huge
numbers or strings cannot be built, and the source size and node count are bounded.

>>> safe_eval("[('user_id', '=', user_id)]", {"user_id": 7})
[('user_id', '=', 7)]
"""
import ast
import datetime
import json
import time as _time
import types

from ..exceptions import ValidationError

MAX_SOURCE = 20_000
MAX_NODES = 5_000
MAX_POWER_RESULT_BITS = 4096
MAX_SEQUENCE = 1_000_000
#: seconds an evaluation may run (checked while it runs through a trace function)
MAX_SECONDS = 2.0


class SafeEvalError(ValidationError, ValueError):
    """The expression is not allowed or failed; the message says why (never the evaluator's internals)."""


_ALLOWED_NODES = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Store, ast.List, ast.Tuple, ast.Dict, ast.Set,
    ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Attribute,
    ast.Subscript, ast.Slice, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension,
    ast.JoinedStr, ast.FormattedValue,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift,
    ast.BitOr, ast.BitAnd, ast.BitXor, ast.USub, ast.UAdd, ast.Not, ast.Invert, ast.And, ast.Or,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)
#: statements allowed in code run by safe_exec (server actions): no def, class, import, while, with, try
_ALLOWED_STATEMENTS = (
    ast.Module, ast.Assign, ast.AugAssign, ast.Expr, ast.If, ast.For, ast.Pass, ast.Break, ast.Continue,
    ast.Raise,
)
_FORBIDDEN_ATTRS = frozenset({"format", "format_map", "mro", "func_globals", "gi_frame", "f_globals",
                              "cr_frame", "tb_frame"})


def _safe_pow(base, exponent):
    if isinstance(base, (int, float)) and isinstance(exponent, (int, float)):
        if isinstance(exponent, int) and isinstance(base, int) and exponent > 0 and base not in (0, 1, -1):
            if exponent * max(1, abs(base).bit_length()) > MAX_POWER_RESULT_BITS:
                raise SafeEvalError("number too large in expression")
    return base ** exponent


def _safe_mul(left, right):
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(count, int):
            if len(seq) * max(count, 0) > MAX_SEQUENCE:
                raise SafeEvalError("sequence too large in expression")
    return left * right


def _safe_lshift(left, right):
    if isinstance(right, int) and right > MAX_POWER_RESULT_BITS:
        raise SafeEvalError("number too large in expression")
    return left << right


def _safe_range(*args):
    result = range(*args)
    if len(result) > MAX_SEQUENCE:
        raise SafeEvalError("range too large in expression")
    return result


class _Rewriter(ast.NodeTransformer):
    """Replace ``**``, ``*`` and ``<<`` with bounded helpers."""

    HELPERS = {ast.Pow: "__safe_pow", ast.Mult: "__safe_mul", ast.LShift: "__safe_lshift"}

    def visit_BinOp(self, node):
        self.generic_visit(node)
        helper = self.HELPERS.get(type(node.op))
        if helper is None:
            return node
        return ast.copy_location(ast.Call(func=ast.Name(id=helper, ctx=ast.Load()),
                                          args=[node.left, node.right], keywords=[]), node)


def _check(tree, source, statements=False):
    count = 0
    allowed = _ALLOWED_NODES + (_ALLOWED_STATEMENTS if statements else ())
    for node in ast.walk(tree):
        count += 1
        if count > MAX_NODES:
            raise SafeEvalError("expression too complex")
        if not isinstance(node, allowed):
            raise SafeEvalError(f"forbidden construct ({type(node).__name__}) in expression: {source[:200]!r}")
        if isinstance(node, ast.Name) and (node.id.startswith("_")):
            raise SafeEvalError(f"forbidden name {node.id!r} in expression")
        if isinstance(node, ast.Attribute) and (node.attr.startswith("_") or node.attr in _FORBIDDEN_ATTRS):
            raise SafeEvalError(f"forbidden attribute {node.attr!r} in expression")
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and len(node.value) > MAX_SOURCE:
            raise SafeEvalError("constant too large in expression")


_IMPORTABLE = frozenset({"time", "_strptime", "datetime", "math", "calendar", "locale"})


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    """C code (``datetime.strftime`` ...) imports helper modules through ``__import__``; only those
    are allowed. Expressions cannot reach it: names starting with ``_`` are refused."""
    if level or name not in _IMPORTABLE:
        raise SafeEvalError(f"import of {name!r} is not allowed in expressions")
    import importlib
    return importlib.import_module(name)


_SAFE_BUILTINS = {
    "__import__": _guarded_import,
    "True": True, "False": False, "None": None,
    "abs": abs, "all": all, "any": any, "bool": bool, "dict": dict, "divmod": divmod,
    "enumerate": enumerate, "filter": filter, "float": float, "int": int, "isinstance": isinstance,
    "len": len, "list": list, "map": map, "max": max, "min": min, "reversed": reversed,
    "round": round, "set": set, "sorted": sorted, "str": str, "sum": sum, "tuple": tuple, "zip": zip,
    "range": _safe_range, "repr": repr, "frozenset": frozenset,
}

#: harmless modules, as namespaces holding only what expressions need
time = types.SimpleNamespace(time=_time.time, strftime=_time.strftime, gmtime=_time.gmtime,
                             localtime=_time.localtime, mktime=_time.mktime)
datetime_ns = types.SimpleNamespace(datetime=datetime.datetime, date=datetime.date,
                                    timedelta=datetime.timedelta, time=datetime.time,
                                    timezone=datetime.timezone)
json_ns = types.SimpleNamespace(loads=json.loads, dumps=json.dumps)


def _relativedelta():
    from dateutil.relativedelta import relativedelta
    return relativedelta


def default_context():
    """Names every expression may use: ``time``, ``datetime``, ``relativedelta``, ``json``."""
    return {"time": time, "datetime": datetime_ns, "relativedelta": _relativedelta(), "json": json_ns,
            "context_today": datetime.date.today}


_compiled = {}


class _TimeBudget:
    """Stops code that runs longer than :data:`MAX_SECONDS` (a loop over a huge product, ...).

    Installed with ``sys.settrace`` for the duration of one evaluation: the check runs on the
    opcodes of the evaluated code only, every few hundred events.
    """

    def __init__(self, seconds):
        import time
        self.deadline = time.monotonic() + seconds
        self.monotonic = time.monotonic
        self.events = 0

    def trace(self, frame, event, arg):
        if frame.f_code.co_filename not in ("<expression>", "<server action>"):
            return None
        frame.f_trace_opcodes = True
        return self.local

    def local(self, frame, event, arg):
        self.events += 1
        if self.events % 256 == 0 and self.monotonic() > self.deadline:
            raise SafeEvalError(f"evaluation took longer than {MAX_SECONDS} s")
        return self.local

    def __enter__(self):
        import sys
        self.previous = sys.gettrace()
        sys.settrace(self.trace)
        return self

    def __exit__(self, *exc):
        import sys
        sys.settrace(self.previous)
        return False


def _namespace(context):
    """The globals of an evaluation: the default names, the caller's, the checked helpers."""
    names = default_context()
    names.update(context or {})
    for key in names:
        if key.startswith("_"):
            raise SafeEvalError(f"forbidden name {key!r} in evaluation context")
    names["__builtins__"] = _SAFE_BUILTINS
    names["__safe_pow"] = _safe_pow
    names["__safe_mul"] = _safe_mul
    names["__safe_lshift"] = _safe_lshift
    return names


def safe_eval(expression, context=None, mode="eval"):
    """Evaluate ``expression`` with the names of ``context`` (plus :func:`default_context`).

    :raises SafeEvalError: the expression is too big, uses a forbidden construct, or fails
    """
    if not isinstance(expression, str):
        raise SafeEvalError("expressions must be strings")
    if len(expression) > MAX_SOURCE:
        raise SafeEvalError("expression too long")
    if mode != "eval":
        raise SafeEvalError("only expressions can be evaluated")
    code = _compiled.get(expression)
    if code is None:
        try:
            tree = ast.parse(expression.strip(), mode="eval")
        except (SyntaxError, ValueError) as exc:
            raise SafeEvalError(f"invalid expression {expression[:200]!r}: {exc.msg if hasattr(exc, 'msg') else exc}") \
                from None
        _check(tree, expression)
        tree = ast.fix_missing_locations(_Rewriter().visit(tree))
        code = compile(tree, "<expression>", "eval")
        if len(_compiled) > 2000:
            _compiled.clear()
        _compiled[expression] = code
    names = _namespace(context)
    try:
        with _TimeBudget(MAX_SECONDS):
            return eval(code, names)  # noqa: S307 - the code was checked and rewritten above
    except SafeEvalError:
        raise
    except (ValidationError,):
        raise
    except RecursionError:
        raise SafeEvalError("expression too deeply nested") from None
    except Exception as exc:
        raise SafeEvalError(f"cannot evaluate {expression[:200]!r}: {type(exc).__name__}: {exc}") from None


def safe_exec(code, context):
    """Run the statements ``code`` (assignments, ``if``, ``for``, ``raise``, expressions) with the
    names of ``context``, which receives the variables assigned (e.g. ``action``).

    :raises SafeEvalError: forbidden construct, too big, or an error while running
    """
    if not isinstance(code, str):
        raise SafeEvalError("code must be a string")
    if len(code) > MAX_SOURCE * 5:
        raise SafeEvalError("code too long")
    try:
        tree = ast.parse(code, mode="exec")
    except SyntaxError as exc:
        raise SafeEvalError(f"invalid code: {exc.msg} (line {exc.lineno})") from None
    _check(tree, code, statements=True)
    tree = ast.fix_missing_locations(_Rewriter().visit(tree))
    compiled = compile(tree, "<server action>", "exec")
    names = _namespace(context)
    try:
        with _TimeBudget(MAX_SECONDS * 15):
            exec(compiled, names)  # noqa: S102 - the code was checked and rewritten above
    except (SafeEvalError, ValidationError):
        raise
    except Exception as exc:
        from ..exceptions import UserError
        if isinstance(exc, UserError):
            raise
        raise SafeEvalError(f"server action failed: {type(exc).__name__}: {exc}") from None
    for key, value in names.items():
        if not key.startswith("__") and key not in ("__builtins__",):
            context[key] = value
