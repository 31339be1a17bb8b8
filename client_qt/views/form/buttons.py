"""Running the ``<button>`` nodes of a form (views.md §3.4).

* ``confirm`` asks first (No aborts);
* ``special="save"`` saves and closes the dialog, ``special="cancel"`` discards and closes;
* ``type="object"`` saves a new or modified record first, then calls the method through
  ``/web/dataset/call_button``; a returned action is followed, otherwise the record is reloaded;
* ``type="action"`` runs the action with ``active_id``, ``active_ids`` and ``active_model``;
* ``type="workflow"`` (or no type, legacy) saves and sends the signal.

The button stays disabled until the call returns (no double submission). A returned
``ir.actions.act_window_close`` closes the dialog the form is in, or reloads the form; a wizard's
button that returns nothing closes the wizard too.
"""
import logging

from ...dialogs import confirm

_logger = logging.getLogger(__name__)


class ButtonRunner:
    """Runs buttons for the owner of a :class:`RecordForm`.

    :param form: the form
    :param save: ``save(callback)``: save if needed, then ``callback(ok)``
    :param reload: ``reload()``: read the record again
    :param close: ``close(discard)`` for a form shown in a dialog, else None
    :param close_on_done: close the dialog when a button returns no action (wizards)
    """

    def __init__(self, form, save, reload, close=None, close_on_done=False):
        self.form = form
        self.save = save
        self.reload = reload
        self.close = close
        self.close_on_done = close_on_done
        self.running = False

    @property
    def main_window(self):
        return self.form.main_window

    def run(self, node, button=None):
        """Run the button ``node`` (lxml element)."""
        form = self.form
        attrs = node.attrib
        if self.running:
            return
        question = attrs.get("confirm")
        if question and not confirm.ask(form.dialog_parent(), question):
            return
        special = attrs.get("special")
        if special == "cancel":
            if self.close is not None:
                self.close(True)
            return
        if special == "save":
            self.save(lambda ok: ok and self.close is not None and self.close(False))
            return
        kind = attrs.get("type") or "workflow"
        name = attrs.get("name")
        if not name:
            return
        self._busy(button, True)

        def saved(ok):
            if not ok or form.record is None or not form.record.id:
                self._busy(button, False)
                return
            record = form.record
            context = form.call_context()
            context.update(form.evaluate(attrs.get("context"), {}) or {})
            if kind == "object":
                form.session.runner.call(form.session.connection.call_button, form.model, name, [record.id],
                                         context, on_result=lambda result: self._done(result, button, None),
                                         on_error=lambda error: self._failed(error, button))
            elif kind == "action":
                context.update(active_id=record.id, active_ids=[record.id], active_model=form.model)
                action_id = int(name) if name.isdigit() else name
                form.session.runner.call(form.session.connection.load_action, action_id, context,
                                         on_result=lambda action: self._done(action, button, context),
                                         on_error=lambda error: self._failed(error, button))
            else:
                form.session.call(form.model, "signal_workflow", [record.id], name, context=context,
                                  on_result=lambda result: self._done(None, button, context),
                                  on_error=lambda error: self._failed(error, button))

        self.save(saved)

    def _busy(self, button, busy):
        self.running = busy
        if button is not None:
            button.setEnabled(not busy)

    def _failed(self, error, button):
        self._busy(button, False)
        self.form.show_error(error)
        self.reload()

    def _done(self, result, button, context):
        self._busy(button, False)
        if isinstance(result, dict) and result.get("type"):
            self.follow(result, context)
        elif self.close_on_done and self.close is not None:
            self.close(False)
        else:
            self.reload()

    def follow(self, action, context=None):
        """Execute an action returned by a button."""
        kind = action.get("type")
        if kind == "ir.actions.act_window_close":
            if self.close is not None:
                self.close(False)
            else:
                self.reload()
            return
        if kind == "ir.actions.act_window" and action.get("target") == "new":
            from ...dialogs.wizard import open_wizard
            if self.close is not None:
                self.close(False)
            open_wizard(self.main_window or self.form.dialog_parent(), action, context,
                        on_close=self.reload if self.close is None else None)
            return
        if self.main_window is not None:
            self.main_window.run_action_dict(action, None, context)
        else:
            _logger.warning("no window to run action %s", kind)
        if self.close is not None:
            self.close(False)
        else:
            self.reload()
