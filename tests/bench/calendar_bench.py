"""Calendar benchmark (issue 7): render one month of a calendar holding 2,000 events, in-process.

    python tests/bench/calendar_bench.py [--db-uri URI] [--events 2000] [--reps 7]

Creates the database ``bench_calendar`` with the ``calendar`` addon (no demo data), adds the events
in one ``create`` call (:func:`bureau.addons.calendar.tests.common.create_month_events`), then
repeats, each in its own transaction as the service layer runs an RPC call, what the desktop
client does to show the month: ``get_views`` of the calendar action, the events overlapping the
visible range (``search_read`` on start/stop with the calendar's fields), the organizer filter
(``read_group`` by ``user_id``), and the same month through the ``calendar_day`` search field.
Then the desktop client's side, against ``bureau serve`` on that database (``--no-client`` skips
it): the real main window opens the calendar action, shows the month (1280x860, offscreen Qt), and
each repetition measures the **fetch** (the view's one ``search_read`` of the visible range, from the
call to the events placed on the canvas: HTTP, JSON, conversion to local times, layout), the
**layout** alone (placing the events for the canvas size) and the **paint** (one synchronous repaint
of the month, "+N more" for what does not fit).

Prints medians; asserts nothing about timings.
"""
import datetime
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common  # noqa: E402
from bench_common import ADMIN_PASSWORD, wait_until  # noqa: E402

DB = "bench_calendar"
ADMIN_UID = 2
FIELDS = ["name", "start", "stop", "allday", "duration", "user_id", "partner_ids", "location", "categ_ids",
          "privacy", "color"]


def setup(server, count):
    from bureau.modules.loading import install_modules
    from bureau.orm.environment import Environment
    bench_common.drop_databases(server, DB)
    server.create_database(DB)
    install_modules(server, DB, ["calendar"], admin_password=ADMIN_PASSWORD)
    from bureau.addons.calendar.tests.common import create_month_events
    with server.cursor(DB) as cr:
        env = Environment(cr, ADMIN_UID, {"lang": "en_US", "tz": "Europe/Brussels"})
        users = env["res.users"].create([{"name": f"Organizer {i}", "login": f"bench_org_{i}"} for i in range(8)])
        partners = env["res.partner"].create([{"name": f"Attendee {i}"} for i in range(40)])
        start = time.perf_counter()
        create_month_events(env, count, users=users, partners=partners)
        env.flush_all()
        seconds = time.perf_counter() - start
        cr.commit()
    return seconds


def visible_range(day, zone_name):
    """The month grid of ``day`` (Monday before the 1st .. Sunday after the last day), in UTC."""
    import zoneinfo
    from bureau.addons.calendar.tests.common import month_bounds
    first, last = month_bounds(day)
    grid_start = first - datetime.timedelta(days=first.weekday())
    grid_stop = last + datetime.timedelta(days=7 - last.weekday())
    zone = zoneinfo.ZoneInfo(zone_name)

    def utc(local_day):
        local = datetime.datetime.combine(local_day, datetime.time.min).replace(tzinfo=zone)
        return local.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return utc(grid_start), utc(grid_stop)


def measure(server, reps):
    from bureau.addons.calendar.tests.common import month_domain
    from bureau.orm.environment import Environment
    context = {"lang": "en_US", "tz": "Europe/Brussels"}
    today = datetime.date.today()
    range_start, range_stop = visible_range(today, context["tz"])
    steps = {
        "get_views (calendar, list, form, search)": lambda Event: Event.get_views(
            [[False, "calendar"], [False, "list"], [False, "form"], [False, "search"]], {"toolbar": True}),
        "search_read visible month (start/stop)": lambda Event: Event.search_read(
            [("start", "<", range_stop), ("stop", ">=", range_start)], FIELDS),
        "read_group organizers (sidebar filter)": lambda Event: Event.read_group(
            [("start", "<", range_stop), ("stop", ">=", range_start)], ["user_id"], ["user_id"]),
        "search_read month (calendar_day)": lambda Event: Event.search_read(month_domain(today), FIELDS),
    }
    timings = {name: [] for name in steps}
    sizes = {}
    for _rep in range(reps):
        for name, step in steps.items():
            cr = server.cursor(DB)
            try:
                env = Environment(cr, ADMIN_UID, context)
                start = time.perf_counter()
                result = step(env["calendar.event"])
                timings[name].append(time.perf_counter() - start)
                sizes[name] = len(result) if isinstance(result, list) else None
                cr.commit()
            finally:
                cr.close()
    return timings, sizes


def measure_client(uri, reps):
    """Fetch, layout and paint times (seconds) of the client's month page; see the module docstring."""
    bench_common.qt_app()
    from client_qt.session import Session
    work = Path(tempfile.mkdtemp(prefix="bureau-calendar-bench-"))
    process, url = bench_common.start_bureau(uri, work, ["--log-level", "warning"])

    timings = {"client fetch month (search_read + placement)": [], "client layout month": [],
               "client paint month": []}
    try:
        session = Session.login(url, DB, "admin", ADMIN_PASSWORD)
        session.connection.update_user_context({"tz": "Europe/Brussels"})
        window = bench_common.show_main_window(session)
        tab = window.run_action_dict({"type": "ir.actions.act_window", "res_model": "calendar.event",
                                      "name": "Meetings", "views": [[False, "calendar"], [False, "form"]]})
        wait_until(lambda: tab.current is not None and tab.current.loaded and tab.current.is_idle())
        view = tab.current
        view.set_mode("month", datetime.date.today())
        wait_until(view.is_idle)
        canvas = view.canvas
        for _rep in range(reps):
            start = time.perf_counter()
            view.reload()
            wait_until(view.is_idle)
            timings["client fetch month (search_read + placement)"].append(time.perf_counter() - start)
            start = time.perf_counter()
            canvas.relayout()
            timings["client layout month"].append(time.perf_counter() - start)
            start = time.perf_counter()
            canvas.repaint()
            timings["client paint month"].append(time.perf_counter() - start)
        sizes = {name: len(view.events) for name in timings}
        sizes["client paint month"] = sum(1 for item in canvas.items if item.kind == "bar")
        window.close()
        session.runner.wait()
        return timings, sizes
    finally:
        bench_common.stop_process(process)
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = bench_common.argument_parser(__doc__)
    parser.add_argument("--events", type=int, default=2000, help="events in the month (default 2000)")
    parser.add_argument("--reps", type=int, default=7, help="repetitions of each step (default 7)")
    parser.add_argument("--no-client", action="store_true", help="only the server side")
    args = parser.parse_args()

    logging.basicConfig(level=logging.WARNING)
    from bureau.db.server import DatabaseServer
    with bench_common.database_server(args.db_uri) as uri:
        server = DatabaseServer(uri, maxconn=4)
        try:
            created = setup(server, args.events)
            print(f"created {args.events} events in one create call: {created:.3f} s", file=sys.stderr)
            timings, sizes = measure(server, args.reps)
            if not args.no_client:
                client_timings, client_sizes = measure_client(uri, args.reps)
                timings.update(client_timings)
                sizes.update(client_sizes)
            print(f"| step ({args.events} events, {args.reps} reps) | median ms | min-max ms | rows |")
            print("|---|---|---|---|")
            for name, values in timings.items():
                ms = [v * 1000 for v in values]
                rows = "" if sizes[name] is None else sizes[name]
                print(f"| {name} | {statistics.median(ms):.1f} | {bench_common.min_max(ms, '.1f')} | {rows} |")
        finally:
            server.close()


if __name__ == "__main__":
    main()
