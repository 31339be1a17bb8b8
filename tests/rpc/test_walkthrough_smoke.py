"""A first end-to-end check of the live server over both transports (details in test_external_api.py)."""
import json
import urllib.request
import xmlrpc.client

from conftest import RPC_ADMIN_PASSWORD


def test_xmlrpc_and_jsonrpc_reach_the_orm(live_server, rpc_db):
    common = xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common")
    assert common.version()["server_version"] == "17.0"
    uid = common.authenticate(rpc_db, "admin", RPC_ADMIN_PASSWORD, {})
    assert uid == 2
    models = xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/object")
    names = models.execute_kw(rpc_db, uid, RPC_ADMIN_PASSWORD, "library.book", "search_read", [[]],
                              {"fields": ["name"], "order": "name"})
    assert "Pride and Prejudice" in [row["name"] for row in names]
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": "x1", "params": {
        "service": "object", "method": "execute_kw",
        "args": [rpc_db, uid, RPC_ADMIN_PASSWORD, "library.book", "search_count", [[]]]}}).encode()
    request = urllib.request.Request(f"{live_server.url}/jsonrpc", data=body,
                                     headers={"Content-Type": "application/json"})
    reply = json.loads(urllib.request.urlopen(request).read())
    assert reply == {"jsonrpc": "2.0", "id": "x1", "result": len(names)}
