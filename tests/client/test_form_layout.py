"""Form layout: regimes, the column grid, notebooks and HTML-ish elements (views.md §3.1, §3.2, §3.7)."""
import pytest
from lxml import etree

from client_qt.models.record import Record
from client_qt.qt import QLabel, QPushButton, QtCore, QTabWidget
from client_qt.views.form import grid
from form_fakes import FakeSession, make_form, recorded_views

from form_fakes import keep_widgets_alive  # noqa: F401  (autouse)

pytestmark = pytest.mark.qt

FIELDS = {name: {"type": "char", "string": name.title()} for name in ("name", "ref", "city", "zip", "street",
                                                                       "email", "phone", "a", "b", "c", "d")}
FIELDS["notes"] = {"type": "text", "string": "Notes"}
FIELDS["state"] = {"type": "selection", "string": "State", "selection": [["draft", "Draft"], ["done", "Done"]]}


def spans(*nodes):
    return [grid.span_of(etree.fromstring(text)) for text in nodes]


# -- the grid algorithm, without widgets ------------------------------------------------------------
def test_openerp_col4_puts_two_labelled_fields_per_row():
    placements = grid.place(spans('<field name="a"/>', '<field name="b"/>', '<field name="c"/>'), 4)
    assert [(p.row, p.column, p.span) for p in placements] == [(0, 0, 2), (0, 2, 2), (1, 0, 2)]


def test_odoo_col2_puts_one_field_per_row():
    placements = grid.place(spans('<field name="a"/>', '<field name="b"/>'), 2)
    assert [(p.row, p.column) for p in placements] == [(0, 0), (1, 0)]


def test_col6_puts_three_labelled_fields_per_row():
    placements = grid.place([2] * 4, 6)
    assert [p.row for p in placements] == [0, 0, 0, 1]


def test_groups_in_a_col2_group_sit_side_by_side():
    placements = grid.place(spans("<group/>", "<group/>"), 2)
    assert [(p.row, p.column) for p in placements] == [(0, 0), (0, 1)]


def test_colspan_one_on_a_labelled_field_is_promoted_to_two():
    assert spans('<field name="a" colspan="1"/>') == [2]
    assert spans('<field name="a" colspan="1" nolabel="1"/>') == [1]
    assert spans('<field name="a" colspan="4"/>') == [4]


def test_separator_and_notebook_take_a_full_row_and_newline_wraps():
    placements = grid.place([2, grid.FULL, 2, grid.NEWLINE, 2], 4)
    assert [(p.row, p.column, p.span) for p in placements] == [(0, 0, 2), (1, 0, 4), (2, 0, 2), (3, 0, 2)]


def test_span_wider_than_the_grid_is_clipped_and_a_child_that_does_not_fit_wraps():
    placements = grid.place([3, 2, 9], 4)
    assert [(p.row, p.column, p.span) for p in placements] == [(0, 0, 3), (1, 0, 2), (2, 0, 4)]


@pytest.mark.parametrize("arch, legacy", [
    ('<form><field name="a"/><field name="b"/></form>', True),
    ('<form><notebook><page string="P"><field name="a"/></page></notebook></form>', True),
    ('<form><sheet><group><field name="a"/></group></sheet></form>', False),
    ('<form version="7.0"><field name="a"/></form>', False),
    ('<form><group><field name="a"/></group></form>', False),
    ('<form><field name="a" invisible="1"/><group><field name="b"/></group></form>', False),
    ('<form><div><field name="a"/></div></form>', False),
    ('<form><group><label for="a"/><field name="a" nolabel="1"/></group><field name="b"/></form>', False),
])
def test_layout_regime_is_decided_from_the_arch(arch, legacy):
    assert grid.is_legacy(etree.fromstring(arch)) is legacy


def test_sub_view_markers_do_not_decide_the_regime_of_the_parent():
    arch = ('<form><field name="a"/><field name="lines"><form><sheet><group><field name="x"/></group></sheet>'
            '</form></field></form>')
    assert grid.is_legacy(etree.fromstring(arch)) is True


# -- laid out widgets -----------------------------------------------------------------------------
def shown(qtbot, arch, values=None, fields=FIELDS, width=900, **kwargs):
    session = FakeSession()
    form = make_form(session, "x.model", arch, fields, **kwargs)
    record = Record("x.model", fields, dict({"id": 1}, **(values or {})))
    form.set_record(record)
    qtbot.addWidget(form)
    form.resize(width, 600)
    form.show()
    qtbot.waitExposed(form)
    return form


def top_left(form, widget):
    point = widget.mapTo(form, QtCore.QPoint(0, 0))
    return point.x(), point.y()


def test_legacy_form_shows_two_labelled_fields_per_row(qtbot):
    form = shown(qtbot, '<form string="Partner"><field name="name"/><field name="ref"/><field name="city"/>'
                        '<field name="zip"/><field name="street"/></form>')
    name, ref, city = form.widget("name"), form.widget("ref"), form.widget("city")
    assert top_left(form, name)[1] == top_left(form, ref)[1]
    assert top_left(form, ref)[0] > top_left(form, name)[0]
    assert top_left(form, city)[1] > top_left(form, name)[1]
    assert top_left(form, city)[0] == top_left(form, name)[0]
    assert form.label("ref").text() == "Ref"
    assert top_left(form, form.label("ref"))[0] > top_left(form, name)[0] + name.width() - 1


def test_modern_group_shows_one_field_per_row_with_aligned_labels(qtbot):
    form = shown(qtbot, '<form><sheet><group><field name="name"/><field name="email"/><field name="phone"/>'
                        '</group></sheet></form>')
    rows = [top_left(form, form.widget(name)) for name in ("name", "email", "phone")]
    assert len({x for x, _y in rows}) == 1
    assert rows[0][1] < rows[1][1] < rows[2][1]
    labels = [top_left(form, form.label(name))[0] for name in ("name", "email", "phone")]
    assert len(set(labels)) == 1
    assert form.label("name").width() < form.widget("name").width()


def test_nested_groups_sit_side_by_side(qtbot):
    form = shown(qtbot, '<form><sheet><group><group string="Left"><field name="a"/><field name="b"/></group>'
                        '<group string="Right"><field name="c"/></group></group></sheet></form>')
    a, c = top_left(form, form.widget("a")), top_left(form, form.widget("c"))
    assert a[1] == c[1] and c[0] > a[0] + form.widget("a").width()
    titles = [label.text() for label in form.findChildren(QLabel, "group_title")]
    assert titles == ["Left", "Right"]


def test_colspan_widens_a_field_and_newline_starts_a_row(qtbot):
    form = shown(qtbot, '<form><sheet><group col="4"><field name="a" colspan="4"/><field name="b"/>'
                        '<newline/><field name="c"/><field name="d"/></group></sheet></form>')
    a, b, c, d = (form.widget(n) for n in "abcd")
    assert a.width() > 2 * b.width()
    assert top_left(form, b)[1] < top_left(form, c)[1] == top_left(form, d)[1]


def test_nolabel_field_takes_one_cell_and_label_for_labels_it(qtbot):
    form = shown(qtbot, '<form><sheet><group><label for="a" string="Alpha"/><field name="a" nolabel="1"/>'
                        '</group></sheet></form>')
    label = form.label("a")
    assert label.text() == "Alpha"
    assert top_left(form, label)[1] == top_left(form, form.widget("a"))[1]
    qtbot.mouseClick(label, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.widget("a").editor.hasFocus())


def test_notebook_pages_become_tabs_and_an_invisible_page_hides_its_tab(qtbot):
    form = shown(qtbot, '<form><sheet><field name="state"/><notebook>'
                        '<page string="First" name="first" invisible="state == \'done\'"><field name="a"/></page>'
                        '<page string="Second"><field name="b"/></page>'
                        '<page string="Never" invisible="1"><field name="c"/></page>'
                        '</notebook></sheet></form>', values={"state": "draft"})
    tabs = form.findChild(QTabWidget, "notebook")
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["First", "Second"]
    assert tabs.isTabVisible(0) and tabs.currentIndex() == 0
    form.record.set("state", "done")
    assert not tabs.isTabVisible(0)
    assert tabs.currentIndex() == 1


def test_separator_shows_a_title_and_html_elements_render(qtbot):
    form = shown(qtbot, '<form><sheet><div class="oe_title"><h1><field name="name" placeholder="Title"/></h1></div>'
                        '<group><separator string="Section"/><field name="a"/></group>'
                        '<p>Some <b>bold</b> text <img src="https://evil.example/x.png" alt="logo"/></p>'
                        '<div class="o_row"><field name="b"/><span>days</span></div>'
                        '<widget name="web_ribbon" title="Archived"/></sheet></form>')
    texts = [label.text() for label in form.findChildren(QLabel)]
    assert "Section" in texts
    assert any("<b>bold</b>" in text and "evil.example" not in text and "logo" in text for text in texts)
    assert "days" in texts and "Archived" in texts
    title = form.widget("name")
    assert title.editor.font().pointSizeF() > form.widget("a").editor.font().pointSizeF()
    assert title.editor.placeholderText() == "Title"
    b, days = form.widget("b"), next(label for label in form.findChildren(QLabel) if label.text() == "days")
    assert top_left(form, b)[1] == pytest.approx(top_left(form, days)[1], abs=12)


def test_unknown_elements_degrade_and_are_logged_once(qtbot, caplog):
    form = shown(qtbot, '<form><sheet><gizmo><field name="a"/></gizmo><gizmo/><field name="missing"/>'
                        '<field name="b" widget="no_such_widget"/></sheet></form>')
    assert form.widget("a").isVisible()
    assert form.widget("b").isVisible()
    assert form.widget("missing") is None
    assert sum("gizmo" in r.message for r in caplog.records) == 1
    assert sum("'missing'" in r.message for r in caplog.records) == 1


def test_header_has_buttons_left_and_statusbar_right(qtbot):
    views = recorded_views("library_loan")
    fields = views["models"]["library.loan"]["fields"]
    form = shown(qtbot, views["views"]["form"]["arch"], fields=fields, models=views["models"],
                 values={"state": "draft", "name": "L1", "book_id": [1, "Dune"]})
    header = form.header
    start = header.findChild(QPushButton, "button_action_start")
    statusbar = form.widget("state")
    assert start.isVisible()
    assert top_left(header, start)[0] < top_left(header, statusbar)[0]
    assert header.width() - (top_left(header, statusbar)[0] + statusbar.width()) < 30
    assert not header.findChild(QPushButton, "button_action_return").isVisible()


def test_all_types_form_of_the_partner_builds_and_labels_fit(qtbot):
    views = recorded_views("res_partner")
    fields = views["models"]["res.partner"]["fields"]
    form = shown(qtbot, views["views"]["form"]["arch"], fields=fields, models=views["models"],
                 values={"name": "Azure", "is_company": True, "child_ids": [], "category_id": []}, width=1100)
    for name in ("street", "city", "email", "phone", "website"):
        label = form.label(name)
        assert label.isVisible()
        assert label.sizeHint().width() <= label.width(), name
    assert not form.widget("function").isVisible()
    assert not form.label("function").isVisible()
