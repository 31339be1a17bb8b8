"""The one expression evaluator for data: record rules, domains and contexts in data files and
actions, view modifiers, server actions (security.md §4, orm.md SEC-32).

Source text is parsed with :mod:`ast`, checked against a whitelist of node types, and then
*interpreted* by walking the tree: nothing is ever handed to ``eval``/``exec``. The walker

* refuses names and attributes starting with ``_`` (no dunder walks such as
  ``().__class__.__bases__``), ``format``/``format_map`` (format strings walk attributes) and the
  frame/code attributes of generators and functions;
* bounds the work: source ≤ 10,000 characters and ≤ 2,000 nodes, ``**``/``<<`` results ≤ 4,096
  bits, sequences built by ``*``, ``range``, padding and ``%`` formatting ≤ 100,000 items, and a
  time budget checked by a step counter (:data:`MAX_SECONDS`);
* evaluates generator expressions eagerly, so no generator object (and its frame) ever exists.

Values in the evaluation context should be data; records are given as the read-only proxies of
:mod:`bureau.orm.eval_records` (security.md EVAL-3).

>>> safe_eval("[('user_id', '=', user_id)]", {"user_id": 7})
[('user_id', '=', 7)]
"""
import ast
import datetime
import json
import operator
import re
import time as _time
import types

from ..exceptions import UserError, ValidationError

MAX_SOURCE = 10_000
MAX_NODES = 2_000
MAX_POWER_RESULT_BITS = 4096
MAX_SEQUENCE = 100_000
#: seconds an evaluation may run (security.md EVAL-2), checked every few hundred steps
MAX_SECONDS = 1.0
#: statements of a server action may run this many times longer than one expression
EXEC_TIME_FACTOR = 10


class SafeEvalError(ValidationError, ValueError):
    """The expression is not allowed or failed; the message says why (never the evaluator's internals)."""


_EXPRESSION_NODES = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Store, ast.List, ast.Tuple, ast.Dict, ast.Set,
    ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Attribute,
    ast.Subscript, ast.Slice, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension,
    ast.JoinedStr, ast.FormattedValue,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift,
    ast.BitOr, ast.BitAnd, ast.BitXor, ast.USub, ast.UAdd, ast.Not, ast.Invert, ast.And, ast.Or,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)
#: statements allowed in code run by safe_exec (server actions): no def, class, import, while, with, try
_STATEMENT_NODES = (
    ast.Module, ast.Assign, ast.AugAssign, ast.Expr, ast.If, ast.For, ast.Pass, ast.Break, ast.Continue,
    ast.Raise,
)
_FORBIDDEN_ATTRS = frozenset({"format", "format_map", "mro", "register"})
#: attribute prefixes of frames, code objects, generators, coroutines and tracebacks
_FORBIDDEN_PREFIXES = ("gi_", "cr_", "ag_", "f_", "co_", "tb_", "func_", "im_")


def _check_attribute_name(name):
    if name.startswith("_") or name in _FORBIDDEN_ATTRS:
        raise SafeEvalError(f"forbidden attribute {name!r} in expression")


def _check_attribute(obj, name):
    """At run time: also the frame/code attributes, unless ``obj`` is a record proxy (whose
    attributes are field names)."""
    _check_attribute_name(name)
    if name.startswith(_FORBIDDEN_PREFIXES) and not getattr(type(obj), "safe_eval_proxy", False):
        raise SafeEvalError(f"forbidden attribute {name!r} in expression")


def _check(tree, source, statements=False):
    """Whitelist the nodes of ``tree`` (at parse time, so a rule is refused when it is saved)."""
    allowed = _EXPRESSION_NODES + (_STATEMENT_NODES if statements else ())
    limit = MAX_NODES * (EXEC_TIME_FACTOR if statements else 1)
    for count, node in enumerate(ast.walk(tree)):
        if count >= limit:
            raise SafeEvalError("expression too complex")
        if not isinstance(node, allowed):
            raise SafeEvalError(f"forbidden construct ({type(node).__name__}) in expression: {source[:200]!r}")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise SafeEvalError(f"forbidden name {node.id!r} in expression")
        if isinstance(node, ast.Attribute):
            _check_attribute_name(node.attr)
        if isinstance(node, ast.keyword) and node.arg and node.arg.startswith("_"):
            raise SafeEvalError(f"forbidden keyword {node.arg!r} in expression")
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) for t in node.targets):
            raise SafeEvalError("assigning attributes is not allowed")
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Attribute):
            raise SafeEvalError("assigning attributes is not allowed")


# -- bounded operations -------------------------------------------------------------------------
def _safe_pow(base, exponent):
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and base not in (0, 1, -1):
        if exponent * max(1, abs(base).bit_length()) > MAX_POWER_RESULT_BITS:
            raise SafeEvalError("number too large in expression")
    return base ** exponent


def _sequence_length(value):
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _safe_mul(left, right):
    for seq, count in ((left, right), (right, left)):
        length = _sequence_length(seq)
        if length is not None and isinstance(count, int) and length * max(count, 0) > MAX_SEQUENCE:
            raise SafeEvalError("sequence too large in expression")
    return left * right


def _safe_lshift(left, right):
    if isinstance(right, int) and right > MAX_POWER_RESULT_BITS:
        raise SafeEvalError("number too large in expression")
    return left << right


_WIDTH = re.compile(r"(\d+)")


def _check_widths(spec):
    """``%`` formats and f-string format specs may not pad to huge widths (``'%999999999d'``)."""
    if "*" in spec or any(int(number) > MAX_SEQUENCE for number in _WIDTH.findall(spec)):
        raise SafeEvalError("format width too large in expression")


def _safe_mod(left, right):
    if isinstance(left, (str, bytes)):
        _check_widths(left if isinstance(left, str) else left.decode("latin-1"))
    return left % right


def _safe_range(*args):
    result = range(*args)
    if len(result) > MAX_SEQUENCE:
        raise SafeEvalError("range too large in expression")
    return result


#: str/bytes methods whose result can be far larger than their inputs
def _check_string_method(obj, name, args, kwargs):
    if name in ("ljust", "rjust", "center", "zfill", "expandtabs"):
        width = args[0] if args else next(iter(kwargs.values()), 0)
        length = len(obj) * (width if name == "expandtabs" else 1) if isinstance(width, int) else 0
        if isinstance(width, int) and max(width, length) > MAX_SEQUENCE:
            raise SafeEvalError("string too large in expression")
    elif name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        if isinstance(old, (str, bytes)) and isinstance(new, (str, bytes)):
            if (len(obj) // max(1, len(old)) + 1) * len(new) + len(obj) > MAX_SEQUENCE * 10:
                raise SafeEvalError("string too large in expression")


_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: _safe_mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: _safe_mod, ast.Pow: _safe_pow, ast.LShift: _safe_lshift,
    ast.RShift: operator.rshift, ast.BitOr: operator.or_, ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_, ast.Invert: operator.invert}
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_MISSING = object()


class _Interpreter:
    """Walks a checked tree. ``names`` is the global scope (assignments of statements land there);
    comprehensions push their own scopes."""

    def __init__(self, names, seconds):
        self.names = names
        self.scopes = []
        self.steps = 0
        self.deadline = _time.monotonic() + seconds
        self.seconds = seconds

    def tick(self):
        self.steps += 1
        if not self.steps & 255 and _time.monotonic() > self.deadline:
            raise SafeEvalError(f"evaluation took longer than {self.seconds:g} s")

    # -- expressions ------------------------------------------------------------------------------
    def eval(self, node):
        self.tick()
        return getattr(self, "e_" + type(node).__name__)(node)

    def e_Expression(self, node):
        return self.eval(node.body)

    def e_Constant(self, node):
        return node.value

    def e_Name(self, node):
        for scope in reversed(self.scopes):
            if node.id in scope:
                return scope[node.id]
        value = self.names.get(node.id, _MISSING)
        if value is _MISSING:
            value = _SAFE_BUILTINS.get(node.id, _MISSING)
        if value is _MISSING:
            raise SafeEvalError(f"name {node.id!r} is not defined")
        return value

    def e_List(self, node):
        return [self.eval(element) for element in node.elts]

    def e_Tuple(self, node):
        return tuple(self.eval(element) for element in node.elts)

    def e_Set(self, node):
        return {self.eval(element) for element in node.elts}

    def e_Dict(self, node):
        result = {}
        for key, value in zip(node.keys, node.values):
            if key is None:  # {**other}
                result.update(self.eval(value))
            else:
                result[self.eval(key)] = self.eval(value)
        return result

    def e_BinOp(self, node):
        return _BINARY[type(node.op)](self.eval(node.left), self.eval(node.right))

    def e_UnaryOp(self, node):
        return _UNARY[type(node.op)](self.eval(node.operand))

    def e_BoolOp(self, node):
        is_and = isinstance(node.op, ast.And)
        value = None
        for operand in node.values:
            value = self.eval(operand)
            if bool(value) != is_and:
                return value
        return value

    def e_Compare(self, node):
        left = self.eval(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.eval(comparator)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def e_IfExp(self, node):
        return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)

    def e_Attribute(self, node):
        obj = self.eval(node.value)
        _check_attribute(obj, node.attr)
        return getattr(obj, node.attr)

    def e_Subscript(self, node):
        obj = self.eval(node.value)
        key = self.eval(node.slice)
        if isinstance(key, str) and key.startswith("_"):
            raise SafeEvalError(f"forbidden key {key!r} in expression")
        return obj[key]

    def e_Slice(self, node):
        return slice(*(self.eval(part) if part is not None else None
                       for part in (node.lower, node.upper, node.step)))

    def e_Call(self, node):
        args = [self.eval(arg) for arg in node.args]
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                kwargs.update(self.eval(keyword.value))
            else:
                kwargs[keyword.arg] = self.eval(keyword.value)
        if any(isinstance(key, str) and key.startswith("_") for key in kwargs):
            raise SafeEvalError("forbidden keyword argument in expression")
        if isinstance(node.func, ast.Attribute):
            obj = self.eval(node.func.value)
            _check_attribute(obj, node.func.attr)
            if isinstance(obj, (str, bytes)):
                _check_string_method(obj, node.func.attr, args, kwargs)
            function = getattr(obj, node.func.attr)
        else:
            function = self.eval(node.func)
        if _is_refused(function):
            raise SafeEvalError("this function cannot be called in expressions")
        return function(*args, **kwargs)

    def e_JoinedStr(self, node):
        return "".join(str(self.eval(part)) if isinstance(part, ast.Constant) else self.eval(part)
                       for part in node.values)

    def e_FormattedValue(self, node):
        value = self.eval(node.value)
        if node.conversion == ord("r"):
            value = repr(value)
        elif node.conversion == ord("s"):
            value = str(value)
        elif node.conversion == ord("a"):
            value = ascii(value)
        spec = self.eval(node.format_spec) if node.format_spec is not None else ""
        _check_widths(spec)
        # format() with a spec only pads and converts numbers/dates: no attribute walk is possible
        return _builtin_format(value, spec)

    # comprehensions (generator expressions are evaluated eagerly, as lists)
    def _comprehension(self, generators, produce):
        scope = {}
        self.scopes.append(scope)
        try:
            yield from self._generate(generators, 0, scope, produce)
        finally:
            self.scopes.pop()

    def _generate(self, generators, index, scope, produce):
        if index == len(generators):
            yield produce()
            return
        generator = generators[index]
        for item in self.eval(generator.iter):
            self.tick()
            self.assign(generator.target, item, scope)
            if all(self.eval(condition) for condition in generator.ifs):
                yield from self._generate(generators, index + 1, scope, produce)

    def _collect(self, node, produce):
        result = []
        for value in self._comprehension(node.generators, produce):
            result.append(value)
            if len(result) > MAX_SEQUENCE:
                raise SafeEvalError("comprehension too large in expression")
        return result

    def e_ListComp(self, node):
        return self._collect(node, lambda: self.eval(node.elt))

    def e_GeneratorExp(self, node):
        return iter(self._collect(node, lambda: self.eval(node.elt)))

    def e_SetComp(self, node):
        return set(self._collect(node, lambda: self.eval(node.elt)))

    def e_DictComp(self, node):
        return dict(self._collect(node, lambda: (self.eval(node.key), self.eval(node.value))))

    # -- assignments and statements ---------------------------------------------------------------
    def assign(self, target, value, scope=None):
        if isinstance(target, ast.Name):
            (scope if scope is not None else self.names)[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = list(value)
            if len(values) != len(target.elts):
                raise SafeEvalError(f"cannot unpack {len(values)} values into {len(target.elts)} names")
            for element, item in zip(target.elts, values):
                self.assign(element, item, scope)
        elif isinstance(target, ast.Subscript):
            key = self.eval(target.slice)
            if isinstance(key, str) and key.startswith("_"):
                raise SafeEvalError(f"forbidden key {key!r} in expression")
            self.eval(target.value)[key] = value
        else:
            raise SafeEvalError(f"cannot assign to {type(target).__name__}")

    def run(self, statements):
        for statement in statements:
            self.tick()
            getattr(self, "s_" + type(statement).__name__)(statement)

    def s_Expr(self, node):
        self.eval(node.value)

    def s_Assign(self, node):
        value = self.eval(node.value)
        for target in node.targets:
            self.assign(target, value)

    def s_AugAssign(self, node):
        if isinstance(node.target, ast.Name):
            current = self.e_Name(node.target)
        else:
            current = self.eval(ast.Subscript(value=node.target.value, slice=node.target.slice, ctx=ast.Load()))
        self.assign(node.target, _BINARY[type(node.op)](current, self.eval(node.value)))

    def s_If(self, node):
        self.run(node.body if self.eval(node.test) else node.orelse)

    def s_For(self, node):
        for item in self.eval(node.iter):
            self.assign(node.target, item)
            try:
                self.run(node.body)
            except _Break:
                break
            except _Continue:
                continue
        else:
            self.run(node.orelse)

    def s_Pass(self, node):
        pass

    def s_Break(self, node):
        raise _Break()

    def s_Continue(self, node):
        raise _Continue()

    def s_Raise(self, node):
        exception = self.eval(node.exc) if node.exc is not None else None
        if isinstance(exception, type) and issubclass(exception, UserError):
            exception = exception()
        if not isinstance(exception, UserError):
            raise SafeEvalError("server actions may only raise UserError")
        raise exception


_builtin_format = format

_SAFE_BUILTINS = {
    "True": True, "False": False, "None": None,
    "abs": abs, "all": all, "any": any, "bool": bool, "dict": dict, "divmod": divmod,
    "enumerate": enumerate, "filter": filter, "float": float, "int": int, "isinstance": isinstance,
    "len": len, "list": list, "map": map, "max": max, "min": min, "reversed": reversed,
    "round": round, "set": set, "sorted": sorted, "str": str, "sum": sum, "tuple": tuple, "zip": zip,
    "range": _safe_range, "repr": repr, "frozenset": frozenset,
}
#: callables that may be reached through an allowed object but must not run
_REFUSED_CALLABLES = frozenset({eval, exec, compile, getattr, setattr, delattr, vars, globals, locals,
                                open, type, __import__, _builtin_format, object.__getattribute__})



def _is_refused(function):
    try:
        return function in _REFUSED_CALLABLES
    except TypeError:  # unhashable callable object
        return False


#: harmless modules, as namespaces holding only what expressions need
time = types.SimpleNamespace(time=_time.time, strftime=_time.strftime, gmtime=_time.gmtime,
                             localtime=_time.localtime, mktime=_time.mktime)
datetime_ns = types.SimpleNamespace(datetime=datetime.datetime, date=datetime.date,
                                    timedelta=datetime.timedelta, time=datetime.time,
                                    timezone=datetime.timezone)
json_ns = types.SimpleNamespace(loads=json.loads, dumps=json.dumps)


def default_context():
    """Names every expression may use: ``time``, ``datetime``, ``relativedelta``, ``json``."""
    from dateutil.relativedelta import relativedelta
    return {"time": time, "datetime": datetime_ns, "relativedelta": relativedelta, "json": json_ns,
            "context_today": datetime.date.today}


def _namespace(context):
    """The global scope of an evaluation: the default names and the caller's."""
    names = default_context()
    names.update(context or {})
    for key in names:
        if not isinstance(key, str) or key.startswith("_"):
            raise SafeEvalError(f"forbidden name {key!r} in evaluation context")
    return names


_parsed = {}


def _parse(source, mode):
    key = (source, mode)
    tree = _parsed.get(key)
    if tree is None:
        try:
            tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
        except (SyntaxError, ValueError) as exc:
            where = f" (line {exc.lineno})" if mode == "exec" and getattr(exc, "lineno", None) else ""
            raise SafeEvalError(f"invalid expression {source[:200]!r}: {getattr(exc, 'msg', exc)}{where}") \
                from None
        except RecursionError:
            raise SafeEvalError("expression too deeply nested") from None
        _check(tree, source, statements=mode == "exec")
        if len(_parsed) > 2000:
            _parsed.clear()
        _parsed[key] = tree
    return tree


def check_expression(expression):
    """Parse and whitelist ``expression`` without evaluating it (to refuse bad data when saved)."""
    if not isinstance(expression, str) or len(expression) > MAX_SOURCE:
        raise SafeEvalError("expression too long or not a string")
    _parse(expression, "eval")


def check_code(code):
    """Parse and whitelist the statements ``code`` without running them (server actions when saved)."""
    if not isinstance(code, str) or len(code) > MAX_SOURCE * EXEC_TIME_FACTOR:
        raise SafeEvalError("code too long or not a string")
    _parse(code, "exec")


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
    tree = _parse(expression, "eval")
    interpreter = _Interpreter(_namespace(context), MAX_SECONDS)
    try:
        return interpreter.eval(tree)
    except ValidationError:
        raise
    except RecursionError:
        raise SafeEvalError("expression too deeply nested") from None
    except Exception as exc:
        raise SafeEvalError(f"cannot evaluate {expression[:200]!r}: {type(exc).__name__}: {exc}") from None


def safe_exec(code, context):
    """Run the statements ``code`` (assignments, ``if``, ``for``, ``raise``, expressions) with the
    names of ``context``, which receives the variables assigned (e.g. ``action``).

    :raises SafeEvalError: forbidden construct, too big, or an error while running
    :raises UserError: the code raised one (``raise UserError("...")``)
    """
    if not isinstance(code, str):
        raise SafeEvalError("code must be a string")
    if len(code) > MAX_SOURCE * EXEC_TIME_FACTOR:
        raise SafeEvalError("code too long")
    tree = _parse(code, "exec")
    names = _namespace(context)
    interpreter = _Interpreter(names, MAX_SECONDS * EXEC_TIME_FACTOR)
    try:
        interpreter.run(tree.body)
    except (_Break, _Continue):
        raise SafeEvalError("break/continue outside a loop") from None
    except (ValidationError, UserError):
        raise
    except RecursionError:
        raise SafeEvalError("code too deeply nested") from None
    except Exception as exc:
        raise SafeEvalError(f"server action failed: {type(exc).__name__}: {exc}") from None
    for key, value in names.items():
        context[key] = value
