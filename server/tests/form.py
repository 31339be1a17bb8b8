"""``Form``: fill a form view from a test as the desktop client would (modules.md TEST-5).

::

    with Form(env['test.orm.order']) as order:          # defaults and onchanges of a new form
        order.name = 'SO1'
        order.partner_id = partner                      # its onchange runs, the form follows
        with order.line_ids.new() as line:              # a sub-form on the line's form view
            line.price = 3.0
    record = order.save()                               # create (or write when editing)

The form view comes from ``get_views`` (the default one, or ``view``), so fields, sub-views and
the ``on_change="1"`` marks are what a client gets. Setting a field marked ``on_change`` calls the
model's ``onchange()`` with the form's values and applies the answer. The modifiers of the view
are honoured: writing a readonly or invisible field and saving with a visible required field empty
raise :class:`AssertionError`. Modifiers are modern expressions (``invisible="state != 'draft'"``)
or legacy ``attrs``/``states``, evaluated with :func:`~bureau.tools.safe_eval.safe_eval` over the
form values (views.md §2). Readonly fields are not saved unless their node has ``force_save="1"``.

Values are kept in RPC format (many2one as ids, dates as strings); reading a field returns the
record value (a record for a many2one, a proxy for x2many fields). Warnings returned by onchanges
are logged and kept in ``form._warnings``.
"""
import datetime
import fnmatch
import logging
import re
import types

from lxml import etree

from ..tools.safe_eval import SafeEvalError, safe_eval

_logger = logging.getLogger(__name__)

X2MANY = ("one2many", "many2many")
TRUE_LITERALS = frozenset({"1", "True", "true"})
FALSE_LITERALS = frozenset({"0", "False", "false", ""})
SUBVIEW_TAGS = {"form": "form", "tree": "list", "list": "list"}


# -- the view -----------------------------------------------------------------------------------
class _View:
    """The field nodes of one (sub-)view arch, per field name, with the sub-views of x2many fields.

    :param models: the ``models`` part of a ``get_views`` answer (field descriptions per model)
    """

    def __init__(self, env, model_name, root, models):
        self.model = env[model_name]
        self.root = root
        self.desc = models.get(model_name, {}).get("fields", {})
        self.nodes = {}
        self.subviews = {}
        self._collect(root, models)

    def _collect(self, node, models):
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "field":
                self._collect(child, models)
                continue
            name = child.get("name")
            self.nodes.setdefault(name, []).append(child)
            desc = self.desc.get(name) or {}
            if desc.get("type") in X2MANY:
                for sub in child:
                    if isinstance(sub.tag, str) and sub.tag in SUBVIEW_TAGS:
                        views = self.subviews.setdefault(name, {})
                        views.setdefault(SUBVIEW_TAGS[sub.tag], _View(self.model.env, desc["relation"], sub, models))

    def spec(self):
        """The ``fields_spec`` of ``onchange()`` for this view."""
        spec = {}
        for name in self.nodes:
            sub = {}
            for view in self.subviews.get(name, {}).values():
                sub.update(view.spec())
            spec[name] = {"fields": sub} if sub else {}
        return spec

    def line_view(self, name):
        """The view lines of ``name`` are edited with: an editable list, else the form, else the list."""
        views = self.subviews.get(name, {})
        listed = views.get("list")
        if listed is not None and listed.root.get("editable"):
            return listed
        return views.get("form") or listed

    def line_names(self, name):
        names = {}
        for view in self.subviews.get(name, {}).values():
            names.update(dict.fromkeys(view.nodes))
        return list(names)

    def onchange_flagged(self, name):
        return any(node.get("on_change") not in (None, "0", "") for node in self.nodes.get(name, ()))


# -- modifiers ----------------------------------------------------------------------------------
def _eval_context(env, values, record_id, parent=None):
    """The names modifiers see (views.md §2.1): the form's values, ``id``, ``context``, ``uid``,
    dates, and ``parent`` (the owning form's names) in a sub-form."""
    today = datetime.date.today().strftime("%Y-%m-%d")
    context = {name: (value.eval_value() if isinstance(value, _Lines) else value)
               for name, value in values.items() if not name.startswith("_")}
    context.update(
        id=record_id or False, context=dict(env.context), uid=env.uid, today=today, current_date=today,
        now=datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S"),
        active_id=record_id or False, active_ids=[record_id] if record_id else [],
    )
    if parent is not None:
        context["parent"] = types.SimpleNamespace(**parent)
    return context


def _node_modifier(node, key, context, desc=None):
    """``key`` of one node: a literal true wins, a modern expression decides, then the legacy
    ``attrs`` domain (and ``states`` for invisible), a literal false, the field description."""
    raw = node.get(key)
    if raw is not None:
        raw = raw.strip()
        if raw in TRUE_LITERALS:
            return True
        if raw not in FALSE_LITERALS:
            return bool(safe_eval(raw, context))
    result = None
    if node.get("attrs"):
        attrs = safe_eval(node.get("attrs"), context)
        if key in attrs:
            result = _match_domain(attrs[key], context)
    if key == "invisible" and node.get("states"):
        hidden = context.get("state") not in [s.strip() for s in node.get("states").split(",")]
        result = hidden if result is None else (result and hidden)
    if result is not None:
        return result
    if raw is not None or desc is None or key == "invisible":
        return False
    value = bool(desc.get(key))
    for attr, setting in (desc.get("states") or {}).get(context.get("state"), ()):
        if attr == key:
            value = bool(setting)
    return value


def _lineage(node, root):
    """``node`` and its ancestors inside the (sub-)view ``root``."""
    yield node
    for element in node.iterancestors():
        if element is root:
            return
        yield element


def _modifier(view, name, key, context):
    """``invisible``, ``readonly`` or ``required`` of field ``name`` in ``view``: invisible when
    every node is (a node inside an invisible element is), readonly when every node is,
    required when a visible node is. An expression failing counts as visible, readonly, optional."""
    desc = view.desc.get(name) or {}
    results = []
    for node in view.nodes.get(name, ()):
        try:
            invisible = any(_node_modifier(element, "invisible", context) for element in _lineage(node, view.root))
            value = invisible if key == "invisible" else _node_modifier(node, key, context, desc)
            if key == "required":
                value = value and not invisible
        except SafeEvalError as exc:
            _logger.warning("view of %s: modifier %s of field %s: %s", view.model._name, key, name, exc)
            value = key == "readonly"
        results.append(value)
    if not results:
        return key == "invisible"
    return any(results) if key == "required" else all(results)


def _match_domain(domain, context):
    """Whether the form values match a legacy ``attrs`` domain (prefix notation, implicit AND)."""
    stack = []
    for token in reversed(list(domain)):
        if token == "!":
            stack.append(not stack.pop())
        elif token in ("&", "|"):
            first, second = stack.pop(), stack.pop()
            stack.append(first and second if token == "&" else first or second)
        else:
            stack.append(_match_leaf(token, context))
    return all(stack)


def _like(pattern, value, case, anchored):
    if not anchored:
        return (pattern.lower() in value.lower()) if not case else (pattern in value)
    regex = fnmatch.translate(pattern.replace("%", "*").replace("_", "?"))
    return re.match(regex, value, 0 if case else re.IGNORECASE) is not None


def _match_leaf(leaf, context):
    name, operator, right = leaf
    left = context.get(name, False)
    operator = {"==": "=", "<>": "!="}.get(operator, operator)
    if operator == "=?":
        if right is False or right is None:
            return True
        operator = "="
    if isinstance(left, list):
        rights = set(right) if isinstance(right, (list, tuple)) else {right}
        if operator in ("=", "!="):
            same = (not left) if right is False else set(left) == rights
            return same if operator == "=" else not same
        if operator in ("in", "not in"):
            return bool(set(left) & rights) == (operator == "in")
        return False
    if operator in ("in", "not in"):
        return (left in (right if isinstance(right, (list, tuple)) else [right])) == (operator == "in")
    if operator in ("=", "!="):
        return (left == right) == (operator == "=")
    if operator in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        found = _like(str(right), str(left or ""), "ilike" not in operator, operator.startswith("="))
        return found != operator.startswith("not")
    if left is False or left is None or right is False or right is None:
        return False
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[operator]


# -- values -------------------------------------------------------------------------------------
class _Line:
    """A line of an x2many field in the form: database ``id`` or client ``ref``, RPC ``values``,
    names changed since loaded (``dirty``)."""

    __slots__ = ("id", "ref", "values", "dirty")

    def __init__(self, line_id=None, ref=None, values=None, dirty=()):
        self.id = line_id
        self.ref = ref
        self.values = dict(values or {})
        self.dirty = set(dirty)

    def key(self):
        return self.id or self.ref


class _Lines:
    """The value of an x2many field in the form: its lines and the database lines removed."""

    def __init__(self, lines=()):
        self.lines = list(lines)
        self.removed = []
        self.changed = False

    def eval_value(self):
        return [line.key() for line in self.lines]

    def find(self, key):
        return next((line for line in self.lines if key in (line.id, line.ref) and key), None)

    def discard(self, line):
        self.lines.remove(line)
        if line.id:
            self.removed.append(line.id)
        self.changed = True


def _rpc_value(field, value, model):
    """A Python or record value in RPC format (many2one as id, dates as strings)."""
    empty = model.browse()
    cached = field.convert_to_cache(value, empty)
    return field.convert_to_read(field.convert_to_record(cached, empty), empty, use_display_name=False)


def _from_read(value):
    """A read/onchange value in the form's format: a many2one ``(id, name)`` becomes its id."""
    if isinstance(value, (list, tuple)) and len(value) == 2 and isinstance(value[0], int) \
            and isinstance(value[1], (str, bool)):
        return value[0]
    return value


class _FormBase:
    """What forms and sub-forms share: values, modifiers, onchange round trips, saved values."""

    def __init__(self, model, view, parent=None):
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_view", view)
        object.__setattr__(self, "_parent", parent)
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_dirty", set())
        object.__setattr__(self, "_record_id", False)
        object.__setattr__(self, "_warnings", parent._warnings if parent is not None else [])

    # -- field access ----------------------------------------------------------------------------
    def __getattr__(self, name):
        if name.startswith("_") or name not in self._view.nodes:
            raise AttributeError(f"{name} was not found in the view")
        field = self._model._fields[name]
        value = self._values.get(name, False)
        if field.type == "one2many":
            return O2MProxy(self, name)
        if field.type == "many2many":
            return M2MProxy(self, name)
        empty = self._model.browse()
        return field.convert_to_record(field.convert_to_cache(value, empty, validate=False), empty)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        assert name in self._view.nodes, f"{name} was not found in the view"
        field = self._model._fields[name]
        assert field.type != "one2many", f"{name}: edit the lines of a one2many through its proxy (new, edit, remove)"
        assert not self._get_modifier(name, "invisible"), f"can't write on invisible field {name}"
        assert not self._get_modifier(name, "readonly"), f"can't write on readonly field {name}"
        if field.type == "many2many":
            M2MProxy(self, name).set(value)
            return
        self._values[name] = _rpc_value(field, value, self._model)
        self._dirty.add(name)
        self._perform_onchange(name)

    def _get_modifier(self, name, key):
        return _modifier(self._view, name, key, self._eval_context())

    def _eval_context(self):
        parent = self._parent._eval_context() if self._parent is not None else None
        return _eval_context(self._model.env, self._values, self._record_id, parent)

    # -- loading ---------------------------------------------------------------------------------
    def _load_record(self, record):
        """Values of the database ``record`` (lines read with the fields of their sub-views)."""
        view = self._view
        self._record_id = record.id
        self._dirty.clear()
        values = record.read(list(view.nodes))[0]
        for name in view.nodes:
            field = record._fields[name]
            if field.type in X2MANY:
                lines = self._read_lines(name, values[name])
                self._values[name] = _Lines(lines)
            else:
                self._values[name] = _from_read(values[name])

    def _read_lines(self, name, ids):
        names = self._view.line_names(name)
        comodel = self._model.env[self._model._fields[name].comodel_name]
        if not ids:
            return []
        rows = comodel.browse(ids).read(names) if names else [{"id": i} for i in ids]
        return [_Line(row["id"], None, {n: self._line_value(row[n]) for n in names}) for row in rows]

    @staticmethod
    def _line_value(value, current=None):
        """A value of a line; a nested x2many value (commands) becomes the list of its ids."""
        if isinstance(value, list) and value and all(isinstance(c, (list, tuple)) for c in value):
            ids = list(current) if isinstance(current, list) else []
            for command in value:
                if command[0] == 4 and command[1] not in ids:
                    ids.append(command[1])
                elif command[0] in (2, 3):
                    ids = [i for i in ids if i != command[1]]
                elif command[0] == 5:
                    ids = []
                elif command[0] == 6:
                    ids = list(command[2])
            return ids
        return _from_read(value)

    # -- onchange --------------------------------------------------------------------------------
    def _onchange_values(self):
        values = {"id": self._record_id} if self._record_id else {}
        for name, value in self._values.items():
            if not isinstance(value, _Lines):
                values[name] = value
                continue
            field = self._model._fields[name]
            if field.type == "many2many":
                values[name] = [(6, 0, [line.id for line in value.lines if line.id])]
                continue
            commands = [(2, line_id) for line_id in value.removed]
            for line in value.lines:
                if not line.id:
                    commands.append((0, line.ref, _rpc_line_values(line.values)))
                elif line.dirty:
                    commands.append((1, line.id, _rpc_line_values({n: line.values[n] for n in line.dirty})))
                else:
                    commands.append((4, line.id))
            values[name] = commands
        return values

    def _perform_onchange(self, name=None):
        """Call ``onchange()`` for ``name`` (all fields when None, a new form) if the view flags it."""
        if name is not None and not self._view.onchange_flagged(name):
            return
        values = self._onchange_values()
        if name is None:
            # a new form: the server fills every field (defaults); only the parent link is given
            values = {key: value for key, value in values.items() if key not in self._view.nodes}
        result = self._onchange_model().onchange(values, [name] if name else [], self._view.spec())
        if result.get("warning"):
            _logger.warning("onchange warning: %s", result["warning"])
            self._warnings.append(result["warning"])
        self._apply_values(result.get("value") or {}, mark_dirty=name is not None)

    def _onchange_model(self):
        return self._model

    def _apply_values(self, values, mark_dirty=True):
        for name, value in values.items():
            if name not in self._view.nodes:
                continue
            field = self._model._fields[name]
            if field.type in X2MANY:
                if not isinstance(self._values.get(name), _Lines):
                    self._values[name] = _Lines()
                self._apply_commands(name, self._values[name], value)
            else:
                self._values[name] = _from_read(value)
            if mark_dirty:
                self._dirty.add(name)

    def _apply_commands(self, name, lines, commands):
        names = self._view.line_names(name)
        for command in commands:
            code = command[0]
            if code == 0:
                values = dict.fromkeys(names, False)
                values.update({n: self._line_value(v) for n, v in (command[2] or {}).items()})
                lines.lines.append(_Line(None, command[1] or self._next_ref(), values))
            elif code == 1:
                line = lines.find(command[1])
                if line is None:
                    continue
                changes = {n: self._line_value(v, line.values.get(n)) for n, v in (command[2] or {}).items()}
                line.values.update(changes)
                if line.id:
                    line.dirty.update(changes)
            elif code in (2, 3):
                line = lines.find(command[1])
                if line is not None:
                    lines.discard(line)
            elif code == 4:
                if lines.find(command[1]) is None:
                    lines.lines.extend(self._read_lines(name, [command[1]]))
            elif code == 5:
                for line in list(lines.lines):
                    lines.discard(line)
            elif code == 6:
                for line in [line for line in lines.lines if line.id not in command[2]]:
                    lines.discard(line)
                present = {line.id for line in lines.lines}
                lines.lines.extend(self._read_lines(name, [i for i in command[2] if i not in present]))
            lines.changed = True

    def _next_ref(self):
        root = self
        while root._parent is not None:
            root = root._parent
        used = set()
        for value in root._values.values():
            if isinstance(value, _Lines):
                used.update(line.ref for line in value.lines)
        return next(f"virtual_{n}" for n in range(1, len(used) + 2) if f"virtual_{n}" not in used)

    # -- saving ----------------------------------------------------------------------------------
    def _check_required(self):
        context = self._eval_context()
        missing = []
        for name in self._view.nodes:
            value = self._values.get(name, False)
            empty = not value.lines if isinstance(value, _Lines) else value is False or value is None or value == ""
            if empty and _modifier(self._view, name, "required", context):
                missing.append(name)
        assert not missing, f"required field(s) not set: {', '.join(missing)} (model {self._model._name})"

    @staticmethod
    def _writable(views, names, context):
        """``names`` that are saved: not readonly (in the first of ``views`` showing them), or
        forced with ``force_save``."""
        writable = []
        for name in names:
            view = next((view for view in views if name in view.nodes), None)
            if view is not None and (not _modifier(view, name, "readonly", context)
                                     or any(node.get("force_save") in TRUE_LITERALS for node in view.nodes[name])):
                writable.append(name)
        return writable

    def _values_to_save(self, all_fields):
        context = self._eval_context()
        names = [name for name in self._view.nodes if all_fields or name in self._dirty
                 or (isinstance(self._values.get(name), _Lines) and self._values[name].changed)]
        result = {}
        for name in self._writable([self._view], names, context):
            value = self._values.get(name, False)
            if isinstance(value, _Lines):
                value = self._line_commands(name, value, context)
            result[name] = value
        return result

    def _line_commands(self, name, lines, parent_context):
        if self._model._fields[name].type == "many2many":
            return [(6, 0, [line.id for line in lines.lines])]
        edit_view = self._view.line_view(name)
        views = [edit_view] + [view for view in self._view.subviews.get(name, {}).values() if view is not edit_view]
        commands = [(2, line_id) for line_id in lines.removed]
        for line in lines.lines:
            if line.id and not line.dirty:
                continue
            context = _eval_context(self._model.env, line.values, line.id, parent_context)
            names = line.dirty if line.id else list(line.values)
            values = _rpc_line_values({n: line.values[n] for n in self._writable(views, names, context)
                                       if n in line.values})
            commands.append((1, line.id, values) if line.id else (0, 0, values))
        return commands


def _rpc_line_values(values):
    """Line values as sent to the server: x2many values of a line (id lists) as a replacement."""
    return {name: [(6, 0, value)] if isinstance(value, list) else value for name, value in values.items()}


class Form(_FormBase):
    """A form on a new record of ``record_or_model`` (an empty recordset) or on the given record.

    :param record_or_model: a model (new record) or a single record (edition)
    :param view: the form view: None (the default one), an external id, a view record or an id
    """

    def __init__(self, record_or_model, view=None):
        if len(record_or_model) > 1:
            raise ValueError(f"Form edits one record, not {record_or_model}")
        model = record_or_model.browse()
        env = model.env
        if isinstance(view, str):
            view = env.ref(view)
        view_id = view.id if hasattr(view, "_ids") else (view or False)
        answer = model.get_views([[view_id, "form"]])
        root = etree.fromstring(answer["views"]["form"]["arch"])
        super().__init__(model, _View(env, model._name, root, answer["models"]))
        if record_or_model:
            self._load_record(record_or_model)
        else:
            for name in self._view.nodes:
                field = model._fields[name]
                self._values[name] = _Lines() if field.type in X2MANY else False
            self._perform_onchange()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_type is None:
            self.save()
        return False

    @property
    def record(self):
        """The record edited (empty until a new form is saved)."""
        return self._model.browse(self._record_id or ())

    def save(self):
        """Create the record (values not readonly) or write what changed; returns the record.

        :raises AssertionError: a visible required field is empty
        """
        self._check_required()
        values = self._values_to_save(all_fields=not self._record_id)
        if self._record_id:
            record = self._model.browse(self._record_id)
            if values:
                record.write(values)
        else:
            record = self._model.create(values)
        self._load_record(record)
        return record


class _LineForm(_FormBase):
    """A sub-form on a line of x2many ``name`` of ``parent`` (``line`` None: a new line); leaving
    the ``with`` block (or :meth:`save`) puts the line back into the parent form."""

    def __init__(self, parent, name, line):
        field = parent._model._fields[name]
        view = parent._view.line_view(name)
        assert view is not None, f"{name} has no sub-view to edit its lines"
        model = parent._model.env[field.comodel_name]
        super().__init__(model, view, parent)
        self._field_name = name
        self._line = line
        self._context = {}
        node = parent._view.nodes[name][0]
        if node.get("context"):
            try:
                self._context = safe_eval(node.get("context"), parent._eval_context())
            except SafeEvalError as exc:
                _logger.warning("context of %s: %s", name, exc)
        for n in parent._view.line_names(name):
            value = line.values.get(n, False) if line is not None else False
            if model._fields[n].type in X2MANY:
                value = _Lines(self._read_lines(n, value if isinstance(value, list) else []))
            self._values[n] = value
        if line is None:
            self._perform_onchange()
        else:
            self._record_id = line.id or False

    def _onchange_model(self):
        return self._model.with_context(**self._context) if self._context else self._model

    def _onchange_values(self):
        values = super()._onchange_values()
        field = self._parent._model._fields[self._field_name]
        if field.type == "one2many":
            parent = {n: v for n, v in self._parent._values.items() if not isinstance(v, _Lines)}
            parent["id"] = self._parent._record_id
            values[field.inverse_name] = parent
        return values

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_type is None:
            self.save()
        return False

    def save(self):
        """Put the line into the parent form and run the parent's onchange for the field."""
        self._check_required()
        values = {n: (v.eval_value() if isinstance(v, _Lines) else v) for n, v in self._values.items()}
        lines = self._parent._values[self._field_name]
        if self._line is None:
            self._line = _Line(None, self._parent._next_ref(), values)
            lines.lines.append(self._line)
        else:
            self._line.values.update(values)
            if self._line.id:
                self._line.dirty.update(self._dirty)
        lines.changed = True
        self._parent._dirty.add(self._field_name)
        self._parent._perform_onchange(self._field_name)


class O2MProxy:
    """The lines of a one2many field of a form: ``new()``, ``edit(index)``, ``remove(index)``;
    ``len()`` and ``proxy[index].field`` read them."""

    def __init__(self, form, name):
        self._form = form
        self._name = name

    @property
    def _lines(self):
        return self._form._values[self._name]

    def __len__(self):
        return len(self._lines.lines)

    def __getitem__(self, index):
        line = self._lines.lines[index]
        model = self._form._model.env[self._form._model._fields[self._name].comodel_name]
        return _LineValues(model, line.values)

    def _check_editable(self):
        form = self._form
        assert not form._get_modifier(self._name, "invisible"), f"can't edit invisible field {self._name}"
        assert not form._get_modifier(self._name, "readonly"), f"can't edit readonly field {self._name}"

    def new(self):
        """A sub-form on a new line (its defaults and onchanges applied)."""
        self._check_editable()
        return _LineForm(self._form, self._name, None)

    def edit(self, index):
        """A sub-form on line ``index``."""
        self._check_editable()
        return _LineForm(self._form, self._name, self._lines.lines[index])

    def remove(self, index):
        """Delete line ``index`` (deleted in the database on save)."""
        self._check_editable()
        self._lines.discard(self._lines.lines[index])
        self._form._dirty.add(self._name)
        self._form._perform_onchange(self._name)


class M2MProxy:
    """The records of a many2many field of a form: ``add(record)``, ``remove(index=, id=)``,
    ``clear()``, ``set(records)``; iterating gives records."""

    def __init__(self, form, name):
        self._form = form
        self._name = name

    @property
    def _lines(self):
        return self._form._values[self._name]

    @property
    def ids(self):
        return [line.id for line in self._lines.lines]

    def _records(self):
        return self._form._model.env[self._form._model._fields[self._name].comodel_name].browse(self.ids)

    def __len__(self):
        return len(self._lines.lines)

    def __iter__(self):
        return iter(self._records())

    def __getitem__(self, index):
        return self._records()[index]

    def _changed(self):
        self._lines.changed = True
        self._form._dirty.add(self._name)
        self._form._perform_onchange(self._name)

    def _check_editable(self):
        form = self._form
        assert not form._get_modifier(self._name, "invisible"), f"can't edit invisible field {self._name}"
        assert not form._get_modifier(self._name, "readonly"), f"can't edit readonly field {self._name}"

    def add(self, record):
        self._check_editable()
        if record.id not in self.ids:
            self._lines.lines.extend(self._form._read_lines(self._name, [record.id]))
        self._changed()

    def remove(self, index=None, id=None):
        self._check_editable()
        line = self._lines.lines[index] if index is not None else self._lines.find(id)
        assert line is not None, f"{self._name}: no record {id}"
        self._lines.lines.remove(line)
        self._changed()

    def clear(self):
        self._check_editable()
        self._lines.lines.clear()
        self._changed()

    def set(self, records):
        self._check_editable()
        self._lines.lines[:] = self._form._read_lines(self._name, list(records.ids if hasattr(records, "ids")
                                                                       else records))
        self._changed()


class _LineValues:
    """Read-only access to the values of a line (many2one as records)."""

    def __init__(self, model, values):
        self._model = model
        self._values = values

    def __getattr__(self, name):
        if name not in self._values:
            raise AttributeError(f"{name} is not shown for the lines")
        field = self._model._fields[name]
        value = self._values[name]
        empty = self._model.browse()
        if field.type in X2MANY:
            value = [i for i in value if isinstance(i, int)]
        return field.convert_to_record(field.convert_to_cache(value, empty, validate=False), empty)
