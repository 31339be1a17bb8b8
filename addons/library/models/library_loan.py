"""Loans: a member borrows a book from a start date until they return it."""
from bureau import api, fields, models
from bureau.exceptions import UserError, ValidationError

STATES = [("draft", "Draft"), ("ongoing", "Ongoing"), ("returned", "Returned")]


class LibraryLoan(models.Model):
    _name = "library.loan"
    _description = "Loan"
    _order = "date_start desc, id desc"

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="New")
    book_id = fields.Many2one("library.book", string="Book", required=True, index=True, ondelete="restrict")
    member_id = fields.Many2one("res.partner", string="Member", required=True, index=True,
                                default=lambda self: self.env.user.partner_id.id)
    date_start = fields.Date(string="Start Date", required=True, default=fields.Date.context_today)
    date_end = fields.Date(string="End Date")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, index=True)
    notes = fields.Text()
    book_genre = fields.Selection(related="book_id.genre", string="Genre", store=True)
    duration = fields.Integer(compute="_compute_duration", string="Duration (days)")

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for loan in self:
            if loan.date_start and loan.date_end:
                loan.duration = (loan.date_end - loan.date_start).days
            else:
                loan.duration = 0

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for loan in self:
            if loan.date_end and loan.date_start and loan.date_end < loan.date_start:
                raise ValidationError(self.env._("A loan cannot end (%s) before it starts (%s).",
                                                 loan.date_end, loan.date_start))

    @api.constrains("state", "book_id")
    def _check_one_ongoing_loan(self):
        for loan in self.filtered(lambda l: l.state == "ongoing"):
            others = self.search_count([("book_id", "=", loan.book_id.id), ("state", "=", "ongoing"),
                                        ("id", "!=", loan.id)])
            if others:
                raise ValidationError(self.env._("%s is already on loan.", loan.book_id.name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == "New":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("library.loan") or "New"
        return super().create(vals_list)

    def action_start(self):
        """The member takes the book away."""
        for loan in self:
            if loan.state != "draft":
                raise UserError(self.env._("Only draft loans can start (%s is %s).", loan.name, loan.state))
        self.write({"state": "ongoing"})
        return True

    def action_return(self):
        """The book is back on the shelf."""
        for loan in self:
            if loan.state != "ongoing":
                raise UserError(self.env._("Only ongoing loans can be returned (%s is %s).", loan.name, loan.state))
            loan.write({"state": "returned", "date_end": loan.date_end or fields.Date.context_today(loan)})
        return True

    def action_draft(self):
        """Back to draft (a mistake)."""
        self.filtered(lambda loan: loan.state == "returned").write({"state": "draft", "date_end": False})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ongoing(self):
        if any(loan.state == "ongoing" for loan in self):
            raise UserError(self.env._("An ongoing loan cannot be deleted: return the book first."))
