"""The lazy list model without a view (views.md §4), fed with recorded server replies.

Re-record against the live server with ``BUREAU_RECORD_CLIENT=1 pytest tests/client/test_list_model.py``.
"""
import pytest

from client_fixtures import replay_session  # noqa: F401 (fixture)
from client_qt.models.list_model import IdRole, ListModel, RowErrorRole
from client_qt.qt import QLocale, Qt
from client_qt.views.list.parser import parse_list

SCROLL_DOMAIN = [["name", "=like", "Scroll Contact %"]]
SCROLL_COUNT = 205


def make_scroll_contacts(connection):
    """205 partners (3 pages of 80) spread over three countries; kept between recordings."""
    existing = connection.call_kw("res.partner", "search_count", [SCROLL_DOMAIN])
    if existing >= SCROLL_COUNT:
        return
    countries = connection.call_kw("res.country", "search", [[]], {"limit": 3, "order": "name"})
    connection.call_kw("res.partner", "create", [[
        {"name": f"Scroll Contact {i:03d}", "city": f"City {i % 7}", "country_id": countries[i % 3],
         "is_company": i % 5 == 0} for i in range(existing, SCROLL_COUNT)]])


def partner_views(session):
    return session.connection.call_kw("res.partner", "get_views", [],
                                      {"views": [[False, "list"], [False, "search"]], "options": {"toolbar": True}})


def partner_model(session, arch=None):
    views = partner_views(session)
    fields = views["models"]["res.partner"]["fields"]
    spec = parse_list(arch or views["views"]["list"]["arch"], fields)
    return ListModel(session, "res.partner", spec, fields, context={})


def texts(model, row):
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def offsets(session):
    return [call[3]["offset"] for call in session.connection.calls("search_read", "res.partner")]


def test_rows_are_counted_and_fetched_one_page_at_a_time(qtbot, replay_session):
    session = replay_session("list_partner_pages", setup=make_scroll_contacts)
    model = partner_model(session)
    model.set_search(SCROLL_DOMAIN)
    qtbot.waitUntil(lambda: model.counted and 0 in model.loaded_pages())
    assert model.rowCount() == SCROLL_COUNT
    assert offsets(session) == [0]
    assert session.connection.calls("search_read")[0][3]["limit"] == 80
    assert texts(model, 0)[0] == "Scroll Contact 000"
    assert model.range_text(0, 30) == "1-80 / 205"

    # a row of the third page is asked for (the user scrolled there): only that page comes
    assert model.data(model.index(170, 0)) == "…"
    qtbot.waitUntil(lambda: 2 in model.loaded_pages())
    assert offsets(session) == [0, 160]
    assert model.data(model.index(170, 0)) == "Scroll Contact 170"
    assert model.range_text(150, 180) == "81-205 / 205"
    assert 1 not in model.loaded_pages()
    assert model.loaded_ids()[:2] == [model.data(model.index(0, 0), IdRole), model.data(model.index(1, 0), IdRole)]


def test_header_click_sorts_on_the_server_and_toggles_direction(qtbot, replay_session):
    session = replay_session("list_partner_sort", setup=make_scroll_contacts)
    model = partner_model(session)
    model.set_search(SCROLL_DOMAIN)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages())
    name = model.column_index("complete_name")
    assert model.toggle_sort(name)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages())
    assert model.sort_column() == (name, Qt.SortOrder.AscendingOrder)
    assert model.toggle_sort(name)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages())
    orders = [call[3]["order"] for call in session.connection.calls("search_read")]
    assert orders == [None, "complete_name asc, id asc", "complete_name desc, id desc"]
    assert texts(model, 0)[0] == "Scroll Contact 204"
    assert model.sort_column() == (name, Qt.SortOrder.DescendingOrder)


def test_columns_that_are_not_sortable_ignore_header_clicks(qtbot, replay_session):
    session = replay_session("list_partner_views")
    model = partner_model(session)
    model.set_shown_optional(["category_id", "phone"])
    tags = model.column_index("category_id")
    assert tags >= 0
    assert not model.toggle_sort(tags)
    assert session.connection.calls("search_read") == []


def test_optional_and_invisible_columns(qtbot, replay_session):
    session = replay_session("list_partner_views")
    model = partner_model(session)
    shown = [c.name for c in model.columns]
    # optional="hide" start hidden, column_invisible="1" never shown
    assert shown == ["complete_name", "phone", "email", "city", "country_id"]
    model.set_shown_optional(["function", "city"])
    assert [c.name for c in model.columns] == ["complete_name", "function", "city"]
    assert "is_company" in model.spec.field_names


# -- formatting and decorations on a model with every field type --------------------------------
ALL_TYPES_ARCH = """
<list decoration-danger="integer &lt; 0" decoration-bf="boolean" decoration-muted="selection == 'done'">
    <field name="name" decoration-success="name == 'Beta'"/>
    <field name="integer" sum="Total"/>
    <field name="float_digits" avg="Average"/>
    <field name="amount" sum="Amount"/>
    <field name="currency_id" column_invisible="1"/>
    <field name="boolean"/>
    <field name="date"/>
    <field name="datetime"/>
    <field name="selection"/>
    <field name="partner_id"/>
    <field name="tag_ids" widget="many2many_tags"/>
    <field name="note" invisible="not boolean"/>
    <field name="text" invisible="1"/>
</list>
"""
ALL_TYPES_DOMAIN = [["name", "in", ["Alpha", "Beta"]]]


def make_all_types(connection):
    if connection.call_kw("test.orm.all.types", "search_count", [ALL_TYPES_DOMAIN]) >= 2:
        return
    eur = connection.call_kw("res.currency", "search", [[["name", "=", "EUR"]]], {"context": {"active_test": False}})
    usd = connection.call_kw("res.currency", "search", [[["name", "=", "USD"]]], {"context": {"active_test": False}})
    partner = connection.call_kw("res.partner", "search", [[["name", "=", "Azure Interior"]]])
    tags = [connection.call_kw("test.orm.tag", "create", [{"name": name}]) for name in ("red", "blue")]
    connection.call_kw("test.orm.all.types", "create", [[
        {"name": "Alpha", "integer": 1234567, "float_digits": 1234.5, "amount": 99.5, "currency_id": eur[0],
         "boolean": True, "date": "2024-03-01", "datetime": "2024-03-01 23:30:00", "selection": "draft",
         "partner_id": partner[0], "tag_ids": [(6, 0, tags)], "note": "shown"},
        {"name": "Beta", "integer": -5, "float_digits": 0.25, "amount": 10.0, "currency_id": usd[0],
         "boolean": False, "selection": "done", "note": "blanked"},
    ]])


def all_types_model(session, arch=ALL_TYPES_ARCH):
    fields = session.connection.call_kw("test.orm.all.types", "fields_get", [], {})
    spec = parse_list(arch, fields)
    model = ListModel(session, "test.orm.all.types", spec, fields, context={})
    model.order = "name"
    return model


@pytest.fixture
def english_locale():
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(previous)


def cell(model, row, name, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, model.column_index(name)), role)


def test_cells_are_formatted_per_field_type(qtbot, replay_session, english_locale):
    session = replay_session("list_all_types", setup=make_all_types)
    model = all_types_model(session)
    model.set_search(ALL_TYPES_DOMAIN)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages() and model.counted)
    qtbot.waitUntil(lambda: cell(model, 0, "tag_ids") == "blue, red" and "€" in cell(model, 0, "amount"))
    assert [c.name for c in model.columns] == ["name", "integer", "float_digits", "amount", "boolean", "date",
                                               "datetime", "selection", "partner_id", "tag_ids", "note"]
    assert cell(model, 0, "integer") == "1,234,567"
    assert cell(model, 0, "float_digits") == "1,234.50"
    assert cell(model, 0, "amount") == "99.50\u00a0€"
    assert cell(model, 1, "amount") == "$\u00a010.00"
    assert cell(model, 0, "boolean") == "✔" and cell(model, 1, "boolean") == ""
    assert cell(model, 0, "date") == "3/1/24"
    # 23:30 UTC is 00:30 the next day in Brussels (the user's time zone)
    assert cell(model, 0, "datetime") == "3/2/24 12:30\u202fAM" or cell(model, 0, "datetime") == "3/2/24 12:30 AM"
    assert cell(model, 0, "selection") == "Draft"
    assert cell(model, 0, "partner_id") == "Azure Interior"
    assert cell(model, 1, "partner_id") == ""
    assert cell(model, 0, "integer", Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    # invisible="not boolean" blanks the cell of the row where boolean is false
    assert cell(model, 0, "note") == "shown" and cell(model, 1, "note") == ""


def test_row_and_cell_decorations(qtbot, replay_session):
    from client_qt.models.list_format import decoration_colour
    session = replay_session("list_all_types", setup=make_all_types)
    model = all_types_model(session)
    model.set_search(ALL_TYPES_DOMAIN)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages())
    alpha_font = cell(model, 0, "integer", Qt.ItemDataRole.FontRole)
    assert alpha_font is not None and alpha_font.bold()
    assert cell(model, 0, "integer", Qt.ItemDataRole.ForegroundRole) is None
    # Beta: integer < 0 (danger) and selection done (muted): danger wins over muted
    beta = cell(model, 1, "integer", Qt.ItemDataRole.ForegroundRole)
    assert beta.color() == decoration_colour("danger")
    assert cell(model, 1, "integer", Qt.ItemDataRole.FontRole) is None
    # the cell decoration overrides the row colour for that cell only
    assert cell(model, 1, "name", Qt.ItemDataRole.ForegroundRole).color() == decoration_colour("success")


def test_footer_sums_and_averages_over_the_search_or_the_selection(qtbot, replay_session, english_locale):
    session = replay_session("list_all_types", setup=make_all_types)
    model = all_types_model(session)
    model.set_search(ALL_TYPES_DOMAIN)
    qtbot.waitUntil(lambda: bool(model.totals))
    call = session.connection.calls("read_group")[0]
    assert call[2] == [ALL_TYPES_DOMAIN, ["integer:sum", "float_digits:avg", "amount:sum"], []]
    footer = model.footer_texts()
    assert footer[model.column_index("integer")] == "1,234,562"
    assert footer[model.column_index("float_digits")] == "617.38"
    assert footer[model.column_index("amount")] == "109.50"
    qtbot.waitUntil(lambda: 0 in model.loaded_pages())
    model.set_selected_rows([1])
    assert model.footer_texts()[model.column_index("integer")] == "-5"
    model.set_selected_rows([])
    qtbot.waitUntil(lambda: model.footer_texts()[model.column_index("integer")] == "1,234,562")


def test_legacy_colors_and_fonts(qtbot, replay_session):
    from client_qt.models.list_format import decoration_colour
    arch = ('<tree colors="red:integer &lt; 0;blue:boolean" fonts="italic:selection == \'draft\'">'
            '<field name="name"/><field name="integer"/><field name="boolean"/><field name="selection"/></tree>')
    session = replay_session("list_all_types_legacy", setup=make_all_types)
    model = all_types_model(session, arch)
    model.set_search(ALL_TYPES_DOMAIN)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages())
    assert cell(model, 0, "name", Qt.ItemDataRole.ForegroundRole).color() == decoration_colour("info")
    assert cell(model, 0, "name", Qt.ItemDataRole.FontRole).italic()
    assert cell(model, 1, "name", Qt.ItemDataRole.ForegroundRole).color() == decoration_colour("danger")


# -- editable lists --------------------------------------------------------------------------------
BOOK_ARCH = """<list editable="bottom">
    <field name="name"/><field name="isbn"/><field name="genre"/><field name="price" sum="Total"/>
    <field name="available" readonly="1"/>
</list>"""


def book_model(session):
    fields = session.connection.call_kw("library.book", "fields_get", [], {})
    model = ListModel(session, "library.book", parse_list(BOOK_ARCH, fields), fields, context={})
    model.order = "name, id"
    return model


def test_edited_row_is_saved_on_commit_and_read_back(qtbot, replay_session):
    session = replay_session("list_book_edit")
    model = book_model(session)
    model.set_search([["name", "=", "Emma"]])
    qtbot.waitUntil(lambda: 0 in model.loaded_pages())
    price = model.column_index("price")
    assert model.flags(model.index(0, price)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, model.column_index("available"))) & Qt.ItemFlag.ItemIsEditable
    original = model.data(model.index(0, price), Qt.ItemDataRole.EditRole)
    assert model.setData(model.index(0, price), original + 1.0)
    assert model.is_row_dirty(0)
    with qtbot.waitSignal(model.row_saved):
        assert model.commit_row(0)
    write = session.connection.calls("write")[0]
    assert write[2] == [[model.record_id(0)], {"price": original + 1.0}]
    assert not model.is_row_dirty(0)
    # put the price back for the next recording
    model.setData(model.index(0, price), original)
    with qtbot.waitSignal(model.row_saved):
        model.commit_row(0)


def test_server_refusal_stays_on_the_row(qtbot, replay_session):
    session = replay_session("list_book_edit_error")
    model = book_model(session)
    model.set_search([["name", "=", "Emma"]])
    qtbot.waitUntil(lambda: 0 in model.loaded_pages())
    model.setData(model.index(0, model.column_index("price")), -3.0)
    with qtbot.waitSignal(model.row_failed) as failed:
        model.commit_row(0)
    assert "cannot be negative" in failed.args[1]
    assert "cannot be negative" in model.data(model.index(0, 0), RowErrorRole)
    assert model.is_row_dirty(0)
    model.discard_row(0)
    assert not model.is_row_dirty(0)
    assert model.data(model.index(0, 0), RowErrorRole) is None


def test_new_row_with_an_empty_required_cell_is_not_sent(qtbot, replay_session):
    session = replay_session("list_book_new")
    model = book_model(session)
    model.set_search([["name", "=", "Emma"]])
    qtbot.waitUntil(lambda: model.counted)
    row = model.add_row()
    assert row == model.rowCount() - 1 == 1
    qtbot.waitUntil(lambda: model.data(model.index(row, model.column_index("genre"))) == "Novel")
    model.setData(model.index(row, model.column_index("price")), 4.0)
    assert not model.commit_row(row)
    assert "Title" in model.data(model.index(row, 0), RowErrorRole)
    assert session.connection.calls("create") == []
    model.setData(model.index(row, 0), "A Recorded Book")
    with qtbot.waitSignal(model.row_saved) as saved:
        assert model.commit_row(row)
    create = session.connection.calls("create")[0]
    assert create[2][0]["name"] == "A Recorded Book" and create[2][0]["price"] == 4.0
    assert model.record_id(row) == saved.args[1]
    with qtbot.waitSignal(model.records_changed):
        model.delete_rows([row])
    assert session.connection.calls("unlink")[0][2] == [[saved.args[1]]]


def test_arch_root_and_column_attributes():
    fields = {"name": {"type": "char", "string": "Name"}, "qty": {"type": "integer", "string": "Qty"},
              "state": {"type": "selection", "selection": [["a", "A"]]}}
    spec = parse_list('<tree expand="1" default_group_by="state" limit="0x" create="0" export_xlsx="false">'
                      '<field name="name" width="120px" nolabel="1"/><field name="qty" avg="Mean"/>'
                      '<field name="state" invisible="1"/><field name="ghost"/>'
                      '<button name="go" string="Go" column_invisible="context.get(\'hide\')"/></tree>', fields)
    assert spec.expand and spec.default_group_by == ["state"] and spec.limit == 80
    assert not spec.create and not spec.export and spec.delete
    assert spec.columns[0].pixel_width == 120 and spec.columns[0].label == "" and not spec.columns[0].sortable
    assert spec.columns[1].aggregate == ("avg", "Mean")
    assert [c.name for c in spec.visible_columns()] == ["name", "qty", "go"]
    assert spec.field_names == ["name", "qty", "state"]


def test_legacy_attrs_and_states_modifiers_per_row():
    fields = {"name": {"type": "char"}, "state": {"type": "selection"}, "qty": {"type": "integer"}}
    spec = parse_list("""<tree>
        <field name="name" attrs="{'invisible': [('state', '=', 'done')], 'readonly': [('qty', '>', 0)]}"/>
        <field name="qty" states="draft,sent" attrs="{'invisible': [('qty', '=', 0)]}"/>
        <field name="state" attrs="{'column_invisible': True}"/>
    </tree>""", fields)
    name, qty = spec.columns[0], spec.columns[1]
    assert name.invisible({"state": "done"}) and not name.invisible({"state": "draft"})
    assert name.readonly({"qty": 2}) and not name.readonly({"qty": 0})
    # node states AND-ed with attrs invisible (historical rule)
    assert qty.invisible({"state": "done", "qty": 0})
    assert not qty.invisible({"state": "draft", "qty": 0})
    assert not qty.invisible({"state": "draft", "qty": 5})
    assert not qty.invisible({"state": "done", "qty": 5})
    assert spec.columns[2].hidden


def test_replies_for_a_destroyed_owner_are_dropped(qtbot, qapp):
    import threading
    from client_qt.models.calls import OwnedCalls
    from client_qt.qt import QObject
    from client_qt.session import Session
    from replay import ReplayConnection
    session = Session(ReplayConnection("list_partner_views"))
    gate, results = threading.Event(), []
    owner = QObject()
    OwnedCalls(owner, session).run(lambda: gate.wait(10) and "late", on_result=results.append)
    with qtbot.waitSignal(owner.destroyed):
        owner.deleteLater()
    gate.set()
    session.runner.wait()
    qapp.processEvents()
    assert results == []
    living = QObject()
    OwnedCalls(living, session).run(lambda: "answer", on_result=results.append)
    qtbot.waitUntil(lambda: results == ["answer"])
    session.runner.wait()


def test_dates_are_iso_in_the_c_locale(qtbot, replay_session):
    previous = QLocale()
    QLocale.setDefault(QLocale.c())
    try:
        session = replay_session("list_all_types")
        model = all_types_model(session)
        model.set_search(ALL_TYPES_DOMAIN)
        qtbot.waitUntil(lambda: 0 in model.loaded_pages())
        assert cell(model, 0, "date") == "2024-03-01"
        assert cell(model, 0, "datetime") == "2024-03-02 00:30"
    finally:
        QLocale.setDefault(previous)
