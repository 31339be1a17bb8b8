"""Desktop client benchmark (issue 6): a list over 100,000 records and a 50-field form, against a real
server, measured in the client.

    python tests/bench/client_bench.py [--db-uri URI] [--rows 100000] [--reps 3] [--quick]

Set-up (in this process): the database ``bench_client`` with ``base`` and a generated addon
``bench_client_wide`` (written to a temporary directory: one model, ``bench.client.wide``, with 50
fields of the usual types, and a form view showing them all: two groups, a notebook of two pages); ``--rows`` contacts created with one
``create`` of a list of dicts; a few wide records. Then ``bureau serve`` (threaded, default
settings) in its own process.

Each repetition runs the client in a fresh process (offscreen Qt, the real :class:`MainWindow`):

* **first rows**: from opening the Contacts action (``/web/action/load``, ``get_views``,
  ``search_count``, the first ``search_read`` page) to the first paint of the list showing loaded
  rows; *cold* (first opening in the process) and *warm* (the tab opened again: views cached);
* **scroll**: page by page (one viewport at a time, each page waited for) through every row to the
  end; time, pages fetched, pages kept, and the resident memory (RSS) before and after;
* **50-field form**: from opening the form of a wide record to its first paint with the record's
  values (cold: the arch parsed and 50 widgets built), then the next record in the same form (warm),
  and building the form widgets alone (no server, median of 20).

Prints a Markdown table of medians and writes it with every repetition's numbers to
``bench-results/client-<stamp>.{md,json}``. Nothing here asserts timings.
"""
import argparse
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common  # noqa: E402
from bench_common import ADMIN_PASSWORD, wait_until  # noqa: E402

DB = "bench_client"
ADDON = "bench_client_wide"
WIDE_MODEL = "bench.client.wide"
WIDE_RECORDS = 3

#: the fields of the wide model besides ``name`` (50 with it): (name, declaration, value of record n)
WIDE_FIELDS = (
    [(f"char_{i}", "fields.Char()", lambda n, i=i: f"Text {i} of record {n}") for i in range(11)]
    + [(f"int_{i}", "fields.Integer()", lambda n, i=i: n * 100 + i) for i in range(8)]
    + [(f"float_{i}", "fields.Float(digits=(16, 2))", lambda n, i=i: n + i / 4) for i in range(6)]
    + [(f"flag_{i}", "fields.Boolean()", lambda n, i=i: (n + i) % 2 == 0) for i in range(5)]
    + [(f"day_{i}", "fields.Date()", lambda n, i=i: f"2024-{1 + (n + i) % 12:02d}-{1 + i:02d}") for i in range(5)]
    + [(f"moment_{i}", "fields.Datetime()", lambda n, i=i: f"2024-03-{1 + i:02d} {8 + n % 8:02d}:30:00")
       for i in range(4)]
    + [(f"choice_{i}", "fields.Selection([('a', 'Alpha'), ('b', 'Beta'), ('c', 'Gamma')])",
        lambda n, i=i: "abc"[(n + i) % 3]) for i in range(4)]
    + [(f"partner_{i}", "fields.Many2one('res.partner')", None) for i in range(3)]
    + [(f"note_{i}", "fields.Text()", lambda n, i=i: f"Note {i}\nsecond line of record {n}") for i in range(2)]
    + [("country_id", "fields.Many2one('res.country')", None)]
)
assert len(WIDE_FIELDS) == 49


# -- set-up -----------------------------------------------------------------------------------------
def write_addon(directory):
    """The generated addon: a model with :data:`WIDE_FIELDS` and a form view of all of them."""
    body = "\n".join(f"    {name} = {declaration}" for name, declaration, _ in WIDE_FIELDS)
    names = [name for name, _, _ in WIDE_FIELDS]

    def group(part):
        return "<group>" + "".join(f'<field name="{name}"/>' for name in part) + "</group>"

    arch = (f'<form string="Wide"><sheet><div class="oe_title"><h1><field name="name"/></h1></div>'
            f"<group>{group(names[0:10])}{group(names[10:20])}</group>"
            f'<notebook><page string="More"><group>{group(names[20:30])}{group(names[30:40])}</group></page>'
            f'<page string="Other"><group>{group(names[40:])}</group></page></notebook></sheet></form>')
    return bench_common.write_addon(directory, ADDON, "Client benchmark: a 50-field model", {
        "models/wide.py":
            "from bureau import fields, models\n\n\nclass Wide(models.Model):\n"
            f"    _name = {WIDE_MODEL!r}\n    _description = 'Wide record'\n\n    name = fields.Char(required=True)\n"
            f"{body}\n",
        "security/ir.model.access.csv":
            bench_common.ACCESS_CSV_HEADER + "access_wide,wide,model_bench_client_wide,base.group_user,1,1,1,1\n",
        "views/wide_views.xml":
            '<?xml version="1.0"?>\n<odoo>\n  <record id="view_wide_form" model="ir.ui.view">\n'
            f'    <field name="name">bench.client.wide.form</field>\n    <field name="model">{WIDE_MODEL}</field>\n'
            f'    <field name="arch" type="xml">{arch}</field>\n  </record>\n</odoo>\n',
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
        start = time.perf_counter()
        env["res.partner"].create([{"name": f"Contact {i:06d}", "city": f"City {i % 50:02d}",
                                    "email": f"contact{i}@example.com", "phone": f"+32 2 {i:06d}"}
                                   for i in range(rows)])
        env.flush_all()
        created = time.perf_counter() - start
        partners = env["res.partner"].search([], limit=3).ids
        country = env["res.country"].search([], limit=1).id
        wide = []
        for n in range(WIDE_RECORDS):
            values = {"name": f"Wide record {n}", "country_id": country}
            for name, _declaration, sample in WIDE_FIELDS:
                if sample is not None:
                    values[name] = sample(n)
                elif name.startswith("partner_"):
                    values[name] = partners[int(name[-1]) % len(partners)]
            wide.append(values)
        wide_ids = env[WIDE_MODEL].create(wide).ids
        cr.commit()
    Registry.delete(DB)
    return created, wide_ids


# -- the client, in its own process -----------------------------------------------------------------
def rss_mb():
    """Resident memory of this process in MB."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import psutil
        return psutil.Process().memory_info().rss / 2 ** 20
    except ImportError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def client_worker(url, wide_ids):
    app = bench_common.qt_app()
    from client_qt.qt import QEvent, QObject
    from client_qt.session import Session
    from client_qt.views.arch import parse_arch
    from client_qt.views.form.record_form import RecordForm
    result = {"rss_start_mb": rss_mb()}

    class Paints(QObject):
        """Time of the first paint of ``widget`` once ``ready()`` holds."""

        def __init__(self, widget, ready):
            super().__init__(widget)
            self.ready, self.at = ready, None
            widget.installEventFilter(self)

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and self.at is None and self.ready():
                self.at = time.perf_counter()
            return False

    start = time.perf_counter()
    session = Session.login(url, DB, "admin", ADMIN_PASSWORD)
    result["login_ms"] = (time.perf_counter() - start) * 1000
    window = bench_common.show_main_window(session)
    wait_until(lambda: window.menu_tree.topLevelItemCount() > 0)
    [action] = session.connection.call_kw("ir.actions.act_window", "search_read",
                                          [[["res_model", "=", "res.partner"]]], {"fields": ["id"], "limit": 1})
    result["rss_window_mb"] = rss_mb()

    def open_list():
        count = window.tabs.count()
        start = time.perf_counter()
        window.open_action(action["id"], title="Contacts")
        wait_until(lambda: window.tabs.count() > count
                   and getattr(window.tabs.widget(count), "current", None) is not None)
        tab = window.tabs.widget(count)
        view = tab.current
        table = view.table
        paints = Paints(table.viewport(), lambda: view.model.rowCount() > 0 and view.model.is_loaded(0))
        wait_until(lambda: paints.at is not None)
        return tab, view, (paints.at - start) * 1000

    tab, view, result["first_rows_cold_ms"] = open_list()
    result["rows"] = view.model.total
    window.close_tab(window.tabs.indexOf(tab))
    wait_until(lambda: window.tabs.count() == 0)
    tab, view, result["first_rows_warm_ms"] = open_list()
    result["rss_first_rows_mb"] = rss_mb()

    table, model = view.table, view.model
    bar = table.verticalScrollBar()
    fetched = []
    model.page_loaded.connect(fetched.append)
    start = time.perf_counter()
    steps = 0
    while True:
        first = max(table.rowAt(0), 0)
        last = table.rowAt(table.viewport().height() - 1)
        last = model.rowCount() - 1 if last < 0 else last
        wait_until(lambda: model.is_loaded(first) and model.is_loaded(last))
        if bar.value() >= bar.maximum():
            break
        bar.setValue(min(bar.value() + max(last - first, 1), bar.maximum()))
        steps += 1
    result["scroll_s"] = time.perf_counter() - start
    result["scroll_steps"] = steps
    result["pages_fetched"] = len(fetched)
    result["pages_kept"] = len(model.loaded_pages())
    result["last_row_shown"] = model.row_data(model.rowCount() - 1, fetch=False) is not None
    result["rss_scrolled_mb"] = rss_mb()
    window.close_tab(window.tabs.indexOf(tab))

    start = time.perf_counter()
    tab = window.run_action_dict({"type": "ir.actions.act_window", "res_model": WIDE_MODEL, "name": "Wide",
                                  "views": [[False, "form"]], "res_id": wide_ids[0]})
    wait_until(lambda: "form" in tab.views)
    form_view = tab.views["form"]
    paints = Paints(form_view, lambda: form_view.form.record is not None and form_view.form.record.id == wide_ids[0])
    wait_until(lambda: paints.at is not None)
    result["form_cold_ms"] = (paints.at - start) * 1000
    result["form_widgets"] = len([e for e in form_view.form.field_list if e.widget is not None])
    start = time.perf_counter()
    tab.open_record(wide_ids[1], wide_ids)
    paints = Paints(form_view, lambda: form_view.form.record is not None and form_view.form.record.id == wide_ids[1])
    wait_until(lambda: paints.at is not None)
    result["form_next_ms"] = (paints.at - start) * 1000
    views = session.get_views(WIDE_MODEL, [[False, "form"]])
    arch, fields = views["views"]["form"]["arch"], views["models"][WIDE_MODEL]["fields"]
    builds = []
    for _ in range(20):
        start = time.perf_counter()
        form = RecordForm(session, WIDE_MODEL, parse_arch(arch), fields, views["models"])
        builds.append((time.perf_counter() - start) * 1000)
        form.deleteLater()
    app.processEvents()
    result["form_build_ms"] = statistics.median(builds)
    result["rss_end_mb"] = rss_mb()
    session.runner.cancel_all()
    session.runner.wait()
    print("RESULT " + json.dumps(result), flush=True)


# -- orchestration ----------------------------------------------------------------------------------
ROWS = [
    ("login_ms", "log in (`/web/session/authenticate`)", "ms"),
    ("first_rows_cold_ms", "list of {rows:,} contacts: first painted rows, cold (action, views, count, page)", "ms"),
    ("first_rows_warm_ms", "list: first painted rows, warm (views cached)", "ms"),
    ("scroll_s", "list: scroll through every row, a viewport at a time", "s"),
    ("pages_fetched", "list: pages of 80 fetched while scrolling", ""),
    ("pages_kept", "list: pages kept in memory at the end", ""),
    ("rss_window_mb", "RSS: main window shown", "MB"),
    ("rss_first_rows_mb", "RSS: list open, first rows shown", "MB"),
    ("rss_scrolled_mb", "RSS: after scrolling to the end", "MB"),
    ("form_cold_ms", "50-field form: first paint with the record, cold", "ms"),
    ("form_next_ms", "50-field form: next record painted", "ms"),
    ("form_build_ms", "50-field form: building the widgets alone (median of 20)", "ms"),
]


def run_worker(url, wide_ids):
    env = bench_common.child_env(QT_QPA_PLATFORM="offscreen",
                                 BUREAU_CLIENT_DATA_DIR=tempfile.mkdtemp(prefix="bureau-bench-client-"))
    output = subprocess.run([sys.executable, __file__, "--worker", url, json.dumps(wide_ids)], env=env,
                            capture_output=True, text=True, timeout=1800)
    line = next((line for line in output.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError("the client worker failed:\n" + output.stdout + output.stderr[-4000:])
    return json.loads(line[len("RESULT "):])


def report(runs, rows, created, quick):
    lines = [f"Client benchmark, {len(runs)} runs (fresh client process each){' — quick' if quick else ''}; "
             f"{bench_common.platform_line()}. {rows:,} contacts created with one `create` in {created:.1f} s.",
             "", "| measure | median | min-max |", "|---|---|---|"]
    for key, label, unit in ROWS:
        values = [run[key] for run in runs]
        spec = ".0f" if unit in ("ms", "") else ".1f"
        lines.append(f"| {label.format(rows=rows)} | {statistics.median(values):{spec}} {unit} | "
                     f"{bench_common.min_max(values, spec)} |")
    text = "\n".join(lines)
    print(text)
    bench_common.write_results("client", text, {"rows": rows, "create_s": created, "runs": runs})


def main():
    parser = bench_common.argument_parser(__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="contacts in the list (default 100,000)")
    parser.add_argument("--reps", type=int, default=3, help="client runs (default 3)")
    parser.add_argument("--quick", action="store_true", help="10,000 rows, one run (a smoke run, not a report)")
    parser.add_argument("--worker", nargs=2, metavar=("URL", "WIDE_IDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return client_worker(args.worker[0], json.loads(args.worker[1]))
    if args.quick:
        args.rows, args.reps = 10_000, 1
    logging.basicConfig(level=logging.WARNING)
    with bench_common.database_server(args.db_uri) as uri:
        measure(uri, args)


def measure(uri, args):
    """The run on the PostgreSQL server of ``uri``: set-up, server, client runs, report."""
    from bureau.db.server import DatabaseServer
    work = Path(tempfile.mkdtemp(prefix="bureau-client-bench-"))
    addons_dir = work / "addons"
    write_addon(addons_dir)
    server = DatabaseServer(uri, maxconn=4)
    process = None
    try:
        created, wide_ids = setup(server, args.rows, addons_dir)
        print(f"{args.rows:,} contacts created in one create call: {created:.1f} s", file=sys.stderr)
        server.close()
        process, url = bench_common.start_bureau(uri, work, ["--addons-path", str(addons_dir),
                                                             "--log-level", "warning"])
        runs = []
        for rep in range(args.reps):
            runs.append(run_worker(url, wide_ids))
            print(f"  run {rep + 1}: " + ", ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                                                  for k, v in runs[-1].items()), file=sys.stderr)
        report(runs, args.rows, created, args.quick)
    finally:
        if process is not None:
            bench_common.stop_process(process)


if __name__ == "__main__":
    main()
