"""Service and method tables of the XML-RPC and ``/jsonrpc`` transports (rpc.md §6, §7, §13).

Each service maps a method name to a function ``(runtime, params, request) -> result``; unknown
services and methods are errors. Nothing here knows about HTTP or encodings.
"""
from ..exceptions import AccessDenied
from ..service import auth, common, model


class MethodNotFound(Exception):
    """Unknown service or method (Fault 1)."""


def _common_version(runtime, params, request):
    return common.version_info()


def _common_login(runtime, params, request):
    dbname, login, password = _take(params, 3)
    runtime.check_dbname(dbname)
    return common.login(runtime, dbname, login, password, request.remote_addr)


def _common_authenticate(runtime, params, request):
    dbname, login, password = _take(params, 3)
    runtime.check_dbname(dbname)
    return common.login(runtime, dbname, login, password, request.remote_addr)


def _common_about(runtime, params, request):
    return common.about(*params[:1])


def _object_execute_kw(runtime, params, request):
    if len(params) < 6:
        raise TypeError("execute_kw expects (db, uid, password, model, method, args[, kwargs])")
    dbname, uid, password, model_name, method, args = params[:6]
    kwargs = params[6] if len(params) > 6 else {}
    if not isinstance(args, (list, tuple)) or not isinstance(kwargs, dict):
        raise TypeError("execute_kw: args must be a list and kwargs a dict")
    runtime.check_dbname(dbname)
    uid = _uid(uid)
    auth.check_uid(runtime, dbname, uid, password, request.remote_addr)
    model.check_method_name(method)  # rpc.md §7: credentials first, then private names
    return model.call_kw(runtime, dbname, uid, model_name, method, list(args), dict(kwargs))


def _object_execute(runtime, params, request):
    if len(params) < 5:
        raise TypeError("execute expects (db, uid, password, model, method, *args)")
    dbname, uid, password, model_name, method = params[:5]
    runtime.check_dbname(dbname)
    uid = _uid(uid)
    auth.check_uid(runtime, dbname, uid, password, request.remote_addr)
    model.check_method_name(method)  # rpc.md §7: credentials first, then private names
    return model.call_kw(runtime, dbname, uid, model_name, method, list(params[5:]), {})


def _uid(uid):
    if uid is False or uid is None:
        return 0
    try:
        return int(uid)
    except (TypeError, ValueError):
        raise AccessDenied() from None


def _take(params, count):
    if len(params) < count:
        raise TypeError(f"expected {count} arguments, got {len(params)}")
    return params[:count]


SERVICES = {
    "common": {
        "version": _common_version,
        "login": _common_login,
        "authenticate": _common_authenticate,
        "about": _common_about,
    },
    "object": {
        "execute_kw": _object_execute_kw,
        "execute": _object_execute,
    },
}


def register_service(name, methods):
    """Add (or extend) a service table, e.g. the ``db`` service."""
    SERVICES.setdefault(name, {}).update(methods)


def dispatch(runtime, service, method, params, request):
    """Run ``service.method(*params)``.

    :raises MethodNotFound: unknown service or method
    """
    table = SERVICES.get(service)
    if table is None:
        raise MethodNotFound(f"Service not found: {service}")
    function = table.get(method)
    if function is None:
        if service == "object":
            raise MethodNotFound(f"Method not available {method}")
        raise MethodNotFound(f"Method not found: {method}")
    return function(runtime, list(params or []), request)
