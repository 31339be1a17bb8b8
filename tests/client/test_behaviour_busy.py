"""Calls run off the GUI thread; a busy indicator after ~200 ms; the user can stop waiting (issue 6).

A call made slow on purpose (``test.orm.rpc.rpc_wait_lock`` waits for an advisory lock the test
holds) shows the indicator and its Cancel button; Cancel tells the caller at once, the answer that
comes later is dropped, and other calls are not held up by the abandoned one.
"""
import time

import pytest

from behaviour_helpers import (TIMEOUT, admin_session, delete_kept_widgets, form_tab, lock, open_window,  # noqa: F401
                               rpc, screenshot, type_into, unique)
from client_qt.rpc.errors import Cancelled
from client_qt.rpc.runner import BUSY_DELAY_MS

pytestmark = [pytest.mark.pg, pytest.mark.qt]


def test_busy_indicator_appears_after_a_moment_and_cancel_drops_the_answer(qtbot, admin_session, lock):
    window = open_window(qtbot, admin_session)
    status = window.status
    held = lock()
    results, errors = [], []
    started = time.monotonic()
    job = admin_session.call("test.orm.rpc", "rpc_wait_lock", held.key, "late answer",
                             on_result=results.append, on_error=errors.append)
    assert not status.busy_bar.isVisible(), "no indicator for calls shorter than the delay"
    qtbot.waitUntil(lambda: held.waiting() == 1, timeout=TIMEOUT)
    qtbot.waitUntil(status.cancel_button.isVisible, timeout=TIMEOUT)
    assert time.monotonic() - started >= BUSY_DELAY_MS / 1000 * 0.9
    assert status.busy_bar.isVisible() and "Waiting for the server" in status.busy_label.text()
    assert "answer will be ignored" in status.cancel_button.toolTip()
    screenshot(window, "behaviour_busy")

    # the GUI thread is free and another call is not queued behind the slow one
    other = []
    admin_session.call("res.partner", "search_count", [], on_result=other.append)
    qtbot.waitUntil(lambda: bool(other), timeout=TIMEOUT)
    assert job.started and not job.done

    status.cancel_button.click()
    assert len(errors) == 1 and isinstance(errors[0], Cancelled)
    assert "may still complete" in str(errors[0])
    assert not status.busy_bar.isVisible() and not status.cancel_button.isVisible()
    assert "ignored" in window.statusBar().currentMessage()

    # the server answers later: the answer is dropped, nothing is delivered twice
    held.release()
    qtbot.waitUntil(lambda: job.done, timeout=TIMEOUT)
    assert job.result == "late answer"
    qtbot.wait(50)
    assert results == [] and len(errors) == 1

    after = []
    admin_session.call("res.partner", "search_count", [], on_result=after.append)
    qtbot.waitUntil(lambda: bool(after), timeout=TIMEOUT)


def test_cancelling_a_save_that_waits_keeps_the_edits_in_the_form(qtbot, admin_session, pg, rpc_db):
    """A write held up by a row lock: Cancel ends the wait, the save is reported failed, nothing
    typed is lost, and saving again once the lock is gone works."""
    partner_id = rpc(admin_session, "res.partner", "create", {"name": unique("Busy"), "city": "Gent"})
    window = open_window(qtbot, admin_session)
    view = form_tab(qtbot, window, "res.partner", partner_id)
    type_into(qtbot, view.form.widget("city").editor, "Brugge")
    blocker = pg.cursor(rpc_db)
    blocker.execute("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [partner_id])
    try:
        outcome = []
        view.save(outcome.append)
        qtbot.waitUntil(window.status.cancel_button.isVisible, timeout=TIMEOUT)
        window.status.cancel_button.click()
        qtbot.waitUntil(lambda: outcome == [False], timeout=TIMEOUT)
        assert view.form.is_modified() and view.form.record.get("city") == "Brugge"
        assert view.form.widget("city").editor.text() == "Brugge"
    finally:
        blocker.rollback()
        blocker.close()
    # the abandoned write still went through once the lock was released (the server did it) ...
    qtbot.waitUntil(lambda: rpc(admin_session, "res.partner", "read", [partner_id], ["city"])[0]["city"] == "Brugge",
                    timeout=TIMEOUT)
    # ... so saving again finds the record changed since it was read, with the form's own values:
    # nothing to decide, the save completes without a conflict dialog
    outcome = []
    view.save(outcome.append)
    qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
    assert outcome == [True] and not view.form.is_modified()
    assert getattr(view.form, "conflict_dialog", None) is None
