"""``boolean_toggle``: a boolean shown as a switch."""
from ..qt import QCheckBox, QColor, QPalette, QSize, Qt, QtGui
from .boolean import BooleanWidget


class ToggleSwitch(QCheckBox):
    """A check box painted as a sliding switch (palette colours, so light and dark themes work)."""

    def sizeHint(self):
        return QSize(40, 22)

    def minimumSizeHint(self):
        return self.sizeHint()

    def hitButton(self, pos):
        return self.rect().contains(pos)

    def paintEvent(self, event):
        painter = QtGui.QPainter(self)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        palette = QPalette(self.palette())  # a copy: nothing here may touch the widget's palette
        rect = self.rect().adjusted(1, 1, -1, -1)
        rect.setWidth(min(rect.width(), 38))
        rect.setHeight(min(rect.height(), 20))
        on = self.isChecked()
        track = QColor(palette.color(QPalette.ColorRole.Highlight if on else QPalette.ColorRole.Mid))
        if not self.isEnabled():
            track.setAlpha(110)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        radius = rect.height() / 2
        painter.drawRoundedRect(rect, radius, radius)
        knob = rect.height() - 4
        x = rect.right() - knob - 2 if on else rect.left() + 2
        painter.setBrush(QColor(palette.color(QPalette.ColorRole.Base)))
        painter.drawEllipse(x, rect.top() + 2, knob, knob)
        if self.hasFocus():
            pen = QtGui.QPen(QColor(palette.color(QPalette.ColorRole.Highlight)))
            pen.setWidth(1)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), radius + 1, radius + 1)
        painter.end()


class BooleanToggleWidget(BooleanWidget):
    """A switch instead of a check box."""

    def create_editor(self):
        switch = ToggleSwitch()
        switch.toggled.connect(self._toggled)
        self._showing = False
        return switch
