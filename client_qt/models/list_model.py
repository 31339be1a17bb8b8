"""A lazy table of records: the model behind a flat list view (views.md §4).

:class:`ListModel` never holds the whole table. ``search_count`` gives the number of rows; rows are
fetched with ``search_read`` one page (the arch ``limit``, 80 by default) at a time when a view asks
for a row that is not loaded — that is, as the user scrolls — and at most :data:`MAX_PAGES` pages are
kept. Every call goes through the session's runner, so the GUI never waits; replies that arrive
after the search, the order or the list changed are dropped (``generation``).

Besides reading, the model sorts server-side (:meth:`ListModel.toggle_sort`, only ``sortable``
fields), computes the footer aggregates (``sum``/``avg`` columns: over the selected rows, else over
every record of the search with one ``read_group``), and supports editable lists: cells edited with
``setData`` stay pending in their row until :meth:`ListModel.commit_row` saves the row (``write`` or
``create``, then a re-read); a failure is kept on the row (``RowErrorRole``) instead of being lost.

Rows are ``read`` dicts in wire format; keys starting with ``__`` are the model's own bookkeeping
(``__orig`` original values of edited fields, ``__error``, ``__new``, cached styles).
"""
import logging

from ..qt import QAbstractTableModel, QBrush, QColor, QLocale, QModelIndex, Qt, QtCore, Signal, tr
from .calls import OwnedCalls
from .list_format import ERROR_BACKGROUND, Lookups, RowFormatter, clear_row_cache, is_dark_palette

_logger = logging.getLogger(__name__)

#: pages kept in memory; farther pages are dropped and fetched again when scrolled back to
MAX_PAGES = 25
IdRole = Qt.ItemDataRole.UserRole + 1
ValueRole = Qt.ItemDataRole.UserRole + 2
RowErrorRole = Qt.ItemDataRole.UserRole + 3
ColumnRole = Qt.ItemDataRole.UserRole + 4

ROWS_MIME = "application/x-bureau-list-rows"
#: types a cell editor exists for in an editable list
EDITABLE_TYPES = {"char", "text", "integer", "float", "monetary", "boolean", "date", "datetime", "selection",
                  "many2one"}


def write_value(description, value):
    """A value in ``read`` format as ``write`` expects it."""
    kind = description.get("type")
    if kind == "many2one" and isinstance(value, (list, tuple)):
        return value[0] if value else False
    if kind == "many2many" and isinstance(value, (list, tuple)):
        return [(6, 0, [v for v in value if isinstance(v, int)])]
    return value


def is_empty(description, value):
    if description.get("type") in ("integer", "float", "monetary", "boolean"):
        return value is None or (value is False and description.get("type") != "boolean")
    return value in (False, None, "", [])


def error_text(error):
    return getattr(error, "message", None) or str(error)



class ColumnSort:
    """The user's column sort of the flat and the grouped list: ``sort_name`` and ``sort_desc``
    over the model's ``columns`` and ``order``; the model reads its rows again in
    :meth:`_sort_changed`."""

    sort_name = None
    sort_desc = False

    def record_order(self):
        """The ``order`` of the records (the view's without a column sort); the id tie-break keeps
        pages disjoint when many rows share the sorted value."""
        if not self.sort_name:
            return self.order
        direction = "desc" if self.sort_desc else "asc"
        return f"{self.sort_name} {direction}, id {direction}"

    def sort_column(self):
        """``(column index, Qt.SortOrder)`` of the user's sort, or None (default order)."""
        for index, column in enumerate(self.columns):
            if column.name == self.sort_name and not column.is_button:
                return index, (Qt.SortOrder.DescendingOrder if self.sort_desc else Qt.SortOrder.AscendingOrder)
        return None

    def toggle_sort(self, column_index):
        """Sort by a column (asc, then desc on the next click); False when it is not sortable."""
        column = self.columns[column_index]
        if column.is_button or not column.sortable:
            return False
        if self.sort_name == column.name:
            self.sort_desc = not self.sort_desc
        else:
            self.sort_name, self.sort_desc = column.name, False
        self._sort_changed()
        return True

    def _sort_changed(self):
        raise NotImplementedError

class ListModel(ColumnSort, QAbstractTableModel):
    """:param session: the :class:`~client_qt.session.Session` (its ``call`` runs in the background)
    :param model_name: e.g. ``"res.partner"``
    :param spec: the :class:`~client_qt.views.list.parser.ListSpec` of the arch
    :param fields: ``{name: description}`` of the model
    """

    count_changed = Signal(int)
    page_loaded = Signal(int)
    totals_changed = Signal()
    load_failed = Signal(object)
    row_saved = Signal(int, int)          # row, record id
    row_failed = Signal(int, str)         # row, message
    records_changed = Signal()            # after delete/duplicate

    def __init__(self, session, model_name, spec, fields, context=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.calls = OwnedCalls(self, session)
        self.model_name = model_name
        self.spec = spec
        self.fields = fields
        self.page_size = spec.limit
        self.order = spec.default_order or None
        self.sort_name = None
        self.sort_desc = False
        self.domain = []
        self.context = dict(context or {})
        self.total = 0
        self.counted = False
        self.columns = spec.visible_columns()
        self.lookups = Lookups(self.calls, self._lookups_arrived)
        self.formatter = RowFormatter(spec, fields, session.user_tz, self.context, session.uid, self.lookups)
        self.totals = {}
        self.selected_rows = None
        self._pages = {}
        self._stale = {}
        self._pending = {}
        self._new_rows = []
        self._generation = 0
        self._last_page = 0

    # -- searching -------------------------------------------------------------------------------
    def set_search(self, domain, context=None):
        """Show the records of ``domain`` (first page and count requested at once)."""
        self.domain = list(domain or [])
        if context is not None:
            self.context = dict(context)
            self.formatter = RowFormatter(self.spec, self.fields, self.session.user_tz, self.context,
                                          self.session.uid, self.lookups)
        self._restart(keep_rows=False)

    def refresh(self):
        """Fetch again what is shown (after a form saved a record) without emptying the view."""
        self._restart(keep_rows=True)

    def _restart(self, keep_rows):
        self._generation += 1
        for job in self._pending.values():
            job.cancel()
        self._pending.clear()
        if keep_rows:
            self._stale = {**self._stale, **self._pages}
            self._pages = {}
            self._drop_saved_new_rows()
        else:
            self.beginResetModel()
            self._pages, self._stale, self._new_rows = {}, {}, []
            self.total, self.counted = 0, False
            self.endResetModel()
        generation = self._generation
        self.calls.call(self.model_name, "search_count", self.domain, context=self.context,
                        on_result=lambda count: self._count_arrived(generation, count),
                        on_error=lambda error: self._failed(generation, error))
        self._request_page(self._last_page if keep_rows else 0)
        self.refresh_totals()

    def _drop_saved_new_rows(self):
        """Rows created in place become ordinary server rows on the next fetch."""
        keep = [row for row in self._new_rows if not row.get("id")]
        if len(keep) != len(self._new_rows):
            self.beginResetModel()
            self._new_rows = keep
            self.endResetModel()

    def _count_arrived(self, generation, count):
        if generation != self._generation:
            return
        self.counted = True
        if count == self.total:
            self.count_changed.emit(count)
            return
        base = self._server_base()
        if count > self.total:
            self.beginInsertRows(QModelIndex(), base + self.total, base + count - 1)
            self.total = count
            self.endInsertRows()
        else:
            self.beginRemoveRows(QModelIndex(), base + count, base + self.total - 1)
            self.total = count
            for page in [p for p in list(self._pages) + list(self._stale) if p * self.page_size >= count]:
                self._pages.pop(page, None)
                self._stale.pop(page, None)
            self.endRemoveRows()
        self.count_changed.emit(count)

    def _failed(self, generation, error):
        if generation == self._generation:
            self.load_failed.emit(error)

    # -- pages -----------------------------------------------------------------------------------
    def _server_base(self):
        """Index of the first server row (new rows come first in a ``top`` editable list)."""
        return len(self._new_rows) if self.spec.editable == "top" else 0

    def _locate(self, row):
        """``("new", i)`` or ``("server", i)`` for a view row, None when out of range."""
        if row < 0:
            return None
        if self.spec.editable == "top":
            if row < len(self._new_rows):
                return "new", row
            row -= len(self._new_rows)
            return ("server", row) if row < self.total else None
        if row < self.total:
            return "server", row
        row -= self.total
        return ("new", row) if row < len(self._new_rows) else None

    def row_data(self, row, fetch=True):
        """The row dict at a view row (None while its page is on the way; asks for it)."""
        where = self._locate(row)
        if where is None:
            return None
        kind, index = where
        if kind == "new":
            return self._new_rows[index]
        page, offset = divmod(index, self.page_size)
        rows = self._pages.get(page)
        if rows is None:
            if fetch:
                self._request_page(page)
            rows = self._stale.get(page)
        if rows is None or offset >= len(rows):
            return None
        return rows[offset]

    def is_loaded(self, row):
        where = self._locate(row)
        if where is None:
            return False
        if where[0] == "new":
            return True
        return where[1] // self.page_size in self._pages

    def ensure_rows(self, first, last):
        """Ask for the pages covering view rows ``first..last`` (the view calls it on scroll)."""
        base = self._server_base()
        first, last = max(first - base, 0), min(last - base, self.total - 1)
        if last < first:
            return
        for page in range(first // self.page_size, last // self.page_size + 1):
            self._request_page(page)

    def _request_page(self, page):
        if page in self._pages or page in self._pending:
            return
        if self.counted and page * self.page_size >= max(self.total, 1):
            return
        self._last_page = page
        generation = self._generation
        self._pending[page] = self.calls.call(
            self.model_name, "search_read", domain=self.domain, fields=self.spec.field_names or ["display_name"],
            offset=page * self.page_size, limit=self.page_size, order=self.record_order(), context=self.context,
            on_result=lambda rows: self._page_arrived(generation, page, rows),
            on_error=lambda error: self._page_failed(generation, page, error))

    def _page_arrived(self, generation, page, rows):
        if generation != self._generation:
            return
        self._pending.pop(page, None)
        self._pages[page] = list(rows or [])
        self._stale.pop(page, None)
        self._evict(page)
        self.lookups.collect(self._pages[page], self.columns, self.formatter.currency_field, self.context)
        base = self._server_base()
        first = base + page * self.page_size
        last = first + max(len(rows), min(self.page_size, self.total - page * self.page_size)) - 1
        if not self.counted and first + len(rows) > base + self.total:
            # the page came before the count: show it now, the count will adjust
            self.beginInsertRows(QModelIndex(), base + self.total, first + len(rows) - 1)
            self.total = page * self.page_size + len(rows)
            self.endInsertRows()
        if last >= first and self.columnCount():
            self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))
        if self.selected_rows is None:
            self.totals_changed.emit()
        self.page_loaded.emit(page)

    def _page_failed(self, generation, page, error):
        if generation != self._generation:
            return
        self._pending.pop(page, None)
        self.load_failed.emit(error)

    def _evict(self, page):
        while len(self._pages) > MAX_PAGES:
            candidates = [p for p in self._pages if p != page and not any(r.get("__orig") for r in self._pages[p])]
            if not candidates:
                return
            farthest = max(candidates, key=lambda p: abs(p - page))
            del self._pages[farthest]

    def loaded_pages(self):
        return sorted(self._pages)

    def loaded_ids(self):
        """Ids of the loaded rows in list order (the form view navigates over them)."""
        ids = []
        for row in range(self.rowCount()):
            data = self.row_data(row, fetch=False)
            if data is not None and data.get("id"):
                ids.append(data["id"])
        return ids

    def record_id(self, row):
        data = self.row_data(row, fetch=False)
        return (data or {}).get("id") or False

    def range_text(self, first, last):
        """The pager text ``"1-80 / 1,234"`` for the pages covering view rows ``first..last``."""
        if not self.total and not self._new_rows:
            return tr("No records") if self.counted else ""
        base = self._server_base()
        first, last = max(first - base, 0), max(min(last - base, self.total - 1), 0)
        start = (first // self.page_size) * self.page_size + 1
        end = min((last // self.page_size + 1) * self.page_size, self.total)
        locale = QLocale()
        return f"{locale.toString(start)}-{locale.toString(end)} / {locale.toString(self.total)}"

    # -- sorting ---------------------------------------------------------------------------------
    def _sort_changed(self):
        self._restart(keep_rows=False)

    # -- columns ---------------------------------------------------------------------------------
    def set_shown_optional(self, names):
        """Show exactly the optional columns in ``names`` (the user's header menu choice)."""
        self.beginResetModel()
        self.columns = self.spec.visible_columns(set(names))
        self.endResetModel()
        self.lookups.collect([r for rows in self._pages.values() for r in rows], self.columns,
                             self.formatter.currency_field, self.context)

    def column(self, index):
        return self.columns[index]

    def column_index(self, name):
        return next((i for i, c in enumerate(self.columns) if c.name == name and not c.is_button), -1)

    # -- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self.total + len(self._new_rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.label
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.formatter.alignment(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.description.get("help") or None
        if role == ColumnRole:
            return column
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_data(index.row())
        column = self.columns[index.column()]
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return "…"
            return None
        return self.cell_data(row, column, role)

    def cell_data(self, row, column, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return self.formatter.text(column, row)
        if role == Qt.ItemDataRole.EditRole or role == ValueRole:
            return None if column.is_button else row.get(column.name, False)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.formatter.alignment(column)
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self.formatter.foreground(column, row)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole:
            return self.formatter.font(column, row)
        if role == Qt.ItemDataRole.BackgroundRole and row.get("__error"):
            return QBrush(QColor(ERROR_BACKGROUND[is_dark_palette()]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.get("__error") or None
        if role == IdRole:
            return row.get("id") or False
        if role == RowErrorRole:
            return row.get("__error") or None
        if role == ColumnRole:
            return column
        return None

    # -- editing ---------------------------------------------------------------------------------
    def can_edit(self):
        return bool(self.spec.editable) and self.spec.edit

    def cell_editable(self, row, column):
        if not self.can_edit() or column.is_button or column.type not in EDITABLE_TYPES:
            return False
        if column.widget == "handle":
            return False
        if column.readonly is not None and column.readonly(self.formatter.values(row)):
            return False
        return not self.formatter.cell_invisible(column, row)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self.can_reorder() else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.can_reorder():
            flags |= Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        row = self.row_data(index.row(), fetch=False)
        if row is not None and self.cell_editable(row, self.columns[index.column()]):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self.row_data(index.row(), fetch=False)
        column = self.columns[index.column()]
        if row is None or column.is_button:
            return False
        return self.set_value(index.row(), column.name, value)

    def set_value(self, row_index, name, value):
        """Change a field of a row (kept pending until :meth:`commit_row`)."""
        row = self.row_data(row_index, fetch=False)
        if row is None:
            return False
        if row.get(name, False) == value:
            return True
        original = row.setdefault("__orig", {})
        if name not in original:
            original[name] = row.get(name, False)
        row[name] = value
        row.pop("__error", None)
        clear_row_cache(row)
        self._row_changed(row_index)
        if self.selected_rows is not None:
            self.totals_changed.emit()
        return True

    def is_row_dirty(self, row_index):
        row = self.row_data(row_index, fetch=False)
        return bool(row and (row.get("__orig") or (row.get("__new") and row.get("__touched"))))

    def dirty_rows(self):
        return [i for i in range(self.rowCount()) if self.is_row_dirty(i)]

    def add_row(self):
        """A new row at the top or bottom (per ``editable``), filled with defaults; returns its index."""
        row = {"id": False, "__new": True, "__orig": {}}
        for name in self.spec.field_names:
            row[name] = [] if self.fields.get(name, {}).get("type") in ("one2many", "many2many") else False
        if self.spec.editable == "top":
            position = 0
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._new_rows.insert(0, row)
        else:
            position = self.total + len(self._new_rows)
            self.beginInsertRows(QModelIndex(), position, position)
            self._new_rows.append(row)
        self.endInsertRows()
        self.calls.call(self.model_name, "default_get", self.spec.field_names, context=self.context,
                        on_result=lambda defaults: self._defaults_arrived(row, defaults),
                        on_error=lambda error: _logger.warning("default_get failed: %s", error))
        return position

    def _defaults_arrived(self, row, defaults):
        to_name = {}
        for name, value in (defaults or {}).items():
            if name not in self.fields or name in row.get("__orig", {}):
                continue
            description = self.fields[name]
            if description.get("type") == "many2one" and isinstance(value, int) and value:
                to_name.setdefault(description.get("relation"), []).append((name, value))
                value = [value, "…"]
            elif description.get("type") in ("one2many", "many2many"):
                continue
            row[name] = value
            row.setdefault("__defaults", set()).add(name)
        clear_row_cache(row)
        for relation, pairs in to_name.items():
            self.calls.call(relation, "read", [v for _, v in pairs], ["display_name"], context=self.context,
                            on_result=lambda result, pairs=pairs: self._default_names(row, pairs, result))
        self._row_changed(self.index_of_row(row))

    def _default_names(self, row, pairs, result):
        names = {r["id"]: r.get("display_name") for r in result or []}
        for name, value in pairs:
            if isinstance(row.get(name), list) and row[name][0] == value:
                row[name] = [value, names.get(value) or str(value)]
        clear_row_cache(row)
        self._row_changed(self.index_of_row(row))

    def index_of_row(self, row):
        """The current view row of a row dict (rows move when pages reload), -1 when gone."""
        for i, candidate in enumerate(self._new_rows):
            if candidate is row:
                return i if self.spec.editable == "top" else self.total + i
        base = self._server_base()
        for page, rows in self._pages.items():
            for offset, candidate in enumerate(rows):
                if candidate is row:
                    return base + page * self.page_size + offset
        return -1

    def _row_changed(self, row_index):
        if row_index >= 0 and self.columnCount():
            self.dataChanged.emit(self.index(row_index, 0), self.index(row_index, self.columnCount() - 1))

    def missing_required(self, row_index):
        """Labels of the required visible cells left empty in a row."""
        row = self.row_data(row_index, fetch=False)
        if row is None:
            return []
        values = self.formatter.values(row)
        missing = []
        for column in self.columns:
            if column.is_button or self.formatter.cell_invisible(column, row):
                continue
            required = column.required(values) if column.required is not None else False
            if required and is_empty(column.description, row.get(column.name, False)):
                missing.append(column)
        return missing

    def commit_row(self, row_index, on_done=None):
        """Save a row's pending edits (``write``/``create`` then re-read).

        :returns: False when the row cannot be saved as is (required cells empty: the error is set on
            the row); True when there was nothing to save or the save was started
        """
        row = self.row_data(row_index, fetch=False)
        if row is None or row.get("__saving"):
            return True
        is_new = not row.get("id")
        if not row.get("__orig") and not is_new:
            return True
        if is_new and not row.get("__orig"):
            self.discard_row(row_index)
            return True
        missing = self.missing_required(row_index)
        if missing:
            row["__error"] = tr("Required fields are empty: {0}").format(", ".join(c.string for c in missing))
            self._row_changed(row_index)
            self.row_failed.emit(row_index, row["__error"])
            return False
        names = set(row["__orig"]) | (set(row.get("__defaults", ())) if is_new else set())
        values = {name: write_value(self.fields.get(name, {}), row.get(name, False)) for name in names
                  if name in self.fields and name != "id"}
        row["__saving"] = True
        if is_new:
            self.calls.call(self.model_name, "create", values, context=self.context,
                            on_result=lambda new_id: self._saved(row, new_id, on_done),
                            on_error=lambda error: self._save_failed(row, error, on_done))
        else:
            self.calls.call(self.model_name, "write", [row["id"]], values, context=self.context,
                            on_result=lambda _: self._saved(row, row["id"], on_done),
                            on_error=lambda error: self._save_failed(row, error, on_done))
        return True

    def _saved(self, row, record_id, on_done):
        if isinstance(record_id, list):
            record_id = record_id[0]
        row["id"] = record_id
        self.calls.call(self.model_name, "read", [record_id], self.spec.field_names or ["display_name"],
                        context=self.context,
                        on_result=lambda result: self._reread(row, result, on_done),
                        on_error=lambda error: self._save_failed(row, error, on_done))

    def _reread(self, row, result, on_done):
        for key in ("__orig", "__error", "__saving", "__defaults", "__new", "__touched"):
            row.pop(key, None)
        if result:
            row.update(result[0])
        clear_row_cache(row)
        index = self.index_of_row(row)
        self._row_changed(index)
        self.lookups.collect([row], self.columns, self.formatter.currency_field, self.context)
        self.row_saved.emit(index, row["id"])
        self.refresh_totals()
        if on_done:
            on_done(True)

    def _save_failed(self, row, error, on_done):
        row.pop("__saving", None)
        row["__error"] = error_text(error)
        index = self.index_of_row(row)
        self._row_changed(index)
        self.row_failed.emit(index, row["__error"])
        if on_done:
            on_done(False)

    def set_row_error(self, row_index, message):
        """Show why a row cannot be saved (kept until the row changes or is discarded)."""
        row = self.row_data(row_index, fetch=False)
        if row is not None:
            row["__error"] = message
            self._row_changed(row_index)
            self.row_failed.emit(row_index, message)

    def discard_row(self, row_index):
        """Forget a row's pending edits (a new row is removed)."""
        row = self.row_data(row_index, fetch=False)
        if row is None:
            return
        if not row.get("id"):
            position = self._new_rows.index(row)
            self.beginRemoveRows(QModelIndex(), row_index, row_index)
            del self._new_rows[position]
            self.endRemoveRows()
            return
        for name, value in (row.pop("__orig", None) or {}).items():
            row[name] = value
        row.pop("__error", None)
        clear_row_cache(row)
        self._row_changed(row_index)

    # -- reordering by a handle column (views.md §4.2) ---------------------------------------------
    def handle_column(self):
        return next((c for c in self.spec.columns if not c.is_button and c.widget == "handle"
                     and c.type == "integer"), None)

    def can_reorder(self):
        """Rows can be dragged when a ``handle`` column exists and the list is ordered by it."""
        handle = self.handle_column()
        if handle is None or not self.spec.edit:
            return False
        if self.sort_name:
            return self.sort_name == handle.name and not self.sort_desc
        first = (self.order or "").split(",")[0].split()
        return not first or (first[0] == handle.name and (len(first) == 1 or first[1].lower() == "asc"))

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction

    def mimeTypes(self):
        return [ROWS_MIME]

    def mimeData(self, indexes):
        data = QtCore.QMimeData()
        rows = sorted({index.row() for index in indexes})
        data.setData(ROWS_MIME, QtCore.QByteArray(",".join(map(str, rows)).encode()))
        return data

    def dropMimeData(self, data, action, row, column, parent):
        if action != Qt.DropAction.MoveAction or not data.hasFormat(ROWS_MIME) or not self.can_reorder():
            return False
        sources = [int(r) for r in bytes(data.data(ROWS_MIME)).decode().split(",") if r]
        target = row if row >= 0 else (parent.row() if parent.isValid() else self.rowCount())
        self.move_rows(sources, target)
        return False   # the rows move by the new sequences, after a refresh: Qt must not remove any

    def removeRows(self, row, count, parent=QModelIndex()):
        return False

    def move_rows(self, sources, target, on_done=None):
        """Move rows before ``target`` by writing new handle values, then refresh.

        The handle values of the moved range are reused in the new order; then the loaded rows around
        it are walked once so that values strictly increase (ties broken by renumbering), writing only
        the rows whose value changes.
        """
        handle = self.handle_column()
        sources = sorted(set(sources))
        if handle is None or not sources:
            return False
        low, high = min(sources[0], target), max(sources[-1], target - 1)

        def server_row(r):
            data = self.row_data(r, fetch=False) if 0 <= r < self.rowCount() else None
            return data if data is not None and data.get("id") else None
        span = [server_row(r) for r in range(low, high + 1)]
        if any(r is None for r in span):
            return False
        moving = [server_row(r) for r in sources]
        staying = [r for r in span if all(r is not m for m in moving)]
        insert_at = len([r for r in range(low, target) if r not in sources])
        ordered = staying[:insert_at] + moving + staying[insert_at:]
        assigned = {id(r): v for r, v in zip(ordered, sorted(r.get(handle.name) or 0 for r in span))}
        start, end = low, high
        while server_row(start - 1) is not None:
            start -= 1
        while server_row(end + 1) is not None:
            end += 1
        block = [server_row(r) for r in range(start, low)] + ordered + [server_row(r) for r in range(high + 1, end + 1)]
        changes, last = [], None
        for row in block:
            value = assigned.get(id(row), row.get(handle.name) or 0)
            if last is not None and value <= last:
                value = last + 1
            if value != row.get(handle.name):
                changes.append((row["id"], value))
            last = value
        pending = {"left": len(changes)}

        def written(_=None):
            pending["left"] -= 1
            if pending["left"] <= 0:
                self.refresh()
                if on_done:
                    on_done(changes)
        if not changes:
            written()
            return True
        for record_id, value in changes:
            self.calls.call(self.model_name, "write", [record_id], {handle.name: value}, context=self.context,
                            on_result=written, on_error=lambda error: (self.load_failed.emit(error), written()))
        return True

    # -- record commands -------------------------------------------------------------------------
    def ids_of(self, rows):
        return [rid for rid in (self.record_id(r) for r in rows) if rid]

    def delete_rows(self, rows, on_done=None, on_error=None):
        """Delete the records of view rows (unsaved new rows are just dropped), then refresh."""
        ids = self.ids_of(rows)
        for row_index in sorted(rows, reverse=True):
            data = self.row_data(row_index, fetch=False)
            if data is not None and not data.get("id"):
                self.discard_row(row_index)
        if not ids:
            if on_done:
                on_done([])
            return

        def deleted(_):
            self.refresh()
            self.records_changed.emit()
            if on_done:
                on_done(ids)
        self.calls.call(self.model_name, "unlink", ids, context=self.context, on_result=deleted,
                        on_error=on_error)

    def duplicate_rows(self, rows, on_done=None, on_error=None):
        """Copy the records of view rows one after the other, then refresh; ``on_done(new_ids)``."""
        ids = self.ids_of(rows)
        new_ids = []

        def next_copy(result=None):
            if result is not None:
                new_ids.append(result[0] if isinstance(result, list) else result)
            if len(new_ids) < len(ids):
                self.calls.call(self.model_name, "copy", ids[len(new_ids)], context=self.context,
                                on_result=next_copy, on_error=on_error)
                return
            self.refresh()
            self.records_changed.emit()
            if on_done:
                on_done(new_ids)
        next_copy()

    # -- aggregates ------------------------------------------------------------------------------
    def aggregate_columns(self):
        return [c for c in self.columns if not c.is_button and c.aggregate
                and c.type in ("integer", "float", "monetary")]

    def set_selected_rows(self, rows):
        """Footer aggregates follow the selection (``None`` or empty: every record of the search)."""
        rows = sorted(set(rows or ()))
        self.selected_rows = rows or None
        self.refresh_totals()

    def refresh_totals(self):
        columns = self.aggregate_columns()
        if not columns or not self._generation:
            return      # nothing to total, or no search yet
        if self.selected_rows is not None:
            self.totals = self._local_totals(columns, self.selected_rows)
            self.totals_changed.emit()
            return
        generation = self._generation
        specs = [f"{c.name}:{c.aggregate[0]}" for c in columns]
        self.calls.call(self.model_name, "read_group", self.domain, specs, [], lazy=True, context=self.context,
                        on_result=lambda groups: self._totals_arrived(generation, columns, groups),
                        on_error=lambda error: _logger.warning("totals failed: %s", error))

    def _totals_arrived(self, generation, columns, groups):
        if generation != self._generation or self.selected_rows is not None:
            return
        group = (groups or [{}])[0] if groups else {}
        self.totals = {c.name: group.get(c.name, 0) or 0 for c in columns}
        self.totals_changed.emit()

    def _local_totals(self, columns, rows):
        totals = {}
        loaded = [self.row_data(r, fetch=False) for r in rows]
        loaded = [r for r in loaded if r is not None]
        for column in columns:
            numbers = [float(r.get(column.name) or 0) for r in loaded]
            if column.aggregate[0] == "avg":
                totals[column.name] = sum(numbers) / len(numbers) if numbers else 0
            else:
                totals[column.name] = sum(numbers)
        return totals

    def footer_texts(self):
        """``{column index: text}`` of the footer (label tool tip is the ``sum="..."`` text)."""
        texts = {}
        for index, column in enumerate(self.columns):
            if column.is_button or not column.aggregate or column.name not in self.totals:
                continue
            texts[index] = self.formatter.format_aggregate(column, self.totals[column.name])
        return texts

    def _lookups_arrived(self):
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
