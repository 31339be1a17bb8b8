"""Installed addons and their states (modules.md §4)."""
from bureau import fields, models

STATES = [
    ("uninstallable", "Uninstallable"),
    ("uninstalled", "Not Installed"),
    ("installed", "Installed"),
    ("to upgrade", "To be upgraded"),
    ("to remove", "To be removed"),
    ("to install", "To be installed"),
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
    dependencies = fields.Char(readonly=True)

    _sql_constraints = [("name_uniq", "UNIQUE (name)", "The name of the module must be unique!")]
