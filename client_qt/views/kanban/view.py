"""The kanban view of an action tab (views.md §8): cards in columns, or a flowing grid of cards.

Grouped (the arch's ``default_group_by`` or the search bar's first group-by), one ``read_group``
gives the columns and their counts, then each column reads its first page of cards with one
``search_read`` (the root ``limit``, 40 by default); the next page is read when the user scrolls a
column to its end or clicks "Load more". Ungrouped, one ``search_count`` and the same pages fill a
grid. Images (``widget="image"``) are read after their page, decoded off the GUI thread; tag names
(many2many) come from one ``read`` per comodel.

Dragging a card to another column writes the grouping field (``write``) and moves the card at
once; when the server refuses, the card goes back and the error is shown. The "+" of a column
creates a record from a name (``name_create`` with the column's value as ``default_<field>``); when
the server refuses (the model needs more than a name) the form opens in a dialog with that default.
Double-click or Enter opens the record in the form (``tab.open_record``). The card menu (its ⋮
button or a right-click) has Edit (the form), Delete (asked first, ``unlink``) and, when the model
has an integer ``color`` field, the colours (``write`` of ``color``). All calls go through the
session's runner (:class:`~client_qt.models.calls.OwnedCalls`).
"""
import logging
import types

from ...dialogs import confirm
from ...models.fields import field_type, to_local
from ...models.list_format import Lookups
from ...qt import (QColor, QFrame, QHBoxLayout, QIcon, QKeySequence, QLabel, QLocale, QMenu, QPixmap, QScrollArea,
                   QToolButton, QVBoxLayout, QWidget, Qt, QtGui, tr)
from ..base import SearchedView
from ..registry import register
from .card import COLOURS, THUMBNAIL, CardWidget, highlight_colour
from .column import ColumnWidget
from .data import Board
from .template import COLOUR_FIELD, CardRenderer, parse_kanban

_logger = logging.getLogger(__name__)

#: pixels from the board's left/right edge where a dragged card scrolls the board
AUTOSCROLL_MARGIN = 40


def _read_thumbnails(connection, model, ids, field, context):
    """Worker thread: the images of ``ids`` as scaled ``QImage`` (thread-safe, unlike QPixmap)."""
    import base64
    images = {}
    for row in connection.call_kw(model, "read", [ids, [field]], {}, context):
        value = row.get(field)
        if not value or not isinstance(value, str):
            continue
        image = QtGui.QImage.fromData(base64.b64decode(value))
        if not image.isNull():
            images[row["id"]] = image.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation)
    return images


@register("kanban")
class KanbanView(SearchedView):
    """:param tab: the :class:`~client_qt.windows.action_tab.ActionTab`
    :param arch: the kanban arch
    :param fields: ``{name: description}`` of the model
    :param view_id: the view's id
    """

    def __init__(self, tab, arch, fields, view_id=None):
        super().__init__(tab, fields, view_id)
        self.main_window = getattr(tab, "window", None)
        self.spec = parse_kanban(arch, fields)
        self.board = Board(self.model_name, fields, self.spec.field_names, self.spec.limit,
                           self.spec.default_order, none_label=tr("None"))
        self.lookups = Lookups(self.calls, self._rerender)
        self.renderer = CardRenderer(self.spec, fields, self._display, self._tag_names)
        self.generation = 0
        self.column_widgets = []
        self.draggable = False
        self._drag = None
        self._types = {}
        self._images = {}
        #: the card menu last opened (tests trigger its actions)
        self.card_menu_shown = None
        #: whether the model's ``color`` field is known (the arches may not use it: asked once)
        self._colour_known = COLOUR_FIELD in fields or not self.spec.edit
        self._build()

    # -- construction ----------------------------------------------------------------------------
    def _build(self):
        toolbar = QHBoxLayout()
        self.new_button = QToolButton()
        self.new_button.setObjectName("kanban_new")
        self.new_button.setText(tr("New"))
        self.new_button.clicked.connect(self.new_record)
        self.new_button.setVisible(self.spec.create)
        toolbar.addWidget(self.new_button)
        toolbar.addStretch(1)
        self.pager = QLabel("")
        self.pager.setObjectName("kanban_pager")
        toolbar.addWidget(self.pager)
        self.error_label = QLabel("")
        self.error_label.setObjectName("kanban_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setVisible(False)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("kanban_board")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.board_widget = QWidget()
        self.board_layout = QHBoxLayout(self.board_widget)
        self.board_layout.setContentsMargins(0, 0, 0, 0)
        self.board_layout.setSpacing(8)
        self.board_layout.addStretch(1)
        self.scroll.setWidget(self.board_widget)
        self.ghost = QLabel(self)
        self.ghost.setObjectName("kanban_drag_ghost")
        self.ghost.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.ghost.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(toolbar)
        layout.addWidget(self.error_label)
        layout.addWidget(self.scroll, 1)

    # -- view protocol ---------------------------------------------------------------------------
    def apply_group_by(self, group_by):
        """Columns by the search's first group-by, else the arch's ``default_group_by``."""
        self.board.set_search(self.domain, group_by[0] if group_by else (self.spec.default_group_by or None))
        self.reload()

    def reload(self):
        """Read the columns and their first pages again (the first time, after asking whether the
        model has a ``color`` field for the card menu)."""
        if not self._colour_known:
            self._colour_known = True
            self.calls.cancel_all()
            self.calls.call(self.model_name, "fields_get", [COLOUR_FIELD], attributes=["type", "readonly", "string"],
                            context=self.context, on_result=self._colour_probed, on_error=self._colour_unknown)
            return
        self.generation += 1
        generation = self.generation
        self.calls.cancel_all()
        self._clear_columns()
        self.board.set_search(self.domain, self.board.group_by)
        self.draggable = self.board.can_drag(self.spec.records_draggable, self.spec.edit)
        if self.board.is_grouped():
            args, kwargs = self.board.read_group_call()
            self.calls.call(self.model_name, "read_group", *args, context=self.context, **kwargs,
                            on_result=lambda groups: self._columns_arrived(generation, self.board.set_groups, groups),
                            on_error=self.show_error)
        else:
            args, kwargs = self.board.count_call()
            self.calls.call(self.model_name, "search_count", *args, context=self.context, **kwargs,
                            on_result=lambda count: self._columns_arrived(generation, self.board.set_count, count),
                            on_error=self.show_error)

    def _colour_probed(self, described):
        if described.get(COLOUR_FIELD):
            # a copy: the tab's descriptions are shared by its other views
            self.fields = dict(self.fields, **{COLOUR_FIELD: described[COLOUR_FIELD]})
            self.spec.adopt_colour_field(self.fields)
            self.board.field_names = list(self.spec.field_names)
        self.reload()

    def _colour_unknown(self, error):
        _logger.warning("cannot describe %s.%s (no colour in the card menu): %s", self.model_name, COLOUR_FIELD, error)
        self.reload()

    # -- columns and pages -----------------------------------------------------------------------
    def _clear_columns(self):
        for widget in self.column_widgets:
            self.board_layout.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.column_widgets = []

    def _columns_arrived(self, generation, setter, answer):
        if generation != self.generation:
            return
        columns = setter(answer)
        grouped = self.board.is_grouped()
        quick = grouped and self.spec.quick_create and self.spec.create and ":" not in (self.board.group_by or "")
        for column in columns:
            widget = ColumnWidget(column, quick_create=quick, flow=not grouped)
            widget.more_requested.connect(self.load_more)
            widget.quick_create_requested.connect(self.quick_create)
            self.board_layout.insertWidget(self.board_layout.count() - 1, widget, 0 if grouped else 1)
            self.column_widgets.append(widget)
        self.board_layout.setStretch(self.board_layout.count() - 1, 1 if grouped else 0)
        for column in columns:
            self.load_more(column)
        self._update_pager()

    def column_widget(self, column):
        return next((w for w in self.column_widgets if w.column is column), None)

    def load_more(self, column):
        """Read the column's next page (nothing when all its cards are shown or a page is coming)."""
        kwargs = self.board.page_call(column)
        if kwargs is None:
            return
        column.loading = True
        generation = self.generation
        context = dict(self.context, bin_size=True)
        self.calls.call(self.model_name, "search_read", context=context, **kwargs,
                        on_result=lambda rows: self._page_arrived(generation, column, rows),
                        on_error=lambda error: self._page_failed(generation, column, error))

    def _page_failed(self, generation, column, error):
        if generation == self.generation:
            column.loading = False
            self.show_error(error)

    def _page_arrived(self, generation, column, rows):
        if generation != self.generation:
            return
        added = self.board.add_page(column, rows)
        widget = self.column_widget(column)
        if widget is not None:
            widget.add_cards([self._card_widget(row) for row in added])
        self._collect_lookups(added)
        self._load_images(added)
        self._update_pager()

    def _card_widget(self, row):
        edge = self.spec.edge_field()
        colour = highlight_colour(row.get(edge)) if edge else None
        card = CardWidget(self.renderer.render(row), row, draggable=self.draggable, colour=colour,
                          menu=bool(self.spec.menu_entries()))
        card.open_requested.connect(self.open_card)
        card.menu_requested.connect(self.show_card_menu)
        card.drag_started.connect(self._drag_started)
        card.drag_moved.connect(self._drag_moved)
        card.drag_finished.connect(self._drag_finished)
        image = self._images.get(row.get("id"))
        if image is not None:
            card.set_image(image)
        return card

    def cards(self):
        """Every card widget of the board, column by column."""
        return [card for widget in self.column_widgets for card in widget.cards]

    def card(self, record_id):
        return next((c for c in self.cards() if c.record_id == record_id), None)

    def _update_pager(self):
        total = sum(column.count for column in self.board.columns)
        shown = sum(len(column.records) for column in self.board.columns)
        self.pager.setText(tr("{0} / {1}").format(shown, total) if shown < total else str(total))

    # -- values ----------------------------------------------------------------------------------
    def _display(self, name, value):
        kind = self._types.get(name)
        if kind is None:
            kind = self._types[name] = field_type(self.fields.get(name) or {})
        if kind.name in ("date", "datetime") and value and QLocale().language() == QLocale.Language.C:
            # the C locale's short formats ("d MM yyyy") read badly: ISO dates, as in lists
            return value if kind.name == "date" else to_local(value, self.session.user_tz).strftime("%Y-%m-%d %H:%M")
        try:
            return kind.display(value, None, self.session.user_tz)
        except (TypeError, ValueError):
            return str(value)

    def _tag_names(self, relation, ids):
        names = self.lookups.tags.get(relation, {})
        return [names.get(i, "…") for i in ids]

    def _collect_lookups(self, rows):
        columns = [types.SimpleNamespace(name=name, type="many2many", description=self.fields[name], is_button=False)
                   for name in self.spec.field_names if (self.fields.get(name) or {}).get("type") == "many2many"]
        if columns and rows:
            self.lookups.collect(rows, columns, lambda column: None, self.context)

    def _rerender(self):
        for card in self.cards():
            card.set_card(self.renderer.render(card.row))

    def _load_images(self, rows):
        field = self.spec.image_field()
        if not field:
            return
        ids = [row["id"] for row in rows if row.get(field)]
        if not ids:
            return
        generation = self.generation
        self.calls.run(_read_thumbnails, self.session.connection, self.model_name, ids, field, self.context,
                       on_result=lambda images: self._images_arrived(generation, images),
                       on_error=lambda error: _logger.warning("cannot read kanban images: %s", error))

    def _images_arrived(self, generation, images):
        if generation != self.generation:
            return
        for record_id, image in images.items():
            pixmap = QPixmap.fromImage(image)
            self._images[record_id] = pixmap
            card = self.card(record_id)
            if card is not None:
                card.set_image(pixmap)

    # -- opening and creating --------------------------------------------------------------------
    def open_card(self, record_id):
        self.tab.open_record(record_id, self.board.loaded_ids())

    def new_record(self):
        if self.spec.create:
            self.tab.open_record(False, [])

    def quick_create(self, column, name):
        """Create a record named ``name`` in ``column`` (``name_create``, the column's value as default)."""
        context = dict(self.context)
        if self.board.is_grouped() and ":" not in self.board.group_by:
            value = self.board.write_value(column)
            if value is not False and value is not None:
                context[f"default_{self.board.group_field}"] = value
        generation = self.generation
        self.calls.call(self.model_name, "name_create", name, context=context,
                        on_result=lambda result: self._created(generation, column, result[0]),
                        on_error=lambda error: self._quick_create_refused(generation, name, context, error))

    def _quick_create_refused(self, generation, name, context, error):
        """``name_create`` refused (a required field besides the name): the form in a dialog, with
        the column's value (and the name, when ``name`` is a field the user may type) as defaults."""
        if generation != self.generation:
            return None
        _logger.info("kanban quick create refused (%s): opening the form", getattr(error, "message", error))
        description = self.fields.get("name") or {}
        if description.get("type") == "char" and not description.get("readonly"):
            context = dict(context, default_name=name)
        return self.open_new_form(context)

    def open_new_form(self, context):
        """A new record in a form dialog (defaults from ``context``); the board is read again once saved."""
        from ...dialogs.form_dialog import open_record_dialog
        return open_record_dialog(self, self.model_name, None, context, on_saved=lambda *_: self.reload())

    def _created(self, generation, column, record_id):
        if generation != self.generation:
            return
        self.calls.call(self.model_name, "read", [record_id], self.board.field_names,
                        context=dict(self.context, bin_size=True),
                        on_result=lambda rows: self._created_read(generation, column, rows), on_error=self.show_error)

    def _created_read(self, generation, column, rows):
        if generation != self.generation or not rows:
            return
        self.board.insert_new(column, rows[0])
        widget = self.column_widget(column)
        if widget is not None:
            widget.add_cards([self._card_widget(rows[0])], at=0)
        self._update_pager()

    # -- the card menu ---------------------------------------------------------------------------
    def show_card_menu(self, card, global_position):
        self.card_menu_shown = self.card_menu(card.record_id)
        self.card_menu_shown.popup(global_position)

    def card_menu(self, record_id):
        """The menu of one card: Edit, Delete, Colour (``spec.menu_entries``); actions carry their
        entry as data (``edit``, ``delete``, ``colour`` with the colour index)."""
        menu = QMenu(self)
        menu.setObjectName("kanban_card_menu")
        for entry in self.spec.menu_entries():
            if entry == "edit":
                self._menu_action(menu, tr("Edit"), ("edit", None), lambda: self.open_card(record_id))
            elif entry == "delete":
                self._menu_action(menu, tr("Delete"), ("delete", None), lambda: self.delete_card(record_id))
            elif entry == "colour":
                menu.addSeparator()
                colours = menu.addMenu(tr("Colour"))
                colours.setObjectName("kanban_card_colours")
                column = self.board.column_of(record_id)
                current = column.records[column.index_of(record_id)].get(self.spec.colour_field) if column else 0
                for index in [0] + sorted(COLOURS):
                    label = tr("No colour") if index == 0 else tr("Colour {0}").format(index)
                    action = self._menu_action(colours, label, ("colour", index),
                                               lambda value=index: self.set_colour(record_id, value))
                    swatch = QPixmap(12, 12)
                    swatch.fill(QColor(COLOURS.get(index, "#ffffff")))
                    action.setIcon(QIcon(swatch))
                    action.setCheckable(True)
                    action.setChecked((current or 0) == index)
        return menu

    @staticmethod
    def _menu_action(menu, text, data, slot):
        action = menu.addAction(text)
        action.setData(data)
        action.triggered.connect(lambda checked=False: slot())
        return action

    def delete_card(self, record_id, ask=True):
        """Delete the record of a card (asked first): ``unlink``, then the card leaves its column."""
        if not self.spec.delete:
            return False
        if ask and not confirm.ask(self.window(), tr("Delete this record?")):
            return False
        generation = self.generation
        self.error_label.setVisible(False)
        self.calls.call(self.model_name, "unlink", [record_id], context=self.context,
                        on_result=lambda _: self._deleted(generation, record_id), on_error=self.show_error)
        return True

    def _deleted(self, generation, record_id):
        if generation != self.generation:
            return
        column = self.board.remove(record_id)
        widget = self.column_widget(column) if column is not None else None
        if widget is not None:
            widget.remove_card(record_id)
        self._images.pop(record_id, None)
        self._update_pager()

    def set_colour(self, record_id, value):
        """Write the colour index ``value`` (0: none) of a card's record; the card is read again."""
        if not self.spec.colour_field:
            return
        generation = self.generation
        self.calls.call(self.model_name, "write", [record_id], {self.spec.colour_field: value}, context=self.context,
                        on_result=lambda _: self._read_card_again(generation, record_id), on_error=self.show_error)

    # -- moving cards ----------------------------------------------------------------------------
    def column_at(self, global_position):
        """The column widget under a global position (inside the visible part of the board)."""
        viewport = self.scroll.viewport()
        if not viewport.rect().contains(viewport.mapFromGlobal(global_position)):
            return None
        for widget in self.column_widgets:
            if widget.isVisible() and widget.rect().contains(widget.mapFromGlobal(global_position)):
                return widget
        return None

    def _drag_started(self, card, global_position):
        self._drag = (card, card.mapFromGlobal(global_position))
        self.ghost.setPixmap(card.grab())
        self.ghost.resize(card.size())
        self.ghost.raise_()
        self.ghost.show()
        card.set_dragged(True)

    def _drag_moved(self, card, global_position):
        if self._drag is None:
            return
        hot_spot = self._drag[1]
        self.ghost.move(self.mapFromGlobal(global_position) - hot_spot)
        target = self.column_at(global_position)
        for widget in self.column_widgets:
            widget.set_highlighted(widget is target and widget.column is not self.board.column_of(card.record_id))
        viewport = self.scroll.viewport()
        x = viewport.mapFromGlobal(global_position).x()
        bar = self.scroll.horizontalScrollBar()
        if x < AUTOSCROLL_MARGIN:
            bar.setValue(bar.value() - 20)
        elif x > viewport.width() - AUTOSCROLL_MARGIN:
            bar.setValue(bar.value() + 20)

    def _drag_finished(self, card, global_position):
        self.ghost.hide()
        self._drag = None
        for widget in self.column_widgets:
            widget.set_highlighted(False)
        card.set_dragged(False)
        target = self.column_at(global_position)
        if target is not None:
            self.move_card(card.record_id, target.column)

    def move_card(self, record_id, target):
        """Move a card to the column ``target`` and write its grouping field; a refused write
        puts it back and shows the error. Returns False when the card cannot move there."""
        if not self.draggable:
            return False
        source = self.board.column_of(record_id)
        if source is None or source is target:
            return False
        original = dict(source.records[source.index_of(record_id)])
        token = self.board.move(record_id, target, 0)
        self._show_move(record_id, source, target, 0)
        field, value = self.board.group_field, self.board.write_value(target)
        generation = self.generation
        self.error_label.setVisible(False)
        self.calls.call(self.model_name, "write", [record_id], {field: value}, context=self.context,
                        on_result=lambda _: self._read_card_again(generation, record_id),
                        on_error=lambda error: self._move_refused(generation, token, original, error))
        return True

    def _show_move(self, record_id, source, target, index):
        source_widget, target_widget = self.column_widget(source), self.column_widget(target)
        if source_widget is not None:
            source_widget.remove_card(record_id)
        row = target.records[target.index_of(record_id)]
        if target_widget is not None:
            target_widget.add_cards([self._card_widget(row)], at=index)
        self._update_pager()

    def _read_card_again(self, generation, record_id):
        """A write went through: read the card again (computed values may have changed)."""
        if generation != self.generation:
            return
        self.calls.call(self.model_name, "read", [record_id], self.board.field_names,
                        context=dict(self.context, bin_size=True),
                        on_result=lambda rows: self._reread(generation, rows),
                        on_error=lambda error: _logger.warning("cannot read a card again: %s", error))

    def _reread(self, generation, rows):
        if generation != self.generation:
            return
        for row in rows or []:
            self.board.replace(row)
            card = self.card(row["id"])
            if card is not None:
                column = self.board.column_of(row["id"])
                current = column.records[column.index_of(row["id"])]
                card.set_card(self.renderer.render(current), current)
                if self.spec.edge_field():
                    card.colour = highlight_colour(current.get(self.spec.edge_field()))
                    card.set_dragged(False)

    def _move_refused(self, generation, token, original, error):
        if generation != self.generation:
            return
        record_id, source, position, target = token
        self.board.undo(token, original)
        target_widget, source_widget = self.column_widget(target), self.column_widget(source)
        if target_widget is not None:
            target_widget.remove_card(record_id)
        if source_widget is not None:
            source_widget.add_cards([self._card_widget(original)], at=position)
        self._update_pager()
        self.show_error(error)

    # -- errors and keys -------------------------------------------------------------------------
    def dialog_parent(self):
        return self.window()

    def show_error(self, error):
        message = getattr(error, "message", None) or str(error)
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        window = getattr(self.tab, "window", None)
        if window is not None and hasattr(window, "show_error"):
            window.show_error(error)

    def keyPressEvent(self, event):
        if event.matches(QKeySequence.StandardKey.New) and self.spec.create:
            self.new_record()
            return
        super().keyPressEvent(event)
