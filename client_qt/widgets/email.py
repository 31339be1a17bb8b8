"""``email``: a ``mailto:`` link; the input checks the address looks like one."""
import re

from .url import UrlWidget

ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


class EmailWidget(UrlWidget):
    """An e-mail address: ``name@domain.tld`` (several separated by commas are accepted)."""

    def link_target(self, value):
        return f"mailto:{value}"

    def parse(self, text):
        if not text:
            return False
        if not all(ADDRESS.match(part.strip()) for part in text.split(",")):
            raise ValueError(f"{text!r} is not an e-mail address")
        return text
