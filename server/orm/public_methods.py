"""Which model methods are an API (security.md ACL-1): what RPC clients and server actions may call.

Names matching :data:`PRIVATE_RE` never are. A method the ORM base class defines is callable only
when it is in :data:`PUBLIC_BASE_METHODS` — even when an addon overrides it — so ``sudo``,
``with_user``, ``browse``, ``invalidate_*`` or ``modified`` never are. Addon methods are callable
unless marked ``@api.private``.
"""
import re

from ..exceptions import AccessError
from .model import BaseModel

PRIVATE_RE = re.compile(r"^(_.*|init)$")

#: methods of the ORM base class that clients may call; others are refused
PUBLIC_BASE_METHODS = frozenset({
    "create", "write", "unlink", "read", "search", "search_read", "search_count", "read_group",
    "name_search", "name_create", "name_get", "fields_get", "default_get", "copy", "copy_data", "exists",
    "onchange", "get_views", "fields_view_get", "check_access_rights", "check_access_rule",
    "export_data", "load", "action_archive", "action_unarchive", "toggle_active", "get_metadata",
    "get_external_id", "get_xml_id", "fields_get_keys", "user_has_groups",
})


def check_method_name(method):
    """:raises AccessError: the name is private (checked before any lookup, rpc.md §7 step 2)"""
    if not isinstance(method, str) or PRIVATE_RE.match(method):
        raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")


def public_method(model, method):
    """The function behind ``model.method`` if it is part of the API.

    :raises AccessError: private, ``@api.private`` or an ORM internal
    :raises AttributeError: no such method
    """
    check_method_name(method)
    function = getattr(type(model), method, None)
    if function is None or not callable(function) or isinstance(function, type):
        raise AttributeError(f"The method '{method}' does not exist on the model '{model._name}'")
    if getattr(function, "_api_private", False):
        raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")
    if hasattr(BaseModel, method) and method not in PUBLIC_BASE_METHODS:
        raise AccessError(f"The method {method} of {model._name} cannot be called remotely.")
    return function
