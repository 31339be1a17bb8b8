"""One2many / many2many in forms: embedded lists, line dialogs, in-place editing, tags (views.md §3.5).

Against the live server: an order of this test with two lines and a tag (``test.orm.order``), in
the server's default form or in a form written here; line defaults come from the server's onchange.
"""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, close_notices, default_views, load, make_form, show, unique
from client_qt.qt import QDialog
from client_qt.views.form.values import write_values

pytestmark = [pytest.mark.pg, pytest.mark.qt]

ORDER, LINE, TAG = "test.orm.order", "test.orm.order.line", "test.orm.tag"


@pytest.fixture
def order(rpc):
    """``{'id', 'name', 'chair', 'desk', 'tag', 'urgent', 'export', 'vip'}``: an order with the lines
    Chair (10) and Desk (20) and the tag "<tag> urgent" ("<tag> export" and "<tag> vip" not linked)."""
    tag = unique("x2m")
    tags = {key: rpc.create(TAG, {"name": f"{tag} {key}", "color": color})
            for color, key in enumerate(("urgent", "export", "vip"), 1)}
    name = unique("SO")
    order_id = rpc.create(ORDER, {"name": name, "tag_ids": [(6, 0, [tags["urgent"]])], "line_ids": [
        (0, 0, {"name": "Chair", "price": 10.0, "quantity": 1.0, "sequence": 10}),
        (0, 0, {"name": "Desk", "price": 20.0, "quantity": 1.0, "sequence": 20})]})
    chair, desk = rpc(LINE, "search", [["order_id", "=", order_id]], order="sequence")
    return dict(tags, id=order_id, name=name, chair=chair, desk=desk, tag=tag)


@pytest.fixture
def order_form(qtbot, session, rpc, views, order):
    """``order_form(arch=None)``: the order in its default form (or in ``arch``)."""
    def make(arch=None):
        result = views(ORDER, arch) if arch else default_views(rpc, ORDER)
        form = show(qtbot, make_form(session, ORDER, result), 900, 800)
        load(qtbot, form, order["id"])
        return form
    yield make
    close_notices()


@pytest.fixture
def form(order_form):
    return order_form()


def line_dialog(qtbot, widget):
    qtbot.waitUntil(lambda: getattr(widget, "dialog", None) is not None and widget.dialog.isVisible(),
                    timeout=TIMEOUT)
    return widget.dialog


def sent(form, method, model):
    return form.session.connection.sent(method, model)


def test_lines_are_read_lazily_and_shown_with_the_inline_list_columns(qtbot, form, order):
    table = form.widget("line_ids").list
    qtbot.waitUntil(lambda: table.row_texts() == [["Chair"], ["Desk"]], timeout=TIMEOUT)
    read = sent(form, "read", LINE)[-1]
    assert read.args[0] == [order["chair"], order["desk"]] and "price" in read.args[1]
    assert table.table.horizontalHeaderItem(0).text() == form.line_fields("line_ids")["name"]["string"]


def test_clicking_a_line_opens_its_form_and_save_keeps_the_change_client_side(qtbot, form, order):
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]], timeout=TIMEOUT)
    widget.list._clicked(1, 0)
    dialog = line_dialog(qtbot, widget)
    assert dialog.form.record.get("name") == "Desk"
    price = dialog.form.widget("price")
    price.editor.setFocus()
    price.editor.selectAll()
    qtbot.keyClicks(price.editor, "25")
    dialog.buttons["save_close"].click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert sent(form, "write", ORDER) == [] and sent(form, "write", LINE) == []
    assert form.is_modified()
    assert write_values(form.record)["line_ids"] == [(1, order["desk"], {"price": 25.0})]


def test_discarding_the_line_dialog_restores_the_line(qtbot, form, order):
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]], timeout=TIMEOUT)
    widget.open_line(order["chair"])
    dialog = line_dialog(qtbot, widget)
    name = dialog.form.widget("name")
    name.editor.setText("Sofa")
    name._typed = True
    name.commit_pending()
    assert dialog.form.record.get("name") == "Sofa"
    dialog.buttons["discard"].click()
    line = form.record.lines["line_ids"].records[order["chair"]]
    assert line.get("name") == "Chair" and not line.is_dirty()
    assert not form.is_modified()


def test_add_a_line_opens_an_empty_form_with_defaults_and_saves_as_create_command(qtbot, form, order, rpc):
    defaults = rpc(LINE, "default_get", ["quantity", "sequence"])
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]], timeout=TIMEOUT)
    add = widget.list.add_buttons[0]
    assert add.text() == "Add a line"
    add.click()
    dialog = line_dialog(qtbot, widget)
    qtbot.waitUntil(lambda: bool(sent(form, "onchange", LINE))
                    and sent(form, "onchange", LINE)[-1].result is not None, timeout=TIMEOUT)
    call = sent(form, "onchange", LINE)[-1]
    ids, values, names, spec = call.args
    assert names == [] and values["order_id"]["id"] == order["id"] and values["order_id"]["name"] == order["name"]
    qtbot.waitUntil(lambda: dialog.form.record.get("quantity") == defaults["quantity"], timeout=TIMEOUT)
    assert call.result["value"]["quantity"] == defaults["quantity"]
    name = dialog.form.widget("name")
    name.editor.setFocus()
    qtbot.keyClicks(name.editor, "Lamp")
    dialog.buttons["save_close"].click()
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"], ["Lamp"]], timeout=TIMEOUT)
    commands = write_values(form.record)["line_ids"]
    assert commands[0][:2] == (0, 0)
    assert commands[0][2]["name"] == "Lamp" and commands[0][2]["quantity"] == defaults["quantity"]
    assert "order_id" not in commands[0][2] and "subtotal" not in commands[0][2]


def test_removing_a_line_deletes_it_when_the_parent_is_saved(qtbot, form, order):
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]], timeout=TIMEOUT)
    remove = widget.list.table.cellWidget(0, len(widget.list.columns))
    remove.click()
    assert widget.list.row_texts() == [["Desk"]]
    assert write_values(form.record)["line_ids"] == [(2, order["chair"], 0)]


def test_readonly_x2many_hides_add_and_remove(qtbot, order_form):
    form = order_form('<form><sheet><group><field name="name"/></group>'
                      '<field name="line_ids" readonly="1"><list><field name="name"/></list></field></sheet></form>')
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [["Chair"], ["Desk"]], timeout=TIMEOUT)
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


def test_editable_list_edits_rows_in_place_with_parent_modifiers(qtbot, order_form, order, rpc):
    rpc(ORDER, "write", [order["id"]], {"line_ids": [(0, 0, {"name": "Shelf", "price": 5.0, "quantity": 2.0,
                                                             "sequence": 30})]})
    form = order_form(EDITABLE)
    table = form.widget("line_ids").list
    qtbot.waitUntil(lambda: table.row_texts() == [["Chair", "10.00", "1.00", "10"], ["Desk", "20.00", "1.00", ""]],
                    timeout=TIMEOUT)
    assert table.pager.isVisible() and table.pager.text() == "1-2 / 3"
    table.turn(1)
    qtbot.waitUntil(lambda: table.row_texts() == [["Shelf", "5.00", "2.00", "30"]], timeout=TIMEOUT)
    table.turn(-1)
    host = table.start_edit(order["chair"])
    price = host.widgets["price"]
    price.editor.setFocus()
    price.editor.selectAll()
    qtbot.keyClicks(price.editor, "16")
    price.editor.editingFinished.emit()
    assert not host.widgets["sequence"].isVisible(), "per-row invisible follows the new price"
    table.stop_edit()
    assert table.row_texts()[0] == ["Chair", "16.00", "1.00", ""]
    assert write_values(form.record)["line_ids"] == [(1, order["chair"], {"price": 16.0})]
    form.record.set("state", "confirmed")
    qtbot.waitUntil(lambda: table.table.isColumnHidden(2), timeout=TIMEOUT)
    host = table.start_edit(order["desk"])
    assert host.widgets["price"].readonly


def test_editable_list_adds_a_line_in_place(qtbot, order_form, rpc):
    defaults = rpc(LINE, "default_get", ["quantity", "sequence"])
    form = order_form(EDITABLE)
    widget = form.widget("line_ids")
    qtbot.waitUntil(lambda: len(widget.list.row_texts()) == 2, timeout=TIMEOUT)
    widget.list.add_buttons[0].click()
    host = widget.list.editing[1]
    qtbot.waitUntil(lambda: host.record.get("sequence") == defaults["sequence"]
                    and host.record.get("quantity") == defaults["quantity"], timeout=TIMEOUT)
    name = host.widgets["name"]
    qtbot.keyClicks(name.editor, "Stool")
    widget.commit_pending()
    assert widget.list.editing is None
    commands = write_values(form.record)["line_ids"]
    assert commands[-1][:2] == (0, 0)
    assert {k: commands[-1][2][k] for k in ("name", "quantity", "sequence")} == \
        {"name": "Stool", "quantity": defaults["quantity"], "sequence": defaults["sequence"]}
    assert "order_id" not in commands[-1][2]
    assert widget.list.row_texts()[-1][0] == "Stool"
    assert widget.list.row_texts()[-1][2] == f"{defaults['quantity']:.2f}"


def test_many2many_adds_with_a_multi_select_dialog_and_removes_by_unlinking(qtbot, form, order):
    widget = form.widget("tag_ids")
    qtbot.waitUntil(lambda: widget.list.row_texts() == [[f"{order['tag']} urgent"]], timeout=TIMEOUT)
    assert widget.list.add_buttons[0].text() == "Add"
    dialog = widget.add_line()
    dialog.search_input.setText(order["tag"])
    dialog.search()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2 and not form.session.runner.pending, timeout=TIMEOUT)
    search = sent(form, "name_search", TAG)[-1]
    assert search.args == [order["tag"]]
    assert search.kwargs["domain"][-1] == ["id", "not in", [order["urgent"]]]
    assert [row[0] for row in search.result] == [order["export"], order["vip"]]
    dialog.select_rows([0, 1])
    dialog.accept_selection()
    qtbot.waitUntil(lambda: widget.list.row_texts() == [[f"{order['tag']} {key}"] for key in ("urgent", "export",
                                                                                              "vip")],
                    timeout=TIMEOUT)
    widget.list.table.cellWidget(0, len(widget.list.columns)).click()
    assert write_values(form.record)["tag_ids"] == [(3, order["urgent"], 0), (4, order["export"], 0),
                                                    (4, order["vip"], 0)]


def test_many2many_tags_show_names_add_by_typing_and_remove(qtbot, order_form, order):
    form = order_form('<form><sheet><group><field name="name"/>'
                      '<field name="tag_ids" widget="many2many_tags" options="{\'color_field\': \'color\'}"/>'
                      '</group></sheet></form>')
    tags = form.widget("tag_ids")
    qtbot.waitUntil(lambda: tags.tag_names() == [f"{order['tag']} urgent"], timeout=TIMEOUT)
    read = sent(form, "read", TAG)[-1]
    assert read.args == [[order["urgent"]], ["display_name", "color"]]
    tags.input.setFocus()
    qtbot.keyClicks(tags.input, f"{order['tag']} vi")
    qtbot.waitUntil(lambda: tags.input.completer.popup().isVisible(), timeout=TIMEOUT)
    search = sent(form, "name_search", TAG)[-1]
    assert search.kwargs["domain"] == [["id", "not in", [order["urgent"]]]]
    assert [row[0] for row in search.result] == [order["vip"]]
    tags.input.choose_entry(0)
    assert tags.tag_names() == [f"{order['tag']} urgent", f"{order['tag']} vip"] and tags.input.text() == ""
    tags.tags[order["urgent"]].remove_button.click()
    assert tags.tag_names() == [f"{order['tag']} vip"]
    assert write_values(form.record)["tag_ids"] == [(3, order["urgent"], 0), (4, order["vip"], 0)]
    tags.set_readonly(True)
    assert not tags.input.isVisible() and not tags.tags[order["vip"]].remove_button.isVisible()


def test_buttons_of_the_line_dialog(qtbot, form, order):
    widget = form.widget("line_ids")
    widget.open_line(order["chair"])  # the line may not be read yet: it is read first
    dialog = line_dialog(qtbot, widget)
    assert [dialog.buttons[name].text() for name in ("save_close", "save_new", "discard")] == \
        ["Save && Close", "Save && New", "Discard"]
    dialog.reject()
