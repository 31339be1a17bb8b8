"""Web sessions and the calls made through them (security.md AUTH-5, rpc.md §11, §12).

A session opens with a login and password (never an API key) and lives in the tenant database, in
the table of ``res.users.session``. Its id is ``secrets.token_urlsafe(32)``; only its SHA-256 is
stored. The ``session_id`` cookie carries ``<id>.<database>``: the id alphabet has no ``.``, so the
part after the first dot names the one database the session belongs to (ACL-6), and a database the
server does not serve (``db_filter``) has no session. Each row holds an HMAC, keyed with the
database's ``database.secret``, of the user's password hash: a password change ends every session
opened before it, except the session that changed it (:func:`call_kw` binds it again). A session
ends at logout, after ``session_idle_days`` without a request and ``session_lifetime_days`` after
login; a new id is issued at every login and the previous session of the client is deleted (no
fixation).

Every function here runs its own transactions: checking the session is one, the model call
(:func:`bureau.service.model.call_kw`) is another, retried on concurrency failures.
"""
import csv
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass

import psycopg2

from ..db.retry import is_retryable, retrying
from ..exceptions import AccessError, UserError
from ..orm.environment import Environment
from . import auth, common
from . import model as model_service

_logger = logging.getLogger(__name__)

COOKIE_NAME = "session_id"
#: session ids are ``secrets.token_urlsafe(32)``: 43 characters of the URL-safe base64 alphabet
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
#: ``last_seen`` is written at most once per this many seconds of use
TOUCH_INTERVAL = 60


@dataclass(frozen=True)
class Session:
    """A valid session: its database, its user, and the hash identifying its row."""

    db: str
    uid: int
    token_hash: str


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _auth_token(secret, uid, password_hash):
    message = f"{uid}:{password_hash or ''}".encode()
    return hmac.new((secret or "").encode(), message, hashlib.sha256).hexdigest()


def _best_effort(cr, query, params):
    """Run a write that a concurrent request may have done already (two calls of one client
    touching or ending the same session): a serialization failure is ignored, not the request's."""
    try:
        with cr.savepoint(flush=False):
            cr.execute(query, params)
    except psycopg2.Error as exc:
        if not is_retryable(exc):
            raise
        _logger.debug("concurrent update of a session row ignored: %s", exc.pgcode)


def parse_cookie(value):
    """``(session id, database)`` of a cookie value, or None when it is malformed."""
    if not isinstance(value, str):
        return None
    token, sep, dbname = value.partition(".")
    if not sep or not dbname or not _TOKEN_RE.fullmatch(token):
        return None
    return token, dbname


def _serving(runtime, dbname):
    """The registry of ``dbname`` when the server serves it and it has sessions, else None."""
    try:
        runtime.check_dbname(dbname)
        registry = runtime.registry(dbname)
    except UserError:
        return None
    return registry if "res.users.session" in registry else None


def authenticate(runtime, dbname, login, password, address=None, user_agent=None, previous=None):
    """Check a login and open a session for it.

    :param previous: the cookie value the client sent, if any: that session ends (a login always
        gets a new id)
    :returns: ``(cookie value, Session)``
    :raises AccessDenied: bad credentials or throttled (API keys are refused here)
    :raises DatabaseNotFound: the database does not exist, is not served or not initialised
    """
    runtime.check_dbname(dbname)
    uid = auth.authenticate(runtime, dbname, login, password, address, allow_api_key=False)
    if previous:
        destroy(runtime, previous)
    if "res.users.session" not in runtime.registry(dbname):
        raise UserError("Web sessions need the module base to be upgraded in this database.")
    token = secrets.token_urlsafe(32)
    token_hash = _hash(token)
    with runtime.cursor(dbname) as cr:
        cr.execute("SELECT password_hash, (SELECT value FROM ir_config_parameter WHERE key = 'database.secret') "
                   "FROM res_users WHERE id = %s", [uid])
        password_hash, secret = cr.fetchone()
        cr.execute(
            "INSERT INTO res_users_session (user_id, token_hash, auth_token, created, last_seen, address, "
            "user_agent) VALUES (%s, %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', %s, %s)",
            [uid, token_hash, _auth_token(secret, uid, password_hash), (address or "")[:64] or None,
             (user_agent or "")[:256] or None])
    _logger.info("web session opened for uid %s on %s from %s", uid, dbname, address or "?")
    return f"{token}.{dbname}", Session(dbname, uid, token_hash)


def resolve(runtime, cookie_value):
    """The :class:`Session` of a cookie value, or None (unknown, expired, ended by a password
    change or a deactivated user: such rows are deleted)."""
    parsed = parse_cookie(cookie_value)
    if parsed is None:
        return None
    token, dbname = parsed
    if _serving(runtime, dbname) is None:
        return None
    token_hash = _hash(token)
    config = runtime.config
    with runtime.cursor(dbname) as cr:
        cr.execute("""
            SELECT s.id, s.user_id, s.auth_token, u.password_hash, u.active,
                   (SELECT value FROM ir_config_parameter WHERE key = 'database.secret'),
                   s.last_seen < (now() AT TIME ZONE 'UTC') - make_interval(days => %(idle)s)
                   OR s.created < (now() AT TIME ZONE 'UTC') - make_interval(days => %(lifetime)s),
                   s.last_seen < (now() AT TIME ZONE 'UTC') - make_interval(secs => %(touch)s)
              FROM res_users_session s JOIN res_users u ON u.id = s.user_id
             WHERE s.token_hash = %(hash)s
        """, {"hash": token_hash, "idle": config.get("session_idle_days", 7),
              "lifetime": config.get("session_lifetime_days", 30), "touch": TOUCH_INTERVAL})
        row = cr.fetchone()
        if row is None:
            return None
        session_id, uid, bound, password_hash, active, secret, expired, stale = row
        if expired or not active or not hmac.compare_digest(bound, _auth_token(secret, uid, password_hash)):
            _best_effort(cr, "DELETE FROM res_users_session WHERE id = %s", [session_id])
            _logger.info("web session of uid %s on %s ended (%s)", uid, dbname,
                         "expired" if expired else "user inactive" if not active else "password changed")
            return None
        if stale:
            _best_effort(cr, "UPDATE res_users_session SET last_seen = now() AT TIME ZONE 'UTC' WHERE id = %s",
                         [session_id])
    return Session(dbname, uid, token_hash)


def destroy(runtime, cookie_value):
    """End the session of a cookie value (logout); unknown sessions are ignored."""
    parsed = parse_cookie(cookie_value)
    if parsed is None:
        return
    token, dbname = parsed
    if _serving(runtime, dbname) is None:
        return
    with runtime.cursor(dbname) as cr:
        _best_effort(cr, "DELETE FROM res_users_session WHERE token_hash = %s", [_hash(token)])
    _logger.info("web session on %s closed", dbname)


def _rebind(runtime, session):
    """Bind ``session`` to its user's current password hash (after the user changed it)."""
    def work(cr):
        cr.execute("SELECT password_hash, (SELECT value FROM ir_config_parameter WHERE key = 'database.secret') "
                   "FROM res_users WHERE id = %s", [session.uid])
        row = cr.fetchone()
        if row:
            cr.execute("UPDATE res_users_session SET auth_token = %s WHERE token_hash = %s",
                       [_auth_token(row[1], session.uid, row[0]), session.token_hash])

    retrying(work, lambda: runtime.cursor(session.db), attempts=runtime.config.get("db_retry_attempts", 5))


def _run(runtime, session, work, context=None):
    """``work(env)`` in one retried transaction as the session's user."""
    registry = runtime.registry(session.db)
    context = model_service.clean_context(context or {})

    def transaction(cr):
        return work(Environment(cr, session.uid, context, registry=registry))

    return retrying(transaction, lambda: runtime.cursor(session.db),
                    attempts=runtime.config.get("db_retry_attempts", 5))


# -- what the routes call -------------------------------------------------------------------------
def session_info(runtime, session):
    """The session-info dict of rpc.md §11 (``uid`` always an int)."""
    def work(env):
        user = env.user.sudo()
        company = user.company_id
        currencies = env["res.currency"].sudo().search([])
        version = common.version_info()
        return {
            "uid": session.uid,
            "db": session.db,
            "username": user.login,
            "name": user.name or "",
            "partner_id": user.partner_id.id,
            "is_system": bool(user._has_group("base.group_system")),
            "is_admin": bool(user._has_group("base.group_erp_manager")),
            "user_context": {"lang": user.lang or "en_US", "tz": user.tz or False, "uid": session.uid},
            "server_version": version["server_version"],
            "server_version_info": version["server_version_info"],
            "company_id": company.id or False,
            "user_companies": {
                "current_company": company.id or False,
                "allowed_companies": {
                    str(c.id): {"id": c.id, "name": c.name, "sequence": c.sequence,
                                "parent_id": c.parent_id.id or False}
                    for c in user.company_ids},
            },
            "web.base.url": env["ir.config_parameter"].sudo().get_param("web.base.url", "") or "",
            "currencies": {
                str(c.id): {"symbol": c.symbol, "position": c.position or "after",
                            "digits": [69, c.decimal_places]}
                for c in currencies},
        }
    return _run(runtime, session, work)


def call_kw(runtime, session, model, method, args, kwargs):
    """``model.method(*args, **kwargs)`` as the session's user (rpc.md §12: the object service's
    steps without a password). A call on ``res.users`` may have changed the user's own password:
    this session then stays bound to the new one, the others end."""
    result = model_service.call_kw(runtime, session.db, session.uid, model, method, args or [], kwargs or {})
    if model == "res.users":
        _rebind(runtime, session)
    return result


def call_button(runtime, session, model, method, args, kwargs):
    """Like :func:`call_kw`; an action dict comes back without ``None`` values, anything else as
    ``False`` (rpc.md §12)."""
    result = call_kw(runtime, session, model, method, args, kwargs)
    if isinstance(result, dict):
        return {key: value for key, value in result.items() if value is not None}
    return False


def load_action(runtime, session, action_id, context=None):
    """The action ``action_id`` (a database id, or an external id ``module.name``) as the dict of
    its own model, read as the session's user; ``False`` when there is no such action.

    :raises AccessError: the user may not read it, or it is reserved to groups the user is not in
    """
    def work(env):
        record = _find_action(env, action_id)
        if record is None:
            return False
        groups = record.sudo().groups_id if "groups_id" in record._fields else None
        if groups and not set(groups.ids) & set(env.user.sudo().groups_id.ids):
            raise AccessError(f"You are not allowed to open the action {record._name} ({record.id}).")
        return model_service.wire_value(record.read()[0])
    return _run(runtime, session, work, context)


def _find_action(env, action_id):
    if isinstance(action_id, str) and action_id.strip().isdigit():
        action_id = int(action_id)
    if isinstance(action_id, bool):
        return None
    if isinstance(action_id, str):
        res_model, res_id = env["ir.model.data"].sudo()._xmlid_to_res_model_res_id(action_id.strip()) \
            if "." in action_id else (False, False)
        if not res_model or not res_model.startswith("ir.actions.") or res_model not in env:
            return None
        record = env[res_model].browse(res_id)
    elif isinstance(action_id, int) and action_id > 0:
        res_model = env["ir.actions.actions"].sudo()._action_model(action_id)
        if not res_model:
            return None
        record = env[res_model].browse(action_id)
    else:
        return None
    return record if record.sudo().exists() else None


def lang_list():
    """``[[code, name], ...]`` of every language the server knows (base's language list), with no
    database needed, like Odoo's ``get_lang_list``."""
    from ..modules.discovery import addon_dir
    directory = addon_dir("base")
    if directory is None:
        return [["en_US", "English (US)"]]
    with open(directory / "data" / "res.lang.csv", newline="", encoding="utf-8") as handle:
        return sorted(([row["code"], row["name"]] for row in csv.DictReader(handle)), key=lambda item: item[1])

