"""``bureau serve --workers N``: real gunicorn workers sharing one PostgreSQL (security.md TRX-E,
modules.md REG-8).

Which worker answered a call is read from the server log: in prefork mode every line carries the
pid of the process that wrote it, and the object service logs one line per call.
"""
import collections
import concurrent.futures
import os
import re
import signal
import threading
import time
import xmlrpc.client

import pytest

from conftest import ADMIN_PASSWORD, start_server

pytestmark = [pytest.mark.pg, pytest.mark.slow]

CALL_LINE = re.compile(r"^\S+ \S+ (\d+) INFO bureau\.service\.model: (\S+) uid=\d+ (\S+) [\d.]+ ms (\w+)$")


def calls_by_pid(server, dbname, target, since=0):
    """``{pid: [outcome, ...]}`` of the logged calls of ``target`` (``model.method``) on ``dbname``
    (from character ``since`` of the log on)."""
    found = collections.defaultdict(list)
    for line in server.log()[since:].splitlines():
        match = CALL_LINE.match(line)
        if match and match.group(2) == dbname and match.group(3) == target:
            found[int(match.group(1))].append(match.group(4))
    return found


def worker_pids(server):
    """The pids of the gunicorn master's children (its workers)."""
    pid = server.process.pid
    with open(f"/proc/{pid}/task/{pid}/children") as handle:
        return {int(item) for item in handle.read().split()}


def wait_for(predicate, timeout=30.0, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")


class Client:
    """XML-RPC calls as ``admin``; one proxy per call, so threads may share the client."""

    def __init__(self, url, dbname, password=ADMIN_PASSWORD):
        self.url = url
        self.dbname = dbname
        self.password = password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(dbname, "admin", password, {})
        assert self.uid

    def __call__(self, model, method, *args, **kwargs):
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return proxy.execute_kw(self.dbname, self.uid, self.password, model, method, list(args), kwargs)


def call_until_every_worker_answered(server, client, dbname, model, method, pids, rounds=100):
    """Make concurrent calls until each pid in ``pids`` logged a call of ``model.method``; returns
    the results of every call (a failure of any call raises) and the logged outcomes by pid."""
    since = len(server.log())
    results = []
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for _ in range(rounds):
            results.extend(pool.map(lambda _: client(model, method, []), range(4)))
            answered = calls_by_pid(server, dbname, f"{model}.{method}", since)
            if set(pids) <= set(answered):
                return results, answered
    raise AssertionError(f"not every worker answered: {dict(answered)} for workers {pids}")


@pytest.fixture
def two_workers(pg, fresh_db):
    server = start_server(pg, "--workers", "2", "--db-filter", f"^{fresh_db}$")
    yield server
    server.stop()


def test_module_installed_through_one_worker_is_seen_by_the_other(two_workers, fresh_db):
    server = two_workers
    client = Client(server.url, fresh_db)
    pids = sorted(worker_pids(server))
    assert len(pids) == 2
    # both workers hold a loaded registry of the database before the install
    call_until_every_worker_answered(server, client, fresh_db, "res.partner", "search_count", pids)
    with pytest.raises(xmlrpc.client.Fault, match="test.faults.counter"):
        client("test.faults.counter", "search_count", [])

    client("ir.module.module", "update_list")
    module_ids = client("ir.module.module", "search", [("name", "=", "test_faults")])
    assert len(module_ids) == 1
    client("ir.module.module", "button_immediate_install", module_ids)

    results, answered = call_until_every_worker_answered(
        server, client, fresh_db, "test.faults.counter", "search_count", pids)
    assert set(results) == {0}
    assert {outcome for outcomes in answered.values() for outcome in outcomes} == {"ok"}
    assert "registry of %s changed in another process: reloading" % fresh_db in server.log()


def test_killed_worker_is_replaced(two_workers, fresh_db):
    server = two_workers
    client = Client(server.url, fresh_db)
    before = worker_pids(server)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    after = wait_for(lambda: (lambda pids: pids if len(pids) == 2 and victim not in pids else None)(
        worker_pids(server)), message="a new worker")
    assert len(after - before) == 1
    assert client("res.partner", "search_count", []) > 0
    assert server.process.poll() is None


@pytest.fixture(scope="module")
def faults_db(pg):
    from bureau.modules.loading import install_modules
    from bureau.orm.registry import Registry
    from conftest import new_db_name

    name = new_db_name("test_workers")
    pg.create_database(name)
    install_modules(pg, name, ["test_faults"], admin_password=ADMIN_PASSWORD)
    Registry.delete(name)
    yield name
    Registry.delete(name)
    pg.drop_database(name)


def writing_backend(pg, dbname):
    """Pid of a backend of ``dbname`` whose transaction has written (has an xid), or None."""
    with pg.cursor("postgres") as cr:
        cr.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL "
                   "AND pid != pg_backend_pid()", [dbname])
        row = cr.fetchone()
    return row and row[0]


def test_sigterm_lets_the_running_call_finish(pg, faults_db):
    server = start_server(pg, "--workers", "1", "--db-filter", f"^{faults_db}$")
    try:
        client = Client(server.url, faults_db)
        outcome = {}

        def slow_call():
            try:
                outcome["result"] = client("test.faults.counter", "create_slowly", "graceful", 30, 0.05)
            except Exception as exc:  # reported below
                outcome["error"] = exc

        thread = threading.Thread(target=slow_call)
        thread.start()
        wait_for(lambda: writing_backend(pg, faults_db), message="the call to write")
        server.process.send_signal(signal.SIGTERM)
        thread.join(60)
        assert outcome == {"result": 30}
        assert server.process.wait(60) == 0
    finally:
        server.stop()
    with pg.cursor(faults_db) as cr:
        cr.execute("SELECT count(*) FROM test_faults_counter WHERE name LIKE 'graceful %%'")
        assert cr.fetchone()[0] == 30


def test_request_over_the_real_time_limit_kills_only_its_worker(pg, faults_db):
    server = start_server(pg, "--workers", "2", "--db-filter", f"^{faults_db}$",
                          env_extra={"BUREAU_LIMIT_TIME_REAL": "3"})
    try:
        client = Client(server.url, faults_db)
        with pytest.raises((xmlrpc.client.ProtocolError, ConnectionError, xmlrpc.client.Fault)):
            client("test.faults.counter", "create_slowly", "too slow", 200, 0.05)
        assert "WORKER TIMEOUT" in server.log()
        assert client("test.faults.counter", "search_count", [("name", "like", "too slow %")]) == 0
        wait_for(lambda: len(worker_pids(server)) == 2, message="the worker to be replaced")
    finally:
        server.stop()


def test_request_over_the_cpu_time_limit_kills_only_its_worker(pg, faults_db):
    server = start_server(pg, "--workers", "2", "--db-filter", f"^{faults_db}$",
                          env_extra={"BUREAU_LIMIT_TIME_CPU": "1"})
    try:
        client = Client(server.url, faults_db)
        before = worker_pids(server)
        with pytest.raises((xmlrpc.client.ProtocolError, ConnectionError, xmlrpc.client.Fault)):
            client("test.faults.counter", "burn_cpu", 30)
        assert "exceeded limit_time_cpu" in server.log()
        wait_for(lambda: len(worker_pids(server)) == 2 and worker_pids(server) != before,
                 message="the worker to be replaced")
        # the budget is per request: short calls keep working on the same workers
        for _ in range(10):
            assert client("test.faults.counter", "burn_cpu", 0.05) is True
    finally:
        server.stop()
