"""One form arch rendered for one record at a time: the host of its field widgets.

:class:`RecordForm` is shared by the form view, the dialogs of x2many lines and related records,
and wizards. It builds the widgets once (:mod:`.layout`), then for each record it is given:

* shows the values and listens to the record; every change re-evaluates the modifiers of every
  node (views.md §2) and updates the widgets in place;
* calls ``onchange`` for fields flagged ``on_change`` (:mod:`.onchange`) and applies the answer,
  warnings included;
* checks required fields before a save (:meth:`missing_fields`), focusing the first one.

Saving, navigation and buttons belong to the owner (form view, dialog), which listens to
:attr:`RecordForm.button_clicked`.
"""
import logging

from ...dialogs import confirm
from ...dialogs.error import show_error
from ...expr import base_names, evaluate_literal, literal_bool
from ...qt import QFrame, QHBoxLayout, QScrollArea, QTabWidget, QVBoxLayout, QWidget, Qt, QTimer, Signal, tr
from ...widgets.base import FieldSpec
from ...widgets.registry import create_widget
from . import grid
from .layout import FieldLabel, FormBuilder, classes
from .modifiers import NodeModifiers
from .onchange import Onchanger, fields_spec

_logger = logging.getLogger(__name__)

X2MANY = ("one2many", "many2many")
SUB_VIEW_TAGS = ("list", "tree", "form", "kanban")


class FieldEntry:
    """A ``<field>`` node of the arch and its widget (None for a statically invisible field)."""

    def __init__(self, spec, widget, label, node, modifiers):
        self.spec, self.widget, self.label, self.node, self.modifiers = spec, widget, label, node, modifiers
        self.state = {"invisible": widget is None, "readonly": False, "required": False}

    @property
    def name(self):
        return self.spec.name

    def visible(self):
        return self.widget is not None and not self.state["invisible"]


class NodeEntry:
    """Another node with modifiers (group, page, button, div, label ...)."""

    def __init__(self, node, widget, modifiers, kind="node", extra=None):
        self.node, self.widget, self.modifiers, self.kind, self.extra = node, widget, modifiers, kind, extra
        self.names = classes(node)


def sub_view_fields(node):
    """The field names used by the sub-views inside an x2many ``<field>`` node."""
    names = []
    for sub in node:
        if not isinstance(sub.tag, str) or sub.tag not in SUB_VIEW_TAGS:
            continue
        for child in grid.own_nodes(sub):
            if child is not sub and child.tag == "field" and child.get("name") not in names:
                names.append(child.get("name"))
    return names


class RecordForm(QWidget):
    """An arch and the record it shows.

    :param session: the :class:`~client_qt.session.Session`
    :param model: the model name
    :param root: the parsed arch (lxml ``form`` element)
    :param fields: field descriptions of the model (``get_views`` ``models[model]['fields']``)
    :param models: all ``models`` of ``get_views`` (x2many sub-views need their comodel's fields)
    :param context: the context of the action/dialog
    :param main_window: the main window (actions returned by buttons), or None
    :param readonly: a form that cannot be edited (``edit="false"`` or no write access)
    :param scroll: put the body in a scroll area (dialogs small enough may not)
    """

    #: a button of the arch was clicked: ``(node, QPushButton)``
    button_clicked = Signal(object, object)
    #: a field value changed (user, onchange or load): field name
    changed = Signal(str)
    #: the user edited a value
    edited = Signal()
    #: another record (or none) is shown: loaded, new, saved and read again, discarded
    record_changed = Signal()

    def __init__(self, session, model, root, fields, models=None, context=None, main_window=None, readonly=False,
                 scroll=True, parent=None):
        super().__init__(parent)
        self.setObjectName("record_form")
        self.session = session
        self.model = model
        self.root = root
        # the record holds the fields of this arch only (get_views ``models`` of a model also
        # lists the fields its x2many sub-views use when they show the same model)
        names = {node.get("name") for node in grid.own_nodes(root) if node.tag == "field"}
        self.fields = {name: description for name, description in fields.items() if name in names}
        self.models = models or {model: {"fields": fields}}
        self.context = dict(context or {})
        self.main_window = main_window
        self.readonly_form = readonly or literal_bool(root.get("edit")) is False
        self.record = None
        self.entries = {}
        self.field_list = []
        self.node_entries = []
        self.label_fors = []
        self.onchange_fields = set()
        self.force_save = set()
        self.domains = {}
        self.user_edited = False
        self._applying = False
        self._pending_onchange = []
        self._warned = set()
        #: count of user edits, and the count at each field's last edit: an onchange answer does not
        #: overwrite what the user typed after the call was sent
        self.edits = 0
        self.edited_at = {}
        self.onchanger = Onchanger(self)
        self.legacy = grid.is_legacy(root)
        self.builder = FormBuilder(self, self.legacy)
        self.header, self.body = self.builder.build(root)
        self.footer = self.builder.footer
        self._finish_labels()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if self.header is not None:
            layout.addWidget(self.header)
        paper = QWidget()
        paper.setObjectName("paper")
        paper_layout = QHBoxLayout(paper)
        paper_layout.setContentsMargins(16, 12, 16, 12)
        paper_layout.addStretch(0)
        paper_layout.addWidget(self.body, 100)
        paper_layout.addStretch(0)
        if scroll:
            self.scroll_area = QScrollArea()
            self.scroll_area.setObjectName("form_scroll")
            self.scroll_area.setWidgetResizable(True)
            self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
            self.scroll_area.setWidget(paper)
            layout.addWidget(self.scroll_area, 1)
        else:
            self.scroll_area = None
            layout.addWidget(paper, 1)

    # -- building (called by the layout builder) -----------------------------------------------
    def add_field(self, node, labelled=True, hidden=False):
        """Create the widget of a ``<field>`` node: ``(widget, label or None)``."""
        name = node.get("name")
        description = self.fields.get(name)
        if description is None:
            self._warn_once(f"field {name!r} is not in the field descriptions of {self.model}: skipped")
            return None, None
        attrs = dict(node.attrib)
        spec = FieldSpec(name, description, attrs, node)
        modifiers = NodeModifiers(attrs, description)
        if attrs.get("on_change") not in (None, "", "0", "False", "false"):
            self.onchange_fields.add(name)
        if literal_bool(attrs.get("force_save")):
            self.force_save.add(name)
        widget = label = None
        if not hidden:
            widget = create_widget(spec, self)
            if labelled and widget.labelled:
                label = FieldLabel(spec.label, widget)
                label.setObjectName(f"label_{name}")
                if spec.help:
                    label.setToolTip(spec.help)
            elif not spec.help:
                widget.setToolTip(spec.label)
        entry = FieldEntry(spec, widget, label, node, modifiers)
        self.entries.setdefault(name, []).append(entry)
        self.field_list.append(entry)
        return widget, label

    def add_node(self, node, widget):
        """Register a non-field node whose modifiers or classes may hide it."""
        modifiers = NodeModifiers(dict(node.attrib))
        entry = NodeEntry(node, widget, modifiers)
        if modifiers.sources or {"oe_edit_only", "oe_read_only"} & entry.names or node.tag == "button":
            self.node_entries.append(entry)

    def add_page(self, page, tabs, container):
        modifiers = NodeModifiers(dict(page.attrib))
        self.node_entries.append(NodeEntry(page, container, modifiers, kind="page", extra=tabs))

    def add_label_for(self, node, target):
        """A ``<label for="field">``: the field's label (focus on click, required mark)."""
        description = self.fields.get(target) or {}
        text = node.get("string") or "".join(node.itertext()).strip() or description.get("string") or target
        label = FieldLabel(text)
        label.setObjectName(f"label_{target}")
        self.label_fors.append((label, target, NodeModifiers(dict(node.attrib))))
        return label

    def _finish_labels(self):
        for label, target, _modifiers in self.label_fors:
            entries = [e for e in self.entries.get(target, []) if e.widget is not None]
            if entries:
                label.buddy_widget = entries[0].widget
                if entries[0].spec.help:
                    label.setToolTip(entries[0].spec.help)

    def widgets_in(self, container):
        """The field widgets inside ``container``."""
        return [entry.widget for entry in self.field_list
                if entry.widget is not None and (container is entry.widget or container.isAncestorOf(entry.widget))]

    def widget(self, name):
        """The first widget of field ``name`` (tests, focus)."""
        for entry in self.entries.get(name, []):
            if entry.widget is not None:
                return entry.widget
        return None

    def label(self, name):
        for entry in self.entries.get(name, []):
            if entry.label is not None:
                return entry.label
        for label, target, _modifiers in self.label_fors:
            if target == name:
                return label
        return None

    def _warn_once(self, message):
        if message not in self._warned:
            self._warned.add(message)
            _logger.warning(message)

    # -- the record ---------------------------------------------------------------------------------
    def set_record(self, record):
        """Show ``record`` (values, modifiers); forget pending onchanges of the previous one."""
        self.onchanger.cancel()
        self._pending_onchange = []
        if self.record is not None:
            self.record.unlisten(self._record_changed)
        self.record = record
        self.user_edited = False
        self.edited_at = {}
        self.domains = {}
        if record is None:
            self.record_changed.emit()
            return
        record.force_save = set(self.force_save)
        for name, lines in record.lines.items():
            lines.line_fields = self.line_fields(name) or lines.line_fields
        record.listen(self._record_changed)
        self.refresh()
        self.record_changed.emit()

    def line_fields(self, name):
        """Field descriptions of the lines of x2many ``name``: the fields of its sub-views."""
        description = self.fields.get(name) or {}
        fields = (self.models.get(description.get("relation")) or {}).get("fields") or {}
        entry = next((e for e in self.entries.get(name, []) if e.node is not None), None)
        used = sub_view_fields(entry.node) if entry is not None else []
        if used:
            return {sub: fields[sub] for sub in used if sub in fields}
        return dict(fields)

    def refresh(self):
        """Show every value again and re-evaluate the modifiers."""
        record = self.record
        for entry in self.field_list:
            if entry.widget is not None:
                entry.widget.set_value(self.value_of(entry.name))
        self.evaluate_modifiers()
        for entry in self.field_list:
            if entry.widget is not None and entry.spec.attrs.get("default_focus") == "1" and entry.visible():
                entry.widget.setFocus()
                break
        return record

    def value_of(self, name):
        record = self.record
        if record is None:
            return False
        if name in record.lines:
            return record.lines[name].ids()
        return record.values.get(name, False)

    def _record_changed(self, record, name):
        if record is not self.record or name is None:
            return
        value = self.value_of(name)
        for entry in self.entries.get(name, []):
            if entry.widget is not None:
                entry.widget.set_value(value)
        for entry in self.field_list:
            if entry.widget is not None and entry.name != name and name in entry.widget.depends():
                entry.widget.set_value(self.value_of(entry.name))
        self.evaluate_modifiers()
        self.changed.emit(name)
        if not self._applying and name in self.onchange_fields:
            self._queue_onchange(name)

    def _queue_onchange(self, name):
        # changes made in one go (a line added then its values set) make one onchange call
        if name not in self._pending_onchange:
            self._pending_onchange.append(name)
            if len(self._pending_onchange) == 1:
                QTimer.singleShot(0, self._flush_onchange)

    def _flush_onchange(self):
        names, self._pending_onchange = self._pending_onchange, []
        for name in names:
            self.onchanger.request([name])

    def flush_onchange(self):
        """Send queued onchanges now (before a save)."""
        if self._pending_onchange:
            self._flush_onchange()

    # -- host interface for widgets ---------------------------------------------------------------
    def commit(self, name, value):
        """A widget hands over a user edit."""
        if self.record is None:
            return
        self.user_edited = True
        self.edits += 1
        self.edited_at[name] = self.edits
        self.record.set(name, value)
        self.edited.emit()

    def lines_changed(self, name):
        """An x2many widget changed its lines in place (added, removed, edited)."""
        if self.record is None:
            return
        self.user_edited = True
        self.record.touch(name)
        self.edited.emit()

    def names(self):
        return base_names(self.context, self.session.uid if self.session is not None else None)

    def eval_values(self):
        """The evaluation context of the record's modifiers (views.md §2.1)."""
        record = self.record
        values = record.eval_values() if record is not None else {}
        record_id = record.id if record is not None else False
        values.update(active_id=record_id, active_ids=[record_id] if record_id else [], active_model=self.model,
                      context=dict(self.context))
        return values

    def evaluate(self, text, default=None):
        """A ``context``/``domain`` attribute evaluated now with the record's values."""
        if not isinstance(text, str):
            return text if text is not None else default
        return evaluate_literal(text, self.eval_values(), self.names(), default=default)

    def field_domain(self, spec):
        if spec.name in self.domains:
            return list(self.domains[spec.name])
        text = spec.attrs.get("domain")
        if text:
            return list(self.evaluate(text, []) or [])
        domain = spec.description.get("domain")
        return list(self.evaluate(domain, []) or [])

    def field_context(self, spec):
        context = dict(self.context)
        description_context = spec.description.get("context")
        if description_context:
            context.update(self.evaluate(description_context, {}) or {})
        if spec.attrs.get("context"):
            context.update(self.evaluate(spec.attrs["context"], {}) or {})
        return context

    def call_context(self):
        return dict(self.context)

    def dialog_parent(self):
        return self.window()

    def show_error(self, error):
        return show_error(self.dialog_parent(), error)

    # -- modifiers -----------------------------------------------------------------------------------
    def editable(self):
        return not self.readonly_form

    def evaluate_modifiers(self):
        """Apply every node's modifiers for the current values (nothing is rebuilt)."""
        if self.record is None:
            return
        values = self.eval_values()
        names = self.names()
        editable = self.editable()
        view_readonly = {}
        for entry in self.field_list:
            state = entry.modifiers.evaluate(values, names)
            if entry.widget is None:
                state["invisible"] = True
            entry.state = state
            readonly = state["readonly"] or not editable
            if entry.name not in view_readonly or not state["invisible"]:
                view_readonly[entry.name] = state["readonly"]
            if entry.widget is None:
                continue
            visible = not state["invisible"] and self._class_visible(classes(entry.node), editable)
            entry.widget.setVisible(visible)
            entry.widget.set_readonly(readonly)
            entry.widget.set_required(state["required"] and not readonly)
            if entry.label is not None:
                entry.label.setVisible(visible)
                self._mark_required(entry.label, state["required"] and not readonly)
        self.record.view_readonly = view_readonly
        for entry in self.node_entries:
            state = entry.modifiers.evaluate(values, names)
            visible = not state["invisible"] and self._class_visible(entry.names, editable)
            if entry.kind == "page":
                tabs = entry.extra
                index = tabs.indexOf(entry.widget)
                if index >= 0:
                    tabs.setTabVisible(index, visible)
                    if not visible and tabs.currentIndex() == index:
                        self._first_visible_tab(tabs)
            else:
                entry.widget.setVisible(visible)
        for label, target, modifiers in self.label_fors:
            state = modifiers.evaluate(values, names)
            targets = self.entries.get(target, [])
            shown = [e for e in targets if e.visible()]
            label.setVisible(not state["invisible"] and (bool(shown) or not targets))
            self._mark_required(label, any(e.state["required"] for e in shown) and editable)
        if self.header is not None:
            # a header whose buttons and fields are all hidden takes no room
            items = [w for w in self.header.findChildren(QWidget) if w.parentWidget() is self.header]
            self.header.setVisible(any(not w.isHidden() for w in items))

    @staticmethod
    def _class_visible(names, editable):
        if "oe_edit_only" in names and not editable:
            return False
        if "oe_read_only" in names and editable:
            return False
        return True

    @staticmethod
    def _first_visible_tab(tabs):
        for index in range(tabs.count()):
            if tabs.isTabVisible(index):
                tabs.setCurrentIndex(index)
                return

    @staticmethod
    def _mark_required(label, required):
        font = label.font()
        if font.bold() != bool(required):
            font.setBold(bool(required))
            label.setFont(font)
        label.setProperty("required", bool(required))

    # -- onchange -----------------------------------------------------------------------------------
    def fields_spec(self):
        names = list(dict.fromkeys(entry.name for entry in self.field_list))
        x2many = {}
        for entry in self.field_list:
            if entry.spec.type in X2MANY and entry.name not in x2many:
                sub = sub_view_fields(entry.node) or list(self.line_fields(entry.name)) or ["display_name"]
                x2many[entry.name] = (entry.spec.relation, sub)
        return fields_spec(names, self.models, x2many)

    def load_defaults(self, on_done=None):
        """Ask the server for a new record's defaults (an onchange without changed fields)."""
        self.onchanger.request([])
        if on_done is not None:
            self.onchanger.when_idle(on_done)

    def apply_onchange(self, result, since=None):
        """Apply an ``onchange`` answer: values (x2many commands too), domains, warning.

        :param since: the edit count when the call was sent: fields the user edited later keep
            the user's value
        """
        record = self.record
        if record is None:
            return
        typing = {entry.name for entry in self.field_list if entry.widget is not None and entry.widget.has_pending()}
        values = {name: value for name, value in (result.get("value") or {}).items()
                  if name in record.fields and name not in typing
                  and (since is None or self.edited_at.get(name, 0) <= since)}
        self._applying = True
        try:
            record.apply_onchange(values)
        finally:
            self._applying = False
        for name, domain in (result.get("domain") or {}).items():
            self.domains[name] = domain
        warning = result.get("warning")
        if warning:
            self.show_warning(warning)

    def show_warning(self, warning):
        """An onchange warning: a non-blocking message box."""
        return confirm.notify(self.dialog_parent(), warning.get("title") or tr("Warning"),
                              warning.get("message") or "")

    def when_idle(self, callback):
        """``callback()`` once queued and running onchanges are done."""
        self.flush_onchange()
        self.onchanger.when_idle(callback)

    # -- before saving -------------------------------------------------------------------------------
    def commit_pending(self):
        for entry in self.field_list:
            if entry.widget is not None:
                entry.widget.commit_pending()

    def missing_fields(self):
        """The visible required fields without a value, and fields with an invalid value."""
        missing = []
        # a line's inverse many2one is set by the server from the parent that saves it
        inverse = getattr(self.record, "parent_field", None) if self.record is not None else None
        for entry in self.field_list:
            if not entry.visible() or entry.state["readonly"] or entry.name == inverse:
                continue
            if entry.widget.invalid or (entry.state["required"] and entry.widget.is_empty()):
                if entry not in missing:
                    missing.append(entry)
        return missing

    def check_required(self):
        """Whether the record can be saved; otherwise lists the missing fields and focuses the first."""
        self.commit_pending()
        missing = self.missing_fields()
        if not missing:
            return True
        self.focus_field(missing[0])
        labels = "\n".join(f"• {entry.spec.label}" for entry in missing)
        confirm.notify(self.dialog_parent(), tr("Invalid fields"),
                       tr("The following fields are invalid or missing:") + "\n" + labels)
        return False

    def focus_field(self, entry):
        """Bring ``entry``'s widget into view (its notebook page too) and focus it."""
        widget = entry.widget
        parent = widget.parentWidget()
        while parent is not None:
            grand = parent.parentWidget()
            if isinstance(grand, QTabWidget) or (grand is not None and isinstance(grand.parentWidget(), QTabWidget)):
                tabs = grand if isinstance(grand, QTabWidget) else grand.parentWidget()
                index = tabs.indexOf(parent)
                if index >= 0:
                    tabs.setCurrentIndex(index)
            parent = grand
        if self.scroll_area is not None:
            self.scroll_area.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_modified(self):
        """Whether leaving the record would lose user changes."""
        record = self.record
        if record is None:
            return False
        if record.is_new:
            return self.user_edited
        return record.is_dirty()

    # -- buttons ---------------------------------------------------------------------------------------
    def click_button(self, node, button):
        self.commit_pending()
        self.button_clicked.emit(node, button)
