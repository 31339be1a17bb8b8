"""The search bar of an action tab (views.md §5).

Facets are chips in front of the text box; typing proposes "Search <field> for: <text>" for every
search field (many2one lines expand, with → or a click on the arrow, into matching records found by
``name_search``); the Filters menu holds the arch's filters by block, date filters with their
periods and a custom filter (field, operator, value); the Group By menu holds the arch's group-bys,
any groupable field of the model, and date granularities. Every change runs the search:
``tab.apply_search(domain, context, group_by)``. Backspace in the empty box removes the last
facet; Enter runs the search again; Ctrl+F focuses the box.
"""
import logging

from ...expr import evaluate_literal
from ...qt import (QAction, QComboBox, QFrame, QHBoxLayout, QKeySequence, QLabel, QLineEdit, QMenu, QPushButton,
                   QShortcut, QSizePolicy, QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget, Qt,
                   Signal, tr)
from ...models.calls import OwnedCalls
from ..registry import register
from .domain import GRANULARITIES, OPERATORS, operator_kind, parse_value
from .facets import SearchModel
from .parser import SearchField, parse_search

_logger = logging.getLogger(__name__)

PROPOSAL_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_SEARCH_LIMIT = 8


class FacetChip(QFrame):
    """One facet: its title, its values and a remove cross."""

    remove_requested = Signal()

    def __init__(self, facet, parent=None):
        super().__init__(parent)
        self.setObjectName("facet")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setProperty("facet_kind", facet.kind)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 2, 1)
        layout.setSpacing(4)
        title = QLabel(facet.title)
        title.setObjectName("facet_title")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.text = QLabel(facet.label)
        self.text.setObjectName("facet_text")
        remove = QToolButton()
        remove.setObjectName("facet_remove")
        remove.setText("×")
        remove.setAutoRaise(True)
        remove.setToolTip(tr("Remove"))
        remove.clicked.connect(self.remove_requested)
        layout.addWidget(title)
        layout.addWidget(self.text)
        layout.addWidget(remove)


class SearchBox(QLineEdit):
    """The text box; the keys of the drop-down are handled here so the focus never leaves it."""

    def __init__(self, view):
        super().__init__()
        self.view = view
        self.setObjectName("search_box")
        self.setPlaceholderText(tr("Search…"))
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event):
        key = event.key()
        popup = self.view.popup
        if popup.isVisible():
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.view.move_proposal(1 if key == Qt.Key.Key_Down else -1)
                return
            if key == Qt.Key.Key_Right and self.cursorPosition() == len(self.text()):
                self.view.expand_current()
                return
            if key == Qt.Key.Key_Left and popup.currentItem() is not None and popup.currentItem().parent():
                self.view.collapse_current()
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.view.choose_current()
                return
            if key == Qt.Key.Key_Escape:
                self.view.hide_proposals()
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.view.run()
            return
        if key == Qt.Key.Key_Backspace and not self.text():
            self.view.model.remove_last()
            return
        super().keyPressEvent(event)


@register("search")
class SearchView(QWidget):
    """:param tab: the action tab (``apply_search``, ``context``, ``session``, ``model``)"""

    def __init__(self, tab, arch, fields, view_id=None):
        super().__init__()
        self.setObjectName("search_view")
        self.tab = tab
        self.session = tab.session
        self.calls = OwnedCalls(self, self.session)
        self.model_name = tab.model
        self.fields = fields
        self.view_id = view_id
        self.context = dict(getattr(tab, "context", {}) or {})
        self.spec = parse_search(arch, fields)
        self.model = SearchModel(self.spec, fields, self.context, self.session.uid, self.session.user_tz,
                                 parent=self)
        self.all_fields = None
        self._generation = 0
        self._build()
        self.model.changed.connect(self._changed)
        self.model.labels_changed.connect(self._show_facets)
        self.model.apply_defaults(self.context, self._resolve_name)
        self._show_facets()
        self.run()

    # -- construction ----------------------------------------------------------------------------
    def _build(self):
        self.facet_row = QHBoxLayout()
        self.facet_row.setSpacing(4)
        self.facet_row.setContentsMargins(0, 0, 0, 0)
        self.box = SearchBox(self)
        self.box.textEdited.connect(self._text_edited)
        self.box.setMinimumWidth(200)
        self.box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.filters_button = self._menu_button("search_filters", tr("Filters"), self._fill_filters_menu)
        self.group_button = self._menu_button("search_group_by", tr("Group By"), self._fill_group_menu)
        bar = QFrame()
        bar.setObjectName("search_bar")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(4, 2, 4, 2)
        bar_layout.addLayout(self.facet_row)
        bar_layout.addWidget(self.box, 1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(bar, 1)
        row.addWidget(self.filters_button)
        row.addWidget(self.group_button)
        self.custom = self._build_custom_filter()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.custom)
        self.popup = QTreeWidget()
        self.popup.setObjectName("search_proposals")
        self.popup.setHeaderHidden(True)
        self.popup.setRootIsDecorated(True)
        self.popup.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.popup.setFrameShape(QFrame.Shape.StyledPanel)
        self.popup.itemClicked.connect(lambda item, column: self.choose(item))
        self.popup.itemExpanded.connect(self._expand_item)
        self.popup.hide()
        self.chips = []
        parent = self.tab if isinstance(self.tab, QWidget) else self
        self.find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), parent)
        self.find_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_shortcut.activated.connect(self.focus_box)

    def _menu_button(self, name, text, filler):
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        menu.aboutToShow.connect(lambda: filler(menu))
        button.setMenu(menu)
        return button

    def _build_custom_filter(self):
        frame = QFrame()
        frame.setObjectName("search_custom")
        layout = QHBoxLayout(frame)
        layout.setContentsMargins(0, 0, 0, 0)
        self.custom_field = QComboBox()
        self.custom_field.setObjectName("custom_field")
        self.custom_operator = QComboBox()
        self.custom_operator.setObjectName("custom_operator")
        self.custom_value = QLineEdit()
        self.custom_value.setObjectName("custom_value")
        self.custom_selection = QComboBox()
        self.custom_selection.setObjectName("custom_selection")
        add = QPushButton(tr("Add"))
        add.setObjectName("custom_add")
        add.clicked.connect(self.add_custom_filter)
        self.custom_value.returnPressed.connect(self.add_custom_filter)
        close = QToolButton()
        close.setText("×")
        close.clicked.connect(lambda: frame.setVisible(False))
        for widget in (QLabel(tr("Custom filter")), self.custom_field, self.custom_operator, self.custom_value,
                       self.custom_selection, add, close):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.custom_field.currentIndexChanged.connect(self._custom_field_changed)
        frame.setVisible(False)
        return frame

    # -- running ---------------------------------------------------------------------------------
    def run(self):
        """Send the search to the tab (its current view searches again)."""
        self.hide_proposals()
        if hasattr(self.tab, "apply_search"):
            self.tab.apply_search(self.model.domain(), self.model.search_context(), self.model.group_by())

    def _changed(self):
        self._show_facets()
        self.run()

    def focus_box(self):
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def _show_facets(self):
        for chip in self.chips:
            self.facet_row.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        for index, facet in enumerate(self.model.facets):
            chip = FacetChip(facet)
            chip.remove_requested.connect(lambda i=index: self.model.remove_facet(i))
            self.facet_row.addWidget(chip)
            self.chips.append(chip)

    def _resolve_name(self, search_field, record_id, set_label):
        relation = search_field.description.get("relation")
        self.calls.call(relation, "read", [record_id], ["display_name"], context=self.context,
                        on_result=lambda result: set_label(result[0]["display_name"] if result else str(record_id)),
                        on_error=lambda error: set_label(str(record_id)))

    # -- proposals -------------------------------------------------------------------------------
    def _text_edited(self, text):
        proposals = self.model.proposals(text)
        self._generation += 1      # items of the previous text are gone: late record lists are dropped
        self.popup.clear()
        if not proposals:
            self.hide_proposals()
            return
        for proposal in proposals:
            item = QTreeWidgetItem([proposal.label])
            item.setData(0, PROPOSAL_ROLE, proposal)
            if proposal.expandable:
                item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            self.popup.addTopLevelItem(item)
        self.popup.setCurrentItem(self.popup.topLevelItem(0))
        self._place_popup()

    def _place_popup(self):
        window = self.window()
        if self.popup.parent() is not window:
            self.popup.setParent(window)
        origin = self.box.mapTo(window, self.box.rect().bottomLeft())
        rows = sum(1 + (self.popup.topLevelItem(i).childCount() if self.popup.topLevelItem(i).isExpanded() else 0)
                   for i in range(self.popup.topLevelItemCount()))
        row_height = max(self.popup.sizeHintForRow(0), self.popup.fontMetrics().height() + 2)
        height = min(rows, 12) * row_height + 2 * self.popup.frameWidth() + 2
        self.popup.setGeometry(origin.x(), origin.y() + 2, max(self.box.width(), 360), height)
        self.popup.show()
        self.popup.raise_()

    def hide_proposals(self):
        self.popup.hide()

    def proposal_items(self):
        """The labels in the drop-down (top-level lines and expanded records), for tests."""
        labels = []
        for i in range(self.popup.topLevelItemCount()):
            item = self.popup.topLevelItem(i)
            labels.append(item.text(0))
            labels.extend("  " + item.child(j).text(0) for j in range(item.childCount()))
        return labels

    def move_proposal(self, delta):
        items = []
        for i in range(self.popup.topLevelItemCount()):
            item = self.popup.topLevelItem(i)
            items.append(item)
            if item.isExpanded():
                items.extend(item.child(j) for j in range(item.childCount()))
        if not items:
            return
        current = self.popup.currentItem()
        position = items.index(current) if current in items else -1
        self.popup.setCurrentItem(items[max(0, min(len(items) - 1, position + delta))])

    def expand_current(self):
        item = self.popup.currentItem()
        if item is not None and item.parent() is None:
            proposal = item.data(0, PROPOSAL_ROLE)
            if proposal is not None and proposal.expandable:
                item.setExpanded(True)

    def collapse_current(self):
        item = self.popup.currentItem()
        if item is not None and item.parent() is not None:
            parent = item.parent()
            parent.setExpanded(False)
            self.popup.setCurrentItem(parent)

    def _expand_item(self, item):
        """A many2one line opened: its matching records come from ``name_search``."""
        proposal = item.data(0, PROPOSAL_ROLE)
        if proposal is None or item.childCount() or item.data(0, PROPOSAL_ROLE + 1):
            return
        item.setData(0, PROPOSAL_ROLE + 1, True)
        search_field = proposal.field
        domain = []
        if search_field.domain:
            domain = evaluate_literal(search_field.domain, {}, self.model.names(), default=[]) or []
        text = proposal.value[0]
        generation = self._generation
        self.calls.call(search_field.description.get("relation"), "name_search", text, domain=domain,
                        operator="ilike", limit=NAME_SEARCH_LIMIT, context=self.context,
                        on_result=lambda result: self._records_found(generation, item, search_field, result),
                        on_error=lambda error: _logger.warning("name_search failed: %s", error))

    def _records_found(self, generation, item, search_field, result):
        from .facets import Proposal
        if generation != self._generation:
            return
        for record_id, name in result or []:
            child = QTreeWidgetItem([name])
            child.setData(0, PROPOSAL_ROLE, Proposal(search_field, name, (record_id, name)))
            item.addChild(child)
        if not result:
            child = QTreeWidgetItem([tr("No records")])
            child.setDisabled(True)
            item.addChild(child)
        item.setExpanded(True)
        if self.popup.isVisible():
            self._place_popup()
        if self.popup.currentItem() is item and item.childCount():
            self.popup.setCurrentItem(item.child(0))

    def choose_current(self):
        item = self.popup.currentItem()
        if item is None:
            self.run()
            return
        self.choose(item)

    def choose(self, item):
        proposal = item.data(0, PROPOSAL_ROLE)
        if proposal is None:
            return
        self.box.clear()
        self.hide_proposals()
        self.model.choose(proposal)

    # -- filters menu ----------------------------------------------------------------------------
    def _fill_filters_menu(self, menu):
        menu.clear()
        for index, block in enumerate(self.spec.blocks):
            if index:
                menu.addSeparator()
            for entry in block:
                if entry.date:
                    sub = menu.addMenu(entry.string)
                    sub.setObjectName(f"filter_{entry.key}")
                    for key, label in self.model.periods(entry):
                        action = self._check_action(sub, label, self.model.is_active(entry, key),
                                                    lambda e=entry, k=key: self.model.toggle_filter(e, k))
                        action.setObjectName(f"filter_{entry.key}_{key}")
                    continue
                action = self._check_action(menu, entry.string, self.model.is_active(entry),
                                            lambda e=entry: self.model.toggle_filter(e))
                action.setObjectName(f"filter_{entry.key}")
                if entry.help:
                    action.setToolTip(entry.help)
        menu.addSeparator()
        custom = menu.addAction(tr("Add Custom Filter…"))
        custom.setObjectName("filter_custom")
        custom.triggered.connect(self.show_custom_filter)

    def _check_action(self, menu, text, checked, slot):
        action = QAction(text, menu)
        action.setCheckable(True)
        action.setChecked(checked)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        return action

    def filter_action(self, name):
        """The menu action of a filter (the menu is filled first), for keyboard users and tests."""
        menu = self.filters_button.menu()
        self._fill_filters_menu(menu)
        return menu.findChild(QAction, f"filter_{name}")

    # -- group by menu ---------------------------------------------------------------------------
    def _fill_group_menu(self, menu):
        menu.clear()
        active = self.model.group_by()
        for entry in self.spec.group_bys:
            for spec in entry.group_by:
                action = self._check_action(menu, entry.string, spec in active,
                                            lambda s=spec, label=entry.string: self.model.toggle_group_by(s, label))
                action.setObjectName(f"group_{entry.name}")
        menu.addSeparator()
        custom = menu.addMenu(tr("Custom Group"))
        custom.setObjectName("group_custom")
        fields = self.all_fields or self.fields
        if self.all_fields is None:
            self._load_all_fields()
        for name, description in sorted(fields.items(), key=lambda kv: kv[1].get("string") or kv[0]):
            if not description.get("groupable", description.get("store")) or description.get("type") in (
                    "one2many", "many2many", "binary", "text", "html"):
                continue
            label = description.get("string") or name
            if description.get("type") in ("date", "datetime"):
                sub = custom.addMenu(label)
                for granularity, granularity_label in GRANULARITIES:
                    spec = f"{name}:{granularity}"
                    action = self._check_action(sub, tr(granularity_label), spec in active,
                                                lambda s=spec, text=f"{label}: {tr(granularity_label)}":
                                                self.model.toggle_group_by(s, text))
                    action.setObjectName(f"group_{name}_{granularity}")
            else:
                action = self._check_action(custom, label, name in active,
                                            lambda s=name, text=label: self.model.toggle_group_by(s, text))
                action.setObjectName(f"group_{name}")

    def _load_all_fields(self):
        self.all_fields = {}
        self.calls.call(self.model_name, "fields_get",
                        attributes=["string", "type", "relation", "selection", "store", "groupable", "searchable",
                                    "sortable"],
                        context=self.context, on_result=self._all_fields_arrived,
                        on_error=lambda error: _logger.warning("fields_get failed: %s", error))

    def _all_fields_arrived(self, fields):
        self.all_fields = dict(fields or {})
        if self.custom.isVisible():
            self._fill_custom_fields()

    def group_action(self, name):
        menu = self.group_button.menu()
        self._fill_group_menu(menu)
        return menu.findChild(QAction, f"group_{name}")

    # -- custom filter ---------------------------------------------------------------------------
    def show_custom_filter(self):
        if self.all_fields is None:
            self._load_all_fields()
        self._fill_custom_fields()
        self.custom.setVisible(True)
        self.custom_value.setFocus()

    def _custom_candidates(self):
        fields = dict(self.fields)
        fields.update(self.all_fields or {})
        return {name: d for name, d in fields.items()
                if d.get("searchable", d.get("store", True)) and d.get("type") not in ("binary",)}

    def _fill_custom_fields(self):
        current = self.custom_field.currentData()
        self.custom_field.blockSignals(True)
        self.custom_field.clear()
        for name, description in sorted(self._custom_candidates().items(),
                                        key=lambda kv: kv[1].get("string") or kv[0]):
            self.custom_field.addItem(description.get("string") or name, name)
        position = self.custom_field.findData(current)
        self.custom_field.setCurrentIndex(position if position >= 0 else 0)
        self.custom_field.blockSignals(False)
        self._custom_field_changed()

    def _custom_field_changed(self, *args):
        description = self._custom_candidates().get(self.custom_field.currentData(), {})
        kind = operator_kind(description.get("type"))
        self.custom_operator.clear()
        for operator, label in OPERATORS[kind]:
            self.custom_operator.addItem(tr(label), operator)
        is_selection = description.get("type") == "selection"
        self.custom_selection.clear()
        for value, label in description.get("selection") or []:
            self.custom_selection.addItem(label, value)
        self.custom_selection.setVisible(is_selection)
        self.custom_value.setVisible(not is_selection and kind != "boolean")

    def set_custom_filter(self, field_name, operator, text=None):
        """Fill the custom filter row (keyboard users use the combos; tests call this)."""
        self.show_custom_filter()
        self.custom_field.setCurrentIndex(self.custom_field.findData(field_name))
        self.custom_operator.setCurrentIndex(self.custom_operator.findData(operator))
        if text is not None:
            if self.custom_selection.isVisibleTo(self.custom):
                self.custom_selection.setCurrentIndex(max(self.custom_selection.findData(text), 0))
            else:
                self.custom_value.setText(text)

    def add_custom_filter(self):
        name = self.custom_field.currentData()
        description = self._custom_candidates().get(name)
        operator = self.custom_operator.currentData()
        if description is None or operator is None:
            return
        search_field = self.spec.field(name) or SearchField(name, description.get("string") or name, description)
        if operator in ("set", "not set", "true", "false"):
            value, label = None, ""
        elif description.get("type") == "selection":
            value, label = self.custom_selection.currentData(), self.custom_selection.currentText()
        else:
            label = self.custom_value.text().strip()
            value = parse_value(description.get("type"), label) if description.get("type") not in (
                "many2one", "many2many", "one2many") else label
            if value is None or label == "":
                self.custom_value.setFocus()
                return
        self.custom_value.clear()
        self.model.add_field_value(search_field, label, value, operator=operator)
