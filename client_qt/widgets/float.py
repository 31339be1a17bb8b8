"""``float``: decimal numbers with the field's precision; ``float_time`` shows hours as HH:MM.

Typing ``=1.5*3`` computes the value (simple arithmetic only: numbers, + - * / and brackets).
"""
import ast
import operator

from ..qt import QLocale
from .base import LineWidget
from .integer import parse_number

_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.USub: operator.neg, ast.UAdd: operator.pos}


def compute(text):
    """The value of a small arithmetic expression (``ValueError`` for anything else)."""
    if len(text) > 200:
        raise ValueError("expression too long")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise ValueError(f"invalid expression {text!r}") from None

    def walk(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.operand))
        raise ValueError(f"not allowed in {text!r}")

    try:
        return float(walk(tree))
    except ZeroDivisionError:
        raise ValueError("division by zero") from None


class FloatWidget(LineWidget):
    """Decimal numbers: precision from ``digits`` (view > field > 2), locale decimal separator."""

    align_right = True

    def digits(self):
        return self.spec.digits()

    def format_value(self, value):
        if value is False or value is None:
            return ""
        return QLocale().toString(float(value), "f", self.digits())

    def parse(self, text):
        if not text:
            return 0.0
        if text.startswith("="):
            return round(compute(text[1:].replace(QLocale().decimalPoint(), ".")), self.digits())
        return round(parse_number(text), self.digits())

    def is_empty(self):
        return self.value is False or self.value is None


class FloatTimeWidget(FloatWidget):
    """Hours as ``HH:MM`` (1.5 -> 01:30); typing ``1:30`` or ``1.5`` both give 1.5."""

    def format_value(self, value):
        if value is False or value is None:
            return ""
        value = float(value)
        sign = "-" if value < 0 else ""
        hours, minutes = divmod(round(abs(value) * 60), 60)
        return f"{sign}{hours:02d}:{minutes:02d}"

    def parse(self, text):
        if not text:
            return 0.0
        if ":" in text:
            hours, _, minutes = text.partition(":")
            sign = -1 if hours.strip().startswith("-") else 1
            return sign * (abs(int(hours or 0)) + int(minutes or 0) / 60)
        return super().parse(text)
