"""``text``: multi-line plain text that grows vertically (views.md §11)."""
from ..qt import QtWidgets
from .base import FieldWidget


class _PlainText(QtWidgets.QPlainTextEdit):
    def __init__(self, on_focus_out):
        super().__init__()
        self._on_focus_out = on_focus_out

    def focusOutEvent(self, event):
        super().focusOutEvent(event)
        self._on_focus_out()


class TextWidget(FieldWidget):
    """Plain multi-line text, committed when the editor loses the focus."""

    stretch = True

    def create_editor(self):
        editor = _PlainText(self.commit_pending)
        editor.setPlaceholderText(self.placeholder())
        editor.setTabChangesFocus(True)
        editor.setMinimumHeight(90)
        editor.textChanged.connect(self._typed)
        self._dirty = False
        self._showing = False
        return editor

    def _typed(self):
        if not self._showing:
            self._dirty = True

    def show_value(self, value):
        self._showing = True
        try:
            self.editor.setPlainText("" if value is False or value is None else str(value))
        finally:
            self._showing = False
        self._dirty = False

    def pending_text(self):
        return self.editor.toPlainText() if self._dirty and not self.readonly else None

    def restore_text(self, text):
        self.editor.setPlainText(text)
        self._dirty = True
        self.commit_pending()

    def commit_pending(self):
        if not self._dirty or self.readonly:
            return
        self._dirty = False
        text = self.editor.toPlainText()
        value = text if text else False
        if value != self.value:
            self.commit(value)
