"""Choice fields: Selection and Reference (orm.md §3, FLD-1)."""
from .base import Field


class Selection(Field):
    """One value out of a fixed list of ``(key, label)`` pairs: ``VARCHAR`` (``INT4`` for int keys).

    :param selection: a list of ``(key, label)``, a method name or a callable returning such a list
    :param selection_add: in an extension, pairs appended to the list; a 1-tuple ``(key,)`` places
        the following new pairs right after an existing key
    :param ondelete: ``{key: policy}`` for added keys: ``'set null'``, ``'set default'``,
        ``'cascade'`` or a callable, applied to rows holding the key when the addon is uninstalled
    """

    type = "selection"
    column_type = ("varchar", "VARCHAR")
    _extra_attrs = {"selection": None, "selection_add": None, "ondelete": None}

    def __init__(self, selection=None, string=None, **kwargs):
        if selection is not None:
            kwargs["selection"] = selection
        super().__init__(string=string, **kwargs)

    def _setup_attrs_extra(self, model_class, args):
        selection = None
        ondelete = {}
        for definition in self._base_fields:
            own = definition._def_args
            if "selection" in own:
                selection = own["selection"]
            if own.get("selection_add"):
                if not isinstance(selection, list):
                    raise TypeError(f"{self}: selection_add needs a static selection list to extend")
                selection = _merge_selection(list(selection), own["selection_add"])
                for key in own.get("ondelete") or {}:
                    ondelete[key] = own["ondelete"][key]
                added = [item[0] for item in own["selection_add"] if len(item) > 1]
                missing = [k for k in added if k not in (own.get("ondelete") or {})]
                if missing and self.required:
                    raise TypeError(f"{self}: added selection values {missing} need an ondelete policy")
        self.selection = selection
        self.selection_ondelete = ondelete
        if isinstance(selection, list) and selection and all(isinstance(k, int) for k, _ in selection):
            self.column_type = ("int4", "INT4")

    def get_selection(self, env):
        """The ``(key, label)`` pairs, evaluated for dynamic selections."""
        selection = self.selection
        if isinstance(selection, str):
            return list(getattr(env[self.model_name], selection)())
        if callable(selection):
            return list(selection(env[self.model_name]))
        return list(selection or [])

    def get_values(self, env):
        return [key for key, _ in self.get_selection(env)]

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        if validate and self.selection is not None:
            keys = self.get_values(record.env)
            if value not in keys:
                raise ValueError(f"Wrong value for {self}: {value!r} (allowed: "
                                 f"{', '.join(repr(k) for k in keys)})")
        return value

    def convert_to_export(self, value, record):
        if not value:
            return ""
        return dict(self.get_selection(record.env)).get(value, value)

    def get_description(self, env):
        desc = super().get_description(env)
        desc["selection"] = [[key, env._(label) if isinstance(label, str) else label]
                             for key, label in self.get_selection(env)]
        return desc


def _merge_selection(selection, additions):
    """Insert ``additions`` into ``selection`` (orm.md FLD-1 positions)."""
    keys = [item[0] for item in selection]
    position = len(selection)
    for item in additions:
        if len(item) == 1:
            if item[0] not in keys:
                raise TypeError(f"selection_add references unknown value {item[0]!r}")
            position = keys.index(item[0]) + 1
            continue
        key = item[0]
        if key in keys:
            index = keys.index(key)
            selection[index] = tuple(item)
            position = index + 1
            continue
        selection.insert(position, tuple(item))
        keys.insert(position, key)
        position += 1
    return selection


class Reference(Selection):
    """A link to a record of any of several models, stored as ``"model,id"`` (``VARCHAR``).

    The record value is a recordset of the target model or False; a target that was deleted reads
    as False (there is no foreign key).
    """

    type = "reference"
    column_type = ("varchar", "VARCHAR")

    def _setup_attrs_extra(self, model_class, args):
        super()._setup_attrs_extra(model_class, args)
        self.column_type = ("varchar", "VARCHAR")

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        if hasattr(value, "_name") and hasattr(value, "_ids"):
            if not value:
                return None
            value = f"{value._name},{value.id}"
        if not isinstance(value, str) or "," not in value:
            raise ValueError(f"Wrong value for {self}: {value!r} (expected 'model,id')")
        model_name, _, res_id = value.partition(",")
        if validate:
            if self.selection is not None and model_name not in self.get_values(record.env):
                raise ValueError(f"Wrong value for {self}: model {model_name!r} is not allowed")
            if model_name not in record.env:
                raise ValueError(f"Wrong value for {self}: unknown model {model_name!r}")
            try:
                int(res_id)
            except ValueError:
                raise ValueError(f"Wrong value for {self}: {value!r} (expected 'model,id')") from None
        return value

    def convert_to_record(self, value, record):
        if not value:
            return False
        model_name, _, res_id = value.partition(",")
        if model_name not in record.env:
            return False
        target = record.env[model_name].browse(int(res_id))
        # a dangling reference reads as False
        return target if target.sudo().exists() else False

    def convert_to_read(self, value, record, use_display_name=True):
        if not value:
            return False
        return f"{value._name},{value.id}"

    def convert_to_export(self, value, record):
        return value.display_name if value else ""
