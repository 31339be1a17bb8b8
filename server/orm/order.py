"""The ``order`` grammar: ``field [asc|desc] [nulls first|nulls last]``, comma separated.

Order strings come from clients, so they are parsed with a strict pattern and every field is checked
against the model (orm.md DOM-40): a Many2one sorts by the comodel's own order through a LEFT JOIN,
a translated field by its value in the context language, and anything else (x2many, non-stored
fields, expressions) is refused with :class:`~bureau.orm.domain.parse.DomainError`. ``id`` is
appended as a final tie-breaker so that paging with offset/limit is deterministic.
"""
import re

from ..db.sql import SQL
from .domain.parse import DomainError

ORDER_TERM_RE = re.compile(
    r"^\s*(?P<field>[a-z_][a-z0-9_]*)(?::(?P<agg>[a-z_]+))?"
    r"(?:\s+(?P<direction>asc|desc))?(?:\s+nulls\s+(?P<nulls>first|last))?\s*$", re.I)
MAX_ORDER_LENGTH = 1000
MAX_ORDER_DEPTH = 5


def parse_order(order):
    """Split an order string into ``(field, direction, nulls)`` terms.

    :raises DomainError: the string does not follow the grammar
    """
    if not isinstance(order, str):
        raise DomainError(f"Invalid order {order!r}: expected a string")
    if len(order) > MAX_ORDER_LENGTH:
        raise DomainError("Invalid order: too long")
    terms = []
    for raw in order.split(","):
        if not raw.strip():
            raise DomainError(f"Invalid order {order!r}: empty term")
        match = ORDER_TERM_RE.match(raw)
        if not match or match.group("agg"):
            raise DomainError(f"Invalid order {order!r}: cannot understand {raw.strip()!r}")
        terms.append((match.group("field"), (match.group("direction") or "asc").upper(),
                      (match.group("nulls") or "").upper()))
    return terms


def check_order(model, order):
    """Check ``order`` against ``model`` without running SQL: the grammar, and every field known
    and sortable (the checks of :func:`order_to_sql` but access to fields, which it makes itself).

    :raises DomainError: the string does not follow the grammar, or names an unknown, non-stored
        or x2many field
    """
    for fname, _direction, _nulls in parse_order(order):
        _check_term(model, fname)


def _check_term(model, fname):
    field = model._fields.get(fname)
    if field is None:
        raise DomainError(f"Invalid order: {model._name} has no field {fname!r}")
    if fname == "id" or field.column:
        return
    if field.inherited:
        _check_term(model.env[model._fields[field.inherited_link].comodel_name], fname)
        return
    raise DomainError(f"Invalid order: {model._name}.{fname} is not a stored field and cannot be sorted")


def order_to_sql(model, order, query, alias=None):
    """The ORDER BY expression of ``order`` for ``model`` (joins are added to ``query``).

    :raises DomainError: unknown, non-stored or x2many field
    """
    terms = order_terms(model, order, query, alias)
    names = {fname for fname, _, _ in parse_order(order)}
    parts = [SQL(f"%s {direction}" + (f" NULLS {nulls}" if nulls else ""), expr)
             for expr, direction, nulls in terms]
    if "id" not in names:
        parts.append(SQL.identifier(alias or query.alias, "id"))
    return SQL.join(", ", parts)


def order_terms(model, order, query, alias=None, seen=None, depth=0):
    """``[(expression, 'ASC'|'DESC', nulls)]`` for ``order`` (Many2one terms expanded)."""
    alias = alias or query.alias
    seen = set(seen or ())
    result = []
    for fname, direction, nulls in parse_order(order):
        result.extend(_term(model, fname, direction, nulls, query, alias, seen, depth))
    return result


def join_readable(model, field, query, alias):
    """LEFT JOIN the comodel of the many2one ``field`` for sorting by it; returns the alias.

    Only the comodel rows the user may read are joined (security.md ACL-3): the others sort as an
    empty value, so that sorting by a link reveals nothing of the records it links to.
    """
    from .access import readable_condition
    comodel = model.env[field.comodel_name]
    extra = readable_condition(comodel, query, query.make_alias(alias, field.name))
    return query.left_join(alias, field.name, comodel._table, "id", field.name, extra=extra)


def _term(model, fname, direction, nulls, query, alias, seen, depth):
    field = model._fields.get(fname)
    if field is None:
        raise DomainError(f"Invalid order: {model._name} has no field {fname!r}")
    if fname == "id":
        return [(SQL.identifier(alias, "id"), direction, nulls)]
    if field.groups and not model.env.su:
        from .access import check_field_groups
        check_field_groups(model, [fname], "read")
    if not field.column:
        if field.inherited:
            # an _inherits field: order through the link
            link = model._fields[field.inherited_link]
            parent = model.env[link.comodel_name]
            parent_alias = query.left_join(alias, link.name, parent._table, "id", link.name)
            return _term(parent, fname, direction, nulls, query, parent_alias, seen, depth)
        raise DomainError(f"Invalid order: {model._name}.{fname} is not a stored field and cannot be sorted")
    if field.type == "many2one":
        key = (field.model_name, fname)
        if key in seen or depth >= MAX_ORDER_DEPTH:
            return [(SQL.identifier(alias, fname), direction, nulls)]
        seen.add(key)
        comodel = model.env[field.comodel_name]
        co_alias = join_readable(model, field, query, alias)
        result = []
        for co_name, co_dir, co_nulls in parse_order(comodel._order or "id"):
            if direction == "DESC":
                co_dir = "ASC" if co_dir == "DESC" else "DESC"
            result.extend(_term(comodel, co_name, co_dir, nulls or co_nulls, query, co_alias, seen, depth + 1))
        return result
    column = SQL.identifier(alias, fname)
    if field.translate:
        lang = model.env.lang or "en_US"
        column = SQL("COALESCE(%s->>%s, %s->>'en_US')", column, lang, column)
    return [(column, direction, nulls)]
