"""Keeping a form's unsaved edits in the journal, and putting them back (see
:mod:`client_qt.models.journal`).

:class:`FormJournal` watches one form view: after each edit, and after keys typed in a field that are
not committed yet, it writes (at most every :data:`DELAY_MS`) the record and its changed values. When
the form shows another record, or the same one saved or discarded, the entry is cleared.
:func:`restore` opens a journal entry in a new tab: the record read again (or a new one with its
defaults), then the values applied as user edits, so the form is modified and can be saved.
"""
import json
import logging

from ...models.journal import journalable
from ...qt import QEvent, QObject, QTimer, tr

_logger = logging.getLogger(__name__)

#: edits are written this long after the last key or change (one fsync per burst of typing)
DELAY_MS = 250


def _json_safe(value):
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return None


def record_title(form, record):
    values = record.original if record.id else record.values
    title = values.get("display_name") or values.get("name")
    if isinstance(title, str) and title:
        return title
    return tr("New record") if not record.id else f"{form.model} #{record.id}"


def snapshot(form):
    """``{name: {label, value | text, display}}`` of the form's unsaved values (None: nothing)."""
    record = form.record
    if record is None:
        return None
    entries = {}
    for entry in form.field_list:
        entries.setdefault(entry.name, entry)
    fields = {}
    for name in sorted(record.dirty):
        entry = entries.get(name)
        description = form.fields.get(name)
        if description is None or name in record.lines:
            continue
        if not journalable(name, description, entry.spec.attrs if entry else None):
            continue
        value = _json_safe(record.values.get(name, False))
        fields[name] = {"label": entry.spec.label if entry else description.get("string") or name,
                        "value": value, "display": record.display(name, form.session.user_tz if form.session else None)}
    for entry in form.field_list:
        widget = entry.widget
        if widget is None or not widget.has_pending():
            continue
        text = widget.pending_text()
        if text is None or not journalable(entry.name, entry.spec.description, entry.spec.attrs):
            continue
        fields[entry.name] = {"label": entry.spec.label, "text": text, "display": text}
    if not fields:
        return None
    return fields


class FormJournal(QObject):
    """:param view: the :class:`~client_qt.views.form.view.FormView`
    :param journal: the session's :class:`~client_qt.models.journal.Journal`
    :param action: the action dict of the tab (its name and context reopen the form)
    """

    def __init__(self, view, journal, action=None):
        super().__init__(view)
        self.view = view
        self.form = view.form
        self.journal = journal
        action = action or {}
        self.action = {"name": action.get("name") or "", "id": action.get("id") or False,
                       "context": _json_safe(action.get("context")) or {}}
        self.record = None
        self.key = None
        self.last = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.sync)
        self.form.journal_watcher = self
        self.form.edited.connect(self.schedule)
        self.form.changed.connect(lambda _name: self.schedule())
        self.form.record_changed.connect(self.schedule)
        self.form.installEventFilter(self)
        for child in self.form.findChildren(QObject):
            if child.isWidgetType():
                child.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() in (QEvent.Type.KeyRelease, QEvent.Type.InputMethod):
            self.schedule()
        return False

    def schedule(self):
        if not self.timer.isActive():
            self.timer.start()

    def entry(self, fields):
        form, record = self.form, self.form.record
        return {"model": form.model, "id": record.id or False, "title": record_title(form, record),
                "view_id": self.view.view_id or False, "action": self.action, "fields": fields}

    def sync(self):
        """Write the current state (or clear it) when it changed since the last write."""
        self.timer.stop()
        record = self.form.record
        if record is not self.record:
            if self.key is not None:
                self.journal.clear(self.key)
            self.record, self.key, self.last = record, None, None
        fields = snapshot(self.form) if record is not None else None
        try:
            if fields:
                if self.key is None:
                    self.key = self.journal.new_key()
                if fields != self.last:
                    self.journal.set(self.key, self.entry(fields))
                    self.last = fields
            elif self.key is not None:
                self.journal.clear(self.key)
                self.key, self.last = None, None
        except OSError:
            _logger.exception("the journal of unsaved edits cannot be written")

    def set_aside(self):
        """Keep the current edits as a set-aside entry (the user took another version instead)."""
        self.timer.stop()
        fields = snapshot(self.form)
        if fields and self.form.record is not None:
            self.journal.set_aside(self.entry(fields))

    def dispose(self):
        """The form went away after its record was saved or discarded (tab closed)."""
        self.timer.stop()
        if self.key is not None:
            self.journal.clear(self.key)
            self.key = None


def restore(window, entry, on_done=None):
    """Open ``entry`` in a new tab of ``window`` with its values applied (the form is modified).

    :returns: the tab
    """
    action = dict(entry.get("action") or {})
    tab_action = {"type": "ir.actions.act_window", "res_model": entry["model"], "name": action.get("name") or
                  entry.get("title") or entry["model"], "views": [[entry.get("view_id") or False, "form"]],
                  "res_id": entry.get("id") or False, "context": action.get("context") or {}}
    tab = window.run_action_dict(tab_action, title=entry.get("title"))
    state = {"done": False}

    def apply():
        if state["done"]:
            return
        state["done"] = True
        form = tab.views["form"].form
        texts = []
        for name, item in (entry.get("fields") or {}).items():
            if "text" in item:
                texts.append((name, item["text"]))
            elif name in form.fields:
                form.commit(name, item.get("value", False))
        for name, text in texts:
            widget = form.widget(name)
            if widget is not None:
                widget.restore_text(text)
        _logger.info("unsaved edits of %s %s restored (%s)", entry["model"], entry.get("id") or "new",
                     ", ".join(entry.get("fields") or {}))
        if on_done is not None:
            on_done(tab)

    def shown():
        form = tab.views["form"].form
        record = form.record
        if record is None or state["done"]:
            return
        if entry.get("id") and record.id == entry["id"]:
            apply()
        elif not entry.get("id") and record.is_new:
            # after the defaults (their answer must not replace the restored values)
            QTimer.singleShot(0, lambda: form.when_idle(apply))

    def view_ready(mode, view):
        if mode == "form":
            view.form.record_changed.connect(shown)

    tab.view_ready.connect(view_ready)
    return tab
