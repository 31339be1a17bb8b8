"""A record form in a dialog (views.md §3.1 footer, §3.5, §11 many2one).

Three uses:

* :data:`LINE`: a line of a one2many being added or edited. Save & Close / Save & New / Discard;
  the line stays client-side until its parent is saved, Discard restores it as it was;
* :data:`RECORD`: a record of its own (many2one "Create and Edit…" / open button, many2many rows),
  created or written on the server by Save;
* :data:`WIZARD`: a transient record whose ``<footer>`` buttons run and close the dialog
  (:mod:`client_qt.dialogs.wizard`).

Without a ``<footer>`` in the arch the dialog gets the default buttons of its use.
"""
import logging

from ..qt import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget, Signal, tr
from ..views.arch import parse_arch

_logger = logging.getLogger(__name__)

LINE, RECORD, WIZARD = "line", "record", "wizard"


def _snapshot(record):
    lines = {name: (list(value.current), list(value.removed), dict(value.records), list(value.initial))
             for name, value in record.lines.items()}
    return dict(record.values), set(record.dirty), lines


def _restore(record, snapshot):
    values, dirty, lines = snapshot
    record.values = values
    record.dirty = dirty
    for name, (current, removed, records, initial) in lines.items():
        value = record.lines[name]
        value.current, value.removed, value.records, value.initial = current, removed, records, initial


class FormDialog(QDialog):
    """:param parent: the widget the dialog opens over
    :param session: the session
    :param model: the model of the record
    :param root: the parsed form arch
    :param fields: the model's field descriptions
    :param models: ``get_views`` models (x2many sub-views)
    :param record: the record to show (LINE), or None to read ``record_id`` / make a new one
    :param record_id: the record to read (RECORD/WIZARD), None for a new one
    :param on_new: LINE: ``on_new()`` gives a fresh line for Save & New
    :param defaults: LINE: ask the server for the defaults of the (new) line
    """

    #: LINE: the line record; RECORD/WIZARD: ``[id, display name]``
    saved = Signal(object)

    def __init__(self, parent, session, model, root, fields, models=None, record=None, record_id=None, context=None,
                 main_window=None, mode=RECORD, title=None, readonly=False, on_new=None, defaults=False):
        super().__init__(parent)
        from ..views.form.buttons import ButtonRunner
        from ..views.form.record_form import RecordForm
        self.setObjectName(f"{mode}_dialog")
        self.setWindowTitle(title or root.get("string") or model)
        self.session = session
        self.model = model
        self.mode = mode
        self.on_new = on_new
        self.context = dict(context or {})
        self.form = RecordForm(session, model, root, fields, models, context=self.context, main_window=main_window,
                               readonly=readonly)
        self.runner = ButtonRunner(self.form, self._save_for_button, self.reload, close=self.close_dialog,
                                   close_on_done=mode == WIZARD)
        self.form.button_clicked.connect(self.runner.run)
        self.button_row = QHBoxLayout()
        self.button_row.addStretch(1)
        self.buttons = {}
        self._footer(readonly)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.form, 1)
        footer = QWidget()
        footer.setObjectName("dialog_footer")
        footer.setLayout(self.button_row)
        layout.addWidget(footer)
        hint = self.form.body.sizeHint()
        self.resize(max(560, min(1100, hint.width() + 80)), max(240, min(760, hint.height() + 120)))
        self.snapshot = None
        if record is not None:
            self.snapshot = _snapshot(record)
            self.form.set_record(record)
            if defaults:
                self.form.load_defaults(lambda: setattr(self.form, "user_edited", False))
        elif record_id:
            self.reload(record_id)
        else:
            from ..views.form.saving import new_record
            new_record(self.form)

    # -- buttons ----------------------------------------------------------------------------------
    def _button(self, name, text, slot, primary=False):
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        if primary:
            font = button.font()
            font.setBold(True)
            button.setFont(font)
        button.clicked.connect(slot)
        self.button_row.addWidget(button)
        self.buttons[name] = button
        return button

    def _footer(self, readonly):
        footer = self.form.footer
        if footer is not None:
            for child in footer:
                if isinstance(child.tag, str) and child.tag == "button":
                    self.button_row.addWidget(self.form.builder.button(child))
            if footer.get("replace") not in ("0", "False", "false"):
                return
        if readonly:
            self._button("close", tr("Close"), self.reject)
        elif self.mode == LINE:
            self._button("save_close", tr("Save && Close"), self.save_and_close, primary=True)
            if self.on_new is not None:
                self._button("save_new", tr("Save && New"), self.save_and_new)
            self._button("discard", tr("Discard"), self.reject)
        else:
            self._button("save", tr("Save"), self.save_and_close, primary=True)
            self._button("discard", tr("Discard"), self.reject)

    # -- actions ------------------------------------------------------------------------------------
    def reload(self, record_id=None):
        from ..views.form.saving import load_record
        record_id = record_id or (self.form.record.id if self.form.record is not None else None)
        if not record_id:
            return
        load_record(self.session, self.model, self.form.fields, record_id, self.context, self.form.set_record,
                    self.form.show_error)

    def _save_for_button(self, callback):
        if self.mode == LINE:
            callback(False)
            return
        record = self.form.record
        if record is not None and not record.is_new and not self.form.is_modified():
            callback(True)
            return
        from ..views.form.saving import save_record
        save_record(self.form, lambda record_id: callback(True), lambda error: callback(False))

    def save(self, on_done):
        """Keep the line (LINE) or store the record (RECORD/WIZARD); ``on_done(ok)``."""
        form = self.form
        if self.mode == LINE:
            form.commit_pending()

            def check():
                if form.check_required():
                    self.saved.emit(form.record)
                    on_done(True)
                else:
                    on_done(False)

            form.when_idle(check)
            return
        from ..views.form.saving import save_record

        def stored(record_id):
            def named(rows):
                name = rows[0].get("display_name") if rows else ""
                self.saved.emit([record_id, name])
                on_done(True)

            self.session.call(self.model, "read", [record_id], ["display_name"], context=self.context,
                              on_result=named, on_error=lambda error: (self.saved.emit([record_id, ""]),
                                                                        on_done(True)))

        save_record(form, stored, lambda error: on_done(False))

    def save_and_close(self):
        self.save(lambda ok: ok and self.accept())

    def save_and_new(self):
        def next_line(ok):
            if not ok:
                return
            line = self.on_new()
            self.snapshot = _snapshot(line)
            self.form.set_record(line)
            self.form.load_defaults(lambda: setattr(self.form, "user_edited", False))

        self.save(next_line)

    def close_dialog(self, discard=False):
        if discard:
            self.reject()
        else:
            self.accept()

    def reject(self):
        if self.mode == LINE and self.snapshot is not None and self.form.record is not None:
            _restore(self.form.record, self.snapshot)
        super().reject()

    def done(self, result):
        self.form.set_record(None)
        super().done(result)


def open_record_dialog(host, model, record_id, context, on_saved=None, title=None, readonly=False):
    """Open ``record_id`` of ``model`` (None: a new one) in a :data:`RECORD` dialog over ``host``.

    The comodel's form view is fetched first (cached by the session). ``on_saved([id, name])``.
    """
    session = host.session
    parent = host.dialog_parent()
    state = {}

    def got(result):
        view = result["views"]["form"]
        dialog = FormDialog(parent, session, model, parse_arch(view["arch"]), result["models"][model]["fields"],
                            result["models"], record_id=record_id, context=context,
                            main_window=getattr(host, "main_window", None), mode=RECORD, title=title,
                            readonly=readonly)
        if on_saved is not None:
            dialog.saved.connect(on_saved)
        state["dialog"] = dialog
        dialog.open()

    session.runner.call(session.get_views, model, [[False, "form"]], context=context, on_result=got,
                        on_error=host.show_error)
    return state
