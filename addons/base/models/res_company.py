"""Companies."""
from bureau import api, fields, models


class ResCompany(models.Model):
    _name = "res.company"
    _description = "Companies"
    _inherits = {"res.partner": "partner_id"}
    _order = "sequence, name"

    name = fields.Char(related="partner_id.name", string="Company Name", required=True, store=True,
                       readonly=False)
    sequence = fields.Integer(default=10)
    parent_id = fields.Many2one("res.company", string="Parent Company", index=True)
    child_ids = fields.One2many("res.company", "parent_id", string="Branches")
    partner_id = fields.Many2one("res.partner", string="Partner", required=True, ondelete="restrict")
    currency_id = fields.Many2one("res.currency", string="Currency")
    active = fields.Boolean(default=True)
    logo = fields.Binary(related="partner_id.image_1920", readonly=False)
    user_ids = fields.Many2many("res.users", "res_company_users_rel", "cid", "user_id", string="Accepted Users")

    _sql_constraints = [("name_uniq", "unique (name)", "The company name must be unique!")]

    @api.model_create_multi
    def create(self, vals_list):
        partners_needed = [vals for vals in vals_list if not vals.get("partner_id")]
        if partners_needed:
            partners = self.env["res.partner"].create([{"name": vals.get("name") or "Company", "is_company": True}
                                                       for vals in partners_needed])
            for vals, partner in zip(partners_needed, partners):
                vals["partner_id"] = partner.id
        companies = super().create(vals_list)
        for company in companies:
            company.partner_id.write({"company_id": company.id})
        return companies
