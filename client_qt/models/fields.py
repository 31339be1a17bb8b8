"""Client field types: how values of each type are shown, parsed and compared (views.md §11).

Values travel in wire format (``read`` output): many2one ``[id, name]`` or False, x2many id lists,
dates ``"YYYY-MM-DD"``, datetimes ``"YYYY-MM-DD HH:MM:SS"`` in UTC, empty values False. The
``TYPES`` table maps a field type to its :class:`FieldType`; unknown types fall back to ``char``.
"""
import datetime
import functools
import zoneinfo

from ..qt import QLocale

DATE_FMT = "%Y-%m-%d"
DATETIME_FMT = "%Y-%m-%d %H:%M:%S"


class FieldType:
    """Default behaviour: text."""

    name = "char"
    align_right = False

    def __init__(self, description):
        self.description = description or {}

    def display(self, value, record=None, user_tz=None):
        """The text shown for ``value``."""
        if value is False or value is None:
            return ""
        return str(value)

    def empty(self, value):
        return value is False or value is None or value == ""

    def null(self):
        return False


class CharType(FieldType):
    name = "char"


class IntegerType(FieldType):
    name = "integer"
    align_right = True

    def display(self, value, record=None, user_tz=None):
        if value is False or value is None:
            return ""
        return QLocale().toString(int(value))

    def empty(self, value):
        return value is False or value is None

    def null(self):
        return 0


class FloatType(FieldType):
    name = "float"
    align_right = True

    def digits(self):
        digits = self.description.get("digits")
        return digits[1] if digits else 2

    def display(self, value, record=None, user_tz=None):
        if value is False or value is None:
            return ""
        return QLocale().toString(float(value), "f", self.digits())

    def empty(self, value):
        return value is False or value is None

    def null(self):
        return 0.0


class MonetaryType(FloatType):
    name = "monetary"


class BooleanType(FieldType):
    name = "boolean"

    def display(self, value, record=None, user_tz=None):
        return "✔" if value else ""

    def empty(self, value):
        return False


class DateType(FieldType):
    name = "date"

    def display(self, value, record=None, user_tz=None):
        if not value:
            return ""
        day = datetime.datetime.strptime(value, DATE_FMT).date()
        return QLocale().toString(day, QLocale.FormatType.ShortFormat)


class DatetimeType(FieldType):
    name = "datetime"

    def display(self, value, record=None, user_tz=None):
        if not value:
            return ""
        moment = to_local(value, user_tz)
        return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


class SelectionType(FieldType):
    name = "selection"

    def display(self, value, record=None, user_tz=None):
        if value is False or value is None:
            return ""
        return dict((key, label) for key, label in self.description.get("selection") or []).get(value, str(value))


class Many2oneType(FieldType):
    name = "many2one"

    def display(self, value, record=None, user_tz=None):
        if not value:
            return ""
        if isinstance(value, (list, tuple)):
            return str(value[1]) if len(value) > 1 else str(value[0])
        return str(value)


class X2manyType(FieldType):
    name = "one2many"

    def display(self, value, record=None, user_tz=None):
        if not value:
            return ""
        return f"{len(value)} record(s)"

    def empty(self, value):
        return not value

    def null(self):
        return []


class BinaryType(FieldType):
    name = "binary"

    def display(self, value, record=None, user_tz=None):
        return "" if not value else (value if len(str(value)) < 20 else "(file)")


class ReferenceType(FieldType):
    name = "reference"


TYPES = {
    "char": CharType, "text": CharType, "html": CharType, "integer": IntegerType, "float": FloatType,
    "monetary": MonetaryType, "boolean": BooleanType, "date": DateType, "datetime": DatetimeType,
    "selection": SelectionType, "many2one": Many2oneType, "one2many": X2manyType, "many2many": X2manyType,
    "binary": BinaryType, "reference": ReferenceType, "many2one_reference": IntegerType, "json": CharType,
}


def field_type(description):
    """The :class:`FieldType` of a ``fields_get`` description."""
    return TYPES.get((description or {}).get("type"), CharType)(description)


@functools.lru_cache(maxsize=32)
def user_zone(tz_name):
    """The :class:`zoneinfo.ZoneInfo` of the user's ``tz``; None when empty or unknown (the
    machine's local zone applies then)."""
    if tz_name:
        try:
            return zoneinfo.ZoneInfo(tz_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return None


def to_local(value, user_tz=None):
    """A naive UTC ``"YYYY-MM-DD HH:MM:SS"`` as an aware datetime in the user's time zone."""
    moment = datetime.datetime.strptime(value, DATETIME_FMT).replace(tzinfo=datetime.timezone.utc)
    zone = user_zone(user_tz)
    return moment.astimezone(zone) if zone else moment.astimezone()


def local_to_utc_string(moment, tz_name):
    """A naive local datetime of the user's zone as the naive UTC string the server stores."""
    zone = user_zone(tz_name)
    aware = moment.replace(tzinfo=zone) if zone else moment.astimezone()
    return aware.astimezone(datetime.timezone.utc).strftime(DATETIME_FMT)


def to_utc_string(local_moment):
    """An aware (or local naive) datetime as the naive UTC string the server expects."""
    if local_moment.tzinfo is None:
        local_moment = local_moment.astimezone()
    return local_moment.astimezone(datetime.timezone.utc).strftime(DATETIME_FMT)
