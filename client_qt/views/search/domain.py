"""Building search domains on the client (views.md §5).

Domains are lists in prefix (Polish) notation: ``['|', ('a', '=', 1), ('b', '=', 2)]``; consecutive
terms are implicitly AND-ed. :func:`AND` and :func:`OR` combine whole domains (an empty domain means
"everything"); :func:`field_domain` turns a value typed for a search field into a domain with the
defaults of each field type; :func:`period_range` and :func:`range_domain` make the date filters'
ranges in the user's time zone.

>>> AND([[("a", "=", 1)], [("b", "=", 2), ("c", "=", 3)]])
['&', '&', ('a', '=', 1), ('b', '=', 2), ('c', '=', 3)]
>>> OR([[("a", "=", 1)], [("b", "=", 2)]])
['|', ('a', '=', 1), ('b', '=', 2)]
"""
import datetime

from ...expr import ExpressionError, expression
from ...models.fields import local_to_utc_string

#: operators of the custom filter per kind of field: (operator, label)
OPERATORS = {
    "char": [("ilike", "contains"), ("not ilike", "does not contain"), ("=", "is equal to"),
             ("!=", "is not equal to"), ("set", "is set"), ("not set", "is not set")],
    "number": [("=", "="), ("!=", "≠"), (">", ">"), (">=", "≥"), ("<", "<"), ("<=", "≤"), ("set", "is set"),
               ("not set", "is not set")],
    "date": [("=", "is on"), ("!=", "is not on"), (">", "is after"), (">=", "is on or after"), ("<", "is before"),
             ("<=", "is on or before"), ("set", "is set"), ("not set", "is not set")],
    "many2one": [("ilike", "contains"), ("not ilike", "does not contain"), ("set", "is set"),
                 ("not set", "is not set")],
    "selection": [("=", "is"), ("!=", "is not"), ("set", "is set"), ("not set", "is not set")],
    "boolean": [("true", "is true"), ("false", "is false")],
}
KIND_OF_TYPE = {"char": "char", "text": "char", "html": "char", "integer": "number", "float": "number",
                "monetary": "number", "date": "date", "datetime": "date", "many2one": "many2one",
                "many2many": "many2one", "one2many": "many2one", "selection": "selection", "boolean": "boolean"}
#: group-by granularities of date fields, in menu order
GRANULARITIES = [("year", "Year"), ("quarter", "Quarter"), ("month", "Month"), ("week", "Week"), ("day", "Day")]
_ARITY = {"&": 2, "|": 2, "!": 1}


def operator_kind(field_type):
    return KIND_OF_TYPE.get(field_type, "char")


def normalize(domain):
    """A domain with its implicit ANDs made explicit (so it can be nested under an operator)."""
    if not domain:
        return []
    result = []
    expected = 1
    for token in domain:
        if expected == 0:
            result[0:0] = ["&"]
            expected = 1
        if isinstance(token, str) and token in _ARITY:
            expected += _ARITY[token] - 1
        else:
            expected -= 1
        result.append(token)
    return result


def _combine(operator, domains, neutral_is_empty):
    parts = [normalize(list(d)) for d in domains if d is not None]
    if neutral_is_empty:
        parts = [p for p in parts if p]
    elif any(not p for p in parts):
        return []          # "everything" OR-ed with anything is everything
    if not parts:
        return []
    result = [operator] * (len(parts) - 1)
    for part in parts:
        result.extend(part)
    return result


def AND(domains):
    """Records matching every domain (empty domains are ignored)."""
    return _combine("&", domains, True)


def OR(domains):
    """Records matching any domain (an empty domain matches everything)."""
    return _combine("|", domains, False)


def evaluate_domain(text, names, values=None):
    """A domain attribute (``filter domain``, ``filter_domain`` with ``self``) evaluated now.

    :raises ExpressionError: the text is not a valid domain expression
    """
    if not text or not text.strip():
        return []
    result = expression(text).evaluate(values or {}, names)
    if not isinstance(result, (list, tuple)):
        raise ExpressionError(f"{text!r} is not a domain")
    return [tuple(term) if isinstance(term, list) else term for term in result]


def local_midnight_utc(day, user_tz):
    """The UTC ``"YYYY-MM-DD HH:MM:SS"`` of the start of ``day`` in the user's time zone."""
    return local_to_utc_string(datetime.datetime.combine(day, datetime.time()), user_tz)


def range_domain(name, field_type, start, stop, user_tz=None):
    """``start <= name < stop`` for dates (days) or datetimes (local days turned into UTC)."""
    if field_type == "datetime":
        low, high = local_midnight_utc(start, user_tz), local_midnight_utc(stop, user_tz)
    else:
        low, high = start.strftime("%Y-%m-%d"), stop.strftime("%Y-%m-%d")
    return ["&", (name, ">=", low), (name, "<", high)]


def parse_date(text):
    """A date typed by the user: ISO ``YYYY-MM-DD`` or the locale's short format; None otherwise."""
    text = (text or "").strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    from ...qt import QDate, QLocale
    for fmt in (QLocale().dateFormat(QLocale.FormatType.ShortFormat), "d/M/yyyy", "d.M.yyyy", "M/d/yyyy"):
        parsed = QDate.fromString(text, fmt)
        if parsed.isValid():
            if parsed.year() < 100:
                parsed = parsed.addYears(2000)
            return parsed.toPython()
    return None


def parse_number(text, integer=False):
    """A number typed by the user (locale separators accepted); None when it is not one."""
    from ...qt import QLocale
    text = (text or "").strip()
    locale = QLocale()
    if integer:
        value, ok = locale.toLongLong(text)
        if ok:
            return int(value)
        try:
            return int(text.replace(",", "").replace("_", ""))
        except ValueError:
            return None
    value, ok = locale.toDouble(text)
    if ok:
        return value
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def parse_value(field_type, text):
    """The typed text as a value of the field type (None when it cannot be one)."""
    if field_type == "integer":
        return parse_number(text, integer=True)
    if field_type in ("float", "monetary"):
        return parse_number(text)
    if field_type in ("date", "datetime"):
        return parse_date(text)
    if field_type == "boolean":
        lowered = (text or "").strip().lower()
        if lowered in ("1", "true", "yes", "y"):
            return True
        if lowered in ("0", "false", "no", "n"):
            return False
        return None
    return text


def field_domain(search_field, value, operator=None, names=None, user_tz=None):
    """The domain of one value of a search field (views.md §5 "Default domain per type").

    :param value: the typed text, a chosen record id (many2one), a selection key, or a parsed value
    :param operator: an operator the user chose explicitly (custom filter); it replaces the field's
        ``filter_domain`` and ``operator``
    """
    name = search_field.name
    kind = search_field.type
    if operator in ("set", "not set"):
        return [(name, "!=" if operator == "set" else "=", False)]
    if operator in ("true", "false"):
        return [(name, "=", operator == "true")]
    if operator is None and search_field.filter_domain:
        return evaluate_domain(search_field.filter_domain, names or {}, {"self": value})
    if kind in ("date", "datetime") and isinstance(value, datetime.date):
        op = operator or search_field.operator or "="
        if kind == "datetime":
            day_start = local_midnight_utc(value, user_tz)
            day_stop = local_midnight_utc(value + datetime.timedelta(days=1), user_tz)
            if op == "=":
                return ["&", (name, ">=", day_start), (name, "<", day_stop)]
            if op == "!=":
                return ["|", (name, "<", day_start), (name, ">=", day_stop)]
            bound = day_stop if op in (">", "<=") else day_start
            op = {"<=": "<", ">": ">="}.get(op, op)
            return [(name, op, bound)]
        return [(name, op, value.strftime("%Y-%m-%d"))]
    if kind == "many2one":
        if isinstance(value, int) and not isinstance(value, bool):
            return [(name, operator or search_field.operator or "=", value)]
        return [(name, operator or search_field.operator or "ilike", value)]
    if kind in ("char", "text", "html", "many2many", "one2many"):
        return [(name, operator or search_field.operator or "ilike", value)]
    return [(name, operator or search_field.operator or "=", value)]


def month_start(day, offset=0):
    month = day.month - 1 + offset
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def period_options(entry, today):
    """The period choices of a date filter: ``[(key, label, start, stop)]`` (stop excluded)."""
    from ...qt import QLocale
    locale = QLocale()
    options = []
    for offset in range(min(entry.end_month, 0), min(entry.start_month, 0) - 1, -1):
        start = month_start(today, offset)
        options.append((f"month_{offset}", f"{locale.standaloneMonthName(start.month)} {start.year}", start,
                        month_start(start, 1)))
    for quarter in range(1, 5):
        start = datetime.date(today.year, 3 * (quarter - 1) + 1, 1)
        options.append((f"q{quarter}", f"Q{quarter} {today.year}", start, month_start(start, 3)))
    for offset in range(min(entry.end_year, 0), min(entry.start_year, 0) - 1, -1):
        year = today.year + offset
        options.append((f"year_{offset}", str(year), datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)))
    return options


def default_period_key(entry):
    """The option key of a date filter's ``default_period`` (``this_month``, ``last_year`` ...)."""
    table = {"this_month": "month_0", "last_month": "month_-1", "this_year": "year_0", "last_year": "year_-1",
             "month": "month_0", "year": "year_0", "q1": "q1", "q2": "q2", "q3": "q3", "q4": "q4",
             "first_quarter": "q1", "second_quarter": "q2", "third_quarter": "q3", "fourth_quarter": "q4"}
    return table.get((entry.default_period or "this_month").split(",")[0].strip(), "month_0")
