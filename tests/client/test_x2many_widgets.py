"""One2many / many2many in forms: embedded lists, line dialogs, in-place editing, tags (views.md §3.5)."""
import pytest

from client_qt.models.record import Record
from client_qt.qt import QDialog
from client_qt.views.form.values import write_values
from form_fakes import FakeServer, FakeSession, close_notices, make_form, recorded_views

from form_fakes import keep_widgets_alive  # noqa: F401  (autouse)

pytestmark = pytest.mark.qt

VIEWS = recorded_views("test_orm_order")
FIELDS = VIEWS["models"]["test.orm.order"]["fields"]
LINE_FIELDS = VIEWS["models"]["test.orm.order.line"]["fields"]


@pytest.fixture
def server():
    server = FakeServer()
    server.add("test.orm.order", id=1, name="SO1", partner_id=False, line_ids=[11, 12], tag_ids=[21], total=30.0,
               state="draft", child_ids=[], parent_id=False, discount=0.0)
    server.add("test.orm.order.line", id=11, name="Chair", price=10.0, quantity=1.0, subtotal=10.0,
               order_id=[1, "SO1"], sequence=10)
    server.add("test.orm.order.line", id=12, name="Desk", price=20.0, quantity=1.0, subtotal=20.0,
               order_id=[1, "SO1"], sequence=20)
    for record_id, name in ((21, "urgent"), (22, "export"), (23, "vip")):
        server.add("test.orm.tag", id=record_id, name=name, color=record_id % 12)
    return server


def order_form(qtbot, server, arch=None, models=None):
    session = FakeSession(server)
    session.views["test.orm.tag"] = {"views": {"list": {"arch": "<list><field name='name'/></list>"}},
                                     "models": {"test.orm.tag": {"fields": {"name": {"type": "char",
                                                                                     "string": "Name"}}}}}
    form = make_form(session, "test.orm.order", arch or VIEWS["views"]["form"]["arch"], FIELDS,
                     models=models or VIEWS["models"])
    form.set_record(Record("test.orm.order", FIELDS, dict(server.tables["test.orm.order"][1])))
    qtbot.addWidget(form)
    form.resize(900, 800)
    form.show()
    qtbot.waitExposed(form)
    return form


@pytest.fixture
def form(qtbot, server):
    yield order_form(qtbot, server)
    close_notices()


def line_dialog(qtbot, widget):
    qtbot.waitUntil(lambda: getattr(widget, "dialog", None) is not None and widget.dialog.isVisible())
    return widget.dialog


def test_lines_are_read_lazily_and_shown_with_the_inline_list_columns(qtbot, form, server):
    table = form.widget("line_ids").list
    qtbot.waitUntil(lambda: table.row_texts() == [["Chair"], ["Desk"]])
    args, kwargs = server.last("test.orm.order.line", "read")
    assert args[0] == [11, 12] and "price" in args[1]
    assert table.table.horizontalHeaderItem(0).text() == "Name"


def test_clicking_a_line_opens_its_form_and_save_keeps_the_change_client_side(qtbot, form, server):
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]])
    widget.list._clicked(1, 0)
    dialog = line_dialog(qtbot, widget)
    assert dialog.form.record.get("name") == "Desk"
    price = dialog.form.widget("price")
    price.editor.setFocus()
    price.editor.selectAll()
    qtbot.keyClicks(price.editor, "25")
    dialog.buttons["save_close"].click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert server.last("test.orm.order", "write") is None
    assert form.is_modified()
    assert write_values(form.record)["line_ids"] == [(1, 12, {"price": 25.0})]


def test_discarding_the_line_dialog_restores_the_line(qtbot, form):
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]])
    widget.open_line(11)
    dialog = line_dialog(qtbot, widget)
    name = dialog.form.widget("name")
    name.editor.setText("Sofa")
    name._typed = True
    name.commit_pending()
    assert dialog.form.record.get("name") == "Sofa"
    dialog.buttons["discard"].click()
    line = form.record.lines["line_ids"].records[11]
    assert line.get("name") == "Chair" and not line.is_dirty()
    assert not form.is_modified()


def test_add_a_line_opens_an_empty_form_with_defaults_and_saves_as_create_command(qtbot, form, server):
    server.on("test.orm.order.line", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"quantity": 1.0, "sequence": 10}})
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]])
    add = widget.list.add_buttons[0]
    assert add.text() == "Add a line"
    add.click()
    dialog = line_dialog(qtbot, widget)
    qtbot.waitUntil(lambda: dialog.form.record.get("quantity") == 1.0)
    ids, values, names, spec = server.last("test.orm.order.line", "onchange")[0]
    assert names == [] and values["order_id"]["id"] == 1 and values["order_id"]["name"] == "SO1"
    name = dialog.form.widget("name")
    name.editor.setFocus()
    qtbot.keyClicks(name.editor, "Lamp")
    dialog.buttons["save_close"].click()
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"], ["Lamp"]])
    commands = write_values(form.record)["line_ids"]
    assert commands[0][:2] == (0, 0)
    assert commands[0][2]["name"] == "Lamp" and commands[0][2]["quantity"] == 1.0
    assert "order_id" not in commands[0][2] and "subtotal" not in commands[0][2]


def test_removing_a_line_deletes_it_when_the_parent_is_saved(qtbot, form):
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]])
    remove = widget.list.table.cellWidget(0, len(widget.list.columns))
    remove.click()
    assert widget.list.row_texts() == [["Desk"]]
    assert write_values(form.record)["line_ids"] == [(2, 11, 0)]


def test_readonly_x2many_hides_add_and_remove(qtbot, server):
    arch = VIEWS["views"]["form"]["arch"].replace('<field name="line_ids" on_change="1">',
                                                  '<field name="line_ids" on_change="1" readonly="1">')
    form = order_form(qtbot, server, arch=arch)
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]])
    assert not widget.list.add_buttons[0].isVisible()
    assert widget.list.table.cellWidget(0, len(widget.list.columns)) is None


EDITABLE = """<form><sheet><group><field name="name"/><field name="state"/></group>
<field name="line_ids">
  <list editable="bottom" limit="2">
    <field name="name"/>
    <field name="price" readonly="parent.state == 'confirmed'"/>
    <field name="quantity" column_invisible="parent.state == 'confirmed'"/>
    <field name="sequence" invisible="price > 15"/>
  </list>
</field></sheet></form>"""


def test_editable_list_edits_rows_in_place_with_parent_modifiers(qtbot, server):
    server.add("test.orm.order.line", id=13, name="Shelf", price=5.0, quantity=2.0, subtotal=10.0,
               order_id=[1, "SO1"], sequence=30)
    server.tables["test.orm.order"][1]["line_ids"] = [11, 12, 13]
    form = order_form(qtbot, server, arch=EDITABLE)
    table = form.widget("line_ids").list
    qtbot.waitUntil(lambda: table.row_texts() == [["Chair", "10.00", "1.00", "10"], ["Desk", "20.00", "1.00", ""]])
    assert table.pager.isVisible() and table.pager.text() == "1-2 / 3"
    table.turn(1)
    qtbot.waitUntil(lambda: table.row_texts() == [["Shelf", "5.00", "2.00", "30"]])
    table.turn(-1)
    host = table.start_edit(11)
    price = host.widgets["price"]
    price.editor.setFocus()
    price.editor.selectAll()
    qtbot.keyClicks(price.editor, "16")
    price.editor.editingFinished.emit()
    assert not host.widgets["sequence"].isVisible(), "per-row invisible follows the new price"
    table.stop_edit()
    assert table.row_texts()[0] == ["Chair", "16.00", "1.00", ""]
    assert write_values(form.record)["line_ids"] == [(1, 11, {"price": 16.0})]
    form.record.set("state", "confirmed")
    qtbot.waitUntil(lambda: table.table.isColumnHidden(2))
    host = table.start_edit(12)
    assert host.widgets["price"].readonly


def test_editable_list_adds_a_line_in_place(qtbot, server):
    server.on("test.orm.order.line", "onchange", lambda ids, values, names, spec, context=None: {
        "value": {"quantity": 1.0, "sequence": 99}})
    form = order_form(qtbot, server, arch=EDITABLE)
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: len(widget.list.row_texts()) == 2)
    widget.list.add_buttons[0].click()
    host = widget.list.editing[1]
    qtbot.waitUntil(lambda: host.record.get("sequence") == 99)
    name = host.widgets["name"]
    qtbot.keyClicks(name.editor, "Stool")
    widget.commit_pending()
    assert widget.list.editing is None
    commands = write_values(form.record)["line_ids"]
    assert commands[-1][:2] == (0, 0)
    assert {k: commands[-1][2][k] for k in ("name", "quantity", "sequence")} == \
        {"name": "Stool", "quantity": 1.0, "sequence": 99}
    assert "order_id" not in commands[-1][2]
    assert widget.list.row_texts()[-1][:3] == ["Stool", "", "1.00"]


def test_many2many_adds_with_a_multi_select_dialog_and_removes_by_unlinking(qtbot, form, server):
    widget = form.widget("tag_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["urgent"]])
    assert widget.list.add_buttons[0].text() == "Add"
    dialog = widget.add_line()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    assert server.last("test.orm.tag", "name_search")[1]["domain"][-1] == ["id", "not in", [21]]
    dialog.select_rows([0, 1])
    dialog.accept_selection()
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["urgent"], ["export"], ["vip"]])
    widget.list.table.cellWidget(0, len(widget.list.columns)).click()
    assert write_values(form.record)["tag_ids"] == [(3, 21, 0), (4, 22, 0), (4, 23, 0)]


def test_many2many_tags_show_names_add_by_typing_and_remove(qtbot, server):
    arch = ('<form><sheet><group><field name="name"/>'
            '<field name="tag_ids" widget="many2many_tags" options="{\'color_field\': \'color\'}"/>'
            '</group></sheet></form>')
    form = order_form(qtbot, server, arch=arch, models={"test.orm.order": {"fields": FIELDS}})
    tags = form.widget("tag_ids")
    qtbot.waitUntil(lambda: tags.tag_names() == ["urgent"])
    assert server.last("test.orm.tag", "read")[0][1] == ["display_name", "color"]
    tags.input.setFocus()
    qtbot.keyClicks(tags.input, "vi")
    qtbot.waitUntil(lambda: tags.input.completer.popup().isVisible())
    assert server.last("test.orm.tag", "name_search")[1]["domain"] == [["id", "not in", [21]]]
    tags.input.choose_entry(0)
    assert tags.tag_names() == ["urgent", "vip"] and tags.input.text() == ""
    tags.tags[21].remove_button.click()
    assert tags.tag_names() == ["vip"]
    assert write_values(form.record)["tag_ids"] == [(3, 21, 0), (4, 23, 0)]
    tags.set_readonly(True)
    assert not tags.input.isVisible() and not tags.tags[23].remove_button.isVisible()


def test_buttons_of_the_line_dialog(qtbot, form):
    widget = form.widget("line_ids")
    widget.open_line(11)  # the line may not be read yet: it is read first
    dialog = line_dialog(qtbot, widget)
    assert [dialog.buttons[name].text() for name in ("save_close", "save_new", "discard")] == \
        ["Save && Close", "Save && New", "Discard"]
    dialog.reject()
