"""``date``: a locale date input with a calendar pop-up; values are ``YYYY-MM-DD``, no time zone.

The text field accepts the locale's short format with four-digit years and ISO dates; the button
opens a calendar. Clearing the text empties the field.
"""
import datetime

from ..qt import QDate, QLocale, QToolButton, Qt, QtWidgets, tr
from .base import FieldWidget

DATE_FMT = "%Y-%m-%d"


def date_format():
    """The locale's short date format with a four-digit year (ISO for the neutral C locale)."""
    if QLocale().language() == QLocale.Language.C:
        return "yyyy-MM-dd"
    fmt = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in fmt:
        fmt = fmt.replace("yy", "yyyy")
    return fmt


def parse_date(text):
    """A :class:`datetime.date` from locale or ISO text; ``ValueError`` otherwise."""
    text = text.strip()
    try:
        return datetime.datetime.strptime(text, DATE_FMT).date()
    except ValueError:
        pass
    day = QLocale().toDate(text, date_format())
    if not day.isValid():
        day = QLocale().toDate(text, QLocale.FormatType.ShortFormat)
    if not day.isValid():
        raise ValueError(f"{text!r} is not a date")
    return datetime.date(day.year(), day.month(), day.day())


class _Popup(QtWidgets.QFrame):
    """The calendar shown under the input."""

    def __init__(self, parent, on_pick):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Popup, True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.calendar = QtWidgets.QCalendarWidget()
        self.calendar.setObjectName("calendar")
        self.calendar.clicked.connect(lambda qdate: (on_pick(qdate), self.close()))
        layout.addWidget(self.calendar)


class DateWidget(FieldWidget):
    """A date: line edit + calendar button."""

    def create_editor(self):
        box = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.line = QtWidgets.QLineEdit()
        self.line.setPlaceholderText(self.placeholder() or self.format_hint())
        self.line.editingFinished.connect(self.commit_pending)
        self.line.textEdited.connect(lambda _text: setattr(self, "_typed", True))
        self._typed = False
        self.button = QToolButton()
        self.button.setObjectName("calendar_button")
        self.button.setText("▾")
        self.button.setToolTip(tr("Pick a date"))
        self.button.clicked.connect(self.open_calendar)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        box.setFocusProxy(self.line)
        self.popup = None
        return box

    def format_hint(self):
        return date_format().lower()

    # -- value <-> text ---------------------------------------------------------------------------
    def to_qdate(self, value):
        day = datetime.datetime.strptime(value[:10], DATE_FMT).date()
        return QDate(day.year, day.month, day.day)

    def format_value(self, value):
        if not value:
            return ""
        return QLocale().toString(self.to_qdate(value), date_format())

    def parse(self, text):
        if not text:
            return False
        return parse_date(text).strftime(DATE_FMT)

    def show_value(self, value):
        self._typed = False
        self.line.setText(self.format_value(value))

    def commit_pending(self):
        if not self._typed or self.readonly:
            return
        try:
            value = self.parse(self.line.text().strip())
        except ValueError:
            self.set_invalid(True)
            return
        self._typed = False
        self.line.setText(self.format_value(value))
        if value != self.value:
            self.commit(value)

    def set_invalid(self, invalid):
        if invalid == self.invalid:
            return
        self.invalid = invalid
        self.line.setStyleSheet("border: 1px solid #d9534f;" if invalid else "")

    # -- calendar -------------------------------------------------------------------------------
    def open_calendar(self):
        self.popup = _Popup(self, self.pick)
        if self.value:
            self.popup.calendar.setSelectedDate(self.to_qdate(self.value))
        self.popup.move(self.line.mapToGlobal(self.line.rect().bottomLeft()))
        self.popup.show()
        return self.popup

    def pick(self, qdate):
        """The user picked ``qdate`` in the calendar."""
        value = self.value_of_day(datetime.date(qdate.year(), qdate.month(), qdate.day()))
        self._typed = False
        self.line.setText(self.format_value(value))
        if value != self.value:
            self.commit(value)

    def value_of_day(self, day):
        return day.strftime(DATE_FMT)
