"""The form grid: layout regime and cell placement (views.md §3.2), without any widget.

A form is laid out in one of two regimes, decided once per arch:

* **modern** (Odoo 7+): only ``group`` is a grid (default ``col="2"``); ``form``, ``sheet``,
  ``page`` and ``div`` stack their children; a field outside a group has no automatic label;
* **legacy** (OpenERP <= 6.1): ``form``, every ``page`` and every ``group`` are grids with
  ``col="4"``.

Both use one placement rule. Each child takes a number of cells (:func:`span_of`); a cursor walks
the row and wraps when the next child does not fit::

    >>> [(p.row, p.column, p.span) for p in place([2, 2, 2], 4)]
    [(0, 0, 2), (0, 2, 2), (1, 0, 2)]

so with OpenERP's ``col=4`` two labelled fields share a row, with Odoo's ``col=2`` each field has
its own row, and a ``col=2`` group holding two groups shows them side by side.
"""
from ..arch import children

from ...expr import literal_bool

MODERN_MARKERS = {"sheet", "header", "footer", "div", "span", "p", "h1", "h2", "h3", "h4", "h5", "h6"}
LEGACY_DIRECT = {"field", "button", "label", "separator", "newline"}
FULL_ROW = {"separator", "notebook"}
#: a full row is this many cells (``colspan`` larger than ``col`` is clipped anyway)
FULL = 10_000


def statically_invisible(node):
    """Whether the node is invisible whatever the values (a literal true ``invisible``)."""
    return literal_bool(node.get("invisible")) is True


def own_nodes(root):
    """The elements of an arch, not descending into fields (their sub-views decide for themselves)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node.tag != "field" or node is root:
            stack.extend(reversed(children(node)))


def is_legacy(root):
    """Whether an arch is laid out in the legacy regime (views.md §3.2)."""
    version = root.get("version")
    if version:
        try:
            if float(version) >= 7.0:
                return False
        except ValueError:
            pass
    nodes = list(own_nodes(root))
    for node in nodes:
        if node.tag in MODERN_MARKERS or (node.tag == "label" and node.get("for")):
            return False
    for container in [root] + [node for node in nodes if node.tag == "page"]:
        for child in children(container):
            if child.tag in LEGACY_DIRECT and not statically_invisible(child):
                return True
    return False


def columns_of(node, legacy):
    """The ``col`` of a grid container (4 in legacy arches, 2 otherwise)."""
    default = 4 if legacy else 2
    try:
        return max(1, int(node.get("col") or default))
    except ValueError:
        return default


def _colspan(node):
    try:
        return max(1, int(node.get("colspan")))
    except (TypeError, ValueError):
        return None


def has_label(node):
    """Whether a ``field`` gets an automatic label cell in a grid."""
    return node.tag == "field" and literal_bool(node.get("nolabel")) is not True


def span_of(node, labelled=True):
    """The number of cells a child takes in a grid.

    :param labelled: for a field: whether its widget wants a label (statinfo, handle, statusbar
        do not)
    """
    colspan = _colspan(node)
    if node.tag == "field":
        if labelled and has_label(node):
            return max(colspan or 2, 2)
        return colspan or 1
    if node.tag in FULL_ROW:
        return colspan or FULL
    return colspan or 1


class Placement:
    """Where a child goes: ``row``, ``column`` and ``span`` cells."""

    __slots__ = ("row", "column", "span", "index")

    def __init__(self, row, column, span, index):
        self.row, self.column, self.span, self.index = row, column, span, index

    def __repr__(self):
        return f"Placement(row={self.row}, column={self.column}, span={self.span})"


NEWLINE = "newline"


def place(spans, col):
    """Placements of children taking ``spans`` cells in a grid of ``col`` columns.

    A span may be :data:`NEWLINE` (a ``<newline/>``: start a new row unless at column 0); it gets
    no placement.
    """
    placements = []
    row = column = 0
    for index, span in enumerate(spans):
        if span == NEWLINE:
            if column:
                row, column = row + 1, 0
            continue
        span = min(span, col)
        if column + span > col:
            row, column = row + 1, 0
        placements.append(Placement(row, column, span, index))
        column += span
        if column >= col:
            row, column = row + 1, 0
    return placements
