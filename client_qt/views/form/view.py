"""The form view of an action tab: one record at a time, with its tool bar (views.md §3).

Tool bar: New, Save, Discard, Duplicate, Delete and the pager "n / N" with previous/next over the
records the form was opened from. Keyboard: Ctrl+S save, Ctrl+N new, Esc discard, Ctrl+PgUp /
Ctrl+PgDown previous / next. Leaving a modified record (other record, other view, closing the
tab) asks Save / Discard / Cancel; nothing is saved silently.
"""
import logging

from ...dialogs import confirm
from ...dialogs.attachments import AttachmentsButton
from ...expr import literal_bool
from ...qt import (QHBoxLayout, QKeySequence, QLabel, QShortcut, QToolButton, QVBoxLayout, QWidget, Qt, QtCore,
                   tr)
from ..arch import parse_arch
from ..registry import register
from .buttons import ButtonRunner
from .record_form import RecordForm
from .saving import load_record, new_record, save_record

_logger = logging.getLogger(__name__)


def allowed(root, flag):
    """A root permission flag (views.md §1): absent means allowed."""
    return literal_bool(root.get(flag)) is not False


@register("form")
class FormView(QWidget):
    """:param tab: the :class:`~client_qt.windows.action_tab.ActionTab` (session, model, context)
    :param arch: the form arch (text)
    :param fields: the model's field descriptions
    """

    def __init__(self, tab, arch, fields, view_id=None):
        super().__init__()
        self.setObjectName("form_view")
        self.tab = tab
        self.session = tab.session
        self.model = tab.model
        self.view_id = view_id
        self.root = parse_arch(arch)
        self.fields = fields
        views_result = getattr(tab, "views_result", None) or {}
        models = views_result.get("models") or {self.model: {"fields": fields}}
        self.ids = []
        self.index = -1
        self.loading = False
        #: what waits for the record being read (a save asked while the saved record is read back)
        self._after_load = []
        self.form = RecordForm(self.session, self.model, self.root, fields, models, context=tab.context,
                               main_window=getattr(tab, "window", None))
        self.buttons = ButtonRunner(self.form, self._save_if_needed, self.reload)
        self.form.button_clicked.connect(self.buttons.run)
        self.form.changed.connect(lambda _name: self._update_actions())
        self._build()
        self._shortcuts()
        self._update_actions()

    # -- building -----------------------------------------------------------------------------------
    def _tool(self, name, text, tip, slot):
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def _build(self):
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        self.new_button = self._tool("form_new", tr("New"), tr("Create a record (Ctrl+N)"), self.new)
        self.save_button = self._tool("form_save", tr("Save"), tr("Save (Ctrl+S)"), lambda: self.save())
        self.discard_button = self._tool("form_discard", tr("Discard"), tr("Discard the changes (Esc)"), self.discard)
        self.duplicate_button = self._tool("form_duplicate", tr("Duplicate"), tr("Copy this record"), self.duplicate)
        self.delete_button = self._tool("form_delete", tr("Delete"), tr("Delete this record"), self.delete)
        for button in (self.new_button, self.save_button, self.discard_button, self.duplicate_button,
                       self.delete_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.attachments_button = AttachmentsButton(self.form)
        bar.addWidget(self.attachments_button)
        self.modified_label = QLabel()
        self.modified_label.setObjectName("form_modified")
        bar.addWidget(self.modified_label)
        self.previous_button = self._tool("form_previous", "‹", tr("Previous record (Ctrl+PgUp)"), self.previous)
        self.pager = QLabel()
        self.pager.setObjectName("form_pager")
        self.next_button = self._tool("form_next", "›", tr("Next record (Ctrl+PgDown)"), self.next)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.pager)
        bar.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.form, 1)

    def _shortcuts(self):
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        standard = QKeySequence.StandardKey
        for keys, slot in ((standard.Save, lambda: self.save()), (standard.New, self.new),
                           (standard.Cancel, self.discard), ("Ctrl+PgUp", self.previous),
                           ("Ctrl+PgDown", self.next)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    def _update_actions(self):
        record = self.form.record
        modified = self.form.is_modified()
        self.modified_label.setText(tr("● unsaved changes") if modified else "")
        self.save_button.setEnabled(record is not None and (modified or record.is_new) and self.form.editable())
        self.discard_button.setEnabled(record is not None and modified)
        can_create = allowed(self.root, "create")
        self.new_button.setEnabled(can_create)
        self.duplicate_button.setEnabled(bool(record and record.id) and can_create
                                         and allowed(self.root, "duplicate"))
        self.delete_button.setEnabled(bool(record and record.id) and allowed(self.root, "delete"))
        count = len(self.ids)
        if record is not None and record.id and record.id in self.ids:
            self.pager.setText(f"{self.ids.index(record.id) + 1} / {count}")
        elif record is not None and record.is_new:
            self.pager.setText(tr("New"))
        else:
            self.pager.setText("")
        self.previous_button.setEnabled(count > 1)
        self.next_button.setEnabled(count > 1)

    # -- view protocol --------------------------------------------------------------------------------
    def activate(self, record_id=None, ids=None, **kwargs):
        """Show ``record_id`` (navigating within ``ids``), or a new record when none is given."""
        if ids is not None:
            self.ids = list(ids)
        if record_id:
            if record_id not in self.ids:
                self.ids.append(record_id)
            self.load(record_id)
        elif self.form.record is None:
            self.new(ask=False)

    def search(self, domain, context=None, group_by=None):
        """Forms show one record: a new search does not change it."""

    def can_close(self):
        return self.leave()

    # -- records --------------------------------------------------------------------------------------
    def load(self, record_id, on_loaded=None, keep_edits=False):
        """Read and show ``record_id`` (an earlier load still running is forgotten).

        :param keep_edits: the record shown is being read again after a save: what the user typed
            meanwhile is kept on the fresh record (:func:`carry_edits`)
        """
        self.loading = True
        self._loads = getattr(self, "_loads", 0) + 1
        sequence = self._loads

        def loaded(record):
            if sequence != self._loads:
                return
            self.loading = False
            if keep_edits:
                record = carry_edits(self.form, record)
            self.form.set_record(record)
            self.index = self.ids.index(record.id) if record.id in self.ids else -1
            self._update_actions()
            if on_loaded is not None:
                on_loaded(record)
            self._run_after_load()

        def failed(error):
            if sequence != self._loads:
                return
            self.loading = False
            self.form.show_error(error)
            self._run_after_load()

        load_record(self.session, self.model, self.form.fields, record_id, self.form.call_context(), loaded,
                    failed)

    def _run_after_load(self):
        waiting, self._after_load = self._after_load, []
        for callback in waiting:
            callback()

    def reload(self):
        record = self.form.record
        if record is not None and record.id:
            self.load(record.id)

    def leave(self):
        """Whether the current record may be left (asks Save / Discard / Cancel when modified)."""
        self.form.commit_pending()  # text typed in a field that still has the focus counts
        if not self.form.is_modified():
            return True
        answer = confirm.ask_save(self.window())
        if answer == confirm.CANCEL:
            return False
        if answer == confirm.DISCARD:
            self.forget_changes()
            return True
        return self.save_blocking()

    def save_blocking(self):
        """Save and wait for the answer (used when leaving the record); True when saved."""
        outcome = {}
        loop = QtCore.QEventLoop()

        def done(ok):
            outcome["ok"] = ok
            loop.quit()

        self.save(done)
        if "ok" not in outcome:
            loop.exec()
        return outcome["ok"]

    def save(self, on_done=None):
        """Save the record (if it changed), then read it again; ``on_done(ok)``."""
        done = on_done or (lambda ok: None)
        if self.loading:
            # the record is being read (back after a save): its write_date is not known yet
            self._after_load.append(lambda: self.save(on_done))
            return
        if self.form.record is None or not self.form.editable():
            done(False)
            return

        def saved(record_id):
            if record_id not in self.ids:
                self.ids.append(record_id)
            self.load(record_id, on_loaded=lambda record: done(True), keep_edits=True)

        def failed(error):
            self._update_actions()
            done(False)

        save_record(self.form, saved, failed)

    def _save_if_needed(self, callback):
        record = self.form.record
        if record is not None and (record.is_new or self.form.is_modified()):
            self.save(callback)
        else:
            callback(record is not None)

    def new(self, ask=True):
        """Show a new record with its defaults."""
        if not allowed(self.root, "create"):
            return
        if ask and not self.leave():
            return
        self._loads = getattr(self, "_loads", 0) + 1  # a reload still running must not replace it
        new_record(self.form, on_ready=lambda record: self._update_actions())
        self._update_actions()

    def forget_changes(self):
        """Drop the edits: an existing record is read again, a new one is dropped."""
        record = self.form.record
        self.form.user_edited = False
        if record is not None and record.id:
            self.load(record.id)
        else:
            self.form.set_record(None)
        self._update_actions()

    def discard(self):
        """Forget the changes: read the record again (a new one goes back to the last record)."""
        record = self.form.record
        if record is None:
            return
        if record.id:
            self.load(record.id)
        elif 0 <= self.index < len(self.ids):
            self.load(self.ids[self.index])
        elif self.ids:
            self.load(self.ids[-1])
        else:
            new_record(self.form, on_ready=lambda record: self._update_actions())
        self._update_actions()

    def move(self, step):
        if len(self.ids) < 2 or not self.leave():
            return
        record = self.form.record
        current = self.ids.index(record.id) if record is not None and record.id in self.ids else self.index
        self.load(self.ids[(current + step) % len(self.ids)])

    def previous(self):
        self.move(-1)

    def next(self):
        self.move(1)

    def duplicate(self):
        record = self.form.record
        if record is None or not record.id or not self.leave():
            return

        def copied(new_id):
            new_id = new_id[0] if isinstance(new_id, list) else new_id
            position = self.ids.index(record.id) + 1 if record.id in self.ids else len(self.ids)
            self.ids.insert(position, new_id)
            self.load(new_id)

        self.session.call(self.model, "copy", [record.id], context=self.form.call_context(), on_result=copied,
                          on_error=self.form.show_error)

    def delete(self, ask=True):
        record = self.form.record
        if record is None or not record.id:
            return
        if ask and not confirm.ask(self.window(), tr("Delete this record?")):
            return

        def deleted(_result):
            position = self.ids.index(record.id) if record.id in self.ids else -1
            if position >= 0:
                self.ids.pop(position)
            if self.ids:
                self.load(self.ids[min(max(position, 0), len(self.ids) - 1)])
            else:
                new_record(self.form, on_ready=lambda rec: self._update_actions())
                self._update_actions()

        self.session.call(self.model, "unlink", [record.id], context=self.form.call_context(), on_result=deleted,
                          on_error=self.form.show_error)


def carry_edits(form, fresh):
    """The record to show when ``fresh``, read after a save, arrives: the user may have typed in
    the form while it was read. Their field edits are set again on ``fresh``; when they edited
    x2many lines, the shown record stays (with the new ``write_date``, so the next save is not
    taken for an edit conflict)."""
    current = form.record
    if current is None or current.id != fresh.id:
        return fresh
    form.commit_pending()
    if not current.dirty:   # (the saved record's new lines keep virtual ids: their state does not count)
        return fresh
    if any(name in current.lines for name in current.dirty):
        for record in (current.values, current.original):
            record["write_date"] = fresh.values.get("write_date")
        return current
    for name in current.dirty:
        if name not in fresh.lines:
            fresh.set(name, current.values.get(name))
    return fresh
