"""Login throttling (security.md AUTH-3) and equal replies for every failed login (AUTH-4).

A server in proxy mode with the default limits takes the client address from ``X-Forwarded-For``,
so each test plays its attacker and victim from networks of its own; the per-network limit and the
cross-process sharing are also checked in-process with explicit addresses (the counts live in
PostgreSQL, so this process is one more worker). No timing assertions.
"""
import ipaddress
import json
import random
import urllib.request
import uuid
import xmlrpc.client

import pytest

from conftest import config_for_tests, start_server
from session_client import WebClient, admin_proxy, make_user

PASSWORD = "throttle-test-pw-1"
WRONG = "not-the-password"
DEFAULT_LIMITS = {"BUREAU_LOGIN_ATTEMPTS_PER_LOGIN": "5", "BUREAU_LOGIN_ATTEMPTS_PER_NETWORK": "100",
                  "BUREAU_LOGIN_ATTEMPTS_SLOW_LOGIN": "50"}


@pytest.fixture(scope="module")
def proxied(pg, rpc_db, live_server):
    """A server behind an (imagined) reverse proxy, with the default throttling limits."""
    server = start_server(pg, "--proxy-mode", env_extra=DEFAULT_LIMITS)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin(live_server, rpc_db):
    return admin_proxy(live_server.url, rpc_db)


@pytest.fixture
def user(admin):
    login = f"thr-{uuid.uuid4().hex[:8]}"
    return login, make_user(admin, login, PASSWORD)


def ipv4():
    """A random address of the benchmarking range 198.18.0.0/15: a network of its own per test."""
    return str(ipaddress.ip_address(int(ipaddress.ip_address("198.18.0.0")) + random.randrange(2 ** 17)))


def jsonrpc(url, params, forwarded_for):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json",
                                                              "X-Forwarded-For": forwarded_for})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def xmlrpc_proxy(url, forwarded_for):
    return xmlrpc.client.ServerProxy(url, headers=[("X-Forwarded-For", forwarded_for)])


class Paths:
    """Every way of presenting a secret; each returns True when the secret was accepted."""

    def __init__(self, url, db):
        self.url, self.db = url, db

    def common_login(self, login, uid, secret, ip):
        return xmlrpc_proxy(f"{self.url}/xmlrpc/2/common", ip).login(self.db, login, secret) is not False

    def common_authenticate(self, login, uid, secret, ip):
        return xmlrpc_proxy(f"{self.url}/xmlrpc/2/common", ip).authenticate(self.db, login, secret, {}) is not False

    def _object(self, path, uid, secret, ip):
        try:
            xmlrpc_proxy(f"{self.url}{path}", ip).execute_kw(self.db, uid, secret, "res.users", "context_get", [])
            return True
        except xmlrpc.client.Fault as fault:
            assert fault.faultCode in (3, "AccessDenied")
            return False

    def object_execute_kw(self, login, uid, secret, ip):
        return self._object("/xmlrpc/2/object", uid, secret, ip)

    def legacy_object(self, login, uid, secret, ip):
        return self._object("/xmlrpc/object", uid, secret, ip)

    def jsonrpc_login(self, login, uid, secret, ip):
        reply = jsonrpc(f"{self.url}/jsonrpc", {"service": "common", "method": "login",
                                                 "args": [self.db, login, secret]}, ip)
        return reply["result"] is not False

    def jsonrpc_object(self, login, uid, secret, ip):
        reply = jsonrpc(f"{self.url}/jsonrpc", {"service": "object", "method": "execute_kw", "args": [
            self.db, uid, secret, "res.users", "context_get", []]}, ip)
        return "result" in reply

    def web_session(self, login, uid, secret, ip):
        reply = WebClient(self.url, forwarded_for=ip).post("/web/session/authenticate", {
            "db": self.db, "login": login, "password": secret})[2]
        return "result" in reply


PATHS = ["common_login", "common_authenticate", "object_execute_kw", "legacy_object", "jsonrpc_login",
         "jsonrpc_object", "web_session"]


def failures(pg, rpc_db, login, address):
    from bureau.service import throttle
    with pg.cursor(rpc_db) as cr:
        cr.execute("SELECT count(*) FROM auth_login_failure WHERE key = %s AND network = %s",
                   [throttle.login_key(login), throttle.network_of(address)])
        return cr.fetchone()[0]


def test_every_path_counts_its_failures(proxied, rpc_db, pg, user):
    paths = Paths(proxied.url, rpc_db)
    for path in PATHS:
        address = ipv4()
        assert not getattr(paths, path)(user[0], user[1], WRONG, address), path
        assert failures(pg, rpc_db, user[0], address) == 1, path


def test_five_failures_block_that_network_on_every_path_even_with_the_right_password(proxied, rpc_db, user):
    paths = Paths(proxied.url, rpc_db)
    attacker, victim = ipv4(), ipv4()
    assert paths.common_login(user[0], user[1], PASSWORD, attacker)
    for path in ("common_login", "object_execute_kw", "jsonrpc_login", "web_session", "jsonrpc_object"):
        assert not getattr(paths, path)(user[0], user[1], WRONG, attacker)
    for path in PATHS:
        assert not getattr(paths, path)(user[0], user[1], PASSWORD, attacker), path
    for path in ("common_login", "object_execute_kw", "web_session"):  # the victim is not locked out
        assert getattr(paths, path)(user[0], user[1], PASSWORD, victim), path
    assert "too many failed attempts" in proxied.log()


def test_api_keys_are_throttled_like_passwords(proxied, rpc_db, user):
    paths = Paths(proxied.url, rpc_db)
    key = xmlrpc.client.ServerProxy(f"{proxied.url}/xmlrpc/2/object").execute_kw(
        rpc_db, user[1], PASSWORD, "res.users.apikeys", "generate", ["throttled", PASSWORD])
    attacker = ipv4()
    assert paths.object_execute_kw(user[0], user[1], key, attacker)
    wrong_key = "%048x" % random.getrandbits(192)
    for _ in range(5):
        assert not paths.object_execute_kw(user[0], user[1], wrong_key, attacker)
    assert not paths.object_execute_kw(user[0], user[1], key, attacker)
    assert not paths.common_authenticate(user[0], user[1], key, attacker)
    assert paths.object_execute_kw(user[0], user[1], key, ipv4())


def test_password_rechecks_behind_a_key_are_throttled(proxied, rpc_db, user):
    """A stolen API key cannot be used to guess the password through change_password/generate."""
    models = xmlrpc.client.ServerProxy(f"{proxied.url}/xmlrpc/2/object")
    key = models.execute_kw(rpc_db, user[1], PASSWORD, "res.users.apikeys", "generate", ["stolen", PASSWORD])
    for _ in range(5):
        with pytest.raises(xmlrpc.client.Fault) as caught:
            models.execute_kw(rpc_db, user[1], key, "res.users", "change_password", [WRONG, "new-password-9"])
        assert caught.value.faultCode == 3
    for model, method, args in (("res.users", "change_password", [PASSWORD, "new-password-9"]),
                                ("res.users.apikeys", "generate", ["another", PASSWORD])):
        with pytest.raises(xmlrpc.client.Fault) as caught:  # even with the right password now
            models.execute_kw(rpc_db, user[1], key, model, method, args)
        assert caught.value.faultCode == 3
    assert Paths(proxied.url, rpc_db).common_login(user[0], user[1], PASSWORD, ipv4())  # unchanged


def test_ipv6_clients_count_per_56_network(proxied, rpc_db, user):
    paths = Paths(proxied.url, rpc_db)
    block = random.randrange(2 ** 16)
    same_56 = [f"2001:db8:{block:x}:{i:x}::{i + 1:x}" for i in range(0x10, 0x15)]  # five /64s of one /56
    for address in same_56:
        assert not paths.common_login(user[0], user[1], WRONG, address)
    assert not paths.common_login(user[0], user[1], PASSWORD, f"2001:db8:{block:x}:ff::9")
    assert paths.common_login(user[0], user[1], PASSWORD, f"2001:db8:{block:x}:100::1")  # the next /56


def test_a_login_works_again_when_the_window_passed(proxied, rpc_db, user, pg):
    paths = Paths(proxied.url, rpc_db)
    attacker = ipv4()
    for _ in range(5):
        paths.common_login(user[0], user[1], WRONG, attacker)
    assert not paths.common_login(user[0], user[1], PASSWORD, attacker)
    with pg.cursor(rpc_db) as cr:
        cr.execute("UPDATE auth_login_failure SET failed_at = failed_at - interval '16 minutes' WHERE key = %s",
                   ["login:" + user[0]])
    assert paths.common_login(user[0], user[1], PASSWORD, attacker)


def test_a_success_forgets_the_earlier_typos(proxied, rpc_db, pg, user):
    paths = Paths(proxied.url, rpc_db)
    address = ipv4()
    for _ in range(3):
        assert not paths.common_login(user[0], user[1], WRONG, address)
    assert paths.common_login(user[0], user[1], PASSWORD, address)
    assert failures(pg, rpc_db, user[0], address) == 0
    for _ in range(3):  # six in all: without the success in between, this network would be blocked
        assert not paths.common_login(user[0], user[1], WRONG, address)
    assert paths.common_login(user[0], user[1], PASSWORD, address)


def test_logins_differing_in_case_share_their_count(proxied, rpc_db, user):
    paths = Paths(proxied.url, rpc_db)
    attacker = ipv4()
    for variant in (user[0].upper(), user[0].title(), user[0], user[0].upper(), " " + user[0]):
        assert not paths.common_login(variant, user[1], WRONG, attacker)
    assert not paths.common_login(user[0], user[1], PASSWORD, attacker)


# -- equal replies (AUTH-4) ----------------------------------------------------------------------------
def test_unknown_login_wrong_password_inactive_user_and_throttled_get_the_same_reply(proxied, rpc_db, admin):
    inactive_login = f"thr-{uuid.uuid4().hex[:8]}"
    make_user(admin, inactive_login, PASSWORD, active=False)
    locked_login = f"thr-{uuid.uuid4().hex[:8]}"
    locked_uid = make_user(admin, locked_login, PASSWORD)
    attacker = ipv4()
    paths = Paths(proxied.url, rpc_db)
    for _ in range(5):
        paths.common_login(locked_login, locked_uid, WRONG, attacker)
    cases = {"unknown login": ("nobody-" + uuid.uuid4().hex, PASSWORD), "wrong password": ("admin", WRONG),
             "inactive user": (inactive_login, PASSWORD), "throttled": (locked_login, PASSWORD)}

    def replies(login, secret):
        common = xmlrpc_proxy(f"{proxied.url}/xmlrpc/2/common", attacker)
        web = WebClient(proxied.url, forwarded_for=attacker).post(
            "/web/session/authenticate", {"db": rpc_db, "login": login, "password": secret})[2]
        json_login = jsonrpc(f"{proxied.url}/jsonrpc", {"service": "common", "method": "login",
                                                         "args": [rpc_db, login, secret]}, attacker)
        return common.login(rpc_db, login, secret), json_login["result"], web["error"]

    seen = {name: replies(*case) for name, case in cases.items()}
    first = seen["unknown login"]
    assert first[:2] == (False, False)
    assert first[2]["code"] == 200 and first[2]["data"]["name"] == "odoo.exceptions.AccessDenied"
    for name, reply in seen.items():
        assert reply == first, name


def test_object_calls_refused_for_any_reason_get_the_same_fault(proxied, rpc_db, admin):
    inactive_uid = make_user(admin, f"thr-{uuid.uuid4().hex[:8]}", PASSWORD, active=False)
    attacker = ipv4()
    proxy = xmlrpc_proxy(f"{proxied.url}/xmlrpc/2/object", attacker)
    faults = []
    for uid, secret in ((999999, PASSWORD), (2, WRONG), (inactive_uid, PASSWORD)):
        with pytest.raises(xmlrpc.client.Fault) as caught:
            proxy.execute_kw(rpc_db, uid, secret, "res.partner", "search", [[]])
        faults.append((caught.value.faultCode, caught.value.faultString))
    assert faults == [(3, "Access Denied")] * 3


# -- in-process: explicit addresses, the per-network limit, another worker ---------------------------
def runtime_for(pg, **options):
    from bureau.service.runtime import Runtime
    return Runtime(config_for_tests().replace(**options), pg)


def test_failures_seen_by_one_process_block_another(proxied, rpc_db, pg, user):
    from bureau.exceptions import AccessDenied
    from bureau.service import auth
    attacker = ipv4()
    paths = Paths(proxied.url, rpc_db)
    for _ in range(5):
        paths.jsonrpc_login(user[0], user[1], WRONG, attacker)
    runtime = runtime_for(pg)
    with pytest.raises(AccessDenied):
        auth.authenticate(runtime, rpc_db, user[0], PASSWORD, address=attacker)
    assert auth.authenticate(runtime, rpc_db, user[0], PASSWORD, address=ipv4()) == user[1]


def test_one_network_is_refused_after_its_limit_of_failures_over_all_logins(rpc_db, pg, admin):
    from bureau.exceptions import AccessDenied
    from bureau.service import auth
    runtime = runtime_for(pg, login_attempts_per_network=3)
    logins = [f"thr-{uuid.uuid4().hex[:8]}" for _ in range(4)]
    uids = [make_user(admin, login, PASSWORD) for login in logins]
    scanner = ipv4()
    for login in logins[:3]:  # one failure each: below the per-login limit
        with pytest.raises(AccessDenied):
            auth.authenticate(runtime, rpc_db, login, WRONG, address=scanner)
    with pytest.raises(AccessDenied):
        auth.authenticate(runtime, rpc_db, logins[3], PASSWORD, address=scanner)
    assert auth.authenticate(runtime, rpc_db, logins[3], PASSWORD, address=ipv4()) == uids[3]


def test_forwarded_for_is_ignored_without_proxy_mode(rpc_db, pg, user):
    """Without proxy mode every request counts from its socket address, whatever the header says."""
    from werkzeug.test import Client
    from bureau.rpc.wsgi import BureauApp
    client = Client(BureauApp(runtime_for(pg, proxy_mode=False)))

    def login(secret, forwarded_for):
        body = xmlrpc.client.dumps((rpc_db, user[0], secret), "login")
        response = client.post("/xmlrpc/2/common", data=body, headers={"Content-Type": "text/xml",
                                                                        "X-Forwarded-For": forwarded_for})
        return xmlrpc.client.loads(response.get_data())[0][0]

    for _ in range(5):
        assert login(WRONG, ipv4()) is False
    assert login(PASSWORD, ipv4()) is False  # all five came from 127.0.0.1: it is blocked


def test_master_password_style_callers_use_their_own_key(rpc_db, pg):
    from bureau.exceptions import AccessDenied
    from bureau.service import throttle
    limits = throttle.Limits(per_login=2)
    key = f"master-password-{uuid.uuid4().hex[:6]}"
    address = ipv4()

    def wrong():
        raise AccessDenied()

    for _ in range(2):
        with pytest.raises(AccessDenied):
            throttle.guarded(lambda: pg.cursor(rpc_db), key, address, wrong, limits)
    with pytest.raises(AccessDenied):
        throttle.guarded(lambda: pg.cursor(rpc_db), key, address, lambda: "right", limits)
    assert throttle.guarded(lambda: pg.cursor(rpc_db), key, ipv4(), lambda: "right", limits) == "right"


# -- pure logic --------------------------------------------------------------------------------------
@pytest.mark.parametrize("address, network", [
    ("198.51.100.7", "198.51.100.7/32"),
    ("2001:db8:1:2ab:3:4:5:6", "2001:db8:1:200::/56"),
    ("::ffff:198.51.100.7", "198.51.100.7/32"),
    ("fe80::1%eth0", "fe80::/56"),
    ("", "unknown"), (None, "unknown"), ("not an address", "unknown"),
])
def test_addresses_count_in_their_network(address, network):
    from bureau.service import throttle
    assert throttle.network_of(address) == network


def test_delay_grows_with_the_count_and_a_much_attacked_login_is_slowed():
    from bureau.service import throttle
    limits = throttle.Limits()
    first = [throttle.delay_for(throttle.Counts(1, 1, 1), limits) for _ in range(20)]
    fifth = [throttle.delay_for(throttle.Counts(5, 5, 5), limits) for _ in range(20)]
    slowed = [throttle.delay_for(throttle.Counts(1, 1, 50), limits) for _ in range(20)]
    assert max(first) <= min(fifth)
    assert min(slowed) >= throttle.SLOW_DELAY / 2
