"""Sizes a client may not exceed (security.md VAL-1, VAL-5), over the real server: refused with a
ValidationError naming the problem, and ``limit`` capped at ``limit_records``."""
import xmlrpc.client

import pytest

from conftest import RPC_ADMIN_PASSWORD, start_server
from rpc_clients import JsonRpc, JsonRpcError, XmlRpc

from bureau.service.arguments import check_call


@pytest.fixture(scope="module")
def capped_server(pg, rpc_db):
    """A server returning at most 3 records per call."""
    server = start_server(pg, env_extra={"BUREAU_LIMIT_RECORDS": "3"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def clients(capped_server, rpc_db):
    uid = xmlrpc.client.ServerProxy(f"{capped_server.url}/xmlrpc/2/common").login(rpc_db, "admin",
                                                                                  RPC_ADMIN_PASSWORD)
    return (XmlRpc(capped_server.url, rpc_db, uid, RPC_ADMIN_PASSWORD),
            JsonRpc(capped_server.url, rpc_db, uid, RPC_ADMIN_PASSWORD))


def refused(client, *call, **kwargs):
    """The ``(name, message)`` of the error a call raises on either transport."""
    try:
        client(*call, **kwargs)
    except xmlrpc.client.Fault as fault:
        # user-facing errors are Fault 2 with the bare message (rpc.md §4)
        return ("ValidationError" if fault.faultCode == 2 else str(fault.faultCode)), fault.faultString
    except JsonRpcError as exc:
        return exc.name, exc.error["data"]["message"]
    raise AssertionError(f"{call} was accepted")


BAD_CALLS = [
    (("res.partner", "search", [("id", "in", list(range(1, 10_002)))]), "Too many values"),
    (("res.partner", "search", ["!"] * 40 + [("id", "=", 1)]), "nested too deeply"),
    (("res.partner", "search", ["|"] * 1_200 + [("id", "=", n) for n in range(1, 1_202)]), "too large"),
    (("res.partner", "search_read", [("name", "ilike", "x" * 1_001)]), "pattern too long"),
    (("res.partner", "search", [], -1), "Invalid offset"),
    (("res.partner", "search", [], 0, -5), "Invalid limit"),
    (("res.partner", "search", [], 0, "10; DROP TABLE res_partner"), "Invalid limit"),
    (("res.partner", "read_group", [("name", "like", "y" * 2_000)], ["name"], ["name"]), "pattern too long"),
]


@pytest.mark.parametrize("transport", [0, 1], ids=["xmlrpc", "jsonrpc"])
@pytest.mark.parametrize("call,message", BAD_CALLS)
def test_oversized_input_is_refused_with_a_validation_error(clients, transport, call, message):
    client = clients[transport]
    count = clients[0]("res.partner", "search_count", [])
    name, text = refused(client, *call)
    assert "ValidationError" in name, text
    assert message in text
    assert clients[0]("res.partner", "search_count", []) == count


def test_bounds_hold_for_keyword_arguments_too(clients):
    xml = clients[0]
    name, text = refused(xml, "res.partner", "search", domain=[("name", "ilike", "z" * 5_000)])
    assert "pattern too long" in text
    name, text = refused(xml, "res.partner", "name_search", name="x", domain=[("id", "in", list(range(20_000)))])
    assert "Too many values" in text


def test_limit_is_capped_at_limit_records(clients):
    xml, jsonrpc = clients
    assert xml("res.partner", "search_count", []) > 3
    assert len(xml("res.partner", "search", [])) == 3
    assert len(xml("res.partner", "search", [], 0, 500)) == 3
    assert len(jsonrpc("res.partner", "search_read", [], fields=["name"])) == 3
    assert len(xml("res.partner", "search", [], limit=2)) == 2
    # paging with offset reaches the rest; counting is not capped
    all_ids = xml("res.partner", "search", [], 0, 0, "id")
    second_page = xml("res.partner", "search", [], 3, 3, "id")
    assert second_page and not set(second_page) & set(all_ids)
    assert xml("res.partner", "search", [], count=True) == xml("res.partner", "search_count", []) > 3


def test_deep_but_flat_domains_are_fine():
    """A long chain of one operator is one level, as written by clients that OR many ids."""
    domain = ["|"] * 499 + [("id", "=", n) for n in range(1, 501)]
    args, kwargs = check_call("search", [domain], {}, 100)
    assert args == [domain] and kwargs == {"limit": 100}
