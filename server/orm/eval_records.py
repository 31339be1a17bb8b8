"""Records as evaluated expressions see them (security.md EVAL-3).

:class:`RecordData` — for record rules, data files and other expressions — exposes field values,
``id`` and ``ids`` and nothing else: no ``sudo``, ``write`` or ``env``, so an expression cannot act
with more rights than its author. Reading a field goes through the ORM with the rights of the
records' environment.

:class:`ActingRecords` — for server actions — adds the model methods an RPC client could call
(:mod:`bureau.orm.public_methods`) plus ``browse``, ``mapped`` and ``ensure_one``; they run with
the environment of the user who triggered the action. :class:`ActingEnvironment` gives
``env['model']``, ``env.user``, ``env.company``, ``env.context`` and ``env.uid``.
"""
from .public_methods import public_method


def _records_of(proxy):
    return object.__getattribute__(proxy, "_records")


class RecordData:
    """Read-only view of a recordset: field values, ``id``, ``ids``, ``len``, iteration, ``in``."""

    __slots__ = ("_records",)
    #: tells the evaluator that attribute names are field names
    safe_eval_proxy = True

    def __init__(self, records):
        object.__setattr__(self, "_records", records)

    def _wrap(self, value):
        return type(self)(value) if hasattr(value, "_ids") else value

    def __getattr__(self, name):
        records = _records_of(self)
        if name == "id":
            return records.id if len(records) == 1 else False
        if name == "ids":
            return list(records.ids)
        if name not in records._fields:
            raise AttributeError(f"{records._name} has no field {name!r}")
        return self._wrap(records[name])

    def __setattr__(self, name, value):
        raise AttributeError("records are read-only in expressions")

    def __len__(self):
        return len(_records_of(self))

    def __bool__(self):
        return bool(_records_of(self))

    def __iter__(self):
        return (type(self)(record) for record in _records_of(self))

    def __getitem__(self, index):
        if isinstance(index, str):
            return self.__getattr__(index)
        return type(self)(_records_of(self)[index])

    def __contains__(self, item):
        ids = item.ids if isinstance(item, RecordData) else [item]
        return set(ids) <= set(_records_of(self).ids)

    def __eq__(self, other):
        if isinstance(other, RecordData):
            mine, theirs = _records_of(self), _records_of(other)
            return mine._name == theirs._name and mine.ids == theirs.ids
        return NotImplemented

    def __hash__(self):
        records = _records_of(self)
        return hash((records._name, tuple(records.ids)))

    def __repr__(self):
        return repr(_records_of(self))


def unwrap(value):
    """Proxies inside arguments (also in dicts, lists and tuples) back to recordsets."""
    if isinstance(value, RecordData):
        return _records_of(value)
    if isinstance(value, dict):
        return {key: unwrap(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(unwrap(item) for item in value)
    return value


class ActingRecords(RecordData):
    """Records for server actions: fields, plus the public methods of the model."""

    __slots__ = ()
    _EXTRA = ("browse", "mapped", "ensure_one", "filtered_domain")

    def __getattr__(self, name):
        records = _records_of(self)
        if name in records._fields or name in ("id", "ids"):
            return super().__getattr__(name)
        if name in self._EXTRA:
            function = getattr(records, name)
        else:
            public_method(records, name)
            function = getattr(records, name)

        def call(*args, **kwargs):
            if name == "mapped" and not (args and isinstance(args[0], str)):
                raise ValueError("mapped() takes a field path in server actions")
            return self._wrap(function(*unwrap(args), **unwrap(kwargs)))
        return call


class ActingEnvironment:
    """``env`` in a server action: models as :class:`ActingRecords`, the user and company as data."""

    __slots__ = ("_env",)
    safe_eval_proxy = True

    def __init__(self, env):
        object.__setattr__(self, "_env", env)

    def __getitem__(self, model_name):
        env = object.__getattribute__(self, "_env")
        return ActingRecords(env[model_name])

    def __contains__(self, model_name):
        return model_name in object.__getattribute__(self, "_env")

    def __getattr__(self, name):
        env = object.__getattribute__(self, "_env")
        if name == "user":
            return RecordData(env.user)
        if name == "company":
            return RecordData(env.company)
        if name == "companies":
            return RecordData(env.companies)
        if name == "uid":
            return env.uid
        if name == "context":
            return dict(env.context)
        if name == "lang":
            return env.lang
        raise AttributeError(f"env has no attribute {name!r} in server actions")

    def __setattr__(self, name, value):
        raise AttributeError("env is read-only in server actions")
