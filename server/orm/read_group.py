"""Grouped reads: ``read_group`` (orm.md API-11).

``read_group(domain, ['amount:sum'], ['date:month'])`` returns one dict per group with the group
value, the aggregates, the record count and a ``__domain`` selecting exactly the group's records.
Dates group by ``day``, ``week`` (ISO, Monday), ``month`` (default), ``quarter`` or ``year``;
datetimes are truncated in the time zone of ``context['tz']``.
"""
import datetime
import re
import zoneinfo

from ..db.sql import SQL
from . import access
from . import decorators as api
from .domain.compile import check_domain
from .domain.parse import AND, DomainError

#: SQL aggregate per name (closed set: nothing else reaches the SQL)
AGGREGATES = {
    "sum": "SUM(%s)",
    "avg": "AVG(%s)",
    "min": "MIN(%s)",
    "max": "MAX(%s)",
    "count": "COUNT(%s)",
    "count_distinct": "COUNT(DISTINCT %s)",
    "bool_and": "BOOL_AND(%s)",
    "bool_or": "BOOL_OR(%s)",
    "array_agg": "ARRAY_AGG(%s)",
}

#: granularity -> (PostgreSQL date_trunc unit, Babel label pattern, step)
GRANULARITIES = {
    "hour": ("hour", "HH:00 dd MMM", {"hours": 1}),
    "day": ("day", "dd MMM yyyy", {"days": 1}),
    "week": ("week", "'W'w YYYY", {"weeks": 1}),
    "month": ("month", "MMMM yyyy", {"months": 1}),
    "quarter": ("quarter", "QQQ yyyy", {"months": 3}),
    "year": ("year", "yyyy", {"years": 1}),
}
#: PostgreSQL column types each aggregate accepts (None: any column)
_NUMBER_COLUMNS = frozenset({"int4", "int8", "numeric", "float8"})
_ORDERED_COLUMNS = _NUMBER_COLUMNS | {"varchar", "text", "date", "timestamp"}
AGGREGATE_COLUMN_TYPES = {
    "sum": _NUMBER_COLUMNS, "avg": _NUMBER_COLUMNS, "min": _ORDERED_COLUMNS, "max": _ORDERED_COLUMNS,
    "count": None, "count_distinct": None, "bool_and": frozenset({"bool"}), "bool_or": frozenset({"bool"}),
    "array_agg": None,
}
DATE_TYPES = ("date", "datetime")
GROUPBY_RE = re.compile(r"^([a-z_][a-z0-9_]*)(?::([a-z_]+))?$")
FIELD_SPEC_RE = re.compile(r"^(?:([a-z_][a-z0-9_]*):([a-z_]+)\(([a-z_][a-z0-9_]*)\)|([a-z_][a-z0-9_]*)(?::([a-z_]+))?)$")
ORDERBY_TERM_RE = re.compile(r"^\s*([a-z_][a-z0-9_]*(?::[a-z_]+)?)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$",
                             re.I)


class ReadGroupMixin:
    """``read_group`` (mixed into BaseModel)."""

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Records matching ``domain`` grouped by ``groupby``, with aggregates of ``fields``.

        :param fields: ``'f'`` (the field's aggregator), ``'f:agg'``, ``'alias:agg(f)'`` or ``'__count'``
        :param groupby: field names, dates as ``'date:granularity'``; a string for one
        :param orderby: order of the groups (groupby fields, aggregates, ``__count``)
        :param lazy: group by the first groupby only (the client expands the rest)
        :raises AccessError: the user may not read the model or a field
        :raises ValidationError: unknown field, aggregate, granularity or bad order
        """
        _check_paging(offset, "offset")
        _check_paging(limit, "limit")
        groupby = _spec_list(groupby, "groupby")
        # the whole request is checked before anything reads the database (security.md VAL-3):
        # lazy: group by the first field; the others go to each group's __context
        specs = [self._read_group_spec(g) for g in (groupby[:1] if lazy else groupby)]
        named = [s["name"] for s in specs]
        aggregates = self._read_group_aggregates(_spec_list(fields, "fields"), specs, lazy, named=named)
        self._read_group_check_orderby(orderby, specs, aggregates)
        check_domain(self, domain)
        self.check_access_rights("read")
        # every field named, aggregated or not (a field without aggregate is ignored, not allowed)
        access.check_field_groups(self, list(dict.fromkeys(named)), "read")
        # pending updates and recomputations of what the query reads (orm.md CCH-5)
        self.flush_model([s["name"] for s in specs] + [fname for _, _, fname in aggregates])
        for spec in specs:
            if spec["field"].type == "many2one":
                self.env[spec["field"].comodel_name].flush_model()
        query = self._where_calc(domain)
        self._apply_ir_rules(query, "read")
        if query.is_empty():
            return []
        select = []
        group_exprs = []
        for index, spec in enumerate(specs):
            expr = self._read_group_expr(spec, query)
            spec["expr"] = expr
            # 'date:month' is no SQL name: the column gets a plain alias of its own
            spec["column"] = f"__group_{index}"
            select.append(SQL("%s AS %s", expr, SQL.identifier(spec["column"])))
            group_exprs.append(expr)
        select.append(SQL('COUNT(*) AS "__count"'))
        for alias, func, fname in aggregates:
            column = SQL.identifier(query.alias, fname) if fname != "id" else SQL.identifier(query.alias, "id")
            select.append(SQL(f"{AGGREGATES[func]} AS %s", column, SQL.identifier(alias)))
        order, extra_group = self._read_group_order(orderby, specs, aggregates, query)
        if group_exprs:
            query.groupby = SQL.join(", ", group_exprs + extra_group)
        query.order = order if group_exprs else None
        query.limit = limit or None
        query.offset = offset or None
        self.env.cr.execute(query.select(*select))
        rows = self.env.cr.dictfetchall()
        return self._read_group_format(rows, specs, aggregates, domain, groupby, lazy)

    # -- parsing ---------------------------------------------------------------------------------
    def _read_group_spec(self, spec):
        if not isinstance(spec, str):
            raise DomainError(f"Invalid groupby {spec!r}")
        match = GROUPBY_RE.match(spec.strip())
        if not match:
            raise DomainError(f"Invalid groupby {spec!r}")
        name, granularity = match.group(1), match.group(2)
        field = self._fields.get(name)
        if field is None:
            raise DomainError(f"Invalid groupby: {self._name} has no field {name!r}")
        if not (field.column or (field.store and field.related)) or field.type in ("text", "html", "binary", "json"):
            if not (field.type == "many2many" and field.store):
                raise DomainError(f"Invalid groupby: {self._name}.{name} cannot be grouped on")
        if field.type == "many2many":
            raise DomainError(f"Invalid groupby: grouping on the many2many {self._name}.{name} is not supported")
        if granularity and field.type not in DATE_TYPES:
            raise DomainError(f"Invalid groupby {spec!r}: granularity on a non-date field")
        if field.type in DATE_TYPES:
            granularity = granularity or "month"
            if granularity not in GRANULARITIES or (granularity == "hour" and field.type == "date"):
                raise DomainError(f"Invalid groupby {spec!r}: unknown granularity {granularity!r}")
        alias = f"{name}:{granularity}" if granularity else name
        return {"name": name, "field": field, "granularity": granularity, "alias": alias, "spec": spec}

    def _read_group_aggregates(self, fields, specs, lazy=True, named=None):
        """``[(alias, function, field name)]`` of the ``fields`` specs; every alias names one value
        of the group dicts and one SQL column, so it may not repeat nor take a key of the groups.

        :param named: a list that receives the name of every field the specs name
        """
        groupby_names = {s["name"] for s in specs}
        taken = {s["spec"] if s["granularity"] else s["name"] for s in specs}
        if lazy and specs:
            taken.add(f"{specs[0]['name']}_count")
        result = []
        for spec in fields:
            if not isinstance(spec, str):
                raise DomainError(f"Invalid field specification {spec!r}")
            spec = spec.strip()
            if spec == "__count":
                continue
            match = FIELD_SPEC_RE.match(spec)
            if not match:
                raise DomainError(f"Invalid field specification {spec!r}")
            if match.group(1):
                alias, func, fname = match.group(1), match.group(2), match.group(3)
            else:
                fname, func = match.group(4), match.group(5)
                alias = fname
            field = self._fields.get(fname)
            if field is None:
                raise DomainError(f"Invalid field {fname!r} on model {self._name!r}")
            if named is not None:
                named.append(fname)
            if func is None:
                if fname in groupby_names:
                    continue
                func = field.aggregator
                if not func:
                    continue
            if func not in AGGREGATES:
                raise DomainError(f"Invalid aggregate function {func!r}")
            if not (field.column or fname == "id"):
                raise DomainError(f"Invalid aggregate: {self._name}.{fname} is not stored")
            column_types = AGGREGATE_COLUMN_TYPES[func]
            if column_types is not None and (field.column_type or ("",))[0] not in column_types:
                raise DomainError(f"Invalid aggregate {spec!r}: {func} does not apply to the {field.type} "
                                  f"field {self._name}.{fname}")
            if alias in ("__count",) or alias in groupby_names and alias == fname and match.group(1) is None:
                continue
            if alias.startswith("__") or alias in taken:
                raise DomainError(f"Invalid field specification {spec!r}: {alias!r} is already used in the "
                                  f"groups" if not alias.startswith("__") else
                                  f"Invalid field specification {spec!r}: aliases may not start with '__'")
            taken.add(alias)
            result.append((alias, func, fname))
        return result

    def _read_group_check_orderby(self, orderby, specs, aggregates):
        """:raises DomainError: ``orderby`` is not a list of groups, aggregates or ``__count``, each
        with an optional direction and nulls placement (the grammar :meth:`_read_group_order` uses)"""
        if not orderby:
            return
        if not isinstance(orderby, str):
            raise DomainError(f"Invalid orderby {orderby!r}")
        keys = {s["alias"] for s in specs} | {s["name"] for s in specs} | {alias for alias, _, _ in aggregates}
        for raw in orderby.split(","):
            match = ORDERBY_TERM_RE.match(raw)
            if not match:
                raise DomainError(f"Invalid orderby {orderby!r}: cannot understand {raw.strip()!r}")
            if match.group(1) != "__count" and match.group(1) not in keys:
                raise DomainError(f"Invalid orderby {orderby!r}: {match.group(1)!r} is neither grouped nor "
                                  f"aggregated")

    def _read_group_expr(self, spec, query):
        field = spec["field"]
        column = SQL.identifier(query.alias, field.name)
        if not field.column and field.related:
            raise DomainError(f"Invalid groupby: {field} is not stored")
        if field.type == "date":
            unit = GRANULARITIES[spec["granularity"]][0]
            return SQL(f"date_trunc('{unit}', %s)::date", column)
        if field.type == "datetime":
            unit = GRANULARITIES[spec["granularity"]][0]
            tz = self._read_group_tz()
            if tz != "UTC":
                return SQL(f"date_trunc('{unit}', timezone(%s, timezone('UTC', %s)))", tz, column)
            return SQL(f"date_trunc('{unit}', %s)", column)
        if field.translate:
            lang = self.env.lang or "en_US"
            return SQL("COALESCE(%s->>%s, %s->>'en_US')", column, lang, column)
        if field.type == "boolean":
            # NULL reads as False (and the group's domain ('f', '=', False) selects both)
            return SQL("COALESCE(%s, FALSE)", column)
        return column

    def _read_group_tz(self):
        tz = self.env.context.get("tz")
        if not tz or not isinstance(tz, str):
            return "UTC"
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return "UTC"
        return tz

    def _read_group_order(self, orderby, specs, aggregates, query):
        by_alias = {s["alias"]: s for s in specs}
        by_name = {s["name"]: s for s in specs}
        agg_aliases = {alias for alias, _, _ in aggregates}
        terms = []
        extra_group = []
        if orderby:
            if not isinstance(orderby, str):
                raise DomainError(f"Invalid orderby {orderby!r}")
            for raw in orderby.split(","):
                match = ORDERBY_TERM_RE.match(raw)
                if not match:
                    raise DomainError(f"Invalid orderby {orderby!r}: cannot understand {raw.strip()!r}")
                key, direction, nulls = match.group(1), (match.group(2) or "asc").upper(), match.group(3)
                suffix = f" {direction}" + (f" NULLS {nulls.upper()}" if nulls else "")
                spec = by_alias.get(key) or by_name.get(key)
                if spec is not None:
                    sub, extra = self._read_group_order_spec(spec, direction, query)
                    terms += sub
                    extra_group += extra
                elif key == "__count" or key in agg_aliases:
                    terms.append(SQL(f"%s{suffix}", SQL.identifier(key)))
                else:
                    raise DomainError(f"Invalid orderby {orderby!r}: {key!r} is neither grouped nor aggregated")
        used = {s["alias"] for s in specs if orderby and (s["alias"] in orderby or s["name"] in orderby)}
        for spec in specs:
            if spec["alias"] not in used:
                sub, extra = self._read_group_order_spec(spec, "ASC", query)
                terms += sub
                extra_group += extra
        return SQL.join(", ", terms), extra_group

    def _read_group_order_spec(self, spec, direction, query):
        """ORDER BY terms for a group; Many2one groups sort by the comodel's order."""
        field = spec["field"]
        if field.type == "many2one":
            from .order import join_readable, order_terms
            comodel = self.env[field.comodel_name]
            # comodel records the user may not read sort as empty (like their labels)
            alias = join_readable(self, field, query, query.alias)
            terms = []
            extra_group = []
            for expr, term_dir, nulls in order_terms(comodel, comodel._order or "id", query, alias, depth=1):
                if direction == "DESC":
                    term_dir = "ASC" if term_dir == "DESC" else "DESC"
                # every row of a group has the same comodel record, so grouping by its sort values
                # too changes no group (MIN() had no boolean version: "active desc" failed)
                terms.append(SQL(f"%s {term_dir}" + (f" NULLS {nulls}" if nulls else ""), expr))
                extra_group.append(expr)
            terms.append(SQL(f"%s {direction}", spec["expr"]))
            return terms, extra_group
        return [SQL(f"%s {direction}", spec["expr"])], []

    # -- results ---------------------------------------------------------------------------------
    def _read_group_format(self, rows, specs, aggregates, domain, groupby, lazy):
        env = self.env
        names = {}
        for spec in specs:
            if spec["field"].type == "many2one":
                ids = tuple({row[spec["column"]] for row in rows if row[spec["column"]]})
                visible = access.readable(env[spec["field"].comodel_name].browse(ids))
                restricted = env._(access.RESTRICTED_NAME)
                names[spec["alias"]] = dict.fromkeys(ids, restricted)
                if visible:
                    names[spec["alias"]].update(visible.sudo().with_context(prefetch_fields=True).name_get())
        result = []
        count_key = f"{specs[0]['name']}_count" if (lazy and specs) else "__count"
        for row in rows:
            group = {}
            group_domain = []
            ranges = {}
            for spec in specs:
                value = row[spec["column"]]
                field = spec["field"]
                key = spec["spec"] if spec["granularity"] else spec["name"]
                if field.type in DATE_TYPES and value is not None:
                    start, stop = self._read_group_range(field, spec["granularity"], value)
                    group[key] = self._read_group_label(spec["granularity"], value)
                    ranges[key] = {"from": _fmt(field, start[0]), "to": _fmt(field, stop[0])}
                    group_domain += ["&", (spec["name"], ">=", _fmt(field, start[1])),
                                     (spec["name"], "<", _fmt(field, stop[1]))]
                elif field.type == "many2one":
                    group[key] = (value, names[spec["alias"]].get(value, False)) if value else False
                    group_domain.append((spec["name"], "=", value or False))
                else:
                    if value is None:
                        group[key] = False
                    elif field.type == "float" or field.type == "monetary":
                        group[key] = float(value)
                    else:
                        group[key] = value
                    group_domain.append((spec["name"], "=", group[key] if value is not None else False))
                if value is None and field.type in DATE_TYPES:
                    group[key] = False
                    ranges[key] = False
                    group_domain.append((spec["name"], "=", False))
            group[count_key] = row["__count"]
            for alias, func, fname in aggregates:
                value = row[alias]
                field = self._fields[fname]
                if value is not None and func in ("sum", "avg", "min", "max") and field.type in ("float", "monetary"):
                    value = float(value)
                elif value is not None and func == "avg":
                    value = float(value)
                elif value is None and func in ("sum", "count", "count_distinct"):
                    value = 0
                group[alias] = value if value is not None else False
            group["__domain"] = AND([list(domain or []), group_domain]) if group_domain else list(domain or [])
            if ranges:
                group["__range"] = ranges
            if lazy and len(groupby) > 1:
                group["__context"] = {"group_by": groupby[1:]}
            elif lazy:
                group["__context"] = {"group_by": []}
            result.append(group)
        return result

    def _read_group_range(self, field, granularity, value):
        """((from shown, from for the domain), (to shown, to for the domain)) of a date group."""
        from dateutil.relativedelta import relativedelta
        step = relativedelta(**GRANULARITIES[granularity][2])
        if field.type == "date":
            start = value if isinstance(value, datetime.date) else value.date()
            stop = start + step
            return (start, start), (stop, stop)
        start = value
        stop = value + step
        tz = self._read_group_tz()
        if tz == "UTC":
            return (start, start), (stop, stop)
        zone = zoneinfo.ZoneInfo(tz)
        utc_start = start.replace(tzinfo=zone).astimezone(datetime.timezone.utc).replace(tzinfo=None)
        utc_stop = stop.replace(tzinfo=zone).astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return (start, utc_start), (stop, utc_stop)

    def _read_group_label(self, granularity, value):
        from babel.dates import format_date, format_datetime
        locale = (self.env.lang or "en_US")
        pattern = GRANULARITIES[granularity][1]
        try:
            if granularity == "hour":
                return format_datetime(value, pattern, locale=locale)
            day = value.date() if isinstance(value, datetime.datetime) else value
            return format_date(day, pattern, locale=locale)
        except Exception:
            day = value.date() if isinstance(value, datetime.datetime) else value
            return format_date(day, pattern, locale="en_US")


def _check_paging(value, what):
    """:raises DomainError: ``value`` is not a non-negative integer PostgreSQL can take (or nothing)"""
    if value is None or value is False:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2 ** 63:
        raise DomainError(f"Invalid {what} {value!r}: expected a non-negative integer below 2**63")


def _spec_list(value, what):
    """``groupby``/``fields`` as a list: one string, a list or tuple, or nothing.

    :raises DomainError: anything else (a number, a mapping ...)
    """
    if value is None or value is False:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise DomainError(f"Invalid {what} {value!r}: expected a list of strings")


def _fmt(field, value):
    if field.type == "date":
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _invert(term):
    term = term.strip()
    lower = term.lower()
    if lower.endswith(" desc"):
        return term[:-5] + " asc"
    if lower.endswith(" asc"):
        return term[:-4] + " desc"
    return term + " desc"
