"""``badge`` / ``label_selection``: the value as a coloured label; editable as a row of toggles."""
from ..qt import QLabel, QtWidgets
from .base import FieldWidget
from .selection import choices

#: options.classes / decoration names -> colours readable on light and dark backgrounds
COLOURS = {"success": "#2e7d32", "info": "#0277bd", "warning": "#ef6c00", "danger": "#c62828",
           "muted": "#757575", "primary": "#5c6bc0", "default": "#607d8b"}


class BadgeWidget(FieldWidget):
    """A rounded label with the value; when editable, one toggle button per value."""

    separate_display = False

    def create_editor(self):
        box = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.badge = QLabel()
        self.badge.setObjectName("badge")
        layout.addWidget(self.badge)
        self.buttons = {}
        self._showing = False
        for key, label in self._choices():
            button = QtWidgets.QToolButton()
            button.setText(str(label))
            button.setCheckable(True)
            button.setObjectName(f"badge_{key}")
            button.clicked.connect(lambda checked=False, k=key: self._chosen(k))
            self.buttons[key] = button
            layout.addWidget(button)
        layout.addStretch(1)
        return box

    def _choices(self):
        if self.spec.type == "many2one":
            return []
        return choices(self.description)

    def _chosen(self, key):
        if not self.readonly and key != self.value:
            self.commit(key)
        self.show_value(self.value)

    def colour(self, value):
        classes = self.options.get("classes") or {}
        return COLOURS.get(classes.get(value) if isinstance(classes, dict) else None, COLOURS["default"])

    def format_value(self, value):
        if isinstance(value, (list, tuple)):
            return str(value[1]) if len(value) > 1 else ""
        return dict(choices(self.description)).get(value, "" if value in (False, None) else str(value))

    def show_value(self, value):
        text = self.format_value(value)
        self.badge.setText(text)
        self.badge.setVisible(bool(text) and (self.readonly or not self.buttons))
        colour = self.colour(value)
        self.badge.setStyleSheet(f"QLabel#badge {{ background: {colour}; color: white; border-radius: 8px;"
                                 f" padding: 1px 8px; }}")
        for key, button in self.buttons.items():
            button.setChecked(key == value)

    def apply_readonly(self, readonly):
        for button in self.buttons.values():
            button.setVisible(not readonly)
        self.badge.setVisible(bool(self.format_value(self.value)) and (readonly or not self.buttons))

