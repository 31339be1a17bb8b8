"""Wizards: window actions with ``target="new"``, shown as a modal form dialog (views.md §3.4).

The action's model is usually a ``TransientModel``. The dialog shows its form (the action's form
view, else the model's default one) for a new record with the defaults of the action context
(``active_id``, ``active_ids``, ``active_model`` of the opener), or the action's ``res_id``. Footer
buttons of type ``object`` create the record, call the method and close the dialog when it returns
nothing or ``ir.actions.act_window_close``; another action returned is run instead.
``special="cancel"`` closes without saving. The opener is told through ``on_close``.
"""
import logging

from ..expr import base_names, evaluate_literal
from ..views.arch import parse_arch
from .error import show_error
from .form_dialog import WIZARD, FormDialog

_logger = logging.getLogger(__name__)


def _form_view_id(action):
    for view_id, mode in action.get("views") or []:
        if mode == "form":
            return view_id or False
    view = action.get("view_id")
    if isinstance(view, (list, tuple)):
        return view[0] if view else False
    return view or False


def action_context(session, action, context=None):
    """The context a window action runs with: user context, the action's, then ``context``."""
    result = dict(session.context or {})
    own = action.get("context")
    if isinstance(own, str):
        # the opener's active_id/active_ids/active_model are names of the action's context text
        values = {"active_id": False, "active_ids": [], "active_model": False}
        values.update({k: v for k, v in (context or {}).items() if k.startswith("active_")})
        values["context"] = dict(result, **(context or {}))
        own = evaluate_literal(own, values, base_names(result, session.uid), default={})
    result.update(own or {})
    result.update(context or {})
    return result


def open_wizard(window, action, context=None, on_close=None):
    """Show ``action`` (a ``target="new"`` window action) as a modal dialog over ``window``.

    :param window: the main window (or any widget with a ``session``)
    :param context: extra context (``active_id`` ... of the opener)
    :param on_close: called once the dialog is closed (the opener reloads)
    :returns: a dict whose ``dialog`` key holds the dialog once its view is loaded
    """
    session = window.session
    model = action["res_model"]
    ctx = action_context(session, action, context)
    state = {}

    def got(result):
        view = result["views"]["form"]
        dialog = FormDialog(window, session, model, parse_arch(view["arch"]), result["models"][model]["fields"],
                            result["models"], record_id=action.get("res_id") or None, context=ctx,
                            main_window=window if hasattr(window, "run_action_dict") else None, mode=WIZARD,
                            title=action.get("name"))
        dialog.setObjectName("wizard_dialog")
        dialog.setModal(True)
        if on_close is not None:
            dialog.finished.connect(lambda _code: on_close())
        state["dialog"] = dialog
        dialog.open()

    session.runner.call(session.get_views, model, [[_form_view_id(action), "form"]], context=ctx, on_result=got,
                        on_error=lambda error: show_error(window, error))
    return state
