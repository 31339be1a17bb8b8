"""The aggregate footer under a list: ``sum``/``avg`` values aligned with their columns.

It paints one text per column at the column's current position, following resizes, moves and
horizontal scrolling of the view's header, so the totals stay under their numbers.
"""
from ...qt import QFont, QPainter, QPalette, QPoint, QRect, QSize, QWidget, Qt

PADDING = 4          # the item views' own text margin, so totals line up with the cells


class AggregateFooter(QWidget):
    """:param view: the QTableView/QTreeView whose header gives the column positions"""

    def __init__(self, view, parent=None):
        super().__init__(parent)
        self.setObjectName("list_footer")
        self.view = view
        self.texts = {}
        self.tooltips = {}
        header = view.header() if hasattr(view, "header") else view.horizontalHeader()
        self.header = header
        header.sectionResized.connect(self.update)
        header.sectionMoved.connect(self.update)
        header.geometriesChanged.connect(self.update)
        view.horizontalScrollBar().valueChanged.connect(self.update)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setVisible(False)

    def set_texts(self, texts, tooltips=None):
        """``{logical column: text}``; the footer hides itself when there is nothing to show."""
        self.texts = dict(texts or {})
        self.tooltips = dict(tooltips or {})
        self.setVisible(bool(self.texts))
        self.update()

    def sizeHint(self):
        return QSize(100, self.fontMetrics().height() + 2 * PADDING)

    def column_rect(self, logical):
        """Where a column's text goes, in footer coordinates."""
        # the footer is a sibling of the view: go through global coordinates
        offset = self.mapFromGlobal(self.view.viewport().mapToGlobal(QPoint(0, 0))).x()
        x = offset + self.header.sectionViewportPosition(logical)
        return QRect(x + PADDING, 0, self.header.sectionSize(logical) - 2 * PADDING, self.height())

    def paintEvent(self, event):
        painter = QPainter(self)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        for logical, text in self.texts.items():
            if self.header.isSectionHidden(logical):
                continue
            painter.drawText(self.column_rect(logical), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             text)
        painter.end()

    def event(self, event):
        from ...qt import QEvent, QtWidgets
        if event.type() == QEvent.Type.ToolTip:
            for logical, tip in self.tooltips.items():
                if self.column_rect(logical).contains(event.pos()):
                    QtWidgets.QToolTip.showText(event.globalPos(), tip, self)
                    return True
            QtWidgets.QToolTip.hideText()
            return True
        return super().event(event)
