"""Edit conflicts between two client sessions (issue 6, orm.md TRX-7): the second save of a record
changed meanwhile opens a dialog with, per field, yours / theirs / the original, and Reload, Overwrite,
Merge or Cancel; nothing is lost whichever is chosen.

Two real sessions of ``admin`` (two logins, two main windows) edit one contact on the live server.
The server compares write dates to the second, so the other session saves in a later second than
the first one read the record.
"""
import datetime

import pytest

from behaviour_helpers import (TIMEOUT, admin_session, delete_kept_widgets, form_tab, journal_dir, login,  # noqa: F401
                               open_window, rpc, screenshot, type_into, unique, wait_for_widget)

pytestmark = [pytest.mark.pg, pytest.mark.qt]


@pytest.fixture
def other_session(qapp, live_server, rpc_db):
    session = login(live_server.url, rpc_db)
    yield session
    session.runner.cancel_all()
    session.runner.wait()


def after_second_of(qtbot, stamp):
    """Wait until the clock is past the second of ``stamp`` (``write_date`` has whole seconds)."""
    moment = datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S") + datetime.timedelta(seconds=1)
    qtbot.waitUntil(lambda: datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) >= moment,
                    timeout=5000)


def save(qtbot, view):
    outcome = []
    view.save(outcome.append)
    return outcome


def two_forms(qtbot, admin_session, other_session, values):
    partner_id = rpc(admin_session, "res.partner", "create", dict(values, name=unique("Conflict")))
    mine = form_tab(qtbot, open_window(qtbot, admin_session), "res.partner", partner_id)
    theirs = form_tab(qtbot, open_window(qtbot, other_session), "res.partner", partner_id)
    return partner_id, mine, theirs


def they_save(qtbot, theirs, mine, **typed):
    after_second_of(qtbot, mine.form.record.values["write_date"])
    for name, text in typed.items():
        type_into(qtbot, theirs.form.widget(name).editor, text)
    outcome = save(qtbot, theirs)
    qtbot.waitUntil(lambda: outcome == [True], timeout=TIMEOUT)


def table(dialog):
    rows = {}
    for row in range(dialog.table.rowCount()):
        label = dialog.table.item(row, 0).text()
        rows[label] = tuple(dialog.table.item(row, column).text() for column in (1, 2, 3)) + \
            (dialog.table.cellWidget(row, 4).currentData(),)
    return rows


def test_overwrite_writes_my_fields_and_keeps_their_other_changes(qtbot, admin_session, other_session):
    partner_id, mine, theirs = two_forms(qtbot, admin_session, other_session, {"city": "Mons", "phone": "010"})
    type_into(qtbot, mine.form.widget("city").editor, "Mine City")
    they_save(qtbot, theirs, mine, city="Their City", phone="0499")

    outcome = save(qtbot, mine)
    dialog = wait_for_widget(qtbot, "conflict_dialog")
    assert table(dialog) == {"City": ("Mons", "Mine City", "Their City", "mine"),
                             "Phone": ("010", "010", "0499", "theirs")}
    assert "Administrator" in dialog.message.text() and "nothing is lost" in dialog.message.text()
    screenshot(dialog, "behaviour_conflict")
    assert outcome == [] and rpc(admin_session, "res.partner", "read", [partner_id], ["city"])[0]["city"] == "Their City"
    dialog.overwrite_button.click()
    qtbot.waitUntil(lambda: outcome == [True], timeout=TIMEOUT)
    saved = rpc(admin_session, "res.partner", "read", [partner_id], ["city", "phone"])[0]
    assert saved["city"] == "Mine City" and saved["phone"] == "0499"
    qtbot.waitUntil(lambda: mine.form.record.get("phone") == "0499" and not mine.form.is_modified(), timeout=TIMEOUT)


def test_merge_takes_each_field_as_chosen(qtbot, admin_session, other_session):
    partner_id, mine, theirs = two_forms(qtbot, admin_session, other_session,
                                         {"city": "Huy", "street": "Old 1", "zip": "4500"})
    type_into(qtbot, mine.form.widget("city").editor, "Mine City")
    type_into(qtbot, mine.form.widget("street").editor, "Mine Street")
    they_save(qtbot, theirs, mine, city="Their City", street="Their Street", zip="4501")

    outcome = save(qtbot, mine)
    dialog = wait_for_widget(qtbot, "conflict_dialog")
    assert set(table(dialog)) == {"City", "Street", "Zip"}
    dialog.set_choice("city", "theirs")
    dialog.set_choice("zip", "mine")            # their zip goes back to the one both saw
    dialog.merge_button.click()
    qtbot.waitUntil(lambda: outcome == [True], timeout=TIMEOUT)
    saved = rpc(admin_session, "res.partner", "read", [partner_id], ["city", "street", "zip"])[0]
    assert (saved["city"], saved["street"], saved["zip"]) == ("Their City", "Mine Street", "4500")


def test_cancel_keeps_editing_and_reload_sets_my_values_aside(qtbot, admin_session, other_session, journal_dir):
    from client_qt.app import attach_journal
    journal = attach_journal(admin_session)
    partner_id, mine, theirs = two_forms(qtbot, admin_session, other_session, {"city": "Spa"})
    type_into(qtbot, mine.form.widget("city").editor, "Mine City")
    they_save(qtbot, theirs, mine, city="Their City")

    outcome = save(qtbot, mine)
    dialog = wait_for_widget(qtbot, "conflict_dialog")
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: outcome == [False], timeout=TIMEOUT)
    assert mine.form.is_modified() and mine.form.widget("city").editor.text() == "Mine City"

    outcome = save(qtbot, mine)
    qtbot.waitUntil(lambda: getattr(mine.form, "conflict_dialog", None) is not None, timeout=TIMEOUT)
    dialog = mine.form.conflict_dialog
    dialog.reload_button.click()
    qtbot.waitUntil(lambda: outcome == [False], timeout=TIMEOUT)
    assert mine.form.record.get("city") == "Their City" and not mine.form.is_modified()
    assert rpc(admin_session, "res.partner", "read", [partner_id], ["city"])[0]["city"] == "Their City"
    [aside] = [entry for entry in journal.recoverable() if entry["id"] == partner_id]
    assert aside["set_aside"] is True and aside["fields"]["city"]["value"] == "Mine City"
    # and the form, once reloaded, is an ordinary form again: a later edit saves without a conflict
    type_into(qtbot, mine.form.widget("city").editor, "Final City")
    outcome = save(qtbot, mine)
    qtbot.waitUntil(lambda: outcome == [True], timeout=TIMEOUT)
    assert rpc(admin_session, "res.partner", "read", [partner_id], ["city"])[0]["city"] == "Final City"
    journal.close()
