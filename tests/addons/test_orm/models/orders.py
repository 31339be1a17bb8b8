from bureau import Command, api, fields, models
from bureau.exceptions import ValidationError


class Order(models.Model):
    _name = "test.orm.order"
    _description = "Order"
    _order = "name desc, id"

    name = fields.Char(required=True)
    partner_id = fields.Many2one("res.partner")
    line_ids = fields.One2many("test.orm.order.line", "order_id")
    tag_ids = fields.Many2many("test.orm.tag", "test_orm_order_tag_rel", "order_id", "tag_id")
    total = fields.Float(compute="_compute_total", store=True)
    line_count = fields.Integer(compute="_compute_total", store=True)
    total_with_tax = fields.Float(compute="_compute_total_with_tax", store=True)
    partner_country_code = fields.Char(related="partner_id.country_id.code", store=True)
    tag_names = fields.Char(compute="_compute_tag_names", store=True)
    shown_total = fields.Char(compute="_compute_shown_total")
    discount = fields.Float()
    parent_id = fields.Many2one("test.orm.order", ondelete="set null")
    child_ids = fields.One2many("test.orm.order", "parent_id")
    tree_total = fields.Float(compute="_compute_tree_total", store=True, recursive=True)
    state = fields.Selection([("draft", "Draft"), ("confirmed", "Confirmed")], default="draft")
    date_order = fields.Datetime()

    _sql_constraints = [("name_unique", "unique(name)", "Order names must be unique.")]

    @api.depends("line_ids.subtotal")
    def _compute_total(self):
        for order in self:
            order.total = sum(order.line_ids.mapped("subtotal"))
            order.line_count = len(order.line_ids)

    @api.depends("total", "discount")
    def _compute_total_with_tax(self):
        for order in self:
            order.total_with_tax = round((order.total - order.discount) * 1.2, 2)

    @api.depends("tag_ids.name")
    def _compute_tag_names(self):
        for order in self:
            order.tag_names = ",".join(sorted(order.tag_ids.mapped("name"))) or False

    @api.depends("total")
    def _compute_shown_total(self):
        for order in self:
            order.shown_total = f"{order.total:.2f}"

    @api.depends("total", "child_ids.tree_total")
    def _compute_tree_total(self):
        for order in self:
            order.tree_total = order.total + sum(order.child_ids.mapped("tree_total"))

    @api.constrains("discount")
    def _check_discount(self):
        for order in self:
            if order.discount < 0:
                raise ValidationError(f"The discount of {order.name} cannot be negative.")

    @api.onchange("date_order")
    def _onchange_date_order(self):
        """A field with an onchange method and no computed dependant (views: on_change="1")."""
        if self.date_order and not self.name:
            self.name = f"Order of {self.date_order:%Y-%m-%d}"

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        """Onchange tests: a company customer gets a discount of 60; a customer without email, a
        warning."""
        if self.partner_id.is_company:
            self.discount = 60.0
        if self.partner_id and not self.partner_id.email:
            return {"warning": {"title": "No email", "message": f"{self.partner_id.name} has no email."}}
        return None

    @api.onchange("line_count")
    def _onchange_line_count(self):
        """Onchange tests: on a computed field, reached when the lines change; warns as a notification."""
        if self.line_count > 2:
            return {"warning": {"title": "Many lines", "message": f"{self.line_count} lines.",
                                "type": "notification"}}
        return None

    @api.onchange("parent_id")
    def _onchange_parent_id(self):
        """Onchange tests: the lines of the parent order are copied as new lines."""
        if self.parent_id:
            self.line_ids = [Command.create({"name": line.name, "price": line.price, "quantity": line.quantity})
                             for line in self.parent_id.line_ids]


class OrderLine(models.Model):
    _name = "test.orm.order.line"
    _description = "Order line"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("test.orm.order", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char()
    price = fields.Float()
    quantity = fields.Float(default=1.0)
    subtotal = fields.Float(compute="_compute_subtotal", store=True)
    order_partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")

    @api.depends("price", "quantity")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.price * line.quantity
