"""Modifiers of a view node: ``invisible``, ``readonly``, ``required``, ``column_invisible`` (views.md §2).

Each node gets one :class:`NodeModifiers`, built once from its attributes and its field
description, and evaluated after every value change. Sources are merged per key in the order of
views.md §2.3:

1. the field description: ``readonly``/``required`` and legacy ``states``
   (``{'draft': [('readonly', False)]}``);
2. the legacy ``attrs`` key replaces it (a domain matched against the record);
3. the node's ``states="a,b"`` makes it invisible outside those states, AND-ed with an ``attrs``
   invisible domain (the historical server behaviour);
4. the static node attribute: a literal true always wins, a literal false only replaces a static
   value, never a dynamic one; a modern expression (``invisible="state != 'draft'"``) replaces
   everything.

Evaluation errors give the safe values of views.md §2.5: visible, read-only, not required.
"""
import ast
import logging

from ...expr import FAILURE_DEFAULTS, ExpressionError, evaluate_modifier, expression, literal_bool, match_domain

_logger = logging.getLogger(__name__)
_warned = set()


def _warn_once(message):
    if message not in _warned:
        _warned.add(message)
        _logger.warning(message)

KEYS = ("invisible", "readonly", "required", "column_invisible")


class Const:
    dynamic = False

    def __init__(self, value):
        self.value = bool(value)

    def evaluate(self, values, names):
        return self.value


class Expr:
    """A modern expression attribute."""

    dynamic = True

    def __init__(self, key, text):
        self.key, self.text = key, text

    def evaluate(self, values, names):
        return evaluate_modifier(self.key, self.text, values, names)


class AttrsDomain:
    """One key of a legacy ``attrs`` dict: the dict is evaluated, then its domain matched."""

    dynamic = True

    def __init__(self, key, attrs_text, attrs_key):
        self.key, self.text, self.attrs_key = key, attrs_text, attrs_key

    def evaluate(self, values, names):
        try:
            attrs = expression(self.text).evaluate(values, names)
            domain = attrs.get(self.attrs_key) if isinstance(attrs, dict) else None
            if isinstance(domain, bool):
                return domain
            return match_domain(domain or [], values)
        except (ExpressionError, TypeError, ValueError, IndexError, AttributeError) as exc:
            _warn_once(f"cannot evaluate attrs {self.text!r}: {exc}")
            return FAILURE_DEFAULTS[self.key]


class FieldStates:
    """A field description's legacy ``states``: the base value, changed in the listed states."""

    dynamic = True

    def __init__(self, key, base, states):
        self.key, self.base, self.states = key, bool(base), states

    def evaluate(self, values, names):
        for attribute, value in self.states.get(values.get("state"), []) or []:
            if attribute == self.key:
                return bool(value)
        return self.base


class StatesInvisible:
    """A node's ``states="a,b"``: invisible when ``state`` is not one of them."""

    dynamic = True

    def __init__(self, states):
        self.states = [state.strip() for state in states.split(",") if state.strip()]

    def evaluate(self, values, names):
        return values.get("state") not in self.states


class Both:
    """Two sources AND-ed."""

    dynamic = True

    def __init__(self, first, second):
        self.first, self.second = first, second

    def evaluate(self, values, names):
        return self.first.evaluate(values, names) and self.second.evaluate(values, names)


def _attrs_keys(text):
    """The keys an ``attrs`` text defines (parsed without values; unknown when it fails)."""
    try:
        tree = expression(text)
    except ExpressionError as exc:
        _warn_once(str(exc))
        return None
    node = ast.parse(tree.text.strip(), mode="eval").body
    if isinstance(node, ast.Dict):
        return [key.value for key in node.keys if isinstance(key, ast.Constant)]
    return None


class NodeModifiers:
    """The merged modifiers of one node.

    :param attrs: the node's attributes
    :param description: the field description for ``field`` nodes (None otherwise)
    """

    def __init__(self, attrs, description=None):
        self.sources = {}
        description = description or {}
        field_states = description.get("states") or {}
        for key in ("readonly", "required"):
            base = bool(description.get(key))
            if field_states and any(attr == key for changes in field_states.values() for attr, _v in changes or []):
                self.sources[key] = FieldStates(key, base, field_states)
            elif base:
                self.sources[key] = Const(True)
        attrs_text = attrs.get("attrs")
        if attrs_text and attrs_text.strip():
            keys = _attrs_keys(attrs_text)
            if keys is None:
                keys = ["invisible", "readonly", "required", "column_invisible"]
            for attrs_key in keys:
                key = "column_invisible" if attrs_key == "tree_invisible" else attrs_key
                if key in KEYS:
                    self.sources[key] = AttrsDomain(key, attrs_text, attrs_key)
        states = attrs.get("states")
        if states:
            current = self.sources.get("invisible")
            node_states = StatesInvisible(states)
            self.sources["invisible"] = Both(current, node_states) if isinstance(current, AttrsDomain) else node_states
        for key in KEYS:
            text = attrs.get(key)
            if text is None:
                continue
            literal = literal_bool(text)
            current = self.sources.get(key)
            if literal is True:
                self.sources[key] = Const(True)
            elif literal is False:
                if current is None or not current.dynamic:
                    self.sources[key] = Const(False)
            else:
                self.sources[key] = Expr(key, text)

    @property
    def dynamic(self):
        return any(source.dynamic for source in self.sources.values())

    def static(self, key):
        """The value of ``key`` when it does not depend on the record, else None."""
        source = self.sources.get(key)
        if source is None:
            return False
        return source.value if not source.dynamic else None

    def evaluate(self, values, names):
        """``{key: bool}`` for every key (False when nothing sets it)."""
        result = {}
        for key in KEYS:
            source = self.sources.get(key)
            if source is None:
                result[key] = False
                continue
            try:
                result[key] = bool(source.evaluate(values, names))
            except Exception as exc:  # a broken arch must not break the form (views.md §2.5)
                _warn_once(f"modifier {key} failed: {type(exc).__name__}: {exc}")
                result[key] = FAILURE_DEFAULTS[key]
        return result
