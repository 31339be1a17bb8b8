"""The calendar's events, without Qt: visible range, fetch domain, placement and the values a drag writes.

Everything here works on **local naive datetimes** (the user's time zone, ``context['tz']``) with an
exclusive end: an event covering 10:00-11:00 has ``stop`` 11:00; an all-day event of 3-4 May has
``start`` 3 May 00:00 and ``stop`` 5 May 00:00. The conversions happen at the edges:

* reading (:func:`events_from_records`): a ``datetime`` value is UTC and is shifted into the user's
  zone; a ``date`` value, and the ``datetime`` values of an ``all_day`` record, are calendar days and
  are **not** shifted (views.md §6: all-day events keep their date in every time zone);
* fetching (:func:`range_domain`): the visible days are turned into UTC bounds in the user's zone,
  so an event at 22:00 local is fetched on its local day;
* writing (:func:`span_values`): the reverse of reading, for ``write`` (a drag) and for the
  ``default_*`` context keys of a quick create.

Placement: :func:`layout_bars` stacks day-spanning bars into lanes (month rows, the all-day row of
week and day), :func:`layout_timed` places timed events of one day side by side when they overlap.
"""
import dataclasses
import datetime
import math
import zlib

from ...models.fields import DATE_FMT, DATETIME_FMT, user_zone

DAY = datetime.timedelta(days=1)
#: an event without ``date_stop`` nor ``date_delay`` lasts this long (views.md §6)
DEFAULT_DURATION = datetime.timedelta(hours=1)
#: events with a ``date_delay`` are looked for this far before the visible range (their end is not
#: stored, so the domain cannot ask for it)
DELAY_LOOKBEHIND = datetime.timedelta(days=7)
#: the colours of ``color`` values; a value keeps its colour whatever else is shown
PALETTE = ("#3F7FBF", "#E07A3F", "#4CA35A", "#C94B6D", "#8A63B8", "#2FA3A3", "#C9A227", "#6D7F99",
           "#D4574A", "#5B9BD5", "#9C6B3F", "#2E8B57")
#: colour of events whose ``color`` value is empty
NO_COLOR = "#8C96A0"


# -- time zones -----------------------------------------------------------------------------------------
def zone(tz_name):
    """The :class:`zoneinfo.ZoneInfo` of ``tz_name``; UTC when empty or unknown."""
    return user_zone(tz_name) or datetime.timezone.utc


def utc_to_local(text, tz_name):
    """A server datetime (naive UTC text) as a naive datetime of the user's zone."""
    # fromisoformat: ~10 times faster than strptime, which counts with thousands of events
    moment = datetime.datetime.fromisoformat(text[:19]).replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(zone(tz_name)).replace(tzinfo=None)


def local_to_utc(moment, tz_name):
    """A naive datetime of the user's zone as the naive UTC text the server stores."""
    aware = moment.replace(tzinfo=zone(tz_name))
    return aware.astimezone(datetime.timezone.utc).strftime(DATETIME_FMT)


def _day(text):
    return datetime.date.fromisoformat(text[:10])


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min)


# -- visible range ----------------------------------------------------------------------------------------
def week_first_day(day, week_start=0):
    """The first day of the week of ``day`` (``week_start``: 0 Monday … 6 Sunday)."""
    return day - datetime.timedelta(days=(day.weekday() - week_start) % 7)


def visible_days(mode, anchor, week_start=0):
    """``(first day, day after the last)`` shown in ``mode`` around ``anchor``.

    A month shows whole weeks: from the week of the 1st to the week of the last day.
    """
    if mode == "day":
        return anchor, anchor + DAY
    if mode == "week":
        first = week_first_day(anchor, week_start)
        return first, first + 7 * DAY
    first_of_month = anchor.replace(day=1)
    next_month = (first_of_month + 32 * DAY).replace(day=1)
    first = week_first_day(first_of_month, week_start)
    last = week_first_day(next_month - DAY, week_start) + 7 * DAY
    return first, last


def step(mode, anchor, direction):
    """The anchor of the previous (``direction`` -1) or next (+1) page of ``mode``."""
    if mode == "day":
        return anchor + direction * DAY
    if mode == "week":
        return anchor + 7 * direction * DAY
    month = anchor.month - 1 + direction
    year = anchor.year + month // 12
    month = month % 12 + 1
    return anchor.replace(year=year, month=month, day=1)


def range_domain(spec, descriptions, first, stop, tz_name):
    """The domain of the records overlapping the days ``first`` .. ``stop`` (excluded)."""
    start_name, stop_name = spec.date_start, spec.date_stop

    def bound(name, day):
        if descriptions.get(name, {}).get("type") == "date":
            return day.strftime(DATE_FMT)
        return local_to_utc(_midnight(day), tz_name)

    before_end = (start_name, "<", bound(start_name, stop))
    if stop_name:
        # a date stop is inclusive (the event covers that day), a datetime stop exclusive
        inclusive = descriptions.get(stop_name, {}).get("type") == "date"
        after_start = (stop_name, ">=" if inclusive else ">", bound(stop_name, first))
        return ["&", before_end, "|", after_start, "&", (stop_name, "=", False),
                (start_name, ">=", bound(start_name, first))]
    if spec.date_delay:
        return [before_end, (start_name, ">=", bound(start_name, first - DELAY_LOOKBEHIND.days * DAY))]
    return [before_end, (start_name, ">=", bound(start_name, first))]


# -- events -----------------------------------------------------------------------------------------------
@dataclasses.dataclass(eq=False)
class Event:
    """One record as the calendar shows it (times local, ``stop`` exclusive)."""
    id: int
    title: str
    start: datetime.datetime
    stop: datetime.datetime
    all_day: bool
    #: the ``color`` value's key (many2one id, selection key, ...; None when empty) and its label
    color_key: object = None
    color_label: str = ""
    record: dict = dataclasses.field(default_factory=dict)

    @property
    def first_day(self):
        return self.start.date()

    @property
    def last_day(self):
        """The last day covered (an event ending at midnight does not cover the next day)."""
        if self.stop <= self.start:
            return self.start.date()
        return max((self.stop - datetime.timedelta(microseconds=1)).date(), self.start.date())

    @property
    def spans_days(self):
        """Shown as a bar (all-day row, month): all-day or covering more than one day."""
        return self.all_day or self.last_day != self.first_day

    @property
    def color(self):
        return palette_color(self.color_key)


def palette_color(key):
    """The colour (``#rrggbb``) of a ``color`` value: stable per value, not per position."""
    if key is None or key is False:
        return NO_COLOR
    if isinstance(key, bool):
        key = int(key)
    if isinstance(key, int):
        return PALETTE[key % len(PALETTE)]
    return PALETTE[zlib.crc32(str(key).encode("utf-8")) % len(PALETTE)]


def color_value(value, description):
    """``(key, label)`` of a ``color`` field's value."""
    if value is None or value is False:
        return None, ""
    if isinstance(value, (list, tuple)):
        return (value[0], str(value[1]) if len(value) > 1 else str(value[0])) if value else (None, "")
    if description.get("type") == "selection":
        labels = dict(description.get("selection") or [])
        return value, str(labels.get(value, value))
    return value, str(value)


def event_from_record(record, spec, descriptions, tz_name):
    """The :class:`Event` of a ``search_read`` row, None when it has no start."""
    raw_start = record.get(spec.date_start)
    if not raw_start:
        return None
    start_type = descriptions[spec.date_start].get("type")
    all_day = start_type == "date" or bool(spec.all_day and record.get(spec.all_day))
    raw_stop = record.get(spec.date_stop) if spec.date_stop else None
    delay = record.get(spec.date_delay) if spec.date_delay else None
    if all_day:
        start = _midnight(_day(raw_start))
        if raw_stop:
            stop = _midnight(_day(raw_stop)) + DAY
        elif delay:
            stop = start + max(1, math.ceil(float(delay) / 24)) * DAY
        else:
            stop = start + DAY
    else:
        start = utc_to_local(raw_start, tz_name)
        if raw_stop:
            stop_type = descriptions[spec.date_stop].get("type")
            stop = utc_to_local(raw_stop, tz_name) if stop_type == "datetime" else _midnight(_day(raw_stop)) + DAY
        elif delay:
            stop = start + datetime.timedelta(hours=float(delay))
        else:
            stop = start + DEFAULT_DURATION
    stop = max(stop, start)
    key, label = (None, "")
    if spec.color:
        key, label = color_value(record.get(spec.color), descriptions.get(spec.color, {}))
    title = record.get("display_name") or record.get(spec.create_name_field) or f"#{record.get('id')}"
    return Event(record["id"], str(title), start, stop, all_day, key, label, record)


def events_from_records(records, spec, descriptions, tz_name):
    """The events of ``search_read`` rows, in display order (start, longest first, id)."""
    events = [event for event in (event_from_record(r, spec, descriptions, tz_name) for r in records) if event]
    events.sort(key=lambda e: (e.start, -(e.stop - e.start).total_seconds(), e.id))
    return events


# -- writing ----------------------------------------------------------------------------------------------
def _kept_time(record, name, default):
    """The time part of a stored value (an all-day datetime keeps its hours when moved)."""
    text = record.get(name) if record else None
    if isinstance(text, str) and len(text) >= 19:
        return text[11:19]
    return default


def span_values(spec, descriptions, start, stop, all_day, tz_name, record=None):
    """``{field: value}`` putting an event at ``start`` .. ``stop`` (local, exclusive).

    Used by ``write`` after a drag and, prefixed with ``default_``, by quick create. The ``all_day``
    field itself is not included (:func:`create_context` adds it).
    """
    values = {}
    start_type = descriptions[spec.date_start].get("type")
    last_day = max((stop - datetime.timedelta(microseconds=1)).date(), start.date()) if stop > start \
        else start.date()

    def as_type(name, moment, day, time_default):
        kind = descriptions.get(name, {}).get("type")
        if kind == "date":
            return day.strftime(DATE_FMT)
        if all_day:
            return f"{day.strftime(DATE_FMT)} {_kept_time(record, name, time_default)}"
        return local_to_utc(moment, tz_name)

    values[spec.date_start] = as_type(spec.date_start, start, start.date(), "00:00:00")
    if spec.date_stop:
        values[spec.date_stop] = as_type(spec.date_stop, stop, last_day, "23:59:59")
    elif spec.date_delay:
        if all_day or start_type == "date":
            hours = ((last_day - start.date()).days + 1) * 24.0
        else:
            hours = (stop - start).total_seconds() / 3600
        values[spec.date_delay] = hours
    return values


def create_context(spec, descriptions, start, stop, all_day, tz_name, name=None):
    """The ``default_*`` context keys of a new event at ``start`` .. ``stop`` (views.md §6)."""
    context = {f"default_{key}": value
               for key, value in span_values(spec, descriptions, start, stop, all_day, tz_name).items()}
    if spec.all_day:
        context[f"default_{spec.all_day}"] = bool(all_day)
    if name:
        context[f"default_{spec.create_name_field}"] = name
    return context


def can_write_span(spec, descriptions):
    """Whether a drag may write the span: the view allows editing and the fields are writable."""
    if not spec.edit:
        return False
    return all(not descriptions.get(name, {}).get("readonly") for name in spec.date_fields())


# -- placement --------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Bar:
    """An event's piece in one row of days: columns ``first`` .. ``last`` (included) of ``row``."""
    event: Event
    row: int
    first: int
    last: int
    lane: int
    #: the event goes on before / after this piece (drawn with an open edge)
    continues_before: bool
    continues_after: bool


def layout_bars(events, first_day, columns, rows=1):
    """Stack ``events`` into lanes over ``rows`` rows of ``columns`` days from ``first_day``.

    An event gets the lowest lane free on all the days it covers in a row; a long event is cut
    at row ends. Returns the :class:`Bar` list.
    """
    bars = []
    total = columns * rows
    ordered = sorted(events, key=lambda e: (e.first_day, -(e.last_day - e.first_day).days, not e.all_day,
                                            e.start, e.id))
    # lane_end[row][lane] = last column used in that lane
    lane_end = [[] for _ in range(rows)]
    for event in ordered:
        begin = (event.first_day - first_day).days
        end = (event.last_day - first_day).days
        if end < 0 or begin >= total:
            continue
        clipped_begin, clipped_end = max(begin, 0), min(end, total - 1)
        row = clipped_begin // columns
        while row * columns <= clipped_end:
            first = max(clipped_begin, row * columns) - row * columns
            last = min(clipped_end, row * columns + columns - 1) - row * columns
            lanes = lane_end[row]
            lane = next((i for i, used in enumerate(lanes) if used < first), len(lanes))
            if lane == len(lanes):
                lanes.append(last)
            else:
                lanes[lane] = last
            bars.append(Bar(event, row, first, last, lane, row * columns + first > begin,
                            row * columns + last < end))
            row += 1
    return bars


@dataclasses.dataclass
class Block:
    """A timed event in a day column: minutes from midnight, and its place among overlapping ones."""
    event: Event
    column: int
    top: float
    bottom: float
    slot: int
    slots: int


def layout_timed(events, first_day, columns, min_minutes=20):
    """Place the single-day timed events of ``columns`` days from ``first_day``.

    Events that overlap share the day's width: each cluster of overlapping events is split into
    as many slots as it needs at most at once, an event taking the first free slot.
    """
    blocks = []
    by_day = {}
    for event in events:
        if event.spans_days:
            continue
        column = (event.first_day - first_day).days
        if 0 <= column < columns:
            by_day.setdefault(column, []).append(event)
    for column, day_events in by_day.items():
        midnight = _midnight(first_day + column * DAY)
        placed = []
        for event in sorted(day_events, key=lambda e: (e.start, -(e.stop - e.start).total_seconds(), e.id)):
            top = (event.start - midnight).total_seconds() / 60
            bottom = min(max((event.stop - midnight).total_seconds() / 60, top + min_minutes), 24 * 60)
            placed.append(Block(event, column, top, bottom, 0, 1))
        cluster, cluster_bottom, slot_ends = [], -1.0, []
        for block in placed + [None]:
            if block is None or block.top >= cluster_bottom:
                for member in cluster:
                    member.slots = len(slot_ends)
                if block is None:
                    break
                cluster, slot_ends = [], []
            slot = next((i for i, end in enumerate(slot_ends) if end <= block.top), len(slot_ends))
            if slot == len(slot_ends):
                slot_ends.append(block.bottom)
            else:
                slot_ends[slot] = block.bottom
            block.slot = slot
            cluster.append(block)
            cluster_bottom = max(cluster_bottom, block.bottom)
        blocks.extend(placed)
    return blocks
