"""The state of a search: facets, and the domain, context and group-by they make (views.md §5).

:class:`SearchModel` is the search view without widgets: the bar shows its facets as chips and
calls its methods; tests drive it directly. A facet is one of

* a **field** facet: values typed for one search field (several values → OR);
* a **filter** facet: the active filters of one block (→ OR); date filters contribute the ranges
  of their chosen periods;
* the **group-by** facet: group-by specs in the order chosen (nested in that order).

Facets are AND-ed. ``search_default_<name>`` keys of the action context switch filters and
group-bys on and pre-fill fields (:meth:`SearchModel.apply_defaults`).
"""
import datetime
import logging
from dataclasses import dataclass, field

from ...expr import ExpressionError, base_names, evaluate_literal
from ...qt import QObject, Signal, tr
from .domain import (AND, OR, OPERATORS, evaluate_domain, field_domain, operator_kind, parse_value,
                     period_options, range_domain, default_period_key)

_logger = logging.getLogger(__name__)


@dataclass
class FacetValue:
    label: str
    value: object = None           # typed text, record id, parsed value, Filter, group-by spec
    operator: str = None           # an operator chosen in the custom filter
    option: object = None          # the period option of a date filter
    field: object = None           # the SearchField of a field value


@dataclass
class Facet:
    kind: str                      # "field" | "filter" | "groupby"
    key: str
    title: str
    values: list = field(default_factory=list)

    @property
    def label(self):
        separator = " > " if self.kind == "groupby" else tr(" or ")
        return separator.join(value.label for value in self.values)


@dataclass
class Proposal:
    """A line of the drop-down under the search box."""

    field: object
    label: str
    value: object
    expandable: bool = False


class SearchModel(QObject):
    """:param spec: the :class:`~client_qt.views.search.parser.SearchSpec`
    :param fields: field descriptions of the model
    :param context: the action context (``search_default_*``, and the evaluation context of domains)
    """

    changed = Signal()             # the search changed: run it again
    labels_changed = Signal()      # only a label changed (a name arrived): redraw the chips

    def __init__(self, spec, fields, context=None, uid=None, user_tz=None, today=None, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.fields = fields
        self.context = dict(context or {})
        self.uid = uid
        self.user_tz = user_tz
        self.today = today
        self.facets = []

    def names(self):
        return base_names(self.context, self.uid, self.today)

    def _today(self):
        return self.today or datetime.date.today()

    # -- facets ----------------------------------------------------------------------------------
    def _facet(self, kind, key, title):
        facet = next((f for f in self.facets if f.kind == kind and f.key == key), None)
        if facet is None:
            facet = Facet(kind, key, title)
            self.facets.append(facet)
        return facet

    def add_field_value(self, search_field, label, value, operator=None, notify=True):
        """Search ``search_field`` for ``value`` (shown as ``label``)."""
        title = search_field.string
        if operator:
            operator_label = tr(dict(OPERATORS[operator_kind(search_field.type)]).get(operator, operator))
            label = f"{operator_label} {label}".strip() if operator not in ("set", "not set", "true", "false") \
                else operator_label
        facet = self._facet("field", search_field.name, title)
        facet.values.append(FacetValue(label, value, operator, field=search_field))
        if notify:
            self.changed.emit()
        return facet

    def is_active(self, entry, option_key=None):
        facet = next((f for f in self.facets if f.kind == "filter" and f.key == f"block:{entry.block}"), None)
        if facet is None:
            return False
        return any(v.value is entry and (option_key is None or (v.option and v.option[0] == option_key))
                   for v in facet.values)

    def toggle_filter(self, entry, option_key=None, notify=True):
        """Switch a filter (or one period of a date filter) on or off."""
        key = f"block:{entry.block}"
        facet = self._facet("filter", key, tr("Filters"))
        existing = [v for v in facet.values if v.value is entry
                    and (option_key is None or (v.option and v.option[0] == option_key))]
        if existing:
            for value in existing:
                facet.values.remove(value)
        else:
            option = None
            label = entry.string
            if entry.date:
                key_ = option_key or default_period_key(entry)
                option = next((o for o in self._periods(entry) if o[0] == key_), None)
                if option is None:
                    option = next((o for o in entry.options if o.name == key_), None)
                    option = (key_, option.string, option) if option else None
                if option is not None:
                    label = f"{entry.string}: {option[1]}"
            facet.values.append(FacetValue(label, entry, option=option))
        if not facet.values:
            self.facets.remove(facet)
        if notify:
            self.changed.emit()

    def _periods(self, entry):
        return period_options(entry, self._today())

    def periods(self, entry):
        """``[(key, label)]`` of a date filter's periods and extra options, for the menu."""
        return [(o[0], o[1]) for o in self._periods(entry)] + [(o.name, o.string) for o in entry.options]

    def toggle_group_by(self, spec, label, notify=True):
        """Add a group-by spec at the end (or remove it when it is there)."""
        facet = self._facet("groupby", "groupby", tr("Group By"))
        existing = [v for v in facet.values if v.value == spec]
        if existing:
            facet.values.remove(existing[0])
        else:
            facet.values.append(FacetValue(label, spec))
        if not facet.values:
            self.facets.remove(facet)
        if notify:
            self.changed.emit()

    def remove_facet(self, index):
        if 0 <= index < len(self.facets):
            del self.facets[index]
            self.changed.emit()

    def remove_last(self):
        """Backspace in the empty box."""
        if self.facets:
            self.remove_facet(len(self.facets) - 1)
            return True
        return False

    def clear(self):
        self.facets = []
        self.changed.emit()

    # -- results ---------------------------------------------------------------------------------
    def domain(self):
        parts = []
        names = self.names()
        for facet in self.facets:
            if facet.kind == "field":
                parts.append(OR([self._value_domain(v, names) for v in facet.values]))
            elif facet.kind == "filter":
                parts.append(OR([self._filter_domain(v, names) for v in facet.values]))
        return AND(parts)

    def _value_domain(self, value, names):
        try:
            return field_domain(value.field, value.value, value.operator, names, self.user_tz)
        except ExpressionError as exc:
            _logger.warning("search field %s: %s", value.field.name, exc)
            return [(value.field.name, "ilike", value.value)]

    def _filter_domain(self, value, names):
        entry = value.value
        try:
            if entry.date and value.option is not None:
                option = value.option
                if isinstance(option[2], datetime.date):
                    field_type = (self.fields.get(entry.date) or {}).get("type", "date")
                    return range_domain(entry.date, field_type, option[2], option[3], self.user_tz)
                return evaluate_domain(option[2].domain, names)
            return evaluate_domain(entry.domain, names)
        except ExpressionError as exc:
            _logger.warning("filter %s: %s", entry.name, exc)
            return []

    def search_context(self):
        """The contexts of the active filters and field values (``self`` is the value)."""
        result = {}
        names = self.names()
        for facet in self.facets:
            for value in facet.values:
                text = value.field.context if facet.kind == "field" else (
                    value.value.context if facet.kind == "filter" else None)
                if not text:
                    continue
                extra = evaluate_literal(text, {"self": value.value}, names, default={})
                if isinstance(extra, dict):
                    result.update({k: v for k, v in extra.items() if k != "group_by"})
        return result

    def group_by(self):
        facet = next((f for f in self.facets if f.kind == "groupby"), None)
        return [v.value for v in facet.values] if facet else []

    # -- proposals -------------------------------------------------------------------------------
    def proposals(self, text):
        """The "Search <field> for: <text>" lines for typed text, one per search field that can take it."""
        text = text.strip()
        if not text:
            return []
        result = []
        for search_field in self.spec.fields:
            kind = search_field.type
            label = tr("Search {0} for: {1}").format(search_field.string, text)
            if kind == "selection":
                for key, option in search_field.description.get("selection") or []:
                    if text.lower() in str(option).lower():
                        result.append(Proposal(search_field, tr("Search {0} for: {1}").format(search_field.string,
                                                                                             option), (key, option)))
                continue
            if kind in ("integer", "float", "monetary", "date", "datetime", "boolean"):
                value = parse_value(kind, text)
                if value is None:
                    continue
                result.append(Proposal(search_field, label, (value, text)))
                continue
            result.append(Proposal(search_field, label, (text, text), expandable=kind == "many2one"))
        return result

    def choose(self, proposal):
        """Add the facet value of a proposal."""
        value, label = proposal.value
        self.add_field_value(proposal.field, str(label), value)

    # -- defaults --------------------------------------------------------------------------------
    def apply_defaults(self, context=None, resolve_name=None):
        """Apply the ``search_default_*`` keys (views.md §5); no ``changed`` signal per key.

        :param resolve_name: ``(search_field, id, set_label)`` to fetch the name of a many2one id
        """
        context = self.context if context is None else context
        defaults = {key[len("search_default_"):]: value for key, value in context.items()
                    if key.startswith("search_default_") and value not in (False, None, "", 0)}
        group_bys = []
        for name, value in defaults.items():
            entry = self.spec.filter(name)
            if entry is not None:
                self.toggle_filter(entry, notify=False)
                continue
            group_entry = self.spec.group_by_entry(name)
            if group_entry is not None:
                order = value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
                group_bys.append((order, len(group_bys), group_entry))
                continue
            search_field = self.spec.field(name)
            if search_field is None:
                _logger.warning("search_default_%s matches no filter or field", name)
                continue
            if search_field.type == "many2one" and isinstance(value, int) and not isinstance(value, bool):
                facet = self.add_field_value(search_field, "…", value, notify=False)
                if resolve_name is not None:
                    item = facet.values[-1]
                    resolve_name(search_field, value, lambda label, item=item: self._relabel(item, label))
            elif search_field.type == "selection":
                label = dict((k, v) for k, v in search_field.description.get("selection") or []).get(value, value)
                self.add_field_value(search_field, str(label), value, notify=False)
            else:
                self.add_field_value(search_field, str(value), value, notify=False)
        for _, _, entry in sorted(group_bys, key=lambda item: (item[0], item[1])):
            for spec in entry.group_by:
                self.toggle_group_by(spec, entry.string, notify=False)

    def _relabel(self, item, label):
        item.label = label
        self.labels_changed.emit()
