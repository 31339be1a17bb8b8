"""``phone``: editable as text, read-only as a ``tel:`` link handled by the system."""
from .url import UrlWidget


class PhoneWidget(UrlWidget):
    """A phone number."""

    def link_target(self, value):
        return "tel:" + "".join(ch for ch in str(value) if ch.isdigit() or ch == "+")
