"""What the graph and pivot views show, apart from any widget (views.md §7).

* :func:`parse_analysis` reads a ``graph`` or ``pivot`` arch into an :class:`AnalysisSpec` (row and
  column group-bys, measures, chart type ...), legacy ``operator="+"`` measures included;
* :func:`offered_measures` / :func:`groupable_fields`: what the user may choose;
* :func:`group_key` / :func:`group_label`: one value of a ``read_group`` group as a hashable key
  and as the text shown;
* :func:`fetch_graph` (blocking: run it through the session's runner) makes the one ``read_group``
  call of a graph and :func:`chart_data` turns its groups into categories and series.

The pivot view (``client_qt.views.pivot``) uses the same helpers.
"""
import dataclasses
import logging

from ..arch import children, parse_arch

_logger = logging.getLogger(__name__)

COUNT = "__count"
INTERVALS = ("day", "week", "month", "quarter", "year")
DATE_TYPES = ("date", "datetime")
NUMERIC_TYPES = ("integer", "float", "monetary")
NOT_GROUPABLE = ("one2many", "many2many", "text", "html", "binary", "json", "image", "properties")
TRUE_VALUES = ("1", "true", "True")


@dataclasses.dataclass
class AnalysisSpec:
    """What a graph or pivot arch asks for."""
    title: str = ""
    chart: str = "bar"
    stacked: bool = True
    order: str = ""
    disable_linking: bool = False
    rows: list = dataclasses.field(default_factory=list)
    cols: list = dataclasses.field(default_factory=list)
    measures: list = dataclasses.field(default_factory=list)
    hidden: set = dataclasses.field(default_factory=set)
    strings: dict = dataclasses.field(default_factory=dict)
    display_quantity: bool = False
    default_order: str = ""


def _true(value, default=False):
    if value is None:
        return default
    return value in TRUE_VALUES


def groupby_spec(name, interval, fields):
    """``name`` or ``name:interval`` (dates group by month unless told)."""
    description = fields.get(name) or {}
    if description.get("type") in DATE_TYPES:
        return f"{name}:{interval if interval in INTERVALS else 'month'}"
    return name


def parse_analysis(arch, fields):
    """:param arch: the arch (string or element) of a ``graph`` or ``pivot`` view"""
    root = parse_arch(arch) if isinstance(arch, (str, bytes)) else arch
    spec = AnalysisSpec(title=root.get("string") or "")
    chart = root.get("type") or "bar"
    spec.chart = chart if chart in ("bar", "line", "pie") else "bar"
    spec.stacked = _true(root.get("stacked"), True)
    spec.order = (root.get("order") or "").lower() if (root.get("order") or "").lower() in ("asc", "desc") else ""
    spec.disable_linking = _true(root.get("disable_linking"))
    spec.display_quantity = _true(root.get("display_quantity"))
    spec.default_order = root.get("default_order") or ""
    legacy_axis = None
    for node in children(root):
        if node.tag != "field":
            continue
        name = node.get("name")
        if not name or name not in fields:
            _logger.warning("%s view: field %r is not a field of the model, ignored", root.tag, name)
            continue
        if node.get("string"):
            spec.strings[name] = node.get("string")
        if _true(node.get("invisible")):
            spec.hidden.add(name)
            continue
        kind = node.get("type")
        if node.get("operator") == "+" and kind is None:
            kind = "measure"
        if kind == "measure":
            if name in spec.measures:
                spec.measures.remove(name)
            spec.measures.append(name)
        elif kind == "col":
            spec.cols.append(groupby_spec(name, node.get("interval"), fields))
        else:
            if kind is None and legacy_axis is None:
                legacy_axis = name
            spec.rows.append(groupby_spec(name, node.get("interval"), fields))
    return spec


def offered_measures(fields, hidden=()):
    """``[(name, label)]``: Count, then every stored numeric field with an aggregator (views.md §7)."""
    result = [(COUNT, "Count")]
    numeric = [(name, d.get("string") or name) for name, d in fields.items()
               if d.get("type") in NUMERIC_TYPES and d.get("store", True) and name != "id"
               and (d.get("aggregator") or d.get("group_operator")) and name not in hidden]
    return result + sorted(numeric, key=lambda item: item[1].lower())


def groupable_fields(fields):
    """``[(name, label, is_date)]`` of the fields the user may group by, by label."""
    result = [(name, d.get("string") or name, d.get("type") in DATE_TYPES) for name, d in fields.items()
              if d.get("type") not in NOT_GROUPABLE and d.get("groupable", d.get("store", True))
              and d.get("store", True) and name != "id"]
    return sorted(result, key=lambda item: item[1].lower())


def field_of(groupby):
    return groupby.split(":", 1)[0]


def groupby_label(groupby, fields, strings=None):
    """``Start Date: Month`` for ``date_start:month``."""
    name, _, interval = groupby.partition(":")
    label = (strings or {}).get(name) or (fields.get(name) or {}).get("string") or name
    return f"{label}: {interval.title()}" if interval else label


def measure_label(measure, fields, strings=None):
    if measure == COUNT:
        return "Count"
    return (strings or {}).get(measure) or (fields.get(measure) or {}).get("string") or measure


def group_key(group, groupby):
    """A hashable key of the group's value for ``groupby`` (many2one: the id; dates: the start)."""
    value = group.get(groupby, False)
    if isinstance(value, (list, tuple)):
        return value[0] if value else False
    ranges = group.get("__range") or {}
    if ranges.get(groupby):
        return ranges[groupby]["from"]
    return value


def group_label(group, groupby, fields, none_label="None"):
    """The text shown for the group's value of ``groupby``."""
    value = group.get(groupby, False)
    description = fields.get(field_of(groupby)) or {}
    kind = description.get("type")
    if kind == "boolean":
        return "Yes" if value else "No"
    if value is False or value is None:
        return none_label
    if isinstance(value, (list, tuple)):
        return str(value[1]) if len(value) > 1 and value[1] else none_label
    if kind == "selection":
        return str(dict((k, v) for k, v in description.get("selection") or []).get(value, value))
    return str(value)


def measure_value(group, measure):
    value = group.get(measure if measure != COUNT else COUNT)
    if value is None and measure == COUNT:
        value = group.get("__count", 0)
    if value is False or value is None:
        return 0
    return value


def read_group_fields(measures):
    """The ``fields`` argument of ``read_group`` for ``measures`` (Count comes with every group)."""
    return [m for m in measures if m != COUNT] or [COUNT]


# -- graph -------------------------------------------------------------------------------------------
@dataclasses.dataclass
class ChartData:
    """``categories`` (x axis labels), ``series`` (legend labels) and ``values[series][category]``;
    ``domains[series][category]``: the records behind each value (None where there is none)."""
    categories: list
    series: list
    values: list
    domains: list
    measure: str = COUNT

    def total(self):
        return sum(sum(row) for row in self.values)

    def category_totals(self):
        return [sum(row[i] for row in self.values) for i in range(len(self.categories))]


def fetch_graph(connection, model, domain, measure, groupbys, context=None, order=""):
    """The groups of a graph: one ``read_group`` (``lazy=False``) over up to two group-bys (blocking)."""
    kwargs = {"lazy": False}
    if order in ("asc", "desc") and len(groupbys) == 1:
        kwargs["orderby"] = f"{measure if measure != COUNT else '__count'} {order}"
    return connection.call_kw(model, "read_group", [list(domain), read_group_fields([measure]), list(groupbys)],
                              kwargs, context=context)


def chart_data(groups, groupbys, measure, fields, series_label="Count"):
    """:func:`fetch_graph`'s groups as categories x series (the second group-by, when there is one)."""
    if not groupbys:
        values = [[measure_value(groups[0], measure) if groups else 0]]
        return ChartData(["Total"], [series_label], values, [[groups[0]["__domain"] if groups else None]], measure)
    row, col = groupbys[0], (groupbys[1] if len(groupbys) > 1 else None)
    categories, category_index = [], {}
    series, series_index = [], {}
    cells = {}
    for group in groups:
        key = group_key(group, row)
        if key not in category_index:
            category_index[key] = len(categories)
            categories.append(group_label(group, row, fields))
        skey = group_key(group, col) if col else None
        if skey not in series_index:
            series_index[skey] = len(series)
            series.append(group_label(group, col, fields) if col else series_label)
        cells[(series_index[skey], category_index[key])] = group
    values = [[0] * len(categories) for _ in series]
    domains = [[None] * len(categories) for _ in series]
    for (s, c), group in cells.items():
        values[s][c] = measure_value(group, measure)
        domains[s][c] = group.get("__domain")
    return ChartData(categories, series, values, domains, measure)
