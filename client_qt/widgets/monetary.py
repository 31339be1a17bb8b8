"""``monetary``: an amount with its currency's symbol on the currency's side (views.md §11).

The currency is the record's value of ``options.currency_field``, else of the field's
``currency_field``, else of ``currency_id``. If that field is not in the view the amount is a plain
number with 2 decimals and no symbol. Currency symbols are read once per session and cached.
"""
from ..qt import QLabel, QtWidgets
from .float import FloatWidget

#: (session id, currency id) -> {'symbol', 'position', 'decimal_places'}
_CURRENCIES = {}


class MonetaryWidget(FloatWidget):
    """Amount + currency symbol."""

    def create_editor(self):
        self.line = super().create_editor()
        box = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.before = QLabel()
        self.after = QLabel()
        layout.addWidget(self.before)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.after)
        self.before.hide()
        self.after.hide()
        box.setFocusProxy(self.line)
        self._box = box
        return box

    def currency_field(self):
        return (self.options.get("currency_field") or self.description.get("currency_field")
                or "currency_id")

    def depends(self):
        return (self.currency_field(),)

    def currency(self):
        """The currency info, or None (no currency field in the view, or not loaded yet)."""
        record = self.record
        name = self.currency_field()
        if record is None or name not in record.fields:
            return None
        value = record.get(name)
        currency_id = value[0] if isinstance(value, (list, tuple)) and value else value
        if not currency_id:
            return None
        key = (id(self.session), currency_id)
        known = ((getattr(self.session, "info", None) or {}).get("currencies") or {}).get(str(currency_id))
        if known and key not in _CURRENCIES:
            digits = known.get("digits") or [69, 2]
            _CURRENCIES[key] = {"symbol": known.get("symbol"), "position": known.get("position"),
                                "decimal_places": digits[1]}
        if key not in _CURRENCIES:
            _CURRENCIES[key] = None
            self.session.call("res.currency", "read", [currency_id], ["symbol", "position", "decimal_places"],
                              on_result=lambda rows, k=key: self._currency_loaded(k, rows),
                              on_error=lambda error: None)
        return _CURRENCIES.get(key)

    def _currency_loaded(self, key, rows):
        if rows:
            _CURRENCIES[key] = rows[0]
        self.set_value(self.value)

    def digits(self):
        currency = self.currency()
        if currency and currency.get("decimal_places") is not None:
            return int(currency["decimal_places"])
        return 2

    def format_value(self, value):
        text = super().format_value(value)
        currency = self.currency()
        if not text or not currency:
            return text
        symbol = currency.get("symbol") or ""
        return f"{symbol}\u00a0{text}" if currency.get("position") == "before" else f"{text}\u00a0{symbol}"

    def show_value(self, value):
        self._typed = False
        self.line.setText(FloatWidget.format_value(self, value))
        currency = self.currency()
        symbol = (currency or {}).get("symbol") or ""
        before = bool(currency) and currency.get("position") == "before"
        self.before.setText(symbol if before else "")
        self.after.setText(symbol if currency and not before else "")
        self.before.setVisible(bool(symbol) and before)
        self.after.setVisible(bool(symbol) and not before)

    def commit_pending(self):
        if not self._typed or self.readonly:
            return
        try:
            value = self.parse(self.line.text().strip())
        except ValueError:
            self.set_invalid(True)
            return
        self._typed = False
        if value != self.value:
            self.commit(value)

    def set_invalid(self, invalid):
        if invalid == self.invalid:
            return
        self.invalid = invalid
        self.line.setStyleSheet("border: 1px solid #d9534f;" if invalid else "")

    def set_emphasis(self, scale):
        super().set_emphasis(scale)
        font = self._box.font()
        self.line.setFont(font)
