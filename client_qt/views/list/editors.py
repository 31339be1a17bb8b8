"""Cell editors of editable lists and the painting of row buttons (views.md §4.3, §11).

:class:`ListDelegate` creates one light editor per field type (line edit, spin boxes, date edits, a
check box, a selection combo, a many2one line edit completing through ``name_search``), converts
between the editor and the ``read`` format the model keeps, and turns the editor keys of views.md
§4.3 into calls on the table (:class:`~client_qt.views.list.table.ListTable`): Tab/Shift+Tab, Enter,
Escape, Up/Down. Row buttons are painted as push buttons; a click is reported to the view.
"""
import datetime
import logging

from ...models.fields import DATE_FMT, local_to_utc_string, to_local
from ...models.calls import OwnedCalls
from ...models.list_model import ColumnRole, ValueRole
from ...qt import (QCheckBox, QComboBox, QCompleter, QDate, QDateEdit, QDateTime, QDateTimeEdit, QDoubleSpinBox,
                   QEvent, QLineEdit, QSpinBox, QStandardItem, QStandardItemModel, QStyle, QStyledItemDelegate,
                   QStyleOptionButton, QTimer, Qt, QApplication)

_logger = logging.getLogger(__name__)

INT_RANGE = 2 ** 31 - 1
ROW_PADDING = 8
NAME_SEARCH_DELAY_MS = 250
NAME_SEARCH_LIMIT = 8


class Many2oneEditor(QLineEdit):
    """Type-ahead on a comodel: ``name_search`` after a short pause; the value is ``[id, name]``."""

    def __init__(self, session, relation, domain=None, context=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.calls = OwnedCalls(self, session)
        self.relation = relation
        self.domain = domain or []
        self.context = context or {}
        self.value = False
        self.matches = []
        self.matches_text = None
        self.items = QStandardItemModel(self)
        self.completer_ = QCompleter(self.items, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.activated[str].connect(self._chosen)
        self.setCompleter(self.completer_)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(NAME_SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search)
        self.textEdited.connect(lambda _: self.timer.start())

    def set_value(self, value):
        self.value = value if isinstance(value, (list, tuple)) and value else False
        self.setText(str(self.value[1]) if self.value else "")

    def search(self):
        text = self.text()
        self.calls.call(self.relation, "name_search", text, domain=self.domain, operator="ilike",
                        limit=NAME_SEARCH_LIMIT, context=self.context,
                        on_result=lambda result, text=text: self._matches(text, result),
                        on_error=lambda error: _logger.warning("name_search failed: %s", error))

    def _matches(self, text, result):
        if text != self.text():
            return  # a stale answer: the user typed on
        self.matches = [list(pair) for pair in result or []]
        self.matches_text = text
        self.items.clear()
        for record_id, name in self.matches:
            self.items.appendRow(QStandardItem(name))
        if self.hasFocus() and self.matches:
            self.completer_.complete()

    def _chosen(self, name):
        match = next((m for m in self.matches if m[1] == name), None)
        if match:
            self.value = match

    def resolved(self):
        """The value for the text as it is: never a stale first result (views.md §11 many2one)."""
        text = self.text().strip()
        if not text:
            return False
        if self.value and text == str(self.value[1]):
            return self.value
        exact = [m for m in self.matches if m[1].lower() == text.lower()]
        if len(exact) == 1:
            return exact[0]
        if self.matches_text is not None and self.matches_text.strip() == text and len(self.matches) == 1:
            return self.matches[0]     # the search of exactly this text found one record
        return None   # unresolved: the cell keeps its value and the row shows why


class ListDelegate(QStyledItemDelegate):
    """:param table: the :class:`~client_qt.views.list.table.ListTable` (keyboard rules)
    :param session: for many2one completion
    """

    def __init__(self, table, session, context_getter=None):
        super().__init__(table)
        self.table = table
        self.session = session
        self.context_getter = context_getter or (lambda: {})

    # -- row buttons -----------------------------------------------------------------------------
    def paint(self, painter, option, index):
        column = index.data(ColumnRole)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if column is None or not getattr(column, "is_button", False) or not text:
            super().paint(painter, option, index)
            return
        button = QStyleOptionButton()
        button.rect = option.rect.adjusted(3, 2, -3, -2)
        button.text = text
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        button.palette = option.palette
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, option.widget)

    def sizeHint(self, option, index):
        hint = super().sizeHint(option, index)
        hint.setHeight(max(hint.height(), option.fontMetrics.height() + ROW_PADDING))
        return hint

    def editorEvent(self, event, model, option, index):
        column = index.data(ColumnRole)
        if column is not None and getattr(column, "is_button", False) and index.data(Qt.ItemDataRole.DisplayRole):
            if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
                self.table.button_clicked(column, index)
                return True
        return super().editorEvent(event, model, option, index)

    # -- editors ---------------------------------------------------------------------------------
    def createEditor(self, parent, option, index):
        column = index.data(ColumnRole)
        kind = column.type
        description = column.description
        if kind == "boolean":
            editor = QCheckBox(parent)
            editor.setStyleSheet("margin-left: 50%;")
        elif kind == "integer":
            editor = QSpinBox(parent)
            editor.setRange(-INT_RANGE, INT_RANGE)
            editor.setGroupSeparatorShown(True)
        elif kind in ("float", "monetary"):
            editor = QDoubleSpinBox(parent)
            digits = description.get("digits")
            editor.setDecimals(int(digits[1]) if isinstance(digits, (list, tuple)) and len(digits) == 2 else 2)
            editor.setRange(-1e15, 1e15)
            editor.setGroupSeparatorShown(True)
        elif kind == "date":
            editor = QDateEdit(parent)
            editor.setCalendarPopup(True)
        elif kind == "datetime":
            editor = QDateTimeEdit(parent)
            editor.setCalendarPopup(True)
        elif kind == "selection":
            editor = QComboBox(parent)
            required = column.required is not None and column.required({})
            if not required:
                editor.addItem("", False)
            for value, label in description.get("selection") or []:
                editor.addItem(label, value)
        elif kind == "many2one":
            editor = Many2oneEditor(self.session, description.get("relation"), context=self.context_getter(),
                                    parent=parent)
        else:
            editor = QLineEdit(parent)
            if description.get("size"):
                editor.setMaxLength(int(description["size"]))
        editor.setObjectName(f"cell_editor_{column.name}")
        editor.installEventFilter(self)
        editor.setProperty("list_column", column.name)
        return editor

    def setEditorData(self, editor, index):
        column = index.data(ColumnRole)
        value = index.data(ValueRole)
        kind = column.type
        if kind == "boolean":
            editor.setChecked(bool(value))
        elif kind == "integer":
            editor.setValue(int(value or 0))
        elif kind in ("float", "monetary"):
            editor.setValue(float(value or 0.0))
        elif kind == "date":
            day = datetime.datetime.strptime(value, DATE_FMT).date() if value else datetime.date.today()
            editor.setDate(QDate(day.year, day.month, day.day))
        elif kind == "datetime":
            moment = to_local(value, self.session.user_tz) if value else datetime.datetime.now()
            editor.setDateTime(QDateTime(QDate(moment.year, moment.month, moment.day),
                                         _qtime(moment)))
        elif kind == "selection":
            position = editor.findData(value)
            editor.setCurrentIndex(max(position, 0))
        elif kind == "many2one":
            editor.set_value(value)
        else:
            editor.setText("" if value in (False, None) else str(value))

    def setModelData(self, editor, model, index):
        column = index.data(ColumnRole)
        kind = column.type
        if kind == "boolean":
            value = editor.isChecked()
        elif kind == "integer":
            value = editor.value()
        elif kind in ("float", "monetary"):
            value = editor.value()
        elif kind == "date":
            value = editor.date().toPython().strftime(DATE_FMT)
        elif kind == "datetime":
            local = editor.dateTime().toPython()
            value = local_to_utc_string(local, self.session.user_tz)
        elif kind == "selection":
            value = editor.currentData()
        elif kind == "many2one":
            value = editor.resolved()
            if value is None:
                self.table.cell_unresolved(index, editor.text())
                return
        else:
            value = editor.text() or False
        model.setData(index, value, Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor, option, index):
        editor.setGeometry(option.rect)

    # -- keyboard rules (views.md §4.3) ---------------------------------------------------------
    def eventFilter(self, editor, event):
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(editor, event)
        key = event.key()
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            backwards = key == Qt.Key.Key_Backtab or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._finish(editor)
            self.table.move_to_editable_cell(backwards)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(editor, Many2oneEditor) and editor.completer_.popup().isVisible():
                return False
            self._finish(editor)
            self.table.enter_pressed()
            return True
        if key == Qt.Key.Key_Escape:
            if isinstance(editor, QComboBox) and editor.view().isVisible():
                return False
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.RevertModelCache)
            self.table.escape_pressed()
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            if isinstance(editor, QComboBox) and editor.view().isVisible():
                return False
            if isinstance(editor, Many2oneEditor) and editor.completer_.popup().isVisible():
                return False
            self._finish(editor)
            self.table.move_row(-1 if key == Qt.Key.Key_Up else 1)
            return True
        return super().eventFilter(editor, event)

    def _finish(self, editor):
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)


def _qtime(moment):
    from ...qt import QTime
    return QTime(moment.hour, moment.minute, moment.second)



