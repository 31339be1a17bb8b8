"""``statusbar``: the ordered stages as chips in the form header, the current one highlighted.

Shown: the values of ``statusbar_visible`` (all when absent) plus the current one. With
``options.clickable`` a click writes the value. On a many2one, the stages are the comodel's records
(``domain`` and ``options.fold_field`` honoured: folded stages show only when current).
"""
from ..expr import literal_bool
from ..qt import QToolButton, QtWidgets
from .base import FieldWidget
from .selection import choices


class StatusbarWidget(FieldWidget):
    """Chips of the stages."""

    labelled = False
    separate_display = False

    def create_editor(self):
        box = QtWidgets.QWidget()
        self.row = QtWidgets.QHBoxLayout(box)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(0)
        self.chips = {}
        self.stages = []
        self.folded = set()
        visible = self.spec.attrs.get("statusbar_visible")
        self.visible_values = [v.strip() for v in visible.split(",")] if visible else None
        if self.spec.type == "selection":
            self.set_stages(choices(self.description))
        return box

    def clickable(self):
        value = self.options.get("clickable")
        if isinstance(value, str):
            return bool(literal_bool(value))
        return bool(value)

    def load_stages(self):
        """Read the comodel's records (many2one statusbar)."""
        if self.spec.type != "many2one" or self.session is None:
            return
        fold = self.options.get("fold_field")
        fields = ["display_name"] + ([fold] if fold else [])
        domain = self.host.field_domain(self.spec) if hasattr(self.host, "field_domain") else []
        self.session.call(self.spec.relation, "search_read", domain or [], fields,
                          on_result=lambda rows: self._stages_loaded(rows, fold), on_error=lambda error: None)

    def _stages_loaded(self, rows, fold):
        self.folded = {row["id"] for row in rows if fold and row.get(fold)}
        self.set_stages([(row["id"], row["display_name"]) for row in rows])

    def set_stages(self, stages):
        for chip in self.chips.values():
            self.row.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        self.chips = {}
        self.stages = list(stages)
        for key, label in self.stages:
            chip = QToolButton()
            chip.setObjectName(f"stage_{key}")
            chip.setText(str(label))
            chip.setCheckable(True)
            chip.clicked.connect(lambda checked=False, k=key: self.click_stage(k))
            self.chips[key] = chip
            self.row.addWidget(chip)
        self.show_value(self.value)

    def current_key(self, value):
        if isinstance(value, (list, tuple)):
            return value[0] if value else False
        return value

    def click_stage(self, key):
        current = self.current_key(self.value)
        if self.readonly or not self.clickable() or key == current:
            self.show_value(self.value)
            return
        value = key
        if self.spec.type == "many2one":
            value = [key, dict(self.stages).get(key, "")]
        self.commit(value)
        self.show_value(self.value)

    def shown_keys(self, value):
        current = self.current_key(value)
        shown = []
        for key, _label in self.stages:
            if key == current:
                shown.append(key)
            elif key in self.folded:
                continue
            elif self.visible_values is None or str(key) in self.visible_values:
                shown.append(key)
        return shown

    def show_value(self, value):
        current = self.current_key(value)
        shown = set(self.shown_keys(value))
        for key, chip in self.chips.items():
            chip.setVisible(key in shown)
            chip.setChecked(key == current)
            font = chip.font()
            font.setBold(key == current)
            chip.setFont(font)

    def set_value(self, value):
        if self.spec.type == "many2one" and not self.stages:
            self.load_stages()
        super().set_value(value)

    def format_value(self, value):
        current = self.current_key(value)
        return str(dict(self.stages).get(current, "" if current in (False, None) else current))

    def apply_readonly(self, readonly):
        clickable = self.clickable() and not readonly
        for chip in self.chips.values():
            chip.setEnabled(True)
            chip.setAutoRaise(not clickable)

    def is_empty(self):
        return self.current_key(self.value) in (False, None)
