"""Calendar events (``calendar.event``): a meeting with an organizer, attendees and a time span.

Timed and all-day events
------------------------
``start`` and ``stop`` are datetimes in UTC, like every Datetime of Bureau; the calendar view
places them in the user's time zone. An all-day event (``allday``) covers whole calendar days,
which are the same in every time zone (views.md §6: Christmas is on 25 December everywhere), so
``start_date`` and ``stop_date`` (inclusive) are its source and ``start``/``stop`` are derived from
them: 08:00 on the first day and 18:00 on the last one, naive values **not** converted from any
time zone. Their date part is the event's calendar date (a client reads it unshifted). The hours
make a range search work in every time zone: the local day D, converted to UTC, always overlaps
08:00-18:00 UTC of D (for offsets between UTC-18 and UTC+16), so the calendar's fetch of the
visible range finds the event (a client converting them anyway would show them on the right day
only from UTC-8 to UTC+6: it must not). Writing ``start``/``stop`` of an all-day event (a drag
in the calendar) moves it to the date part of the values written, unshifted too; switching a timed
event to all-day keeps the days it covers in the user's time zone. Timed events have no
``start_date``/``stop_date``.

``duration`` is in hours: ``stop - start`` for timed events, 24 per day for all-day ones. Writing
it moves ``stop`` (or ``stop_date``); when ``duration`` and ``stop`` are both written, ``duration``
wins.

Searching by day
----------------
A datetime compared with a date string compares with midnight UTC, which is not the user's
midnight. ``calendar_day`` (the local date of the start) searches events by the days they cover in
the user's time zone (``context['tz']``, else the user's ``tz``, else UTC): ``('calendar_day', '=',
day)`` finds the events covering ``day``; ``>=`` those ending on or after it; ``<=`` those starting
on or before it (``>``, ``<`` and ``!=`` follow). ``[('calendar_day', '>=', monday), ('calendar_day',
'<=', sunday)]`` is "the events of that week"; the search view's "Today" and "This week" filters
are written so with ``context_today()``.
"""
import datetime
import math
import zoneinfo

from bureau import api, fields, models
from bureau.exceptions import ValidationError
from bureau.osv.expression import AND, FALSE_DOMAIN, OR, TRUE_DOMAIN

#: hours given to ``start`` and ``stop`` of all-day events (see the module docstring)
ALLDAY_START = datetime.time(8, 0)
ALLDAY_STOP = datetime.time(18, 0)
#: size of the colour palette: organizers get colours 1..PALETTE_SIZE (0 = no colour)
PALETTE_SIZE = 11
PRIVACY = [("public", "Public"), ("private", "Private")]
#: the fields whose writes are rewritten for all-day events
SPAN_FIELDS = ("allday", "start", "stop", "start_date", "stop_date")
#: operators of ``calendar_day``
DAY_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")


def _default_start(model):
    """The next full hour (UTC)."""
    now = fields.Datetime.now()
    return now.replace(minute=0, second=0) + datetime.timedelta(hours=1)


def _allday_span(start_date, stop_date):
    """``(start, stop)`` of an all-day event covering ``start_date`` .. ``stop_date``."""
    return (datetime.datetime.combine(start_date, ALLDAY_START),
            datetime.datetime.combine(stop_date, ALLDAY_STOP))


def _hours(value):
    """A :class:`datetime.timedelta` of ``value`` hours, to the second (datetimes have no microseconds)."""
    return datetime.timedelta(seconds=round(value * 3600))


class CalendarEvent(models.Model):
    _name = "calendar.event"
    _description = "Calendar Event"
    _order = "start desc, id desc"

    name = fields.Char(string="Meeting Subject", required=True)
    start = fields.Datetime(required=True, index=True, default=_default_start,
                            help="When the event starts; all-day events: 08:00 of the first day, unshifted")
    stop = fields.Datetime(string="End", required=True, index=True,
                           help="When the event ends; all-day events: 18:00 of the last day, unshifted")
    allday = fields.Boolean(string="All Day", default=False)
    start_date = fields.Date(string="Start Date", help="First day of an all-day event")
    stop_date = fields.Date(string="End Date", help="Last day of an all-day event (included)")
    duration = fields.Float(compute="_compute_duration", inverse="_inverse_duration", store=True,
                            string="Duration", help="In hours; 24 per day for all-day events")
    # depends_context on the field: the ORM keys the cache by the field's attribute only, not by
    # @api.depends_context on the method; "uid" because without tz in the context the user's counts
    calendar_day = fields.Date(compute="_compute_calendar_day", search="_search_calendar_day", string="Day",
                               depends_context=("tz", "uid"),
                               help="The day the event starts in your time zone; searching it finds "
                                    "the events covering a day")
    user_id = fields.Many2one("res.users", string="Organizer", index=True, ondelete="set null",
                              default=lambda self: self.env.user.id)
    partner_ids = fields.Many2many("res.partner", "calendar_event_res_partner_rel", "event_id", "partner_id",
                                   string="Attendees")
    location = fields.Char()
    description = fields.Html()
    categ_ids = fields.Many2many("calendar.event.type", "calendar_event_type_rel", "event_id", "type_id",
                                 string="Tags")
    color = fields.Integer(compute="_compute_color", store=True, string="Color Index",
                           help="The organizer's colour")
    privacy = fields.Selection(PRIVACY, default="public", required=True,
                               help="Private events are seen by their organizer and attendees only")
    active = fields.Boolean(default=True)

    # -- computed fields -------------------------------------------------------------------------
    @api.depends("allday", "start", "stop", "start_date", "stop_date")
    def _compute_duration(self):
        for event in self:
            if event.allday and event.start_date and event.stop_date:
                event.duration = ((event.stop_date - event.start_date).days + 1) * 24.0
            elif event.start and event.stop:
                event.duration = (event.stop - event.start).total_seconds() / 3600
            else:
                event.duration = 0.0

    def _inverse_duration(self):
        for event in self:
            if event.allday and event.start_date:
                days = max(1, math.ceil(event.duration / 24))
                event.stop_date = event.start_date + datetime.timedelta(days=days - 1)
            elif event.start:
                event.stop = event.start + _hours(event.duration)

    @api.depends("user_id")
    def _compute_color(self):
        for event in self:
            event.color = event.user_id.id % PALETTE_SIZE + 1 if event.user_id else 0

    @api.depends("allday", "start", "start_date")
    def _compute_calendar_day(self):
        zone = self._user_zone()
        for event in self:
            if event.allday:
                event.calendar_day = event.start_date
            elif event.start:
                event.calendar_day = _to_local(event.start, zone).date()
            else:
                event.calendar_day = False

    def _search_calendar_day(self, operator, value):
        if operator not in DAY_OPERATORS:
            raise ValidationError(self.env._("Operator %s is not supported on the day of an event (use one of %s).",
                                             operator, ", ".join(DAY_OPERATORS)))
        if not value:
            return list(TRUE_DOMAIN if operator == "!=" else FALSE_DOMAIN)
        try:
            day = fields.Date.to_date(value)
        except ValueError:
            raise ValidationError(self.env._("%s is not a day (YYYY-MM-DD).", value)) from None
        zone = self._user_zone()
        one_day = datetime.timedelta(days=1)
        if operator == "=":
            return AND([self._ends_on_or_after(day, zone), self._starts_on_or_before(day, zone)])
        if operator == "!=":
            return ["!"] + self._search_calendar_day("=", value)
        if operator == ">=":
            return self._ends_on_or_after(day, zone)
        if operator == ">":
            return self._ends_on_or_after(day + one_day, zone)
        if operator == "<=":
            return self._starts_on_or_before(day, zone)
        return self._starts_on_or_before(day - one_day, zone)

    @staticmethod
    def _ends_on_or_after(day, zone):
        """Events covering ``day`` or a later day (``zone``'s days)."""
        midnight = fields.Datetime.to_string(_utc_midnight(day, zone))
        return OR([
            [("allday", "=", True), ("stop_date", ">=", fields.Date.to_string(day))],
            # an event ending at midnight does not cover the next day; one lasting 0 s at midnight does
            [("allday", "=", False), "|", ("stop", ">", midnight), ("start", ">=", midnight)],
        ])

    @staticmethod
    def _starts_on_or_before(day, zone):
        """Events covering ``day`` or an earlier day (``zone``'s days)."""
        next_midnight = fields.Datetime.to_string(_utc_midnight(day + datetime.timedelta(days=1), zone))
        return OR([
            [("allday", "=", True), ("start_date", "<=", fields.Date.to_string(day))],
            [("allday", "=", False), ("start", "<", next_midnight)],
        ])

    def _user_zone(self):
        """The time zone of ``context['tz']``, else of the user, else UTC."""
        for name in (self.env.context.get("tz"), self.env.user.tz):
            if name:
                try:
                    return zoneinfo.ZoneInfo(name)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    continue
        return datetime.timezone.utc

    def _local_days(self):
        """``(first day, last day)`` the timed event covers in the user's time zone."""
        self.ensure_one()
        zone = self._user_zone()
        start = _to_local(self.start, zone)
        stop = _to_local(self.stop or self.start, zone)
        if stop > start:
            stop -= datetime.timedelta(seconds=1)   # ending at midnight does not cover the next day
        return start.date(), max(stop.date(), start.date())

    # -- constraints and onchange ----------------------------------------------------------------
    @api.constrains("start", "stop", "allday", "start_date", "stop_date")
    def _check_span(self):
        for event in self:
            if event.allday and event.start_date and event.stop_date and event.stop_date < event.start_date:
                raise ValidationError(self.env._("The event %s cannot end (%s) before it starts (%s).",
                                                 event.name, event.stop_date, event.start_date))
            if event.start and event.stop and event.stop < event.start:
                raise ValidationError(self.env._("The event %s cannot end (%s) before it starts (%s).",
                                                 event.name, event.stop, event.start))

    @api.onchange("allday")
    def _onchange_allday(self):
        """A timed event switched to all-day shows the days it covers for the user."""
        for event in self:
            if event.allday and not event.start_date and event.start:
                event.start_date, event.stop_date = event._local_days()

    # -- defaults, create, write -----------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if "stop" in fields_list and not defaults.get("stop"):
            start = defaults.get("start") if "start" in defaults else super().default_get(["start"]).get("start")
            start = fields.Datetime.to_datetime(start)
            if start:
                defaults["stop"] = fields.Datetime.to_string(start + datetime.timedelta(hours=1))
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]
        # the span's defaults are needed now; ``start``'s field default only for timed events (below)
        wanted = [name for name in SPAN_FIELDS
                  if name == "allday" or f"default_{name}" in self.env.context]
        missing = [name for name in wanted if any(name not in vals for vals in vals_list)]
        defaults = self.default_get(missing) if missing else {}
        for vals in vals_list:
            for name, value in defaults.items():
                vals.setdefault(name, value)
            self._complete_span(vals)
        return super().create(vals_list)

    @api.model
    def _complete_span(self, vals):
        """Complete the values of a new event in place: all-day events get ``start``/``stop`` from
        their dates (or the dates from the date part of ``start``/``stop``, unshifted), timed events
        a ``stop`` one hour (or ``duration``) after ``start`` when it is missing."""
        if vals.get("allday"):
            start_date = fields.Date.to_date(vals.get("start_date") or vals.get("start")) \
                or fields.Date.context_today(self)
            stop_date = fields.Date.to_date(vals.get("stop_date") or vals.get("stop")) or start_date
            vals["start"], vals["stop"] = _allday_span(start_date, stop_date)
            vals["start_date"], vals["stop_date"] = start_date, stop_date
            return
        vals["start_date"] = vals["stop_date"] = False
        start = fields.Datetime.to_datetime(vals["start"]) if "start" in vals else _default_start(self)
        vals["start"] = start or False      # an emptied start stays empty: it is required
        if start and not vals.get("stop"):
            vals["stop"] = start + _hours(vals.get("duration") or 1.0)

    def write(self, vals):
        if not set(SPAN_FIELDS).intersection(vals) or not all(self._ids):
            return super().write(vals)
        # the span may differ per event (all-day or not): one write each
        for event in self:
            super(CalendarEvent, event).write(event._span_values(vals))
        return True

    def _span_values(self, vals):
        """The values to write on this event for ``vals`` (see the module docstring)."""
        self.ensure_one()
        values = dict(vals)
        allday = values["allday"] if "allday" in values else self.allday
        if not allday:
            if self.allday or values.get("start_date") or values.get("stop_date"):
                values.update(start_date=False, stop_date=False)
            return values
        if "start_date" in values or "stop_date" in values:
            start_date = fields.Date.to_date(values.get("start_date", self.start_date))
            stop_date = fields.Date.to_date(values.get("stop_date", self.stop_date))
        elif self.allday or "start" in values or "stop" in values:
            # all-day values written as start/stop (a drag in the calendar): their date, unshifted
            start_date = fields.Date.to_date(values.get("start", self.start))
            stop_date = fields.Date.to_date(values.get("stop", self.stop))
        else:
            start_date, stop_date = self._local_days()
        start_date = start_date or self.start_date or fields.Date.context_today(self)
        stop_date = stop_date or start_date
        values["start"], values["stop"] = _allday_span(start_date, stop_date)
        values.update(start_date=start_date, stop_date=stop_date)
        return values


def _to_local(value, zone):
    """The naive UTC datetime ``value`` in ``zone`` (aware)."""
    return value.replace(tzinfo=datetime.timezone.utc).astimezone(zone)


def _utc_midnight(day, zone):
    """Midnight starting ``day`` in ``zone``, as a naive UTC datetime."""
    local = datetime.datetime.combine(day, datetime.time.min).replace(tzinfo=zone)
    return local.astimezone(datetime.timezone.utc).replace(tzinfo=None)
