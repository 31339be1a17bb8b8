"""Evaluating view modifiers and domains on the client (views.md §2).

Arches carry Python expressions (``invisible="state != 'draft'"``), legacy ``attrs`` dicts of
domains, ``context`` and ``options``. This module parses them once with :mod:`ast`, refuses anything
outside a small grammar (literals, names, attribute access without dunders, subscripts, a few calls,
comparisons, boolean and arithmetic operators, conditional expressions) and evaluates them against a
record's values. It is the client's own copy of the grammar: the client never imports the server.

>>> Expression("state != 'draft' and amount > 10").evaluate({"state": "done", "amount": 12})
True
>>> match_domain([("state", "in", ["draft", "sent"])], {"state": "sent"})
True
"""
import ast
import datetime
import json
import logging
import operator
import time as _time

_logger = logging.getLogger(__name__)

_ALLOWED = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.BinOp,
    ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Attribute, ast.Subscript,
    ast.Slice, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.USub, ast.UAdd, ast.Not,
    ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)
_CALLABLE_NAMES = {"bool", "len", "int", "float", "str", "abs", "min", "max", "any", "all", "set", "list",
                   "tuple", "dict", "context_today", "relativedelta"}
_CALLABLE_ATTRS = {"get", "strftime", "isoformat", "replace", "today", "now", "date", "timedelta", "datetime",
                   "combine", "to_date"}
MAX_LENGTH = 10_000


class ExpressionError(ValueError):
    """The expression is outside the allowed grammar or cannot be evaluated."""


class _Missing:
    """A name neither in the view nor in the context: evaluates like False (and is logged)."""


def _relativedelta(*args, **kwargs):
    from dateutil.relativedelta import relativedelta
    return relativedelta(*args, **kwargs)


def base_names(context=None, uid=None, today=None):
    """The names every expression may use besides field values (views.md §2.1)."""
    today = today or datetime.date.today()
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    return {
        "context": dict(context or {}),
        "uid": uid,
        "today": today.strftime("%Y-%m-%d"),
        "current_date": today.strftime("%Y-%m-%d"),
        "now": now.strftime("%Y-%m-%d %H:%M:%S"),
        "context_today": lambda: today,
        "datetime": datetime,
        "relativedelta": _relativedelta,
        "time": _TimeNamespace,
        "True": True, "False": False, "None": None,
        "bool": bool, "len": len, "int": int, "float": float, "str": str, "abs": abs, "min": min,
        "max": max, "any": any, "all": all, "set": set, "list": list, "tuple": tuple, "dict": dict,
    }


class _TimeNamespace:
    strftime = staticmethod(_time.strftime)


class Expression:
    """A parsed expression, evaluated many times.

    :raises ExpressionError: the text is not an allowed expression
    """

    def __init__(self, text):
        if not isinstance(text, str) or len(text) > MAX_LENGTH:
            raise ExpressionError("expression too long or not a string")
        self.text = text
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as exc:
            raise ExpressionError(f"invalid expression {text!r}: {exc.msg}") from None
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED):
                raise ExpressionError(f"{type(node).__name__} is not allowed in {text!r}")
            if isinstance(node, ast.Name) and node.id.startswith("__"):
                raise ExpressionError(f"name {node.id!r} is not allowed")
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                raise ExpressionError(f"attribute {node.attr!r} is not allowed")
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id not in _CALLABLE_NAMES:
                    raise ExpressionError(f"call to {func.id!r} is not allowed")
                if isinstance(func, ast.Attribute) and func.attr not in _CALLABLE_ATTRS:
                    raise ExpressionError(f"call to .{func.attr}() is not allowed")
        self.names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        self._tree = tree.body

    def evaluate(self, values, names=None):
        """Evaluate with ``values`` (field values; missing names are False and logged)."""
        scope = dict(names if names is not None else base_names())
        scope.update(values)
        for name in self.names:
            if name not in scope:
                _warn_once(f"unknown name {name!r} in {self.text!r}")
                scope[name] = False
        try:
            return _walk(self._tree, scope)
        except ExpressionError:
            raise
        except Exception as exc:
            raise ExpressionError(f"cannot evaluate {self.text!r}: {type(exc).__name__}: {exc}") from None


MAX_SEQUENCE = 100_000


def _checked_mul(left, right):
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_SEQUENCE:
            raise ExpressionError("sequence too large in expression")
    return left * right


def _checked_mod(left, right):
    if isinstance(left, str):
        raise ExpressionError("string formatting is not allowed in expressions")
    return left % right


_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: _checked_mul, ast.Div: operator.truediv,
           ast.FloorDiv: operator.floordiv, ast.Mod: _checked_mod}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
            ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
_SEQUENCES = {ast.List: list, ast.Tuple: tuple, ast.Set: set}


def _walk(node, scope):
    """Interpret a checked tree (security.md EVAL-4: the client never hands code to ``eval``)."""
    kind = type(node)
    if kind is ast.Constant:
        return node.value
    if kind is ast.Name:
        return scope[node.id]
    if kind is ast.Attribute:
        return getattr(_walk(node.value, scope), node.attr)  # the name was checked when parsed
    if kind is ast.BoolOp:
        is_and = isinstance(node.op, ast.And)
        value = None
        for operand in node.values:
            value = _walk(operand, scope)
            if bool(value) != is_and:
                return value
        return value
    if kind is ast.Compare:
        left = _walk(node.left, scope)
        for op, comparator in zip(node.ops, node.comparators):
            right = _walk(comparator, scope)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if kind is ast.BinOp:
        return _BINARY[type(node.op)](_walk(node.left, scope), _walk(node.right, scope))
    if kind is ast.UnaryOp:
        return _UNARY[type(node.op)](_walk(node.operand, scope))
    if kind is ast.IfExp:
        return _walk(node.body, scope) if _walk(node.test, scope) else _walk(node.orelse, scope)
    if kind is ast.Subscript:
        key = _walk(node.slice, scope)
        if isinstance(key, str) and key.startswith("_"):
            raise ExpressionError(f"key {key!r} is not allowed")
        return _walk(node.value, scope)[key]
    if kind is ast.Slice:
        return slice(*(None if part is None else _walk(part, scope) for part in (node.lower, node.upper, node.step)))
    if kind in _SEQUENCES:
        return _SEQUENCES[kind](_walk(element, scope) for element in node.elts)
    if kind is ast.Dict:
        return {_walk(key, scope): _walk(value, scope) for key, value in zip(node.keys, node.values)}
    if kind is ast.Call:
        if isinstance(node.func, ast.Attribute):
            owner = _walk(node.func.value, scope)
            if isinstance(owner, (str, bytes, list)):  # views.md §2.1: methods of dates and context.get only
                raise ExpressionError(f"call to .{node.func.attr}() of a {type(owner).__name__} is not allowed")
            function = getattr(owner, node.func.attr)
        else:
            function = _walk(node.func, scope)
        args = [_walk(arg, scope) for arg in node.args]
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is None or keyword.arg.startswith("_"):
                raise ExpressionError("only named arguments are allowed in calls")
            kwargs[keyword.arg] = _walk(keyword.value, scope)
        return function(*args, **kwargs)
    raise ExpressionError(f"{kind.__name__} is not allowed")


_WARNED = set()


def _warn_once(message):
    if message not in _WARNED:
        _WARNED.add(message)
        _logger.warning(message)


_CACHE = {}


def expression(text):
    """A cached :class:`Expression` for ``text``."""
    compiled = _CACHE.get(text)
    if compiled is None:
        compiled = Expression(text)
        if len(_CACHE) > 5000:
            _CACHE.clear()
        _CACHE[text] = compiled
    return compiled


TRUE_WORDS = ("1", "true", "True")
FALSE_WORDS = ("0", "false", "False", "")


def literal_bool(text):
    """True/False for boolean-like attribute text, None when it is an expression (views.md §1)."""
    if text is None:
        return None
    text = text.strip()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


#: value used when evaluating a modifier fails (views.md §2.5)
FAILURE_DEFAULTS = {"invisible": False, "readonly": True, "required": False, "column_invisible": False}


def evaluate_modifier(kind, text, values, names=None):
    """Evaluate a modifier attribute (literal or expression) to a bool, with the failure rules."""
    literal = literal_bool(text)
    if literal is not None:
        return literal
    try:
        return bool(expression(text).evaluate(values, names))
    except ExpressionError as exc:
        _warn_once(str(exc))
        return FAILURE_DEFAULTS.get(kind, False)


def parse_literal(text, default=None):
    """A dict/list literal written in Python or JSON (``options``), ``default`` when unparseable."""
    if not text or not text.strip():
        return default
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        pass
    try:
        return json.loads(text)
    except ValueError:
        _warn_once(f"cannot parse {text[:100]!r}")
        return default


def evaluate_literal(text, values, names=None, default=None):
    """A ``context``/``domain`` attribute evaluated with the record's values (lazy, at use time)."""
    if not text or not text.strip():
        return default
    try:
        return expression(text).evaluate(values, names)
    except ExpressionError as exc:
        _warn_once(str(exc))
        return default


# -- domains on the client (legacy attrs) ---------------------------------------------------------
def _ids(value):
    if value is False or value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [v[0] if isinstance(v, (list, tuple)) else v for v in value]
    return [value]


def _leaf(values, leaf):
    name, operator, right = leaf
    operator = operator.lower()
    left = values.get(name, False)
    if isinstance(left, (list, tuple)) and len(left) == 2 and isinstance(left[0], int) and isinstance(left[1], str):
        left = left[0]  # a many2one as (id, name)
    if isinstance(left, list):
        ids = set(_ids(left))
        if operator in ("=", "==") and right in (False, None, []):
            return not ids
        if operator in ("!=", "<>") and right in (False, None, []):
            return bool(ids)
        if operator in ("in", "="):
            return bool(ids & set(_ids(right)))
        if operator in ("not in", "!=", "<>"):
            return not ids & set(_ids(right))
    if operator == "=?":
        return right in (False, None) or left == right
    if operator in ("=", "=="):
        return left == right
    if operator in ("!=", "<>"):
        return left != right
    if operator == "in":
        return left in (right if isinstance(right, (list, tuple, set)) else [right])
    if operator == "not in":
        return left not in (right if isinstance(right, (list, tuple, set)) else [right])
    if operator in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        text = "" if left is False or left is None else str(left)
        pattern = "" if right is False or right is None else str(right)
        if "ilike" in operator:
            text, pattern = text.lower(), pattern.lower()
        if operator.startswith("="):
            import fnmatch
            found = fnmatch.fnmatchcase(text, pattern.replace("%", "*").replace("_", "?"))
        else:
            found = pattern in text
        return not found if operator.startswith("not") else found
    try:
        if operator == "<":
            return left < right
        if operator == "<=":
            return left <= right
        if operator == ">":
            return left > right
        if operator == ">=":
            return left >= right
    except TypeError:
        return False
    raise ExpressionError(f"unknown operator {operator!r}")


def match_domain(domain, values):
    """Whether a record (dict of values) matches a domain (prefix notation, implicit AND)."""
    if not domain:
        return True
    stack = []
    for token in reversed(list(domain)):
        if token == "!":
            stack.append(not stack.pop())
        elif token == "&":
            stack.append(stack.pop() and stack.pop())
        elif token == "|":
            first, second = stack.pop(), stack.pop()
            stack.append(first or second)
        elif isinstance(token, (list, tuple)) and len(token) == 3:
            if tuple(token) in ((1, "=", 1), [1, "=", 1]):
                stack.append(True)
            elif tuple(token) == (0, "=", 1):
                stack.append(False)
            else:
                stack.append(_leaf(values, token))
        else:
            raise ExpressionError(f"invalid domain term {token!r}")
    return all(stack)
