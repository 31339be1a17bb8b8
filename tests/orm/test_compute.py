"""Computed, related and inverse fields and their recomputation triggers (orm.md §5, DEC-4, TST-5).

The order example: ``test.orm.order`` computes ``total``/``line_count`` from ``line_ids.subtotal``
(itself computed on the lines), ``total_with_tax`` from ``total``, ``partner_country_code`` as a
stored related field, ``tag_names`` through a many2many and ``tree_total`` recursively over
``child_ids``.
"""
import pytest

from bureau import Command
from bureau.exceptions import ValidationError


def column_values(env, model, fnames, record):
    """The values of ``fnames`` in the table row of ``record`` (flushes first)."""
    env.flush_all()
    columns = ", ".join(f'"{name}"' for name in fnames)
    env.cr.execute(f'SELECT {columns} FROM "{env[model]._table}" WHERE id = %s', [record.id])
    return env.cr.fetchone()


def pending(env, record, fname):
    """Whether ``record`` is marked for recomputation of the stored computed ``fname``."""
    field = record._fields[fname]
    return record.id in env.records_to_compute(field).ids


@pytest.fixture
def compute_calls(env):
    """How many times each compute method of ``test.orm.compute.sample`` ran (addon importable once
    the test addons path is set)."""
    from bureau.addons.test_orm.models.compute import COMPUTE_CALLS
    return COMPUTE_CALLS


@pytest.fixture
def country(env):
    return env["res.country"].create({"name": "Testland", "code": "TL"})


@pytest.fixture
def partner(env, country):
    return env["res.partner"].create({"name": "Ada", "country_id": country.id})


@pytest.fixture
def order(env, partner):
    return env["test.orm.order"].create({
        "name": "SO-compute",
        "partner_id": partner.id,
        "line_ids": [Command.create({"price": 10, "quantity": 2}), Command.create({"price": 5})],
    })


# -- CMP-6: the trigger graph, case by case ------------------------------------------------------

def test_same_record_dependency_recomputes_subtotal(env, order):
    """CMP-6 case 1: ``price`` → ``subtotal`` on the same line."""
    line = order.line_ids[0]
    line.price = 7
    assert line.subtotal == 14
    assert column_values(env, "test.orm.order.line", ["subtotal"], line) == (14,)


def test_many2one_path_country_code_change_updates_orders(env, order, country):
    """CMP-6 case 2: changing ``code`` on the country reaches the orders of its partners."""
    assert order.partner_country_code == "TL"
    country.code = "TX"
    assert pending(env, order, "partner_country_code")
    assert order.partner_country_code == "TX"
    assert column_values(env, "test.orm.order", ["partner_country_code"], order) == ("TX",)


def test_many2one_path_finds_all_dependents_with_one_query(env, partner, count_queries):
    """CMP-6 case 2: the orders pointing to a partner are found with one query via ``partner_id``,
    whatever their number; the users and companies inheriting the partner's country through
    ``_inherits`` hold no stored field depending on it, so they are not searched (their non-stored
    values are invalidated)."""
    Order = env["test.orm.order"]
    lone = env["res.partner"].create({"name": "Lone", "country_id": partner.country_id.id})
    first = Order.create({"name": "SO-m2o-lone", "partner_id": lone.id})
    orders = Order.create([{"name": f"SO-m2o-{i}", "partner_id": partner.id} for i in range(6)])
    env.flush_all()
    assert not any(pending(env, o, "partner_country_code") for o in first + orders)
    with count_queries(env) as one:
        lone.modified(["country_id"])
    with count_queries(env) as many:
        partner.modified(["country_id"])
    assert one.count == many.count == 1
    assert all(pending(env, o, "partner_country_code") for o in first + orders)


def test_non_stored_dependents_on_other_models_are_invalidated_without_a_search(env, count_queries):
    """Only non-stored values depend on a partner's city elsewhere (``test.orm.all.types.partner_city``):
    a change forgets them in the cache, with no query to find the records holding them."""
    partner = env["res.partner"].create({"name": "City mover", "city": "Ghent"})
    docs = env["test.orm.all.types"].create([{"name": f"doc {i}", "partner_id": partner.id} for i in range(3)])
    assert docs.mapped("partner_city") == ["Ghent"] * 3
    env.flush_all()
    with count_queries(env) as counted:
        partner.modified(["city"])
    assert counted.count == 0
    partner.city = "Namur"
    assert docs.mapped("partner_city") == ["Namur"] * 3


def test_many2one_path_partner_country_reassigned(env, order, partner):
    other = env["res.country"].create({"name": "Otherland", "code": "OL"})
    partner.country_id = other
    assert order.partner_country_code == "OL"
    partner.country_id = False
    assert order.partner_country_code is False


def test_one2many_path_line_price_change_updates_order_total(env, order):
    """CMP-6 case 3: ``line_ids.subtotal`` changes on a line → its order, via ``order_id``."""
    assert order.total == 25
    order.line_ids.filtered(lambda l: l.price == 5).price = 8
    assert pending(env, order, "total")
    assert order.total == 28
    assert column_values(env, "test.orm.order", ["total", "line_count"], order) == (28, 2)


def test_many2many_path_tag_rename_updates_tag_names(env, order):
    """CMP-6 case 4: renaming a tag reaches the orders through the relation table."""
    tags = env["test.orm.tag"].create([{"name": "blue"}, {"name": "red"}])
    other = env["test.orm.order"].create({"name": "SO-tags", "tag_ids": [Command.set(tags[:1].ids)]})
    order.tag_ids = [Command.set(tags.ids)]
    assert order.tag_names == "blue,red"
    tags[0].name = "cyan"
    assert pending(env, order, "tag_names") and pending(env, other, "tag_names")
    assert order.tag_names == "cyan,red"
    assert other.tag_names == "cyan"
    assert column_values(env, "test.orm.order", ["tag_names"], other) == ("cyan",)


def test_many2many_path_tags_linked_unlinked_and_deleted(env, order):
    """CMP-6 cases 4-6 through the relation table: link, unlink, and deletion of a tag."""
    Tag = env["test.orm.tag"]
    x, y = Tag.create([{"name": "x"}, {"name": "y"}])
    order.write({"tag_ids": [Command.link(x.id), Command.link(y.id)]})
    assert order.tag_names == "x,y"
    order.write({"tag_ids": [Command.unlink(x.id)]})
    assert order.tag_names == "y"
    order.write({"tag_ids": [Command.create({"name": "z"})]})
    assert order.tag_names == "y,z"
    y.unlink()
    assert order.tag_names == "z"
    assert column_values(env, "test.orm.order", ["tag_names"], order) == ("z",)


def test_relational_field_itself_lines_added_and_removed_by_commands(env, order):
    """CMP-6 case 5: ``line_ids`` changed on the order with commands."""
    order.write({"line_ids": [Command.create({"price": 100})]})
    assert (order.total, order.line_count) == (125, 3)
    expensive = order.line_ids.filtered(lambda l: l.price == 100)
    order.write({"line_ids": [Command.delete(expensive.id)]})
    assert (order.total, order.line_count) == (25, 2)
    order.write({"line_ids": [Command.clear()]})
    assert (order.total, order.line_count) == (0, 0)


def test_relational_field_itself_line_moved_to_another_order(env, order):
    """CMP-6 case 5: a line reassigned to another order recomputes both the old and the new one."""
    other = env["test.orm.order"].create({"name": "SO-other"})
    line = order.line_ids.filtered(lambda l: l.price == 10)
    line.order_id = other
    assert (order.total, other.total) == (5, 20)
    assert column_values(env, "test.orm.order", ["total"], order) == (5,)
    assert column_values(env, "test.orm.order", ["total"], other) == (20,)


def test_relational_field_itself_partner_reassigned(env, order):
    """CMP-6 case 5: ``partner_id`` reassigned on the order."""
    foreign = env["res.country"].create({"name": "Farland", "code": "FL"})
    order.partner_id = env["res.partner"].create({"name": "Bob", "country_id": foreign.id})
    assert order.partner_country_code == "FL"
    order.partner_id = False
    assert order.partner_country_code is False


def test_far_side_line_created_with_order_id_updates_total(env, order):
    """CMP-6 case 6: a line created on its own with ``order_id`` set."""
    assert order.total == 25
    env["test.orm.order.line"].create({"order_id": order.id, "price": 3, "quantity": 3})
    assert (order.total, order.line_count) == (34, 3)
    assert column_values(env, "test.orm.order", ["total", "line_count"], order) == (34, 3)


def test_far_side_line_unlinked_updates_total(env, order):
    """CMP-6 case 6: a line deleted on its own."""
    assert order.total == 25
    order.line_ids.filtered(lambda l: l.price == 10).unlink()
    assert (order.total, order.line_count) == (5, 1)
    assert column_values(env, "test.orm.order", ["total", "line_count"], order) == (5, 1)


def test_far_side_changes_without_reading_are_flushed(env, order):
    """CMP-6 case 6: create and unlink of lines, then only a flush: the column is right."""
    env["test.orm.order.line"].create({"order_id": order.id, "price": 1})
    order.line_ids.filtered(lambda l: l.price == 5).unlink()
    assert column_values(env, "test.orm.order", ["total", "line_count"], order) == (21, 2)


def test_far_side_partner_deleted_clears_the_related_code(env, order, partner):
    """CMP-6 case 6 along a many2one: the partner is deleted (``ON DELETE SET NULL``)."""
    assert order.partner_country_code == "TL"
    partner.unlink()
    assert not order.partner_id
    assert order.partner_country_code is False
    assert column_values(env, "test.orm.order", ["partner_country_code"], order) == (None,)


def test_chain_total_with_tax_follows_total(env, order):
    """CMP-6 case 7: ``total_with_tax`` depends on the stored computed ``total``."""
    assert order.total_with_tax == 30
    order.line_ids.filtered(lambda l: l.price == 10).quantity = 5
    # nothing read: the flush must compute total before total_with_tax
    assert column_values(env, "test.orm.order", ["total", "total_with_tax"], order) == (55, 66)
    order.discount = 5
    assert order.total_with_tax == 60


def test_recursive_tree_total_over_three_levels(env):
    """CMP-6 case 8: ``tree_total`` (``recursive=True``) climbs the ``parent_id`` chain."""
    Order = env["test.orm.order"]
    root = Order.create({"name": "T-root", "line_ids": [Command.create({"price": 1})]})
    middle = Order.create({"name": "T-mid", "parent_id": root.id, "line_ids": [Command.create({"price": 10})]})
    leaf = Order.create({"name": "T-leaf", "parent_id": middle.id, "line_ids": [Command.create({"price": 100})]})
    assert (root.tree_total, middle.tree_total, leaf.tree_total) == (111, 110, 100)
    leaf.line_ids.price = 200
    assert column_values(env, "test.orm.order", ["tree_total"], root) == (211,)
    assert (root.tree_total, middle.tree_total, leaf.tree_total) == (211, 210, 200)
    leaf.parent_id = root
    assert (root.tree_total, middle.tree_total) == (211, 10)
    leaf.unlink()
    assert root.tree_total == 11


def test_recursive_field_on_a_cycle_terminates(env):
    """CMP-6 case 8: marking stops at records already marked, even around a cycle."""
    Order = env["test.orm.order"]
    first = Order.create({"name": "C-1", "line_ids": [Command.create({"price": 1})]})
    second = Order.create({"name": "C-2", "parent_id": first.id, "line_ids": [Command.create({"price": 2})]})
    assert first.tree_total == 3
    first.parent_id = second
    first.line_ids.price = 10
    env.flush_all()
    assert not pending(env, first, "tree_total") and not pending(env, second, "tree_total")


# -- CMP-1, CMP-3, CMP-4 ------------------------------------------------------------------------------

def test_compute_leaving_a_record_unassigned_raises_naming_field_and_record(env):
    """CMP-1: a compute method must assign every record."""
    samples = env["test.orm.compute.sample"].create([{"name": "ok"}, {"name": "skip"}])
    with pytest.raises(ValueError) as info:
        samples[1].partial
    message = str(info.value)
    assert "partial" in message and f"test.orm.compute.sample({samples[1].id},)" in message


def test_fields_sharing_a_compute_method_are_computed_together(env, order):
    """CMP-1: reading ``total`` also brings ``line_count`` (same method) into the cache."""
    order.line_ids[0].price = 1
    assert pending(env, order, "total") and pending(env, order, "line_count")
    assert order.total == 7
    assert not pending(env, order, "line_count")
    assert env.cache.contains(order, order._fields["line_count"])


def test_non_stored_compute_is_cached_until_a_dependency_changes(env, compute_calls):
    """CMP-3: computed once for the whole prefetch set, again only after ``value`` changed."""
    Sample = env["test.orm.compute.sample"]
    samples = Sample.create([{"name": "a", "value": 1}, {"name": "b", "value": 2}])
    samples.invalidate_recordset()
    start = compute_calls["_compute_doubled"]
    assert [s.doubled for s in samples] == [2, 4]
    assert [s.doubled for s in samples] == [2, 4]
    assert compute_calls["_compute_doubled"] == start + 1
    samples[0].value = 10
    assert samples[0].doubled == 20
    assert samples[1].doubled == 4
    assert compute_calls["_compute_doubled"] == start + 2


def test_non_stored_compute_over_stored_compute_is_invalidated(env, order):
    """CMP-3: ``shown_total`` (not stored) follows ``total`` (stored, recomputed)."""
    assert order.shown_total == "25.00"
    order.line_ids[0].price = 0
    assert order.shown_total == "5.00"


def test_computed_field_defaults(env):
    """CMP-2: not stored, readonly unless inverse, not copied, computed as superuser when stored."""
    order_fields = env["test.orm.order"]._fields
    total, shown = order_fields["total"], order_fields["shown_total"]
    assert (total.store, total.readonly, total.copy, total.compute_sudo) == (True, True, False, True)
    assert (shown.store, shown.readonly, shown.copy, shown.compute_sudo) == (False, True, False, False)
    doubled = env["test.orm.compute.sample"]._fields["doubled"]
    assert (doubled.store, doubled.readonly) == (False, False)


def test_stored_compute_without_dependencies_is_computed_at_creation_only(env):
    """CMP-5: ``initial`` has no dependencies."""
    sample = env["test.orm.compute.sample"].create({"name": "init", "value": 3})
    assert sample.initial == "v3"
    sample.value = 5
    assert sample.initial == "v3"
    assert column_values(env, "test.orm.compute.sample", ["initial"], sample) == ("v3",)


def test_stored_compute_is_lazy_until_read_or_flush(env, order):
    """CMP-4: a dependency change only marks the order; the column is right after the flush."""
    env.flush_all()
    order.line_ids[0].price = 50
    assert pending(env, order, "total")
    env.cr.execute("SELECT total FROM test_orm_order WHERE id = %s", [order.id])
    assert env.cr.fetchone() == (25,)
    env.flush_all()
    assert not pending(env, order, "total")
    env.cr.execute("SELECT total FROM test_orm_order WHERE id = %s", [order.id])
    assert env.cr.fetchone() == (105,)


def test_stored_compute_searched_in_sql_sees_pending_values(env, order):
    """CMP-4: ``search`` on a stored computed field recomputes pending values first."""
    order.line_ids[0].price = 50
    Order = env["test.orm.order"]
    assert Order.search([("total", "=", 105)]) == order
    assert Order.search([("total", "=", 25), ("id", "=", order.id)]) == Order.browse()


def test_stored_compute_sortable(env):
    """CMP-4: a search ordered by a stored computed field uses its current values."""
    Order = env["test.orm.order"]
    orders = Order.create([{"name": f"S-{i}", "line_ids": [Command.create({"price": p})]}
                           for i, p in enumerate((3, 1, 2))])
    orders[0].line_ids.price = 0
    found = Order.search([("id", "in", orders.ids)], order="total")
    assert found.mapped("total") == [0, 1, 2]


# -- CMP-7, CMP-8, CMP-9 -----------------------------------------------------------------------------

def test_explicit_value_on_create_is_kept(env):
    """CMP-7: a value given to create for a stored computed field is stored as is."""
    order = env["test.orm.order"].create({"name": "SO-explicit", "total": 99,
                                          "line_ids": [Command.create({"price": 1})]})
    assert not pending(env, order, "total")
    assert column_values(env, "test.orm.order", ["total", "line_count", "total_with_tax"], order)[0] == 99
    # still recomputed later when a dependency changes
    order.line_ids.price = 4
    assert order.total == 4


def test_explicit_value_on_write_is_kept(env, order):
    """CMP-7: writing a stored computed field together with a dependency keeps the written value."""
    line = order.line_ids[0]
    order.write({"total": 1000, "line_ids": [Command.update(line.id, {"price": 0})]})
    assert order.total == 1000
    assert column_values(env, "test.orm.order", ["total"], order) == (1000,)
    # the chained field is computed from the written value
    assert order.total_with_tax == 1200


def test_inverse_writes_the_underlying_field(env):
    """CMP-8: assigning ``doubled`` runs ``_inverse_doubled``, which writes ``value``."""
    sample = env["test.orm.compute.sample"].create({"name": "inv", "doubled": 8})
    assert sample.value == 4
    sample.doubled = 12
    assert sample.value == 6
    assert column_values(env, "test.orm.compute.sample", ["value"], sample) == (6,)
    sample.invalidate_recordset()
    assert sample.doubled == 12


def test_inverse_runs_after_the_other_values(env):
    """CMP-8: given together with ``value``, the inverse of ``doubled`` has the last word."""
    sample = env["test.orm.compute.sample"].create({"name": "both", "value": 1, "doubled": 8})
    assert sample.value == 4
    sample.write({"value": 2, "doubled": 10})
    assert sample.value == 5


def test_search_method_of_a_non_stored_computed_field(env):
    """CMP-9: a leaf on ``doubled`` is rewritten by ``_search_doubled``."""
    Sample = env["test.orm.compute.sample"]
    samples = Sample.create([{"name": "s1", "value": 3}, {"name": "s2", "value": 5}])
    found = Sample.search([("doubled", "=", 10), ("id", "in", samples.ids)])
    assert found == samples[1]


def test_search_on_non_stored_computed_field_without_search_method_raises(env, order):
    """CMP-9: ``shown_total`` is neither stored nor searchable."""
    with pytest.raises(ValueError):
        env["test.orm.order"].search([("shown_total", "=", "25.00")])


# -- CMP-10: related fields ---------------------------------------------------------------------------

def test_related_field_copies_target_attributes(env):
    """CMP-10: label copied from the target unless overridden; readonly, not copied, sudo-computed."""
    order_field = env["test.orm.order"]._fields["partner_country_code"]
    code_field = env["res.country"]._fields["code"]
    assert order_field.string == code_field.string == "Country Code"
    assert order_field.size == code_field.size
    assert order_field.readonly and order_field.store and not order_field.copy
    assert order_field.compute_sudo
    line_field = env["test.orm.order.line"]._fields["order_partner_id"]
    assert line_field.string == "Customer"
    assert line_field.comodel_name == "res.partner"
    assert not line_field.store and line_field.readonly


def test_related_non_stored_reads_and_searches_through_the_path(env, order, partner):
    line = order.line_ids[0]
    assert line.order_partner_id == partner
    Line = env["test.orm.order.line"]
    assert Line.search([("order_partner_id", "=", partner.id)]) == order.line_ids
    order.partner_id = False
    assert not line.order_partner_id


def test_related_stored_is_sortable_and_searchable_in_sql(env, order):
    Order = env["test.orm.order"]
    assert Order.search([("partner_country_code", "=", "TL")]) == order
    assert order.read(["partner_country_code"])[0]["partner_country_code"] == "TL"


def test_related_readonly_false_writes_through_to_target(env):
    """CMP-10: ``partner_city`` (``readonly=False``) writes the partner's city."""
    partner = env["res.partner"].create({"name": "Carol", "city": "Paris"})
    record = env["test.orm.all.types"].create({"name": "rel", "partner_id": partner.id})
    assert record.partner_city == "Paris"
    record.partner_city = "Lyon"
    assert partner.city == "Lyon"
    assert column_values(env, "res.partner", ["city"], partner) == ("Lyon",)
    created = env["test.orm.all.types"].create({"name": "rel2", "partner_id": partner.id, "partner_city": "Nice"})
    assert created.partner_city == "Nice" and partner.city == "Nice"


def test_related_readonly_field_is_readonly_by_default(env):
    field = env["test.orm.all.types"]._fields["partner_name"]
    assert field.readonly and not field.inverse


# -- CMP-12 ------------------------------------------------------------------------------------------

def test_assignment_inside_compute_does_not_recurse(env, compute_calls):
    """CMP-12: assigning then reading back the field being computed stays in the cache."""
    start = compute_calls["_compute_echo"]
    sample = env["test.orm.compute.sample"].create({"name": "echo", "value": 3})
    assert sample.echo == 4
    assert compute_calls["_compute_echo"] == start + 1
    assert column_values(env, "test.orm.compute.sample", ["echo"], sample) == (4,)


def test_recomputation_does_not_touch_write_date_or_constraints(env):
    """CMP-12 / DEC-4: recomputing ``code`` is no write: no constraint call for the computed value."""
    sample = env["test.orm.compute.sample"].create({"name": "forbidden"})
    assert sample.code == "FORBIDDEN"
    sample.name = "still forbidden"
    sample.name = "forbidden"
    assert column_values(env, "test.orm.compute.sample", ["code"], sample) == ("FORBIDDEN",)


# -- DEC-4 / CON-3: Python constraints ------------------------------------------------------------------

def test_constraint_raises_readable_validation_error_on_write(env, order):
    with pytest.raises(ValidationError) as info:
        order.write({"discount": -1})
    assert str(info.value) == "The discount of SO-compute cannot be negative."


def test_constraint_failure_rolls_the_whole_call_back(env, order):
    """DEC-4: the values written by the failing call are not kept (savepoint as an RPC call)."""
    with pytest.raises(ValidationError):
        with env.cr.savepoint():
            order.write({"discount": -1, "name": "SO-renamed"})
    assert (order.name, order.discount) == ("SO-compute", 0)
    env.cr.execute("SELECT name, COALESCE(discount, 0) FROM test_orm_order WHERE id = %s", [order.id])
    assert env.cr.fetchone() == ("SO-compute", 0)


def test_constraint_on_create_refuses_the_record(env):
    Order = env["test.orm.order"]
    with pytest.raises(ValidationError):
        with env.cr.savepoint():
            Order.create({"name": "SO-negative", "discount": -3})
    assert not Order.search([("name", "=", "SO-negative")])


def test_constraint_only_called_when_its_field_is_written(env, order):
    """DEC-4: an invalid value already in the table does not block writes of other fields."""
    env.flush_all()
    env.cr.execute("UPDATE test_orm_order SET discount = -2 WHERE id = %s", [order.id])
    order.invalidate_recordset()
    order.write({"name": "SO-other-field"})
    assert order.name == "SO-other-field"
    with pytest.raises(ValidationError):
        order.write({"discount": -2})


def test_constraint_on_stored_computed_field_called_when_written_explicitly(env):
    """DEC-4: the constraint on ``code`` runs when ``code`` is in the written values."""
    sample = env["test.orm.compute.sample"].create({"name": "fine"})
    with pytest.raises(ValidationError) as info:
        sample.write({"code": "FORBIDDEN"})
    assert "forbidden" in str(info.value)


def test_constraint_with_dotted_name_is_ignored(env):
    """DEC-4: ``@api.constrains('parent_id.name')`` is dropped at setup (never called)."""
    Sample = env["test.orm.compute.sample"]
    parent = Sample.create({"name": "taboo"})
    child = Sample.create({"name": "child", "parent_id": parent.id})
    child.write({"parent_id": parent.id, "name": "child2"})
    parent.name = "taboo"
    assert child.parent_id.name == "taboo"
    methods = env.registry.constraint_methods["test.orm.compute.sample"]
    assert [fnames for method, fnames in methods if method.__name__ == "_check_parent_name"] == [()]


def test_many2one_path_reaches_archived_dependents(env):
    """CMP-6 case 2: archived records pointing to the modified one are recomputed as well."""
    Sample = env["test.orm.compute.sample"]
    parent = Sample.create({"name": "parent"})
    child = Sample.create({"name": "child", "parent_id": parent.id, "active": False})
    assert child.parent_name == "parent"
    assert parent.child_ids == Sample.browse()
    parent.name = "renamed"
    assert child.parent_name == "renamed"
    assert column_values(env, "test.orm.compute.sample", ["parent_name"], child) == ("renamed",)


def test_depends_context_on_the_compute_method_keys_the_cache(env):
    """``@api.depends_context`` on the method: a value computed in one context is not served in another."""
    record = env["test.orm.compute.sample"].create({"name": "Ada"})
    assert record.greeting == "Hello Ada"
    assert record.with_context(salutation="Bonjour").greeting == "Bonjour Ada"
    assert record.with_context(salutation="Hallo").greeting == "Hallo Ada"
    assert record.greeting == "Hello Ada"
