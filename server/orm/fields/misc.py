"""Fields every model has: the ``id`` descriptor."""
from .base import Field


class Id(Field):
    """The record id (``SERIAL`` primary key); ``record.id`` is the id, False when empty."""

    type = "integer"
    column_type = ("int4", "INT4")

    def _setup_attrs_extra(self, model_class, args):
        self.store = True
        self.readonly = True
        self.copy = False
        self.prefetch = False
        self.string = "ID"
        self.aggregator = None

    def __get__(self, record, owner=None):
        if record is None:
            return self
        ids = record._ids
        if not ids:
            return False
        if len(ids) > 1:
            raise ValueError(f"Expected singleton: {record}")
        return ids[0]

    def __set__(self, record, value):
        raise TypeError("field 'id' cannot be assigned")

    def convert_to_cache(self, value, record, validate=True):
        return value

    def convert_to_read(self, value, record, use_display_name=True):
        return value
