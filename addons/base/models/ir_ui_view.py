"""Views: XML arches rendered by the desktop client, combined through inheritance (views.md §9, §10)."""
from bureau import api, fields, models

VIEW_TYPES = [
    ("list", "List"), ("form", "Form"), ("search", "Search"), ("calendar", "Calendar"),
    ("graph", "Graph"), ("pivot", "Pivot"), ("kanban", "Kanban"), ("qweb", "QWeb"),
]


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
