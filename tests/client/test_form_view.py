"""The form view: loading, navigation, saving with ``__last_update``, prompts, keyboard (views.md §3.6)."""
import pytest

from client_qt.qt import QMessageBox, Qt
from client_qt.views.form import FormView
from client_qt.views.registry import view_class
from form_fakes import (FakeServer, FakeSession, FakeTab, answer_next_question, close_notices, form_result, keep,
                        open_notices)

from form_fakes import keep_widgets_alive  # noqa: F401  (autouse)

pytestmark = pytest.mark.qt

FIELDS = {
    "name": {"type": "char", "string": "Name", "required": True},
    "city": {"type": "char", "string": "City"},
    "score": {"type": "integer", "string": "Score"},
    "total": {"type": "float", "string": "Total", "readonly": True},
    "state": {"type": "selection", "string": "State", "selection": [["draft", "Draft"], ["done", "Done"]],
              "readonly": True},
}
ARCH = """<form string="Thing">
<header><field name="state" widget="statusbar"/></header>
<sheet><group><field name="name"/><field name="city"/><field name="score"/><field name="total"/></group>
</sheet></form>"""


@pytest.fixture
def server():
    server = FakeServer()
    for record_id, name in ((1, "One"), (2, "Two"), (3, "Three")):
        server.add("x.thing", id=record_id, name=name, city="Paris", score=record_id, total=1.5, state="draft")
    server.on("x.thing", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"name": False, "city": "Lyon", "score": 0, "total": 0.0, "state": "draft"}})
    return server


@pytest.fixture
def view(qtbot, server):
    session = FakeSession(server)
    tab = FakeTab(session, "x.thing", form_result("x.thing", ARCH, FIELDS))
    view = keep(FormView(tab, ARCH, FIELDS))
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.show()
    qtbot.waitExposed(view)
    yield view
    close_notices()


def loaded(qtbot, view, record_id, ids=(1, 2, 3)):
    view.activate(record_id=record_id, ids=list(ids))
    qtbot.waitUntil(lambda: view.form.record is not None and view.form.record.id == record_id)


def edit(qtbot, view, name, text):
    editor = view.form.widget(name).editor
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    editor.editingFinished.emit()


def test_form_view_is_registered_for_forms():
    assert view_class("form") is FormView


def test_opening_a_record_reads_its_fields_and_write_date_and_shows_the_pager(qtbot, view, server):
    loaded(qtbot, view, 2)
    args, kwargs = server.last("x.thing", "read")
    assert args[0] == [2] and "write_date" in args[1] and kwargs["context"]["bin_size"] is True
    assert view.form.widget("name").editor.text() == "Two"
    assert view.pager.text() == "2 / 3"
    assert not view.save_button.isEnabled()


def test_next_and_previous_wrap_and_keyboard_shortcuts_navigate(qtbot, view):
    loaded(qtbot, view, 3)
    view.next()
    qtbot.waitUntil(lambda: view.form.record.id == 1)
    view.form.widget("city").editor.setFocus()
    qtbot.keyClick(view.form.widget("city").editor, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.form.record.id == 3)
    qtbot.keyClick(view.form.widget("city").editor, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.form.record.id == 1)
    assert view.pager.text() == "1 / 3"


def test_saving_sends_only_changes_with_the_write_date_read(qtbot, view, server):
    loaded(qtbot, view, 1)
    edit(qtbot, view, "city", "Berlin")
    assert view.form.is_modified() and view.save_button.isEnabled()
    assert "unsaved" in view.modified_label.text()
    qtbot.keyClick(view.form.widget("city").editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: server.last("x.thing", "write") is not None)
    args, kwargs = server.last("x.thing", "write")
    assert args == [[1], {"city": "Berlin"}]
    assert kwargs["context"]["__last_update"] == {"x.thing,1": "2024-01-01 10:00:00"}
    qtbot.waitUntil(lambda: not view.form.is_modified() and view.form.record.values["write_date"] ==
                    "2024-01-02 10:00:00")
    assert server.tables["x.thing"][1]["city"] == "Berlin"


def test_a_refused_save_shows_the_error_and_keeps_the_edits(qtbot, view, server):
    from client_qt.rpc.errors import ValidationError

    def refuse(ids, values, context=None):
        raise ValidationError("A document was modified by another user since you last viewed it")

    server.on("x.thing", "write", refuse)
    loaded(qtbot, view, 1)
    edit(qtbot, view, "city", "Rome")
    results = []
    view.save(results.append)
    qtbot.waitUntil(lambda: results == [False])
    box = open_notices()[-1]
    assert box.windowTitle() == "Validation Error" and "another user" in box.text()
    assert view.form.is_modified() and view.form.record.get("city") == "Rome"


def test_required_fields_block_the_save(qtbot, view, server):
    loaded(qtbot, view, 1)
    edit(qtbot, view, "name", "")
    qtbot.keyClick(view.form.widget("name").editor, Qt.Key.Key_Backspace)
    view.form.widget("name")._typed = True
    results = []
    view.save(results.append)
    qtbot.waitUntil(lambda: results == [False])
    assert server.last("x.thing", "write") is None
    assert "Name" in open_notices()[-1].text()


def test_leaving_a_modified_record_asks_and_cancel_stays(qtbot, view):
    loaded(qtbot, view, 1)
    edit(qtbot, view, "city", "Oslo")
    answer_next_question(QMessageBox.StandardButton.Cancel)
    view.next()
    assert view.form.record.id == 1 and view.form.record.get("city") == "Oslo"


def test_leaving_with_discard_forgets_the_changes(qtbot, view, server):
    loaded(qtbot, view, 1)
    edit(qtbot, view, "city", "Oslo")
    answer_next_question(QMessageBox.StandardButton.Discard)
    view.next()
    qtbot.waitUntil(lambda: view.form.record.id == 2)
    assert server.last("x.thing", "write") is None
    assert server.tables["x.thing"][1]["city"] == "Paris"


def test_leaving_with_save_saves_first(qtbot, view, server):
    loaded(qtbot, view, 1)
    edit(qtbot, view, "city", "Oslo")
    answer_next_question(QMessageBox.StandardButton.Save)
    assert view.can_close() is True
    assert server.tables["x.thing"][1]["city"] == "Oslo"


def test_escape_discards_the_changes(qtbot, view):
    loaded(qtbot, view, 1)
    edit(qtbot, view, "city", "Oslo")
    qtbot.keyClick(view.form.widget("score").editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.form.record.get("city") == "Paris")
    assert not view.form.is_modified()


def test_new_record_gets_defaults_and_is_created(qtbot, view, server):
    loaded(qtbot, view, 1)
    qtbot.keyClick(view.form.widget("city").editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.form.record.is_new and view.form.record.get("city") == "Lyon")
    args, _kwargs = server.last("x.thing", "onchange")
    assert args[0] == [] and args[2] == [] and set(args[3]) == set(FIELDS)
    assert not view.form.is_modified() and view.pager.text() == "New"
    edit(qtbot, view, "name", "Four")
    view.save()
    qtbot.waitUntil(lambda: server.last("x.thing", "create") is not None)
    values = server.last("x.thing", "create")[0][0]
    assert values["name"] == "Four" and values["city"] == "Lyon"
    assert "total" not in values and "state" not in values, "read-only fields are not sent"
    qtbot.waitUntil(lambda: not view.form.record.is_new)
    assert view.pager.text() == "4 / 4"


def test_duplicate_and_delete(qtbot, view, server):
    loaded(qtbot, view, 2)
    view.duplicate()
    qtbot.waitUntil(lambda: view.form.record.get("name") == "Two (copy)")
    copy_id = view.form.record.id
    assert view.ids == [1, 2, copy_id, 3]
    answer_next_question(QMessageBox.StandardButton.Yes)
    view.delete()
    qtbot.waitUntil(lambda: view.form.record.id == 3)
    assert copy_id not in server.tables["x.thing"] and view.ids == [1, 2, 3]


def test_permission_flags_disable_commands(qtbot, server):
    arch = ARCH.replace('<form string="Thing">', '<form string="Thing" create="false" delete="0" edit="false">')
    session = FakeSession(server)
    view = keep(FormView(FakeTab(session, "x.thing", form_result("x.thing", arch, FIELDS)), arch, FIELDS))
    qtbot.addWidget(view)
    view.activate(record_id=1, ids=[1])
    qtbot.waitUntil(lambda: view.form.record is not None)
    assert not view.new_button.isEnabled() and not view.delete_button.isEnabled()
    assert not view.duplicate_button.isEnabled()
    assert view.form.widget("name").readonly


def test_discarding_when_leaving_the_view_restores_the_record(qtbot, view):
    loaded(qtbot, view, 1)
    edit(qtbot, view, "city", "Oslo")
    answer_next_question(QMessageBox.StandardButton.Discard)
    assert view.can_close() is True
    qtbot.waitUntil(lambda: view.form.record.get("city") == "Paris")
    assert not view.form.is_modified()
    view.activate()
    assert view.form.record.id == 1


def test_a_slow_reload_does_not_replace_a_newer_record(qtbot, view, server):
    import threading
    release = threading.Event()
    original = server._read

    def slow_read(model, ids, fields=None, context=None, **kwargs):
        if ids == [1]:
            release.wait(5)
        return original(model, ids, fields, context=context, **kwargs)

    server._read = slow_read
    view.activate(record_id=1, ids=[1, 2, 3])
    view.activate(record_id=2)
    qtbot.waitUntil(lambda: view.form.record is not None and view.form.record.id == 2)
    release.set()
    qtbot.waitUntil(lambda: not view.session.runner.pending)
    assert view.form.record.id == 2
