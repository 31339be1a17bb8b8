"""``char``: one line of text; ``size`` caps the length, ``password`` masks it (views.md §11)."""
from ..qt import QtWidgets
from .base import LineWidget


class CharWidget(LineWidget):
    """A single-line text input.

    ``password="1"`` on the node masks the input and the read-only rendering never shows the
    value in clear. The field's ``trim`` (default true) strips surrounding spaces.
    """

    def create_editor(self):
        editor = super().create_editor()
        size = self.description.get("size")
        if size:
            editor.setMaxLength(int(size))
        if self.is_password():
            editor.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        return editor

    @property
    def strip_text(self):
        return self.description.get("trim", True) is not False

    def is_password(self):
        return self.spec.attrs.get("password") in ("1", "True", "true")

    def format_value(self, value):
        if value is False or value is None:
            return ""
        if self.is_password():
            return "•" * 8 if value else ""
        return str(value)

    def text_of(self, value):
        return "" if value is False or value is None else str(value)
