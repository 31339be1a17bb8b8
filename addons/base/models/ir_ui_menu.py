"""Menus: the tree the desktop client shows, filtered for each user (modules.md §12)."""
from bureau import api, fields, models

ACTION_MODELS = [
    ("ir.actions.act_window", "ir.actions.act_window"),
    ("ir.actions.server", "ir.actions.server"),
    ("ir.actions.client", "ir.actions.client"),
    ("ir.actions.act_url", "ir.actions.act_url"),
    ("ir.actions.report", "ir.actions.report"),
]


class IrUiMenu(models.Model):
    _name = "ir.ui.menu"
    _description = "Menu"
    _order = "sequence, id"
    _parent_store = True

    name = fields.Char(string="Menu", required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    parent_id = fields.Many2one("ir.ui.menu", string="Parent Menu", index=True, ondelete="restrict")
    child_id = fields.One2many("ir.ui.menu", "parent_id", string="Child IDs")
    groups_id = fields.Many2many("res.groups", "ir_ui_menu_group_rel", "menu_id", "gid", string="Groups",
                                 help="When empty, every user sees the menu; otherwise members of these groups.")
    complete_name = fields.Char(string="Full Path", compute="_compute_complete_name", recursive=True)
    action = fields.Reference(ACTION_MODELS)
    web_icon = fields.Char(string="Icon")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for menu in self:
            if menu.parent_id:
                menu.complete_name = f"{menu.parent_id.complete_name}/{menu.name}"
            else:
                menu.complete_name = menu.name

    @api.depends("complete_name")
    def _compute_display_name(self):
        for menu in self:
            menu.display_name = menu.complete_name

    def _visible_menu_ids(self):
        """Ids of the menus the current user may see (groups, readable action models, children)."""
        menus = self.sudo().search([])
        user_groups = set(self.env.user.sudo().groups_id.ids)
        visible = set()
        for menu in menus:
            if menu.groups_id and not user_groups.intersection(menu.groups_id.ids):
                continue
            action = menu.action
            if action and action._name == "ir.actions.act_window" and action.res_model:
                model = action.res_model
                if model not in self.env or not self.env[model].check_access_rights("read", raise_exception=False):
                    continue
            visible.add(menu.id)
        # a visible menu needs visible ancestors; a menu without action needs a visible child
        by_id = {menu.id: menu for menu in menus}
        changed = True
        while changed:
            changed = False
            for menu_id in list(visible):
                menu = by_id[menu_id]
                if menu.parent_id and menu.parent_id.id not in visible:
                    visible.discard(menu_id)
                    changed = True
                elif not menu.action and not any(child.id in visible for child in menu.child_id):
                    visible.discard(menu_id)
                    changed = True
        return visible

    @api.model
    def get_user_roots(self):
        """The top-level menus visible to the user."""
        visible = self._visible_menu_ids()
        return self.browse([menu.id for menu in self.sudo().search([("parent_id", "=", False)])
                            if menu.id in visible])

    @api.model
    def load_menus(self, debug=False):
        """The menu tree visible to the user, keyed by id, with ``'root'`` as the entry point."""
        visible = self._visible_menu_ids()
        menus = self.sudo().browse(sorted(visible)).sorted()
        result = {"root": {"id": False, "name": "root", "parent_id": [-1, ""], "children": [], "all_menu_ids": []}}
        for menu in menus:
            action = menu.action
            result[menu.id] = {
                "id": menu.id, "name": menu.name, "sequence": menu.sequence,
                "parent_id": [menu.parent_id.id, menu.parent_id.name] if menu.parent_id else False,
                "children": [child.id for child in menu.child_id if child.id in visible],
                "action": f"{action._name},{action.id}" if action else False,
                "web_icon": menu.web_icon or False,
                "xmlid": menu.get_external_id().get(menu.id, ""),
            }
            if not menu.parent_id:
                result["root"]["children"].append(menu.id)
        result["root"]["all_menu_ids"] = [menu.id for menu in menus]
        return result
