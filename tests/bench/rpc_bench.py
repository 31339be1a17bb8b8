"""RPC benchmark: workloads W0-W6 of shared/spec/bench.md over the wire, against the floors.

    python tests/bench/rpc_bench.py [--db-uri URI] [--reps N] [--quick] [--load-seconds S] [--load-clients C]

Three targets run the same operations on one PostgreSQL server in one run (bench.md §1):

* ``raw``: psycopg2 in the client process on a plain ``bench_partner`` table (bench.md §4.2);
* ``rpc``: the same floor SQL behind a minimal Werkzeug JSON-RPC endpoint (§4.3), served by
  ``run_simple(threaded=True)`` in its own process, over a ``ThreadedConnectionPool``;
* ``bureau``: ``bureau serve`` (threaded, default settings) in its own process, called over
  JSON-RPC ``/jsonrpc`` (``object.execute_kw`` with the password on every call: the credential
  cache path of security.md AUTH-1b, the KDF runs once per process and user) with a
  ``requests.Session``, i.e. the headers and compression of Bureau's desktop client. W6 is the
  desktop client's login call, ``/web/session/authenticate``, on a new connection each time.

Every repetition of every target runs its client in a fresh process; the order of the targets
rotates between repetitions. Then a bounded concurrency run (``--load-clients`` clients for
``--load-seconds`` seconds, a mix of W2/W5/W3/W0 calls) reports throughput, p50/p99 latency and
errors for Bureau with 1 and 2 workers (and the threaded server and the ``rpc`` floor for
reference). Results: a Markdown table printed and written with the JSON of every repetition to
``bench-results/``. Nothing here asserts timings.
"""
import argparse
import datetime
import hashlib
import http.client
import json
import logging
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common  # noqa: E402
from bench_common import ADMIN_PASSWORD, connect, min_max, per_call  # noqa: E402
from orm_bench import KINDS, check_dataset, city, partner_row, w2_kind, w3_city, w5_prefix  # noqa: E402,F401

BUREAU_DB = "bench_rpc_bureau"
RAW_DB = "bench_rpc_raw"
FLOOR_DB = "bench_rpc_floor"
W6_LOGIN = "w6user"
W6_PASSWORD = "w6-bench-password"
FIELDS = ["name", "city", "active", "create_date", "write_date"]

WORKLOADS = {
    # name: (calls, label, minimum repetitions)
    "W1": (100, "W1 create 10,000 (100/call)", 3),
    "W0": (200, "W0 round trip, 200 calls", 5),
    "W2": (200, "W2 search_read 80x6, 200 calls", 5),
    "W3": (1000, "W3 write 1 field, 1,000 calls", 5),
    "W4": (20, "W4 read_group by city, 20 calls", 5),
    "W5": (200, "W5 name search prefix, limit 8, 200 calls", 5),
    "W6": (100, "W6 login, 100 calls", 5),
}
TARGET_ORDER = ["raw", "rpc", "bureau"]
#: untimed calls each client of the concurrency run makes first
WARMUP_SECONDS = 3.0

FLOOR_SCHEMA = """
CREATE TABLE bench_partner (
    id serial PRIMARY KEY, name varchar NOT NULL, city varchar,
    active boolean NOT NULL DEFAULT true,
    create_uid integer, create_date timestamp,
    write_uid integer, write_date timestamp);
CREATE TABLE bench_user (
    id serial PRIMARY KEY, login varchar NOT NULL UNIQUE,
    salt varchar NOT NULL, pw_hash varchar NOT NULL,
    active boolean NOT NULL DEFAULT true);
CREATE TABLE bench_session (
    id serial PRIMARY KEY, user_id integer NOT NULL REFERENCES bench_user(id),
    key varchar NOT NULL,
    create_date timestamp NOT NULL DEFAULT (now() at time zone 'utc'));
"""


# -- the floor SQL (bench.md §4.2): one function per operation, each one committed transaction -----
class FloorSQL:
    def __init__(self, conn):
        self.conn = conn

    def _run(self, sql, params=None, fetch=True):
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall() if fetch and cur.description else None
        self.conn.commit()
        return rows

    def count0(self):
        return self._run("SELECT count(*) FROM bench_partner WHERE id = 0")[0][0]

    def create(self, rows):
        import psycopg2.extras
        with self.conn.cursor() as cur:
            ids = psycopg2.extras.execute_values(
                cur, "INSERT INTO bench_partner (name, city, create_uid, create_date, write_uid, write_date) "
                     "VALUES %s RETURNING id", [(row["name"], row["city"]) for row in rows],
                template="(%s, %s, 1, now() at time zone 'utc', 1, now() at time zone 'utc')",
                page_size=100, fetch=True)
        self.conn.commit()
        return [row[0] for row in ids]

    def search_read(self, kind):
        with self.conn.cursor() as cur:
            cur.execute("SELECT id, name, city, active, create_date, write_date FROM bench_partner "
                        "WHERE name ILIKE %s AND active ORDER BY name, id LIMIT 80", ["%" + kind + "%"])
            names = [column.name for column in cur.description]
            rows = [dict(zip(names, row)) for row in cur.fetchall()]
        self.conn.commit()
        return rows

    def write(self, record_id, value):
        self._run("UPDATE bench_partner SET city = %s, write_uid = 1, write_date = now() at time zone 'utc' "
                  "WHERE id = %s", [value, record_id], fetch=False)
        return True

    def grouped_count(self):
        return [list(row) for row in
                self._run("SELECT city, count(*) FROM bench_partner WHERE active GROUP BY city ORDER BY city")]

    def name_search(self, prefix):
        return [list(row) for row in self._run(
            "SELECT id, name FROM bench_partner WHERE name ILIKE %s AND active ORDER BY name, id LIMIT 8",
            [prefix + "%"])]

    def login(self, login, password):
        with self.conn.cursor() as cur:
            cur.execute("SELECT id, salt, pw_hash FROM bench_user WHERE login = %s AND active", [login])
            row = cur.fetchone()
            if row is None or not secrets.compare_digest(
                    hashlib.sha256((row[1] + password).encode()).hexdigest(), row[2]):
                self.conn.commit()
                return False
            key = secrets.token_hex(32)
            cur.execute("INSERT INTO bench_session (user_id, key) VALUES (%s, %s)", [row[0], key])
        self.conn.commit()
        return {"uid": row[0], "session": key}


# -- the rpc floor server (bench.md §4.3) ----------------------------------------------------------
def run_floor_server(uri, port):
    """A Werkzeug ``Request.application`` served by ``run_simple(threaded=True)``."""
    import psycopg2.pool
    from werkzeug.serving import run_simple
    from werkzeug.wrappers import Request, Response
    pool = psycopg2.pool.ThreadedConnectionPool(1, 32, **bench_common.connection_params(uri, FLOOR_DB))

    def default(value):
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        return str(value)

    @Request.application
    def application(request):
        payload = json.loads(request.get_data())
        conn = pool.getconn()
        try:
            result = getattr(FloorSQL(conn), payload["method"])(*payload.get("params", []))
            reply = {"jsonrpc": "2.0", "id": payload.get("id"), "result": result}
        except Exception as exc:
            conn.rollback()
            reply = {"jsonrpc": "2.0", "id": payload.get("id"), "error": {"message": str(exc)}}
        finally:
            pool.putconn(conn)
        return Response(json.dumps(reply, default=default), content_type="application/json")

    run_simple("127.0.0.1", port, application, threaded=True)


# -- clients -------------------------------------------------------------------------------------
class JsonClient:
    """``http.client`` JSON-RPC client of the rpc floor; reconnects when the server closes."""

    def __init__(self, port):
        self.port = port
        self.conn = None
        self.ids = 0

    def call(self, method, *params, fresh=False):
        self.ids += 1
        body = json.dumps({"id": self.ids, "method": method, "params": list(params)})
        if fresh and self.conn is not None:
            self.conn.close()
            self.conn = None
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                self.conn.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        if response.will_close:
            self.conn.close()
            self.conn = None
        reply = json.loads(data)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]


class BureauClient:
    """JSON-RPC on ``/jsonrpc`` with ``requests`` (as the desktop client), password on every call."""

    def __init__(self, url, uid=None):
        import requests
        self.url = url
        self.session = requests.Session()
        self.session.headers["Content-Type"] = "application/json"
        self.ids = 0
        self.uid = uid

    def post(self, path, params, session=None):
        self.ids += 1
        response = (session or self.session).post(
            self.url + path, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": self.ids},
            timeout=300)
        response.raise_for_status()
        reply = response.json()
        if "error" in reply:
            raise RuntimeError(json.dumps(reply["error"])[:2000])
        return reply["result"]

    def login(self):
        self.uid = self.post("/jsonrpc", {"service": "common", "method": "login",
                                          "args": [BUREAU_DB, "admin", ADMIN_PASSWORD]})
        return self.uid

    def call(self, method, *args, **kwargs):
        return self.post("/jsonrpc", {"service": "object", "method": "execute_kw", "args": [
            BUREAU_DB, self.uid, ADMIN_PASSWORD, "res.partner", method, list(args), kwargs]})


class RawTarget:
    def __init__(self, args):
        self.floor = FloorSQL(connect(args.db_uri, RAW_DB))
        self.sql = self.floor

    def W0(self, k, rep, ctx):
        return self.floor.count0()

    def W1(self, b, rep, ctx):
        return self.floor.create([partner_row(i) for i in range(100 * b, 100 * b + 100)])

    def W2(self, k, rep, ctx):
        return self.floor.search_read(w2_kind(k))

    def W3(self, j, rep, ctx):
        return self.floor.write(ctx["ids"][j], w3_city(j, rep))

    def W4(self, k, rep, ctx):
        return self.floor.grouped_count()

    def W5(self, k, rep, ctx):
        return self.floor.name_search(w5_prefix(k))

    def W6(self, k, rep, ctx):
        return self.floor.login(W6_LOGIN, W6_PASSWORD)

    def warmup_create(self):
        (record_id,) = self.floor.create([{"name": "warmup", "city": None}])
        self.floor._run("DELETE FROM bench_partner WHERE id = %s", [record_id], fetch=False)

    def prepare(self, workload, rep):
        if workload == "W1":
            self.sql._run("TRUNCATE bench_partner RESTART IDENTITY", fetch=False)
        if workload == "W3":
            return {"ids": [row[0] for row in self.sql._run("SELECT id FROM bench_partner ORDER BY id LIMIT 1000")]}
        if workload == "W6":
            self.sql._run("DELETE FROM bench_session", fetch=False)
        return {}

    def check(self, workload, results):
        if workload == "W1":
            assert sum(len(r) for r in results) == 10_000
            assert self.sql._run("SELECT count(*) FROM bench_partner WHERE active")[0][0] == 10_000
        elif workload == "W2":
            assert all(len(r) == 80 for r in results)
        elif workload == "W4":
            assert all(len(r) == 50 and sum(row[1] for row in r) == 10_000 for r in results)
        elif workload == "W5":
            assert all(len(r) == 8 for r in results)
        elif workload == "W6":
            assert all(r and r["uid"] for r in results)


class RpcTarget(RawTarget):
    """The same operations through the minimal JSON-RPC endpoint (setup/checks through SQL)."""

    def __init__(self, args):
        self.client = JsonClient(args.port)
        self.sql = FloorSQL(connect(args.db_uri, FLOOR_DB))

    def W0(self, k, rep, ctx):
        return self.client.call("count0")

    def W1(self, b, rep, ctx):
        return self.client.call("create", [partner_row(i) for i in range(100 * b, 100 * b + 100)])

    def W2(self, k, rep, ctx):
        return self.client.call("search_read", w2_kind(k))

    def W3(self, j, rep, ctx):
        return self.client.call("write", ctx["ids"][j], w3_city(j, rep))

    def W4(self, k, rep, ctx):
        return self.client.call("grouped_count")

    def W5(self, k, rep, ctx):
        return self.client.call("name_search", w5_prefix(k))

    def W6(self, k, rep, ctx):
        return self.client.call("login", W6_LOGIN, W6_PASSWORD, fresh=True)

    def warmup_create(self):
        (record_id,) = self.client.call("create", [{"name": "warmup", "city": None}])
        self.sql._run("DELETE FROM bench_partner WHERE id = %s", [record_id], fetch=False)


class BureauTarget:
    def __init__(self, args):
        self.client = BureauClient(args.url)
        self.url = args.url
        self.sql = FloorSQL(connect(args.db_uri, BUREAU_DB))
        self.baseline = int(self.sql._run("SELECT value FROM bench_meta WHERE key = 'baseline'")[0][0])
        self.client.login()          # untimed, as admin, before the warm-up (bench.md W6)

    def W0(self, k, rep, ctx):
        return self.client.call("search_count", [("id", "=", 0)])

    def W1(self, b, rep, ctx):
        return self.client.call("create", [partner_row(i) for i in range(100 * b, 100 * b + 100)])

    def W2(self, k, rep, ctx):
        return self.client.call("search_read", [("name", "ilike", w2_kind(k))], fields=FIELDS, offset=0,
                                limit=80, order="name asc, id asc")

    def W3(self, j, rep, ctx):
        return self.client.call("write", [ctx["ids"][j]], {"city": w3_city(j, rep)})

    def W4(self, k, rep, ctx):
        return self.client.call("read_group", [("id", ">", self.baseline)], ["city"], ["city"], orderby="city")

    def W5(self, k, rep, ctx):
        return self.client.call("name_search", name=w5_prefix(k) + "%", args=[], operator="=ilike", limit=8)

    def W6(self, k, rep, ctx):
        import requests
        # a new connection per login, closed afterwards, as a client starting up
        with requests.Session() as session:
            session.headers["Content-Type"] = "application/json"
            return self.client.post("/web/session/authenticate",
                                    {"db": BUREAU_DB, "login": W6_LOGIN, "password": W6_PASSWORD},
                                    session=session)

    def warmup_create(self):
        (record_id,) = self.client.call("create", [{"name": "warmup"}])
        self.client.call("unlink", [record_id])

    def prepare(self, workload, rep):
        if workload == "W1":
            self.sql._run("DELETE FROM res_partner WHERE id > %s", [self.baseline], fetch=False)
        if workload == "W3":
            return {"ids": [row[0] for row in self.sql._run(
                "SELECT id FROM res_partner WHERE id > %s ORDER BY id LIMIT 1000", [self.baseline])]}
        if workload == "W6":
            self.sql._run("DELETE FROM res_users_session WHERE user_id = "
                          "(SELECT id FROM res_users WHERE login = %s)", [W6_LOGIN], fetch=False)
        return {}

    def check(self, workload, results):
        if workload == "W1":
            assert sum(len(r) for r in results) == 10_000
            assert self.sql._run("SELECT count(*) FROM res_partner WHERE active AND id > %s",
                                 [self.baseline])[0][0] == 10_000
        elif workload == "W2":
            assert all(len(r) == 80 for r in results), [len(r) for r in results][:5]
        elif workload == "W4":
            assert all(len(r) == 50 and sum(g["city_count"] for g in r) == 10_000 for r in results)
        elif workload == "W5":
            assert all(len(r) == 8 for r in results)
        elif workload == "W6":
            assert all(r and r.get("uid") for r in results)


TARGETS = {"raw": RawTarget, "rpc": RpcTarget, "bureau": BureauTarget}


def client_main(args):
    """One repetition of one workload for one target, in this (fresh) process; prints its timing."""
    target = TARGETS[args.target](args)
    workload, rep = args.workload, args.rep
    calls = WORKLOADS[workload][0]
    ctx = target.prepare(workload, rep)
    method = getattr(target, workload)
    if workload == "W1":
        target.warmup_create()
    else:
        for k in range(3):
            method(k, rep, ctx)
        if workload == "W6":
            ctx = target.prepare(workload, rep)
    start = time.perf_counter()
    results = [method(k, rep, ctx) for k in range(calls)]
    elapsed = time.perf_counter() - start
    target.check(workload, results)
    print(json.dumps({"target": args.target, "workload": workload, "rep": rep, "seconds": elapsed}))


# -- the concurrency run ----------------------------------------------------------------------------
def load_main(args):
    """``clients`` threads calling for ``seconds``: throughput, latencies, errors (printed as JSON)."""
    kind = args.target
    sql = FloorSQL(connect(args.db_uri, BUREAU_DB if kind == "bureau" else FLOOR_DB))
    table, floor_id = ("res_partner", "id > (SELECT value::int FROM bench_meta WHERE key = 'baseline')") \
        if kind == "bureau" else ("bench_partner", "true")
    ids = [row[0] for row in sql._run(f"SELECT id FROM {table} WHERE {floor_id} ORDER BY id DESC LIMIT %s",
                                      [args.clients * 50])]
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = [None]
    warm_until = time.perf_counter() + WARMUP_SECONDS
    # the clock starts when every client has logged in and warmed up (every worker then has its
    # registry loaded and the credentials cached)
    barrier = threading.Barrier(args.clients + 1,
                                action=lambda: deadline.__setitem__(0, time.perf_counter() + args.seconds))

    def worker(number):
        if kind == "bureau":
            client = BureauClient(args.url)
            client.login()
            ops = [lambda k: client.call("search_read", [("name", "ilike", w2_kind(k))], fields=FIELDS,
                                         limit=80, order="name asc, id asc"),
                   lambda k: client.call("name_search", name=w5_prefix(k) + "%", args=[], operator="=ilike",
                                         limit=8),
                   lambda k: client.call("write", [ids[number * 50 + k % 50]], {"city": w3_city(k, number)}),
                   lambda k: client.call("search_count", [("id", "=", 0)])]
        else:
            client = JsonClient(args.port)
            ops = [lambda k: client.call("search_read", w2_kind(k)),
                   lambda k: client.call("name_search", w5_prefix(k)),
                   lambda k: client.call("write", ids[number * 50 + k % 50], w3_city(k, number)),
                   lambda k: client.call("count0")]
        k = number
        while time.perf_counter() < warm_until:
            try:
                ops[k % len(ops)](k)
            except Exception:
                pass
            k += 1
        barrier.wait()
        mine = []
        while time.perf_counter() < deadline[0]:
            start = time.perf_counter()
            try:
                ops[k % len(ops)](k)
                mine.append(time.perf_counter() - start)
            except Exception:
                with lock:
                    errors[0] += 1
            k += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join(args.seconds + 300)
    elapsed = time.perf_counter() - start
    latencies.sort()
    print(json.dumps({
        "calls": len(latencies), "errors": errors[0], "seconds": elapsed,
        "throughput": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else None,
    }))


# -- orchestration ---------------------------------------------------------------------------------
class Servers:
    """The server processes of the run (stopped at the end), their output in ``workdir``."""

    def __init__(self, uri, workdir):
        self.uri = uri
        self.workdir = workdir
        self.processes = []

    def bureau(self, workers=0):
        process, url = bench_common.start_bureau(
            self.uri, self.workdir, serve_options=["--workers", str(workers), "--db-filter", f"^{BUREAU_DB}$"],
            log_name=f"bureau-{workers}.log")
        self.processes.append(process)
        return process, url

    def floor(self):
        port = bench_common.free_port()
        command = [sys.executable, __file__, "--floor-server", str(port), "--db-uri", self.uri]
        process = bench_common.start_http_server(command, f"http://127.0.0.1:{port}/", self.workdir / "rpc-floor.log")
        self.processes.append(process)
        return process, port

    def stop_all(self):
        for process in self.processes:
            bench_common.stop_process(process)


def setup(server):
    from bureau.modules.loading import install_modules
    from bureau.orm.environment import SUPERUSER_ID, Environment
    from bureau.orm.registry import Registry
    bench_common.drop_databases(server, BUREAU_DB, RAW_DB, FLOOR_DB)
    server.create_database(BUREAU_DB)
    registry = install_modules(server, BUREAU_DB, ["base"], admin_password=ADMIN_PASSWORD)
    with server.cursor(BUREAU_DB) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        env["res.users"].create({"name": "W6 User", "login": W6_LOGIN, "password": W6_PASSWORD})
        env.flush_all()
        cr.execute("SELECT password_hash FROM res_users WHERE login = %s", [W6_LOGIN])
        password_hash = cr.fetchone()[0]
        cr.execute("SELECT max(id) FROM res_partner")
        baseline = cr.fetchone()[0]
        cr.execute("CREATE TABLE bench_meta (key varchar PRIMARY KEY, value varchar)")
        cr.execute("INSERT INTO bench_meta VALUES ('baseline', %s)", [str(baseline)])
        cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'res_partner'")
        indexes = [row[0] for row in cr.fetchall()]
    Registry.delete(BUREAU_DB)
    scheme = password_hash.rsplit("$", 2)[0]   # e.g. $argon2id$v=19$m=65536,t=3,p=4
    salt = secrets.token_hex(8)
    for name in (RAW_DB, FLOOR_DB):
        server.create_database(name)
        with server.cursor(name) as cr:
            cr.execute(FLOOR_SCHEMA)
            cr.execute("INSERT INTO bench_user (login, salt, pw_hash) VALUES (%s, %s, %s)",
                       [W6_LOGIN, salt, hashlib.sha256((salt + W6_PASSWORD).encode()).hexdigest()])
    return indexes, scheme


def run_client(uri, target, workload, rep, url, port):
    args = ["--client", target, workload, str(rep), "--db-uri", uri, "--url", url or "", "--port", str(port or 0)]
    return bench_common.run_json_child(__file__, args, f"{target} {workload} rep {rep}")["seconds"]


def run_load(uri, target, url, port, clients, seconds):
    args = ["--load", target, "--db-uri", uri, "--url", url or "", "--port", str(port or 0),
            "--clients", str(clients), "--seconds", str(seconds)]
    return bench_common.run_json_child(__file__, args, f"load {target}", timeout=seconds + 900)


def main():
    parser = bench_common.argument_parser(__doc__)
    parser.add_argument("--reps", type=int, help="repetitions per workload (default: bench.md minimums)")
    parser.add_argument("--quick", action="store_true", help="2 repetitions, 5 s load runs (a smoke run)")
    parser.add_argument("--load-clients", type=int, default=20, help="clients of the concurrency run [20]")
    parser.add_argument("--load-seconds", type=float, default=30, help="seconds of each concurrency run [30]")
    parser.add_argument("--client", nargs=3, metavar=("TARGET", "WORKLOAD", "REP"), help=argparse.SUPPRESS)
    parser.add_argument("--load", metavar="TARGET", help=argparse.SUPPRESS)
    parser.add_argument("--floor-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_server:
        return run_floor_server(args.db_uri, args.floor_server)
    if args.client:
        args.target, args.workload, args.rep = args.client[0], args.client[1], int(args.client[2])
        return client_main(args)
    if args.load:
        args.target = args.load
        return load_main(args)
    return orchestrate(args)


def orchestrate(args):
    logging.basicConfig(level=logging.WARNING)
    check_dataset()
    with bench_common.database_server(args.db_uri) as uri:
        measure(uri, args)


def measure(uri, args):
    """The run on the PostgreSQL server of ``uri``: set-up, servers, workloads, concurrency, report."""
    from bureau.db.server import DatabaseServer
    server = DatabaseServer(uri)
    indexes, scheme = setup(server)
    server.close()
    workdir = Path(tempfile.mkdtemp(prefix="bureau-rpc-bench-"))
    servers = Servers(uri, workdir)
    runs, load = {}, {}
    try:
        _bureau_process, bureau_url = servers.bureau(workers=0)
        _floor_process, floor_port = servers.floor()
        for workload, (_calls, _label, min_reps) in WORKLOADS.items():
            reps = 2 if args.quick else max(args.reps or 0, min_reps)
            if workload == "W0":
                bench_common.vacuum(uri, BUREAU_DB, RAW_DB, FLOOR_DB)      # after the W1 phase (bench.md W1)
            bench_common.run_rotated(workload, TARGET_ORDER, reps, runs, lambda target, rep: run_client(
                uri, target, workload, rep, bureau_url, floor_port))
        seconds = 5 if args.quick else args.load_seconds
        load["rpc floor (threaded)"] = run_load(uri, "rpc", None, floor_port, args.load_clients, seconds)
        load["bureau threaded"] = run_load(uri, "bureau", bureau_url, None, args.load_clients, seconds)
        servers.stop_all()
        for workers in (1, 2):
            process, url = servers.bureau(workers=workers)
            load[f"bureau {workers} worker{'s' if workers > 1 else ''}"] = run_load(
                uri, "bureau", url, None, args.load_clients, seconds)
            bench_common.stop_process(process)
        for label, result in load.items():
            print(f"  load {label}: {result['throughput']:.0f} calls/s, errors {result['errors']}", file=sys.stderr)
    finally:
        servers.stop_all()
    report(uri, runs, load, indexes, scheme, args)


def report(uri, runs, load, indexes, scheme, args):
    data = {**bench_common.environment(uri), "password_hash_scheme": scheme,
            "res_partner_indexes": indexes, "quick": args.quick,
            "credential_path": "JSON-RPC /jsonrpc object.execute_kw with the password on every call "
                               "(credential cache, AUTH-1b); W6: /web/session/authenticate on a new "
                               "connection per call",
            "bureau_server": "bureau serve, threaded (default settings: INFO request log, cron off)",
            "runs": {f"{w}/{t}": v for (w, t), v in runs.items()},
            "load": load, "load_clients": args.load_clients,
            "load_seconds": 5 if args.quick else args.load_seconds,
            "load_mix": "per client, in turn: W2 search_read, W5 name_search, W3 write (own records), W0",
            "deviations": [
                "res.partner name_search matches complete_name, email and ref (W5)",
                "W4 groups only the benchmark's partners (id above the baseline)",
                "the bureau client uses requests (keep-alive, gzip accepted) like the desktop client; the "
                "rpc floor's run_simple closes the connection after each reply",
                "W6 floor: a fresh HTTP connection per login for rpc; raw logs in on its one connection",
            ]}
    lines = ["| workload | raw s (ms/call) | rpc s (ms/call) | bureau s (ms/call) | rpc/raw | bureau/raw | bureau/rpc |",
             "|---|---|---|---|---|---|---|"]
    for workload, (calls, label, _) in WORKLOADS.items():
        medians = {t: statistics.median(runs[(workload, t)]) for t in TARGET_ORDER}
        cells = [per_call(medians[t], calls) for t in TARGET_ORDER]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {medians['rpc'] / medians['raw']:.1f} | "
                     f"{medians['bureau'] / medians['raw']:.1f} | {medians['bureau'] / medians['rpc']:.1f} |")
    lines += ["", "min-max (s): " + "; ".join(
        f"{w} " + ", ".join(f"{t} {min_max(runs[(w, t)])}" for t in TARGET_ORDER)
        for w in WORKLOADS)]
    lines += ["", f"Concurrency: {args.load_clients} clients, {data['load_seconds']:.0f} s each ({data['load_mix']})", "",
              "| server | calls/s | p50 ms | p99 ms | calls | errors |", "|---|---|---|---|---|---|"]
    for label, result in load.items():
        lines.append(f"| {label} | {result['throughput']:.0f} | {result['p50_ms']:.1f} | {result['p99_ms']:.1f} | "
                     f"{result['calls']} | {result['errors']} |")
    table = "\n".join(lines)
    header = (f"Bureau RPC benchmark {data['date_utc']} ({bench_common.environment_line(data)}); "
              f"bureau: {data['credential_path']}; password hash {scheme}")
    print(header)
    print(table)
    bench_common.write_results("rpc", header + "\n\n" + table, data, data["date_utc"])


if __name__ == "__main__":
    main()
