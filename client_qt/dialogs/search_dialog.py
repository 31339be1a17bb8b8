"""Choosing records of a model: "Search More…" of a many2one, "Add" of a many2many (views.md §11).

The dialog searches with ``name_search`` (the model's own name matching, honouring the field's
``domain``) and shows the columns of the model's list view. It emits :attr:`SearchDialog.chosen`
with ``[[id, name], ...]`` (one row unless ``multi``).
"""
import logging

from ..models.fields import field_type
from ..qt import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QLineEdit, QTimer,
                  QVBoxLayout, Qt, QtWidgets, Signal, tr)
from ..views.arch import ArchError, children, parse_arch

_logger = logging.getLogger(__name__)

LIMIT = 80
SEARCH_DELAY_MS = 250


class SearchDialog(QDialog):
    """:param session: the session
    :param model: the model to choose from
    :param domain: restricts the choices
    :param text: initial search text
    :param multi: several rows may be chosen
    :param exclude: ids not to offer (already linked)
    """

    chosen = Signal(object)

    def __init__(self, parent, session, model, domain=None, context=None, text="", multi=False, exclude=(),
                 title=None):
        super().__init__(parent)
        self.setObjectName("search_dialog")
        self.setWindowTitle(title or tr("Search"))
        self.session = session
        self.model = model
        self.domain = list(domain or [])
        self.context = dict(context or {})
        self.multi = multi
        self.exclude = list(exclude or [])
        self.columns = [("display_name", {"type": "char", "string": tr("Name")})]
        self.rows = []
        self.sequence = 0
        self.loaded = False
        self.search_input = QLineEdit(text)
        self.search_input.setObjectName("search_text")
        self.search_input.setPlaceholderText(tr("Search…"))
        self.search_input.textEdited.connect(lambda _t: self.timer.start())
        self.search_input.returnPressed.connect(self.search)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search)
        self.table = QtWidgets.QTableWidget()
        self.table.setObjectName("search_results")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                                    else QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemDoubleClicked.connect(lambda _item: self.accept_selection())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.status = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.select_button = self.buttons.addButton(tr("Select"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.select_button.setObjectName("select")
        self.select_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept_selection)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_input)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(640, 460)
        session.runner.call(session.get_views, model, [[False, "list"]], context=self.context,
                            on_result=self._views_loaded, on_error=lambda error: self._views_loaded(None))

    def _views_loaded(self, result):
        if result:
            try:
                arch = parse_arch(result["views"]["list"]["arch"])
                fields = result["models"][self.model]["fields"]
                columns = [(node.get("name"), dict(fields[node.get("name")], string=node.get("string") or
                                                   fields[node.get("name")].get("string")))
                           for node in children(arch)
                           if node.tag == "field" and node.get("name") in fields
                           and node.get("invisible") not in ("1", "True") and node.get("column_invisible") not in
                           ("1", "True") and fields[node.get("name")].get("type") not in ("one2many", "many2many",
                                                                                         "binary")]
                if columns:
                    self.columns = columns
            except (ArchError, KeyError) as exc:
                _logger.info("list view of %s not usable in the search dialog: %s", self.model, exc)
        self.table.setColumnCount(len(self.columns))
        self.table.setHorizontalHeaderLabels([str(desc.get("string") or name) for name, desc in self.columns])
        self.search()

    def search(self):
        """Search for the current text."""
        self.timer.stop()
        self.sequence += 1
        sequence = self.sequence
        domain = list(self.domain)
        if self.exclude:
            domain.append(("id", "not in", self.exclude))
        text = self.search_input.text().strip()
        self.session.call(self.model, "name_search", text, domain=domain, operator="ilike", limit=LIMIT,
                          context=self.context, on_result=lambda rows: self._found(sequence, rows),
                          on_error=lambda error: self.status.setText(str(error)))

    def _found(self, sequence, rows):
        if sequence != self.sequence:
            return
        names = dict((row[0], row[1]) for row in rows)
        columns = [name for name, _desc in self.columns if name != "display_name"]
        if not columns or not rows:
            self._show([{"id": row[0], "display_name": row[1]} for row in rows], names, sequence)
            return
        self.session.call(self.model, "read", [row[0] for row in rows], columns, context=self.context,
                          on_result=lambda read: self._show(read, names, sequence),
                          on_error=lambda error: self._show([{"id": r[0], "display_name": r[1]} for r in rows],
                                                            names, sequence))

    def _show(self, records, names, sequence):
        if sequence != self.sequence:
            return
        order = {record_id: index for index, record_id in enumerate(names)}
        records = sorted(records, key=lambda rec: order.get(rec["id"], 0))
        self.rows = [(record["id"], names.get(record["id"], record.get("display_name", ""))) for record in records]
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            for column, (name, description) in enumerate(self.columns):
                value = record.get(name, names.get(record["id"]) if name == "display_name" else False)
                item = QtWidgets.QTableWidgetItem(field_type(description).display(value, None, self.session.user_tz))
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, record["id"])
                self.table.setItem(row, column, item)
        self.status.setText(tr("{0} record(s)").format(len(records)) if len(records) < LIMIT
                            else tr("First {0} records: refine the search").format(LIMIT))
        self.loaded = True
        if len(records) == 1 and not self.multi:
            self.table.selectRow(0)

    def _selection_changed(self):
        self.select_button.setEnabled(bool(self.selected()))

    def selected(self):
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [list(self.rows[row]) for row in rows if row < len(self.rows)]

    def select_rows(self, rows):
        """Select table rows (tests, keyboard helpers)."""
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in rows:
            self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def accept_selection(self):
        chosen = self.selected()
        if not chosen:
            return
        self.chosen.emit(chosen)
        self.accept()
