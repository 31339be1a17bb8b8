"""Web JSON routes working with a session cookie: ``/web/session/*``, ``/web/dataset/*``,
``/web/action/load`` (rpc.md §3, §11, §12). The sessions themselves are
:mod:`bureau.service.session`.

The cookie is ``session_id``: ``Path=/``, ``HttpOnly``, ``SameSite=Lax``, no ``Domain`` (urllib's
cookie jar would not send it back to ``127.0.0.1``), ``Secure`` only when the request came over
TLS (rpc.md §2). These routes accept only ``application/json`` (and ``application/json-rpc``)
bodies and send no CORS headers: a page on another site cannot make a browser send a JSON body
with the user's cookie without a CORS preflight, which gets no permission here (security.md
AUTH-5). A missing or dead session is the JSON-RPC error code 100.
"""
import json

from werkzeug.wrappers import Response

from ..service import session as sessions
from .errors import SessionExpired
from .jsonrpc_routes import handle_json
from .wsgi import route

JSON_TYPES = ("application/json", "application/json-rpc")


def _refuse_media_type():
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {
        "code": 415, "message": "415: Unsupported Media Type",
        "data": {"name": "werkzeug.exceptions.UnsupportedMediaType",
                 "message": "Send the request with Content-Type: application/json",
                 "arguments": ["Send the request with Content-Type: application/json"],
                 "debug": "werkzeug.exceptions.UnsupportedMediaType", "context": {}}}})
    return Response(body, status=415, content_type="application/json")


def _json_route(app, request, handler, needs_session=True):
    """Run ``handler(params, session, cookie)`` as a JSON-RPC call.

    ``session`` is the valid :class:`~bureau.service.session.Session` of the request, or None
    (then, when ``needs_session``, the reply is code 100); ``cookie`` is a dict where the handler
    puts ``"set"`` (a new cookie value) or ``"clear"``.
    """
    if request.method == "OPTIONS":
        # no Access-Control-* headers: cross-site pages get no permission
        return Response(status=204, headers={"Allow": "POST"})
    if request.mimetype not in JSON_TYPES:
        return _refuse_media_type()
    sent = request.cookies.get(sessions.COOKIE_NAME)
    cookie = {}

    def run(params):
        session = sessions.resolve(app.runtime, sent) if sent else None
        if sent and session is None:
            cookie["clear"] = True
        if needs_session and session is None:
            raise SessionExpired()
        return handler(params, session, cookie)

    response = handle_json(app, request, run)
    if "set" in cookie:
        lifetime = app.runtime.config.get("session_lifetime_days", 30) * 86400
        response.set_cookie(sessions.COOKIE_NAME, cookie["set"], max_age=lifetime, path="/", httponly=True,
                            samesite="Lax", secure=request.scheme == "https")
    elif cookie.get("clear"):
        response.delete_cookie(sessions.COOKIE_NAME, path="/", httponly=True, samesite="Lax",
                               secure=request.scheme == "https")
    return response


def _text(params, name, required=True):
    value = params.get(name)
    if required and not isinstance(value, str):
        raise TypeError(f"parameter {name!r} must be a string")
    return value


def _call_params(params):
    model, method = _text(params, "model"), _text(params, "method")
    args = params.get("args") or []
    kwargs = params.get("kwargs") or {}
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise TypeError("args must be a list and kwargs an object")
    return model, method, args, kwargs


# -- /web/session ---------------------------------------------------------------------------------
@route("/web/session/authenticate", limit="small")
def authenticate(app, request):
    def handler(params, session, cookie):
        sent = request.cookies.get(sessions.COOKIE_NAME)
        value, opened = sessions.authenticate(
            app.runtime, params.get("db"), params.get("login"), params.get("password"),
            address=request.remote_addr, user_agent=request.headers.get("User-Agent"), previous=sent)
        cookie.pop("clear", None)
        cookie["set"] = value
        return sessions.session_info(app.runtime, opened)
    return _json_route(app, request, handler, needs_session=False)


@route("/web/session/get_session_info", limit="small")
def get_session_info(app, request):
    return _json_route(app, request, lambda params, session, cookie: sessions.session_info(app.runtime, session))


@route("/web/session/check", limit="small")
def check(app, request):
    return _json_route(app, request, lambda params, session, cookie: None)


@route("/web/session/destroy", limit="small")
def destroy(app, request):
    def handler(params, session, cookie):
        sent = request.cookies.get(sessions.COOKIE_NAME)
        if sent:
            sessions.destroy(app.runtime, sent)
            cookie["clear"] = True
        return None
    return _json_route(app, request, handler, needs_session=False)


@route("/web/session/get_lang_list", limit="small")
def get_lang_list(app, request):
    return _json_route(app, request, lambda params, session, cookie: sessions.lang_list(), needs_session=False)


# -- /web/dataset, /web/action --------------------------------------------------------------------
@route("/web/dataset/call_kw", limit="large")
@route("/web/dataset/call_kw/<path:anything>", limit="large")
def call_kw(app, request, anything=None):
    def handler(params, session, cookie):
        return sessions.call_kw(app.runtime, session, *_call_params(params))
    return _json_route(app, request, handler)


@route("/web/dataset/call_button", limit="large")
@route("/web/dataset/call_button/<path:anything>", limit="large")
def call_button(app, request, anything=None):
    def handler(params, session, cookie):
        return sessions.call_button(app.runtime, session, *_call_params(params))
    return _json_route(app, request, handler)


@route("/web/dataset/call", limit="large")
def call(app, request):
    """The pre-10 style call ``{model, method, args}`` (rpc.md §3, MAY)."""
    def handler(params, session, cookie):
        model, method, args, _ = _call_params(dict(params, kwargs={}))
        return sessions.call_kw(app.runtime, session, model, method, args, {})
    return _json_route(app, request, handler)


@route("/web/action/load", limit="small")
def action_load(app, request):
    def handler(params, session, cookie):
        context = params.get("additional_context") or params.get("context") or {}
        return sessions.load_action(app.runtime, session, params.get("action_id"), context)
    return _json_route(app, request, handler)
