"""The grouped list model without a view (views.md §4.2), fed with recorded server replies.

Re-record against the live server with ``BUREAU_RECORD_CLIENT=1 pytest tests/client/test_tree_model.py``.
"""
from client_fixtures import replay_session  # noqa: F401 (fixture)
from client_qt.models.list_model import IdRole
from client_qt.models.tree_model import GroupedListModel, KindRole
from client_qt.qt import QLocale, Qt
from client_qt.views.list.parser import parse_list
from test_list_model import SCROLL_DOMAIN, english_locale, make_scroll_contacts, partner_views  # noqa: F401

BOOK_ARCH = '<list><field name="name"/><field name="genre"/><field name="price" sum="Total"/>' \
            '<field name="pages"/></list>'


def grouped_partners(session):
    views = partner_views(session)
    fields = views["models"]["res.partner"]["fields"]
    spec = parse_list(views["views"]["list"]["arch"], fields)
    return GroupedListModel(session, "res.partner", spec, fields, context={})


def labels(model, parent=None):
    from client_qt.qt import QModelIndex
    parent = parent or QModelIndex()
    return [model.data(model.index(row, 0, parent)) for row in range(model.rowCount(parent))]


def test_groups_come_with_counts_and_open_lazily(qtbot, replay_session, english_locale):
    session = replay_session("group_partner_country", setup=make_scroll_contacts)
    model = grouped_partners(session)
    with qtbot.waitSignal(model.groups_loaded):
        model.set_search(SCROLL_DOMAIN, group_by=["country_id"])
    groups = model.groups()
    assert sum(group.count for group in groups) == 205
    assert [g.count for g in groups] == [69, 68, 68]
    assert labels(model)[0] == f"{groups[0].label} (69)"
    assert session.connection.calls("search_read") == []
    first = model.index(0, 0)
    assert model.hasChildren(first) and model.canFetchMore(first)
    with qtbot.waitSignal(model.records_loaded):
        model.fetchMore(first)
    read = session.connection.calls("search_read")
    assert len(read) == 1 and read[0][3]["domain"] == groups[0].domain and read[0][3]["limit"] == 80
    # 69 records fit in one page: no "more" row
    assert model.rowCount(first) == 69
    assert model.data(model.index(0, 0, first), KindRole) == "record"
    assert model.data(model.index(0, 0, first), IdRole)
    assert not model.canFetchMore(first)


def test_nested_group_bys_load_one_level_at_a_time(qtbot, replay_session, english_locale):
    session = replay_session("group_partner_country_company", setup=make_scroll_contacts)
    model = grouped_partners(session)
    with qtbot.waitSignal(model.groups_loaded):
        model.set_search(SCROLL_DOMAIN, group_by=["country_id", "is_company"])
    first = model.index(0, 0)
    with qtbot.waitSignal(model.groups_loaded):
        model.fetchMore(first)
    calls = session.connection.calls("read_group")
    assert [c[2][2] for c in calls] == [["country_id"], ["is_company"]]
    assert calls[1][2][0] == model.groups()[0].domain
    sub = model.groups(model.groups()[0])
    assert [g.label for g in sub] == ["No", "Yes"]
    assert sum(g.count for g in sub) == model.groups()[0].count
    assert session.connection.calls("search_read") == []


def test_group_rows_show_aggregates_and_big_groups_fill_page_by_page(qtbot, replay_session, english_locale):
    from client_qt.qt import QModelIndex
    session = replay_session("group_partner_company_pages", setup=make_scroll_contacts)
    model = grouped_partners(session)
    model.page_size = 80
    with qtbot.waitSignal(model.groups_loaded):
        model.set_search(SCROLL_DOMAIN, group_by=["is_company"])
    people = model.index(0, 0)
    assert model.groups()[0].count == 164
    with qtbot.waitSignal(model.records_loaded):
        model.fetchMore(people)
    assert model.rowCount(people) == 81
    more = model.index(80, 0, people)
    assert model.data(more, KindRole) == "more"
    # showing the "more" row asks for the next page
    with qtbot.waitSignal(model.records_loaded):
        assert model.data(more) == "Load more… (84 remaining)"
    assert [c[3]["offset"] for c in session.connection.calls("search_read")] == [0, 80]
    assert model.rowCount(people) == 161
    with qtbot.waitSignal(model.records_loaded):
        model.data(model.index(160, 0, people))
    assert model.rowCount(people) == 164
    assert len(model.loaded_ids()) == 164
    assert model.rowCount(QModelIndex()) == 2


def test_group_sums_from_read_group(qtbot, replay_session, english_locale):
    session = replay_session("group_book_genre")
    fields = session.connection.call_kw("library.book", "fields_get", [], {})
    model = GroupedListModel(session, "library.book", parse_list(BOOK_ARCH, fields), fields, context={})
    with qtbot.waitSignal(model.groups_loaded):
        model.set_search([], group_by=["genre"])
    call = session.connection.calls("read_group")[0]
    assert call[2][1] == ["price:sum", "pages:sum"]
    novel = next(row for row, group in enumerate(model.groups()) if group.value == "novel")
    assert model.data(model.index(novel, 0)).startswith("Novel (")
    price = model.data(model.index(novel, model.column_index("price")))
    expected = model.groups()[novel].aggregates["price"]
    assert price == QLocale().toString(float(expected), "f", 2)
    assert model.data(model.index(novel, 0), Qt.ItemDataRole.FontRole).bold()
