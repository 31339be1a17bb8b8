"""Importing a CSV or XLSX file into a model through ``load`` (issue 7 item 6, docs/client.md "Import").

The dialog reads the file (:mod:`client_qt.models.import_file`: encoding and delimiter sniffed),
shows its first rows under one combo box per column choosing the field path it fills (guessed from
the column titles: technical path or label; relational fields by name, ``/id`` external id or
``/.id`` database id), and then:

* **Test** sends the rows to ``load`` with ``import_dryrun``: the server checks every row and rolls
  everything back; every bad line is listed with its message;
* **Import** first runs the same test over the whole file and writes nothing if a line is bad;
  only a clean file is then loaded for real. With **Skip bad lines** ticked the rows are loaded
  with ``import_skip_errors``: the good ones are kept and the bad ones listed.

Rows go in batches of :data:`BATCH_SIZE` (never splitting a record's continuation rows), one call
at a time through the runner; for a file of more than one batch a progress dialog shows the rows
done and can cancel between batches. Each batch is its own transaction: a cancelled import keeps
the batches already written (the status says how many rows), and the whole-file guarantee rests on
the test run that precedes the writing.
"""
import logging
import os

from ..models import import_file
from ..models.calls import OwnedCalls
from ..qt import (QBrush, QCheckBox, QColor, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout,
                  QLabel, QLineEdit, QListWidget, QListWidgetItem, QProgressDialog, QPushButton, QSplitter,
                  QTableWidget, QTableWidgetItem, QVBoxLayout, Qt, Signal, tr)

_logger = logging.getLogger(__name__)

#: rows sent in one ``load`` call
BATCH_SIZE = 500
#: rows shown in the preview
PREVIEW_ROWS = 10
#: encodings as people know them
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252",
                  "latin-1": "Latin-1"}
#: background of the preview rows a run reported
BAD_LINE_COLOUR = "#f8d7da"
FILE_FILTER = "CSV and Excel files (*.csv *.txt *.xlsx);;All files (*)"


class ImportDialog(QDialog):
    """:param session: the client session
    :param model: the model to import into
    :param context: the context of the list (defaults and the like go with every ``load``)
    """

    #: ids of the records written by a finished import
    imported = Signal(list)

    def __init__(self, parent, session, model, context=None, title=None):
        super().__init__(parent)
        self.setObjectName("import_dialog")
        self.setWindowTitle(title or tr("Import a file"))
        self.session = session
        self.model = model
        self.context = dict(context or {})
        self.calls = OwnedCalls(self, session)
        self.batch_size = BATCH_SIZE
        self.fields = None
        self.options = []
        self.data = None
        self.mapping = []
        self.combos = []
        self.messages = []
        self.progress = None
        self.running = None
        self.last_ids = []
        self._build()
        self.calls.call(model, "fields_get", attributes=["string", "type", "relation", "required", "store",
                                                         "readonly"],
                        context=self.context, on_result=self._fields_arrived, on_error=self._failed)

    # -- construction ----------------------------------------------------------------------------
    def _build(self):
        self.path = QLineEdit()
        self.path.setObjectName("import_path")
        self.path.setReadOnly(True)
        self.path.setPlaceholderText(tr("Choose a CSV or XLSX file"))
        choose = QPushButton(tr("Choose File…"))
        choose.setObjectName("import_choose")
        choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel(tr("File")))
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)
        self.file_info = QLabel("")
        self.file_info.setObjectName("import_file_info")
        self.preview = QTableWidget()
        self.preview.setObjectName("import_preview")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        self.message_list = QListWidget()
        self.message_list.setObjectName("import_messages")
        self.message_list.setVisible(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.preview)
        splitter.addWidget(self.message_list)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.skip_errors = QCheckBox(tr("Skip bad lines (import the others)"))
        self.skip_errors.setObjectName("import_skip_errors")
        self.status = QLabel("")
        self.status.setObjectName("import_status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.test_button = self.buttons.addButton(tr("Test"), QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.setObjectName("import_test")
        self.test_button.setToolTip(tr("Check every line without writing anything"))
        self.import_button = self.buttons.addButton(tr("Import"), QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.setObjectName("import_button")
        self.import_button.setDefault(True)
        self.test_button.clicked.connect(self.test)
        self.import_button.clicked.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.file_info)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.skip_errors)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(860, 560)
        self._update_buttons()

    def _update_buttons(self):
        ready = self.data is not None and self.fields is not None and self.running is None
        self.test_button.setEnabled(ready and bool(self.data.rows))
        self.import_button.setEnabled(ready and bool(self.data.rows))

    # -- file and fields ---------------------------------------------------------------------------
    def choose_file(self):
        path, _ = QFileDialog.getOpenFileName(self, tr("Import a file"), os.path.dirname(self.path.text()),
                                              tr(FILE_FILTER))
        if path:
            self.load_path(path)

    def load_path(self, path):
        """Read ``path`` and show its first rows; True when it could be read."""
        self.path.setText(path)
        self._clear_messages()
        try:
            self.data = import_file.read_file(path)
        except import_file.ImportFileError as exc:
            self.data = None
            self.status.setText(str(exc))
            self.file_info.setText("")
            self.preview.clear()
            self._update_buttons()
            return False
        if self.data.delimiter:
            separator = {"\t": tr("tab"), ",": tr("comma"), ";": tr("semicolon"), "|": "|"}.get(
                self.data.delimiter, self.data.delimiter)
            encoding = ENCODING_NAMES.get(self.data.encoding, self.data.encoding)
            info = tr("{0} lines · CSV, {1}, separated by {2}").format(len(self.data.rows), encoding, separator)
        else:
            info = tr("{0} lines · Excel workbook (first sheet)").format(len(self.data.rows))
        self.file_info.setText(info)
        self.status.setText("" if self.data.rows else tr("The file has a header but no lines."))
        self._show_preview()
        return True

    def _fields_arrived(self, fields):
        self.fields = fields or {}
        self.options = import_file.import_options(self.fields)
        self._show_preview()

    def _show_preview(self):
        if self.data is None or self.fields is None:
            self._update_buttons()
            return
        header = self.data.header
        self.mapping = import_file.guess_mapping(header, self.options)
        self.preview.clear()
        shown = self.data.rows[:PREVIEW_ROWS]
        self.preview.setColumnCount(len(header))
        self.preview.setRowCount(len(shown) + 1)
        self.preview.setHorizontalHeaderLabels([title or tr("(column {0})").format(i + 1)
                                                for i, title in enumerate(header)])
        self.combos = []
        for column, path in enumerate(self.mapping):
            combo = QComboBox()
            combo.setObjectName(f"import_map_{column}")
            combo.addItem(tr("— do not import —"), None)
            for option in self.options:
                combo.addItem(option.label, option.path)
                combo.setItemData(combo.count() - 1, option.path, Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(max(combo.findData(path), 0))
            combo.currentIndexChanged.connect(lambda _index, c=column: self._mapping_changed(c))
            self.preview.setCellWidget(0, column, combo)
            self.combos.append(combo)
        for row, values in enumerate(shown, start=1):
            for column, value in enumerate(values):
                self.preview.setItem(row, column, QTableWidgetItem(value))
        self.preview.resizeColumnsToContents()
        for column in range(len(header)):
            self.preview.setColumnWidth(column, min(max(self.preview.columnWidth(column), 170), 320))
        self._check_mapping()
        self._update_buttons()

    def _mapping_changed(self, column):
        self.mapping[column] = self.combos[column].currentData()
        self._check_mapping()

    def set_mapping(self, column, path):
        """Map file column ``column`` to ``path`` (None: not imported), as choosing it in its combo."""
        combo = self.combos[column]
        combo.setCurrentIndex(max(combo.findData(path), 0))

    def _check_mapping(self):
        """The problem with the current mapping (shown in the status), or None."""
        # one column per field: a many2one comes by name, by external id or by database id, not two
        names = [path.split("/")[0] for path in self.mapping if path]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        problem = None
        if not names:
            problem = tr("No column is mapped to a field.")
        elif duplicates:
            labels = {option.path: option.label for option in self.options}
            problem = tr("Several columns fill {0}: keep one.").format(
                ", ".join(labels.get(name, name) for name in duplicates))
        missing = import_file.missing_required(self.mapping, self.options)
        if problem is None and missing:
            self.status.setText(tr("No column fills the required field(s) {0}: new records need them.").format(
                ", ".join(missing)))
        elif self.running is None:
            self.status.setText(problem or "")
        return problem

    # -- running -----------------------------------------------------------------------------------
    def test(self):
        """Check the whole file (``import_dryrun``): nothing is written."""
        self._start(["test"])

    def run_import(self):
        """Import the file: test it all first, write only if every line is good (or skip the bad ones)."""
        self._start(["skip"] if self.skip_errors.isChecked() else ["test", "import"])

    def _start(self, phases):
        if self.running is not None or self.data is None or self.fields is None:
            return
        problem = self._check_mapping()
        if problem:
            self.status.setText(problem)
            return
        fields, indexes = import_file.mapped_columns(self.mapping)
        rows = import_file.project(self.data.rows, indexes)
        types = {option.path: option.type for option in self.options}
        own = [i for i, path in enumerate(fields) if types.get(path) not in ("many2many", "one2many")]
        sub = [i for i in range(len(fields)) if i not in own]

        def continues(row):
            return bool(sub) and not any(row[i] for i in own) and any(row[i] for i in sub)

        self._clear_messages()
        self.running = {"phases": list(phases), "fields": fields,
                        "batches": import_file.batches(rows, self.batch_size, continues),
                        "total": len(rows), "ids": [], "done": 0, "cancelled": False}
        self._update_buttons()
        if len(rows) > self.batch_size:
            self.progress = QProgressDialog(self)
            self.progress.setObjectName("import_progress")
            self.progress.setWindowTitle(tr("Import"))
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setRange(0, len(rows))
            self.progress.setMinimumDuration(0)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            self.progress.canceled.connect(self.cancel)
            self.progress.show()
        self._next_phase()

    def cancel(self):
        """Stop after the batch being loaded (those already written stay written)."""
        if self.running is not None:
            self.running["cancelled"] = True

    def _next_phase(self):
        run = self.running
        phase = run["phases"].pop(0)
        run.update(phase=phase, index=0, done=0, messages=[], ids=[])
        label = tr("Checking the lines…") if phase == "test" else tr("Importing…")
        self.status.setText(label)
        if self.progress is not None:
            self.progress.setLabelText(label)
            self.progress.setValue(0)
        self._send()

    def _send(self):
        run = self.running
        offset, rows = run["batches"][run["index"]]
        context = dict(self.context)
        if run["phase"] == "test":
            context["import_dryrun"] = True
        elif run["phase"] == "skip":
            context["import_skip_errors"] = True
        self.calls.call(self.model, "load", run["fields"], rows, context=context,
                        on_result=lambda result, o=offset, n=len(rows): self._loaded(result, o, n),
                        on_error=self._failed)

    def _loaded(self, result, offset, count):
        run = self.running
        if run is None:
            return
        result = result or {}
        messages = import_file.line_messages(result.get("messages"), offset)
        run["messages"].extend(messages)
        run["ids"].extend(result.get("ids") or [])
        run["done"] += count
        run["index"] += 1
        if self.progress is not None:
            self.progress.setValue(run["done"])
        if any(m["line"] is None and m["type"] == "error" for m in messages):
            return self._finish()   # a problem of the whole file (unknown column): no use going on
        if run["cancelled"] or (self.progress is not None and self.progress.wasCanceled()):
            return self._finish(cancelled=True)
        if run["index"] < len(run["batches"]):
            return self._send()
        if run["phase"] == "test" and run["phases"] and not self._errors(run["messages"]):
            return self._next_phase()
        return self._finish()

    @staticmethod
    def _errors(messages):
        return [m for m in messages if m["type"] == "error"]

    def _finish(self, cancelled=False):
        run, self.running = self.running, None
        self._close_progress()
        self._show_messages(run["messages"])
        errors = self._errors(run["messages"])
        phase = run["phase"]
        if phase == "test":
            if cancelled:
                text = tr("Test stopped after {0} of {1} lines: nothing was written.").format(run["done"], run["total"])
            elif errors:
                text = tr("{0} error(s) in {1} lines: nothing was imported. Fix the file, or tick \"Skip bad "
                          "lines\" to import the others.").format(len(errors), run["total"])
            elif run["phases"]:
                text = ""
            else:
                text = tr("All {0} lines are valid: nothing was written (this was a test).").format(run["total"])
        else:
            self.last_ids = list(run["ids"])
            if cancelled:
                text = tr("Import stopped: {0} record(s) of the first {1} lines were written.").format(
                    len(run["ids"]), run["done"])
            elif phase == "skip" and errors:
                text = tr("{0} record(s) imported; {1} bad line(s) skipped.").format(len(run["ids"]), len(errors))
            else:
                text = tr("{0} record(s) imported.").format(len(run["ids"]))
            self.imported.emit(list(run["ids"]))
        self.status.setText(text)
        self._update_buttons()

    def _failed(self, error):
        message = getattr(error, "message", None) or str(error)
        run, self.running = self.running, None
        self._close_progress()
        if run is not None and run["phase"] != "test" and run["ids"]:
            message = tr("{0} (stopped after {1} record(s) were written)").format(message, len(run["ids"]))
            self.imported.emit(list(run["ids"]))
        self.status.setText(message)
        self._update_buttons()

    def _close_progress(self):
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    # -- messages ----------------------------------------------------------------------------------
    def _clear_messages(self):
        self._mark_preview([])
        self.messages = []
        self.message_list.clear()
        self.message_list.setVisible(False)

    def _show_messages(self, messages):
        self.messages = list(messages)
        self.message_list.clear()
        for message in messages:
            text = message["message"]
            if message["line"] is not None:
                text = tr("Line {0}: {1}").format(message["line"], text)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, message["line"])
            item.setToolTip(text)
            self.message_list.addItem(item)
        self.message_list.setVisible(bool(messages))
        self._mark_preview(messages)

    def _mark_preview(self, messages):
        """Colour the preview rows of the reported lines (line n of the file is preview row n - 1)."""
        bad = {}
        for message in messages:
            if message["line"] is not None and message["type"] == "error":
                bad.setdefault(message["line"] - 1, []).append(message["message"])
        for row in range(1, self.preview.rowCount()):
            for column in range(self.preview.columnCount()):
                item = self.preview.item(row, column)
                if item is None:
                    continue
                item.setBackground(QBrush(QColor(BAD_LINE_COLOUR)) if row in bad else QBrush())
                item.setForeground(QBrush(QColor("#000000")) if row in bad else QBrush())
                item.setToolTip("\n".join(bad.get(row, [])))

    def bad_lines(self):
        """The file lines the last run reported (header = line 1)."""
        return sorted({m["line"] for m in self.messages if m["line"] is not None and m["type"] == "error"})

    def reject(self):
        if self.running is not None:
            self.cancel()
            return
        super().reject()
