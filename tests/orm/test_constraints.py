"""SQL constraints, the mapping of PostgreSQL integrity errors and Python constraints
(orm.md CON-1..3, DEC-4).

``test.orm.constrained`` declares a unique and a check constraint, a required stored computed
field left empty for names starting with '-', a ``restrict`` foreign key to ``res.partner`` and a
Python constraint that queries the table.
"""
import pytest

from bureau.exceptions import UserError, ValidationError


def raises_in_call(env, exc_type):
    """Run the block like one RPC call: its savepoint is rolled back when it raises."""
    class Call:
        def __enter__(self):
            self.raises = pytest.raises(exc_type)
            self.info = self.raises.__enter__()
            self.savepoint = env.cr.savepoint()
            self.savepoint.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.savepoint.__exit__(*exc)
            return self.raises.__exit__(*exc) if not handled else True
    return Call()


def test_unique_constraint_created_with_table_prefixed_name(env):
    env.cr.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = 'test_orm_constrained'::regclass AND contype IN ('u', 'c') ORDER BY conname")
    assert env.cr.fetchall() == [("test_orm_constrained_amount_positive", "CHECK ((amount >= 0))"),
                                 ("test_orm_constrained_name_uniq", "UNIQUE (name)")]


def test_unique_violation_on_create_raises_declared_message(env):
    Constrained = env["test.orm.constrained"]
    Constrained.create({"name": "alpha"})
    with raises_in_call(env, ValidationError) as info:
        Constrained.create({"name": "alpha"})
    assert str(info.value) == "Constrained names must be unique."
    assert Constrained.search_count([("name", "=", "alpha")]) == 1


def test_unique_violation_on_write_raises_declared_message_at_flush(env):
    Constrained = env["test.orm.constrained"]
    first, second = Constrained.create([{"name": "one"}, {"name": "two"}])
    with raises_in_call(env, ValidationError) as info:
        second.write({"name": "one"})
        env.flush_all()
    assert str(info.value) == "Constrained names must be unique."
    assert second.name == "two"


def test_unique_violation_of_a_base_model_constraint(env):
    env["res.country"].create({"name": "Uniqueland", "code": "UQ"})
    with raises_in_call(env, ValidationError) as info:
        env["res.country"].create({"name": "Other Uniqueland", "code": "UQ"})
    assert str(info.value) == "The code of the country must be unique!"


def test_check_violation_raises_declared_message(env):
    with raises_in_call(env, ValidationError) as info:
        env["test.orm.constrained"].create({"name": "negative", "amount": -1})
    assert str(info.value) == "The amount cannot be negative."


def test_transaction_usable_after_a_mapped_integrity_error(env):
    """CON-2: the failing statement's savepoint is rolled back: later statements work."""
    Constrained = env["test.orm.constrained"]
    kept = Constrained.create({"name": "kept"})
    with raises_in_call(env, ValidationError):
        Constrained.create({"name": "kept"})
    assert Constrained.create({"name": "after"}).code == "AFT"
    assert Constrained.search([("name", "in", ["kept", "after"])], order="id").mapped("name") == ["kept", "after"]
    assert kept.exists()


def test_not_null_violation_names_label_field_and_model(env):
    """CON-2: the required stored computed ``code`` computed empty reaches the NOT NULL column."""
    with raises_in_call(env, ValidationError) as info:
        env["test.orm.constrained"].create({"name": "-dash"})
        env.flush_all()
    message = str(info.value)
    assert "Short code" in message and "code" in message
    assert "test.orm.constrained" in message and "Constrained record" in message


def test_required_field_missing_is_refused_before_sql(env, count_queries):
    """FLD-12: missing required values are listed by label before any statement runs (once the
    user-defined defaults of the model are known)."""
    env["test.orm.constrained"].default_get(["name"])
    with count_queries(env) as counter:
        with pytest.raises(ValidationError) as info:
            env["test.orm.constrained"].create({"amount": 1})
    assert "Name (name)" in str(info.value)
    assert counter.count == 0


def test_foreign_key_violation_on_insert_is_a_validation_error(env):
    env.cr.execute("SELECT max(id) + 1000 FROM res_partner")
    (missing,) = env.cr.fetchone()
    with raises_in_call(env, ValidationError) as info:
        env["test.orm.constrained"].create({"name": "dangling", "partner_id": missing})
        env.flush_all()
    assert "does not exist" in str(info.value)


def test_foreign_key_violation_on_write_is_a_validation_error(env):
    record = env["test.orm.constrained"].create({"name": "dangling-write"})
    env.cr.execute("SELECT max(id) + 1000 FROM res_partner")
    (missing,) = env.cr.fetchone()
    with raises_in_call(env, ValidationError) as info:
        record.write({"partner_id": missing})
        env.flush_all()
    assert "does not exist" in str(info.value)


def test_restricting_foreign_key_on_delete_is_a_user_error(env):
    partner = env["res.partner"].create({"name": "Referenced"})
    env["test.orm.constrained"].create({"name": "referencing", "partner_id": partner.id})
    with raises_in_call(env, UserError) as info:
        partner.unlink()
    assert not isinstance(info.value, ValidationError)
    assert "Constrained record" in str(info.value)
    assert partner.exists()


def test_restricting_foreign_key_of_base_model_on_delete(env):
    country = env["res.country"].create({"name": "Restrictland", "code": "RX"})
    env["res.partner"].create({"name": "Resident", "country_id": country.id})
    with raises_in_call(env, UserError) as info:
        country.unlink()
    assert "Contact" in str(info.value)
    assert country.exists()


def test_cascading_foreign_key_deletes_the_referencing_rows(env):
    order = env["test.orm.order"].create({"name": "SO-cascade"})
    record = env["test.orm.constrained"].create({"name": "cascaded", "order_id": order.id})
    order.unlink()
    assert not record.exists()


def test_python_constraint_sees_values_written_by_the_same_call(env):
    """CON-3: the constraint queries the table and finds the row the call has just written."""
    Constrained = env["test.orm.constrained"]
    Constrained.create({"name": "Mixed"})
    other = Constrained.create({"name": "different"})
    with raises_in_call(env, ValidationError) as info:
        other.write({"name": "MIXED"})
    assert str(info.value) == "The name MIXED already exists with another case."
    assert other.name == "different"
    env.cr.execute("SELECT name FROM test_orm_constrained WHERE id = %s", [other.id])
    assert env.cr.fetchone() == ("different",)


def test_python_constraint_failure_on_create_leaves_no_row(env):
    """CON-3: the INSERT already ran when the Python constraint fails; the call removes it."""
    Constrained = env["test.orm.constrained"]
    Constrained.create({"name": "Case"})
    env.cr.execute("SELECT count(*) FROM test_orm_constrained")
    (before,) = env.cr.fetchone()
    with raises_in_call(env, ValidationError):
        Constrained.create([{"name": "fine"}, {"name": "CASE"}])
    env.cr.execute("SELECT count(*) FROM test_orm_constrained")
    assert env.cr.fetchone() == (before,)
    assert not Constrained.search([("name", "=", "fine")])


def test_required_stored_computed_field_is_computed_before_the_insert(env):
    """A NOT NULL computed column gets its value in the INSERT itself, then follows its dependencies."""
    record = env["test.orm.constrained"].create({"name": "alpha"})
    env.cr.execute("SELECT code FROM test_orm_constrained WHERE id = %s", [record.id])
    assert env.cr.fetchone() == ("ALP",)
    record.name = "beta"
    assert record.code == "BET"
