"""``url``: editable as text, read-only as a link opening the system browser (``http://`` added)."""
import html

from .char import CharWidget


def with_scheme(url):
    """``url`` with ``http://`` in front when it has no scheme."""
    return url if "://" in url or url.startswith(("mailto:", "tel:")) else f"http://{url}"


class UrlWidget(CharWidget):
    """A web address."""

    rich_display = True

    def link_target(self, value):
        return with_scheme(str(value))

    def format_value(self, value):
        if not value:
            return ""
        text = html.escape(str(value))
        return f'<a href="{html.escape(self.link_target(value), quote=True)}">{text}</a>'
