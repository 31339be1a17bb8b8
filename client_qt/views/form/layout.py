"""Turning a form arch into widgets (views.md §3.1, §3.2, §3.7).

:class:`FormBuilder` walks the arch once. Containers become Qt layouts: ``group`` (and, in legacy
arches, ``form`` and ``page``) a :class:`QGridLayout` filled with :func:`grid.place`; ``sheet``,
``page``, ``div`` vertical boxes; ``o_row``/``span`` horizontal rows; ``notebook`` a tab widget.
Fields, buttons and every node with modifiers are registered with the form
(:meth:`RecordForm.add_field`, :meth:`RecordForm.add_node`), which re-evaluates their modifiers on
every change without rebuilding anything.

Unknown elements degrade (views.md §1): with children they become a vertical box, empty ones are
skipped; each unknown tag is logged once per view.
"""
import html
import logging
import re

from lxml import etree

from ...qt import (QFrame, QGridLayout, QHBoxLayout, QKeySequence, QLabel, QPushButton, QSizePolicy, QTabWidget,
                   QVBoxLayout, QWidget, Qt)
from ..arch import children
from . import grid

_logger = logging.getLogger(__name__)

HEADINGS = {"h1": 1.9, "h2": 1.5, "h3": 1.25, "h4": 1.1, "h5": 1.0, "h6": 1.0}
RICH_TEXT_TAGS = {"p", "b", "strong", "i", "em", "u", "br", "hr", "a", "img", "small", "code", "pre", "ul", "ol",
                  "li", "blockquote", "sup", "sub", "font", "table", "tr", "td", "th", "tbody", "thead"}
IGNORED = {"chatter", "script", "style", "attribute", "xpath", "t"}
#: maximum width of the sheet (the "paper") in pixels
SHEET_WIDTH = 1140


def classes(node):
    return set((node.get("class") or "").split())


def _active_widgets(node):
    """Whether ``node`` has descendants that are widgets (so it cannot be a plain rich-text label)."""
    return any(isinstance(child.tag, str) and child.tag in ("field", "button", "widget", "label")
               for child in node.iter())


def _text(text):
    return (text or "").strip()


class FieldLabel(QLabel):
    """The label of a field: clicking it focuses the field's widget."""

    def __init__(self, text, buddy=None):
        super().__init__(text)
        self.buddy_widget = buddy
        self.setObjectName("field_label")

    def mousePressEvent(self, event):
        super().mousePressEvent(event)
        if self.buddy_widget is not None and self.buddy_widget.isEnabled():
            self.buddy_widget.setFocus(Qt.FocusReason.MouseFocusReason)


class Section(QWidget):
    """A group with a title above its grid."""

    def __init__(self, title, inner):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(4)
        if title:
            label = QLabel(title)
            label.setObjectName("group_title")
            font = label.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.1)
            label.setFont(font)
            layout.addWidget(label)
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setFrameShadow(QFrame.Shadow.Sunken)
            layout.addWidget(line)
        layout.addWidget(inner)


class FormBuilder:
    """Builds the widgets of one arch for a form.

    :param form: the :class:`~client_qt.views.form.record_form.RecordForm`
    :param legacy: the layout regime (views.md §3.2)
    """

    def __init__(self, form, legacy):
        self.form = form
        self.legacy = legacy
        self.warned = set()
        self.footer = None
        self.header = None

    # -- entry point ----------------------------------------------------------------------------
    def build(self, root):
        """``(header widget or None, body widget)``; the ``footer`` node is kept in :attr:`footer`."""
        nodes = []
        for child in children(root):
            if child.tag == "header":
                self.header = self.header_bar(child)
            elif child.tag == "footer":
                self.footer = child
            else:
                nodes.append(child)
        if self.legacy:
            body = self.grid(root, nodes, grid.columns_of(root, True))
        else:
            body = self.vbox(root, nodes)
        return self.header, body

    def warn_once(self, message):
        if message not in self.warned:
            self.warned.add(message)
            _logger.warning("%s (view of %s)", message, self.form.model)

    # -- dispatch -------------------------------------------------------------------------------
    def node(self, node, in_grid=False):
        """The widget of ``node`` (None to skip); fields give ``(widget, label)`` through
        :meth:`field_cells` instead when laid out in a grid."""
        tag = node.tag
        if not isinstance(tag, str):
            return None
        if isinstance(tag, str) and tag.startswith("{"):
            return self.unknown(node)
        handler = getattr(self, f"tag_{tag}", None)
        if handler is not None:
            return handler(node)
        if tag in HEADINGS:
            return self.heading(node)
        if tag in RICH_TEXT_TAGS:
            return self.rich_text(node)
        if tag in IGNORED:
            return None
        return self.unknown(node)

    def unknown(self, node):
        self.warn_once(f"unknown element <{node.tag}> shown as a plain box")
        if not len(children(node)):
            return None
        return self.vbox(node, children(node))

    # -- containers -----------------------------------------------------------------------------
    def vbox(self, node, nodes, horizontal=False):
        """A box stacking ``nodes`` (text and tails included)."""
        widget = QWidget()
        layout = QHBoxLayout(widget) if horizontal else QVBoxLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        if _text(node.text) and node.tag not in ("form", "sheet", "page", "group", "notebook"):
            layout.addWidget(self.text_label(node.text))
        pair = None if horizontal else _avatar_and_title(nodes)
        for child in nodes:
            if pair is not None and child in pair:
                if child is pair[0]:
                    layout.addWidget(self.title_row(*pair))
            else:
                self.add_to_box(layout, child, horizontal)
            if _text(child.tail):
                layout.addWidget(self.text_label(child.tail))
        if horizontal or (node is not None and node.tag in ("form", "sheet", "page")):
            layout.addStretch(1)
        if node is not None and node.tag not in ("form",):
            self.form.add_node(node, widget)
        return widget

    def add_to_box(self, layout, child, horizontal):
        if child.tag == "field":
            widget, _label = self.form.add_field(child, labelled=False)
            if widget is None:
                return
            names = classes(child)
            if "oe_avatar" in names:
                layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignRight)
            elif "oe_inline" in names:
                layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
            elif horizontal:
                compact = widget.spec.type == "boolean"
                layout.addWidget(widget, 0 if compact else 1)
            else:
                layout.addWidget(widget)
            return
        widget = self.node(child)
        if widget is not None:
            layout.addWidget(widget)

    def title_row(self, first, second):
        """``oe_title`` with the ``oe_avatar`` image on its right (Odoo floats the image)."""
        avatar, title = (first, second) if first.tag == "field" else (second, first)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        title_widget = self.node(title)
        if title_widget is not None:
            layout.addWidget(title_widget, 1, Qt.AlignmentFlag.AlignTop)
        avatar_widget, _label = self.form.add_field(avatar, labelled=False)
        if avatar_widget is not None:
            avatar_widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
            layout.addWidget(avatar_widget, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        return row

    def tag_sheet(self, node):
        sheet = self.vbox(node, children(node)) if not self.legacy else \
            self.grid(node, children(node), grid.columns_of(node, True))
        sheet.setObjectName("sheet")
        sheet.setMaximumWidth(SHEET_WIDTH)
        return sheet

    def tag_group(self, node):
        inner = self.grid(node, children(node), grid.columns_of(node, self.legacy), register=False)
        title = node.get("string")
        widget = Section(title, inner) if title else inner
        widget.setObjectName(f"group_{node.get('name')}" if node.get("name") else "group")
        self.form.add_node(node, widget)
        return widget

    def tag_notebook(self, node):
        tabs = QTabWidget()
        tabs.setObjectName("notebook")
        tabs.setDocumentMode(False)
        for page in children(node):
            if page.tag != "page" or grid.statically_invisible(page):
                continue
            if self.legacy:
                body = self.grid(page, children(page), grid.columns_of(page, True), register=False)
            else:
                body = self.vbox(page, children(page))
            container = QWidget()
            container_layout = QVBoxLayout(container)
            container_layout.setContentsMargins(8, 8, 8, 8)
            container_layout.addWidget(body)
            container_layout.addStretch(0)
            container.setObjectName(f"page_{page.get('name')}" if page.get("name") else "page")
            tabs.addTab(container, (page.get("string") or "").replace("&", "&&"))
            self.form.add_page(page, tabs, container)
        self.form.add_node(node, tabs)
        return tabs

    def tag_page(self, node):
        # a page outside a notebook: a plain box
        return self.vbox(node, children(node))

    def tag_div(self, node):
        names = classes(node)
        if node.get("name") == "button_box" or "oe_button_box" in names:
            return self.button_box(node)
        if "oe_chatter" in names or "o_attachment_preview" in names:
            return None
        if "o_address_format" in names:
            return self.address(node)
        if not children(node) and _text(node.text):
            return self.text_label(node.text, node)
        horizontal = bool({"o_row", "d-flex", "o_horizontal"} & names)
        widget = self.vbox(node, children(node), horizontal=horizontal)
        if "oe_title" in names:
            widget.setObjectName("oe_title")
        return widget

    def tag_span(self, node):
        if not children(node):
            return self.text_label(node.text, node) if _text(node.text) else None
        return self.vbox(node, children(node), horizontal=True)

    def heading(self, node):
        scale = HEADINGS[node.tag]
        if not _active_widgets(node):
            label = self.text_label(node.text or "".join(node.itertext()), node)
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * scale)
            font.setBold(True)
            label.setFont(font)
            return label
        widget = self.vbox(node, children(node), horizontal=len(children(node)) > 1)
        for field_widget in self.form.widgets_in(widget):
            field_widget.set_emphasis(scale)
        return widget

    def address(self, node):
        """``o_address_format``: street lines stacked, city, state and zip on one line."""
        widget = QWidget()
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = None
        for child in children(node):
            inline = bool({"o_address_city", "o_address_state", "o_address_zip"} & classes(child))
            if inline:
                if row is None:
                    row = QHBoxLayout()
                    row.setSpacing(4)
                    layout.addLayout(row)
                self.add_to_box(row, child, True)
            else:
                row = None
                self.add_to_box(layout, child, False)
        self.form.add_node(node, widget)
        return widget

    def button_box(self, node):
        widget = QWidget()
        widget.setObjectName("button_box")
        layout = QHBoxLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        for child in children(node):
            if child.tag == "button":
                layout.addWidget(self.button(child, stat=True))
            else:
                sub = self.node(child)
                if sub is not None:
                    layout.addWidget(sub)
        self.form.add_node(node, widget)
        return widget

    def header_bar(self, node):
        bar = QFrame()
        bar.setObjectName("form_header")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(8, 4, 8, 4)
        statusbars = []
        for child in children(node):
            if child.tag == "field":
                widget, _label = self.form.add_field(child, labelled=False)
                if widget is None:
                    continue
                if child.get("widget") == "statusbar":
                    statusbars.append(widget)
                else:
                    layout.addWidget(widget)
            elif child.tag == "button":
                layout.addWidget(self.button(child))
            else:
                sub = self.node(child)
                if sub is not None:
                    layout.addWidget(sub)
        layout.addStretch(1)
        for widget in statusbars:
            layout.addWidget(widget)
        self.form.add_node(node, bar)
        return bar

    # -- the grid -------------------------------------------------------------------------------
    def grid(self, node, nodes, col, register=True):
        """A grid of ``col`` columns holding ``nodes`` (views.md §3.2)."""
        container = QWidget()
        layout = QGridLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(12)
        layout.setVerticalSpacing(6)
        cells = []
        spans = []
        for child in nodes:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "newline":
                cells.append(None)
                spans.append(grid.NEWLINE)
                continue
            if grid.statically_invisible(child) and child.tag != "field":
                continue
            if child.tag == "field":
                if grid.statically_invisible(child):
                    # still part of the record (modifiers may use it), never shown
                    self.form.add_field(child, labelled=False, hidden=True)
                    continue
                widget, label = self.form.add_field(child, labelled=grid.has_label(child))
                if widget is None:
                    continue
                labelled = label is not None
                cells.append(("field", widget, label, child))
                spans.append(grid.span_of(child, labelled))
                continue
            if child.tag == "label":
                widget = self.tag_label(child, in_grid=True)
            elif child.tag == "button":
                widget = self.button(child)
            else:
                widget = self.node(child, in_grid=True)
            if widget is None:
                continue
            cells.append(("node", widget, None, child))
            spans.append(grid.span_of(child))
        label_columns, widget_columns = set(), set()
        stretch_rows = set()
        for placement in grid.place(spans, col):
            kind, widget, label, child = cells[placement.index]
            column, span = placement.column, placement.span
            if label is not None:
                alignment = Qt.AlignmentFlag.AlignLeft | (Qt.AlignmentFlag.AlignTop if widget.stretch
                                                          else Qt.AlignmentFlag.AlignVCenter)
                layout.addWidget(label, placement.row, column, 1, 1, alignment)
                label_columns.add(column)
                column, span = column + 1, span - 1
            if kind == "field" and "oe_inline" in classes(child):
                layout.addWidget(widget, placement.row, column, 1, span, Qt.AlignmentFlag.AlignLeft)
            else:
                layout.addWidget(widget, placement.row, column, 1, span)
            if kind == "field" and widget.stretch:
                stretch_rows.add(placement.row)
            if child.tag == "label":
                label_columns.add(column)
            else:
                widget_columns.update(range(column, column + span))
        for column in range(col):
            layout.setColumnStretch(column, 0 if column in label_columns and column not in widget_columns else 1)
        for row in stretch_rows:
            layout.setRowStretch(row, 1)
        parent = node.getparent()
        if not stretch_rows and parent is not None and parent.tag == "group":
            # a group beside a taller one gets more height than it needs: its rows stay on top
            layout.setRowStretch(layout.rowCount(), 1)
        if register:
            self.form.add_node(node, container)
        return container

    # -- leaves ---------------------------------------------------------------------------------
    def text_label(self, text, node=None):
        label = QLabel(_text(text))
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if node is not None:
            self.form.add_node(node, label)
        return label

    def rich_text(self, node):
        if _active_widgets(node):
            return self.vbox(node, children(node))
        if node.tag == "hr":
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            self.form.add_node(node, line)
            return line
        markup = etree.tostring(node, encoding="unicode", with_tail=False)
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setText(_safe_markup(markup))
        label.setWordWrap(True)
        label.setOpenExternalLinks(True)
        self.form.add_node(node, label)
        return label

    def tag_label(self, node, in_grid=False):
        target = node.get("for")
        if target:
            return self.form.add_label_for(node, target)
        text = node.get("string") or "".join(node.itertext())
        label = self.text_label(text, node)
        if in_grid:
            label.setObjectName("static_label")
        return label

    def tag_separator(self, node):
        widget = QWidget()
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 8, 0, 2)
        layout.setSpacing(2)
        title = node.get("string")
        if title:
            label = QLabel(title)
            label.setObjectName("separator_title")
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            layout.addWidget(label)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        self.form.add_node(node, widget)
        return widget

    def tag_newline(self, node):
        return None

    def tag_field(self, node):
        widget, _label = self.form.add_field(node, labelled=False)
        return widget

    def tag_button(self, node):
        return self.button(node)

    def tag_widget(self, node):
        if node.get("name") == "web_ribbon":
            label = QLabel(node.get("title") or node.get("text") or "")
            label.setObjectName("web_ribbon")
            colour = {"bg-danger": "#c62828", "bg-success": "#2e7d32", "bg-warning": "#ef6c00",
                      "bg-info": "#0277bd"}.get(node.get("bg_color"), "#c62828")
            label.setStyleSheet(f"QLabel#web_ribbon {{ background: {colour}; color: white; padding: 2px 12px;"
                                f" font-weight: bold; }}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            self.form.add_node(node, label)
            return label
        self.warn_once(f"widget {node.get('name')!r} is not supported")
        return None

    def button(self, node, stat=False):
        """A ``<button>`` (views.md §3.4); stat buttons show their ``statinfo`` fields inside."""
        button = QPushButton()
        name = node.get("name") or node.get("special") or ""
        button.setObjectName(f"button_{name}")
        text = node.get("string") or ""
        names = classes(node)
        if {"oe_highlight", "btn-primary"} & names:
            button.setDefault(False)
            button.setProperty("primary", True)
            font = button.font()
            font.setBold(True)
            button.setFont(font)
        elif {"btn-link", "oe_link"} & names:
            button.setFlat(True)
        if node.get("help"):
            button.setToolTip(node.get("help"))
        hotkey = node.get("data-hotkey")
        if stat:
            button.setObjectName(f"stat_{name}")
            layout = QHBoxLayout(button)
            layout.setContentsMargins(10, 4, 10, 4)
            inner = [child for child in children(node) if child.tag == "field"]
            for child in inner:
                widget, _label = self.form.add_field(child, labelled=False)
                if widget is not None:
                    widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                    layout.addWidget(widget)
            if not inner:
                label = QLabel(text)
                label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                layout.addWidget(label)
            button.setMinimumSize(max(110, layout.sizeHint().width()), max(44, layout.sizeHint().height()))
        else:
            button.setText(text.replace("&", "&&"))
            if hotkey and len(hotkey) == 1:
                button.setShortcut(QKeySequence(f"Alt+{hotkey.upper()}"))
        button.setAutoDefault(False)
        button.clicked.connect(lambda checked=False, n=node, b=button: self.form.click_button(n, b))
        self.form.add_node(node, button)
        return button


def _avatar_and_title(nodes):
    """The ``oe_avatar`` field and the ``oe_title`` div of a box, in arch order, or None."""
    avatar = next((n for n in nodes if n.tag == "field" and "oe_avatar" in classes(n)), None)
    title = next((n for n in nodes if n.tag == "div" and "oe_title" in classes(n)), None)
    if avatar is None or title is None:
        return None
    return (avatar, title) if nodes.index(avatar) < nodes.index(title) else (title, avatar)


_REMOTE_IMG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*['\"]?(?:https?:)?//[^>]*>", re.I)
_ALT = re.compile(r"\balt\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)


def _alt_text(match):
    alt = _ALT.search(match.group(0))
    return html.escape(alt.group(1)[1:-1]) if alt else ""


def _safe_markup(markup):
    """Rich text without scripts, event handlers or remote images (their ``alt`` text instead)."""
    markup = re.sub(r"<(script|style)\b.*?</\1\s*>", "", markup, flags=re.S | re.I)
    markup = re.sub(r"\son\w+\s*=\s*(\"[^\"]*\"|'[^']*'|\S+)", "", markup, flags=re.I)
    return _REMOTE_IMG.sub(_alt_text, markup)

