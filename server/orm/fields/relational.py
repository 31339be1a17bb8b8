"""Links between records: Many2one, One2many and Many2many (orm.md §3, API-4, CCH-3).

* ``Many2one`` is an ``INT4`` column with a foreign key; its cache value is an id.
* ``One2many`` has no column: it is the other side of a Many2one on the comodel (``inverse_name``).
* ``Many2many`` lives in a relation table of two columns (orm.md SCH-4).

x2many cache values are tuples of ids. Values of relational fields read over a prefetch set share
a prefetch set themselves, so ``for o in orders: o.partner_id.name`` reads all partners at once.
x2many fields are written with :class:`~bureau.orm.commands.Command` lists.
"""
import itertools
import logging

from ...db.sql import SQL, make_identifier
from ...exceptions import UserError
from ..access import display_name_of
from ..commands import Command
from ..environment import NewId
from .base import Field

_logger = logging.getLogger(__name__)

#: models that uninstall must be able to delete: a restricting foreign key to them is refused
REFLECTION_MODELS = frozenset({
    "ir.model", "ir.model.fields", "ir.model.fields.selection", "ir.model.data",
    "ir.model.constraint", "ir.model.relation", "ir.module.module",
})


class _Relational(Field):
    relational = True
    _extra_attrs = {"comodel_name": None, "domain": None, "context": None, "check_company": False,
                    "auto_join": False}

    def __init__(self, comodel_name=None, string=None, **kwargs):
        if comodel_name is not None:
            kwargs["comodel_name"] = comodel_name
        super().__init__(string=string, **kwargs)

    def setup(self, model):
        super().setup(model)
        if not self.comodel_name:
            raise TypeError(f"{self}: no comodel_name")
        if self.comodel_name not in model.pool:
            raise TypeError(f"{self}: unknown comodel {self.comodel_name!r} (is its addon a dependency?)")

    def get_domain_list(self, model):
        """The field's ``domain`` as a list (a callable domain is evaluated on the model)."""
        domain = self.domain
        if callable(domain):
            domain = domain(model)
        return list(domain) if isinstance(domain, (list, tuple)) else []

    def get_description(self, env):
        desc = super().get_description(env)
        desc["relation"] = self.comodel_name
        domain = self.domain
        if callable(domain):
            domain = domain(env[self.model_name])
        desc["domain"] = domain if isinstance(domain, (list, tuple, str)) else []
        desc["context"] = self.context or {}
        return desc


class Many2one(_Relational):
    """A link to one record of ``comodel_name``: ``INT4`` with a foreign key.

    :param comodel_name: the target model
    :param ondelete: what happens when the target is deleted: ``'set null'`` (default),
        ``'restrict'`` (default when required) or ``'cascade'``
    :param auto_join: domains on sub-fields use a JOIN instead of a sub-query
    :param delegate: the link of an ``_inherits``-style delegation
    """

    type = "many2one"
    column_type = ("int4", "INT4")
    _extra_attrs = {"ondelete": None, "delegate": False}

    def setup(self, model):
        super().setup(model)
        comodel = model.env[self.comodel_name]
        if not self.column:
            # related/computed many2one: no foreign key, ondelete is meaningless
            self.ondelete = self.ondelete or "set null"
            return
        if self.ondelete is None:
            if model._transient and not comodel._transient:
                self.ondelete = "cascade" if self.required else "set null"
            else:
                self.ondelete = "restrict" if self.required else "set null"
        self.ondelete = self.ondelete.lower()
        if self.ondelete not in ("set null", "restrict", "cascade"):
            raise TypeError(f"{self}: invalid ondelete {self.ondelete!r}")
        if self.required and self.ondelete == "set null":
            raise TypeError(f"{self}: a required many2one cannot use ondelete='set null'")
        if self.ondelete == "restrict" and self.comodel_name in REFLECTION_MODELS:
            raise TypeError(f"{self}: ondelete='restrict' is not allowed towards {self.comodel_name}")
        if comodel._transient and not model._transient and self.store:
            raise TypeError(f"{self}: a regular model cannot link to the transient model {self.comodel_name}")

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        if isinstance(value, (int,)) and not isinstance(value, bool):
            return value or None
        if hasattr(value, "_ids") and hasattr(value, "_name"):
            if validate and value._name != self.comodel_name:
                raise ValueError(f"Wrong value for {self}: {value!r}")
            if len(value._ids) > 1:
                raise ValueError(f"Wrong value for {self}: {value!r} is not a single record")
            return value._ids[0] if value._ids else None
        if isinstance(value, (tuple, list)) and value:
            return self.convert_to_cache(value[0], record, validate)
        from ..environment import NewId
        if isinstance(value, NewId):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
        raise ValueError(f"Wrong value for {self}: {value!r}")

    def convert_to_record(self, value, record):
        comodel = record.env[self.comodel_name]
        ids = () if value is None else (value,)
        return comodel._browse(record.env, ids, PrefetchMany2one(record, self))

    def convert_to_read(self, value, record, use_display_name=True):
        if not value:
            return False
        if use_display_name:
            # the link is the record's data, the target's name is the target's: a user who may
            # not read the target sees its id and a generic name (security.md ACL-3)
            return (value.id, display_name_of(value))
        return value.id

    def convert_to_write(self, value, record):
        if not value:
            return False
        return value.id or value._ids[0]

    def convert_to_export(self, value, record):
        return display_name_of(value) if value else ""

    def write(self, records, value):
        env = records.env
        # o2m values cached on the old and new targets are stale after this
        for inverse in records.pool.field_inverses.get(self, ()):
            env.cache.invalidate([(inverse, None)])
        return super().write(records, value)

    def get_description(self, env):
        desc = super().get_description(env)
        desc["on_delete"] = self.ondelete
        return desc


class PrefetchMany2one:
    """The ids a Many2one value should prefetch with: the values over its record's prefetch set."""

    __slots__ = ("record", "field")

    def __init__(self, record, field):
        self.record = record
        self.field = field

    def __iter__(self):
        data = self.record.env.cache._field_data(self.field, self.record.env) or {}
        seen = set()
        for record_id in self.record._prefetch_ids:
            value = data.get(record_id)
            if value and value not in seen:
                seen.add(value)
                yield value


class PrefetchX2many:
    """The ids an x2many value should prefetch with: the union of the values over the prefetch set."""

    __slots__ = ("record", "field")

    def __init__(self, record, field):
        self.record = record
        self.field = field

    def __iter__(self):
        data = self.record.env.cache._field_data(self.field, self.record.env) or {}
        seen = set()
        for record_id in self.record._prefetch_ids:
            for value in data.get(record_id) or ():
                if value not in seen:
                    seen.add(value)
                    yield value


class _RelationalMulti(_Relational):
    """Common part of One2many and Many2many: tuple cache values and write commands."""

    _extra_attrs = {"limit": None}

    def _default_copy(self):
        return False

    def cache_null(self):
        return ()

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return ()
        if hasattr(value, "_ids") and hasattr(value, "_name"):
            return tuple(value._ids)
        if isinstance(value, (list, tuple)):
            if len(record._ids) == 1 and isinstance(record._ids[0], NewId) \
                    and any(isinstance(item, (list, tuple)) for item in value):
                return self._commands_on_new(record, value)
            ids = []
            for item in value:
                if isinstance(item, (list, tuple)):
                    # a command list: only meaningful on new records (applied in _update_new)
                    command = item[0]
                    if command == Command.SET:
                        ids = list(item[2])
                    elif command == Command.LINK:
                        ids.append(item[1])
                    elif command in (Command.UNLINK, Command.DELETE):
                        ids = [i for i in ids if i != item[1]]
                    elif command == Command.CLEAR:
                        ids = []
                    elif command == Command.CREATE:
                        ids.append(record.env[self.comodel_name].new(item[2] or {})._ids[0])
                    elif command == Command.UPDATE:
                        if item[1] not in ids:
                            ids.append(item[1])
                else:
                    ids.append(item)
            return tuple(ids)
        raise ValueError(f"Wrong value for {self}: {value!r}")

    def _commands_on_new(self, record, commands):
        """The value of the new ``record`` after ``commands``, relative to its current value (as
        an onchange method assigning ``[Command.create(vals)]`` expects). Lines are in-memory
        records: updating a database line replaces it by a new line standing for it, created
        lines of a one2many point to ``record``. Nothing is written to the database."""
        env = record.env
        comodel = env[self.comodel_name]
        current = env.cache.get(record, self, None)
        if current is None:
            # the origin's lines (a computed value is not current: it is being assigned)
            current = record[self.name]._ids if record._ids[0].origin and not self.compute else ()
        inverse = self.inverse_name if self.type == "one2many" else None
        link = {inverse: record._ids[0]} if inverse else {}

        def same(line_id, target):
            return line_id == target or (isinstance(line_id, NewId) and bool(target)
                                         and target in (line_id.origin, line_id.ref))

        ids = list(current)
        for item in _normalize_commands(commands, self):
            code, target, vals = item[0], item[1], item[2]
            if code == Command.CREATE:
                ref = target if isinstance(target, str) and target else None
                ids.append(comodel.new(dict(vals or {}, **link), ref=ref)._ids[0])
            elif code == Command.UPDATE:
                index = next((i for i, line_id in enumerate(ids) if same(line_id, target)), None)
                line_id = ids[index] if index is not None else target
                if isinstance(line_id, NewId):
                    line = comodel.browse((line_id,))  # browse(NewId) would be empty: NewIds are falsy
                    for name, value in (vals or {}).items():
                        line[name] = value
                else:
                    line_id = comodel.new(dict(vals or {}, **link), origin=comodel.browse(line_id))._ids[0]
                if index is None:
                    ids.append(line_id)
                else:
                    ids[index] = line_id
            elif code in (Command.DELETE, Command.UNLINK):
                ids = [line_id for line_id in ids if not same(line_id, target)]
            elif code == Command.LINK:
                if not any(same(line_id, target) for line_id in ids):
                    ids.append(target)
            elif code == Command.CLEAR:
                ids = []
            elif code == Command.SET:
                ids = list(vals or ())
        return tuple(ids)

    def convert_to_record(self, value, record):
        env = record.env
        corecords = env[self.comodel_name]._browse(env, tuple(value or ()), PrefetchX2many(record, self))
        if not value:
            return corecords
        # the cache holds every linked record; hide archived ones and those the user may not read
        active_name = corecords._active_name
        if active_name and (self.context or {}).get("active_test", env.context.get("active_test", True)):
            corecords = corecords._browse(env, tuple(
                i for i, rec in zip(corecords._ids, corecords) if not i or rec[active_name]), corecords._prefetch_ids)
        if not env.su:
            from ..access import filter_readable
            corecords = filter_readable(corecords)
        return corecords

    def convert_to_read(self, value, record, use_display_name=True):
        return list(value._ids)

    def convert_to_write(self, value, record):
        return [Command.set(value._ids)]

    def convert_to_export(self, value, record):
        return ",".join(value.mapped("display_name")) if value else ""

    def write(self, records, value):
        commands = _normalize_commands(value, self)
        if not records:
            return records
        if not all(records._ids):
            records._update_new(self, commands)
            return records
        self._apply_commands(records, commands)
        return records

    def create_values(self, records, values):
        # group records receiving the same commands (common: none, or one shared list)
        for record, value in zip(records, values):
            commands = _normalize_commands(value, self)
            if commands:
                self._apply_commands(record, commands)

    def _comodel(self, records):
        return records.env[self.comodel_name].with_context(**(self.context or {})) \
            if self.context else records.env[self.comodel_name]


def _normalize_commands(value, field):
    """A list of command tuples from what callers may write on an x2many field."""
    if value is None or value is False:
        return [Command.clear()]
    if hasattr(value, "_ids") and hasattr(value, "_name"):
        return [Command.set(value._ids)]
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"Wrong value for {field}: {value!r} (expected a list of commands)")
    commands = []
    plain_ids = []
    for item in value:
        if isinstance(item, (list, tuple)):
            if not item or item[0] not in tuple(Command):
                raise ValueError(f"Wrong value for {field}: invalid command {item!r}")
            command = tuple(item) + (0,) * (3 - len(item))
            commands.append(command)
        elif isinstance(item, int) and not isinstance(item, bool):
            plain_ids.append(item)
        else:
            raise ValueError(f"Wrong value for {field}: {item!r}")
    if plain_ids:
        if commands:
            raise ValueError(f"Wrong value for {field}: mixes ids and commands")
        commands = [Command.set(plain_ids)]
    return commands


class One2many(_RelationalMulti):
    """The records of ``comodel_name`` whose Many2one ``inverse_name`` points to this record.

    :param inverse_name: the Many2one on the comodel (required)
    :param limit: how many lines are read by default
    """

    type = "one2many"
    _extra_attrs = {"inverse_name": None}

    def __init__(self, comodel_name=None, inverse_name=None, string=None, **kwargs):
        if inverse_name is not None:
            kwargs["inverse_name"] = inverse_name
        super().__init__(comodel_name=comodel_name, string=string, **kwargs)

    def setup(self, model):
        super().setup(model)
        if self.compute and not self.store:
            return
        comodel = model.env[self.comodel_name]
        inverse = comodel._fields.get(self.inverse_name or "")
        if inverse is None or inverse.type not in ("many2one", "integer", "many2one_reference"):
            raise TypeError(f"{self}: inverse_name {self.inverse_name!r} must be a many2one field of "
                            f"{self.comodel_name}")
        if inverse.type == "many2one" and inverse.store and not inverse.index and not inverse.related:
            _logger.debug("%s: inverse field %s is not indexed", self, inverse)

    def get_description(self, env):
        desc = super().get_description(env)
        desc["relation_field"] = self.inverse_name
        return desc

    def _apply_commands(self, records, commands):
        comodel = self._comodel(records)
        inverse = self.inverse_name
        inverse_field = comodel._fields[inverse]
        drop_deletes = inverse_field.type == "many2one" and (
            inverse_field.ondelete == "cascade" or inverse_field.required)

        def detach(lines):
            if not lines:
                return
            if drop_deletes:
                lines.unlink()
            else:
                lines.write({inverse: False})

        for record in records:
            for command in commands:
                code, line_id, vals = command[0], command[1], command[2]
                if code == Command.CREATE:
                    comodel.create([dict(vals or {}, **{inverse: record.id})])
                elif code == Command.UPDATE:
                    comodel.browse(line_id).write(vals or {})
                elif code == Command.DELETE:
                    comodel.browse(line_id).unlink()
                elif code == Command.UNLINK:
                    line = comodel.browse(line_id)
                    if line[inverse].id == record.id:
                        detach(line)
                elif code == Command.LINK:
                    comodel.browse(line_id).write({inverse: record.id})
                elif code == Command.CLEAR:
                    detach(record[self.name])
                elif code == Command.SET:
                    wanted = comodel.browse(list(vals or []))
                    detach(record[self.name] - wanted)
                    if wanted:
                        wanted.write({inverse: record.id})
        records.env.cache.invalidate([(self, records._ids)])


class Many2many(_RelationalMulti):
    """Links to any number of records of ``comodel_name``, in a relation table.

    :param relation: the relation table [``<table1>_<table2>_rel``, tables sorted]
    :param column1: the column pointing to this model [``<table>_id``]
    :param column2: the column pointing to the comodel [``<comodel table>_id``]
    :param ondelete: ``'cascade'`` (default) or ``'restrict'`` for the comodel side
    """

    type = "many2many"
    _extra_attrs = {"relation": None, "column1": None, "column2": None, "ondelete": "cascade"}

    def _default_copy(self):
        # a copy links the same records (orm.md FLD-13); only one2many lines are not shared
        return True

    def __init__(self, comodel_name=None, relation=None, column1=None, column2=None, string=None, **kwargs):
        for key, value in (("relation", relation), ("column1", column1), ("column2", column2)):
            if value is not None:
                kwargs[key] = value
        super().__init__(comodel_name=comodel_name, string=string, **kwargs)

    def setup(self, model):
        super().setup(model)
        if self.compute and not self.store:
            return
        comodel = model.env[self.comodel_name]
        tables = sorted([model._table, comodel._table])
        if not self.relation:
            if model._table == comodel._table:
                raise TypeError(f"{self}: a many2many to the same model needs relation, column1 and column2")
            self.relation = make_identifier(f"{tables[0]}_{tables[1]}_rel")
        if not self.column1 or not self.column2:
            if model._table == comodel._table:
                raise TypeError(f"{self}: a many2many to the same model needs column1 and column2")
            self.column1 = self.column1 or f"{model._table}_id"
            self.column2 = self.column2 or f"{comodel._table}_id"
        if self.ondelete not in ("cascade", "restrict"):
            raise TypeError(f"{self}: ondelete must be 'cascade' or 'restrict'")

    def get_description(self, env):
        desc = super().get_description(env)
        desc["relation_table"] = self.relation
        return desc

    def _apply_commands(self, records, commands):
        """Apply x2many commands with the rights of ``records.env`` (security.md ACL-3): creating,
        updating and deleting targets are ``create``/``write``/``unlink`` on the comodel; linking
        (1, 4, 6) and unlinking (3) a target need the right to read it; clearing (5) and replacing
        (6) remove the links to the records the user may read only, the others stay."""
        comodel = self._comodel(records)
        env = records.env
        rel, col1, col2 = self.relation, self.column1, self.column2
        ids = list(records._ids)
        for command in commands:
            code, target_id, vals = command[0], command[1], command[2]
            if code == Command.CREATE:
                target = comodel.create([vals or {}])
                self._link(env, ids, target._ids, checked=True)
            elif code == Command.UPDATE:
                comodel.browse(target_id).write(vals or {})
                self._link(env, ids, [target_id])
            elif code == Command.DELETE:
                comodel.browse(target_id).unlink()
            elif code == Command.UNLINK:
                _check_readable(comodel, [target_id])
                env.cr.execute(SQL("DELETE FROM %s WHERE %s IN %s AND %s = %s", SQL.identifier(rel),
                                   SQL.identifier(col1), tuple(ids), SQL.identifier(col2), target_id))
            elif code == Command.LINK:
                self._link(env, ids, [target_id])
            elif code == Command.CLEAR:
                env.cr.execute(SQL("DELETE FROM %s WHERE %s IN %s%s", SQL.identifier(rel),
                                   SQL.identifier(col1), tuple(ids), _visible_targets(comodel, col2)))
            elif code == Command.SET:
                wanted = [int(i) for i in (vals or [])]
                _check_readable(comodel, wanted)
                if wanted:
                    env.cr.execute(SQL("DELETE FROM %s WHERE %s IN %s AND %s NOT IN %s%s", SQL.identifier(rel),
                                       SQL.identifier(col1), tuple(ids), SQL.identifier(col2), tuple(wanted),
                                       _visible_targets(comodel, col2)))
                else:
                    env.cr.execute(SQL("DELETE FROM %s WHERE %s IN %s%s", SQL.identifier(rel),
                                       SQL.identifier(col1), tuple(ids), _visible_targets(comodel, col2)))
                self._link(env, ids, wanted, checked=True)
        self._invalidate_relation(env, records)

    def _link(self, env, ids, target_ids, checked=False):
        """Link ``ids`` to ``target_ids``; the user must be allowed to read the targets unless
        ``checked`` (they were just created or checked by the caller)."""
        rows = [(a, b) for a in ids for b in dict.fromkeys(int(t) for t in target_ids)]
        if not rows:
            return
        comodel = env[self.comodel_name]
        if not checked:
            _check_readable(comodel, [b for _, b in rows])
        existing = comodel.browse([b for _, b in rows]).sudo().exists()
        missing = set(b for _, b in rows) - set(existing._ids)
        if missing:
            from ...exceptions import ValidationError
            raise ValidationError(env._("%s: the referenced %s records do not exist: %s",
                                        self.string, self.comodel_name, sorted(missing)))
        query = SQL("INSERT INTO %s (%s, %s) VALUES ", SQL.identifier(self.relation),
                    SQL.identifier(self.column1), SQL.identifier(self.column2)).code + "%s ON CONFLICT DO NOTHING"
        env.cr.execute_values(query, rows, page_size=1000)

    def _invalidate_relation(self, env, records):
        env.cache.invalidate([(self, records._ids)])
        for other in records.pool.field_inverses.get(self, ()):
            env.cache.invalidate([(other, None)])
        for other in records.pool.many2many_relations.get(self.relation, ()):
            if other is not self:
                env.cache.invalidate([(other, None)])


def _check_readable(comodel, ids):
    """:raises AccessError: the user may not read some of the comodel records ``ids`` (those that
        do not exist are left to the caller)"""
    if comodel.env.su or not ids:
        return
    comodel.check_access_rights("read")
    comodel.browse(list(dict.fromkeys(int(i) for i in ids))).check_access_rule("read")


def _visible_targets(comodel, column):
    """SQL to AND to a deletion of links: only the links to records the user may read go."""
    if comodel.env.su:
        return SQL("")
    readable = comodel.with_context(active_test=False)._search([])
    return SQL(" AND %s IN (%s)", SQL.identifier(column), readable.subselect())


class Many2oneReference(Field):
    """The id of a record whose model is given by another field (``model_field``): ``INT4``."""

    type = "many2one_reference"
    column_type = ("int4", "INT4")
    _extra_attrs = {"model_field": None}

    def convert_to_cache(self, value, record, validate=True):
        if hasattr(value, "_ids"):
            return value._ids[0] if value._ids else None
        return int(value) if value else None

    def convert_to_record(self, value, record):
        return value or 0

    def convert_to_read(self, value, record, use_display_name=True):
        return value or 0

    def get_description(self, env):
        desc = super().get_description(env)
        desc["model_field"] = self.model_field
        return desc
