"""The WSGI application: routes to the XML-RPC, JSON-RPC and web endpoints (rpc.md §3).

Every endpoint is a function ``(app, request, **route_values) -> Response`` registered with
:func:`route`; transports live in their own modules (``xmlrpc_routes``, ``jsonrpc_routes``, ``web``,
``database``), this module only matches URLs, bounds request bodies and logs each request with its
duration.
"""
import logging
import time

from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import limits

_logger = logging.getLogger(__name__)

#: [(rule, endpoint function, methods, body limit option)]
ROUTES = []


def route(path, methods=("POST",), limit="small"):
    """Register an endpoint for ``path`` (a Werkzeug rule); ``limit`` names its body size class."""
    def decorate(function):
        ROUTES.append((path, function, tuple(methods), limit))
        return function
    return decorate


class BureauApp:
    """The server's WSGI application.

    :param runtime: the :class:`~bureau.service.runtime.Runtime`
    :param debug: send tracebacks to loopback clients (never the Werkzeug debugger)
    """

    def __init__(self, runtime, debug=False):
        from . import database, jsonrpc_routes, session_routes, web, xmlrpc_routes  # noqa: F401 - they register routes
        self.runtime = runtime
        self.debug = debug
        config = runtime.config
        #: trust X-Forwarded-For/-Proto/-Host (only behind a reverse proxy: AUTH-3 counts attempts per
        #: client address, which a direct client could otherwise choose)
        self.proxy_mode = bool(config.get("proxy_mode", False))
        self.limits = {
            "small": config.get("limit_request_small", limits.SMALL_BODY),
            "large": config.get("limit_request_large", limits.LARGE_BODY),
            "restore": config.get("limit_request_restore", limits.RESTORE_BODY),
        }
        self.url_map = Map([Rule(path, endpoint=(function, limit), methods=list(methods) + ["OPTIONS"])
                            for path, function, methods, limit in ROUTES], strict_slashes=False)

    def debug_for(self, request):
        """Tracebacks only in debug mode and only for loopback clients (LIM-4, ERR-1)."""
        return self.debug and request.remote_addr in ("127.0.0.1", "::1")

    def __call__(self, environ, start_response):
        if self.proxy_mode:
            environ = forwarded_environ(environ)
        request = Request(environ)
        start = time.perf_counter()
        adapter = self.url_map.bind_to_environ(environ)
        try:
            (function, limit), values = adapter.match()
            request.max_content_length = self.limits[limit]
            if request.content_length is not None and request.content_length > self.limits[limit]:
                raise RequestEntityTooLarge()
            with self.runtime.request():
                response = function(self, request, **values)
        except RequestEntityTooLarge as exc:
            response = exc.get_response(environ)
        except NotFound as exc:
            response = exc.get_response(environ)
        except HTTPException as exc:
            response = exc.get_response(environ)
        except Exception:
            _logger.exception("unexpected error on %s", request.path)
            response = Response("Internal Server Error", status=500, content_type="text/plain")
        _logger.info("%s %s %s %d %.1f ms", request.remote_addr, request.method, request.path,
                     response.status_code, (time.perf_counter() - start) * 1000)
        return response(environ, start_response)


def forwarded_environ(environ):
    """``environ`` as the client sent it to the reverse proxy in front of us: the address is the
    last ``X-Forwarded-For`` entry (the one our proxy added), scheme and host come from
    ``X-Forwarded-Proto``/``-Host``. Used only in proxy mode."""
    environ = dict(environ)
    forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
    if forwarded_for:
        environ["REMOTE_ADDR"] = forwarded_for
    proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
    if proto in ("http", "https"):
        environ["wsgi.url_scheme"] = proto
    host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[-1].strip()
    if host:
        environ["HTTP_HOST"] = host
    return environ


def read_body(request):
    """The raw body, within the route's size limit (raises 413 otherwise).

    Read in a loop: a chunked body (no Content-Length to check first) comes from a stream whose
    reads may return less than asked, one chunk at a time.
    """
    stream = request.stream
    maximum = request.max_content_length
    if not maximum:
        return stream.read()
    chunks, size = [], 0
    while size <= maximum:
        chunk = stream.read(min(1024 * 1024, maximum + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > maximum:
        raise RequestEntityTooLarge()
    return b"".join(chunks)
