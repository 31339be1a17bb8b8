"""Languages and their formats."""
from bureau import api, fields, models


class ResLang(models.Model):
    _name = "res.lang"
    _description = "Languages"
    _order = "active desc, name"

    name = fields.Char(required=True)
    code = fields.Char(string="Locale Code", required=True, help="e.g. en_US, fr_FR")
    iso_code = fields.Char(string="ISO code")
    active = fields.Boolean()
    direction = fields.Selection([("ltr", "Left-to-Right"), ("rtl", "Right-to-Left")], default="ltr",
                                 required=True)
    date_format = fields.Char(required=True, default="%m/%d/%Y")
    time_format = fields.Char(required=True, default="%H:%M:%S")
    week_start = fields.Selection([(str(i), day) for i, day in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], 1)],
        default="7", required=True)
    grouping = fields.Char(string="Separator Format", required=True, default="[3,0]")
    decimal_point = fields.Char(string="Decimal Separator", required=True, default=".")
    thousands_sep = fields.Char(string="Thousands Separator", default=",")

    _sql_constraints = [("code_uniq", "unique(code)", "The code of the language must be unique!"),
                        ("name_uniq", "unique(name)", "The name of the language must be unique!")]

    @api.model
    def get_installed(self):
        """``[(code, name)]`` of the active languages."""
        return [(lang.code, lang.name) for lang in self.sudo().search([("active", "=", True)])]
