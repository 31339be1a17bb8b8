"""Nothing typed is ever lost (issue 6): unsaved edits are journaled as they are typed; after the
client is killed (SIGKILL) the next start offers them back, and Restore opens the form with the
values applied, not saved.

The client runs in its own process (``tests/client/behaviour_driver.py``: the real client started as
``python -m client_qt --password-stdin``, then driven with key presses), so the kill is a real one.
"""
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from behaviour_helpers import (SCREENSHOTS, admin_session, delete_kept_widgets, rpc, unique)  # noqa: F401
from client_qt.models.journal import Journal, journalable, profile_name
from conftest import RPC_ADMIN_PASSWORD

pytestmark = [pytest.mark.pg, pytest.mark.qt]

DRIVER = Path(__file__).with_name("behaviour_driver.py")
ROOT = Path(__file__).resolve().parents[2]
CITY, STREET = "Typed City", "Half-typed street"


class Client:
    """The driven client process; ``lines`` collects its standard output."""

    def __init__(self, args, url, db, data_dir, extra_env=None):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BUREAU_CLIENT_DATA_DIR=str(data_dir),
                   PYTHONPATH=str(ROOT), **(extra_env or {}))
        self.process = subprocess.Popen([sys.executable, str(DRIVER), *args, "--url", url, "--db", db,
                                         "--login", "admin"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
        self.process.stdin.write(RPC_ADMIN_PASSWORD + "\n")
        self.process.stdin.close()
        self.lines = []
        self.stderr = []
        self.event = threading.Condition()
        threading.Thread(target=self._read, args=(self.process.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self.stderr), daemon=True).start()

    def _read(self, stream, into):
        for line in stream:
            with self.event:
                into.append(line.rstrip("\n"))
                self.event.notify_all()

    def wait_line(self, prefix, timeout=60):
        def found():
            return next((line for line in self.lines if line.startswith(prefix)), None)
        with self.event:
            self.event.wait_for(lambda: found() is not None or self.process.poll() is not None, timeout)
        line = found()
        assert line is not None, f"no {prefix!r} line; stdout={self.lines}\nstderr:\n" + "\n".join(self.stderr[-40:])
        return line[len(prefix):].strip()

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        return self.process.wait(30)


def test_a_killed_client_offers_its_typed_edits_back_at_the_next_start(qtbot, admin_session, live_server, rpc_db,
                                                                       tmp_path):
    name = unique("Journal")
    partner_id = rpc(admin_session, "res.partner", "create", {"name": name, "city": "Old City",
                                                               "street": "Old Street"})
    data_dir = tmp_path / "client-data"

    first = Client(["edit", str(partner_id)], live_server.url, rpc_db, data_dir)
    try:
        journal_path = Path(first.wait_line("READY"))
    finally:
        code = first.kill()
    assert code == -signal.SIGKILL
    assert journal_path.parent == data_dir / "journal"
    assert journal_path.name == profile_name(live_server.url, rpc_db, "admin") + ".jsonl"
    written = [json.loads(line) for line in journal_path.read_text().splitlines()]
    entry = [line for line in written if line["op"] == "set"][-1]
    assert entry["model"] == "res.partner" and entry["id"] == partner_id and entry["title"] == name
    assert entry["fields"]["city"]["value"] == CITY
    assert entry["fields"]["street"]["text"] == STREET      # typed, not confirmed: kept as typed text
    assert oct(journal_path.stat().st_mode & 0o777) == "0o600"
    # nothing was saved
    saved = rpc(admin_session, "res.partner", "read", [partner_id], ["city", "street"])[0]
    assert saved == {"id": partner_id, "city": "Old City", "street": "Old Street"}

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    second = Client(["restore"], live_server.url, rpc_db, data_dir, extra_env={
        "DRIVER_SCREENSHOT": str(SCREENSHOTS / "behaviour_journal_restored.png"),
        "DRIVER_SCREENSHOT_OFFER": str(SCREENSHOTS / "behaviour_journal_offer.png")})
    try:
        offer = json.loads(second.wait_line("OFFER"))
        form = json.loads(second.wait_line("FORM"))
    finally:
        second.kill()
    [record] = [item for item in offer if item["record"].startswith(name)]
    assert "res.partner" in record["record"] and f"#{partner_id}" in record["record"]
    assert record["fields"] == {"City": CITY, "Street": STREET}
    assert form["id"] == partner_id and form["city"] == CITY and form["street"] == STREET
    assert form["modified"] is True and form["save_enabled"] is True
    assert set(form["dirty"]) >= {"city", "street"}
    # restoring saves nothing by itself
    saved = rpc(admin_session, "res.partner", "read", [partner_id], ["city", "street"])[0]
    assert saved["city"] == "Old City" and saved["street"] == "Old Street"
    # the recovered entry left the journal (the restored form, killed modified, wrote its own)
    journal = Journal(data_dir / "journal", profile_name(live_server.url, rpc_db, "admin"))
    left = journal.recoverable()
    assert entry["key"] not in [item["key"] for item in left]
    assert [item["fields"]["city"]["value"] for item in left if item["id"] == partner_id] == [CITY]


def test_saving_or_discarding_clears_the_journal_and_a_clean_exit_leaves_nothing(tmp_path):
    """The journal file itself: set/clear lines, live instances not offered, set-aside entries
    offered, a line cut by a crash skipped."""
    directory = tmp_path / "journal"
    first = Journal(directory, "profile").start()
    key = first.new_key()
    first.set(key, {"model": "res.partner", "id": 7, "title": "Seven", "fields": {"city": {"value": "A"}}})
    first.set(key, {"model": "res.partner", "id": 7, "title": "Seven", "fields": {"city": {"value": "AB"}}})
    other = Journal(directory, "profile").start()
    assert other.recoverable() == [], "a running client's edits are not offered to another one"
    saved = first.new_key()
    first.set(saved, {"model": "res.partner", "id": 8, "title": "Eight", "fields": {"city": {"value": "B"}}})
    first.clear(saved)
    # the first client dies without closing: its lock is released by the OS (here: closed)
    first._alive.close()
    first._alive = None
    [entry] = other.recoverable()
    assert entry["id"] == 7 and entry["fields"]["city"]["value"] == "AB"
    with open(other.path, "a") as handle:
        handle.write('{"op": "set", "key": "cut-in-the-mid')
    assert [e["id"] for e in other.recoverable()] == [7]
    other.set_aside({"model": "res.partner", "id": 9, "title": "Nine", "fields": {"city": {"value": "C"}}})
    assert sorted(e["id"] for e in other.recoverable()) == [7, 9]
    other.forget(other.recoverable())
    assert other.recoverable() == []
    mine = other.new_key()
    other.set(mine, {"model": "res.partner", "id": 10, "title": "Ten", "fields": {}})
    other.close()
    assert Journal(directory, "profile").entries() == []


def test_passwords_and_file_contents_are_never_journaled():
    assert not journalable("password", {"type": "char"})
    assert not journalable("new_passwd", {"type": "char"})
    assert not journalable("api_key", {"type": "char"})
    assert not journalable("pin", {"type": "char"}, {"password": "1"})
    assert not journalable("image_1920", {"type": "binary"})
    assert journalable("city", {"type": "char"})
