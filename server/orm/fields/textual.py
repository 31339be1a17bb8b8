"""Text fields: Char, Text and Html (orm.md §3, FLD-5 for translations).

A translatable field (``translate=True``) keeps all languages in one JSONB column
(``{"en_US": "Chair", "fr_FR": "Chaise"}``); reads return ``context['lang']`` with ``en_US`` as
fallback, writes change only the current language.
"""
import html
import re

from .base import Field


class _String(Field):
    _extra_attrs = {"size": None, "trim": True}

    def _setup_attrs_extra(self, model_class, args):
        self._setup_column_type()

    def _setup_column_type(self):
        """The column follows ``translate`` (JSONB holding every language) and ``size``."""
        if self.translate:
            self.column_type = ("jsonb", "JSONB")
        else:
            self.column_type = self._plain_column_type()

    def _plain_column_type(self):
        return type(self).column_type

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        if isinstance(value, bytes):
            value = value.decode()
        value = str(value)
        if self.size and validate and len(value) > self.size:
            value = value[:self.size]
        return value

    def convert_to_column(self, value, record):
        if value is None:
            return None
        return value

    def get_description(self, env):
        desc = super().get_description(env)
        if self.size:
            desc["size"] = self.size
        return desc

    def write(self, records, value):
        if not self.translate:
            return super().write(records, value)
        cache_value = self.convert_to_cache(value, records)
        env = records.env
        env.cache.update(records, self, [cache_value] * len(records._ids))
        if self.store:
            lang = env.lang or "en_US"
            towrite = env.transaction.towrite[self.model_name]
            for record_id in records._ids:
                pending = towrite.setdefault(record_id, {}).get(self.name)
                translations = dict(pending) if isinstance(pending, TranslatedValue) else {}
                translations[lang] = cache_value
                towrite[record_id][self.name] = TranslatedValue(translations)
            # other languages of these records may fall back to the new value
            env.cache.invalidate([(self, records._ids)])
            env.cache.update(records, self, [cache_value] * len(records._ids))
        return records

    def _set_computed(self, records, value):
        if not self.translate or not self.store:
            return super()._set_computed(records, value)
        cache_value = self.convert_to_cache(value, records, validate=False)
        env = records.env
        env.cache.update(records, self, [cache_value] * len(records._ids))
        lang = env.lang or "en_US"
        towrite = env.transaction.towrite[self.model_name]
        for record_id in records._ids:
            if record_id:
                towrite.setdefault(record_id, {})[self.name] = TranslatedValue({lang: cache_value})
        env.remove_to_compute(self, records)


class TranslatedValue(dict):
    """A pending update of a translated column: ``{lang: text}`` merged into the JSONB value."""


class Char(_String):
    """A single line of text: ``VARCHAR`` (``VARCHAR(size)`` with ``size``).

    :param size: maximum length; longer values are truncated
    :param translate: keep one value per language
    """

    type = "char"

    def _plain_column_type(self):
        return ("varchar", f"VARCHAR({int(self.size)})" if self.size else "VARCHAR")


class Text(_String):
    """Multi-line text: ``TEXT``."""

    type = "text"
    column_type = ("text", "TEXT")


def sanitize_html(value):
    """Keep only safe HTML (an allow-list of tags and attributes, no scripts or event handlers)."""
    if not value:
        return value
    import nh3
    return nh3.clean(value)


class Html(_String):
    """Rich text stored as HTML: ``TEXT``; sanitized on write unless ``sanitize=False``."""

    type = "html"
    column_type = ("text", "TEXT")
    _extra_attrs = {"sanitize": True, "strip_style": False}

    def convert_to_cache(self, value, record, validate=True):
        value = super().convert_to_cache(value, record, validate)
        if validate and self.sanitize and value:
            value = sanitize_html(value)
        return value

    def convert_to_export(self, value, record):
        if not value:
            return ""
        return html.unescape(re.sub(r"<[^>]+>", "", value))
