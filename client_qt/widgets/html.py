"""``html``: a small rich-text editor (bold, italic, lists, links); the server sanitizes (views.md §11).

The read-only rendering is a :class:`QTextBrowser`, which runs no scripts and loads no remote
images (it only resolves local resources, and we give it none).
"""
import re

from ..qt import QtGui, QtWidgets, tr
from .base import FieldWidget

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_REMOTE_IMG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*['\"]?(?:https?:)?//[^>]*>", re.I)


def body_html(document_html):
    """The inside of ``<body>`` of what :meth:`QTextDocument.toHtml` produces."""
    match = _BODY.search(document_html)
    return (match.group(1) if match else document_html).strip()


def safe_html(value):
    """HTML to render read-only: no scripts, styles or remote images."""
    text = "" if value is False or value is None else str(value)
    text = _SCRIPT.sub("", text)
    return _REMOTE_IMG.sub("", text)


class _RichEdit(QtWidgets.QTextEdit):
    def __init__(self, on_focus_out):
        super().__init__()
        self._on_focus_out = on_focus_out

    def focusOutEvent(self, event):
        super().focusOutEvent(event)
        self._on_focus_out()


class HtmlWidget(FieldWidget):
    """Rich text with a formatting tool bar; the value is an HTML fragment."""

    stretch = True
    separate_display = False

    def create_editor(self):
        box = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.toolbar = QtWidgets.QToolBar()
        self.toolbar.setObjectName("html_toolbar")
        self.text = _RichEdit(self.commit_pending)
        self.text.setAcceptRichText(True)
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.placeholder())
        self.text.setMinimumHeight(90)
        self.text.textChanged.connect(self._typed)
        self._dirty = False
        self._showing = False
        bold = self.toolbar.addAction(tr("B"), self._bold)
        bold.setToolTip(tr("Bold"))
        italic = self.toolbar.addAction(tr("I"), self._italic)
        italic.setToolTip(tr("Italic"))
        self.toolbar.addAction(tr("• List"), self._bullets).setToolTip(tr("Bulleted list"))
        self.toolbar.addAction(tr("Link"), self._link).setToolTip(tr("Make a link"))
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setOpenLinks(True)
        self.browser.hide()
        layout.addWidget(self.toolbar)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.browser, 1)
        box.setFocusProxy(self.text)
        return box

    def _typed(self):
        if not self._showing:
            self._dirty = True

    def _merge(self, fmt):
        cursor = self.text.textCursor()
        if not cursor.hasSelection():
            cursor.select(QtGui.QTextCursor.SelectionType.WordUnderCursor)
        cursor.mergeCharFormat(fmt)
        self.text.mergeCurrentCharFormat(fmt)

    def _bold(self):
        fmt = QtGui.QTextCharFormat()
        bold = self.text.fontWeight() != QtGui.QFont.Weight.Bold
        fmt.setFontWeight(QtGui.QFont.Weight.Bold if bold else QtGui.QFont.Weight.Normal)
        self._merge(fmt)

    def _italic(self):
        fmt = QtGui.QTextCharFormat()
        fmt.setFontItalic(not self.text.fontItalic())
        self._merge(fmt)

    def _bullets(self):
        self.text.textCursor().createList(QtGui.QTextListFormat.Style.ListDisc)

    def _link(self):
        url, ok = QtWidgets.QInputDialog.getText(self, tr("Link"), tr("Address:"))
        if ok and url:
            fmt = QtGui.QTextCharFormat()
            fmt.setAnchor(True)
            fmt.setAnchorHref(url)
            fmt.setFontUnderline(True)
            self._merge(fmt)

    def show_value(self, value):
        html = "" if value is False or value is None else str(value)
        self._showing = True
        try:
            self.text.setHtml(safe_html(html))
        finally:
            self._showing = False
        self._dirty = False
        self.browser.setHtml(safe_html(html))

    def current_html(self):
        if not self.text.toPlainText().strip():
            return False
        return body_html(self.text.toHtml())

    def commit_pending(self):
        if not self._dirty or self.readonly:
            return
        self._dirty = False
        value = self.current_html()
        if value != self.value:
            self.commit(value)

    def apply_readonly(self, readonly):
        self.toolbar.setVisible(not readonly)
        self.text.setVisible(not readonly)
        self.browser.setVisible(readonly)

    def is_empty(self):
        return not self.value or not re.sub(r"<[^>]+>", "", str(self.value)).strip()
