"""The command palette (Ctrl+K): type a few letters, pick a menu, a command or a record, press Enter.

Menus and the window's commands are matched locally (:mod:`client_qt.models.palette`) at every key.
Records are found with ``name_search`` on the models of the user's menus' window actions: after a
pause in the typing (:data:`~client_qt.models.palette.SEARCH_DELAY_MS`), in the background (one call
per model, a few records each); an answer to an earlier text is dropped. Enter opens the menu's action
in a tab, runs the command, or opens the record's form in a new tab (through the action of the menu
that showed its model). Up/Down/PgUp/PgDown move, Esc closes.
"""
import logging

from ..models.calls import OwnedCalls
from ..models.palette import (RECORDS_PER_MODEL, SEARCH_DELAY_MS, Entry, menu_entries, rank, record_models,
                              window_action_ids)
from ..qt import (QApplication, QDialog, QEvent, QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                  QPalette, QStyle, QStyledItemDelegate, QTimer, QVBoxLayout, Qt, tr)

_logger = logging.getLogger(__name__)

EntryRole = Qt.ItemDataRole.UserRole + 1
#: entries shown without scrolling
VISIBLE_ROWS = 14
#: minimum number of typed characters before records are searched
MIN_RECORD_QUERY = 2
KIND_LABELS = {"menu": "Menu", "command": "Command", "record": "Record"}


class _EntryDelegate(QStyledItemDelegate):
    """The entry's label on the left, its kind and detail greyed on the right."""

    def paint(self, painter, option, index):
        entry = index.data(EntryRole)
        super().paint(painter, option, index)
        if entry is None:
            return
        detail = entry.detail or tr(KIND_LABELS.get(entry.kind, entry.kind))
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.setPen(option.palette.color(role))
        rect = option.rect.adjusted(0, 0, -8, 0)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), detail)
        painter.restore()


def _plain(text):
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class CommandPalette(QDialog):
    """:param window: the :class:`~client_qt.windows.main_window.MainWindow`"""

    def __init__(self, window):
        super().__init__(window)
        self.main_window = window
        self.session = window.session
        self.calls = OwnedCalls(self, self.session)
        self.setObjectName("command_palette")
        self.setWindowTitle(tr("Command palette"))
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setModal(False)
        self.input = QLineEdit()
        self.input.setObjectName("palette_input")
        self.input.setPlaceholderText(tr("Search menus, commands and records…"))
        self.input.setClearButtonEnabled(True)
        self.input.installEventFilter(self)
        self.list = QListWidget()
        self.list.setObjectName("palette_list")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setItemDelegate(_EntryDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.itemActivated.connect(lambda item: self.open_entry(item.data(EntryRole)))
        self.list.itemClicked.connect(lambda item: self.open_entry(item.data(EntryRole)))
        self.hint = QLabel(tr("↑↓ to move · Enter to open · Esc to close"))
        self.hint.setObjectName("palette_hint")
        self.hint.setEnabled(False)
        frame = QFrame()
        frame.setObjectName("palette_frame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setFrameShadow(QFrame.Shadow.Raised)
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(8, 8, 8, 6)
        inner.setSpacing(4)
        inner.addWidget(self.input)
        inner.addWidget(self.list, 1)
        inner.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(frame)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search_records)
        self.input.textChanged.connect(self._text_changed)
        #: bumped at each record search: answers of an older one are dropped
        self.generation = 0
        self.local = []
        self.records = {}
        self.models = None          # [(model, label, action id)], read once
        self._models_asked = False
        self.setFixedWidth(640)

    # -- opening -----------------------------------------------------------------------------------
    def popup(self, over=None):
        """Show the palette (empty) at the top of ``over`` (the active window)."""
        over = over or self.main_window
        geometry = over.frameGeometry()
        self.move(geometry.x() + (geometry.width() - self.width()) // 2, geometry.y() + 60)
        self.input.clear()
        self.records = {}
        self._refresh_local()
        self._ensure_models()
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus()
        return self

    def _ensure_models(self):
        """Read the models of the menus' window actions (once): where records are searched."""
        if self._models_asked:
            return
        ids = window_action_ids(self.main_window.menus)
        if not ids:
            return
        self._models_asked = True
        order = list(ids)

        def read(result):
            by_id = {action["id"]: action for action in result or []}
            self.models = record_models([by_id[i] for i in order if i in by_id])
            if self.isVisible() and self.input.text().strip():
                self.search_records()

        def failed(error):
            _logger.warning("the palette cannot read the menus' actions: %s", error)
            self.models = []
        self.calls.call("ir.actions.act_window", "read", order, ["res_model", "name"], on_result=read,
                        on_error=failed)

    # -- entries -----------------------------------------------------------------------------------
    def command_entries(self):
        """The window's menu commands (text, keys), enabled ones only, this palette's own excluded."""
        entries = []

        def walk(menu, path):
            for action in menu.actions():
                if action.isSeparator() or not action.isVisible():
                    continue
                if action.menu() is not None:
                    walk(action.menu(), path + [_plain(action.text())])
                    continue
                if not action.text() or not action.isEnabled() or action.objectName() == "action_palette":
                    continue
                keys = action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
                entries.append(Entry("command", _plain(action.text()), detail=keys, data=action))

        walk(self.main_window.menuBar(), [])
        return entries

    def _text_changed(self, text):
        self.generation += 1            # what is on its way no longer matches the text
        self.records = {}
        self._refresh_local()
        self.timer.start()

    def _refresh_local(self):
        entries = menu_entries(self.main_window.menus) + self.command_entries()
        self.local = rank(self.input.text(), entries)
        self._render()

    def search_records(self):
        """``name_search`` the text on each model (in the background); older answers are dropped."""
        text = self.input.text().strip()
        if len(text) < MIN_RECORD_QUERY or not self.models:
            return
        self.generation += 1
        generation = self.generation
        for model, label, action_id in self.models:
            self.calls.call(model, "name_search", text, operator="ilike", limit=RECORDS_PER_MODEL,
                            context=self.session.context,
                            on_result=lambda result, m=model, l=label, a=action_id:
                            self._records_arrived(generation, m, l, a, result),
                            on_error=lambda error, m=model: _logger.info("palette: no records of %s: %s", m, error))

    def _records_arrived(self, generation, model, label, action_id, result):
        if generation != self.generation:
            return                      # a stale answer: the text changed since
        self.records[model] = [Entry("record", str(name), detail=label, data=(model, record_id, action_id))
                               for record_id, name in result or []]
        self._render()

    def entries(self):
        """What the list shows, in order: local matches, then records by model in menu order."""
        shown = list(self.local)
        for model, _label, _action in self.models or []:
            shown.extend(self.records.get(model, []))
        return shown

    def _render(self):
        current = self.list.currentItem()
        keep = current.data(EntryRole) if current is not None else None
        self.list.clear()
        select = 0
        for row, entry in enumerate(self.entries()):
            item = QListWidgetItem(entry.label)
            item.setData(EntryRole, entry)
            item.setToolTip(entry.label)
            self.list.addItem(item)
            if keep is not None and entry.kind == keep.kind and entry.label == keep.label \
                    and entry.data == keep.data and row:
                select = row
        if self.list.count():
            self.list.setCurrentRow(select)
        self._fit_height()

    def _fit_height(self):
        """As tall as the entries (at most :data:`VISIBLE_ROWS` of them, at least one row)."""
        row = self.list.sizeHintForRow(0) if self.list.count() else self.list.fontMetrics().height() + 6
        rows = max(1, min(self.list.count(), VISIBLE_ROWS))
        self.list.setFixedHeight(rows * row + 2 * self.list.frameWidth() + 2)
        self.adjustSize()

    def current_entry(self):
        item = self.list.currentItem()
        return item.data(EntryRole) if item is not None else None

    # -- keys and opening --------------------------------------------------------------------------
    def eventFilter(self, watched, event):
        if watched is self.input and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            moves = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 8, Qt.Key.Key_PageUp: -8}
            if key in moves and self.list.count():
                row = max(0, min(self.list.count() - 1, self.list.currentRow() + moves[key]))
                self.list.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_entry(self.current_entry())
                return True
        return super().eventFilter(watched, event)

    def open_entry(self, entry):
        """Open what ``entry`` stands for and close the palette."""
        if entry is None:
            return
        self.hide()
        window = self.main_window
        if entry.kind == "menu":
            menu = window.menus.get(str(entry.data)) or {}
            _kind, _, action_id = (menu.get("action") or "").partition(",")
            if action_id.isdigit():
                window.open_action(int(action_id), title=menu.get("name"))
        elif entry.kind == "command":
            QTimer.singleShot(0, entry.data.trigger)
        elif entry.kind == "record":
            model, record_id, action_id = entry.data
            self.calls.run(self.session.connection.load_action, action_id,
                           on_result=lambda action: open_record_action(window, action, record_id, entry.label),
                           on_error=window.show_error)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)


def open_record_action(window, action, record_id, title=None):
    """Open ``record_id`` in the form of ``action`` (the form first, the action's other views after)."""
    action = dict(action)
    views = [list(spec) for spec in action.get("views") or []]
    form = next((spec for spec in views if spec[1] == "form"), [False, "form"])
    action["views"] = [form] + [spec for spec in views if spec[1] != "form"]
    action["view_mode"] = ",".join(mode for _, mode in action["views"])
    action["res_id"] = record_id
    return window.run_action_dict(action, title=title)


def palette_of(window):
    """The window's palette (made on first use and kept)."""
    palette = getattr(window, "_palette", None)
    if palette is None:
        palette = window._palette = CommandPalette(window)
    return palette


def open_palette(window, over=None):
    """Show the palette of ``window`` over ``over`` (the active window by default)."""
    palette = palette_of(window)
    active = QApplication.activeWindow()
    return palette.popup(over or (active if active is not palette else None))
