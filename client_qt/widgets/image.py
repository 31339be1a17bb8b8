"""``image``: a thumbnail (``options.size``); click to enlarge; upload and clear when editable.

Forms read binary fields with ``bin_size``: the picture itself is read on demand, once per value.
"""
import base64

from ..qt import QDialog, QLabel, QPixmap, QPushButton, QVBoxLayout, Qt, QtWidgets, tr
from .binary import BinaryWidget, is_size

DEFAULT_SIZE = 90


class _Thumbnail(QLabel):
    def __init__(self, on_click):
        super().__init__()
        self._on_click = on_click
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event):
        super().mouseReleaseEvent(event)
        self._on_click()


class ImageWidget(BinaryWidget):
    """Thumbnail + Upload / Clear."""

    stretch = True

    def create_editor(self):
        box = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        size = self.thumbnail_size()
        self.thumbnail = _Thumbnail(self.enlarge)
        self.thumbnail.setObjectName("thumbnail")
        self.thumbnail.setFixedSize(size[0], size[1])
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.thumbnail.setText(tr("No image"))
        self.pixmap = None
        self._loaded_for = None
        buttons = QtWidgets.QHBoxLayout()
        buttons.setSpacing(2)
        self.upload_button = QPushButton(tr("Upload…"))
        self.upload_button.setObjectName("upload")
        self.upload_button.clicked.connect(self.upload)
        self.clear_button = QPushButton(tr("Clear"))
        self.clear_button.setObjectName("clear")
        self.clear_button.clicked.connect(self.clear)
        self.save_button = QPushButton()
        self.save_button.hide()
        self.info = QLabel()
        self.info.hide()
        buttons.addWidget(self.upload_button)
        buttons.addWidget(self.clear_button)
        layout.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return box

    def thumbnail_size(self):
        size = self.options.get("size")
        if isinstance(size, (list, tuple)) and len(size) == 2 and all(size):
            return int(size[0]), int(size[1])
        return DEFAULT_SIZE, DEFAULT_SIZE

    def _buttons(self):
        self.upload_button.setVisible(not self.readonly)
        self.clear_button.setVisible(not self.readonly and bool(self.value))
        self.save_button.setVisible(False)

    def show_value(self, value):
        self._buttons()
        if not value:
            self.set_picture(None)
            return
        if is_size(value):
            record = self.record
            key = (record.model, record.id, value) if record is not None else None
            if key != self._loaded_for:
                self._loaded_for = key
                self.fetch_content(lambda content: self.set_picture(content) if self.value == value else None)
            return
        self.set_picture(value)

    def set_picture(self, content):
        """Show ``content`` (base64) in the thumbnail."""
        self.pixmap = None
        if content:
            pixmap = QPixmap()
            if pixmap.loadFromData(base64.b64decode(content)):
                self.pixmap = pixmap
        if self.pixmap is None:
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText(tr("No image") if not content else tr("(not an image)"))
            return
        size = self.thumbnail.size()
        self.thumbnail.setPixmap(self.pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                                    Qt.TransformationMode.SmoothTransformation))

    def enlarge(self):
        """Show the picture at full size in a dialog."""
        if self.pixmap is None:
            return None
        dialog = QDialog(self.host.dialog_parent() if hasattr(self.host, "dialog_parent") else self)
        dialog.setObjectName("image_preview")
        dialog.setWindowTitle(self.spec.label)
        layout = QVBoxLayout(dialog)
        label = QLabel()
        label.setPixmap(self.pixmap)
        layout.addWidget(label)
        dialog.open()
        return dialog

    def format_value(self, value):
        return tr("(image)") if value else ""

    def is_empty(self):
        return not self.value
