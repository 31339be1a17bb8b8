"""Records the desktop client tests (``tests/client``) show in forms, with a real server behind them.

:class:`ClientDoc` has a field for each kind of form widget, states for header buttons and the
statusbar, onchanges, a constraint the form must report, and buttons. Some of its code passes a
*gate* first: ``pg_advisory_xact_lock_shared(GATE_CLASS, key)``. While a test holds the exclusive
lock on that key (``SELECT pg_advisory_xact_lock(GATE_CLASS, key)`` in its own transaction), the
call waits on the server, so a test can hold a reply back for as long as it needs (a slow button, a
pending onchange, a reply arriving after its widget was destroyed) without a fake server.
"""
from bureau import api, fields, models
from bureau.exceptions import ValidationError

#: first half of the advisory lock keys of gates (the second half is the record's ``gate``)
GATE_CLASS = 7431


def pass_gate(cr, key):
    """Wait until no test holds the gate ``key`` (no wait for an empty key)."""
    if key:
        cr.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [GATE_CLASS, key])


class ClientDoc(models.Model):
    _name = "test.orm.client.doc"
    _description = "Desktop client test record"
    _order = "name, id"

    name = fields.Char(required=True)
    ref = fields.Char()
    street = fields.Char()
    zip = fields.Char()
    city = fields.Char(default="Lyon")
    email = fields.Char()
    phone = fields.Char()
    website = fields.Char()
    a = fields.Char()
    b = fields.Char()
    c = fields.Char()
    d = fields.Char()
    code = fields.Char(size=10)
    secret = fields.Char()
    note = fields.Char()
    notes = fields.Text()
    body = fields.Html(sanitize=False)  # the client must keep scripts out itself
    score = fields.Integer()
    total = fields.Float(compute="_compute_total", store=True)
    quantity = fields.Float(digits=(16, 3))
    duration = fields.Float()
    currency_id = fields.Many2one("res.currency")
    amount = fields.Monetary(currency_field="currency_id")
    company_currency_id = fields.Many2one("res.currency")
    plain = fields.Monetary(currency_field="company_currency_id")
    is_company = fields.Boolean()
    toggle = fields.Boolean()
    state = fields.Selection([("draft", "Draft"), ("sent", "Sent"), ("open", "Open"), ("cancel", "Cancelled"),
                              ("done", "Done")], default="draft")
    level = fields.Selection([("low", "Low"), ("normal", "Normal"), ("high", "High")])
    priority = fields.Selection([("0", "Normal"), ("1", "Good"), ("2", "Very Good"), ("3", "Excellent")],
                                default="0")
    date = fields.Date()
    moment = fields.Datetime()
    attachment = fields.Binary()
    attachment_name = fields.Char()
    image = fields.Binary()
    partner_id = fields.Many2one("res.partner")
    target = fields.Reference([("res.partner", "Contact"), ("res.country", "Country")])
    sequence = fields.Integer(default=10)
    loan_count = fields.Integer(string="Loans")
    gate = fields.Integer(help="Advisory lock key that onchanges and action_wait pass first (tests)")
    gated_note = fields.Char(compute="_compute_gated_note",
                             help="Computed after passing the record's gate: a read as slow as the test wants")

    @api.depends("score")
    def _compute_total(self):
        for doc in self:
            doc.total = doc.score * 1.5

    def _compute_gated_note(self):
        for doc in self:
            pass_gate(self.env.cr, doc.gate)
            doc.gated_note = f"read after gate {doc.gate}" if doc.gate else False

    @api.constrains("score")
    def _check_score(self):
        for doc in self:
            if doc.score < 0:
                raise ValidationError(f"The score of {doc.name} cannot be negative.")

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        """The partner's email is copied; a partner without one gets a warning."""
        pass_gate(self.env.cr, self.gate)
        if self.partner_id:
            self.email = self.partner_id.email or False
            if not self.partner_id.email:
                return {"warning": {"title": "No email", "message": f"{self.partner_id.name} has no email."}}
        return None

    @api.onchange("quantity")
    def _onchange_quantity(self):
        pass_gate(self.env.cr, self.gate)
        self.note = f"quantity {self.quantity:g}"

    def action_send(self):
        self.write({"state": "sent"})

    def action_done(self):
        """Done; the ``reason`` of the button's context goes to ``note``."""
        self.write({"state": "done", "note": self.env.context.get("reason") or False})

    def action_wipe(self):
        self.write({"city": False})

    def action_wait(self):
        """A button that takes as long as the test holds the record's gate."""
        pass_gate(self.env.cr, self.gate)
        return True

    def action_open_partner(self):
        """A button returning a window action."""
        return {"type": "ir.actions.act_window", "res_model": "res.partner", "name": "Partner",
                "views": [[False, "form"]], "res_id": self.partner_id.id}

    @api.model
    def wait_gate(self, key, answer):
        """``answer``, once the test releases the gate ``key``."""
        pass_gate(self.env.cr, key)
        return answer
