"""Crash safety and concurrency against real servers (security.md §8, TRX-A, TRX-B, TRX-E).

A call is one transaction: whatever kills it (the server process, its worker, its PostgreSQL
backend) leaves none of its rows; concurrent calls that conflict are retried, so none is lost.
"""
import concurrent.futures
import json
import os
import signal
import threading
import time
import urllib.request
import xmlrpc.client

import pytest

from bureau.rpc.errors import DATABASE_MESSAGES
from conftest import ADMIN_PASSWORD, new_db_name, start_server

pytestmark = [pytest.mark.pg, pytest.mark.faults, pytest.mark.slow]

BIG_CREATE = 100_000


@pytest.fixture(scope="module")
def faults_db(pg):
    from bureau.modules.loading import install_modules
    from bureau.orm.registry import Registry

    name = new_db_name("test_faults")
    pg.create_database(name)
    install_modules(pg, name, ["test_faults"], admin_password=ADMIN_PASSWORD)
    Registry.delete(name)
    yield name
    Registry.delete(name)
    pg.drop_database(name)


@pytest.fixture
def threaded(pg, faults_db):
    server = start_server(pg, "--db-filter", f"^{faults_db}$")
    yield server
    server.stop()


class Client:
    """XML-RPC calls as ``admin``; a proxy per call, so threads may share the client."""

    def __init__(self, url, dbname):
        self.url = url
        self.dbname = dbname
        self.uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
            dbname, "admin", ADMIN_PASSWORD, {})
        assert self.uid

    def __call__(self, model, method, *args, **kwargs):
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return proxy.execute_kw(self.dbname, self.uid, ADMIN_PASSWORD, model, method, list(args), kwargs)


def wait_for(predicate, timeout=60.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {message}")


def backends(pg, dbname, writing=False):
    """Pids of the client backends of ``dbname`` inside a transaction (only those whose transaction
    wrote: ``writing``); the idle connections of this process's pool do not count."""
    with pg.cursor("postgres") as cr:
        cr.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid != pg_backend_pid() "
                   "AND backend_type = 'client backend' AND state != 'idle'"
                   + (" AND backend_xid IS NOT NULL" if writing else ""), [dbname])
        return [row[0] for row in cr.fetchall()]


def count(pg, dbname, prefix):
    with pg.cursor(dbname) as cr:
        cr.execute("SELECT count(*) FROM test_faults_counter WHERE name LIKE %s", [prefix + " %"])
        return cr.fetchone()[0]


def start_in_thread(function, *args):
    """Run ``function(*args)`` in a thread; returns the thread and a dict receiving its outcome."""
    outcome = {}

    def target():
        try:
            outcome["result"] = function(*args)
        except BaseException as exc:  # the test inspects it
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, outcome


def big_create(client, prefix):
    """A create of many records over JSON-RPC with urllib, which never sends a request twice
    (``xmlrpc.client`` resends once on a reset connection: a new worker would then run the call)."""
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "service": "object", "method": "execute_kw",
        "args": [client.dbname, client.uid, ADMIN_PASSWORD, "test.faults.counter", "create",
                 [[{"name": f"{prefix} {i}"} for i in range(BIG_CREATE)]]]}}).encode()
    request = urllib.request.Request(f"{client.url}/jsonrpc", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as reply:
        return json.loads(reply.read())


def test_sigkill_of_the_threaded_server_mid_create_leaves_no_row(pg, faults_db):
    server = start_server(pg, "--db-filter", f"^{faults_db}$")
    try:
        client = Client(server.url, faults_db)
        thread, outcome = start_in_thread(big_create, client, "killed server")
        wait_for(lambda: backends(pg, faults_db, writing=True), message="the create to write")
        server.process.kill()
        server.process.wait(30)
        thread.join(30)
        assert "error" in outcome
    finally:
        server.stop()
    wait_for(lambda: not backends(pg, faults_db), message="PostgreSQL to end the killed server's sessions")
    assert count(pg, faults_db, "killed server") == 0


def test_sigkill_of_a_worker_mid_create_leaves_no_row_and_a_new_worker_serves(pg, faults_db):
    server = start_server(pg, "--workers", "1", "--db-filter", f"^{faults_db}$")
    try:
        client = Client(server.url, faults_db)
        pid = server.process.pid
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            (worker,) = [int(item) for item in handle.read().split()]
        thread, outcome = start_in_thread(big_create, client, "killed worker")
        wait_for(lambda: backends(pg, faults_db, writing=True), message="the create to write")
        os.kill(worker, signal.SIGKILL)
        thread.join(30)
        assert "error" in outcome
        wait_for(lambda: not backends(pg, faults_db, writing=True), message="the rollback")
        assert count(pg, faults_db, "killed worker") == 0
        # the arbiter started another worker, which answers
        assert client("test.faults.counter", "search_count", [("name", "like", "killed worker %")]) == 0
        assert server.process.poll() is None
    finally:
        server.stop()


def test_terminated_backend_mid_write_leaves_no_row_and_the_next_call_succeeds(pg, faults_db, threaded):
    client = Client(threaded.url, faults_db)
    # warm the pool: the terminated connection must be replaced, not only a fresh one opened
    assert client("test.faults.counter", "search_count", []) >= 0
    thread, outcome = start_in_thread(client, "test.faults.counter", "create_slowly", "terminated", 400, 0.02)
    (backend,) = wait_for(lambda: backends(pg, faults_db, writing=True), message="the create to write")
    with pg.cursor("postgres") as cr:
        cr.execute("SELECT pg_terminate_backend(%s)", [backend])
    thread.join(60)
    assert isinstance(outcome.get("error"), xmlrpc.client.Fault)
    assert count(pg, faults_db, "terminated") == 0
    # the broken connection was discarded: the next calls get working ones
    for _ in range(5):
        assert client("test.faults.counter", "search_count", [("name", "like", "terminated %")]) == 0
    client("test.faults.counter", "create_slowly", "after termination", 3, 0)
    assert count(pg, faults_db, "after termination") == 3


@pytest.mark.parametrize("workers", ["0", "3"])
def test_fifty_concurrent_read_modify_writes_lose_nothing_and_run_effects_once(pg, faults_db, workers, tmp_path):
    server = start_server(pg, "--workers", workers, "--db-filter", f"^{faults_db}$")
    try:
        client = Client(server.url, faults_db)
        counter = client("test.faults.counter", "create", {"name": f"shared counter {workers}"})
        notes = tmp_path / "notes"
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            # the first call holds its read for 0.3 s: the others commit meanwhile, so it conflicts
            results = list(pool.map(lambda n: client("test.faults.counter", "increment", [counter],
                                                     note_path=str(notes), pause=0.3 if n == 0 else 0),
                                    range(50)))
        assert results == [True] * 50
        (row,) = client("test.faults.counter", "read", [counter], ["value"])
        assert row["value"] == 50
        log = server.log()
    finally:
        server.stop()
    # the conflicts happened and were retried (not serialised away by the test)
    assert "concurrency failure" in log
    # the external effect (a post-commit hook) ran once per call, never for a failed attempt
    assert sorted(notes.read_text().split("\n")[:-1]) == sorted(f"{counter} {n}" for n in range(1, 51))


def test_writers_in_opposite_orders_both_finish(pg, faults_db, threaded):
    client = Client(threaded.url, faults_db)
    first, second = client("test.faults.counter", "create", [{"name": "order a"}, {"name": "order b"}])
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        forward = pool.submit(client, "test.faults.counter", "write_in_order", [first, second], 0.5)
        backward = pool.submit(client, "test.faults.counter", "write_in_order", [second, first], 0.5)
        assert forward.result(60) is True and backward.result(60) is True
    values = {row["id"]: row["value"] for row in client("test.faults.counter", "read", [first, second], ["value"])}
    assert values == {first: 2, second: 2}
    assert "concurrency failure" in threaded.log()


# -- time limits and read-only transactions (LIM-3, TRX-B) ------------------------------------------
@pytest.fixture
def strict(pg, faults_db):
    server = start_server(pg, "--db-filter", f"^{faults_db}$",
                          env_extra={"BUREAU_LIMIT_TIME_STATEMENT": "2", "BUREAU_LIMIT_TIME_LOCK": "1",
                                     "BUREAU_LIMIT_TIME_IDLE_TRANSACTION": "1"})
    yield server
    server.stop()


def test_statement_over_the_time_limit_is_cancelled_and_leaves_no_row(pg, faults_db, strict):
    client = Client(strict.url, faults_db)
    with pytest.raises(xmlrpc.client.Fault) as info:
        client("test.faults.counter", "create_then_wait", "timed out", 30)
    assert count(pg, faults_db, "timed") == 0
    assert "canceling statement due to statement timeout" in strict.log()
    assert info.value.faultString.endswith(DATABASE_MESSAGES["57014"])
    client("test.faults.counter", "create_then_wait", "in time", 0.1)
    assert count(pg, faults_db, "in") == 1


def test_transaction_left_idle_is_ended_by_postgresql_and_leaves_no_row(pg, faults_db, strict):
    """A worker stuck in Python inside a transaction loses it (and its locks) after the idle limit."""
    client = Client(strict.url, faults_db)
    with pytest.raises(xmlrpc.client.Fault) as info:
        client("test.faults.counter", "create_then_idle", "idle too long", 3)
    # the client reads what happened, not PostgreSQL's text (security.md ERR-1)
    assert info.value.faultString.split(": ", 1)[1] in (DATABASE_MESSAGES["25P03"], DATABASE_MESSAGES["08"])
    assert count(pg, faults_db, "idle") == 0
    assert client("test.faults.counter", "create_then_idle", "idle briefly", 0.1) is True
    assert count(pg, faults_db, "idle") == 1


def test_lock_held_longer_than_the_lock_limit_fails_the_call_instead_of_waiting(pg, faults_db, strict):
    client = Client(strict.url, faults_db)
    counter = client("test.faults.counter", "create", {"name": "locked counter"})
    holder = pg.cursor(faults_db)
    try:
        holder.execute("SELECT id FROM test_faults_counter WHERE id = %s FOR UPDATE", [counter])
        with pytest.raises(xmlrpc.client.Fault, match="concurrent update"):
            client("test.faults.counter", "increment", [counter])
    finally:
        holder.rollback()
        holder.close()
    assert "lock timeout" in strict.log()
    client("test.faults.counter", "increment", [counter])
    assert client("test.faults.counter", "read", [counter], ["value"])[0]["value"] == 1


def test_reading_methods_run_read_only_and_others_read_write(faults_db, threaded):
    client = Client(threaded.url, faults_db)
    probe = {"context": {"report_transaction": True}}
    with pytest.raises(xmlrpc.client.Fault, match="transaction_read_only=on"):
        client("test.faults.counter", "search_count", [], **probe)
    counter = client("test.faults.counter", "create", {"name": "mode probe"})
    # an override of a reading method that writes still works: the call runs again read-write
    rows = client("test.faults.counter", "read", [counter], ["value"], context={"write_on_read": True})
    assert rows[0]["value"] == 1
    assert "wrote in a read-only transaction" in threaded.log()


# -- PostgreSQL restart and crash (TRX-B, TRX-A) -------------------------------------------------------
# These stop the PostgreSQL server itself: they run on a private embedded cluster, so that other test
# runs sharing the test cluster are not disturbed.
@pytest.fixture(scope="module")
def private_cluster(pg):
    """``(cluster, server, dbname)``: a private embedded cluster with ``test_faults`` installed
    (``pg`` sets the addons path)."""
    import shutil
    import tempfile
    from pathlib import Path
    from bureau.db.embedded import EmbeddedPostgres
    from bureau.db.server import DatabaseServer
    from bureau.modules.loading import install_modules
    from bureau.orm.registry import Registry

    data_dir = Path(tempfile.gettempdir()) / f"bureau-faults-{os.getpid()}"
    cluster = EmbeddedPostgres(data_dir)
    server = DatabaseServer(cluster.start(), maxconn=16)
    name = new_db_name("test_crash")
    try:
        server.create_database(name)
        install_modules(server, name, ["test_faults"], admin_password=ADMIN_PASSWORD)
        Registry.delete(name)
        yield cluster, server, name
    finally:
        Registry.delete(name)
        server.close()
        cluster.stop(force=True)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def private_server(private_cluster):
    cluster, server, name = private_cluster
    live = start_server(server, "--db-filter", f"^{name}$")
    yield live
    live.stop()


def test_first_call_after_a_postgresql_restart_gets_a_fresh_connection(private_cluster, private_server):
    cluster, server, name = private_cluster
    client = Client(private_server.url, name)
    # concurrent calls leave several idle connections in the server's pool
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: client("test.faults.counter", "search_count", []), range(8)))
    cluster._run(["pg_ctl", "-D", str(cluster.pgdata), "-l", str(cluster.pgdata / "server.log"),
                  "-m", "fast", "-w", "-t", "60", "restart"])
    assert client("test.faults.counter", "search_count", [("name", "like", "restart %")]) == 0
    client("test.faults.counter", "create_slowly", "restart", 2, 0)
    assert count(server, name, "restart") == 2


def test_immediate_postgresql_stop_under_twenty_writers_keeps_every_acknowledged_write(private_cluster,
                                                                                     private_server):
    """``pg_ctl stop -m immediate`` (a crash: no checkpoint, recovery from the WAL at start) while
    20 clients create orders with 5 lines: every order whose create was answered is there after
    recovery, and no order has lost lines."""
    cluster, server, name = private_cluster
    client = Client(private_server.url, name)
    acknowledged, failures, stop = [], [], threading.Event()

    def writer(number):
        sequence = 0
        while not stop.is_set():
            values = {"name": f"crash {number} {sequence}",
                      "line_ids": [(0, 0, {"name": f"line {i}"}) for i in range(5)]}
            try:
                acknowledged.append(client("test.faults.order", "create", values))
            except Exception as exc:  # calls in flight when PostgreSQL stops fail
                failures.append(exc)
                time.sleep(0.05)
            sequence += 1

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(20)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(acknowledged) >= 40, message="writes to flow")
        cluster._run(["pg_ctl", "-D", str(cluster.pgdata), "-m", "immediate", "-w", "-t", "60", "stop"])
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
        if not cluster.is_running():
            cluster._pg_ctl_start()
    assert failures, "PostgreSQL stopped while no call was in flight"
    with server.cursor(name) as cr:
        cr.execute("SELECT o.id, count(l.id) FROM test_faults_order o "
                   "LEFT JOIN test_faults_order_line l ON l.order_id = o.id "
                   "WHERE o.name LIKE 'crash %%' GROUP BY o.id")
        lines = dict(cr.fetchall())
    assert set(acknowledged) <= set(lines)
    assert set(lines.values()) == {5}
    # the server works again
    assert client("test.faults.order", "search_count", [("id", "in", acknowledged)]) == len(set(acknowledged))
