"""A model with SQL and Python constraints (orm.md CON-1..3, DEC-4)."""
from bureau import api, fields, models
from bureau.exceptions import ValidationError


class Constrained(models.Model):
    _name = "test.orm.constrained"
    _description = "Constrained record"

    name = fields.Char(required=True)
    code = fields.Char(string="Short code", compute="_compute_code", store=True, required=True)
    amount = fields.Integer()
    partner_id = fields.Many2one("res.partner", ondelete="restrict")
    order_id = fields.Many2one("test.orm.order", ondelete="cascade")

    _sql_constraints = [
        ("name_uniq", "unique(name)", "Constrained names must be unique."),
        ("amount_positive", "CHECK(amount >= 0)", "The amount cannot be negative."),
    ]

    @api.depends("name")
    def _compute_code(self):
        """Empty for names starting with '-': the NOT NULL column then refuses the row."""
        for record in self:
            record.code = False if (record.name or "-").startswith("-") else record.name[:3].upper()

    @api.constrains("name")
    def _check_name_case(self):
        """Reads the table with SQL: sees the values written by the same call (CON-3)."""
        for record in self:
            if self.search_count([("name", "=ilike", record.name), ("id", "!=", record.id)]):
                raise ValidationError(f"The name {record.name} already exists with another case.")
