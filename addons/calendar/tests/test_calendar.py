"""The calendar addon: duration and stop, all-day events in every time zone, the span constraint,
who reaches which event, searching by day and week, the views of the calendar action."""
import datetime

from bureau.exceptions import AccessError, ValidationError
from bureau.tests import Form, TransactionCase, new_test_user
from bureau.tools.safe_eval import safe_eval
from dateutil.relativedelta import relativedelta
from lxml import etree

from .common import create_month_events, month_bounds, month_domain

#: from far east to far west: the same all-day event must show on the same date in each
ZONES = ["Pacific/Kiritimati", "Asia/Tokyo", "Europe/Brussels", "UTC", "America/New_York", "Pacific/Pago_Pago"]


def dt(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def d(text):
    return datetime.date.fromisoformat(text)


class CalendarCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["calendar.event"]
        cls.alice = new_test_user(cls.env, "cal_alice", groups="base.group_user", tz="Europe/Brussels")
        cls.bob = new_test_user(cls.env, "cal_bob", groups="base.group_user", tz="America/New_York")
        cls.admin = cls.env.ref("base.user_admin")

    def timed(self, start, stop, **values):
        return self.Event.create(dict({"name": "Meeting", "start": start, "stop": stop}, **values))

    def allday(self, start_date, stop_date=None, **values):
        values = dict({"name": "Holiday", "allday": True, "start_date": start_date}, **values)
        if stop_date:
            values["stop_date"] = stop_date
        return self.Event.create(values)


class TestDuration(CalendarCase):
    def test_duration_is_computed_from_start_and_stop(self):
        event = self.timed("2024-05-10 09:00:00", "2024-05-10 10:30:00")
        self.assertEqual(event.duration, 1.5)
        event.stop = "2024-05-10 09:20:00"
        self.assertAlmostEqual(event.duration, 1 / 3)

    def test_writing_the_duration_moves_the_stop(self):
        event = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00")
        event.write({"duration": 2.25})
        self.assertEqual(event.stop, dt("2024-05-10 11:15:00"))
        self.assertEqual(event.start, dt("2024-05-10 09:00:00"))
        self.assertEqual(event.duration, 2.25)

    def test_a_third_of_an_hour_ends_on_the_second(self):
        event = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00")
        event.duration = 1 / 3
        self.assertEqual(event.stop, dt("2024-05-10 09:20:00"))

    def test_create_with_a_duration_and_no_stop(self):
        event = self.Event.create({"name": "Call", "start": "2024-05-10 09:00:00", "duration": 0.5})
        self.assertEqual(event.stop, dt("2024-05-10 09:30:00"))

    def test_create_without_stop_lasts_one_hour(self):
        event = self.Event.create({"name": "Call", "start": "2024-05-10 09:00:00"})
        self.assertEqual(event.stop, dt("2024-05-10 10:00:00"))
        self.assertEqual(event.duration, 1.0)

    def test_defaults_start_at_the_next_hour_for_one_hour(self):
        defaults = self.Event.default_get(["start", "stop", "user_id", "allday", "privacy"])
        start, stop = dt(str(defaults["start"])), dt(str(defaults["stop"]))
        self.assertEqual((start.minute, start.second), (0, 0))
        self.assertEqual(stop - start, datetime.timedelta(hours=1))
        self.assertEqual(defaults["user_id"], self.env.user.id)
        self.assertEqual((defaults["allday"], defaults["privacy"]), (False, "public"))

    def test_all_day_duration_counts_days(self):
        event = self.allday("2024-05-10", "2024-05-12")
        self.assertEqual(event.duration, 72.0)
        event.duration = 30
        self.assertEqual(event.stop_date, d("2024-05-11"))
        self.assertEqual(event.stop, dt("2024-05-11 18:00:00"))


class TestAllDay(CalendarCase):
    def test_all_day_dates_give_start_and_stop_unshifted(self):
        event = self.allday("2024-12-25", "2024-12-26")
        self.assertRecordValues(event, [{"start": dt("2024-12-25 08:00:00"), "stop": dt("2024-12-26 18:00:00"),
                                         "start_date": d("2024-12-25"), "stop_date": d("2024-12-26")}])

    def test_all_day_without_stop_date_lasts_one_day(self):
        event = self.allday("2024-12-25")
        self.assertEqual(event.stop_date, d("2024-12-25"))
        self.assertEqual(event.duration, 24.0)

    def test_all_day_event_keeps_its_date_in_every_time_zone(self):
        """Created and read with any tz in the context, the dates are the ones given."""
        for zone in ZONES:
            with self.subTest(zone=zone):
                Event = self.Event.with_context(tz=zone)
                event = Event.create({"name": "Christmas", "allday": True, "start_date": "2024-12-25"})
                [values] = event.read(["start", "stop", "start_date", "stop_date", "calendar_day"])
                self.assertEqual(values["start_date"], "2024-12-25")
                self.assertEqual(values["stop_date"], "2024-12-25")
                self.assertEqual(values["calendar_day"], "2024-12-25")
                self.assertEqual(values["start"][:10], "2024-12-25")
                self.assertEqual(values["stop"][:10], "2024-12-25")
                self.assertEqual(Event.search([("id", "=", event.id), ("calendar_day", "=", "2024-12-25")]), event)
                self.assertFalse(Event.search([("id", "=", event.id), ("calendar_day", "=", "2024-12-24")]))
                self.assertFalse(Event.search([("id", "=", event.id), ("calendar_day", "=", "2024-12-26")]))

    def test_all_day_start_and_stop_written_as_datetimes_keep_their_date(self):
        """A drag in the calendar writes start/stop: their date part counts, with no UTC shift."""
        event = self.allday("2024-05-10")
        for zone in ZONES:
            with self.subTest(zone=zone):
                event.with_context(tz=zone).write({"start": "2024-05-13 00:00:00", "stop": "2024-05-14 00:00:00"})
                self.assertRecordValues(event, [{"start_date": d("2024-05-13"), "stop_date": d("2024-05-14"),
                                                 "start": dt("2024-05-13 08:00:00"),
                                                 "stop": dt("2024-05-14 18:00:00")}])
                event.write({"start_date": "2024-05-10", "stop_date": "2024-05-10"})
                self.assertEqual(event.stop, dt("2024-05-10 18:00:00"))

    def test_a_timed_event_switched_to_all_day_keeps_the_user_s_day(self):
        # 23:30 UTC on the 9th is already the 10th in Brussels, still the 9th in New York
        brussels = self.timed("2024-05-09 23:30:00", "2024-05-10 00:30:00")
        brussels.with_context(tz="Europe/Brussels").write({"allday": True})
        self.assertEqual((brussels.start_date, brussels.stop_date), (d("2024-05-10"), d("2024-05-10")))
        self.assertEqual(brussels.start, dt("2024-05-10 08:00:00"))
        new_york = self.timed("2024-05-09 23:30:00", "2024-05-10 00:30:00", user_id=self.bob.id)
        new_york.with_user(self.bob).write({"allday": True})    # no tz in context: the user's
        self.assertEqual((new_york.start_date, new_york.stop_date), (d("2024-05-09"), d("2024-05-09")))

    def test_an_event_ending_at_midnight_does_not_cover_the_next_day(self):
        event = self.timed("2024-05-09 20:00:00", "2024-05-09 22:00:00")   # 22:00-00:00 in Brussels
        event.with_context(tz="Europe/Brussels").write({"allday": True})
        self.assertEqual((event.start_date, event.stop_date), (d("2024-05-09"), d("2024-05-09")))

    def test_leaving_all_day_clears_the_dates(self):
        event = self.allday("2024-05-10")
        event.allday = False
        self.assertRecordValues(event, [{"start_date": False, "stop_date": False,
                                         "start": dt("2024-05-10 08:00:00"), "stop": dt("2024-05-10 18:00:00"),
                                         "duration": 10.0}])

    def test_timed_events_have_no_dates(self):
        event = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00", start_date="2024-01-01")
        self.assertFalse(event.start_date)
        self.assertFalse(event.stop_date)

    def test_quick_create_in_the_all_day_row(self):
        """The calendar view passes default_allday and default_start (unshifted)."""
        Event = self.Event.with_context(tz="Pacific/Kiritimati", default_allday=True,
                                        default_start="2024-05-10 00:00:00")
        event = Event.create({"name": "Quick"})
        self.assertEqual((event.start_date, event.stop_date), (d("2024-05-10"), d("2024-05-10")))

    def test_form_switch_to_all_day_shows_the_local_day(self):
        event = self.timed("2024-05-09 23:30:00", "2024-05-10 00:30:00")
        with Form(event.with_context(tz="Europe/Brussels")) as form:
            form.allday = True
            self.assertEqual(form.start_date, d("2024-05-10"))
            self.assertEqual(form.stop_date, d("2024-05-10"))
        self.assertEqual(event.start, dt("2024-05-10 08:00:00"))
        self.assertEqual(event.duration, 24.0)


    def test_new_form_all_day(self):
        with Form(self.Event.with_context(tz="Pacific/Kiritimati")) as form:
            self.assertEqual(form.duration, 1.0)
            form.name = "Kiribati day"
            form.allday = True
            today = form.start_date
            self.assertEqual(form.stop_date, today)
        event = form.record
        self.assertTrue(event.allday)
        self.assertEqual((event.start_date, event.stop_date), (today, today))
        self.assertEqual(event.start, datetime.datetime.combine(today, datetime.time(8, 0)))


class TestConstraint(CalendarCase):
    def test_stop_before_start_is_refused(self):
        with self.assertRaises(ValidationError):
            self.timed("2024-05-10 10:00:00", "2024-05-10 09:59:59")
        event = self.timed("2024-05-10 10:00:00", "2024-05-10 11:00:00")
        with self.assertRaises(ValidationError):
            event.stop = "2024-05-10 09:00:00"
        with self.assertRaises(ValidationError):
            event.duration = -1

    def test_stop_equal_to_start_is_allowed(self):
        event = self.timed("2024-05-10 10:00:00", "2024-05-10 10:00:00")
        self.assertEqual(event.duration, 0.0)

    def test_all_day_stop_date_before_start_date_is_refused(self):
        with self.assertRaises(ValidationError):
            self.allday("2024-05-10", "2024-05-09")
        event = self.allday("2024-05-10")
        with self.assertRaises(ValidationError):
            event.start_date = "2024-05-11"

    def test_name_start_and_stop_are_required(self):
        with self.assertRaises(ValidationError):
            self.Event.create({"start": "2024-05-10 10:00:00"})
        with self.assertRaises(ValidationError):
            self.Event.create({"name": "No start", "start": False})
        event = self.timed("2024-05-10 10:00:00", "2024-05-10 11:00:00")
        with self.assertRaises(ValidationError):
            event.stop = False


class TestAccess(CalendarCase):
    def test_a_user_creates_and_changes_their_own_events(self):
        event = self.Event.with_user(self.alice).create({"name": "Mine", "start": "2024-05-10 09:00:00"})
        self.assertEqual(event.user_id, self.alice)
        event.write({"name": "Still mine"})
        event.unlink()

    def test_a_user_reads_but_cannot_change_the_public_events_of_others(self):
        event = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00", user_id=self.bob.id)
        as_alice = event.with_user(self.alice)
        self.assertEqual(as_alice.read(["name"])[0]["name"], "Meeting")
        with self.assertRaises(AccessError):
            as_alice.write({"name": "Hijacked"})
        with self.assertRaises(AccessError):
            as_alice.unlink()
        self.assertEqual(event.name, "Meeting")

    def test_attendees_may_change_the_event(self):
        event = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00", user_id=self.bob.id,
                           partner_ids=[(6, 0, [self.alice.partner_id.id])])
        event.with_user(self.alice).write({"location": "Room 2"})
        self.assertEqual(event.location, "Room 2")

    def test_private_events_are_hidden_from_everyone_else(self):
        private = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00", user_id=self.bob.id, privacy="private")
        public = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00", user_id=self.bob.id)
        ids = [private.id, public.id]
        self.assertEqual(self.Event.with_user(self.bob).search([("id", "in", ids)]), private | public)
        self.assertEqual(self.Event.with_user(self.alice).search([("id", "in", ids)]), public)
        self.assertEqual(self.Event.with_user(self.admin).search([("id", "in", ids)]), public)
        with self.assertRaises(AccessError):
            private.with_user(self.alice).read(["name"])
        private.partner_ids = [(4, self.alice.partner_id.id)]
        self.assertEqual(self.Event.with_user(self.alice).search([("id", "in", ids)]), private | public)

    def test_administrators_change_every_visible_event(self):
        event = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00", user_id=self.bob.id)
        event.with_user(self.admin).write({"name": "Moved by the admin"})
        self.assertEqual(event.name, "Moved by the admin")

    def test_users_without_groups_only_read(self):
        """"Everyone reads": a user outside base.group_user reads events, creates none."""
        outsider = new_test_user(self.env, "cal_outsider", groups="")
        event = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00", user_id=self.bob.id)
        self.assertEqual(event.with_user(outsider).read(["name"])[0]["name"], "Meeting")
        with self.assertRaises(AccessError):
            self.Event.with_user(outsider).create({"name": "No", "start": "2024-05-10 09:00:00"})
        with self.assertRaises(AccessError):
            event.with_user(outsider).write({"name": "No"})

    def test_tags_are_created_by_users_deleted_by_administrators(self):
        tag = self.env["calendar.event.type"].with_user(self.alice).create({"name": "Cal test tag"})
        with self.assertRaises(AccessError):
            tag.with_user(self.alice).unlink()
        tag.with_user(self.admin).unlink()


class TestSearchByDay(CalendarCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        create = cls.env["calendar.event"].create
        # the week of Monday 13 May 2024 .. Sunday 19 May
        cls.monday_brussels = create({"name": "Mon 00:30 in Brussels, Sun in UTC",
                                      "start": "2024-05-12 22:30:00", "stop": "2024-05-12 23:00:00"})
        cls.next_monday_brussels = create({"name": "Mon 20 00:30 in Brussels, Sun 19 in UTC",
                                           "start": "2024-05-19 22:30:00", "stop": "2024-05-19 23:00:00"})
        cls.sunday_allday = create({"name": "Sunday 19", "allday": True, "start_date": "2024-05-19"})
        cls.spanning = create({"name": "From Friday 10 to Monday 13 (UTC)",
                               "start": "2024-05-10 09:00:00", "stop": "2024-05-13 09:00:00"})
        cls.before = create({"name": "Friday 10", "start": "2024-05-10 09:00:00", "stop": "2024-05-10 10:00:00"})
        cls.ids = (cls.monday_brussels | cls.next_monday_brussels | cls.sunday_allday | cls.spanning | cls.before).ids

    def week(self, zone, monday="2024-05-13", sunday="2024-05-19"):
        return self.Event.with_context(tz=zone).search(
            [("id", "in", self.ids), ("calendar_day", ">=", monday), ("calendar_day", "<=", sunday)])

    def test_week_in_brussels(self):
        self.assertEqual(self.week("Europe/Brussels"), self.monday_brussels | self.sunday_allday | self.spanning)

    def test_week_in_utc(self):
        self.assertEqual(self.week("UTC"), self.next_monday_brussels | self.sunday_allday | self.spanning)

    def test_week_in_the_user_time_zone_without_context(self):
        in_brussels = self.Event.with_user(self.alice).search(
            [("id", "in", self.ids), ("calendar_day", ">=", "2024-05-13"), ("calendar_day", "<=", "2024-05-19")])
        self.assertEqual(in_brussels, self.monday_brussels | self.sunday_allday | self.spanning)

    def test_one_day_and_other_operators(self):
        Event = self.Event.with_context(tz="Europe/Brussels")
        mine = [("id", "in", self.ids)]
        self.assertEqual(Event.search(mine + [("calendar_day", "=", "2024-05-12")]), self.spanning)
        self.assertEqual(Event.search(mine + [("calendar_day", "!=", "2024-05-12")]),
                         Event.browse(self.ids) - self.spanning)
        self.assertEqual(Event.search(mine + [("calendar_day", ">", "2024-05-19")]), self.next_monday_brussels)
        self.assertEqual(Event.search(mine + [("calendar_day", "<", "2024-05-11")]), self.spanning | self.before)
        self.assertEqual(self.monday_brussels.with_context(tz="Europe/Brussels").calendar_day, d("2024-05-13"))
        self.assertEqual(self.monday_brussels.with_context(tz="UTC").calendar_day, d("2024-05-12"))

    def test_bad_operator_or_value_is_a_validation_error(self):
        with self.assertRaises(ValidationError):
            self.Event.search([("calendar_day", "ilike", "2024")])
        with self.assertRaises(ValidationError):
            self.Event.search([("calendar_day", "=", "the 13th")])

    def test_search_view_week_filter_spans_monday_to_sunday(self):
        """The "This Week" filter of the search view, evaluated as a client does on a Wednesday."""
        arch = etree.fromstring(self.env.ref("calendar.view_calendar_event_search").arch)
        domain_text = arch.xpath("//filter[@name='this_week']")[0].get("domain")
        for today in (d("2024-05-15"), d("2024-05-13"), d("2024-05-19")):
            domain = safe_eval(domain_text, {"context_today": lambda today=today: today,
                                             "relativedelta": relativedelta})
            self.assertEqual(domain, [("calendar_day", ">=", "2024-05-13"), ("calendar_day", "<=", "2024-05-19")])
        domain = safe_eval(domain_text, {"context_today": lambda: d("2024-05-15"), "relativedelta": relativedelta})
        self.assertEqual(self.Event.with_context(tz="Europe/Brussels").search([("id", "in", self.ids)] + domain),
                         self.monday_brussels | self.sunday_allday | self.spanning)


class TestViewsAndData(CalendarCase):
    def test_calendar_action_views(self):
        action = self.env.ref("calendar.action_calendar_event")
        self.assertEqual(action.view_mode, "calendar,list,form")
        result = self.Event.with_user(self.alice).get_views([[False, "calendar"], [False, "list"], [False, "form"],
                                                             [False, "search"]])
        calendar = etree.fromstring(result["views"]["calendar"]["arch"])
        self.assertEqual(calendar.tag, "calendar")
        self.assertEqual({key: calendar.get(key) for key in ("date_start", "date_stop", "all_day", "color", "mode")},
                         {"date_start": "start", "date_stop": "stop", "all_day": "allday", "color": "user_id",
                          "mode": "week"})
        self.assertEqual(result["views"]["calendar"]["id"], self.env.ref("calendar.view_calendar_event_calendar").id)
        fields = result["models"]["calendar.event"]["fields"]
        for name in ("name", "start", "stop", "allday", "user_id", "partner_ids"):
            self.assertIn(name, fields)
        self.assertEqual(fields["user_id"]["relation"], "res.users")

    def test_colour_follows_the_organizer(self):
        event = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00", user_id=self.alice.id)
        other = self.timed("2024-05-10 09:00:00", "2024-05-10 10:00:00", user_id=self.alice.id)
        self.assertEqual(event.color, other.color)
        self.assertGreater(event.color, 0)
        event.user_id = self.bob
        self.assertEqual(event.color, self.bob.id % 11 + 1)

    def test_menu_for_internal_users(self):
        menus = self.env["ir.ui.menu"].with_user(self.alice).load_menus()
        self.assertIn(self.env.ref("calendar.menu_calendar_root").id, menus["root"]["children"])
        self.assertIn(self.env.ref("calendar.menu_calendar_events").id, menus)
        self.assertNotIn(self.env.ref("calendar.menu_calendar_configuration").id, menus)

    def test_demo_events_fill_the_current_month(self):
        kickoff = self.env.ref("calendar.event_kickoff", raise_if_not_found=False)
        if kickoff is None:
            self.skipTest("database without demo data")
        demo = self.Event.search([("id", "in", [self.env.ref(f"calendar.{name}").id for name in (
            "event_kickoff", "event_month_close", "event_allday_fair", "event_allday_holiday_tom")])])
        self.assertEqual(len(demo), 4)
        first, last = month_bounds(kickoff.create_date.date())
        for event in demo:
            self.assertTrue(first <= (event.start_date or event.start.date()) <= last, event.name)
        events = self.Event.search([("id", "in", self.env["ir.model.data"].search(
            [("module", "=", "calendar"), ("model", "=", "calendar.event")]).mapped("res_id"))])
        self.assertEqual(len(events), 30)
        self.assertGreaterEqual(len(events.mapped("user_id")), 3)
        self.assertGreaterEqual(len(events.filtered("allday")), 5)
        fair = self.env.ref("calendar.event_allday_fair")
        self.assertEqual(fair.stop_date - fair.start_date, datetime.timedelta(days=1))


class TestBenchmarkData(CalendarCase):
    def test_month_events_in_one_create(self):
        day = d("2024-02-10")
        events = create_month_events(self.env, 200, day=day, users=self.alice | self.bob)
        self.assertEqual(len(events), 200)
        self.assertEqual(len(events.filtered("allday")), 20)
        self.assertEqual(events.mapped("user_id"), self.alice | self.bob)
        found = self.Event.with_context(tz="UTC").search([("id", "in", events.ids)] + month_domain(day))
        self.assertEqual(found, events)
        self.assertEqual(min(events.mapped("start")).date(), d("2024-02-01"))
        self.assertLessEqual(max(events.mapped("stop")).date(), d("2024-02-29"))
