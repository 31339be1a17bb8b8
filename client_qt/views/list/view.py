"""The list view of an action tab (views.md §4): toolbar, table or group tree, aggregate footer.

The view owns a :class:`~client_qt.models.list_model.ListModel` (flat) and, when the search groups,
a :class:`~client_qt.models.tree_model.GroupedListModel` shown in a tree. It opens records in the
form (double-click or Enter: ``tab.open_record(id, ids)``), deletes, duplicates and exports the
selected rows, runs header and row buttons, lets the user show or hide ``optional`` columns (kept per
database, user and view), and edits rows in place when the arch says ``editable``. All server work
goes through the session's runner.
"""
import logging

from ...expr import base_names, evaluate_literal
from ...models.calls import OwnedCalls
from ...models.list_model import IdRole, ListModel
from ...models.tree_model import GroupedListModel, KindRole
from ...qt import (QAction, QEvent, QHBoxLayout, QKeySequence, QLabel, QMenu, QMessageBox, QSettings, QStackedWidget,
                   QToolButton, QVBoxLayout, QWidget, Qt, tr)
from ..registry import register
from .editors import ListDelegate
from .footer import AggregateFooter
from .parser import parse_list
from .table import GroupTree, ListTable

_logger = logging.getLogger(__name__)

MAX_INITIAL_WIDTH = 320


@register("list")
class ListView(QWidget):
    """:param tab: the :class:`~client_qt.windows.action_tab.ActionTab`
    :param arch: the list arch
    :param fields: ``{name: description}`` of the model
    :param view_id: the view's id (optional column choices are kept per view)
    """

    def __init__(self, tab, arch, fields, view_id=None):
        super().__init__()
        self.setObjectName("list_view")
        self.tab = tab
        self.session = tab.session
        self.calls = OwnedCalls(self, self.session)
        self.model_name = tab.model
        self.fields = fields
        self.view_id = view_id
        context = dict(getattr(tab, "context", {}) or {})
        names = base_names(context, self.session.uid)
        self.spec = parse_list(arch, fields, names=lambda values: names)
        self.context = context
        self.domain = list(getattr(tab, "domain", []) or [])
        self.group_by = []
        self.loaded = False
        self.confirm_box = None
        self.export_dialog = None
        self._widths_set = set()
        self._extra = {}
        self._user_sized = {}
        self._resizing = False
        self.model = ListModel(self.session, self.model_name, self.spec, fields, context, self)
        self.group_model = GroupedListModel(self.session, self.model_name, self.spec, fields, context, self)
        self._build()
        shown = self._saved_optional()
        if shown is not None:
            self.model.set_shown_optional(shown)
            self.group_model.columns = self.spec.visible_columns(set(shown))
        self._connect()
        from .paste import install_paste
        install_paste(self)   # Ctrl+V on an editable list: rows copied from a spreadsheet become records

    # -- construction ----------------------------------------------------------------------------
    def _build(self):
        self.toolbar = QHBoxLayout()
        self.new_button = self._tool("list_new", tr("New"), self.new_record)
        self.new_button.setVisible(self.spec.create)
        self.delete_button = self._tool("list_delete", tr("Delete"), self.delete_selected)
        self.delete_button.setVisible(self.spec.delete)
        self.duplicate_button = self._tool("list_duplicate", tr("Duplicate"), self.duplicate_selected)
        self.duplicate_button.setVisible(self.spec.create and self.spec.duplicate)
        self.export_button = self._tool("list_export", tr("Export…"), self.export)
        self.export_button.setVisible(self.spec.export)
        self.import_button = self._tool("list_import", tr("Import…"), self.import_records)
        self.import_button.setVisible(self.spec.create and self.spec.import_)
        self.header_buttons = []
        for button in self.spec.header_buttons:
            widget = self._tool(f"list_header_{button.name}", button.string,
                                lambda checked=False, b=button: self.run_header_button(b))
            self.header_buttons.append((button, widget))
        self.toolbar.addStretch(1)
        self.columns_button = QToolButton()
        self.columns_button.setObjectName("list_columns")
        self.columns_button.setText(tr("Columns"))
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_button.setVisible(bool(self.spec.optional_columns()))
        self.columns_menu = QMenu(self)
        self.columns_menu.aboutToShow.connect(lambda: self._fill_columns_menu(self.columns_menu))
        self.columns_button.setMenu(self.columns_menu)
        self.toolbar.addWidget(self.columns_button)
        self.pager = QLabel("")
        self.pager.setObjectName("list_pager")
        self.toolbar.addWidget(self.pager)

        self.table = ListTable()
        self.table.setModel(self.model)
        self.table.set_editable(self.model.can_edit(), self.spec.editable or "bottom")
        self.delegate = ListDelegate(self.table, self.session, lambda: self.model.context)
        self.table.setItemDelegate(self.delegate)
        self.tree = GroupTree()
        self.tree.setModel(self.group_model)
        self.tree_delegate = ListDelegate(self.tree, self.session, lambda: self.group_model.context)
        self.tree.setItemDelegate(self.tree_delegate)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.tree)
        self.footer = AggregateFooter(self.table)
        self.tree_footer = AggregateFooter(self.tree)
        self.error_label = QLabel("")
        self.error_label.setObjectName("list_error")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.footer)
        layout.addWidget(self.tree_footer)
        layout.addWidget(self.error_label)

    def _tool(self, name, text, slot):
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.clicked.connect(slot)
        self.toolbar.addWidget(button)
        return button

    def _connect(self):
        model, table, tree = self.model, self.table, self.tree
        table.doubleClicked.connect(self._table_double_clicked)
        table.open_requested.connect(self.open_row)
        table.delete_requested.connect(self.delete_selected)
        table.button_requested.connect(self.run_row_button)
        tree.doubleClicked.connect(self._tree_activated)
        tree.open_requested.connect(self._tree_activated)
        tree.delete_requested.connect(self.delete_selected)
        tree.button_requested.connect(self.run_group_row_button)
        for header, current, item_view in ((table.horizontalHeader(), model, table),
                                           (tree.header(), self.group_model, tree)):
            header.sectionClicked.connect(lambda section, m=current: self.sort_by(m, section))
            header.customContextMenuRequested.connect(self._header_menu)
            header.sectionResized.connect(lambda column, old, new, v=item_view: self._section_resized(v, column))
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        tree.selectionModel().selectionChanged.connect(self._selection_changed)
        table.verticalScrollBar().valueChanged.connect(self._scrolled)
        model.modelReset.connect(self._table_reset)
        model.count_changed.connect(lambda _: self._update_pager())
        model.page_loaded.connect(self._page_loaded)
        model.totals_changed.connect(self._update_footer)
        model.load_failed.connect(self.show_error)
        model.row_failed.connect(self._row_failed)
        model.row_saved.connect(lambda *_: self._clear_error())
        self.group_model.load_failed.connect(self.show_error)
        self.group_model.groups_loaded.connect(self._groups_loaded)
        self.group_model.records_loaded.connect(lambda group: self._fit_columns())
        self.group_model.modelReset.connect(lambda: tree.selectionModel().selectionChanged.connect(
            self._selection_changed, Qt.ConnectionType.UniqueConnection))
        table.viewport().installEventFilter(self)
        tree.viewport().installEventFilter(self)
        self._selection_changed()

    # -- view protocol ---------------------------------------------------------------------------
    def activate(self, record_id=None, ids=None):
        """Shown by the tab: the first time load the search, later refresh what is shown."""
        if not self.loaded:
            group_by = list(getattr(self.tab, "group_by", []) or []) or list(self.spec.default_group_by)
            domain = self.tab.full_domain() if hasattr(self.tab, "full_domain") else self.domain
            context = dict(self.context, **(getattr(self.tab, "search_context", {}) or {}))
            self.search(domain, context, group_by)
        elif self.is_grouped():
            self.group_model.refresh()
        else:
            self.model.refresh()

    def search(self, domain, context=None, group_by=None):
        """Show the records of a new search (the search view calls it through the tab)."""
        self.loaded = True
        self.domain = list(domain or [])
        self.group_by = list(group_by or [])
        context = dict(context or self.context)
        self._commit_dirty_rows()
        if self.group_by:
            self.stack.setCurrentWidget(self.tree)
            self.footer.setVisible(False)
            self.group_model.set_search(self.domain, context, self.group_by)
        else:
            self.stack.setCurrentWidget(self.table)
            self.tree_footer.setVisible(False)
            self.model.set_search(self.domain, context)
        self._update_pager()

    def can_close(self):
        """Pending row edits are saved first; a row that cannot be saved keeps the view open."""
        return self._commit_dirty_rows()

    def _commit_dirty_rows(self):
        ok = True
        for row in self.model.dirty_rows():
            if not self.model.commit_row(row):
                ok = False
        return ok

    def is_grouped(self):
        return self.stack.currentWidget() is self.tree

    # -- opening ---------------------------------------------------------------------------------
    def _table_double_clicked(self, index):
        if self.table.editable:
            return
        self.open_row(index.row())

    def open_row(self, row):
        record_id = self.model.record_id(row)
        if record_id:
            self.tab.open_record(record_id, self.model.loaded_ids())

    def _tree_activated(self, index):
        if index.data(KindRole) == "record":
            record_id = index.data(IdRole)
            if record_id:
                self.tab.open_record(record_id, self.group_model.loaded_ids())
        elif index.data(KindRole) == "more":
            self.group_model.load_more(index)

    def new_record(self):
        if self.table.editable and not self.is_grouped():
            self.table.setFocus()
            return self.table.new_row()
        self.tab.open_record(False, [])
        return None

    # -- selection -------------------------------------------------------------------------------
    def selected_rows(self):
        if self.is_grouped():
            return []
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def selected_ids(self):
        if self.is_grouped():
            return self.group_model.record_ids(self.tree.selectionModel().selectedRows())
        return self.model.ids_of(self.selected_rows())

    def _selection_changed(self, *args):
        ids = self.selected_ids()
        has = bool(ids)
        self.delete_button.setEnabled(has)
        self.duplicate_button.setEnabled(has)
        for button, widget in self.header_buttons:
            widget.setVisible(button.always or has)
        if not self.is_grouped():
            rows = self.selected_rows()
            self.model.set_selected_rows(rows if rows and len(rows) < self.model.rowCount() else None)
        self._update_pager()

    # -- sorting and columns ---------------------------------------------------------------------
    def sort_by(self, model, section):
        if model is self.model and not self._commit_dirty_rows():
            return
        header = self.table.horizontalHeader() if model is self.model else self.tree.header()
        if model.toggle_sort(section):
            state = model.sort_column()
            header.setSortIndicatorShown(state is not None)
            if state is not None:
                header.setSortIndicator(*state)
        else:
            header.setSortIndicatorShown(model.sort_column() is not None)

    def _settings_key(self):
        connection = self.session.connection
        return f"list_optional/{getattr(connection, 'db', '')}/{self.session.uid}/{self.model_name}/{self.view_id or 0}"

    def _saved_optional(self):
        value = QSettings().value(self._settings_key())
        if value is None:
            return None
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        return list(value)

    def shown_optional(self):
        return [c.name for c in self.model.columns if c.optional]

    def set_optional_shown(self, name, shown):
        """Show or hide an optional column; the choice is kept per database, user and view."""
        names = set(self.shown_optional())
        if shown:
            names.add(name)
        else:
            names.discard(name)
        self.model.set_shown_optional(names)
        if self.is_grouped():
            self.group_model.set_shown_optional(names)
        else:
            self.group_model.columns = self.spec.visible_columns(names)
        QSettings().setValue(self._settings_key(), ",".join(sorted(names)))
        self._fit_columns()

    def _fill_columns_menu(self, menu):
        menu.clear()
        shown = set(self.shown_optional())
        for column in self.spec.optional_columns():
            action = QAction(column.string or column.name, menu)
            action.setCheckable(True)
            action.setChecked(column.name in shown)
            action.setObjectName(f"optional_{column.name}")
            action.toggled.connect(lambda checked, n=column.name: self.set_optional_shown(n, checked))
            menu.addAction(action)

    def _header_menu(self, position):
        if not self.spec.optional_columns():
            return
        menu = QMenu(self)
        self._fill_columns_menu(menu)
        header = self.sender()
        menu.popup(header.mapToGlobal(position))

    # -- display ---------------------------------------------------------------------------------
    def _update_drag(self):
        """Drag and drop of rows only while the list is ordered by its handle column."""
        from ...qt import QAbstractItemView
        enabled = self.model.can_reorder() and not self.is_grouped()
        self.table.setDragEnabled(enabled)
        self.table.setAcceptDrops(enabled)
        self.table.setDropIndicatorShown(enabled)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove if enabled
                                   else QAbstractItemView.DragDropMode.NoDragDrop)

    def _table_reset(self):
        self._update_drag()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed,
                                                             Qt.ConnectionType.UniqueConnection)
        self._fit_columns()

    def _page_loaded(self, page):
        self._fit_columns()
        self._update_pager()

    def _fit_columns(self):
        """Columns as wide as their shown content (at most :data:`MAX_INITIAL_WIDTH`), widened as more
        rows arrive but never narrowed; a column the user resized keeps its width; the spare width
        goes to the first text column."""
        view = self.tree if self.is_grouped() else self.table
        header = view.header() if view is self.tree else view.horizontalHeader()
        model = view.model()
        if not model.rowCount() or not model.columnCount():
            return
        key = (id(view), tuple(c.name for c in model.columns))
        first_time = key not in self._widths_set
        if first_time:
            self._widths_set.add(key)
            self._user_sized[id(view)] = set()
        view.executeDelayedItemsLayout()   # rows inserted a moment ago count in the contents' width
        self._resizing = True
        try:
            self._remove_extra(view, header)
            for column in range(model.columnCount()):
                if column in self._user_sized.get(id(view), ()):
                    continue
                fixed = getattr(model.columns[column], "pixel_width", None)
                needed = fixed or min(max(view.sizeHintForColumn(column), header.sectionSizeHint(column)) + 16,
                                      MAX_INITIAL_WIDTH)
                if first_time or needed > header.sectionSize(column):
                    header.resizeSection(column, needed)
            self._fill_width(view)
        finally:
            self._resizing = False

    def _remove_extra(self, view, header):
        previous = self._extra.pop(id(view), None)
        if previous is not None and previous[0] < view.model().columnCount():
            column, extra = previous
            header.resizeSection(column, max(header.sectionSize(column) - extra, 20))

    def _section_resized(self, view, column):
        if not self._resizing:
            self._user_sized.setdefault(id(view), set()).add(column)
            self._extra.pop(id(view), None)

    def _fill_width(self, view):
        """Give the spare width of the viewport to the first text column (not to a check-mark column)."""
        header = view.header() if view is self.tree else view.horizontalHeader()
        model = view.model()
        count = model.columnCount()
        if not count:
            return
        resizing, self._resizing = self._resizing, True
        try:
            self._remove_extra(view, header)
            columns = model.columns
            target = next((i for i, c in enumerate(columns) if not c.is_button
                           and c.type in ("char", "text", "many2one", "selection", "reference", "html")), count - 1)
            used = sum(header.sectionSize(c) for c in range(count) if not header.isSectionHidden(c))
            spare = view.viewport().width() - used
            if spare > 0:
                header.resizeSection(target, header.sectionSize(target) + spare)
                self._extra[id(view)] = (target, spare)
        finally:
            self._resizing = resizing

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Resize:
            for view in (self.table, self.tree):
                if watched is view.viewport() and view.model() is not None and view.model().columnCount():
                    self._fill_width(view)
        return super().eventFilter(watched, event)

    def _scrolled(self, *args):
        first, last = self.table.visible_rows()
        self.model.ensure_rows(first, last)
        self._update_pager()

    def _update_pager(self):
        if self.is_grouped():
            text = self.group_model.range_text() if self.group_model.groups() else ""
        else:
            first, last = self.table.visible_rows()
            text = self.model.range_text(first, max(last, first))
        selected = len(self.selected_ids())
        if selected:
            text = tr("{0} selected · {1}").format(selected, text)
        self.pager.setText(text)

    def _update_footer(self):
        texts = self.model.footer_texts()
        tips = {i: c.aggregate[1] for i, c in enumerate(self.model.columns) if c.aggregate and i in texts}
        self.footer.set_texts(texts, tips)

    def _groups_loaded(self, parent):
        if parent is None and self.spec.expand:
            for row in range(self.group_model.rowCount()):
                self.tree.expand(self.group_model.index(row, 0))
        if parent is None:
            self._fit_columns()
            texts, tips = {}, {}
            groups = self.group_model.groups()
            for index, column in enumerate(self.group_model.columns):
                if column.is_button or not column.aggregate:
                    continue
                values = [(g.aggregates.get(column.name) or 0, g.count) for g in groups]
                if column.aggregate[0] == "avg":
                    count = sum(c for _, c in values)
                    total = sum(v * c for v, c in values) / count if count else 0
                else:
                    total = sum(v for v, _ in values)
                texts[index] = self.group_model.formatter.format_aggregate(column, total)
                tips[index] = column.aggregate[1]
            self.tree_footer.set_texts(texts, tips)
        self._update_pager()

    def _row_failed(self, row, message):
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def _clear_error(self):
        if not any(self.model.row_data(r, fetch=False).get("__error")
                   for r in self.model.dirty_rows() if self.model.row_data(r, fetch=False)):
            self.error_label.setVisible(False)

    def show_error(self, error):
        window = getattr(self.tab, "window", None)
        if window is not None and hasattr(window, "show_error"):
            window.show_error(error)
        else:
            self.error_label.setText(getattr(error, "message", None) or str(error))
            self.error_label.setVisible(True)

    def _refresh(self, *args):
        if self.is_grouped():
            self.group_model.refresh()
        else:
            self.model.refresh()

    # -- commands --------------------------------------------------------------------------------
    def delete_selected(self, checked=False, confirm=True):
        """Delete the selected records after a confirmation (``confirm_box``, non-blocking)."""
        if not self.spec.delete:
            return
        ids = self.selected_ids()
        rows = self.selected_rows()
        if not ids and not rows:
            return

        def do_delete():
            if self.is_grouped():
                self.calls.call(self.model_name, "unlink", ids, context=self.context,
                                on_result=lambda _: self.group_model.refresh(), on_error=self.show_error)
            else:
                self.model.delete_rows(rows, on_error=self.show_error)
        if not confirm:
            return do_delete()
        self.confirm_box = self._confirm(tr("Delete {0} record(s)?").format(len(ids) or len(rows)), do_delete)
        return self.confirm_box

    def _confirm(self, text, on_yes):
        """A non-blocking Yes/No question; ``on_yes()`` runs when Yes is clicked."""
        box = QMessageBox(QMessageBox.Icon.Question, tr("Confirmation"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("list_confirm")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.finished.connect(lambda _: on_yes() if box.clickedButton() is yes else None)
        box.open()
        return box

    def duplicate_selected(self, checked=False):
        if not (self.spec.create and self.spec.duplicate) or self.is_grouped():
            return
        rows = self.selected_rows()
        if rows:
            self.model.duplicate_rows(rows, on_error=self.show_error)

    def export(self, checked=False):
        """Open the export dialog on the selected rows (or every record of the search)."""
        from ...dialogs.export import ExportDialog
        model = self.group_model if self.is_grouped() else self.model
        columns = [(c.name, c.string) for c in model.columns if not c.is_button]
        total = sum(g.count for g in self.group_model.groups()) if self.is_grouped() else self.model.total
        self.export_dialog = ExportDialog(self, self.session, self.model_name, columns, self.selected_ids(),
                                          self.domain, total, self.model.context)
        self.export_dialog.open()
        return self.export_dialog

    def import_records(self, checked=False):
        """Open the import dialog (CSV/XLSX through ``load``); the list is refreshed after an import."""
        from ...dialogs.import_dialog import ImportDialog
        self.import_dialog = ImportDialog(self, self.session, self.model_name, self.model.context)
        self.import_dialog.imported.connect(self._refresh)
        self.import_dialog.open()
        return self.import_dialog

    def run_header_button(self, button):
        ids = self.selected_ids()
        self._run_button(button.name, button.type, button.context, button.confirm, ids, ids[0] if ids else False)

    def run_row_button(self, column, row):
        record_id = self.model.record_id(row)
        if not record_id:
            self.model.commit_row(row)   # a new row is saved first; its buttons work once it has an id
            return
        self._run_button(column.name, column.type, column.context, column.confirm, [record_id], record_id)

    def run_group_row_button(self, column, index):
        record_id = index.data(IdRole)
        if record_id:
            self._run_button(column.name, column.type, column.context, column.confirm, [record_id], record_id)

    def _run_button(self, name, kind, context_text, confirm, ids, active_id):
        context = dict(self.model.context)
        context.update({"active_id": active_id, "active_ids": ids, "active_model": self.model_name})
        if context_text:
            extra = evaluate_literal(context_text, {"active_id": active_id, "active_ids": ids, "id": active_id},
                                     base_names(context, self.session.uid), default={})
            if isinstance(extra, dict):
                context.update(extra)

        def run():
            window = getattr(self.tab, "window", None)
            if kind == "action":
                if window is not None:
                    window.open_action(int(name), context=context)
                return
            self.calls.run(self.session.connection.call_button, self.model_name, name, ids, context,
                           on_result=self._button_done, on_error=self.show_error)
        if confirm:
            self.confirm_box = self._confirm(confirm, run)
            return
        run()

    def _button_done(self, result):
        window = getattr(self.tab, "window", None)
        if isinstance(result, dict) and result.get("type") and window is not None:
            window.run_action_dict(result)
        self._refresh()

    # -- shortcuts -------------------------------------------------------------------------------
    def keyPressEvent(self, event):
        if event.matches(QKeySequence.StandardKey.New) and self.spec.create:
            self.new_record()
            return
        super().keyPressEvent(event)

