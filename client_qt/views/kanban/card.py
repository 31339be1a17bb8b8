"""Kanban card widgets: one :class:`CardWidget` per record, laid out from a rendered
:class:`~client_qt.views.kanban.template.Card`, and :class:`FlowLayout` for the ungrouped grid.

A card opens its record on double-click or Enter (``open_requested``). Its ⋮ button (top right)
and a right-click ask the board for the card menu (``menu_requested(card, global position)``).
Dragging is the board's business: a card only reports a press followed by a move beyond the platform's drag distance
(``drag_started``), the moves after it (``drag_moved``) and the release (``drag_finished``), all in
global coordinates. The mouse stays grabbed by the card that was pressed, so the board gets every
move of a drag whatever is under the pointer — the same path in tests (``qtbot.mousePress`` /
``mouseMove`` / ``mouseRelease``) as for a user.
"""
from ...qt import (QApplication, QFrame, QHBoxLayout, QLabel, QPalette, QPoint, QRect, QSize, QSizePolicy,
                   QToolButton, QVBoxLayout, Qt, QtWidgets, Signal, tr)

THUMBNAIL = 64
CARD_WIDTH = 240


#: colours of the ``highlight_color`` field's values 1-11 (0: none), Odoo's colour indexes
COLOURS = {1: "#f06050", 2: "#f4a460", 3: "#f7cd1f", 4: "#6cc1ed", 5: "#814968", 6: "#eb7e7f", 7: "#2c8397",
           8: "#475577", 9: "#d6145f", 10: "#30c381", 11: "#9365b8"}


def highlight_colour(value):
    """The colour of a ``highlight_color`` value, or None."""
    return COLOURS.get(value) if isinstance(value, int) and not isinstance(value, bool) else None


class CardWidget(QFrame):
    """:param card: the rendered :class:`~client_qt.views.kanban.template.Card`
    :param row: the record (``search_read`` dict)
    :param draggable: whether a press and move starts a drag
    :param colour: the colour of the left edge (``highlight_color``), or None
    :param menu: whether the card has a menu (its ⋮ button and right-click)
    """

    open_requested = Signal(int)
    menu_requested = Signal(object, QPoint)
    drag_started = Signal(object, QPoint)
    drag_moved = Signal(object, QPoint)
    drag_finished = Signal(object, QPoint)

    def __init__(self, card, row, draggable=False, colour=None, menu=False, parent=None):
        super().__init__(parent)
        self.setObjectName("kanban_card")
        self.record_id = row.get("id")
        self.row = row
        self.draggable = draggable
        self.dragging = False
        self._press = None
        self.image = None
        self.colour = colour
        self.has_menu = menu
        self.menu_button = QToolButton()
        self.menu_button.setObjectName("kanban_card_menu_button")
        self.menu_button.setText("⋮")
        self.menu_button.setToolTip(tr("Card menu"))
        self.menu_button.setAutoRaise(True)
        self.menu_button.setCursor(Qt.CursorShape.ArrowCursor)
        self.menu_button.setVisible(menu)
        self.menu_button.clicked.connect(
            lambda: self.menu_requested.emit(self, self.menu_button.mapToGlobal(self.menu_button.rect().bottomLeft())))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.OpenHandCursor if draggable else Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setBackgroundRole(QPalette.ColorRole.Base)    # cards stand out of their column
        self.setAutoFillBackground(True)
        self.set_dragged(False)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._layout.setSpacing(8)
        self.set_card(card)

    def set_card(self, card, row=None):
        """Show ``card`` (again: after the record was read anew or tag names arrived)."""
        if row is not None:
            self.row = row
        self.card = card
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget()
            if widget is self.menu_button:
                continue
            if widget is not None:
                widget.deleteLater()
            elif item.layout() is not None:
                _clear(item.layout())
        self.thumbnail = None
        if any(part.kind == "image" for part in card.aside):
            self.thumbnail = QLabel()
            self.thumbnail.setObjectName("kanban_thumbnail")
            self.thumbnail.setFixedSize(THUMBNAIL, THUMBNAIL)
            self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.thumbnail.setStyleSheet("background: palette(alternate-base); border-radius: 4px;")
            initial = (self.row.get("display_name") or "?")[:1].upper()
            self.thumbnail.setText(initial)
            self._layout.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignTop)
            if self.image is not None:
                self.set_image(self.image)
        body = QVBoxLayout()
        body.setSpacing(2)
        for part in card.body:
            body.addWidget(_part_label(part))
        if card.footer:
            footer = QHBoxLayout()
            footer.setSpacing(6)
            for index, part in enumerate(card.footer):
                label = _part_label(part)
                footer.addWidget(label, 1 if index == 0 else 0)
            body.addLayout(footer)
        self._layout.addLayout(body, 1)
        self._layout.addWidget(self.menu_button, 0, Qt.AlignmentFlag.AlignTop)

    def set_image(self, pixmap):
        """The thumbnail's picture (read after the card, see the view)."""
        self.image = pixmap
        if self.thumbnail is not None and pixmap is not None:
            self.thumbnail.setText("")
            self.thumbnail.setStyleSheet("")
            self.thumbnail.setPixmap(pixmap)

    def set_dragged(self, dragged):
        """Dimmed while its ghost follows the mouse."""
        edge = f"border-left: 4px solid {self.colour};" if self.colour else ""
        background = "palette(midlight)" if dragged else "palette(base)"
        self.setStyleSheet(f"#kanban_card {{ border: 1px solid palette(mid); border-radius: 3px; {edge}"
                           f" background: {background}; }}")

    def texts(self):
        return self.card.texts()

    # -- opening ---------------------------------------------------------------------------------
    def mouseDoubleClickEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton:
            self.open_requested.emit(self.record_id)
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit(self.record_id)
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event):
        if self.has_menu and not self.dragging:
            self.menu_requested.emit(self, event.globalPos())
            event.accept()
            return
        super().contextMenuEvent(event)

    # -- dragging --------------------------------------------------------------------------------
    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self._press = event.position().toPoint()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        if self._press is None or not (event.buttons() & Qt.MouseButton.LeftButton) or not self.draggable:
            return super().mouseMoveEvent(event)
        position = event.position().toPoint()
        global_position = self.mapToGlobal(position)
        if not self.dragging:
            if (position - self._press).manhattanLength() < QApplication.startDragDistance():
                return
            self.dragging = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            self.drag_started.emit(self, self.mapToGlobal(self._press))
        self.drag_moved.emit(self, global_position)
        event.accept()

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton and self.dragging:
            self.dragging = False
            self._press = None
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            self.drag_finished.emit(self, self.mapToGlobal(event.position().toPoint()))
            event.accept()
            return
        self._press = None
        super().mouseReleaseEvent(event)


def _part_label(part):
    label = QLabel(part.text)
    label.setObjectName(f"kanban_{part.kind}")
    label.setProperty("field", part.field)
    label.setWordWrap(part.kind in ("text", "tags"))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if part.title:
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.05)
        label.setFont(font)
    if part.kind == "tags":
        label.setStyleSheet("color: palette(highlighted-text); background: palette(highlight);"
                            "border-radius: 6px; padding: 1px 6px;")
        label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
    elif part.kind == "badge":
        label.setStyleSheet("border: 1px solid palette(mid); border-radius: 6px; padding: 0 6px;")
        label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
    elif part.kind == "priority":
        label.setStyleSheet("color: #d4a017;")
        label.setToolTip(f"{part.value} / {part.total}")
    return label


def _clear(layout):
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            _clear(item.layout())


class FlowLayout(QtWidgets.QLayout):
    """Items left to right, wrapping to the next line (the ungrouped kanban grid)."""

    def __init__(self, parent=None, spacing=8):
        super().__init__(parent)
        self._items = []
        self.setSpacing(spacing)

    def addItem(self, item):
        self._items.append(item)

    def insertWidget(self, index, widget):
        self.addChildWidget(widget)
        self._items.insert(index, QtWidgets.QWidgetItem(widget))
        self.invalidate()

    def count(self):
        return len(self._items)

    def itemAt(self, index):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self):
        return True

    def heightForWidth(self, width):
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect):
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self):
        return self.minimumSize()

    def minimumSize(self):
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect, apply):
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        spacing = self.spacing()
        for item in self._items:
            hint = item.sizeHint()
            width = CARD_WIDTH if isinstance(item.widget(), CardWidget) else hint.width()
            height = item.widget().heightForWidth(width) if item.widget() is not None and \
                item.widget().hasHeightForWidth() else hint.height()
            height = max(height, hint.height())
            if x + width > area.right() + 1 and line_height > 0:
                x, y = area.x(), y + line_height + spacing
                line_height = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, height)))
            x += width + spacing
            line_height = max(line_height, height)
        return y + line_height - rect.y() + margins.bottom()

