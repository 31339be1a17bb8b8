"""The calendar view (views.md §6, issue 7): pure placement tests, then the real view against the live server.

The live tests open ``calendar.event`` (and ``library.loan``) in a tab of a real main window and act
with real mouse events (press, move, release) on the canvas; what was written is read back with
``rpc``. Their events are created in March 2031, far from the demo data (the current month), in
the test user's zone ``Europe/Brussels`` (UTC+1 in March 2031: summer time starts on the 30th).
The month, week and day pages of the demo data are saved as ``calendar-*.png`` in the screenshot
folder (``build/screenshots``; ``BUREAU_SCREENSHOTS=docs/screenshots`` for the documentation's).
"""
import datetime

import pytest

from client_fixtures import *  # noqa: F401,F403
from client_fixtures import (SCREENSHOTS, TIMEOUT, LoggedConnection, answer_next_question, close_session, dialogs,
                             keep, unique)

from client_qt.qt import QApplication, QDate, QLineEdit, QMessageBox, QPoint, Qt, QtGui
from client_qt.views.calendar.model import (Event, layout_bars, layout_timed, palette_color, range_domain,
                                            span_values, step, visible_days, events_from_records)
from client_qt.views.calendar.parser import parse_calendar

D = datetime.date
DT = datetime.datetime
MONDAY = D(2031, 3, 10)

FIELDS = {"start": {"type": "datetime"}, "stop": {"type": "datetime"}, "allday": {"type": "boolean"},
          "user_id": {"type": "many2one"}, "name": {"type": "char"}, "hours": {"type": "float"},
          "day": {"type": "date"}, "day_end": {"type": "date"}}
ARCH = '<calendar date_start="start" date_stop="stop" all_day="allday" color="user_id"><field name="name"/></calendar>'


# -- the model, without Qt or server ------------------------------------------------------------------
def test_visible_days_cover_whole_weeks_from_the_locale_first_day():
    assert visible_days("day", D(2031, 3, 12)) == (D(2031, 3, 12), D(2031, 3, 13))
    assert visible_days("week", D(2031, 3, 12)) == (MONDAY, D(2031, 3, 17))
    assert visible_days("week", D(2031, 3, 12), week_start=6) == (D(2031, 3, 9), D(2031, 3, 16))
    first, stop = visible_days("month", D(2031, 3, 12))
    assert first == D(2031, 2, 24) and stop == D(2031, 4, 7) and (stop - first).days % 7 == 0
    assert step("month", D(2031, 1, 31), 1) == D(2031, 2, 1)
    assert step("month", D(2031, 1, 5), -1) == D(2030, 12, 1)
    assert step("week", MONDAY, 1) == D(2031, 3, 17) and step("day", MONDAY, -1) == D(2031, 3, 9)


def test_range_domain_bounds_are_the_local_midnights_in_utc():
    spec = parse_calendar(ARCH, FIELDS)
    domain = range_domain(spec, FIELDS, MONDAY, D(2031, 3, 17), "Europe/Brussels")
    assert domain == ["&", ("start", "<", "2031-03-16 23:00:00"), "|", ("stop", ">", "2031-03-09 23:00:00"),
                      "&", ("stop", "=", False), ("start", ">=", "2031-03-09 23:00:00")]
    dates = parse_calendar('<calendar date_start="day" date_stop="day_end"/>', FIELDS)
    assert range_domain(dates, FIELDS, MONDAY, D(2031, 3, 17), "Asia/Tokyo")[1:3] == [
        ("day", "<", "2031-03-17"), "|"]


def test_all_day_events_keep_their_date_and_timed_ones_move_into_the_zone():
    spec = parse_calendar(ARCH, FIELDS)
    records = [{"id": 1, "display_name": "Late", "start": "2031-03-12 23:30:00", "stop": "2031-03-13 00:30:00",
                "allday": False, "user_id": [2, "Admin"]},
               {"id": 2, "display_name": "Holiday", "start": "2031-03-12 08:00:00", "stop": "2031-03-13 18:00:00",
                "allday": True, "user_id": False}]
    holiday, late = events_from_records(records, spec, FIELDS, "America/New_York")     # New York: UTC-4
    assert (late.start, late.stop) == (DT(2031, 3, 12, 19, 30), DT(2031, 3, 12, 20, 30))
    assert (holiday.start, holiday.stop, holiday.all_day) == (DT(2031, 3, 12), DT(2031, 3, 14), True)
    tokyo = events_from_records(records, spec, FIELDS, "Asia/Tokyo")
    assert [(e.title, e.first_day) for e in tokyo] == [("Holiday", D(2031, 3, 12)), ("Late", D(2031, 3, 13))]
    # written back unshifted, keeping the stored hours
    assert span_values(spec, FIELDS, holiday.start + datetime.timedelta(days=2),
                       holiday.stop + datetime.timedelta(days=2), True, "Asia/Tokyo", holiday.record) == {
        "start": "2031-03-14 08:00:00", "stop": "2031-03-15 18:00:00"}
    assert span_values(spec, FIELDS, late.start, late.stop, False, "America/New_York") == {
        "start": "2031-03-12 23:30:00", "stop": "2031-03-13 00:30:00"}


def test_date_delay_gives_the_end_and_is_written_in_hours():
    spec = parse_calendar('<calendar date_start="start" date_delay="hours"/>', FIELDS)
    (event,) = events_from_records([{"id": 1, "start": "2031-03-12 08:00:00", "hours": 2.5}], spec, FIELDS, "UTC")
    assert event.stop == DT(2031, 3, 12, 10, 30)
    assert span_values(spec, FIELDS, DT(2031, 3, 12, 9), DT(2031, 3, 12, 12), False, "UTC") == {
        "start": "2031-03-12 09:00:00", "hours": 3.0}


def _event(id_, start, stop, all_day=False):
    return Event(id_, f"e{id_}", start, stop, all_day)


def test_overlapping_timed_events_share_the_column_and_bars_stack_in_lanes():
    a = _event(1, DT(2031, 3, 10, 9), DT(2031, 3, 10, 11))
    b = _event(2, DT(2031, 3, 10, 10), DT(2031, 3, 10, 12))
    c = _event(3, DT(2031, 3, 10, 11), DT(2031, 3, 10, 13))
    d = _event(4, DT(2031, 3, 10, 14), DT(2031, 3, 10, 15))
    blocks = {block.event.id: block for block in layout_timed([a, b, c, d], MONDAY, 7)}
    assert [(blocks[i].slot, blocks[i].slots) for i in (1, 2, 3, 4)] == [(0, 2), (1, 2), (0, 2), (0, 1)]
    long = _event(5, DT(2031, 3, 15), DT(2031, 3, 19), all_day=True)      # Sat..Tue: cut at the row end
    short = _event(6, DT(2031, 3, 16), DT(2031, 3, 17), all_day=True)
    bars = layout_bars([short, long], MONDAY, 7, rows=2)
    assert [(b.event.id, b.row, b.first, b.last, b.lane, b.continues_before, b.continues_after) for b in bars] == [
        (5, 0, 5, 6, 0, False, True), (5, 1, 0, 1, 0, True, False), (6, 0, 6, 6, 1, False, False)]


def test_a_colour_value_keeps_its_colour():
    assert palette_color(7) == palette_color(7) != palette_color(8)
    assert palette_color("done") == palette_color("done")
    assert palette_color(None) == palette_color(False)


def test_parser_reads_legacy_quick_add_and_ignores_unknown_fields():
    spec = parse_calendar('<calendar date_start="start" quick_add="False" color="nope" mode="year">'
                          '<field name="name"/><field name="hours" invisible="1"/><field name="zzz"/></calendar>',
                          FIELDS)
    assert (spec.quick_create, spec.color, spec.mode, spec.fields) == (False, None, "month",
                                                                        [("name", False), ("hours", True)])
    assert spec.fetch_fields(FIELDS) == ["display_name", "start", "name", "hours"]
    assert parse_calendar('<calendar date_start="name"/>', FIELDS).error


# -- the view against the live server -----------------------------------------------------------------------
def open_calendar(qtbot, window, model="calendar.event", day=MONDAY, mode=None, calendar_view=False, name=None):
    """A tab of ``model`` showing its calendar view on the page of ``day``; returns the view."""
    action = {"type": "ir.actions.act_window", "res_model": model, "name": name or model,
              "views": [[calendar_view, "calendar"], [False, "list"], [False, "form"]], "context": {}}
    tab = window.run_action_dict(action)
    qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None, timeout=TIMEOUT)
    view = tab.current
    assert view.objectName() == "calendar_view"
    if mode:
        view.set_mode(mode, day)
    else:
        view.go_to(day)
    settle(qtbot, view)
    return view


def settle(qtbot, view):
    qtbot.waitUntil(lambda: view.loaded and view.is_idle(), timeout=TIMEOUT)
    qtbot.wait(1)


def item_of(view, record_id):
    items = [i for i in view.canvas.items if i.event is not None and i.event.id == record_id]
    assert items, f"event {record_id} is not drawn"
    return items[0]


def drag(qtbot, widget, start, end, steps=3):
    """Press at ``start``, move in ``steps`` to ``end``, release: real mouse events."""
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    for index in range(1, steps + 1):
        point = QPoint(start.x() + (end.x() - start.x()) * index // steps,
                              start.y() + (end.y() - start.y()) * index // steps)
        qtbot.mouseMove(widget, point)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def event_values(name, start, stop, **extra):
    return dict({"name": name, "start": start, "stop": stop}, **extra)


def wait_read(qtbot, rpc, record_id, fields, expected):
    def check():
        values = rpc.read_one("calendar.event", record_id, fields)
        assert {k: values[k] for k in expected} == expected
    qtbot.waitUntil(check, timeout=TIMEOUT)


@pytest.mark.pg
@pytest.mark.qt
def test_event_dragged_to_another_day_in_the_month_has_its_dates_written(qtbot, window, rpc):
    record_id = rpc.create("calendar.event", event_values(unique("Drag me"), "2031-03-12 09:00:00",
                                                          "2031-03-12 10:00:00"))
    view = open_calendar(qtbot, window, mode="month", day=D(2031, 3, 12))
    item = item_of(view, record_id)
    assert item.kind == "bar"
    drag(qtbot, view.canvas, item.rect.center().toPoint(), view.canvas.point_for(D(2031, 3, 20)))
    wait_read(qtbot, rpc, record_id, ["start", "stop"], {"start": "2031-03-20 09:00:00", "stop": "2031-03-20 10:00:00"})
    settle(qtbot, view)
    assert item_of(view, record_id).event.first_day == D(2031, 3, 20)
    write = view.session.connection.sent("write", "calendar.event")[-1]
    assert write.args == [[record_id], {"start": "2031-03-20 09:00:00", "stop": "2031-03-20 10:00:00"}]


@pytest.mark.pg
@pytest.mark.qt
def test_event_dragged_in_the_week_moves_by_days_and_quarters_of_hours(qtbot, window, rpc):
    record_id = rpc.create("calendar.event", event_values(unique("Move me"), "2031-03-11 09:00:00",
                                                          "2031-03-11 10:00:00"))
    view = open_calendar(qtbot, window, mode="week")
    canvas = view.canvas
    item = item_of(view, record_id)
    assert item.kind == "block"
    grab = item.rect.center().toPoint()
    # local 10:00-11:00 on Tuesday: the grab point is at 10:30; drop it on Thursday 14:30
    target = canvas.point_for(D(2031, 3, 13), 14 * 60 + 30)
    drag(qtbot, canvas, grab, target)
    wait_read(qtbot, rpc, record_id, ["start", "stop"], {"start": "2031-03-13 13:00:00", "stop": "2031-03-13 14:00:00"})
    # Esc in the middle of a drag cancels it: nothing is written
    settle(qtbot, view)
    writes = len(view.session.connection.sent("write"))
    grab = item_of(view, record_id).rect.center().toPoint()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=grab)
    qtbot.mouseMove(canvas, canvas.point_for(D(2031, 3, 15), 9 * 60))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.point_for(D(2031, 3, 15), 9 * 60))
    settle(qtbot, view)
    assert len(view.session.connection.sent("write")) == writes and not bool(dialogs("calendar_quick_create"))


@pytest.mark.pg
@pytest.mark.qt
def test_resizing_an_event_changes_its_stop_only(qtbot, window, rpc):
    record_id = rpc.create("calendar.event", event_values(unique("Resize me"), "2031-03-12 09:00:00",
                                                          "2031-03-12 10:00:00"))
    view = open_calendar(qtbot, window, mode="week")
    canvas = view.canvas
    item = item_of(view, record_id)
    edge = QPoint(int(item.rect.center().x()), int(item.rect.bottom()) - 2)
    # local 10:00-11:00: pull the end down to 12:30
    drag(qtbot, canvas, edge, QPoint(edge.x(), canvas.point_for(D(2031, 3, 12), 12 * 60 + 30).y()))
    wait_read(qtbot, rpc, record_id, ["start", "stop", "duration"],
              {"start": "2031-03-12 09:00:00", "stop": "2031-03-12 11:30:00", "duration": 2.5})


@pytest.mark.pg
@pytest.mark.qt
def test_all_day_events_have_their_own_row_and_move_by_whole_days(qtbot, window, rpc):
    record_id = rpc.create("calendar.event", {"name": unique("Offsite"), "allday": True,
                                              "start_date": "2031-03-11", "stop_date": "2031-03-12"})
    timed_id = rpc.create("calendar.event", event_values(unique("Timed"), "2031-03-11 09:00:00",
                                                         "2031-03-11 10:00:00"))
    view = open_calendar(qtbot, window, mode="week")
    canvas = view.canvas
    bar, block = item_of(view, record_id), item_of(view, timed_id)
    assert bar.kind == "bar" and bar.rect.bottom() < canvas.grid_top
    assert (bar.piece.first, bar.piece.last) == (1, 2)           # Tuesday and Wednesday
    assert block.kind == "block" and block.rect.top() >= canvas.grid_top - canvas.scroll.value()
    drag(qtbot, canvas, QPoint(int(bar.rect.left()) + 20, int(bar.rect.center().y())), canvas.point_for(D(2031, 3, 13)))
    wait_read(qtbot, rpc, record_id, ["start_date", "stop_date", "allday"],
              {"start_date": "2031-03-13", "stop_date": "2031-03-14", "allday": True})


@pytest.mark.pg
@pytest.mark.qt
def test_times_are_shown_in_the_user_time_zone(qtbot, window, rpc, client_login):
    early = rpc.create("calendar.event", event_values(unique("Nine UTC"), "2031-03-12 09:00:00",
                                                      "2031-03-12 10:00:00"))
    late = rpc.create("calendar.event", event_values(unique("Late UTC"), "2031-03-16 23:30:00",
                                                     "2031-03-17 00:15:00"))
    view = open_calendar(qtbot, window, mode="week")
    canvas = view.canvas
    event = item_of(view, early).event
    assert (event.start.hour, event.stop.hour) == (10, 11)      # Brussels, UTC+1
    assert abs(item_of(view, early).rect.top() - canvas.point_for(D(2031, 3, 12), 10 * 60).y()) <= 1
    # 23:30 UTC on Sunday is 00:30 on Monday in Brussels: not on this week's page, on the next one
    assert late not in [e.id for e in canvas.events]
    view.go_step(1)
    settle(qtbot, view)
    assert item_of(view, late).event.start == DT(2031, 3, 17, 0, 30)
    # the same events in Tokyo (UTC+9)
    from client_qt.session import Session
    from client_qt.windows.main_window import MainWindow
    tokyo = Session(LoggedConnection(client_login, tz="Asia/Tokyo"))
    try:
        other = keep(MainWindow(tokyo))
        other.resize(1100, 800)
        other.show()
        qtbot.waitExposed(other)
        tokyo_view = open_calendar(qtbot, other, mode="week")
        assert item_of(tokyo_view, early).event.start == DT(2031, 3, 12, 18, 0)
        assert tokyo_view.tz_label.text() == "Asia/Tokyo"
        # the week's bounds are Tokyo's midnights (the calls of the first page may be logged in any order)
        assert any(["start", "<", "2031-03-16 15:00:00"] in call.args[0]
                   for call in tokyo.connection.sent("search_read", "calendar.event"))
    finally:
        close_session(tokyo)


@pytest.mark.pg
@pytest.mark.qt
def test_clicking_an_empty_slot_quick_creates_an_event(qtbot, window, rpc):
    view = open_calendar(qtbot, window, mode="week")
    canvas = view.canvas
    name = unique("Quick")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.point_for(D(2031, 3, 13), 14 * 60 + 5))
    qtbot.waitUntil(lambda: bool(dialogs("calendar_quick_create")), timeout=TIMEOUT)
    dialog = dialogs("calendar_quick_create")[0]
    qtbot.keyClicks(dialog.name, name)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    def created():
        found = rpc("calendar.event", "search_read", [("name", "=", name)], ["start", "stop", "allday", "user_id"])
        assert len(found) == 1
        return found[0]
    qtbot.waitUntil(lambda: bool(created()), timeout=TIMEOUT)
    record = created()
    rpc.created.append(("calendar.event", [record["id"]]))
    assert (record["start"], record["stop"], record["allday"]) == ("2031-03-13 13:00:00", "2031-03-13 14:00:00", False)
    settle(qtbot, view)
    assert item_of(view, record["id"]).kind == "block"


@pytest.mark.pg
@pytest.mark.qt
def test_dragging_over_days_of_the_month_quick_creates_an_all_day_event(qtbot, window, rpc):
    view = open_calendar(qtbot, window, mode="month")
    canvas = view.canvas
    name = unique("Trip")
    drag(qtbot, canvas, canvas.point_for(D(2031, 3, 18)), canvas.point_for(D(2031, 3, 20)))
    qtbot.waitUntil(lambda: bool(dialogs("calendar_quick_create")), timeout=TIMEOUT)
    dialog = dialogs("calendar_quick_create")[0]
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    def created():
        found = rpc("calendar.event", "search_read", [("name", "=", name)], ["start_date", "stop_date", "allday"])
        assert len(found) == 1
        return found[0]
    qtbot.waitUntil(lambda: bool(created()), timeout=TIMEOUT)
    record = created()
    rpc.created.append(("calendar.event", [record["id"]]))
    assert (record["start_date"], record["stop_date"], record["allday"]) == ("2031-03-18", "2031-03-20", True)


@pytest.mark.pg
@pytest.mark.qt
def test_without_quick_create_a_click_opens_the_form_with_the_slot_dates(qtbot, window, rpc):
    arch = ('<calendar date_start="start" date_stop="stop" all_day="allday" quick_create="0">'
            '<field name="name"/></calendar>')
    view_id = rpc("ir.ui.view", "create", {"name": unique("calendar test view"), "model": "calendar.event",
                                           "type": "calendar", "arch": arch, "priority": 99})
    rpc.created.append(("ir.ui.view", [view_id]))
    view = open_calendar(qtbot, window, mode="week", calendar_view=view_id)
    assert view.spec.quick_create is False
    canvas = view.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=canvas.point_for(D(2031, 3, 14), 9 * 60 + 40))
    qtbot.waitUntil(lambda: bool(dialogs("record_dialog")), timeout=TIMEOUT)
    dialog = dialogs("record_dialog")[0]
    qtbot.waitUntil(lambda: dialog.form.record is not None and bool(dialog.form.record.get("start")),
                    timeout=TIMEOUT)
    record = dialog.form.record
    assert (record.get("start"), record.get("stop")) == ("2031-03-14 08:30:00", "2031-03-14 09:30:00")
    assert not dialogs("calendar_quick_create")
    dialog.reject()


@pytest.mark.pg
@pytest.mark.qt
def test_double_click_opens_the_form_of_the_event(qtbot, window, rpc):
    record_id = rpc.create("calendar.event", event_values(unique("Open me"), "2031-03-12 09:00:00",
                                                          "2031-03-12 10:00:00"))
    view = open_calendar(qtbot, window, mode="week")
    qtbot.mouseDClick(view.canvas, Qt.MouseButton.LeftButton, pos=item_of(view, record_id).rect.center().toPoint())
    tab = view.tab
    qtbot.waitUntil(lambda: tab.current is tab.views.get("form") and tab.current.form.record is not None
                    and tab.current.form.record.id == record_id, timeout=TIMEOUT)
    assert not dialogs("calendar_quick_create")


def right_click(widget, pos):
    """The context-menu event of a right-click at ``pos`` (QTest's clicks do not make one)."""
    QApplication.sendEvent(widget, QtGui.QContextMenuEvent(QtGui.QContextMenuEvent.Reason.Mouse, pos,
                                                           widget.mapToGlobal(pos)))


def choose(view, data):
    """Choose an entry of the event menu shown, as a click does (the menu closes, then the action runs)."""
    [action] = [a for a in view.event_menu_shown.actions() if a.data() == data]
    view.event_menu_shown.close()
    action.trigger()


@pytest.mark.pg
@pytest.mark.qt
def test_a_clicked_event_is_deleted_with_the_delete_key_after_asking(qtbot, window, rpc):
    record_id = rpc.create("calendar.event", event_values(unique("Delete me"), "2031-03-12 09:00:00",
                                                          "2031-03-12 10:00:00"))
    view = open_calendar(qtbot, window, mode="week")
    canvas = view.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=item_of(view, record_id).rect.center().toPoint())
    assert canvas.selected == record_id and not dialogs("calendar_quick_create")
    answer_next_question(QMessageBox.StandardButton.No)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert not view.session.connection.sent("unlink") and item_of(view, record_id)
    answer_next_question(QMessageBox.StandardButton.Yes)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: rpc("calendar.event", "search", [("id", "=", record_id)]) == [], timeout=TIMEOUT)
    assert [c.args for c in view.session.connection.sent("unlink", "calendar.event")] == [[[record_id]]]
    qtbot.waitUntil(lambda: not any(i.event is not None and i.event.id == record_id for i in canvas.items),
                    timeout=TIMEOUT)
    assert canvas.selected is None
    # nothing selected: Delete does nothing
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(view.session.connection.sent("unlink")) == 1


@pytest.mark.pg
@pytest.mark.qt
def test_the_right_click_menu_of_an_event_opens_or_deletes_it(qtbot, window, rpc):
    record_id = rpc.create("calendar.event", event_values(unique("Menu event"), "2031-03-13 14:00:00",
                                                          "2031-03-13 15:30:00"))
    view = open_calendar(qtbot, window, mode="week")
    right_click(view.canvas, item_of(view, record_id).rect.center().toPoint())
    menu = view.event_menu_shown
    assert menu.isVisible() and [a.data() for a in menu.actions()] == ["open", "delete"]
    assert view.canvas.selected == record_id
    choose(view, "open")
    tab = view.tab
    qtbot.waitUntil(lambda: tab.current is tab.views.get("form") and tab.current.form.record is not None
                    and tab.current.form.record.id == record_id, timeout=TIMEOUT)
    tab.switch_to("calendar")
    settle(qtbot, view)
    right_click(view.canvas, item_of(view, record_id).rect.center().toPoint())
    answer_next_question(QMessageBox.StandardButton.Yes)
    choose(view, "delete")
    qtbot.waitUntil(lambda: rpc("calendar.event", "search", [("id", "=", record_id)]) == [], timeout=TIMEOUT)
    settle(qtbot, view)
    assert not any(i.event is not None and i.event.id == record_id for i in view.canvas.items)
    # a right-click on an empty slot has no menu
    view.event_menu_shown = None
    right_click(view.canvas, view.canvas.point_for(D(2031, 3, 14), 11 * 60))
    assert view.event_menu_shown is None


@pytest.mark.pg
@pytest.mark.qt
def test_the_search_bar_filters_the_events(qtbot, window, rpc):
    tag = unique("Filter")
    wanted = rpc.create("calendar.event", event_values(f"{tag} wanted", "2031-03-12 09:00:00", "2031-03-12 10:00:00"))
    other = rpc.create("calendar.event", event_values(unique("Other"), "2031-03-12 11:00:00", "2031-03-12 12:00:00"))
    view = open_calendar(qtbot, window, mode="week")
    assert {wanted, other} <= {e.id for e in view.canvas.events}
    box = view.tab.search_view.findChild(QLineEdit, "search_box")
    box.setFocus()
    qtbot.keyClicks(box, tag)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: {e.id for e in view.canvas.events} == {wanted}, timeout=TIMEOUT)
    sent = view.session.connection.sent("search_read", "calendar.event")[-1]
    assert any(isinstance(leaf, list) and leaf[0] == "name" and leaf[2] == tag for leaf in sent.args[0])
    assert set(sent.args[1]) <= {"display_name", "start", "stop", "allday", "user_id", "name", "location",
                                 "duration", "privacy"}


@pytest.mark.pg
@pytest.mark.qt
def test_navigation_between_month_week_and_day_pages(qtbot, window, rpc):
    view = open_calendar(qtbot, window, mode="week", day=D(2031, 3, 12))
    canvas = view.canvas
    fetches = view.fetches
    qtbot.mouseClick(view.mode_buttons["month"], Qt.MouseButton.LeftButton)
    settle(qtbot, view)
    assert view.mode == "month" and view.visible_range() == (D(2031, 2, 24), D(2031, 4, 7))
    assert view.fetches == fetches + 1 and canvas.rows == 6
    assert any(["start", "<", "2031-04-06 22:00:00"] in call.args[0]     # Brussels summer time by then
               for call in view.session.connection.sent("search_read", "calendar.event"))
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    settle(qtbot, view)
    assert view.anchor == D(2031, 4, 1) and "2031" in view.title.text()
    qtbot.mouseClick(view.previous_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.previous_button, Qt.MouseButton.LeftButton)
    settle(qtbot, view)
    assert view.anchor == D(2031, 2, 1)
    qtbot.mouseClick(view.mode_buttons["day"], Qt.MouseButton.LeftButton)
    settle(qtbot, view)
    assert view.mode == "day" and view.visible_range() == (D(2031, 2, 1), D(2031, 2, 2)) and canvas.columns == 1
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert view.anchor == D(2031, 2, 2)
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    assert view.mode == "week" and canvas.columns == 7
    qtbot.keyClick(canvas, Qt.Key.Key_T)
    settle(qtbot, view)
    assert view.anchor == view._today()
    view.jump.setDate(QDate(2031, 3, 12))
    settle(qtbot, view)
    assert view.anchor == D(2031, 3, 12) and view.visible_range()[0] <= D(2031, 3, 12)
    # a "+N more" label opens the day
    ids = rpc.create("calendar.event", [event_values(unique("Busy"), "2031-03-19 08:00:00", "2031-03-19 09:00:00")
                                        for _ in range(12)])
    view.set_mode("month", D(2031, 3, 19))
    settle(qtbot, view)
    more = [i for i in canvas.items if i.kind == "more" and i.day == D(2031, 3, 19)]
    assert more and more[0].count >= 12 - 5
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=more[0].rect.center().toPoint())
    settle(qtbot, view)
    assert view.mode == "day" and view.anchor == D(2031, 3, 19)
    assert set(ids) <= {i.event.id for i in canvas.items if i.event is not None}


@pytest.mark.pg
@pytest.mark.qt
def test_library_loans_are_whole_day_events_moved_by_dates(qtbot, window, rpc):
    book = rpc("library.book", "search", [], limit=1)[0]
    member = rpc("res.partner", "search", [], limit=1)[0]
    loan = rpc.create("library.loan", {"book_id": book, "member_id": member, "date_start": "2031-03-11",
                                       "date_end": "2031-03-13"})
    view = open_calendar(qtbot, window, model="library.loan", mode="month")
    item = item_of(view, loan)
    assert item.event.all_day and (item.piece.first, item.piece.last) == (1, 3)    # Tue..Thu of week 3
    drag(qtbot, view.canvas, QPoint(int(item.rect.left()) + 15, int(item.rect.center().y())),
         view.canvas.point_for(D(2031, 3, 17)))

    def moved():
        values = rpc.read_one("library.loan", loan, ["date_start", "date_end"])
        assert (values["date_start"], values["date_end"]) == ("2031-03-17", "2031-03-19")
    qtbot.waitUntil(moved, timeout=TIMEOUT)
    # a loan needs a book and a member: a click on a free day opens the form with that day
    assert view.spec.quick_create is False
    settle(qtbot, view)
    qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=view.canvas.point_for(D(2031, 3, 26)))
    qtbot.waitUntil(lambda: bool(dialogs("record_dialog")), timeout=TIMEOUT)
    dialog = dialogs("record_dialog")[0]
    qtbot.waitUntil(lambda: dialog.form.record is not None and dialog.form.record.get("date_start") == "2031-03-26",
                    timeout=TIMEOUT)
    assert dialog.form.record.get("date_end") == "2031-03-26"
    dialog.reject()


@pytest.mark.pg
@pytest.mark.qt
def test_screenshots_of_the_demo_month_week_and_day(qtbot, window, english_locale):
    window.resize(1280, 860)
    view = open_calendar(qtbot, window, day=datetime.date.today(), mode="month", name="Meetings")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    demo = sorted(view.events, key=lambda e: (e.all_day, e.start))
    busy = max((e.first_day for e in demo if not e.all_day), key=lambda d: sum(e.first_day == d for e in demo))
    for mode in ("month", "week", "day"):
        view.set_mode(mode, busy)
        settle(qtbot, view)
        qtbot.wait(50)
        assert window.grab().save(str(SCREENSHOTS / f"calendar-{mode}.png"))
