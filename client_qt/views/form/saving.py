"""Reading, creating and saving the record of a form (views.md §3.6, orm.md TRX-7).

* :func:`load_record` reads the fields of the view plus ``write_date`` (binary fields as sizes);
* :func:`new_record` makes an empty record and asks the server for its defaults;
* :func:`save_record` waits for pending onchanges, checks required fields, then ``create``\\ s or
  ``write``\\ s the changes. A write carries ``context['__last_update']`` = the ``write_date``
  the form read, so the server refuses to overwrite someone else's later edit; the user then
  chooses what to keep (:mod:`.conflict`).
"""
import logging

from ...models.record import Record
from ...qt import tr
from ...rpc.errors import MissingError
from .values import write_values

_logger = logging.getLogger(__name__)


def read_names(fields):
    names = [name for name in fields if name != "id"]
    if "write_date" not in names:
        names.append("write_date")
    return names


def load_record(session, model, fields, record_id, context, on_loaded, on_error):
    """Read ``record_id``; ``on_loaded(Record)`` on the GUI thread."""

    def loaded(rows):
        if not rows:
            on_error(MissingError(tr("Record {0} {1} does not exist or has been deleted.").format(model, record_id)))
            return
        on_loaded(Record(model, fields, rows[0]))

    return session.call(model, "read", [record_id], read_names(fields), context=dict(context or {}, bin_size=True),
                        on_result=loaded, on_error=on_error)


def new_record(form, on_ready=None):
    """Show a new record in ``form`` with the server's defaults."""
    record = Record(form.model, form.fields, {"id": False})
    form.set_record(record)

    def ready():
        if form.record is record:
            form.user_edited = False
        if on_ready is not None:
            on_ready(record)

    form.load_defaults(ready)
    return record


def last_update(record):
    """The ``__last_update`` context entry of a record read with its ``write_date``."""
    stamp = record.values.get("write_date")
    if not record.id or not stamp:
        return {}
    return {"__last_update": {f"{record.model},{record.id}": stamp}}


def save_record(form, on_saved, on_failed=None):
    """Save the form's record: ``on_saved(record_id)`` once stored, ``on_failed(error or None)``.

    Pending edits are committed and pending onchanges answered first. Nothing is sent when an
    existing record has no change.
    """
    form.commit_pending()
    session = form.session
    failed = on_failed or (lambda error: None)

    def step():
        record = form.record
        if record is None:
            failed(None)
            return
        if not form.check_required():
            failed(None)
            return
        values = write_values(record)
        context = form.call_context()

        def error(exc):
            form.show_error(exc)
            failed(exc)

        if record.is_new:
            def created(result):
                record_id = result[0] if isinstance(result, list) else result
                record.mark_saved(record_id)
                form.user_edited = False
                on_saved(record_id)

            session.call(form.model, "create", values, context=context, on_result=created, on_error=error)
            return
        if not values:
            on_saved(record.id)
            return

        def written(_result):
            record.mark_saved()
            form.user_edited = False
            on_saved(record.id)

        def refused(exc):
            # refused because someone saved the record meanwhile? (the user chooses: conflict.py)
            from .conflict import resolve
            resolve(form, record, values, context, exc, on_saved, failed)

        stamp = last_update(record)
        context.update(stamp)
        session.call(form.model, "write", [record.id], values, context=context, on_result=written,
                     on_error=refused if stamp else error)

    form.when_idle(step)
