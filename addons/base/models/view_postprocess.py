"""Post-processing of a combined view arch for one user (views.md §9, last item; orm.md API-16 step 3).

:class:`ArchProcessor` walks an arch (a form, list, search ... or a sub-view of an x2many field)
with the model it describes and, in place:

* removes nodes whose ``groups`` the user lacks (and the ``groups`` attribute of the others);
* removes ``field`` nodes of fields the user cannot read (and their ``label for``), and fields
  that no longer exist (a stale stored view; logged);
* records the fields used, per model, for the field descriptions sent with the arch;
* processes x2many sub-views with the comodel and, in a main form view, inlines the comodel's
  default list and form when the field has none (one level deep: fields of sub-views are not
  inlined again, which also stops recursive models);
* sets root ``create``/``edit``/``delete="false"`` when the user lacks the access right;
* sets ``on_change="1"`` on fields with ``@api.onchange`` methods or on which a computed field
  shown in the view depends;
* resolves ``%(module.xmlid)d`` left in attribute values and translates labels (``string``,
  ``help``, ``placeholder``, ``confirm``, ``sum``, ``avg``) and element text to the user's language.

This is not a model: ``ir.ui.view`` creates one processor per arch and reads its results.
"""
import logging
import re

from bureau.exceptions import UserError
from bureau.tools.view_inheritance import remove_element

_logger = logging.getLogger(__name__)

#: tags of the sub-views an x2many ``field`` node may hold
SUBVIEW_TAGS = frozenset({"form", "tree", "list", "kanban", "calendar", "graph", "pivot", "search"})
#: root attributes naming fields of the model, per view type (their descriptions are sent too)
ROOT_FIELD_ATTRIBUTES = {
    "calendar": ("date_start", "date_stop", "date_delay", "all_day", "color"),
    "kanban": ("default_group_by", "highlight_color"),
    "list": ("default_group_by",),
}
#: roots that get ``create``/``edit``/``delete`` flags from the access rights: flag -> operation
ACCESS_ROOTS = frozenset({"form", "tree", "list", "kanban", "calendar"})
ACCESS_FLAGS = (("create", "create"), ("edit", "write"), ("delete", "unlink"))
#: attributes whose value is a label in the user's language
TRANSLATED_ATTRIBUTES = frozenset({"string", "help", "placeholder", "confirm", "sum", "avg"})
#: x2many widgets that show the related records without a sub-view
NO_SUBVIEW_WIDGETS = frozenset({"many2many_tags", "many2many_checkboxes", "many2many_binary",
                                "many2many_tags_avatar", "many2many_avatar_user"})
XMLID_REFERENCE = re.compile(r"%\(([\w.]+)\)d")


def normalize_view_type(view_type):
    """``tree`` is the legacy name of ``list``."""
    return "list" if view_type == "tree" else view_type


class ArchProcessor:
    """Post-process one (sub-)arch of ``model`` for the user of ``views.env`` (see module doc).

    :param views: the ``ir.ui.view`` model in the user's environment (resolves default sub-views)
    :param model: the model the arch describes, in the user's environment
    :param view_type: the arch's view type (``tree`` accepted)
    :param depth: 0 for a main view, 1 for its sub-views, ...

    After :meth:`process`: ``root`` (the arch), ``fields`` (names used, in order), ``subviews``
    (``[(field name, sub-view tag, processor)]``) and :meth:`models`.
    """

    def __init__(self, views, model, view_type, depth=0):
        self.views = views
        self.env = model.env
        self.model = model
        self.view_type = normalize_view_type(view_type)
        self.depth = depth
        self.root = None
        self.fields = {}
        self.subviews = []
        self._nested = []           # processors of groupby blocks: fields of another model
        self._field_nodes = []
        self._removed = set()

    # -- walking ---------------------------------------------------------------------------------
    def process(self, root):
        """Post-process ``root`` in place; returns it. Call :meth:`mark_onchange` on the main
        processor afterwards (it needs the fields of the whole view)."""
        self.root = root
        self._attributes(root)
        for attribute in ROOT_FIELD_ATTRIBUTES.get(self.view_type, ()):
            self._named_field(root.get(attribute))
        self._children(root)
        self._drop_orphan_labels(root)
        if root.tag in ACCESS_ROOTS:
            for flag, operation in ACCESS_FLAGS:
                if not self.model.check_access_rights(operation, raise_exception=False):
                    root.set(flag, "false")
        return root

    def _children(self, node):
        for child in list(node):
            if isinstance(child.tag, str) and self._allowed(child):
                self._node(child)

    def _allowed(self, node):
        """False (and ``node`` removed) when the user is in none of the node's ``groups``."""
        groups = node.get("groups")
        if groups is None:
            return True
        if not self.env.user._has_any_group(groups):
            remove_element(node)
            return False
        del node.attrib["groups"]
        return True

    def _named_field(self, name):
        """A field the arch names in an attribute (``date_start="start"``): described too."""
        field = self.model._fields.get(name) if name else None
        if field is not None and self.model._has_field_access(field):
            self.fields[name] = None

    def _node(self, node):
        self._attributes(node)
        if node.tag == "progressbar":
            self._named_field(node.get("field"))
            self._named_field(node.get("sum_field"))
        if node.tag == "field":
            self._field(node)
        elif node.tag == "groupby" and node.get("name") and self.view_type == "list":
            self._groupby(node)
        else:
            self._children(node)

    def _field(self, node):
        name = node.get("name")
        field = self.model._fields.get(name)
        if field is None:
            _logger.warning("view of %s: field %r does not exist (node removed)", self.model._name, name)
            remove_element(node)
            return
        if not self.model._has_field_access(field):
            self._removed.add(name)
            remove_element(node)
            return
        self.fields[name] = None
        self._field_nodes.append((node, field))
        comodel = self.env[field.comodel_name] if field.relational and field.comodel_name in self.env else None
        present = set()
        for child in list(node):
            if not isinstance(child.tag, str) or not self._allowed(child):
                continue
            if comodel is not None and child.tag in SUBVIEW_TAGS:
                self._subview(name, comodel, child)
                present.add(normalize_view_type(child.tag))
            else:
                self._node(child)
        if (self.depth == 0 and self.view_type == "form" and field.type in ("one2many", "many2many")
                and comodel is not None and node.get("widget") not in NO_SUBVIEW_WIDGETS):
            self._inline_subviews(node, name, comodel, present)

    def _subview(self, field_name, comodel, root):
        processor = ArchProcessor(self.views, comodel, root.tag, self.depth + 1)
        processor.process(root)
        self.subviews.append((field_name, root.tag, processor))

    def _inline_subviews(self, node, field_name, comodel, present):
        """Append the comodel's default views of the types the field shows (``mode``, default
        ``list``) and a form, unless the node already has them."""
        modes = [normalize_view_type(mode.strip()) for mode in (node.get("mode") or "list").split(",")]
        for mode in dict.fromkeys([mode for mode in modes if mode] + ["form"]):
            if mode in present:
                continue
            try:
                _view, root = self.views._resolve_view(comodel._name, False, mode)
            except UserError:
                continue            # no view and no generated default for that type
            node.append(root)
            self._subview(field_name, comodel, root)

    def _groupby(self, node):
        """``<groupby name="m2o">`` in a list: its children describe the many2one's comodel."""
        name = node.get("name")
        field = self.model._fields.get(name)
        if field is None or field.type != "many2one" or not self.model._has_field_access(field):
            remove_element(node)
            return
        self.fields[name] = None
        processor = ArchProcessor(self.views, self.env[field.comodel_name], "list", self.depth + 1)
        processor.root = node
        processor._children(node)
        self._nested.append(processor)

    def _attributes(self, node):
        """Resolve external ids in the attributes of ``node``; translate its labels and text."""
        for key, value in node.attrib.items():
            if "%(" in value:
                value = XMLID_REFERENCE.sub(self._xmlid_to_id, value)
                node.set(key, value)
            if key in TRANSLATED_ATTRIBUTES and value:
                node.set(key, self.env._(value))
        text = (node.text or "").strip()
        if text:
            translated = self.env._(text)
            if translated != text:
                node.text = node.text.replace(text, translated)

    def _xmlid_to_id(self, match):
        res_id = self.env["ir.model.data"]._xmlid_to_res_id(match.group(1))
        if not res_id:
            _logger.warning("view of %s: unknown external id %r", self.model._name, match.group(1))
            return match.group(0)
        return str(res_id)

    def _drop_orphan_labels(self, root):
        if not self._removed:
            return
        remaining = {node.get("name") for node in root.iter("field")}
        for label in list(root.iter("label")):
            target = label.get("for")
            if target in self._removed and target not in remaining and label.getparent() is not None:
                remove_element(label)

    # -- results ---------------------------------------------------------------------------------
    def processors(self):
        """This processor and those of its sub-views and groupby blocks, depth-first."""
        yield self
        for _name, _tag, processor in self.subviews:
            yield from processor.processors()
        for processor in self._nested:
            yield from processor.processors()

    def models(self):
        """``{model name: set of field names}`` used by the arch and its sub-views."""
        used = {}
        for processor in self.processors():
            used.setdefault(processor.model._name, set()).update(processor.fields)
        return used

    def mark_onchange(self, used=None):
        """Set ``on_change="1"`` on the field nodes that should trigger the client's onchange call:
        fields with ``@api.onchange`` methods, and fields on which a computed field of ``used``
        (``{model: names}``, default: the fields of this view) depends."""
        used = self.models() if used is None else used
        pool = self.model.pool
        for processor in self.processors():
            if processor.view_type == "search":
                continue
            methods = pool.onchange_methods.get(processor.model._name, {})
            for node, field in processor._field_nodes:
                if methods.get(field.name) or any(dependent.name in used.get(dependent.model_name, ())
                                                  for dependent in _dependents(pool, field)):
                    node.set("on_change", "1")


def _dependents(pool, field):
    """The computed fields (any model) that depend on ``field``, from the registry's trigger trees."""
    tree = pool.field_triggers.get(field)
    stack = [tree] if tree else []
    while stack:
        tree = stack.pop()
        yield from tree.root
        stack.extend(tree.children.values())
