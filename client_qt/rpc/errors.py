"""Server errors as typed exceptions, chosen from the JSON-RPC ``data.name`` (rpc.md §4).

The dialogs show ``UserError`` and its subclasses with the server's message; anything else is a
``ServerError`` whose details (never a traceback in production) stay behind a "details" button.
"""


class RpcError(Exception):
    """Base class of everything a call can raise."""

    def __init__(self, message, name=None, data=None):
        super().__init__(message)
        self.message = message
        self.name = name
        self.data = data or {}

    def __str__(self):
        return self.message


class ServerError(RpcError):
    """An unexpected server error."""


class UserError(RpcError):
    """A business error to show as is."""


class ValidationError(UserError):
    """Invalid data or a failed constraint."""


class AccessError(UserError):
    """Not allowed by access rights or record rules."""


class MissingError(UserError):
    """The record was deleted meanwhile."""


class AccessDenied(UserError):
    """Wrong login or password."""


class SessionExpired(RpcError):
    """The web session ended: log in again (unsaved edits are kept)."""


class ConnectionLost(RpcError):
    """The server could not be reached (after retries)."""


class Cancelled(RpcError):
    """The user stopped waiting for the call: its answer is ignored (the server may still do it)."""


class NotFound(RpcError):
    """Unknown route or model."""


#: server exception name -> client class
NAMES = {
    "odoo.exceptions.UserError": UserError,
    "odoo.exceptions.ValidationError": ValidationError,
    "odoo.exceptions.AccessError": AccessError,
    "odoo.exceptions.MissingError": MissingError,
    "odoo.exceptions.AccessDenied": AccessDenied,
    "odoo.exceptions.RedirectWarning": UserError,
    "odoo.exceptions.ConcurrencyError": UserError,
    "odoo.http.SessionExpiredException": SessionExpired,
    "werkzeug.exceptions.NotFound": NotFound,
}


def from_error(error):
    """The exception for a JSON-RPC ``error`` object."""
    data = error.get("data") or {}
    name = data.get("name") or ""
    message = data.get("message") or error.get("message") or "Server error"
    if error.get("code") == 100:
        return SessionExpired(message, name, data)
    cls = NAMES.get(name, ServerError)
    return cls(message, name, data)
