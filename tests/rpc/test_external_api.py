"""Odoo's external-API walkthrough against the live server (rpc.md §6–§10).

The walkthrough runs with stdlib ``xmlrpc.client`` on ``/xmlrpc/2`` (Odoo's documented examples) and
with raw JSON-RPC on ``/jsonrpc`` (OdooRPC); the legacy ``/xmlrpc/<service>`` routes (odoo-client-lib)
and the calling conventions of each client library get their own tests. Records are created on the
test models (``test.orm.*``) so the demo library stays as installed.
"""
import datetime
import urllib.request
import uuid
import xmlrpc.client

import pytest

from conftest import RPC_ADMIN_PASSWORD
from rpc_clients import JsonRpc, JsonRpcError, XmlRpc

USER_PASSWORD = "rpc-user-password-1"


@pytest.fixture(scope="module")
def admin_uid(live_server, rpc_db):
    common = xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common")
    return common.authenticate(rpc_db, "admin", RPC_ADMIN_PASSWORD, {})


@pytest.fixture(scope="module")
def xml(live_server, rpc_db, admin_uid):
    return XmlRpc(live_server.url, rpc_db, admin_uid, RPC_ADMIN_PASSWORD)


@pytest.fixture(scope="module", params=["xmlrpc", "jsonrpc"])
def client(request, live_server, rpc_db, admin_uid):
    """The admin's ``execute_kw`` on ``/xmlrpc/2/object`` and on ``/jsonrpc``."""
    cls = XmlRpc if request.param == "xmlrpc" else JsonRpc
    return cls(live_server.url, rpc_db, admin_uid, RPC_ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def books(xml):
    """Ids of the demo books, by xml id."""
    return {name: xml.execute("ir.model.data", "check_object_reference", "library", name)[1]
            for name in ("book_pride", "book_emma", "book_miserables", "book_origin", "book_asterix")}


@pytest.fixture(scope="module")
def employee(xml):
    """``(uid, password)`` of an internal user with no library group."""
    group_user = xml.execute("ir.model.data", "check_object_reference", "base", "group_user")[1]
    login = f"rpc_api_{uuid.uuid4().hex[:8]}"
    uid = xml("res.users", "create", {"name": "RPC Employee", "login": login, "password": USER_PASSWORD,
                                      "groups_id": [[6, 0, [group_user]]]})
    return uid, login


def _category_names(client, ids):
    return [row["name"] for row in client("test.orm.category", "read", ids, ["name"])]


# -- common service ------------------------------------------------------------------------------
def test_version_claims_odoo_17_on_both_transports(live_server, rpc_db):
    common = xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common")
    version = common.version()
    assert version["server_version"] == "17.0"
    assert version["server_version_info"] == [17, 0, 0, "final", 0, ""]
    assert version["server_serie"] == "17.0"
    assert version["protocol_version"] == 1
    assert JsonRpc(live_server.url, rpc_db, 0, "").call_service("common", "version") == version


def test_authenticate_and_login_give_the_uid_or_false(live_server, rpc_db, admin_uid):
    assert admin_uid == 2
    for url in (f"{live_server.url}/xmlrpc/2/common", f"{live_server.url}/xmlrpc/common"):
        common = xmlrpc.client.ServerProxy(url)
        assert common.login(rpc_db, "admin", RPC_ADMIN_PASSWORD) == admin_uid
        assert common.authenticate(rpc_db, "admin", "wrong password", {}) is False
        assert common.login(rpc_db, "nobody-at-all", "wrong password") is False
    json = JsonRpc(live_server.url, rpc_db, 0, "")
    assert json.call_service("common", "login", rpc_db, "admin", RPC_ADMIN_PASSWORD) == admin_uid
    assert json.call_service("common", "authenticate", rpc_db, "admin", "bad", {}) is False


# -- the walkthrough, on both transports --------------------------------------------------------
def test_check_access_rights(client, live_server, rpc_db, employee):
    assert client("library.book", "check_access_rights", "read", raise_exception=False) is True
    uid, _ = employee
    as_employee = type(client)(live_server.url, rpc_db, uid, USER_PASSWORD)
    assert as_employee("library.book", "check_access_rights", "read", raise_exception=False) is False
    assert as_employee("res.partner", "check_access_rights", "write", raise_exception=False) is True
    with pytest.raises((xmlrpc.client.Fault, JsonRpcError)) as info:
        as_employee("library.book", "check_access_rights", "read")
    if isinstance(info.value, xmlrpc.client.Fault):
        assert info.value.faultCode == 4
    else:
        assert info.value.name == "odoo.exceptions.AccessError"


def test_search_with_offset_limit_order_and_count(client, books):
    domain = [["id", "in", list(books.values())]]
    ids = client("library.book", "search", domain, order="name")
    assert ids == [books["book_asterix"], books["book_emma"], books["book_miserables"],
                   books["book_origin"], books["book_pride"]]
    assert client("library.book", "search", domain, offset=1, limit=2, order="name") == ids[1:3]
    assert client("library.book", "search", domain + [["genre", "=", "novel"]], order="price desc") == [
        books["book_miserables"], books["book_pride"], books["book_emma"]]
    assert client("library.book", "search_count", domain) == 5
    assert client("library.book", "search_count", domain + [["genre", "=", "novel"]]) == 3


def test_read_gives_the_requested_fields_and_the_id(client, books):
    [row] = client("library.book", "read", [books["book_pride"]], ["name", "author_id", "publication_date",
                                                                    "price", "isbn"])
    assert set(row) == {"id", "name", "author_id", "publication_date", "price", "isbn"}
    assert row["id"] == books["book_pride"]
    assert row["name"] == "Pride and Prejudice"
    assert row["author_id"][1] == "Jane Austen" and isinstance(row["author_id"][0], int)
    assert row["publication_date"] == "1813-01-28"
    assert row["price"] == 9.99


def test_read_without_fields_gives_every_field_of_fields_get(client, books):
    [row] = client("library.book", "read", [books["book_emma"]])
    assert set(client("library.book", "fields_get", attributes=["type"])) <= set(row)
    assert row["loan_ids"] == [] and row["cover"] is False and row["description"] is False


def test_fields_get_without_arguments_with_attributes_and_allfields(client):
    everything = client("library.book", "fields_get")
    assert everything["name"]["type"] == "char" and everything["name"]["string"] == "Title"
    assert everything["name"]["required"] is True
    assert everything["author_id"]["type"] == "many2one" and everything["author_id"]["relation"] == "res.partner"
    assert everything["loan_ids"]["relation"] == "library.loan"
    assert everything["loan_ids"]["relation_field"] == "book_id"
    assert ["comics", "Comics"] in everything["genre"]["selection"]
    for description in everything.values():
        assert {"type", "string"} <= set(description)
    some = client("library.book", "fields_get", attributes=["string", "type"])
    assert set(some) == set(everything)
    assert all(set(description) == {"string", "type"} for description in some.values())
    assert client("library.book", "fields_get", ["name", "genre"], ["type"]) == {
        "name": {"type": "char"}, "genre": {"type": "selection"}}
    assert set(client("library.book", "fields_get", allfields=["price"])) == {"price"}


def test_search_read(client, books):
    rows = client("library.book", "search_read", [["id", "in", list(books.values())], ["genre", "=", "novel"]],
                  fields=["name", "genre"], order="name", limit=2)
    assert rows == [{"id": books["book_emma"], "name": "Emma", "genre": "novel"},
                    {"id": books["book_miserables"], "name": "Les Misérables", "genre": "novel"}]
    assert client("library.book", "search_read", [["id", "=", -1]]) == []


def test_create_write_copy_unlink(client):
    one = client("test.orm.category", "create", {"name": "walk one"})
    assert isinstance(one, int) and not isinstance(one, bool)
    many = client("test.orm.category", "create", [{"name": "walk two"}, {"name": "walk three", "parent_id": one}])
    assert isinstance(many, list) and len(many) == 2
    assert client("test.orm.category", "write", [many[0]], {"name": "walk two (renamed)"}) is True
    assert _category_names(client, [one] + many) == ["walk one", "walk two (renamed)", "walk three"]
    assert client("test.orm.category", "read", [one], ["child_ids"])[0]["child_ids"] == [many[1]]
    duplicate = client("test.orm.category", "copy", one, {"name": "walk one (copy)"})
    assert isinstance(duplicate, int) and duplicate not in [one] + many
    assert _category_names(client, [duplicate]) == ["walk one (copy)"]
    assert client("test.orm.category", "exists", [one, duplicate, 999999999]) == [one, duplicate]
    assert client("test.orm.category", "unlink", [many[1], duplicate]) is True
    assert client("test.orm.category", "read", [many[1]], ["name"]) == []
    assert client("test.orm.category", "unlink", [one, many[0]]) is True


def test_display_name_and_name_get(client, books):
    pride = books["book_pride"]
    assert client("library.book", "read", [pride], ["display_name"]) == [
        {"id": pride, "display_name": "Pride and Prejudice"}]
    assert client("library.book", "name_get", [pride]) == [[pride, "Pride and Prejudice"]]


def test_name_search_takes_the_domain_as_args_or_domain(client, books):
    novels = [["genre", "=", "novel"], ["id", "in", list(books.values())]]
    by_args = client("library.book", "name_search", "e", args=novels, limit=10)
    by_domain = client("library.book", "name_search", name="e", domain=novels, limit=10)
    assert by_args == by_domain
    assert sorted(name for _, name in by_args) == ["Emma", "Les Misérables", "Pride and Prejudice"]
    assert client("library.book", "name_search", "Asterix")[0] == [books["book_asterix"], "Asterix the Gaul"]
    assert client("library.book", "name_search", "e", novels, "ilike", 1) == by_args[:1]


def test_name_create_returns_id_and_display_name(client):
    created_id, display_name = client("test.orm.category", "name_create", "walk by name")
    assert display_name == "walk by name"
    assert _category_names(client, [created_id]) == ["walk by name"]
    client("test.orm.category", "unlink", [created_id])


def test_read_group_count_key_depends_on_lazy(client, books):
    domain = [["id", "in", list(books.values())]]
    lazy = client("library.book", "read_group", domain, ["price:sum"], ["genre"], orderby="genre")
    by_genre = {group["genre"]: group for group in lazy}
    assert set(by_genre) == {"novel", "science", "comics"}
    novel = by_genre["novel"]
    assert novel["genre_count"] == 3 and "__count" not in novel
    assert novel["price"] == pytest.approx(9.99 + 8.50 + 14.00)
    assert ["genre", "=", "novel"] in novel["__domain"]
    assert client("library.book", "search_count", novel["__domain"]) == 3
    flat = client("library.book", "read_group", domain, ["price:sum"], ["genre", "author_id"], lazy=False)
    assert {group["__count"] for group in flat} == {2, 1}
    assert all("genre_count" not in group for group in flat)
    austen = [group for group in flat if group["author_id"] and group["author_id"][1] == "Jane Austen"]
    assert austen[0]["__count"] == 2 and austen[0]["genre"] == "novel"


def test_default_get_takes_fields_list_or_fields(client):
    assert client("library.book", "default_get", ["genre", "active", "name"]) == {"genre": "novel", "active": True}
    assert client("library.book", "default_get", fields=["genre"]) == {"genre": "novel"}
    assert client("library.book", "default_get", ["genre"], context={"default_genre": "poetry"}) == {
        "genre": "poetry"}


def test_execute_calls_without_kwargs(client, admin_uid):
    """``execute`` (OdooRPC's ``fields_get``/``context_get``/``env.ref``) passes positional args only."""
    assert client.execute("res.users", "context_get") == {"lang": "en_US", "tz": False, "uid": admin_uid}
    assert client.execute("ir.model.data", "check_object_reference", "base", "main_company")[0] == "res.company"
    assert "name" in client.execute("library.book", "fields_get")
    assert client.execute("ir.model", "search", [["model", "=", "library.book"]])


def test_check_object_reference_and_access_check(client, live_server, rpc_db, employee, books):
    assert client("ir.model.data", "check_object_reference", "library", "book_pride") == [
        "library.book", books["book_pride"]]
    assert client("ir.model.access", "check", "library.book", "write") is True
    uid, _ = employee
    as_employee = type(client)(live_server.url, rpc_db, uid, USER_PASSWORD)
    assert as_employee("ir.model.access", "check", "library.book", "read", False) is False
    assert as_employee("ir.model.access", "check", "res.partner") is True
    assert as_employee("ir.model.access", "check", "no.such.model", raise_exception=False) is False
    with pytest.raises((xmlrpc.client.Fault, JsonRpcError)):
        as_employee("ir.model.access", "check", "library.book", "read")
    assert as_employee("res.users", "context_get") == {"lang": "en_US", "tz": False, "uid": uid}


# -- calling conventions of the client libraries -------------------------------------------------
def test_legacy_xmlrpc_routes_serve_the_same_services(live_server, rpc_db, admin_uid, books):
    legacy = XmlRpc(live_server.url, rpc_db, admin_uid, RPC_ADMIN_PASSWORD, legacy=True)
    assert legacy.common.version()["server_version"] == "17.0"
    assert legacy("library.book", "read", books["book_pride"], ["name"]) == [
        {"id": books["book_pride"], "name": "Pride and Prejudice"}]
    assert legacy.execute("library.book", "search_count", [["id", "=", books["book_emma"]]]) == 1


def test_odoo_client_lib_conventions(xml, books):
    """A bare int id for ``read``, ``[]`` for all fields, ``search(d, 0, False, False)``."""
    pride = books["book_pride"]
    assert xml("library.book", "read", pride, ["name"]) == [{"id": pride, "name": "Pride and Prejudice"}]
    assert xml("library.book", "read", [pride], [])[0]["isbn"] == "978-0-14-143951-8"
    domain = [["id", "in", list(books.values())]]
    assert sorted(xml("library.book", "search", domain, 0, False, False)) == sorted(books.values())
    assert xml("library.book", "search", domain, 0, 0, False, True) == 5


def test_classic_write_load_gives_bare_many2one_ids(client, books):
    [row] = client("library.book", "read", [books["book_pride"]], ["author_id", "name"], load="_classic_write")
    assert isinstance(row["author_id"], int) and not isinstance(row["author_id"], bool)
    if isinstance(client, JsonRpc):  # stdlib xmlrpc.client cannot send None
        [row] = client("library.book", "read", [books["book_pride"]], ["author_id"], load=None)
        assert isinstance(row["author_id"], int)


def test_missing_ids_are_skipped_by_read(client, books):
    rows = client("library.book", "read", [999999999, books["book_emma"], 999999998], ["name"])
    assert rows == [{"id": books["book_emma"], "name": "Emma"}]
    assert client("library.book", "read", [999999999], ["name"]) == []


def test_context_is_pulled_out_of_kwargs(client, admin_uid):
    probe = client("test.orm.rpc", "create", {"name": "context probe"})
    seen = client("test.orm.rpc", "rpc_environment", [probe], 1, "two",
                  context={"lang": "en_US", "custom_key": [1, 2], "active_id": probe, "uid": 1}, flag=True)
    assert seen["ids"] == [probe]
    assert seen["args"] == [1, "two"]
    assert seen["kwargs"] == ["flag"]
    assert seen["context"]["custom_key"] == [1, 2] and seen["context"]["active_id"] == probe
    assert seen["uid"] == admin_uid
    assert "uid" not in seen["context"]
    client("test.orm.rpc", "unlink", [probe])


def test_uid_in_context_does_not_change_the_user(client, live_server, rpc_db, employee, admin_uid):
    uid, _ = employee
    as_employee = type(client)(live_server.url, rpc_db, uid, USER_PASSWORD)
    with pytest.raises((xmlrpc.client.Fault, JsonRpcError)):
        as_employee("library.book", "search", [], context={"uid": admin_uid})
    assert as_employee("res.users", "context_get", context={"uid": admin_uid})["uid"] == uid


def test_allowed_company_ids_outside_the_users_companies_is_refused(client, admin_uid):
    main_company = client("ir.model.data", "check_object_reference", "base", "main_company")[1]
    probe = client("test.orm.rpc", "create", {"name": "companies"})
    seen = client("test.orm.rpc", "rpc_environment", [probe], context={"allowed_company_ids": [main_company]})
    assert seen["company_id"] == main_company
    for bad in ([main_company, 999999], [999999], ["1"]):
        with pytest.raises((xmlrpc.client.Fault, JsonRpcError)) as info:
            client("library.book", "search_count", [], context={"allowed_company_ids": bad})
        if isinstance(info.value, xmlrpc.client.Fault):
            assert info.value.faultCode == 4
        else:
            assert info.value.name == "odoo.exceptions.AccessError"
    client("test.orm.rpc", "unlink", [probe])


def test_a_method_returning_none_gives_false(client):
    probe = client("test.orm.rpc", "create", {"name": "button"})
    assert client("test.orm.rpc", "action_nothing", [probe]) is False
    assert client("test.orm.rpc", "read", [probe], ["name"])[0]["name"] == "pressed"
    client("test.orm.rpc", "unlink", [probe])


def test_legacy_route_returns_false_for_none(live_server, rpc_db, admin_uid):
    legacy = XmlRpc(live_server.url, rpc_db, admin_uid, RPC_ADMIN_PASSWORD, legacy=True)
    probe = legacy("test.orm.rpc", "create", {"name": "button"})
    assert legacy("test.orm.rpc", "action_nothing", probe) is False
    legacy("test.orm.rpc", "unlink", probe)


def test_dates_travel_as_strings(client):
    probe = client("test.orm.rpc", "create", {"name": "dates", "day": "2024-02-29", "moment": "2024-02-29 23:59:58"})
    [row] = client("test.orm.rpc", "read", [probe], ["day", "moment"])
    assert row == {"id": probe, "day": "2024-02-29", "moment": "2024-02-29 23:59:58"}
    assert client("test.orm.rpc", "search", [["day", ">=", "2024-02-01"], ["id", "=", probe]]) == [probe]
    assert client("test.orm.rpc", "rpc_dates") == {"date": "2024-01-31", "datetime": "2024-01-31 12:30:05"}
    client("test.orm.rpc", "unlink", [probe])


def test_xmlrpc_datetime_values_are_accepted_on_write(xml):
    moment = xmlrpc.client.DateTime(datetime.datetime(2023, 5, 6, 7, 8, 9))
    probe = xml("test.orm.rpc", "create", {"name": "datetime object", "moment": moment})
    assert xml("test.orm.rpc", "read", [probe], ["moment"])[0]["moment"] == "2023-05-06 07:08:09"
    xml("test.orm.rpc", "unlink", [probe])


def test_empty_values_are_false_never_none(client):
    probe = client("test.orm.rpc", "create", {})
    [row] = client("test.orm.rpc", "read", [probe], ["name", "day", "moment"])
    assert row == {"id": probe, "name": False, "day": False, "moment": False}
    client("test.orm.rpc", "unlink", [probe])


def test_wire_values_control_characters_and_int_keys(client):
    assert client("test.orm.rpc", "rpc_int_keys") == {"1": "one", "2": {"3": "three"}}
    text = client("test.orm.rpc", "rpc_control_chars")
    if isinstance(client, XmlRpc):
        assert text == "abc\td\ne\nfg"  # XML normalises the CR; the other control characters are gone
    else:
        assert text == "a\x00b\x1fc\td\ne\rf\x0bg"  # JSON escapes them: nothing to strip


def test_int_beyond_32_bits_is_a_fault_1_on_xmlrpc_and_a_number_on_jsonrpc(xml, live_server, rpc_db, admin_uid):
    with pytest.raises(xmlrpc.client.Fault) as info:
        xml("test.orm.rpc", "rpc_big_int")
    assert info.value.faultCode == 1
    assert "OverflowError" in info.value.faultString
    assert JsonRpc(live_server.url, rpc_db, admin_uid, RPC_ADMIN_PASSWORD)("test.orm.rpc", "rpc_big_int") == 2 ** 40


def test_every_field_type_reads_in_rpc_form(client):
    """rpc.md §9: one record of every field type, empty then filled, read with all fields."""
    empty = client("test.orm.all.types", "create", {})
    [row] = client("test.orm.all.types", "read", [empty])
    assert set(client("test.orm.all.types", "fields_get")) <= set(row)
    for name in ("name", "text", "html", "date", "datetime", "selection", "reference", "binary", "partner_id",
                 "currency_id"):
        assert row[name] is False, name
    assert (row["integer"], row["float_plain"], row["amount"], row["boolean"]) == (0, 0.0, 0.0, False)
    assert (row["line_ids"], row["tag_ids"]) == ([], [])
    partner = client("res.partner", "search", [], limit=1)[0]
    partner_name = client("res.partner", "read", [partner], ["display_name"])[0]["display_name"]
    tag = client("test.orm.tag", "create", {"name": "wire tag"})
    filled = client("test.orm.all.types", "create", {
        "name": "wire", "integer": 7, "float_plain": 1.5, "boolean": True, "date": "2024-03-01",
        "datetime": "2024-03-01 10:11:12", "selection": "done", "selection_int": 2,
        "reference": f"res.partner,{partner}", "binary": "aGVsbG8=", "partner_id": partner,
        "tag_ids": [[6, 0, [tag]]], "line_ids": [[0, 0, {"name": "line"}]], "json_data": {"a": [1, 2]}})
    [row] = client("test.orm.all.types", "read", [filled])
    assert row["partner_id"] == [partner, partner_name]
    assert row["reference"] == f"res.partner,{partner}"
    assert (row["date"], row["datetime"]) == ("2024-03-01", "2024-03-01 10:11:12")
    assert (row["selection"], row["selection_int"]) == ("done", 2)
    assert row["binary"] == "aGVsbG8="
    assert row["tag_ids"] == [tag] and len(row["line_ids"]) == 1
    assert row["json_data"] == {"a": [1, 2]}
    [sized] = client("test.orm.all.types", "read", [filled], ["binary"], context={"bin_size": True})
    assert sized["binary"] != "aGVsbG8=" and isinstance(sized["binary"], str)
    client("test.orm.all.types", "unlink", [empty, filled])
    client("test.orm.tag", "unlink", [tag])


def test_fields_get_descriptions_carry_the_usual_keys(client):
    name = client("library.book", "fields_get", ["name", "loan_count"])
    assert {"help", "readonly", "required", "store", "searchable", "sortable", "translate"} <= set(name["name"])
    assert name["loan_count"]["readonly"] is True and name["loan_count"]["store"] is True


def test_xmlrpc_nil_and_i8_are_accepted_in_requests(live_server, rpc_db, admin_uid, books):
    """Clients built with ``allow_none=True`` send ``<nil/>``; some marshal ints as ``<i8>``."""
    pride = books["book_pride"]
    body = f"""<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>
        <param><value><string>{rpc_db}</string></value></param>
        <param><value><i8>{admin_uid}</i8></value></param>
        <param><value><string>{RPC_ADMIN_PASSWORD}</string></value></param>
        <param><value><string>library.book</string></value></param>
        <param><value><string>search_read</string></value></param>
        <param><value><array><data><value><array><data><value><array><data>
            <value><string>id</string></value><value><string>=</string></value><value><i8>{pride}</i8></value>
        </data></array></value></data></array></value></data></array></value></param>
        <param><value><struct>
            <member><name>fields</name><value><array><data><value><string>name</string></value></data></array></value></member>
            <member><name>limit</name><value><nil/></value></member>
            <member><name>order</name><value><nil/></value></member>
        </struct></value></param>
    </params></methodCall>""".encode()
    request = urllib.request.Request(f"{live_server.url}/xmlrpc/2/object", data=body,
                                     headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(request) as response:
        (result,), _ = xmlrpc.client.loads(response.read())
    assert result == [{"id": pride, "name": "Pride and Prejudice"}]


def test_xmlrpc_body_is_read_raw_whatever_the_content_type(live_server):
    body = xmlrpc.client.dumps((), "version").encode()
    for content_type in ("text/xml", "application/x-www-form-urlencoded", "application/octet-stream"):
        request = urllib.request.Request(f"{live_server.url}/xmlrpc/2/common", data=body,
                                         headers={"Content-Type": content_type})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Type"].startswith("text/xml")
            (version,), _ = xmlrpc.client.loads(response.read())
        assert version["server_version"] == "17.0"


def test_context_lang_tz_and_active_test(client, books):
    domain = [["id", "in", list(books.values())]]
    for context in ({"lang": "xx_XX"}, {"lang": False, "tz": False}, {"tz": "Europe/Brussels"}):
        assert client("library.book", "search_count", domain, context=context) == 5
    tag = client("test.orm.tag", "create", {"name": "archived tag", "active": False})
    assert client("test.orm.tag", "search", [["id", "=", tag]]) == []
    assert client("test.orm.tag", "search", [["id", "=", tag]], context={"active_test": False}) == [tag]
    client("test.orm.tag", "unlink", [tag])


def test_domains_order_and_read_group_field_forms(client, books):
    ids = list(books.values())
    assert client("library.book", "search_count", [["id", "in", ids], [1, "=", 1]]) == 5
    assert client("library.book", "search_count", [["id", "in", ids], [0, "=", 1]]) == 0
    assert client("library.book", "search", [["id", "in", books["book_emma"]]]) == [books["book_emma"]]
    assert client("library.book", "search_count", ["|", ["genre", "=", "comics"], "!", ["genre", "!=", "science"],
                                                   ["id", "in", ids]]) == 2
    assert client("library.book", "search_count", [["author_id.name", "=like", "Jane%"], ["id", "in", ids]]) == 2
    assert client("library.book", "search", [["id", "in", ids]], order="genre desc, price asc nulls last",
                  limit=1) == [books["book_origin"]]
    groups = client("library.book", "read_group", [["id", "in", ids]], ["total:sum(price)", "genre", "pages:max"],
                    ["genre"], orderby="genre")
    comics = [group for group in groups if group["genre"] == "comics"][0]
    assert comics["total"] == pytest.approx(7.99) and comics["pages"] == 48
    assert client("library.book", "search_count", [["id", "in", ids]], limit=2) == 2


def test_introspection_models(client):
    [model] = client("ir.model", "search_read", [["model", "=", "library.book"]],
                     ["model", "name", "transient", "state"])
    assert (model["model"], model["name"], model["transient"], model["state"]) == (
        "library.book", "Book", False, "base")
    assert client("ir.model", "search_count", [["model", "=", "test.orm.wizard"], ["transient", "=", True]]) == 1
    fields = client("ir.model.fields", "search_read", [["model", "=", "library.book"], ["name", "=", "author_id"]],
                    ["name", "field_description", "ttype", "model_id", "relation"])
    assert fields[0]["ttype"] == "many2one" and fields[0]["relation"] == "res.partner"
    assert fields[0]["model_id"][0] == model["id"]
    assert "model" in client("ir.model", "fields_get")
    [data] = client("ir.model.data", "search_read", [["module", "=", "library"], ["name", "=", "book_pride"]],
                    ["model", "res_id"])
    assert data["model"] == "library.book" and isinstance(data["res_id"], int)
    reports = client("ir.actions.report", "search_read", [], ["name", "model", "report_name", "report_type"])
    assert isinstance(reports, list)
    [me] = client("res.users", "read", [client.uid], ["login", "name"])
    assert me["login"] == "admin"


def test_uninstalled_lang_and_unknown_tz_are_ignored_not_errors(client):
    probe = client("test.orm.rpc", "create", {"name": "lang probe"})
    seen = client("test.orm.rpc", "rpc_environment", [probe],
                  context={"lang": "fr_FR", "tz": "Mars/Olympus_Mons", "keep": 1})
    assert seen["context"] == {"keep": 1}
    seen = client("test.orm.rpc", "rpc_environment", [probe], context={"lang": "en_US", "tz": "Europe/Brussels"})
    assert seen["context"] == {"lang": "en_US", "tz": "Europe/Brussels"}
    client("test.orm.rpc", "unlink", [probe])
