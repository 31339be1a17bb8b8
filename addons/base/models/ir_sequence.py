"""Sequences: numbering of documents (``SO0042``), gapless or not (modules.md §12)."""
import datetime

from bureau import SQL, api, fields, models
from bureau.exceptions import UserError

_INTERPOLATION_KEYS = ("year", "y", "month", "day", "doy", "woy", "weekday", "h24", "h12", "min", "sec")


class IrSequence(models.Model):
    _name = "ir.sequence"
    _description = "Sequence"
    _order = "name, id"

    name = fields.Char(required=True)
    code = fields.Char(string="Sequence Code", index=True)
    implementation = fields.Selection([("standard", "Standard"), ("no_gap", "No gap")], default="standard",
                                      required=True,
                                      help="Standard: a PostgreSQL sequence, fast, numbers may be skipped. "
                                           "No gap: the row is locked, numbers are consecutive.")
    active = fields.Boolean(default=True)
    prefix = fields.Char(help="Prefix, may contain %(year)s, %(month)s ...")
    suffix = fields.Char()
    number_next = fields.Integer(string="Next Number", default=1, required=True)
    number_increment = fields.Integer(string="Step", default=1, required=True)
    padding = fields.Integer(string="Sequence Size", default=0, required=True)
    company_id = fields.Many2one("res.company", string="Company")

    def _pg_name(self):
        return f"ir_sequence_{self.id:03d}"

    @api.model_create_multi
    def create(self, vals_list):
        sequences = super().create(vals_list)
        for sequence in sequences.filtered(lambda s: s.implementation == "standard"):
            sequence._create_pg_sequence()
        return sequences

    def write(self, vals):
        result = super().write(vals)
        if {"implementation", "number_next", "number_increment"} & set(vals):
            for sequence in self:
                if sequence.implementation == "standard":
                    sequence._create_pg_sequence(restart=True)
        return result

    def unlink(self):
        names = [sequence._pg_name() for sequence in self]
        result = super().unlink()
        for name in names:
            self.env.cr.execute(SQL("DROP SEQUENCE IF EXISTS %s", SQL.identifier(name)))
        return result

    def _create_pg_sequence(self, restart=False):
        name = self._pg_name()
        increment = self.number_increment or 1
        if restart:
            self.env.cr.execute(SQL("DROP SEQUENCE IF EXISTS %s", SQL.identifier(name)))
        self.env.cr.execute(SQL("CREATE SEQUENCE IF NOT EXISTS %s INCREMENT BY %s START WITH %s",
                                SQL.identifier(name), increment, self.number_next))

    def _interpolate(self, text, date):
        if not text:
            return ""
        now = datetime.datetime.now()
        values = {
            "year": date.strftime("%Y"), "y": date.strftime("%y"), "month": date.strftime("%m"),
            "day": date.strftime("%d"), "doy": date.strftime("%j"), "woy": date.strftime("%W"),
            "weekday": date.strftime("%w"), "h24": now.strftime("%H"), "h12": now.strftime("%I"),
            "min": now.strftime("%M"), "sec": now.strftime("%S"),
        }
        try:
            return text % values
        except (KeyError, ValueError, TypeError):
            raise UserError(self.env._("Invalid prefix or suffix for sequence %s: %s", self.name, text)) from None

    def _next_number(self):
        if self.implementation == "standard":
            self.env.cr.execute("SELECT nextval(%s)", [f'"{self._pg_name()}"'])
            return self.env.cr.fetchone()[0]
        self.flush_model(["number_next"])
        self.env.cr.execute("SELECT number_next FROM ir_sequence WHERE id = %s FOR UPDATE", [self.id])
        number = self.env.cr.fetchone()[0]
        self.env.cr.execute("UPDATE ir_sequence SET number_next = number_next + number_increment WHERE id = %s",
                            [self.id])
        self.invalidate_recordset(["number_next"], flush=False)
        return number

    def next_by_id(self, sequence_date=None):
        """The next value of this sequence, with prefix, padding and suffix."""
        self.ensure_one()
        self.check_access_rights("read")
        sequence = self.sudo()
        date = sequence_date or datetime.date.today()
        if isinstance(date, str):
            date = fields.Date.to_date(date)
        number = sequence._next_number()
        return f"{sequence._interpolate(sequence.prefix, date)}{number:0{sequence.padding}d}" \
               f"{sequence._interpolate(sequence.suffix, date)}"

    @api.model
    def next_by_code(self, sequence_code, sequence_date=None):
        """The next value of the sequence with ``sequence_code`` for the current company (False if none)."""
        self.check_access_rights("read")
        company_id = self.env.company.id
        candidates = self.sudo().search([("code", "=", sequence_code),
                                         ("company_id", "in", [company_id, False])], order="company_id")
        if not candidates:
            return False
        preferred = candidates.filtered(lambda s: s.company_id.id == company_id) or candidates
        return preferred[0].next_by_id(sequence_date)
