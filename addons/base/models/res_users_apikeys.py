"""API keys: secrets that replace a user's password for XML-RPC and ``/jsonrpc`` calls (security.md
AUTH-2).

A key is 24 random bytes written as 48 hex characters and shown once, when
:meth:`ResUsersApikeys.generate` returns it. The first 8 characters are stored in clear as a lookup
``prefix`` (not a secret: the 160 bits after it are); the whole key is stored as its SHA-256 in the
column ``key_hash``, which is not a field, so no RPC path reads it. A slow KDF is not needed for a
secret of that much entropy, and a cheap check keeps per-call authentication cheap.

Keys are not accepted to open a web session, to change a password or to create another key: those
paths check the password itself. Generating a key needs the password. Revoking (``remove`` or
``unlink``) clears the credential caches of every worker through the registry's cache signal, so
the key is refused from the next request on.
"""
import datetime
import hashlib
import re
import secrets

from bureau import api, fields, models
from bureau.exceptions import UserError, ValidationError

#: random bytes of a key (192 bits: 160 secret bits remain beside the 32-bit lookup prefix)
KEY_BYTES = 24
PREFIX_SIZE = 8
KEY_RE = re.compile(r"[0-9a-f]{%d}" % (2 * KEY_BYTES))


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ResUsersApikeys(models.Model):
    _name = "res.users.apikeys"
    _description = "User API Key"
    _order = "id"

    name = fields.Char(string="Description", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="User", required=True, readonly=True, index=True,
                              ondelete="cascade")
    scope = fields.Char(readonly=True, help="Where the key is accepted ('rpc'); empty: everywhere keys are")
    expiration_date = fields.Datetime(readonly=True, help="After this moment (UTC) the key is refused")
    prefix = fields.Char(size=PREFIX_SIZE, readonly=True, index=True,
                         help="The first characters of the key, to find it (not a secret)")

    def _auto_init_table(self):
        new = super()._auto_init_table()
        self.env.cr.execute("ALTER TABLE res_users_apikeys ADD COLUMN IF NOT EXISTS key_hash VARCHAR")
        return new

    @api.model
    def generate(self, name, password, scope=False, expiration_date=False):
        """Create an API key for the current user and return it (the only time it is shown).

        :param name: what the key is for
        :param password: the user's password (an API key is not accepted here)
        :param scope: ``'rpc'`` or False (accepted wherever keys are)
        :param expiration_date: ``'YYYY-MM-DD HH:MM:SS'`` (UTC) in the future, or False
        :raises AccessDenied: wrong password
        """
        user = self.env.user
        self.env["res.users"]._check_own_password(password)
        if not isinstance(name, str) or not name.strip():
            raise UserError(self.env._("An API key needs a description."))
        if scope is not False and scope is not None and not isinstance(scope, str):
            raise ValidationError(self.env._("The scope of an API key is a text."))
        try:
            expires = fields.Datetime.to_datetime(expiration_date) if expiration_date else None
        except (TypeError, ValueError):
            raise ValidationError(self.env._("Invalid expiration date: %s", str(expiration_date)[:64])) from None
        if expires is not None and expires <= datetime.datetime.utcnow():
            raise ValidationError(self.env._("The expiration date of an API key must be in the future."))
        key = secrets.token_hex(KEY_BYTES)
        record = self.sudo().create({"name": name.strip(), "user_id": user.id, "scope": scope or False,
                                     "expiration_date": expires or False, "prefix": key[:PREFIX_SIZE]})
        record.flush_recordset()
        self.env.cr.execute("UPDATE res_users_apikeys SET key_hash = %s WHERE id = %s", [_hash(key), record.id])
        return key

    def remove(self):
        """Revoke the keys (the owner's own, or any as superuser)."""
        self.unlink()
        return True

    def unlink(self):
        # cached credentials of the owners (in every worker) must be checked again
        self.pool.clear_cache()
        return super().unlink()

    @api.model
    def _check_credentials(self, scope, key):
        """``(uid, expiration or None)`` of the active user owning ``key`` valid for ``scope``,
        or None."""
        if not isinstance(key, str) or not KEY_RE.fullmatch(key):
            return None
        self.env.cr.execute(
            "SELECT k.user_id, k.key_hash, k.expiration_date FROM res_users_apikeys k "
            "JOIN res_users u ON u.id = k.user_id "
            "WHERE k.prefix = %s AND u.active AND (k.scope IS NULL OR k.scope = %s) "
            "AND (k.expiration_date IS NULL OR k.expiration_date > (now() AT TIME ZONE 'UTC'))",
            [key[:PREFIX_SIZE], scope])
        digest = _hash(key)
        for uid, stored, expires in self.env.cr.fetchall():
            if stored and secrets.compare_digest(stored, digest):
                return uid, expires
        return None

    @api.autovacuum
    def _gc_expired(self):
        """Delete keys whose expiration date passed."""
        expired = self.sudo().search([("expiration_date", "!=", False),
                                      ("expiration_date", "<", fields.Datetime.now())])
        if expired:
            expired.unlink()
