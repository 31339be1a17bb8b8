"""ORM benchmark: workloads W0-W5 of shared/spec/bench.md, in-process, against the raw-SQL floor.

    python tests/bench/orm_bench.py [--db-uri URI] [--reps N] [--quick]

Two targets run the same operations on one PostgreSQL server in one run:

* ``raw``: psycopg2 on a plain ``bench_partner`` table (the floor SQL of bench.md §4.2);
* ``bureau``: Bureau's ORM in the same process, one transaction per call (a cursor, an environment
  for the ``admin`` user, the call, a commit), exactly as the service layer will run an RPC call.

Every repetition of every target runs in a fresh process; the order of the targets rotates between
repetitions. Results: a Markdown table (medians, ms per call, min-max, bureau/raw) printed and
written with the JSON of every repetition to ``bench-results/``. Nothing here asserts timings.
"""
import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common  # noqa: E402
from bench_common import ADMIN_PASSWORD, min_max, per_call  # noqa: E402

BUREAU_DB = "bench_orm"
FLOOR_DB = "bench_floor"
ADMIN_UID = 2

WORDS = ['Acme', 'Borealis', 'Cobalt', 'Dynamo', 'Ember', 'Falcon', 'Granite',
         'Harbor', 'Indigo', 'Jasper', 'Kestrel', 'Lumen', 'Meridian', 'Nimbus',
         'Orchid', 'Pioneer', 'Quartz', 'Raven', 'Summit', 'Tundra', 'Umber',
         'Vertex', 'Willow', 'Xenon', 'Yarrow', 'Zephyr', 'Alpine', 'Beacon',
         'Cedar', 'Delta', 'Everest', 'Fjord', 'Glacier', 'Horizon', 'Ironwood',
         'Juniper', 'Keystone', 'Lagoon', 'Maple', 'Nova', 'Onyx', 'Prairie',
         'Quill', 'Redwood', 'Sierra', 'Topaz', 'Ultra', 'Valley', 'Wren', 'Yukon']
KINDS = ['Trading', 'Holdings', 'Logistics', 'Foods', 'Motors', 'Textiles',
         'Energy', 'Pharma', 'Robotics', 'Software', 'Shipping', 'Mining', 'Farms',
         'Studios', 'Bakery', 'Brewing', 'Consulting', 'Dental', 'Electric',
         'Furniture', 'Garments', 'Hardware', 'Imports', 'Jewelers', 'Kitchens',
         'Labs', 'Marine', 'Networks', 'Optics', 'Plastics', 'Realty', 'Security',
         'Paving', 'Uniforms', 'Ventures', 'Wholesale', 'Exports', 'Yachts', 'Zinc',
         'Aviation']


def city(n):
    return 'City %02d' % (n % 50)


def partner_row(i):
    return {'name': '%s %s %05d' % (WORDS[i % 50], KINDS[(i // 50) % 40], i), 'city': city(i * 13)}


def w2_kind(k):
    return KINDS[k % 40]


def w5_prefix(k):
    return WORDS[k % 50][:3].lower()


def w3_city(j, rep):
    return city(j + rep + 1)


def check_dataset():
    names = [partner_row(i)['name'] for i in range(10_000)]
    for kind in KINDS:
        assert sum(kind.lower() in n.lower() for n in names) == 250, kind
    for k in range(50):
        assert sum(n.lower().startswith(w5_prefix(k)) for n in names) == 200
    cities = [partner_row(i)['city'] for i in range(10_000)]
    assert all(cities.count(city(c)) == 200 for c in range(50))


WORKLOADS = {
    # name: (calls, label, repetitions)
    "W0": (200, "W0 round trip, 200 calls", 5),
    "W1": (100, "W1 create 10,000 (100/call)", 3),
    "W2": (200, "W2 search_read 80x6, 200 calls", 5),
    "W3": (1000, "W3 write 1 field, 1,000 calls", 5),
    "W4": (20, "W4 read_group by city, 20 calls", 5),
    "W5": (200, "W5 name search prefix, limit 8, 200 calls", 5),
}


# -- raw target ------------------------------------------------------------------------------------
class RawTarget:
    def __init__(self, uri):
        self.conn = bench_common.connect(uri, FLOOR_DB)

    def run(self, sql, params=None, fetch=True):
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall() if fetch and cur.description else None
        self.conn.commit()
        return rows

    def W0(self, k, rep, ctx):
        return self.run("SELECT count(*) FROM bench_partner WHERE id = 0")

    def W1(self, b, rep, ctx):
        import psycopg2.extras
        rows = [(r['name'], r['city']) for r in (partner_row(i) for i in range(100 * b, 100 * b + 100))]
        with self.conn.cursor() as cur:
            ids = psycopg2.extras.execute_values(
                cur, "INSERT INTO bench_partner (name, city, create_uid, create_date, write_uid, write_date) "
                     "VALUES %s RETURNING id", rows,
                template="(%s, %s, 1, now() at time zone 'utc', 1, now() at time zone 'utc')",
                page_size=100, fetch=True)
        self.conn.commit()
        return ids

    def W2(self, k, rep, ctx):
        with self.conn.cursor() as cur:
            cur.execute("SELECT id, name, city, active, create_date, write_date FROM bench_partner "
                        "WHERE name ILIKE %s AND active ORDER BY name, id LIMIT 80", ['%' + w2_kind(k) + '%'])
            names = [c.name for c in cur.description]
            rows = [dict(zip(names, row)) for row in cur.fetchall()]
        self.conn.commit()
        return rows

    def W3(self, j, rep, ctx):
        return self.run("UPDATE bench_partner SET city = %s, write_uid = 1, write_date = now() at time zone 'utc' "
                        "WHERE id = %s", [w3_city(j, rep), ctx["ids"][j]], fetch=False)

    def W4(self, k, rep, ctx):
        return self.run("SELECT city, count(*) FROM bench_partner WHERE active GROUP BY city ORDER BY city")

    def W5(self, k, rep, ctx):
        return self.run("SELECT id, name FROM bench_partner WHERE name ILIKE %s AND active ORDER BY name, id LIMIT 8",
                        [w5_prefix(k) + '%'])

    def prepare(self, workload, rep):
        if workload == "W1":
            self.run("TRUNCATE bench_partner RESTART IDENTITY", fetch=False)
        if workload == "W3":
            return {"ids": [r[0] for r in self.run("SELECT id FROM bench_partner ORDER BY id LIMIT 1000")]}
        return {}

    def check(self, workload, results):
        if workload == "W1":
            assert sum(len(r) for r in results) == 10_000
            assert self.run("SELECT count(*) FROM bench_partner WHERE active")[0][0] == 10_000
        elif workload == "W2":
            assert all(len(r) == 80 for r in results)
        elif workload == "W4":
            assert all(len(r) == 50 and sum(c for _, c in r) == 10_000 for r in results)
        elif workload == "W5":
            assert all(len(r) == 8 for r in results)


# -- bureau target ---------------------------------------------------------------------------------
class BureauTarget:
    def __init__(self, uri):
        from bureau.db.server import DatabaseServer
        from bureau.modules.loading import load_registry
        self.server = DatabaseServer(uri, maxconn=4)
        load_registry(self.server, BUREAU_DB)
        with self.server.cursor(BUREAU_DB) as cr:
            cr.execute("SELECT value FROM bench_meta WHERE key = 'baseline'")
            self.baseline = int(cr.fetchone()[0])

    def call(self, func):
        """One call = one transaction, as the service layer runs an RPC call."""
        from bureau.orm.environment import Environment
        cr = self.server.cursor(BUREAU_DB)
        try:
            env = Environment(cr, ADMIN_UID, {"lang": "en_US", "tz": "UTC"})
            result = func(env["res.partner"])
            if hasattr(result, "_ids"):
                result = list(result._ids)
            cr.commit()
            return result
        finally:
            cr.close()

    def W0(self, k, rep, ctx):
        return self.call(lambda m: m.search_count([("id", "=", 0)]))

    def W1(self, b, rep, ctx):
        return self.call(lambda m: m.create([partner_row(i) for i in range(100 * b, 100 * b + 100)]))

    def W2(self, k, rep, ctx):
        return self.call(lambda m: m.search_read([("name", "ilike", w2_kind(k))],
                                                 ["name", "city", "active", "create_date", "write_date"],
                                                 offset=0, limit=80, order="name asc, id asc"))

    def W3(self, j, rep, ctx):
        return self.call(lambda m: m.browse([ctx["ids"][j]]).write({"city": w3_city(j, rep)}))

    def W4(self, k, rep, ctx):
        return self.call(lambda m: m.read_group([("id", ">", self.baseline)], ["city"], ["city"], orderby="city"))

    def W5(self, k, rep, ctx):
        return self.call(lambda m: m.name_search(name=w5_prefix(k) + "%", domain=[], operator="=ilike", limit=8))

    def prepare(self, workload, rep):
        with self.server.cursor(BUREAU_DB) as cr:
            if workload == "W1":
                cr.execute("DELETE FROM res_partner WHERE id > %s", [self.baseline])
            if workload == "W3":
                cr.execute("SELECT id FROM res_partner WHERE id > %s ORDER BY id LIMIT 1000", [self.baseline])
                return {"ids": [r[0] for r in cr.fetchall()]}
        return {}

    def check(self, workload, results):
        if workload == "W1":
            assert sum(len(r) for r in results) == 10_000
            with self.server.cursor(BUREAU_DB) as cr:
                cr.execute("SELECT count(*) FROM res_partner WHERE active AND id > %s", [self.baseline])
                assert cr.fetchone()[0] == 10_000
        elif workload == "W2":
            assert all(len(r) == 80 for r in results), [len(r) for r in results][:5]
        elif workload == "W4":
            assert all(len(r) == 50 and sum(g["city_count"] for g in r) == 10_000 for r in results)
        elif workload == "W5":
            assert all(len(r) == 8 for r in results)


TARGETS = {"raw": RawTarget, "bureau": BureauTarget}


def worker(uri, target_name, workload, rep):
    """Run one repetition of one workload for one target; print its timing as JSON."""
    target = TARGETS[target_name](uri)
    calls = WORKLOADS[workload][0]
    ctx = target.prepare(workload, rep)
    method = getattr(target, workload)
    if workload == "W1":
        # warm-up: one record created and deleted, untimed
        if target_name == "bureau":
            target.call(lambda m: m.create([{"name": "warmup"}]).unlink())
        else:
            target.run("INSERT INTO bench_partner (name) VALUES ('warmup')", fetch=False)
            target.run("DELETE FROM bench_partner WHERE name = 'warmup'", fetch=False)
    else:
        for k in range(3):
            method(k, rep, ctx)
    start = time.perf_counter()
    results = [method(k, rep, ctx) for k in range(calls)]
    elapsed = time.perf_counter() - start
    target.check(workload, results)
    print(json.dumps({"target": target_name, "workload": workload, "rep": rep, "seconds": elapsed}))


# -- orchestration ---------------------------------------------------------------------------------
def setup(server):
    from bureau.modules.loading import install_modules
    bench_common.drop_databases(server, BUREAU_DB, FLOOR_DB)
    start = time.perf_counter()
    server.create_database(BUREAU_DB)
    install_modules(server, BUREAU_DB, ["base"], admin_password=ADMIN_PASSWORD)
    install_seconds = time.perf_counter() - start
    with server.cursor(BUREAU_DB) as cr:
        cr.execute("SELECT max(id) FROM res_partner")
        baseline = cr.fetchone()[0]
        cr.execute("CREATE TABLE bench_meta (key varchar PRIMARY KEY, value varchar)")
        cr.execute("INSERT INTO bench_meta VALUES ('baseline', %s)", [str(baseline)])
        cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'res_partner'")
        indexes = [row[0] for row in cr.fetchall()]
    server.create_database(FLOOR_DB)
    with server.cursor(FLOOR_DB) as cr:
        cr.execute("""CREATE TABLE bench_partner (
            id serial PRIMARY KEY, name varchar NOT NULL, city varchar,
            active boolean NOT NULL DEFAULT true,
            create_uid integer, create_date timestamp, write_uid integer, write_date timestamp)""")
    return install_seconds, indexes


def measure_installs(server, reps=3):
    """Seconds to create a database and install (a) base, (b) base and library: medians of ``reps``."""
    from bureau.modules.loading import install_modules
    result = {}
    for label, modules in (("base", ["base"]), ("base+library", ["library"])):
        times = []
        for rep in range(reps):
            name = f"bench_install_{rep}"
            bench_common.drop_databases(server, name)
            start = time.perf_counter()
            server.create_database(name)
            install_modules(server, name, modules, admin_password=ADMIN_PASSWORD)
            times.append(time.perf_counter() - start)
            bench_common.drop_databases(server, name)
        result[label] = statistics.median(times)
    return result


def run_rep(uri, target, workload, rep):
    return bench_common.run_json_child(__file__, ["--worker", target, workload, str(rep), "--db-uri", uri],
                                       f"{target} {workload} rep {rep}")["seconds"]


def main():
    parser = bench_common.argument_parser(__doc__)
    parser.add_argument("--reps", type=int, help="repetitions per workload (default: bench.md minimums)")
    parser.add_argument("--quick", action="store_true", help="2 repetitions each (a smoke run, not a report)")
    parser.add_argument("--worker", nargs=3, metavar=("TARGET", "WORKLOAD", "REP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        target, workload, rep = args.worker
        worker(args.db_uri, target, workload, int(rep))
        return

    logging.basicConfig(level=logging.WARNING)
    check_dataset()
    from bureau.db.server import DatabaseServer
    with bench_common.database_server(args.db_uri) as uri:
        server = DatabaseServer(uri)
        install_seconds, indexes = setup(server)
        installs = measure_installs(server, reps=1 if args.quick else 3)
        server.close()
        runs = {}
        for workload, (_calls, _label, min_reps) in WORKLOADS.items():
            reps = 2 if args.quick else max(args.reps or 0, min_reps)
            if workload == "W2":
                bench_common.vacuum(uri, BUREAU_DB, FLOOR_DB)
            bench_common.run_rotated(workload, list(TARGETS), reps, runs,
                                     lambda target, rep: run_rep(uri, target, workload, rep))
        report(uri, runs, installs, indexes, args.quick)


def report(uri, runs, installs, indexes, quick):
    lines = ["| workload | raw s (ms/call) | bureau s (ms/call) | raw min-max | bureau min-max | bureau/raw |",
             "|---|---|---|---|---|---|"]
    data = {**bench_common.environment(uri),
            "install_seconds_median": installs, "res_partner_indexes": indexes, "quick": quick,
            "runs": {f"{w}/{t}": v for (w, t), v in runs.items()},
            "deviations": [
                "in-process: the bureau target calls the ORM in the client process (one transaction per "
                "call), no RPC; the rpc target and W6 (login) come with the RPC server",
                "res.partner name_search matches complete_name, email and ref (W5)",
                "W4 groups only the benchmark's partners (id above the baseline)",
            ]}
    for workload, (calls, label, _) in WORKLOADS.items():
        raw, bureau = runs[(workload, "raw")], runs[(workload, "bureau")]
        raw_med, bureau_med = statistics.median(raw), statistics.median(bureau)
        lines.append(f"| {label} | {per_call(raw_med, calls)} | {per_call(bureau_med, calls)} | {min_max(raw)} | "
                     f"{min_max(bureau)} | {bureau_med / raw_med:.1f} |")
    table = "\n".join(lines)
    header = f"Bureau ORM benchmark {data['date_utc']} ({bench_common.environment_line(data)})"
    print(header)
    print(table)
    print("\nCreating a database and installing addons (median of the repetitions):")
    for label, seconds in installs.items():
        print(f"  {label}: {seconds:.2f} s")
    bench_common.write_results("orm", header + "\n\n" + table, data, data["date_utc"])


if __name__ == "__main__":
    main()
