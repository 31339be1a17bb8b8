"""``radio``: a selection as radio buttons (``options.horizontal`` lays them in a row)."""
from ..qt import QtWidgets
from .base import FieldWidget
from .selection import choices


class RadioWidget(FieldWidget):
    """One radio button per value; disabled buttons when read-only."""

    separate_display = False

    def create_editor(self):
        box = QtWidgets.QWidget()
        horizontal = bool(self.options.get("horizontal"))
        layout = QtWidgets.QHBoxLayout(box) if horizontal else QtWidgets.QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QtWidgets.QButtonGroup(box)
        self.buttons = {}
        self._showing = False
        for key, label in choices(self.description):
            button = QtWidgets.QRadioButton(str(label))
            button.setObjectName(f"radio_{key}")
            self.group.addButton(button)
            self.buttons[key] = button
            button.toggled.connect(lambda checked, k=key: checked and self._chosen(k))
            layout.addWidget(button)
        if horizontal:
            layout.addStretch(1)
        return box

    def _chosen(self, key):
        if not self._showing and not self.readonly and key != self.value:
            self.commit(key)

    def show_value(self, value):
        self._showing = True
        try:
            self.group.setExclusive(False)
            for key, button in self.buttons.items():
                button.setChecked(key == value)
            self.group.setExclusive(True)
        finally:
            self._showing = False

    def apply_readonly(self, readonly):
        for button in self.buttons.values():
            button.setEnabled(not readonly)

    def format_value(self, value):
        return dict(choices(self.description)).get(value, "" if value in (False, None) else str(value))
