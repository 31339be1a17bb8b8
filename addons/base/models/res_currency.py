"""Currencies."""
import math

from bureau import api, fields, models
from bureau.tools.numbers import float_round


class ResCurrency(models.Model):
    _name = "res.currency"
    _description = "Currency"
    _order = "active desc, name"

    name = fields.Char(string="Currency", size=3, required=True, help="ISO 4217 code")
    full_name = fields.Char(string="Name")
    symbol = fields.Char(required=True)
    rounding = fields.Float(string="Rounding Factor", digits=(12, 6), default=0.01)
    decimal_places = fields.Integer(compute="_compute_decimal_places")
    position = fields.Selection([("after", "After Amount"), ("before", "Before Amount")], default="after")
    active = fields.Boolean(default=True)

    _sql_constraints = [("unique_name", "unique (name)", "The currency code must be unique!"),
                        ("rounding_gt_zero", "CHECK (rounding>0)", "The rounding factor must be greater than 0!")]

    @api.depends("rounding")
    def _compute_decimal_places(self):
        for currency in self:
            rounding = currency.rounding
            currency.decimal_places = int(math.ceil(math.log10(1 / rounding))) if 0 < rounding < 1 else 0

    def round(self, amount):
        """``amount`` rounded to the currency's rounding factor."""
        return float_round(amount, precision_rounding=self.rounding)
