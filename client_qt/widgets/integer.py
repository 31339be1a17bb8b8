"""``integer``: right-aligned whole numbers with the locale's grouping separators (views.md §11)."""
from ..qt import QLocale
from .base import LineWidget


def parse_number(text, locale=None):
    """A float from text in the locale's format (grouping separators allowed); ``ValueError``."""
    locale = locale or QLocale()
    cleaned = text.strip().replace(locale.groupSeparator(), "").replace(" ", "").replace("\u202f", "")
    cleaned = cleaned.replace("\xa0", "")
    if locale.decimalPoint() != ".":
        cleaned = cleaned.replace(locale.decimalPoint(), ".")
    if not cleaned:
        raise ValueError("empty")
    return float(cleaned)


class IntegerWidget(LineWidget):
    """Whole numbers; anything else marks the input invalid. Empty means 0."""

    align_right = True

    def format_value(self, value):
        if value is False or value is None:
            return ""
        return QLocale().toString(int(value))

    def parse(self, text):
        if not text:
            return 0
        number = parse_number(text)
        if number != int(number):
            raise ValueError(f"{text!r} is not a whole number")
        return int(number)

    def is_empty(self):
        return self.value is False or self.value is None
