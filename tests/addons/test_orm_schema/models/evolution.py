"""Model changes applied to a database that already has rows (orm.md SCH-2..7, CMP-4, CON-1).

Installed by ``tests/orm/test_schema.py`` into a copy of the test database only.
"""
from bureau import api, fields, models


class AnimalEvolution(models.Model):
    _inherit = "test.orm.animal"

    # new column with a default: existing rows get it, then NOT NULL is possible (SCH-2)
    weight = fields.Integer(default=7, required=True)
    # new required column without default: existing rows stay NULL, column left nullable (SCH-2)
    passport = fields.Char(required=True)
    # incompatible type change (varchar -> int4): old column moved aside (SCH-7)
    sound = fields.Integer()
    # a new stored computed field: computed for the existing rows (CMP-4)
    name_length = fields.Integer(compute="_compute_name_length", store=True)

    @api.depends("name")
    def _compute_name_length(self):
        for animal in self:
            animal.name_length = len(animal.name or "")


class AllTypesEvolution(models.Model):
    _inherit = "test.orm.all.types"

    # varchar(5) -> varchar(12): converted in place (SCH-7)
    char_sized = fields.Char(size=12)
    # integer -> float8: lossless, converted in place (SCH-7)
    integer = fields.Float()


class OrderLineEvolution(models.Model):
    _inherit = "test.orm.order.line"

    # the index is removed (SCH-5)
    order_id = fields.Many2one(index=False)


class OrderEvolution(models.Model):
    _inherit = "test.orm.order"

    # changed ondelete: the foreign key is recreated (SCH-3)
    parent_id = fields.Many2one(ondelete="cascade")

    # changed definition of an existing SQL constraint: dropped and added again (CON-1)
    _sql_constraints = [("name_unique", "unique(name, partner_id)", "Order names must be unique per partner.")]
