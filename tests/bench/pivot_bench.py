"""Pivot benchmark (issue 7): the client's pivot view over 100,000 records against a real server,
compared with the raw-SQL GROUP BY floor measured in the same run.

    python tests/bench/pivot_bench.py [--db-uri URI] [--rows 100000] [--reps 5] [--quick]

Set-up (in this process): the database ``bench_pivot`` with ``base`` and a generated addon
``bench_pivot_sale`` (written to a temporary directory: the model ``bench.pivot.sale`` with a
selection ``category`` (8 values), a many2one ``partner_id`` (40 contacts), a date ``day`` (three
years), a float ``amount`` and an integer ``quantity``, and a pivot view: rows ``category``, columns
``day:year``, measure ``amount``); ``--rows`` records created with one ``create`` of a list of dicts.
Then ``bureau serve`` in its own process, and the client (offscreen Qt, the real
:class:`MainWindow`) in this one.

Measured, each repetition in a new tab:

* **first table**: from opening the action's pivot (``get_views`` cached after the first run, the
  four ``read_group`` calls of rows x columns prefixes) to the table filled;
* **expand a header**: a category row expanded by partner (two ``read_group`` calls) until shown;
* **SQL floor**: the same aggregates straight from PostgreSQL: one ``GROUP BY GROUPING SETS``
  query for the first table, one for the expansion (median of the same number of runs).

Prints a Markdown table of medians and the ratios to the floor and writes it with every
repetition's numbers to ``bench-results/pivot-<stamp>.{md,json}``. Nothing here asserts timings.
"""
import datetime
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common  # noqa: E402
from bench_common import ADMIN_PASSWORD, min_max  # noqa: E402

DB = "bench_pivot"
ADDON = "bench_pivot_sale"
MODEL = "bench.pivot.sale"
TABLE = MODEL.replace(".", "_")
CATEGORIES = [(f"c{i}", f"Category {i}") for i in range(8)]
PARTNERS = 40

FIRST_SQL = (f"SELECT category, date_trunc('year', day)::date AS year, COUNT(*), SUM(amount) FROM {TABLE} "
             "GROUP BY GROUPING SETS ((category, year), (category), (year), ())")
EXPAND_SQL = (f"SELECT partner_id, date_trunc('year', day)::date AS year, COUNT(*), SUM(amount) FROM {TABLE} "
              "WHERE category = 'c3' GROUP BY GROUPING SETS ((partner_id, year), (partner_id))")


def write_addon(directory):
    return bench_common.write_addon(directory, ADDON, "Pivot benchmark: sales", {
        "models/sale.py":
            "from bureau import fields, models\n\n\nclass Sale(models.Model):\n"
            f"    _name = {MODEL!r}\n    _description = 'Sale'\n\n"
            "    name = fields.Char(required=True)\n"
            f"    category = fields.Selection({CATEGORIES!r}, index=True)\n"
            "    partner_id = fields.Many2one('res.partner', index=True)\n"
            "    day = fields.Date(index=True)\n"
            "    amount = fields.Float(digits=(16, 2))\n"
            "    quantity = fields.Integer()\n",
        "security/ir.model.access.csv":
            bench_common.ACCESS_CSV_HEADER + "access_sale,sale,model_bench_pivot_sale,base.group_user,1,1,1,1\n",
        "views/sale_views.xml":
            '<?xml version="1.0"?>\n<odoo>\n  <record id="view_sale_pivot" model="ir.ui.view">\n'
            f'    <field name="name">bench.pivot.sale.pivot</field>\n    <field name="model">{MODEL}</field>\n'
            '    <field name="arch" type="xml"><pivot string="Sales"><field name="category" type="row"/>'
            '<field name="day" interval="year" type="col"/><field name="amount" type="measure"/></pivot></field>\n'
            '  </record>\n</odoo>\n',
    })


def setup(server, rows, addons_dir):
    from bureau.modules.discovery import set_addons_path
    from bureau.modules.loading import install_modules
    from bureau.orm.environment import Environment
    from bureau.orm.registry import Registry
    set_addons_path([addons_dir])
    bench_common.drop_databases(server, DB)
    server.create_database(DB)
    install_modules(server, DB, ["base", ADDON], admin_password=ADMIN_PASSWORD)
    with server.cursor(DB) as cr:
        env = Environment(cr, 2, {"lang": "en_US"})
        partners = env["res.partner"].create([{"name": f"Customer {i:02d}"} for i in range(PARTNERS)]).ids
        start = time.perf_counter()
        first = datetime.date(2022, 1, 1)
        env[MODEL].create([{"name": f"Sale {i:06d}", "category": CATEGORIES[i % 8][0],
                            "partner_id": partners[(i * 7) % PARTNERS],
                            "day": (first + datetime.timedelta(days=(i * 13) % 1095)).isoformat(),
                            "amount": (i % 997) / 4.0, "quantity": i % 10} for i in range(rows)])
        env.flush_all()
        created = time.perf_counter() - start
        cr.execute(f"ANALYZE {TABLE}")
        cr.commit()
    Registry.delete(DB)
    return created


def sql_floor(server, query, reps):
    times = []
    with server.cursor(DB) as cr:
        for _ in range(reps):
            start = time.perf_counter()
            cr.execute(query)
            cr.fetchall()
            times.append((time.perf_counter() - start) * 1000)
        cr.rollback()
    return times


def client_runs(url, reps):
    bench_common.qt_app()
    from client_qt.session import Session
    from client_qt.views.pivot.data import ROW

    def wait(condition):
        bench_common.wait_until(condition, timeout=300)

    session = Session.login(url, DB, "admin", ADMIN_PASSWORD)
    window = bench_common.show_main_window(session)
    runs = []
    for _ in range(reps):
        run = {}
        start = time.perf_counter()
        tab = window.run_action_dict({"type": "ir.actions.act_window", "res_model": MODEL, "name": "Sales",
                                      "views": [[False, "pivot"]]})
        wait(lambda: getattr(tab, "current", None) is not None)
        view = tab.current
        wait(lambda: view.ready and not view.is_loading() and view.grid)
        run["first_table_ms"] = (time.perf_counter() - start) * 1000
        run["rows_shown"] = len(view.grid)
        run["total_count_check"] = view.pivot.value((), (), "amount")
        start = time.perf_counter()
        view.expand(ROW, ("c3",), "partner_id")
        wait(lambda: view.ready and not view.is_loading() and view.pivot.rows.find(("c3",)).expanded)
        view.table.viewport().repaint()
        run["expand_ms"] = (time.perf_counter() - start) * 1000
        run["rows_after_expand"] = len(view.grid)
        runs.append(run)
        window.close_tab(window.tabs.indexOf(tab))
        wait(lambda: window.tabs.count() == 0)
    session.runner.cancel_all()
    session.runner.wait()
    return runs


def report(runs, floors, rows, created, quick):
    first = statistics.median(r["first_table_ms"] for r in runs)
    expand = statistics.median(r["expand_ms"] for r in runs)
    first_floor = statistics.median(floors["first"])
    expand_floor = statistics.median(floors["expand"])
    cold = runs[0]["first_table_ms"]
    lines = [f"Pivot benchmark, {len(runs)} runs{' — quick' if quick else ''}; {bench_common.platform_line()}. "
             f"{rows:,} records created with one `create` in {created:.1f} s.", "",
             "| measure | median | min-max | raw-SQL floor (median) | ratio |", "|---|---|---|---|---|",
             f"| first table (8 categories x 3 years, 4 read_group) | {first:.0f} ms | "
             f"{min_max([r['first_table_ms'] for r in runs], '.0f')} ms | "
             f"{first_floor:.0f} ms | {first / first_floor:.1f}x |",
             f"| first table, first run (views not cached) | {cold:.0f} ms | | | {cold / first_floor:.1f}x |",
             f"| expand a category by partner (2 read_group) | {expand:.0f} ms | "
             f"{min_max([r['expand_ms'] for r in runs], '.0f')} ms | "
             f"{expand_floor:.0f} ms | {expand / expand_floor:.1f}x |",
             "", "The floor is one `GROUP BY GROUPING SETS` query run directly on PostgreSQL for the same aggregates."]
    text = "\n".join(lines)
    print(text)
    bench_common.write_results("pivot", text, {"rows": rows, "create_s": created, "runs": runs, "floor_ms": floors})


def main():
    parser = bench_common.argument_parser(__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="records (default 100,000)")
    parser.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--quick", action="store_true", help="10,000 records, two runs (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.reps = 10_000, 2
    logging.basicConfig(level=logging.WARNING)
    with bench_common.database_server(args.db_uri) as uri:
        measure(uri, args)


def measure(uri, args):
    """The run on the PostgreSQL server of ``uri``: set-up, server, client and floor, report."""
    from bureau.db.server import DatabaseServer
    work = Path(tempfile.mkdtemp(prefix="bureau-pivot-bench-"))
    addons_dir = work / "addons"
    write_addon(addons_dir)
    server = DatabaseServer(uri, maxconn=4)
    process = None
    try:
        created = setup(server, args.rows, addons_dir)
        print(f"{args.rows:,} records created in one create call: {created:.1f} s", file=sys.stderr)
        process, url = bench_common.start_bureau(uri, work, ["--addons-path", str(addons_dir),
                                                             "--log-level", "warning"])
        runs = client_runs(url, args.reps)
        floors = {"first": sql_floor(server, FIRST_SQL, args.reps), "expand": sql_floor(server, EXPAND_SQL, args.reps)}
        report(runs, floors, args.rows, created, args.quick)
    finally:
        server.close()
        if process is not None:
            bench_common.stop_process(process)


if __name__ == "__main__":
    main()
