"""Bounds on what a request may carry (security.md LIM-1, XML-2)."""

#: body size per route family (bytes); configurable through the ``limit_*`` options
SMALL_BODY = 2 * 1024 * 1024
LARGE_BODY = 64 * 1024 * 1024
RESTORE_BODY = 1024 * 1024 * 1024
#: nesting depth of decoded values
MAX_DEPTH = 64


class RequestTooLarge(Exception):
    """The body exceeds the route's limit (HTTP 413)."""


class TooDeep(ValueError):
    """The decoded value nests deeper than :data:`MAX_DEPTH`."""


def check_depth(value, limit=MAX_DEPTH):
    """Raise :class:`TooDeep` when lists/dicts nest deeper than ``limit`` (iterative, no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, tuple)):
            if depth > limit:
                raise TooDeep(f"value nested deeper than {limit} levels")
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, dict):
            if depth > limit:
                raise TooDeep(f"value nested deeper than {limit} levels")
            stack.extend((child, depth + 1) for child in item.values())
    return value
