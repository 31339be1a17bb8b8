"""A record's values as the server wants them: for ``onchange`` and for ``create``/``write``.

Records keep values in ``read`` format (many2one ``[id, name]``); the server takes many2one ids
and x2many *commands*. Two flavours:

* :func:`onchange_values`: every field, x2many lines as commands relative to the database
  record with the client's references for new lines (``(0, 'virtual_3', vals)``), so the server's
  answer can name them (orm.md API-18);
* :func:`write_values`: what changed (everything for a new record), without read-only fields
  unless ``force_save``; x2many lines as the commands of views.md §3.5.

Hosts that show a record (forms, editable rows) tell it which fields their modifiers currently make
read-only by setting ``record.view_readonly = {name: bool}`` and ``record.force_save = {names}``;
without them the field descriptions decide.
"""
X2MANY = ("one2many", "many2many")


def wire(description, value):
    """A ``read``-format value as a ``write`` value."""
    kind = (description or {}).get("type")
    if kind == "many2one" and isinstance(value, (list, tuple)):
        return value[0] if value else False
    if kind in X2MANY and value is None:
        return []
    return value


def is_readonly(record, name):
    """Whether ``name`` is read-only for saving (view modifiers, else the field description)."""
    view = getattr(record, "view_readonly", None) or {}
    if name in view:
        return view[name]
    return bool(record.fields.get(name, {}).get("readonly"))


def _relation_field(x2many):
    return x2many.description.get("relation_field") if x2many.kind == "one2many" else None


# -- onchange ----------------------------------------------------------------------------------------
def onchange_values(record, with_parent=True):
    """All values of ``record`` for ``onchange`` (x2many lines as commands, ``id`` included).

    A line's values also carry its parent's values under the inverse many2one, as a dict the
    server turns into an in-memory record (``parent.x`` in the line's onchange methods).
    """
    result = {}
    for name, description in record.fields.items():
        if name in record.lines:
            result[name] = onchange_commands(record.lines[name])
        else:
            result[name] = wire(description, record.values.get(name, False))
    result["id"] = record.id or False
    parent = record.parent
    if with_parent and parent is not None:
        inverse = getattr(record, "parent_field", None)
        if inverse and inverse in record.fields:
            result[inverse] = parent_dict(parent)
    return result


def parent_dict(parent):
    """The parent's values for a line's onchange (no x2many: they would recurse)."""
    values = {name: wire(description, parent.values.get(name, False))
              for name, description in parent.fields.items() if description.get("type") not in X2MANY}
    values["id"] = parent.id or False
    return values


def _line_values(line, names=None):
    values = {}
    for name, description in line.fields.items():
        if names is not None and name not in names:
            continue
        if name in line.lines:
            commands = onchange_commands(line.lines[name])
            if commands or names is None:
                values[name] = commands
        else:
            values[name] = wire(description, line.values.get(name, False))
    return values


def onchange_commands(x2many):
    """The lines as commands relative to the database record, with references for new lines."""
    commands = []
    remove = 2 if x2many.kind == "one2many" else 3
    inverse = _relation_field(x2many)
    for key in x2many.removed:
        commands.append((remove, key))
    for key in x2many.current:
        line = x2many.records.get(key)
        if isinstance(key, int):
            if key not in x2many.initial:
                commands.append((4, key))
            if line is not None and line.dirty:
                commands.append((1, key, _line_values(line, line.dirty)))
        elif line is not None:
            values = _line_values(line)
            values.pop(inverse, None)
            values.pop("id", None)
            commands.append((0, key, values))
    return commands


# -- saving --------------------------------------------------------------------------------------------
def write_values(record):
    """The values to save: changed fields (all editable ones for a new record), x2many commands."""
    force = getattr(record, "force_save", None) or set()
    names = set(record.fields) if record.is_new else set(record.dirty)
    names |= {name for name, lines in record.lines.items() if lines.is_dirty()}
    result = {}
    for name in sorted(names):
        if name == "id" or name not in record.fields:
            continue
        if is_readonly(record, name) and name not in force:
            continue
        if name in record.lines:
            commands = save_commands(record.lines[name])
            if commands or not record.is_new:
                result[name] = commands
            continue
        result[name] = wire(record.fields[name], record.values.get(name, False))
    return result


def save_commands(x2many):
    """The x2many commands that save the lines (views.md §3.5)."""
    commands = []
    remove = 2 if x2many.kind == "one2many" else 3
    inverse = _relation_field(x2many)
    for key in x2many.removed:
        commands.append((remove, key, 0))
    for key in x2many.current:
        line = x2many.records.get(key)
        if isinstance(key, int):
            if key not in x2many.initial:
                commands.append((4, key, 0))
            if line is not None and line.is_dirty():
                values = write_values(line)
                values.pop(inverse, None)
                if values:
                    commands.append((1, key, values))
        elif line is not None:
            values = write_values(line)
            values.pop(inverse, None)
            commands.append((0, 0, values))
    return commands
