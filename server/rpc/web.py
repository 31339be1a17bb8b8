"""Web-style JSON routes that need no session: ``/web/webclient/version_info``, database listing,
and the landing pages clients probe (rpc.md §2, §3)."""
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from ..service import common
from .jsonrpc_routes import handle_json
from .wsgi import route


@route("/web/webclient/version_info", limit="small")
def version_info(app, request):
    return handle_json(app, request, lambda params: common.version_info())


@route("/web/database/list", limit="small")
def database_list(app, request):
    def handler(params):
        app.runtime.refuse_unless_listing_allowed()
        return app.runtime.list_databases()
    return handle_json(app, request, handler)


@route("/", methods=("GET", "HEAD"))
def root(app, request):
    return redirect("/web", code=303)


@route("/web", methods=("GET", "HEAD"))
def web_home(app, request):
    return Response("<!doctype html><title>Bureau</title><p>Bureau server. Use the desktop client or the "
                    "XML-RPC/JSON-RPC API.</p>", content_type="text/html; charset=utf-8")
