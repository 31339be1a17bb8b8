"""Data for calendar tests and the benchmark "calendar month render with 2,000 events" (issue 7).

:func:`create_month_events` makes ``count`` events in **one** ``create`` call (a list of dicts), so
the benchmark measures rendering, not setting up. It is not demo data: call it from a test or a
benchmark on a scratch database::

    from bureau.addons.calendar.tests.common import create_month_events, month_domain
    events = create_month_events(env, 2000)
    env["calendar.event"].search_read(month_domain(datetime.date.today()), [...])
"""
import calendar as _stdlib_calendar
import datetime

#: (hour, minute) of timed events, cycled; all UTC
SLOTS = [(7, 0), (8, 30), (9, 0), (10, 15), (11, 0), (12, 30), (13, 0), (14, 45), (15, 30), (16, 0), (17, 15)]
#: durations in hours, cycled
DURATIONS = [0.5, 1.0, 1.5, 2.0, 0.25, 3.0, 1.0]
SUBJECTS = ["Stand-up", "Customer call", "Design review", "Lunch", "Training", "Interview", "Planning",
            "Demo", "Retrospective", "Workshop", "Budget", "Support"]


def month_bounds(day):
    """``(first day, last day)`` of the month of ``day``."""
    last = _stdlib_calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def month_domain(day):
    """The domain of the events covering a day of the month of ``day`` (user's time zone)."""
    first, last = month_bounds(day)
    return [("calendar_day", ">=", first.isoformat()), ("calendar_day", "<=", last.isoformat())]


def event_values(index, first_day, days, user_ids, partner_ids):
    """The values of the ``index``-th benchmark event (deterministic)."""
    day = first_day + datetime.timedelta(days=index % days)
    subject = SUBJECTS[index % len(SUBJECTS)]
    values = {"name": f"{subject} {index:05d}", "user_id": user_ids[index % len(user_ids)]}
    if partner_ids:
        values["partner_ids"] = [(6, 0, [partner_ids[index % len(partner_ids)],
                                         partner_ids[(index * 7 + 3) % len(partner_ids)]])]
    if index % 10 == 9:
        # every tenth event lasts one or two whole days
        stop = min(day + datetime.timedelta(days=index % 2), first_day + datetime.timedelta(days=days - 1))
        values.update(allday=True, start_date=day.isoformat(), stop_date=stop.isoformat())
        return values
    hour, minute = SLOTS[index % len(SLOTS)]
    start = datetime.datetime.combine(day, datetime.time(hour, minute))
    stop = start + datetime.timedelta(hours=DURATIONS[index % len(DURATIONS)])
    values.update(start=start.strftime("%Y-%m-%d %H:%M:%S"), stop=stop.strftime("%Y-%m-%d %H:%M:%S"))
    return values


def create_month_events(env, count, day=None, users=None, partners=None):
    """Create ``count`` events spread over the month of ``day`` (default today) in one ``create``.

    :param env: an environment allowed to create events (the organizers' rights are not checked)
    :param count: number of events (e.g. 2,000 for the benchmark)
    :param day: a date in the month to fill
    :param users: organizers (``res.users`` records); default: up to 5 active users
    :param partners: attendees to cycle through (``res.partner``); default: up to 20 partners
    :returns: the new ``calendar.event`` records
    """
    first, last = month_bounds(day or datetime.date.today())
    days = (last - first).days + 1
    if users is None:
        users = env["res.users"].search([], limit=5)
    if partners is None:
        partners = env["res.partner"].search([], limit=20)
    user_ids = users.ids or [env.uid]
    vals_list = [event_values(index, first, days, user_ids, partners.ids) for index in range(count)]
    return env["calendar.event"].create(vals_list)
