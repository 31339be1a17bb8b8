"""Scheduled actions (``ir.cron``): a server action run at intervals, as a given user.

The runner (``bureau.service.cron``) picks due jobs with ``FOR NO KEY UPDATE SKIP LOCKED`` so that
several workers never run one job twice, runs each job in its own transaction and reschedules it
from its planned time.
"""
import datetime
import logging

from bureau import api, fields, models
from bureau.exceptions import AccessError

_logger = logging.getLogger(__name__)

INTERVALS = {
    "minutes": lambda n: datetime.timedelta(minutes=n),
    "hours": lambda n: datetime.timedelta(hours=n),
    "days": lambda n: datetime.timedelta(days=n),
    "weeks": lambda n: datetime.timedelta(weeks=n),
}


class IrCron(models.Model):
    _name = "ir.cron"
    _description = "Scheduled Actions"
    _inherits = {"ir.actions.server": "ir_actions_server_id"}
    _order = "priority, name, id"

    ir_actions_server_id = fields.Many2one("ir.actions.server", string="Server action", required=True,
                                           ondelete="restrict")
    cron_name = fields.Char(related="ir_actions_server_id.name", store=True, string="Name", translate=False)
    user_id = fields.Many2one("res.users", string="Scheduler User", required=True,
                              default=lambda self: self.env.uid)
    active = fields.Boolean(default=True)
    interval_number = fields.Integer(default=1, required=True)
    interval_type = fields.Selection([("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days"),
                                      ("weeks", "Weeks"), ("months", "Months")], default="months",
                                     required=True)
    nextcall = fields.Datetime(string="Next Execution Date", required=True, default=fields.Datetime.now)
    lastcall = fields.Datetime(string="Last Execution Date")
    priority = fields.Integer(default=5)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["usage"] = "ir_cron"
        return super().create(vals_list)

    def _next_call(self, planned):
        """The next execution after ``planned`` (intervals count from the planned time)."""
        self.ensure_one()
        if self.interval_type == "months":
            from dateutil.relativedelta import relativedelta
            step = relativedelta(months=self.interval_number)
        else:
            step = INTERVALS[self.interval_type](self.interval_number)
        now = fields.Datetime.now()
        nextcall = planned + step
        while nextcall <= now:
            nextcall += step
        return nextcall

    def _run_job(self):
        """Run the job's server action as its user (with that user's rights); the caller owns the
        transaction."""
        self.ensure_one()
        action = self.ir_actions_server_id.with_user(self.user_id).with_context(
            active_model=self.model_id.model, lastcall=self.lastcall)
        action.run()

    def method_direct_trigger(self):
        """Run the jobs now (button "Run Manually")."""
        self.check_access_rights("write")
        for cron in self:
            cron._run_job()
            cron.lastcall = fields.Datetime.now()
        return True


class IrAutovacuum(models.AbstractModel):
    _name = "ir.autovacuum"
    _description = "Automatic Vacuum"

    @api.model
    def run_vacuum_cleaner(self):
        """Call every ``@api.autovacuum`` method of every model (daily cron; settings group only)."""
        if not (self.env.is_superuser() or self.env.is_system()):
            raise AccessError(self.env._("Only administrators can run the auto-vacuum."))
        for model_name, methods in self.pool.autovacuum_methods.items():
            if self.pool[model_name]._abstract:
                continue
            for method in methods:
                try:
                    with self.env.cr.savepoint():
                        method(self.env[model_name].sudo())
                except Exception:
                    _logger.exception("autovacuum %s.%s failed", model_name, method.__name__)
