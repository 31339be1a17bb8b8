"""Countries and their states."""
from bureau import fields, models


class ResCountry(models.Model):
    _name = "res.country"
    _description = "Country"
    _order = "name"

    name = fields.Char(string="Country Name", required=True, translate=True)
    code = fields.Char(string="Country Code", size=2, help="ISO 3166-1 alpha-2 code")
    phone_code = fields.Integer(string="Country Calling Code")
    currency_id = fields.Many2one("res.currency", string="Currency")
    state_ids = fields.One2many("res.country.state", "country_id", string="States")

    _sql_constraints = [("code_uniq", "unique (code)", "The code of the country must be unique!")]


class ResCountryState(models.Model):
    _name = "res.country.state"
    _description = "Country state"
    _order = "code"

    country_id = fields.Many2one("res.country", string="Country", required=True, ondelete="cascade", index=True)
    name = fields.Char(string="State Name", required=True)
    code = fields.Char(string="State Code", required=True)

    _sql_constraints = [("name_code_uniq", "unique(country_id, code)",
                         "The code of the state must be unique by country!")]
