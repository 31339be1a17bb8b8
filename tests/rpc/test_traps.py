"""The traps checklist of rpc.md §16, one test per line, each written the way the client that
falls into the trap calls the server (OdooRPC = RPC, Odooly = OLY, odoo-client-lib = OCL, Odoo's
documented stdlib examples = DOC)."""
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import xmlrpc.client

import pytest

from conftest import RPC_ADMIN_PASSWORD
from rpc_clients import JsonRpc, JsonRpcError, XmlRpc, post_json


@pytest.fixture(scope="module")
def uid(live_server, rpc_db):
    return xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common").login(rpc_db, "admin",
                                                                                   RPC_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def xml(live_server, rpc_db, uid):
    return XmlRpc(live_server.url, rpc_db, uid, RPC_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def jsonrpc(live_server, rpc_db, uid):
    return JsonRpc(live_server.url, rpc_db, uid, RPC_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def pride(xml):
    return xml.execute("ir.model.data", "check_object_reference", "library", "book_pride")[1]


def _web_opener():
    jar = http.cookiejar.CookieJar()
    return jar, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def _web_call(opener, url, params):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": "5f3a"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with opener.open(request) as response:
        return response.status, response.headers, json.loads(response.read())


def test_version_parses_for_odoorpc_and_odooly_and_stays_below_19(live_server, rpc_db):
    replies = [xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common").version()["server_version"],
               post_json(f"{live_server.url}/web/webclient/version_info", {})[2]["result"]["server_version"],
               JsonRpc(live_server.url, rpc_db, 0, "").call_service("common", "version")["server_version"]]
    for version in replies:
        # OdooRPC: cut at '-', keep digits and dots, int() every part
        parts = [int(part) for part in re.sub(r"[^0-9.]", "", version.split("-")[0]).split(".")]
        assert parts[0] >= 10
        # Odooly: the first number as a float, > 8; from 19 on it would switch to /json/2
        assert 16 <= float(re.search(r"\d+\.?\d*", version).group()) < 19


def test_json_errors_carry_data_message_and_keep_http_200(live_server, rpc_db):
    calls = [
        ("/jsonrpc", {"service": "object", "method": "execute_kw",
                      "args": [rpc_db, 2, "wrong", "res.partner", "search", [[]]]}),
        ("/jsonrpc", {"service": "object", "method": "execute_kw",
                      "args": [rpc_db, 2, RPC_ADMIN_PASSWORD, "no.such.model", "search", [[]]]}),
        ("/jsonrpc", {"service": "nosuch", "method": "x", "args": []}),
        ("/web/session/get_session_info", {}),
    ]
    for path, params in calls:
        status, content_type, reply = post_json(live_server.url + path, params)
        assert status == 200, path
        assert isinstance(reply["error"]["data"]["message"], str), path  # OdooRPC: KeyError otherwise


def test_bad_credentials_false_on_common_access_denied_elsewhere(live_server, rpc_db, uid):
    common = xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common")
    assert common.login(rpc_db, "admin", "wrong") is False
    assert common.authenticate(rpc_db, "admin", "wrong", {}) is False
    with pytest.raises(xmlrpc.client.Fault) as info:
        XmlRpc(live_server.url, rpc_db, uid, "wrong")("res.partner", "search", [])
    assert info.value.faultCode == 3
    _, opener = _web_opener()
    status, _, reply = _web_call(opener, f"{live_server.url}/web/session/authenticate",
                                 {"db": rpc_db, "login": "admin", "password": "wrong"})
    assert status == 200
    assert reply["error"]["code"] == 200
    assert reply["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"


def test_legacy_routes_use_string_codes_and_v2_routes_int_codes(live_server, rpc_db, uid):
    codes = {}
    for legacy in (False, True):
        with pytest.raises(xmlrpc.client.Fault) as info:
            XmlRpc(live_server.url, rpc_db, uid, "wrong", legacy=legacy)("res.partner", "search", [])
        codes[legacy] = info.value.faultCode
    assert codes == {False: 3, True: "AccessDenied"}


def test_private_methods_refused_with_fault_4_before_any_lookup(xml):
    for model, method in (("res.partner", "_read"), ("no.such.model", "_anything"), ("no.such.model", "init")):
        with pytest.raises(xmlrpc.client.Fault) as info:
            xml(model, method, [])
        assert info.value.faultCode == 4
        assert info.value.faultString == f"Private methods (such as {method}) cannot be called remotely."


def test_client_library_call_shapes_are_valid(xml, jsonrpc, pride):
    assert "name" in jsonrpc.execute("library.book", "fields_get")
    assert "name" in xml("library.book", "fields_get")
    assert isinstance(jsonrpc("library.book", "read", [pride], ["author_id"], load="_classic_write")[0]["author_id"],
                      int)
    assert xml("library.book", "read", pride, ["name"]) == [{"id": pride, "name": "Pride and Prejudice"}]
    assert pride in xml("library.book", "search", [], 0, False, False)
    assert "isbn" in xml("library.book", "read", [pride], [])[0]


def test_create_returns_an_int_for_a_dict_and_a_list_for_a_list(jsonrpc):
    single = jsonrpc("test.orm.category", "create", {"name": "trap single"})
    batch = jsonrpc("test.orm.category", "create", [{"name": "trap batch"}])
    assert isinstance(single, int) and isinstance(batch, list) and len(batch) == 1
    jsonrpc("test.orm.category", "unlink", [single] + batch)


def test_name_search_accepts_args_and_domain(xml, pride):
    restrict = [["id", "=", pride]]
    assert xml("library.book", "name_search", "pride", args=restrict) == [[pride, "Pride and Prejudice"]]
    assert xml("library.book", "name_search", "pride", domain=restrict) == [[pride, "Pride and Prejudice"]]


def test_read_group_count_key_depends_on_lazy(xml, pride):
    domain = [["id", "=", pride]]
    [lazy] = xml("library.book", "read_group", domain, ["name"], ["create_date:month"])
    assert lazy["create_date_count"] == 1 and "__count" not in lazy
    assert "__range" in lazy and "__domain" in lazy
    [flat] = xml("library.book", "read_group", domain, ["name"], ["create_date:month", "genre"], lazy=False)
    assert flat["__count"] == 1 and "create_date_count" not in flat


def test_empty_values_are_false_never_null(xml, jsonrpc):
    probe = jsonrpc("test.orm.rpc", "create", {})
    assert jsonrpc("test.orm.rpc", "read", [probe], ["name", "day", "moment"]) == [
        {"id": probe, "name": False, "day": False, "moment": False}]
    assert xml("test.orm.rpc", "action_nothing", [probe]) is False  # a None result is not marshalled
    assert jsonrpc("test.orm.rpc", "action_nothing", [probe]) is False
    jsonrpc("test.orm.rpc", "unlink", [probe])


def test_context_is_pulled_from_kwargs_unknown_keys_kept_uid_ignored(jsonrpc, uid):
    probe = jsonrpc("test.orm.rpc", "create", {})
    seen = jsonrpc("test.orm.rpc", "rpc_environment", [probe], context={"x_tool": "yes", "uid": 1})
    assert seen["kwargs"] == []
    assert seen["context"] == {"x_tool": "yes"}
    assert seen["uid"] == uid
    jsonrpc("test.orm.rpc", "unlink", [probe])


def test_session_cookie_has_no_domain_no_secure_and_uid_is_an_int(live_server, rpc_db, uid):
    jar, opener = _web_opener()
    status, headers, reply = _web_call(opener, f"{live_server.url}/web/session/authenticate",
                                       {"db": rpc_db, "login": "admin", "password": RPC_ADMIN_PASSWORD})
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("session_id=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert "domain" not in attributes and "secure" not in attributes
    assert {"path", "httponly"} <= attributes
    info = reply["result"]
    assert info["uid"] == uid and type(info["uid"]) is int
    # the standard cookie jar sends it back to 127.0.0.1
    assert _web_call(opener, f"{live_server.url}/web/session/get_session_info", {})[2]["result"]["uid"] == uid
    _, _, refused = _web_call(_web_opener()[1], f"{live_server.url}/web/session/authenticate",
                              {"db": rpc_db, "login": "admin", "password": "wrong"})
    assert "result" not in refused  # never {"uid": null}: Odooly would start a 2FA flow


def test_every_json_answer_has_a_json_content_type(live_server, rpc_db):
    for path, params in (("/jsonrpc", {"service": "common", "method": "version", "args": []}),
                         ("/jsonrpc", {"service": "nosuch", "method": "x", "args": []}),
                         ("/web/webclient/version_info", {}),
                         ("/web/database/list", {}),
                         ("/web/session/get_lang_list", {}),
                         ("/web/session/get_session_info", {}),
                         ("/web/dataset/call_kw/res.partner/search", {"model": "res.partner", "method": "search",
                                                                     "args": [[]], "kwargs": {}})):
        status, content_type, reply = post_json(live_server.url + path, params)
        assert status == 200 and "json" in content_type, path


def test_form_posts_with_none_and_false_strings_are_answered_not_crashed(live_server):
    """Odooly urlencodes Python's None and False: the form is understood and the (wrong) master
    password refused with the 403 page whose text sits between tags."""
    form = urllib.parse.urlencode({"master_pwd": "not the master password", "name": "trap_form_db",
                                   "lang": "None", "password": "x", "demo": "False", "login": "admin",
                                   "country_code": "None", "phone": "None"}).encode()
    request = urllib.request.Request(f"{live_server.url}/web/database/create", data=form,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request)
    assert info.value.code == 403
    fragments = [text.strip() for text in re.findall(r">([^<>]+)<", info.value.read().decode()) if text.strip()]
    assert fragments == ["Could not create database. Access Denied"]


def test_missing_ids_in_read_are_skipped(xml, jsonrpc, pride):
    assert xml("library.book", "read", [pride, 999999999], ["name"]) == [{"id": pride, "name": "Pride and Prejudice"}]
    assert jsonrpc("library.book", "read", [999999999], ["name"]) == []


def test_unknown_database_errors_say_does_not_exist(live_server, uid):
    with pytest.raises(xmlrpc.client.Fault) as info:
        xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common").login("no_such_db_trap", "admin", "x")
    assert "does not exist" in info.value.faultString
    with pytest.raises(JsonRpcError) as error:
        JsonRpc(live_server.url, "no_such_db_trap", uid, "x")("res.partner", "search", [])
    assert "does not exist" in error.value.error["data"]["message"]
    _, _, reply = _web_call(_web_opener()[1], f"{live_server.url}/web/session/authenticate",
                            {"db": "no_such_db_trap", "login": "admin", "password": "x"})
    assert "does not exist" in reply["error"]["data"]["message"]
