"""A record being shown or edited: values in wire format, dirty tracking and save values.

A :class:`Record` knows nothing about widgets: widgets read and set values through it and listen to
its changes. Values are kept in ``read`` format (many2one ``[id, name]``, dates as strings);
:meth:`Record.save_values` turns the changed ones into ``write`` format, x2many lines into commands
(views.md §3.5). :meth:`Record.eval_values` gives the evaluation context of modifiers (views.md §2.1).
"""
import itertools

from .fields import field_type

_virtual_ids = itertools.count(1)


class Record:
    """:param model: model name
    :param fields: ``{name: fields_get description}`` of the fields the view shows
    :param values: initial values (``read`` format); ``id`` False for a new record
    :param parent: the owning record of a line (x2many), for ``parent.x`` in modifiers
    """

    def __init__(self, model, fields, values=None, parent=None):
        self.model = model
        self.fields = fields
        self.parent = parent
        self.values = dict(values or {})
        self.id = self.values.get("id") or False
        self.virtual_id = None if self.id else f"virtual_{next(_virtual_ids)}"
        self.original = dict(self.values)
        self.dirty = set()
        self.lines = {}
        self._listeners = []
        for name, description in fields.items():
            if description.get("type") in ("one2many", "many2many"):
                self.lines[name] = X2manyValue(self, name, description, self.values.get(name) or [])

    # -- values ----------------------------------------------------------------------------------
    @property
    def is_new(self):
        return not self.id

    def get(self, name):
        if name in self.lines:
            return self.lines[name].ids()
        return self.values.get(name, False)

    def set(self, name, value, mark_dirty=True):
        """Assign a value (``read`` format); listeners are told about the change."""
        if name in self.lines:
            self.lines[name].reset(value or [])
        else:
            self.values[name] = value
        if mark_dirty:
            self.dirty.add(name)
        self._notify(name)

    def apply_onchange(self, values):
        """Apply an onchange ``value`` dict (x2many values as commands)."""
        for name, value in values.items():
            if name in self.lines:
                self.lines[name].apply_commands(value)
                self.dirty.add(name)
                self._notify(name)
            elif name in self.fields:
                self.set(name, value)

    def is_dirty(self):
        return bool(self.dirty) or any(lines.is_dirty() for lines in self.lines.values())

    def listen(self, callback):
        """``callback(record, field_name)`` after every change."""
        self._listeners.append(callback)

    def unlisten(self, callback):
        if callback in self._listeners:
            self._listeners.remove(callback)

    def touch(self, name):
        """Tell the listeners that ``name`` changed in place (x2many lines edited)."""
        self._notify(name)

    def _notify(self, name):
        for callback in list(self._listeners):
            callback(self, name)
        if self.parent is not None:
            self.parent._notify_line(self)

    def _notify_line(self, line):
        for callback in list(self._listeners):
            callback(self, None)

    # -- evaluation context ----------------------------------------------------------------------
    def eval_values(self):
        """Values for modifiers: many2one as id, x2many as id lists (virtual ids for new lines)."""
        result = {}
        for name, description in self.fields.items():
            value = self.get(name)
            if description.get("type") == "many2one" and isinstance(value, (list, tuple)):
                value = value[0] if value else False
            result[name] = value
        result["id"] = self.id
        if self.parent is not None:
            result["parent"] = _Namespace(self.parent.eval_values())
        return result

    # -- saving ----------------------------------------------------------------------------------
    def save_values(self, all_fields=False):
        """The changed values (all of them for a new record) in ``write`` format."""
        names = set(self.fields) if (all_fields or self.is_new) else set(self.dirty)
        names |= {name for name, lines in self.lines.items() if lines.is_dirty()}
        result = {}
        for name in names:
            if name == "id" or name not in self.fields:
                continue
            description = self.fields[name]
            if description.get("readonly") and not description.get("force_save") and not self.is_new \
                    and name not in self.dirty:
                continue
            if name in self.lines:
                commands = self.lines[name].commands()
                if commands or not self.is_new:
                    result[name] = commands
                continue
            value = self.values.get(name, False)
            if description.get("type") == "many2one" and isinstance(value, (list, tuple)):
                value = value[0] if value else False
            result[name] = value
        return result

    def mark_saved(self, record_id=None):
        if record_id:
            self.id = record_id
            self.values["id"] = record_id
        self.dirty.clear()
        self.original = dict(self.values)
        for lines in self.lines.values():
            lines.mark_saved()

    def display(self, name, user_tz=None):
        return field_type(self.fields.get(name)).display(self.get(name) if name not in self.lines else
                                                        self.lines[name].ids(), self, user_tz)


class _Namespace:
    """``parent.x`` in expressions."""

    def __init__(self, values):
        self.__dict__.update(values)

    def get(self, name, default=False):
        return self.__dict__.get(name, default)


class X2manyValue:
    """The lines of a one2many/many2many field in a form, as sub-records producing commands."""

    def __init__(self, record, name, description, ids):
        self.record = record
        self.name = name
        self.description = description
        self.kind = description.get("type")
        self.initial = list(ids)
        self.current = list(ids)
        self.records = {}
        self.removed = []
        #: field descriptions of the lines (set by the view showing them; lines created by an
        #: onchange get them instead of plain text fields)
        self.line_fields = {}

    def ids(self):
        return [line if isinstance(line, int) else line for line in self.current]

    def reset(self, ids):
        self.initial = [i for i in ids if isinstance(i, int)]
        self.current = list(self.initial)
        self.records.clear()
        self.removed = []

    def line(self, key, fields=None, values=None):
        """The sub-record of an existing id or virtual id (created on first use)."""
        if key not in self.records:
            self.records[key] = Record(self.description.get("relation"), fields or self.line_fields,
                                       values or {"id": key},
                                       parent=self.record)
        return self.records[key]

    def add(self, fields, values=None):
        line = Record(self.description.get("relation"), fields, dict(values or {}, id=False), parent=self.record)
        self.records[line.virtual_id] = line
        self.current.append(line.virtual_id)
        self.record._notify(self.name)
        return line

    def link(self, ids):
        for record_id in ids:
            if record_id not in self.current:
                self.current.append(record_id)
        self.record._notify(self.name)

    def remove(self, key):
        if key in self.current:
            self.current.remove(key)
            if isinstance(key, int):
                self.removed.append(key)
            self.records.pop(key, None) if not isinstance(key, int) else None
        self.record._notify(self.name)

    def apply_commands(self, commands):
        """Apply onchange commands (create with virtual ids, update, delete/unlink, link, set, clear)."""
        for command in commands or []:
            code = command[0]
            if code == 0:
                fields = self.line_fields or {k: {"type": "char"} for k in (command[2] or {})}
                line = Record(self.description.get("relation"), fields, dict(command[2] or {}, id=False),
                              parent=self.record)
                self.records[line.virtual_id] = line
                self.current.append(line.virtual_id)
            elif code == 1:
                line = self.line(command[1])
                for key, value in (command[2] or {}).items():
                    line.values[key] = value
                    line.dirty.add(key)
            elif code in (2, 3):
                self.remove(command[1])
            elif code == 4:
                self.link([command[1]])
            elif code == 5:
                for key in list(self.current):
                    self.remove(key)
            elif code == 6:
                for key in list(self.current):
                    if key not in command[2]:
                        self.remove(key)
                self.link(command[2])

    def is_dirty(self):
        return (self.current != self.initial or bool(self.removed)
                or any(line.is_dirty() for line in self.records.values()))

    def commands(self):
        """The x2many commands to save the lines (views.md §3.5)."""
        commands = []
        delete = self.kind == "one2many"
        for record_id in self.removed:
            commands.append((2 if delete else 3, record_id, 0))
        for key in self.current:
            line = self.records.get(key)
            if isinstance(key, int):
                if key not in self.initial:
                    commands.append((4, key, 0))
                if line is not None and line.is_dirty():
                    commands.append((1, key, line.save_values()))
            elif line is not None:
                if self.kind == "one2many":
                    commands.append((0, 0, line.save_values(all_fields=True)))
                else:
                    commands.append((0, 0, line.save_values(all_fields=True)))
        return commands

    def mark_saved(self):
        self.initial = [i for i in self.current if isinstance(i, int)]
        self.removed = []
