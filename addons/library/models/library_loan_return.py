"""The "Return Loans" wizard: ongoing loans given back on a chosen date, one or many at once."""
from bureau import api, fields, models
from bureau.exceptions import UserError


class LibraryLoanReturn(models.TransientModel):
    _name = "library.loan.return"
    _description = "Return Loans"

    @api.model
    def _default_loans(self):
        """The ongoing loans among those the wizard was opened on (``active_ids``)."""
        context = self.env.context
        if context.get("active_model") != "library.loan":
            return []
        ids = context.get("active_ids") or ([context["active_id"]] if context.get("active_id") else [])
        return self.env["library.loan"].browse(ids).filtered(lambda loan: loan.state == "ongoing").ids

    loan_ids = fields.Many2many("library.loan", string="Loans", default=_default_loans,
                                domain="[('state', '=', 'ongoing')]")
    date_end = fields.Date(string="Return Date", required=True, default=fields.Date.context_today)

    def action_return(self):
        """Return every chosen loan on the return date, then close the wizard."""
        for wizard in self:
            if not wizard.loan_ids:
                raise UserError(self.env._("Choose the loans to return."))
            for loan in wizard.loan_ids:
                loan.write({"date_end": wizard.date_end})
                loan.action_return()
        return {"type": "ir.actions.act_window_close"}
