from bureau import api, fields, models


class NamedMixin(models.AbstractModel):
    _name = "test.orm.named.mixin"
    _description = "Mixin giving a nickname"

    nickname = fields.Char(default="nick")

    def describe(self):
        return f"mixin:{self.nickname}"


class Animal(models.Model):
    _name = "test.orm.animal"
    _description = "Animal"
    _inherit = ["test.orm.named.mixin"]

    name = fields.Char(required=True)
    legs = fields.Integer(default=4)
    sound = fields.Char(string="Sound it makes")

    def describe(self):
        return f"animal:{self.name}|" + super().describe()


class AnimalExtension(models.Model):
    _inherit = "test.orm.animal"

    color = fields.Char()
    sound = fields.Char(required=False, default="...")

    def describe(self):
        return "ext|" + super().describe()


class Dog(models.Model):
    _name = "test.orm.dog"
    _description = "Dog (prototype of Animal)"
    _inherit = "test.orm.animal"

    breed = fields.Char()

    def describe(self):
        return "dog|" + super().describe()


class Pet(models.Model):
    _name = "test.orm.pet"
    _description = "Pet (delegates to Animal)"
    _inherits = {"test.orm.animal": "animal_id"}

    animal_id = fields.Many2one("test.orm.animal", required=True, ondelete="cascade")
    owner_id = fields.Many2one("res.partner")
