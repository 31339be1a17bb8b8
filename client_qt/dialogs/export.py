"""Exporting list records to CSV: a field chooser dialog and the export job (views.md §4, security.md CLI-1).

:class:`ExportJob` reads the records in chunks through the runner (``read`` of the selected ids or
``search_read`` of the search, never everything in one call), turns values into readable text
(many2one and many2many names, selection labels, datetimes in the user's time zone) and writes the
file. Every text cell that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is prefixed with an apostrophe (:func:`safe_cell`).
"""
import csv
import logging
import os

from ..models.calls import OwnedCalls
from ..models.fields import to_local
from ..qt import (QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                  QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, Qt, tr)
from ..qt import QtWidgets

_logger = logging.getLogger(__name__)

CHUNK = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOT_EXPORTED = ("binary",)


def safe_cell(value):
    """A cell value spreadsheets will not run as a formula (security.md CLI-1); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_text(description, value, tags=None, user_tz=None):
    """A ``read`` value as export text."""
    kind = description.get("type")
    if kind == "boolean":
        return "True" if value else "False"
    if value is False or value is None:
        return ""
    if kind == "many2one" and isinstance(value, (list, tuple)):
        return value[1] if len(value) > 1 else value[0]
    if kind in ("one2many", "many2many"):
        names = (tags or {}).get(description.get("relation"), {})
        return ", ".join(str(names.get(i, i)) for i in value)
    if kind == "selection":
        return dict((k, v) for k, v in description.get("selection") or []).get(value, value)
    if kind == "datetime":
        return to_local(value, user_tz).strftime("%Y-%m-%d %H:%M:%S")
    return value


def write_csv(path, header, rows):
    """Write rows (lists of values) under a header, with formula-looking text neutralised."""
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])


class ExportJob:
    """Read, format and write one export; ``on_done(path, count)`` or ``on_error(error)`` at the end.

    :param ids: the records to export, or None for every record of ``domain``
    """

    def __init__(self, session, model, field_names, descriptions, path, ids=None, domain=None, context=None,
                 on_done=None, on_error=None, on_progress=None, headers=None, calls=None):
        self.session = session
        self.calls = calls or session
        self.headers = headers
        self.model = model
        self.field_names = list(field_names)
        self.descriptions = descriptions
        self.path = path
        self.ids = list(ids) if ids is not None else None
        self.domain = list(domain or [])
        self.context = dict(context or {})
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress
        self.rows = []
        self.tags = {}
        self.offset = 0
        self.cancelled = False

    def start(self):
        self._next()

    def _next(self):
        if self.cancelled:
            return
        if self.ids is not None:
            chunk = self.ids[self.offset:self.offset + CHUNK]
            if not chunk:
                return self._finish()
            self.calls.call(self.model, "read", chunk, self.field_names, context=self.context,
                            on_result=self._chunk, on_error=self._failed)
        else:
            self.calls.call(self.model, "search_read", domain=self.domain, fields=self.field_names,
                            offset=self.offset, limit=CHUNK, context=self.context,
                            on_result=self._chunk, on_error=self._failed)

    def _chunk(self, records):
        records = list(records or [])
        self.offset += CHUNK
        wanted = {}
        for name in self.field_names:
            description = self.descriptions.get(name, {})
            if description.get("type") in ("one2many", "many2many"):
                known = self.tags.setdefault(description.get("relation"), {})
                for record in records:
                    for record_id in record.get(name) or []:
                        if record_id not in known:
                            wanted.setdefault(description.get("relation"), set()).add(record_id)
        self._names(list(wanted.items()), records)

    def _names(self, pending, records):
        if not pending:
            self._format(records)
            return
        relation, ids = pending[0]

        def arrived(result):
            for record in result or []:
                self.tags[relation][record["id"]] = record.get("display_name")
            self._names(pending[1:], records)
        self.calls.call(relation, "read", sorted(ids), ["display_name"], context=self.context,
                        on_result=arrived, on_error=self._failed)

    def _format(self, records):
        for record in records:
            self.rows.append([export_text(self.descriptions.get(name, {}), record.get(name, False), self.tags,
                                          self.session.user_tz) for name in self.field_names])
        if self.on_progress:
            self.on_progress(len(self.rows))
        if len(records) < CHUNK and self.ids is None:
            return self._finish()
        self._next()

    def _finish(self):
        header = self.headers or [self.descriptions.get(name, {}).get("string") or name for name in self.field_names]
        try:
            write_csv(self.path, header, self.rows)
        except OSError as exc:
            return self._failed(exc)
        if self.on_done:
            self.on_done(self.path, len(self.rows))

    def _failed(self, error):
        _logger.warning("export failed: %s", error)
        if self.on_error:
            self.on_error(error)


class ExportDialog(QDialog):
    """Choose fields and scope, then export to a CSV file.

    :param columns: ``[(name, label)]`` preselected (the list's visible columns)
    :param selected_ids: ids of the selected rows (the "selected records" scope), may be empty
    :param domain: the search domain (the "all records" scope)
    """

    def __init__(self, parent, session, model, columns, selected_ids, domain, total, context=None):
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle(tr("Export Data"))
        self.session = session
        self.model = model
        self.selected_ids = list(selected_ids or [])
        self.domain = domain
        self.context = context or {}
        self.descriptions = {}
        self.job = None
        self.calls = OwnedCalls(self, session)
        self.available = QListWidget()
        self.available.setObjectName("export_available")
        self.available.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.chosen = QListWidget()
        self.chosen.setObjectName("export_chosen")
        self.chosen.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        for name, label in columns:
            self._add_chosen(name, label)
        add, remove = QPushButton(tr("Add →")), QPushButton(tr("← Remove"))
        up, down = QPushButton(tr("Up")), QPushButton(tr("Down"))
        add.clicked.connect(self.add_selected)
        remove.clicked.connect(self.remove_selected)
        up.clicked.connect(lambda: self.move_selected(-1))
        down.clicked.connect(lambda: self.move_selected(1))
        self.available.itemDoubleClicked.connect(lambda item: self.add_selected())
        buttons = QVBoxLayout()
        for button in (add, remove, up, down):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.scope_selected = QtWidgets.QRadioButton(tr("Selected records ({0})").format(len(self.selected_ids)))
        self.scope_selected.setObjectName("export_scope_selected")
        self.scope_all = QtWidgets.QRadioButton(tr("All records of the search ({0})").format(total))
        self.scope_all.setObjectName("export_scope_all")
        (self.scope_selected if self.selected_ids else self.scope_all).setChecked(True)
        self.scope_selected.setEnabled(bool(self.selected_ids))
        self.path = QLineEdit(os.path.join(os.path.expanduser("~"), f"{model.replace('.', '_')}.csv"))
        self.path.setObjectName("export_path")
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self.browse)
        self.status = QLabel("")
        self.status.setObjectName("export_status")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export_button")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        grid = QGridLayout()
        grid.addWidget(QLabel(tr("Available fields")), 0, 0)
        grid.addWidget(QLabel(tr("Fields to export")), 0, 2)
        grid.addWidget(self.available, 1, 0)
        grid.addLayout(buttons, 1, 1)
        grid.addWidget(self.chosen, 1, 2)
        path_row = QHBoxLayout()
        path_row.addWidget(QLabel(tr("File")))
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(self.scope_selected)
        layout.addWidget(self.scope_all)
        layout.addLayout(path_row)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(640, 480)
        self.calls.call(model, "fields_get", attributes=["string", "type", "relation", "selection", "store"],
                        context=self.context, on_result=self._fields_arrived, on_error=self._show_error)

    def _add_chosen(self, name, label):
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, name)
        self.chosen.addItem(item)

    def chosen_names(self):
        return [self.chosen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.chosen.count())]

    def _fields_arrived(self, fields):
        self.descriptions = fields or {}
        chosen = set(self.chosen_names())
        self.available.clear()
        for name, description in sorted(self.descriptions.items(), key=lambda kv: (kv[1].get("string") or kv[0])):
            if description.get("type") in NOT_EXPORTED or name in chosen:
                continue
            item = QListWidgetItem(f"{description.get('string') or name} ({name})")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.available.addItem(item)

    def add_selected(self):
        for item in self.available.selectedItems():
            name = item.data(Qt.ItemDataRole.UserRole)
            self._add_chosen(name, self.descriptions.get(name, {}).get("string") or name)
            self.available.takeItem(self.available.row(item))

    def remove_selected(self):
        for item in self.chosen.selectedItems():
            self.chosen.takeItem(self.chosen.row(item))
        self._fields_arrived(self.descriptions)

    def move_selected(self, delta):
        for item in self.chosen.selectedItems():
            row = self.chosen.row(item)
            target = row + delta
            if 0 <= target < self.chosen.count():
                self.chosen.insertItem(target, self.chosen.takeItem(row))
                self.chosen.setCurrentRow(target)

    def browse(self):
        path, _ = QFileDialog.getSaveFileName(self, tr("Export to"), self.path.text(), tr("CSV files (*.csv)"))
        if path:
            self.path.setText(path)

    def export(self):
        names = self.chosen_names()
        if not names:
            self.status.setText(tr("Choose at least one field."))
            return
        self.export_button.setEnabled(False)
        self.status.setText(tr("Exporting…"))
        descriptions = dict(self.descriptions)
        ids = self.selected_ids if self.scope_selected.isChecked() else None
        self.job = ExportJob(self.session, self.model, names, descriptions, self.path.text(), ids=ids,
                             domain=self.domain, context=self.context, on_done=self._done,
                             headers=[self.chosen.item(i).text() for i in range(self.chosen.count())],
                             calls=self.calls,
                             on_error=self._show_error,
                             on_progress=lambda n: self.status.setText(tr("{0} records read…").format(n)))
        self.job.start()

    def _done(self, path, count):
        self.status.setText(tr("{0} records exported to {1}").format(count, path))
        self.accept()

    def _show_error(self, error):
        self.export_button.setEnabled(True)
        self.status.setText(getattr(error, "message", None) or str(error))
