"""Multiple inheritance from two abstract models (orm.md MOD-12)."""
from bureau import fields, models


class MixinA(models.AbstractModel):
    _name = "test.orm.mixin.a"
    _description = "First mixin"

    label = fields.Char(string="Label from A", size=10)
    from_a = fields.Char(default="a")

    def chain(self):
        return "a"


class MixinB(models.AbstractModel):
    _name = "test.orm.mixin.b"
    _description = "Second mixin"

    label = fields.Char(string="Label from B", size=20)
    from_b = fields.Char(default="b")

    def chain(self):
        return "b>" + super().chain()


class Multi(models.Model):
    _name = "test.orm.multi"
    _description = "Model with two mixins"
    _inherit = ["test.orm.mixin.a", "test.orm.mixin.b"]

    name = fields.Char()

    def chain(self):
        return "multi>" + super().chain()
