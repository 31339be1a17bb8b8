"""Request limits against a real server (security.md LIM-1, LIM-2, XML-1, XML-2): oversized bodies
get 413 before they are read, hostile XML and JSON are refused, and the server answers normally
afterwards. The server runs with small body limits so that the tests send little data."""
import gzip
import http.client
import json
import urllib.parse
import xmlrpc.client

import pytest

from conftest import RPC_ADMIN_PASSWORD, start_server

pytestmark = [pytest.mark.pg]

SMALL = 64 * 1024
LARGE = 256 * 1024


@pytest.fixture(scope="module")
def server(pg, rpc_db):
    server = start_server(pg, env_extra={"BUREAU_LIMIT_REQUEST_SMALL": str(SMALL),
                                         "BUREAU_LIMIT_REQUEST_LARGE": str(LARGE)})
    yield server
    server.stop()


def post(server, path, body, headers=None, chunked=False):
    """``(status, body bytes)`` of a raw POST; a connection the server closes early counts as its
    status line if one was sent."""
    url = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = {"Content-Type": "text/xml", **(headers or {})}
    try:
        if chunked:
            connection.request("POST", path, body=iter([body]), headers=headers, encode_chunked=True)
        else:
            connection.request("POST", path, body=body, headers=headers)
        reply = connection.getresponse()
        return reply.status, reply.read()
    finally:
        connection.close()


def xml_call(method, *params):
    return xmlrpc.client.dumps(params, method).encode()


def json_call(service, method, *args, request_id=1):
    return json.dumps({"jsonrpc": "2.0", "method": "call", "id": request_id,
                       "params": {"service": service, "method": method, "args": list(args)}}).encode()


def assert_still_serving(server, rpc_db):
    """The server answers a normal authenticated call on both transports."""
    common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
    uid = common.authenticate(rpc_db, "admin", RPC_ADMIN_PASSWORD, {})
    assert uid
    status, body = post(server, "/jsonrpc", json_call("object", "execute_kw", rpc_db, uid, RPC_ADMIN_PASSWORD,
                                                      "res.partner", "search_count", [[]]),
                        headers={"Content-Type": "application/json"})
    assert status == 200 and json.loads(body)["result"] > 0


def xml_fault(body):
    with pytest.raises(xmlrpc.client.Fault) as info:
        xmlrpc.client.loads(body)
    return info.value


# -- body size (LIM-1) -------------------------------------------------------------------------------
@pytest.mark.parametrize("path, content_type, limit", [
    ("/xmlrpc/2/object", "text/xml", LARGE),
    ("/xmlrpc/2/common", "text/xml", LARGE),
    ("/xmlrpc/object", "text/xml", LARGE),
    ("/jsonrpc", "application/json", LARGE),
])
def test_body_over_the_route_limit_gets_413(server, rpc_db, path, content_type, limit):
    status, _ = post(server, path, b" " * (limit + 1), headers={"Content-Type": content_type})
    assert status == 413
    assert_still_serving(server, rpc_db)


@pytest.mark.parametrize("path", ["/xmlrpc/2/object", "/jsonrpc"])
def test_chunked_body_over_the_limit_gets_413(server, rpc_db, path):
    """No Content-Length to trust: the body is cut at the limit while it is read."""
    status, _ = post(server, path, b" " * (LARGE + 10), chunked=True)
    assert status == 413
    assert_still_serving(server, rpc_db)


def test_body_within_the_limit_is_served(server, rpc_db):
    padding = "x" * (LARGE // 2)
    status, body = post(server, "/xmlrpc/2/common", xml_call("version") + f"<!-- {padding} -->".encode())
    assert status == 200
    assert xmlrpc.client.loads(body)[0][0]["server_version"]


# -- hostile XML (XML-1, XML-2) -------------------------------------------------------------------
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<methodCall><methodName>version</methodName><params><param><value><string>&lol9;</string></value></param>
</params></methodCall>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>about</methodName><params><param><value><string>&secret;</string></value></param>
</params></methodCall>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE methodCall SYSTEM "http://127.0.0.1:9/evil.dtd">
<methodCall><methodName>version</methodName><params></params></methodCall>"""


def nested_xml(depth):
    value = "<value><int>1</int></value>"
    for _ in range(depth):
        value = f"<value><array><data>{value}</data></array></value>"
    return f"<?xml version='1.0'?><methodCall><methodName>about</methodName><params><param>{value}</param>" \
           f"</params></methodCall>".encode()


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_xml_with_a_dtd_or_entities_is_refused(server, rpc_db, body):
    status, reply = post(server, "/xmlrpc/2/common", body)
    assert status == 200
    fault = xml_fault(reply)
    assert "Invalid XML-RPC request" in fault.faultString
    assert b"root:" not in reply and b"lollol" not in reply
    assert_still_serving(server, rpc_db)


def test_xml_nested_deeper_than_64_is_refused(server, rpc_db):
    status, reply = post(server, "/xmlrpc/2/common", nested_xml(100))
    assert status == 200
    assert "nested deeper than 64" in xml_fault(reply).faultString
    assert_still_serving(server, rpc_db)


def test_xml_nested_thousands_deep_is_refused_without_harm(server, rpc_db):
    status, reply = post(server, "/xmlrpc/2/common", nested_xml(5000))
    assert status in (200, 413)
    if status == 200:
        xml_fault(reply)
    assert_still_serving(server, rpc_db)


def test_xml_nested_64_deep_is_accepted(server, rpc_db):
    status, reply = post(server, "/xmlrpc/2/common", nested_xml(62))
    assert status == 200
    xmlrpc.client.loads(reply)


def test_gzip_bomb_is_not_inflated(server, rpc_db):
    """A compressed body is never decompressed: 100 MiB of zeros in a 100 kB body is refused."""
    bomb = gzip.compress(b"<" + b"0" * (100 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < LARGE
    status, reply = post(server, "/xmlrpc/2/common", bomb, headers={"Content-Encoding": "gzip"})
    assert status in (200, 400, 415)
    if status == 200:
        xml_fault(reply)
    assert_still_serving(server, rpc_db)


# -- hostile JSON (LIM-2, XML-2) ----------------------------------------------------------------------
def jsonrpc_error(server, body):
    status, reply = post(server, "/jsonrpc", body, headers={"Content-Type": "application/json"})
    assert status == 200
    reply = json.loads(reply)
    assert "result" not in reply
    return reply["error"]


def test_json_batch_array_is_refused(server, rpc_db):
    batch = b"[" + b",".join(json_call("common", "version", request_id=n) for n in range(3)) + b"]"
    error = jsonrpc_error(server, batch)
    assert "batch" in error["data"]["message"]
    assert_still_serving(server, rpc_db)


def test_json_nested_deeper_than_64_is_refused(server, rpc_db):
    value = 1
    for _ in range(100):
        value = [value]
    error = jsonrpc_error(server, json_call("common", "about", value))
    assert "nested deeper than 64" in error["data"]["message"]
    assert_still_serving(server, rpc_db)


def test_json_nested_beyond_the_parser_recursion_is_refused(server, rpc_db):
    body = b'{"jsonrpc": "2.0", "id": 1, "params": {"args": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    assert len(body) < LARGE
    error = jsonrpc_error(server, body)
    assert "nested too deeply" in error["data"]["message"]
    assert_still_serving(server, rpc_db)


def test_json_that_is_not_json_is_refused(server, rpc_db):
    error = jsonrpc_error(server, b'{"jsonrpc": "2.0", "params": \xff\xfe')
    assert "Invalid JSON-RPC request" in error["data"]["message"]
    assert_still_serving(server, rpc_db)


# -- start-up checks (TRX-C, XML-3) -------------------------------------------------------------------
def test_start_logs_durability_settings_and_the_expat_version(server):
    import pyexpat
    log = server.log()
    assert "PostgreSQL fsync=on synchronous_commit=on full_page_writes=on" in log \
        or "is off: a crash of the machine can lose" in log
    assert pyexpat.EXPAT_VERSION in log
