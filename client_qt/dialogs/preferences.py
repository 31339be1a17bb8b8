"""The user's preferences: language, time zone and password (menu of the user's name).

The dialog reads ``res.users.get_preferences`` and the active languages (``res.lang``), and offers
the time zones of the IANA database. **Apply** writes the language and time zone with
``set_preferences`` and puts them into the session context at once: the next calls, views and
dates use them (tabs already open keep what they show until reopened). A new password is set with
``change_password(old, new)`` (the current one is asked; the server ends the user's other
sessions, not this one). Passwords are never kept.
"""
import logging
import zoneinfo

from ..qt import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout,
                  Qt, Signal, tr)
from .error import show_error

_logger = logging.getLogger(__name__)


def time_zones():
    return sorted(name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC")


class PreferencesDialog(QDialog):
    """:param parent: the main window
    :param session: the :class:`~client_qt.session.Session`
    """

    #: the preferences were written: ``{'lang': .., 'tz': ..}``
    applied = Signal(object)

    def __init__(self, parent, session):
        super().__init__(parent)
        self.session = session
        self.setObjectName("preferences_dialog")
        self.setWindowTitle(tr("Preferences"))
        self.setMinimumWidth(440)
        self.preferences = None
        self.loaded = False
        self.lang = QComboBox()
        self.lang.setObjectName("pref_lang")
        self.tz = QComboBox()
        self.tz.setObjectName("pref_tz")
        self.tz.setEditable(True)
        self.tz.addItem(tr("(none)"), False)
        for name in time_zones():
            self.tz.addItem(name, name)
        self.tz.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        form = QFormLayout()
        form.addRow(tr("Language"), self.lang)
        form.addRow(tr("Time zone"), self.tz)
        self.old_password = self._password("pref_old_password")
        self.new_password = self._password("pref_new_password")
        self.confirm_password = self._password("pref_confirm_password")
        password_box = QGroupBox(tr("Change password"))
        password_form = QFormLayout(password_box)
        password_form.addRow(tr("Current password"), self.old_password)
        password_form.addRow(tr("New password"), self.new_password)
        password_form.addRow(tr("Confirm"), self.confirm_password)
        self.message = QLabel(tr("Loading…"))
        self.message.setObjectName("pref_message")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setObjectName("pref_apply")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(password_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._pending = 2
        session.call("res.users", "get_preferences", on_result=self._got_preferences, on_error=self._failed)
        session.call("res.lang", "search_read", [["active", "=", True]], ["code", "name"],
                     on_result=self._got_languages, on_error=self._failed)

    @staticmethod
    def _password(name):
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    # -- loading ---------------------------------------------------------------------------------
    def _got_preferences(self, values):
        self.preferences = values
        self._loaded_one()

    def _got_languages(self, rows):
        self.lang.clear()
        for row in sorted(rows, key=lambda r: r["name"]):
            self.lang.addItem(row["name"], row["code"])
        self._loaded_one()

    def _loaded_one(self):
        self._pending -= 1
        if self._pending:
            return
        values = self.preferences or {}
        index = self.lang.findData(values.get("lang") or "en_US")
        if index >= 0:
            self.lang.setCurrentIndex(index)
        index = self.tz.findData(values.get("tz") or False)
        self.tz.setCurrentIndex(max(index, 0))
        self.loaded = True
        self.apply_button.setEnabled(True)
        self.message.setText("")

    def _failed(self, error):
        self.message.setText(str(error))
        show_error(self, error)

    # -- applying --------------------------------------------------------------------------------
    def chosen(self):
        tz = self.tz.currentData()
        if tz is None:  # typed in the editable box
            text = self.tz.currentText().strip()
            tz = text if text in zoneinfo.available_timezones() else None
        return {"lang": self.lang.currentData(), "tz": tz}

    def apply(self):
        """Write the preferences (and the new password, when one is typed)."""
        values = self.chosen()
        if values["tz"] is None:
            self.message.setText(tr("Unknown time zone: {0}").format(self.tz.currentText()))
            return
        new, confirm = self.new_password.text(), self.confirm_password.text()
        if new or confirm:
            if new != confirm:
                self.message.setText(tr("The new password and its confirmation differ."))
                return
            if not self.old_password.text():
                self.message.setText(tr("Enter your current password to change it."))
                return
        changes = {key: value for key, value in values.items() if (self.preferences or {}).get(key) != value}
        self.apply_button.setEnabled(False)
        self.message.setText(tr("Saving…"))

        def written(_result=None):
            self.session.apply_preferences(values)
            self.preferences = dict(self.preferences or {}, **values)
            if new:
                self.session.call("res.users", "change_password", self.old_password.text(), new,
                                  on_result=password_changed, on_error=failed)
            else:
                finished(tr("Preferences saved."))

        def password_changed(_result):
            for edit in (self.old_password, self.new_password, self.confirm_password):
                edit.clear()
            finished(tr("Preferences saved; your password is changed."))

        def finished(text):
            self.apply_button.setEnabled(True)
            self.message.setText(text)
            _logger.info("preferences applied: %s", ", ".join(f"{k}={v}" for k, v in values.items()))
            self.applied.emit(values)

        def failed(error):
            self.apply_button.setEnabled(True)
            self.message.setText(str(error))
            show_error(self, error)

        if changes:
            self.session.call("res.users", "set_preferences", changes, on_result=written, on_error=failed)
        else:
            written()
