"""``priority``: stars for a selection: n-1 stars for n values (views.md §11).

Clicking star k sets the k-th value after the first; clicking the highest lit star resets to the
first value. It works without entering edit mode (lists, kanban), unless the field is read-only.
"""
from ..qt import QToolButton, QtWidgets
from .base import FieldWidget
from .selection import choices

FULL, EMPTY = "★", "☆"


class PriorityWidget(FieldWidget):
    """A row of stars."""

    separate_display = False

    def create_editor(self):
        box = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.values = [key for key, _label in choices(self.description)]
        labels = dict(choices(self.description))
        self.stars = []
        for index, key in enumerate(self.values[1:], start=1):
            star = QToolButton()
            star.setObjectName(f"star_{index}")
            star.setAutoRaise(True)
            star.setText(EMPTY)
            star.setToolTip(str(labels.get(key, key)))
            star.clicked.connect(lambda checked=False, i=index: self.click_star(i))
            self.stars.append(star)
            layout.addWidget(star)
        layout.addStretch(1)
        return box

    def level(self, value):
        return self.values.index(value) if value in self.values else 0

    def click_star(self, index):
        """Star ``index`` (1-based) clicked."""
        if self.readonly or not self.values:
            return
        current = self.level(self.value)
        value = self.values[0] if index == current else self.values[index]
        if value != self.value:
            self.commit(value)
        self.show_value(self.value)

    def show_value(self, value):
        level = self.level(value)
        for index, star in enumerate(self.stars, start=1):
            star.setText(FULL if index <= level else EMPTY)

    def format_value(self, value):
        return FULL * self.level(value)

    def apply_readonly(self, readonly):
        for star in self.stars:
            star.setEnabled(not readonly)

    def is_empty(self):
        return False
