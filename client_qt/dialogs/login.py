"""The login dialog: server URL, database (from the server's list), login and password.

Profiles (URL, database, login) are remembered with ``QSettings``; passwords never are
(security.md CLI-1). A plain ``http://`` URL to another machine is flagged before logging in.
"""
import logging

from ..qt import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSettings,
                  QVBoxLayout, Signal, tr)
from ..rpc.connection import Connection
from ..rpc.runner import Runner
from ..session import Session

_logger = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:8069"


class LoginDialog(QDialog):
    """Emits ``logged_in(session)``; ``accept()`` closes it once logged in."""

    logged_in = Signal(object)

    def __init__(self, parent=None, url=None, db=None, login=None, runner=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Bureau — Log in"))
        self.setObjectName("login_dialog")
        self.runner = runner or Runner(self)
        self.session = None
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
        self.url.editingFinished.connect(self.refresh_databases)
        self.refresh_databases()

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
        self.runner.call(Session.login, url, db, login, password,
                         on_result=self._logged_in, on_error=self._failed)

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
