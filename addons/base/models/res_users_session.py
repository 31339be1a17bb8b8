"""Web sessions, stored server-side in the tenant database (security.md AUTH-5).

One row per open session of ``/web/session/authenticate``. The session id itself (what the
``session_id`` cookie carries) is never stored: ``token_hash`` is its SHA-256. ``auth_token`` binds
the session to the user's password hash, so a password change ends the sessions opened before it.
Sessions expire after ``session_idle_days`` without use and ``session_lifetime_days`` in all.

The server reads and writes this table directly (``bureau.service.session``); the model exists so
that the table follows the module's install and upgrade, and rows go away with their user. No access
right is granted on it: only the superuser reads it.
"""
from bureau import api, fields, models


class ResUsersSession(models.Model):
    _name = "res.users.session"
    _description = "Web Session"
    _order = "id"
    _log_access = False

    user_id = fields.Many2one("res.users", string="User", required=True, index=True, ondelete="cascade")
    token_hash = fields.Char(required=True, index=True, help="SHA-256 of the session id")
    auth_token = fields.Char(required=True, help="Derived from the user's password hash when the session opened")
    created = fields.Datetime(required=True)
    last_seen = fields.Datetime(required=True)
    address = fields.Char(string="Client Address")
    user_agent = fields.Char()

    _sql_constraints = [("token_hash_uniq", "unique (token_hash)", "Session ids are unique.")]

    @api.autovacuum
    def _gc_sessions(self):
        """Delete sessions past their idle timeout or their lifetime."""
        config = self.pool.config
        self.env.cr.execute(
            "DELETE FROM res_users_session WHERE last_seen < (now() AT TIME ZONE 'UTC') - make_interval(days => %s) "
            "OR created < (now() AT TIME ZONE 'UTC') - make_interval(days => %s)",
            [config.get("session_idle_days", 7), config.get("session_lifetime_days", 30)])
