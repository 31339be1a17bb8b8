"""Small clients for the live-server RPC tests: stdlib ``xmlrpc.client`` on ``/xmlrpc/2`` or the
legacy ``/xmlrpc`` routes, and raw JSON-RPC over urllib (what OdooRPC does), so every test sees
exactly what goes over the wire."""
import json
import urllib.request
import xmlrpc.client


class XmlRpc:
    """``execute_kw`` through stdlib ``xmlrpc.client`` (DOC style; ``legacy=True`` is OCL style)."""

    def __init__(self, url, db, uid, password, legacy=False):
        prefix = f"{url}/xmlrpc" if legacy else f"{url}/xmlrpc/2"
        self.common = xmlrpc.client.ServerProxy(f"{prefix}/common")
        self.object = xmlrpc.client.ServerProxy(f"{prefix}/object")
        self.db, self.uid, self.password = db, uid, password

    def __call__(self, model, method, *args, **kwargs):
        return self.object.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def execute(self, model, method, *args):
        return self.object.execute(self.db, self.uid, self.password, model, method, *args)


def post_json(url, params, request_id=1, content_type="application/json"):
    """``(HTTP status, content type, decoded reply)`` of a JSON-RPC call."""
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": request_id}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request) as response:
        return response.status, response.headers.get("Content-Type"), json.loads(response.read())


class JsonRpc:
    """Calls on ``/jsonrpc`` (OdooRPC style); results are returned, errors as the error object."""

    def __init__(self, url, db, uid, password):
        self.url = f"{url}/jsonrpc"
        self.db, self.uid, self.password = db, uid, password

    def reply(self, service, method, *args):
        return post_json(self.url, {"service": service, "method": method, "args": list(args)})[2]

    def call_service(self, service, method, *args):
        reply = self.reply(service, method, *args)
        if "error" in reply:
            raise JsonRpcError(reply["error"])
        return reply["result"]

    def __call__(self, model, method, *args, **kwargs):
        return self.call_service("object", "execute_kw", self.db, self.uid, self.password, model, method,
                                 list(args), kwargs)

    def execute(self, model, method, *args):
        return self.call_service("object", "execute", self.db, self.uid, self.password, model, method, *args)


class JsonRpcError(Exception):
    """A JSON-RPC error reply; ``.error`` is the error object, ``.name`` its ``data.name``."""

    def __init__(self, error):
        super().__init__(error["data"]["message"])
        self.error = error
        self.name = error["data"]["name"]
