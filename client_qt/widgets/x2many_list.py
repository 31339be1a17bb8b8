"""The embedded list of an x2many field in a form (views.md §3.5), shared by one2many and many2many.

Columns come from the inline ``<list>`` sub-view the server sends (never guessed); a literal
``invisible``/``column_invisible`` hides a column, a dynamic ``column_invisible`` is evaluated once
per list with ``parent`` (§2.4), a dynamic ``invisible`` blanks cells per row. Lines are read a page
at a time (``limit``, default 40) and kept as sub-records of the parent's
:class:`~client_qt.models.record.X2manyValue`, so edits stay client-side until the parent is
saved. Each row has a remove button; "Add a line" (or one button per ``<control><create>``) asks
the owning widget for a new line. ``editable="top|bottom"`` lists edit the clicked row in place
with the field widgets of the registry (:class:`LineHost` is their host).
"""
import logging

from ..dialogs import confirm
from ..dialogs.error import show_error
from ..expr import base_names, evaluate_literal, literal_bool
from ..models.fields import field_type
from ..qt import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QToolButton, QVBoxLayout, QWidget, Qt,
                  QtWidgets, tr)
from ..views.arch import children
from .base import FieldSpec
from .registry import create_widget

_logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 40
LIST_TAGS = ("list", "tree")


class _Namespace:
    """``parent.x`` for column modifiers evaluated without a line."""

    def __init__(self, values):
        self.__dict__.update(values)

    def get(self, name, default=False):
        return self.__dict__.get(name, default)


class Column:
    """A ``<field>`` of the inline list."""

    def __init__(self, node, description):
        from ..views.form.modifiers import NodeModifiers
        self.node = node
        self.name = node.get("name")
        self.spec = FieldSpec(self.name, description, dict(node.attrib), node)
        self.modifiers = NodeModifiers(dict(node.attrib), description)
        self.label = self.spec.label


def cell_text(description, value, line, user_tz):
    """The text of a cell: dates as the date widgets show them, other types as the field type does."""
    kind = description.get("type")
    if kind in ("date", "datetime") and value:
        from ..qt import QDate, QLocale, QTime
        from ..models.fields import to_local
        from .date import date_format
        if kind == "date":
            year, month, day = (int(part) for part in str(value)[:10].split("-"))
            return QLocale().toString(QDate(year, month, day), date_format())
        moment = to_local(value, user_tz)
        return (QLocale().toString(QDate(moment.year, moment.month, moment.day), date_format()) + " "
                + QLocale().toString(QTime(moment.hour, moment.minute), "HH:mm"))
    return field_type(description).display(value, line, user_tz)


def ensure_line(x2many, key, fields, values, parent_field=None):
    """The sub-record of line ``key`` holding the read ``values`` (edited values are kept)."""
    line = x2many.records.get(key)
    if line is None:
        line = x2many.line(key, fields, dict(values))
    else:
        line.fields = dict(fields, **line.fields)
        for name, value in values.items():
            if name not in line.dirty:
                line.values[name] = value
                line.original[name] = value
    line.parent_field = parent_field
    line.loaded = True
    return line


def attach_line(x2many, line):
    """Add a new (virtual) line made outside the value (a dialog's line) to ``x2many``."""
    x2many.records[line.virtual_id] = line
    x2many.current.append(line.virtual_id)


class LineHost:
    """The host of the widgets of a row edited in place (the line is the record)."""

    def __init__(self, owner, line, columns):
        from ..views.form.onchange import Onchanger
        self.owner = owner
        self.record = line
        self.session = owner.session
        self.model = owner.spec.relation
        self.models = owner.host.models
        self.main_window = getattr(owner.host, "main_window", None)
        self.context = owner.host.field_context(owner.spec)
        self.columns = columns
        self.widgets = {}
        self.onchange_fields = {c.name for c in columns if c.node.get("on_change") not in (None, "", "0")}
        self.onchanger = Onchanger(self)
        self.applying = False
        self.domains = {}
        line.listen(self._changed)

    # widget host interface
    def commit(self, name, value):
        self.record.set(name, value)
        self.owner.host.lines_changed(self.owner.name)

    def lines_changed(self, name):
        self.record.touch(name)

    def eval_values(self):
        values = self.record.eval_values()
        values["context"] = dict(self.context)
        return values

    def names(self):
        return base_names(self.context, self.session.uid if self.session is not None else None)

    def evaluate(self, text, default=None):
        if not isinstance(text, str):
            return text if text is not None else default
        return evaluate_literal(text, self.eval_values(), self.names(), default=default)

    def field_domain(self, spec):
        if spec.name in self.domains:
            return list(self.domains[spec.name])
        text = spec.attrs.get("domain") or spec.description.get("domain")
        return list(self.evaluate(text, []) or [])

    def field_context(self, spec):
        context = dict(self.context)
        for text in (spec.description.get("context"), spec.attrs.get("context")):
            if text:
                context.update(self.evaluate(text, {}) or {})
        return context

    def call_context(self):
        return dict(self.context)

    def dialog_parent(self):
        return self.owner.host.dialog_parent()

    def show_error(self, error):
        return show_error(self.dialog_parent(), error)

    # onchange interface
    def fields_spec(self):
        return {name: {} for name in self.record.fields if name not in self.record.lines}

    def apply_onchange(self, result, since=None):
        values = {k: v for k, v in (result.get("value") or {}).items() if k in self.record.fields}
        self.applying = True
        try:
            self.record.apply_onchange(values)
        finally:
            self.applying = False
        self.domains.update(result.get("domain") or {})
        if result.get("warning"):
            warning = result["warning"]
            confirm.notify(self.dialog_parent(), warning.get("title") or tr("Warning"), warning.get("message") or "")
        self.owner.host.lines_changed(self.owner.name)

    def _changed(self, record, name):
        if name is None or record is not self.record:
            return
        widget = self.widgets.get(name)
        if widget is not None:
            widget.set_value(record.get(name))
        self.apply_modifiers()
        if not self.applying and name in self.onchange_fields:
            self.onchanger.request([name])

    def apply_modifiers(self):
        values, names = self.eval_values(), self.names()
        readonly = {}
        for column in self.columns:
            state = column.modifiers.evaluate(values, names)
            readonly[column.name] = state["readonly"]
            widget = self.widgets.get(column.name)
            if widget is not None:
                widget.setVisible(not state["invisible"])
                widget.set_readonly(state["readonly"])
                widget.set_required(state["required"])
        self.record.view_readonly = readonly

    def close(self):
        for widget in self.widgets.values():
            widget.commit_pending()
        self.record.unlisten(self._changed)
        self.onchanger.cancel()


class EmbeddedList(QWidget):
    """:param owner: the x2many field widget (``host``, ``spec``, ``session``, ``add_line()``,
        ``open_line(key)``, ``remove_line(key)``, ``line_fields()``)
    """

    def __init__(self, owner):
        super().__init__()
        self.owner = owner
        self.setObjectName("embedded_list")
        spec = owner.spec
        self.node = next((child for child in (children(spec.node) if spec.node is not None else [])
                          if child.tag in LIST_TAGS), None)
        self.fields = owner.line_fields()
        self.relation_field = spec.description.get("relation_field") if spec.type == "one2many" else None
        self.columns = self._columns()
        try:
            self.limit = int(self.node.get("limit")) if self.node is not None and self.node.get("limit") \
                else DEFAULT_LIMIT
        except ValueError:
            self.limit = DEFAULT_LIMIT
        editable = self.node.get("editable") if self.node is not None else None
        self.editable = editable if editable in ("top", "bottom") else None
        self.offset = 0
        self.readonly = False
        self.x2many = None
        self.page_keys = []
        self.editing = None
        self.visible_columns = list(self.columns)
        self._build()

    def _columns(self):
        columns = []
        nodes = [child for child in children(self.node) if child.tag == "field"] if self.node is not None else []
        if not nodes:
            from lxml import etree
            nodes = [etree.Element("field", name="display_name")]
        for node in nodes:
            name = node.get("name")
            description = self.fields.get(name) or ({"type": "char", "string": tr("Name")}
                                                    if name == "display_name" else None)
            if description is None:
                continue
            if literal_bool(node.get("column_invisible")) or literal_bool(node.get("invisible")) \
                    or literal_bool(node.get("tree_invisible")):
                continue
            columns.append(Column(node, description))
        return columns

    def _build(self):
        self.toolbar = QHBoxLayout()
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        self.add_buttons = []
        creates = []
        if self.node is not None:
            for control in children(self.node):
                if control.tag == "control":
                    creates = [c for c in children(control) if c.tag == "create"]
        if creates:
            for create in creates:
                context = create.get("context")
                self._add_button(create.get("string") or tr("Add a line"), context)
        else:
            self._add_button(tr("Add a line") if self.owner.spec.type == "one2many" else tr("Add"), None)
        self.toolbar.addStretch(1)
        self.pager = QLabel()
        self.pager.setObjectName("x2many_pager")
        self.previous_button = QToolButton()
        self.previous_button.setText("‹")
        self.previous_button.clicked.connect(lambda: self.turn(-1))
        self.next_button = QToolButton()
        self.next_button.setText("›")
        self.next_button.clicked.connect(lambda: self.turn(1))
        for widget in (self.previous_button, self.pager, self.next_button):
            self.toolbar.addWidget(widget)
        self.table = QtWidgets.QTableWidget()
        self.table.setObjectName("x2many_table")
        self.table.setColumnCount(len(self.columns) + 1)
        self.table.setHorizontalHeaderLabels([c.label for c in self.columns] + [""])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(self.columns), QHeaderView.ResizeMode.Fixed)
        header.resizeSection(len(self.columns), 32)
        self.table.setMinimumHeight(120)
        self.table.cellClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.table, 1)

    def _add_button(self, text, context):
        button = QToolButton()
        button.setObjectName("add_line")
        button.setText(text)
        button.setAutoRaise(True)
        button.clicked.connect(lambda checked=False, c=context: self.owner.add_line(c))
        self.toolbar.addWidget(button)
        self.add_buttons.append(button)

    # -- state ------------------------------------------------------------------------------------
    def set_lines(self, x2many):
        """Show the lines of ``x2many`` (reads the values of the page's lines not known yet)."""
        if self.editing is not None and (x2many is not self.x2many or self.editing[0] not in x2many.current):
            self.stop_edit(render=False)
        self.x2many = x2many
        if x2many is not None and self.offset >= len(x2many.current):
            self.offset = max(0, (len(x2many.current) - 1) // self.limit * self.limit)
        self.load_page()

    def set_readonly(self, readonly):
        self.readonly = readonly
        if readonly:
            self.stop_edit()
        root_create = literal_bool(self.node.get("create")) is not False if self.node is not None else True
        for button in self.add_buttons:
            button.setVisible(not readonly and root_create)
        self.render()

    def can_delete(self):
        if self.readonly:
            return False
        return self.node is None or literal_bool(self.node.get("delete")) is not False

    def keys(self):
        return list(self.x2many.current) if self.x2many is not None else []

    def turn(self, step):
        self.stop_edit(render=False)
        count = len(self.keys())
        self.offset = min(max(0, self.offset + step * self.limit), max(0, (count - 1) // self.limit * self.limit))
        self.load_page()

    def read_names(self):
        names = [name for name in self.fields if name != "id"]
        return names or ["display_name"]

    def load_page(self):
        keys = self.keys()
        self.page_keys = keys[self.offset:self.offset + self.limit]
        x2many = self.x2many
        missing = [key for key in self.page_keys if isinstance(key, int)
                   and not getattr(x2many.records.get(key), "loaded", False)]
        if missing and self.owner.session is not None:
            relation = self.owner.spec.relation
            context = dict(self.owner.host.field_context(self.owner.spec), bin_size=True)
            self.owner.session.call(relation, "read", missing, self.read_names(), context=context,
                                    on_result=lambda rows, x=x2many: self._loaded(x, rows),
                                    on_error=self.owner.host.show_error)
        self.render()

    def _loaded(self, x2many, rows):
        if x2many is not self.x2many:
            return
        for row in rows:
            ensure_line(x2many, row["id"], self.fields, row, self.relation_field)
        self.render()

    def line(self, key):
        return self.x2many.records.get(key) if self.x2many is not None else None

    # -- painting -----------------------------------------------------------------------------------
    def _column_values(self):
        host = self.owner.host
        parent = host.eval_values() if hasattr(host, "eval_values") and host.record is not None else {}
        context = dict(getattr(host, "context", {}) or {})
        return {"parent": _Namespace(parent), "context": context}, base_names(context)

    def render(self):
        """Paint the rows of the current page (the row being edited keeps its widgets)."""
        values, names = self._column_values()
        shown = [c for c in self.columns if not c.modifiers.evaluate(values, names)["column_invisible"]]
        for index, column in enumerate(self.columns):
            self.table.setColumnHidden(index, column not in shown)
        self.visible_columns = shown
        keys = self.page_keys
        editing_key = self.editing[0] if self.editing is not None else None
        self.table.setRowCount(len(keys))
        user_tz = getattr(self.owner.session, "user_tz", None)
        delete_column = len(self.columns)
        for row, key in enumerate(keys):
            line = self.line(key)
            if key == editing_key:
                continue
            line_values = line.eval_values() if line is not None else {}
            if line is not None:
                line_values["context"] = values["context"]
            for column_index, column in enumerate(self.columns):
                self.table.removeCellWidget(row, column_index)
                if line is None or not getattr(line, "loaded", False) and isinstance(key, int):
                    text = "…" if column_index == 0 else ""
                else:
                    invisible = column.modifiers.evaluate(line_values, names)["invisible"] \
                        if column.modifiers.sources.get("invisible") is not None else False
                    value = line.get(column.name)
                    text = "" if invisible else cell_text(column.spec.description, value, line, user_tz)
                item = QtWidgets.QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, key)
                if field_type(column.spec.description).align_right:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column_index, item)
            if self.can_delete():
                button = QToolButton()
                button.setObjectName("remove_line")
                button.setText("✕")
                button.setAutoRaise(True)
                button.setToolTip(tr("Remove this line"))
                button.clicked.connect(lambda checked=False, k=key: self._remove(k))
                self.table.setCellWidget(row, delete_column, button)
            else:
                self.table.removeCellWidget(row, delete_column)
                self.table.setItem(row, delete_column, QtWidgets.QTableWidgetItem(""))
        count = len(self.keys())
        paged = count > self.limit
        self.pager.setText(f"{self.offset + 1}-{min(self.offset + self.limit, count)} / {count}" if paged else "")
        for widget in (self.pager, self.previous_button, self.next_button):
            widget.setVisible(paged)

    def row_texts(self):
        """The text of every cell shown (tests): one list per row, visible columns only."""
        result = []
        for row in range(self.table.rowCount()):
            cells = []
            for index, column in enumerate(self.columns):
                if self.table.isColumnHidden(index):
                    continue
                item = self.table.item(row, index)
                cells.append(item.text() if item is not None else "")
            result.append(cells)
        return result

    # -- interaction ----------------------------------------------------------------------------------
    def _clicked(self, row, column):
        if row >= len(self.page_keys) or column == len(self.columns):
            return
        key = self.page_keys[row]
        if self.editable and not self.readonly:
            self.start_edit(key)
        else:
            self.owner.open_line(key)

    def _remove(self, key):
        if self.editing is not None and self.editing[0] == key:
            self.stop_edit(render=False)
        self.owner.remove_line(key)

    def start_edit(self, key):
        """Edit the row of ``key`` in place."""
        if self.editing is not None:
            if self.editing[0] == key:
                return
            self.stop_edit()
        if key not in self.page_keys:
            return
        line = self.line(key)
        if line is None:
            return
        row = self.page_keys.index(key)
        host = LineHost(self.owner, line, self.columns)
        height = self.table.rowHeight(row)
        for index, column in enumerate(self.columns):
            self.table.setItem(row, index, QtWidgets.QTableWidgetItem(""))
            widget = create_widget(column.spec, host)
            widget.set_value(line.get(column.name))
            host.widgets[column.name] = widget
            self.table.setCellWidget(row, index, widget)
            height = max(height, widget.sizeHint().height())
        self.table.setRowHeight(row, height)
        self.editing = (key, host)
        host.apply_modifiers()
        first = next((w for c, w in ((c, host.widgets[c.name]) for c in self.visible_columns) if not w.readonly),
                     None)
        if first is not None:
            first.setFocus()
        return host

    def stop_edit(self, render=True):
        """Leave the row edited in place (its pending edits are committed)."""
        if self.editing is None:
            return
        key, host = self.editing
        self.editing = None
        host.close()
        if key in self.page_keys:
            row = self.page_keys.index(key)
            for index in range(len(self.columns)):
                self.table.removeCellWidget(row, index)
            self.table.resizeRowToContents(row)
        if render:
            self.render()

    def add_inline(self, line):
        """A new line added to an editable list: show it (top or bottom) and edit it."""
        keys = self.keys()
        if self.editable == "top" and self.x2many is not None:
            self.x2many.current.remove(line.virtual_id)
            self.x2many.current.insert(0, line.virtual_id)
            self.offset = 0
        else:
            self.offset = max(0, (len(keys) - 1) // self.limit * self.limit)
        self.load_page()
        return self.start_edit(line.virtual_id)
