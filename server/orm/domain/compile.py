"""Compiling a parsed domain to SQL for one model (orm.md DOM-3 to DOM-31).

Every leaf is checked against the model as it is compiled: each step of its path must be a field
(relational but for the last), the operator must fit the field, and the value is converted to the
field's type. Failures raise :class:`~bureau.orm.domain.parse.DomainError` naming the leaf, before
any SQL runs. Values are always bound parameters (DOM-32).

Paths through relational fields become sub-queries on the comodel, built by the comodel's own
``_search`` (so its record rules apply); along an x2many step a path means "there exists a related
record such that ..." (DOM-12).
"""
import datetime
import math

from ...db.sql import SQL
from ...exceptions import AccessError
from .parse import (DomainError, And, Constant, Leaf, Node, Not, Or, parse, NEGATIVE_TERM_OPERATORS,
                    TERM_OPERATORS_NEGATION)

LIKE_OPERATORS = ("like", "ilike", "not like", "not ilike", "=like", "=ilike")
COMPARISON_OPERATORS = ("<", ">", "<=", ">=")
MAX_PATH_DEPTH = 10


def compile_domain(model, domain, query, alias=None):
    """The SQL condition of ``domain`` (a list or a parsed tree) on ``model`` aliased ``alias``.

    :raises DomainError: the domain does not fit the model (unknown field, bad operator or value)
    :raises AccessError: a leaf uses a field the user may not read
    """
    node = domain if not isinstance(domain, (list, tuple)) else parse(domain)
    validate_domain(model, node)
    return _Compiler(model, query, alias or query.alias).node(node)


def check_domain(model, domain):
    """Check ``domain`` against ``model`` as compiling it would, without running any SQL: syntax,
    field paths (along relations and in ``any`` sub-domains), operators and values (security.md
    VAL-1). Searches call it before they read access rights, rules or data, so input refused
    here costs no statement. Access to fields is checked when the domain is compiled for real.

    :raises DomainError: the domain is malformed or does not fit the model
    """
    from ..query import Query
    node = domain if isinstance(domain, Node) else parse(domain)
    validate_domain(model, node)
    model = model.sudo()
    query = Query(model.env, model._table)
    _DryCompiler(model, query, query.alias).node(node)


def domain_checked(env):
    """Whether the domain being searched is part of one :func:`check_domain` accepted already."""
    return getattr(env.transaction, "domain_checked", 0) > 0


def validate_domain(model, node, depth=0):
    """Check the field path of every leaf (and of ``any`` sub-domains) against ``model``.

    Compiling may flush pending updates or run name searches, so wrong names are looked for in the
    whole domain first: they then raise before any SQL runs (orm.md TST-1).

    :raises DomainError: unknown field, or a non-relational field where a relational one is needed
    """
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, (And, Or)):
            stack.extend(node.children)
        elif isinstance(node, Not):
            stack.append(node.child)
        elif isinstance(node, Leaf):
            current = model
            for index, name in enumerate(node.path):
                field = current._fields.get(name)
                if field is None:
                    raise DomainError(f"Invalid field {current._name}.{name} in leaf {node.source!r}")
                if index < len(node.path) - 1 or node.operator in ("any", "not any"):
                    if not field.relational or not field.comodel_name:
                        raise DomainError(f"Invalid leaf {node.source!r}: {current._name}.{name} is not "
                                          f"relational")
                    current = current.env[field.comodel_name]
            if node.operator in ("any", "not any") and depth < MAX_PATH_DEPTH:
                validate_domain(current, parse(list(_subdomain(node.value, node))), depth + 1)


class _Compiler:
    def __init__(self, model, query, alias):
        self.model = model
        self.env = model.env
        self.query = query
        self.alias = alias

    def node(self, node):
        if isinstance(node, Constant):
            return SQL("TRUE") if node.value else SQL("FALSE")
        if isinstance(node, And):
            return SQL("(%s)", SQL.join(" AND ", [self.node(child) for child in node.children]))
        if isinstance(node, Or):
            return SQL("(%s)", SQL.join(" OR ", [self.node(child) for child in node.children]))
        if isinstance(node, Not):
            return SQL("(NOT COALESCE(%s, FALSE))", self.node(node.child))
        return self.leaf(node)

    # -- what reads the database (a dry run replaces these) ----------------------------------------
    def flush(self, model, fnames=None):
        model.flush_model(fnames)

    def subquery(self, comodel, domain):
        """The :class:`Query` of ``domain`` on ``comodel`` (its access rights and rules applied).

        ``domain`` is part of one checked already (:func:`check_domain`) or of a record rule, so
        ``_search`` does not check it again: nested paths would be checked once per level.
        """
        transaction = comodel.env.transaction
        transaction.domain_checked = getattr(transaction, "domain_checked", 0) + 1
        try:
            return comodel._search(domain)
        finally:
            transaction.domain_checked -= 1

    def name_subquery(self, comodel, value, operator, leaf):
        return name_subquery(comodel, value, operator, leaf)

    def hierarchy_ids(self, model, value, operator, leaf, parent_name=None):
        return hierarchy_ids(model, value, operator, leaf, parent_name=parent_name)

    def compile_more(self, model, domain):
        """The SQL of a domain a field's search method returned, on the same query."""
        return compile_domain(model, domain, self.query, self.alias)

    # -- leaves -----------------------------------------------------------------------------------
    def leaf(self, leaf, depth=0):
        if depth > MAX_PATH_DEPTH:
            raise DomainError(f"Invalid leaf {leaf.source!r}: path too deep")
        model, alias = self.model, self.alias
        name = leaf.path[0]
        field = model._fields.get(name)
        if field is None:
            raise DomainError(f"Invalid field {model._name}.{name} in leaf {leaf.source!r}")
        if field.groups and not self.env.su and not model._has_field_access(field):
            raise AccessError(self.env._(
                "You do not have enough rights to search on the field %s of %s.", name, model._description))
        if len(leaf.path) > 1:
            return self.path_leaf(field, leaf, depth)
        operator, value = leaf.operator, leaf.value
        if hasattr(value, "_ids") and hasattr(value, "_name"):
            # a recordset: its ids; a single record (or none) compares like an id (or False)
            value = value._ids
            if operator not in ("in", "not in", "child_of", "parent_of") and len(value) <= 1:
                value = value[0] if value else False
        if field.name == "id":
            return self.id_leaf(leaf, operator, value)
        if operator in ("any", "not any") and not field.relational:
            raise DomainError(f"Invalid leaf {leaf.source!r}: {operator!r} needs a relational field")
        if not field.column and not (field.store and field.type in ("one2many", "many2many")):
            return self.nonstored_leaf(field, leaf, depth)
        if field.type == "many2one":
            result = self.many2one_leaf(field, leaf, operator, value)
        elif field.type in ("one2many", "many2many"):
            result = self.x2many_leaf(field, leaf, operator, value)
        elif operator in ("child_of", "parent_of"):
            raise DomainError(f"Invalid leaf {leaf.source!r}: {operator!r} needs a relational field or id")
        else:
            column = SQL.identifier(alias, field.name)
            if field.translate:
                lang = self.env.lang or "en_US"
                column = SQL("COALESCE(%s->>%s, %s->>'en_US')", column, lang, column)
            result = condition(column, field, operator, value, leaf)
        # flushed once the leaf is known to be valid, so that a bad value raises before any SQL
        self.flush(model, [field.name])
        return result

    def path_leaf(self, field, leaf, depth):
        model = self.model
        rest = ".".join(leaf.path[1:])
        if not field.relational:
            raise DomainError(f"Invalid leaf {leaf.source!r}: {model._name}.{field.name} is not relational")
        if not field.store or (field.type == "many2one" and not field.column):
            if field.related:
                new = Leaf(tuple(field.related) + leaf.path[1:], leaf.operator, leaf.value, leaf.source)
                return self.leaf(new, depth + 1)
            raise DomainError(f"Invalid leaf {leaf.source!r}: {model._name}.{field.name} is not stored")
        self.flush(model, [field.name])
        comodel = self.env[field.comodel_name].with_context(active_test=False)
        sub_domain = [(rest, leaf.operator, leaf.value)]
        if field.type == "many2one":
            sub = self.subquery(comodel, sub_domain)
            return SQL("%s IN (%s)", SQL.identifier(self.alias, field.name), sub.subselect())
        sub = self.subquery(comodel, sub_domain + field.get_domain_list(comodel))
        return self.x2many_exists(field, sub.subselect())

    def id_leaf(self, leaf, operator, value):
        column = SQL.identifier(self.alias, "id")
        if operator in ("child_of", "parent_of"):
            ids = self.hierarchy_ids(self.model, value, operator, leaf)
            return SQL("%s IN %s", column, tuple(ids)) if ids else SQL("FALSE")
        if operator in LIKE_OPERATORS:
            raise DomainError(f"Invalid leaf {leaf.source!r}: {operator!r} cannot compare ids")
        if operator in ("any", "not any"):
            raise DomainError(f"Invalid leaf {leaf.source!r}: {operator!r} needs a relational field")
        return condition(column, self.model._fields["id"], operator, value, leaf)

    def nonstored_leaf(self, field, leaf, depth):
        model = self.model
        if field.related:
            new = Leaf(tuple(field.related), leaf.operator, leaf.value, leaf.source)
            return self.leaf(new, depth + 1)
        if field.search:
            method = field.search
            if isinstance(method, str):
                domain = getattr(model, method)(leaf.operator, leaf.value)
            else:
                domain = method(model, leaf.operator, leaf.value)
            return self.compile_more(model, list(domain))
        if field.type == "binary" and field.store:
            if leaf.operator in ("=", "!=") and not leaf.value:
                self.flush(model.env["ir.attachment"])
                exists = SQL("EXISTS (SELECT 1 FROM ir_attachment a WHERE a.res_model = %s "
                             "AND a.res_field = %s AND a.res_id = %s)", model._name, field.name,
                             SQL.identifier(self.alias, "id"))
                return SQL("(NOT %s)", exists) if leaf.operator == "=" else exists
            raise DomainError(f"Invalid leaf {leaf.source!r}: binary fields only support = False and != False")
        raise DomainError(f"Invalid leaf {leaf.source!r}: {model._name}.{field.name} is neither stored "
                          f"nor searchable")

    def many2one_leaf(self, field, leaf, operator, value):
        column = SQL.identifier(self.alias, field.name)
        comodel = self.env[field.comodel_name]
        if operator in ("child_of", "parent_of") and field.comodel_name == self.model._name:
            return self.same_model_hierarchy(field, leaf, operator, value)
        if operator in ("child_of", "parent_of"):
            ids = self.hierarchy_ids(comodel, value, operator, leaf)
            return SQL("%s IN %s", column, tuple(ids)) if ids else SQL("FALSE")
        if operator in ("any", "not any"):
            sub = self.subquery(comodel, _subdomain(value, leaf))
            if operator == "any":
                return SQL("%s IN (%s)", column, sub.subselect())
            return SQL("(%s NOT IN (%s) OR %s IS NULL)", column, sub.subselect(), column)
        if operator in ("like", "ilike", "not like", "not ilike") and value == "":
            # an empty pattern matches every row, NULL included (DOM-3), as False does
            return condition(column, field, operator, False, leaf)
        if _is_name_value(value) or (operator in LIKE_OPERATORS and value):
            positive = TERM_OPERATORS_NEGATION[operator] if operator in NEGATIVE_TERM_OPERATORS else operator
            sub = self.name_subquery(comodel, value, positive, leaf)
            if operator in NEGATIVE_TERM_OPERATORS:
                return SQL("(%s NOT IN (%s) OR %s IS NULL)", column, sub, column)
            return SQL("%s IN (%s)", column, sub)
        if operator in LIKE_OPERATORS:
            return condition(column, field, operator, value, leaf)
        return condition(column, field, operator, value, leaf)

    def x2many_leaf(self, field, leaf, operator, value):
        comodel = self.env[field.comodel_name]
        if operator == "=?":
            # like '=', but a False value ignores the term (DOM-3)
            if value is False or value is None:
                return SQL("TRUE")
            operator = "="
        if operator in ("any", "not any"):
            sub = self.subquery(comodel, _subdomain(value, leaf) + field.get_domain_list(comodel))
            exists = self.x2many_exists(field, sub.subselect())
            return exists if operator == "any" else SQL("(NOT %s)", exists)
        if operator in ("child_of", "parent_of") and field.comodel_name == self.model._name:
            return self.same_model_hierarchy(field, leaf, operator, value)
        if operator in ("child_of", "parent_of"):
            ids = self.hierarchy_ids(comodel, value, operator, leaf)
            if not ids:
                return SQL("FALSE")
            return self.x2many_targets(field, comodel, ids)
        negative = operator in NEGATIVE_TERM_OPERATORS
        positive = TERM_OPERATORS_NEGATION[operator] if negative else operator
        if _is_name_value(value) or positive in LIKE_OPERATORS:
            if not value and positive in ("like", "ilike"):
                return SQL("FALSE") if negative else SQL("TRUE")
            sub = self.name_subquery(comodel, value, positive, leaf)
            exists = self.x2many_exists(field, sub)
            return SQL("(NOT %s)", exists) if negative else exists
        if positive not in ("=", "in"):
            raise DomainError(f"Invalid leaf {leaf.source!r}: operator {operator!r} is not supported on "
                              f"{field.type} fields")
        # a list after '=' / '!=' means the same as after 'in' / 'not in' (Odoo accepts both)
        values = _as_list(value) if positive == "in" or isinstance(value, (list, tuple, set)) else [value]
        ids = []
        for item in values:
            if item is False or item is None:
                continue
            ids.append(_to_int(item, leaf))
        has_false = any(item is False or item is None for item in values)
        any_link = self.x2many_exists(field, self.subquery(comodel, field.get_domain_list(comodel)).subselect())
        parts = []
        if ids:
            parts.append(self.x2many_targets(field, comodel, ids))
        if has_false:
            parts.append(SQL("(NOT %s)", any_link))
        if not parts:
            result = SQL("FALSE")
        else:
            result = SQL("(%s)", SQL.join(" OR ", parts))
        if negative:
            return SQL("(NOT %s)", result)
        return result

    def same_model_hierarchy(self, field, leaf, operator, value):
        """``child_of``/``parent_of`` on a link to the model itself: the link is the parent link
        (DOM-20, as in Odoo), so ``('parent_id', 'child_of', x)`` is x and its descendants, and
        ``('implied_ids', 'child_of', g)`` is g and the records linking to it, transitively."""
        parent_name = None if field.name == self.model._parent_name else field.name
        ids = self.hierarchy_ids(self.model, value, operator, leaf, parent_name=parent_name)
        return SQL("%s IN %s", SQL.identifier(self.alias, "id"), tuple(ids)) if ids else SQL("FALSE")

    def x2many_targets(self, field, comodel, ids):
        """SQL: the record is linked to one of the comodel records ``ids`` that the user may read
        (a link to a record they may not read matches nothing, as reading the field hides it)."""
        if self.env.su:
            return self.x2many_exists(field, SQL("%s", tuple(ids)), is_list=True)
        readable = comodel.with_context(active_test=False)._search([("id", "in", list(ids))])
        return self.x2many_exists(field, readable.subselect())

    def x2many_exists(self, field, targets, is_list=False):
        """SQL: the record has at least one linked comodel record among ``targets``.

        :param targets: an SQL sub-select of comodel ids, or (``is_list``) a tuple parameter
        """
        id_column = SQL.identifier(self.alias, "id")
        comodel = self.env[field.comodel_name]
        if field.type == "one2many":
            self.flush(comodel, [field.inverse_name])
            inverse = SQL.identifier(field.inverse_name)
            in_targets = SQL("id IN %s", targets) if is_list else SQL("id IN (%s)", targets)
            return SQL("%s IN (SELECT %s FROM %s WHERE %s IS NOT NULL AND %s)", id_column, inverse,
                       SQL.identifier(comodel._table), inverse, in_targets)
        in_targets = SQL("%s IN %s", SQL.identifier(field.column2), targets) if is_list else \
            SQL("%s IN (%s)", SQL.identifier(field.column2), targets)
        return SQL("%s IN (SELECT %s FROM %s WHERE %s)", id_column, SQL.identifier(field.column1),
                   SQL.identifier(field.relation), in_targets)


class _DryQuery:
    """What a sub-query stands for in a dry run."""

    def subselect(self):
        return SQL("SELECT NULL")

    def get_result_ids(self):
        return ()


class _DryCompiler(_Compiler):
    """Compiles as superuser and runs nothing: sub-queries, name searches and hierarchies are
    checked the same way instead of being run, nothing is flushed (:func:`check_domain`)."""

    def flush(self, model, fnames=None):
        pass

    def subquery(self, comodel, domain):
        comodel = comodel.sudo()
        node = parse(domain)
        validate_domain(comodel, node)
        from ..query import Query
        query = Query(comodel.env, comodel._table)
        _DryCompiler(comodel, query, query.alias).node(node)
        return _DryQuery()

    def name_subquery(self, comodel, value, operator, leaf):
        for name in _as_list(value):
            _text(name, leaf)
        return self.subquery(comodel, _name_domain(comodel, value, operator)).subselect()

    def hierarchy_ids(self, model, value, operator, leaf, parent_name=None):
        _check_hierarchy(model, value, leaf, parent_name or model._parent_name)
        if _is_name_value(value):
            for name in _as_list(value):
                self.subquery(model, model._name_search_domain(_text(name, leaf), "ilike"))
        else:
            for item in _as_list(value):
                if item is not False and item is not None:
                    _to_int(item, leaf)
        return []

    def compile_more(self, model, domain):
        node = parse(domain)
        validate_domain(model, node)
        return _DryCompiler(model, self.query, self.alias).node(node)


# -- leaf helpers ----------------------------------------------------------------------------------
def _subdomain(value, leaf):
    if not isinstance(value, (list, tuple)):
        raise DomainError(f"Invalid leaf {leaf.source!r}: 'any' needs a domain as value")
    return list(value)


def _is_name_value(value):
    if isinstance(value, str):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, str) for v in value)


def _as_list(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _to_int(value, leaf):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        try:
            return int(value)
        except ValueError:  # past Python's 4,300-digit limit (VAL-5), or digits int() refuses ('²')
            raise DomainError(f"Invalid value in leaf {leaf.source!r}: not a usable integer") from None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r}: expected an id")


def name_subquery(comodel, value, operator, leaf):
    """SQL sub-select of the comodel ids whose name matches ``value`` (DOM-10, ``active_test`` off)."""
    comodel = comodel.with_context(active_test=False)
    return comodel._search(_name_domain(comodel, value, operator)).subselect()


def _name_domain(comodel, value, operator):
    """The domain on ``comodel`` of the records whose name matches ``value`` (one name or a list)."""
    names = _as_list(value)
    if operator in ("in", "=?") or (operator == "=" and len(names) > 1):
        operator = "="
    if operator not in ("=", "like", "ilike", "=like", "=ilike", "<", ">", "<=", ">="):
        operator = "ilike"
    from .parse import OR as _OR
    return _OR([comodel._name_search_domain(str(name), operator) for name in names])


def _check_hierarchy(model, value, leaf, parent_name):
    """:raises DomainError: ``value`` names records but ``model`` has no ``parent_name`` field (whatever
    the names would find: the answer must not depend on data)"""
    if any(v is not False and v is not None for v in _as_list(value)) and parent_name not in model._fields:
        raise DomainError(f"Invalid leaf {leaf.source!r}: {model._name} has no parent field {parent_name!r}")


def hierarchy_ids(model, value, operator, leaf, parent_name=None):
    """Ids of the records below (``child_of``) or above (``parent_of``) the given ones, inclusive.

    :param parent_name: the field linking a record to its parents [the model's ``_parent_name``,
        through ``parent_path`` when the model has a parent store]
    """
    use_parent_store = model._parent_store and parent_name is None
    parent_name = parent_name or model._parent_name
    _check_hierarchy(model, value, leaf, parent_name)
    if _is_name_value(value):
        ids = []
        for name in _as_list(value):
            ids += [rid for rid, _ in model.name_search(name, operator="ilike", limit=None)]
    else:
        ids = [_to_int(v, leaf) for v in _as_list(value) if v is not False and v is not None]
    if not ids:
        return []
    # ids of records that do not exist match nothing (instead of raising MissingError below)
    records = model.browse(ids).exists()
    if use_parent_store:
        model.flush_model(["parent_path"])
        if operator == "child_of":
            paths = [p for p in records.sudo().mapped("parent_path") if p]
            if not paths:
                return []
            from .parse import OR as _OR
            domain = _OR([[("parent_path", "=like", path + "%")] for path in paths])
            return list(model._search(domain).get_result_ids())
        result = []
        for path in records.sudo().mapped("parent_path"):
            result += [int(part) for part in (path or "").split("/") if part]
        return _readable_ids(model, list(dict.fromkeys(result)))
    seen = set()
    frontier = set(ids)
    result = []
    if operator == "child_of":
        while frontier:
            new = [i for i in frontier if i not in seen]
            seen.update(new)
            result += new
            children = model._search([(parent_name, "in", new)]).get_result_ids() if new else ()
            frontier = set(children) - seen
    else:
        while frontier:
            new = [i for i in frontier if i not in seen]
            seen.update(new)
            result += new
            parents = model.browse(new).sudo().exists().mapped(parent_name)._ids if new else ()
            frontier = set(parents) - seen
        return _readable_ids(model, result)
    return result


def _readable_ids(model, ids):
    """The ``ids`` of records of ``model`` the user may read: ancestors are found as superuser
    (``parent_of``), but only those the user may read may match."""
    if model.env.su or not ids:
        return ids
    return list(model.with_context(active_test=False)._search([("id", "in", ids)]).get_result_ids())


def _coerce(field, value, leaf, bound=None):
    """Convert a leaf value to the type of ``field`` (or raise DomainError)."""
    ftype = field.type
    if value is None or value is False and ftype != "boolean":
        return None
    try:
        if ftype in ("integer", "many2one", "many2one_reference", "id") or field.name == "id":
            return _to_int(value, leaf)
        if ftype in ("float", "monetary"):
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ValueError
            number = float(value)
            if not math.isfinite(number):  # NaN and infinities are refused (security.md VAL-5)
                raise ValueError
            return number
        if ftype == "boolean":
            return bool(value)
        if ftype == "date":
            from ..fields.temporal import Date
            return Date.to_date(value)
        if ftype == "datetime":
            from ..fields.temporal import Datetime
            if isinstance(value, str) and len(value.strip()) == 10 or (
                    isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
                day = Datetime.to_datetime(value)
                if bound == "end":
                    return day.replace(hour=23, minute=59, second=59)
                return day
            return Datetime.to_datetime(value)
        if ftype == "selection" and field.column_type and field.column_type[0] == "int4":
            return _to_int(value, leaf)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return _text(value, leaf)
        if isinstance(value, bool):
            return str(value)
    except (ValueError, TypeError):
        pass
    raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r} for a {ftype} field")


def condition(column, field, operator, value, leaf):
    """The SQL for ``column operator value`` following the table of orm.md DOM-3."""
    if field.type == "boolean":
        return _boolean_condition(column, operator, value, leaf)
    # '' or 0 in a json field are json values (compared as jsonb), only False/None mean "not set"
    unset = (value is False or value is None) if field.type == "json" else not value
    if field.type in ("binary", "json") and not (operator in ("=", "!=") and unset):
        if field.type == "json" and operator in ("=", "!="):
            import json
            try:
                dumped = json.dumps(value, allow_nan=False)
            except (TypeError, ValueError):
                dumped = None
            if dumped is None or "\\u0000" in dumped.replace("\\\\", ""):   # jsonb refuses NUL characters
                raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r} for a json field")
            expression = SQL("%s = %s::jsonb", column, dumped)
            return expression if operator == "=" else SQL("(NOT (%s) OR %s IS NULL)", expression, column)
        raise DomainError(f"Invalid leaf {leaf.source!r}: {field.type} fields only support = False / != False")
    if operator == "=?":
        if value is False or value is None:
            return SQL("TRUE")
        operator = "="
    if operator in ("=", "!="):
        if isinstance(value, (list, tuple, set)):
            raise DomainError(f"Invalid leaf {leaf.source!r}: use 'in' to compare with a list")
        converted = _coerce(field, value, leaf)
        if converted is None:
            return SQL("%s IS NULL", column) if operator == "=" else SQL("%s IS NOT NULL", column)
        if operator == "=":
            return SQL("%s = %s", column, converted)
        return SQL("(%s != %s OR %s IS NULL)", column, converted, column)
    if operator in COMPARISON_OPERATORS:
        if isinstance(value, (list, tuple, set)):
            raise DomainError(f"Invalid leaf {leaf.source!r}: cannot compare with a list")
        bound = "end" if operator in (">", "<=") else "start"
        converted = _coerce(field, value, leaf, bound=bound)
        if converted is None:
            return SQL("FALSE")
        return SQL(f"%s {operator} %s", column, converted)
    if operator in ("in", "not in"):
        if isinstance(value, dict):
            raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r}")
        items = _as_list(value)
        has_null = any(item is False or item is None for item in items)
        converted = tuple(dict.fromkeys(_coerce(field, item, leaf) for item in items
                                        if item is not False and item is not None))
        if operator == "in":
            parts = []
            if converted:
                parts.append(SQL("%s IN %s", column, converted))
            if has_null:
                parts.append(SQL("%s IS NULL", column))
            return SQL("(%s)", SQL.join(" OR ", parts)) if parts else SQL("FALSE")
        if not converted:
            return SQL("%s IS NOT NULL", column) if has_null else SQL("TRUE")
        if has_null:
            return SQL("(%s NOT IN %s AND %s IS NOT NULL)", column, converted, column)
        return SQL("(%s NOT IN %s OR %s IS NULL)", column, converted, column)
    if operator in LIKE_OPERATORS:
        if isinstance(value, (list, tuple, set, dict)):
            raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r}: expected a string")
        text_column = column if field.translate else SQL("%s::text", column)
        like = "ILIKE" if "ilike" in operator else "LIKE"
        if operator.startswith("="):
            if value is False or value is None:
                return SQL("%s IS NULL", column)
            pattern = _text(value, leaf)
            if (len(pattern) - len(pattern.rstrip("\\"))) % 2:
                # PostgreSQL refuses a pattern ending with its escape character
                raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r}: a pattern may not end "
                                  f"with a single backslash")
            return SQL(f"{text_column.code} {like} %s", *text_column.params, pattern)
        if value is False or value is None or value == "":
            return SQL("FALSE") if operator.startswith("not") else SQL("TRUE")
        pattern = f"%{_text(value, leaf)}%"
        if operator.startswith("not"):
            return SQL(f"({text_column.code} NOT {like} %s OR %s IS NULL)", *text_column.params, pattern, column)
        return SQL(f"{text_column.code} {like} %s", *text_column.params, pattern)
    raise DomainError(f"Invalid leaf {leaf.source!r}: operator {operator!r} is not supported on "
                      f"{field.type} fields")


def _text(value, leaf):
    """``value`` as a string parameter; PostgreSQL text cannot hold NUL characters."""
    text = str(value)
    if "\x00" in text:
        raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r}: NUL characters are not allowed")
    return text


_BOOLEAN_WORDS = {"true": True, "t": True, "yes": True, "y": True, "on": True, "1": True,
                  "false": False, "f": False, "no": False, "n": False, "off": False, "0": False, "": False}


def _truth(value, leaf):
    """A leaf value as a boolean: strings are read as PostgreSQL reads boolean literals, so that
    ``'False'`` means false rather than being a non-empty (true) string."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _BOOLEAN_WORDS:
            return _BOOLEAN_WORDS[word]
    elif value is None or isinstance(value, (bool, int, float)):
        return bool(value)
    raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r} for a boolean field")


def _boolean_condition(column, operator, value, leaf):
    if operator == "=?":
        if value is False or value is None:
            return SQL("TRUE")
        operator = "="
    if operator in ("=", "!="):
        if isinstance(value, (list, tuple, dict, set)):
            raise DomainError(f"Invalid leaf {leaf.source!r}: use 'in' to compare with a list")
        truth = _truth(value, leaf)
        if operator == "!=":
            truth = not truth
        return SQL("%s = TRUE", column) if truth else SQL("(%s IS NULL OR %s = FALSE)", column, column)
    if operator in ("in", "not in"):
        if isinstance(value, dict):
            raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r}")
        truths = {_truth(item, leaf) for item in _as_list(value)}
        if operator == "not in":
            truths = {True, False} - truths
        if truths == {True, False}:
            return SQL("TRUE")
        if truths == {True}:
            return SQL("%s = TRUE", column)
        if truths == {False}:
            return SQL("(%s IS NULL OR %s = FALSE)", column, column)
        return SQL("FALSE")
    if operator in COMPARISON_OPERATORS:
        if not isinstance(value, (bool, int)):
            raise DomainError(f"Invalid value {value!r} in leaf {leaf.source!r} for a boolean field")
        return SQL(f"COALESCE(%s, FALSE) {operator} %s", column, bool(value))
    raise DomainError(f"Invalid leaf {leaf.source!r}: operator {operator!r} is not supported on boolean fields")
