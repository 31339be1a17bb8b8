"""Calling model methods for a client: one call = one transaction (orm.md TRX-1, rpc.md §7).

``call_kw`` checks the method name before anything else (private names are refused before any
lookup), runs the call in a transaction retried on concurrency failures, binds records for
record-level methods, turns recordsets into ids and ``None`` into ``False``, then commits.
"""
import functools
import logging
import time

from ..db.retry import retrying
from ..exceptions import AccessError, MissingError, UserError
from ..orm.environment import Environment
from ..orm.public_methods import check_method_name, public_method
from .arguments import check_call, check_signature

_logger = logging.getLogger(__name__)

#: methods that only read: their transaction runs READ ONLY (security.md TRX-B)
READONLY_METHODS = frozenset({
    "search", "read", "search_read", "search_count", "read_group", "name_search", "name_get",
    "fields_get", "get_views", "fields_view_get", "exists", "check_access_rights",
})
#: context keys never trusted from clients (security.md ACL-5)
UNTRUSTED_CONTEXT_KEYS = ("uid", "su", "superuser")


class NotFoundError(UserError):
    """Unknown model (the object service answers with a UserError)."""


def clean_context(context):
    """The client context as data: authority keys and private keys dropped (ACL-5)."""
    if not isinstance(context, dict):
        return {}
    return {key: value for key, value in context.items()
            if isinstance(key, str) and key not in UNTRUSTED_CONTEXT_KEYS and not key.startswith("_")
            or key == "__last_update"}


def call_kw(runtime, dbname, uid, model_name, method, args, kwargs):
    """Run ``model.method(*args, **kwargs)`` as ``uid`` in its own transaction; returns the
    result in wire form.

    :raises AccessError: private method, access rights
    :raises UserError: unknown model
    :raises AttributeError: unknown method
    """
    check_method_name(method)
    registry = runtime.registry(dbname)
    args = list(args or [])
    kwargs = dict(kwargs or {})
    context = clean_context(kwargs.pop("context", None) or {})
    args, kwargs = check_call(method, args, kwargs, runtime.config.get("limit_records", 10_000))
    attempts = runtime.config.get("db_retry_attempts", 5)
    start = time.perf_counter()

    def work(cr):
        env = Environment(cr, uid, _checked_lang_tz(cr, context), registry=registry)
        if "allowed_company_ids" in context:
            _check_companies(env, context["allowed_company_ids"])
        if model_name not in env:
            raise NotFoundError(f"Object {model_name} doesn't exist")
        model = env[model_name]
        function = public_method(model, method)
        result = _dispatch(model, function, method, args, kwargs)
        result = wire_value(result)
        env.flush_all()
        return result

    readonly = method in READONLY_METHODS
    try:
        try:
            result = retrying(work, lambda: runtime.cursor(dbname, readonly=readonly), attempts=attempts)
        except Exception as exc:
            if not (readonly and _wrote_while_readonly(exc)):
                raise
            # an addon's override of a reading method writes: correct, only slower
            _logger.warning("%s.%s wrote in a read-only transaction: run again read-write", model_name, method)
            result = retrying(work, lambda: runtime.cursor(dbname), attempts=attempts)
        _logger.info("%s uid=%s %s.%s %.1f ms ok", dbname, uid, model_name, method,
                     (time.perf_counter() - start) * 1000)
        return result
    except Exception as exc:
        _logger.info("%s uid=%s %s.%s %.1f ms %s", dbname, uid, model_name, method,
                     (time.perf_counter() - start) * 1000, type(exc).__name__)
        raise
    finally:
        if registry.pop_cache_invalidated():
            # access rights, rules or groups changed: other workers must forget their caches
            with runtime.cursor(dbname) as cr:
                registry.signal_cache_change(cr)


def _checked_lang_tz(cr, context):
    """The context without a ``lang`` that is not an active language or a ``tz`` that is not a
    time-zone name: such values are ignored, not errors (security.md ACL-5, rpc.md §10)."""
    lang, tz = context.get("lang"), context.get("tz")
    drop = set()
    if lang and lang != "en_US":
        if not isinstance(lang, str):
            drop.add("lang")
        else:
            cr.execute("SELECT 1 FROM res_lang WHERE code = %s AND active", [lang])
            if not cr.fetchone():
                drop.add("lang")
    if tz and (not isinstance(tz, str) or tz not in _time_zones()):
        drop.add("tz")
    return {key: value for key, value in context.items() if key not in drop} if drop else context


@functools.lru_cache(maxsize=1)
def _time_zones():
    import zoneinfo
    return frozenset(zoneinfo.available_timezones())


def _check_companies(env, company_ids):
    """:raises AccessError: ``allowed_company_ids`` is not a list of the user's companies (rpc.md §10)"""
    if company_ids in (False, None, []):
        return
    if not isinstance(company_ids, (list, tuple)) or not all(
            isinstance(c, int) and not isinstance(c, bool) for c in company_ids):
        raise AccessError(f"Access to unauthorized or invalid companies: {company_ids!r}")
    env.companies  # noqa: B018 - evaluating it checks the ids against the user's companies


def _wrote_while_readonly(exc):
    """Whether ``exc`` comes from a write in a READ ONLY transaction (SQLSTATE 25006)."""
    while exc is not None:
        if getattr(exc, "pgcode", None) == "25006":
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _dispatch(model, function, method, args, kwargs):
    kind = getattr(function, "_api", None)
    if kind == "model_create" or method == "create":
        values = args[0] if args else kwargs.pop("vals_list", kwargs.pop("vals", None))
        records = model.create(values)
        return records.id if isinstance(values, dict) else records.ids
    if method == "default_get" and "fields" in kwargs:
        # Odoo 18 renamed the argument; both spellings are sent by clients
        kwargs["fields_list"] = kwargs.pop("fields")
    if kind == "model":
        # arguments that do not fit are the client's mistake, not a server error
        check_signature(method, function, args, kwargs)
        return getattr(model, method)(*args, **kwargs)
    ids = args[0] if args else kwargs.pop("ids", [])
    records = model.browse(_ids(ids))
    if method in ("write", "unlink"):
        _check_exist(records)
    result = getattr(records, method)(*args[1:], **kwargs)
    if method == "copy" and hasattr(result, "_ids"):
        return result.id
    return result


def _check_exist(records):
    """:raises MissingError: some records were deleted (rpc.md §4: write/unlink on a deleted id)"""
    missing = sorted(set(records._ids) - set(records.exists()._ids))
    if missing:
        raise MissingError(f"Record does not exist or has been deleted.\n"
                           f"(Record: {records._name}{missing[:6]}, User: {records.env.uid})")


def _ids(ids):
    if ids is False or ids is None:
        return []
    if isinstance(ids, bool):
        raise UserError("Invalid record ids")
    if isinstance(ids, int):
        ids = [ids]
    if not isinstance(ids, (list, tuple)):
        raise UserError(f"Invalid record ids: {ids!r}")
    result = []
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise UserError(f"Invalid record id: {value!r}")
        result.append(value)
    return result


def wire_value(value):
    """A result ready for serialisation: recordsets as id lists, ``None`` as ``False``."""
    if value is None:
        return False
    if hasattr(value, "_ids") and hasattr(value, "_name"):
        return value.ids
    if isinstance(value, dict):
        return {key: wire_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire_value(item) for item in value]
    return value
