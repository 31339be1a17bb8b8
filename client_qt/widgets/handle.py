"""``handle``: the drag grip of a sequence field; the number itself is not shown (views.md §4.2)."""
from ..qt import QLabel, Qt
from .base import FieldWidget


class HandleWidget(FieldWidget):
    """A grip glyph; lists reorder rows with it, a form has nothing to edit."""

    labelled = False
    separate_display = False

    def create_editor(self):
        label = QLabel("⠿")
        label.setObjectName("handle")
        label.setCursor(Qt.CursorShape.OpenHandCursor)
        label.setToolTip(self.spec.label)
        return label

    def format_value(self, value):
        return ""

    def apply_readonly(self, readonly):
        pass
