"""Exceptions raised by Bureau's business layer (spec orm.md §15).

Business code raises these; the RPC layer maps them to XML-RPC faults and JSON-RPC errors under the
``odoo.exceptions.*`` names that existing clients match on. Anything else is a server error.
"""


class UserError(Exception):
    """A business error shown to the user without a traceback; ``str(e)`` is the message."""

    def __init__(self, message):
        super().__init__(message)

    @property
    def message(self):
        return self.args[0] if self.args else ""

    def __str__(self):
        return str(self.message)


class ValidationError(UserError):
    """A constraint failed or the data is invalid."""


class AccessError(UserError):
    """An access right, record rule or field group refused the operation."""


class MissingError(UserError):
    """The record does not exist or was deleted."""


class AccessDenied(UserError):
    """Authentication failed. The message never says why (unknown login or wrong password)."""

    def __init__(self, message="Access Denied"):
        super().__init__(message)


class RedirectWarning(Exception):
    """A warning that offers the user an action: ``(message, action_id, button_text, additional_context)``."""

    def __init__(self, message, action, button_text, additional_context=None):
        super().__init__(message, action, button_text, additional_context)

    def __str__(self):
        return str(self.args[0])


class ConcurrencyError(Exception):
    """A concurrent update prevented the operation and the retries were exhausted (orm.md TRX-4)."""


class CacheMiss(KeyError):
    """Internal: a value is not in the transaction cache. Never reaches RPC."""

    def __init__(self, record, field):
        super().__init__(f"{record!r}.{field.name}")
