"""Reading a ``<calendar>`` arch into a :class:`CalendarSpec` (views.md §6).

Only what the client uses is kept: the date fields (``date_start`` required, ``date_stop`` or
``date_delay`` in hours, ``all_day``), ``color``, the default ``mode``, ``quick_create`` (legacy
``quick_add``) and ``create_name_field``, the permission flags, and the child ``<field>``\\ s
shown in the event's tooltip (``invisible="1"`` ones are fetched only). Unknown attributes are
ignored; a ``date_start`` naming no field of the model makes the spec unusable (``error`` says why).
"""
import dataclasses
import logging

from ...expr import literal_bool
from ..arch import children, parse_arch

_logger = logging.getLogger(__name__)

#: the modes the client renders; ``year`` (views.md §6 MAY) falls back to month
MODES = ("month", "week", "day")


@dataclasses.dataclass
class CalendarSpec:
    """What the calendar arch says, checked against the model's field descriptions."""
    date_start: str
    date_stop: str = None
    date_delay: str = None
    all_day: str = None
    color: str = None
    mode: str = "week"
    quick_create: bool = True
    create_name_field: str = "name"
    create: bool = True
    edit: bool = True
    delete: bool = True
    string: str = ""
    #: child fields in arch order: ``(name, invisible)``, invisible True/False or an expression
    #: evaluated on the event's record
    fields: list = dataclasses.field(default_factory=list)
    #: why the arch cannot be shown (None when it can)
    error: str = None

    def date_fields(self):
        """The fields that hold the event's span (the ones a drag writes)."""
        return [name for name in (self.date_start, self.date_stop, self.date_delay) if name]

    def fetch_fields(self, descriptions):
        """The fields one ``search_read`` needs: span, all-day flag, colour, title and tooltip."""
        names = ["display_name", *self.date_fields()]
        for name in (self.all_day, self.color, *[name for name, _ in self.fields]):
            if name:
                names.append(name)
        seen = []
        for name in names:
            if name not in seen and (name == "display_name" or name in descriptions):
                seen.append(name)
        return seen

    def tooltip_fields(self):
        """``(name, invisible)`` of the children shown in the tooltip (not the always invisible)."""
        return [(name, invisible) for name, invisible in self.fields if invisible is not True]


def _flag(root, name, default=True):
    value = literal_bool(root.get(name)) if root.get(name) is not None else None
    return default if value is None else bool(value)


def parse_calendar(arch, descriptions):
    """The :class:`CalendarSpec` of ``arch`` (text or parsed root) for a model with ``descriptions``."""
    root = parse_arch(arch) if isinstance(arch, (str, bytes)) else arch
    spec = CalendarSpec(date_start=root.get("date_start") or "")
    for attribute in ("date_stop", "date_delay", "all_day", "color"):
        name = root.get(attribute)
        if name and name in descriptions:
            setattr(spec, attribute, name)
        elif name:
            _logger.warning("calendar view: %s=%r is not a field of the model; ignored", attribute, name)
    mode = (root.get("mode") or "week").strip()
    spec.mode = mode if mode in MODES else ("month" if mode == "year" else "week")
    quick = root.get("quick_create") if root.get("quick_create") is not None else root.get("quick_add")
    spec.quick_create = literal_bool(quick) is not False if quick is not None else True
    spec.create_name_field = root.get("create_name_field") or "name"
    spec.create, spec.edit, spec.delete = (_flag(root, flag) for flag in ("create", "edit", "delete"))
    spec.string = root.get("string") or ""
    for child in children(root):
        if child.tag == "field" and child.get("name") in descriptions:
            text = child.get("invisible")
            literal = literal_bool(text)
            spec.fields.append((child.get("name"), text.strip() if literal is None and text else bool(literal)))
    if not spec.date_start:
        spec.error = "the calendar view has no date_start"
    elif spec.date_start not in descriptions:
        spec.error = f"the calendar's date_start {spec.date_start!r} is not a field of the model"
    elif descriptions[spec.date_start].get("type") not in ("date", "datetime"):
        spec.error = f"the calendar's date_start {spec.date_start!r} is not a date or datetime field"
    return spec
