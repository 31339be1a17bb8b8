"""XML-RPC endpoints: ``/xmlrpc/2/<service>`` (integer fault codes) and the legacy
``/xmlrpc/<service>`` (string fault codes) (rpc.md §3, §5)."""
from werkzeug.wrappers import Response

from .codecs import xmlrpc as codec
from .dispatch import MethodNotFound, dispatch
from .errors import log_exception, xmlrpc_fault
from .wsgi import read_body, route


def _handle(app, request, service, legacy):
    body = read_body(request)
    try:
        method, params = codec.decode_request(body)
        result = dispatch(app.runtime, service, method, params, request)
        payload = codec.encode_response(result)
    except MethodNotFound as exc:
        payload = codec.encode_fault(str(exc) if legacy else 1, str(exc))
    except Exception as exc:
        log_exception(exc, f"xmlrpc {service}")
        code, message = xmlrpc_fault(exc, legacy=legacy, debug=app.debug_for(request))
        payload = codec.encode_fault(code, message)
    return Response(payload, status=200, content_type="text/xml; charset=utf-8")


@route("/xmlrpc/2/<service>", limit="large")
def xmlrpc_2(app, request, service):
    return _handle(app, request, service, legacy=False)


@route("/xmlrpc/<service>", limit="large")
def xmlrpc_legacy(app, request, service):
    return _handle(app, request, service, legacy=True)
