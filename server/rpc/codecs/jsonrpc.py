"""JSON-RPC bytes <-> Python, with no I/O (rpc.md §4).

Requests are strict JSON as to numbers: Python's parser also reads ``NaN``, ``Infinity`` and
numbers too large for a float (``1e400`` is infinity); they are refused (security.md VAL-5).
"""
import datetime
import json
import math

from ...exceptions import ValidationError
from ..limits import check_depth


class JsonRpcDecodeError(ValidationError):
    """The request is not acceptable JSON-RPC."""


def decode_request(body):
    """``(request id, params dict)`` of a JSON-RPC request body.

    :raises JsonRpcDecodeError: bad JSON or envelope, batch arrays, too deep values
    """
    try:
        data = json.loads(body, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise JsonRpcDecodeError("Invalid JSON-RPC request: nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonRpcDecodeError(f"Invalid JSON-RPC request: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise JsonRpcDecodeError("Invalid JSON-RPC request: expected an object (batches are refused)")
    params = data.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise JsonRpcDecodeError("Invalid JSON-RPC request: params must be an object")
    try:
        check_depth(params)
    except ValueError as exc:
        raise JsonRpcDecodeError(f"Invalid JSON-RPC request: {exc}") from None
    return data.get("id"), params


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:50]}")
    return value


def _default(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (set, frozenset)):
        return list(value)
    if hasattr(value, "_ids"):
        return list(value.ids)
    if hasattr(value, "items"):
        return dict(value.items())
    return str(value)


def encode_result(request_id, result):
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "result": result}, default=_default).encode()


def encode_error(request_id, error):
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "error": error}, default=_default).encode()
