"""The attachments of a record: a counter button for the form's tool bar and the panel it opens.

The panel lists the ``ir.attachment`` records of ``(res_model, res_id)`` (not those holding the
content of binary fields) and lets the user add files (file dialog or drag-and-drop onto the panel),
open one (written to a temporary file, then opened by the desktop), save one elsewhere and delete
some. Contents go over RPC as base64 ``datas``; reading and writing files and the calls run off the
GUI thread. The server decides who may do what (an attachment follows the access rights of its
record, security.md ACL-3); a refusal is shown in the panel with the server's message.
"""
import base64
import logging
import os
import tempfile

from ..models.calls import OwnedCalls
from ..models.fields import to_local
from ..qt import (QAbstractItemView, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                  QTableWidget, QTableWidgetItem, QToolButton, QUrl, QVBoxLayout, Qt, QtGui, Signal, tr)
from . import confirm
from .error import title_for

_logger = logging.getLogger(__name__)

LIST_FIELDS = ["name", "mimetype", "file_size", "create_date", "create_uid"]
IdRole = Qt.ItemDataRole.UserRole


def attachment_domain(model, record_id):
    """The attachments of a record shown in the panel (binary field contents excluded)."""
    return [["res_model", "=", model], ["res_id", "=", record_id], ["res_field", "=", False]]


def human_size(size):
    size = size or 0
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def safe_name(name, fallback="attachment"):
    """A file name from an attachment name: a base name only (security.md CLI-1), never empty."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return base if base not in ("", ".", "..") else fallback


def error_text(error):
    """``"Access Error: <the server's message>"``: readable, one line per problem."""
    message = (getattr(error, "message", None) or str(error) or "").strip()
    return f"{title_for(error)}: {message}"


class AttachmentsButton(QToolButton):
    """The form's "Attachments (n)" button; it follows the record the form shows."""

    def __init__(self, form):
        super().__init__()
        self.setObjectName("form_attachments")
        self.setAutoRaise(True)
        self.setToolTip(tr("Files attached to this record"))
        self.form = form
        self.session = form.session
        self.calls = OwnedCalls(self, self.session)
        self.record_id = None
        self.count = 0
        self.panel = None
        self.clicked.connect(self.open_panel)
        form.record_changed.connect(self.refresh)
        self.set_count(0)
        self.setEnabled(False)

    def set_count(self, count):
        self.count = count
        self.setText(tr("Attachments ({0})").format(count) if count else tr("Attachments"))

    def refresh(self):
        """Count the attachments of the record shown (none for a new record)."""
        record = self.form.record
        record_id = record.id if record is not None and not record.is_new else None
        self.calls.cancel_all()
        self.record_id = record_id
        self.setEnabled(bool(record_id))
        if self.panel is not None and self.panel.isVisible() and record_id:
            self.panel.show_record(self.form.model, record_id)
        if not record_id:
            self.set_count(0)
            return
        self.calls.call("ir.attachment", "search_count", attachment_domain(self.form.model, record_id),
                        on_result=lambda count, i=record_id: i == self.record_id and self.set_count(count or 0),
                        on_error=lambda error: self.setToolTip(error_text(error)))

    def open_panel(self):
        if not self.record_id:
            return None
        if self.panel is None:
            self.panel = AttachmentsDialog(self.window(), self.session, self.form.model, self.record_id)
            self.panel.count_changed.connect(self.set_count)
        else:
            self.panel.show_record(self.form.model, self.record_id)
        self.panel.show()
        self.panel.raise_()
        return self.panel


class AttachmentsDialog(QDialog):
    """The attachments of one record; files dropped on it are attached."""

    #: the number of attachments after a change
    count_changed = Signal(int)
    #: a server change finished (added, deleted) or a file was written (opened, saved): its path
    done = Signal(str)

    def __init__(self, parent, session, model, record_id):
        super().__init__(parent)
        self.setObjectName("attachments_dialog")
        self.session = session
        self.calls = OwnedCalls(self, session)
        self.model = model
        self.record_id = record_id
        self.attachments = []
        self.pending = 0
        self.temp_dir = None
        #: how a written file is opened (the desktop's default application)
        self.open_url = QtGui.QDesktopServices.openUrl
        self.setAcceptDrops(True)
        self._build()
        self.show_record(model, record_id)

    def _build(self):
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("attachments_table")
        self.table.setHorizontalHeaderLabels([tr("Name"), tr("Size"), tr("Type"), tr("Added")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.hint = QLabel(tr("Drop files here to attach them."))
        self.hint.setObjectName("attachments_hint")
        self.status = QLabel("")
        self.status.setObjectName("attachments_status")
        self.status.setWordWrap(True)
        self.add_button = self._button("attachments_add", tr("Add…"), self.choose_files)
        self.open_button = self._button("attachments_open", tr("Open"), self.open_selected)
        self.save_button = self._button("attachments_save", tr("Save As…"), self.save_selected)
        self.delete_button = self._button("attachments_delete", tr("Delete"), self.delete_selected)
        close = self._button("attachments_close", tr("Close"), self.close)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.open_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(620, 360)
        self._update_buttons()

    def _button(self, name, text, slot):
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda checked=False: slot())
        return button

    def _update_buttons(self):
        selected = bool(self.selected())
        self.open_button.setEnabled(len(self.selected()) == 1)
        self.save_button.setEnabled(len(self.selected()) == 1)
        self.delete_button.setEnabled(selected)

    # -- listing ---------------------------------------------------------------------------------
    def show_record(self, model, record_id):
        if (model, record_id) != (self.model, self.record_id):
            self.table.setRowCount(0)
        self.model, self.record_id = model, record_id
        self.setWindowTitle(tr("Attachments of {0} #{1}").format(model, record_id))
        self.refresh()

    def refresh(self):
        self.calls.call("ir.attachment", "search_read", attachment_domain(self.model, self.record_id), LIST_FIELDS,
                        order="id desc", on_result=self._listed, on_error=self._failed)

    def _listed(self, records):
        self.attachments = list(records or [])
        self.table.setRowCount(len(self.attachments))
        for row, attachment in enumerate(self.attachments):
            added = ""
            if attachment.get("create_date"):
                added = to_local(attachment["create_date"], self.session.user_tz).strftime("%Y-%m-%d %H:%M")
            author = attachment.get("create_uid")
            if isinstance(author, (list, tuple)) and len(author) > 1:
                added = f"{added} · {author[1]}"
            cells = [attachment.get("name") or "", human_size(attachment.get("file_size")),
                     attachment.get("mimetype") or "", added]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(IdRole, attachment["id"])
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.hint.setText(tr("Drop files here to attach them.") if self.attachments
                          else tr("No attachment yet: drop files here or click Add…"))
        self._update_buttons()
        self.count_changed.emit(len(self.attachments))

    def selected(self):
        """The selected attachments (dicts of the listing)."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.attachments[row] for row in rows if row < len(self.attachments)]

    def select_name(self, name):
        """Select the attachment called ``name`` (tests, keyboard users); True when found."""
        for row, attachment in enumerate(self.attachments):
            if attachment.get("name") == name:
                self.table.selectRow(row)
                return True
        return False

    # -- adding ----------------------------------------------------------------------------------
    def choose_files(self):
        paths, _ = QFileDialog.getOpenFileNames(self, tr("Attach files"), os.path.expanduser("~"))
        if paths:
            self.add_files(paths)

    def add_files(self, paths):
        """Attach the files ``paths`` (each read, encoded and sent in the background)."""
        paths = [path for path in paths if os.path.isfile(path)]
        if not paths:
            return
        self.status.setText(tr("Attaching {0} file(s)…").format(len(paths)))
        connection = self.session.connection
        model, record_id = self.model, self.record_id

        def upload(path):
            with open(path, "rb") as handle:
                content = handle.read()
            return connection.call_kw("ir.attachment", "create", [{
                "name": os.path.basename(path), "datas": base64.b64encode(content).decode("ascii"),
                "res_model": model, "res_id": record_id}])

        for path in paths:
            self._start(upload, path, done_text=tr("Attached {0}.").format(os.path.basename(path)))

    def dragEnterEvent(self, event):
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event):
        self.dragEnterEvent(event)

    def dropEvent(self, event):
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)
        else:
            event.ignore()

    # -- opening, saving, deleting -----------------------------------------------------------------
    def _content(self, attachment_id):
        """The bytes of an attachment (blocking: called in the background)."""
        rows = self.session.connection.call_kw("ir.attachment", "read", [[attachment_id], ["datas"]])
        if not rows:
            return b""
        return base64.b64decode(rows[0].get("datas") or "")

    def open_selected(self):
        """Write the selected attachment to a temporary file and open it with the desktop."""
        chosen = self.selected()
        if len(chosen) != 1:
            return
        attachment = chosen[0]
        if self.temp_dir is None:
            self.temp_dir = tempfile.TemporaryDirectory(prefix="bureau-attachment-")
        folder = os.path.join(self.temp_dir.name, str(attachment["id"]))
        path = os.path.join(folder, safe_name(attachment.get("name")))

        def write():
            content = self._content(attachment["id"])
            os.makedirs(folder, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(content)
            return path

        def written(result):
            self.open_url(QUrl.fromLocalFile(result))

        self._start(write, on_result=written, done_text=tr("Opened {0}.").format(safe_name(attachment.get("name"))),
                    refresh=False)

    def save_selected(self, path=None):
        """Save the selected attachment as a file (asks where unless ``path``)."""
        chosen = self.selected()
        if len(chosen) != 1:
            return
        attachment = chosen[0]
        name = safe_name(attachment.get("name"))
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("Save attachment"), os.path.join(os.path.expanduser("~"),
                                                                                           name))
            if not path:
                return

        def write():
            content = self._content(attachment["id"])
            with open(path, "wb") as handle:
                handle.write(content)
            return path

        self._start(write, done_text=tr("Saved {0}.").format(path), refresh=False)

    def delete_selected(self, ask=True):
        chosen = self.selected()
        if not chosen:
            return
        names = ", ".join(a.get("name") or "" for a in chosen)
        if ask and not confirm.ask(self, tr("Delete {0}?").format(names)):
            return
        ids = [a["id"] for a in chosen]
        connection = self.session.connection
        self._start(lambda: connection.call_kw("ir.attachment", "unlink", [ids]),
                    done_text=tr("Deleted {0}.").format(names))

    # -- background work -----------------------------------------------------------------------------
    def _start(self, function, *args, on_result=None, done_text="", refresh=True):
        self.pending += 1

        def finished(result):
            self.pending -= 1
            if on_result is not None:
                on_result(result)
            self.status.setStyleSheet("")
            self.status.setText(done_text)
            if refresh:
                self.refresh()
            self.done.emit(result if isinstance(result, str) else "")

        def failed(error):
            self.pending -= 1
            self._failed(error)
            if refresh:
                self.refresh()

        self.calls.run(function, *args, on_result=finished, on_error=failed)

    def _failed(self, error):
        if isinstance(error, OSError):
            self.status.setText(tr("File error: {0}").format(error.strerror or error))
        else:
            self.status.setText(error_text(error))
        self.status.setStyleSheet("color: #b00020;")
        _logger.info("attachment operation failed: %s", error)
