"""The pivot view of an action tab (views.md §7): a cross table of ``read_group`` aggregates.

Row and column headers are trees: clicking a collapsed header asks for a field to expand it by
(dates by day ... year), clicking an expanded one collapses it. Totals: the "Total" row on top,
the "Total" columns on the right when the columns are expanded, and every expanded row header
shows the subtotal of its children. The toolbar chooses the measures (several side by side), flips
the axes, expands everything again and exports the table shown as CSV or XLSX. Clicking a measure
header sorts the rows by it (again: descending), on the values already shown, with an arrow in the
header. Double-clicking a value opens its records in a list (unless ``disable_linking``). The data lives in
:class:`~.data.Pivot`; this module only shows it and forwards clicks.
"""
import logging

from ...qt import (QAbstractItemView, QFileDialog, QFont, QHBoxLayout, QLabel, QMenu, QStyle,
                   QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, Qt, QtGui, tr)
from ..graph.data import COUNT, groupby_label, measure_label, offered_measures, parse_analysis
from ..graph.view import fill_groupby_menu, format_number
from ..base import SearchedView
from ..registry import register
from .data import COL, ROW, Pivot, expand_header, load_pivot, matrix, to_csv, write_xlsx

_logger = logging.getLogger(__name__)

#: the export text of a table item (its shown text may be indented)
ExportRole = Qt.ItemDataRole.UserRole + 1
#: the value of a value item (a number, or None for an empty cell)
ValueRole = Qt.ItemDataRole.UserRole + 2
#: the arrow a measure header shows when the rows are sorted by it
SORT_ARROWS = {"asc": " ▲", "desc": " ▼", "": ""}


@register("pivot")
class PivotView(SearchedView):
    """:param tab: the :class:`~client_qt.windows.action_tab.ActionTab`
    :param arch: the pivot arch
    :param fields: ``{name: description}`` of the model
    """

    def __init__(self, tab, arch, fields, view_id=None):
        super().__init__(tab, fields, view_id)
        self.spec = parse_analysis(arch, fields)
        self.offered = offered_measures(fields, self.spec.hidden)
        names = {name for name, _ in self.offered}
        measures = [m for m in self.spec.measures if m in names]
        if self.spec.display_quantity or not measures:
            measures.append(COUNT)
        self.pivot = Pivot(fields, measures, self.spec.rows, self.spec.cols, self.spec.strings)
        self.pivot.set_default_order(self.spec.default_order)
        self.arch_rows, self.arch_cols = list(self.spec.rows), list(self.spec.cols)
        self.ready = False
        self.grid = []
        self._generation = 0
        self.header_menu_shown = None
        self._build()

    # -- construction ----------------------------------------------------------------------------
    def _build(self):
        toolbar = QHBoxLayout()
        self.measure_button = QToolButton()
        self.measure_button.setObjectName("pivot_measures")
        self.measure_button.setText(tr("Measures"))
        self.measure_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.measure_button)
        menu.setObjectName("pivot_measures_menu")
        menu.aboutToShow.connect(lambda: self._fill_measure_menu(menu))
        self.measure_button.setMenu(menu)
        toolbar.addWidget(self.measure_button)
        self.flip_button = self._tool(toolbar, "pivot_flip", tr("Flip Axes"), self.flip)
        self.expand_button = self._tool(toolbar, "pivot_expand_all", tr("Expand All"), self.expand_all)
        self.collapse_button = self._tool(toolbar, "pivot_collapse_all", tr("Collapse All"), self.collapse_all)
        toolbar.addStretch(1)
        self.csv_button = self._tool(toolbar, "pivot_export_csv", tr("Export CSV…"), lambda: self.export_csv())
        self.xlsx_button = self._tool(toolbar, "pivot_export_xlsx", tr("Export XLSX…"), lambda: self.export_xlsx())
        self.table = QTableWidget()
        self.table.setObjectName("pivot_table")
        self.table.horizontalHeader().setVisible(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.cellClicked.connect(self._clicked)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.message = QLabel("")
        self.message.setObjectName("pivot_message")
        self.message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(toolbar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def _tool(self, toolbar, name, text, slot):
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.clicked.connect(lambda checked=False: slot())
        toolbar.addWidget(button)
        return button

    def _fill_measure_menu(self, menu):
        menu.clear()
        for name, label in self.offered:
            action = menu.addAction(tr(label) if name == COUNT else label)
            action.setCheckable(True)
            action.setChecked(name in self.pivot.measures)
            action.setData(name)
            action.triggered.connect(lambda checked=False, n=name: self.toggle_measure(n))

    # -- view protocol ---------------------------------------------------------------------------
    def apply_group_by(self, group_by):
        """The search's group-bys (if any) become the row group-bys."""
        rows = group_by or self.arch_rows
        cols = self.pivot.col_groupbys if group_by else self.arch_cols
        self.reload(rows, cols)

    # -- loading ---------------------------------------------------------------------------------
    def reload(self, rows=None, cols=None):
        """Load the whole table again (expanded along ``rows``/``cols``; default: the current ones)."""
        rows = list(self.pivot.row_groupbys if rows is None else rows)
        cols = list(self.pivot.col_groupbys if cols is None else cols)
        self._start(load_pivot, self.domain, list(self.pivot.measures), rows, cols)

    def _start(self, function, *args):
        self._generation += 1
        generation = self._generation
        self.ready = False
        self.calls.run(function, self.session.connection, self.model_name, *args, self.context,
                       on_result=lambda fetch: self._arrived(generation, fetch), on_error=self._failed)

    def is_loading(self):
        return bool(self.calls.jobs)

    def _arrived(self, generation, fetch):
        if generation != self._generation:
            return
        self.pivot.apply(fetch)
        self.ready = True
        self.render()

    def _failed(self, error):
        self.ready = True
        self.message.setText(tr("The pivot table could not be loaded: {0}").format(error))
        self.message.setVisible(True)
        window = getattr(self.tab, "window", None)
        if window is not None and hasattr(window, "show_error"):
            window.show_error(error)

    # -- user actions ----------------------------------------------------------------------------
    def toggle_measure(self, measure):
        measures = list(self.pivot.measures)
        if measure in measures:
            if len(measures) == 1:
                return
            measures.remove(measure)
        else:
            order = [name for name, _ in self.offered]
            measures = sorted(measures + [measure], key=order.index)
        self.pivot.measures = measures
        self.reload()

    def expand(self, axis, key, groupby):
        """Expand the header ``key`` of ``axis`` by ``groupby`` (one background job)."""
        expansion = self.pivot.expansion(axis, tuple(key), groupby)
        self._start(expand_header, self.domain, list(self.pivot.measures), expansion)

    def collapse(self, axis, key):
        self.pivot.collapse(axis, tuple(key))
        self.render()

    def flip(self):
        self.pivot.flip()
        self.render()

    def expand_all(self):
        self.reload()

    def collapse_all(self):
        self.pivot.collapse(ROW, ())
        self.pivot.collapse(COL, ())
        self.render()

    def header_menu(self, axis, key):
        """The menu of fields to expand a collapsed header by (tests trigger its actions)."""
        menu = QMenu(self)
        menu.setObjectName("pivot_header_menu")
        groupbys = self.pivot.groupbys(axis)
        depth = len(key)
        chosen = groupbys[depth] if depth < len(groupbys) else None
        fill_groupby_menu(menu, self.fields, chosen, lambda spec: self.expand(axis, key, spec))
        return menu

    def sort_by(self, measure, col_key=()):
        """Sort the rows by ``measure`` in the column ``col_key`` (again: descending); no server call."""
        self.pivot.toggle_sort(measure, col_key)
        self.render()

    def _clicked(self, row, column):
        cell = self._cell(row, column)
        if cell is not None and cell.kind == "measure":
            self.sort_by(*cell.key)
            return
        if cell is None or cell.kind not in ("row", "col"):
            return
        if cell.expanded:
            self.collapse(cell.axis, cell.key)
        else:
            self.header_menu_shown = self.header_menu(cell.axis, cell.key)
            self.header_menu_shown.popup(QtGui.QCursor.pos())

    def _double_clicked(self, row, column):
        cell = self._cell(row, column)
        if cell is not None and cell.kind == "value":
            self.open_records(*cell.key)

    def _cell(self, row, column):
        try:
            return self.grid[row][column]
        except IndexError:
            return None

    def open_records(self, row_key, col_key):
        """Open the records of one cell in a list (views.md §7), unless disabled."""
        if self.spec.disable_linking:
            return None
        row, col = self.pivot.rows.find(row_key), self.pivot.cols.find(col_key)
        window = getattr(self.tab, "window", None)
        if row is None or col is None or window is None or not hasattr(window, "run_action_dict"):
            return None
        labels = [h.label for h in (row, col) if h.key]
        action = {"type": "ir.actions.act_window", "res_model": self.model_name,
                  "name": " / ".join([self.spec.title or self.model_name] + labels),
                  "views": [[False, "list"], [False, "form"]], "domain": self.domain + row.domain + col.domain,
                  "context": {k: v for k, v in self.context.items() if not k.startswith("search_default_")}}
        return window.run_action_dict(action)

    # -- drawing ---------------------------------------------------------------------------------
    def _format(self, value, measure):
        if value is None:
            return ""
        return format_number(value, measure, self.fields)

    def render(self):
        """Fill the table from the pivot's grid (spans, indentation, expand/collapse marks)."""
        self.message.setVisible(False)
        self.grid = grid = self.pivot.table(self._format)
        table = self.table
        table.clearSpans()
        table.clear()
        table.setRowCount(len(grid))
        table.setColumnCount(len(grid[0]) if grid else 0)
        style = self.style()
        opened = style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown)
        closed = style.standardIcon(QStyle.StandardPixmap.SP_ArrowRight)
        bold = QFont(table.font())
        bold.setBold(True)
        header_brush = self.palette().alternateBase()
        sort_tips = {"": tr("Click to sort the rows by this measure"),
                     "asc": tr("Sorted ascending: click to sort descending"),
                     "desc": tr("Sorted descending: click to sort ascending")}
        for r, line in enumerate(grid):
            for c, cell in enumerate(line):
                if cell is None:
                    continue
                text = cell.text
                if cell.kind == "row":
                    text = "    " * cell.depth + cell.text
                item = QTableWidgetItem(text)
                item.setData(ExportRole, cell.text)
                if cell.kind == "value":
                    item.setData(ValueRole, cell.value)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    if not cell.key[0] or not cell.key[1]:
                        item.setFont(bold)
                else:
                    item.setBackground(header_brush)
                    if cell.kind in ("row", "col"):
                        item.setIcon(opened if cell.expanded else closed)
                        item.setToolTip(tr("Click to collapse") if cell.expanded else tr("Click to expand"))
                    if cell.kind in ("col", "total"):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    if cell.kind in ("col", "total", "measure") or cell.depth == 0:
                        item.setFont(bold)
                    if cell.kind == "measure":
                        item.setText(cell.text + SORT_ARROWS[cell.sort])
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                        item.setToolTip(sort_tips[cell.sort])
                table.setItem(r, c, item)
                if cell.rowspan > 1 or cell.colspan > 1:
                    table.setSpan(r, c, cell.rowspan, cell.colspan)
        table.resizeColumnsToContents()
        table.setColumnWidth(0, max(table.columnWidth(0), 160))
        names = ", ".join(measure_label(m, self.fields, self.spec.strings) for m in self.pivot.measures)
        self.measure_button.setText(tr("Measures: {0}").format(names))
        rows = " > ".join(groupby_label(g, self.fields, self.spec.strings) for g in self.pivot.row_groupbys)
        cols = " > ".join(groupby_label(g, self.fields, self.spec.strings) for g in self.pivot.col_groupbys)
        table.setToolTip(tr("Rows: {0}\nColumns: {1}").format(rows or tr("none"), cols or tr("none")))

    def shown_cells(self):
        """The table as shown: rows of export texts (labels) and values (numbers), spans empty."""
        result = []
        for r in range(self.table.rowCount()):
            line = []
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                if item is None:
                    line.append("")
                elif item.data(ValueRole) is not None:
                    line.append(item.data(ValueRole))
                else:
                    line.append(item.data(ExportRole) if item.data(ExportRole) is not None else "")
            result.append(line)
        return result

    # -- export ----------------------------------------------------------------------------------
    def _ask(self, title, default, pattern):
        path, _ = QFileDialog.getSaveFileName(self, title, default, pattern)
        return path or None

    def export_csv(self, path=None):
        """Write the table shown as CSV (asks where unless ``path``); returns the path or None."""
        path = path or self._ask(tr("Export the pivot table"), "pivot.csv", tr("CSV files (*.csv)"))
        if not path:
            return None
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(to_csv(self.grid))
        return path

    def export_xlsx(self, path=None):
        path = path or self._ask(tr("Export the pivot table"), "pivot.xlsx", tr("Excel workbooks (*.xlsx)"))
        if not path:
            return None
        return write_xlsx(self.grid, path, self.spec.title or "Pivot")

    def export_matrix(self):
        return matrix(self.grid)
