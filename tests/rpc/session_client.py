"""A web-session client for the live-server tests: JSON-RPC over urllib with a standard cookie jar,
as Odooly's web mode and OdooRPC do, so a cookie the jar would not send back fails the tests."""
import http.cookiejar
import json
import urllib.error
import urllib.request
import xmlrpc.client

from conftest import RPC_ADMIN_PASSWORD


class WebError(Exception):
    """A JSON-RPC error reply; ``.code`` and ``.name`` (``data.name``) for assertions."""

    def __init__(self, error):
        super().__init__(error["data"]["message"])
        self.error = error
        self.code = error["code"]
        self.name = error["data"]["name"]


class WebClient:
    """Calls on the ``/web`` JSON routes, keeping the ``session_id`` cookie like a browser would.

    :param forwarded_for: sent as ``X-Forwarded-For`` (servers in proxy mode count it as the client)
    """

    def __init__(self, url, forwarded_for=None):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.forwarded_for = forwarded_for

    def post(self, path, params=None, content_type="application/json", body=None):
        """``(status, headers, decoded reply or raw bytes)`` of one POST."""
        if body is None:
            body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params or {}, "id": 7}).encode()
        headers = {"Content-Type": content_type}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        try:
            response = self.opener.open(request)
        except urllib.error.HTTPError as exc:
            response = exc
        data = response.read()
        try:
            data = json.loads(data)
        except ValueError:
            pass
        return response.status, response.headers, data

    def call(self, path, **params):
        """The result of a JSON-RPC call; an error reply raises :class:`WebError`."""
        status, headers, reply = self.post(path, params)
        assert status == 200, (status, reply)
        assert headers["Content-Type"].startswith("application/json")
        if "error" in reply:
            raise WebError(reply["error"])
        return reply["result"]

    def login(self, db, login, password):
        return self.call("/web/session/authenticate", db=db, login=login, password=password)

    def call_kw(self, model, method, *args, **kwargs):
        return self.call(f"/web/dataset/call_kw/{model}/{method}", model=model, method=method, args=list(args),
                         kwargs=kwargs)

    @property
    def session_id(self):
        """The ``session_id`` value in the jar, or None."""
        for cookie in self.jar:
            if cookie.name == "session_id":
                return cookie.value
        return None

    def set_session_id(self, value, host="127.0.0.1"):
        """Put a ``session_id`` cookie in the jar (as a planted or copied cookie would be)."""
        self.jar.clear()
        self.jar.set_cookie(http.cookiejar.Cookie(
            0, "session_id", value, None, False, host, False, False, "/", True, False, None, False, None, None, {}))


def admin_proxy(url, db):
    """``execute_kw`` as admin over XML-RPC."""
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "admin", RPC_ADMIN_PASSWORD, {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")

    def execute(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, RPC_ADMIN_PASSWORD, model, method, list(args), kwargs)
    return execute


def make_user(admin, login, password, groups=("base.group_user",), **values):
    """Create a user in the given groups (external ids); returns its id."""
    group_ids = []
    for xml_id in groups:
        module, name = xml_id.split(".")
        group_ids.append(admin("ir.model.data", "check_object_reference", module, name)[1])
    return admin("res.users", "create", dict({"name": login.title(), "login": login, "password": password,
                                              "groups_id": [(6, 0, group_ids)]}, **values))
