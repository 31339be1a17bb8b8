"""Kanban columns and their pages, without widgets or calls (views.md §8).

:class:`Board` holds what a kanban view shows: one :class:`Column` per group of the ``read_group``
answer (grouped) or a single column of every record of the search (ungrouped). It says which call
to make next — :meth:`Board.read_group_call`, :meth:`Board.page_call` (the next ``search_read``
page of one column) — and takes the answers (:meth:`Board.set_groups`, :meth:`Board.add_page`).
Moving a card (:meth:`Board.move`) changes the columns at once and returns what :meth:`Board.undo`
needs to put it back when the server refuses the write; a deleted record leaves its column
(:meth:`Board.remove`).

Columns of a selection field come in the selection's order and include the values no record has
yet (a stage the user can drag a card into); many2one columns are the groups that have records.
"""
import dataclasses

#: field types a card can be dragged between columns of (the group value is written)
DRAGGABLE_TYPES = frozenset({"many2one", "selection", "boolean", "char", "integer"})


@dataclasses.dataclass
class Column:
    """A column: the group ``value`` (wire format: many2one ``[id, name]``), its label, the
    server's ``count``, the ``domain`` of its records and the records loaded so far."""
    value: object
    label: str
    count: int
    domain: list
    records: list = dataclasses.field(default_factory=list)
    #: records loaded from the server (pages), moved cards not included
    offset: int = 0
    loading: bool = False
    folded: bool = False

    @property
    def key(self):
        """The raw group value (many2one id, selection key, False)."""
        if isinstance(self.value, (list, tuple)):
            return self.value[0] if self.value else False
        return self.value

    def remaining(self):
        """How many records of the column are not shown yet."""
        return max(self.count - len(self.records), 0)

    def has_more(self):
        return self.remaining() > 0

    def index_of(self, record_id):
        for index, row in enumerate(self.records):
            if row.get("id") == record_id:
                return index
        return -1


def group_label(description, value, none_label="None"):
    """The header text of a group value (many2one name, selection label)."""
    kind = description.get("type")
    if kind == "boolean":
        return "Yes" if value else "No"
    if value is False or value is None or value == "":
        return none_label
    if kind == "many2one" and isinstance(value, (list, tuple)):
        return str(value[1]) if len(value) > 1 and value[1] else str(value[0])
    if kind == "selection":
        return dict((k, v) for k, v in description.get("selection") or []).get(value, str(value))
    return str(value)


class Board:
    """The columns of one search.

    :param model: the model name
    :param fields: ``{name: description}``
    :param field_names: the fields a card reads (``search_read`` fields)
    :param page_size: cards per column page
    :param order: the ``search_read`` order (``default_order``), or None
    """

    def __init__(self, model, fields, field_names, page_size=40, order=None, none_label="None"):
        self.model = model
        self.fields = fields
        self.field_names = list(field_names)
        self.page_size = page_size
        self.order = order or None
        self.none_label = none_label
        self.domain = []
        self.group_by = None
        self.columns = []

    # -- searches --------------------------------------------------------------------------------
    def set_search(self, domain, group_by=None):
        """A new search: ``group_by`` is the first group-by spec (``"state"``, ``"date:month"``) or None."""
        self.domain = list(domain or [])
        if group_by and group_by.split(":")[0] not in self.fields:
            group_by = None
        self.group_by = group_by or None
        self.columns = []

    @property
    def group_field(self):
        return self.group_by.split(":")[0] if self.group_by else None

    def group_description(self):
        return self.fields.get(self.group_field) or {} if self.group_by else {}

    def read_group_call(self):
        """``(args, kwargs)`` of the ``read_group`` giving the columns and their counts."""
        return ([self.domain, [self.group_field], [self.group_by]], {"lazy": True})

    def count_call(self):
        """``(args, kwargs)`` of the ``search_count`` of an ungrouped board."""
        return ([self.domain], {})

    def set_groups(self, groups):
        """The columns of a ``read_group`` answer (selection values without records added)."""
        description = self.group_description()
        field_name = self.group_field
        columns = []
        for group in groups or []:
            value = group.get(self.group_by, group.get(field_name, False))
            count = group.get(f"{field_name}_count", group.get("__count", 0)) or 0
            domain = group.get("__domain") or (self.domain + [(field_name, "=", _raw(value))])
            columns.append(Column(value, group_label(description, value, self.none_label), count, list(domain)))
        if description.get("type") == "selection" and ":" not in self.group_by:
            keys = [key for key, _ in description.get("selection") or []]
            present = {column.key for column in columns}
            for key in keys:
                if key not in present:
                    columns.append(Column(key, group_label(description, key), 0,
                                          self.domain + [[field_name, "=", key]]))
            order = {key: index for index, key in enumerate(keys)}
            columns.sort(key=lambda column: order.get(column.key, -1 if column.key is False else len(order)))
        self.columns = columns
        return columns

    def set_count(self, count):
        """Ungrouped: one column of every record of the search."""
        self.columns = [Column(None, "", count or 0, list(self.domain))]
        return self.columns

    def is_grouped(self):
        return self.group_by is not None

    # -- pages -----------------------------------------------------------------------------------
    def page_call(self, column):
        """``kwargs`` of the ``search_read`` of the column's next page, or None when all is loaded."""
        if not column.has_more() or column.loading:
            return None
        return {"domain": list(column.domain), "fields": list(self.field_names), "offset": column.offset,
                "limit": self.page_size, "order": self.order}

    def add_page(self, column, rows):
        """Append a page; records already shown (a card moved in meanwhile) are not repeated."""
        column.loading = False
        column.offset += len(rows or [])
        known = {row.get("id") for row in column.records}
        added = [row for row in rows or [] if row.get("id") not in known]
        column.records.extend(added)
        if not rows:
            # the server has fewer records than counted (deleted meanwhile): stop asking
            column.count = len(column.records)
        return added

    def column_of(self, record_id):
        for column in self.columns:
            if column.index_of(record_id) >= 0:
                return column
        return None

    def loaded_ids(self):
        return [row["id"] for column in self.columns for row in column.records]

    # -- moving cards ----------------------------------------------------------------------------
    def can_drag(self, records_draggable=None, editable=True):
        """Whether cards may move between columns: grouped by a plain field of a draggable type
        (no date granularity), the view editable, and a read-only field only when the arch says
        ``records_draggable="1"``."""
        if not self.is_grouped() or ":" in self.group_by or not editable or records_draggable is False:
            return False
        description = self.group_description()
        if description.get("type") not in DRAGGABLE_TYPES:
            return False
        if description.get("readonly") and records_draggable is not True:
            return False
        return True

    def write_value(self, column):
        """The value written to the grouping field for a card dropped in ``column``."""
        return _raw(column.value)

    def move(self, record_id, target, index=0):
        """Move a card to ``target`` at ``index`` (counts follow); returns the undo token or None
        when the card is not on the board or already in ``target``."""
        source = self.column_of(record_id)
        if source is None or source is target:
            return None
        position = source.index_of(record_id)
        row = source.records.pop(position)
        source.count = max(source.count - 1, 0)
        source.offset = max(source.offset - 1, 0)
        row = dict(row)
        if self.group_field:
            row[self.group_field] = target.value if target.value is not None else False
        index = max(0, min(index, len(target.records)))
        target.records.insert(index, row)
        # the target's next page may now hold the card again (add_page skips it); its offset stays
        target.count += 1
        return (record_id, source, position, target)

    def undo(self, token, original_row):
        """Put a moved card back where it was (the write was refused)."""
        record_id, source, position, target = token
        at = target.index_of(record_id)
        if at >= 0:
            target.records.pop(at)
            target.count = max(target.count - 1, 0)
        source.records.insert(min(position, len(source.records)), original_row)
        source.count += 1
        source.offset += 1

    def replace(self, row):
        """A record read again after a change (its card shows the new values)."""
        column = self.column_of(row.get("id"))
        if column is not None:
            index = column.index_of(row["id"])
            column.records[index] = dict(column.records[index], **row)
        return column

    def insert_new(self, column, row):
        """A quick-created record at the top of ``column``."""
        column.records.insert(0, row)
        column.count += 1

    def remove(self, record_id):
        """A deleted record leaves its column (count and page offset follow); returns the column,
        or None when the card is not on the board."""
        column = self.column_of(record_id)
        if column is None:
            return None
        column.records.pop(column.index_of(record_id))
        column.count = max(column.count - 1, 0)
        # the next page starts one record earlier on the server now
        column.offset = max(column.offset - 1, 0)
        return column


def _raw(value):
    if isinstance(value, (list, tuple)):
        return value[0] if value else False
    return value
