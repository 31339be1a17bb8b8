"""Onchange: what a form shows after the user changes a field (orm.md API-18, DEC-5).

A client editing a form sends the form's values (RPC format, x2many fields as commands), the
fields the user just changed and the fields it displays (``fields_spec``, with ``{'fields':
{...}}`` for the columns of x2many lines). :meth:`OnchangeMixin.onchange` then:

1. builds an in-memory record (``new()``; its origin is the database record being edited, if any)
   holding what the client shows, and takes a :class:`Snapshot` of it;
2. applies the user's changes and marks them modified, which invalidates the computed fields
   (stored or not) depending on them, on the record and on its lines;
3. processes each changed field in order: its ``@api.onchange`` methods run, then the next
   snapshot recomputes what depends on it; fields changed in the process are processed in turn,
   each at most once;
4. answers the displayed fields whose value differs from the first snapshot, x2many fields as
   commands relative to what the client sent::

    >>> order.onchange({'id': 7, 'line_ids': [(1, 3, {'price': 5.0})]}, ['line_ids'],
    ...                {'total': {}, 'line_ids': {'fields': {'price': {}, 'subtotal': {}}}})
    {'value': {'total': 15.0, 'line_ids': [(1, 3, {'subtotal': 15.0})]}}

Without modified fields (a new form), defaults fill the fields the client lacks, every onchange
method runs and every displayed field is answered. Nothing is written to the database: values of
database records are only read, through the user's access rights and record rules.
"""
import itertools
import logging

from .access import display_name_of
from .commands import Command
from .environment import NewId
from .errors import invalid_field

_logger = logging.getLogger(__name__)

X2MANY = ("one2many", "many2many")


def _line_key(line_id):
    """What identifies a line between two snapshots: the database id of a line standing for a
    database record, the client's reference (``'virtual_3'``) of a new line, else the NewId."""
    if isinstance(line_id, NewId):
        return line_id.origin or line_id.ref or line_id
    return line_id


def _matches(line_id, target):
    """Whether the line ``line_id`` is the one a client command names with ``target``."""
    if isinstance(line_id, NewId):
        return bool(target) and target in (line_id.origin, line_id.ref)
    return line_id == target


class Snapshot(dict):
    """The values of ``record`` for the fields of ``spec``: record values, and for x2many fields
    ``{line key: Snapshot of the line}``.

    :param names: the fields to take (all of ``spec`` by default); the others count as unknown to
        the client, hence always different
    :param known: ``{line id: field names}`` the client gave for its new lines (same meaning as
        ``names`` for the lines' snapshots)
    """

    def __init__(self, record, spec, names=None, known=None):
        super().__init__()
        self.record = record
        self.spec = spec
        self.known = known if known is not None else {}
        for name in (spec if names is None else names):
            if name in spec:
                self.fetch(name)

    def fetch(self, name):
        field = self.record._fields[name]
        value = self.record[name]
        if field.type in X2MANY:
            sub = self.spec[name].get("fields") or {}
            self[name] = {_line_key(line._ids[0]): Snapshot(line, sub, self.known.get(line._ids[0]), self.known)
                          for line in value}
        else:
            self[name] = value

    def diff(self, other, keys, force=False, legacy=False):
        """The RPC values of the fields whose value differs from ``other`` (all with ``force``).

        :param keys: a callable giving the client key of a line key (``'virtual_<n>'`` for lines
            created here)
        """
        result = {}
        for name in self.spec:
            if name not in self:
                continue
            if not force and name in other and other[name] == self[name]:
                continue
            field = self.record._fields[name]
            if field.type not in X2MANY:
                result[name] = _read_value(field, self[name], self.record)
            elif legacy:
                result[name] = [(int(Command.CLEAR),)] + self._line_commands(field, {}, keys, True)
            else:
                result[name] = self._line_commands(field, other.get(name) or {}, keys, force)
        return result

    def _line_commands(self, field, old, keys, force):
        new = self[field.name]
        remove = Command.DELETE if field.type == "one2many" else Command.UNLINK
        commands = [(int(remove), keys(key)) for key in old if key not in new]
        for key, line in new.items():
            if key in old and not force:
                changes = line.diff(old[key], keys)
                if changes:
                    commands.append((int(Command.UPDATE), keys(key), changes))
            elif isinstance(key, int):
                # a database record joining the value: link it, and send what differs from the database
                commands.append((int(Command.LINK), key))
                base = Snapshot(line.record.browse(key), line.spec)
                changes = line.diff(base, keys)
                if changes:
                    commands.append((int(Command.UPDATE), key, changes))
            else:
                commands.append((int(Command.CREATE), keys(key), line.diff({}, keys, force=True)))
        return commands


def _read_value(field, value, record):
    """The RPC value of a record value (a many2one to an in-memory record: its origin, or False)."""
    if field.type == "many2one":
        if not value:
            return False
        value_id = value._ids[0]
        if isinstance(value_id, NewId):
            value_id = value_id.origin
            if not value_id:
                return False
            return (value_id, value.sudo().display_name)
        return (value_id, display_name_of(value))
    return field.convert_to_read(value, record)


def _legacy_arguments(field_name, field_onchange):
    """``(field_names, fields_spec)`` from the legacy ``(field_name, field_onchange)`` where
    ``field_onchange`` is ``{'name': '1', 'line_ids': '', 'line_ids.price': '1', ...}``."""
    names = [field_name] if isinstance(field_name, str) else list(field_name or ())
    spec = {}
    for dotted in field_onchange or {}:
        node = spec
        parts = dotted.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {}).setdefault("fields", {})
        node.setdefault(parts[-1], {})
    return names, spec


def _is_legacy(field_names, fields_spec):
    if isinstance(field_names, str):
        return True
    return any("." in name or not isinstance(value, dict) for name, value in (fields_spec or {}).items())


class OnchangeMixin:
    """``onchange()`` (mixed into :class:`~bureau.orm.model.BaseModel`)."""

    def onchange(self, values, field_names, fields_spec):
        """The changes a form shows after the user changed ``field_names`` (see the module doc).

        :param values: the form's values in RPC format (x2many fields as commands; a many2one may
            be a dict of values, standing for an in-memory record); ``values['id']`` (or ``self``)
            is the database record being edited
        :param field_names: the fields the user changed, in order; empty for a new form
        :param fields_spec: ``{field: {}}`` of the displayed fields, ``{'fields': {...}}`` giving
            the displayed fields of x2many lines. The legacy arguments ``(field_name,
            field_onchange)`` are accepted too (x2many values then replace the whole value)
        :returns: ``{'value': {field: RPC value}}`` plus ``'warning': {'title', 'message',
            'type'}`` when onchange methods returned warnings (merged into one)
        :raises AccessError: the user may not read the model, the record or a displayed field
        """
        legacy = _is_legacy(field_names, fields_spec)
        if legacy:
            field_names, fields_spec = _legacy_arguments(field_names, fields_spec)
        return _Onchange(self, dict(values or {}), list(field_names or ()), fields_spec or {}, legacy).run()


class _Onchange:
    """One ``onchange()`` call: preparation of the in-memory record, processing, answer."""

    def __init__(self, model, values, field_names, spec, legacy):
        self.model = model
        self.env = model.env
        self.values = values
        self.field_names = field_names
        self.spec = {name: (sub or {}) for name, sub in spec.items() if name != "id"}
        self.legacy = legacy
        self.first_call = not field_names
        #: ``[(line, field names)]`` given by the client's changes: marked modified after the snapshot
        self.touched = []
        #: ``{new line id: field names}`` the client gave for its new lines
        self.known = {}
        self._defaults = {}
        self._virtual = {}
        self._counter = itertools.count(1)
        self._refs = set()

    # -- the call --------------------------------------------------------------------------------
    def run(self):
        model = self.model
        self._check_spec(model, self.spec)
        for name in self.field_names:
            if name not in model._fields:
                raise invalid_field(model, name)
        record, field_names, shown, before = self._prepare()
        todo = list(dict.fromkeys(field_names + list(self.spec))) if self.first_call else list(field_names)
        with self.env.protecting([model._fields[name] for name in field_names], record):
            record.modified(todo)
        for line, names in self.touched:
            with self.env.protecting([line._fields[name] for name in names], line):
                line.modified(names)
        after, warnings, domains = self._process(record, todo, before)
        result = {"value": after.diff(shown, self._client_key, force=self.first_call, legacy=self.legacy)}
        warning = self._merge_warnings(warnings)
        if warning:
            result["warning"] = warning
        if domains:
            result["domain"] = domains
        return result

    def _prepare(self):
        """The in-memory record holding the client's values, the changed fields, and two snapshots
        taken before the changes are marked modified: ``shown`` (what the client has: fields it
        did not send are unknown) and ``before`` (every displayed field, for the cascade)."""
        model = self.model
        origin = self._origin()
        values = self.values
        field_names = list(self.field_names)
        if self.first_call:
            field_names = [name for name in values if name != "id" and name in model._fields]
            missing = [name for name in self.spec if name not in values]
            defaults = model.default_get(missing) if missing else {}
            for name in missing:
                values[name] = defaults.get(name, False)
            field_names += [name for name in missing if name in defaults]
        changed = {name: values[name] for name in field_names if name in values}
        initial = {name: value for name, value in values.items()
                   if name != "id" and name not in changed and name in model._fields}
        record = model.new(origin=origin)
        if origin:
            self._copy_origin(record, origin, [name for name in self.spec if name not in initial])
            known = None
        else:
            initial.update(dict.fromkeys(changed, False))
            known = list(initial)
        self._set_values(record, initial, self.spec)
        if self.first_call:
            shown = before = Snapshot(record, self.spec, [])
        else:
            shown = Snapshot(record, self.spec, known, self.known)
            before = Snapshot(record, self.spec) if known is not None or self.known else shown
        self._set_values(record, changed, self.spec, touched=True)
        if not self.first_call:
            for name in changed:
                if name in self.spec:
                    shown.fetch(name)
                    if before is not shown:
                        before.fetch(name)
        return record, field_names, shown, before

    def _process(self, record, todo, before):
        """Run the onchange methods of ``todo``, then of the displayed fields that changed since
        ``before`` as a result (each field once); returns the last snapshot, warnings, domains."""
        warnings, domains = [], {}
        done = set()
        after = None
        while todo:
            for name in todo:
                self._apply_onchange_methods(record, name, warnings, domains)
                done.add(name)
            after = Snapshot(record, self.spec)
            todo = [name for name in self.spec
                    if name not in done and (name not in before or before[name] != after[name])]
        if after is None:
            after = Snapshot(record, self.spec)
        return after, warnings, domains

    def _check_spec(self, model, spec):
        """Refuse unknown fields and what the user may not read (model rights, field groups)."""
        model.check_access_rights("read")
        model._check_read_fields([name for name in spec if name != "id"])
        for name, sub in spec.items():
            field = model._fields[name]
            if field.relational and sub and sub.get("fields"):
                self._check_spec(self.env[field.comodel_name], {n: s for n, s in sub["fields"].items() if n != "id"})

    def _origin(self):
        """The database record being edited (its read rules apply), or None."""
        model = self.model
        record_id = self.values.get("id") or (model._ids[0] if len(model._ids) == 1 else None)
        if not isinstance(record_id, int) or isinstance(record_id, bool) or not record_id:
            return None
        origin = model.browse(record_id)
        origin.check_access_rule("read")
        return origin

    # -- filling the in-memory record ------------------------------------------------------------
    def _copy_origin(self, record, origin, names):
        """Put the database values of ``names`` (displayed, not given) in the cache of ``record``."""
        cache = self.env.cache
        for name in names:
            field = record._fields[name]
            if field.type in X2MANY:
                sub = self.spec[name].get("fields") or {}
                cache.set(record, field, tuple(self._origin_lines(record, field, sub)))
            else:
                cache.set(record, field, field.convert_to_cache(origin[name], record, validate=False))

    def _set_values(self, record, values, spec, touched=False):
        """Put RPC ``values`` in the cache of the in-memory ``record`` (nothing is recomputed)."""
        cache = self.env.cache
        for name, value in values.items():
            field = record._fields.get(name)
            if field is None or name == "id":
                continue
            if field.type in X2MANY:
                sub = (spec.get(name) or {}).get("fields") or {}
                cache.set(record, field, tuple(self._lines(record, field, value, sub, touched)))
            elif field.type == "many2one" and isinstance(value, dict):
                cache.set(record, field, self._related_record(field, value))
            else:
                cache.set(record, field, field.convert_to_cache(value, record))

    def _related_record(self, field, value):
        """A many2one given as a dict: ``{'id': n}`` is that record; other keys are the values of
        an in-memory record (a line's form sends its parent's values this way)."""
        record_id = value.get("id")
        if set(value) <= {"id", "display_name"}:
            return record_id or None
        comodel = self.env[field.comodel_name]
        origin = comodel.browse(record_id) if record_id and not isinstance(record_id, NewId) else None
        related = comodel.new(origin=origin)
        if origin:
            # the in-memory record stands for ``origin``: the user must be able to read it
            origin.check_access("read")
            self._copy_origin_values(related, origin, [n for n in value if n not in ("id",)])
        self._set_values(related, {n: v for n, v in value.items() if n in comodel._fields}, {})
        return related._ids[0]

    def _copy_origin_values(self, record, origin, names):
        cache = self.env.cache
        for name in names:
            field = record._fields.get(name)
            if field is not None and field.type not in X2MANY and name != "id":
                cache.set(record, field, field.convert_to_cache(origin[name], record, validate=False))

    def _origin_lines(self, record, field, sub):
        """In-memory lines standing for the database lines of ``record``'s origin."""
        origin = record._origin
        if not origin or not field.store:
            return []
        lines = origin[field.name]
        return [self._line(record, field, lines.browse(line_id).with_prefetch(lines._ids), None, sub)._ids[0]
                for line_id in lines._ids]

    def _line(self, record, field, origin_line, ref, sub):
        """A new line of ``record``'s x2many ``field``: the database line ``origin_line`` (whose
        displayed values are copied), or a new one with the client's reference ``ref``."""
        comodel = self.env[field.comodel_name]
        line = comodel.new(origin=origin_line or None, ref=ref)
        cache = self.env.cache
        if origin_line:
            for name in sub:
                subfield = comodel._fields.get(name)
                if subfield is None or name == "id":
                    continue
                if subfield.type in X2MANY:
                    subsub = sub[name].get("fields") or {}
                    cache.set(line, subfield, tuple(self._origin_lines(line, subfield, subsub)))
                else:
                    cache.set(line, subfield, subfield.convert_to_cache(origin_line[name], line, validate=False))
        if field.type == "one2many" and field.inverse_name in comodel._fields:
            cache.set(line, comodel._fields[field.inverse_name], record._ids[0])
        return line

    def _lines(self, record, field, value, sub, touched):
        """The line ids of x2many ``field`` after the client's commands ``value``, relative to the
        current lines (the origin's when none are cached)."""
        cache = self.env.cache
        comodel = self.env[field.comodel_name]
        current = cache.get(record, field, None)
        lines = list(current) if current is not None else self._origin_lines(record, field, sub)
        if value is None or value is False:
            return []
        if hasattr(value, "_ids"):
            value = [(Command.SET, 0, list(value._ids))]
        if value and not isinstance(value[0], (list, tuple)):
            value = [(Command.SET, 0, list(value))]
        for command in value:
            code = command[0]
            target = command[1] if len(command) > 1 else 0
            vals = command[2] if len(command) > 2 else None
            if code == Command.CREATE:
                ref = target if isinstance(target, str) and target else None
                line = self._line(record, field, None, ref, sub)
                self._new_line_values(line, field, vals or {}, sub, touched)
                lines.append(line._ids[0])
            elif code == Command.UPDATE:
                index = next((i for i, line_id in enumerate(lines) if _matches(line_id, target)), None)
                if index is None and not isinstance(target, int):
                    # a line the client created earlier and did not send again
                    line = self._line(record, field, None, target or None, sub)
                    lines.append(line._ids[0])
                elif index is None or not isinstance(lines[index], NewId):
                    line = self._line(record, field, comodel.browse(target), None, sub)
                    if index is None:
                        lines.append(line._ids[0])
                    else:
                        lines[index] = line._ids[0]
                else:
                    line = comodel.browse((lines[index],))
                self._line_values(line, vals or {}, sub, touched)
            elif code in (Command.DELETE, Command.UNLINK):
                lines = [line_id for line_id in lines if not _matches(line_id, target)]
            elif code == Command.LINK:
                if not any(_matches(line_id, target) for line_id in lines):
                    lines.append(self._line(record, field, comodel.browse(target), None, sub)._ids[0])
            elif code == Command.CLEAR:
                lines = []
            elif code == Command.SET:
                kept = {_line_key(line_id): line_id for line_id in lines}
                wanted = comodel.browse(list(vals or ()))
                lines = [kept.get(line_id) or self._line(record, field, wanted.browse(line_id).with_prefetch(
                    wanted._ids), None, sub)._ids[0] for line_id in wanted._ids]
            else:
                raise ValueError(f"Wrong value for {field}: invalid command {command!r}")
        return lines

    def _line_values(self, line, vals, sub, touched):
        if isinstance(line._ids[0], NewId) and line._ids[0].ref:
            self._refs.add(line._ids[0].ref)
        values = {name: value for name, value in vals.items() if name in line._fields and name != "id"}
        self._set_values(line, values, sub, touched)
        if touched and values:
            self.touched.append((line, list(values)))

    def _new_line_values(self, line, field, vals, sub, touched):
        """Values of a line the client created: its values, and the defaults of the others (what
        ``create`` will apply on save); only the given fields are known to the client."""
        comodel = line.browse()
        if isinstance(field.context, dict) and field.context:
            comodel = comodel.with_context(**field.context)
        defaults = self._defaults.get(field)
        if defaults is None:
            names = [name for name in comodel._fields if name != "id"]
            defaults = self._defaults[field] = comodel.default_get(names)
        inverse = field.inverse_name if field.type == "one2many" else None
        missing = {name: value for name, value in defaults.items() if name not in vals and name != inverse}
        self._set_values(line, missing, sub)
        self._line_values(line, vals, sub, touched)
        self.known[line._ids[0]] = [name for name in vals if name in sub]

    # -- processing ------------------------------------------------------------------------------
    def _apply_onchange_methods(self, record, name, warnings, domains):
        for method in record.pool.onchange_methods.get(record._name, {}).get(name, ()):
            result = method(record)
            if not isinstance(result, dict):
                continue
            for fname, value in (result.get("value") or {}).items():
                if fname in record._fields:
                    record[fname] = value
            warning = result.get("warning")
            if warning:
                entry = (warning.get("title") or "", warning.get("message") or "", warning.get("type") or "dialog")
                if entry not in warnings:
                    warnings.append(entry)
            if result.get("domain"):
                domains.update(result["domain"])

    def _merge_warnings(self, warnings):
        if not warnings:
            return None
        if len(warnings) == 1:
            title, message, kind = warnings[0]
            return {"title": title, "message": message, "type": kind}
        message = "\n\n".join(f"{title}\n\n{text}" if title else text for title, text, _kind in warnings)
        return {"title": self.env._("Warnings"), "message": message, "type": "dialog"}

    def _client_key(self, key):
        """The id a client knows a line by: database id, its own reference, or ``virtual_<n>``."""
        if not isinstance(key, NewId):
            return key
        virtual = self._virtual.get(key)
        if virtual is None:
            virtual = next(f"virtual_{n}" for n in self._counter if f"virtual_{n}" not in self._refs)
            self._virtual[key] = virtual
        return virtual
