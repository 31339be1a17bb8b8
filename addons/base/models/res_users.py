"""Users: login, password (argon2id hash only), groups and companies (security.md AUTH-1).

A user *is* a partner through ``_inherits``: name, email and address live on ``res.partner``.
The password hash lives in the column ``password_hash``, which is not a field: no RPC path can read,
search or sort on it.

Who changes what (security.md ACL-4): user managers (write access on ``res.users``, group
*Access Rights*) change users; everybody else changes only their own preferences
(:data:`SELF_WRITEABLE_FIELDS`), through ``write`` on their own user or :meth:`ResUsers.set_preferences`,
and their password through :meth:`ResUsers.change_password`. Groups, login, activity, companies
and every field of other users are refused to them on every path: ``write``, ``create``, ``copy``,
x2many commands from contacts, groups or companies, and context defaults. The contacts of other
users are changed like the users (``res.partner``).
"""
import functools
import zoneinfo
import logging

from bureau import api, fields, models
from bureau.exceptions import AccessDenied, AccessError, ValidationError

_logger = logging.getLogger(__name__)

#: the fields of their own user that users who are not user managers may change (security.md ACL-4)
SELF_WRITEABLE_FIELDS = ("name", "email", "signature", "lang", "tz")
MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORDS = frozenset({
    "password", "12345678", "123456789", "1234567890", "qwertyuiop", "password1", "iloveyou", "11111111",
    "00000000", "abcdefgh", "azertyuiop", "administrator", "admin123", "letmein1", "welcome1", "changeme",
})


def _hasher():
    import argon2
    return argon2.PasswordHasher()


class ResUsers(models.Model):
    _name = "res.users"
    _description = "User"
    _inherits = {"res.partner": "partner_id"}
    _order = "name, login"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="restrict", index=True,
                                 string="Related Partner")
    login = fields.Char(required=True, help="Used to log into the system")
    password = fields.Char(compute="_compute_password", inverse="_set_password", copy=False,
                           string="Password", help="Write-only: reading it gives nothing")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", string="Company", default=lambda self: self.env.company.id or False)
    company_ids = fields.Many2many("res.company", "res_company_users_rel", "user_id", "cid", string="Companies",
                                   default=lambda self: self.env.company.ids)
    groups_id = fields.Many2many("res.groups", "res_groups_users_rel", "uid", "gid", string="Groups")
    share = fields.Boolean(compute="_compute_share", store=True, string="Share User")
    signature = fields.Html()

    _sql_constraints = [("login_key", "UNIQUE (login)", "You can not have two users with the same login!")]

    def _auto_init_table(self):
        new = super()._auto_init_table()
        self.env.cr.execute("ALTER TABLE res_users ADD COLUMN IF NOT EXISTS password_hash VARCHAR")
        return new

    def _compute_password(self):
        for user in self:
            user.password = False

    def _set_password(self):
        for user in self:
            if user.password:
                user._set_encrypted_password(user.password)

    def _set_encrypted_password(self, password):
        _check_password_strength(password)
        self.flush_model()
        self.env.cr.execute("UPDATE res_users SET password_hash = %s WHERE id = %s",
                            [_hasher().hash(password), self.id])
        self.env.cache.set(self, self._fields["password"], False)
        # cached credentials of this user (in every worker) must be checked again
        self.pool.clear_cache()

    @api.depends("groups_id")
    def _compute_share(self):
        internal = self.env.ref("base.group_user", raise_if_not_found=False)
        for user in self:
            user.share = not internal or internal not in user.groups_id

    # -- groups ----------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        for user in users:
            if user.groups_id:
                user._add_groups(user.groups_id)
            if user.partner_id.company_id != user.company_id and user.company_id:
                user.partner_id.write({"company_id": user.company_id.id})
        self.pool.clear_cache()
        return users

    def write(self, vals):
        if "lang" in vals or "tz" in vals:
            self._check_lang_tz(vals)
        if not self.env.su and not self.check_access_rights("write", raise_exception=False):
            # not a user manager: own preferences only, written as superuser once checked
            self._check_self_writeable(vals)
            return self.sudo().write(vals)
        if "company_id" in vals and "company_ids" not in vals:
            for user in self:
                if vals["company_id"] and vals["company_id"] not in user.company_ids.ids:
                    user.company_ids = [(4, vals["company_id"])]
        result = super().write(vals)
        if "groups_id" in vals:
            for user in self:
                user._add_groups(user.groups_id)
        # record rules are evaluated with the user (user.partner_id.id, company_ids ...)
        if {"groups_id", "active", "company_id", "company_ids", "partner_id"} & set(vals):
            self.pool.clear_cache()
        return result

    def _check_self_writeable(self, vals):
        """:raises AccessError: ``vals`` is not a change of the current user's own preferences"""
        if set(self._ids) != {self.env.uid}:
            self.check_access_rights("write")
        refused = sorted(set(vals) - set(SELF_WRITEABLE_FIELDS))
        if refused:
            raise AccessError(self.env._(
                "You may only change your own preferences (%s), not: %s. Contact your administrator "
                "to change anything else.", ", ".join(SELF_WRITEABLE_FIELDS), ", ".join(refused)))

    def _check_lang_tz(self, vals):
        """:raises ValidationError: ``lang`` is not an active language or ``tz`` not a time zone"""
        lang, tz = vals.get("lang"), vals.get("tz")
        if lang and lang != "en_US":
            self.env["res.lang"].flush_model(["code", "active"])  # a language activated just before
            self.env.cr.execute("SELECT 1 FROM res_lang WHERE code = %s AND active", [str(lang)])
            if not self.env.cr.fetchone():
                raise ValidationError(self.env._("Unknown or inactive language: %s", lang))
        if tz and (not isinstance(tz, str) or tz not in _time_zones()):
            raise ValidationError(self.env._("Unknown time zone: %s", tz))

    # -- preferences -----------------------------------------------------------------------------
    @api.model
    def get_preferences(self):
        """The current user's preferences: ``{'id', 'name', 'email', 'signature', 'lang', 'tz'}``."""
        user = self.env.user
        values = {"id": user.id}
        for name in SELF_WRITEABLE_FIELDS:
            values[name] = self._fields[name].convert_to_read(user[name], user)
        return values

    @api.model
    def set_preferences(self, values):
        """Change the current user's preferences (:data:`SELF_WRITEABLE_FIELDS` only, for every
        user, managers included: other fields go through ``write``).

        :raises AccessError: a field that is not a preference
        :raises ValidationError: unknown language or time zone
        """
        if not isinstance(values, dict):
            raise ValidationError(self.env._("Preferences are a dictionary of field values."))
        refused = sorted(set(values) - set(SELF_WRITEABLE_FIELDS))
        if refused:
            raise AccessError(self.env._("These are not preferences: %s", ", ".join(map(str, refused))))
        if values:
            self.browse(self.env.uid).write(values)
        return True

    def unlink(self):
        from bureau import SUPERUSER_ID
        if SUPERUSER_ID in self.ids:
            raise ValidationError(self.env._("The superuser cannot be deleted."))
        self.pool.clear_cache()
        return super().unlink()

    def _add_groups(self, groups):
        """Make the users members of ``groups`` and everything they imply (one statement)."""
        closure = groups._implied_closure()
        rows = [(user.id, group_id) for user in self for group_id in closure.ids]
        if rows:
            self.env.cr.execute_values("INSERT INTO res_groups_users_rel (uid, gid) VALUES %s "
                                       "ON CONFLICT DO NOTHING", rows)
            self.invalidate_recordset(["groups_id"], flush=False)
            self.env["res.groups"].invalidate_model(["users"], flush=False)
        self.pool.clear_cache()

    def _has_group(self, xml_id):
        """Whether the user belongs to the group ``module.name`` (cached until groups change)."""
        if not self:
            return False
        self.ensure_one()
        key = ("has_group", self.id, xml_id)
        cache = self.pool.access_cache
        if key not in cache:
            group_id = self.env["ir.model.data"]._xmlid_to_res_id(xml_id)
            if not group_id:
                cache[key] = False
            else:
                self.env.cr.execute("SELECT 1 FROM res_groups_users_rel WHERE uid = %s AND gid = %s",
                                    [self.id, group_id])
                cache[key] = bool(self.env.cr.fetchone())
        return cache[key]

    def has_group(self, group_ext_id):
        """Whether the user belongs to the group with external id ``group_ext_id``."""
        return self._has_group(group_ext_id)

    def _has_any_group(self, groups):
        """Whether the user belongs to one of the comma-separated groups (``!xml_id`` negates)."""
        for xml_id in (g.strip() for g in groups.split(",")):
            if not xml_id:
                continue
            if xml_id.startswith("!"):
                if not self._has_group(xml_id[1:]):
                    return True
            elif self._has_group(xml_id):
                return True
        return False

    @api.model
    def context_get(self):
        """The context clients start from: the user's language, time zone and uid (rpc.md §8)."""
        user = self.env.user
        return {"lang": user.lang or "en_US", "tz": user.tz or False, "uid": self.env.uid}

    # -- authentication --------------------------------------------------------------------------
    @api.model
    def change_password(self, old_passwd, new_passwd):
        """Change the current user's own password; the current password is needed (an API key
        does not do, security.md AUTH-2). The user's other web sessions end (AUTH-5).

        :raises AccessDenied: wrong current password
        """
        user = self.env.user.sudo()
        self._check_own_password(old_passwd)
        if not isinstance(new_passwd, str) or not new_passwd:
            raise ValidationError(self.env._("Setting empty passwords is not allowed."))
        user._set_encrypted_password(new_passwd)
        return True

    @api.model
    def _check_own_password(self, password):
        """Check the current user's password again (before changing it or creating an API key);
        failures count in the login throttle like failed logins (security.md AUTH-3), so a stolen
        session or API key cannot be used to guess the password.

        :raises AccessDenied: wrong password, or too many failures
        """
        if not isinstance(password, str) or not password:
            raise AccessDenied()
        login = self.env.user.sudo().login

        def verify():
            return self.sudo()._check_credentials_for(login, password)

        guard = type(self.pool).credential_guard
        return verify() if guard is None else guard(self.pool, self.env.uid, verify)

    @api.model
    def _check_credentials_for(self, login, password):
        """The uid of the active user ``login`` whose password is ``password``.

        :raises AccessDenied: unknown login, wrong password or inactive user (same error for all)
        """
        row = None
        if isinstance(login, str) and "\x00" not in login:  # PostgreSQL refuses NUL: nobody's login
            self.env.cr.execute("SELECT id, password_hash FROM res_users WHERE login = %s AND active", [login])
            row = self.env.cr.fetchone()
        import argon2
        hasher = _hasher()
        if not row or not row[1]:
            try:
                hasher.verify(_DUMMY_HASH[0] or _dummy_hash(), password or "-")
            except argon2.exceptions.VerificationError:
                pass
            raise AccessDenied()
        uid, stored = row
        try:
            hasher.verify(stored, password or "")
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            raise AccessDenied() from None
        if hasher.check_needs_rehash(stored):
            self.env.cr.execute("UPDATE res_users SET password_hash = %s WHERE id = %s",
                                [hasher.hash(password), uid])
        return uid


_DUMMY_HASH = [None]


@functools.lru_cache(maxsize=1)
def _time_zones():
    return frozenset(zoneinfo.available_timezones())


def _dummy_hash():
    _DUMMY_HASH[0] = _hasher().hash("not a password of anyone")
    return _DUMMY_HASH[0]


def _check_password_strength(password):
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if password.lower() in COMMON_PASSWORDS:
        raise ValidationError("This password is too common; choose another one.")
