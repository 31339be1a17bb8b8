"""Bounds on what a client may send to the search family, checked before any SQL runs
(security.md VAL-1 and VAL-5).

The ORM already refuses malformed domains, unknown fields and operators; these checks add the
sizes a client must not exceed — 1,000 leaves, nesting depth 32, 10,000 values in an ``in`` list,
1,000 characters in a ``like`` pattern — and cap ``limit`` at the configured ``limit_records``
(10,000 by default; page with ``offset`` beyond it). ``limit`` and ``offset`` must fit PostgreSQL's
``bigint``; floats in domains must be finite (VAL-5: NaN and infinities are refused, whatever the
field). :func:`check_signature` turns a call that does not fit the method (wrong arity, unknown
keyword) into a ValidationError instead of a server error.
"""
import inspect
import math

from ..exceptions import ValidationError

MAX_LEAVES = 1_000
MAX_DEPTH = 32
MAX_IN_VALUES = 10_000
MAX_PATTERN = 1_000
LIKE_OPERATORS = ("like", "ilike", "not like", "not ilike", "=like", "=ilike")
#: ``limit`` and ``offset`` end up as PostgreSQL bigints
MAX_COUNT = 2 ** 63 - 1

#: method -> names of its positional parameters that need checking (others are left alone)
SIGNATURES = {
    "search": ("domain", "offset", "limit", "order", "count"),
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "read_group": ("domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"),
    "web_read_group": ("domain", "fields", "groupby", "limit", "offset", "orderby", "lazy"),
    "web_search_read": ("domain", "specification", "offset", "limit", "order"),
    "name_search": ("name", "args", "operator", "limit"),
}


def check_call(method, args, kwargs, max_records):
    """Check the domain, ``limit`` and ``offset`` of a call and cap ``limit`` of calls returning
    rows; returns the new ``args`` and ``kwargs``.

    :raises ValidationError: naming the value out of bounds
    """
    names = SIGNATURES.get(method)
    if names is None:
        return args, kwargs
    args, kwargs = list(args), dict(kwargs)
    values = {}
    for index, name in enumerate(names):
        if index < len(args):
            values[name] = (args, index)
        elif name in kwargs:
            values[name] = (kwargs, name)
    for name in ("domain", "args"):
        if name in values:
            holder, key = values[name]
            check_domain(holder[key])
    if method == "name_search" and "domain" in kwargs:
        check_domain(kwargs["domain"])
    if "offset" in values:
        holder, key = values["offset"]
        _check_count(holder[key], "offset")
    counting = method == "search_count" or (
        "count" in values and values["count"][0][values["count"][1]])
    if "limit" in values:
        holder, key = values["limit"]
        _check_count(holder[key], "limit")
        if not counting:
            holder[key] = _capped(holder[key], max_records)
    elif not counting and max_records:
        kwargs["limit"] = max_records
    return args, kwargs


def check_signature(method, function, args, kwargs):
    """Refuse arguments that do not fit ``function`` (a model method called with ``args`` and
    ``kwargs`` after the model itself) before it runs.

    :raises ValidationError: too many or missing positional arguments, unknown or repeated keywords
    """
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # no signature to check (a builtin): the call will tell
        return
    try:
        signature.bind(None, *args, **kwargs)
    except TypeError as exc:
        raise ValidationError(f"Invalid arguments for {method}: {exc}") from None


def _check_count(value, what):
    if value in (None, False):
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"Invalid {what} {value!r}: expected a non-negative integer")
    if value > MAX_COUNT:
        raise ValidationError(f"Invalid {what}: at most {MAX_COUNT}")


def _capped(value, max_records):
    if not max_records:
        return value
    if value in (None, False, 0) or value > max_records:
        return max_records
    return value


def check_domain(domain):
    """:raises ValidationError: ``domain`` is larger or deeper than a client may send"""
    if domain in (None, False):
        return
    if not isinstance(domain, (list, tuple)):
        return  # the ORM names the problem
    leaves = _check_terms(domain, 0)
    if leaves > MAX_LEAVES:
        raise ValidationError(f"Domain too large: {leaves} conditions (at most {MAX_LEAVES})")


def _check_terms(domain, depth):
    """Number of leaves of ``domain`` (sub-domains of ``any`` included); checks depth and values."""
    if depth > MAX_DEPTH:
        raise ValidationError(f"Domain nested too deeply (at most {MAX_DEPTH} levels)")
    if len(domain) > MAX_LEAVES * 2 + 1:
        raise ValidationError(f"Domain too large: {len(domain)} terms")
    leaves = 0
    for term in domain:
        if not isinstance(term, (list, tuple)) or len(term) != 3:
            continue
        leaves += 1
        operator, value = term[1], term[2]
        if isinstance(value, (list, tuple)) and len(value) > MAX_IN_VALUES:
            raise ValidationError(f"Too many values in domain condition on {term[0]!r}: {len(value)} "
                                  f"(at most {MAX_IN_VALUES})")
        if not _finite(value):
            raise ValidationError(f"Invalid value in domain condition on {term[0]!r}: numbers must be finite")
        if isinstance(operator, str) and operator.lower() in LIKE_OPERATORS and isinstance(value, str) \
                and len(value) > MAX_PATTERN:
            raise ValidationError(f"Search pattern too long on {term[0]!r}: {len(value)} characters "
                                  f"(at most {MAX_PATTERN})")
        if isinstance(operator, str) and operator.lower() in ("any", "not any") and isinstance(value, (list, tuple)):
            leaves += _check_terms(value, depth + 1)
    if _operator_depth(domain) > MAX_DEPTH:
        raise ValidationError(f"Domain nested too deeply (at most {MAX_DEPTH} levels)")
    return leaves


def _finite(value):
    """Whether ``value`` (or each item of a list value) is not a NaN or infinite float."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(not isinstance(item, float) or math.isfinite(item) for item in value)
    return True


def _operator_depth(domain):
    """Nesting of '&'/'|'/'!' in prefix notation; a chain of one operator counts as one level."""
    stack = []  # (depth, operator) of the operands seen so far, read right to left
    for term in reversed(domain):
        if term in ("&", "|") and len(stack) >= 2:
            children = [stack.pop(), stack.pop()]
            depth = max(d if op == term else d + 1 for d, op in children)
            stack.append((depth, term))
        elif term == "!" and stack:
            depth, _op = stack.pop()
            stack.append((depth + 1, "!"))
        else:
            stack.append((0, None))
    return max((d + 1 for d, _op in stack), default=0)
