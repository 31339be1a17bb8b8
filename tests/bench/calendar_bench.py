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
import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

DB = "bench_calendar"
ADMIN_UID = 2
FIELDS = ["name", "start", "stop", "allday", "duration", "user_id", "partner_ids", "location", "categ_ids",
          "privacy", "color"]


def setup(server, count):
    from bureau.modules.loading import install_modules
    from bureau.orm.environment import Environment
    from bureau.orm.registry import Registry
    if server.exists(DB):
        Registry.delete(DB)
        server.drop_database(DB)
    server.create_database(DB)
    install_modules(server, DB, ["calendar"], admin_password="bench-admin-pw")
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
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from client_bench import start_server
    from client_qt.qt import QApplication, QtCore
    app = QApplication.instance() or QApplication([])
    from client_qt.session import Session
    from client_qt.views.registry import load_view_modules
    from client_qt.windows.main_window import MainWindow
    load_view_modules()
    work = Path(tempfile.mkdtemp(prefix="bureau-calendar-bench-"))
    (work / "addons").mkdir()
    process, url = start_server(uri, work / "addons", work)

    def wait(condition, timeout=120):
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("benchmark step did not finish")
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)

    timings = {"client fetch month (search_read + placement)": [], "client layout month": [],
               "client paint month": []}
    try:
        session = Session.login(url, DB, "admin", "bench-admin-pw")
        session.connection.update_user_context({"tz": "Europe/Brussels"})
        window = MainWindow(session)
        window.resize(1280, 860)
        window.show()
        tab = window.run_action_dict({"type": "ir.actions.act_window", "res_model": "calendar.event",
                                      "name": "Meetings", "views": [[False, "calendar"], [False, "form"]]})
        wait(lambda: tab.current is not None and tab.current.loaded and tab.current.is_idle())
        view = tab.current
        view.set_mode("month", datetime.date.today())
        wait(view.is_idle)
        canvas = view.canvas
        for _rep in range(reps):
            start = time.perf_counter()
            view.reload()
            wait(view.is_idle)
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
        process.terminate()
        process.wait(30)
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db-uri", help="PostgreSQL server (default: the embedded one in a temp dir)")
    parser.add_argument("--events", type=int, default=2000, help="events in the month (default 2000)")
    parser.add_argument("--reps", type=int, default=7, help="repetitions of each step (default 7)")
    parser.add_argument("--no-client", action="store_true", help="only the server side")
    args = parser.parse_args()

    import logging
    logging.basicConfig(level=logging.WARNING)
    from bureau.db.embedded import EmbeddedPostgres
    from bureau.db.server import DatabaseServer
    embedded = None
    uri = args.db_uri or os.environ.get("BUREAU_BENCH_DB_URI")
    if not uri:
        embedded = EmbeddedPostgres(Path(tempfile.gettempdir()) / f"bureau-bench-{os.getuid()}")
        uri = embedded.start()
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
            print(f"| {name} | {statistics.median(ms):.1f} | {min(ms):.1f}-{max(ms):.1f} | {rows} |")
    finally:
        server.close()
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    main()
