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


class ResCurrencyRate(models.Model):
    """How many units of a currency one unit of the company currency buys on a date."""

    _name = "res.currency.rate"
    _description = "Currency Rate"
    _order = "name desc, id desc"

    name = fields.Date(string="Date", required=True, index=True, default=fields.Date.today)
    rate = fields.Float(digits=(12, 6), default=1.0, help="Units of the currency for one unit of the company currency")
    currency_id = fields.Many2one("res.currency", string="Currency", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", string="Company", default=lambda self: self.env.company.id or False)

    _sql_constraints = [("unique_name_per_day", "unique (name, currency_id, company_id)",
                         "Only one currency rate per day allowed!"),
                        ("currency_rate_check", "CHECK (rate>0)", "The currency rate must be strictly positive.")]


class ResCurrencyRates(models.Model):
    _inherit = "res.currency"

    rate_ids = fields.One2many("res.currency.rate", "currency_id", string="Rates")
    rate = fields.Float(compute="_compute_current_rate", digits=(12, 6),
                        help="Rate on the date of the context (today by default) for the current company")

    @api.depends_context("date", "company")
    def _compute_current_rate(self):
        date = self.env.context.get("date") or fields.Date.today()
        company_id = self.env.company.id or None
        rates = self._get_rates(company_id, date)
        for currency in self:
            currency.rate = rates.get(currency.id) or 1.0

    def _get_rates(self, company_id, date):
        """``{currency id: rate}``: the latest rate on or before ``date`` (company's or shared)."""
        if not self.ids:
            return {}
        self.env["res.currency.rate"].flush_model()
        self.env.cr.execute(
            "SELECT DISTINCT ON (currency_id) currency_id, rate FROM res_currency_rate "
            "WHERE currency_id = ANY(%s) AND name <= %s AND (company_id IS NULL OR company_id = %s) "
            "ORDER BY currency_id, company_id NULLS LAST, name DESC",
            [self.ids, date, company_id])
        return {currency_id: float(rate) for currency_id, rate in self.env.cr.fetchall()}

    def is_zero(self, amount):
        """Whether ``amount`` rounds to zero in this currency."""
        return self.round(amount) == 0

    def compare_amounts(self, amount1, amount2):
        """-1, 0 or 1 comparing two amounts after rounding to the currency."""
        difference = self.round(amount1 - amount2)
        return 0 if difference == 0 else (-1 if difference < 0 else 1)

    def _convert(self, from_amount, to_currency, company=None, date=None, round=True):
        """``from_amount`` in this currency converted to ``to_currency`` at the rates of ``date``."""
        self.ensure_one()
        if self == to_currency or not from_amount:
            amount = from_amount
        else:
            company = company or self.env.company
            date = date or fields.Date.today()
            rates = (self | to_currency)._get_rates(company.id or None, date)
            amount = from_amount * (rates.get(to_currency.id) or 1.0) / (rates.get(self.id) or 1.0)
        return to_currency.round(amount) if round else amount
