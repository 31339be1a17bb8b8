"""The status bar names user, database and server; ``bureau demo`` starts the desktop client logged in
(issue 6).

The client is started exactly as ``bureau demo`` starts it (``bureau.cli.client.client_command`` with
``--password-stdin``, the password written on its standard input) and must reach its main window
without showing the login dialog. The slow test runs ``bureau demo`` itself.
"""
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from behaviour_helpers import admin_session, delete_kept_widgets, open_window  # noqa: F401
from conftest import ROOT, RPC_ADMIN_PASSWORD, free_port

pytestmark = [pytest.mark.pg, pytest.mark.qt]


def test_status_bar_shows_user_database_and_server(qtbot, admin_session, live_server, rpc_db):
    window = open_window(qtbot, admin_session)
    text = window.status.user_label.text()
    assert text == f"Administrator · {rpc_db} · {live_server.url}"
    assert window.user_menu.title() == "Administrator"
    assert window.windowTitle() == f"Bureau — {rpc_db}"


def read_until(process, marker, timeout):
    """Lines of ``process`` (stdout and stderr merged) up to the one holding ``marker``."""
    lines = []
    found = threading.Event()

    def read():
        for line in process.stdout:
            lines.append(line)
            if marker in line:
                found.set()
                return
    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not found.is_set() and process.poll() is None:
        found.wait(0.2)
    return found.is_set(), "".join(lines)


def client_env(tmp_path):
    return dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
                BUREAU_CLIENT_DATA_DIR=str(tmp_path / "client-data"))


def stop_group(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_the_client_started_as_the_demo_starts_it_logs_in_without_the_login_dialog(live_server, rpc_db, tmp_path):
    from bureau.cli.client import client_command
    command = client_command(live_server.url, rpc_db, "admin", password_stdin=True)
    assert command[1:3] == ["-m", "client_qt"] and "--password-stdin" in command
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=client_env(tmp_path), start_new_session=True)
    try:
        process.stdin.write(RPC_ADMIN_PASSWORD + "\n")
        process.stdin.close()
        found, output = read_until(process, "main window shown", 60)
        assert found, output
        assert f"main window shown: {rpc_db} on {live_server.url} as admin" in output
        assert "journal of unsaved edits: " + str(tmp_path / "client-data" / "journal") in output
        assert RPC_ADMIN_PASSWORD not in output
    finally:
        stop_group(process)


def test_a_wrong_password_on_stdin_falls_back_to_the_login_dialog(live_server, rpc_db, tmp_path):
    from bureau.cli.client import client_command
    process = subprocess.Popen(client_command(live_server.url, rpc_db, "admin", password_stdin=True),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=client_env(tmp_path), start_new_session=True)
    try:
        process.stdin.write("wrong password\n")
        process.stdin.close()
        found, output = read_until(process, "login of admin", 60)
        assert found and "failed: Access Denied" in output, output
        time.sleep(1)
        assert process.poll() is None, "the client waits in its login dialog instead of exiting\n" + output
    finally:
        stop_group(process)


@pytest.mark.slow
def test_bureau_demo_starts_the_client_logged_in(pg, tmp_path):
    """``bureau demo`` end to end: database created, served, client logged in as admin."""
    from bureau.orm.registry import Registry
    if pg.exists("demo"):
        Registry.delete("demo")
        pg.drop_database("demo")
    port = free_port()
    command = [sys.executable, "-m", "bureau", "--db-uri", pg.uri, "--data-dir", str(tmp_path / "data"),
               "demo", "--http-port", str(port)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=client_env(tmp_path), start_new_session=True)
    try:
        found, output = read_until(process, "main window shown", 600)
        assert found, output
        assert f"main window shown: demo on http://127.0.0.1:{port} as admin" in output
        assert "did not start" not in output
    finally:
        stop_group(process)
        Registry.delete("demo")
        if pg.exists("demo"):
            pg.drop_database("demo")
