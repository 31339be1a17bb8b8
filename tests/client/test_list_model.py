"""The lazy list model without a view (views.md §4), against the live server.

The records are the test's own (partners "Scroll Contact nnn", ``test.orm.all.types`` rows, a book);
what the model shows is compared with what the server answers at test time.
"""
import pytest
from lxml import etree

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, english_locale, unique  # noqa: F401 (fixture)
from client_qt.models.list_model import IdRole, ListModel, RowErrorRole
from client_qt.qt import QLocale, Qt
from client_qt.views.list.parser import parse_list

SCROLL_DOMAIN = [["name", "=like", "Scroll Contact %"]]
SCROLL_COUNT = 205


def make_scroll_contacts(connection):
    """205 partners (3 pages of 80) spread over three countries, made once per database (the list,
    tree-model and list-view tests share them and leave them as they are)."""
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
    return [call.kwargs["offset"] for call in session.connection.sent("search_read", "res.partner")]


@pytest.fixture
def contacts(rpc):
    """The scroll contacts, in the server's default order: ``[{'id', 'complete_name'}, ...]``."""
    make_scroll_contacts(rpc.connection)
    return rpc("res.partner", "search_read", SCROLL_DOMAIN, ["complete_name"])


def test_rows_are_counted_and_fetched_one_page_at_a_time(qtbot, session, contacts):
    total = len(contacts)
    assert 160 < total <= 240, "three pages of 80"
    model = partner_model(session)
    model.set_search(SCROLL_DOMAIN)
    qtbot.waitUntil(lambda: model.counted and 0 in model.loaded_pages(), timeout=TIMEOUT)
    assert model.rowCount() == total
    assert offsets(session) == [0]
    assert session.connection.sent("search_read")[0].kwargs["limit"] == 80
    assert texts(model, 0)[0] == contacts[0]["complete_name"]
    assert model.range_text(0, 30) == f"1-80 / {total}"

    # a row of the third page is asked for (the user scrolled there): only that page comes
    assert model.data(model.index(170, 0)) == "…"
    qtbot.waitUntil(lambda: 2 in model.loaded_pages(), timeout=TIMEOUT)
    assert offsets(session) == [0, 160]
    assert model.data(model.index(170, 0)) == contacts[170]["complete_name"]
    assert model.range_text(150, 180) == f"81-{total} / {total}"
    assert 1 not in model.loaded_pages()
    assert model.loaded_ids()[:2] == [model.data(model.index(0, 0), IdRole), model.data(model.index(1, 0), IdRole)]
    assert model.loaded_ids()[:2] == [contacts[0]["id"], contacts[1]["id"]]


def test_header_click_sorts_on_the_server_and_toggles_direction(qtbot, session, contacts, rpc):
    model = partner_model(session)
    model.set_search(SCROLL_DOMAIN)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages(), timeout=TIMEOUT)
    name = model.column_index("complete_name")
    assert model.toggle_sort(name)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages(), timeout=TIMEOUT)
    assert model.sort_column() == (name, Qt.SortOrder.AscendingOrder)
    assert model.toggle_sort(name)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages(), timeout=TIMEOUT)
    orders = [call.kwargs["order"] for call in session.connection.sent("search_read")]
    assert orders == [None, "complete_name asc, id asc", "complete_name desc, id desc"]
    [last] = rpc("res.partner", "search_read", SCROLL_DOMAIN, ["complete_name"], order="complete_name desc, id desc",
                 limit=1)
    assert texts(model, 0)[0] == last["complete_name"] != contacts[0]["complete_name"]
    assert model.sort_column() == (name, Qt.SortOrder.DescendingOrder)


def test_columns_that_are_not_sortable_ignore_header_clicks(qtbot, session):
    model = partner_model(session)
    model.set_shown_optional(["category_id", "phone"])
    tags = model.column_index("category_id")
    assert tags >= 0
    assert not model.toggle_sort(tags)
    assert session.connection.sent("search_read") == []


def test_optional_and_invisible_columns(qtbot, session):
    model = partner_model(session)
    nodes = [node for node in etree.fromstring(partner_views(session)["views"]["list"]["arch"]).iter("field")]
    assert any(node.get("optional") == "hide" for node in nodes) and any(node.get("column_invisible") for node in nodes)

    def expected(chosen=None):
        """Arch order; optional columns shown by default unless optional="hide", else as chosen;
        column_invisible="1" never shown."""
        names = []
        for node in nodes:
            optional = node.get("optional")
            if node.get("column_invisible") == "1":
                continue
            if optional and (optional == "hide" if chosen is None else node.get("name") not in chosen):
                continue
            names.append(node.get("name"))
        return names

    assert [c.name for c in model.columns] == expected()
    model.set_shown_optional(["function", "city"])
    assert [c.name for c in model.columns] == expected({"function", "city"})
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


@pytest.fixture
def all_types(rpc):
    """Two ``test.orm.all.types`` rows of this test, Alpha then Beta: ``{'domain', 'alpha', 'beta',
    'eur', 'usd', 'partner'}`` (currencies and partner as read from the server)."""
    currencies = {row["name"]: row for row in rpc("res.currency", "search_read", [["name", "in", ["EUR", "USD"]]],
                                                 ["name", "symbol", "position"], context={"active_test": False})}
    partner = rpc.create("res.partner", {"name": unique("Azure Interior")})
    tags = [rpc.create("test.orm.tag", {"name": name}) for name in ("red", "blue")]
    alpha, beta = rpc.create("test.orm.all.types", [
        {"name": "Alpha", "integer": 1234567, "float_digits": 1234.5, "amount": 99.5,
         "currency_id": currencies["EUR"]["id"], "boolean": True, "date": "2024-03-01",
         "datetime": "2024-03-01 23:30:00", "selection": "draft", "partner_id": partner, "tag_ids": [(6, 0, tags)],
         "note": "shown"},
        {"name": "Beta", "integer": -5, "float_digits": 0.25, "amount": 10.0, "currency_id": currencies["USD"]["id"],
         "boolean": False, "selection": "done", "note": "blanked"},
    ])
    return {"domain": [["id", "in", [alpha, beta]]], "alpha": alpha, "beta": beta, "eur": currencies["EUR"],
            "usd": currencies["USD"], "partner": rpc.read_one("res.partner", partner, ["display_name"])}


def all_types_model(session, arch=ALL_TYPES_ARCH):
    fields = session.connection.call_kw("test.orm.all.types", "fields_get", [], {})
    spec = parse_list(arch, fields)
    model = ListModel(session, "test.orm.all.types", spec, fields, context={})
    model.order = "name"
    return model


def cell(model, row, name, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, model.column_index(name)), role)


def money(amount, currency):
    """``amount`` (two decimals, en_US) with the currency's symbol on its side, as the server describes it."""
    text = QLocale().toString(float(amount), "f", 2)
    return f"{text}\u00a0{currency['symbol']}" if currency["position"] == "after" else \
        f"{currency['symbol']}\u00a0{text}"


def test_cells_are_formatted_per_field_type(qtbot, session, all_types, english_locale):
    model = all_types_model(session)
    model.set_search(all_types["domain"])
    qtbot.waitUntil(lambda: 0 in model.loaded_pages() and model.counted, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: cell(model, 0, "tag_ids") == "blue, red"
                    and all_types["eur"]["symbol"] in cell(model, 0, "amount"), timeout=TIMEOUT)
    assert [c.name for c in model.columns] == ["name", "integer", "float_digits", "amount", "boolean", "date",
                                               "datetime", "selection", "partner_id", "tag_ids", "note"]
    assert cell(model, 0, "integer") == "1,234,567"
    assert cell(model, 0, "float_digits") == "1,234.50"
    assert cell(model, 0, "amount") == money(99.5, all_types["eur"])
    assert cell(model, 1, "amount") == money(10.0, all_types["usd"])
    assert cell(model, 0, "boolean") == "✔" and cell(model, 1, "boolean") == ""
    assert cell(model, 0, "date") == "3/1/24"
    # 23:30 UTC is 00:30 the next day in Brussels (the user's time zone)
    assert cell(model, 0, "datetime") in ("3/2/24 12:30\u202fAM", "3/2/24 12:30 AM")
    assert cell(model, 0, "selection") == "Draft"
    assert cell(model, 0, "partner_id") == all_types["partner"]["display_name"]
    assert cell(model, 1, "partner_id") == ""
    assert cell(model, 0, "integer", Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    # invisible="not boolean" blanks the cell of the row where boolean is false
    assert cell(model, 0, "note") == "shown" and cell(model, 1, "note") == ""


def test_row_and_cell_decorations(qtbot, session, all_types):
    from client_qt.models.list_format import decoration_colour
    model = all_types_model(session)
    model.set_search(all_types["domain"])
    qtbot.waitUntil(lambda: 0 in model.loaded_pages(), timeout=TIMEOUT)
    alpha_font = cell(model, 0, "integer", Qt.ItemDataRole.FontRole)
    assert alpha_font is not None and alpha_font.bold()
    assert cell(model, 0, "integer", Qt.ItemDataRole.ForegroundRole) is None
    # Beta: integer < 0 (danger) and selection done (muted): danger wins over muted
    beta = cell(model, 1, "integer", Qt.ItemDataRole.ForegroundRole)
    assert beta.color() == decoration_colour("danger")
    assert cell(model, 1, "integer", Qt.ItemDataRole.FontRole) is None
    # the cell decoration overrides the row colour for that cell only
    assert cell(model, 1, "name", Qt.ItemDataRole.ForegroundRole).color() == decoration_colour("success")


def test_footer_sums_and_averages_over_the_search_or_the_selection(qtbot, session, all_types, english_locale):
    model = all_types_model(session)
    model.set_search(all_types["domain"])
    qtbot.waitUntil(lambda: bool(model.totals), timeout=TIMEOUT)
    call = session.connection.sent("read_group")[0]
    assert call.args == [all_types["domain"], ["integer:sum", "float_digits:avg", "amount:sum"], []]
    [totals] = call.result
    assert totals["integer"] == 1234567 - 5, "the server summed the two rows"
    footer = model.footer_texts()
    assert footer[model.column_index("integer")] == QLocale().toString(totals["integer"])
    assert footer[model.column_index("float_digits")] == QLocale().toString(float(totals["float_digits"]), "f", 2)
    assert footer[model.column_index("amount")] == QLocale().toString(float(totals["amount"]), "f", 2)
    qtbot.waitUntil(lambda: 0 in model.loaded_pages(), timeout=TIMEOUT)
    model.set_selected_rows([1])
    assert model.footer_texts()[model.column_index("integer")] == "-5"
    model.set_selected_rows([])
    qtbot.waitUntil(lambda: model.footer_texts()[model.column_index("integer")] ==
                    QLocale().toString(totals["integer"]), timeout=TIMEOUT)


def test_legacy_colors_and_fonts(qtbot, session, all_types):
    from client_qt.models.list_format import decoration_colour
    arch = ('<tree colors="red:integer &lt; 0;blue:boolean" fonts="italic:selection == \'draft\'">'
            '<field name="name"/><field name="integer"/><field name="boolean"/><field name="selection"/></tree>')
    model = all_types_model(session, arch)
    model.set_search(all_types["domain"])
    qtbot.waitUntil(lambda: 0 in model.loaded_pages(), timeout=TIMEOUT)
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


@pytest.fixture
def book(rpc):
    return rpc.create("library.book", {"name": unique("Emma"), "price": 12.5})


def test_edited_row_is_saved_on_commit_and_read_back(qtbot, session, book, rpc):
    model = book_model(session)
    model.set_search([["id", "=", book]])
    qtbot.waitUntil(lambda: 0 in model.loaded_pages(), timeout=TIMEOUT)
    price = model.column_index("price")
    assert model.flags(model.index(0, price)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, model.column_index("available"))) & Qt.ItemFlag.ItemIsEditable
    original = model.data(model.index(0, price), Qt.ItemDataRole.EditRole)
    assert original == rpc.read_one("library.book", book, ["price"])["price"]
    assert model.setData(model.index(0, price), original + 1.0)
    assert model.is_row_dirty(0)
    with qtbot.waitSignal(model.row_saved, timeout=TIMEOUT):
        assert model.commit_row(0)
    write = session.connection.sent("write")[0]
    assert write.args == [[book], {"price": original + 1.0}]
    assert not model.is_row_dirty(0)
    assert rpc.read_one("library.book", book, ["price"])["price"] == original + 1.0


def test_server_refusal_stays_on_the_row(qtbot, session, book, rpc):
    model = book_model(session)
    model.set_search([["id", "=", book]])
    qtbot.waitUntil(lambda: 0 in model.loaded_pages(), timeout=TIMEOUT)
    model.setData(model.index(0, model.column_index("price")), -3.0)
    with qtbot.waitSignal(model.row_failed, timeout=TIMEOUT) as failed:
        model.commit_row(0)
    assert "cannot be negative" in failed.args[1]
    assert str(session.connection.sent("write")[0].error) in model.data(model.index(0, 0), RowErrorRole)
    assert model.is_row_dirty(0)
    model.discard_row(0)
    assert not model.is_row_dirty(0)
    assert model.data(model.index(0, 0), RowErrorRole) is None
    assert rpc.read_one("library.book", book, ["price"])["price"] == 12.5


def test_new_row_with_an_empty_required_cell_is_not_sent(qtbot, session, book, rpc):
    fields = rpc("library.book", "fields_get", ["name", "genre"])
    default_genre = rpc("library.book", "default_get", ["genre"])["genre"]
    model = book_model(session)
    model.set_search([["id", "=", book]])
    qtbot.waitUntil(lambda: model.counted, timeout=TIMEOUT)
    row = model.add_row()
    assert row == model.rowCount() - 1 == 1
    label = dict(fields["genre"]["selection"])[default_genre]
    qtbot.waitUntil(lambda: model.data(model.index(row, model.column_index("genre"))) == label, timeout=TIMEOUT)
    model.setData(model.index(row, model.column_index("price")), 4.0)
    assert not model.commit_row(row)
    assert fields["name"]["string"] in model.data(model.index(row, 0), RowErrorRole)
    assert session.connection.sent("create") == []
    name = unique("A New Book")
    model.setData(model.index(row, 0), name)
    with qtbot.waitSignal(model.row_saved, timeout=TIMEOUT) as saved:
        assert model.commit_row(row)
    rpc.created.append(("library.book", [saved.args[1]]))
    create = session.connection.sent("create")[0]
    assert create.args[0]["name"] == name and create.args[0]["price"] == 4.0
    assert model.record_id(row) == saved.args[1] == create.result
    assert rpc.read_one("library.book", saved.args[1], ["name", "price", "genre"]) == {
        "id": saved.args[1], "name": name, "price": 4.0, "genre": default_genre}
    with qtbot.waitSignal(model.records_changed, timeout=TIMEOUT):
        model.delete_rows([row])
    assert session.connection.sent("unlink")[0].args == [[saved.args[1]]]
    assert rpc("library.book", "search", [["id", "=", saved.args[1]]]) == []


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


def test_replies_for_a_destroyed_owner_are_dropped(qtbot, qapp, session, gate):
    """A reply the server sends after the owner of the call was destroyed is not delivered."""
    from client_qt.models.calls import OwnedCalls
    from client_qt.qt import QObject
    held, results = gate(), []
    owner = QObject()
    OwnedCalls(owner, session).call("test.orm.client.doc", "wait_gate", held.key, "late", on_result=results.append)
    qtbot.waitUntil(lambda: held.waiting() == 1, timeout=TIMEOUT)
    with qtbot.waitSignal(owner.destroyed):
        owner.deleteLater()
    held.release()
    session.runner.wait()
    qapp.processEvents()
    [late] = session.connection.sent("wait_gate")
    assert late.result == "late", "the server did answer"
    assert results == []
    living = QObject()
    OwnedCalls(living, session).call("test.orm.client.doc", "wait_gate", 0, "answer", on_result=results.append)
    qtbot.waitUntil(lambda: results == ["answer"], timeout=TIMEOUT)
    session.runner.wait()


def test_dates_are_iso_in_the_c_locale(qtbot, session, all_types):
    previous = QLocale()
    QLocale.setDefault(QLocale.c())
    try:
        model = all_types_model(session)
        model.set_search(all_types["domain"])
        qtbot.waitUntil(lambda: 0 in model.loaded_pages(), timeout=TIMEOUT)
        assert cell(model, 0, "date") == "2024-03-01"
        assert cell(model, 0, "datetime") == "2024-03-02 00:30"
    finally:
        QLocale.setDefault(previous)
