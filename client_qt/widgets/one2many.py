"""``one2many``: the lines of the record in an embedded list (views.md §3.5).

Not editable in place: clicking a line opens the inline ``<form>`` sub-view (or the comodel's
default form) in a dialog with Save & Close / Save & New / Discard and its own onchanges; "Add a
line" opens an empty one with the defaults of the field's ``context``. ``editable="top|bottom"``
lists add and edit lines in place. Lines evaluate their modifiers with ``parent`` = the form's
record. Nothing reaches the server before the parent is saved.
"""
import logging

from ..models.record import Record
from ..qt import tr
from ..views.arch import children
from .base import FieldWidget
from .x2many_list import EmbeddedList, attach_line, ensure_line

_logger = logging.getLogger(__name__)


class One2manyWidget(FieldWidget):
    """Embedded list + line dialogs."""

    stretch = True
    separate_display = False

    def create_editor(self):
        self.list = EmbeddedList(self)
        return self.list

    # -- sub-views and fields ---------------------------------------------------------------------
    def line_fields(self):
        host = self.host
        if hasattr(host, "line_fields"):
            return host.line_fields(self.name)
        models = getattr(host, "models", {}) or {}
        return dict((models.get(self.spec.relation) or {}).get("fields") or {})

    def sub_view(self, tag):
        if self.spec.node is None:
            return None
        return next((child for child in children(self.spec.node) if child.tag == tag), None)

    def x2many(self):
        record = self.record
        return record.lines.get(self.name) if record is not None else None

    def relation_field(self):
        return self.description.get("relation_field") if self.spec.type == "one2many" else None

    # -- FieldWidget --------------------------------------------------------------------------------
    def set_value(self, value):
        self.value = value
        self.list.set_lines(self.x2many())

    def apply_readonly(self, readonly):
        self.list.set_readonly(readonly)

    def commit_pending(self):
        self.list.stop_edit()

    def is_empty(self):
        lines = self.x2many()
        return not lines or not lines.current

    def format_value(self, value):
        return tr("{0} line(s)").format(len(value or []))

    # -- lines ----------------------------------------------------------------------------------------
    def line_context(self, extra=None):
        context = dict(self.host.field_context(self.spec))
        if extra:
            evaluated = self.host.evaluate(extra, {}) if hasattr(self.host, "evaluate") else {}
            context.update(evaluated or {})
        return context

    def new_line(self):
        """A new line of the record, not attached yet (a dialog attaches it when saved)."""
        line = Record(self.spec.relation, self.line_fields(), {"id": False}, parent=self.record)
        line.parent_field = self.relation_field()
        line.loaded = True
        return line

    def add_line(self, context=None):
        """"Add a line": in place for editable lists, else a dialog with the line's defaults."""
        if self.readonly or self.record is None:
            return None
        if self.list.editable:
            return self.add_inline(context)
        line = self.new_line()
        return self.open_dialog(line, new=True, context=self.line_context(context))

    def add_inline(self, context=None):
        line = self.new_line()
        attach_line(self.x2many(), line)
        self.host.lines_changed(self.name)
        host = self.list.add_inline(line)
        if host is not None:
            host.context = self.line_context(context)
            host.onchanger.request([])
        return host

    def open_line(self, key):
        """Open line ``key`` in a dialog (editable unless the field is read-only); a line not read
        yet is read first."""
        line = self.list.line(key)
        if (line is None or not getattr(line, "loaded", False)) and isinstance(key, int):
            x2many = self.x2many()
            context = dict(self.line_context(), bin_size=True)

            def read(rows):
                if rows and self.x2many() is x2many:
                    ensure_line(x2many, key, self.list.fields, rows[0], self.relation_field())
                    self.list.render()
                    self.open_line(key)

            self.session.call(self.spec.relation, "read", [key], self.list.read_names(), context=context,
                              on_result=read, on_error=self.host.show_error)
            return None
        if line is None:
            return None
        return self.open_dialog(line, new=False, context=self.line_context())

    def remove_line(self, key):
        if self.readonly:
            return
        self.x2many().remove(key)
        self.host.lines_changed(self.name)

    def open_dialog(self, line, new, context):
        """The line form dialog (the inline ``<form>`` sub-view, else the comodel's form)."""
        form = self.sub_view("form")
        if form is not None:
            return self._dialog(line, new, context, form, self.line_fields(), getattr(self.host, "models", {}))
        session = self.session
        state = {}

        def got(result):
            from ..views.arch import parse_arch
            view = result["views"]["form"]
            fields = dict(self.line_fields(), **result["models"][self.spec.relation]["fields"])
            line.fields = dict(fields, **line.fields)
            state["dialog"] = self._dialog(line, new, context, parse_arch(view["arch"]), fields,
                                           dict(getattr(self.host, "models", {}), **result["models"]))

        session.runner.call(session.get_views, self.spec.relation, [[False, "form"]], context=context,
                            on_result=got, on_error=self.host.show_error)
        return state

    def _dialog(self, line, new, context, root, fields, models):
        from ..dialogs.form_dialog import LINE, FormDialog
        x2many = self.x2many()

        def saved(record):
            if record.virtual_id is not None and record.virtual_id not in x2many.records:
                attach_line(x2many, record)
            self.host.lines_changed(self.name)

        dialog = FormDialog(self.host.dialog_parent(), self.session, self.spec.relation, root, fields, models,
                            record=line, context=context, main_window=getattr(self.host, "main_window", None),
                            mode=LINE, title=self.spec.label, readonly=self.readonly,
                            on_new=self.new_line if not self.readonly else None, defaults=new)
        dialog.saved.connect(saved)
        dialog.open()
        self.dialog = dialog
        return dialog
