"""``reference``: a model drop-down (from ``selection``) and a type-ahead input over the chosen
model; the value is ``"model,id"`` (views.md §11)."""
from ..qt import QComboBox, QtWidgets, tr
from .base import FieldWidget
from .many2one import Many2oneInput
from .selection import choices


def split(value):
    """``("model", id)`` of a ``"model,id"`` value, ``(None, False)`` when empty."""
    if not value or not isinstance(value, str) or "," not in value:
        return None, False
    model, _, record_id = value.partition(",")
    try:
        return model, int(record_id)
    except ValueError:
        return model, False


class ReferenceWidget(FieldWidget):
    """Model + record."""

    def create_editor(self):
        box = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.models = QComboBox()
        self.models.setObjectName("reference_model")
        self.models.addItem("", False)
        for model, label in choices(self.description):
            self.models.addItem(str(label), model)
        self.models.activated.connect(self._model_changed)
        self.input = Many2oneInput(self)
        self.input.setObjectName(f"reference_{self.name}")
        self.input.chosen.connect(self._chosen)
        layout.addWidget(self.models)
        layout.addWidget(self.input, 1)
        self.names = {}
        return box

    # -- Many2oneInput owner -------------------------------------------------------------------------
    def comodel(self):
        return self.models.currentData() or None

    def search_domain(self):
        return []

    def search_context(self):
        return self.host.field_context(self.spec)

    def search_more(self, text, callback, on_cancel=None):
        from ..dialogs.search_dialog import SearchDialog
        if not self.comodel():
            return None
        dialog = SearchDialog(self.host.dialog_parent(), self.session, self.comodel(), [], self.search_context(),
                              text=text, title=self.spec.label)
        dialog.chosen.connect(lambda rows: rows and callback(rows[0]))
        if on_cancel is not None:
            dialog.rejected.connect(on_cancel)
        dialog.open()
        return dialog

    def create_and_edit(self, text, callback):
        from ..dialogs.form_dialog import open_record_dialog
        if not self.comodel():
            return None
        return open_record_dialog(self.host, self.comodel(), None, dict(self.search_context(), default_name=text),
                                  on_saved=callback, title=self.spec.label)

    # -- value ----------------------------------------------------------------------------------------
    def _model_changed(self, _index):
        self.input.set_current(False)
        self.input.setEnabled(bool(self.comodel()))
        if self.value:
            self.commit(False)

    def _chosen(self, value):
        model = self.comodel()
        if not value or not model:
            new = False
        else:
            new = f"{model},{value[0]}"
            self.names[new] = value[1]
        if new != self.value:
            self.commit(new)

    def show_value(self, value):
        model, record_id = split(value)
        index = self.models.findData(model) if model else 0
        self.models.setCurrentIndex(max(index, 0))
        self.input.setEnabled(bool(model))
        if not record_id:
            self.input.set_current(False)
            return
        name = self.names.get(value)
        self.input.set_current([record_id, name if name is not None else "…"])
        if name is None and self.session is not None:
            self.session.call(model, "read", [record_id], ["display_name"],
                              on_result=lambda rows, v=value: self._named(v, rows), on_error=lambda error: None)

    def _named(self, value, rows):
        self.names[value] = rows[0]["display_name"] if rows else tr("(deleted)")
        if self.value == value:
            self.show_value(value)
            self.display.setText(self.format_value(value))

    def format_value(self, value):
        model, record_id = split(value)
        if not record_id:
            return ""
        label = dict(choices(self.description)).get(model, model)
        return f"{label}: {self.names.get(value, '…')}"

    def commit_pending(self):
        if self.input._typed:
            self.input.resolve()

    def has_pending(self):
        return self.input._typed
