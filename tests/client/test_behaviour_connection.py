"""A lost connection (issue 6): calls are retried with backoff and the status bar says so; when the
server is back, work continues — with a real server stopped and started again on the same port.
"""
import pytest

from behaviour_helpers import (TIMEOUT, delete_kept_widgets, form_tab, login, open_window, rpc,  # noqa: F401
                               screenshot, type_into, unique, wait_for_widget)
from client_qt.rpc.errors import ConnectionLost
from conftest import free_port, start_server

pytestmark = [pytest.mark.pg, pytest.mark.qt]


@pytest.fixture
def own_server(pg, rpc_db):
    """A server of ``rpc_db`` on a fixed port: ``server["restart"]()`` starts it again there."""
    port = free_port()
    state = {"server": start_server(pg, port=port), "port": port}

    def restart():
        state["server"] = start_server(pg, port=port)
        return state["server"]

    state["restart"] = restart
    yield state
    state["server"].stop()


def states_of(session):
    seen = []
    session.monitor.state_changed.connect(lambda state, detail: seen.append((state, detail)))
    return seen


def test_a_save_while_the_server_restarts_is_retried_and_goes_through(qtbot, own_server, rpc_db):
    session = login(own_server["server"].url, rpc_db)
    try:
        partner_id = rpc(session, "res.partner", "create", {"name": unique("Offline"), "city": "Mons"})
        window = open_window(qtbot, session)
        view = form_tab(qtbot, window, "res.partner", partner_id)
        seen = states_of(session)
        type_into(qtbot, view.form.widget("city").editor, "Charleroi")
        own_server["server"].stop()

        outcome = []
        view.save(outcome.append)
        qtbot.waitUntil(lambda: any(state == "retrying" for state, _ in seen), timeout=TIMEOUT)
        label = window.status.connection_label
        assert "Server unreachable" in label.text() and "trying again" in label.text()
        screenshot(window.statusBar(), "behaviour_connection_retrying")
        assert outcome == [] and view.form.is_modified()

        own_server["restart"]()                  # same port, same database
        qtbot.waitUntil(lambda: outcome == [True], timeout=30000)
        assert seen[-1][0] == "restored" and label.text() == "Connection restored"
        attempts = [detail["attempt"] for state, detail in seen if state == "retrying"]
        assert attempts == list(range(1, len(attempts) + 1))
        delays = [detail["delay"] for state, detail in seen if state == "retrying"]
        assert delays == sorted(delays) and len(set(delays)) == len(delays), "backoff grows"
        assert rpc(session, "res.partner", "read", [partner_id], ["city"])[0]["city"] == "Charleroi"
        assert not view.form.is_modified()
    finally:
        session.runner.cancel_all()
        session.runner.wait()


def test_after_the_retries_the_loss_is_reported_and_a_probe_sees_the_server_back(qtbot, own_server, rpc_db):
    session = login(own_server["server"].url, rpc_db)
    session.connection.backoff = (0.1, 0.2)      # three attempts, quickly
    try:
        window = open_window(qtbot, session)
        window.status.probe_timer.setInterval(200)
        seen = states_of(session)
        own_server["server"].stop()
        errors = []
        session.call("res.partner", "search_count", [], on_error=errors.append)
        qtbot.waitUntil(lambda: bool(errors), timeout=TIMEOUT)
        assert isinstance(errors[0], ConnectionLost) and "Cannot reach the server" in str(errors[0])
        assert [state for state, _ in seen] == ["retrying", "retrying", "lost"]
        assert "Connection lost" in window.status.connection_label.text()
        screenshot(window.statusBar(), "behaviour_connection_lost")
        box = window.show_error(errors[0])
        assert box.windowTitle() == "Connection Lost" and "changes are kept" in box.informativeText()
        box.close()

        own_server["restart"]()
        qtbot.waitUntil(lambda: seen[-1][0] == "restored", timeout=TIMEOUT)
        assert window.status.connection_label.text() == "Connection restored"
        counted = []
        session.call("res.partner", "search_count", [], on_result=counted.append)
        qtbot.waitUntil(lambda: bool(counted), timeout=TIMEOUT)
    finally:
        session.runner.cancel_all()
        session.runner.wait()
