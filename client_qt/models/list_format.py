"""How list rows look: cell text, alignment, decoration colours and fonts (views.md §4.2, §11).

:class:`RowFormatter` is shared by the flat :class:`~client_qt.models.list_model.ListModel` and the
grouped :class:`~client_qt.models.tree_model.GroupedListModel`. It turns a row (a ``read`` dict in
wire format) and a column of a :class:`~client_qt.views.list.parser.ListSpec` into what a cell shows:

* numbers with the locale's grouping and the field's digits, monetary amounts with the currency
  symbol on the currency's side, dates in the locale's short format, datetimes in the user's time
  zone, booleans as check marks, many2one names, selection labels, many2many tag names;
* ``decoration-*`` row and cell styles (colour precedence danger > warning > success > info >
  primary > muted; bold/italic combine) and the legacy ``colors``/``fonts`` pairs;
* per-row ``invisible`` cells, blanked.

Names the rows do not carry (many2many tag names, currency symbols) come from a :class:`Lookups`
cache the models fill in the background after each page.
"""
import logging

from ..expr import ExpressionError, base_names, expression
from ..qt import QApplication, QColor, QFont, QLocale, QPalette, Qt
from .fields import field_type, to_local

_logger = logging.getLogger(__name__)

#: decoration colours for a light and a dark palette (readable on the Base colour of each)
DECORATION_COLOURS = {
    False: {"danger": "#c62828", "warning": "#a05a00", "success": "#2e7d32", "info": "#1565c0",
            "primary": "#6a1b9a", "muted": "#7a7a7a"},
    True: {"danger": "#ff7b72", "warning": "#f0b050", "success": "#7ee787", "info": "#79c0ff",
           "primary": "#d2a8ff", "muted": "#8b949e"},
}
COLOUR_ORDER = ("danger", "warning", "success", "info", "primary", "muted")
ERROR_BACKGROUND = {False: "#fde0dc", True: "#5a1e1e"}
NBSP = "\u00a0"


def is_dark_palette(palette=None):
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def decoration_colour(style, dark=None):
    dark = is_dark_palette() if dark is None else dark
    value = DECORATION_COLOURS[bool(dark)].get(style)
    return QColor(value) if value else None


def eval_values(row, fields):
    """A row's values as modifiers see them (views.md §2.1): many2one as id, empty values False."""
    values = {}
    for name, value in row.items():
        if name.startswith("__"):
            continue
        description = fields.get(name) or {}
        if description.get("type") == "many2one" and isinstance(value, (list, tuple)):
            value = value[0] if value else False
        values[name] = value
    for name in fields:
        values.setdefault(name, False)
    values["id"] = row.get("id") or False
    return values


class Lookups:
    """Names and currencies a list needs besides the rows themselves.

    ``tags[relation][id] = display name``; ``currencies[id] = {'symbol', 'position',
    'decimal_places'}``. :meth:`collect` asks the server (through ``calls``, the owning model's
    :class:`~client_qt.models.calls.OwnedCalls`) for the unknown ones in one call per comodel
    and calls ``on_change`` when they arrive.
    """

    def __init__(self, calls, on_change=None):
        self.calls = calls
        self.on_change = on_change
        self.tags = {}
        self.currencies = {}
        self._asked = set()

    def collect(self, rows, columns, currency_field_of, context=None):
        wanted = {}
        currency_ids = set()
        for column in columns:
            if getattr(column, "is_button", False):
                continue
            if column.type == "many2many":
                relation = column.description.get("relation")
                for row in rows:
                    for record_id in row.get(column.name) or []:
                        if isinstance(record_id, int) and (relation, record_id) not in self._asked:
                            wanted.setdefault(relation, set()).add(record_id)
            elif column.type == "monetary":
                currency = currency_field_of(column)
                for row in rows:
                    value = row.get(currency) if currency else None
                    if isinstance(value, (list, tuple)) and value:
                        value = value[0]
                    if isinstance(value, int) and ("res.currency", value) not in self._asked \
                            and value not in self.currencies:
                        currency_ids.add(value)
        for relation, ids in wanted.items():
            self._asked.update((relation, i) for i in ids)
            self.calls.call(relation, "read", sorted(ids), ["display_name"], context=context,
                            on_result=lambda result, relation=relation: self._tags_loaded(relation, result),
                            on_error=lambda error: _logger.warning("cannot read tag names: %s", error))
        if currency_ids:
            self._asked.update(("res.currency", i) for i in currency_ids)
            self.calls.call("res.currency", "read", sorted(currency_ids), ["symbol", "position", "decimal_places"],
                            context=context, on_result=self._currencies_loaded,
                            on_error=lambda error: _logger.warning("cannot read currencies: %s", error))

    def _tags_loaded(self, relation, result):
        names = self.tags.setdefault(relation, {})
        for record in result or []:
            names[record["id"]] = record.get("display_name") or str(record["id"])
        if self.on_change:
            self.on_change()

    def _currencies_loaded(self, result):
        for record in result or []:
            self.currencies[record["id"]] = record
        if self.on_change:
            self.on_change()


class RowFormatter:
    """Text and style of list cells.

    :param spec: the :class:`~client_qt.views.list.parser.ListSpec`
    :param fields: ``{name: description}`` of the model
    :param user_tz: the user's time zone name (datetimes are shown in it)
    :param context: the list's context (for decorations and modifiers)
    :param uid: the user id (``uid`` in expressions)
    """

    def __init__(self, spec, fields, user_tz=None, context=None, uid=None, lookups=None):
        self.spec = spec
        self.fields = fields
        self.user_tz = user_tz
        self.names = base_names(context or {}, uid)
        self.lookups = lookups
        self._types = {}

    # -- values ----------------------------------------------------------------------------------
    def kind(self, column):
        kind = self._types.get(column.name)
        if kind is None:
            kind = self._types[column.name] = field_type(column.description)
        return kind

    def currency_field(self, column):
        name = (column.options or {}).get("currency_field") or column.description.get("currency_field") or "currency_id"
        return name if name in self.spec.field_names else None

    def text(self, column, row):
        """The text of a cell (empty for buttons and blanked cells)."""
        if self.cell_invisible(column, row):
            return ""
        if getattr(column, "is_button", False):
            return column.string or column.name
        return self.format_value(column, row.get(column.name, False), row)

    def format_value(self, column, value, row=None):
        kind = column.type
        widget = column.widget
        if widget == "handle":
            return "☰"      # the drag grip; the value itself is not shown (views.md §11)
        if kind in ("float", "monetary") and widget == "float_time" and value not in (False, None):
            hours = abs(float(value))
            whole, minutes = int(hours), int(round((hours - int(hours)) * 60))
            if minutes == 60:
                whole, minutes = whole + 1, 0
            return f"{'-' if float(value) < 0 else ''}{whole:02d}:{minutes:02d}"
        if kind in ("float", "monetary") and widget == "percentage" and value not in (False, None):
            return QLocale().toString(float(value) * 100, "f", 2) + NBSP + "%"
        if kind == "monetary":
            return self.format_monetary(column, value, row)
        if kind == "float" and value not in (False, None):
            digits = (column.options or {}).get("digits") or column.description.get("digits")
            scale = digits[1] if isinstance(digits, (list, tuple)) and len(digits) == 2 else 2
            return QLocale().toString(float(value), "f", int(scale))
        if kind == "many2many":
            if not value:
                return ""
            names = (self.lookups.tags.get(column.description.get("relation"), {}) if self.lookups else {})
            if names and all(i in names for i in value):
                return ", ".join(names[i] for i in value)
            return ", ".join(names.get(i, "…") for i in value) if names else f"{len(value)} record(s)"
        if kind == "one2many":
            return "" if not value else f"{len(value)} record(s)"
        if kind == "boolean":
            return "✔" if value else ""
        if kind == "reference" and isinstance(value, str) and "," in value:
            return value
        if kind in ("date", "datetime") and value and QLocale().language() == QLocale.Language.C:
            # the C locale's short formats ("d MM yyyy") read badly: ISO dates instead
            if kind == "date":
                return value
            return to_local(value, self.user_tz).strftime("%Y-%m-%d %H:%M")
        try:
            return self.kind(column).display(value, None, self.user_tz)
        except (ValueError, TypeError) as exc:
            _logger.warning("cannot format %r for column %s: %s", value, column.name, exc)
            return str(value)

    def format_monetary(self, column, value, row=None):
        if value is False or value is None:
            return ""
        currency = None
        name = self.currency_field(column)
        if name and row is not None and self.lookups is not None:
            currency_value = row.get(name)
            if isinstance(currency_value, (list, tuple)) and currency_value:
                currency_value = currency_value[0]
            currency = self.lookups.currencies.get(currency_value)
        if currency is None:
            return QLocale().toString(float(value), "f", 2)
        places = currency.get("decimal_places")
        places = 2 if places in (False, None) else int(places)
        amount = QLocale().toString(float(value), "f", places)
        symbol = currency.get("symbol") or ""
        if currency.get("position") == "before":
            return f"{symbol}{NBSP}{amount}"
        return f"{amount}{NBSP}{symbol}"

    def format_aggregate(self, column, value):
        """A footer or group aggregate (monetary without a currency: plain number)."""
        if value is False or value is None:
            return ""
        if column.type == "integer" and (column.aggregate or ("sum",))[0] == "sum":
            return QLocale().toString(int(value))
        if column.type in ("integer", "float", "monetary"):
            digits = column.description.get("digits")
            scale = digits[1] if isinstance(digits, (list, tuple)) and len(digits) == 2 else 2
            return QLocale().toString(float(value), "f", int(scale))
        return str(value)

    def alignment(self, column):
        if getattr(column, "is_button", False) or column.type == "boolean":
            return Qt.AlignmentFlag.AlignCenter
        if column.type in ("integer", "float", "monetary") and column.widget != "handle":
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    # -- modifiers and decorations -------------------------------------------------------------
    def values(self, row):
        cached = row.get("__eval")
        if cached is None:
            cached = eval_values(row, self.fields)
            row["__eval"] = cached
        return cached

    def cell_invisible(self, column, row):
        predicate = getattr(column, "invisible", None)
        if predicate is None:
            return False
        return predicate(self.values(row))

    def _true(self, text, values):
        try:
            return bool(expression(text).evaluate(values, self.names))
        except ExpressionError as exc:
            _logger.debug("decoration %r: %s", text, exc)
            return False

    def row_styles(self, row):
        """``(colour style or None, {"bf", "it"})`` of a row, cached in the row."""
        cached = row.get("__style")
        if cached is not None:
            return cached
        values = self.values(row)
        active = {style for style, text in self.spec.decorations.items() if self._true(text, values)}
        colour = next((style for style in COLOUR_ORDER if style in active), None)
        if colour is None:
            colour = next((style for style, text in self.spec.legacy_colours if self._true(text, values)), None)
        fonts = {style for style in ("bf", "it") if style in active}
        fonts |= {style for style, text in self.spec.legacy_fonts if self._true(text, values)}
        cached = row["__style"] = (colour, frozenset(fonts))
        return cached

    def cell_styles(self, column, row):
        """Row styles with the column's own ``decoration-*`` overriding the colour for that cell."""
        colour, fonts = self.row_styles(row)
        decorations = getattr(column, "decorations", None)
        if decorations:
            values = self.values(row)
            active = {style for style, text in decorations.items() if self._true(text, values)}
            cell_colour = next((style for style in COLOUR_ORDER if style in active), None)
            colour = cell_colour or colour
            fonts = fonts | {style for style in ("bf", "it") if style in active}
        return colour, fonts

    def foreground(self, column, row):
        colour, _ = self.cell_styles(column, row)
        return decoration_colour(colour) if colour else None

    def font(self, column, row):
        _, fonts = self.cell_styles(column, row)
        if not fonts:
            return None
        font = QFont()
        font.setBold("bf" in fonts)
        font.setItalic("it" in fonts)
        return font


def clear_row_cache(row):
    """Forget the cached evaluation and style of a row whose values changed."""
    row.pop("__eval", None)
    row.pop("__style", None)
    return row
