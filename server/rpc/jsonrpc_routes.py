"""The ``/jsonrpc`` endpoint: ``{"service", "method", "args"}`` dispatched like XML-RPC (rpc.md §3)."""
from werkzeug.wrappers import Response

from .codecs import jsonrpc as codec
from .dispatch import dispatch
from .errors import jsonrpc_error, log_exception
from .wsgi import read_body, route


def json_response(payload):
    return Response(payload, status=200, content_type="application/json")


def handle_json(app, request, handler):
    """Decode a JSON-RPC request, run ``handler(params)``, encode the reply (errors keep HTTP 200)."""
    request_id = None
    body = read_body(request)  # over the route's limit: 413, not a JSON-RPC error (LIM-1)
    try:
        request_id, params = codec.decode_request(body)
        result = handler(params)
        payload = codec.encode_result(request_id, result)
    except Exception as exc:
        log_exception(exc, f"jsonrpc {request.path}")
        payload = codec.encode_error(request_id, jsonrpc_error(exc, debug=app.debug_for(request)))
    return json_response(payload)


@route("/jsonrpc", limit="large")
def jsonrpc(app, request):
    def handler(params):
        service = params.get("service")
        method = params.get("method")
        args = params.get("args") or []
        if not isinstance(args, list):
            args = [args]
        return dispatch(app.runtime, service, method, args, request)
    return handle_json(app, request, handler)
