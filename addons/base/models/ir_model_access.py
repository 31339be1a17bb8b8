"""Access rights per model and group (orm.md SEC-1 to SEC-4)."""
from bureau import api, fields, models
from bureau.exceptions import AccessError


class IrModelAccess(models.Model):
    _name = "ir.model.access"
    _description = "Model Access"
    _order = "model_id, group_id, name, id"

    name = fields.Char(required=True, index=True)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one("ir.model", string="Model", required=True, index=True, ondelete="cascade")
    group_id = fields.Many2one("res.groups", string="Group", ondelete="restrict", index=True)
    perm_read = fields.Boolean(string="Read Access")
    perm_write = fields.Boolean(string="Write Access")
    perm_create = fields.Boolean(string="Create Access")
    perm_unlink = fields.Boolean(string="Delete Access")

    @api.model
    def check(self, model, mode="read", raise_exception=True):
        """Whether the current user may perform ``mode`` on ``model`` (what Odooly's ``access()``
        calls); an unknown model is refused.

        :raises AccessError: refused and ``raise_exception``
        """
        if not isinstance(model, str) or model not in self.env:
            if raise_exception:
                raise AccessError(f"You are not allowed to access '{model}' records: no such model.")
            return False
        return bool(self.env[model].check_access_rights(mode, raise_exception=raise_exception))

    @api.model_create_multi
    def create(self, vals_list):
        self.pool.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.pool.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.pool.clear_cache()
        return super().unlink()
