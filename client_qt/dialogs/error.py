"""Showing errors: the server's message for business errors, details behind a button otherwise."""
import logging

from ..qt import QMessageBox, tr
from ..rpc import errors

_logger = logging.getLogger(__name__)

TITLES = {
    errors.ValidationError: "Validation Error",
    errors.AccessError: "Access Error",
    errors.MissingError: "Missing Record",
    errors.AccessDenied: "Access Denied",
    errors.UserError: "Warning",
    errors.SessionExpired: "Session Expired",
    errors.ConnectionLost: "Connection Lost",
}


def title_for(error):
    for cls, title in TITLES.items():
        if isinstance(error, cls):
            return tr(title)
    return tr("Server Error")


def show_error(parent, error):
    """Show ``error`` in a modal dialog; returns the dialog (already closed) for tests."""
    box = QMessageBox(parent)
    box.setObjectName("error_dialog")
    box.setWindowTitle(title_for(error))
    box.setIcon(QMessageBox.Icon.Warning if isinstance(error, errors.UserError) else QMessageBox.Icon.Critical)
    message = getattr(error, "message", None) or str(error)
    box.setText(message)
    if isinstance(error, errors.RpcError) and not isinstance(error, errors.UserError):
        debug = (getattr(error, "data", {}) or {}).get("debug")
        if debug:
            box.setDetailedText(debug)
    elif not isinstance(error, errors.RpcError):
        _logger.error("unexpected client error", exc_info=error)
        box.setDetailedText(f"{type(error).__name__}: {error}")
    box.open()
    return box
