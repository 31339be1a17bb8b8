from bureau import api, fields, models


class AllTypes(models.Model):
    _name = "test.orm.all.types"
    _description = "Every field type"

    name = fields.Char()
    char_sized = fields.Char(size=5)
    char_translate = fields.Char(translate=True)
    text = fields.Text()
    html = fields.Html()
    integer = fields.Integer()
    float_plain = fields.Float()
    float_digits = fields.Float(digits=(10, 2))
    currency_id = fields.Many2one("res.currency")
    amount = fields.Monetary()
    boolean = fields.Boolean()
    date = fields.Date()
    datetime = fields.Datetime()
    selection = fields.Selection([("draft", "Draft"), ("done", "Done")])
    selection_int = fields.Selection([(1, "One"), (2, "Two")])
    selection_dynamic = fields.Selection("_selection_dynamic")
    reference = fields.Reference([("res.partner", "Partner"), ("test.orm.tag", "Tag")])
    binary = fields.Binary()
    binary_db = fields.Binary(attachment=False)
    json = fields.Json()
    partner_id = fields.Many2one("res.partner")
    line_ids = fields.One2many("test.orm.line", "all_types_id")
    tag_ids = fields.Many2many("test.orm.tag")
    active = fields.Boolean(default=True)
    partner_name = fields.Char(related="partner_id.name")
    partner_city = fields.Char(related="partner_id.city", readonly=False)
    # test_orm_ext turns 'json' into a Text field: this one stays a Json field
    json_data = fields.Json()
    name_upper = fields.Char(compute="_compute_name_upper")
    text_translate = fields.Text(translate=True)
    copied_line_ids = fields.One2many("test.orm.line", "all_types_id", copy=True)
    note = fields.Char(copy=False)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)

    @api.model
    def _selection_dynamic(self):
        return [("a", "A"), ("b", "B")]

    @api.depends("name")
    def _compute_name_upper(self):
        for record in self:
            record.name_upper = record.name.upper() if record.name else False


class Nameless(models.Model):
    _name = "test.orm.nameless"
    _description = "Model without a name field"

    value = fields.Integer()


class Line(models.Model):
    _name = "test.orm.line"
    _description = "Line of an all-types record"
    _order = "sequence, id"

    name = fields.Char()
    sequence = fields.Integer(default=10)
    all_types_id = fields.Many2one("test.orm.all.types", ondelete="cascade", index=True)
    active = fields.Boolean(default=True)


class Tag(models.Model):
    _name = "test.orm.tag"
    _description = "Tag"
    _order = "name"
    _parent_store = True

    name = fields.Char(required=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    parent_id = fields.Many2one("test.orm.tag", ondelete="cascade", index=True)
    child_ids = fields.One2many("test.orm.tag", "parent_id")
    all_types_ids = fields.Many2many("test.orm.all.types")
