"""Form layout: regimes, the column grid, notebooks and HTML-ish elements (views.md §3.1, §3.2, §3.7).

The grid tests compute placements from arch text alone. The layout tests show a record of the test
(``test.orm.client.doc``, or a partner and a loan in their server views), read from the live
server, in forms stored as views; field labels are the server's.
"""
import pytest
from lxml import etree

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import default_views, load, make_form, show, unique
from client_qt.qt import QLabel, QPushButton, QtCore, QTabWidget
from client_qt.views.form import grid

pytestmark = pytest.mark.qt

DOC = "test.orm.client.doc"


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
@pytest.fixture
def shown(qtbot, session, views, rpc):
    """``shown(arch, values)``: a record of ``test.orm.client.doc`` with ``values`` in the form ``arch``."""
    def make(arch, values=None, width=900):
        doc = rpc.create(DOC, dict({"name": unique("Layout")}, **(values or {})))
        form = show(qtbot, make_form(session, DOC, views(DOC, arch)), width, 600)
        load(qtbot, form, doc)
        return form
    return make


def top_left(form, widget):
    point = widget.mapTo(form, QtCore.QPoint(0, 0))
    return point.x(), point.y()


def test_legacy_form_shows_two_labelled_fields_per_row(qtbot, shown):
    form = shown('<form string="Partner"><field name="name"/><field name="ref"/><field name="city"/>'
                        '<field name="zip"/><field name="street"/></form>')
    name, ref, city = form.widget("name"), form.widget("ref"), form.widget("city")
    assert top_left(form, name)[1] == top_left(form, ref)[1]
    assert top_left(form, ref)[0] > top_left(form, name)[0]
    assert top_left(form, city)[1] > top_left(form, name)[1]
    assert top_left(form, city)[0] == top_left(form, name)[0]
    assert form.label("ref").text() == form.fields["ref"]["string"]
    assert top_left(form, form.label("ref"))[0] > top_left(form, name)[0] + name.width() - 1


def test_modern_group_shows_one_field_per_row_with_aligned_labels(qtbot, shown):
    form = shown('<form><sheet><group><field name="name"/><field name="email"/><field name="phone"/>'
                        '</group></sheet></form>')
    rows = [top_left(form, form.widget(name)) for name in ("name", "email", "phone")]
    assert len({x for x, _y in rows}) == 1
    assert rows[0][1] < rows[1][1] < rows[2][1]
    labels = [top_left(form, form.label(name))[0] for name in ("name", "email", "phone")]
    assert len(set(labels)) == 1
    assert form.label("name").width() < form.widget("name").width()


def test_nested_groups_sit_side_by_side(qtbot, shown):
    form = shown('<form><sheet><group><group string="Left"><field name="a"/><field name="b"/></group>'
                        '<group string="Right"><field name="c"/></group></group></sheet></form>')
    a, c = top_left(form, form.widget("a")), top_left(form, form.widget("c"))
    assert a[1] == c[1] and c[0] > a[0] + form.widget("a").width()
    titles = [label.text() for label in form.findChildren(QLabel, "group_title")]
    assert titles == ["Left", "Right"]


def test_colspan_widens_a_field_and_newline_starts_a_row(qtbot, shown):
    form = shown('<form><sheet><group col="4"><field name="a" colspan="4"/><field name="b"/>'
                        '<newline/><field name="c"/><field name="d"/></group></sheet></form>')
    a, b, c, d = (form.widget(n) for n in "abcd")
    assert a.width() > 2 * b.width()
    assert top_left(form, b)[1] < top_left(form, c)[1] == top_left(form, d)[1]


def test_nolabel_field_takes_one_cell_and_label_for_labels_it(qtbot, shown):
    form = shown('<form><sheet><group><label for="a" string="Alpha"/><field name="a" nolabel="1"/>'
                        '</group></sheet></form>')
    label = form.label("a")
    assert label.text() == "Alpha"
    assert top_left(form, label)[1] == top_left(form, form.widget("a"))[1]
    qtbot.mouseClick(label, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.widget("a").editor.hasFocus(), timeout=5000)


def test_notebook_pages_become_tabs_and_an_invisible_page_hides_its_tab(qtbot, shown):
    form = shown('<form><sheet><field name="state"/><notebook>'
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


def test_separator_shows_a_title_and_html_elements_render(qtbot, shown):
    form = shown('<form><sheet><div class="oe_title"><h1><field name="name" placeholder="Title"/></h1></div>'
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


def test_unknown_elements_degrade_and_are_logged_once(qtbot, session, rpc, caplog):
    """An arch the server would refuse to store (a field it does not have), given to the form
    directly with the model's fields as the server describes them."""
    from client_qt.views.arch import parse_arch
    from client_qt.views.form.record_form import RecordForm
    from client_fixtures import keep
    fields = rpc(DOC, "fields_get", ["name", "a", "b"])
    arch = ('<form><sheet><gizmo><field name="a"/></gizmo><gizmo/><field name="missing"/>'
            '<field name="b" widget="no_such_widget"/></sheet></form>')
    form = show(qtbot, keep(RecordForm(session, DOC, parse_arch(arch), fields, context=session.context)))
    load(qtbot, form, rpc.create(DOC, {"name": unique("Unknown"), "a": "alpha", "b": "beta"}))
    assert form.widget("a").isVisible() and form.widget("a").editor.text() == "alpha"
    assert form.widget("b").isVisible() and form.widget("b").editor.text() == "beta"
    assert form.widget("missing") is None
    assert sum("gizmo" in r.message for r in caplog.records) == 1
    assert sum("'missing'" in r.message for r in caplog.records) == 1


def test_header_has_buttons_left_and_statusbar_right(qtbot, session, rpc):
    book = rpc.create("library.book", {"name": unique("Dune")})
    member = rpc.create("res.partner", {"name": unique("Member")})
    loan = rpc.create("library.loan", {"book_id": book, "member_id": member})
    form = show(qtbot, make_form(session, "library.loan", default_views(rpc, "library.loan")), 900, 600)
    load(qtbot, form, loan)
    assert form.record.get("state") == "draft"
    header = form.header
    start = header.findChild(QPushButton, "button_action_start")
    statusbar = form.widget("state")
    assert start.isVisible()
    assert top_left(header, start)[0] < top_left(header, statusbar)[0]
    assert header.width() - (top_left(header, statusbar)[0] + statusbar.width()) < 30
    assert not header.findChild(QPushButton, "button_action_return").isVisible()


def test_all_types_form_of_the_partner_builds_and_labels_fit(qtbot, session, rpc):
    partner = rpc.create("res.partner", {"name": unique("Azure"), "is_company": True})
    form = show(qtbot, make_form(session, "res.partner", default_views(rpc, "res.partner")), 1100, 600)
    load(qtbot, form, partner)
    for name in ("street", "city", "email", "phone", "website"):
        label = form.label(name)
        assert label.isVisible()
        assert label.sizeHint().width() <= label.width(), name
    assert not form.widget("function").isVisible()
    assert not form.label("function").isVisible()
