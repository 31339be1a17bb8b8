"""XML-RPC bytes <-> Python, with no I/O (rpc.md §5, security.md XML-1/2).

Requests are parsed by defusedxml's expat parser with DTDs forbidden (no entity expansion, no
external entities) and their values' nesting bounded; ``<double>`` and ``<bigdecimal>`` values must
be finite (security.md VAL-5: ``nan`` and ``inf`` are refused). Replies never fail on ``None`` (sent as
False), send dates as strings, struct keys as strings and strip control characters.
"""
import datetime
import decimal
import math
import re
import xmlrpc.client

from defusedxml.xmlrpc import DefusedExpatParser

from ...exceptions import ValidationError
from ..limits import check_depth

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class XmlRpcDecodeError(ValidationError):
    """The request is not acceptable XML-RPC."""


class _Unmarshaller(xmlrpc.client.Unmarshaller):
    """The stdlib unmarshaller, refusing NaN and infinities."""

    dispatch = dict(xmlrpc.client.Unmarshaller.dispatch)

    def end_double(self, data):
        if not math.isfinite(float(data)):
            raise ValueError("numbers must be finite")
        xmlrpc.client.Unmarshaller.end_double(self, data)

    dispatch["double"] = end_double
    dispatch["float"] = end_double

    def end_bigdecimal(self, data):
        if not decimal.Decimal(data).is_finite():
            raise ValueError("numbers must be finite")
        xmlrpc.client.Unmarshaller.end_bigdecimal(self, data)

    dispatch["bigdecimal"] = end_bigdecimal


def decode_request(body):
    """``(method, params)`` of an XML-RPC request body.

    :raises XmlRpcDecodeError: malformed XML, a DTD or entities, too deep values
    """
    unmarshaller = _Unmarshaller(use_datetime=True, use_builtin_types=True)
    parser = DefusedExpatParser(unmarshaller, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(body)
        parser.close()
        params = unmarshaller.close()
        method = unmarshaller.getmethodname()
    except Exception as exc:
        raise XmlRpcDecodeError(f"Invalid XML-RPC request: {type(exc).__name__}: {str(exc)[:200]}") from None
    if not method:
        raise XmlRpcDecodeError("Invalid XML-RPC request: no method name")
    try:
        check_depth(params)
    except ValueError as exc:
        raise XmlRpcDecodeError(f"Invalid XML-RPC request: {exc}") from None
    return method, params


def wire(value):
    """A value the XML-RPC marshaller accepts (and that clients expect)."""
    if value is None:
        return False
    if isinstance(value, str):
        return _CONTROL_CHARS.sub("", value)
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(key): wire(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [wire(item) for item in value]
    if hasattr(value, "_ids"):
        return list(value.ids)
    return str(value)


def encode_response(result):
    return xmlrpc.client.dumps((wire(result),), methodresponse=True, allow_none=False).encode()


def encode_fault(code, message):
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, _CONTROL_CHARS.sub("", str(message))),
                               methodresponse=True).encode()
