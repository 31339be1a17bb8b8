"""Showing errors: the server's message for business errors, a short text with details otherwise.

* ``UserError`` and its kinds (validation, access, missing record, access denied): the server's
  message as it is, titled by kind, never a traceback;
* a lost connection: what happened and that the changes are kept; the transport error in Details;
* any other server error: "The server could not complete the operation", its one-line message,
  and the error name and debug text behind **Show Details…**;
* an error of the client itself: a short text, the traceback behind Details (it is local);
* a call the user cancelled: nothing (the status bar already said so).

The box opens without blocking and is returned (tests read it).
"""
import logging
import traceback

from ..qt import QMessageBox, tr
from ..rpc import errors

_logger = logging.getLogger(__name__)


def _titles():
    # most specific first
    return ((errors.ValidationError, tr("Validation Error")), (errors.AccessError, tr("Access Error")),
            (errors.MissingError, tr("Missing Record")), (errors.AccessDenied, tr("Access Denied")),
            (errors.UserError, tr("Warning")), (errors.SessionExpired, tr("Session Expired")),
            (errors.ConnectionLost, tr("Connection Lost")))


def title_for(error):
    for cls, title in _titles():
        if isinstance(error, cls):
            return title
    return tr("Server Error") if isinstance(error, errors.RpcError) else tr("Client Error")


def describe(error):
    """``(icon, text, informative text, details)`` of an error."""
    message = (getattr(error, "message", None) or str(error) or "").strip()
    data = getattr(error, "data", None) or {}
    if isinstance(error, errors.UserError):
        return QMessageBox.Icon.Warning, message, "", ""
    if isinstance(error, errors.SessionExpired):
        return (QMessageBox.Icon.Warning, tr("Your session has ended."),
                tr("Your unsaved changes are kept. Save again to log in again."), "")
    if isinstance(error, errors.ConnectionLost):
        texts = {"unreachable": tr("Cannot reach the server {0}."),
                 "broken": tr("The connection to {0} broke before the answer came: the operation may or may not "
                              "have been done. Check before trying again."),
                 "timeout": tr("The server {0} did not answer in time: the operation may or may not have been "
                               "done."),
                 "http": tr("The server {0} answered with an error (HTTP {1})."),
                 "invalid": tr("The server {0} sent an answer the client cannot read.")}
        if data.get("kind") in texts:
            message = texts[data["kind"]].format(data.get("url") or "", data.get("status") or "")
        return (QMessageBox.Icon.Critical, message,
                tr("Your unsaved changes are kept in the form and in the journal of unsaved edits. "
                   "Try again once the server answers."), data.get("debug") or "")
    if isinstance(error, errors.RpcError):
        short = message.splitlines()[0][:300] if message else ""
        details = f"{error.name or type(error).__name__}: {message}"
        debug = (data.get("debug") or "").strip()
        if debug and debug != details:
            details += "\n\n" + debug
        return (QMessageBox.Icon.Critical, tr("The server could not complete the operation."), short, details)
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return (QMessageBox.Icon.Critical, tr("Something went wrong in the client."),
            f"{type(error).__name__}: {error}"[:300], details)


def show_error(parent, error):
    """Show ``error`` in a dialog that does not block; returns the box (None for a cancelled call)."""
    if isinstance(error, errors.Cancelled):
        return None
    if not isinstance(error, errors.RpcError):
        _logger.error("unexpected client error", exc_info=error)
    icon, text, informative, details = describe(error)
    box = QMessageBox(parent)
    box.setObjectName("error_dialog")
    box.setWindowTitle(title_for(error))
    box.setIcon(icon)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    box.open()
    return box
