"""Every error shape of rpc.md §4 on ``/xmlrpc/2`` (integer fault codes), the legacy ``/xmlrpc``
routes (string fault codes) and ``/jsonrpc`` (error objects), against the live server; the methods
clients may not call (security.md ACL-1); tracebacks only in debug mode and only for loopback
clients (ERR-1)."""
import http.cookiejar
import json
import socket
import urllib.request
import xmlrpc.client

import pytest

from conftest import RPC_ADMIN_PASSWORD, start_server
from rpc_clients import JsonRpc, JsonRpcError, XmlRpc, post_json

#: ORM methods that are not an API (security.md ACL-1)
REFUSED_BASE_METHODS = ["sudo", "with_user", "with_context", "with_company", "with_env", "browse", "mapped",
                        "filtered", "filtered_domain", "sorted", "ensure_one", "invalidate_model",
                        "invalidate_recordset", "invalidate_cache", "flush_model", "flush", "modified",
                        "check_access", "new", "concat", "grouped"]


@pytest.fixture(scope="module")
def admin_uid(live_server, rpc_db):
    return xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common").login(rpc_db, "admin",
                                                                                   RPC_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def xml(live_server, rpc_db, admin_uid):
    return XmlRpc(live_server.url, rpc_db, admin_uid, RPC_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def legacy(live_server, rpc_db, admin_uid):
    return XmlRpc(live_server.url, rpc_db, admin_uid, RPC_ADMIN_PASSWORD, legacy=True)


@pytest.fixture(scope="module")
def jsonrpc(live_server, rpc_db, admin_uid):
    return JsonRpc(live_server.url, rpc_db, admin_uid, RPC_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def draft_loan(xml):
    return xml.execute("ir.model.data", "check_object_reference", "library", "loan_alice_miserables")[1]


def fault(call, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(*args, **kwargs)
    return info.value


def error(call, *args, **kwargs):
    with pytest.raises(JsonRpcError) as info:
        call(*args, **kwargs)
    return info.value.error


def assert_error_object(error_object, name, message, code=200):
    """Every field rpc.md §4 requires, with production-mode ``debug``."""
    assert error_object["code"] == code
    assert error_object["message"] == "Odoo Server Error"
    data = error_object["data"]
    assert set(data) >= {"name", "message", "arguments", "debug", "context"}
    assert data["name"] == name
    assert data["message"] == message
    assert data["arguments"] == [message]
    assert data["debug"] == f"{name}: {message}"
    assert data["context"] == {}


# -- one shape per exception class ---------------------------------------------------------------
def test_bad_password_is_access_denied(live_server, rpc_db, admin_uid):
    wrong = XmlRpc(live_server.url, rpc_db, admin_uid, "wrong password")
    denied = fault(wrong, "res.partner", "search", [])
    assert (denied.faultCode, denied.faultString) == (3, "Access Denied")
    wrong_legacy = XmlRpc(live_server.url, rpc_db, admin_uid, "wrong password", legacy=True)
    denied = fault(wrong_legacy, "res.partner", "search", [])
    assert (denied.faultCode, denied.faultString) == ("AccessDenied", "Access Denied")
    wrong_json = JsonRpc(live_server.url, rpc_db, admin_uid, "wrong password")
    assert_error_object(error(wrong_json, "res.partner", "search", []), "odoo.exceptions.AccessDenied",
                        "Access Denied")


def test_uid_false_or_unknown_is_access_denied(live_server, rpc_db):
    for uid in (False, 0, 999999):
        client = XmlRpc(live_server.url, rpc_db, uid, RPC_ADMIN_PASSWORD)
        assert fault(client, "res.partner", "search", []).faultCode == 3


def test_access_rights_failure_is_access_error(xml, legacy, jsonrpc, live_server, rpc_db):
    group_user = xml.execute("ir.model.data", "check_object_reference", "base", "group_user")[1]
    uid = xml("res.users", "create", {"name": "RPC Errors Employee", "login": "rpc_errors_employee",
                                      "password": "rpc-errors-password", "groups_id": [[6, 0, [group_user]]]})
    employee = XmlRpc(live_server.url, rpc_db, uid, "rpc-errors-password")
    refused = fault(employee, "library.book", "search", [])
    assert refused.faultCode == 4
    assert "library.book" in refused.faultString
    employee_legacy = XmlRpc(live_server.url, rpc_db, uid, "rpc-errors-password", legacy=True)
    refused_legacy = fault(employee_legacy, "library.book", "search", [])
    assert refused_legacy.faultCode == "warning -- AccessError\n\n" + refused.faultString
    assert refused_legacy.faultString == refused.faultString
    employee_json = JsonRpc(live_server.url, rpc_db, uid, "rpc-errors-password")
    assert_error_object(error(employee_json, "library.book", "search", []), "odoo.exceptions.AccessError",
                        refused.faultString)


def test_business_error_is_user_error(xml, legacy, jsonrpc, draft_loan):
    refused = fault(xml, "library.loan", "action_return", [draft_loan])
    assert refused.faultCode == 2
    assert refused.faultString.startswith("Only ongoing loans can be returned")
    refused_legacy = fault(legacy, "library.loan", "action_return", [draft_loan])
    assert refused_legacy.faultCode == "warning -- UserError\n\n" + refused.faultString
    assert refused_legacy.faultString == refused.faultString
    assert_error_object(error(jsonrpc, "library.loan", "action_return", [draft_loan]),
                        "odoo.exceptions.UserError", refused.faultString)


def test_constraint_failure_is_validation_error(xml, legacy, jsonrpc):
    bad_isbn = {"name": "Bad ISBN", "isbn": "978-0-00-000000-1"}
    refused = fault(xml, "library.book", "create", bad_isbn)
    assert refused.faultCode == 2
    assert refused.faultString == "The ISBN 978-0-00-000000-1 of Bad ISBN is not valid."
    refused_legacy = fault(legacy, "library.book", "create", bad_isbn)
    assert refused_legacy.faultCode == "warning -- UserError\n\n" + refused.faultString
    assert_error_object(error(jsonrpc, "library.book", "create", bad_isbn), "odoo.exceptions.ValidationError",
                        refused.faultString)
    assert xml("library.book", "search", [["name", "=", "Bad ISBN"]]) == []


def test_database_integrity_error_is_validation_error(xml, jsonrpc):
    negative = {"name": "Negative price", "price": -1}
    refused = fault(xml, "library.book", "create", negative)
    assert refused.faultCode == 2
    assert "price" in refused.faultString
    assert error(jsonrpc, "library.book", "create", negative)["data"]["name"] == "odoo.exceptions.ValidationError"
    assert xml("library.book", "search", [["name", "=", "Negative price"]]) == []


def test_write_or_unlink_on_a_deleted_record_is_missing_error(xml, legacy, jsonrpc):
    gone = xml("test.orm.category", "create", {"name": "soon gone"})
    xml("test.orm.category", "unlink", [gone])
    refused = fault(xml, "test.orm.category", "write", [gone], {"name": "again"})
    assert refused.faultCode == 2
    refused_legacy = fault(legacy, "test.orm.category", "write", [gone], {"name": "again"})
    assert refused_legacy.faultCode == "warning -- MissingError\n\n" + refused.faultString
    assert_error_object(error(jsonrpc, "test.orm.category", "write", [gone], {"name": "again"}),
                        "odoo.exceptions.MissingError", refused.faultString)
    assert fault(xml, "test.orm.category", "unlink", [gone]).faultCode == 2


def test_unknown_model_is_user_error(xml, legacy, jsonrpc):
    refused = fault(xml, "no.such.model", "search", [])
    assert (refused.faultCode, refused.faultString) == (2, "Object no.such.model doesn't exist")
    assert fault(legacy, "no.such.model", "search", []).faultCode == \
        "warning -- UserError\n\nObject no.such.model doesn't exist"
    assert_error_object(error(jsonrpc, "no.such.model", "search", []), "odoo.exceptions.UserError",
                        "Object no.such.model doesn't exist")


def test_unknown_method_is_attribute_error(xml, legacy, jsonrpc):
    message = "The method 'no_such_method' does not exist on the model 'res.partner'"
    refused = fault(xml, "res.partner", "no_such_method", [])
    assert refused.faultCode == 1
    assert refused.faultString == f"builtins.AttributeError: {message}"
    refused_legacy = fault(legacy, "res.partner", "no_such_method", [])
    assert refused_legacy.faultCode == message
    assert refused_legacy.faultString == f"builtins.AttributeError: {message}"
    assert_error_object(error(jsonrpc, "res.partner", "no_such_method", []), "builtins.AttributeError", message)


@pytest.mark.parametrize("method", ["_read", "__init__", "_no_such_thing", "init"])
def test_private_methods_are_access_errors_before_any_lookup(xml, legacy, jsonrpc, method):
    message = f"Private methods (such as {method}) cannot be called remotely."
    for model in ("res.partner", "no.such.model"):
        refused = fault(xml, model, method, [])
        assert (refused.faultCode, refused.faultString) == (4, message)
        assert fault(legacy, model, method, []).faultCode == f"warning -- AccessError\n\n{message}"
        assert_error_object(error(jsonrpc, model, method, []), "odoo.exceptions.AccessError", message)
        refused = fault(xml.execute, model, method)
        assert (refused.faultCode, refused.faultString) == (4, message)


def test_credentials_are_checked_before_the_method_name(live_server, rpc_db, admin_uid):
    wrong = XmlRpc(live_server.url, rpc_db, admin_uid, "wrong password")
    assert fault(wrong, "res.partner", "_read", []).faultCode == 3


# -- ACL-1: the ORM base class is not an API -----------------------------------------------------
@pytest.mark.parametrize("method", REFUSED_BASE_METHODS)
def test_orm_methods_outside_the_public_table_are_refused(xml, legacy, jsonrpc, method):
    message = f"The method {method} of res.partner cannot be called remotely."
    refused = fault(xml, "res.partner", method, [1])
    assert (refused.faultCode, refused.faultString) == (4, message)
    assert fault(legacy, "res.partner", method, [1]).faultCode == f"warning -- AccessError\n\n{message}"
    assert_error_object(error(jsonrpc, "res.partner", method, [1]), "odoo.exceptions.AccessError", message)


def test_an_addon_override_of_an_orm_method_stays_refused(xml, jsonrpc):
    refused = fault(xml, "test.orm.rpc", "flush_recordset", [])
    assert refused.faultCode == 4
    assert error(jsonrpc, "test.orm.rpc", "flush_recordset", [])["data"]["name"] == "odoo.exceptions.AccessError"


def test_api_private_methods_are_refused(xml, legacy, jsonrpc):
    message = "Private methods (such as rpc_hidden) cannot be called remotely."
    refused = fault(xml, "test.orm.rpc", "rpc_hidden", [])
    assert (refused.faultCode, refused.faultString) == (4, message)
    assert fault(legacy, "test.orm.rpc", "rpc_hidden", []).faultCode == f"warning -- AccessError\n\n{message}"
    assert error(jsonrpc, "test.orm.rpc", "rpc_hidden", [])["data"]["message"] == message


def test_addon_methods_and_public_orm_methods_are_callable(xml, jsonrpc):
    pride = xml.execute("ir.model.data", "check_object_reference", "library", "book_pride")[1]
    action = xml("library.book", "action_view_loans", [pride])
    assert action["res_model"] == "library.loan" and action["domain"] == [["book_id", "=", pride]]
    company = xml.execute("ir.model.data", "check_object_reference", "base", "main_company")[1]
    assert jsonrpc("res.company", "get_external_id", [company]) == {str(company): "base.main_company"}
    assert xml("res.users", "has_group", [2], "base.group_user") is True
    assert jsonrpc("library.book", "fields_get_keys", [])


# -- services and routes ------------------------------------------------------------------------
def test_unknown_service_is_fault_1(live_server):
    for url in (f"{live_server.url}/xmlrpc/2/nosuch", f"{live_server.url}/xmlrpc/nosuch"):
        refused = fault(xmlrpc.client.ServerProxy(url).version)
        assert refused.faultCode in (1, "Service not found: nosuch")
        assert "nosuch" in refused.faultString
    reply = post_json(f"{live_server.url}/jsonrpc", {"service": "nosuch", "method": "version", "args": []})[2]
    assert "nosuch" in reply["error"]["data"]["message"]


def test_unknown_method_of_common_is_method_not_found(live_server, rpc_db):
    refused = fault(xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common").nosuch)
    assert (refused.faultCode, refused.faultString) == (1, "Method not found: nosuch")
    refused = fault(xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/common").nosuch)
    assert refused.faultString == "Method not found: nosuch"
    reply = post_json(f"{live_server.url}/jsonrpc", {"service": "common", "method": "nosuch", "args": []})[2]
    assert reply["error"]["code"] == 200
    assert reply["error"]["data"]["message"] == "Method not found: nosuch"
    refused = fault(xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/object").nosuch, rpc_db)
    assert refused.faultCode == 1 and "nosuch" in refused.faultString


def test_unknown_database_says_does_not_exist(live_server, admin_uid):
    for prefix in ("/xmlrpc/2", "/xmlrpc"):
        common = xmlrpc.client.ServerProxy(f"{live_server.url}{prefix}/common")
        refused = fault(common.authenticate, "no_such_database", "admin", "x", {})
        assert 'database "no_such_database" does not exist' in refused.faultString
        obj = xmlrpc.client.ServerProxy(f"{live_server.url}{prefix}/object")
        refused = fault(obj.execute_kw, "no_such_database", admin_uid, "x", "res.partner", "search", [[]])
        assert 'database "no_such_database" does not exist' in refused.faultString
    reply = post_json(f"{live_server.url}/jsonrpc", {"service": "common", "method": "login",
                                                      "args": ["no_such_database", "admin", "x"]})[2]
    assert 'database "no_such_database" does not exist' in reply["error"]["data"]["message"]


def test_json_errors_keep_http_200_the_id_and_json_content_type(live_server, rpc_db):
    for content_type in ("application/json", "application/json-rpc"):
        status, reply_type, reply = post_json(
            f"{live_server.url}/jsonrpc",
            {"service": "object", "method": "execute_kw",
             "args": [rpc_db, 2, "wrong password", "res.partner", "search", [[]]]},
            request_id="a1b2", content_type=content_type)
        assert status == 200
        assert reply_type.startswith("application/json")
        assert reply["id"] == "a1b2" and reply["jsonrpc"] == "2.0"
        assert "result" not in reply
        assert_error_object(reply["error"], "odoo.exceptions.AccessDenied", "Access Denied")


def test_xmlrpc_faults_are_http_200_text_xml(live_server):
    body = xmlrpc.client.dumps((), "nosuch").encode()
    request = urllib.request.Request(f"{live_server.url}/xmlrpc/2/common", data=body,
                                     headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/xml")
        with pytest.raises(xmlrpc.client.Fault):
            xmlrpc.client.loads(response.read())


def test_malformed_requests_are_answered_not_crashed(live_server):
    request = urllib.request.Request(f"{live_server.url}/jsonrpc", data=b"{not json",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        reply = json.loads(response.read())
    assert reply["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    request = urllib.request.Request(f"{live_server.url}/xmlrpc/2/common", data=b"<methodCall><oops",
                                     headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(request) as response:
        with pytest.raises(xmlrpc.client.Fault) as info:
            xmlrpc.client.loads(response.read())
    assert info.value.faultCode == 2


# -- tracebacks (security.md ERR-1) -------------------------------------------------------------
def test_no_traceback_in_production(xml, legacy, jsonrpc):
    for call in (xml, legacy, jsonrpc):
        with pytest.raises((xmlrpc.client.Fault, JsonRpcError)) as info:
            call("res.partner", "no_such_method", [])
        text = info.value.faultString if isinstance(info.value, xmlrpc.client.Fault) \
            else info.value.error["data"]["debug"]
        assert "Traceback" not in text and ".py" not in text


def _non_loopback_address():
    """An address of this host other than loopback, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = sock.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_debug_mode_sends_tracebacks_to_loopback_clients_only(pg, rpc_db):
    server = start_server(pg, "--debug", "--http-host", "0.0.0.0")
    try:
        port = server.url.rsplit(":", 1)[1]
        uid = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common").login(rpc_db, "admin", RPC_ADMIN_PASSWORD)
        local = XmlRpc(server.url, rpc_db, uid, RPC_ADMIN_PASSWORD)
        assert "Traceback" in fault(local, "res.partner", "no_such_method", []).faultString
        local_json = JsonRpc(server.url, rpc_db, uid, RPC_ADMIN_PASSWORD)
        assert "Traceback" in error(local_json, "res.partner", "no_such_method", [])["data"]["debug"]
        address = _non_loopback_address()
        if address is None:
            pytest.skip("no non-loopback address to reach the server from")
        remote = XmlRpc(f"http://{address}:{port}", rpc_db, uid, RPC_ADMIN_PASSWORD)
        remote_fault = fault(remote, "res.partner", "no_such_method", [])
        assert "Traceback" not in remote_fault.faultString
        remote_json = JsonRpc(f"http://{address}:{port}", rpc_db, uid, RPC_ADMIN_PASSWORD)
        assert "Traceback" not in error(remote_json, "res.partner", "no_such_method", [])["data"]["debug"]
    finally:
        server.stop()


def test_redirect_warning_is_code_2_with_its_arguments(xml, legacy, jsonrpc):
    refused = fault(xml, "test.orm.rpc", "rpc_raise", "redirect")
    assert (refused.faultCode, refused.faultString) == (2, "Configure the journal first.")
    assert fault(legacy, "test.orm.rpc", "rpc_raise", "redirect").faultCode == \
        "warning -- Warning\n\nConfigure the journal first."
    data = error(jsonrpc, "test.orm.rpc", "rpc_raise", "redirect")["data"]
    assert data["name"] == "odoo.exceptions.RedirectWarning"
    assert data["message"] == "Configure the journal first."
    assert data["arguments"] == ["Configure the journal first.", 42, "Open journals", {"active_id": 1}]


def test_concurrency_error_is_fault_1_named_like_odoo_18(xml, legacy, jsonrpc):
    message = "could not serialize access due to concurrent update"
    refused = fault(xml, "test.orm.rpc", "rpc_raise", "concurrency")
    assert refused.faultCode == 1 and message in refused.faultString
    assert fault(legacy, "test.orm.rpc", "rpc_raise", "concurrency").faultCode == message
    data = error(jsonrpc, "test.orm.rpc", "rpc_raise", "concurrency")["data"]
    assert (data["name"], data["message"]) == ("odoo.exceptions.ConcurrencyError", message)


def test_other_exceptions_are_fault_1_with_the_builtin_name(xml, legacy, jsonrpc):
    refused = fault(xml, "test.orm.rpc", "rpc_raise", "value")
    assert (refused.faultCode, refused.faultString) == (1, "builtins.ValueError: bad value for the probe")
    refused_legacy = fault(legacy, "test.orm.rpc", "rpc_raise", "value")
    assert (refused_legacy.faultCode, refused_legacy.faultString) == (
        "bad value for the probe", "builtins.ValueError: bad value for the probe")
    assert_error_object(error(jsonrpc, "test.orm.rpc", "rpc_raise", "value"), "builtins.ValueError",
                        "bad value for the probe")
    assert error(jsonrpc, "test.orm.rpc", "rpc_raise", "lookup")["data"]["name"] == "builtins.KeyError"


def test_orm_methods_are_refused_on_web_call_kw_too(live_server, rpc_db):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 3}).encode()
        request = urllib.request.Request(live_server.url + path, data=body, headers={"Content-Type": "application/json"})
        with opener.open(request) as response:
            return json.loads(response.read())

    assert "result" in call("/web/session/authenticate", {"db": rpc_db, "login": "admin",
                                                          "password": RPC_ADMIN_PASSWORD})
    for method in ("sudo", "invalidate_model", "_read", "rpc_hidden"):
        reply = call(f"/web/dataset/call_kw/test.orm.rpc/{method}",
                     {"model": "test.orm.rpc", "method": method, "args": [[]], "kwargs": {}})
        assert reply["error"]["data"]["name"] == "odoo.exceptions.AccessError", method
    reply = call("/web/dataset/call_kw/test.orm.rpc/search", {"model": "test.orm.rpc", "method": "search",
                                                               "args": [[]], "kwargs": {}})
    assert isinstance(reply["result"], list)


def test_an_order_outside_the_grammar_is_a_validation_error(xml, jsonrpc):
    for order in ("name; DROP TABLE library_book", "no_such_field", "name sideways", "(select 1)"):
        refused = fault(xml, "library.book", "search", [], order=order)
        assert refused.faultCode == 2, order
        assert error(jsonrpc, "library.book", "search", [], order=order)["data"]["name"] == \
            "odoo.exceptions.ValidationError"
    assert xml("library.book", "search_count", []) > 0  # the table is still there
