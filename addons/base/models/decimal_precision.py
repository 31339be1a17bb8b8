"""Named decimal precisions used by ``fields.Float(digits='Product Price')``."""
from bureau import api, fields, models


class DecimalPrecision(models.Model):
    _name = "decimal.precision"
    _description = "Decimal Precision"

    name = fields.Char(string="Usage", required=True, index=True)
    digits = fields.Integer(required=True, default=2)

    _sql_constraints = [("name_uniq", "unique (name)", "Only one value can be defined for each usage!")]

    @api.model
    def precision_get(self, application):
        """The number of digits for ``application`` (2 when undefined)."""
        key = ("decimal_precision", application)
        cache = self.pool.access_cache
        if key not in cache:
            self.flush_model()
            self.env.cr.execute("SELECT digits FROM decimal_precision WHERE name = %s", [application])
            row = self.env.cr.fetchone()
            cache[key] = row[0] if row else 2
        return cache[key]

    @api.model_create_multi
    def create(self, vals_list):
        self.pool.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.pool.clear_cache()
        return super().write(vals)
