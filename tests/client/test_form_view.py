"""The form view: loading, navigation, saving with ``__last_update``, prompts, keyboard (views.md §3.6).

Against the live server: records of ``test.orm.client.doc`` made by each test, shown in a form view
of an arch written here in a tab of a real main window.
"""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, answer_next_question, close_notices, form_tab, open_notices, unique
from client_qt.qt import QMessageBox, Qt
from client_qt.views.form import FormView
from client_qt.views.registry import view_class

pytestmark = [pytest.mark.pg, pytest.mark.qt]

MODEL = "test.orm.client.doc"
ARCH = """<form string="Thing">
<header><field name="state" widget="statusbar" readonly="1"/></header>
<sheet><group><field name="name"/><field name="city"/><field name="score"/><field name="total"/></group>
</sheet></form>"""


@pytest.fixture
def docs(rpc):
    """Three records (ids in this order), named ``<tag> One/Two/Three``, all in Paris."""
    tag = unique("form view")
    return [rpc.create(MODEL, {"name": f"{tag} {name}", "city": "Paris", "score": score})
            for score, name in enumerate(("One", "Two", "Three"), 1)]


@pytest.fixture
def form_view_id(views):
    return views(MODEL, ARCH)["views"]["form"]["id"]


@pytest.fixture
def view(qtbot, window, form_view_id, docs):
    """The form view of the first record, opened from the list of the three."""
    view = form_tab(qtbot, window, MODEL, docs[0], docs, view_id=form_view_id)
    yield view
    close_notices()


def loaded(qtbot, view, record_id):
    view.activate(record_id=record_id)
    qtbot.waitUntil(lambda: view.form.record is not None and view.form.record.id == record_id, timeout=TIMEOUT)


def edit(qtbot, view, name, text):
    editor = view.form.widget(name).editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    editor.editingFinished.emit()


def calls(view, method):
    return view.session.connection.sent(method, MODEL)


def test_form_view_is_registered_for_forms():
    assert view_class("form") is FormView


def test_opening_a_record_reads_its_fields_and_write_date_and_shows_the_pager(qtbot, view, docs, rpc):
    loaded(qtbot, view, docs[1])
    read = calls(view, "read")[-1]
    assert read.args[0] == [docs[1]] and "write_date" in read.args[1] and read.context["bin_size"] is True
    assert view.form.widget("name").editor.text() == rpc.read_one(MODEL, docs[1], ["name"])["name"]
    assert view.pager.text() == "2 / 3"
    assert not view.save_button.isEnabled()


def test_next_and_previous_wrap_and_keyboard_shortcuts_navigate(qtbot, view, docs):
    loaded(qtbot, view, docs[2])
    view.next()
    qtbot.waitUntil(lambda: view.form.record.id == docs[0], timeout=TIMEOUT)
    city = view.form.widget("city").editor
    city.setFocus()
    qtbot.keyClick(city, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.form.record.id == docs[2], timeout=TIMEOUT)
    qtbot.keyClick(view.form.widget("city").editor, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.form.record.id == docs[0], timeout=TIMEOUT)
    assert view.pager.text() == "1 / 3"


def test_saving_sends_only_changes_with_the_write_date_read(qtbot, view, docs, rpc):
    read_stamp = rpc.read_one(MODEL, docs[0], ["write_date"])["write_date"]
    edit(qtbot, view, "city", "Berlin")
    assert view.form.is_modified() and view.save_button.isEnabled()
    assert "unsaved" in view.modified_label.text()
    qtbot.keyClick(view.form.widget("city").editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(calls(view, "write")), timeout=TIMEOUT)
    write = calls(view, "write")[0]
    assert write.args == [[docs[0]], {"city": "Berlin"}]
    assert write.context["__last_update"] == {f"{MODEL},{docs[0]}": read_stamp}
    qtbot.waitUntil(lambda: not view.form.is_modified(), timeout=TIMEOUT)
    stored = rpc.read_one(MODEL, docs[0], ["city", "write_date"])
    assert stored["city"] == "Berlin"
    # the form reads the record back: its write_date is the one of the write
    qtbot.waitUntil(lambda: view.form.record.values["write_date"] == stored["write_date"], timeout=TIMEOUT)


def test_a_refused_save_shows_the_error_and_keeps_the_edits(qtbot, view, docs, rpc):
    edit(qtbot, view, "score", "-4")
    results = []
    view.save(results.append)
    qtbot.waitUntil(lambda: results == [False], timeout=TIMEOUT)
    box = open_notices()[-1]
    assert box.windowTitle() == "Validation Error" and "cannot be negative" in box.text()
    assert view.form.is_modified() and view.form.record.get("score") == -4
    assert rpc.read_one(MODEL, docs[0], ["score"])["score"] == 1


def test_required_fields_block_the_save(qtbot, view):
    edit(qtbot, view, "name", "")
    qtbot.keyClick(view.form.widget("name").editor, Qt.Key.Key_Backspace)
    view.form.widget("name")._typed = True
    results = []
    view.save(results.append)
    qtbot.waitUntil(lambda: results == [False], timeout=TIMEOUT)
    assert calls(view, "write") == []
    assert "Name" in open_notices()[-1].text()


def test_leaving_a_modified_record_asks_and_cancel_stays(qtbot, view, docs):
    edit(qtbot, view, "city", "Oslo")
    answer_next_question(QMessageBox.StandardButton.Cancel)
    view.next()
    assert view.form.record.id == docs[0] and view.form.record.get("city") == "Oslo"


def test_leaving_with_discard_forgets_the_changes(qtbot, view, docs, rpc):
    edit(qtbot, view, "city", "Oslo")
    answer_next_question(QMessageBox.StandardButton.Discard)
    view.next()
    qtbot.waitUntil(lambda: view.form.record.id == docs[1], timeout=TIMEOUT)
    assert calls(view, "write") == []
    assert rpc.read_one(MODEL, docs[0], ["city"])["city"] == "Paris"


def test_leaving_with_save_saves_first(qtbot, view, docs, rpc):
    edit(qtbot, view, "city", "Oslo")
    answer_next_question(QMessageBox.StandardButton.Save)
    assert view.can_close() is True
    assert rpc.read_one(MODEL, docs[0], ["city"])["city"] == "Oslo"


def test_escape_discards_the_changes(qtbot, view):
    edit(qtbot, view, "city", "Oslo")
    qtbot.keyClick(view.form.widget("score").editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.form.record.get("city") == "Paris", timeout=TIMEOUT)
    assert not view.form.is_modified()


def test_new_record_gets_defaults_and_is_created(qtbot, view, rpc):
    defaults = rpc(MODEL, "default_get", ["city", "state", "score"])
    assert defaults["city"], "the model has a default city"
    view.form.widget("city").editor.setFocus()
    qtbot.keyClick(view.form.widget("city").editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.form.record.is_new and view.form.record.get("city") == defaults["city"],
                    timeout=TIMEOUT)
    onchange = calls(view, "onchange")[-1]
    assert onchange.args[0] == [] and onchange.args[2] == []
    assert set(onchange.args[3]) == {"name", "city", "score", "total", "state"}
    assert view.form.record.get("state") == defaults["state"]
    assert not view.form.is_modified() and view.pager.text() == "New"
    name = unique("Four")
    edit(qtbot, view, "name", name)
    view.save()
    qtbot.waitUntil(lambda: bool(calls(view, "create")), timeout=TIMEOUT)
    values = calls(view, "create")[0].args[0]
    assert values["name"] == name and values["city"] == defaults["city"]
    assert "total" not in values and "state" not in values, "read-only fields are not sent"
    qtbot.waitUntil(lambda: not view.form.record.is_new, timeout=TIMEOUT)
    rpc.created.append((MODEL, [view.form.record.id]))
    assert rpc(MODEL, "search", [["name", "=", name]]) == [view.form.record.id]
    qtbot.waitUntil(lambda: view.pager.text() == "4 / 4", timeout=TIMEOUT)


def test_duplicate_and_delete(qtbot, view, docs, rpc):
    loaded(qtbot, view, docs[1])
    original = rpc.read_one(MODEL, docs[1], ["name"])["name"]
    view.duplicate()
    qtbot.waitUntil(lambda: view.form.record.id not in docs, timeout=TIMEOUT)
    copy_id = view.form.record.id
    rpc.created.append((MODEL, [copy_id]))
    stored = rpc.read_one(MODEL, copy_id, ["name"])["name"]
    assert stored.startswith(original)
    qtbot.waitUntil(lambda: view.form.record.get("name") == stored, timeout=TIMEOUT)
    assert view.ids == [docs[0], docs[1], copy_id, docs[2]]
    answer_next_question(QMessageBox.StandardButton.Yes)
    view.delete()
    qtbot.waitUntil(lambda: view.form.record.id == docs[2], timeout=TIMEOUT)
    assert rpc(MODEL, "search", [["id", "=", copy_id]]) == [] and view.ids == docs


def test_permission_flags_disable_commands(qtbot, window, views, docs):
    arch = ARCH.replace('<form string="Thing">', '<form string="Thing" create="false" delete="0" edit="false">')
    view_id = views(MODEL, arch)["views"]["form"]["id"]
    view = form_tab(qtbot, window, MODEL, docs[0], view_id=view_id)
    assert not view.new_button.isEnabled() and not view.delete_button.isEnabled()
    assert not view.duplicate_button.isEnabled()
    assert view.form.widget("name").readonly


def test_discarding_when_leaving_the_view_restores_the_record(qtbot, view, docs):
    edit(qtbot, view, "city", "Oslo")
    answer_next_question(QMessageBox.StandardButton.Discard)
    assert view.can_close() is True
    qtbot.waitUntil(lambda: view.form.record.get("city") == "Paris", timeout=TIMEOUT)
    assert not view.form.is_modified()
    view.activate()
    assert view.form.record.id == docs[0]


def test_a_slow_reload_does_not_replace_a_newer_record(qtbot, view, docs, monkeypatch):
    """Two reads in flight: whichever answers last, only the record asked for last is shown."""
    shown = []
    set_record = view.form.set_record
    monkeypatch.setattr(view.form, "set_record", lambda record: (shown.append(record.id), set_record(record)))
    view.activate(record_id=docs[1])
    view.activate(record_id=docs[2])
    qtbot.waitUntil(lambda: not view.session.runner.pending, timeout=TIMEOUT)
    # two runner threads: the reads may go out (and come back) in either order
    assert sorted(call.args[0] for call in calls(view, "read")[-2:]) == [[docs[1]], [docs[2]]]
    assert shown == [docs[2]] and view.form.record.id == docs[2]


def test_typing_while_the_saved_record_is_read_again_loses_nothing(qtbot, views, window, docs, gate, pg, rpc_db, rpc):
    """After a save the form reads the record back; what the user types before that read answers
    stays in the form (and the next save is not taken for an edit conflict)."""
    arch = ARCH.replace('<field name="total"/>', '<field name="total"/><field name="gated_note"/>')
    view = form_tab(qtbot, window, MODEL, docs[0], docs, view_id=views(MODEL, arch)["views"]["form"]["id"])
    held = gate()
    cr = pg.cursor(rpc_db)      # the record passes the gate from now on, without a new write_date
    try:
        cr.execute("UPDATE test_orm_client_doc SET gate = %s WHERE id = %s", [held.key, docs[0]])
        cr.commit()
    finally:
        cr.close()
    edit(qtbot, view, "city", "Berlin")
    city = view.form.widget("city").editor
    qtbot.keyClick(city, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: held.waiting() == 1, timeout=TIMEOUT)     # the read after the write waits
    assert rpc.read_one(MODEL, docs[0], ["city"])["city"] == "Berlin"
    city.setFocus()
    city.end(False)
    qtbot.keyClicks(city, " Mitte")                                     # typed, not even confirmed
    held.release()
    stored = rpc.read_one(MODEL, docs[0], ["write_date"])["write_date"]
    qtbot.waitUntil(lambda: not view.loading and view.form.record.values["write_date"] == stored, timeout=TIMEOUT)
    assert view.form.record.get("gated_note") == f"read after gate {held.key}"
    assert city.text() == "Berlin Mitte" and view.form.is_modified()
    qtbot.keyClick(city, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: rpc.read_one(MODEL, docs[0], ["city"])["city"] == "Berlin Mitte", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not view.form.is_modified() and not view.loading, timeout=TIMEOUT)
    assert not open_notices()
