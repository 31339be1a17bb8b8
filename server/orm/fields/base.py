"""The field descriptor every field type derives from (orm.md §3-§5).

A field object lives in two roles:

* **definition**: ``name = fields.Char(required=True)`` in an addon's class body only records
  keyword arguments;
* **registry field**: when a registry builds a model, it creates one fresh field per name from all
  definitions found along the model's classes (an extension's arguments override the earlier ones,
  orm.md MOD-9), then sets it up: comodels, related targets, dependencies.

As a descriptor, a registry field reads values from the transaction cache, fetching them from
PostgreSQL (for the whole prefetch set) or computing them when missing; assigning a value is
``records.write({name: value})``.

Each type converts values between four formats: *cache* (what the cache holds: ids, tuples, dates),
*record* (what ``record.field`` returns), *read* (what RPC ``read`` returns) and *column* (the SQL
parameter written to PostgreSQL).
"""
import itertools
import logging

from ...exceptions import AccessError, CacheMiss, MissingError
from ..decorators import _DEPENDS, _DEPENDS_CONTEXT

_logger = logging.getLogger(__name__)
_definition_order = itertools.count()
_MISSING = object()

#: attributes every field accepts, with their default when not given
COMMON_ATTRS = {
    "string": None,
    "help": None,
    "required": False,
    "readonly": False,
    "default": None,
    "index": False,
    "copy": None,
    "groups": None,
    "store": None,
    "compute": None,
    "inverse": None,
    "search": None,
    "related": None,
    "compute_sudo": None,
    "translate": False,
    "prefetch": True,
    "depends": None,
    "depends_context": None,
    "change_default": False,
    "states": None,
    "tracking": None,
    "recursive": False,
    "aggregator": None,
    "group_operator": None,
    "group_expand": None,
    "precompute": False,
    "company_dependent": False,
    "default_export_compatible": False,
    "automatic": False,
}

#: attributes a related field copies from its target unless given (orm.md CMP-10)
RELATED_ATTRS = ("string", "help", "digits", "currency_field", "translate", "size", "selection",
                 "comodel_name", "groups", "sanitize", "trim", "aggregator")


def default_label(name):
    """A field's label from its name: ``partner_id`` -> ``Partner``, ``tag_ids`` -> ``Tag``."""
    if name == "id":
        return "ID"
    if name.endswith("_ids") and len(name) > 4:
        name = name[:-4]
    elif name.endswith("_id") and len(name) > 3:
        name = name[:-3]
    return name.replace("_", " ").strip().capitalize()


def resolve_method(model, method):
    """The function behind a method name (``'_compute_total'``) or a callable."""
    if isinstance(method, str):
        return getattr(type(model), method)
    return method


class Field:
    """Base class of all field types.

    :param string: the label shown to users [the field name, capitalised]
    :param required: a value is mandatory (checked by the ORM and by ``NOT NULL``)
    :param readonly: the client shows the field read-only (server code may still write it)
    :param default: constant, or callable receiving the empty recordset of the model
    :param index: ``True``/``'btree'``, ``'btree_not_null'`` or ``'trigram'``: an index on the column
    :param store: whether the value has a column [True; False for computed and related fields]
    :param compute: method computing the value (name or callable)
    :param inverse: method writing a computed value back
    :param search: method ``(self, operator, value) -> domain`` making a computed field searchable
    :param related: dotted path the value is read from (``'partner_id.country_id.code'``)
    :param groups: comma-separated xml ids of the groups allowed to see the field
    """

    type = None            # the field type, as in ir.model.fields ttype
    column_type = None     # (short type name, SQL type) of the column, or None
    relational = False
    _extra_attrs = {}      # attributes of the subclass, with defaults

    def __init__(self, string=None, **kwargs):
        if string is not None:
            kwargs["string"] = string
        self._def_args = kwargs
        self._definition_seq = next(_definition_order)
        self._base_fields = ()
        self._setup_done = False
        self.name = None
        self.model_name = None

    def __set_name__(self, owner, name):
        self.name = name

    @classmethod
    def _all_attrs(cls):
        attrs = dict(COMMON_ATTRS)
        for klass in reversed(cls.__mro__):
            attrs.update(klass.__dict__.get("_extra_attrs", {}))
        return attrs

    # -- setup: merge definitions ----------------------------------------------------------------
    @classmethod
    def from_definitions(cls, definitions, model_class, name):
        """Create the registry field for ``name`` on ``model_class`` from its definitions.

        ``definitions`` are ordered oldest first; definitions before the last change of field type
        are dropped (a redefinition with another type replaces the field, orm.md MOD-9).
        """
        last_type = type(definitions[-1])
        start = 0
        for index, definition in enumerate(definitions):
            if type(definition) is not last_type:
                start = index + 1
        definitions = definitions[start:]
        field = object.__new__(last_type)
        field._base_fields = tuple(definitions)
        field._definition_seq = definitions[0]._definition_seq
        field._setup_done = False
        field._setup_attrs(model_class, name)
        return field

    def _setup_attrs(self, model_class, name):
        args = {}
        for definition in self._base_fields:
            args.update(definition._def_args)
        known = self._all_attrs()
        self.name = name
        self.model_name = model_class._name
        self.args = {k: v for k, v in args.items() if k not in known}
        if self.args and not args.get("automatic"):
            _logger.warning("%s.%s: unknown field parameter(s) %s", self.model_name, name,
                            ", ".join(sorted(self.args)))
        for key, default in known.items():
            setattr(self, key, args.get(key, default))
        self._given = set(args)
        if "default" in args and args["default"] is None:
            self.default = None     # cancels an inherited default (orm.md FLD-11)
        elif "default" in args and not callable(args["default"]):
            constant = args["default"]
            self.default = lambda model, value=constant: value
        if self.group_operator and not self.aggregator:
            self.aggregator = self.group_operator
        if self.depends is not None and isinstance(self.depends, str):
            self.depends = (self.depends,)
        if self.related:
            self.related = tuple(self.related.split(".")) if isinstance(self.related, str) \
                else tuple(self.related)
            if self.compute is None:
                self.compute = self._compute_related
            if not self.readonly and "readonly" not in args:
                self.readonly = True
            if self.inverse is None and not self.readonly:
                self.inverse = self._inverse_related
            if self.search is None:
                self.search = self._search_related
            if self.compute_sudo is None:
                self.compute_sudo = True
            if "copy" not in args:
                self.copy = False
        if self.compute:
            if "store" not in args:
                self.store = False
            if "readonly" not in args and not self.related:
                self.readonly = not self.inverse
            if self.compute_sudo is None:
                self.compute_sudo = bool(self.store)
            if self.copy is None:
                self.copy = bool(self.store and not self.readonly)
        if self.store is None:
            self.store = True
        if self.copy is None:
            self.copy = self._default_copy()
        if self.string is None:
            self.string = default_label(name)
        if self.index is True:
            self.index = "btree"
        if self.aggregator is None:
            self.aggregator = self._default_aggregator()
        self._setup_attrs_extra(model_class, args)

    def _default_copy(self):
        return True

    def _default_aggregator(self):
        return None

    def _setup_attrs_extra(self, model_class, args):
        """Type-specific attribute processing (subclasses)."""

    # -- setup: resolve references ---------------------------------------------------------------
    def setup(self, model):
        """Resolve what depends on other fields and models (related targets, comodels)."""
        if self.related:
            self._setup_related(model)
        if self.compute:
            # ``@api.depends_context`` on the compute method keys the cache like the attribute
            _, context = self.get_depends(model)
            if context:
                self.depends_context = tuple(dict.fromkeys(context))
        self._setup_done = True

    def _setup_related(self, model):
        target_model = model
        for name in self.related[:-1]:
            field = target_model._fields.get(name)
            if field is None or not field.relational:
                raise TypeError(f"{self}: related path {'.'.join(self.related)!r} is invalid at {name!r}")
            target_model = model.env[field.comodel_name]
        target = target_model._fields.get(self.related[-1])
        if target is None:
            raise TypeError(f"{self}: related path {'.'.join(self.related)!r}: no field {self.related[-1]!r} "
                            f"on {target_model._name}")
        if target.type != self.type:
            raise TypeError(f"{self}: type {self.type} differs from related field {target} ({target.type})")
        if not target._setup_done:
            target.setup(target_model)
        self.related_field = target
        for attr in RELATED_ATTRS:
            if attr not in self._given and hasattr(target, attr):
                if attr == "string" and self.string != self.name.replace("_", " ").capitalize():
                    continue
                setattr(self, attr, getattr(target, attr))
        if "string" not in self._given:
            self.string = target.string
        if hasattr(self, "_setup_column_type"):
            # attributes copied from the target (translate, size) decide the column of a stored one
            self._setup_column_type()
        if self.depends is None:
            self.depends = (".".join(self.related),)

    # -- description -----------------------------------------------------------------------------
    def __repr__(self):
        return f"{self.model_name}.{self.name}" if self.model_name else f"<{type(self).__name__} definition>"

    __str__ = __repr__

    @property
    def column(self):
        """Whether the field has its own column in the model's table."""
        return bool(self.store and self.column_type)

    @property
    def reads_as_user(self):
        """Whether the value depends on who reads it: a non-stored related field (other than the
        fields of an ``_inherits`` parent) is computed with the reader's rights, hop by hop, so it
        never reveals what the reader could not read directly (security.md ACL-3, odoo/odoo#69583);
        its values are kept in the cache per user."""
        return bool(self.related) and not self.store and not getattr(self, "inherited", False)

    @property
    def context_dependent(self):
        return bool(self.translate) or bool(self.depends_context) or self.reads_as_user

    def cache_key(self, env):
        keys = []
        if self.reads_as_user:
            keys.append((env.uid, env.su))
        if self.translate:
            keys.append(env.lang or "en_US")
        for key in self.depends_context or ():
            if key == "uid":
                keys.append(env.uid)
            elif key == "active_test":
                keys.append(env.context.get("active_test", True))
            elif key == "company":
                keys.append(tuple(env.context.get("allowed_company_ids") or ()))
            else:
                value = env.context.get(key)
                keys.append(tuple(value) if isinstance(value, list) else value)
        return tuple(keys)

    def get_depends(self, model):
        """(paths, context keys) the field depends on."""
        if self.depends is not None:
            depends = self.depends
        elif self.compute and not isinstance(self.compute, str) and hasattr(self.compute, _DEPENDS):
            depends = getattr(self.compute, _DEPENDS)
        elif isinstance(self.compute, str):
            method = getattr(type(model), self.compute, None)
            depends = getattr(method, _DEPENDS, ())
        else:
            depends = ()
        if callable(depends):
            depends = depends(model)
        context = self.depends_context or ()
        if isinstance(self.compute, str):
            method = getattr(type(model), self.compute, None)
            context = tuple(context) + tuple(getattr(method, _DEPENDS_CONTEXT, ()))
        return tuple(depends), tuple(context)

    def get_description(self, env):
        """The ``fields_get`` description of the field (orm.md API-15)."""
        desc = {
            "type": self.type,
            "string": self.string,
            "help": self.help or False,
            "required": bool(self.required),
            "readonly": bool(self.readonly),
            "store": bool(self.store),
            "searchable": bool(self.column or self.search or self.related or self.type in
                               ("one2many", "many2many") or self.name == "id"),
            "sortable": bool(self.column or (self.related and self.store) or self.name == "id"),
            "groupable": bool(self.column and self.type not in ("text", "html", "binary", "json")),
            "manual": False,
            "depends": list(self.get_depends(env[self.model_name])[0]) if self.compute else [],
            "company_dependent": False,
            "change_default": bool(self.change_default),
            "translate": bool(self.translate),
        }
        if self.related:
            desc["related"] = ".".join(self.related)
        if self.states:
            desc["states"] = self.states
        if self.aggregator:
            desc["aggregator"] = desc["group_operator"] = self.aggregator
        return desc

    # -- value conversions (overridden by types) -------------------------------------------------
    def cache_null(self):
        """The cache value of an empty field."""
        return None

    def convert_to_cache(self, value, record, validate=True):
        """A cache value from a value given to create/write (or fetched from a column)."""
        return value

    def convert_to_cache_for_values(self, value, model, values):
        """The cache value of a record being created with ``values`` (which may hold what the
        conversion needs, such as a Monetary's currency)."""
        return self.convert_to_cache(value, model.browse())

    def convert_to_record(self, value, record):
        """The value ``record.field`` returns, from a cache value."""
        return False if value is None else value

    def convert_to_read(self, value, record, use_display_name=True):
        """The RPC ``read`` value, from a record value."""
        return False if value is None else value

    def convert_to_write(self, value, record):
        """A value ``write`` accepts, from a record value."""
        cache_value = self.convert_to_cache(value, record, validate=False)
        record_value = self.convert_to_record(cache_value, record)
        return self.convert_to_read(record_value, record)

    def convert_to_column(self, value, record):
        """The SQL parameter for a cache value."""
        return value

    def convert_to_export(self, value, record):
        """The value shown in an export, from a record value."""
        if not value:
            return ""
        return value

    # -- descriptor ------------------------------------------------------------------------------
    def __get__(self, record, owner=None):
        if record is None:
            return self
        ids = record._ids
        if not ids:
            return self.convert_to_record(self.cache_null(), record)
        if len(ids) > 1:
            raise ValueError(f"Expected singleton: {record}")
        env = record.env
        if self.compute and self.store:
            pending = env.transaction.tocompute.get(self)
            if pending and ids[0] in pending:
                record._recompute_field(self)
        try:
            value = env.cache.get(record, self)
        except CacheMiss:
            self._determine(record)
            try:
                value = env.cache.get(record, self)
            except CacheMiss:
                raise MissingError(env._(
                    "Record does not exist or has been deleted.\n(Record: %s, User: %s)",
                    record, env.uid)) from None
        return self.convert_to_record(value, record)

    def __set__(self, records, value):
        protected = records.env.transaction.protected.get(self)
        if protected and all(i in protected for i in records._ids):
            # assignment inside the compute method of this field (orm.md CMP-12)
            self._set_computed(records, value)
            return
        if records and not records._ids[0] and not all(records._ids):
            records._update_new(self, value)
            return
        records.write({self.name: value})

    def _set_computed(self, records, value):
        cache_value = self.convert_to_cache(value, records, validate=False)
        env = records.env
        env.cache.update(records, self, itertools.repeat(cache_value, len(records._ids)))
        if self.store:
            real = [i for i in records._ids if i]
            if real:
                towrite = env.transaction.towrite[self.model_name]
                for record_id in real:
                    towrite.setdefault(record_id, {})[self.name] = cache_value
        env.remove_to_compute(self, records)

    def _determine(self, record):
        """Bring the value of ``self`` for the singleton ``record`` into the cache."""
        env = record.env
        record_id = record._ids[0]
        if self.store and record_id:
            if self.compute and record_id in env.transaction.tocompute.get(self, ()):
                record._recompute_field(self)
                if env.cache.contains(record, self):
                    return
            record._fetch_field(self)
            return
        if self.compute:
            if record_id:
                records = record._in_cache_without(self)
            else:
                records = record
            try:
                self.compute_value(records)
            except (AccessError, MissingError):
                if len(records._ids) == 1:
                    raise
                # another record of the prefetch set is deleted or unreadable: this one alone
                self.compute_value(record)
            return
        if not record_id:
            origin = record_id.origin
            if origin and self.store:
                origin_record = record.browse(origin)
                origin_value = self.convert_to_cache(origin_record[self.name], record, validate=False)
                env.cache.set(record, self, origin_value)
            else:
                env.cache.set(record, self, self.cache_null())
            return
        # a non-stored field without compute: nothing to fetch
        env.cache.set(record, self, self.cache_null())

    def compute_value(self, records):
        """Run the compute method on ``records`` (the fields it computes are protected meanwhile)."""
        env = records.env
        fields = records.pool.field_computed.get(self, [self])
        kept = self._values_to_keep(records, fields)
        target = records.sudo() if self.compute_sudo else records
        with env.protecting(fields, records):
            if not env.su and self.reads_as_user and self.compute == self._compute_related:
                self._compute_related_as_user(records)
            elif callable(self.compute) and not isinstance(self.compute, str):
                self.compute(target)
            else:
                getattr(target, self.compute)()
        for field in fields:
            missing = env.cache.missing_ids(records, field)
            if missing:
                raise ValueError(f"Compute method failed to assign {records.browse(missing[:1])}.{field.name}")
        self._restore_kept_values(records, kept)

    def _values_to_keep(self, records, fields):
        """Values of the other stored fields of a shared compute method that are not to recompute.

        Such a value was given explicitly to create/write (orm.md CMP-7): the method computing
        ``self`` also assigns it, but must not overwrite it. Returns ``[(field, {id: (cached,
        pending column value)})]`` with :data:`_MISSING` for what was absent.
        """
        if len(fields) < 2:
            return []
        env = records.env
        transaction = env.transaction
        kept = []
        for field in fields:
            if field is self or not field.store:
                continue
            pending = transaction.tocompute.get(field, ())
            data = env.cache._field_data(field, env) or {}
            towrite = transaction.towrite.get(field.model_name, {})
            values = {}
            for record_id in records._ids:
                if record_id and record_id not in pending:
                    values[record_id] = (data.get(record_id, _MISSING),
                                         towrite.get(record_id, {}).get(field.name, _MISSING))
            if values:
                kept.append((field, values))
        return kept

    def _restore_kept_values(self, records, kept):
        env = records.env
        for field, values in kept:
            towrite = env.transaction.towrite[field.model_name]
            for record_id, (cached, column) in values.items():
                record = records.browse(record_id)
                if cached is _MISSING:
                    env.cache.invalidate([(field, (record_id,))])
                else:
                    env.cache.set(record, field, cached)
                row = towrite.get(record_id)
                if column is not _MISSING:
                    towrite.setdefault(record_id, {})[field.name] = column
                elif row is not None:
                    row.pop(field.name, None)
                    if not row:
                        del towrite[record_id]

    # -- related fields --------------------------------------------------------------------------
    def _compute_related(self, records):
        values = list(records)
        for name in self.related[:-1]:
            values = [value[name][:1] for value in values]
        last = self.related[-1]
        for record, value in zip(records, values):
            record[self.name] = value[last] if value else self.convert_to_record(self.cache_null(), record)

    def _compute_related_as_user(self, records):
        """Compute the related value with the rights of ``records.env`` (not the superuser).

        Whatever the cache holds, each step must be allowed: the field's groups on its model, then
        the read access right and record rules of the records reached. A step the user may not take
        gives an empty value. One query per step at most (for the rules, over all ``records``).
        """
        from ..access import has_field_access, readable
        env = records.env
        model = records.browse()
        values = list(records)
        for name in self.related[:-1]:
            field = model._fields[name]
            comodel = env[field.comodel_name]
            if has_field_access(model, field):
                values = [value[name][:1] if value else comodel for value in values]
                linked = comodel.browse(tuple(dict.fromkeys(i for value in values for i in value._ids)))
                allowed = set(readable(linked)._ids)
                values = [value if value and value._ids[0] in allowed else comodel for value in values]
            else:
                values = [comodel] * len(values)
            model = comodel
        last = self.related[-1]
        visible = has_field_access(model, model._fields[last])
        for record, value in zip(records, values):
            record[self.name] = value[last] if value and visible else \
                self.convert_to_record(self.cache_null(), record)

    def _inverse_related(self, records):
        for record in records:
            target = record
            for name in self.related[:-1]:
                target = target[name][:1]
            if target:
                target[self.related[-1]] = record[self.name]

    def _search_related(self, records, operator, value):
        return [(".".join(self.related), operator, value)]

    # -- writing ---------------------------------------------------------------------------------
    def write(self, records, value):
        """Assign ``value`` to every record: cache, and pending column update when stored."""
        cache_value = self.convert_to_cache(value, records)
        env = records.env
        env.cache.update(records, self, itertools.repeat(cache_value, len(records._ids)))
        if self.store and self.column_type:
            towrite = env.transaction.towrite[self.model_name]
            for record_id in records._ids:
                towrite.setdefault(record_id, {})[self.name] = cache_value
        return records

    def create_values(self, records, values):
        """Assign values on freshly created records that have no column (x2many, attachments)."""
        for record, value in zip(records, values):
            self.write(record, value)
