"""Pasting rows copied from a spreadsheet into an editable list (Ctrl+V; issue 7 item 8).

The clipboard's text is read as tab-separated rows (:func:`split_rows`, quoted cells as spreadsheets
write them). Its cells land on the visible columns of the list, from the current column on
(:func:`target_columns`); each cell is parsed for its field (:func:`parse_cell`): numbers in the
user's locale (or plain ``1234.5``), dates in the locale's short format or ISO, date-times in the
user's time zone, selections by label (or key), booleans (yes/no, true/false, 1/0, x), many2one by
a ``name_search`` with the ``=`` operator that must find exactly one record. An empty cell gives no
value (the field's default applies) unless the column is required.

Nothing is written while a cell is invalid: the pasted rows wait in a panel over (``editable="top"``)
or under (``bottom``) the list, their invalid cells coloured, the reason in the cell's tooltip; the
user corrects the cells there (each correction is parsed again), then **Save rows** creates every
row with one ``create`` of a list of values (one transaction: all rows or none). A block whose
cells are all valid is created at once.
"""
import csv
import datetime
import io
import logging

from ...models.calls import OwnedCalls
from ...models.fields import DATE_FMT, local_to_utc_string, to_utc_string
from ...models.list_format import ERROR_BACKGROUND, is_dark_palette
from ...models.list_model import EDITABLE_TYPES
from ...qt import (QAbstractItemView, QApplication, QBrush, QColor, QDate, QDateTime, QEvent, QHBoxLayout, QKeySequence,
                   QLabel, QLocale, QObject, QPushButton, QShortcut, QStyle, QTableWidget, QTableWidgetItem, QVBoxLayout,
                   QWidget, Qt, Signal, tr)

_logger = logging.getLogger(__name__)

#: pasted columns take the width of the list's columns, up to this
MAX_ALIGNED_WIDTH = 320
#: a many2one cell waits for its ``name_search``
PENDING = object()
TRUE_WORDS = {"1", "true", "yes", "y", "x", "✓", "✔", "on"}
FALSE_WORDS = {"0", "false", "no", "n", "off", ""}


# -- reading the clipboard ------------------------------------------------------------------------
def split_rows(text):
    """Tab-separated ``text`` as a list of rows of cells (trailing empty line dropped).

    >>> split_rows('a\\t1\\r\\nb\\t"two\\nlines"\\n')
    [['a', '1'], ['b', 'two\\nlines']]
    """
    if not text:
        return []
    rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter="\t")]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def is_block(text):
    """Whether clipboard ``text`` is rows/cells rather than a value for one cell."""
    return bool(text) and ("\t" in text or "\n" in text.rstrip("\r\n"))


def target_columns(columns, start, width):
    """The data columns (not buttons) from index ``start`` on, at most ``width`` of them.

    :param columns: the list's visible columns, in order
    """
    return [column for column in columns[max(start, 0):] if not column.is_button][:width]


# -- parsing one cell -----------------------------------------------------------------------------
def _locales():
    locale = QLocale()
    return [locale] + ([QLocale.c()] if locale.name() != "C" else [])


def parse_number(text, integer=False):
    """A number in the user's locale (then plain ``1234.5``); None when it is not one."""
    text = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    for locale in _locales():
        candidate = text
        group = locale.groupSeparator()
        if group.strip() == "" or group in ("\u00a0", "\u202f"):
            candidate = candidate.replace(" ", group)
        if integer:
            value, ok = locale.toLongLong(candidate)
        else:
            value, ok = locale.toDouble(candidate)
        if ok:
            return int(value) if integer else float(value)
    return None


def _date_formats(kind):
    locale = QLocale()
    fmt = locale.dateFormat(QLocale.FormatType.ShortFormat) if kind == "date" \
        else locale.dateTimeFormat(QLocale.FormatType.ShortFormat)
    formats = []
    if "yyyy" not in fmt:
        formats.append(fmt.replace("yy", "yyyy"))
    formats.append(fmt)
    if kind == "datetime":
        formats += [f.replace(":mm", ":mm:ss") for f in list(formats)]
    return formats


def parse_date(text):
    """A date (``datetime.date``) in ISO or the locale's short format; None otherwise."""
    text = text.strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _date_formats("date"):
        parsed = QDate.fromString(text, fmt)
        if parsed.isValid():
            if "yyyy" not in fmt and parsed.year() < 2000:
                parsed = parsed.addYears(100)
            return parsed.toPython()
    return None


def parse_datetime(text, user_tz=None):
    """A local date-time (ISO, the locale's short format, or a date at midnight) as the UTC string."""
    text = text.strip()
    moment = None
    try:
        moment = datetime.datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        for fmt in _date_formats("datetime"):
            parsed = QDateTime.fromString(text, fmt)
            if parsed.isValid():
                if "yyyy" not in fmt and parsed.date().year() < 2000:
                    parsed = parsed.addYears(100)
                moment = parsed.toPython()
                break
    if moment is None:
        day = parse_date(text)
        if day is None:
            return None
        moment = datetime.datetime.combine(day, datetime.time())
    if moment.tzinfo is None:
        return local_to_utc_string(moment, user_tz)
    return to_utc_string(moment)


def parse_boolean(text):
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS or lowered == tr("Yes").lower() or lowered == tr("True").lower():
        return True
    if lowered in FALSE_WORDS or lowered == tr("No").lower() or lowered == tr("False").lower():
        return False
    return None


def parse_selection(text, selection):
    """The key of the option whose label (or key) is ``text``, case-insensitively; None otherwise."""
    wanted = text.strip().casefold()
    for key, label in selection or []:
        if str(label).casefold() == wanted:
            return key
    for key, _label in selection or []:
        if str(key).casefold() == wanted:
            return key
    return None


def _modifier(predicate, default):
    """A column's readonly/required for a new row (no values yet); the description's when the
    modifier needs values it does not have."""
    if predicate is None:
        return bool(default)
    try:
        return bool(predicate({}))
    except Exception:  # noqa: BLE001 (an expression on row values: the server decides)
        return bool(default)


def parse_cell(column, text, user_tz=None):
    """``(value, error)`` of a pasted cell for ``column``; ``value`` is :data:`PENDING` for a
    many2one name to look up, None when the cell gives no value (empty)."""
    description = column.description or {}
    kind = column.type
    text = text.replace("\r", "")
    label = column.string or column.name
    if kind not in EDITABLE_TYPES or column.widget == "handle":
        return None, tr("The column “{0}” cannot be pasted into.").format(label)
    if _modifier(column.readonly, description.get("readonly")):
        return None, tr("The column “{0}” is read-only.").format(label)
    if not text.strip():
        if _modifier(column.required, description.get("required")) and kind != "boolean":
            return None, tr("“{0}” is required.").format(label)
        return None, None
    if kind in ("char", "text"):
        return text, None
    if kind == "integer":
        value = parse_number(text, integer=True)
        return (value, None) if value is not None else \
            (None, tr("“{0}” is not a whole number.").format(text))
    if kind in ("float", "monetary"):
        value = parse_number(text)
        example = QLocale().toString(1234.5, "f", 2)
        return (value, None) if value is not None else \
            (None, tr("“{0}” is not a number (for example {1}).").format(text, example))
    if kind == "date":
        value = parse_date(text)
        example = QLocale().toString(QDate(2024, 12, 31), QLocale.FormatType.ShortFormat)
        return (value.strftime(DATE_FMT), None) if value is not None else \
            (None, tr("“{0}” is not a date (for example {1} or 2024-12-31).").format(text, example))
    if kind == "datetime":
        value = parse_datetime(text, user_tz)
        return (value, None) if value is not None else \
            (None, tr("“{0}” is not a date and time (for example 2024-12-31 14:30).").format(text))
    if kind == "boolean":
        value = parse_boolean(text)
        return (value, None) if value is not None else \
            (None, tr("“{0}” is not yes or no.").format(text))
    if kind == "selection":
        options = description.get("selection") or []
        value = parse_selection(text, options)
        return (value, None) if value is not None else \
            (None, tr("“{0}” is not one of: {1}.").format(text, ", ".join(str(label) for _, label in options)))
    if kind == "many2one":
        return PENDING, None
    return None, tr("The column “{0}” cannot be pasted into.").format(label)


# -- the pasted rows --------------------------------------------------------------------------------
class PastedCell:
    """One pasted cell: its text, parsed value and error (None when valid)."""

    __slots__ = ("text", "value", "error")

    def __init__(self, text):
        self.text, self.value, self.error = text, None, None


class PasteBlock(QObject):
    """The rows of one paste: parsing, many2one look-ups, and the ``create`` once all are valid.

    ``changed(row, column)`` after a cell was (re)parsed or looked up; ``saved(ids)`` once created;
    ``failed(message)`` when the server refused the rows (nothing was created).
    """

    changed = Signal(int, int)
    saved = Signal(list)
    failed = Signal(str)

    def __init__(self, session, model_name, columns, rows, context=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.calls = OwnedCalls(self, session)
        self.model_name = model_name
        self.columns = columns
        self.context = dict(context or {})
        self.user_tz = getattr(session, "user_tz", None)
        self.rows = [[PastedCell(row[i] if i < len(row) else "") for i in range(len(columns))] for row in rows]
        self.pending = 0
        self.saving = False
        for row_index in range(len(self.rows)):
            for column_index in range(len(columns)):
                self.parse(row_index, column_index)

    def parse(self, row, column, text=None):
        cell = self.rows[row][column]
        if text is not None:
            cell.text = text
        cell.value, cell.error = parse_cell(self.columns[column], cell.text, self.user_tz)
        if cell.value is PENDING:
            self._look_up(row, column)
        self.changed.emit(row, column)

    def _look_up(self, row, column):
        cell = self.rows[row][column]
        name = cell.text.strip()
        relation = self.columns[column].description.get("relation")
        self.pending += 1

        def found(result, text=cell.text):
            self.pending -= 1
            if cell.text != text:
                return        # corrected meanwhile: the newer look-up decides
            matches = [list(pair) for pair in result or []]
            if len(matches) == 1:
                cell.value, cell.error = matches[0][0], None
            else:
                cell.value = None
                cell.error = (tr("No record is named “{0}”.") if not matches else
                              tr("Several records are named “{0}”.")).format(name)
            self.changed.emit(row, column)

        def failed(error, text=cell.text):
            self.pending -= 1
            if cell.text == text:
                cell.value, cell.error = None, getattr(error, "message", None) or str(error)
                self.changed.emit(row, column)

        self.calls.call(relation, "name_search", name, operator="=", limit=2, context=self.context,
                        on_result=found, on_error=failed)

    def errors(self):
        """``[(row, column, message)]`` of the invalid cells."""
        return [(r, c, cell.error) for r, row in enumerate(self.rows) for c, cell in enumerate(row) if cell.error]

    def is_valid(self):
        return not self.pending and not self.errors() and all(
            cell.value is not PENDING for row in self.rows for cell in row)

    def values(self):
        """The ``create`` values of every row (empty cells left out: defaults apply)."""
        return [{self.columns[c].name: cell.value for c, cell in enumerate(row) if cell.value is not None}
                for row in self.rows]

    def save(self):
        """One ``create`` of every row; only when every cell is valid. Returns whether it was sent."""
        if not self.is_valid() or self.saving:
            return False
        self.saving = True

        def done(result):
            self.saving = False
            self.saved.emit(result if isinstance(result, list) else [result])

        def refused(error):
            self.saving = False
            self.failed.emit(getattr(error, "message", None) or str(error))

        self.calls.call(self.model_name, "create", self.values(), context=self.context, on_result=done,
                        on_error=refused)
        return True


class PastePanel(QWidget):
    """The pasted rows of a list waiting to be valid: a table like the list's, Save rows, Discard."""

    def __init__(self, view, block, note=""):
        super().__init__()
        self.setObjectName("paste_panel")
        self.view = view
        self.block = block
        self.note = note
        self.server_error = ""
        #: a block valid as pasted (once its look-ups answer) is saved without a click
        self.auto = True
        self.message = QLabel()
        self.message.setObjectName("paste_message")
        self.message.setWordWrap(True)
        self.table = QTableWidget(len(block.rows), len(block.columns))
        self.table.setObjectName("paste_table")
        self.table.setHorizontalHeaderLabels([column.string or column.name for column in block.columns])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.save_button = QPushButton(tr("Save rows"))
        self.save_button.setObjectName("paste_save")
        self.save_button.clicked.connect(self.save)
        self.discard_button = QPushButton(tr("Discard"))
        self.discard_button.setObjectName("paste_discard")
        self.discard_button.clicked.connect(self.discard)
        self.reason = QLabel()
        self.reason.setObjectName("paste_reason")
        self.reason.setWordWrap(True)
        buttons = QHBoxLayout()
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.message)
        texts.addWidget(self.reason)
        buttons.addLayout(texts, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.discard_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self._filling = True
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(cell.text))
        self._filling = False
        for r in range(len(block.rows)):
            for c in range(len(block.columns)):
                self._show_cell(r, c)
        self.table.resizeColumnsToContents()
        self._align_columns()
        scroll_bar = self.table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        rows_height = self.table.verticalHeader().length() + self.table.horizontalHeader().height() + 6
        self.table.setMaximumHeight(min(rows_height, 260) + scroll_bar)
        self.table.setMinimumHeight(min(rows_height, 120) + scroll_bar)
        self.table.itemChanged.connect(self._edited)
        self.table.currentCellChanged.connect(lambda *_: self._update())
        block.changed.connect(self._show_cell)
        block.saved.connect(self._saved)
        block.failed.connect(self._failed)
        self._update()

    def _align_columns(self):
        """Each pasted column at least as wide as the same column of the list."""
        header = self.view.table.horizontalHeader()
        for index, column in enumerate(self.block.columns):
            list_index = self.view.model.column_index(column.name)
            if list_index is not None and list_index >= 0:
                wanted = min(header.sectionSize(list_index), MAX_ALIGNED_WIDTH)
                self.table.setColumnWidth(index, max(self.table.columnWidth(index), wanted))

    def cell_error(self, row, column):
        """The reason cell (row, column) is invalid, or None (tests and tooltips)."""
        return self.block.rows[row][column].error

    def _edited(self, item):
        if self._filling:
            return
        self.server_error = ""
        self.auto = False
        self.block.parse(item.row(), item.column(), item.text())

    def _show_cell(self, row, column):
        item = self.table.item(row, column)
        if item is None:
            return
        cell = self.block.rows[row][column]
        self._filling = True
        try:
            if cell.error:
                item.setBackground(QBrush(QColor(ERROR_BACKGROUND[is_dark_palette()])))
                item.setToolTip(cell.error)
            else:
                item.setBackground(QBrush())
                item.setToolTip(tr("Looking up…") if cell.value is PENDING else "")
        finally:
            self._filling = False
        self._update()

    def _update(self):
        errors = self.block.errors()
        count = len(self.block.rows)
        if self.server_error:
            text = tr("The server refused the rows (nothing was saved): {0}").format(self.server_error)
        elif errors:
            text = tr("{0} pasted row(s), {1} invalid cell(s): correct the marked cells (their tooltip says "
                      "why), then save. Nothing is saved until every row is valid.").format(count, len(errors))
        elif self.block.pending:
            text = tr("{0} pasted row(s): looking up the related records…").format(count)
        else:
            text = tr("{0} pasted row(s) are valid.").format(count)
        if self.note:
            text += " " + self.note
        self.message.setText(text)
        # the reason of the current cell if it is invalid, else of the first invalid cell
        current = (self.table.currentRow(), self.table.currentColumn())
        shown = next((e for e in errors if (e[0], e[1]) == current), errors[0] if errors else None)
        if shown is not None:
            row, column, reason = shown
            label = self.block.columns[column].string or self.block.columns[column].name
            self.reason.setText(tr("Row {0}, {1}: {2}").format(row + 1, label, reason))
        self.reason.setVisible(shown is not None)
        self.save_button.setEnabled(self.block.is_valid() and not self.block.saving)
        if self.auto and not self.block.pending:
            self.auto = False
            if self.block.is_valid():
                self.save()
        elif self.auto and self.block.errors():
            self.auto = False

    def save(self):
        if self.block.save():
            self.save_button.setEnabled(False)

    def _saved(self, ids):
        self.view.paste_done(self, ids)

    def _failed(self, message):
        self.server_error = message
        self._update()

    def discard(self):
        self.view.paste_done(self, [])


# -- the list view's side ---------------------------------------------------------------------------
class ListPaste(QObject):
    """Ctrl+V on an editable list: the rows on the clipboard become new records (see the module)."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.panel = None
        self.shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), view.table)
        self.shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.shortcut.setWhatsThis(tr("Paste rows copied from a spreadsheet as new records"))
        self.shortcut.activated.connect(self.paste_clipboard)
        self.shortcut.setEnabled(self.enabled())
        # a block pasted while a cell editor is open is rows too, not the text of one cell
        view.table.viewport().installEventFilter(self)
        view.paste_done = self.done

    def enabled(self):
        view = self.view
        return bool(view.model.can_edit() and view.spec.create)

    def eventFilter(self, watched, event):
        kind = event.type()
        if kind == QEvent.Type.ChildAdded and watched is self.view.table.viewport():
            child = event.child()
            if isinstance(child, QWidget):
                child.installEventFilter(self)
        elif kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and watched is not self.view.table.viewport() \
                and event.matches(QKeySequence.StandardKey.Paste) and self.enabled() \
                and is_block(QApplication.clipboard().text()):
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()
                return False
            self.view.table.setFocus()     # closes the editor (its row stays as it was)
            self.paste_clipboard()
            return True
        return super().eventFilter(watched, event)

    def paste_clipboard(self):
        return self.paste_text(QApplication.clipboard().text())

    def start_column(self):
        """The current column of the list (the first one when no cell is current)."""
        current = self.view.table.currentIndex()
        return current.column() if current.isValid() else 0

    def paste_text(self, text):
        """Paste tab-separated ``text`` from the current column; returns the :class:`PastePanel`
        (None when the block was valid and is being created at once, or nothing was pasted)."""
        view = self.view
        if not self.enabled() or view.is_grouped():
            return None
        rows = split_rows(text)
        if not rows:
            return None
        table = view.table
        shown = [column for index, column in enumerate(view.model.columns) if not table.isColumnHidden(index)]
        start = self.start_column()
        start_column = view.model.columns[start] if 0 <= start < len(view.model.columns) else None
        start = shown.index(start_column) if start_column in shown else 0
        width = max(len(row) for row in rows)
        columns = target_columns(shown, start, width)
        if not columns:
            return None
        note = ""
        if width > len(columns):
            note = tr("The cells beyond the last column ({0} per row) were left out.").format(width - len(columns))
        if self.panel is not None:
            self.done(self.panel, [])
        block = PasteBlock(view.session, view.model_name, columns, rows, view.model.context, self)
        panel = self.panel = PastePanel(view, block, note)
        layout = view.layout()
        stack_index = layout.indexOf(view.stack)
        layout.insertWidget(stack_index if view.spec.editable == "top" else stack_index + 1, panel)
        return panel

    def done(self, panel, ids):
        """The pasted rows were created (``ids``) or discarded: the panel goes, the list shows them."""
        if panel is self.panel:
            self.panel = None
        panel.hide()
        panel.deleteLater()
        if ids:
            self.view.model.refresh()
            window = getattr(self.view.tab, "window", None)
            if window is not None and hasattr(window, "statusBar"):
                window.statusBar().showMessage(tr("{0} record(s) created from the pasted rows.").format(len(ids)),
                                               8000)


def install_paste(view):
    """Give ``view`` (a :class:`~client_qt.views.list.view.ListView`) the paste of spreadsheet rows."""
    view.paste = ListPaste(view)
    return view.paste
