"""Offering back unsaved edits kept by the journal (:mod:`client_qt.models.journal`).

Shown at start when an earlier run of the same profile ended without saving (crash, killed, lost
connection, ended session), and from File ▸ Unsaved edits…. Each record is listed with the fields
and values that were not saved; checked records are restored (a tab per record, the form showing
the values as unsaved changes, ready to be saved) or discarded; the others stay for later.
"""
import datetime
import logging

from ..qt import (QDialog, QDialogButtonBox, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, Qt,
                  tr)
from . import confirm

_logger = logging.getLogger(__name__)


def entry_caption(entry):
    when = datetime.datetime.fromtimestamp(entry.get("t") or 0).strftime("%Y-%m-%d %H:%M")
    record = tr("new record") if not entry.get("id") else f"#{entry['id']}"
    where = (entry.get("action") or {}).get("name") or entry.get("model")
    caption = f"{entry.get('title') or entry.get('model')} — {where} {record} ({entry.get('model')}), {when}"
    if entry.get("set_aside"):
        caption += " " + tr("(set aside in an edit conflict)")
    return caption


class RecoveryDialog(QDialog):
    """:param window: the main window (it opens the restored records)
    :param entries: the journal entries to offer (:meth:`~client_qt.models.journal.Journal.recoverable`)
    """

    def __init__(self, window, entries):
        super().__init__(window)
        self.window_ = window
        self.journal = window.session.journal
        self.entries = list(entries)
        self.restored = []
        self.setObjectName("recovery_dialog")
        self.setWindowTitle(tr("Unsaved edits"))
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setObjectName("recovery_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.tree = QTreeWidget()
        self.tree.setObjectName("recovery_list")
        self.tree.setHeaderLabels([tr("Record and field"), tr("Value not saved")])
        self.tree.setColumnWidth(0, 330)
        layout.addWidget(self.tree, 1)
        self.buttons = QDialogButtonBox()
        self.restore_button = self._button("recover_restore", tr("Restore"), QDialogButtonBox.ButtonRole.AcceptRole,
                                           self.restore)
        self.restore_button.setToolTip(tr("Open the checked records with these values, not saved yet"))
        self.discard_button = self._button("recover_discard", tr("Discard"),
                                           QDialogButtonBox.ButtonRole.DestructiveRole, self.discard)
        self.discard_button.setToolTip(tr("Forget the checked edits for good"))
        self.later_button = self._button("recover_later", tr("Later"), QDialogButtonBox.ButtonRole.RejectRole,
                                         self.reject)
        self.later_button.setToolTip(tr("Keep them: File ▸ Unsaved edits… shows them again"))
        layout.addWidget(self.buttons)
        self._fill()

    def _button(self, name, text, role, slot):
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        self.buttons.addButton(button, role)
        return button

    def _fill(self):
        self.tree.clear()
        for entry in self.entries:
            item = QTreeWidgetItem([entry_caption(entry), ""])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked)
            item.setData(0, Qt.ItemDataRole.UserRole, entry.get("key"))
            for name, field in (entry.get("fields") or {}).items():
                display = field.get("display")
                if display is None:
                    display = field.get("text", field.get("value"))
                child = QTreeWidgetItem([field.get("label") or name, "" if display in (None, False) else str(display)])
                child.setToolTip(1, child.text(1))
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            item.setFirstColumnSpanned(True)
            item.setExpanded(True)
        if self.entries:
            self.message.setText(tr("These changes were not saved: the client closed unexpectedly, the connection "
                                    "was lost or the session ended. Restore opens each checked record with them "
                                    "(save it to keep them); Discard forgets them."))
        else:
            self.message.setText(tr("There are no unsaved edits to restore."))
        self.restore_button.setEnabled(bool(self.entries))
        self.discard_button.setEnabled(bool(self.entries))

    def checked(self):
        keys = []
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item.checkState(0) == Qt.CheckState.Checked:
                keys.append(item.data(0, Qt.ItemDataRole.UserRole))
        return [entry for entry in self.entries if entry.get("key") in keys]

    def restore(self):
        """Open the checked records with their values (each entry leaves the journal once applied:
        the restored form writes its own entry as soon as it is shown modified)."""
        from ..views.form.journaling import restore
        chosen = self.checked()
        for entry in chosen:
            self.restored.append(restore(self.window_, entry, on_done=lambda tab, e=entry: self.journal.forget([e])))
        self.accept()

    def discard(self):
        chosen = self.checked()
        if not chosen:
            return
        if not confirm.ask(self, tr("Forget {0} unsaved edit(s) for good?").format(len(chosen))):
            return
        self.journal.forget(chosen)
        self.entries = [entry for entry in self.entries if entry not in chosen]
        if self.entries:
            self._fill()
        else:
            self.accept()
