from bureau import api, fields, models


class Category(models.Model):
    _name = "test.orm.category"
    _description = "Category tree (no parent store)"

    name = fields.Char(required=True)
    parent_id = fields.Many2one("test.orm.category", index=True)
    child_ids = fields.One2many("test.orm.category", "parent_id")


class Wizard(models.TransientModel):
    _name = "test.orm.wizard"
    _description = "Wizard"

    name = fields.Char()
    order_id = fields.Many2one("test.orm.order")

    def action_apply(self):
        """Desktop client wizard tests: rename the order, then close the wizard."""
        for wizard in self:
            if wizard.order_id and wizard.name:
                wizard.order_id.name = wizard.name
        return {"type": "ir.actions.act_window_close"}


class Secret(models.Model):
    _name = "test.orm.secret"
    _description = "Record with a restricted field"

    name = fields.Char()
    code = fields.Char(groups="base.group_system")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.uid)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company.id or False)
