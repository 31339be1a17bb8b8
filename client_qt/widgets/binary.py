"""``binary``: a file: its name (from the ``filename`` field) and size; Upload, Save As, Clear.

The form reads binary fields with ``bin_size`` so the content is never loaded to show the form:
the value is then a size text (``"12.30 Kb"``). Save As reads the content on demand. Only the
base name of an uploaded file is kept (the local path never reaches the server).
"""
import base64
import os
import re

from ..qt import QFileDialog, QLabel, QPushButton, QtWidgets, tr
from .base import FieldWidget

SIZE = re.compile(r"^\d+(\.\d+)? (bytes|Kb|Mb|Gb|Tb)$")


def is_size(value):
    """Whether a binary value is the size text sent with ``bin_size`` rather than the content."""
    return isinstance(value, str) and bool(SIZE.match(value))


def human_size(count):
    units = (tr("bytes"), tr("Kb"), tr("Mb"), tr("Gb"), tr("Tb"))
    value, unit = float(count), 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{value:.2f} {units[unit]}"


def size_text(value):
    if not value:
        return ""
    if is_size(value):
        return value
    try:
        return human_size(len(base64.b64decode(value, validate=False)))
    except (ValueError, TypeError):
        return ""


class BinaryWidget(FieldWidget):
    """File name + size with Upload / Save As / Clear buttons."""

    separate_display = False

    def create_editor(self):
        box = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.info = QLabel()
        self.info.setObjectName("binary_info")
        self.upload_button = QPushButton(tr("Upload…"))
        self.upload_button.setObjectName("upload")
        self.upload_button.clicked.connect(self.upload)
        self.save_button = QPushButton(tr("Save As…"))
        self.save_button.setObjectName("save_as")
        self.save_button.clicked.connect(self.save_as)
        self.clear_button = QPushButton(tr("Clear"))
        self.clear_button.setObjectName("clear")
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.info, 1)
        layout.addWidget(self.upload_button)
        layout.addWidget(self.save_button)
        layout.addWidget(self.clear_button)
        return box

    def filename_field(self):
        return self.spec.attrs.get("filename") or ""

    def depends(self):
        return (self.filename_field(),) if self.filename_field() else ()

    def file_name(self):
        name = self.filename_field()
        if name and self.record is not None:
            return self.record.get(name) or ""
        return ""

    def format_value(self, value):
        if not value:
            return ""
        name = self.file_name()
        size = size_text(value)
        return f"{name} ({size})" if name and size else (name or size or tr("(file)"))

    def show_value(self, value):
        self.info.setText(self.format_value(value))
        self._buttons()

    def _buttons(self):
        self.upload_button.setVisible(not self.readonly)
        self.clear_button.setVisible(not self.readonly and bool(self.value))
        self.save_button.setVisible(bool(self.value))

    def apply_readonly(self, readonly):
        self._buttons()

    # -- actions --------------------------------------------------------------------------------
    def upload(self, path=None):
        """Upload ``path`` (asks with a file dialog when not given)."""
        if not path:
            path, _filter = QFileDialog.getOpenFileName(self, tr("Upload a file"))
        if not path:
            return
        with open(path, "rb") as handle:
            data = handle.read()
        name = self.filename_field()
        if name and self.record is not None and name in self.record.fields:
            self.host.commit(name, os.path.basename(path))
        self.commit(base64.b64encode(data).decode("ascii"))
        self.show_value(self.value)

    def clear(self):
        if self.readonly:
            return
        name = self.filename_field()
        if name and self.record is not None and name in self.record.fields:
            self.host.commit(name, False)
        self.commit(False)
        self.show_value(False)

    def save_as(self, path=None, on_saved=None):
        """Write the content to ``path`` (asks when not given); reads it from the server if needed."""
        if not path:
            path, _filter = QFileDialog.getSaveFileName(self, tr("Save As"), self.file_name() or self.name)
        if not path:
            return

        def write(content):
            with open(path, "wb") as handle:
                handle.write(base64.b64decode(content or b""))
            if on_saved is not None:
                on_saved(path)

        if self.value and not is_size(self.value):
            write(self.value)
            return
        self.fetch_content(write)

    def fetch_content(self, callback):
        """``callback(base64 content)`` with the stored content of the field."""
        record = self.record
        if record is None or not record.id:
            callback(False)
            return
        self.session.call(record.model, "read", [record.id], [self.name], context={"bin_size": False},
                          on_result=lambda rows: callback(rows[0].get(self.name) if rows else False),
                          on_error=self.host.show_error)
