"""API keys over HTTP (security.md AUTH-2): created with the password, shown once, stored hashed,
accepted instead of the password on XML-RPC and /jsonrpc only, revocable, expiring."""
import datetime
import hashlib
import time
import uuid
import xmlrpc.client

import pytest

from conftest import start_server
from rpc_clients import JsonRpc, JsonRpcError, XmlRpc
from session_client import WebClient, WebError, admin_proxy, make_user

PASSWORD = "apikey-test-pw-1"


@pytest.fixture(scope="module")
def admin(live_server, rpc_db):
    return admin_proxy(live_server.url, rpc_db)


@pytest.fixture(scope="module")
def other_server(pg, rpc_db, live_server):
    """A second server process on the same database (what another worker is)."""
    server = start_server(pg)
    yield server
    server.stop()


@pytest.fixture
def user(admin):
    login = f"key-{uuid.uuid4().hex[:8]}"
    return login, make_user(admin, login, PASSWORD)


def generate(url, db, user, name="script", **options):
    return XmlRpc(url, db, user[1], PASSWORD)("res.users.apikeys", "generate", name, PASSWORD, **options)


def authenticate(url, db, login, secret):
    return xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(db, login, secret, {})


def denied(client, *call):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        client(*call)
    return caught.value.faultCode == 3


def test_key_is_shown_once_and_stored_only_hashed(live_server, rpc_db, pg, user):
    key = generate(live_server.url, rpc_db, user)
    assert len(key) == 48 and int(key, 16) >= 0  # 192 random bits, hex
    with pg.cursor(rpc_db) as cr:
        cr.execute("SELECT * FROM res_users_apikeys WHERE user_id = %s", [user[1]])
        row = cr.fetchone()
        columns = [column[0] for column in cr.description]
    stored = dict(zip(columns, row))
    assert key not in [str(value) for value in stored.values()]
    assert stored["prefix"] == key[:8] and stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    client = XmlRpc(live_server.url, rpc_db, user[1], PASSWORD)
    assert "key_hash" not in client("res.users.apikeys", "fields_get")
    [record] = client("res.users.apikeys", "search_read", [], fields=[])
    assert record["name"] == "script" and key not in [str(value) for value in record.values()]


def test_key_replaces_the_password_on_every_rpc_transport(live_server, rpc_db, user):
    key = generate(live_server.url, rpc_db, user)
    assert authenticate(live_server.url, rpc_db, user[0], key) == user[1]
    assert xmlrpc.client.ServerProxy(f"{live_server.url}/xmlrpc/2/common").login(rpc_db, user[0], key) == user[1]
    for client in (XmlRpc(live_server.url, rpc_db, user[1], key),
                   XmlRpc(live_server.url, rpc_db, user[1], key, legacy=True),
                   JsonRpc(live_server.url, rpc_db, user[1], key)):
        assert client("res.users", "read", [user[1]], ["login"])[0]["login"] == user[0]
    assert JsonRpc(live_server.url, rpc_db, user[1], key).call_service(
        "common", "login", rpc_db, user[0], key) == user[1]


def test_key_does_not_open_a_web_session(live_server, rpc_db, user):
    key = generate(live_server.url, rpc_db, user)
    client = WebClient(live_server.url)
    with pytest.raises(WebError) as caught:
        client.login(rpc_db, user[0], key)
    assert caught.value.name == "odoo.exceptions.AccessDenied" and client.session_id is None


def test_creating_a_key_needs_the_password_not_a_key(live_server, rpc_db, user):
    client = XmlRpc(live_server.url, rpc_db, user[1], PASSWORD)
    assert denied(client, "res.users.apikeys", "generate", "bad", "wrong password")
    key = generate(live_server.url, rpc_db, user)
    with_key = XmlRpc(live_server.url, rpc_db, user[1], key)
    assert denied(with_key, "res.users.apikeys", "generate", "from a key", key)
    assert len(client("res.users.apikeys", "search", [])) == 1
    with pytest.raises(xmlrpc.client.Fault):  # keys are made by generate() only
        client("res.users.apikeys", "create", {"name": "direct", "user_id": user[1]})


def test_key_of_one_user_with_the_login_of_another_is_refused(live_server, rpc_db, admin, user):
    other_login = f"key-{uuid.uuid4().hex[:8]}"
    other_uid = make_user(admin, other_login, PASSWORD)
    key = generate(live_server.url, rpc_db, user)
    assert authenticate(live_server.url, rpc_db, other_login, key) is False
    assert denied(XmlRpc(live_server.url, rpc_db, other_uid, key), "res.users", "read", [other_uid], ["login"])
    with pytest.raises(JsonRpcError) as caught:
        JsonRpc(live_server.url, rpc_db, other_uid, key)("res.users", "read", [other_uid], ["login"])
    assert caught.value.name == "odoo.exceptions.AccessDenied"


def test_users_see_and_revoke_only_their_own_keys(live_server, rpc_db, admin, user):
    other_login = f"key-{uuid.uuid4().hex[:8]}"
    other = (other_login, make_user(admin, other_login, PASSWORD))
    generate(live_server.url, rpc_db, user, name="mine")
    generate(live_server.url, rpc_db, other, name="theirs")
    mine = XmlRpc(live_server.url, rpc_db, user[1], PASSWORD)
    assert [k["name"] for k in mine("res.users.apikeys", "search_read", [], fields=["name"])] == ["mine"]
    theirs = XmlRpc(live_server.url, rpc_db, other[1], PASSWORD)("res.users.apikeys", "search", [])
    with pytest.raises(xmlrpc.client.Fault):
        mine("res.users.apikeys", "remove", theirs)
    assert len(XmlRpc(live_server.url, rpc_db, other[1], PASSWORD)("res.users.apikeys", "search", [])) == 1


def test_revoked_key_is_refused_at_the_next_request_in_every_process(live_server, other_server, rpc_db, user):
    key = generate(live_server.url, rpc_db, user)
    here = XmlRpc(live_server.url, rpc_db, user[1], key)
    there = XmlRpc(other_server.url, rpc_db, user[1], key)
    for client in (here, there, here, there):  # both processes now hold the key in their caches
        assert client("res.partner", "search_count", []) >= 0
    [key_id] = XmlRpc(live_server.url, rpc_db, user[1], PASSWORD)("res.users.apikeys", "search", [])
    assert XmlRpc(other_server.url, rpc_db, user[1], PASSWORD)("res.users.apikeys", "remove", [key_id]) is True
    assert denied(there, "res.partner", "search_count", [])
    assert denied(here, "res.partner", "search_count", [])
    assert authenticate(live_server.url, rpc_db, user[0], key) is False
    assert XmlRpc(live_server.url, rpc_db, user[1], PASSWORD)("res.partner", "search_count", []) >= 0


def test_key_of_a_deactivated_user_is_refused(live_server, rpc_db, admin, user):
    key = generate(live_server.url, rpc_db, user)
    client = XmlRpc(live_server.url, rpc_db, user[1], key)
    assert client("res.partner", "search_count", []) >= 0
    admin("res.users", "write", [user[1]], {"active": False})
    assert denied(client, "res.partner", "search_count", [])


def test_expired_key_is_refused(live_server, rpc_db, pg, user):
    key = generate(live_server.url, rpc_db, user, expiration_date="2999-01-01 00:00:00")
    assert authenticate(live_server.url, rpc_db, user[0], key) == user[1]
    with pg.cursor(rpc_db) as cr:
        cr.execute("UPDATE res_users_apikeys SET expiration_date = '2000-01-01' WHERE user_id = %s", [user[1]])
    # a new uid/key pair is not in any cache: the database says the key expired
    assert authenticate(live_server.url, rpc_db, user[0], key) is False


def test_key_expiring_while_cached_is_refused_once_expired(live_server, rpc_db, user):
    expires = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(seconds=2)
    key = generate(live_server.url, rpc_db, user, expiration_date=expires.strftime("%Y-%m-%d %H:%M:%S"))
    client = XmlRpc(live_server.url, rpc_db, user[1], key)
    assert client("res.partner", "search_count", []) >= 0  # verified, then answered from the cache
    time.sleep(max(0.0, (expires - datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None))
                   .total_seconds()) + 1.1)
    assert denied(client, "res.partner", "search_count", [])


def test_expiration_must_be_in_the_future(live_server, rpc_db, user):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        generate(live_server.url, rpc_db, user, expiration_date="2001-01-01 00:00:00")
    assert "future" in caught.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as caught:
        generate(live_server.url, rpc_db, user, expiration_date="next tuesday")
    assert caught.value.faultCode == 2  # a ValidationError, not a server error


def test_key_scoped_elsewhere_is_not_accepted_for_rpc(live_server, rpc_db, user):
    assert authenticate(live_server.url, rpc_db, user[0], generate(live_server.url, rpc_db, user, scope="rpc")) \
        == user[1]
    assert authenticate(live_server.url, rpc_db, user[0],
                        generate(live_server.url, rpc_db, user, scope="elsewhere")) is False


def test_keys_are_generated_from_a_web_session_too(live_server, rpc_db, user):
    web = WebClient(live_server.url)
    web.login(rpc_db, user[0], PASSWORD)
    key = web.call_kw("res.users.apikeys", "generate", "from the web", PASSWORD)
    assert authenticate(live_server.url, rpc_db, user[0], key) == user[1]
