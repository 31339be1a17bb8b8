"""``selection``: a drop-down of the labels in server order; an empty choice unless required."""
from ..qt import QComboBox
from .base import FieldWidget


def choices(description):
    return [(key, label) for key, label in description.get("selection") or []]


class SelectionWidget(FieldWidget):
    """A combo box; choosing commits at once."""

    def create_editor(self):
        combo = QComboBox()
        combo.activated.connect(self._chosen)
        self._showing = False
        self._fill(combo)
        return combo

    def _fill(self, editor=None):
        combo = editor or getattr(self, "editor", None)
        if combo is None:
            return
        self._showing = True
        try:
            combo.clear()
            if not self.required:
                combo.addItem(self.placeholder() or "", False)
            for key, label in choices(self.description):
                combo.addItem(str(label), key)
        finally:
            self._showing = False

    def _chosen(self, index):
        if self._showing or self.readonly:
            return
        value = self.editor.itemData(index)
        if value is None:
            value = False
        if value != self.value:
            self.commit(value)

    def show_value(self, value):
        self._showing = True
        try:
            index = self.editor.findData(value)
            if index < 0 and value not in (False, None):
                self.editor.addItem(str(value), value)
                index = self.editor.count() - 1
            if index < 0:
                index = self.editor.findData(False)
            self.editor.setCurrentIndex(index)
        finally:
            self._showing = False

    def set_required(self, required):
        if bool(required) != self.required:
            super().set_required(required)
            self._fill(self.editor)
            self.show_value(self.value)

    def format_value(self, value):
        if value is False or value is None:
            return ""
        return dict(choices(self.description)).get(value, str(value))
