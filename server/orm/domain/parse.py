"""The domain language: parsing, normalising and combining domains (orm.md §12).

A domain is a list in prefix (Polish) notation of *leaves* ``(field_path, operator, value)`` and
the operators ``'&'`` (and, binary), ``'|'`` (or, binary) and ``'!'`` (not, unary). Leaves with no
operator between them are ANDed::

    [('is_company', '=', True), '|', ('city', 'ilike', 'lyon'), ('country_id.code', '=', 'FR')]

means "companies located in a city matching 'lyon' or in France". ``[]`` matches every record.
Field paths may follow relational fields with dots; every step is checked against the model when
the domain is compiled (:mod:`bureau.orm.domain.compile`), so nothing from a domain reaches SQL
except bound values.

This module knows only the syntax: :func:`parse` turns a domain into a tree of :class:`Node`
objects, rejecting malformed input with :class:`DomainError`.
"""
from ..errors import InputError

NOT_OPERATOR = "!"
OR_OPERATOR = "|"
AND_OPERATOR = "&"
DOMAIN_OPERATORS = (NOT_OPERATOR, OR_OPERATOR, AND_OPERATOR)

#: every operator a leaf may use (after normalisation: lower case, ``<>`` -> ``!=``)
TERM_OPERATORS = (
    "=", "!=", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like", "not like", "ilike",
    "not ilike", "in", "not in", "child_of", "parent_of", "any", "not any",
)
NEGATIVE_TERM_OPERATORS = ("!=", "not like", "not ilike", "not in", "not any")
TERM_OPERATORS_NEGATION = {
    "<": ">=", ">": "<=", "<=": ">", ">=": "<", "=": "!=", "!=": "=", "in": "not in",
    "like": "not like", "ilike": "not ilike", "not in": "in", "not like": "like",
    "not ilike": "ilike", "any": "not any", "not any": "any",
}

TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
TRUE_DOMAIN = [TRUE_LEAF]
FALSE_DOMAIN = [FALSE_LEAF]

MAX_DOMAIN_TERMS = 10_000
#: fields in one path (``partner_id.country_id.code`` has 3): each step is a sub-query, so a path of
#: hundreds of steps would exhaust Python's stack before PostgreSQL saw it
MAX_PATH_STEPS = 10


class DomainError(InputError):
    """A domain is malformed or refers to something that does not exist; the message says what."""


def is_operator(element):
    return isinstance(element, str) and element in DOMAIN_OPERATORS


def is_leaf(element):
    """Whether ``element`` looks like a leaf ``(left, operator, right)`` (tuple or list)."""
    return (isinstance(element, (tuple, list)) and len(element) == 3
            and isinstance(element[1], str)
            and (isinstance(element[0], str) or tuple(element) in (TRUE_LEAF, FALSE_LEAF)))


def normalize_operator(operator):
    if not isinstance(operator, str):
        raise DomainError(f"Invalid operator {operator!r}")
    operator = operator.lower().strip()
    if operator == "<>":
        operator = "!="
    if operator not in TERM_OPERATORS:
        raise DomainError(f"Invalid operator {operator!r}")
    return operator


def normalize_domain(domain):
    """The same domain in prefix notation with every implicit ``'&'`` made explicit.

    :raises DomainError: the domain is not a list, a term is malformed, or operators lack operands
    """
    if domain is None or domain is False:
        return list(TRUE_DOMAIN)
    if not isinstance(domain, (list, tuple)):
        raise DomainError(f"Domains must be lists, got {type(domain).__name__}: {domain!r}")
    if not domain:
        return list(TRUE_DOMAIN)
    if len(domain) > MAX_DOMAIN_TERMS:
        raise DomainError(f"Domain too long ({len(domain)} terms, at most {MAX_DOMAIN_TERMS})")
    result = []
    expected = 1
    for token in domain:
        if expected == 0:
            result[0:0] = [AND_OPERATOR]
            expected = 1
        if isinstance(token, (list, tuple)):
            if not is_leaf(token):
                raise DomainError(f"Invalid domain term {token!r}: expected (field, operator, value)")
            expected -= 1
            result.append(tuple(token))
        elif is_operator(token):
            expected += 0 if token == NOT_OPERATOR else 1
            result.append(token)
        else:
            raise DomainError(f"Invalid domain term {token!r}")
    if expected != 0:
        raise DomainError(f"Invalid domain {list(domain)!r}: an operator lacks operands")
    return result


def _combine(operator, unit, zero, domains):
    result = []
    count = 0
    for domain in domains:
        if not domain or domain == unit:
            continue
        if domain == zero:
            return list(zero)
        result += normalize_domain(domain)
        count += 1
    result = [operator] * (count - 1) + result
    return result or list(unit)


def AND(domains):
    """The conjunction of several domains."""
    return _combine(AND_OPERATOR, TRUE_DOMAIN, FALSE_DOMAIN, [list(d) for d in domains])


def OR(domains):
    """The disjunction of several domains."""
    return _combine(OR_OPERATOR, FALSE_DOMAIN, TRUE_DOMAIN, [list(d) for d in domains])


def distribute_not(domain):
    """Push ``'!'`` down to the leaves (negating operators where possible)."""
    result = []
    stack = [False]
    for token in normalize_domain(domain):
        negate = stack.pop()
        if is_leaf(token):
            if negate:
                left, operator, right = token
                operator = normalize_operator(operator)
                # '!' is the complement (NULL rows included) but '<' and friends never match NULL,
                # so ('a', '<', 1) cannot become ('a', '>=', 1): those keep their '!'
                if (operator in TERM_OPERATORS_NEGATION and operator not in ("<", ">", "<=", ">=")
                        and tuple(token) not in (TRUE_LEAF, FALSE_LEAF)):
                    result.append((left, TERM_OPERATORS_NEGATION[operator], right))
                elif tuple(token) == TRUE_LEAF:
                    result.append(FALSE_LEAF)
                elif tuple(token) == FALSE_LEAF:
                    result.append(TRUE_LEAF)
                else:
                    result += [NOT_OPERATOR, token]
            else:
                result.append(token)
        elif token == NOT_OPERATOR:
            stack.append(not negate)
        else:
            if negate:
                result.append(AND_OPERATOR if token == OR_OPERATOR else OR_OPERATOR)
            else:
                result.append(token)
            stack.append(negate)
            stack.append(negate)
    return result


# -- tree ----------------------------------------------------------------------------------------
class Node:
    """A node of a parsed domain."""

    __slots__ = ()


class And(Node):
    __slots__ = ("children",)

    def __init__(self, children):
        self.children = children

    def __repr__(self):
        return f"And({self.children!r})"


class Or(Node):
    __slots__ = ("children",)

    def __init__(self, children):
        self.children = children

    def __repr__(self):
        return f"Or({self.children!r})"


class Not(Node):
    __slots__ = ("child",)

    def __init__(self, child):
        self.child = child

    def __repr__(self):
        return f"Not({self.child!r})"


class Constant(Node):
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return "TRUE" if self.value else "FALSE"


class Leaf(Node):
    """A condition ``(path, operator, value)``; ``path`` is a tuple of field names."""

    __slots__ = ("path", "operator", "value", "source")

    def __init__(self, path, operator, value, source):
        self.path = path
        self.operator = operator
        self.value = value
        self.source = source

    def __repr__(self):
        return f"Leaf({'.'.join(self.path)!r}, {self.operator!r}, {self.value!r})"


def parse(domain):
    """Parse a domain into a :class:`Node` tree.

    :raises DomainError: malformed domain, bad field path syntax or unknown operator
    """
    tokens = normalize_domain(domain)
    # read right to left with a stack of operands: no recursion, so a chain of 999 '|' (what
    # clients send to OR many ids) cannot exhaust Python's stack
    stack = []
    for token in reversed(tokens):
        if token == AND_OPERATOR or token == OR_OPERATOR:
            if len(stack) < 2:
                raise DomainError(f"Invalid domain {list(domain)!r}: an operator lacks operands")
            cls = And if token == AND_OPERATOR else Or
            children = []
            for child in (stack.pop(), stack.pop()):
                children.extend(child.children if isinstance(child, cls) else [child])
            stack.append(cls(children))
        elif token == NOT_OPERATOR:
            if not stack:
                raise DomainError(f"Invalid domain {list(domain)!r}: an operator lacks operands")
            stack.append(Not(stack.pop()))
        else:
            stack.append(parse_leaf(token))
    if len(stack) != 1:
        raise DomainError(f"Invalid domain {list(domain)!r}")
    return stack[0]


def parse_leaf(token):
    if tuple(token) == TRUE_LEAF:
        return Constant(True)
    if tuple(token) == FALSE_LEAF:
        return Constant(False)
    left, operator, value = token
    operator = normalize_operator(operator)
    if not isinstance(left, str) or not left:
        raise DomainError(f"Invalid field {left!r} in leaf {tuple(token)!r}")
    path = tuple(left.split("."))
    if len(path) > MAX_PATH_STEPS:
        raise DomainError(f"Invalid field {left!r}: paths have at most {MAX_PATH_STEPS} fields")
    for name in path:
        if not name or not name.replace("_", "a").isalnum() or not (name[0].isalpha() or name[0] == "_"):
            raise DomainError(f"Invalid field {left!r} in leaf {tuple(token)!r}")
    if isinstance(value, list):
        value = tuple(value)
    return Leaf(path, operator, value, tuple(token))
