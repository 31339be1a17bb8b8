"""Reading a ``<search>`` arch into a :class:`SearchSpec` (views.md §5).

The spec lists the search fields in arch order, the filters cut into blocks (a ``separator`` or a
``group`` ends a block; filters of a block are OR-ed, blocks AND-ed) and the group-by entries
(filters whose context holds ``group_by``). Date filters (``date="field"``) keep their period
options. Legacy layout attributes (``col``, ``colspan``, ``select``, ``expand`` ...) are ignored.

>>> spec = parse_search('<search><field name="name"/><filter name="a" string="A" domain="[]"/>'
...                     '<separator/><filter name="b" string="B" domain="[]"/></search>',
...                     {"name": {"type": "char", "string": "Name"}})
>>> [f.name for f in spec.fields], [[f.name for f in block] for block in spec.blocks]
(['name'], [['a'], ['b']])
"""
import logging
from dataclasses import dataclass, field

from ...expr import literal_bool, parse_literal
from ..arch import children, parse_arch

_logger = logging.getLogger(__name__)


@dataclass
class SearchField:
    name: str
    string: str
    description: dict
    operator: str = None
    filter_domain: str = None
    context: str = None
    domain: str = None          # restricts many2one proposals

    @property
    def type(self):
        return self.description.get("type", "char")


@dataclass
class Filter:
    name: str
    string: str
    domain: str = None
    context: str = None
    help: str = None
    date: str = None                    # date filter on this field
    default_period: str = None
    start_month: int = -2
    end_month: int = 0
    start_year: int = -2
    end_year: int = 0
    options: list = field(default_factory=list)   # nested <filter> children of a date filter
    block: int = 0

    @property
    def key(self):
        return self.name or self.string


@dataclass
class GroupByEntry:
    name: str
    string: str
    group_by: list                      # ["field"] or ["date_field:month", ...]


@dataclass
class SearchSpec:
    string: str = ""
    fields: list = field(default_factory=list)
    blocks: list = field(default_factory=list)       # [[Filter]]
    group_bys: list = field(default_factory=list)    # [GroupByEntry]

    def filter(self, name):
        return next((f for block in self.blocks for f in block if f.name == name), None)

    def group_by_entry(self, name):
        return next((g for g in self.group_bys if g.name == name), None)

    def field(self, name):
        return next((f for f in self.fields if f.name == name), None)


def _int(text, default):
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def parse_search(arch, fields):
    """The :class:`SearchSpec` of a search arch; unknown fields are skipped (views.md §1)."""
    root = parse_arch(arch) if isinstance(arch, (str, bytes)) else arch
    spec = SearchSpec(string=root.get("string") or "")
    state = {"block": []}

    def close_block():
        if state["block"]:
            spec.blocks.append(state["block"])
            state["block"] = []

    def visit(node):
        for child in children(node):
            tag = child.tag
            if literal_bool(child.get("invisible")) is True:
                continue
            if tag == "field":
                name = child.get("name")
                description = fields.get(name)
                if description is None:
                    _logger.warning("search view: field %s is not in the field descriptions, skipped", name)
                    continue
                spec.fields.append(SearchField(
                    name=name, string=child.get("string") or description.get("string") or name,
                    description=description, operator=child.get("operator"),
                    filter_domain=child.get("filter_domain"), context=child.get("context"),
                    domain=child.get("domain")))
            elif tag == "filter":
                _filter(child)
            elif tag == "separator":
                close_block()
            elif tag == "group":
                close_block()
                visit(child)
                close_block()
            elif tag == "searchpanel":
                continue
            elif len(children(child)):
                visit(child)

    def _filter(node):
        context = parse_literal(node.get("context"), default=None) if node.get("context") else None
        string = node.get("string") or node.get("help") or node.get("name") or ""
        if isinstance(context, dict) and context.get("group_by"):
            group_by = context["group_by"]
            group_by = [group_by] if isinstance(group_by, str) else list(group_by)
            spec.group_bys.append(GroupByEntry(name=node.get("name") or string, string=string,
                                               group_by=[g for g in group_by if g.split(":")[0] in fields]))
            return
        entry = Filter(name=node.get("name") or "", string=string, domain=node.get("domain"),
                       context=node.get("context"), help=node.get("help"), date=node.get("date"),
                       default_period=node.get("default_period"),
                       start_month=_int(node.get("start_month"), -2), end_month=_int(node.get("end_month"), 0),
                       start_year=_int(node.get("start_year"), -2), end_year=_int(node.get("end_year"), 0),
                       block=len(spec.blocks))
        if entry.date:
            for option in children(node):
                if option.tag == "filter":
                    entry.options.append(Filter(name=option.get("name") or "", string=option.get("string") or "",
                                                domain=option.get("domain"), block=entry.block))
        state["block"].append(entry)

    visit(root)
    close_block()
    for index, block in enumerate(spec.blocks):
        for entry in block:
            entry.block = index
    return spec
