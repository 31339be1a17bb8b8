"""The item views of a list: :class:`ListTable` (flat, editable) and :class:`GroupTree` (grouped).

``ListTable`` carries the editable-list keyboard rules of views.md §4.3: Tab/Shift+Tab move between
editable cells and on to the next row (a new row after the last row of a ``bottom`` list); Enter
commits the row and moves to the same column of the next row, or opens another new row after a new
one; Escape discards the row's edits; Up/Down change rows. Leaving a row commits it; a row that
cannot be saved as is keeps the focus.
"""
from ...qt import (QAbstractItemView, QHeaderView, QTableView, QTimer, QTreeView, Qt, Signal)

ROW_PADDING = 8


def _setup_header(header):
    header.setSectionsClickable(True)
    header.setSortIndicatorShown(False)
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)


class ListTable(QTableView):
    """The flat list."""

    open_requested = Signal(int)            # row
    delete_requested = Signal()
    button_requested = Signal(object, int)  # column, row

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("list_table")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + ROW_PADDING)
        # sizing columns to their contents looks at the rows on screen only: other rows are not
        # loaded and asking for them would fetch every page
        self.verticalHeader().setResizeContentsPrecision(0)
        self.horizontalHeader().setResizeContentsPrecision(0)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        _setup_header(self.horizontalHeader())
        self.editable = False
        self.bottom = True
        self.set_editable(False)

    def set_editable(self, editable, position="bottom"):
        self.editable = bool(editable)
        self.bottom = position != "top"
        if self.editable:
            self.setEditTriggers(QAbstractItemView.EditTrigger.CurrentChanged
                                 | QAbstractItemView.EditTrigger.SelectedClicked
                                 | QAbstractItemView.EditTrigger.DoubleClicked
                                 | QAbstractItemView.EditTrigger.EditKeyPressed
                                 | QAbstractItemView.EditTrigger.AnyKeyPressed)
        else:
            self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    # -- rows and cells --------------------------------------------------------------------------
    def editable_columns(self, row):
        model = self.model()
        return [c for c in range(model.columnCount())
                if model.flags(model.index(row, c)) & Qt.ItemFlag.ItemIsEditable]

    def edit_cell(self, row, column):
        index = self.model().index(row, column)
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        if self.model().flags(index) & Qt.ItemFlag.ItemIsEditable and self.state() != QAbstractItemView.State.EditingState:
            self.edit(index)

    def first_editable(self, row):
        columns = self.editable_columns(row)
        return columns[0] if columns else 0

    def new_row(self):
        """Open a new row (top or bottom) and edit its first editable cell."""
        row = self.model().add_row()
        self.edit_cell(row, self.first_editable(row))
        return row

    def move_to_editable_cell(self, backwards=False):
        current = self.currentIndex()
        if not current.isValid():
            return
        row, column = current.row(), current.column()
        columns = self.editable_columns(row)
        later = [c for c in columns if (c < column if backwards else c > column)]
        if later:
            self.edit_cell(row, later[-1] if backwards else later[0])
            return
        target = row - 1 if backwards else row + 1
        if 0 <= target < self.model().rowCount():
            columns = self.editable_columns(target)
            self.edit_cell(target, (columns[-1] if backwards else columns[0]) if columns else column)
        elif not backwards and self.bottom and self.model().spec.create:
            if self.model().commit_row(row):
                self.new_row()

    def enter_pressed(self):
        current = self.currentIndex()
        if not current.isValid():
            return
        row, column = current.row(), current.column()
        was_new = not self.model().record_id(row)
        model = self.model()
        row_data = model.row_data(row, fetch=False)

        def saved(ok):
            if not ok:
                # a refused row takes the focus back, with its edits and the server's message
                index = model.index_of_row(row_data)
                if index >= 0:
                    self.setCurrentIndex(model.index(index, column))
            elif was_new and model.spec.create:
                self.new_row()
        if not model.commit_row(row, on_done=saved if was_new else
                                (lambda ok: None if ok else saved(False))):
            self._focus_missing(row)
            return
        if not was_new and row + 1 < model.rowCount():
            self.edit_cell(row + 1, column)

    def escape_pressed(self):
        current = self.currentIndex()
        if current.isValid():
            self.model().discard_row(current.row())

    def move_row(self, delta):
        current = self.currentIndex()
        if not current.isValid():
            return
        target = current.row() + delta
        if 0 <= target < self.model().rowCount():
            self.edit_cell(target, current.column())

    def cell_unresolved(self, index, text):
        self.model().set_row_error(index.row(), self.tr("No single record matches “{0}”").format(text))

    def button_clicked(self, column, index):
        self.button_requested.emit(column, index.row())

    def _focus_missing(self, row):
        missing = self.model().missing_required(row)
        if missing:
            column = self.model().column_index(missing[0].name)
            QTimer.singleShot(0, lambda: self.edit_cell(row, column))

    def currentChanged(self, current, previous):
        super().currentChanged(current, previous)
        if not self.editable or not previous.isValid() or current.row() == previous.row():
            return
        row = previous.row()
        if row >= self.model().rowCount() or not self.model().is_row_dirty(row):
            if row < self.model().rowCount() and not self.model().record_id(row) \
                    and not self.model().is_row_dirty(row):
                # an untouched new row is dropped when left
                QTimer.singleShot(0, lambda: self._drop_untouched(row))
            return
        if not self.model().commit_row(row):
            self._focus_missing(row)

    def _drop_untouched(self, row):
        model = self.model()
        if row < model.rowCount() and not model.record_id(row) and not model.is_row_dirty(row):
            current = self.currentIndex()
            if current.isValid() and current.row() == row:
                return
            model.discard_row(row)

    def keyPressEvent(self, event):
        key = event.key()
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.editable:
                    self.enter_pressed()
                elif self.currentIndex().isValid():
                    self.open_requested.emit(self.currentIndex().row())
                return
            if key == Qt.Key.Key_Delete:
                self.delete_requested.emit()
                return
            if self.editable and key == Qt.Key.Key_Escape:
                self.escape_pressed()
                return
            if self.editable and key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                self.move_to_editable_cell(key == Qt.Key.Key_Backtab)
                return
        super().keyPressEvent(event)

    def visible_rows(self):
        """``(first, last)`` view rows on screen."""
        count = self.model().rowCount() if self.model() else 0
        if not count:
            return 0, -1
        first = self.rowAt(0)
        last = self.rowAt(self.viewport().height() - 1)
        first = 0 if first < 0 else first
        last = count - 1 if last < 0 else last
        return first, last


class GroupTree(QTreeView):
    """The grouped list: group rows expand to sub-groups or records."""

    open_requested = Signal(object)         # index
    delete_requested = Signal()
    button_requested = Signal(object, object)  # column, index

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("list_groups")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setAllColumnsShowFocus(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setExpandsOnDoubleClick(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        _setup_header(self.header())
        self.header().setResizeContentsPrecision(0)

    def button_clicked(self, column, index):
        self.button_requested.emit(column, index)

    def drawBranches(self, painter, rect, index):
        # group rows have their own background: carry it under the expand arrow too
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if background is not None and not self.selectionModel().isSelected(index):
            painter.fillRect(rect, background)
        super().drawBranches(painter, rect, index)

    def keyPressEvent(self, event):
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            index = self.currentIndex()
            if self.model().hasChildren(index.siblingAtColumn(0)):
                self.setExpanded(index.siblingAtColumn(0), not self.isExpanded(index.siblingAtColumn(0)))
            else:
                self.open_requested.emit(index)
            return
        if key == Qt.Key.Key_Delete:
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)
