"""The main window's status bar: who and where (user, database, server), the state of the connection
and the busy indicator with its Cancel button.

* **Busy.** The runner says ``busy`` once calls have been pending for 200 ms; the bar then shows a
  moving bar, "Waiting for the server…" and **Cancel**. Cancel stops waiting: the callers are told
  the call was cancelled and its answer will be ignored; the server may still complete it, which the
  bar says afterwards.
* **Connection.** While the connection retries, the bar says so with the attempt and the delay;
  when every attempt failed it says the connection is lost and probes the server every
  :data:`PROBE_SECONDS` in the background; the first answer (of a probe or of a call) shows
  "Connection restored" and work continues.
"""
import logging
import threading

from ..qt import QLabel, QObject, QProgressBar, QTimer, QToolButton, tr

_logger = logging.getLogger(__name__)

#: how often a lost server is probed
PROBE_SECONDS = 3
#: how long "Connection restored" and "Cancelled" messages stay
MESSAGE_MS = 8000


class StatusArea(QObject):
    """:param window: the main window (its ``statusBar()``)
    :param session: the session (runner, connection monitor)
    """

    def __init__(self, window, session):
        super().__init__(window)
        self.window = window
        self.session = session
        bar = window.statusBar()
        self.bar = bar
        self.user_label = QLabel()
        self.user_label.setObjectName("status_user")
        self.connection_label = QLabel("")
        self.connection_label.setObjectName("status_connection")
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busy_indicator")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(90)
        self.busy_bar.setMaximumHeight(14)
        self.busy_bar.setTextVisible(False)
        self.busy_label = QLabel("")
        self.busy_label.setObjectName("busy")
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("busy_cancel")
        self.cancel_button.setText(tr("Cancel"))
        self.cancel_button.setToolTip(tr("Stop waiting for the server. Its answer will be ignored; the server "
                                         "may still complete the operation."))
        self.cancel_button.clicked.connect(self.cancel)
        bar.addWidget(self.user_label, 1)
        bar.addPermanentWidget(self.connection_label)
        bar.addPermanentWidget(self.busy_label)
        bar.addPermanentWidget(self.busy_bar)
        bar.addPermanentWidget(self.cancel_button)
        self.set_busy(False)
        self.update_user()
        session.runner.busy_changed.connect(self.set_busy)
        if session.monitor is not None:
            session.monitor.state_changed.connect(self.connection_state)
        self.state = "ok"
        self._probing = False
        self.probe_timer = QTimer(self)
        self.probe_timer.setInterval(PROBE_SECONDS * 1000)
        self.probe_timer.timeout.connect(self._probe)
        self.clear_timer = QTimer(self)
        self.clear_timer.setSingleShot(True)
        self.clear_timer.timeout.connect(lambda: self.connection_label.setText("") if self.state == "ok" else None)

    def update_user(self):
        info = self.session.info or {}
        connection = self.session.connection
        name = info.get("name") or info.get("username") or getattr(connection, "login", "") or ""
        self.user_label.setText(f"{name} · {connection.db} · {connection.url}")
        self.user_label.setToolTip(tr("User {0}, database {1}, server {2}").format(name, connection.db, connection.url))

    # -- busy ------------------------------------------------------------------------------------
    def set_busy(self, busy):
        self.busy_label.setText(tr("Waiting for the server…") if busy else "")
        self.busy_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def cancel(self):
        count = self.session.runner.cancel_pending()
        if count:
            self.bar.showMessage(tr("Stopped waiting for {0} call(s): their answers will be ignored; the server may "
                                    "still complete them.").format(count), MESSAGE_MS)

    # -- connection ------------------------------------------------------------------------------
    def connection_state(self, state, detail):
        if state == "retrying":
            self.state = "retrying"
            self._show(tr("Server unreachable — trying again in {0} s (attempt {1} of {2})").format(
                f"{detail.get('delay', 0):g}", detail.get("attempt", 1) + 1, detail.get("attempts", 1)), "#b94a00")
        elif state == "lost":
            self.state = "lost"
            self._show(tr("Connection lost — your changes are kept; checking the server every {0} s").format(
                PROBE_SECONDS), "#c0392b")
            self.probe_timer.start()
        elif state == "restored":
            self.state = "ok"
            self.probe_timer.stop()
            self._show(tr("Connection restored"), "#2e7d32")
            self.clear_timer.start(MESSAGE_MS)

    def _show(self, text, color):
        self.connection_label.setText(text)
        self.connection_label.setStyleSheet(f"color: {color}; font-weight: bold;")
        _logger.info("status: %s", text)

    def _probe(self):
        """One attempt, in a plain thread (not a call the user waits for)."""
        if self._probing or self.state == "ok":
            return
        self._probing = True
        connection = self.session.connection

        def run():
            try:
                connection.probe()
            except Exception:  # still lost: the next probe tries again
                pass
            finally:
                self._probing = False

        threading.Thread(target=run, name="bureau-probe", daemon=True).start()
