"""``datetime``: date and time shown in the user's time zone and sent as UTC (views.md §11).

Values are naive UTC strings ``YYYY-MM-DD HH:MM:SS``; the input shows and parses local times (the
session's ``tz``, else the system's). The calendar keeps the time of day already shown.
"""
import datetime as _dt

from ..models.fields import DATETIME_FMT, local_to_utc_string, to_local
from ..qt import QDate, QLocale, QTime
from .date import DateWidget, date_format, parse_date


def parse_time(text):
    parts = [int(p) for p in text.strip().split(":")]
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"{text!r} is not a time")
    parts += [0] * (3 - len(parts))
    return _dt.time(*parts)


class DatetimeWidget(DateWidget):
    """Date and time in the user's time zone."""

    TIME_FMT = "HH:mm"

    def tz(self):
        return self.session.user_tz if self.session is not None else None

    def format_hint(self):
        return f"{date_format().lower()} hh:mm"

    def local(self, value):
        """The aware local datetime of a UTC string."""
        return to_local(value, self.tz())

    def to_qdate(self, value):
        moment = self.local(value)
        return QDate(moment.year, moment.month, moment.day)

    def format_value(self, value):
        if not value:
            return ""
        moment = self.local(value)
        qdate = QDate(moment.year, moment.month, moment.day)
        qtime = QTime(moment.hour, moment.minute, moment.second)
        text = QLocale().toString(qdate, date_format()) + " " + QLocale().toString(qtime, self.TIME_FMT)
        return text

    def parse(self, text):
        if not text:
            return False
        try:
            return local_to_utc_string(_dt.datetime.strptime(text, DATETIME_FMT), self.tz())
        except ValueError:
            pass
        date_text, _, time_text = text.strip().rpartition(" ")
        if not date_text:
            date_text, time_text = text, "00:00"
        day = parse_date(date_text)
        moment = _dt.datetime.combine(day, parse_time(time_text))
        return local_to_utc_string(moment, self.tz())

    def value_of_day(self, day):
        if self.value:
            current = self.local(self.value).replace(tzinfo=None)
            moment = _dt.datetime.combine(day, current.time())
        else:
            moment = _dt.datetime.combine(day, _dt.time(0, 0))
        return local_to_utc_string(moment, self.tz())
