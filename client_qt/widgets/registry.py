"""Which widget class shows a field: ``widget=`` name first, then the field type (views.md §11).

Widget modules are imported on first use, from the :data:`WIDGETS` table (widget name ->
``module:Class``). An unknown ``widget=`` name falls back to the default widget of the field type
(logged once per name); an unknown field type falls back to the char widget (views.md §1).
"""
import importlib
import logging

_logger = logging.getLogger(__name__)

#: widget name or field type -> "module:Class" under client_qt.widgets
WIDGETS = {
    "char": "char:CharWidget",
    "text": "text:TextWidget",
    "html": "html:HtmlWidget",
    "integer": "integer:IntegerWidget",
    "float": "float:FloatWidget",
    "float_time": "float:FloatTimeWidget",
    "monetary": "monetary:MonetaryWidget",
    "boolean": "boolean:BooleanWidget",
    "boolean_toggle": "boolean_toggle:BooleanToggleWidget",
    "date": "date:DateWidget",
    "datetime": "datetime:DatetimeWidget",
    "selection": "selection:SelectionWidget",
    "radio": "radio:RadioWidget",
    "badge": "badge:BadgeWidget",
    "label_selection": "badge:BadgeWidget",
    "many2one": "many2one:Many2oneWidget",
    "one2many": "one2many:One2manyWidget",
    "one2many_list": "one2many:One2manyWidget",
    "many2many": "many2many:Many2manyWidget",
    "many2many_tags": "many2many_tags:Many2manyTagsWidget",
    "binary": "binary:BinaryWidget",
    "image": "image:ImageWidget",
    "url": "url:UrlWidget",
    "email": "email:EmailWidget",
    "phone": "phone:PhoneWidget",
    "reference": "reference:ReferenceWidget",
    "statusbar": "statusbar:StatusbarWidget",
    "priority": "priority:PriorityWidget",
    "handle": "handle:HandleWidget",
    "statinfo": "statinfo:StatinfoWidget",
    "many2one_reference": "integer:IntegerWidget",
    "json": "char:CharWidget",
}

#: widgets that only make sense for some field types (others fall back to the type's widget)
COMPATIBLE = {
    "many2many_tags": ("many2many", "one2many"),
    "statusbar": ("selection", "many2one"),
    "priority": ("selection",),
    "radio": ("selection", "many2one"),
    "badge": ("selection", "many2one"),
    "label_selection": ("selection",),
    "boolean_toggle": ("boolean",),
    "float_time": ("float", "monetary"),
    "image": ("binary",),
    "monetary": ("monetary", "float"),
    "handle": ("integer",),
    "statinfo": ("integer", "float", "monetary", "char"),
    "one2many": ("one2many", "many2many"),
    "many2many": ("many2many", "one2many"),
}

_warned = set()
_classes = {}


def _load(entry):
    if entry not in _classes:
        module_name, _, class_name = entry.partition(":")
        module = importlib.import_module(f"client_qt.widgets.{module_name}")
        _classes[entry] = getattr(module, class_name)
    return _classes[entry]


def widget_class(widget_name, field_type):
    """The widget class for ``widget=widget_name`` on a field of ``field_type``."""
    if widget_name:
        entry = WIDGETS.get(widget_name)
        allowed = COMPATIBLE.get(widget_name)
        if entry is not None and (allowed is None or field_type in allowed):
            return _load(entry)
        if widget_name not in _warned:
            _warned.add(widget_name)
            _logger.warning("widget %r is not supported for %s fields: using the default widget",
                            widget_name, field_type)
    entry = WIDGETS.get(field_type)
    if entry is None:
        if field_type not in _warned:
            _warned.add(field_type)
            _logger.warning("no widget for field type %r: shown as text", field_type)
        entry = WIDGETS["char"]
    return _load(entry)


def create_widget(spec, host, parent=None):
    """A widget for the :class:`~client_qt.widgets.base.FieldSpec` ``spec`` shown by ``host``."""
    return widget_class(spec.widget, spec.type)(spec, host, parent)
