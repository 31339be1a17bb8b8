"""Groups of users; membership implies the implied groups, transitively (orm.md SEC-30)."""
from bureau import api, fields, models


class ResGroupsCategory(models.Model):
    _name = "res.groups.category"
    _description = "Application Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text()


class ResGroups(models.Model):
    _name = "res.groups"
    _description = "Access Groups"
    _order = "category_id, name, id"

    name = fields.Char(required=True, translate=True)
    category_id = fields.Many2one("res.groups.category", string="Application", index=True)
    full_name = fields.Char(compute="_compute_full_name", search="_search_full_name")
    users = fields.Many2many("res.users", "res_groups_users_rel", "gid", "uid", string="Users")
    implied_ids = fields.Many2many("res.groups", "res_groups_implied_rel", "gid", "hid", string="Inherits",
                                   help="Users of this group automatically belong to these groups too.")
    trans_implied_ids = fields.Many2many("res.groups", string="Transitively inherits",
                                         compute="_compute_trans_implied")
    model_access = fields.One2many("ir.model.access", "group_id", string="Access Controls")
    rule_groups = fields.Many2many("ir.rule", "rule_group_rel", "group_id", "rule_group_id", string="Rules")
    comment = fields.Text()
    share = fields.Boolean(string="Share Group", help="Group of external users (portal, public)")

    _sql_constraints = [("name_uniq", "unique (category_id, name)", "The name of the group must be unique "
                                                                  "within an application!")]

    @api.depends("name", "category_id.name")
    def _compute_full_name(self):
        for group in self:
            group.full_name = f"{group.category_id.name} / {group.name}" if group.category_id else group.name

    def _search_full_name(self, operator, value):
        return ["|", ("name", operator, value), ("category_id.name", operator, value)]

    @api.depends("implied_ids.implied_ids")
    def _compute_trans_implied(self):
        for group in self:
            group.trans_implied_ids = group._implied_closure() - group

    @api.depends("full_name")
    def _compute_display_name(self):
        for group in self:
            group.display_name = group.full_name

    def _implied_closure(self):
        """These groups and every group they imply, transitively."""
        result = self.browse()
        todo = self
        while todo:
            result |= todo
            todo = todo.mapped("implied_ids") - result
        return result

    @api.model_create_multi
    def create(self, vals_list):
        groups = super().create(vals_list)
        groups.filtered("implied_ids")._apply_implied_to_users()
        self.pool.clear_cache()
        return groups

    def write(self, vals):
        result = super().write(vals)
        if "implied_ids" in vals or "users" in vals:
            self._apply_implied_to_users()
        self.pool.clear_cache()
        return result

    def unlink(self):
        self.pool.clear_cache()
        return super().unlink()

    def _apply_implied_to_users(self):
        """Give the users of these groups every implied group (membership is stored, SEC-30)."""
        for group in self:
            implied = group._implied_closure() - group
            users = group.users
            if implied and users:
                users._add_groups(implied)
