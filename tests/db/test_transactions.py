"""Transactions: rollback of database and cache, savepoints, hooks and retried concurrent writers
(orm.md CCH-7, TRX-1..5, TST-6; security.md TRX-A)."""
import threading

import psycopg2
import pytest

from bureau.db import retry
from bureau.db.retry import is_retryable, retrying
from bureau.exceptions import ConcurrencyError, ValidationError
from bureau.orm.environment import SUPERUSER_ID, Environment
from conftest import make_env

ORDER = "test.orm.order"


class Boom(Exception):
    """The business error of these tests."""


def load_registry(pg, dbname):
    make_env(pg, dbname).cr.close()


def db_value(pg, dbname, sql, params=None):
    """One value read through another connection (what other transactions see)."""
    with pg.cursor(dbname) as cr:
        cr.execute(sql, params)
        return cr.fetchone()[0]


@pytest.fixture
def committed_order(pg, fresh_db):
    """An order with one line (total 10, discount 1) committed in ``fresh_db``; yields its id."""
    env = make_env(pg, fresh_db)
    try:
        order = env[ORDER].create({"name": "TRX-1", "discount": 1.0,
                                   "line_ids": [(0, 0, {"name": "l", "price": 10.0})]})
        env.cr.commit()
        yield order.id
    finally:
        env.cr.close()


@pytest.fixture
def trx_env(pg, fresh_db, committed_order):
    env = make_env(pg, fresh_db)
    yield env
    env.cr.close()


# -- rollback: database and cache (TST-6, CCH-7) --------------------------------------------------
def test_exception_after_a_write_leaves_database_and_cache_unchanged(pg, fresh_db, trx_env, committed_order):
    env = trx_env
    order = env[ORDER].browse(committed_order)
    assert (order.discount, order.total_with_tax) == (1.0, 10.8)
    try:
        order.write({"discount": 5.0})
        order.line_ids.price = 20.0
        env.flush_all()
        assert order.total_with_tax == 18.0
        raise Boom()
    except Boom:
        env.cr.rollback()  # what the service layer does with a failed call
    # cache: values come back from the database, not from the failed call
    assert (order.discount, order.total, order.total_with_tax) == (1.0, 10.0, 10.8)
    assert order.line_ids.price == 10.0
    # database, seen from another transaction
    assert db_value(pg, fresh_db, "SELECT discount FROM test_orm_order WHERE id = %s", [order.id]) == 1.0
    assert db_value(pg, fresh_db, "SELECT total FROM test_orm_order WHERE id = %s", [order.id]) == 10.0


def test_pending_writes_are_discarded_by_rollback_not_flushed_later(pg, fresh_db, trx_env, committed_order):
    env = trx_env
    order = env[ORDER].browse(committed_order)
    order.write({"discount": 7.0})  # buffered, not yet sent
    env.cr.rollback()
    env.cr.commit()  # nothing left to flush
    assert db_value(pg, fresh_db, "SELECT discount FROM test_orm_order WHERE id = %s", [order.id]) == 1.0
    assert order.discount == 1.0


def test_failed_constraint_rolls_back_the_call_through_the_cursor_context(pg, fresh_db, committed_order):
    load_registry(pg, fresh_db)
    with pytest.raises(ValidationError):
        with pg.cursor(fresh_db) as cr:
            env = Environment(cr, SUPERUSER_ID, {})
            env[ORDER].create({"name": "TRX-2"})
            env[ORDER].browse(committed_order).write({"discount": -1.0})
    assert db_value(pg, fresh_db, "SELECT count(*) FROM test_orm_order WHERE name = 'TRX-2'") == 0
    assert db_value(pg, fresh_db, "SELECT discount FROM test_orm_order WHERE id = %s", [committed_order]) == 1.0


def test_savepoint_rollback_keeps_earlier_work_and_resets_the_cache(pg, fresh_db, trx_env, committed_order):
    env = trx_env
    order = env[ORDER].browse(committed_order)
    order.write({"discount": 2.0})  # earlier work, still pending when the savepoint opens
    kept = env[ORDER].create({"name": "TRX-kept"})
    with pytest.raises(Boom):
        with env.cr.savepoint():
            order.write({"discount": 3.0})
            order.line_ids.price = 50.0
            env[ORDER].create({"name": "TRX-lost"})
            env.flush_all()
            raise Boom()
    assert order.discount == 2.0
    assert order.line_ids.price == 10.0
    assert order.total_with_tax == 9.6
    assert kept.exists() and kept.name == "TRX-kept"
    assert not env[ORDER].search([("name", "=", "TRX-lost")])
    env.cr.commit()
    assert db_value(pg, fresh_db, "SELECT discount FROM test_orm_order WHERE id = %s", [order.id]) == 2.0
    assert db_value(pg, fresh_db, "SELECT count(*) FROM test_orm_order WHERE name LIKE 'TRX-%%'") == 2


def test_savepoint_success_keeps_the_work_and_nested_savepoints_unwind_separately(trx_env, committed_order):
    env = trx_env
    order = env[ORDER].browse(committed_order)
    with env.cr.savepoint():
        order.discount = 2.0
        with pytest.raises(Boom):
            with env.cr.savepoint():
                order.discount = 3.0
                raise Boom()
        assert order.discount == 2.0
        order.name = "TRX-renamed"
    assert (order.name, order.discount) == ("TRX-renamed", 2.0)
    env.cr.execute("SELECT name, discount FROM test_orm_order WHERE id = %s", [order.id])
    assert env.cr.fetchone() == ("TRX-renamed", 2.0)


def test_database_error_inside_a_savepoint_leaves_the_transaction_usable(trx_env, committed_order):
    env = trx_env
    with pytest.raises(psycopg2.errors.UndefinedTable):
        with env.cr.savepoint():
            env.cr.execute("SELECT * FROM no_such_table")
    assert env[ORDER].browse(committed_order).name == "TRX-1"


# -- hooks (TRX-3) -------------------------------------------------------------------------------
def test_commit_runs_precommit_in_the_transaction_then_postcommit_after_it(pg, fresh_db):
    seen = []
    cr = pg.cursor(fresh_db)
    try:
        cr.execute("CREATE TABLE hook_demo (x text)")

        def precommit():
            cr.execute("INSERT INTO hook_demo VALUES ('from precommit')")
            seen.append("pre")

        def postcommit():
            # committed: another transaction sees the row written by the precommit hook
            seen.append(("post", db_value(pg, fresh_db, "SELECT count(*) FROM hook_demo")))

        cr.precommit.add(precommit)
        cr.postcommit.add(postcommit)
        cr.postrollback.add(lambda: seen.append("rolled back"))
        assert seen == []
        cr.commit()
        assert seen == ["pre", ("post", 1)]
        cr.commit()  # hooks run once
        cr.rollback()  # the post-rollback hook was dropped by the commit
        assert seen == ["pre", ("post", 1)]
    finally:
        cr.close()


def test_rollback_drops_commit_hooks_and_runs_postrollback(pg, fresh_db):
    seen = []
    cr = pg.cursor(fresh_db)
    try:
        cr.precommit.add(lambda: seen.append("pre"))
        cr.postcommit.add(lambda: seen.append("post"))
        cr.postrollback.add(lambda: seen.append("rolled back"))
        cr.rollback()
        assert seen == ["rolled back"]
        cr.commit()
        assert seen == ["rolled back"]
        assert (len(cr.precommit), len(cr.postcommit), len(cr.postrollback)) == (0, 0, 0)
    finally:
        cr.close()


def test_closing_a_cursor_rolls_back_and_runs_postrollback(pg, fresh_db):
    seen = []
    cr = pg.cursor(fresh_db)
    cr.postcommit.add(lambda: seen.append("post"))
    cr.postrollback.add(lambda: seen.append("rolled back"))
    cr.close()
    assert seen == ["rolled back"]


# -- retries and concurrent writers (TRX-4, TRX-5) ------------------------------------------------
def test_non_retryable_error_is_raised_once_and_rolled_back(pg, fresh_db, committed_order):
    load_registry(pg, fresh_db)
    attempts = []

    def work(cr):
        attempts.append(1)
        env = Environment(cr, SUPERUSER_ID, {})
        env[ORDER].browse(committed_order).discount = 9.0
        env.flush_all()
        raise Boom()

    with pytest.raises(Boom):
        retrying(work, lambda: pg.cursor(fresh_db))
    assert len(attempts) == 1
    assert db_value(pg, fresh_db, "SELECT discount FROM test_orm_order WHERE id = %s", [committed_order]) == 1.0


def raise_sqlstate(cr, code):
    """Make PostgreSQL itself fail with SQLSTATE ``code``."""
    cr.execute(f"DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '{code}'; END $$")


@pytest.mark.parametrize("code,expected", [("40001", True), ("40P01", True), ("55P03", True),
                                           ("23505", False), ("22012", False)])
def test_retryable_error_codes(pg, orm_db, code, expected):
    cr = pg.cursor(orm_db)
    try:
        with pytest.raises(psycopg2.Error) as info:
            raise_sqlstate(cr, code)
    finally:
        cr.close()
    assert info.value.pgcode == code
    assert is_retryable(info.value) is expected
    try:  # the ORM may wrap database errors: the cause still counts
        raise ValidationError("mapped") from info.value
    except ValidationError as wrapped:
        assert is_retryable(wrapped) is expected
    assert not is_retryable(ValueError("x"))


def test_retries_give_up_with_concurrency_error(pg, fresh_db, monkeypatch):
    monkeypatch.setattr(retry, "MAX_DELAY", 0.0)
    attempts = []

    def work(cr):
        attempts.append(1)
        raise_sqlstate(cr, "40001")

    with pytest.raises(ConcurrencyError, match="concurrent update") as info:
        retrying(work, lambda: pg.cursor(fresh_db), attempts=3)
    assert len(attempts) == 3
    assert isinstance(info.value.__cause__, psycopg2.errors.SerializationFailure)


def test_retry_runs_the_whole_unit_again_on_a_fresh_cursor(pg, fresh_db, monkeypatch):
    monkeypatch.setattr(retry, "MAX_DELAY", 0.0)
    cursors = []

    def work(cr):
        cursors.append(cr)
        cr.execute("CREATE TABLE IF NOT EXISTS retried (n int)")
        cr.execute("INSERT INTO retried VALUES (%s)", [len(cursors)])
        if len(cursors) == 1:
            raise_sqlstate(cr, "40P01")
        return "done"

    assert retrying(work, lambda: pg.cursor(fresh_db)) == "done"
    assert len(cursors) == 2 and cursors[0] is not cursors[1]
    assert all(cr.closed for cr in cursors)
    # the first attempt's insert was rolled back
    assert db_value(pg, fresh_db, "SELECT array_agg(n) FROM retried") == [2]


def test_two_concurrent_writers_on_one_row_both_succeed_through_retry(pg, fresh_db, committed_order):
    """Both transactions read the row, then both increment it: under REPEATABLE READ the second
    writer gets a serialization failure, is retried on a fresh snapshot, and no update is lost."""
    load_registry(pg, fresh_db)  # for the worker threads
    both_read = threading.Barrier(2, timeout=30)
    attempts = {"A": 0, "B": 0}
    mails = []
    errors = []
    retries_before = retry.retry_count

    def increment(name):
        def work(cr):
            attempts[name] += 1
            env = Environment(cr, SUPERUSER_ID, {})
            order = env[ORDER].browse(committed_order)
            discount = order.discount  # takes the snapshot
            if attempts[name] == 1:
                both_read.wait()
            order.discount = discount + 1.0
            cr.postcommit.add(lambda: mails.append(name))  # external effect: once per call
            return order.discount
        return work

    def thread(name):
        try:
            retrying(increment(name), lambda: pg.cursor(fresh_db))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=thread, args=(name,)) for name in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert db_value(pg, fresh_db, "SELECT discount FROM test_orm_order WHERE id = %s", [committed_order]) == 3.0
    assert sorted(attempts.values()) == [1, 2]
    assert retry.retry_count == retries_before + 1
    assert sorted(mails) == ["A", "B"]
