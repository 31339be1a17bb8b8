"""Composable SQL: code with bound parameters, built from trusted pieces only.

Every statement Bureau runs is an :class:`SQL` object. Its code is written by Bureau itself; values
always travel as parameters; identifiers go through :meth:`SQL.identifier`, which quotes them and
refuses anything that is not a plain name. Domains, ``order`` strings and RPC input therefore cannot
reach the SQL text (orm.md DOM-32).

>>> query = SQL("SELECT %s FROM %s WHERE %s = %s", SQL.identifier("name"),
...             SQL.identifier("res_partner"), SQL.identifier("id"), 42)
>>> query.code, query.params
('SELECT "name" FROM "res_partner" WHERE "id" = %s', [42])
"""
import re

MAX_IDENTIFIER_BYTES = 63
IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*\Z")    # \Z: "$" would accept a trailing newline
_TOKEN_RE = re.compile(r"%%|%s")


class SQL:
    """A piece of SQL: ``code`` with ``%s`` placeholders and the matching ``params``.

    :param code: SQL text; ``%s`` marks an argument, ``%%`` a literal percent sign
    :param args: one per ``%s``: an :class:`SQL` object (inlined with its own params) or a value
        (becomes a bound parameter)
    """

    __slots__ = ("_code", "_params")

    def __init__(self, code="", *args):
        if not args:
            self._code = code
            self._params = []
            return
        parts = _split_placeholders(code)
        if len(parts) != len(args) + 1:
            raise TypeError(f"SQL: {len(parts) - 1} placeholders for {len(args)} arguments in {code!r}")
        out = [parts[0]]
        params = []
        for arg, part in zip(args, parts[1:]):
            if isinstance(arg, SQL):
                out.append(arg._code)
                params.extend(arg._params)
            else:
                out.append("%s")
                params.append(arg)
            out.append(part)
        self._code = "".join(out)
        self._params = params

    @property
    def code(self):
        return self._code

    @property
    def params(self):
        return list(self._params)

    def __bool__(self):
        return bool(self._code)

    def __eq__(self, other):
        return isinstance(other, SQL) and (self._code, self._params) == (other._code, other._params)

    def __hash__(self):
        return hash(self._code)

    def __repr__(self):
        return f"SQL({self._code!r}, {self._params!r})"

    def __iter__(self):
        # allows ``cr.execute(*sql)`` style unpacking
        yield self._code
        yield self._params

    @classmethod
    def join(cls, separator, items):
        """Join SQL objects (or values, which become parameters) with a separator string."""
        items = [item if isinstance(item, SQL) else SQL("%s", item) for item in items]
        if not items:
            return SQL()
        joined = cls.__new__(cls)
        joined._code = separator.join(item._code for item in items)
        joined._params = [p for item in items for p in item._params]
        return joined

    @classmethod
    def identifier(cls, name, subname=None):
        """A quoted identifier (``"name"``) or qualified identifier (``"alias"."name"``).

        :raises ValueError: the name is not a plain identifier or is longer than 63 bytes
        """
        check_identifier(name)
        if subname is None:
            return cls(f'"{name}"')
        check_identifier(subname)
        return cls(f'"{name}"."{subname}"')


def check_identifier(name):
    """Refuse anything but a plain SQL name of at most 63 bytes.

    :raises ValueError: naming the bad identifier
    """
    if not isinstance(name, str) or not IDENTIFIER_RE.match(name):
        raise ValueError(f"invalid SQL identifier: {name!r}")
    if len(name.encode()) > MAX_IDENTIFIER_BYTES:
        raise ValueError(f"SQL identifier longer than {MAX_IDENTIFIER_BYTES} bytes: {name!r}")
    return name


def make_identifier(name):
    """Shorten a generated identifier (alias, constraint, index name) deterministically to 63 bytes."""
    if len(name.encode()) <= MAX_IDENTIFIER_BYTES:
        return name
    import hashlib
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return name.encode()[:MAX_IDENTIFIER_BYTES - 9].decode(errors="ignore") + "_" + digest


def _split_placeholders(code):
    """Split ``code`` at its ``%s`` placeholders; ``%%`` (a literal percent sign) is kept as is."""
    parts = []
    start = 0
    for match in _TOKEN_RE.finditer(code):
        if match.group() == "%s":
            parts.append(code[start:match.start()])
            start = match.end()
    parts.append(code[start:])
    return parts
