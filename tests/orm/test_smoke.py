from bureau.exceptions import ValidationError


def test_create_read_partner(env):
    partner = env["res.partner"].create({"name": "Ada", "city": "London"})
    assert partner.read(["name", "city"]) == [{"id": partner.id, "name": "Ada", "city": "London"}]


def test_order_total_recomputed(env):
    order = env["test.orm.order"].create({"name": "SO1", "line_ids": [(0, 0, {"price": 10, "quantity": 2}),
                                                                       (0, 0, {"price": 5})]})
    assert order.total == 25
    assert order.total_with_tax == 30
    order.line_ids[0].price = 1
    assert order.total == 7
    env["test.orm.order.line"].create({"order_id": order.id, "price": 100})
    assert order.total == 107
    order.line_ids[-1:].unlink()
    assert order.total == 7


def test_constraint(env):
    order = env["test.orm.order"].create({"name": "SO2"})
    try:
        order.discount = -1
    except ValidationError as exc:
        assert "cannot be negative" in str(exc)
    else:
        raise AssertionError("no error")
