"""The one table mapping exceptions to XML-RPC faults and JSON-RPC errors (rpc.md §4, orm.md EXC-2).

Clients match on the Odoo names (``odoo.exceptions.AccessDenied`` ...), so Bureau's exceptions are
serialised under them. Tracebacks go to the log; the client gets class and message only, unless the
server runs in debug mode for a loopback client (security.md ERR-1).
"""
import logging
import re
import traceback

from ..exceptions import (AccessDenied, AccessError, ConcurrencyError, MissingError, RedirectWarning,
                          UserError, ValidationError)

_logger = logging.getLogger(__name__)

#: (class, wire name, XML-RPC /2 fault code, legacy /xmlrpc fault code); first match wins, in the
#: order of rpc.md §4: RedirectWarning, AccessError, AccessDenied, UserError subclasses, other
ERROR_TABLE = (
    (RedirectWarning, "odoo.exceptions.RedirectWarning", 2, "warning -- Warning\n\n{message}"),
    (AccessError, "odoo.exceptions.AccessError", 4, "warning -- AccessError\n\n{message}"),
    (AccessDenied, "odoo.exceptions.AccessDenied", 3, "AccessDenied"),
    (MissingError, "odoo.exceptions.MissingError", 2, "warning -- MissingError\n\n{message}"),
    (ValidationError, "odoo.exceptions.ValidationError", 2, "warning -- UserError\n\n{message}"),
    (UserError, "odoo.exceptions.UserError", 2, "warning -- UserError\n\n{message}"),
    (ConcurrencyError, "odoo.exceptions.ConcurrencyError", 1, None),
)


class SessionExpired(Exception):
    """No valid web session (JSON-RPC error code 100)."""

    def __init__(self, message="Session expired"):
        super().__init__(message)


class NotFound(Exception):
    """Unknown route (JSON-RPC error code 404)."""


#: what a client is told about a database failure, by SQLSTATE (or its class, the first two characters)
DATABASE_MESSAGES = {
    "57014": "The operation took too long and was cancelled.",
    "25P03": "The transaction stayed idle too long and was ended by the database.",
    "57P01": "The database server is shutting down, please try again.",
    "53300": "The database has too many connections, please try again.",
    "08": "The connection to the database was lost, please try again.",
    "53": "The database server is out of resources, please try again later.",
}
_PATH = re.compile(r"(?<![\w.])(?:/[\w.@+-]+){2,}/?")
_ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|\[[0-9a-fA-F:]+\](?::\d+)?")


def public_message(exc):
    """What a client may read of an unexpected error (security.md ERR-1): never SQL, server paths
    or addresses. The log keeps the full text."""
    try:
        import psycopg2
    except ImportError:  # pragma: no cover - psycopg2 is a dependency
        psycopg2 = None
    if psycopg2 is not None and isinstance(exc, psycopg2.Error):
        code = exc.pgcode or ""
        if code in DATABASE_MESSAGES or code[:2] in DATABASE_MESSAGES:
            return DATABASE_MESSAGES.get(code) or DATABASE_MESSAGES[code[:2]]
        if not code or isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError)):
            return DATABASE_MESSAGES["08"]
        return f"A database error occurred (SQLSTATE {code}); the server log has the details."
    message = str(exc)[:1000]
    return _ADDRESS.sub("<address>", _PATH.sub("<path>", message))


def describe(exc, debug=False):
    """``(name, message, xmlrpc_code, legacy_code, debug_text)`` of an exception; unexpected
    errors carry a :func:`public_message` unless ``debug``."""
    message = str(exc) if debug or is_user_facing(exc) else public_message(exc)
    for cls, name, code, legacy in ERROR_TABLE:
        if isinstance(exc, cls):
            break
    else:
        cls = type(exc)
        module = cls.__module__
        name = f"builtins.{cls.__name__}" if module == "builtins" else f"{module}.{cls.__qualname__}"
        code, legacy = 1, None
    if legacy is None:
        legacy = message or name
    else:
        legacy = legacy.format(message=message)
    debug_text = "".join(traceback.format_exception(exc)) if debug else f"{name}: {message}"
    return name, message, code, legacy, debug_text


def is_user_facing(exc):
    return isinstance(exc, (UserError, RedirectWarning, ConcurrencyError, SessionExpired, NotFound))


def log_exception(exc, what):
    """Business errors at INFO, anything else with its traceback at ERROR (never to the client)."""
    if is_user_facing(exc):
        _logger.info("%s: %s: %s", what, type(exc).__name__, exc)
    else:
        _logger.error("%s failed", what, exc_info=exc)


def jsonrpc_error(exc, debug=False):
    """The ``error`` object of a JSON-RPC reply."""
    if isinstance(exc, SessionExpired):
        return {"code": 100, "message": "Odoo Session Expired",
                "data": {"name": "odoo.http.SessionExpiredException", "message": str(exc),
                         "arguments": [str(exc)], "debug": f"odoo.http.SessionExpiredException: {exc}",
                         "context": {}}}
    if isinstance(exc, NotFound):
        return {"code": 404, "message": "404: Not Found",
                "data": {"name": "werkzeug.exceptions.NotFound", "message": str(exc) or "Not Found",
                         "arguments": [str(exc) or "Not Found"], "debug": "werkzeug.exceptions.NotFound",
                         "context": {}}}
    name, message, _, _, debug_text = describe(exc, debug)
    # a RedirectWarning's arguments are (message, action, button text, context): clients use them
    arguments = [message] if not isinstance(exc, RedirectWarning) else list(exc.args)
    return {"code": 200, "message": "Odoo Server Error",
            "data": {"name": name, "message": message, "arguments": arguments, "debug": debug_text,
                     "context": {}}}


def xmlrpc_fault(exc, legacy=False, debug=False):
    """``(faultCode, faultString)`` of an XML-RPC fault."""
    name, message, code, legacy_code, debug_text = describe(exc, debug)
    if legacy:
        return legacy_code, (debug_text if not is_user_facing(exc) else message)
    return code, (message if is_user_facing(exc) else debug_text)
