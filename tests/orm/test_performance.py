"""Query budgets (orm.md CCH-2..5, TST-2): the number of SQL statements, never the time.

Each test warms what is not under test (access rights, the records' existence), empties the
transaction cache, then counts the statements PostgreSQL receives for the operation.
"""
import math

import pytest

from conftest import QueryCounter, assert_max_queries


@pytest.fixture
def orders(env):
    """200 orders, each with its own partner and 5 lines (CCH-4)."""
    partners = env["res.partner"].create([{"name": f"Perf partner {i:03d}"} for i in range(200)])
    orders = env["test.orm.order"].create([{
        "name": f"PERF-{i:03d}",
        "partner_id": partner.id,
        "line_ids": [(0, 0, {"name": f"line {j}", "price": i + j}) for j in range(5)],
    } for i, partner in enumerate(partners)])
    env.flush_all()
    return orders


@pytest.fixture
def user_env(env):
    """An internal user's environment on the same transaction (ACLs and rules apply)."""
    user = env["res.users"].create({"name": "Perf user", "login": "perf_user",
                                    "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    return env(user=user.id)


def test_iterating_orders_partners_and_lines_has_no_n_plus_1(env, orders):
    env.invalidate_all()
    records = env["test.orm.order"].search([("name", "=like", "PERF-%")])
    assert len(records) == 200
    with assert_max_queries(env, 4):
        for order in records:
            assert order.partner_id.name.startswith("Perf partner")
            assert len(order.line_ids.mapped("price")) == 5


def test_iterating_orders_as_a_user_has_no_n_plus_1(user_env, orders):
    user_env.invalidate_all()
    records = user_env["test.orm.order"].search([("name", "=like", "PERF-%")])
    # warm the user's access rights and rules (cached per registry, not per transaction)
    records[0].partner_id.name
    records[0].line_ids.mapped("price")
    user_env.invalidate_all()
    with assert_max_queries(user_env, 4):
        for order in records:
            assert order.partner_id.name.startswith("Perf partner")
            assert len(order.line_ids.mapped("price")) == 5


def test_search_read_80_rows_with_three_many2one(env, user_env):
    partners = env["res.partner"].create([{"name": f"Row partner {i}"} for i in range(40)])
    currencies = env["res.currency"].search([], limit=3)
    countries = env["res.country"].search([], limit=10)
    assert len(currencies) == 3 and len(countries) == 10
    env["test.orm.perf.row"].create([{
        "name": f"row {i:03d}", "partner_id": partners[i % 40].id, "currency_id": currencies[i % 3].id,
        "country_id": countries[i % 10].id,
    } for i in range(100)])
    model = user_env["test.orm.perf.row"]
    fields = ["name", "partner_id", "currency_id", "country_id"]
    model.search_read([], fields, limit=1)  # the user's access rights in cache
    user_env.invalidate_all()
    with assert_max_queries(user_env, 5):
        rows = model.search_read([], fields, limit=80)
    assert len(rows) == 80
    assert rows[79] == {"id": rows[79]["id"], "name": "row 079", "partner_id": (partners[39].id, "Row partner 39"),
                        "currency_id": (currencies[1].id, currencies[1].display_name),
                        "country_id": (countries[9].id, countries[9].display_name)}


def _display_and_many2one_queries(env, ids):
    env.invalidate_all()
    lines = env["test.orm.order.line"].browse(ids)
    with QueryCounter(env.cr) as counter:
        names = lines.mapped("display_name")
        orders = lines.mapped("order_id.name")
        partners = lines.mapped("order_id.partner_id.display_name")
    assert len(names) == len(ids) and len(orders) == len(ids) // 5 and len(partners) == len(ids) // 5
    return counter.count


def test_display_name_and_many2one_on_1000_records_take_a_constant_number_of_queries(env, orders):
    ids = orders.mapped("line_ids").ids
    assert len(ids) == 1000
    few = _display_and_many2one_queries(env, ids[:100])
    many = _display_and_many2one_queries(env, ids)
    assert many == few
    assert many <= 4


def test_create_1000_records_inserts_in_batches_of_100(env, count_queries):
    vals_list = [{"name": f"batch {i}"} for i in range(1000)]
    env["test.orm.category"].create([{"name": "warm-up"}])  # access and sequences warm
    with count_queries(env) as counter:
        records = env["test.orm.category"].create(vals_list)
        env.flush_all()
    assert len(records) == 1000
    batch = env.registry.create_batch
    assert batch == 100
    assert math.ceil(1000 / batch) <= counter.count <= math.ceil(1000 / batch) + 3
    assert records[-1].name == "batch 999"


def test_write_on_500_records_is_one_update_at_flush(env, count_queries):
    records = env["test.orm.category"].create([{"name": f"write {i}"} for i in range(500)])
    env.flush_all()
    with count_queries(env) as writing:
        records.write({"name": "same"})
    with count_queries(env) as flushing:
        env.flush_all()
    assert writing.count == 0
    assert flushing.count == 1
    env.cr.execute("SELECT count(*) FROM test_orm_category WHERE id IN %s AND name = 'same'", [tuple(records.ids)])
    assert env.cr.fetchone()[0] == 500


def test_read_3000_records_uses_the_prefetch_batch(env, count_queries, monkeypatch):
    records = env["test.orm.category"].create([{"name": f"read {i}"} for i in range(3000)])
    env.flush_all()
    assert env.registry.prefetch_batch == 1000
    env.invalidate_all()
    with count_queries(env) as counter:
        rows = records.read(["name"])
    assert len(rows) == 3000 and rows[-1]["name"] == "read 2999"
    assert counter.count == 3

    monkeypatch.setattr(env.registry, "prefetch_batch", 500)
    env.invalidate_all()
    with count_queries(env) as counter:
        records.read(["name"])
    assert counter.count == 6


def test_many2many_values_of_200_records_take_one_query(env, orders):
    tags = env["test.orm.tag"].create([{"name": f"perf tag {i}"} for i in range(3)])
    for index, order in enumerate(orders):
        order.tag_ids = [(6, 0, tags[: index % 4].ids)]
    env.flush_all()
    env.invalidate_all()
    records = env["test.orm.order"].browse(orders.ids)
    records.mapped("name")  # the orders themselves in cache
    with assert_max_queries(env, 2):  # the relation, then the tags' names
        names = [order.tag_ids.mapped("name") for order in records]
    assert names[3] == ["perf tag 0", "perf tag 1", "perf tag 2"] and names[4] == []


def test_read_1000_records_with_a_many2one_as_a_user(user_env, orders):
    line_ids = orders.mapped("line_ids").ids
    lines = user_env["test.orm.order.line"].browse(line_ids)
    lines[:1].read(["order_id"])  # the user's access rights in cache
    user_env.invalidate_all()
    with assert_max_queries(user_env, 2):
        rows = lines.read(["name", "order_id", "price"])
    assert len(rows) == 1000
    assert rows[0]["order_id"] == (orders[0].id, "PERF-000")
