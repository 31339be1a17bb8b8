"""Kanban arches as data: root options, fetched fields and the card template (views.md §8).

:func:`parse_kanban` turns a kanban arch into a :class:`KanbanSpec`; :func:`render_card` turns the
spec's card template and one record (a ``search_read`` dict in wire format) into a :class:`Card`:
what a card shows, region by region, with no widget involved. The widgets of
:mod:`client_qt.views.kanban.card` only lay a :class:`Card` out.

The template is a simplified QWeb card, the native subset of views.md §8::

    <kanban default_group_by="state">
        <field name="color"/>                         fetched, not shown
        <templates>
            <t t-name="card">                         (legacy: t-name="kanban-box")
                <field name="image" widget="image"/>  thumbnail on the left
                <strong><field name="name"/></strong> title
                <field name="tag_ids" widget="many2many_tags"/>
                <div t-if="record.state.raw_value === 'open'">Open</div>
                <footer><field name="priority" widget="priority"/></footer>
            </t>
        </templates>
    </kanban>

``t-if``/``t-elif``/``t-else`` are evaluated when they only use ``record.F.raw_value``,
``record.F.value``, literals and operators (JavaScript ``!``, ``&&``, ``||``, ``===``, ``!==`` are
translated), through :mod:`client_qt.expr` — never ``eval``. Anything else keeps the element shown
and logs a warning once. ``t-esc``/``t-out`` of ``record.F.value`` render text; other ``t-*`` are
ignored.
"""
import ast
import dataclasses
import logging
import re

from ...expr import ExpressionError, expression, literal_bool
from ..arch import children, parse_arch

_logger = logging.getLogger(__name__)

#: container tags and the region of the card their content goes to
REGIONS = {"footer": "footer", "aside": "aside", "main": "body"}
#: text tags shown with title emphasis
TITLE_TAGS = frozenset({"strong", "b", "h1", "h2", "h3", "h4", "h5", "h6"})
#: widgets with a look of their own on a card (others show formatted text)
CARD_WIDGETS = frozenset({"image", "many2many_tags", "priority", "boolean", "badge"})
#: tag names of the card templates (modern, legacy)
CARD_TEMPLATES = ("card", "kanban-box")
DEFAULT_LIMIT = 40
#: the integer field the card menu's colour choice writes (Odoo's colour index, 0 = none)
COLOUR_FIELD = "color"
_WARNED = set()


def _warn_once(message):
    if message not in _WARNED:
        _WARNED.add(message)
        _logger.warning(message)


# -- the parsed template ----------------------------------------------------------------------------
@dataclasses.dataclass
class Node:
    """An element of the card template.

    ``kind`` is ``field``, ``text`` (an element with text and children), ``esc`` (``t-esc`` of a
    value), ``region`` (``footer``/``aside``/``main``) or ``group`` (any other container).
    ``condition`` is a :class:`Condition` (``t-if``/``t-elif``) or ``"else"``.
    """
    kind: str
    tag: str = ""
    name: str = ""              # field name (field, esc)
    widget: str = ""
    text: str = ""              # leading text of the element (text)
    tail: str = ""              # text after the element, inside its parent
    title: bool = False
    condition: object = None
    children: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class KanbanSpec:
    """A parsed kanban arch.

    :ivar field_names: the fields a card needs (``search_read`` fields), in order
    :ivar limit: cards per column page (root ``limit``, :data:`DEFAULT_LIMIT` by default)
    :ivar card: the card template (a ``group`` :class:`Node`), None when the arch has none
    """
    default_group_by: str = ""
    default_order: str = ""
    quick_create: bool = True
    create: bool = True
    edit: bool = True
    delete: bool = True
    group_create: bool = True
    #: None: the arch does not say (cards move unless the grouping field is read-only)
    records_draggable: object = None
    highlight_color: str = ""
    #: the model's integer ``color`` field the card menu writes ("" when the model has none or it
    #: is read-only); the card's left edge shows it when ``highlight_color`` is not set
    colour_field: str = ""
    limit: int = DEFAULT_LIMIT
    field_names: list = dataclasses.field(default_factory=list)
    card: Node = None

    def edge_field(self):
        """The field whose value colours the card's left edge (``highlight_color``, else ``color``)."""
        return self.highlight_color or self.colour_field

    def adopt_colour_field(self, fields):
        """Take the model's ``color`` field when ``fields`` (a ``fields_get`` of it) says it is a
        writable integer: views only describe the fields their arches use."""
        self.colour_field = colour_field_of(fields)
        if self.colour_field and self.colour_field not in self.field_names:
            self.field_names.append(self.colour_field)

    def menu_entries(self):
        """What the card menu offers, in order: ``edit`` (open the form), ``delete`` (unless the
        arch says ``delete="0"``), ``colour`` (the model has a writable integer ``color``)."""
        entries = ["edit"]
        if self.delete:
            entries.append("delete")
        if self.colour_field and self.edit:
            entries.append("colour")
        return entries

    def image_field(self):
        """The first field shown with the ``image`` widget (its picture is read separately)."""
        for node in walk(self.card):
            if node.kind == "field" and node.widget == "image":
                return node.name
        return None


def walk(node):
    if node is None:
        return
    yield node
    for child in node.children:
        yield from walk(child)


# -- conditions ---------------------------------------------------------------------------------------
_STRING = re.compile(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
_JS_OPERATORS = [(re.compile(r"!=="), " != "), (re.compile(r"==="), " == "), (re.compile(r"&&"), " and "),
                 (re.compile(r"\|\|"), " or "), (re.compile(r"!(?!=)"), " not "),
                 (re.compile(r"\btrue\b"), "True"), (re.compile(r"\bfalse\b"), "False"),
                 (re.compile(r"\b(?:null|undefined)\b"), "None")]
_CONSTANT_NAMES = frozenset({"True", "False", "None"})


def translate_js(text):
    """A JavaScript-flavoured template expression in Python syntax (string literals untouched)."""
    parts = _STRING.split(text)
    for index in range(0, len(parts), 2):
        code = parts[index]
        for pattern, replacement in _JS_OPERATORS:
            code = pattern.sub(replacement, code)
        parts[index] = code
    return " ".join("".join(parts).split()) if "\n" in text else "".join(parts).strip()


def record_paths(text):
    """``[(field, 'raw_value'|'value')]`` used by a Python expression, or None when the expression
    uses anything else than those, literals and operators (no calls, no other names)."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return None
    paths = []
    allowed_parents = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("raw_value", "value") \
                and isinstance(node.value, ast.Attribute) and isinstance(node.value.value, ast.Name) \
                and node.value.value.id == "record":
            paths.append((node.value.attr, node.attr))
            allowed_parents.update({id(node.value), id(node.value.value)})
    for node in ast.walk(tree):
        if isinstance(node, (ast.Call, ast.Lambda, ast.Subscript, ast.comprehension, ast.NamedExpr)):
            return None
        if isinstance(node, ast.Attribute) and node.attr not in ("raw_value", "value") \
                and id(node) not in allowed_parents:
            return None
        if isinstance(node, ast.Name) and node.id not in _CONSTANT_NAMES and id(node) not in allowed_parents:
            return None
    return paths


class Condition:
    """A ``t-if``/``t-elif`` expression; :attr:`supported` is False when it cannot be evaluated
    safely (the element is then shown, views.md §8)."""

    def __init__(self, text):
        self.text = text
        self.python = translate_js(text)
        self.paths = record_paths(self.python)
        self.supported = self.paths is not None
        if self.supported:
            try:
                expression(self.python)
            except ExpressionError:
                self.supported = False
        if not self.supported:
            _warn_once(f"kanban: t-if {text!r} is not supported, the element is always shown")

    def fields(self):
        return [name for name, _ in self.paths or []]

    def evaluate(self, record_values):
        """:param record_values: a :class:`RecordValues` of the card's record"""
        if not self.supported:
            return True
        try:
            return bool(expression(self.python).evaluate({"record": record_values}, names={}))
        except ExpressionError as exc:
            _warn_once(f"kanban: cannot evaluate t-if {self.text!r}: {exc}")
            return True


class _FieldValue:
    """``record.F`` in a template: ``raw_value`` (wire value, many2one as id) and ``value`` (text)."""

    def __init__(self, raw_value, value):
        self.raw_value = raw_value
        self.value = value


class RecordValues:
    """``record`` in template expressions: ``record.F.raw_value`` and ``record.F.value``."""

    def __init__(self, row, fields, display):
        self._row = row
        self._fields = fields
        self._display = display

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._row.get(name, False)
        raw = value[0] if isinstance(value, (list, tuple)) and len(value) == 2 and \
            (self._fields.get(name) or {}).get("type") == "many2one" else value
        return _FieldValue(raw, self._display(name, value))


def _esc_field(text):
    """The field of ``record.F.value``/``record.F.raw_value`` (t-esc/t-out), else None."""
    match = re.fullmatch(r"\s*record\.(\w+)\.(?:raw_)?value\s*", text or "")
    return match.group(1) if match else None


# -- parsing ------------------------------------------------------------------------------------------
def _condition_of(element):
    if element.get("t-if") is not None:
        return Condition(element.get("t-if"))
    if element.get("t-elif") is not None:
        return ("elif", Condition(element.get("t-elif")))
    if element.get("t-else") is not None:
        return "else"
    return None


def _parse_node(element, fields, used):
    tag = element.tag if isinstance(element.tag, str) else ""
    condition = _condition_of(element)
    tail = (element.tail or "").strip()
    if isinstance(condition, Condition):
        used.extend(condition.fields())
    elif isinstance(condition, tuple):
        used.extend(condition[1].fields())
    if tag == "field":
        name = element.get("name") or ""
        if name not in fields:
            _warn_once(f"kanban: field {name!r} is not in the field descriptions; skipped")
            return None
        used.append(name)
        return Node("field", tag, name=name, widget=element.get("widget") or "", condition=condition, tail=tail)
    esc = element.get("t-esc") or element.get("t-out")
    if esc is not None:
        name = _esc_field(esc)
        if name and name in fields:
            used.append(name)
            return Node("esc", tag, name=name, condition=condition, tail=tail, title=tag in TITLE_TAGS)
        _warn_once(f"kanban: t-esc {esc!r} is not supported")
        return None
    if tag in ("templates",) or ":" in tag:
        return None
    node_children = [child for child in (_parse_node(c, fields, used) for c in children(element))
                     if child is not None]
    text = (element.text or "").strip()
    if tag in REGIONS:
        kind = "region"
    elif text:
        kind = "text"
    else:
        kind = "group"
    return Node(kind, tag, text=text, tail=tail, title=tag in TITLE_TAGS, condition=condition,
                children=node_children)


def colour_field_of(fields):
    """:data:`COLOUR_FIELD` when ``fields`` describe it as a writable integer, else ``""``."""
    description = fields.get(COLOUR_FIELD) or {}
    return COLOUR_FIELD if description.get("type") == "integer" and not description.get("readonly") else ""


def _flag(root, name, default=True):
    value = literal_bool(root.get(name))
    return default if value is None else value


def parse_kanban(arch, fields):
    """The :class:`KanbanSpec` of a kanban arch (a string or a parsed root element)."""
    root = parse_arch(arch) if isinstance(arch, (str, bytes)) else arch
    fields = fields or {}
    used = []
    card = None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "t" and element.get("t-name") in CARD_TEMPLATES:
            card = Node("group", "t", children=[n for n in (_parse_node(c, fields, used) for c in children(element))
                                                if n is not None])
            break
    fetched = []
    for element in children(root):
        if element.tag == "field" and element.get("name") in fields:
            fetched.append(element.get("name"))
    group_by = root.get("default_group_by") or ""
    highlight = root.get("highlight_color") or ""
    try:
        limit = max(1, int(root.get("limit") or DEFAULT_LIMIT))
    except ValueError:
        limit = DEFAULT_LIMIT
    colour = colour_field_of(fields)
    names = []
    for name in ["display_name"] + fetched + used + \
            [n for n in (group_by.split(":")[0], highlight, colour) if n in fields]:
        if name and name not in names:
            names.append(name)
    draggable = literal_bool(root.get("records_draggable"))
    return KanbanSpec(default_group_by=group_by, default_order=root.get("default_order") or "",
                      quick_create=_flag(root, "quick_create"), create=_flag(root, "create"),
                      edit=_flag(root, "edit"), delete=_flag(root, "delete"),
                      group_create=_flag(root, "group_create"), records_draggable=draggable,
                      highlight_color=highlight if highlight in fields else "", colour_field=colour, limit=limit,
                      field_names=names, card=card)


# -- rendering ----------------------------------------------------------------------------------------
@dataclasses.dataclass
class Part:
    """One visible piece of a card.

    ``kind``: ``image`` (``value``: the field's wire value), ``text`` (``text``, ``title``),
    ``tags`` (``value``: the ids, ``text``: names joined), ``priority`` (``value``: filled stars,
    ``total``: stars), ``boolean`` (``value``), ``badge`` (``text``).
    """
    kind: str
    field: str = ""
    text: str = ""
    title: bool = False
    value: object = None
    total: int = 0


@dataclasses.dataclass
class Card:
    """What a card shows: the thumbnail (``aside``), body lines and the footer row."""
    record_id: int
    aside: list = dataclasses.field(default_factory=list)
    body: list = dataclasses.field(default_factory=list)
    footer: list = dataclasses.field(default_factory=list)

    def texts(self):
        return [part.text for part in self.aside + self.body + self.footer if part.text]


def priority_stars(description, value):
    """``(filled, total)`` stars of a priority selection (the first value is "no star")."""
    keys = [key for key, _ in description.get("selection") or []]
    total = max(len(keys) - 1, 1)
    filled = keys.index(value) if value in keys else 0
    return filled, total


class CardRenderer:
    """Renders cards of one view.

    :param spec: the :class:`KanbanSpec`
    :param fields: ``{name: description}``
    :param display: ``display(field name, wire value) -> text`` (the locale's formats)
    :param tag_names: ``tag_names(relation, ids) -> [name]`` (names known so far)
    """

    def __init__(self, spec, fields, display, tag_names=None):
        self.spec = spec
        self.fields = fields
        self.display = display
        self.tag_names = tag_names or (lambda relation, ids: [str(i) for i in ids])

    def render(self, row):
        """The :class:`Card` of ``row`` (a ``search_read`` dict)."""
        card = Card(row.get("id"))
        if self.spec.card is None:
            card.body.append(Part("text", "display_name", str(row.get("display_name") or row.get("id")), True))
            return card
        record = RecordValues(row, self.fields, self.display)
        self._render_children(self.spec.card, row, record, card, "body", False)
        if not any(part.title for part in card.body) and card.body and card.body[0].kind == "text":
            card.body[0].title = True
        return card

    def _render_children(self, node, row, record, card, region, title):
        previous = None     # the result of the last t-if/t-elif chain (None: no chain open)
        for child in node.children:
            condition = child.condition
            if condition is None:
                previous = None
                shown = True
            elif condition == "else":
                shown = previous is False
                previous = None
            elif isinstance(condition, tuple):
                shown = previous is False and condition[1].evaluate(record)
                previous = True if previous is True or shown else False
            else:
                shown = condition.evaluate(record)
                previous = shown
            if shown:
                self._render(child, row, record, card, region, title)
            if child.tail:
                self._add(card, region, Part("text", text=child.tail, title=title))

    def _render(self, node, row, record, card, region, title):
        if node.kind == "field":
            self._render_field(node, row, card, region, title)
        elif node.kind == "esc":
            text = self.display(node.name, row.get(node.name, False))
            if text:
                self._add(card, region, Part("text", node.name, text, title or node.title))
        else:
            inner_region = REGIONS.get(node.tag, region) if node.kind == "region" else region
            inner_title = title or node.title
            if node.text:
                self._add(card, inner_region, Part("text", text=node.text, title=inner_title))
            self._render_children(node, row, record, card, inner_region, inner_title)

    def _render_field(self, node, row, card, region, title):
        description = self.fields.get(node.name) or {}
        value = row.get(node.name, False)
        kind = description.get("type")
        widget = node.widget
        if widget == "image" or (not widget and kind == "binary" and description.get("image")):
            card.aside.append(Part("image", node.name, value=value))
        elif widget == "priority" and kind == "selection":
            filled, total = priority_stars(description, value)
            self._add(card, region, Part("priority", node.name, "★" * filled + "☆" * (total - filled),
                                         value=filled, total=total))
        elif kind in ("many2many", "one2many") and (widget == "many2many_tags" or kind == "many2many"):
            ids = list(value or [])
            if ids:
                names = self.tag_names(description.get("relation"), ids)
                self._add(card, region, Part("tags", node.name, ", ".join(names), value=ids))
        elif kind == "boolean" and widget in ("boolean", "boolean_toggle", "boolean_favorite"):
            label = description.get("string") or node.name
            text = ("☑ " if value else "☐ ") + label
            self._add(card, region, Part("boolean", node.name, text, value=bool(value)))
        else:
            text = self.display(node.name, value)
            if text:
                self._add(card, region, Part("badge" if widget == "badge" else "text", node.name, text,
                                             title and widget != "badge"))

    @staticmethod
    def _add(card, region, part):
        if region == "aside" and part.kind != "image":
            region = "body"
        getattr(card, region).append(part)
