"""The calendar's drawing surface: one QPainter-drawn widget for the month grid and the week/day grid.

The widget knows geometry and the mouse, nothing of the server. It is given a page (mode, visible
days) and :class:`~client_qt.views.calendar.model.Event` objects, places them with
:func:`~client_qt.views.calendar.model.layout_bars` / :func:`~client_qt.views.calendar.model.layout_timed`,
and reports what the user did as signals in local times:

* ``event_changed(event, start, stop)``: an event dragged (moved) or its end dragged (resized);
* ``create_requested(start, stop, all_day)``: an empty slot clicked, or a span of slots dragged;
* ``open_requested(event)``: an event double-clicked; ``day_requested(day)``: "+N more" clicked;
* ``delete_requested(event)``: Delete pressed while an event is selected (a click selects it);
* ``menu_requested(event, global position)``: an event right-clicked (it is selected too).

Week and day modes: day headers, the all-day row (all-day and multi-day events), then 24 hours
scrolled by the scroll bar or the wheel. Moves snap to :data:`SNAP_MINUTES`; bars move by days.
Geometry is computed once per change (:meth:`CalendarCanvas.relayout`) and reused by painting and
hit testing, so a month of thousands of events paints only what fits.
"""
import dataclasses
import datetime

from ...qt import QApplication, QColor, QEvent, QFont, QLocale, QPainter, QtCore, QtGui, QtWidgets, QWidget, Qt, \
    Signal, tr
from .model import DAY, layout_bars, layout_timed

QRectF, QPointF = QtCore.QRectF, QtCore.QPointF

HEADER_H = 26
BAR_H = 19
BAR_GAP = 2
DAY_NUMBER_H = 20
MORE_H = 15
GUTTER_W = 52
HOUR_H = 44
#: the all-day row of week/day shows at most this many lanes (then "+N")
ALLDAY_LANES = 4
SNAP_MINUTES = 15
#: the part of an event's edge that resizes it (pixels)
EDGE = 6
GRID_COLOR = QColor("#D9DDE3")
HALF_HOUR_COLOR = QColor("#EEF0F3")
OUTSIDE_COLOR = QColor("#F5F6F8")
TODAY_COLOR = QColor("#FFF8E1")
TEXT_COLOR = QColor("#1F2328")
MUTED_COLOR = QColor("#6B7280")
NOW_COLOR = QColor("#E53935")
SELECT_COLOR = QColor(63, 127, 191, 60)
#: the outline of the selected event
SELECTED_PEN_COLOR = QColor("#1F2328")
#: keys that delete the selected event
DELETE_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)


@dataclasses.dataclass
class Item:
    """Something drawn that the mouse can hit: an event's bar or block, or a "+N more" label."""
    rect: QRectF
    kind: str            # "bar", "block" or "more"
    event: object = None
    piece: object = None  # the model's Bar or Block
    day: datetime.date = None
    count: int = 0


@dataclasses.dataclass
class Slot:
    """Where the pointer is: ``section`` "bar" (a day cell) or "time" (a day column at ``minutes``)."""
    section: str
    day: datetime.date
    minutes: float = 0.0


def _snap(minutes, step=SNAP_MINUTES):
    return int(round(minutes / step)) * step


def _floor(minutes, step=SNAP_MINUTES):
    return int(minutes // step) * step


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min)


def _text_color(background):
    return QColor("#FFFFFF") if background.lightnessF() < 0.6 else TEXT_COLOR


class CalendarCanvas(QWidget):
    """Draws one page of the calendar and turns mouse gestures into requests."""

    event_changed = Signal(object, object, object)
    create_requested = Signal(object, object, bool)
    open_requested = Signal(object)
    day_requested = Signal(object)
    delete_requested = Signal(object)
    menu_requested = Signal(object, QtCore.QPoint)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("calendar_canvas")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(360, 280)
        self.mode = "week"
        self.first_day = self.stop_day = datetime.date.today()
        self.anchor = self.today = datetime.date.today()
        self.events = []
        self.editable = True
        self.creatable = True
        self.time_format = "HH:mm"
        self.scroll = QtWidgets.QScrollBar(Qt.Orientation.Vertical, self)
        self.scroll.setObjectName("calendar_scroll")
        self.scroll.valueChanged.connect(lambda _: self.relayout())
        self.scroll.setSingleStep(HOUR_H // 2)
        self.items = []
        #: the id of the selected event (clicked or right-clicked), or None
        self.selected = None
        self.bars, self.blocks = [], []
        self._colors = {}
        self._press = None
        self._ghost = None
        self._scrolled_once = False
        self.relayout()

    # -- data -------------------------------------------------------------------------------------
    def set_page(self, mode, first_day, stop_day, anchor, today=None):
        """Show the days ``first_day`` .. ``stop_day`` (excluded) in ``mode``."""
        if mode != self.mode:
            self._scrolled_once = False
        self.mode, self.first_day, self.stop_day, self.anchor = mode, first_day, stop_day, anchor
        self.today = today or datetime.date.today()
        self._press = self._ghost = None
        self.relayout()

    def set_events(self, events):
        self.events = list(events)
        if self.selected is not None and self.selected_event() is None:
            self.selected = None
        self.relayout()
        if not self._scrolled_once and self.mode != "month":
            self.scroll_to_hour(self._first_hour())
            self._scrolled_once = True

    def selected_event(self):
        """The selected event among those shown, or None."""
        return next((e for e in self.events if e.id == self.selected), None)

    def select(self, event):
        """Select ``event`` (None: nothing) and draw its outline."""
        selected = event.id if event is not None else None
        if selected != self.selected:
            self.selected = selected
            self.update()

    def _first_hour(self):
        """Week/day open at 07:00, or earlier when an event of the page starts earlier."""
        starts = [e.start.hour for e in self.events if not e.spans_days and self.first_day <= e.start.date()
                  < self.stop_day]
        return max(0, min([7] + starts) - (1 if starts and min(starts) < 7 else 0))

    def scroll_to_hour(self, hour):
        """Scroll the hour grid so that ``hour`` is at the top (its label still readable)."""
        self.scroll.setValue(max(int(hour * HOUR_H) - 10, 0))

    @property
    def columns(self):
        return 7 if self.mode == "month" else max(1, (self.stop_day - self.first_day).days)

    @property
    def rows(self):
        return max(1, (self.stop_day - self.first_day).days // 7) if self.mode == "month" else 1

    # -- geometry ---------------------------------------------------------------------------------
    def relayout(self):
        """Place the events for the current size, page and scroll position; schedule a paint."""
        self.items = []
        if self.mode == "month":
            self.scroll.hide()
            self._layout_month()
        else:
            self._layout_week()
        self.update()

    def _color(self, name):
        color = self._colors.get(name)
        if color is None:
            color = self._colors[name] = QColor(name)
        return color

    def _layout_month(self):
        width, height = self.width(), self.height()
        self.cell_w = width / 7
        self.cell_h = max((height - HEADER_H) / self.rows, DAY_NUMBER_H + BAR_H)
        self.bars = layout_bars(self.events, self.first_day, 7, self.rows)
        self.blocks = []
        lanes = max(0, int((self.cell_h - DAY_NUMBER_H - MORE_H) // (BAR_H + BAR_GAP)))
        self._add_bars(self.bars, lanes, lambda row: HEADER_H + row * self.cell_h + DAY_NUMBER_H,
                       0, self.cell_w, lambda row: HEADER_H + (row + 1) * self.cell_h - MORE_H)

    def _add_bars(self, bars, lanes, lane_top, x0, column_w, more_top):
        hidden = {}
        for bar in bars:
            if bar.lane >= lanes:
                for column in range(bar.first, bar.last + 1):
                    hidden[(bar.row, column)] = hidden.get((bar.row, column), 0) + 1
                continue
            rect = QRectF(x0 + bar.first * column_w + 2, lane_top(bar.row) + bar.lane * (BAR_H + BAR_GAP),
                          (bar.last - bar.first + 1) * column_w - 4, BAR_H)
            self.items.append(Item(rect, "bar", bar.event, bar))
        for (row, column), count in hidden.items():
            rect = QRectF(x0 + column * column_w + 4, more_top(row), column_w - 8, MORE_H - 1)
            day = self.first_day + (row * self.columns + column) * DAY
            self.items.append(Item(rect, "more", day=day, count=count))

    def _layout_week(self):
        width, height = self.width(), self.height()
        scroll_w = self.scroll.sizeHint().width()
        self.column_w = max((width - GUTTER_W - scroll_w) / self.columns, 10)
        self.bars = layout_bars([e for e in self.events if e.spans_days], self.first_day, self.columns, 1)
        used = max([bar.lane + 1 for bar in self.bars] or [1])
        shown = min(used, ALLDAY_LANES)
        self.allday_h = shown * (BAR_H + BAR_GAP) + 6 + (MORE_H if used > shown else 0)
        self.grid_top = HEADER_H + self.allday_h + 1
        view_h = max(height - self.grid_top, 0)
        maximum = max(0, 24 * HOUR_H - view_h)
        self.scroll.blockSignals(True)
        self.scroll.setRange(0, maximum)
        self.scroll.setPageStep(max(view_h, 1))
        self.scroll.blockSignals(False)
        self.scroll.setGeometry(width - scroll_w, self.grid_top, scroll_w, view_h)
        self.scroll.show()
        self._add_bars(self.bars, shown, lambda row: HEADER_H + 3, GUTTER_W, self.column_w,
                       lambda row: HEADER_H + 3 + shown * (BAR_H + BAR_GAP))
        self.blocks = layout_timed(self.events, self.first_day, self.columns)
        offset = self.scroll.value()
        for block in self.blocks:
            inner = self.column_w - 6
            rect = QRectF(GUTTER_W + block.column * self.column_w + 1 + block.slot * inner / block.slots,
                          self.grid_top + block.top / 60 * HOUR_H - offset,
                          inner / block.slots - 2, (block.bottom - block.top) / 60 * HOUR_H - 1)
            self.items.append(Item(rect, "block", block.event, block))

    def grid_rect(self):
        """The area of the hour grid (week/day), below the all-day row."""
        return QRectF(GUTTER_W, self.grid_top, self.columns * self.column_w, self.height() - self.grid_top)

    def point_for(self, day, minutes=None):
        """The widget point at the middle of ``day``'s cell, or at ``minutes`` of its column (tests
        and keyboard use this: the inverse of :meth:`slot_at`)."""
        index = (day - self.first_day).days
        if self.mode == "month":
            row, column = divmod(index, 7)
            return QtCore.QPoint(int((column + 0.5) * self.cell_w), int(HEADER_H + row * self.cell_h + DAY_NUMBER_H / 2))
        x = int(GUTTER_W + (index + 0.5) * self.column_w)
        if minutes is None:
            return QtCore.QPoint(x, int(HEADER_H + self.allday_h / 2))
        return QtCore.QPoint(x, int(round(self.grid_top + minutes / 60 * HOUR_H - self.scroll.value())))

    def slot_at(self, pos, section=None):
        """The :class:`Slot` under ``pos`` (clamped into ``section`` when given), None outside."""
        x, y = pos.x(), pos.y()
        if self.mode == "month":
            column = min(max(int(x // self.cell_w), 0), 6)
            row = min(max(int((y - HEADER_H) // self.cell_h), 0), self.rows - 1)
            return Slot("bar", self.first_day + (row * 7 + column) * DAY)
        if section is None and (x < GUTTER_W or y < HEADER_H):
            return None
        column = min(max(int((x - GUTTER_W) // self.column_w), 0), self.columns - 1)
        day = self.first_day + column * DAY
        if section is None:
            section = "bar" if y < self.grid_top else "time"
        if section == "bar":
            return Slot("bar", day)
        minutes = (y - self.grid_top + self.scroll.value()) / HOUR_H * 60
        return Slot("time", day, min(max(minutes, 0.0), 24 * 60.0))

    def item_at(self, pos):
        point = QPointF(pos)
        if self.mode != "month" and point.y() >= self.grid_top and point.x() < self.width() - self.scroll.width():
            candidates = [i for i in self.items if i.kind == "block"]
        else:
            candidates = [i for i in self.items if i.kind != "block"]
        for item in reversed(candidates):
            if item.rect.contains(point):
                return item
        return None

    def _on_edge(self, item, pos):
        """Whether ``pos`` is on the end of ``item`` that resizes it."""
        if item is None or not self.editable:
            return False
        if item.kind == "block":
            return pos.y() >= item.rect.bottom() - EDGE
        if item.kind == "bar":
            return not item.piece.continues_after and pos.x() >= item.rect.right() - EDGE
        return False

    # -- mouse ------------------------------------------------------------------------------------
    def mousePressEvent(self, event):
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position().toPoint()
        item = self.item_at(pos)
        self.setFocus()
        if item is not None and item.kind == "more":
            self._press = None
            self.day_requested.emit(item.day)
            return None
        self.select(item.event if item is not None else None)
        slot = self.slot_at(pos)
        if slot is None:
            self._press = None
            return None
        if item is not None:
            part = "resize" if self._on_edge(item, pos) else "move"
            section = "time" if item.kind == "block" else "bar"
        else:
            part, section = "select", slot.section
        self._press = {"pos": pos, "item": item, "part": part, "section": section, "slot": slot, "dragging": False}
        return None

    def mouseMoveEvent(self, event):
        pos = event.position().toPoint()
        press = self._press
        if press is None:
            item = self.item_at(pos)
            if self._on_edge(item, pos):
                self.setCursor(Qt.CursorShape.SizeVerCursor if item.kind == "block" else Qt.CursorShape.SizeHorCursor)
            else:
                self.unsetCursor()
            return
        if not press["dragging"]:
            if (pos - press["pos"]).manhattanLength() < QApplication.startDragDistance():
                return
            if press["part"] in ("move", "resize") and not self.editable:
                return
            if press["part"] == "select" and not self.creatable:
                return
            press["dragging"] = True
        slot = self.slot_at(pos, press["section"])
        self._ghost = self._target(press, slot)
        self._autoscroll(pos)
        self.update()

    def mouseReleaseEvent(self, event):
        press, self._press = self._press, None
        self._ghost = None
        self.update()
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position().toPoint()
        if not press["dragging"]:
            if press["part"] == "select" and self.creatable:
                start, stop, all_day = self._target(press, press["slot"])[1:]
                self.create_requested.emit(start, stop, all_day)
            return
        target = self._target(press, self.slot_at(pos, press["section"]))
        kind, start, stop, all_day = target
        if kind == "select":
            self.create_requested.emit(start, stop, all_day)
        elif (start, stop) != (press["item"].event.start, press["item"].event.stop):
            self.event_changed.emit(press["item"].event, start, stop)

    def mouseDoubleClickEvent(self, event):
        item = self.item_at(event.position().toPoint())
        if item is not None and item.event is not None:
            self._press = None
            self.open_requested.emit(item.event)
            return
        super().mouseDoubleClickEvent(event)

    def _target(self, press, slot):
        """``(kind, start, stop, all_day)`` the gesture of ``press`` gives with the pointer on ``slot``."""
        origin = press["slot"]
        if press["part"] == "select":
            if slot.section == "bar":
                first, last = sorted((origin.day, slot.day))
                return "select", _midnight(first), _midnight(last) + DAY, True
            low, high = sorted((origin.minutes, slot.minutes))
            start = _midnight(origin.day) + datetime.timedelta(minutes=_floor(low))
            if press["dragging"]:
                stop = _midnight(origin.day) + datetime.timedelta(minutes=max(_floor(high) + SNAP_MINUTES,
                                                                             _floor(low) + SNAP_MINUTES))
            else:
                stop = start + datetime.timedelta(hours=1)
            return "select", start, stop, False
        event = press["item"].event
        if press["section"] == "bar":
            if press["part"] == "move":
                delta = (slot.day - origin.day).days * DAY
                return "move", event.start + delta, event.stop + delta, event.all_day
            last = max(slot.day, event.first_day)
            delta = (last - event.last_day).days * DAY
            return "resize", event.start, max(event.stop + delta, event.start + DAY if event.all_day
                                              else event.start), event.all_day
        if press["part"] == "move":
            delta = (slot.day - origin.day).days * DAY + datetime.timedelta(minutes=_snap(slot.minutes
                                                                                          - origin.minutes))
            return "move", event.start + delta, event.stop + delta, False
        day = _midnight(event.start.date())
        minutes = (slot.day - event.start.date()).days * 24 * 60 + slot.minutes
        stop = day + datetime.timedelta(minutes=_snap(minutes))
        return "resize", event.start, max(stop, event.start + datetime.timedelta(minutes=SNAP_MINUTES)), False

    def _autoscroll(self, pos):
        if self.mode == "month" or self._press is None or self._press["section"] != "time":
            return
        if pos.y() < self.grid_top + 10:
            self.scroll.setValue(self.scroll.value() - HOUR_H // 4)
        elif pos.y() > self.height() - 10:
            self.scroll.setValue(self.scroll.value() + HOUR_H // 4)

    def contextMenuEvent(self, event):
        item = self.item_at(event.pos())
        if item is None or item.event is None or self._press is not None:
            return super().contextMenuEvent(event)
        self.select(item.event)
        self.menu_requested.emit(item.event, event.globalPos())
        event.accept()
        return None

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Escape and self._press is not None:
            # Esc during a drag: nothing is moved, resized or created
            self._press = self._ghost = None
            self.update()
            event.accept()
            return None
        if event.key() in DELETE_KEYS and self._press is None and self.selected_event() is not None:
            self.delete_requested.emit(self.selected_event())
            event.accept()
            return None
        return super().keyPressEvent(event)

    def wheelEvent(self, event):
        if self.mode == "month":
            return super().wheelEvent(event)
        self.scroll.setValue(self.scroll.value() - event.angleDelta().y() // 3)
        event.accept()
        return None

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.relayout()

    def event(self, event):
        if event.type() == QEvent.Type.ToolTip:
            item = self.item_at(event.pos())
            tip = self.tooltip(item.event) if item is not None and item.event is not None else ""
            if tip:
                QtWidgets.QToolTip.showText(event.globalPos(), tip, self)
            else:
                QtWidgets.QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    #: set by the view: ``tooltip(event) -> str``
    def tooltip(self, event):
        return event.title

    # -- painting ---------------------------------------------------------------------------------
    def paintEvent(self, _event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        if self.mode == "month":
            self._paint_month(painter)
        else:
            self._paint_week(painter)
        painter.end()

    def _day_name(self, day, long=False):
        locale = QLocale()
        name = locale.dayName(day.isoweekday(), QLocale.FormatType.LongFormat if long else
                              QLocale.FormatType.ShortFormat)
        return name

    def _paint_month(self, painter):
        width = self.width()
        painter.setPen(MUTED_COLOR)
        for column in range(7):
            day = self.first_day + column * DAY
            painter.drawText(QRectF(column * self.cell_w, 0, self.cell_w, HEADER_H),
                             Qt.AlignmentFlag.AlignCenter, self._day_name(day))
        for row in range(self.rows):
            for column in range(7):
                day = self.first_day + (row * 7 + column) * DAY
                cell = QRectF(column * self.cell_w, HEADER_H + row * self.cell_h, self.cell_w, self.cell_h)
                if day == self.today:
                    painter.fillRect(cell, TODAY_COLOR)
                elif day.month != self.anchor.month:
                    painter.fillRect(cell, OUTSIDE_COLOR)
                painter.setPen(TEXT_COLOR if day.month == self.anchor.month else MUTED_COLOR)
                font = painter.font()
                font.setBold(day == self.today)
                painter.setFont(font)
                painter.drawText(cell.adjusted(4, 2, -6, 0), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                                 str(day.day))
                font.setBold(False)
                painter.setFont(font)
        painter.setPen(GRID_COLOR)
        for row in range(self.rows + 1):
            y = HEADER_H + row * self.cell_h
            painter.drawLine(QPointF(0, y), QPointF(width, y))
        for column in range(1, 7):
            x = column * self.cell_w
            painter.drawLine(QPointF(x, HEADER_H), QPointF(x, HEADER_H + self.rows * self.cell_h))
        self._paint_ghost_cells(painter)
        self._paint_items(painter, ("bar", "more"))

    def _paint_week(self, painter):
        width, height = self.width(), self.height()
        offset = self.scroll.value()
        grid_right = GUTTER_W + self.columns * self.column_w
        # the hour grid first, clipped below the all-day row
        painter.save()
        painter.setClipRect(QRectF(0, self.grid_top, width, height - self.grid_top))
        for index in range(self.columns):
            day = self.first_day + index * DAY
            if day == self.today and self.columns > 1:
                painter.fillRect(QRectF(GUTTER_W + index * self.column_w, self.grid_top, self.column_w,
                                        height - self.grid_top), TODAY_COLOR)
        for hour in range(25):
            y = self.grid_top + hour * HOUR_H - offset
            if y < self.grid_top - HOUR_H or y > height + HOUR_H:
                continue
            painter.setPen(GRID_COLOR)
            painter.drawLine(QPointF(GUTTER_W - 4, y), QPointF(grid_right, y))
            painter.setPen(HALF_HOUR_COLOR)
            painter.drawLine(QPointF(GUTTER_W, y + HOUR_H / 2), QPointF(grid_right, y + HOUR_H / 2))
            if 0 < hour < 24:
                painter.setPen(MUTED_COLOR)
                label = QtCore.QTime(hour, 0).toString(self.time_format)
                painter.drawText(QRectF(0, y - 8, GUTTER_W - 8, 16),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        painter.setPen(GRID_COLOR)
        for index in range(self.columns + 1):
            x = GUTTER_W + index * self.column_w
            painter.drawLine(QPointF(x, self.grid_top), QPointF(x, height))
        self._paint_ghost_cells(painter)
        self._paint_items(painter, ("block",))
        self._paint_now(painter)
        painter.restore()
        # headers and the all-day row over it
        painter.fillRect(QRectF(0, 0, width, self.grid_top), QColor("#FFFFFF"))
        for index in range(self.columns):
            day = self.first_day + index * DAY
            rect = QRectF(GUTTER_W + index * self.column_w, 0, self.column_w, HEADER_H)
            if day == self.today:
                painter.fillRect(rect, TODAY_COLOR)
            font = painter.font()
            font.setBold(day == self.today)
            painter.setFont(font)
            painter.setPen(TEXT_COLOR)
            label = f"{self._day_name(day, long=self.columns == 1)} {day.day}"
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            font.setBold(False)
            painter.setFont(font)
        painter.setPen(MUTED_COLOR)
        small = painter.font()
        small.setPointSizeF(max(small.pointSizeF() * 0.85, 6))
        painter.save()
        painter.setFont(small)
        painter.drawText(QRectF(0, HEADER_H, GUTTER_W - 6, self.allday_h),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, tr("All day"))
        painter.restore()
        painter.setPen(GRID_COLOR)
        painter.drawLine(QPointF(0, HEADER_H), QPointF(width, HEADER_H))
        painter.drawLine(QPointF(0, self.grid_top - 1), QPointF(width, self.grid_top - 1))
        for index in range(self.columns + 1):
            x = GUTTER_W + index * self.column_w
            painter.drawLine(QPointF(x, 0), QPointF(x, self.grid_top))
        ghost = self._ghost
        if ghost is not None and self._press and self._press["section"] == "bar":
            self._paint_ghost_cells(painter)
        self._paint_items(painter, ("bar", "more"))

    def _paint_now(self, painter):
        now = datetime.datetime.now(tz=getattr(self, "zone", None)).replace(tzinfo=None)
        index = (now.date() - self.first_day).days
        if not 0 <= index < self.columns:
            return
        y = self.grid_top + (now.hour * 60 + now.minute) / 60 * HOUR_H - self.scroll.value()
        painter.setPen(QtGui.QPen(NOW_COLOR, 2))
        x = GUTTER_W + index * self.column_w
        painter.drawLine(QPointF(x, y), QPointF(x + self.column_w, y))

    def _paint_ghost_cells(self, painter):
        """Where the dragged event or the selected span would go."""
        ghost, press = self._ghost, self._press
        if ghost is None or press is None:
            return
        _kind, start, stop, _all_day = ghost
        if press["section"] == "bar":
            day = start.date()
            last = max((stop - datetime.timedelta(microseconds=1)).date(), day)
            while day <= last:
                index = (day - self.first_day).days
                if 0 <= index < self.columns * self.rows:
                    if self.mode == "month":
                        row, column = divmod(index, 7)
                        rect = QRectF(column * self.cell_w, HEADER_H + row * self.cell_h, self.cell_w, self.cell_h)
                    else:
                        rect = QRectF(GUTTER_W + index * self.column_w, HEADER_H, self.column_w, self.allday_h)
                    painter.fillRect(rect, SELECT_COLOR)
                day += DAY
            return
        index = (start.date() - self.first_day).days
        if not 0 <= index < self.columns:
            return
        top = (start.hour * 60 + start.minute) / 60 * HOUR_H
        minutes = min((stop - _midnight(start.date())).total_seconds() / 60, 24 * 60)
        rect = QRectF(GUTTER_W + index * self.column_w + 1, self.grid_top + top - self.scroll.value(),
                      self.column_w - 2, max(minutes / 60 * HOUR_H - top, 4))
        painter.fillRect(rect, SELECT_COLOR)
        painter.setPen(TEXT_COLOR)
        painter.drawText(rect.adjusted(4, 2, -2, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         f"{self._time(start)} – {self._time(stop)}")

    def _time(self, moment):
        return QtCore.QTime(moment.hour, moment.minute).toString(self.time_format)

    def _paint_items(self, painter, kinds):
        dragged = self._press["item"].event if self._press and self._press["dragging"] and self._press["item"] \
            else None
        metrics = painter.fontMetrics()
        for item in self.items:
            if item.kind not in kinds:
                continue
            if item.kind == "more":
                painter.setPen(MUTED_COLOR)
                painter.drawText(item.rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 tr("+{0} more").format(item.count))
                continue
            painter.setOpacity(0.4 if item.event is dragged else 1.0)
            if item.kind == "bar":
                self._paint_bar(painter, item, metrics)
            else:
                self._paint_block(painter, item, metrics)
            if item.event is not None and item.event.id == self.selected:
                painter.setPen(QtGui.QPen(SELECTED_PEN_COLOR, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(item.rect.adjusted(1, 1, -1, -1), 3, 3)
        painter.setOpacity(1.0)

    def _paint_bar(self, painter, item, metrics):
        event, rect = item.event, item.rect
        color = self._color(event.color)
        if not event.spans_days:
            # a timed event in the month: a dot and "10:00 Title", no fill
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawEllipse(QPointF(rect.left() + 6, rect.center().y()), 3.5, 3.5)
            painter.setPen(TEXT_COLOR)
            text = f"{self._time(event.start)} {event.title}"
            painter.drawText(rect.adjusted(13, 0, -2, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width() - 15)))
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(_text_color(color))
        text = event.title if event.all_day else f"{self._time(event.start)} {event.title}"
        if item.piece.continues_before:
            text = "‹ " + text
        painter.drawText(rect.adjusted(5, 0, -4, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width() - 9)))

    def _paint_block(self, painter, item, metrics):
        event, rect = item.event, item.rect
        color = self._color(event.color)
        fill = QColor(color)
        fill.setAlpha(60)
        painter.setPen(QtGui.QPen(color, 1))
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawRoundedRect(rect, 3, 3)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 3, 3)
        painter.fillRect(QRectF(rect.left(), rect.top(), 3, rect.height()), color)
        painter.save()
        painter.setClipRect(rect.adjusted(4, 1, -2, -1))
        painter.setPen(TEXT_COLOR)
        bold = QFont(painter.font())
        bold.setBold(True)
        line = metrics.height()
        times = f"{self._time(event.start)} – {self._time(event.stop)}"
        inner = rect.adjusted(6, 1, -3, -1)
        if inner.height() < 2 * line:
            painter.setFont(bold)
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             metrics.elidedText(f"{event.title}, {times}", Qt.TextElideMode.ElideRight,
                                                int(inner.width())))
        else:
            painter.setFont(bold)
            painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), inner.height() - line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             event.title)
            painter.setFont(QFont(self.font()))
            painter.setPen(MUTED_COLOR)
            painter.drawText(QRectF(inner.left(), inner.bottom() - line, inner.width(), line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                             metrics.elidedText(times, Qt.TextElideMode.ElideRight, int(inner.width())))
        painter.restore()
