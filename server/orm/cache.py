"""The transaction cache: field values keyed by (field, record id) (orm.md §8).

Values are kept in *cache format* (ids rather than records, tuples for x2many). Fields whose value
depends on the context (translated fields, ``depends_context``) are keyed by the relevant context
values as well, so the same record can hold its French and English names side by side.
"""
from ..exceptions import CacheMiss

_NOTHING = object()


class Cache:
    """Field values of one transaction."""

    def __init__(self):
        # {field: {id: value}} or, for context-dependent fields, {field: {key: {id: value}}}
        self._data = {}

    def _field_data(self, field, env, create=False):
        data = self._data.get(field)
        if data is None:
            if not create:
                return None
            data = self._data[field] = {}
        if field.context_dependent:
            key = field.cache_key(env)
            sub = data.get(key)
            if sub is None:
                if not create:
                    return None
                sub = data[key] = {}
            return sub
        return data

    def contains(self, record, field):
        data = self._field_data(field, record.env)
        return data is not None and record._ids[0] in data

    def get(self, record, field, default=_NOTHING):
        """The cached value of ``field`` for the singleton ``record``.

        :raises CacheMiss: no value is cached and no default was given
        """
        data = self._field_data(field, record.env)
        try:
            return data[record._ids[0]]
        except (KeyError, TypeError):
            if default is _NOTHING:
                raise CacheMiss(record, field) from None
            return default

    def set(self, record, field, value):
        self._field_data(field, record.env, create=True)[record._ids[0]] = value

    def update(self, records, field, values):
        """Set one value per record (``values`` is an iterable aligned with ``records``)."""
        data = self._field_data(field, records.env, create=True)
        data.update(zip(records._ids, values))

    def set_many(self, env, field, pairs):
        """Set values from ``(id, value)`` pairs."""
        self._field_data(field, env, create=True).update(pairs)

    def get_values(self, records, field):
        """Cached values of the records that have one, in record order."""
        data = self._field_data(field, records.env) or {}
        return [data[i] for i in records._ids if i in data]

    def get_until_miss(self, records, field):
        """Cached values for the leading records until the first one without a value."""
        data = self._field_data(field, records.env) or {}
        out = []
        for record_id in records._ids:
            if record_id not in data:
                break
            out.append(data[record_id])
        return out

    def missing_ids(self, records, field):
        """Ids of ``records`` without a cached value for ``field``."""
        data = self._field_data(field, records.env)
        if data is None:
            return list(records._ids)
        return [i for i in records._ids if i not in data]

    def cached_ids(self, env, field):
        data = self._field_data(field, env)
        return list(data) if data else []

    def remove(self, record, field):
        self.invalidate([(field, record._ids)])

    def invalidate(self, spec=None):
        """Forget values: ``spec`` is a list of ``(field, ids or None)``; None forgets everything."""
        if spec is None:
            self._data.clear()
            return
        for field, ids in spec:
            data = self._data.get(field)
            if not data:
                continue
            if ids is None:
                del self._data[field]
                continue
            subs = data.values() if field.context_dependent else [data]
            for sub in subs:
                for record_id in ids:
                    sub.pop(record_id, None)

    def clear(self):
        self._data.clear()

    def fields_with_values(self):
        return list(self._data)

    def patch_x2many(self, field, ids_to_remove):
        """Drop removed ids from every cached value of an x2many field (after records are deleted)."""
        data = self._data.get(field)
        if not data:
            return
        ids_to_remove = set(ids_to_remove)
        subs = data.values() if field.context_dependent else [data]
        for sub in subs:
            for key, value in sub.items():
                if value and not ids_to_remove.isdisjoint(value):
                    sub[key] = tuple(i for i in value if i not in ids_to_remove)
