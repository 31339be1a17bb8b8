"""Evaluating a domain in Python on records already at hand (``filtered_domain``, orm.md REC-5).

The semantics follow the SQL of :mod:`bureau.orm.domain.compile` (orm.md DOM-3): an empty value
(``False``) stands for NULL, ``!=`` and the negative ``like`` operators match NULL, comparisons
never do, ``like``/``ilike`` wrap the value in ``%`` and keep ``%``/``_`` as wildcards. A dotted
path means "some record along the path matches the rest" (DOM-12). Values are read through the
records, so pending (unflushed) changes and new records are seen.

Leaves this module does not evaluate itself (``child_of``, ``parent_of``, non-stored fields with a
``search`` method) are delegated to a search restricted to the records' ids.
"""
import datetime
import re

from .compile import LIKE_OPERATORS, _as_list, _coerce
from .parse import And, Constant, DomainError, Leaf, Not, Or, parse

_NUMERIC = ("integer", "float", "monetary")


def filter_records(records, domain):
    """The records of ``records`` matching ``domain``, in their order.

    :raises DomainError: the domain is malformed or does not fit the model
    """
    node = parse(domain)
    if isinstance(node, Constant):
        return records if node.value else records.browse()
    matcher = _Matcher(records)
    return records.browse(tuple(r._ids[0] for r in records if matcher.node(node, r)))


class _Matcher:
    def __init__(self, records):
        self.records = records
        self.delegated = {}

    def node(self, node, record):
        if isinstance(node, Constant):
            return node.value
        if isinstance(node, And):
            return all(self.node(child, record) for child in node.children)
        if isinstance(node, Or):
            return any(self.node(child, record) for child in node.children)
        if isinstance(node, Not):
            return not self.node(node.child, record)
        return self.leaf(node, record)

    def leaf(self, leaf, record):
        field = record._fields.get(leaf.path[0])
        if field is None:
            raise DomainError(f"Invalid field {record._name}.{leaf.path[0]} in leaf {leaf.source!r}")
        if len(leaf.path) > 1:
            if not field.relational:
                raise DomainError(f"Invalid leaf {leaf.source!r}: {record._name}.{field.name} is not relational")
            rest = Leaf(leaf.path[1:], leaf.operator, leaf.value, leaf.source)
            return any(self.leaf(rest, target) for target in record[field.name])
        if leaf.operator in ("child_of", "parent_of") or (not field.store and field.search and not field.related):
            return self.delegate(leaf, record)
        if leaf.operator in ("any", "not any"):
            if not field.relational:
                raise DomainError(f"Invalid leaf {leaf.source!r}: {leaf.operator!r} needs a relational field")
            found = bool(filter_records(record[field.name], list(leaf.value)))
            return found if leaf.operator == "any" else not found
        if field.name == "id":
            return _compare(record._ids[0] or False, leaf.operator, leaf.value, field, leaf)
        if field.relational:
            return self.relational(field, leaf, record)
        return _compare(record[field.name], leaf.operator, leaf.value, field, leaf)

    def relational(self, field, leaf, record):
        targets = record[field.name]
        operator, value = leaf.operator, leaf.value
        if hasattr(value, "_ids") and hasattr(value, "_name"):
            value = value._ids[0] if len(value._ids) == 1 and operator in ("=", "!=") else list(value._ids)
        if operator in ("like", "ilike", "not like", "not ilike") and not value:
            return not operator.startswith("not")
        names = isinstance(value, str) or (isinstance(value, (list, tuple)) and value
                                           and all(isinstance(v, str) for v in value))
        if names or operator in LIKE_OPERATORS:
            negative = operator.startswith("not") or operator == "!="
            positive = {"!=": "=", "not like": "like", "not ilike": "ilike", "not in": "in"}.get(operator, operator)
            if positive == "in":
                positive = "="
            matches = [t for t in targets if any(_compare(t.display_name, positive, name, None, leaf)
                                                 for name in _as_list(value))]
            return not matches if negative else bool(matches)
        ids = [i for i in targets._ids if i] if field.type != "many2one" else [targets.id or False]
        if field.type == "many2one":
            return _compare(ids[0], operator, value, None, leaf)
        wanted = set(_as_list(value)) - {False, None}
        wants_empty = any(v is False or v is None for v in _as_list(value))
        if operator in ("=", "in", "!=", "not in"):
            found = bool(wanted & set(ids)) or (wants_empty and not ids)
            return found if operator in ("=", "in") else not found
        raise DomainError(f"Invalid leaf {leaf.source!r}: operator {operator!r} is not supported on "
                          f"{field.type} fields")

    def delegate(self, leaf, record):
        """Evaluate ``leaf`` with a search over the real records (one query per leaf)."""
        key = leaf.source
        if key not in self.delegated:
            real = [i for i in self.records._ids if i]
            model = self.records.with_context(active_test=False)
            self.delegated[key] = set(model.search([("id", "in", real), tuple(leaf.source)])._ids)
        return record._ids[0] in self.delegated[key]


def _compare(value, operator, other, field, leaf):
    """``value operator other`` where ``value`` is a record value (False for NULL)."""
    if operator == "=?":
        if other is False or other is None:
            return True
        operator = "="
    if field is not None and field.type == "boolean":
        value = bool(value)
        if operator in ("in", "not in"):
            found = value in {bool(v) for v in _as_list(other)}
            return found if operator == "in" else not found
        other = bool(other) if operator in ("=", "!=") else other
    elif field is not None and operator not in LIKE_OPERATORS:
        other = _convert(field, other, leaf, operator)
    if operator in ("=", "!="):
        if other is False or other is None:
            found = _is_null(value, field)
        else:
            found = not _is_null(value, field) and value == other
        return found if operator == "=" else not found
    if operator in ("in", "not in"):
        items = _as_list(other)
        found = (not _is_null(value, field) and value in items) or (
            _is_null(value, field) and any(v is False or v is None for v in items))
        return found if operator == "in" else not found
    if operator in ("<", ">", "<=", ">="):
        if _is_null(value, field) or other is False or other is None:
            return False
        return {"<": value < other, ">": value > other, "<=": value <= other, ">=": value >= other}[operator]
    if operator in LIKE_OPERATORS:
        return _like(value, operator, other)
    raise DomainError(f"Invalid leaf {leaf.source!r}: operator {operator!r} is not supported here")


def _is_null(value, field):
    if field is not None and field.type in _NUMERIC:
        return False
    return value is False or value is None


def _convert(field, other, leaf, operator):
    """The leaf value in the type of the record value (dates as objects, ids as ints)."""
    if field.type not in ("date", "datetime", "integer", "float", "monetary", "selection") \
            and field.name != "id":
        return other
    bound = "end" if operator in (">", "<=") else "start"
    if isinstance(other, (list, tuple, set)):
        return [v if v is False or v is None else _coerce(field, v, leaf) for v in other]
    if other is False or other is None:
        return other
    converted = _coerce(field, other, leaf, bound=bound)
    if field.type == "date" and isinstance(converted, datetime.datetime):
        converted = converted.date()
    return converted


def _like(value, operator, pattern):
    negative = operator.startswith("not")
    if operator.startswith("="):
        if pattern is False or pattern is None:
            return value is False or value is None
        wrapped = str(pattern)
    else:
        if pattern is False or pattern is None or pattern == "":
            return not negative
        wrapped = f"%{pattern}%"
    if value is False or value is None:
        return negative
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in wrapped)
    flags = re.DOTALL | (re.IGNORECASE if "ilike" in operator else 0)
    found = re.fullmatch(regex, str(value), flags) is not None
    return not found if negative else found
