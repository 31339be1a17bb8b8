"""Access control on every path over the wire (security.md §2: path x operation x {owner, other
group, other company, no ACL}), on the three transports: ``/xmlrpc/2/object`` ``execute_kw``,
``/jsonrpc`` ``object.execute_kw`` and ``/web/dataset/call_kw`` with a web session.

The world is that of ``tests/security/test_acl_paths.py`` (``tests/addons/test_orm/models/acl_paths.py``),
built through RPC in the shared ``rpc_db`` with names of its own. A refused call must come back as
an AccessError on the wire (fault 4, ``data.name`` ``odoo.exceptions.AccessError``) with the tables
the matrix may touch unchanged (``test.orm.acl.note.acl_snapshot``, read in SQL by an administrator);
the owner's identical call must work.
"""
import sys
import uuid
import xmlrpc.client
from pathlib import Path

import pytest

# the RPC clients of the live-server tests
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rpc"))
from rpc_clients import JsonRpc, JsonRpcError, XmlRpc  # noqa: E402
from session_client import WebClient, WebError, admin_proxy  # noqa: E402

NOTE, TAG = "test.orm.acl.note", "test.orm.acl.tag"
TRANSPORTS = ("xmlrpc", "jsonrpc", "web")
ROLES = ("owner", "group", "company", "none")
PASSWORD = "Acl-Matrix-Pass-42"
RESTRICTED = "Restricted"


class Refused(Exception):
    """An error reply, whatever the transport: ``.name`` is the exception class name."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name


class Wire:
    """``wire(model, method, *args, **kwargs)`` over one transport as one user."""

    def __init__(self, kind, url, db, uid, login):
        self.kind = kind
        if kind == "xmlrpc":
            self.client = XmlRpc(url, db, uid, PASSWORD)
        elif kind == "jsonrpc":
            self.client = JsonRpc(url, db, uid, PASSWORD)
        else:
            self.client = WebClient(url)
            self.client.login(db, login, PASSWORD)

    def __call__(self, model, method, *args, **kwargs):
        try:
            if self.kind == "web":
                return self.client.call_kw(model, method, *args, **kwargs)
            return self.client(model, method, *args, **kwargs)
        except xmlrpc.client.Fault as fault:
            name = {4: "AccessError", 3: "AccessDenied", 2: "UserError", 1: "ServerError"}.get(fault.faultCode)
            raise Refused(name, fault.faultString) from None
        except (JsonRpcError, WebError) as error:
            raise Refused(error.name.rsplit(".", 1)[-1], str(error)) from None


@pytest.fixture(scope="module")
def world(live_server, rpc_db):
    """Two companies, the four users of the matrix (with clients on every transport), contacts,
    tags and notes of their own; everything is removed afterwards (best effort)."""
    admin = admin_proxy(live_server.url, rpc_db)
    tag = uuid.uuid4().hex[:8]
    ref = {name: admin("ir.model.data", "check_object_reference", *name.split("."))[1]
           for name in ("test_orm.group_acl_a", "test_orm.group_acl_b", "base.group_user", "base.user_admin")}
    c1 = admin("res.company", "create", {"name": f"ACL RPC One {tag}"})
    c2 = admin("res.company", "create", {"name": f"ACL RPC Two {tag}"})
    groups = {"owner": ("test_orm.group_acl_a", c1), "group": ("test_orm.group_acl_b", c1),
              "company": ("test_orm.group_acl_a", c2), "none": ("base.group_user", c1)}
    users, logins = {}, {}
    for role, (group, company) in groups.items():
        logins[role] = f"acl_rpc_{role}_{tag}"
        users[role] = admin("res.users", "create", {
            "name": f"ACL RPC {role} {tag}", "login": logins[role], "password": PASSWORD,
            "email": f"{logins[role]}@example.com", "company_id": company, "company_ids": [(6, 0, [company])],
            "groups_id": [(6, 0, [ref[group]])]})
    visible = admin("res.partner", "create", {"name": f"Visible {tag}", "company_id": c1})
    hidden = admin("res.partner", "create", {"name": f"Hidden {tag}", "company_id": c2})
    wires = {(role, kind): Wire(kind, live_server.url, rpc_db, users[role], logins[role])
             for role in ROLES for kind in TRANSPORTS}
    owner, group, company = (wires[(r, "xmlrpc")] for r in ("owner", "group", "company"))
    t1 = owner(TAG, "create", {"name": f"Tag One {tag}", "company_id": c1})
    t2 = company(TAG, "create", {"name": f"Tag Two {tag}", "company_id": c2})
    beta = group(NOTE, "create", {"name": f"beta {tag}", "partner_id": hidden, "tag_ids": [(6, 0, [t1])]})
    gamma = company(NOTE, "create", {"name": f"gamma {tag}", "partner_id": hidden, "tag_ids": [(6, 0, [t2])]})
    data = dict(admin=admin, tag=tag, c1=c1, c2=c2, users=users, logins=logins, wires=wires, visible=visible,
                hidden=hidden, t1=t1, t2=t2, beta=beta, gamma=gamma, ref=ref)
    yield data
    # clean up what the module made (the database is shared with the other RPC tests)
    try:
        for role in ("owner", "company"):
            wire = wires[(role, "xmlrpc")]
            wire(NOTE, "unlink", wire(NOTE, "search", [("name", "like", tag)]))
            wire(TAG, "unlink", wire(TAG, "search", [("name", "like", tag)]))
        partners = [row["partner_id"][0] for row in admin("res.users", "read", list(users.values()), ["partner_id"])]
        admin("res.users", "unlink", list(users.values()))
        admin("res.partner", "unlink", partners + [visible, hidden])
        admin("res.company", "unlink", [c1, c2])
        admin("res.partner", "unlink", admin("res.partner", "search", [("name", "like", tag)],
                                             context={"active_test": False}))
    except (xmlrpc.client.Fault, Refused):
        pass


def probe_note(world, **values):
    """A note of the owner's, with a line, made for one test."""
    owner = world["wires"][("owner", "xmlrpc")]
    return owner(NOTE, "create", dict({"name": f"probe {world['tag']} {uuid.uuid4().hex[:6]}", "amount": 5,
                                       "secret": "probe-secret", "tag_ids": [(6, 0, [world["t1"]])],
                                       "line_ids": [(0, 0, {"name": "probe line"})]}, **values))


def snapshot(world):
    return world["admin"](NOTE, "acl_snapshot")


def assert_refused(world, call):
    before = snapshot(world)
    with pytest.raises(Refused) as info:
        call()
    assert info.value.name == "AccessError", info.value
    assert snapshot(world) == before


# -- operations on the owner's note: path x role x transport ----------------------------------------
OPERATIONS = {
    "read": lambda w, n, call: call(NOTE, "read", [n], ["name"]),
    "write": lambda w, n, call: call(NOTE, "write", [n], {"name": "changed"}),
    "unlink": lambda w, n, call: call(NOTE, "unlink", [n]),
    "copy": lambda w, n, call: call(NOTE, "copy", [n]),
    "create_for_owner": lambda w, n, call: call(NOTE, "create", {"name": f"for owner {w['tag']}",
                                                                 "company_id": w["c1"],
                                                                 "user_id": w["users"]["owner"]}),
    "name_get": lambda w, n, call: call(NOTE, "name_get", [n]),
    "export_data": lambda w, n, call: call(NOTE, "export_data", [n], ["id", "name"]),
    "load_update": lambda w, n, call: call(NOTE, "load", [".id", "name"], [[str(n), "loaded"]]),
    "onchange": lambda w, n, call: call(NOTE, "onchange", [n], {"id": n}, ["name"], {"name": {}}),
    "line_command": lambda w, n, call: call(NOTE, "write", [n], {"line_ids": [(0, 0, {"name": "extra"})]}),
    "attachment": lambda w, n, call: call("ir.attachment", "create", {"name": "a.txt", "res_model": NOTE,
                                                                      "res_id": n, "datas": "eA=="}),
}


@pytest.mark.parametrize("kind", TRANSPORTS)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_operations_on_the_owners_note(world, operation, kind):
    note = probe_note(world)
    for role in ("group", "company", "none"):
        assert_refused(world, lambda: OPERATIONS[operation](world, note, world["wires"][(role, kind)]))
    result = OPERATIONS[operation](world, note, world["wires"][("owner", kind)])
    if operation == "load_update":
        assert result["ids"] == [note], result
    if operation != "unlink":
        world["wires"][("owner", "xmlrpc")](NOTE, "unlink", [note])


# -- the search family: rules filter, a missing access right refuses ---------------------------------
SEARCHES = {
    "search": lambda n, call: call(NOTE, "search", [("id", "=", n)]),
    "search_count": lambda n, call: call(NOTE, "search_count", [("id", "=", n)]),
    "search_read": lambda n, call: call(NOTE, "search_read", [("id", "=", n)], ["name", "partner_id"]),
    "read_group": lambda n, call: call(NOTE, "read_group", [("id", "=", n)], ["amount:sum"], ["user_id"]),
    "name_search": lambda n, call: call(NOTE, "name_search", "probe", [("id", "=", n)]),
}


@pytest.mark.parametrize("kind", TRANSPORTS)
def test_searches_find_what_the_rules_allow(world, kind):
    note = probe_note(world)
    for name, search in SEARCHES.items():
        assert search(note, world["wires"][("owner", kind)]), name
        for role in ("group", "company"):
            assert not search(note, world["wires"][(role, kind)]), (name, role)
        assert_refused(world, lambda search=search: search(note, world["wires"][("none", kind)]))
    world["wires"][("owner", "xmlrpc")](NOTE, "unlink", [note])


# -- the restricted field (group A only) on every path ---------------------------------------------
SECRET_PATHS = {
    "read": lambda w, n, call: call(NOTE, "read", [n], ["secret"]),
    "domain": lambda w, n, call: call(NOTE, "search", [("secret", "=", "probe-secret")]),
    "order": lambda w, n, call: call(NOTE, "search", [], order="secret"),
    "read_group": lambda w, n, call: call(NOTE, "read_group", [], ["amount:sum"], ["secret"]),
    "write": lambda w, n, call: call(NOTE, "write", [n], {"secret": "x"}),
    "context_default": lambda w, n, call: call(NOTE, "create", {"name": "d"}, context={"default_secret": "x"}),
    "copy_default": lambda w, n, call: call(NOTE, "copy", [n], {"secret": "x"}),
    "export_data": lambda w, n, call: call(NOTE, "export_data", [n], ["secret"]),
    "default_get": lambda w, n, call: call(NOTE, "default_get", ["secret"]),
}


@pytest.mark.parametrize("kind", TRANSPORTS)
def test_restricted_field_is_refused_to_the_other_group(world, kind):
    group = world["wires"][("group", kind)]
    own = group(NOTE, "create", {"name": f"own {world['tag']}"})
    for path in SECRET_PATHS.values():
        assert_refused(world, lambda path=path: path(world, own, group))
    owner = world["wires"][("owner", kind)]
    for name, path in SECRET_PATHS.items():
        if name in ("write", "context_default", "copy_default"):
            continue
        path(world, own, owner)
    assert "secret" not in group(NOTE, "fields_get") and "secret" in owner(NOTE, "fields_get")


# -- links to records the user may not read -----------------------------------------------------------
@pytest.mark.parametrize("kind", TRANSPORTS)
def test_links_to_unreadable_records_reveal_nothing(world, kind):
    group = world["wires"][("group", kind)]
    beta, hidden = world["beta"], world["hidden"]
    hidden_name = f"Hidden {world['tag']}"
    assert not group(NOTE, "search", [("partner_id.name", "=", hidden_name)])
    assert not group(NOTE, "search", [("partner_id", "=", hidden_name)])
    assert not group(NOTE, "search", [("partner_name", "=", hidden_name)])
    assert not group("res.partner", "name_search", hidden_name)
    row = group(NOTE, "read", [beta], ["partner_id", "partner_name"])[0]
    assert row["partner_id"] == [hidden, RESTRICTED] and row["partner_name"] is False
    groups = group(NOTE, "read_group", [("id", "=", beta)], ["amount:sum"], ["partner_id"])
    assert groups[0]["partner_id"] == [hidden, RESTRICTED]
    assert group(NOTE, "export_data", [beta], ["partner_id"])["datas"] == [[RESTRICTED]]
    assert_refused(world, lambda: group(NOTE, "export_data", [beta], ["partner_id/name"]))
    assert_refused(world, lambda: group("res.partner", "read", [hidden], ["name"]))
    changes = group(NOTE, "onchange", [], {"partner_id": hidden}, ["partner_id"],
                    {"partner_id": {}, "partner_name": {}})["value"]
    assert changes.get("partner_name") is False
    # the owner (group A, no rule on contacts) sees the same links in full
    owner = world["wires"][("owner", kind)]
    assert owner(NOTE, "read", [beta], ["partner_name"])[0]["partner_name"] == hidden_name


@pytest.mark.parametrize("kind", TRANSPORTS)
def test_x2many_commands_are_checked_on_the_comodel(world, kind):
    group = world["wires"][("group", kind)]
    beta, t1, t2 = world["beta"], world["t1"], world["t2"]
    for commands in ([(0, 0, {"name": "new tag"})], [(1, t1, {"name": "renamed"})], [(2, t1)], [(4, t2)],
                     [(3, t2)], [(6, 0, [t1, t2])]):
        assert_refused(world, lambda commands=commands: group(NOTE, "write", [beta], {"tag_ids": commands}))
    assert_refused(world, lambda: group(NOTE, "write", [beta], {"line_ids": [(0, 0, {"name": "l"})]}))
    assert_refused(world, lambda: group(NOTE, "create", {"name": "d"}, context={"default_tag_ids": [(4, t2)]}))
    assert_refused(world, lambda: group(NOTE, "create", {"name": "d"},
                                        context={"default_user_id": world["users"]["owner"]}))
    group(NOTE, "write", [beta], {"tag_ids": [(6, 0, [t1])]})
    assert group(NOTE, "read", [beta], ["tag_ids"])[0]["tag_ids"] == [t1]


# -- ACL-4: users change their own preferences, nothing else ----------------------------------------
@pytest.mark.parametrize("kind", TRANSPORTS)
def test_users_change_their_preferences_only(world, kind):
    me_id, other = world["users"]["owner"], world["users"]["group"]
    me = world["wires"][("owner", kind)]
    system, manager = (world["admin"]("ir.model.data", "check_object_reference", "base", name)[1]
                       for name in ("group_system", "group_erp_manager"))
    other_partner = world["admin"]("res.users", "read", [other], ["partner_id"])[0]["partner_id"][0]
    refused = [
        ("res.users", "write", [me_id], {"groups_id": [(4, system)]}),
        ("res.users", "write", [me_id], {"login": f"hijack_{world['tag']}"}),
        ("res.users", "write", [me_id], {"active": False}),
        ("res.users", "write", [me_id], {"company_ids": [(4, world["c2"])]}),
        ("res.users", "write", [me_id], {"share": True}),
        ("res.users", "write", [me_id], {"password": "Another-Pass-77"}),
        ("res.users", "write", [other], {"name": "Hijacked"}),
        ("res.users", "create", {"name": "N", "login": f"new_{world['tag']}"}),
        ("res.users", "copy", [me_id], {"login": f"copy_{world['tag']}"}),
        ("res.users", "set_preferences", {"login": "x"}),
        ("res.partner", "write", [other_partner], {"email": "evil@example.com"}),
        ("res.partner", "write", [other_partner], {"user_ids": [(1, other, {"name": "Hijacked"})]}),
        ("res.groups", "write", [manager], {"users": [(4, me_id)]}),
        ("res.company", "write", [world["c2"]], {"user_ids": [(4, me_id)]}),
    ]
    for model, method, *args in refused:
        assert_refused(world, lambda model=model, method=method, args=args: me(model, method, *args))
    me("res.users", "write", [me_id], {"signature": f"<p>{kind}</p>", "tz": "Europe/Brussels"})
    me("res.users", "set_preferences", {"email": f"{kind}@example.com"})
    prefs = me("res.users", "get_preferences")
    assert (prefs["tz"], prefs["email"], prefs["signature"]) == ("Europe/Brussels", f"{kind}@example.com",
                                                                   f"<p>{kind}</p>")



def test_snapshot_sees_the_changes_a_refusal_must_not_make(world):
    """The witness of the refusals above: each kind of change shows in the snapshot."""
    owner = world["wires"][("owner", "xmlrpc")]
    before = snapshot(world)
    note = probe_note(world)
    assert snapshot(world) != before
    for change in ({"name": "renamed"}, {"tag_ids": [(5,)]}, {"secret": "other"}):
        before = snapshot(world)
        owner(NOTE, "write", [note], change)
        assert snapshot(world) != before, change
    before = snapshot(world)
    owner("res.users", "write", [world["users"]["owner"]], {"email": f"snap{uuid.uuid4().hex[:4]}@example.com"})
    assert snapshot(world) != before
    owner(NOTE, "unlink", [note])
