"""The grouped list model without a view (views.md §4.2), against the live server.

Groups of the scroll contacts (``test_list_model.make_scroll_contacts``) and of the books; counts
and sums are compared with the server's ``read_group`` at test time.
"""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, english_locale  # noqa: F401 (fixture)
from client_qt.models.list_model import IdRole
from client_qt.models.tree_model import GroupedListModel, KindRole
from client_qt.qt import QLocale, Qt
from client_qt.views.list.parser import parse_list
from test_list_model import SCROLL_DOMAIN, contacts, partner_views  # noqa: F401 (fixture)

pytestmark = [pytest.mark.pg, pytest.mark.qt]

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


def server_groups(rpc, group_by):
    return rpc("res.partner", "read_group", SCROLL_DOMAIN, [group_by], [group_by])


def test_groups_come_with_counts_and_open_lazily(qtbot, session, contacts, rpc, english_locale):
    expected = server_groups(rpc, "country_id")
    model = grouped_partners(session)
    with qtbot.waitSignal(model.groups_loaded, timeout=TIMEOUT):
        model.set_search(SCROLL_DOMAIN, group_by=["country_id"])
    groups = model.groups()
    assert sum(group.count for group in groups) == len(contacts)
    assert [g.count for g in groups] == [group["country_id_count"] for group in expected]
    assert [g.label for g in groups] == [group["country_id"][1] for group in expected]
    assert labels(model)[0] == f"{groups[0].label} ({groups[0].count})"
    assert session.connection.sent("search_read") == []
    first = model.index(0, 0)
    assert model.hasChildren(first) and model.canFetchMore(first)
    with qtbot.waitSignal(model.records_loaded, timeout=TIMEOUT):
        model.fetchMore(first)
    read = session.connection.sent("search_read")
    assert len(read) == 1 and read[0].kwargs["domain"] == groups[0].domain and read[0].kwargs["limit"] == 80
    # the group's records fit in one page: no "more" row
    assert groups[0].count <= 80
    assert model.rowCount(first) == groups[0].count
    assert model.data(model.index(0, 0, first), KindRole) == "record"
    assert model.data(model.index(0, 0, first), IdRole)
    assert not model.canFetchMore(first)


def test_nested_group_bys_load_one_level_at_a_time(qtbot, session, contacts, english_locale):
    model = grouped_partners(session)
    with qtbot.waitSignal(model.groups_loaded, timeout=TIMEOUT):
        model.set_search(SCROLL_DOMAIN, group_by=["country_id", "is_company"])
    first = model.index(0, 0)
    with qtbot.waitSignal(model.groups_loaded, timeout=TIMEOUT):
        model.fetchMore(first)
    calls = session.connection.sent("read_group")
    assert [c.args[2] for c in calls] == [["country_id"], ["is_company"]]
    assert calls[1].args[0] == model.groups()[0].domain
    sub = model.groups(model.groups()[0])
    assert [g.value for g in sub] == [group["is_company"] for group in calls[1].result] == [False, True]
    assert [g.label for g in sub] == ["No", "Yes"]
    assert [g.count for g in sub] == [group["is_company_count"] for group in calls[1].result]
    assert sum(g.count for g in sub) == model.groups()[0].count
    assert session.connection.sent("search_read") == []


def test_group_rows_show_aggregates_and_big_groups_fill_page_by_page(qtbot, session, contacts, rpc,
                                                                     english_locale):
    from client_qt.qt import QModelIndex
    [people_group, companies_group] = server_groups(rpc, "is_company")
    count = people_group["is_company_count"]
    assert not people_group["is_company"] and 160 < count <= 240, "the individuals fill three pages of 80"
    model = grouped_partners(session)
    model.page_size = 80
    with qtbot.waitSignal(model.groups_loaded, timeout=TIMEOUT):
        model.set_search(SCROLL_DOMAIN, group_by=["is_company"])
    people = model.index(0, 0)
    assert model.groups()[0].count == count
    with qtbot.waitSignal(model.records_loaded, timeout=TIMEOUT):
        model.fetchMore(people)
    assert model.rowCount(people) == 81
    more = model.index(80, 0, people)
    assert model.data(more, KindRole) == "more"
    # showing the "more" row asks for the next page
    with qtbot.waitSignal(model.records_loaded, timeout=TIMEOUT):
        assert model.data(more) == f"Load more… ({count - 80} remaining)"
    assert [c.kwargs["offset"] for c in session.connection.sent("search_read")] == [0, 80]
    assert model.rowCount(people) == 161
    with qtbot.waitSignal(model.records_loaded, timeout=TIMEOUT):
        model.data(model.index(160, 0, people))
    assert model.rowCount(people) == count
    assert len(model.loaded_ids()) == count
    assert model.rowCount(QModelIndex()) == 2


def test_group_sums_from_read_group(qtbot, session, english_locale):
    fields = session.connection.call_kw("library.book", "fields_get", [], {})
    model = GroupedListModel(session, "library.book", parse_list(BOOK_ARCH, fields), fields, context={})
    with qtbot.waitSignal(model.groups_loaded, timeout=TIMEOUT):
        model.set_search([], group_by=["genre"])
    call = session.connection.sent("read_group")[0]
    assert call.args[1] == ["price:sum", "pages:sum"]
    novel = next(row for row, group in enumerate(model.groups()) if group.value == "novel")
    [answer] = [group for group in call.result if group["genre"] == "novel"]
    assert model.data(model.index(novel, 0)) == f"Novel ({answer['genre_count']})"
    price = model.data(model.index(novel, model.column_index("price")))
    assert answer["price"] and price == QLocale().toString(float(answer["price"]), "f", 2)
    assert model.data(model.index(novel, 0), Qt.ItemDataRole.FontRole).bold()
