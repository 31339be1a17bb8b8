"""Reading a ``<list>``/``<tree>`` arch into a :class:`ListSpec` (views.md §4).

The spec is plain data: the columns in arch order (fields and row buttons), the header buttons, the
root attributes (``editable``, ``default_order``, ``limit``, permission flags) and the row styles
(``decoration-*``, legacy ``colors``/``fonts``). Qt models and the view widget read it; nothing here
talks to the server or builds widgets.

Column visibility follows views.md §2.4: ``column_invisible`` (and the legacy ``attrs`` key
``column_invisible``/``tree_invisible``) is evaluated once per list with the context, never with a
row's values; a literal ``invisible="1"`` hides the column too; any other ``invisible`` is a per-row
modifier that blanks the cell.

>>> spec = parse_list('<list limit="40"><field name="name"/><field name="price" sum="Total"/></list>',
...                   {"name": {"type": "char"}, "price": {"type": "float"}})
>>> [c.name for c in spec.columns], spec.limit, spec.columns[1].aggregate
(['name', 'price'], 40, ('sum', 'Total'))
"""
import logging
from dataclasses import dataclass, field

from ...expr import (evaluate_literal, evaluate_modifier, expression, literal_bool, match_domain,
                     parse_literal, ExpressionError)
from ..arch import children, parse_arch

_logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 80
#: decoration styles, colour ones in precedence order (views.md §4.2)
COLOUR_STYLES = ("danger", "warning", "success", "info", "primary", "muted")
FONT_STYLES = ("bf", "it")
#: legacy ``colors="red:expr"`` colour names mapped onto decoration styles
LEGACY_COLOURS = {"red": "danger", "orange": "warning", "green": "success", "blue": "info", "grey": "muted",
                  "gray": "muted", "purple": "primary", "darkred": "danger", "brown": "warning"}


@dataclass
class Column:
    """A field column."""

    name: str
    string: str
    description: dict
    widget: str = None
    options: dict = field(default_factory=dict)
    aggregate: tuple = None          # ("sum" | "avg", label)
    optional: str = None             # "show" | "hide" | None
    hidden: bool = False             # column_invisible / literal invisible: never shown
    invisible: object = None         # per-row modifier: callable(values) -> bool, or None
    readonly: object = None          # per-row modifier: callable(values) -> bool, or None
    required: object = None
    decorations: dict = field(default_factory=dict)   # style -> expression text
    width: str = None
    nolabel: bool = False
    context: str = None
    domain: str = None
    is_button: bool = False

    @property
    def type(self):
        return self.description.get("type", "char")

    @property
    def sortable(self):
        """Header clicks sort server-side only on sortable fields (views.md §4.2)."""
        return bool(self.description.get("sortable", self.description.get("store", False))) and not self.nolabel

    @property
    def label(self):
        return "" if self.nolabel else self.string

    @property
    def pixel_width(self):
        """The arch ``width`` in pixels (``"120"``, ``"120px"``), None when absent or relative."""
        text = (self.width or "").strip().lower()
        if text.endswith("px"):
            text = text[:-2]
        return int(text) if text.isdigit() else None


@dataclass
class ButtonColumn:
    """A ``<button>`` in the rows (views.md §3.4): ``type`` object or action."""

    name: str
    string: str
    type: str = "object"
    icon: str = None
    context: str = None
    confirm: str = None
    hidden: bool = False
    invisible: object = None
    optional: str = None
    is_button: bool = True
    aggregate: tuple = None
    nolabel: bool = True
    decorations: dict = field(default_factory=dict)
    description: dict = field(default_factory=dict)

    sortable = False
    type_name = "button"

    @property
    def label(self):
        return ""


@dataclass
class HeaderButton:
    """A ``<header>`` button acting on the selected rows (``active_ids``)."""

    name: str
    string: str
    type: str = "object"
    context: str = None
    confirm: str = None
    always: bool = False


@dataclass
class ListSpec:
    """Everything a list needs from its arch."""

    string: str = ""
    columns: list = field(default_factory=list)
    header_buttons: list = field(default_factory=list)
    field_names: list = field(default_factory=list)   # every field of the arch (incl. invisible ones)
    editable: str = None                               # "top" | "bottom" | None
    default_order: str = None
    limit: int = DEFAULT_LIMIT
    create: bool = True
    edit: bool = True
    delete: bool = True
    duplicate: bool = True
    import_: bool = True
    export: bool = True
    multi_edit: bool = False
    default_group_by: list = field(default_factory=list)
    expand: bool = False                               # open the top-level groups at once
    decorations: dict = field(default_factory=dict)   # style -> expression text
    legacy_colours: list = field(default_factory=list)  # [(style, expression text)] first match wins
    legacy_fonts: list = field(default_factory=list)    # [(bf|it, expression text)]

    def visible_columns(self, shown_optional=None):
        """Columns shown: not hidden; optional ones per the user's choice (``hide`` starts hidden)."""
        result = []
        for column in self.columns:
            if column.hidden:
                continue
            if column.optional:
                shown = (column.optional == "show") if shown_optional is None else column.name in shown_optional
                if not shown:
                    continue
            result.append(column)
        return result

    def optional_columns(self):
        return [c for c in self.columns if c.optional and not c.hidden]


def _flag(node, name, default=True):
    value = literal_bool(node.get(name))
    return default if value is None else value


def _row_modifier(kind, node, description, names):
    """A per-row predicate ``values -> bool`` for ``invisible``/``readonly``/``required``, or None.

    Merge order of views.md §2.3: the field description (readonly/required and its legacy
    ``states``) -> the ``attrs`` key or a modern expression replaces it -> node ``states``
    (invisible; AND-ed with a dynamic ``attrs`` invisible) -> a literal true always wins, a literal
    false only replaces a static value.
    """
    text = node.get(kind)
    literal = literal_bool(text)
    if literal is True:
        return lambda values: True
    attrs_text = node.get("attrs")
    states = [s.strip() for s in (node.get("states") or "").split(",") if s.strip()] if kind == "invisible" else []
    base = bool(description.get(kind)) if kind in ("readonly", "required") else False
    field_states = description.get("states") if kind in ("readonly", "required") else None
    attrs = None
    if attrs_text:
        try:
            attrs = expression(attrs_text)
        except ExpressionError as exc:
            _logger.warning("list column %s: %s", node.get("name"), exc)
    dynamic_text = text if (text and literal is None) else None
    if attrs is None and dynamic_text is None and not states and not field_states:
        return (lambda values: True) if (base and literal is None) else None
    failure = {"invisible": False, "readonly": True, "required": False}[kind]

    def predicate(values):
        value = base
        if field_states and values.get("state") in field_states:
            for attr, setting in field_states[values.get("state")]:
                if attr == kind:
                    value = bool(setting)
        dynamic = None
        if attrs is not None:
            try:
                domains = attrs.evaluate(values, names(values)) or {}
                domain = domains.get(kind) if isinstance(domains, dict) else None
                if domain is not None:
                    dynamic = match_domain(domain, values) if isinstance(domain, (list, tuple)) else bool(domain)
            except ExpressionError:
                dynamic = failure
        if dynamic_text is not None:
            dynamic = evaluate_modifier(kind, dynamic_text, values, names(values))
        if dynamic is not None:
            value = dynamic
        elif literal is False:
            value = False
        if states:
            outside = values.get("state") not in states
            value = (value and outside) if dynamic is not None else outside
        return bool(value)
    return predicate


def _column_hidden(node, names):
    """``column_invisible`` (evaluated once, no row values) or a literal ``invisible`` (views.md §2.4)."""
    if literal_bool(node.get("invisible")) is True:
        return True
    text = node.get("column_invisible")
    if text is not None and evaluate_modifier("column_invisible", text, {}, names({})):
        return True
    attrs_text = node.get("attrs")
    if attrs_text:
        attrs = evaluate_literal(attrs_text, {}, names({}), default={}) or {}
        for key in ("column_invisible", "tree_invisible"):
            domain = attrs.get(key) if isinstance(attrs, dict) else None
            if isinstance(domain, (list, tuple)):
                try:
                    if match_domain(domain, {}):
                        return True
                except ExpressionError:
                    pass
            elif domain:
                return True
    return False


def _decorations(node):
    return {key[len("decoration-"):]: value for key, value in node.attrib.items()
            if key.startswith("decoration-") and value}


def _legacy_pairs(text, table=None):
    """``"red:state=='cancel';blue:state=='draft'"`` -> [(style, expression)]."""
    pairs = []
    for chunk in (text or "").split(";"):
        style, sep, expr = chunk.partition(":")
        if not sep or not expr.strip():
            continue
        style = style.strip()
        if table is not None:
            style = table.get(style.lower(), style if style in COLOUR_STYLES else "info")
        pairs.append((style, expr.strip()))
    return pairs


def parse_list(arch, fields, names=None):
    """The :class:`ListSpec` of a list arch.

    :param arch: arch text or an already parsed root element
    :param fields: ``{name: fields_get description}`` (columns naming other fields are skipped)
    :param names: ``values -> evaluation names`` (context, uid, today ...) for modifiers; defaults to
        :func:`client_qt.expr.base_names` with an empty context
    """
    from ...expr import base_names
    root = parse_arch(arch) if isinstance(arch, (str, bytes)) else arch
    if names is None:
        base = base_names()
        names = lambda values: base  # noqa: E731
    spec = ListSpec(string=root.get("string") or "")
    editable = root.get("editable")
    spec.editable = editable if editable in ("top", "bottom") else None
    spec.default_order = root.get("default_order") or None
    try:
        spec.limit = int(root.get("limit")) if root.get("limit") else DEFAULT_LIMIT
    except ValueError:
        spec.limit = DEFAULT_LIMIT
    spec.limit = max(1, min(spec.limit, 1000))
    spec.create, spec.edit, spec.delete = _flag(root, "create"), _flag(root, "edit"), _flag(root, "delete")
    spec.duplicate, spec.import_ = _flag(root, "duplicate"), _flag(root, "import")
    spec.export = _flag(root, "export_xlsx")
    spec.multi_edit = _flag(root, "multi_edit", False)
    group_by = root.get("default_group_by")
    spec.default_group_by = [g.strip() for g in group_by.split(",") if g.strip()] if group_by else []
    spec.expand = literal_bool(root.get("expand")) is True
    spec.decorations = _decorations(root)
    spec.legacy_colours = _legacy_pairs(root.get("colors"), LEGACY_COLOURS)
    spec.legacy_fonts = [(("bf" if s.lower() == "bold" else "it" if s.lower() == "italic" else s), e)
                         for s, e in _legacy_pairs(root.get("fonts"))]
    skipped = []
    for node in children(root):
        tag = node.tag
        if tag == "field":
            name = node.get("name")
            description = fields.get(name)
            if description is None:
                skipped.append(name)
                continue
            if name not in spec.field_names:
                spec.field_names.append(name)
            aggregate = None
            if node.get("sum"):
                aggregate = ("sum", node.get("sum"))
            elif node.get("avg"):
                aggregate = ("avg", node.get("avg"))
            optional = node.get("optional")
            spec.columns.append(Column(
                name=name, string=node.get("string") or description.get("string") or name,
                description=description, widget=node.get("widget"),
                options=parse_literal(node.get("options"), default={}) or {},
                aggregate=aggregate, optional=optional if optional in ("show", "hide") else None,
                hidden=_column_hidden(node, names),
                invisible=_row_modifier("invisible", node, description, names),
                readonly=_row_modifier("readonly", node, description, names),
                required=_row_modifier("required", node, description, names),
                decorations=_decorations(node), width=node.get("width"),
                nolabel=literal_bool(node.get("nolabel")) is True,
                context=node.get("context"), domain=node.get("domain")))
        elif tag == "button":
            optional = node.get("optional")
            spec.columns.append(ButtonColumn(
                name=node.get("name") or "", string=node.get("string") or node.get("title") or "",
                type=node.get("type") or "object", icon=node.get("icon"), context=node.get("context"),
                confirm=node.get("confirm"), hidden=_column_hidden(node, names),
                invisible=_row_modifier("invisible", node, {}, names),
                optional=optional if optional in ("show", "hide") else None))
        elif tag == "header":
            for button in children(node):
                if button.tag != "button":
                    continue
                spec.header_buttons.append(HeaderButton(
                    name=button.get("name") or "", string=button.get("string") or button.get("name") or "",
                    type=button.get("type") or "object", context=button.get("context"),
                    confirm=button.get("confirm"), always=button.get("display") == "always"))
        elif tag == "groupby":
            for sub in children(node):
                if sub.tag == "field" and sub.get("name") in fields and sub.get("name") not in spec.field_names:
                    spec.field_names.append(sub.get("name"))
        # control/create (embedded lists) and unknown elements are ignored in a main list (views.md §1)
    if skipped:
        _logger.warning("list view: fields %s are not in the field descriptions, skipped", ", ".join(skipped))
    return spec
