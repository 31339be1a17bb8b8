"""Reading records: fetching into the cache, ``read``, ``search`` and friends (orm.md §8, §9).

Fetching is batched: reading one field of one record fetches that field *and every other
prefetchable column* for all records of the prefetch set lacking them, in one query per
``prefetch_batch`` ids (orm.md CCH-2); x2many fields are fetched with one query per field for the
whole prefetch set (CCH-3).
"""
import inspect
import logging

from ..db.sql import SQL
from ..exceptions import AccessError
from . import access
from . import decorators as api
from .domain.compile import check_domain, compile_domain, domain_checked
from .domain.parse import AND, DomainError, NEGATIVE_TERM_OPERATORS, OR, normalize_domain, parse
from .errors import InputError, invalid_field
from .order import check_order, order_to_sql
from .query import Query

_logger = logging.getLogger(__name__)

MAGIC_COLUMNS = ("id", "create_uid", "create_date", "write_uid", "write_date")


class ReadMixin:
    """Fetching, reading and searching (mixed into :class:`~bureau.orm.model.BaseModel`)."""

    # -- prefetching -----------------------------------------------------------------------------
    def _prefetch_batch(self):
        return self.pool.prefetch_batch

    def _in_cache_without(self, field, limit=None):
        """``self`` plus the records of its prefetch set lacking ``field`` in cache (real ids)."""
        limit = limit or self._prefetch_batch()
        env = self.env
        data = env.cache._field_data(field, env) or {}
        ids = [i for i in self._ids if i]
        seen = set(ids)
        if len(ids) < limit:
            tocompute = env.transaction.tocompute.get(field, ()) if field.compute and field.store else ()
            for record_id in self._prefetch_ids:
                if record_id and record_id not in data and record_id not in seen \
                        and record_id not in tocompute:
                    ids.append(record_id)
                    seen.add(record_id)
                    if len(ids) >= limit:
                        break
        return self.browse(tuple(ids))

    def _fetch_field(self, field):
        """Bring ``field`` into the cache for ``self`` and its prefetch set."""
        self.check_access_rights("read")
        if field.groups:
            access.check_field_groups(self, [field.name], "read")
        if field.type in ("one2many", "many2many"):
            self._in_cache_without(field)._fetch_x2many(field, requested=self)
            return
        if field.type == "binary" and not field.column:
            self._in_cache_without(field).fetch_binary(field)
            return
        if field.prefetch and self.env.context.get("prefetch_fields", True):
            fields = [f for f in self._fields.values()
                      if f.column and f.prefetch and f.name != "id" and access.has_field_access(self, f)]
            if field not in fields:
                fields.append(field)
        else:
            fields = [field]
        records = self._in_cache_without(field)
        records._fetch_columns(fields, requested=self)

    def fetch_binary(self, field):
        field.fetch_attachments(self)

    def _fetch_columns(self, fields, requested=None):
        """Read the columns of ``fields`` for ``self`` in one query per batch (with record rules).

        Records the user may not read raise :class:`AccessError` when they are among
        ``requested``; deleted records get no value (reading them raises ``MissingError``).
        """
        env = self.env
        ids = [i for i in self._ids if i]
        if not ids:
            return
        self.flush_model([f.name for f in fields])
        domain = access.rule_domain(self, "read")
        sudo_model = self.sudo().with_context(active_test=False)
        lang = env.lang or "en_US"
        batch = self._prefetch_batch()
        fetched = set()
        for start in range(0, len(ids), batch):
            chunk = tuple(ids[start:start + batch])
            query = Query(env, self._table)
            query.add_where(SQL("%s IN %s", SQL.identifier(query.alias, "id"), chunk))
            if domain:
                query.add_where(compile_domain(sudo_model, domain, query))
            columns = [SQL.identifier(query.alias, "id")]
            for field in fields:
                column = SQL.identifier(query.alias, field.name)
                if field.translate:
                    column = SQL("COALESCE(%s->>%s, %s->>'en_US')", column, lang, column)
                columns.append(column)
            env.cr.execute(query.select(*columns))
            rows = env.cr.fetchall()
            if not rows:
                continue
            record_ids = [row[0] for row in rows]
            fetched.update(record_ids)
            records = self.browse(tuple(record_ids))
            for index, field in enumerate(fields, 1):
                if field.type in ("integer", "float", "boolean", "monetary"):
                    values = [field.convert_to_cache(row[index], records, validate=False) for row in rows]
                else:
                    values = [None if row[index] is None else field.convert_to_cache(row[index], records,
                                                                                      validate=False)
                              for row in rows]
                env.cache.update(records, field, values)
        missing = [i for i in ids if i not in fetched]
        if missing and domain and requested is not None:
            wanted = [i for i in requested._ids if i in set(missing)]
            if wanted:
                forbidden = self.browse(tuple(wanted)).sudo().exists()
                if forbidden:
                    raise access.rule_error(self, "read", forbidden)

    def _fetch_x2many(self, field, requested=None):
        """Fetch an x2many field for ``self`` with one query (CCH-3)."""
        env = self.env
        ids = [i for i in self._ids if i]
        if not ids:
            return
        # values are cached unfiltered (all users, archived records included); reading the field
        # filters them for the current user and active_test (see _RelationalMulti.convert_to_record)
        comodel = env[field.comodel_name].sudo().with_context(**(field.context or {}), active_test=False)
        domain = field.get_domain_list(comodel)
        values = {i: [] for i in ids}
        if field.type == "one2many":
            inverse = comodel._fields[field.inverse_name]
            comodel.flush_model([field.inverse_name])
            batch = self._prefetch_batch()
            for start in range(0, len(ids), batch):
                chunk = tuple(ids[start:start + batch])
                query = comodel._search(AND([domain, [(field.inverse_name, "in", list(chunk))]]),
                                        order=comodel._order)
                query.limit = field.limit or None
                column = SQL.identifier(query.alias, field.inverse_name)
                env.cr.execute(query.select(SQL.identifier(query.alias, "id"), column))
                for line_id, owner in env.cr.fetchall():
                    if inverse.type == "many2one_reference" or owner in values:
                        values.setdefault(owner, []).append(line_id)
        else:
            comodel.flush_model()
            batch = self._prefetch_batch()
            for start in range(0, len(ids), batch):
                chunk = tuple(ids[start:start + batch])
                query = comodel._search(domain, order=comodel._order)
                rel_alias = query.make_alias(query.alias, field.name)
                query.add_join("JOIN", rel_alias, field.relation, SQL(
                    "%s = %s AND %s IN %s", SQL.identifier(rel_alias, field.column2),
                    SQL.identifier(query.alias, "id"), SQL.identifier(rel_alias, field.column1), chunk))
                env.cr.execute(query.select(SQL.identifier(rel_alias, field.column1),
                                            SQL.identifier(query.alias, "id")))
                for owner, target in env.cr.fetchall():
                    values[owner].append(target)
        env.cache.set_many(env, field, ((i, tuple(v)) for i, v in values.items()))

    # -- read ------------------------------------------------------------------------------------
    def _check_read_fields(self, fields):
        """Valid field names to read (all readable fields when ``fields`` is empty)."""
        if not fields:
            return [name for name, field in self._fields.items()
                    if access.has_field_access(self, field)]
        if isinstance(fields, str):
            fields = [fields]
        if not isinstance(fields, (list, tuple)):
            raise InputError(f"fields must be a list of field names, got {fields!r}")
        names = []
        for name in fields:
            if not isinstance(name, str) or name not in self._fields:
                raise invalid_field(self, name)
            names.append(name)
        access.check_field_groups(self, names, "read")
        return names

    def read(self, fields=None, load="_classic_read"):
        """Field values of the records as RPC-ready dicts, in the order of ``self``.

        :param fields: names to read (all readable fields when empty)
        :param load: ``'_classic_read'`` gives Many2one as ``(id, display_name)``; a false value
            gives bare ids
        :returns: list of dicts, each with ``'id'``; records that no longer exist are skipped
        :raises AccessError: access rights, record rules or field groups refuse the read
        """
        names = self._check_read_fields(fields)
        self.check_access_rights("read")
        records = self._read_records(names)
        use_name = bool(load) and load != "_classic_write"
        fields_ = [self._fields[name] for name in names if name != "id"]
        result = []
        for record in records:
            values = {"id": record._ids[0]}
            for field in fields_:
                values[field.name] = field.convert_to_read(record[field.name], record, use_name)
            result.append(values)
        return result

    def _read_records(self, names):
        """Fetch stored columns of ``self`` once, returning the records that exist (in order)."""
        real = [i for i in self._ids if i]
        if not real:
            return self.browse(tuple(i for i in self._ids if not i))
        env = self.env
        column_fields = [self._fields[n] for n in names if self._fields[n].column and n != "id"]
        prefetch = [f for f in self._fields.values()
                    if f.column and f.prefetch and f.name != "id" and access.has_field_access(self, f)]
        wanted = list(dict.fromkeys(column_fields + prefetch))
        missing = [f for f in wanted if env.cache.missing_ids(self, f)]
        probe = missing or wanted[:1]
        if probe:
            self.browse(tuple(real))._fetch_columns(probe, requested=self.browse(tuple(real)))
            field = probe[0]
            present = set(i for i in real if env.cache.contains(self.browse(i), field))
        else:
            present = set(self.browse(tuple(real)).exists()._ids)
        ids = tuple(i for i in self._ids if (not i) or i in present)
        return self._browse(env, ids, ids)

    # -- search ----------------------------------------------------------------------------------
    @api.model
    def search(self, domain, offset=0, limit=None, order=None, count=False):
        """The records matching ``domain`` (orm.md API-8).

        :param offset: records to skip
        :param limit: maximum number of records (None/False/0: no limit)
        :param order: ``"field [asc|desc] [nulls first|last], ..."`` [``_order``]
        :param count: legacy: return the number of records instead
        :raises AccessError: the user may not read the model
        :raises ValidationError: invalid domain or order
        """
        if count:
            return self.search_count(domain, limit=limit)
        query = self._search(domain, offset=offset, limit=limit, order=order)
        ids = query.get_result_ids()
        return self._browse(self.env, ids, ids)

    @api.model
    def search_count(self, domain, limit=None):
        """The number of records matching ``domain``."""
        query = self._search(domain, limit=limit, order="id") if limit else self._search(domain)
        if query.is_empty():
            return 0
        if limit:
            query.order = None
            sql = SQL("SELECT count(*) FROM (%s) t", query.select())
        else:
            query.order = None
            sql = query.select(SQL("count(*)"))
        self.env.cr.execute(sql)
        return self.env.cr.fetchone()[0]

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs):
        """``search`` then ``read`` in one call; records vanished in between are skipped."""
        # the search's input first: refused input costs no statement (security.md VAL-1)
        _check_paging(offset, "offset")
        _check_paging(limit, "limit")
        check_domain(self, domain or [])
        if order:
            check_order(self, order)
        unknown = sorted(set(read_kwargs) - set(inspect.signature(self.read).parameters))
        if unknown:
            raise InputError(f"search_read: unknown arguments {', '.join(map(repr, unknown))}")
        names = self._check_read_fields(fields)
        records = self.search(domain or [], offset=offset, limit=limit, order=order)
        if not records:
            return []
        return records.read(names, **read_kwargs)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, active_test=True):
        """The :class:`Query` of ``domain`` with access rights, record rules and ``active_test``.

        The input is checked whole before anything reads the database (security.md VAL-1/VAL-2):
        refused input costs no statement.
        """
        limit = _check_paging(limit, "limit")
        offset = _check_paging(offset, "offset")
        if not domain_checked(self.env):
            check_domain(self, domain)
        if order:
            check_order(self, order)
        self.check_access_rights("read")
        query = self._where_calc(domain, active_test=active_test)
        self._apply_ir_rules(query, "read")
        query.order = order_to_sql(self, order or self._order, query)
        query.limit = limit or None
        query.offset = offset or None
        return query

    @api.model
    def _where_calc(self, domain, active_test=True):
        """A :class:`Query` restricted by ``domain`` (plus the archive filter of DOM-30)."""
        tokens = normalize_domain(domain)
        active_name = self._active_name
        if (active_test and active_name and self.env.context.get("active_test", True)
                and not any(isinstance(t, tuple) and isinstance(t[0], str)
                            and t[0].split(".")[0] == active_name for t in tokens)):
            # ANDed last: the domain's own leaves are checked (and may raise) before it flushes
            tokens = ["&"] + tokens + [(active_name, "=", True)]
        query = Query(self.env, self._table)
        tree = parse(tokens)
        condition = compile_domain(self, tree, query)
        if condition.code != "TRUE":
            query.add_where(condition)
        return query

    def _apply_ir_rules(self, query, operation="read"):
        domain = access.rule_domain(self, operation)
        if domain:
            query.add_where(compile_domain(self.sudo().with_context(active_test=False), domain, query))

    @api.model
    def name_search(self, name="", domain=None, operator="ilike", limit=100, args=None):
        """``[(id, display_name)]`` of records whose name matches (for Many2one widgets)."""
        domain = domain if domain is not None else (args or [])
        ids = self._name_search(name, domain, operator, limit=limit)
        records = self.browse(ids)
        return [(record.id, record.display_name) for record in records]

    @api.model
    def _name_search(self, name="", domain=None, operator="ilike", limit=100, order=None):
        if not isinstance(name, str):
            raise InputError(f"name_search: name must be a string, got {name!r}")
        if domain and not isinstance(domain, (list, tuple)):
            raise DomainError(f"Domains must be lists, got {type(domain).__name__}: {domain!r}")
        domain = list(domain or [])
        if name or operator in NEGATIVE_TERM_OPERATORS:
            domain = AND([domain, self._name_search_domain(name, operator)])
        return self._search(domain, limit=limit, order=order).get_result_ids()

    @api.model
    def _name_search_domain(self, name, operator="ilike"):
        names = self._rec_names_search or ([self._rec_name] if self._rec_name else [])
        if not names:
            if str(name).isascii() and str(name).isdigit() and len(str(name)) < 19:  # an id, a bigint
                return [("id", "=", int(name))]
            return [(0, "=", 1)]
        domains = [[(fname, operator, name)] for fname in names]
        return AND(domains) if operator in NEGATIVE_TERM_OPERATORS else OR(domains)

    # -- metadata --------------------------------------------------------------------------------
    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Descriptions of the fields the user may see (orm.md API-15)."""
        result = {}
        for name, field in self._fields.items():
            if allfields and name not in allfields:
                continue
            if not access.has_field_access(self, field):
                continue
            description = field.get_description(self.env)
            description["string"] = self.env._(description["string"]) if description.get("string") else ""
            if attributes:
                description = {key: value for key, value in description.items() if key in attributes}
            result[name] = description
        return result

    def fields_get_keys(self):
        return list(self._fields)

    @api.model
    def default_get(self, fields_list):
        """Default values of ``fields_list`` in write format (orm.md API-30).

        :raises AccessError: a field is restricted to groups the user lacks
        """
        access.check_field_groups(self, [name for name in fields_list if name in self._fields], "read")
        defaults = {}
        context = self.env.context
        parent_fields = {}
        user_defaults = self._user_defaults()
        for name in fields_list:
            field = self._fields.get(name)
            if field is None:
                raise invalid_field(self, name)
            key = "default_" + name
            if key in context:
                value = context[key]
                if field.type in ("one2many", "many2many"):
                    # the caller's commands are kept as given: create applies and checks them
                    # like explicit values (security.md ACL-5), hidden ids are not dropped
                    from .fields.relational import _normalize_commands
                    defaults[name] = [tuple(command) for command in _normalize_commands(value, field)]
                    continue
            elif name in user_defaults:
                value = user_defaults[name]
            elif field.default is not None:
                value = field.default(self)
            elif field.inherited:
                parent_fields.setdefault(field.related[0], []).append(name)
                continue
            else:
                continue
            defaults[name] = _to_write(field, value, self)
        for link, names in parent_fields.items():
            parent = self.env[self._fields[link].comodel_name]
            parent_defaults = parent.default_get([self._fields[n].related[1] for n in names])
            for name in names:
                target = self._fields[name].related[1]
                if target in parent_defaults:
                    defaults[name] = parent_defaults[target]
        return defaults

    def _user_defaults(self):
        """Defaults set by users and administrators (``ir.default``) for this model, if any."""
        if "ir.default" not in self.env.registry or self._name in ("ir.default", "ir.model.fields"):
            return {}
        return self.env["ir.default"].sudo()._get_model_defaults(self._name)

    def exists(self):
        """The records of ``self`` that still exist in the database (one query, no access check)."""
        real = [i for i in self._ids if i]
        if not real:
            return self
        valid = set()
        for start in range(0, len(real), 10000):
            chunk = tuple(real[start:start + 10000])
            self.env.cr.execute(SQL("SELECT id FROM %s WHERE id IN %s", SQL.identifier(self._table), chunk))
            valid.update(row[0] for row in self.env.cr.fetchall())
        ids = tuple(i for i in self._ids if not i or i in valid)
        return self._browse(self.env, ids, self._prefetch_ids)

    # -- access ----------------------------------------------------------------------------------
    @api.model
    def check_access_rights(self, operation, raise_exception=True):
        """Whether the user may perform ``operation`` on the model (ir.model.access).

        :raises AccessError: when refused and ``raise_exception``
        """
        return access.check_model_access(self, operation, raise_exception)

    def check_access_rule(self, operation):
        """Raise :class:`AccessError` when some records are outside the user's record rules."""
        access.check_record_rules(self, operation)

    def check_access(self, operation):
        """Access rights and record rules together."""
        self.check_access_rights(operation)
        self.check_access_rule(operation)

    def _filter_access_rules(self, operation):
        """The records of ``self`` the user's record rules allow for ``operation``."""
        if self.env.su:
            return self
        domain = access.rule_domain(self, operation)
        if not domain or not self.ids:
            return self
        allowed = set(self.sudo().with_context(active_test=False)._search(
            AND([[("id", "in", self.ids)], domain])).get_result_ids())
        return self.browse(tuple(i for i in self._ids if i in allowed))

    def check_field_access_rights(self, operation, fnames):
        """The readable subset of ``fnames`` (all readable fields when None); raises for others."""
        if fnames is None:
            return [name for name, field in self._fields.items() if access.has_field_access(self, field)]
        access.check_field_groups(self, fnames, operation)
        return list(fnames)

    def _has_field_access(self, field):
        return access.has_field_access(self, field)

    def user_has_groups(self, groups):
        """Whether the user belongs to at least one of the comma-separated group xml ids."""
        return self.env.user._has_any_group(groups)

    def get_external_id(self):
        """``{id: 'module.name'}`` for the records (empty string when they have none)."""
        result = {record_id: "" for record_id in self.ids}
        if "ir.model.data" not in self.env or not self.ids:
            return result
        data = self.env["ir.model.data"].sudo().search_read(
            [("model", "=", self._name), ("res_id", "in", self.ids)], ["module", "name", "res_id"],
            order="id")
        for row in data:
            result[row["res_id"]] = f"{row['module']}.{row['name']}"
        return result

    get_xml_id = get_external_id

    def get_metadata(self):
        """Creation/modification users and dates, external id and noupdate flag per record."""
        fields = [f for f in ("create_uid", "create_date", "write_uid", "write_date") if f in self._fields]
        result = self.read(fields)
        xmlids = {}
        if "ir.model.data" in self.env and self.ids:
            for row in self.env["ir.model.data"].sudo().search_read(
                    [("model", "=", self._name), ("res_id", "in", self.ids)],
                    ["module", "name", "res_id", "noupdate"]):
                xmlids[row["res_id"]] = row
        for values in result:
            data = xmlids.get(values["id"])
            values["xmlid"] = f"{data['module']}.{data['name']}" if data else False
            values["noupdate"] = data["noupdate"] if data else False
        return result


def _to_write(field, value, model):
    cache_value = field.convert_to_cache(value, model.browse(), validate=False)
    record_value = field.convert_to_record(cache_value, model.browse())
    return field.convert_to_write(record_value, model.browse())


def _check_paging(value, name):
    if value is None or value is False:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError(f"Invalid {name} {value!r}: expected a non-negative integer")
    if value >= 2 ** 63:  # LIMIT and OFFSET are PostgreSQL bigints
        raise DomainError(f"Invalid {name}: at most {2 ** 63 - 1}")
    return value
