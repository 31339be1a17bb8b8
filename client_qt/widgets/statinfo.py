"""``statinfo``: a number and its caption inside a stat button (views.md §3.7).

The form puts the widget inside the button of ``<div name="button_box">``; the widget shows the
value big and the caption (node ``string``, else the field label) small under it.
"""
from ..qt import QLabel, Qt, QtWidgets
from .base import FieldWidget


class StatinfoWidget(FieldWidget):
    """Number + caption; never edited."""

    labelled = False
    separate_display = False

    def create_editor(self):
        box = QtWidgets.QWidget()
        box.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QtWidgets.QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.number = QLabel()
        self.number.setObjectName("statinfo_value")
        font = self.number.font()
        font.setBold(True)
        self.number.setFont(font)
        self.caption = QLabel(self.spec.attrs.get("string") or self.spec.description.get("string") or "")
        self.caption.setObjectName("statinfo_text")
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        return box

    def format_value(self, value):
        if value is False or value is None:
            return "0"
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    def show_value(self, value):
        self.number.setText(self.format_value(value))

    def apply_readonly(self, readonly):
        pass

    def is_empty(self):
        return False
