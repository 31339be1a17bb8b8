"""Grouped lists: group rows from ``read_group``, records loaded when a group opens (views.md §4.2).

:class:`GroupedListModel` is a Qt item model of three kinds of rows:

* **group** rows: the group value, its record count and aggregates, from one ``read_group`` per
  level (``lazy=True``: only the first remaining group-by). Their children are not fetched until the
  view expands them (``canFetchMore``/``fetchMore``): sub-groups with the next group-by, or records
  of the last level with ``search_read`` on the group's ``__domain``, one page at a time;
* **record** rows, formatted like the flat list (:class:`~client_qt.models.list_format.RowFormatter`);
* a **more** row at the end of a partly loaded group ("Load more… (n remaining)"): the next page is
  requested when that row is shown, so groups fill as the user scrolls.
"""
import logging

from ..qt import QAbstractItemModel, QBrush, QFont, QLocale, QModelIndex, QPalette, QApplication, Qt, Signal, tr
from .calls import OwnedCalls
from .list_format import Lookups, RowFormatter
from .list_model import ColumnRole, ColumnSort, IdRole

_logger = logging.getLogger(__name__)

KindRole = Qt.ItemDataRole.UserRole + 10
NUMERIC = ("integer", "float", "monetary")


class Node:
    """A row of the grouped model; ``children`` is None until loaded."""

    __slots__ = ("kind", "parent", "children", "row", "value", "label", "count", "aggregates", "domain", "level",
                 "loading", "loaded_records", "__weakref__")

    def __init__(self, kind, parent=None, row=None):
        self.kind = kind
        self.parent = parent
        self.children = None
        self.row = row
        self.value = None
        self.label = ""
        self.count = 0
        self.aggregates = {}
        self.domain = []
        self.level = 0
        self.loading = False
        self.loaded_records = 0

    def position(self):
        siblings = self.parent.children if self.parent is not None else []
        for index, sibling in enumerate(siblings):
            if sibling is self:
                return index
        return -1


def group_label(description, value):
    """The text of a group value (many2one name, selection label, "None" for no value)."""
    kind = description.get("type")
    if kind == "boolean":
        return tr("Yes") if value else tr("No")
    if value is False or value is None or value == "":
        return tr("None")
    if kind == "many2one" and isinstance(value, (list, tuple)):
        return str(value[1]) if len(value) > 1 and value[1] else str(value[0])
    if kind == "selection":
        return dict((k, v) for k, v in description.get("selection") or []).get(value, str(value))
    return str(value)


class GroupedListModel(ColumnSort, QAbstractItemModel):
    """:param group_by: group-by specs in nesting order (``"country_id"``, ``"date:month"``)"""

    groups_loaded = Signal(object)      # the parent node (None for the top level)
    records_loaded = Signal(object)     # the group node
    load_failed = Signal(object)

    def __init__(self, session, model_name, spec, fields, context=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.calls = OwnedCalls(self, session)
        self.model_name = model_name
        self.spec = spec
        self.fields = fields
        self.context = dict(context or {})
        self.page_size = spec.limit
        self.order = spec.default_order or None
        self.sort_name = None
        self.sort_desc = False
        self.domain = []
        self.group_by = []
        self.columns = spec.visible_columns()
        self.root = Node("root")
        self.lookups = Lookups(self.calls, self._lookups_arrived)
        self.formatter = RowFormatter(spec, fields, session.user_tz, self.context, session.uid, self.lookups)
        self._generation = 0

    # -- loading ---------------------------------------------------------------------------------
    def set_search(self, domain, context=None, group_by=None):
        self.domain = list(domain or [])
        if context is not None:
            self.context = dict(context)
            self.formatter = RowFormatter(self.spec, self.fields, self.session.user_tz, self.context,
                                          self.session.uid, self.lookups)
        if group_by is not None:
            self.group_by = [g for g in group_by if g.split(":")[0] in self.fields]
        self._generation += 1
        self.beginResetModel()
        self.root = Node("root")
        self.root.domain = self.domain
        self.root.level = -1
        self.endResetModel()
        self._load_groups(self.root)

    def refresh(self):
        """Load the groups again (after records changed); groups close."""
        self.set_search(self.domain)

    def aggregate_specs(self):
        """``read_group`` field specs: ``sum``/``avg`` columns, and numeric columns with an aggregator."""
        specs = []
        for column in self.columns:
            if column.is_button or column.type not in NUMERIC:
                continue
            if column.aggregate:
                specs.append(f"{column.name}:{column.aggregate[0]}")
            else:
                aggregator = column.description.get("aggregator") or column.description.get("group_operator")
                if aggregator in ("sum", "avg", "min", "max"):
                    specs.append(f"{column.name}:{aggregator}")
        return specs

    def _group_order(self, groupby):
        field_name = groupby.split(":")[0]
        if self.sort_name and self.sort_name == field_name:
            return f"{groupby} {'desc' if self.sort_desc else 'asc'}"
        if self.sort_name and any(s.startswith(self.sort_name + ":") for s in self.aggregate_specs()):
            return f"{self.sort_name} {'desc' if self.sort_desc else 'asc'}"
        return False

    def _load_groups(self, parent):
        level = parent.level + 1
        groupby = self.group_by[level]
        parent.loading = True
        generation = self._generation
        self.calls.call(self.model_name, "read_group", parent.domain, self.aggregate_specs(), [groupby],
                        orderby=self._group_order(groupby), lazy=True, context=self.context,
                        on_result=lambda groups: self._groups_arrived(generation, parent, level, groups),
                        on_error=lambda error: self._failed(generation, parent, error))

    def _groups_arrived(self, generation, parent, level, groups):
        if generation != self._generation:
            return
        parent.loading = False
        groupby = self.group_by[level]
        field_name = groupby.split(":")[0]
        description = self.fields.get(field_name, {})
        nodes = []
        for group in groups or []:
            node = Node("group", parent)
            node.level = level
            node.value = group.get(groupby, group.get(field_name, False))
            node.label = group_label(description if ":" not in groupby else {"type": "char"}, node.value)
            node.count = group.get(f"{field_name}_count", group.get("__count", 0)) or 0
            node.domain = group.get("__domain") or []
            node.aggregates = {spec.split(":")[0]: group.get(spec.split(":")[0]) for spec in self.aggregate_specs()}
            nodes.append(node)
        self._set_children(parent, nodes)
        self.groups_loaded.emit(None if parent is self.root else parent)

    def _set_children(self, parent, nodes):
        parent_index = self.index_of(parent)
        current = parent.children or []
        if current:
            self.beginRemoveRows(parent_index, 0, len(current) - 1)
            parent.children = []
            self.endRemoveRows()
        if nodes:
            self.beginInsertRows(parent_index, 0, len(nodes) - 1)
            parent.children = nodes
            self.endInsertRows()
        else:
            parent.children = []

    def _load_records(self, group):
        group.loading = True
        generation = self._generation
        self.calls.call(self.model_name, "search_read", domain=group.domain,
                        fields=self.spec.field_names or ["display_name"], offset=group.loaded_records,
                        limit=self.page_size, order=self.record_order(), context=self.context,
                        on_result=lambda rows: self._records_arrived(generation, group, rows),
                        on_error=lambda error: self._failed(generation, group, error))

    def _records_arrived(self, generation, group, rows):
        if generation != self._generation:
            return
        group.loading = False
        rows = list(rows or [])
        self.lookups.collect(rows, self.columns, self.formatter.currency_field, self.context)
        group_index = self.index_of(group)
        children = group.children or []
        if children and children[-1].kind == "more":
            position = len(children) - 1
            self.beginRemoveRows(group_index, position, position)
            children.pop()
            self.endRemoveRows()
        new_nodes = [Node("record", group, row) for row in rows]
        group.loaded_records += len(rows)
        if group.loaded_records < group.count and rows:
            new_nodes.append(Node("more", group))
        if group.children is None:
            group.children = []
        if new_nodes:
            start = len(group.children)
            self.beginInsertRows(group_index, start, start + len(new_nodes) - 1)
            group.children.extend(new_nodes)
            self.endInsertRows()
        self.records_loaded.emit(group)

    def _failed(self, generation, node, error):
        if generation != self._generation:
            return
        node.loading = False
        if node.children is None:
            node.children = []
        self.load_failed.emit(error)

    def load_more(self, more_index):
        """Fetch the next page of the group owning a "more" row."""
        node = self.node(more_index)
        if node is not None and node.kind == "more" and not node.parent.loading:
            self._load_records(node.parent)

    # -- tree navigation -------------------------------------------------------------------------
    def node(self, index):
        return index.internalPointer() if index.isValid() else self.root

    def index_of(self, node):
        if node is self.root or node is None:
            return QModelIndex()
        return self.createIndex(node.position(), 0, node)

    def index(self, row, column, parent=QModelIndex()):
        node = self.node(parent)
        children = node.children or []
        if 0 <= row < len(children) and 0 <= column < len(self.columns):
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index=QModelIndex()):
        if not index.isValid():
            return QModelIndex()
        node = index.internalPointer()
        if node is None or node.parent is None or node.parent is self.root:
            return QModelIndex()
        return self.createIndex(node.parent.position(), 0, node.parent)

    def rowCount(self, parent=QModelIndex()):
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children or [])

    def columnCount(self, parent=QModelIndex()):
        return len(self.columns)

    def hasChildren(self, parent=QModelIndex()):
        node = self.node(parent)
        if node.kind == "root":
            return bool(node.children)
        if node.kind == "group":
            return node.count > 0
        return False

    def canFetchMore(self, parent):
        node = self.node(parent)
        return node.kind == "group" and node.children is None and not node.loading and node.count > 0

    def fetchMore(self, parent):
        node = self.node(parent)
        if not self.canFetchMore(parent):
            return
        if node.level + 1 < len(self.group_by):
            self._load_groups(node)
        else:
            self._load_records(node)

    # -- data ------------------------------------------------------------------------------------
    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.label
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.formatter.alignment(column)
        if role == ColumnRole:
            return column
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node = index.internalPointer()
        column = self.columns[index.column()]
        if role == KindRole:
            return node.kind
        if node.kind == "group":
            return self._group_data(node, index.column(), column, role)
        if node.kind == "more":
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                if not node.parent.loading:
                    self._load_records(node.parent)
                remaining = node.parent.count - node.parent.loaded_records
                return tr("Load more… ({0} remaining)").format(QLocale().toString(remaining))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QApplication.palette().color(QPalette.ColorRole.PlaceholderText))
            return None
        row = node.row
        if role == Qt.ItemDataRole.DisplayRole:
            return self.formatter.text(column, row)
        if role in (Qt.ItemDataRole.EditRole,):
            return None if column.is_button else row.get(column.name, False)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.formatter.alignment(column)
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self.formatter.foreground(column, row)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole:
            return self.formatter.font(column, row)
        if role == IdRole:
            return row.get("id") or False
        if role == ColumnRole:
            return column
        return None

    def _group_data(self, node, column_index, column, role):
        if role == Qt.ItemDataRole.DisplayRole:
            if column_index == 0:
                return f"{node.label} ({QLocale().toString(int(node.count))})"
            if not column.is_button and column.name in node.aggregates:
                return self.formatter.format_aggregate(column, node.aggregates[column.name])
            return ""
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QApplication.palette().color(QPalette.ColorRole.AlternateBase))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column_index == 0:
                return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            return self.formatter.alignment(column)
        if role == IdRole:
            return False
        return None

    # -- sorting and columns ---------------------------------------------------------------------
    def _sort_changed(self):
        self.set_search(self.domain)

    def set_shown_optional(self, names):
        self.beginResetModel()
        self.columns = self.spec.visible_columns(set(names))
        self.endResetModel()
        self.set_search(self.domain)

    def column_index(self, name):
        return next((i for i, c in enumerate(self.columns) if c.name == name and not c.is_button), -1)

    def record_ids(self, indexes):
        """Record ids of the record rows among ``indexes`` (group rows are skipped)."""
        ids = []
        for index in indexes:
            node = self.node(index)
            if node.kind == "record" and node.row.get("id") and node.row["id"] not in ids:
                ids.append(node.row["id"])
        return ids

    def loaded_ids(self):
        ids = []

        def walk(node):
            for child in node.children or []:
                if child.kind == "record" and child.row.get("id"):
                    ids.append(child.row["id"])
                elif child.kind == "group":
                    walk(child)
        walk(self.root)
        return ids

    def groups(self, parent=None):
        """The group nodes under ``parent`` (top level by default)."""
        node = parent or self.root
        return [child for child in node.children or [] if child.kind == "group"]

    def _lookups_arrived(self):
        def walk(node):
            children = node.children or []
            if children and self.columnCount():
                parent = self.index_of(node)
                self.dataChanged.emit(self.index(0, 0, parent), self.index(len(children) - 1,
                                                                          self.columnCount() - 1, parent))
            for child in children:
                if child.kind == "group":
                    walk(child)
        walk(self.root)

    def range_text(self):
        total = sum(group.count for group in self.groups())
        return tr("{0} groups · {1} records").format(QLocale().toString(len(self.groups())),
                                                    QLocale().toString(int(total)))
