"""The pivot table as data, apart from any widget (views.md §7).

A :class:`Pivot` holds two header trees (rows and columns) and the cells: for a row header ``r`` and
a column header ``c``, ``cells[(r.key, c.key)][measure]`` aggregates the records of both. A header's
``key`` is the tuple of its group values from the root (``()`` is the root, "Total").

Each axis has a list of group-bys by depth (``row_groupbys``, ``col_groupbys``); every header at depth
``d`` that is expanded is expanded by ``groupbys[d]``. The values come from ``read_group`` with
``lazy=False``, one call per pair of prefixes of the two lists, never one per cell:

* a full load makes ``(len(rows) + 1) * (len(cols) + 1)`` calls (each level's totals come from the
  server, so averages and distinct counts are right);
* expanding a header of one axis makes ``len(other axis) + 1`` calls restricted to its records.

:func:`load_pivot` and :func:`expand_header` are blocking (run them through the session's runner);
they return a :class:`Fetch` that :meth:`Pivot.apply` merges on the GUI thread. :meth:`Pivot.table`
lays the tree out as a grid of :class:`Cell` (what the widget shows and what is exported).

Rows are sorted by one measure of one column (:meth:`Pivot.toggle_sort`: a measure header clicked)
on the values already read, siblings among siblings, so every sub-total stays above its rows; the
sort is kept through later loads and expansions until the axes are flipped.
"""
import csv
import dataclasses
import io

from ..graph.data import (COUNT, group_key, group_label, groupby_label, measure_label, measure_value,
                          read_group_fields)

ROW, COL = "row", "col"


@dataclasses.dataclass(eq=False)
class Header:
    """A row or column header: ``key`` (group values from the root), ``label``, ``domain`` (its
    records, without the search domain), ``children`` (empty: collapsed)."""
    key: tuple
    label: str
    domain: list
    children: list = dataclasses.field(default_factory=list)

    @property
    def depth(self):
        return len(self.key)

    @property
    def expanded(self):
        return bool(self.children)

    def walk(self):
        """This header and its descendants, depth first (the order rows are shown in)."""
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self):
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def find(self, key):
        for header in self.walk():
            if header.key == key:
                return header
        return None


@dataclasses.dataclass
class Fetch:
    """What one load or expansion brought: the groups of each ``read_group`` call with the row and
    column group-bys of that call, and which header (if any) it expands."""
    axis: str
    key: tuple
    groupby: str
    calls: list   # [(row groupbys, col groupbys, groups)]
    row_groupbys: list
    col_groupbys: list


@dataclasses.dataclass
class Cell:
    """One cell of the laid-out table: ``text`` as shown and exported, ``value`` (numbers; None for
    labels), ``kind`` (``corner``, ``col``, ``total`` (the row totals' column), ``measure``, ``row``,
    ``value``), spans, and the header it
    belongs to (``axis``, ``key``) for clicks; a measure header's ``key`` is ``(measure, column
    key)`` and its ``sort`` is ``"asc"``/``"desc"`` when the rows are sorted by it."""
    text: str
    value: object = None
    kind: str = "value"
    rowspan: int = 1
    colspan: int = 1
    axis: str = ""
    key: tuple = ()
    expanded: bool = False
    depth: int = 0
    sort: str = ""


def _fetch_calls(connection, model, domain, measures, row_sets, col_sets, context):
    calls = []
    fields = read_group_fields(measures)
    for rows in row_sets:
        for cols in col_sets:
            groups = connection.call_kw(model, "read_group", [list(domain), fields, list(rows) + list(cols)],
                                        {"lazy": False}, context=context)
            calls.append((list(rows), list(cols), groups))
    return calls


def load_pivot(connection, model, domain, measures, row_groupbys, col_groupbys, context=None):
    """Every header and cell for the group-bys, fully expanded (blocking)."""
    row_sets = [row_groupbys[:i] for i in range(len(row_groupbys) + 1)]
    col_sets = [col_groupbys[:j] for j in range(len(col_groupbys) + 1)]
    calls = _fetch_calls(connection, model, domain, measures, row_sets, col_sets, context)
    return Fetch("", (), "", calls, list(row_groupbys), list(col_groupbys))


def expand_header(connection, model, domain, measures, expansion, context=None):
    """The sub-headers of one header and their cells (blocking); ``expansion`` comes from
    :meth:`Pivot.expansion` (made on the GUI thread: the pivot itself is not read here)."""
    axis, key, groupby, header_domain, own, other = expansion
    other_sets = [other[:j] for j in range(len(other) + 1)]
    full = list(domain) + list(header_domain)
    if axis == ROW:
        calls = _fetch_calls(connection, model, full, measures, [own], other_sets, context)
        return Fetch(axis, key, groupby, calls, own, list(other))
    calls = _fetch_calls(connection, model, full, measures, other_sets, [own], context)
    return Fetch(axis, key, groupby, calls, list(other), own)


class Pivot:
    """The header trees and cells of a pivot table.

    :param fields: the model's field descriptions (labels of selections, many2ones, dates)
    :param measures: measure names (``__count`` for Count)
    """

    def __init__(self, fields, measures, row_groupbys=(), col_groupbys=(), strings=None):
        self.fields = fields
        self.strings = dict(strings or {})
        self.measures = list(measures) or [COUNT]
        self.row_groupbys = list(row_groupbys)
        self.col_groupbys = list(col_groupbys)
        self.rows = Header((), "Total", [])
        self.cols = Header((), "Total", [])
        self.cells = {}
        #: ``(measure, column key, ascending)`` the rows are sorted by, or None (the server's order)
        self.sort = None

    def tree(self, axis):
        return self.rows if axis == ROW else self.cols

    def groupbys(self, axis):
        return self.row_groupbys if axis == ROW else self.col_groupbys

    def expansion(self, axis, key, groupby):
        """What :func:`expand_header` needs to expand the header ``key`` of ``axis`` by ``groupby``."""
        header = self.tree(axis).find(key)
        if header is None:
            raise KeyError(key)
        own = self.groupbys(axis)[:len(key)] + [groupby]
        other = list(self.groupbys(COL if axis == ROW else ROW))
        return axis, key, groupby, list(header.domain), own, other

    # -- merging server data -----------------------------------------------------------------------
    def apply(self, fetch):
        """Merge a :class:`Fetch` (a full load replaces everything)."""
        if not fetch.axis:
            self.row_groupbys, self.col_groupbys = list(fetch.row_groupbys), list(fetch.col_groupbys)
            self.rows = Header((), "Total", [])
            self.cols = Header((), "Total", [])
            self.cells = {}
        else:
            groupbys = self.row_groupbys if fetch.axis == ROW else self.col_groupbys
            depth = len(fetch.key)
            if depth < len(groupbys) and groupbys[depth] != fetch.groupby:
                # another field at this depth: the headers expanded by the old one collapse
                for header in self.tree(fetch.axis).walk():
                    if header.depth == depth:
                        header.children = []
            new = groupbys[:depth] + [fetch.groupby] + (groupbys[depth + 1:] if depth < len(groupbys)
                                                          and groupbys[depth] == fetch.groupby else [])
            if fetch.axis == ROW:
                self.row_groupbys = new
            else:
                self.col_groupbys = new
            self.tree(fetch.axis).find(fetch.key).children = []
        for rows, cols, groups in fetch.calls:
            for group in groups:
                row_key = tuple(group_key(group, g) for g in rows)
                col_key = tuple(group_key(group, g) for g in cols)
                self.cells[(row_key, col_key)] = {m: measure_value(group, m) for m in self.measures}
                if not cols:
                    self._add_header(self.rows, rows, row_key, group)
                if not rows:
                    self._add_header(self.cols, cols, col_key, group)
        self._sort_rows()

    def _add_header(self, root, groupbys, key, group):
        """Insert the header of ``key`` (its parent exists: the calls come parents first)."""
        if not key:
            return
        parent = root.find(key[:-1])
        if parent is None or any(child.key == key for child in parent.children):
            return
        groupby = groupbys[len(key) - 1]
        term_domain = _group_term(group, groupby)
        parent.children.append(Header(key, group_label(group, groupby, self.fields), parent.domain + term_domain))

    def collapse(self, axis, key):
        """Hide the sub-headers of ``key``; the axis keeps its group-bys (Expand All uses them)."""
        header = self.tree(axis).find(key)
        if header is not None:
            header.children = []

    def flip(self):
        """Swap rows and columns (no server call); the rows keep their order, the sort goes (it
        named a column)."""
        self.sort = None
        self.rows, self.cols = self.cols, self.rows
        self.row_groupbys, self.col_groupbys = self.col_groupbys, self.row_groupbys
        self.cells = {(c, r): v for (r, c), v in self.cells.items()}

    # -- sorting ---------------------------------------------------------------------------------
    def set_default_order(self, default_order):
        """Sort the rows by the total column as the arch's ``default_order="measure [asc|desc]"``
        says (views.md §7); a measure not shown is ignored. Until the user sorts otherwise."""
        words = (default_order or "").split(",")[0].split()
        if not words or words[0] not in self.measures:
            return
        self.sort = (words[0], (), not (len(words) > 1 and words[1].lower() == "desc"))
        self._sort_rows()

    def toggle_sort(self, measure, col_key=()):
        """Sort the rows by ``measure`` in the column ``col_key``: ascending, descending when they
        already are ascending by it. No server call. Returns ``"asc"`` or ``"desc"``."""
        col_key = tuple(col_key)
        ascending = not (self.sort is not None and self.sort[:2] == (measure, col_key) and self.sort[2])
        self.sort = (measure, col_key, ascending)
        self._sort_rows()
        return "asc" if ascending else "desc"

    def sort_state(self, measure, col_key):
        """``"asc"``/``"desc"`` when the rows are sorted by ``measure`` in ``col_key``, else ``""``."""
        if self.sort is None or self.sort[:2] != (measure, tuple(col_key)):
            return ""
        return "asc" if self.sort[2] else "desc"

    def _sort_rows(self):
        """Order the children of every row header by the sort's values (empty cells lowest; equal
        values keep their order)."""
        if self.sort is None:
            return
        measure, col_key, ascending = self.sort
        if measure not in self.measures or self.cols.find(col_key) is None:
            self.sort = None
            return

        def value(header):
            number = self.value(header.key, col_key, measure)
            return (0, 0) if number is None else (1, number)

        for header in self.rows.walk():
            header.children.sort(key=value, reverse=not ascending)

    def value(self, row_key, col_key, measure):
        cell = self.cells.get((row_key, col_key))
        return None if cell is None else cell.get(measure)

    # -- layout ----------------------------------------------------------------------------------
    def table(self, format_value=None):
        """The grid shown and exported: a list of rows of :class:`Cell` (spanned positions hold
        None). Column headers on top (one row per depth, then the measures), row headers on the
        left (every row header, depth first, the root "Total" first); the last columns are the
        row totals when the column root is expanded."""
        fmt = format_value or (lambda value, measure: "" if value is None else str(value))
        measures = self.measures
        leaves = self.cols.leaves()
        columns = list(leaves) + ([self.cols] if self.cols.expanded else [])
        depth = max(h.depth for h in self.cols.walk())
        width = 1 + len(columns) * len(measures)
        header_rows = depth + 2
        grid = [[None] * width for _ in range(header_rows)]
        grid[0][0] = Cell("", kind="corner", rowspan=header_rows)
        # column headers
        position = {}
        col = 1
        for leaf in leaves:
            position[leaf.key] = col
            col += len(measures)

        def place(header):
            start = position[header.leaves()[0].key]
            span = len(header.leaves()) * len(measures)
            rowspan = 1 if header.children else depth - header.depth + 1
            grid[header.depth][start] = Cell(header.label, kind="col", colspan=span, rowspan=rowspan, axis=COL,
                                             key=header.key, expanded=header.expanded, depth=header.depth)
            for child in header.children:
                place(child)

        place(self.cols)
        if self.cols.expanded:
            grid[0][col] = Cell("Total", kind="total", colspan=len(measures), rowspan=depth + 1)
        for index, column in enumerate(columns):
            for offset, measure in enumerate(measures):
                grid[depth + 1][1 + index * len(measures) + offset] = Cell(
                    measure_label(measure, self.fields, self.strings), kind="measure", key=(measure, column.key),
                    sort=self.sort_state(measure, column.key))
        # rows
        for header in self.rows.walk():
            line = [Cell(header.label, kind="row", axis=ROW, key=header.key, expanded=header.expanded,
                         depth=header.depth)]
            for column in columns:
                for measure in measures:
                    value = self.value(header.key, column.key, measure)
                    line.append(Cell(fmt(value, measure), value=value, kind="value", key=(header.key, column.key)))
            grid.append(line)
        return grid

    def header_labels(self, axis):
        """``{key: label}`` of one axis (tests)."""
        return {h.key: h.label for h in self.tree(axis).walk()}

    def groupby_labels(self, axis):
        groupbys = self.row_groupbys if axis == ROW else self.col_groupbys
        return [groupby_label(g, self.fields, self.strings) for g in groupbys]


def _group_term(group, groupby):
    """The domain terms of ``group`` for ``groupby`` alone (from its ``__domain``: the last terms
    that name the field, the search domain being in front)."""
    name = groupby.split(":")[0]
    domain = group.get("__domain") or []
    value = group.get(groupby, False)
    ranges = (group.get("__range") or {}).get(groupby)
    if ranges:
        start, stop = None, None
        for term in domain:
            if isinstance(term, (list, tuple)) and len(term) == 3 and term[0] == name:
                if term[1] == ">=":
                    start = term[2]
                elif term[1] == "<":
                    stop = term[2]
        if start is not None and stop is not None:
            return ["&", [name, ">=", start], [name, "<", stop]]
    if isinstance(value, (list, tuple)):
        value = value[0] if value else False
    return [[name, "=", value]]


# -- export -----------------------------------------------------------------------------------------
def matrix(grid):
    """The grid as rows of plain values (labels as text, numbers as numbers, spans empty)."""
    rows = []
    for line in grid:
        row = []
        for cell in line:
            if cell is None:
                row.append("")
            elif cell.kind == "value":
                row.append(cell.value if cell.value is not None else "")
            else:
                row.append(cell.text)
        rows.append(row)
    return rows


def to_csv(grid):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in matrix(grid):
        writer.writerow([repr(v) if isinstance(v, float) else v for v in row])
    return out.getvalue()


def write_xlsx(grid, path, title="Pivot"):
    """The grid in an XLSX workbook: spans merged, header cells bold, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or "Pivot")[:31]
    bold = Font(bold=True)
    for r, line in enumerate(grid, start=1):
        for c, cell in enumerate(line, start=1):
            if cell is None:
                continue
            target = sheet.cell(row=r, column=c)
            if cell.kind == "value":
                target.value = cell.value
            elif cell.kind == "row":
                target.value = cell.text
                target.alignment = Alignment(indent=cell.depth * 2)
                target.font = bold if cell.depth == 0 else Font()
            else:
                target.value = cell.text or None
                target.font = bold
                target.alignment = Alignment(horizontal="center")
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1,
                                  end_column=c + cell.colspan - 1)
    sheet.column_dimensions["A"].width = 32
    workbook.save(path)
    return path
