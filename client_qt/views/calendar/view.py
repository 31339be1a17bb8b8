"""The calendar view of an action tab (views.md §6): month, week and day pages of events.

Tool bar: Today, ‹ / › (previous / next page), the page's title, a date box to jump to any day, and
Month / Week / Day. A side panel lists the ``color`` values with check boxes (unchecked values are
hidden). Each page is fetched with one ``search_read`` of the visible range (the search domain and
the range, only the fields the view uses) through the session's runner; a later page or search wins
over an answer still on its way.

Mouse: drag an event to move it, drag its end to resize it (``write`` of the dates); click an empty
slot, or drag over several, to create an event (a small name prompt and ``create``; with
``quick_create="0"``, or when that create fails, the form opens in a dialog with the dates filled);
double-click an event to open its form (``tab.open_record``). A click selects an event: Delete
removes it (asked first, ``unlink``); a right-click on an event offers Open and Delete. Keys: see
:data:`KEYS`.
"""
import datetime
import logging

from ...dialogs import confirm
from ...expr import evaluate_modifier
from ...qt import (QColor, QDate, QDateEdit, QDialog, QDialogButtonBox, QHBoxLayout, QIcon, QLabel,
                   QLineEdit, QListWidget, QListWidgetItem, QLocale, QMenu, QPixmap, QToolButton, QVBoxLayout,
                   Qt, tr)
from ..base import SearchedView
from ..registry import register
from .canvas import CalendarCanvas
from .model import (can_write_span, create_context, events_from_records, palette_color, range_domain, span_values,
                    step, visible_days, zone)
from .parser import MODES, parse_calendar

_logger = logging.getLogger(__name__)

#: keys of the calendar (documented in docs/client.md)
KEYS = {
    Qt.Key.Key_T: ("today", None), Qt.Key.Key_Left: ("step", -1), Qt.Key.Key_Right: ("step", 1),
    Qt.Key.Key_PageUp: ("step", -1), Qt.Key.Key_PageDown: ("step", 1),
    Qt.Key.Key_M: ("mode", "month"), Qt.Key.Key_W: ("mode", "week"), Qt.Key.Key_D: ("mode", "day"),
}
MODE_LABELS = {"month": "Month", "week": "Week", "day": "Day"}
X2MANY = ("one2many", "many2many")


class QuickCreateDialog(QDialog):
    """The name prompt of a quick create: Create, Edit… (the full form) or Cancel."""

    def __init__(self, parent, span_text):
        super().__init__(parent)
        self.setObjectName("calendar_quick_create")
        self.setWindowTitle(tr("New event"))
        self.choice = None
        layout = QVBoxLayout(self)
        when = QLabel(span_text)
        when.setObjectName("calendar_quick_create_when")
        layout.addWidget(when)
        self.name = QLineEdit()
        self.name.setObjectName("calendar_quick_create_name")
        self.name.setPlaceholderText(tr("Event name"))
        layout.addWidget(self.name)
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(tr("Create"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("calendar_quick_create_ok")
        self.create_button.setDefault(True)
        self.edit_button = buttons.addButton(tr("Edit…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.edit_button.setObjectName("calendar_quick_create_edit")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("calendar_quick_create_cancel")
        self.create_button.clicked.connect(lambda: self._choose("create"))
        self.edit_button.clicked.connect(lambda: self._choose("edit"))
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.name.textChanged.connect(lambda text: self.create_button.setEnabled(bool(text.strip())))
        self.create_button.setEnabled(False)

    def _choose(self, choice):
        if choice == "create" and not self.name.text().strip():
            return
        self.choice = choice
        self.accept()


@register("calendar")
class CalendarView(SearchedView):
    """:param tab: the :class:`~client_qt.windows.action_tab.ActionTab`
    :param arch: the calendar arch
    :param fields: ``{name: description}`` of the model
    :param view_id: the view's id
    """

    def __init__(self, tab, arch, fields, view_id=None):
        super().__init__(tab, fields, view_id)
        self.main_window = getattr(tab, "window", None)
        self.spec = parse_calendar(arch, fields)
        self.mode = self.spec.mode
        self.anchor = self._today()
        self.week_start = QLocale().firstDayOfWeek().value - 1
        self.records = []
        self.events = []
        self.hidden_colors = set()
        self.fetches = 0
        self._fetch_sequence = 0
        self.quick_dialog = None
        #: the event menu last opened (tests trigger its actions)
        self.event_menu_shown = None
        self.editable = can_write_span(self.spec, fields)
        self.creatable = self.spec.create and not self.spec.error
        self._build()
        if self.spec.error:
            _logger.warning("calendar view of %s: %s", self.model_name, self.spec.error)
            self.status.setText(self.spec.error)
        self._show_page()

    # -- construction -----------------------------------------------------------------------------
    def _build(self):
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        self.today_button = self._tool(bar, "calendar_today", tr("Today"), tr("Go to today (T)"), self.go_today)
        self.previous_button = self._tool(bar, "calendar_previous", "‹", tr("Previous (←, PgUp)"),
                                          lambda: self.go_step(-1))
        self.next_button = self._tool(bar, "calendar_next", "›", tr("Next (→, PgDown)"), lambda: self.go_step(1))
        self.title = QLabel()
        self.title.setObjectName("calendar_title")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        bar.addWidget(self.title)
        bar.addSpacing(12)
        self.jump = QDateEdit()
        self.jump.setObjectName("calendar_jump")
        self.jump.setCalendarPopup(True)
        self.jump.setToolTip(tr("Jump to a date"))
        self.jump.setDisplayFormat("yyyy-MM-dd")
        self.jump.dateChanged.connect(self._jumped)
        bar.addWidget(self.jump)
        bar.addStretch(1)
        self.tz_label = QLabel(self._tz_name() or "UTC")
        self.tz_label.setObjectName("calendar_tz")
        self.tz_label.setToolTip(tr("Times are shown in this time zone"))
        bar.addWidget(self.tz_label)
        self.mode_buttons = {}
        for mode in MODES:
            button = self._tool(bar, f"calendar_mode_{mode}", tr(MODE_LABELS[mode]),
                                tr("{0} ({1})").format(tr(MODE_LABELS[mode]), mode[0].upper()),
                                lambda checked=False, m=mode: self.set_mode(m))
            button.setCheckable(True)
            self.mode_buttons[mode] = button
        self.canvas = CalendarCanvas()
        self.canvas.editable = self.editable
        self.canvas.creatable = self.creatable
        self.canvas.tooltip = self.tooltip
        self.canvas.zone = zone(self._tz_name())
        self.canvas.event_changed.connect(self.change_event)
        self.canvas.create_requested.connect(self.request_create)
        self.canvas.open_requested.connect(self.open_event)
        self.canvas.delete_requested.connect(self.delete_event)
        self.canvas.menu_requested.connect(self.show_event_menu)
        self.canvas.day_requested.connect(lambda day: self.set_mode("day", day))
        self.legend = QListWidget()
        self.legend.setObjectName("calendar_legend")
        self.legend.setMaximumWidth(200)
        self.legend.itemChanged.connect(self._legend_changed)
        self.legend.setVisible(bool(self.spec.color))
        self.status = QLabel("")
        self.status.setObjectName("calendar_status")
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.canvas, 1)
        body.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)

    def _tool(self, bar, name, text, tip, slot):
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        bar.addWidget(button)
        return button

    # -- time -------------------------------------------------------------------------------------
    def _tz_name(self):
        return self.context.get("tz") or self.session.user_tz

    def _today(self):
        return datetime.datetime.now(tz=zone(self._tz_name())).date()

    def visible_range(self):
        """``(first day, day after the last)`` of the page shown."""
        return visible_days(self.mode, self.anchor, self.week_start)

    # -- view protocol ----------------------------------------------------------------------------

    # -- navigation -------------------------------------------------------------------------------
    def go_today(self):
        self.go_to(self._today())

    def go_step(self, direction):
        self.go_to(step(self.mode, self.anchor, direction))

    def go_to(self, day):
        """Show the page of ``day`` in the current mode."""
        self.anchor = day
        self._show_page()
        self.reload()

    def set_mode(self, mode, day=None):
        """Switch to ``mode`` (``month``/``week``/``day``), optionally around ``day``."""
        if mode not in MODES:
            return
        self.mode = mode
        if day is not None:
            self.anchor = day
        self._show_page()
        self.reload()

    def _jumped(self, qdate):
        day = datetime.date(qdate.year(), qdate.month(), qdate.day())
        if day != self.anchor:
            self.go_to(day)

    def _show_page(self):
        first, stop = self.visible_range()
        for mode, button in self.mode_buttons.items():
            button.setChecked(mode == self.mode)
        self.title.setText(self.page_title())
        self.jump.blockSignals(True)
        self.jump.setDate(QDate(self.anchor.year, self.anchor.month, self.anchor.day))
        self.jump.blockSignals(False)
        self.canvas.set_page(self.mode, first, stop, self.anchor, self._today())
        self.canvas.set_events(self._page_events(first, stop))

    def page_title(self):
        locale = QLocale()
        anchor = QDate(self.anchor.year, self.anchor.month, self.anchor.day)
        if self.mode == "month":
            return locale.toString(anchor, "MMMM yyyy")
        if self.mode == "day":
            return locale.toString(anchor, QLocale.FormatType.LongFormat)
        first, stop = self.visible_range()
        last = stop - datetime.timedelta(days=1)
        begin, end = QDate(first.year, first.month, first.day), QDate(last.year, last.month, last.day)
        return f"{locale.toString(begin, 'd MMM')} – {locale.toString(end, 'd MMM yyyy')}"

    def keyPressEvent(self, event):
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return super().keyPressEvent(event)
        action = KEYS.get(event.key())
        if action is None:
            return super().keyPressEvent(event)
        kind, argument = action
        if kind == "today":
            self.go_today()
        elif kind == "step":
            self.go_step(argument)
        else:
            self.set_mode(argument)
        event.accept()
        return None

    # -- fetching ---------------------------------------------------------------------------------
    def fetch_domain(self):
        """The search domain and the visible range, as sent to ``search_read``."""
        first, stop = self.visible_range()
        return self.domain + range_domain(self.spec, self.fields, first, stop, self._tz_name())

    def fetch_fields(self):
        return [name for name in self.spec.fetch_fields(self.fields)
                if self.fields.get(name, {}).get("type") not in X2MANY]

    def reload(self):
        """Read the events of the page shown (one ``search_read``); an older answer is dropped."""
        if self.spec.error or not self.loaded:
            return
        self._fetch_sequence += 1
        sequence = self._fetch_sequence
        self.fetches += 1
        page = (self.mode, self.visible_range())

        def loaded(records):
            if sequence == self._fetch_sequence:
                self._records_loaded(records, page)

        self.calls.call(self.model_name, "search_read", self.fetch_domain(), self.fetch_fields(),
                        order=self.spec.date_start, context=self.context, on_result=loaded, on_error=self.show_error)

    def is_idle(self):
        """No fetch or write of this view is on its way (tests wait for it)."""
        return not self.calls.jobs

    def _records_loaded(self, records, page):
        self.records = records
        self.events = events_from_records(records, self.spec, self.fields, self._tz_name())
        self._fill_legend()
        first, stop = page[1]
        shown = self._page_events(first, stop)
        self.canvas.set_events(shown)
        self.status.setText(tr("{0} event(s)").format(len(shown)))

    def _page_events(self, first, stop):
        return [e for e in self.events if e.color_key not in self.hidden_colors
                and e.first_day < stop and e.last_day >= first]

    def _fill_legend(self):
        if not self.spec.color:
            return
        values = {}
        for event in self.events:
            values.setdefault(event.color_key, event.color_label or tr("None"))
        known = {self.legend.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.legend.count())}
        self.legend.blockSignals(True)
        for key, label in sorted(values.items(), key=lambda kv: kv[1].lower()):
            if key in known:
                continue
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if key in self.hidden_colors else Qt.CheckState.Checked)
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(palette_color(key)))
            item.setIcon(QIcon(swatch))
            self.legend.addItem(item)
        self.legend.blockSignals(False)

    def _legend_changed(self, item):
        key = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.hidden_colors.discard(key)
        else:
            self.hidden_colors.add(key)
        self.canvas.set_events(self._page_events(*self.visible_range()))

    def tooltip(self, event):
        """The tooltip of an event: title, when, and the arch's visible child fields."""
        lines = [f"<b>{_escape(event.title)}</b>", _escape(self.span_text(event.start, event.stop, event.all_day))]
        for name, invisible in self.spec.tooltip_fields():
            if name == self.spec.create_name_field:
                continue
            if invisible and evaluate_modifier("invisible", invisible, event.record):
                continue
            value = event.record.get(name)
            description = self.fields.get(name, {})
            if value in (None, False, "") or description.get("type") in X2MANY:
                continue
            if isinstance(value, (list, tuple)):
                value = value[1] if len(value) > 1 else value[0]
            elif description.get("type") == "selection":
                value = dict(description.get("selection") or []).get(value, value)
            lines.append(f"{_escape(description.get('string') or name)}: {_escape(str(value))}")
        return "<br/>".join(lines)

    def span_text(self, start, stop, all_day):
        locale = QLocale()
        first = QDate(start.year, start.month, start.day)
        if all_day:
            last = (stop - datetime.timedelta(days=1)).date() if stop > start else start.date()
            text = locale.toString(first, QLocale.FormatType.ShortFormat)
            if last != start.date():
                text += " – " + locale.toString(QDate(last.year, last.month, last.day), QLocale.FormatType.ShortFormat)
            return text + " " + tr("(all day)")
        begin = f"{locale.toString(first, QLocale.FormatType.ShortFormat)} {start:%H:%M}"
        if stop.date() == start.date():
            return f"{begin} – {stop:%H:%M}"
        end = QDate(stop.year, stop.month, stop.day)
        return f"{begin} – {locale.toString(end, QLocale.FormatType.ShortFormat)} {stop:%H:%M}"

    # -- changes ----------------------------------------------------------------------------------
    def change_event(self, event, start, stop):
        """Write the new span of a dragged or resized event; shown at once, read again after."""
        if not self.editable:
            return
        values = span_values(self.spec, self.fields, start, stop, event.all_day, self._tz_name(), event.record)
        event.start, event.stop = start, stop
        self.canvas.relayout()

        def failed(error):
            self.show_error(error)
            self.reload()

        self.calls.call(self.model_name, "write", [event.id], values, context=self.context,
                        on_result=lambda _: self.reload(), on_error=failed)

    def request_create(self, start, stop, all_day):
        """An empty slot clicked or dragged: the quick create prompt, or the form (``quick_create="0"``)."""
        if not self.creatable:
            return None
        if self.fields[self.spec.date_start].get("type") == "date":
            all_day = True
        if all_day and not self.spec.all_day and self.fields[self.spec.date_start].get("type") == "datetime":
            # no all-day flag: whole days become a timed event from the first midnight to the last
            all_day = False
        context = dict(self.context, **create_context(self.spec, self.fields, start, stop, all_day,
                                                      self._tz_name()))
        if not self.spec.quick_create or self.spec.create_name_field not in self.fields:
            return self.open_new_form(context)
        dialog = self.quick_dialog = QuickCreateDialog(self.window(), self.span_text(start, stop, all_day))
        dialog.finished.connect(lambda result: self._quick_answered(dialog, context))
        dialog.open()
        dialog.name.setFocus()
        return dialog

    def _quick_answered(self, dialog, context):
        if self.quick_dialog is dialog:
            self.quick_dialog = None
        name = dialog.name.text().strip()
        dialog.deleteLater()
        if dialog.choice == "edit":
            self.open_new_form(dict(context, **({f"default_{self.spec.create_name_field}": name} if name else {})))
        elif dialog.choice == "create" and name:
            self.quick_create(name, context)

    def quick_create(self, name, context):
        """``create`` a record named ``name`` with the slot's defaults; the form opens if it fails."""
        def failed(error):
            _logger.info("calendar quick create failed (%s): opening the form", getattr(error, "message", error))
            self.open_new_form(dict(context, **{f"default_{self.spec.create_name_field}": name}))

        self.calls.call(self.model_name, "create", {self.spec.create_name_field: name}, context=context,
                        on_result=lambda _: self.reload(), on_error=failed)

    def open_new_form(self, context):
        """A new record in a form dialog, its dates from ``context`` (``default_*``)."""
        from ...dialogs.form_dialog import open_record_dialog
        return open_record_dialog(self, self.model_name, None, context, on_saved=lambda *_: self.reload(),
                                  title=self.spec.string or None)

    def open_event(self, event):
        ids = [e.id for e in self.canvas.events]
        self.tab.open_record(event.id, ids)

    def show_event_menu(self, event, global_position):
        self.event_menu_shown = self.event_menu(event)
        self.event_menu_shown.popup(global_position)

    def event_menu(self, event):
        """The right-click menu of an event: Open, and Delete unless the arch says ``delete="0"``;
        actions carry ``open``/``delete`` as data."""
        menu = QMenu(self)
        menu.setObjectName("calendar_event_menu")
        entries = [("open", tr("Open"), self.open_event)]
        if self.spec.delete:
            entries.append(("delete", tr("Delete"), self.delete_event))
        for data, text, slot in entries:
            action = menu.addAction(text)
            action.setData(data)
            action.triggered.connect(lambda checked=False, run=slot: run(event))
        return menu

    def delete_event(self, event, ask=True):
        """Delete the record of ``event`` (asked first): ``unlink``, then the page is read again."""
        if not self.spec.delete:
            return False
        if ask and not confirm.ask(self.window(), tr("Delete the event “{0}”?").format(event.title)):
            return False
        self.calls.call(self.model_name, "unlink", [event.id], context=self.context,
                        on_result=lambda _: self.reload(), on_error=self.show_error)
        return True

    # -- host of dialogs --------------------------------------------------------------------------
    def dialog_parent(self):
        return self.window()

    def show_error(self, error):
        window = self.main_window
        if window is not None and hasattr(window, "show_error"):
            window.show_error(error)
        else:
            self.status.setText(getattr(error, "message", None) or str(error))


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
