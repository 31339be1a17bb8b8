"""Views: XML arches rendered by the desktop client, combined through inheritance (views.md §9, §10).

A view is *primary* (no ``inherit_id``, or ``mode="primary"``) or an *extension* of its parent.
What a client receives for ``(model, view type)`` is built in three steps:

1. choice (:meth:`IrUiView._default_view`): the primary view with the lowest ``(priority, name,
   id)`` among those of the user's groups; an extension id stands for its nearest primary ancestor;
2. combination (:meth:`IrUiView._combined_arch`): the parent chain's arch, then the specs of every
   active extension of the user's groups, by ``(priority, id)``, depth-first;
3. post-processing for the user (``view_postprocess.ArchProcessor``).

When the model has no view of the type, a default form, list or search view is generated
(:meth:`IrUiView._default_arch`). Arches are validated on create and write: well-formed, root tag
matching the type, specs applying (strictly for the view being saved; other, stale, extensions are
skipped and logged as at runtime), fields existing on the model.
"""
import collections
import logging

from lxml import etree
from lxml.builder import E

from bureau import api, fields, models
from bureau.exceptions import UserError, ValidationError
from bureau.tools.view_inheritance import InheritanceError, apply_inheritance_specs, parse_arch

from .view_postprocess import SUBVIEW_TAGS, ArchProcessor, normalize_view_type

_logger = logging.getLogger(__name__)

VIEW_TYPES = [
    ("list", "List"), ("form", "Form"), ("search", "Search"), ("calendar", "Calendar"),
    ("graph", "Graph"), ("pivot", "Pivot"), ("kanban", "Kanban"), ("qweb", "QWeb"),
]
#: view types whose arch root must be the type's tag (qweb templates may have any root)
ROOT_CHECKED_TYPES = frozenset(key for key, _ in VIEW_TYPES) - {"qweb"}
#: view types the server can generate when a model has none (orm.md API-16 step 6)
GENERATED_TYPES = ("form", "list", "search")


def _view_label(view):
    return f"View {view.name!r} (id {view.id})"


class IrUiView(models.Model):
    _name = "ir.ui.view"
    _description = "View"
    _order = "priority, name, id"

    name = fields.Char(string="View Name", required=True)
    model = fields.Char(index=True)
    key = fields.Char()
    priority = fields.Integer(default=16, required=True)
    type = fields.Selection(VIEW_TYPES, string="View Type")
    arch_db = fields.Text(string="Arch Blob")
    arch = fields.Text(string="View Architecture", compute="_compute_arch", inverse="_inverse_arch")
    inherit_id = fields.Many2one("ir.ui.view", string="Inherited View", ondelete="restrict", index=True)
    inherit_children_ids = fields.One2many("ir.ui.view", "inherit_id", string="Views which inherit from this one")
    mode = fields.Selection([("primary", "Base view"), ("extension", "Extension View")], default="primary",
                            required=True)
    active = fields.Boolean(default=True)
    groups_id = fields.Many2many("res.groups", "ir_ui_view_group_rel", "view_id", "group_id", string="Groups")

    @api.depends("arch_db")
    def _compute_arch(self):
        for view in self:
            view.arch = view.arch_db

    def _inverse_arch(self):
        for view in self:
            view.arch_db = view.arch

    # -- create / write ------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """Fill what the arch and the parent imply: ``mode`` (extension when inheriting), ``model``
        and ``type`` (the parent's, else the arch's root tag; ``tree`` is stored as ``list``)."""
        for vals in vals_list:
            parent = self.browse(vals["inherit_id"]).sudo() if vals.get("inherit_id") else None
            vals.setdefault("mode", "extension" if parent else "primary")
            if parent and not vals.get("model"):
                vals["model"] = parent.model
            if not vals.get("type"):
                vals["type"] = parent.type if parent else self._type_of_arch(vals.get("arch") or vals.get("arch_db"))
            vals["type"] = normalize_view_type(vals["type"]) if vals["type"] else vals["type"]
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("type"):
            vals = dict(vals, type=normalize_view_type(vals["type"]))
        return super().write(vals)

    @staticmethod
    def _type_of_arch(arch):
        try:
            tag = parse_arch(arch).tag
        except ValidationError:
            return False            # the arch check reports it
        tag = normalize_view_type(tag)
        return tag if tag in ROOT_CHECKED_TYPES else False

    # -- validation ----------------------------------------------------------------------------
    @api.constrains("arch", "arch_db", "inherit_id", "mode", "model", "type", "active")
    def _check_arch(self):
        """Reject a view whose arch is not well-formed, whose root does not match its type, whose
        specs do not apply to its parent, or that names fields its model lacks."""
        for view in self.sudo():
            label = _view_label(view)
            if view.mode == "extension" and not view.inherit_id:
                raise ValidationError(f"{label}: an extension view must inherit from another view")
            view._ancestors()               # raises on a cycle
            if view.inherit_id and view.mode == "extension" and (view.model or "") != (view.inherit_id.model or ""):
                raise ValidationError(f"{label}: an extension view must have the model of the view it extends "
                                      f"({view.inherit_id.model!r}, not {view.model!r})")
            if view.model and view.model not in self.env:
                raise ValidationError(f"{label}: model {view.model!r} does not exist")
            try:
                own = parse_arch(view.arch_db)
            except ValidationError as exc:
                raise ValidationError(f"{label}: {exc.message}") from None
            if not view.inherit_id:
                view._check_root(own, label)
            primary = view._primary_view()
            try:
                combined = primary._combined_arch(strict_ids={view.id}, all_groups=True)
            except InheritanceError as exc:
                raise ValidationError(exc.message if exc.message.startswith(label) else f"{label}: {exc.message}") \
                    from None
            primary._check_root(combined, label)
            if primary.model and primary.type != "qweb":
                view._check_fields(combined, self.env[primary.model], label)

    def _check_root(self, root, label):
        if self.type in ROOT_CHECKED_TYPES and normalize_view_type(root.tag) != self.type:
            raise ValidationError(f"{label}: the root of a {self.type} view must be <{self.type}>, "
                                  f"not <{root.tag}>")

    def _check_fields(self, node, model, label):
        """Every ``field`` names a field of its model (the comodel inside x2many sub-views and in
        list ``groupby`` blocks)."""
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "field" and not (child.tag == "groupby" and node.tag in ("tree", "list")):
                self._check_fields(child, model, label)
                continue
            name = child.get("name")
            field = model._fields.get(name) if name else None
            if field is None:
                raise ValidationError(f"{label}: field {name!r} does not exist in model {model._name!r}")
            comodel = self.env[field.comodel_name] if field.relational and field.comodel_name in self.env else None
            if child.tag == "groupby":
                self._check_fields(child, comodel if comodel is not None else model, label)
                continue
            for sub in child:
                if isinstance(sub.tag, str):
                    is_subview = comodel is not None and sub.tag in SUBVIEW_TAGS
                    self._check_fields(sub, comodel if is_subview else model, label)

    # -- choice --------------------------------------------------------------------------------
    def _ancestors(self):
        """This view and its parents, nearest first.

        :raises ValidationError: the parents form a cycle
        """
        chain, seen = [], set()
        view = self
        while view:
            if view.id in seen:
                raise ValidationError(f"{_view_label(self)}: recursion in the inherited views")
            seen.add(view.id)
            chain.append(view)
            view = view.inherit_id
        return chain

    def _primary_view(self):
        """The view a client gets for this view: itself if primary, else its nearest primary ancestor."""
        for view in self._ancestors():
            if view.mode == "primary" or not view.inherit_id:
                return view
        return self

    def _user_group_ids(self):
        return set(self.env.user.sudo().groups_id.ids)

    @api.model
    def _default_view(self, model_name, view_type):
        """The primary view of ``model_name`` of that type with the lowest ``(priority, name, id)``
        among those the user's groups allow (sudo; empty when there is none)."""
        view_type = normalize_view_type(view_type)
        candidates = self.sudo().search([("model", "=", model_name), ("type", "=", view_type),
                                         ("mode", "=", "primary")])
        user_groups = None
        for view in candidates:
            if not view.groups_id:
                return view
            user_groups = self._user_group_ids() if user_groups is None else user_groups
            if user_groups.intersection(view.groups_id.ids):
                return view
        return self.sudo().browse()

    # -- combination ---------------------------------------------------------------------------
    def _combined_arch(self, strict_ids=frozenset(), all_groups=False):
        """The arch of this primary view with inheritance applied (an lxml element).

        The parent chain is resolved first (a primary view inheriting from another one starts
        from its parent's full combination, possibly of another model); then each active
        extension of the same model as its parent, of the user's groups (every group when
        ``all_groups``), ordered by ``(priority, id)``, depth-first: a child, its own children,
        then its next sibling. Specs of views in ``strict_ids`` must apply (they are being
        validated, and may be inactive); failing specs of other views are skipped and logged.
        """
        self.ensure_one()
        view = self.sudo()
        chain = view._ancestors()
        self.env["ir.ui.view"].flush_model()
        self.env.cr.execute("""
            WITH RECURSIVE tree AS (
                SELECT id, inherit_id, priority, mode, model FROM ir_ui_view WHERE id IN %(chain)s
                UNION
                SELECT v.id, v.inherit_id, v.priority, v.mode, v.model
                  FROM ir_ui_view v JOIN tree parent ON parent.id = v.inherit_id
                 WHERE v.mode = 'extension' AND coalesce(v.model, '') = coalesce(parent.model, '')
                   AND (v.active OR v.id IN %(strict)s)
            )
            SELECT id FROM tree ORDER BY priority, id
        """, {"chain": tuple(v.id for v in chain), "strict": tuple(strict_ids) or (0,)})
        views = view.browse([row[0] for row in self.env.cr.fetchall()])
        chain_ids = {v.id for v in chain}
        if not all_groups:
            user_groups = self._user_group_ids()
            views = views.filtered(lambda v: v.id in chain_ids or not v.groups_id
                                   or user_groups.intersection(v.groups_id.ids))
        children = collections.defaultdict(list)
        for child in views:
            if child.inherit_id:
                children[child.inherit_id.id].append(child)
        root = chain[-1]
        arch = parse_arch(root.arch_db)
        queue = collections.deque(sorted(children[root.id], key=lambda v: v.mode))
        while queue:
            current = queue.popleft()
            strict = current.id in strict_ids
            try:
                specs = parse_arch(current.arch_db)
            except ValidationError as exc:
                if strict:
                    raise
                _logger.warning("%s: %s (view skipped)", _view_label(current), exc.message)
                continue
            arch = apply_inheritance_specs(arch, specs, strict=strict, view_label=_view_label(current))
            for child in reversed(children[current.id]):
                if child.mode == "primary":
                    queue.append(child)
                else:
                    queue.appendleft(child)
        return arch

    @api.model
    def _default_arch(self, model_name, view_type):
        """A generated arch when ``model_name`` has no view of ``view_type``: a form with the
        non-magic stored fields in a group, a list or a search view on ``_rec_name`` (or ``id``).

        :raises UserError: other view types
        """
        model = self.env[model_name]
        kind = normalize_view_type(view_type)
        if kind not in GENERATED_TYPES:
            raise UserError(self.env._("No default view of type '%s' could be found for %s.", view_type, model_name))
        if kind == "form":
            names = [name for name, field in model._fields.items()
                     if name != "id" and field.store and not field.automatic]
            return E.form(E.group(*[E.field(name=name) for name in names]))
        rec_name = model._rec_name if model._rec_name in model._fields else "id"
        root = etree.Element("tree" if view_type == "tree" else kind)
        etree.SubElement(root, "field", name=rec_name)
        return root

    # -- what clients receive ------------------------------------------------------------------
    @api.model
    def _resolve_view(self, model_name, view_id, view_type):
        """``(view, arch)``: the view a client gets for ``model_name`` (sudo record, empty when
        generated) and its combined arch for the current user, before post-processing.

        ``view_id`` may be an extension (its nearest primary ancestor is used); without it, the
        context key ``<type>_view_ref`` (an external id) or else the default view is used.

        :raises UserError: the view is of another model or type, or no view can be generated
        """
        kind = normalize_view_type(view_type)
        if not view_id:
            ref = self.env.context.get(f"{view_type}_view_ref") or self.env.context.get(f"{kind}_view_ref")
            if ref and "." in ref:
                view_id = self.env["ir.model.data"]._xmlid_to_res_id(ref)
        if view_id:
            view = self.sudo().browse(int(view_id)).exists()
            if not view:
                raise UserError(self.env._("The view with id %s does not exist.", view_id))
            view = view._primary_view()
            if view.model != model_name or view.type != kind:
                raise UserError(self.env._("View %s is a %s view of %s, not a %s view of %s.",
                                           view.name, view.type, view.model, view_type, model_name))
        else:
            view = self._default_view(model_name, kind)
        if view:
            return view, view._combined_arch()
        return view, self._default_arch(model_name, view_type)

    @api.model
    def _load_view(self, model_name, view_id, view_type):
        """``(view, processor)``: the view chosen and combined as in :meth:`_resolve_view`, post-
        processed for the user (``processor.root`` is the arch, ``processor.models()`` the
        fields used per model)."""
        view, arch = self._resolve_view(model_name, view_id, view_type)
        processor = ArchProcessor(self, self.env[model_name], view_type)
        processor.process(arch)
        processor.mark_onchange()
        return view, processor

    @api.model
    def _legacy_arch_fields(self, processor):
        """``(arch, fields)`` in the shape of the legacy ``fields_view_get`` (orm.md API-16): the
        sub-views of x2many fields are taken out of the arch and described under
        ``fields[name]['views'][tag] = {'arch', 'fields'}``."""
        described = processor.model.fields_get(allfields=list(processor.fields)) if processor.fields else {}
        for field_name, tag, sub in processor.subviews:
            sub_arch, sub_fields = self._legacy_arch_fields(sub)
            if sub.root.getparent() is not None:
                sub.root.getparent().remove(sub.root)
            if field_name in described:
                described[field_name].setdefault("views", {})[tag] = {"arch": sub_arch, "fields": sub_fields}
        return etree.tostring(processor.root, encoding="unicode"), described
