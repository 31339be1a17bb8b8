"""Resolving an edit conflict (orm.md TRX-7): the server refused a write because the record changed
after the form read it.

A form's ``write`` carries ``context['__last_update'] = {'model,id': write_date}`` of its read; the
server answers ``ValidationError`` when the record's ``write_date`` is later. Since other
validation errors look alike, :func:`resolve` reads the record again: a newer ``write_date`` is a
conflict and opens the :class:`~client_qt.dialogs.conflict.ConflictDialog` (yours / theirs /
original per field); otherwise the error is shown as usual. The user's choice is then carried out
by writing again with the ``write_date`` just read: Overwrite writes the fields the user changed,
Merge the fields chosen "yours", Reload shows theirs and sets the user's values aside in the
journal. Nothing is written without the user's choice, and the user's values are never dropped.
"""
import datetime
import logging

from ...dialogs.conflict import CANCEL, MERGE, RELOAD, ConflictDialog, ConflictRow
from ...models.fields import user_zone
from ...models.record import Record
from ...rpc.errors import ValidationError
from ...qt import tr
from .values import wire

_logger = logging.getLogger(__name__)

SKIPPED = ("id", "write_date", "write_uid", "display_name", "__last_update", "create_date", "create_uid")


def _key(description, value):
    """A comparable form of a ``read`` value (many2one by id, x2many as a sorted id list)."""
    kind = (description or {}).get("type")
    if kind == "many2one":
        return value[0] if isinstance(value, (list, tuple)) and value else (value or False)
    if kind in ("one2many", "many2many"):
        return sorted(v for v in (value or []) if isinstance(v, int))
    if value in (None, "", False):
        return False
    return value


def _local_time(stamp, tz):
    try:
        moment = datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
        zone = user_zone(tz)
        if zone:
            moment = moment.astimezone(zone)
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    except (ValueError, TypeError):
        return stamp or ""


def conflict_rows(form, record, values, theirs):
    """The :class:`ConflictRow` of each field where the user's value and the saved one differ."""
    rows = []
    tz = form.session.user_tz if form.session is not None else None
    labels = {}
    for entry in form.field_list:
        labels.setdefault(entry.name, entry.spec.label)
    for name, description in form.fields.items():
        if name in SKIPPED or name not in theirs:
            continue
        lines = name in record.lines
        mine_value = record.get(name) if lines else record.values.get(name, False)
        original = record.original.get(name, False)
        if lines:
            original = record.lines[name].initial
        mine_changed = name in values
        theirs_changed = _key(description, theirs[name]) != _key(description, original)
        if _key(description, mine_value) == _key(description, theirs[name]):
            continue
        if not (mine_changed or theirs_changed):
            continue

        def text(value):
            if lines:
                return tr("{0} line(s)").format(len(value or []))
            display = Record(form.model, {name: description}, {name: value}).display(name, tz)
            return display if display != "" else tr("(empty)")

        rows.append(ConflictRow(name, labels.get(name) or description.get("string") or name, text(original),
                                text(mine_value), text(theirs[name]), default="mine" if mine_changed else "theirs",
                                choosable=not lines))
    return rows


def resolve(form, record, values, context, error, on_saved, on_failed):
    """After a refused ``write``: open the conflict dialog when the record changed meanwhile.

    :param values: the values the form tried to write (``write`` format)
    :param context: the context of that write (``__last_update`` is replaced)
    :param error: the server's error (shown as usual when it is not a conflict)
    """
    seen = record.values.get("write_date")
    session = form.session
    if not isinstance(error, ValidationError) or not seen or not record.id:
        form.show_error(error)
        on_failed(error)
        return None
    from .saving import read_names
    names = read_names(form.fields)
    if "write_uid" not in names:
        names.append("write_uid")
    read_context = {k: v for k, v in context.items() if k != "__last_update"}
    read_context["bin_size"] = True
    state = {}

    def got(rows):
        if not rows or not rows[0].get("write_date") or rows[0]["write_date"] <= seen:
            form.show_error(error)
            on_failed(error)
            return
        theirs = rows[0]
        if form.record is not record:  # the form moved on meanwhile
            on_failed(error)
            return
        rows = conflict_rows(form, record, values, theirs)
        if not rows:
            # the saved record already holds every value of the form (a save the user stopped
            # waiting for went through): nothing to decide
            _logger.info("edit conflict on %s %s: the saved values are the form's", form.model, record.id)
            record.values["write_date"] = theirs["write_date"]
            record.mark_saved()
            form.user_edited = False
            on_saved(record.id)
            return
        who = theirs.get("write_uid")
        who = who[1] if isinstance(who, (list, tuple)) and len(who) > 1 else ""
        _logger.info("edit conflict on %s %s: saved %s by %s after the form read it (%s)", form.model, record.id,
                     theirs["write_date"], who or "?", seen)
        dialog = ConflictDialog(form.dialog_parent(), record.original.get("display_name") or
                                record.original.get("name") or f"{form.model} #{record.id}", who,
                                _local_time(theirs["write_date"], session.user_tz), rows)
        state["dialog"] = dialog
        form.conflict_dialog = dialog
        dialog.chosen.connect(lambda action, choices: carry_out(action, choices, theirs))
        dialog.open()

    def carry_out(action, choices, theirs):
        form.conflict_dialog = None
        if action == CANCEL or form.record is not record:
            on_failed(None)
            return
        if action == RELOAD:
            watcher = getattr(form, "journal_watcher", None)
            if watcher is not None:
                watcher.set_aside()
            form.set_record(Record(form.model, form.fields, dict(theirs)))
            form.user_edited = False
            _logger.info("edit conflict on %s %s: reloaded their version", form.model, record.id)
            on_failed(None)
            return
        to_write = dict(values)
        if action == MERGE:
            for name, choice in choices.items():
                description = form.fields.get(name) or {}
                if choice == "theirs":
                    to_write.pop(name, None)
                    if name not in record.lines:
                        record.values[name] = theirs[name]
                        record.dirty.discard(name)
                elif name not in to_write and name not in record.lines:
                    # "yours" for a field only they changed: the value the user sees goes back
                    to_write[name] = wire(description, record.values.get(name, False))
        write_context = dict(context, __last_update={f"{form.model},{record.id}": theirs["write_date"]})
        _logger.info("edit conflict on %s %s: %s (%s)", form.model, record.id, action, ", ".join(sorted(to_write)))

        def written(_result=None):
            record.mark_saved()
            form.user_edited = False
            on_saved(record.id)

        def refused(exc):
            # another change came in between: the same dialog again, with the newest values
            resolve(form, record, values, context, exc, on_saved, on_failed)

        if not to_write:
            written()
            return
        session.call(form.model, "write", [record.id], to_write, context=write_context, on_result=written,
                     on_error=refused)

    session.call(form.model, "read", [record.id], names, context=read_context, on_result=got,
                 on_error=lambda exc: (form.show_error(error), on_failed(error)))
    return state
