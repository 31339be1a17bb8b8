"""Binary content: Binary and Image (orm.md §3, FLD-4).

With ``attachment=True`` (the default) the content lives in an ``ir.attachment`` record linked by
``res_model``/``res_id``/``res_field``, not in the model's table; with ``attachment=False`` it is a
``BYTEA`` column. In Python the value is ``bytes``; over RPC it is a base64 string (or, with
``context['bin_size']``, a human-readable size such as ``"12.30 Kb"``). Written values may be a
base64 ``str`` or raw ``bytes`` (Bureau decision: ``bytes`` are taken as the content itself).
"""
import base64
import binascii

from ...db.sql import SQL
from .base import Field


def human_size(size):
    units = ("bytes", "Kb", "Mb", "Gb", "Tb")
    value = float(size)
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{value:.2f} {units[unit]}"


class Binary(Field):
    """Binary content.

    :param attachment: keep the content in ``ir.attachment`` (True) or in a ``BYTEA`` column
    """

    type = "binary"
    _extra_attrs = {"attachment": True}

    def _setup_attrs_extra(self, model_class, args):
        self.column_type = None if self.attachment else ("bytea", "BYTEA")
        if self.attachment:
            self.prefetch = False

    def _default_copy(self):
        return True

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        if isinstance(value, memoryview):
            return bytes(value)
        if isinstance(value, bytes):
            return value
        if isinstance(value, str):
            try:
                return base64.b64decode(value.encode(), validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(f"Wrong value for {self}: not a base64 string") from None
        raise ValueError(f"Wrong value for {self}: {type(value).__name__}")

    def convert_to_record(self, value, record):
        return value if value else False

    def convert_to_read(self, value, record, use_display_name=True):
        if not value:
            return False
        if record.env.context.get("bin_size"):
            return human_size(len(value))
        return base64.b64encode(value).decode()

    def convert_to_column(self, value, record):
        import psycopg2
        return psycopg2.Binary(value) if value else None

    def convert_to_export(self, value, record):
        return base64.b64encode(value).decode() if value else ""

    # -- attachment storage ----------------------------------------------------------------------
    def fetch_attachments(self, records):
        """Read the content of ``records`` from their attachments into the cache (one query)."""
        env = records.env
        ids = [i for i in records._ids if i]
        values = dict.fromkeys(ids)
        if ids:
            Attachment = env["ir.attachment"].sudo()
            for res_id, content in Attachment._read_field_contents(self.model_name, self.name, ids):
                values[res_id] = content
        env.cache.set_many(env, self, values.items())

    def write(self, records, value):
        if not self.attachment or not self.store:
            return super().write(records, value)
        content = self.convert_to_cache(value, records)
        env = records.env
        real = [i for i in records._ids if i]
        if real:
            env["ir.attachment"].sudo()._write_field_contents(self.model_name, self.name, real, content)
        env.cache.update(records, self, [content] * len(records._ids))
        return records

    def create_values(self, records, values):
        env = records.env
        if self.attachment and self.store:
            Attachment = env["ir.attachment"].sudo()
            for record, value in zip(records, values):
                content = self.convert_to_cache(value, record)
                if content:
                    Attachment._write_field_contents(self.model_name, self.name, record._ids, content)
                env.cache.set(record, self, content)
            return
        super().create_values(records, values)


class Image(Binary):
    """An image (as Binary); ``max_width``/``max_height`` bound its size (resized on write when
    Pillow is available)."""

    type = "binary"
    _extra_attrs = {"max_width": 0, "max_height": 0, "verify_resolution": True}

    def convert_to_cache(self, value, record, validate=True):
        content = super().convert_to_cache(value, record, validate)
        if content and validate and (self.max_width or self.max_height):
            content = _resize(content, self.max_width, self.max_height)
        return content


def _resize(content, max_width, max_height):
    try:
        import io
        from PIL import Image as PILImage
    except ImportError:
        return content
    try:
        image = PILImage.open(io.BytesIO(content))
    except Exception:
        raise ValueError("The file is not an image Bureau can read") from None
    width, height = image.size
    if (not max_width or width <= max_width) and (not max_height or height <= max_height):
        return content
    image.thumbnail((max_width or width, max_height or height))
    out = io.BytesIO()
    image.save(out, format=image.format or "PNG")
    return out.getvalue()


class Json(Field):
    """Structured data (lists, dicts, numbers, strings) in a ``JSONB`` column."""

    type = "json"
    column_type = ("jsonb", "JSONB")

    def _default_copy(self):
        return True

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        if validate:
            import json
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                raise ValueError(f"Wrong value for {self}: not JSON-serializable") from None
        return value

    def convert_to_column(self, value, record):
        import psycopg2.extras
        return None if value is None else psycopg2.extras.Json(value)


def attachment_where(model_name, field_name, ids):
    return SQL("res_model = %s AND res_field = %s AND res_id IN %s", model_name, field_name, tuple(ids))
