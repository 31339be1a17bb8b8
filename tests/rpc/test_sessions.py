"""Web sessions over HTTP on the live server (rpc.md §2, §11, §12; security.md AUTH-5)."""
import hashlib
import uuid

import pytest

from conftest import RPC_ADMIN_PASSWORD
from session_client import WebClient, WebError, admin_proxy, make_user

PASSWORD = "session-test-pw-1"


@pytest.fixture(scope="module")
def admin(live_server, rpc_db):
    return admin_proxy(live_server.url, rpc_db)


@pytest.fixture
def user(admin):
    """A fresh internal user who is also a library member: ``(login, uid)``."""
    login = f"sess-{uuid.uuid4().hex[:8]}"
    return login, make_user(admin, login, PASSWORD, groups=("base.group_user", "library.group_library_member"))


@pytest.fixture
def web(live_server, rpc_db, user):
    client = WebClient(live_server.url)
    client.login(rpc_db, user[0], PASSWORD)
    return client


def session_row(pg, rpc_db, cookie_value):
    token = cookie_value.split(".", 1)[0]
    with pg.cursor(rpc_db) as cr:
        cr.execute("SELECT user_id, last_seen, created FROM res_users_session WHERE token_hash = %s",
                   [hashlib.sha256(token.encode()).hexdigest()])
        return cr.fetchone()


# -- login and the cookie ------------------------------------------------------------------------
def test_login_sets_an_httponly_samesite_lax_cookie_without_domain_or_secure(live_server, rpc_db, user):
    client = WebClient(live_server.url)
    status, headers, reply = client.post("/web/session/authenticate",
                                         {"db": rpc_db, "login": user[0], "password": PASSWORD})
    assert status == 200 and "result" in reply
    set_cookie = headers["Set-Cookie"]
    attributes = [part.strip().lower() for part in set_cookie.split(";")]
    assert attributes[0].startswith("session_id=")
    assert "path=/" in attributes and "httponly" in attributes and "samesite=lax" in attributes
    assert not any(a.startswith("domain") for a in attributes)
    assert "secure" not in attributes
    assert client.session_id and client.session_id.endswith("." + rpc_db)  # kept by urllib's jar
    assert "Access-Control-Allow-Origin" not in headers


def test_session_info_has_the_keys_clients_read(live_server, rpc_db, user):
    info = WebClient(live_server.url).login(rpc_db, user[0], PASSWORD)
    assert info["uid"] == user[1] and isinstance(info["uid"], int)
    assert info["db"] == rpc_db and info["username"] == user[0]
    assert info["user_context"] == {"lang": "en_US", "tz": info["user_context"]["tz"], "uid": user[1]}
    assert info["is_system"] is False and info["is_admin"] is False
    assert info["server_version"] == "17.0" and info["server_version_info"][:2] == [17, 0]
    assert info["partner_id"] and info["name"]
    company = info["user_companies"]["current_company"]
    assert company == info["company_id"] and str(company) in info["user_companies"]["allowed_companies"]
    assert "web.base.url" in info and isinstance(info["currencies"], dict)


def test_admin_session_info_says_system(live_server, rpc_db):
    info = WebClient(live_server.url).login(rpc_db, "admin", RPC_ADMIN_PASSWORD)
    assert info["is_system"] is True and info["is_admin"] is True


def test_get_session_info_repeats_the_login_reply(web, user):
    info = web.call("/web/session/get_session_info")
    assert info["uid"] == user[1] and info["username"] == user[0]


@pytest.mark.parametrize("login, password", [("admin", "not the password"), ("no-such-login", PASSWORD)])
def test_bad_credentials_are_access_denied_with_code_200(live_server, rpc_db, login, password):
    client = WebClient(live_server.url)
    with pytest.raises(WebError) as caught:
        client.login(rpc_db, login, password)
    assert caught.value.code == 200 and caught.value.name == "odoo.exceptions.AccessDenied"
    assert client.session_id is None


def test_unknown_database_says_does_not_exist(live_server):
    with pytest.raises(WebError) as caught:
        WebClient(live_server.url).login("no_such_database_here", "admin", "whatever-pw")
    assert caught.value.code == 200 and "does not exist" in str(caught.value)


def test_lang_list_needs_no_session(live_server):
    langs = WebClient(live_server.url).call("/web/session/get_lang_list")
    assert ["en_US", "English (US)"] in langs and all(len(item) == 2 for item in langs)


# -- calls with and without a session -------------------------------------------------------------
def test_call_kw_runs_as_the_session_user(web, user):
    assert web.call_kw("res.users", "context_get")["uid"] == user[1]
    books = web.call_kw("library.book", "search_read", [], fields=["name"], order="name")
    assert "Pride and Prejudice" in [book["name"] for book in books]
    assert web.call("/web/dataset/call_kw", model="res.users", method="read", args=[[user[1]], ["login"]],
                    kwargs={})[0]["login"] == user[0]
    with pytest.raises(WebError) as caught:  # members may not write books: the user's rights apply
        web.call_kw("library.book", "create", {"name": "Not allowed"})
    assert caught.value.name == "odoo.exceptions.AccessError"


def test_call_kw_ignores_uid_in_context(web, user):
    result = web.call_kw("res.users", "read", [user[1]], ["login"], context={"uid": 2})
    assert result[0]["login"] == user[0]
    with pytest.raises(WebError):
        web.call_kw("library.book", "create", {"name": "Still not allowed"}, context={"uid": 2})


def test_dataset_call_is_the_old_call_kw(web):
    count = web.call("/web/dataset/call", model="library.book", method="search_count", args=[[]])
    assert count == web.call_kw("library.book", "search_count", [])


@pytest.mark.parametrize("path", ["/web/dataset/call_kw", "/web/dataset/call_kw/res.partner/search",
                                  "/web/dataset/call_button", "/web/session/get_session_info",
                                  "/web/session/check", "/web/action/load"])
def test_routes_without_a_session_answer_code_100(live_server, path):
    client = WebClient(live_server.url)
    with pytest.raises(WebError) as caught:
        client.call(path, model="res.partner", method="search", args=[[]], kwargs={}, action_id=1)
    assert caught.value.code == 100 and caught.value.name == "odoo.http.SessionExpiredException"


def test_a_forged_or_foreign_cookie_is_no_session(web, live_server, rpc_db):
    token = web.session_id.split(".", 1)[0]
    for forged in ("x" * 43 + "." + rpc_db, token + ".no_such_database_here", token, "garbage"):
        client = WebClient(live_server.url)
        client.set_session_id(forged)
        with pytest.raises(WebError) as caught:
            client.call("/web/session/check")
        assert caught.value.code == 100
    assert web.call("/web/session/check") is None


def test_unknown_model_is_an_error_with_the_full_data_object(web):
    with pytest.raises(WebError) as caught:
        web.call_kw("no.such.model", "search", [])
    assert set(caught.value.error["data"]) >= {"name", "message", "arguments", "debug", "context"}


# -- end of sessions ------------------------------------------------------------------------------
def test_logout_deletes_the_session(web, pg, rpc_db):
    cookie = web.session_id
    assert session_row(pg, rpc_db, cookie) is not None
    assert web.call("/web/session/destroy") is None
    assert web.session_id is None  # the server told the jar to drop it
    assert session_row(pg, rpc_db, cookie) is None
    web.set_session_id(cookie)  # sending the old cookie again does not work
    with pytest.raises(WebError) as caught:
        web.call("/web/session/check")
    assert caught.value.code == 100


def test_destroy_without_a_session_answers_null(live_server):
    assert WebClient(live_server.url).call("/web/session/destroy") is None


def test_session_expires_after_the_idle_timeout(web, pg, rpc_db):
    with pg.cursor(rpc_db) as cr:
        token = web.session_id.split(".", 1)[0]
        cr.execute("UPDATE res_users_session SET last_seen = last_seen - interval '8 days' WHERE token_hash = %s",
                   [hashlib.sha256(token.encode()).hexdigest()])
    with pytest.raises(WebError) as caught:
        web.call_kw("res.partner", "search_count", [])
    assert caught.value.code == 100
    assert web.session_id is None


def test_session_expires_after_its_lifetime_even_when_used(web, pg, rpc_db):
    cookie = web.session_id
    with pg.cursor(rpc_db) as cr:
        token = cookie.split(".", 1)[0]
        cr.execute("UPDATE res_users_session SET created = created - interval '31 days' WHERE token_hash = %s",
                   [hashlib.sha256(token.encode()).hexdigest()])
    with pytest.raises(WebError) as caught:
        web.call("/web/session/check")
    assert caught.value.code == 100
    assert session_row(pg, rpc_db, cookie) is None


def test_use_refreshes_last_seen(web, pg, rpc_db):
    cookie = web.session_id
    token = cookie.split(".", 1)[0]
    with pg.cursor(rpc_db) as cr:
        cr.execute("UPDATE res_users_session SET last_seen = last_seen - interval '6 days' WHERE token_hash = %s",
                   [hashlib.sha256(token.encode()).hexdigest()])
    before = session_row(pg, rpc_db, cookie)[1]
    web.call("/web/session/check")
    assert session_row(pg, rpc_db, cookie)[1] > before


def test_parallel_calls_of_one_session_all_succeed(web, pg, rpc_db):
    """Concurrent requests touching the same session row are not failed by the touch."""
    from concurrent.futures import ThreadPoolExecutor
    token = web.session_id.split(".", 1)[0]
    for _ in range(3):
        with pg.cursor(rpc_db) as cr:
            cr.execute("UPDATE res_users_session SET last_seen = last_seen - interval '1 hour' "
                       "WHERE token_hash = %s", [hashlib.sha256(token.encode()).hexdigest()])
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: web.call_kw("res.partner", "search_count", []), range(16)))
        assert len(set(results)) == 1


def test_every_login_issues_a_new_session_id(live_server, rpc_db, user, pg):
    client = WebClient(live_server.url)
    planted = "p" * 43 + "." + rpc_db
    client.set_session_id(planted)
    client.login(rpc_db, user[0], PASSWORD)
    first = client.session_id
    assert first != planted
    client.login(rpc_db, user[0], PASSWORD)
    second = client.session_id
    assert second != first
    assert session_row(pg, rpc_db, first) is None  # the previous session of this client ended
    stale = WebClient(live_server.url)
    stale.set_session_id(first)
    with pytest.raises(WebError):
        stale.call("/web/session/check")


def test_password_change_ends_the_other_sessions_only(live_server, rpc_db, user):
    here, elsewhere = WebClient(live_server.url), WebClient(live_server.url)
    here.login(rpc_db, user[0], PASSWORD)
    elsewhere.login(rpc_db, user[0], PASSWORD)
    assert here.call_kw("res.users", "change_password", PASSWORD, "session-test-pw-2") is True
    assert here.call("/web/session/check") is None
    with pytest.raises(WebError) as caught:
        elsewhere.call("/web/session/check")
    assert caught.value.code == 100
    with pytest.raises(WebError):
        WebClient(live_server.url).login(rpc_db, user[0], PASSWORD)
    WebClient(live_server.url).login(rpc_db, user[0], "session-test-pw-2")


def test_password_set_by_an_administrator_ends_every_session_of_the_user(web, admin, user):
    admin("res.users", "write", [user[1]], {"password": "set-by-admin-pw"})
    with pytest.raises(WebError) as caught:
        web.call("/web/session/check")
    assert caught.value.code == 100


def test_deactivated_user_loses_the_session(web, admin, user):
    admin("res.users", "write", [user[1]], {"active": False})
    with pytest.raises(WebError) as caught:
        web.call("/web/session/check")
    assert caught.value.code == 100


def test_api_key_does_not_change_the_password(live_server, rpc_db, web, user):
    key = web.call_kw("res.users.apikeys", "generate", "for change", PASSWORD)
    with pytest.raises(WebError) as caught:
        web.call_kw("res.users", "change_password", key, "session-test-pw-3")
    assert caught.value.name == "odoo.exceptions.AccessDenied"


# -- cross-site protections -----------------------------------------------------------------------
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_cookie_routes_refuse_bodies_a_form_can_send(web, content_type):
    before = web.call_kw("res.partner", "search_count", [])
    for path in ("/web/dataset/call_kw", "/web/session/authenticate", "/web/session/destroy"):
        status, headers, reply = web.post(path, {"model": "res.partner", "method": "create",
                                                 "args": [{"name": "Forged"}], "kwargs": {}},
                                          content_type=content_type)
        assert status == 415
        assert "Access-Control-Allow-Origin" not in headers
    assert web.call_kw("res.partner", "search_count", []) == before
    assert web.call("/web/session/check") is None  # the forged destroy did nothing


def test_json_rpc_content_type_is_accepted(web):
    status, _, reply = web.post("/web/session/check", {}, content_type="application/json-rpc")
    assert status == 200 and reply["result"] is None


def test_preflight_gets_no_cors_permission(live_server):
    import urllib.request
    request = urllib.request.Request(live_server.url + "/web/dataset/call_kw", method="OPTIONS", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    with urllib.request.urlopen(request) as response:
        assert not [name for name in response.headers if name.lower().startswith("access-control-")]


# -- buttons and actions --------------------------------------------------------------------------
def test_call_button_returns_the_action_or_false(live_server, rpc_db, admin):
    web = WebClient(live_server.url)
    web.login(rpc_db, "admin", RPC_ADMIN_PASSWORD)
    book = web.call_kw("library.book", "search", [], limit=1)[0]
    action = web.call("/web/dataset/call_button/library.book/action_view_loans", model="library.book",
                      method="action_view_loans", args=[[book]], kwargs={})
    assert action["type"] == "ir.actions.act_window" and action["res_model"] == "library.loan"
    assert None not in action.values()
    probe = web.call_kw("test.orm.rpc", "create", {"name": "button"})
    assert web.call("/web/dataset/call_button", model="test.orm.rpc", method="action_nothing",
                    args=[[probe]], kwargs={}) is False
    assert web.call_kw("test.orm.rpc", "read", [probe], ["name"])[0]["name"] == "pressed"


def test_action_load_by_id_and_by_xml_id(web, admin):
    by_xml_id = web.call("/web/action/load", action_id="library.action_library_book")
    assert by_xml_id["type"] == "ir.actions.act_window" and by_xml_id["res_model"] == "library.book"
    assert by_xml_id["views"] and by_xml_id["name"] == "Books"
    by_id = web.call("/web/action/load", action_id=by_xml_id["id"])
    assert by_id == by_xml_id
    assert web.call("/web/action/load", action_id=str(by_xml_id["id"]))["id"] == by_xml_id["id"]
    assert web.call("/web/action/load", action_id="library.no_such_action") is False
    assert web.call("/web/action/load", action_id=999999) is False
    assert web.call("/web/action/load", action_id="base.group_user") is False  # not an action


def test_action_load_respects_the_action_groups(web, admin):
    manager_group = admin("ir.model.data", "check_object_reference", "base", "group_system")[1]
    action_id = admin("ir.actions.act_window", "create", {
        "name": "Reserved", "res_model": "res.partner", "groups_id": [(6, 0, [manager_group])]})
    with pytest.raises(WebError) as caught:
        web.call("/web/action/load", action_id=action_id)
    assert caught.value.name == "odoo.exceptions.AccessError"


# -- in-process: TLS and clean-up -----------------------------------------------------------------
def app_client(pg, **options):
    from werkzeug.test import Client
    from conftest import config_for_tests
    from bureau.rpc.wsgi import BureauApp
    from bureau.service.runtime import Runtime
    return Client(BureauApp(Runtime(config_for_tests().replace(**options), pg)))


@pytest.mark.parametrize("proxy_mode, base_url, headers", [
    (False, "https://bureau.example", {}),
    (True, "http://127.0.0.1", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.20"}),
])
def test_cookie_is_secure_under_tls(pg, rpc_db, user, proxy_mode, base_url, headers):
    client = app_client(pg, proxy_mode=proxy_mode)
    response = client.post("/web/session/authenticate", base_url=base_url, headers=headers, json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {"db": rpc_db, "login": user[0], "password": PASSWORD}})
    assert response.json["result"]["uid"] == user[1]
    attributes = [part.strip().lower() for part in response.headers["Set-Cookie"].split(";")]
    assert "secure" in attributes and "httponly" in attributes and "samesite=lax" in attributes


def test_autovacuum_deletes_expired_sessions(pg, rpc_db, web):
    from conftest import make_env
    cookie = web.session_id
    env = make_env(pg, rpc_db)
    try:
        token = cookie.split(".", 1)[0]
        env.cr.execute("UPDATE res_users_session SET last_seen = last_seen - interval '8 days' "
                       "WHERE token_hash = %s", [hashlib.sha256(token.encode()).hexdigest()])
        env["res.users.session"]._gc_sessions()
        env.cr.execute("SELECT count(*) FROM res_users_session WHERE token_hash = %s",
                       [hashlib.sha256(token.encode()).hexdigest()])
        assert env.cr.fetchone()[0] == 0
    finally:
        env.cr.rollback()
        env.cr.close()
