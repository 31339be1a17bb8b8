"""Combining view arches through inheritance specs (views.md §9), on lxml trees only.

An inheriting view's arch is a list of *specs*: a ``<data>`` root holding them, or a single spec as
the root. Each spec *locates* one node of the arch it extends, then changes it according to its
``position`` (default ``inside``)::

    <data>
        <xpath expr="//group[@name='main']" position="inside">  <!-- XPath 1.0, first match -->
            <field name="ref"/>
        </xpath>
        <field name="name" position="after">                    <!-- first <field name="name"> -->
            <field name="code"/>
        </field>
        <page string="Notes" position="attributes">             <!-- first <page string="Notes"> -->
            <attribute name="invisible">1</attribute>
            <attribute name="class" add="o_notes" separator=" "/>
        </page>
        <field name="partner_id" position="before">
            <field name="date" position="move"/>                <!-- move an existing node here -->
        </field>
    </data>

>>> source = parse_arch('<form><field name="name"/></form>')
>>> spec = parse_arch('<field name="name" position="after"><field name="ref"/></field>')
>>> etree.tostring(apply_inheritance_specs(source, spec), encoding="unicode")
'<form><field name="name"/><field name="ref"/></form>'

Specs apply in order, each on the result of the previous one. A spec that cannot be located (or
is malformed) raises :class:`InheritanceError` naming it; with ``strict=False`` it is logged and
skipped instead, which is how a stale stored view is handled at runtime.

Nothing here touches the database: ``ir.ui.view`` (``addons/base/models/ir_ui_view.py``) decides
which views apply, in which order, and whether failures are fatal.
"""
import ast
import copy
import logging
import re

from lxml import etree

from ..exceptions import ValidationError
from .xml import UnsafeXMLError, fromstring

_logger = logging.getLogger(__name__)

#: the values of ``position`` on a spec (``move`` is only valid on a spec's children)
POSITIONS = ("inside", "after", "before", "replace", "attributes")
#: ``separator`` values of ``<attribute add/remove>`` that combine Python expressions
EXPRESSION_SEPARATORS = ("and", "or")
#: per expression operator, the literal that is neutral for it (dropped when combining)
_NEUTRAL_LITERALS = {"and": {"1", "True", "true"}, "or": {"0", "False", "false"}}
_TRAILING_SPACE = re.compile(r"\s+$")


class InvalidArch(ValidationError):
    """An arch is not well-formed XML, or uses a construct the hardened parser refuses."""


class InheritanceError(ValidationError):
    """A spec cannot be applied. ``spec`` is the spec's opening tag as text (``<field name="x">``)."""

    def __init__(self, message, spec=None):
        super().__init__(message)
        self.spec = spec


# -- parsing ------------------------------------------------------------------------------------
def parse_arch(arch):
    """The root element of ``arch`` (text or bytes), parsed with the hardened parser of
    :mod:`bureau.tools.xml` (comments kept, processing instructions dropped).

    :raises InvalidArch: not well-formed, empty, or with a DTD or entity reference
    """
    if isinstance(arch, etree._Element):
        return arch
    if not arch or not arch.strip():
        raise InvalidArch("Invalid view architecture: empty document")
    try:
        return fromstring(arch, source_name="view architecture", remove_pis=True)
    except UnsafeXMLError as exc:
        raise InvalidArch(f"Invalid {exc.message}") from None


def spec_label(spec):
    """The opening tag of ``spec`` as text, for messages: ``<field name="x" position="after">``."""
    attrs = "".join(f' {name}="{value}"' for name, value in spec.attrib.items())
    return f"<{spec.tag}{attrs}>"


def _is_element(node):
    return isinstance(node.tag, str)


# -- locating -----------------------------------------------------------------------------------
def locate_node(arch, spec):
    """The node of ``arch`` that ``spec`` designates, or None.

    * ``<xpath expr="...">``: the first node the XPath 1.0 expression selects (relative to ``arch``);
    * ``<field name="x">``: the first ``field`` named ``x`` in document order, other attributes
      ignored (it may match inside an x2many sub-view that comes first);
    * any other element: the first element with that tag whose attributes all equal the spec's,
      ignoring ``position`` (and ``mode`` on a ``replace`` spec, where it is an option).

    :raises InheritanceError: an ``xpath`` without a valid ``expr``, a ``field`` without ``name``
    """
    if spec.tag == "xpath":
        expr = spec.get("expr")
        if not expr:
            raise InheritanceError(f"Invalid spec {spec_label(spec)}: xpath without expr", spec_label(spec))
        try:
            found = arch.xpath(expr)
        except (etree.XPathEvalError, etree.XPathSyntaxError) as exc:
            raise InheritanceError(f"Invalid XPath expression {expr!r} in {spec_label(spec)}: {exc}",
                                   spec_label(spec)) from None
        if not isinstance(found, list):
            raise InheritanceError(f"XPath expression {expr!r} does not select nodes", spec_label(spec))
        return next((node for node in found if isinstance(node, etree._Element) and _is_element(node)), None)
    if spec.tag == "field":
        name = spec.get("name")
        if not name:
            raise InheritanceError(f"Invalid spec {spec_label(spec)}: field without name", spec_label(spec))
        return next((node for node in arch.iter("field") if node.get("name") == name), None)
    ignored = {"position"}
    if spec.get("position") == "replace" and spec.get("mode") in ("inner", "outer"):
        ignored.add("mode")
    wanted = [(name, value) for name, value in spec.attrib.items() if name not in ignored]
    return next((node for node in arch.iter(spec.tag) if all(node.get(n) == v for n, v in wanted)), None)


def iter_specs(specs_tree):
    """The specs of an inheriting arch in order: the children of a ``data`` root (nested ``data``
    elements flattened), or the root itself."""
    queue = [specs_tree]
    while queue:
        spec = queue.pop(0)
        if not _is_element(spec):
            continue
        if spec.tag == "data":
            queue[0:0] = list(spec)
            continue
        yield spec


# -- text-preserving tree edits -----------------------------------------------------------------
def _add_text_before(node, text):
    if text is None:
        return
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = node.getparent()
        parent.text = (parent.text or "").rstrip() + text


def remove_element(node):
    """Remove ``node`` from its parent, keeping its tail text in place."""
    _add_text_before(node, node.tail)
    node.tail = None
    node.getparent().remove(node)


def _insert_before(node, spec, take):
    """Insert the text and children of ``spec`` right before ``node``, keeping the indentation that
    preceded ``node`` after the inserted content. ``take(child)`` gives the node to insert."""
    text = spec.text or ""
    previous = node.getprevious()
    parent = node.getparent()
    if previous is None:
        match = _TRAILING_SPACE.search(parent.text or "")
        before_text = match.group(0) if match else ""
        parent.text = ((parent.text or "").rstrip() + text) or (None if spec.text is None else "")
    else:
        match = _TRAILING_SPACE.search(previous.tail or "")
        before_text = match.group(0) if match else ""
        previous.tail = (previous.tail or "").rstrip() + text
    children = list(spec)
    if not children:
        if previous is None:
            parent.text = (parent.text or "") + before_text
        else:
            previous.tail = (previous.tail or "") + before_text
    for index, child in enumerate(children):
        tail = child.tail
        if index == len(children) - 1:
            tail = (tail or "").rstrip() + before_text
        new = take(child)
        new.tail = tail
        node.addprevious(new)


# -- applying -----------------------------------------------------------------------------------
class _Application:
    """One run of :func:`apply_inheritance_specs`: holds the current root (which a ``replace`` of
    the root changes) so that ``position="move"`` children locate nodes in the current arch."""

    def __init__(self, source):
        self.source = source

    def take(self, child):
        """The node to insert for the spec child ``child``: the located node for a ``move``, else a copy."""
        if not _is_element(child) or child.get("position") != "move":
            return copy.deepcopy(child)
        if len(child):
            raise InheritanceError(f"Invalid spec for a moved node {spec_label(child)}: it must have no children",
                                   spec_label(child))
        node = locate_node(self.source, child)
        if node is None:
            raise InheritanceError(f"Element {spec_label(child)} cannot be located in parent view",
                                   spec_label(child))
        if node.getparent() is None:
            raise InheritanceError(f"Element {spec_label(child)} is the root: it cannot be moved", spec_label(child))
        remove_element(node)
        return node

    def apply(self, spec):
        node = locate_node(self.source, spec)
        if node is None:
            raise InheritanceError(f"Element {spec_label(spec)} cannot be located in parent view", spec_label(spec))
        position = spec.get("position", "inside")
        handler = getattr(self, f"_{position}", None) if position in POSITIONS else None
        if handler is None:
            raise InheritanceError(f"Invalid position {position!r} in {spec_label(spec)}", spec_label(spec))
        handler(node, spec)

    def _inside(self, node, spec):
        sentinel = etree.Element("sentinel")
        node.append(sentinel)
        _insert_before(sentinel, spec, self.take)
        remove_element(sentinel)

    def _after(self, node, spec):
        self._need_parent(node, spec)
        sentinel = etree.Element("sentinel")
        tail, node.tail = node.tail, None
        node.addnext(sentinel)
        sentinel.tail = tail
        _insert_before(sentinel, spec, self.take)
        remove_element(sentinel)

    def _before(self, node, spec):
        self._need_parent(node, spec)
        _insert_before(node, spec, self.take)

    def _replace(self, node, spec):
        mode = spec.get("mode", "outer")
        if mode == "inner":
            for child in list(node):
                node.remove(child)
            node.text = spec.text
            for child in list(spec):
                node.append(self.take(child))
            return
        if mode != "outer":
            raise InheritanceError(f"Invalid mode {mode!r} in {spec_label(spec)}", spec_label(spec))
        new_nodes = [self.take(child) for child in list(spec)]
        holders = [holder for new in new_nodes if _is_element(new) for holder in new.iter()
                   if _is_element(holder) and holder.text is not None and holder.text.strip() == "$0"]
        for holder in holders:
            holder.text = None
            replaced = copy.deepcopy(node)
            replaced.tail = None
            holder.append(replaced)
        if node.getparent() is None:
            root = next((new for new in new_nodes if _is_element(new)), None)
            if root is None:
                raise InheritanceError(f"{spec_label(spec)} replaces the root without an element to replace it",
                                       spec_label(spec))
            root.tail = None
            self.source = root
            return
        for new in new_nodes:
            node.addprevious(new)
        remove_element(node)

    def _attributes(self, node, spec):
        for child in spec:
            if not _is_element(child):
                continue
            name = child.get("name")
            if child.tag != "attribute" or not name:
                raise InheritanceError(f"Invalid {spec_label(child)} in {spec_label(spec)}: expected "
                                       f"<attribute name=...>", spec_label(spec))
            if child.get("add") is not None or child.get("remove") is not None:
                if (child.text or "").strip():
                    raise InheritanceError(f"{spec_label(child)} in {spec_label(spec)} has both a value and "
                                           f"add/remove", spec_label(spec))
                value = _edit_list_value(node.get(name, ""), child.get("add", ""), child.get("remove", ""),
                                         child.get("separator", ","))
            else:
                value = child.text or ""
            if value:
                node.set(name, value)
            elif name in node.attrib:
                del node.attrib[name]

    @staticmethod
    def _need_parent(node, spec):
        if node.getparent() is None:
            raise InheritanceError(f"{spec_label(spec)} cannot add siblings to the root of the view",
                                   spec_label(spec))


def _edit_list_value(old, add, remove, separator):
    """``old`` with the items of ``remove`` taken out and those of ``add`` appended."""
    if separator.strip() in EXPRESSION_SEPARATORS:
        return _edit_expression(old, add, remove, separator.strip())
    split = None if separator == " " else separator
    joiner = separator if split else " "
    removed = {item.strip() for item in remove.split(split)}
    kept = [item.strip() for item in old.split(split) if item.strip() and item.strip() not in removed]
    added = [item.strip() for item in add.split(split) if item.strip()]
    return joiner.join(kept + added)


def _operands(expression, operator):
    """The top-level operands of ``expression`` for ``operator`` (``and``/``or``), as source text."""
    expression = expression.strip()
    if not expression:
        return []
    try:
        tree = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return [expression]
    wanted = ast.And if operator == "and" else ast.Or
    if isinstance(tree, ast.BoolOp) and isinstance(tree.op, wanted):
        return [ast.get_source_segment(expression, value) for value in tree.values]
    return [expression]


def _normalized(expression):
    try:
        return ast.unparse(ast.parse(expression.strip(), mode="eval"))
    except SyntaxError:
        return " ".join(expression.split())


def _edit_expression(old, add, remove, operator):
    """Combine Python expressions: ``(old) and (new)``; ``remove`` drops matching top-level operands."""
    removed = {_normalized(operand) for operand in _operands(remove, operator)}
    operands = [operand for operand in _operands(old, operator)
                if _normalized(operand) not in removed and operand.strip() not in _NEUTRAL_LITERALS[operator]]
    if add.strip():
        operands.append(add.strip())
    if len(operands) <= 1:
        return operands[0] if operands else ""
    return f" {operator} ".join(f"({operand})" for operand in operands)


def apply_inheritance_specs(source, specs_tree, *, strict=True, view_label=None):
    """Apply the specs of ``specs_tree`` (an inheriting arch) to ``source``; return the new root.

    ``source`` is changed in place (copy it first to keep it); ``specs_tree`` is left untouched.

    :param source: root element of the arch being extended
    :param specs_tree: root element of the inheriting arch (``data`` or a single spec)
    :param strict: raise on a spec that cannot be applied; when false, log it and go on
    :param view_label: how messages name the inheriting view (``"view 'x' (id 7)"``)
    :returns: the root of the combined arch (a new element when a spec replaced the root)
    :raises InheritanceError: a spec cannot be located or is invalid (``strict`` only)
    """
    run = _Application(source)
    for spec in iter_specs(specs_tree):
        try:
            run.apply(spec)
        except InheritanceError as exc:
            message = f"{view_label}: {exc.message}" if view_label else exc.message
            if strict:
                raise InheritanceError(message, exc.spec) from None
            _logger.warning("%s (spec skipped)", message)
    return run.source
