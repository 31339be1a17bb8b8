from bureau import fields, models


class PerfRow(models.Model):
    """A list-view row with three Many2one columns (query budget tests, orm.md TST-2)."""

    _name = "test.orm.perf.row"
    _description = "Row with three links"
    _order = "name, id"

    name = fields.Char()
    partner_id = fields.Many2one("res.partner")
    currency_id = fields.Many2one("res.currency")
    country_id = fields.Many2one("res.country")
