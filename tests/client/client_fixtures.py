"""Fixtures of the desktop client tests (pytest-qt, offscreen); test modules import them by name
(``from client_fixtures import replay_session``) since only the root conftest may be called so.

* ``replay_session(name)``: a client :class:`~client_qt.session.Session` whose calls are answered from
  ``tests/fixtures/client/<name>.json`` (recorded replies, STYLE.md §9). With
  ``BUREAU_RECORD_CLIENT=1`` the same tests run against the live server instead and write the
  recordings again.
* ``live_session``: a Session logged into ``rpc_db`` on ``live_server`` as admin.
"""
import os

import pytest

from client_qt.session import Session
from conftest import RPC_ADMIN_PASSWORD
from replay import RecordingConnection, ReplayConnection

RECORD = os.environ.get("BUREAU_RECORD_CLIENT") == "1"


def _login(url, db):
    """A client Session logged in as admin through the web session routes."""
    return Session.login(url, db, "admin", RPC_ADMIN_PASSWORD)


def _close(session):
    session.runner.cancel_all()
    session.runner.wait()


@pytest.fixture
def live_session(qapp, live_server, rpc_db):
    session = _login(live_server.url, rpc_db)
    yield session
    _close(session)


@pytest.fixture
def replay_session(qapp, request):
    """``replay_session(name, setup=None)``: a Session answering from a recording (or recording it)."""
    sessions = []

    def make(name, setup=None):
        if RECORD:
            live = _login(request.getfixturevalue("live_server").url, request.getfixturevalue("rpc_db"))
            if setup is not None:
                setup(live.connection)
            # the replayed session's time zone, so that recordings and replays show the same times
            live.connection.session_info.setdefault("user_context", {})["tz"] = "Europe/Brussels"
            connection = RecordingConnection(live.connection, name)
            session = Session(connection, live.runner)
        else:
            session = Session(ReplayConnection(name))
        sessions.append(session)
        return session

    failed_before = request.session.testsfailed
    yield make
    for session in sessions:
        _close(session)
        if RECORD and request.session.testsfailed == failed_before:
            session.connection.save()
