"""Questions and notices: Yes/No, Save/Discard/Cancel, and non-blocking messages.

The questions are modal (the caller needs the answer to go on) and return plain values; the
notices open without blocking (onchange warnings, missing required fields).
"""
from ..qt import QMessageBox, tr

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask(parent, question, title=None):
    """Ask a Yes/No question (a button's ``confirm``, a deletion); True for Yes."""
    box = QMessageBox(parent)
    box.setObjectName("confirm_dialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title or tr("Confirmation"))
    box.setText(question)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def ask_save(parent, text=None):
    """Leaving a modified record: :data:`SAVE`, :data:`DISCARD` or :data:`CANCEL` (no autosave)."""
    box = QMessageBox(parent)
    box.setObjectName("save_changes_dialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Unsaved changes"))
    box.setText(text or tr("This record has been modified. Save your changes?"))
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return DISCARD
    return CANCEL


def notify(parent, title, message):
    """Show a message without blocking; returns the (open) box."""
    box = QMessageBox(parent)
    box.setObjectName("notice_dialog")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(message)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box
