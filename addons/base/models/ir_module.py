"""Installed addons and their states (modules.md §4)."""
from bureau import api, fields, models

STATES = [
    ("uninstallable", "Uninstallable"),
    ("uninstalled", "Not Installed"),
    ("installed", "Installed"),
    ("to upgrade", "To be upgraded"),
    ("to remove", "To be removed"),
    ("to install", "To be installed"),
    ("unknown", "Unknown"),
]


class IrModuleModule(models.Model):
    _name = "ir.module.module"
    _description = "Module"
    _order = "application desc, sequence, name"

    name = fields.Char(string="Technical Name", required=True, index=True, readonly=True)
    shortdesc = fields.Char(string="Module Name", readonly=True)
    summary = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    author = fields.Char(readonly=True)
    category = fields.Char(readonly=True)
    latest_version = fields.Char(string="Installed Version", readonly=True)
    installed_version = fields.Char(string="Latest Version", readonly=True)
    state = fields.Selection(STATES, default="uninstalled", required=True, readonly=True, index=True)
    demo = fields.Boolean(string="Demo Data", default=False, readonly=True)
    application = fields.Boolean(readonly=True)
    auto_install = fields.Boolean(readonly=True)
    sequence = fields.Integer(default=100)
    license = fields.Char(readonly=True)
    website = fields.Char(readonly=True)
    dependencies_id = fields.One2many("ir.module.module.dependency", "module_id", string="Dependencies")
    category_id = fields.Many2one("ir.module.category", string="Category", index=True)

    _sql_constraints = [("name_uniq", "UNIQUE (name)", "The name of the module must be unique!")]


class IrModuleCategory(models.Model):
    _name = "ir.module.category"
    _description = "Application"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    parent_id = fields.Many2one("ir.module.category", string="Parent Application", index=True)
    sequence = fields.Integer()


class IrModuleModuleDependency(models.Model):
    _name = "ir.module.module.dependency"
    _description = "Module dependency"

    name = fields.Char(index=True)
    module_id = fields.Many2one("ir.module.module", string="Module", ondelete="cascade", index=True)
    depend_id = fields.Many2one("ir.module.module", string="Dependency", compute="_compute_depend")
    state = fields.Selection(STATES, string="Status", compute="_compute_state")

    @api.depends("name")
    def _compute_depend(self):
        names = list(set(self.mapped("name")))
        modules = self.env["ir.module.module"].search([("name", "in", names)])
        by_name = {module.name: module for module in modules}
        for dependency in self:
            dependency.depend_id = by_name.get(dependency.name, self.env["ir.module.module"])

    @api.depends("depend_id.state")
    def _compute_state(self):
        for dependency in self:
            dependency.state = dependency.depend_id.state or "unknown" if dependency.depend_id else "unknown"
