"""A kanban column widget: header with the count, quick-create box, cards, "Load more".

:class:`ColumnWidget` shows one :class:`~client_qt.views.kanban.data.Column`. It asks for the next
page (``more_requested``) when "Load more" is clicked or its cards are scrolled to the bottom, and
for a quick create (``quick_create_requested(column, name)``) when a name is typed in the box opened
by its "+" button. Ungrouped boards use one column widget with ``flow=True``: no header, the cards
in a wrapping grid.
"""
from ...qt import (QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QSizePolicy, QToolButton,
                   QVBoxLayout, QWidget, Qt, Signal, tr)
from .card import CARD_WIDTH, FlowLayout

COLUMN_WIDTH = CARD_WIDTH + 40
#: width of a column without cards (still a drop target; full width again once it has a card)
FOLDED_WIDTH = 150


class ColumnWidget(QFrame):
    """:param column: the :class:`~client_qt.views.kanban.data.Column`
    :param quick_create: whether the "+" button is shown
    :param flow: cards in a wrapping grid (ungrouped board) instead of a vertical stack
    """

    more_requested = Signal(object)
    quick_create_requested = Signal(object, str)

    def __init__(self, column, quick_create=False, flow=False, parent=None):
        super().__init__(parent)
        self.setObjectName("kanban_column")
        self.column = column
        self.flow = flow
        self.cards = []
        self.highlighted = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.header = QWidget()
        header = QHBoxLayout(self.header)
        header.setContentsMargins(4, 0, 0, 0)
        self.title = QLabel(column.label)
        self.title.setObjectName("column_title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.count_label = QLabel()
        self.count_label.setObjectName("column_count")
        self.add_button = QToolButton()
        self.add_button.setObjectName("column_quick_create")
        self.add_button.setText("+")
        self.add_button.setToolTip(tr("Quick create"))
        self.add_button.setVisible(quick_create)
        self.add_button.clicked.connect(self.open_quick_create)
        header.addWidget(self.title, 1)
        header.addWidget(self.count_label)
        header.addWidget(self.add_button)
        layout.addWidget(self.header)
        self.header.setVisible(not flow)

        self.quick_box = QWidget()
        quick = QHBoxLayout(self.quick_box)
        quick.setContentsMargins(0, 0, 0, 0)
        self.quick_edit = QLineEdit()
        self.quick_edit.setObjectName("quick_create_name")
        self.quick_edit.setPlaceholderText(tr("Name"))
        self.quick_edit.returnPressed.connect(self._quick_create)
        self.quick_add = QPushButton(tr("Add"))
        self.quick_add.setObjectName("quick_create_add")
        self.quick_add.clicked.connect(self._quick_create)
        quick.addWidget(self.quick_edit, 1)
        quick.addWidget(self.quick_add)
        self.quick_box.setVisible(False)
        layout.addWidget(self.quick_box)

        self.scroll = QScrollArea()
        self.scroll.setObjectName("column_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.body.setObjectName("column_body")
        outer = QVBoxLayout(self.body)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        if flow:
            self.card_layout = FlowLayout(spacing=8)
            outer.addLayout(self.card_layout)
        else:
            self.card_layout = QVBoxLayout()
            self.card_layout.setSpacing(6)
            outer.addLayout(self.card_layout)
        self.more_button = QPushButton()
        self.more_button.setObjectName("column_load_more")
        self.more_button.setFlat(True)
        self.more_button.clicked.connect(lambda: self.more_requested.emit(self.column))
        outer.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.scroll.setWidget(self.body)
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled)
        layout.addWidget(self.scroll, 1)
        self.setFrameShape(QFrame.Shape.NoFrame if flow else QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred if not flow else QSizePolicy.Policy.Expanding,
                           QSizePolicy.Policy.Expanding)
        self.update_header()

    # -- content ---------------------------------------------------------------------------------
    def update_header(self):
        self.title.setText(self.column.label)
        self.count_label.setText(str(self.column.count))
        remaining = self.column.remaining()
        self.more_button.setText(tr("Load more… ({0} remaining)").format(remaining))
        self.more_button.setVisible(remaining > 0)
        if not self.flow:
            wide = self.column.count or self.cards or self.quick_box.isVisibleTo(self)
            self.setFixedWidth(COLUMN_WIDTH if wide else FOLDED_WIDTH)

    def add_cards(self, widgets, at=None):
        """Add card widgets (at the end, or at index ``at``)."""
        for offset, widget in enumerate(widgets):
            if at is None:
                self.card_layout.addWidget(widget)
                self.cards.append(widget)
            else:
                self.card_layout.insertWidget(at + offset, widget)
                self.cards.insert(at + offset, widget)
        self.update_header()

    def remove_card(self, record_id):
        for widget in list(self.cards):
            if widget.record_id == record_id:
                self.cards.remove(widget)
                self.card_layout.removeWidget(widget)
                widget.hide()
                widget.deleteLater()
        self.update_header()

    def card(self, record_id):
        return next((w for w in self.cards if w.record_id == record_id), None)

    def set_highlighted(self, on):
        """Shown while a dragged card is over the column."""
        if on != self.highlighted:
            self.highlighted = on
            self.setStyleSheet("#kanban_column { border: 2px solid palette(highlight); }" if on else "")

    def _scrolled(self, value):
        bar = self.scroll.verticalScrollBar()
        if bar.maximum() > 0 and value >= bar.maximum() - 4 and self.column.has_more():
            self.more_requested.emit(self.column)

    # -- quick create ------------------------------------------------------------------------------
    def open_quick_create(self):
        self.quick_box.setVisible(True)
        self.update_header()
        self.quick_edit.clear()
        self.quick_edit.setFocus()

    def _quick_create(self):
        name = self.quick_edit.text().strip()
        if name:
            self.quick_edit.clear()
            self.quick_create_requested.emit(self.column, name)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Escape and self.quick_box.isVisible():
            self.quick_box.setVisible(False)
            self.update_header()
            return
        super().keyPressEvent(event)
