"""Contacts: companies and the people working for them (``res.partner``)."""
from bureau import api, fields, models
from bureau.exceptions import ValidationError


class ResPartnerCategory(models.Model):
    _name = "res.partner.category"
    _description = "Partner Tags"
    _order = "name"
    _parent_store = True

    name = fields.Char(string="Tag Name", required=True, translate=True)
    color = fields.Integer(string="Color")
    parent_id = fields.Many2one("res.partner.category", string="Parent Category", index=True, ondelete="cascade")
    child_ids = fields.One2many("res.partner.category", "parent_id", string="Child Tags")
    active = fields.Boolean(default=True)
    partner_ids = fields.Many2many("res.partner", column1="category_id", column2="partner_id", string="Partners")

    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        for category in self:
            names = []
            current = category
            while current:
                names.append(current.name or "")
                current = current.parent_id
            category.display_name = " / ".join(reversed(names))


class ResPartner(models.Model):
    _name = "res.partner"
    _description = "Contact"
    _order = "name"

    name = fields.Char(index=True, required=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, index=True)
    ref = fields.Char(string="Reference", index=True)
    lang = fields.Char(string="Language", default=lambda self: self.env.lang or "en_US")
    tz = fields.Char(string="Timezone")
    active = fields.Boolean(default=True)
    is_company = fields.Boolean(string="Is a Company", default=False)
    type = fields.Selection([("contact", "Contact"), ("invoice", "Invoice Address"),
                             ("delivery", "Delivery Address"), ("other", "Other Address")],
                            string="Address Type", default="contact")
    parent_id = fields.Many2one("res.partner", string="Related Company", index=True)
    child_ids = fields.One2many("res.partner", "parent_id", string="Contact",
                                domain=[("active", "=", True)])
    commercial_partner_id = fields.Many2one("res.partner", compute="_compute_commercial_partner",
                                            store=True, recursive=True, index=True, string="Commercial Entity")
    function = fields.Char(string="Job Position")
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char(change_default=True)
    city = fields.Char()
    state_id = fields.Many2one("res.country.state", string="State", ondelete="restrict")
    country_id = fields.Many2one("res.country", string="Country", ondelete="restrict")
    email = fields.Char()
    phone = fields.Char()
    mobile = fields.Char()
    website = fields.Char(string="Website Link")
    comment = fields.Html(string="Notes")
    category_id = fields.Many2many("res.partner.category", column1="partner_id", column2="category_id",
                                   string="Tags")
    company_id = fields.Many2one("res.company", string="Company", index=True)
    user_ids = fields.One2many("res.users", "partner_id", string="Users")
    color = fields.Integer(string="Color Index", default=0)
    image_1920 = fields.Image(string="Image", max_width=1920, max_height=1920)

    @api.depends("name", "parent_id.name", "is_company")
    def _compute_complete_name(self):
        for partner in self:
            if partner.parent_id and not partner.is_company:
                partner.complete_name = f"{partner.parent_id.name}, {partner.name}"
            else:
                partner.complete_name = partner.name

    @api.depends("is_company", "parent_id.commercial_partner_id")
    def _compute_commercial_partner(self):
        for partner in self:
            if partner.is_company or not partner.parent_id:
                partner.commercial_partner_id = partner
            else:
                partner.commercial_partner_id = partner.parent_id.commercial_partner_id

    @api.depends("complete_name")
    def _compute_display_name(self):
        for partner in self:
            partner.display_name = partner.complete_name or partner.name or False

    def write(self, vals):
        if not self.env.su:
            self._check_users_partners()
        return super().write(vals)

    def _check_users_partners(self):
        """The contact of another user is changed like that user (security.md ACL-4): a user may
        change their own contact, only user managers those of others (a changed email must not let
        anyone take over another account).

        :raises AccessError: some contacts belong to other users and the user may not change users
        """
        others = self.env["res.users"].sudo().with_context(active_test=False).search_count(
            [("partner_id", "in", self.ids), ("id", "!=", self.env.uid)], limit=1)
        if others:
            self.env["res.users"].check_access_rights("write")

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if not self._check_recursion():
            raise ValidationError(self.env._("You cannot create recursive hierarchies of contacts."))

    @api.model
    def _name_search_domain(self, name, operator="ilike"):
        from bureau.osv.expression import AND, NEGATIVE_TERM_OPERATORS, OR
        domains = [[("complete_name", operator, name)], [("email", operator, name)], [("ref", operator, name)]]
        if operator in NEGATIVE_TERM_OPERATORS:
            return AND(domains)
        return OR(domains)

    def address_get(self):
        """The partner's own address lines as a dict (street, zip, city, country)."""
        self.ensure_one()
        return {key: self[key] for key in ("street", "street2", "zip", "city")} | {
            "country": self.country_id.name or False}
