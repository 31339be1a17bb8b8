from bureau import fields, models


class AnimalMore(models.Model):
    _inherit = "test.orm.animal"

    # redefinition with the same type: only 'required' changes, the label is kept (MOD-9)
    color = fields.Char(required=True, default="grey")
    habitat = fields.Selection([("land", "Land"), ("sea", "Sea")], default="land")

    def describe(self):
        return "more|" + super().describe()


class AnimalHabitatAdd(models.Model):
    _inherit = "test.orm.animal"

    habitat = fields.Selection(selection_add=[("air", "Air")], ondelete={"air": "set default"})


class AllTypesMore(models.Model):
    _inherit = "test.orm.all.types"

    # a redefinition with another type replaces the field
    json = fields.Text()


class Everything(models.AbstractModel):
    _inherit = "base"

    def bureau_test_marker(self):
        """Added to every model by extending 'base' (MOD-4)."""
        return f"marked:{self._name}"
