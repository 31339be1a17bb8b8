"""``boolean``: a check box, disabled when read-only (views.md §11)."""
from ..qt import QCheckBox
from .base import FieldWidget


class BooleanWidget(FieldWidget):
    """A check box; a click commits at once."""

    separate_display = False

    def create_editor(self):
        box = QCheckBox()
        box.toggled.connect(self._toggled)
        self._showing = False
        return box

    def _toggled(self, checked):
        if not self._showing and not self.readonly and bool(checked) != bool(self.value):
            self.commit(bool(checked))

    def show_value(self, value):
        self._showing = True
        try:
            self.editor.setChecked(bool(value))
        finally:
            self._showing = False

    def format_value(self, value):
        return "✔" if value else ""

    def is_empty(self):
        return False
