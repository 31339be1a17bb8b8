"""Method decorators of the ORM, exposed to addons as ``bureau.api`` (orm.md §10).

They tag functions with attributes; the registry reads the tags when it sets models up.
``model_create_multi`` also wraps ``create`` so that it always receives a list.
"""
import functools
from collections.abc import Mapping

#: attribute names set on decorated functions
_API = "_api"
_DEPENDS = "_depends"
_DEPENDS_CONTEXT = "_depends_context"
_CONSTRAINS = "_constrains"
_ONCHANGE = "_onchange"
_ONDELETE = "_ondelete"
_AUTOVACUUM = "_autovacuum"
_PRIVATE = "_api_private"


def model(method):
    """The method works on the model, not on records; over RPC it takes no ids."""
    if method.__name__ == "create":
        return model_create_multi(method)
    setattr(method, _API, "model")
    return method


def model_create_multi(method):
    """The decorated ``create`` always receives a list of dicts; callers may pass one dict."""
    if getattr(method, _API, None) == "model_create":
        return method

    @functools.wraps(method)
    def create(self, vals_list, *args, **kwargs):
        if isinstance(vals_list, Mapping):
            vals_list = [vals_list]
        return method(self, vals_list, *args, **kwargs)

    setattr(create, _API, "model_create")
    return create


def depends(*paths):
    """Declare the dependencies of a compute method: field names or dotted paths.

    A single callable argument is called with the model to obtain the paths.
    """
    if len(paths) == 1 and callable(paths[0]):
        paths = paths[0]
    elif any(not isinstance(p, str) for p in paths):
        raise TypeError("depends() takes field names (strings), e.g. @api.depends('line_ids.price')")

    def decorate(method):
        setattr(method, _DEPENDS, paths)
        return method
    return decorate


def depends_context(*keys):
    """Declare the context keys a non-stored computed field depends on (cached per key value)."""
    def decorate(method):
        setattr(method, _DEPENDS_CONTEXT, keys)
        return method
    return decorate


def constrains(*fnames):
    """Run the method after create/write when one of these fields was given a value.

    Only plain field names are meaningful; dotted names are ignored with a setup warning.
    """
    if len(fnames) == 1 and callable(fnames[0]):
        fnames = fnames[0]

    def decorate(method):
        setattr(method, _CONSTRAINS, fnames)
        return method
    return decorate


def onchange(*fnames):
    """Run the method on an in-memory record when one of these fields changes in a form."""
    if any(not isinstance(name, str) or "." in name for name in fnames):
        raise TypeError("onchange() takes plain field names")

    def decorate(method):
        setattr(method, _ONCHANGE, fnames)
        return method
    return decorate


def ondelete(*, at_uninstall):
    """Run the method with the records before they are deleted; raise ``UserError`` to forbid.

    :param at_uninstall: also run when the module defining the model is being uninstalled
    """
    def decorate(method):
        setattr(method, _ONDELETE, at_uninstall)
        return method
    return decorate


def autovacuum(method):
    """Called daily by the auto-vacuum job; the name must start with ``_``."""
    if not method.__name__.startswith("_"):
        raise TypeError(f"{method.__name__}: an @api.autovacuum method must be private (start with '_')")
    setattr(method, _AUTOVACUUM, True)
    return method


def private(method):
    """The method cannot be called over RPC."""
    setattr(method, _PRIVATE, True)
    return method


def returns(model_name, downgrade=None, upgrade=None):
    """Compatibility marker: the method returns records of ``model_name`` (informational)."""
    def decorate(method):
        method._returns = (model_name, downgrade, upgrade)
        return method
    return decorate


def __getattr__(name):
    if name in ("multi", "one", "cr", "cr_uid", "v7", "v8", "noguess"):
        raise AttributeError(
            f"api.{name} does not exist in Bureau: methods are recordset methods by default "
            f"(use @api.model for model-level methods)")
    raise AttributeError(name)
