"""The abstract model ``base`` that every model inherits (orm.md MOD-4).

It carries the model-level API that needs other ``base`` models: the views a client loads
(``get_views``, views.md §10 / orm.md API-17, and the legacy ``fields_view_get``, API-16), built by
``ir.ui.view``.
"""
from lxml import etree

from bureau import api, models


def _toolbar(bindings, view_type):
    """The toolbar of a view of ``view_type``: bound reports under ``print`` and other bound
    actions under ``action``, keeping those whose ``binding_view_types`` lists the type (all
    when empty; ``tree`` and ``list`` are the same type)."""
    kind = "list" if view_type == "tree" else view_type
    toolbar = {}
    for binding_type, key in (("report", "print"), ("action", "action")):
        entries = []
        for action in bindings.get(binding_type, ()):
            types = {"list" if t.strip() == "tree" else t.strip()
                     for t in (action.get("binding_view_types") or "").split(",") if t.strip()}
            if not types or kind in types:
                entries.append(action)
        toolbar[key] = entries
    return toolbar


class Base(models.AbstractModel):
    _name = "base"
    _description = "Base"

    @api.model
    def get_views(self, views, options=None):
        """The arches of the requested views and the descriptions of the fields they use.

        :param views: ``[[view_id or False, view_type], ...]``; an extension id stands for its
            nearest primary view; False picks the default view (or a generated one)
        :param options: ``toolbar`` (bound actions per view), ``load_filters`` (saved filters of
            the search view: none are stored yet, so an empty list), ``action_id`` (accepted)
        :returns: ``{'views': {type: {'arch', 'id', 'model', 'toolbar'?, 'filters'?}},
            'models': {model: {'fields': {name: description}}}}`` where ``models`` covers this
            model and the comodels of the sub-views, restricted to the fields the arches use
        :raises UserError: a view of another model or type, or a type that cannot be generated
        """
        options = options or {}
        view_model = self.env["ir.ui.view"]
        result_views, used = {}, {self._name: set()}
        for view_id, view_type in views:
            view, processor = view_model._load_view(self._name, view_id, view_type)
            entry = {"arch": etree.tostring(processor.root, encoding="unicode"), "id": view.id or False,
                     "model": self._name}
            if options.get("load_filters") and view_type == "search":
                entry["filters"] = []
            result_views[view_type] = entry
            for model_name, names in processor.models().items():
                used.setdefault(model_name, set()).update(names)
        if options.get("toolbar"):
            bindings = self.env["ir.actions.actions"].get_bindings(self._name)
            for view_type, entry in result_views.items():
                if view_type != "search":
                    entry["toolbar"] = _toolbar(bindings, view_type)
        models_info = {model_name: {"fields": self.env[model_name].fields_get(allfields=sorted(names))
                                    if names else {}}
                       for model_name, names in used.items()}
        return {"views": result_views, "models": models_info}

    @api.model
    def fields_view_get(self, view_id=None, view_type="form", toolbar=False, submenu=False):
        """One view in the legacy shape (orm.md API-16).

        :returns: ``{'model', 'type', 'view_id', 'name', 'arch', 'fields', 'field_parent',
            'toolbar'?}``; sub-views of x2many fields are under ``fields[name]['views'][tag] =
            {'arch', 'fields'}`` and not in ``arch``; ``toolbar`` (when asked) is ``{'print',
            'action', 'relate'}``; ``submenu`` is accepted and ignored
        """
        view_model = self.env["ir.ui.view"]
        view, processor = view_model._load_view(self._name, view_id, view_type)
        arch, fields = view_model._legacy_arch_fields(processor)
        result = {
            "model": self._name, "type": view_type, "view_id": view.id or False,
            "name": view.name or "default", "arch": arch, "fields": fields,
            "field_parent": processor.root.get("field_parent") or False,
        }
        if toolbar:
            bindings = self.env["ir.actions.actions"].get_bindings(self._name)
            result["toolbar"] = dict(_toolbar(bindings, view_type), relate=[])
        return result
