"""The login dialog: server URL, database (from the server's list), login and password.

Profiles (URL, database, login) are remembered with ``QSettings``; passwords never are
(security.md CLI-1). A plain ``http://`` URL to another machine is flagged before logging in.

:meth:`LoginDialog.for_relogin` is the same dialog when the web session ended while working: server,
database and login are those of the open windows and cannot change; only the password is asked,
and the calls that were refused meanwhile are sent again once logged in.
"""
import logging

from ..qt import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSettings,
                  QVBoxLayout, Signal, tr)
from ..rpc.connection import Connection
from ..rpc.runner import Runner
from ..session import Session

_logger = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:8069"


def _connect(url, db, login, password):
    """An authenticated connection (blocking: run through a runner)."""
    connection = Connection(url)
    connection.authenticate(db, login, password)
    _logger.info("logged in to %s on %s as %s (uid %s)", db, url, login, connection.uid)
    return connection


class LoginDialog(QDialog):
    """Emits ``logged_in(session)``; ``accept()`` closes it once logged in."""

    logged_in = Signal(object)

    def __init__(self, parent=None, url=None, db=None, login=None, runner=None, session=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Bureau — Log in"))
        self.setObjectName("login_dialog")
        self.setMinimumWidth(440)
        self.runner = runner or Runner(self)
        self.session = None
        #: the session to log in again (:meth:`for_relogin`), or None
        self.relogin_session = session
        if session is not None:
            connection = session.connection
            url, db, login = connection.url, connection.db, connection.login
        settings = QSettings()
        self.url = QLineEdit(url or settings.value("login/url", DEFAULT_URL))
        self.url.setObjectName("url")
        self.database = QComboBox()
        self.database.setEditable(True)
        self.database.setObjectName("database")
        self.login = QLineEdit(login or settings.value("login/login", "admin"))
        self.login.setObjectName("login")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setObjectName("password")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("Server"), self.url)
        form.addRow(tr("Database"), self.database)
        form.addRow(tr("Login"), self.login)
        form.addRow(tr("Password"), self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._wanted_db = db or settings.value("login/db", "")
        if session is not None:
            self.setWindowTitle(tr("Bureau — Session ended"))
            self.setObjectName("relogin_dialog")
            for widget in (self.url, self.login):
                widget.setReadOnly(True)
            self.database.addItem(db)
            self.database.setEnabled(False)
            self.message.setText(tr("Your session has ended. Enter your password to continue: your unsaved "
                                    "changes are kept and the waiting operations are sent again."))
            self.password.setFocus()
            return
        self.url.editingFinished.connect(self.refresh_databases)
        self.refresh_databases()

    @classmethod
    def for_relogin(cls, parent, session):
        """The dialog asking the password again for ``session`` (pre-filled, not editable)."""
        return cls(parent, session=session)

    def refresh_databases(self):
        url = self.url.text().strip()
        if not url:
            return
        connection = Connection(url, retries=1)
        if connection.is_insecure():
            self.message.setText(tr("Warning: the connection to this server is not encrypted (http)."))
        self.runner.call(connection.list_databases, on_result=self._fill_databases,
                         on_error=lambda error: self.message.setText(str(error)))

    def _fill_databases(self, names):
        current = self.database.currentText() or self._wanted_db
        self.database.clear()
        self.database.addItems(names or [])
        if current:
            self.database.setCurrentText(current)

    def try_login(self):
        url, db = self.url.text().strip(), self.database.currentText().strip()
        login, password = self.login.text().strip(), self.password.text()
        if not (url and db and login and password):
            self.message.setText(tr("Fill in the server, the database, the login and the password."))
            return
        self.buttons.setEnabled(False)
        self.message.setText(tr("Logging in…"))
        if self.relogin_session is not None:
            self.runner.call(self.relogin_session.relogin, password, on_result=self._relogged_in,
                             on_error=self._failed)
            return
        # the connection is opened in the background; the session (Qt objects) on the GUI thread
        self.runner.call(_connect, url, db, login, password,
                         on_result=lambda connection: self._logged_in(Session(connection)), on_error=self._failed)

    def _relogged_in(self, _info):
        self.password.clear()
        self.session = self.relogin_session
        self.logged_in.emit(self.session)
        self.accept()

    def _logged_in(self, session):
        settings = QSettings()
        settings.setValue("login/url", self.url.text().strip())
        settings.setValue("login/db", self.database.currentText().strip())
        settings.setValue("login/login", self.login.text().strip())
        self.password.clear()
        self.session = session
        self.logged_in.emit(session)
        self.accept()

    def _failed(self, error):
        self.buttons.setEnabled(True)
        self.message.setText(str(error))
