"""Dates and times: Date and Datetime (orm.md §3).

Datetimes are stored as ``TIMESTAMP`` without time zone and always mean **UTC**; values read are
naive UTC datetimes without microseconds. A timezone-aware datetime written to a field is converted
to UTC first. Clients convert to the user's time zone for display (``context['tz']``).
"""
import datetime

from .base import Field

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"

_GRANULARITIES = ("year", "quarter", "month", "week", "day", "hour")


def _relativedelta(**kwargs):
    from dateutil.relativedelta import relativedelta
    return relativedelta(**kwargs)


def _start_of(value, granularity):
    if granularity not in _GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(_GRANULARITIES)}: {granularity!r}")
    is_datetime = isinstance(value, datetime.datetime)
    if granularity == "year":
        result = value.replace(month=1, day=1)
    elif granularity == "quarter":
        result = value.replace(month=3 * ((value.month - 1) // 3) + 1, day=1)
    elif granularity == "month":
        result = value.replace(day=1)
    elif granularity == "week":
        result = value - datetime.timedelta(days=value.weekday())
    elif granularity == "day":
        result = value
    else:
        if not is_datetime:
            raise ValueError("granularity 'hour' needs a datetime")
        return value.replace(minute=0, second=0, microsecond=0)
    if is_datetime:
        result = result.replace(hour=0, minute=0, second=0, microsecond=0)
    return result


def _end_of(value, granularity):
    step = {"year": _relativedelta(years=1), "quarter": _relativedelta(months=3),
            "month": _relativedelta(months=1), "week": _relativedelta(weeks=1),
            "day": _relativedelta(days=1), "hour": _relativedelta(hours=1)}
    start = _start_of(value, granularity)
    if isinstance(value, datetime.datetime):
        return start + step[granularity] - datetime.timedelta(microseconds=1)
    return start + step[granularity] - datetime.timedelta(days=1)


class Date(Field):
    """A calendar date (``DATE``); RPC format ``"YYYY-MM-DD"``."""

    type = "date"
    column_type = ("date", "DATE")

    @staticmethod
    def today(*args):
        """Today's date (server time zone UTC)."""
        return datetime.date.today()

    @staticmethod
    def context_today(record, timestamp=None):
        """Today's date in the time zone of ``record.env.context['tz']`` (default UTC)."""
        import zoneinfo
        now = timestamp or datetime.datetime.utcnow()
        tz_name = record.env.context.get("tz") if record is not None else None
        if tz_name:
            try:
                zone = zoneinfo.ZoneInfo(tz_name)
                now = now.replace(tzinfo=datetime.timezone.utc).astimezone(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        return now.date()

    @staticmethod
    def to_date(value):
        """A :class:`datetime.date` from a date, datetime or ``"YYYY-MM-DD"`` string (False if empty)."""
        if not value:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value)[:10]
        try:
            return datetime.datetime.strptime(text, DATE_FORMAT).date()
        except ValueError:
            raise ValueError(f"{value!r} is not a date in the format YYYY-MM-DD") from None

    from_string = to_date

    @staticmethod
    def to_string(value):
        return value.strftime(DATE_FORMAT) if value else False

    @staticmethod
    def add(value, *args, **kwargs):
        return value + _relativedelta(*args, **kwargs)

    @staticmethod
    def subtract(value, *args, **kwargs):
        return value - _relativedelta(*args, **kwargs)

    start_of = staticmethod(_start_of)
    end_of = staticmethod(_end_of)

    def convert_to_cache(self, value, record, validate=True):
        if not value:
            return None
        try:
            return self.to_date(value)
        except ValueError as exc:
            raise ValueError(f"Wrong value for {self}: {exc}") from None

    def convert_to_read(self, value, record, use_display_name=True):
        return self.to_string(value) if value else False

    def convert_to_export(self, value, record):
        return self.to_string(value) if value else ""


class Datetime(Field):
    """A point in time stored in UTC (``TIMESTAMP``); RPC format ``"YYYY-MM-DD HH:MM:SS"``."""

    type = "datetime"
    column_type = ("timestamp", "TIMESTAMP")

    @staticmethod
    def now(*args):
        """The current time in UTC, naive, without microseconds."""
        return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)

    @staticmethod
    def today(*args):
        """Midnight today (UTC)."""
        return Datetime.now().replace(hour=0, minute=0, second=0)

    @staticmethod
    def to_datetime(value):
        """A naive UTC datetime from a datetime (aware ones are converted), a date or a string."""
        if not value:
            return None
        if isinstance(value, datetime.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            return value.replace(microsecond=0)
        if isinstance(value, datetime.date):
            return datetime.datetime(value.year, value.month, value.day)
        text = str(value).strip()
        for fmt in (DATETIME_FORMAT, "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
                    "%Y-%m-%d %H:%M", DATE_FORMAT):
            try:
                return datetime.datetime.strptime(text, fmt).replace(microsecond=0)
            except ValueError:
                continue
        try:
            parsed = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a datetime in the format YYYY-MM-DD HH:MM:SS") from None
        return Datetime.to_datetime(parsed)

    from_string = to_datetime

    @staticmethod
    def to_string(value):
        return value.strftime(DATETIME_FORMAT) if value else False

    @staticmethod
    def context_timestamp(record, timestamp):
        """``timestamp`` (naive UTC) converted to the time zone of ``context['tz']`` (aware)."""
        import zoneinfo
        utc = timestamp.replace(tzinfo=datetime.timezone.utc)
        tz_name = record.env.context.get("tz")
        if tz_name:
            try:
                return utc.astimezone(zoneinfo.ZoneInfo(tz_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        return utc

    add = staticmethod(Date.add)
    subtract = staticmethod(Date.subtract)
    start_of = staticmethod(_start_of)
    end_of = staticmethod(_end_of)

    def convert_to_cache(self, value, record, validate=True):
        if not value:
            return None
        try:
            return self.to_datetime(value)
        except ValueError as exc:
            raise ValueError(f"Wrong value for {self}: {exc}") from None

    def convert_to_read(self, value, record, use_display_name=True):
        return self.to_string(value) if value else False

    def convert_to_export(self, value, record):
        return self.to_string(value) if value else ""
