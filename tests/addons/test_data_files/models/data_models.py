"""Models the data file tests load records into."""
from bureau import api, fields, models


class DataTag(models.Model):
    _name = "test.data.tag"
    _description = "Data test tag"
    _order = "name"

    name = fields.Char(required=True)
    color = fields.Integer()


class DataItem(models.Model):
    _name = "test.data.item"
    _description = "Data test item"

    name = fields.Char(required=True)
    code = fields.Char()
    sequence = fields.Integer()
    ratio = fields.Float()
    active = fields.Boolean(default=True)
    kind = fields.Selection([("a", "Alpha"), ("b", "Beta")])
    level = fields.Selection([(1, "Low"), (2, "High")])
    day = fields.Date()
    moment = fields.Datetime()
    note = fields.Text()
    body = fields.Html()
    arch = fields.Text()
    blob = fields.Binary(attachment=False)
    partner_id = fields.Many2one("res.partner")
    tag_ids = fields.Many2many("test.data.tag")
    line_ids = fields.One2many("test.data.line", "item_id")
    target = fields.Reference([("res.partner", "Partner"), ("test.data.tag", "Tag")])

    @api.model
    def _log_call(self, *args, **kwargs):
        """Called by <function> elements: records its arguments and a context key."""
        self.env["test.data.call"].create({
            "name": str(args[0]) if args else "",
            "args": repr(args),
            "kwargs": repr(sorted(kwargs.items())),
            "context_flag": self.env.context.get("data_flag") or False,
        })
        return True

    def set_note(self, note):
        """A record method called by a <function> element (ids first)."""
        self.write({"note": note})


class DataLine(models.Model):
    _name = "test.data.line"
    _description = "Data test line"
    _order = "id"

    name = fields.Char()
    quantity = fields.Float()
    item_id = fields.Many2one("test.data.item", ondelete="cascade")


class DataCall(models.Model):
    _name = "test.data.call"
    _description = "Calls made by data files"
    _order = "id"

    name = fields.Char()
    args = fields.Text()
    kwargs = fields.Text()
    context_flag = fields.Char()
