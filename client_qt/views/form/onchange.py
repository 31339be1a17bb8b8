"""Onchange round trips of one record, one at a time (views.md §3.6, orm.md API-18).

When the user changes a field the server flagged (``on_change="1"``), the form asks
:class:`Onchanger` to call ``model.onchange(values, [field], fields_spec)``. Calls for a record are
serialized: a later edit waits for the reply to the earlier one and is then sent with the values
as they are at that moment. Saving waits until no call is pending (:meth:`Onchanger.when_idle`).
"""
import logging

from .values import onchange_values

_logger = logging.getLogger(__name__)


def fields_spec(field_names, models, x2many_nodes):
    """``fields_spec`` of a view: ``{name: {}}``, with ``{'fields': {...}}`` for x2many lines.

    :param field_names: the fields of the view
    :param models: ``{model: {'fields': ...}}`` of get_views
    :param x2many_nodes: ``{name: (comodel, [sub-field names])}`` of the x2many fields shown
    """
    spec = {name: {} for name in field_names}
    for name, (comodel, sub_names) in x2many_nodes.items():
        if name in spec:
            spec[name] = {"fields": {sub: {} for sub in sub_names if sub != "id"}}
    return spec


class Onchanger:
    """Serialized ``onchange`` calls for the record of a form.

    :param form: the form (``session``, ``model``, ``record``, ``call_context()``, ``fields_spec()``,
        ``apply_onchange(result)``, ``show_error(error)``)
    """

    def __init__(self, form):
        self.form = form
        self.queue = []
        self.busy = False
        self.waiting = []
        self.calls = 0

    def request(self, field_names):
        """Ask for an onchange of ``field_names`` (an empty list: the defaults of a new record)."""
        self.queue.append(list(field_names))
        self._next()

    def when_idle(self, callback):
        """Run ``callback()`` once no onchange is pending (at once if none is)."""
        if not self.busy and not self.queue:
            callback()
        else:
            self.waiting.append(callback)

    def is_idle(self):
        return not self.busy and not self.queue

    def cancel(self):
        """Forget pending calls (the record is being replaced)."""
        self.queue.clear()
        self.waiting.clear()
        self._generation = getattr(self, "_generation", 0) + 1

    def _next(self):
        if self.busy:
            return
        if not self.queue:
            waiting, self.waiting = self.waiting, []
            for callback in waiting:
                callback()
            return
        names = self.queue.pop(0)
        # consecutive requests with the same fields collapse into one call
        while self.queue and self.queue[0] == names:
            self.queue.pop(0)
        form = self.form
        record = form.record
        if record is None:
            return self._next()
        self.busy = True
        self.calls += 1
        generation = getattr(self, "_generation", 0)
        values = onchange_values(record)
        if not names:
            # a new record: the server fills in the defaults of the fields the client does not send,
            # so only a line's parent goes along (its defaults may depend on it)
            values = {key: value for key, value in values.items() if key == getattr(record, "parent_field", None)}
        if not record.id:
            values.pop("id", None)
        args = [[record.id]] if record.id else [[]]

        sent_at = getattr(form, "edits", 0)

        def done(result):
            self.busy = False
            if generation == getattr(self, "_generation", 0) and form.record is record:
                form.apply_onchange(result or {}, since=sent_at)
            self._next()

        def failed(error):
            # the error is shown; what waited (a save) goes on: the server validates anyway
            self.busy = False
            self.queue.clear()
            form.show_error(error)
            self._next()

        self._owned_calls().call(form.model, "onchange", *args, values, names, form.fields_spec(),
                                 context=form.call_context(), on_result=done, on_error=failed)

    def _owned_calls(self):
        """Calls dropped when the form is destroyed (a tab closed while its onchange runs)."""
        if getattr(self, "_calls", None) is None:
            from ...models.calls import OwnedCalls
            from ...qt import QObject
            # a row edited in place (x2many_list.LineHost) is no QObject: its x2many widget owns the calls
            owner = self.form if isinstance(self.form, QObject) else getattr(self.form, "owner", None)
            self._calls = OwnedCalls(owner, self.form.session) if isinstance(owner, QObject) else self.form.session
        return self._calls
