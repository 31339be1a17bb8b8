"""``many2many``: linked records in an embedded list; Add (a multi-select search over the comodel,
honouring ``domain``) and per-row remove, which unlinks without deleting (views.md §3.5).
Clicking a row opens the record in a form dialog."""
from ..qt import tr
from .one2many import One2manyWidget


class Many2manyWidget(One2manyWidget):
    """Embedded list of linked records."""

    def add_line(self, context=None):
        if self.readonly or self.record is None:
            return None
        if self.spec.type == "one2many":
            return super().add_line(context)
        from ..dialogs.search_dialog import SearchDialog
        x2many = self.x2many()
        dialog = SearchDialog(self.host.dialog_parent(), self.session, self.spec.relation,
                              self.host.field_domain(self.spec), self.line_context(context), multi=True,
                              exclude=[key for key in x2many.current if isinstance(key, int)],
                              title=tr("Add: {0}").format(self.spec.label))
        dialog.chosen.connect(self.link)
        dialog.open()
        self.dialog = dialog
        return dialog

    def link(self, rows):
        """Link the records ``[[id, name], ...]``."""
        x2many = self.x2many()
        x2many.link([row[0] for row in rows])
        self.host.lines_changed(self.name)

    def open_line(self, key):
        if self.spec.type == "one2many" or not isinstance(key, int):
            return super().open_line(key)
        from ..dialogs.form_dialog import open_record_dialog

        def saved(_value):
            line = self.list.line(key)
            if line is not None:
                line.loaded = False
            self.list.load_page()

        return open_record_dialog(self.host, self.spec.relation, key, self.line_context(), on_saved=saved,
                                  title=self.spec.label, readonly=self.readonly)
