"""Reflection of the registry: ``ir.model`` and ``ir.model.fields`` (modules.md REG-7)."""
from bureau import api, fields, models


class IrModel(models.Model):
    _name = "ir.model"
    _description = "Models"
    _order = "model"

    name = fields.Char(string="Model Description", required=True)
    model = fields.Char(required=True, index=True)
    info = fields.Text(string="Information")
    state = fields.Selection([("base", "Base Object"), ("manual", "Custom Object")], default="base",
                             required=True, readonly=True)
    transient = fields.Boolean(readonly=True)
    field_id = fields.One2many("ir.model.fields", "model_id", string="Fields")
    access_ids = fields.One2many("ir.model.access", "model_id", string="Access")
    rule_ids = fields.One2many("ir.rule", "model_id", string="Record Rules")
    modules = fields.Char(string="In Apps", readonly=True)

    _sql_constraints = [("obj_name_uniq", "unique (model)", "Each model must have a unique name.")]

    @api.depends("name", "model")
    def _compute_display_name(self):
        for record in self:
            record.display_name = record.name or record.model

    @api.model
    def _get_id(self, model_name):
        """The id of the ``ir.model`` row of ``model_name`` (None if not reflected)."""
        self.flush_model(["model"])
        self.env.cr.execute("SELECT id FROM ir_model WHERE model = %s", [model_name])
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def _reflect_models(self, model_names, module):
        """Insert or update the rows of ``model_names`` and their xml ids (``model_<name>``)."""
        cr = self.env.cr
        self.flush_model()
        cr.execute("SELECT model, id FROM ir_model WHERE model = ANY(%s)", [list(model_names)])
        existing = dict(cr.fetchall())
        to_create = []
        for name in model_names:
            model = self.env[name]
            values = {"name": model._description, "model": name, "transient": bool(model._transient),
                      "info": (type(model).__doc__ or "").strip() or False}
            if name in existing:
                record = self.browse(existing[name])
                if record.name != values["name"] or record.transient != values["transient"]:
                    record.write({"name": values["name"], "transient": values["transient"]})
            else:
                to_create.append(values)
        created = self.create(to_create) if to_create else self.browse()
        for record in created:
            existing[record.model] = record.id
        self.env["ir.model.data"]._update_xmlids([
            {"xml_id": f"{module}.model_{name.replace('.', '_')}", "model": "ir.model", "res_id": existing[name],
             "noupdate": False} for name in model_names if self.env[name]._original_module == module])
        modules_rows = self.browse([existing[n] for n in model_names])
        for record in modules_rows:
            owners = set((record.modules or "").split(", ")) - {""}
            if module not in owners:
                owners.add(module)
                record.modules = ", ".join(sorted(owners))
        return existing


class IrModelFields(models.Model):
    _name = "ir.model.fields"
    _description = "Fields"
    _order = "model, name"
    _rec_name = "field_description"

    name = fields.Char(string="Field Name", required=True, index=True)
    model = fields.Char(string="Model Name", required=True, index=True)
    model_id = fields.Many2one("ir.model", string="Model", required=True, ondelete="cascade", index=True)
    field_description = fields.Char(string="Field Label", required=True)
    help = fields.Text(string="Field Help")
    ttype = fields.Char(string="Field Type", required=True)
    relation = fields.Char(string="Related Model")
    relation_field = fields.Char(string="Relation Field")
    relation_table = fields.Char(string="Relation Table")
    column1 = fields.Char(string="Column 1")
    column2 = fields.Char(string="Column 2")
    required = fields.Boolean()
    readonly = fields.Boolean()
    store = fields.Boolean(string="Stored", default=True)
    index = fields.Boolean(string="Indexed")
    translate = fields.Boolean(string="Translatable")
    size = fields.Integer()
    on_delete = fields.Char(string="On Delete")
    related = fields.Char(string="Related Field")
    depends = fields.Char(string="Dependencies")
    compute = fields.Text()
    groups = fields.Char()
    state = fields.Selection([("base", "Base Field"), ("manual", "Custom Field")], default="base",
                             required=True)
    modules = fields.Char(string="In Apps", readonly=True)

    _sql_constraints = [("name_unique", "UNIQUE(model, name)", "Field names must be unique per model.")]

    @api.model
    def _reflect_fields(self, model_names, module, model_ids):
        """Insert or update the rows describing the fields of ``model_names`` (one query to read)."""
        cr = self.env.cr
        self.flush_model()
        cr.execute("SELECT model, name, id FROM ir_model_fields WHERE model = ANY(%s)", [list(model_names)])
        existing = {(model, name): fid for model, name, fid in cr.fetchall()}
        to_create = []
        updates = []
        xmlids = []
        for model_name in model_names:
            model = self.env[model_name]
            for name, field in model._fields.items():
                values = {
                    "name": name, "model": model_name, "model_id": model_ids[model_name],
                    "field_description": field.string or name, "help": field.help or False,
                    "ttype": field.type, "relation": getattr(field, "comodel_name", None) or False,
                    "relation_field": getattr(field, "inverse_name", None) or False,
                    "relation_table": getattr(field, "relation", None) if field.type == "many2many" else False,
                    "column1": getattr(field, "column1", None) if field.type == "many2many" else False,
                    "column2": getattr(field, "column2", None) if field.type == "many2many" else False,
                    "required": bool(field.required), "readonly": bool(field.readonly),
                    "store": bool(field.store), "index": bool(field.index), "translate": bool(field.translate),
                    "size": getattr(field, "size", None) or 0,
                    "on_delete": getattr(field, "ondelete", None) if field.type == "many2one" else False,
                    "related": ".".join(field.related) if field.related else False,
                    "groups": field.groups or False,
                }
                key = (model_name, name)
                if key in existing:
                    updates.append((existing[key], values))
                else:
                    to_create.append(values)
                definers = {d._module for d in type(model).__mro__
                            if d.__dict__.get("_register", True) is not False and name in d.__dict__}
                if module in definers:
                    xmlids.append((key, name, model_name))
        if to_create:
            for record in self.create(to_create):
                existing[(record.model, record.name)] = record.id
        if updates:
            ids = [fid for fid, _ in updates]
            current = {row["id"]: row for row in self.browse(ids).read(
                ["field_description", "ttype", "relation", "required", "readonly", "store", "related", "help"],
                load=None)}
            for fid, values in updates:
                row = current.get(fid, {})
                changed = {k: v for k, v in values.items() if k in row and row[k] != v}
                if changed:
                    self.browse(fid).write(changed)
        self.env["ir.model.data"]._update_xmlids([
            {"xml_id": f"{module}.field_{model_name.replace('.', '_')}__{name}", "model": "ir.model.fields",
             "res_id": existing[key], "noupdate": False} for key, name, model_name in xmlids])


class IrModelConstraint(models.Model):
    """SQL constraints and the addons that own them (dropped at uninstall)."""

    _name = "ir.model.constraint"
    _description = "Model Constraint"

    name = fields.Char(string="Constraint", required=True, index=True)
    definition = fields.Char()
    message = fields.Char()
    model = fields.Many2one("ir.model", required=True, ondelete="cascade", index=True)
    module = fields.Many2one("ir.module.module", required=True, index=True, ondelete="cascade")
    type = fields.Char(string="Constraint Type", required=True, size=1)

    _sql_constraints = [("module_name_uniq", "unique(name, module)",
                         "Constraints with the same name are unique per module.")]


class IrModelRelation(models.Model):
    """Many2many relation tables and the addons that own them (dropped at uninstall)."""

    _name = "ir.model.relation"
    _description = "Relation Model"

    name = fields.Char(string="Relation Name", required=True, index=True)
    model = fields.Many2one("ir.model", required=True, index=True, ondelete="cascade")
    module = fields.Many2one("ir.module.module", required=True, index=True, ondelete="cascade")
