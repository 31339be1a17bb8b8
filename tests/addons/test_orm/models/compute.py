"""Models exercising computed fields beyond the order example: inverse, search, partial compute
methods, constraints on computed fields (orm.md CMP-1, CMP-8, CMP-9, CMP-12, DEC-4)."""
import collections

from bureau import api, fields, models
from bureau.exceptions import ValidationError

#: how many times each compute method ran, per method name (read by tests to observe caching)
COMPUTE_CALLS = collections.Counter()


class ComputeSample(models.Model):
    _name = "test.orm.compute.sample"
    _description = "Computed field sample"

    name = fields.Char()
    value = fields.Integer()
    active = fields.Boolean(default=True)
    parent_id = fields.Many2one("test.orm.compute.sample")
    child_ids = fields.One2many("test.orm.compute.sample", "parent_id")
    parent_name = fields.Char(related="parent_id.name", store=True)
    doubled = fields.Integer(compute="_compute_doubled", inverse="_inverse_doubled", search="_search_doubled")
    code = fields.Char(compute="_compute_code", store=True)
    partial = fields.Char(compute="_compute_partial")
    echo = fields.Integer(compute="_compute_echo", store=True)
    initial = fields.Char(compute="_compute_initial", store=True)
    greeting = fields.Char(compute="_compute_greeting")

    @api.depends("name")
    @api.depends_context("salutation")
    def _compute_greeting(self):
        for record in self:
            record.greeting = f"{self.env.context.get('salutation', 'Hello')} {record.name}"

    @api.depends("value")
    def _compute_doubled(self):
        COMPUTE_CALLS["_compute_doubled"] += 1
        for record in self:
            record.doubled = record.value * 2

    def _inverse_doubled(self):
        for record in self:
            record.value = record.doubled // 2

    def _search_doubled(self, operator, value):
        return [("value", operator, value // 2)]

    @api.depends("name")
    def _compute_code(self):
        for record in self:
            record.code = (record.name or "").upper() or False

    @api.depends("name")
    def _compute_partial(self):
        """Leaves the records named 'skip' unassigned (a broken compute method, CMP-1)."""
        for record in self:
            if record.name != "skip":
                record.partial = record.name

    @api.depends("value")
    def _compute_echo(self):
        """Assigns the field, then reads it back and assigns again (CMP-12)."""
        COMPUTE_CALLS["_compute_echo"] += 1
        for record in self:
            record.echo = record.value
            record.echo = record.echo + 1

    def _compute_initial(self):
        """No dependencies: computed at creation only (CMP-5)."""
        for record in self:
            record.initial = f"v{record.value}"

    @api.constrains("code")
    def _check_code(self):
        for record in self:
            if record.code == "FORBIDDEN":
                raise ValidationError(f"The code of {record.name} is forbidden.")

    @api.constrains("parent_id.name")
    def _check_parent_name(self):
        """Only a dotted name: ignored at setup, so never called (DEC-4)."""
        for record in self:
            if record.parent_id.name == "taboo":
                raise ValidationError("A parent named taboo is refused.")
