"""``many2many_tags``: linked records as tags with remove crosses, and a type-ahead input to add one
(``no_create*`` options apply; ``options.color_field`` colours the tags) (views.md §11)."""
import html

from ..qt import QLabel, QToolButton, QtWidgets, tr
from .base import FieldWidget
from .many2one import Many2oneInput
from .x2many_list import ensure_line

#: tag colour indexes (Odoo's 12 colours), readable with white text
COLOURS = ["#7f8c8d", "#e74c3c", "#e67e22", "#f1c40f", "#3498db", "#8e44ad", "#d35400", "#16a085", "#2c3e50",
           "#c2185b", "#27ae60", "#6d4c41"]


class _Tag(QtWidgets.QFrame):
    def __init__(self, name, colour, removable, on_remove):
        super().__init__()
        self.setObjectName("tag")
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 2, 0)
        layout.setSpacing(2)
        self.label = QLabel(html.escape(str(name)))
        self.label.setObjectName("tag_label")
        layout.addWidget(self.label)
        self.remove_button = QToolButton()
        self.remove_button.setObjectName("remove_tag")
        self.remove_button.setText("✕")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setVisible(removable)
        self.remove_button.clicked.connect(on_remove)
        layout.addWidget(self.remove_button)
        self.setStyleSheet(f"QFrame#tag {{ background: {colour}; border-radius: 9px; }}"
                           f" QFrame#tag QLabel, QFrame#tag QToolButton {{ color: white; }}")


class Many2manyTagsWidget(FieldWidget):
    """Tags + input."""

    separate_display = False

    def create_editor(self):
        box = QtWidgets.QWidget()
        self.row = QtWidgets.QHBoxLayout(box)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(4)
        self.tags = {}
        self.input = Many2oneInput(self)
        self.input.setObjectName(f"tags_{self.name}")
        self.input.setPlaceholderText(self.placeholder() or tr("Add a tag…"))
        self.input.chosen.connect(self._chosen)
        self.row.addWidget(self.input, 1)
        box.setFocusProxy(self.input)
        return box

    # -- Many2oneInput owner --------------------------------------------------------------------
    def comodel(self):
        return self.spec.relation

    def search_domain(self):
        domain = list(self.host.field_domain(self.spec))
        ids = [key for key in self.keys() if isinstance(key, int)]
        if ids:
            domain.append(("id", "not in", ids))
        return domain

    def search_context(self):
        return self.host.field_context(self.spec)

    def search_more(self, text, callback, on_cancel=None):
        from ..dialogs.search_dialog import SearchDialog
        dialog = SearchDialog(self.host.dialog_parent(), self.session, self.comodel(), self.search_domain(),
                              self.search_context(), text=text, multi=True, title=self.spec.label)
        dialog.chosen.connect(lambda rows: [callback(row) for row in rows])
        if on_cancel is not None:
            dialog.rejected.connect(on_cancel)
        dialog.open()
        self.search_dialog = dialog
        return dialog

    def create_and_edit(self, text, callback):
        from ..dialogs.form_dialog import open_record_dialog
        context = dict(self.search_context(), default_name=text) if text else self.search_context()
        return open_record_dialog(self.host, self.comodel(), None, context, on_saved=callback,
                                  title=self.spec.label)

    # -- value ----------------------------------------------------------------------------------------
    def x2many(self):
        record = self.record
        return record.lines.get(self.name) if record is not None else None

    def keys(self):
        x2many = self.x2many()
        return list(x2many.current) if x2many is not None else []

    def color_field(self):
        return self.options.get("color_field")

    def set_value(self, value):
        self.value = value
        x2many = self.x2many()
        missing = [key for key in self.keys() if isinstance(key, int)
                   and not getattr(x2many.records.get(key), "loaded", False)]
        if missing and self.session is not None:
            names = ["display_name"] + ([self.color_field()] if self.color_field() else [])
            self.session.call(self.comodel(), "read", missing, names, context=self.search_context(),
                              on_result=lambda rows, x=x2many: self._loaded(x, rows), on_error=self.host.show_error)
        self.show_tags()

    def _loaded(self, x2many, rows):
        if x2many is not self.x2many():
            return
        fields = dict(self.host.line_fields(self.name)) if hasattr(self.host, "line_fields") else {}
        for row in rows:
            ensure_line(x2many, row["id"], fields, row)
        self.show_tags()

    def _chosen(self, value):
        self.input.set_current(False)
        if not value:
            return
        x2many = self.x2many()
        if value[0] in x2many.current:
            return
        ensure_line(x2many, value[0], {}, {"id": value[0], "display_name": value[1]})
        x2many.link([value[0]])
        self.host.lines_changed(self.name)

    def remove(self, key):
        if self.readonly:
            return
        self.x2many().remove(key)
        self.host.lines_changed(self.name)

    def tag_names(self):
        x2many = self.x2many()
        names = []
        for key in self.keys():
            line = x2many.records.get(key)
            names.append(str(line.values.get("display_name") or line.values.get("name") or key) if line else "…")
        return names

    def show_tags(self):
        for tag in self.tags.values():
            self.row.removeWidget(tag)
            tag.hide()  # not painted until Qt deletes it
            tag.deleteLater()
        self.tags = {}
        x2many = self.x2many()
        for index, key in enumerate(self.keys()):
            line = x2many.records.get(key)
            name = self.tag_names()[index]
            colour_index = line.values.get(self.color_field()) if line is not None and self.color_field() else 0
            colour = COLOURS[int(colour_index or 0) % len(COLOURS)]
            tag = _Tag(name, colour, not self.readonly, lambda checked=False, k=key: self.remove(k))
            self.tags[key] = tag
            self.row.insertWidget(self.row.count() - 1, tag)

    def apply_readonly(self, readonly):
        self.input.setVisible(not readonly)
        for tag in self.tags.values():
            tag.remove_button.setVisible(not readonly)

    def is_empty(self):
        return not self.keys()

    def format_value(self, value):
        return ", ".join(self.tag_names())
