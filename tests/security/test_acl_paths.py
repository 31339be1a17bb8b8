"""Access control on every path, in-process (security.md ACL-3, ACL-4, ACL-5; orm.md §13, TST-3/4).

The world (see ``tests/addons/test_orm/models/acl_paths.py``): ``test.orm.acl.note`` gives all rights
to group A, all but delete to group B, nothing to plain internal users; group B sees only its own
notes (group rule), everybody only the notes of their companies (global rule); ``secret`` is for
group A only; group B reads only the contacts of its companies. Four users, one per role of the
matrix of security.md §2:

* ``owner``   group A, company One: owns the note ``alpha``;
* ``group``   group B, company One: other group (the group rule hides ``alpha``);
* ``company`` group A, company Two: other company (the multi-company rule hides ``alpha``);
* ``none``    internal user, company One, no right on notes at all.

A refused call raises :class:`AccessError` inside a savepoint (one RPC call is one transaction) and
leaves every table the matrix touches as it was; an allowed call works.
"""
import types

import pytest

from bureau.exceptions import AccessError, ValidationError
from bureau.orm.access import RESTRICTED_NAME

NOTE = "test.orm.acl.note"
TAG = "test.orm.acl.tag"
ROLES = ("owner", "group", "company", "none")
REFUSED_ROLES = ("group", "company", "none")
#: tables whose rows a refused call must leave alone
TABLES = ("test_orm_acl_note", "test_orm_acl_tag", "test_orm_acl_line", "test_orm_acl_note_tag_rel",
          "ir_attachment", "ir_model_data", "res_users", "res_groups_users_rel", "res_partner", "res_company")


# -- the world -----------------------------------------------------------------------------------
@pytest.fixture
def world(env):
    c1 = env["res.company"].create({"name": "ACL Paths One"})
    c2 = env["res.company"].create({"name": "ACL Paths Two"})
    group_a, group_b = env.ref("test_orm.group_acl_a"), env.ref("test_orm.group_acl_b")

    def user(login, groups, company):
        return env["res.users"].create({
            "name": login.replace("_", " ").title(), "login": login, "email": f"{login}@example.com",
            "company_id": company.id, "company_ids": [(6, 0, [company.id])],
            "groups_id": [(6, 0, [g.id for g in groups])]})

    users = {"owner": user("acl_owner", [group_a], c1), "group": user("acl_other_group", [group_b], c1),
             "company": user("acl_other_company", [group_a], c2),
             "none": user("acl_no_rights", [env.ref("base.group_user")], c1)}
    # ids and names of the hidden contacts sort in opposite orders (see the order test)
    visible, hidden2, hidden = env["res.partner"].create([
        {"name": "Visible Contact", "company_id": c1.id, "email": "visible@example.com"},
        {"name": "Zebra Hidden", "company_id": c2.id, "email": "zebra@example.com"},
        {"name": "Aardvark Hidden", "company_id": c2.id, "email": "aardvark@example.com"}])
    t1, t2 = env[TAG].create([{"name": "Tag One", "company_id": c1.id}, {"name": "Tag Two", "company_id": c2.id}])
    Note = env[NOTE]
    alpha = Note.create({"name": "alpha", "amount": 10, "secret": "alpha-secret", "company_id": c1.id,
                         "user_id": users["owner"].id, "partner_id": hidden.id,
                         "tag_ids": [(6, 0, [t1.id, t2.id])], "line_ids": [(0, 0, {"name": "alpha line"})]})
    beta = Note.create([
        {"name": "beta hidden", "amount": 1, "company_id": c1.id, "user_id": users["group"].id,
         "partner_id": hidden.id, "parent_id": alpha.id, "tag_ids": [(6, 0, [t1.id, t2.id])]},
        {"name": "beta hidden 2", "amount": 2, "company_id": c1.id, "user_id": users["group"].id,
         "partner_id": hidden2.id},
        {"name": "beta visible", "amount": 4, "company_id": c1.id, "user_id": users["group"].id,
         "partner_id": visible.id, "secret": "beta-secret", "tag_ids": [(6, 0, [t1.id, t2.id])]}])
    gamma = Note.create({"name": "gamma", "amount": 30, "secret": "gamma-secret", "company_id": c2.id,
                         "user_id": users["company"].id, "partner_id": hidden.id})
    env.flush_all()
    return types.SimpleNamespace(
        env=env, c1=c1, c2=c2, users=users, visible=visible, hidden=hidden, hidden2=hidden2, t1=t1, t2=t2,
        alpha=alpha, beta_hidden=beta[0], beta_hidden2=beta[1], beta_visible=beta[2], gamma=gamma)


def as_(world, role, model=NOTE):
    """``model`` in the environment of the user playing ``role``."""
    return world.env[model].with_user(world.users[role])


def snapshot(env):
    env.flush_all()
    rows = {}
    for table in TABLES:
        env.cr.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
        rows[table] = env.cr.fetchall()
    return rows


def refused(env, action):
    """``action`` raises AccessError and changes nothing (run as one call: in a savepoint)."""
    before = snapshot(env)
    with pytest.raises(AccessError):
        with env.cr.savepoint():
            action()
    assert snapshot(env) == before


def allowed(env, action):
    with env.cr.savepoint():
        return action()


# -- CRUD on the owner's note: path x role (TST-3, TST-4) ------------------------------------------
CRUD = {
    "read": lambda w, m: m.browse(w.alpha.id).read(["name"]),
    "read_display_name": lambda w, m: m.browse(w.alpha.id).read(["display_name"]),
    "name_get": lambda w, m: m.browse(w.alpha.id).name_get(),
    "write": lambda w, m: m.browse(w.alpha.id).write({"name": "changed"}),
    "unlink": lambda w, m: m.browse(w.alpha.id).unlink(),
    "copy": lambda w, m: m.browse(w.alpha.id).copy(),
    "create_for_owner": lambda w, m: m.create({"name": "new", "company_id": w.c1.id,
                                               "user_id": w.users["owner"].id}),
    "toggle_active_like_write": lambda w, m: m.browse(w.alpha.id).write({"amount": 99}),
    "attach": lambda w, m: m.env["ir.attachment"].create({"name": "a.txt", "res_model": NOTE,
                                                         "res_id": w.alpha.id, "raw": b"x"}),
    "export": lambda w, m: m.browse(w.alpha.id).export_data(["name"]),
    "export_external_id": lambda w, m: m.browse(w.alpha.id).export_data(["id"]),
    "load_update": lambda w, m: m.load([".id", "name"], [[str(w.alpha.id), "loaded"]]),
    "onchange_origin": lambda w, m: m.browse(w.alpha.id).onchange({"id": w.alpha.id}, ["name"], {"name": {}}),
    "line_write_via_note": lambda w, m: m.browse(w.alpha.id).write(
        {"line_ids": [(1, w.alpha.line_ids.id, {"name": "x"})]}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(CRUD))
def test_crud_paths_on_the_owners_note(world, path, role):
    model = as_(world, role)
    if role == "owner":
        result = allowed(world.env, lambda: CRUD[path](world, model))
        if path.startswith("load"):
            assert result["ids"] == [world.alpha.id], result["messages"]
    else:
        refused(world.env, lambda: CRUD[path](world, model))


def test_owner_changes_are_real(world):
    """The allowed side of the matrix does what it says (so the refusals above mean something)."""
    model = as_(world, "owner")
    model.browse(world.alpha.id).write({"name": "renamed"})
    assert world.alpha.name == "renamed"
    copy = model.browse(world.alpha.id).copy()
    assert copy.user_id == world.users["owner"] and copy.secret == "alpha-secret"
    model.browse(copy.id).unlink()
    assert not copy.exists()


# -- the search family -----------------------------------------------------------------------------
SEARCHES = {
    "search": lambda w, m: m.search([("id", "=", w.alpha.id)]).ids,
    "search_count": lambda w, m: m.search_count([("id", "=", w.alpha.id)]),
    "search_read": lambda w, m: m.search_read([("id", "=", w.alpha.id)], ["name"]),
    "name_search": lambda w, m: m.name_search("alpha"),
    "read_group": lambda w, m: [g for g in m.read_group([("id", "=", w.alpha.id)], ["amount:sum"], ["company_id"])],
    "search_by_name_order": lambda w, m: m.search([("name", "=", "alpha")], order="amount desc, name").ids,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(SEARCHES))
def test_search_paths_find_only_what_the_rules_allow(world, path, role):
    model = as_(world, role)
    if role == "none":
        refused(world.env, lambda: SEARCHES[path](world, model))
        return
    result = SEARCHES[path](world, model)
    if role == "owner":
        assert result and result != 0, f"{path}: the owner finds the note"
    else:
        assert not result, f"{path}: {role} must not find the owner's note"


def test_read_group_totals_count_only_visible_notes(world):
    groups = as_(world, "group").read_group([], ["amount:sum"], [], lazy=False)
    assert groups[0]["amount"] == 1 + 2 + 4 and groups[0]["__count"] == 3
    groups = as_(world, "owner").read_group([], ["amount:sum"], [], lazy=False)
    assert groups[0]["amount"] == 10 + 1 + 2 + 4


# -- field groups: secret is for group A only (SEC-20) -----------------------------------------------
SECRET_PATHS = {
    "read": lambda w, m, n: n.read(["secret"]),
    "search_read_fields": lambda w, m, n: m.search_read([("id", "=", n.id)], ["secret"]),
    "domain": lambda w, m, n: m.search([("secret", "=", "beta-secret")]),
    "domain_negated": lambda w, m, n: m.search(["!", ("secret", "=", "beta-secret")]),
    "domain_through_parent": lambda w, m, n: m.search([("parent_id.secret", "like", "alpha")]),
    "domain_through_any": lambda w, m, n: m.search([("parent_id", "any", [("secret", "like", "a")])]),
    "domain_on_related": lambda w, m, n: m.search([("parent_secret", "like", "a")]),
    "order": lambda w, m, n: m.search([], order="secret desc"),
    "search_count": lambda w, m, n: m.search_count([("secret", "!=", False)]),
    "read_group_groupby": lambda w, m, n: m.read_group([], ["amount:sum"], ["secret"]),
    "read_group_aggregate": lambda w, m, n: m.read_group([], ["secret:count_distinct"], ["company_id"]),
    "read_group_domain": lambda w, m, n: m.read_group([("secret", "=", "x")], ["amount:sum"], []),
    "related_read": lambda w, m, n: n.read(["parent_secret"]),
    "write": lambda w, m, n: n.write({"secret": "changed"}),
    "create": lambda w, m, n: m.create({"name": "n", "secret": "s"}),
    "create_context_default": lambda w, m, n: m.with_context(default_secret="s").create({"name": "n"}),
    "copy_default": lambda w, m, n: n.copy(default={"secret": "s"}),
    "default_get": lambda w, m, n: m.default_get(["name", "secret"]),
    "export": lambda w, m, n: n.export_data(["name", "secret"]),
    "load": lambda w, m, n: m.load(["name", "secret"], [["loaded", "s"]]),
    "onchange_spec": lambda w, m, n: m.onchange({}, [], {"name": {}, "secret": {}}),
    "fields_get_hides": lambda w, m, n: _raise_if_present(m.fields_get(), "secret"),
}


def _raise_if_present(description, name):
    if name in description:
        return description
    raise AccessError(f"{name} is hidden")


@pytest.mark.parametrize("path", sorted(SECRET_PATHS))
def test_restricted_field_is_refused_on_every_path(world, path):
    model = as_(world, "group")
    note = model.browse(world.beta_visible.id)
    refused(world.env, lambda: SECRET_PATHS[path](world, model, note))


@pytest.mark.parametrize("path", sorted(SECRET_PATHS))
def test_restricted_field_works_for_its_group(world, path):
    model = as_(world, "owner")
    note = model.browse(world.beta_visible.id)
    allowed(world.env, lambda: SECRET_PATHS[path](world, model, note))


def test_copy_by_a_non_member_leaves_the_restricted_field_out(world):
    copy = as_(world, "group").browse(world.beta_visible.id).copy()
    assert copy.sudo().secret is False and copy.sudo().name == "beta visible"


# -- dotted paths and links into records the user may not read (ACL-3) -------------------------------
def test_domain_through_an_unreadable_partner_matches_nothing(world):
    group, owner = as_(world, "group"), as_(world, "owner")
    domains = [
        [("partner_id.name", "=", "Aardvark Hidden")],
        [("partner_id.email", "like", "aardvark")],
        [("partner_id", "=", "Aardvark Hidden")],
        [("partner_id", "ilike", "hidden")],
        [("partner_id", "any", [("name", "like", "Aardvark")])],
        [("partner_name", "=", "Aardvark Hidden")],
        [("parent_partner_name", "like", "Aardvark")],
        [("parent_id.name", "=", "alpha")],
        [("tag_ids", "in", [world.t2.id])],
        [("tag_ids", "=", world.t2.id)],
        [("tag_ids.name", "=", "Tag Two")],
        [("tag_ids", "=", "Tag Two")],
    ]
    for domain in domains:
        assert not group.search(domain), f"{domain} must not match through a record group B cannot read"
        assert world.env[NOTE].search(domain), f"{domain} matches for the superuser"
    assert owner.search([("partner_id.name", "=", "Aardvark Hidden")]), "group A reads every contact"
    assert not owner.search([("tag_ids", "in", [world.t2.id])]), "Tag Two is of company Two"
    # the visible side still matches
    assert group.search([("partner_id.name", "=", "Visible Contact")]) == group.browse(world.beta_visible.id)
    assert group.search([("tag_ids", "in", [world.t1.id])]).ids == sorted(
        [world.beta_hidden.id, world.beta_visible.id], key=lambda i: group.browse(i).sudo().name)


def test_domain_through_a_model_without_read_right_is_refused(world):
    group = as_(world, "group")
    for domain in ([("line_ids.name", "=", "alpha line")], [("line_ids", "any", [("name", "!=", False)])],
                   [("line_ids", "=", False)], [("line_ids", "in", [world.alpha.line_ids.id])]):
        refused(world.env, lambda domain=domain: group.search(domain))


def test_order_by_an_unreadable_many2one_reveals_no_order(world):
    """Sorting by partner sorts by the partners' names; names group B cannot read sort as empty."""
    group, owner = as_(world, "group"), as_(world, "owner")
    domain = [("id", "in", [world.beta_hidden.id, world.beta_hidden2.id])]
    asc, desc = owner.search(domain, order="partner_id asc").ids, owner.search(domain, order="partner_id desc").ids
    assert asc == [world.beta_hidden.id, world.beta_hidden2.id] and desc == asc[::-1]
    assert group.search(domain, order="partner_id asc").ids == group.search(domain, order="partner_id desc").ids
    # groups: by the contacts' names for group A, by their ids (what group B sees) for group B
    by_name = [world.hidden.id, world.hidden2.id]
    assert world.hidden2.id < world.hidden.id
    for model, asc in ((owner, by_name), (group, by_name[::-1])):
        groups = model.read_group(domain, ["amount:sum"], ["partner_id"], orderby="partner_id asc")
        groups_desc = model.read_group(domain, ["amount:sum"], ["partner_id"], orderby="partner_id desc")
        assert [g["partner_id"][0] for g in groups] == asc
        assert [g["partner_id"][0] for g in groups_desc] == asc[::-1]


def test_many2one_to_an_unreadable_record_shows_its_id_only(world):
    group = as_(world, "group")
    note = group.browse(world.beta_hidden.id)
    hidden_name = world.beta_hidden.sudo().partner_id.name  # the cache now holds the name
    assert hidden_name == "Aardvark Hidden"
    row = note.read(["partner_id", "parent_id", "company_id"])[0]
    assert row["partner_id"] == (world.hidden.id, RESTRICTED_NAME)
    assert row["parent_id"] == (world.alpha.id, RESTRICTED_NAME)
    assert row["company_id"] == (world.c1.id, "ACL Paths One")
    visible = group.browse(world.beta_visible.id).read(["partner_id"])[0]
    assert visible["partner_id"] == (world.visible.id, "Visible Contact")
    rows = group.search_read([("id", "=", note.id)], ["partner_id"])
    assert rows[0]["partner_id"] == (world.hidden.id, RESTRICTED_NAME)
    groups = group.read_group([], ["amount:sum"], ["partner_id"])
    labels = {g["partner_id"][0]: g["partner_id"][1] for g in groups}
    assert labels == {world.hidden.id: RESTRICTED_NAME, world.hidden2.id: RESTRICTED_NAME,
                      world.visible.id: "Visible Contact"}
    assert note.export_data(["name", "partner_id"])["datas"] == [["beta hidden", RESTRICTED_NAME]]
    refused(world.env, lambda: note.export_data(["partner_id/name"]))
    refused(world.env, lambda: note.export_data(["partner_id/id"]))
    assert not group.env["res.partner"].name_search("Hidden")
    refused(world.env, lambda: group.env["res.partner"].browse(world.hidden.id).read(["name"]))


def test_related_fields_reveal_nothing_the_user_cannot_read(world):
    """odoo/odoo#69583: whatever the cache holds, a related field is read with the reader's rights."""
    env = world.env
    # sudo fills the cache with the hidden values first
    sudo_note = world.beta_hidden.sudo()
    assert (sudo_note.partner_name, sudo_note.parent_name, sudo_note.parent_partner_name) == \
        ("Aardvark Hidden", "alpha", "Aardvark Hidden")
    note = as_(world, "group").browse(world.beta_hidden.id)
    assert (note.partner_name, note.parent_name, note.parent_partner_name) == (False, False, False)
    row = note.read(["partner_name", "parent_name", "parent_partner_name"])[0]
    assert (row["partner_name"], row["parent_name"], row["parent_partner_name"]) == (False, False, False)
    # the superuser's values are still right (values are kept per user)
    assert sudo_note.partner_name == "Aardvark Hidden"
    visible = as_(world, "group").browse(world.beta_visible.id)
    assert visible.partner_name == "Visible Contact"
    # group A has no rule on contacts and sees the notes of group B
    owner_note = as_(world, "owner").browse(world.beta_hidden.id)
    assert (owner_note.partner_name, owner_note.parent_name) == ("Aardvark Hidden", "alpha")
    env.invalidate_all()
    assert as_(world, "group").browse(world.beta_hidden.id).partner_name is False


def test_onchange_does_not_reveal_unreadable_values(world):
    group = as_(world, "group")
    spec = {"partner_id": {}, "partner_name": {}, "parent_name": {}, "parent_id": {}}
    world.hidden.sudo().name  # noqa: B018 - in cache
    result = group.onchange({"partner_id": world.hidden.id, "parent_id": world.alpha.id}, ["partner_id"], spec)
    values = result["value"]
    assert values.get("partner_name", False) is False and values.get("parent_name", False) is False
    assert values.get("partner_id", (world.hidden.id, RESTRICTED_NAME)) == (world.hidden.id, RESTRICTED_NAME)
    owner = as_(world, "owner")
    values = owner.onchange({"partner_id": world.hidden.id, "parent_id": world.alpha.id}, ["partner_id"], spec)["value"]
    assert values["partner_name"] == "Aardvark Hidden"
    # a related record given as values is read with the user's rights
    refused(world.env, lambda: group.onchange({"parent_id": {"id": world.alpha.id, "name": "x"}}, ["parent_id"],
                                              {"parent_id": {"fields": {"name": {}}}}))


# -- x2many commands: each one checked on the comodel as the operation it performs ------------------
TAG_COMMANDS_REFUSED = {
    "create_tag": lambda w: [(0, 0, {"name": "new tag"})],
    "update_tag": lambda w: [(1, w.t1.id, {"name": "renamed"})],
    "delete_tag": lambda w: [(2, w.t1.id)],
    "link_hidden": lambda w: [(4, w.t2.id)],
    "unlink_hidden": lambda w: [(3, w.t2.id)],
    "set_with_hidden": lambda w: [(6, 0, [w.t1.id, w.t2.id])],
    "link_missing": lambda w: [(4, 10 ** 8)],
}


@pytest.mark.parametrize("command", sorted(TAG_COMMANDS_REFUSED))
def test_x2many_commands_refused(world, command):
    note = as_(world, "group").browse(world.beta_visible.id)
    before = note.sudo().tag_ids
    if command == "link_missing":
        with pytest.raises(ValidationError):
            with world.env.cr.savepoint():
                note.write({"tag_ids": TAG_COMMANDS_REFUSED[command](world)})
    else:
        refused(world.env, lambda: note.write({"tag_ids": TAG_COMMANDS_REFUSED[command](world)}))
        refused(world.env, lambda: as_(world, "group").create(
            {"name": "with tags", "tag_ids": TAG_COMMANDS_REFUSED[command](world)}))
    world.env.invalidate_all()
    assert note.sudo().tag_ids == before


def test_x2many_commands_allowed_keep_links_the_user_cannot_see(world):
    env = world.env
    model = as_(world, "group")
    note = model.browse(world.beta_visible.id)
    assert note.tag_ids == model.env[TAG].browse(world.t1.id), "t2 is hidden from group B"
    note.write({"tag_ids": [(3, world.t1.id)]})
    assert note.sudo().tag_ids == world.t2
    note.write({"tag_ids": [(4, world.t1.id)]})
    assert note.sudo().tag_ids == world.t1 | world.t2
    note.write({"tag_ids": [(6, 0, [])]})
    assert note.sudo().tag_ids == world.t2, "SET keeps the links group B cannot see"
    note.write({"tag_ids": [(6, 0, [world.t1.id])]})
    note.write({"tag_ids": [(5,)]})
    env.invalidate_all()
    assert note.sudo().tag_ids == world.t2, "CLEAR keeps the links group B cannot see"
    # the superuser's SET replaces everything
    note.sudo().write({"tag_ids": [(6, 0, [world.t1.id])]})
    assert note.sudo().tag_ids == world.t1


def test_one2many_commands_need_rights_on_the_lines(world):
    group = as_(world, "group")
    note = group.browse(world.beta_visible.id)
    line = world.alpha.line_ids
    for commands in ([(0, 0, {"name": "x"})], [(4, line.id)], [(1, line.id, {"name": "x"})], [(2, line.id)],
                     [(6, 0, [line.id])]):
        refused(world.env, lambda commands=commands: note.write({"line_ids": commands}))
    owner_note = as_(world, "owner").browse(world.alpha.id)
    owner_note.write({"line_ids": [(0, 0, {"name": "second"})]})
    assert world.alpha.line_ids.mapped("name") == ["alpha line", "second"]


# -- ACL-5: default_<field> context keys are values like the others ----------------------------------
def test_context_defaults_go_through_the_same_checks(world):
    group = as_(world, "group")
    owner_id = world.users["owner"].id
    refused(world.env, lambda: group.with_context(default_user_id=owner_id).create({"name": "d"}))
    refused(world.env, lambda: group.create({"name": "d", "user_id": owner_id}))
    refused(world.env, lambda: group.with_context(default_tag_ids=[(4, world.t2.id)]).create({"name": "d"}))
    refused(world.env, lambda: group.with_context(default_company_id=world.c2.id).create({"name": "d"}))
    refused(world.env, lambda: group.with_context(default_line_ids=[(0, 0, {"name": "l"})]).create({"name": "d"}))
    created = group.with_context(default_amount=7, default_tag_ids=[(4, world.t1.id)]).create({"name": "d"})
    assert (created.amount, created.tag_ids.ids, created.user_id.id) == (7, [world.t1.id], world.users["group"].id)
    owner = as_(world, "owner")
    note = owner.with_context(default_secret="from context").create({"name": "d"})
    assert note.sudo().secret == "from context"


def test_user_defaults_are_values_of_the_user(world):
    """ir.default: users set defaults for themselves only, and for fields they may change."""
    Default = world.env["ir.default"].with_user(world.users["group"])
    refused(world.env, lambda: Default.set(NOTE, "secret", "planted", user_id=True))
    refused(world.env, lambda: Default.set(NOTE, "amount", 66))
    refused(world.env, lambda: Default.set("res.users", "groups_id", [world.env.ref("base.group_system").id]))
    Default.set(NOTE, "amount", 66, user_id=True)
    assert as_(world, "group").create({"name": "with my default"}).amount == 66
    assert as_(world, "owner").create({"name": "not mine"}).amount == 0
    owner_defaults = world.env["ir.default"].with_user(world.users["owner"])
    owner_defaults.set(NOTE, "secret", "owner default", user_id=True)
    assert as_(world, "owner").create({"name": "n"}).sudo().secret == "owner default"
    world.env["ir.default"].set(NOTE, "amount", 3)
    assert as_(world, "none").env["ir.default"].get(NOTE, "amount") == 3


def test_server_defaults_of_restricted_fields_still_apply(world):
    """A field's own default is the server's value, not the user's: it applies to non-members too."""
    note = as_(world, "group").create({"name": "plain"})
    assert note.sudo().secret_level == 1


# -- ACL-4: what a user who is not a user manager may change about users ------------------------------
PREFERENCES = {"name": "Renamed Owner", "email": "owner@new.example.com", "signature": "<p>Owner</p>",
               "lang": "en_US", "tz": "Europe/Brussels"}


def test_user_writes_own_preferences(world):
    owner = world.users["owner"]
    me = owner.with_user(owner)
    me.write(PREFERENCES)
    for name, value in PREFERENCES.items():
        assert owner.sudo()[name] == value
    me.env["res.users"].set_preferences({"tz": "Europe/Paris", "name": "Owner Again"})
    assert (owner.tz, owner.name) == ("Europe/Paris", "Owner Again")
    prefs = me.env["res.users"].get_preferences()
    assert prefs["tz"] == "Europe/Paris" and prefs["email"] == "owner@new.example.com"
    assert set(prefs) == set(PREFERENCES) | {"id"}


def _users_of(world):
    return world.users["owner"], world.users["group"]


USER_REFUSED = {
    "own_groups": lambda w, me, other: me.write({"groups_id": [(4, w.env.ref("base.group_erp_manager").id)]}),
    "own_groups_set": lambda w, me, other: me.write({"groups_id": [(6, 0, [w.env.ref("base.group_system").id])]}),
    "own_login": lambda w, me, other: me.write({"login": "hijack"}),
    "own_active": lambda w, me, other: me.write({"active": False}),
    "own_company_ids": lambda w, me, other: me.write({"company_ids": [(4, w.c2.id)]}),
    "own_company_id": lambda w, me, other: me.write({"company_id": w.c2.id}),
    "own_share": lambda w, me, other: me.write({"share": True}),
    "own_partner": lambda w, me, other: me.write({"partner_id": other.sudo().partner_id.id}),
    "own_mixed": lambda w, me, other: me.write({"name": "ok", "login": "hijack"}),
    "other_name": lambda w, me, other: other.with_env(me.env).write({"name": "Hijacked"}),
    "other_email": lambda w, me, other: other.with_env(me.env).write({"email": "evil@example.com"}),
    "other_password": lambda w, me, other: other.with_env(me.env).write({"password": "Evil-Pass-123"}),
    "own_password_by_write": lambda w, me, other: me.write({"password": "Evil-Pass-123"}),
    "create_user": lambda w, me, other: me.create({"name": "New", "login": "new_user"}),
    "create_user_context_groups": lambda w, me, other: me.with_context(
        default_groups_id=[(6, 0, [w.env.ref("base.group_system").id])]).create({"name": "N", "login": "n"}),
    "name_create": lambda w, me, other: me.name_create("new_by_name"),
    "copy_self": lambda w, me, other: me.copy({"login": "copy_of_me"}),
    "unlink_other": lambda w, me, other: other.with_env(me.env).unlink(),
    "set_preferences_other_field": lambda w, me, other: me.set_preferences({"login": "hijack"}),
    "set_preferences_groups": lambda w, me, other: me.set_preferences({"groups_id": [(4, 1)]}),
    "partner_user_ids_create": lambda w, me, other: me.partner_id.with_env(me.env).write(
        {"user_ids": [(0, 0, {"name": "Sneaky", "login": "sneaky"})]}),
    "partner_user_ids_update_own_login": lambda w, me, other: me.partner_id.with_env(me.env).write(
        {"user_ids": [(1, me.id, {"login": "hijack"})]}),
    "partner_user_ids_update_own_groups": lambda w, me, other: me.partner_id.with_env(me.env).write(
        {"user_ids": [(1, me.id, {"groups_id": [(4, w.env.ref("base.group_system").id)]})]}),
    "partner_user_ids_update_other": lambda w, me, other: me.partner_id.with_env(me.env).write(
        {"user_ids": [(1, other.id, {"name": "Hijacked"})]}),
    "partner_user_ids_link_other": lambda w, me, other: me.partner_id.with_env(me.env).write(
        {"user_ids": [(4, other.id)]}),
    "partner_of_other_user": lambda w, me, other: other.sudo().partner_id.with_env(me.env).write(
        {"email": "evil@example.com"}),
    "partner_of_admin": lambda w, me, other: w.env.ref("base.user_admin").partner_id.with_env(me.env).write(
        {"name": "Not Admin"}),
    "groups_users_link": lambda w, me, other: w.env.ref("base.group_system").with_env(me.env).write(
        {"users": [(4, me.id)]}),
    "groups_implied": lambda w, me, other: w.env.ref("test_orm.group_acl_a").with_env(me.env).write(
        {"implied_ids": [(4, w.env.ref("base.group_system").id)]}),
    "company_users_link": lambda w, me, other: w.c2.with_env(me.env).write({"user_ids": [(4, me.id)]}),
}


@pytest.mark.parametrize("path", sorted(USER_REFUSED))
def test_protected_user_fields_are_refused(world, path):
    owner, other = _users_of(world)
    me = owner.with_user(owner)
    refused(world.env, lambda: USER_REFUSED[path](world, me, other))


def test_preference_values_are_checked(world):
    me = world.users["owner"].with_user(world.users["owner"])
    for values in ({"tz": "Mars/Olympus"}, {"lang": "xx_XX"}):
        with pytest.raises(ValidationError):
            with world.env.cr.savepoint():
                me.write(values)


def test_user_manager_may_change_users(world):
    manager = world.users["company"]
    manager.groups_id = [(4, world.env.ref("base.group_erp_manager").id)]
    other = world.users["group"].with_user(manager)
    other.write({"login": "renamed_by_manager", "groups_id": [(4, world.env.ref("test_orm.group_acl_a").id)]})
    assert world.users["group"].login == "renamed_by_manager"
    world.users["group"].sudo().partner_id.with_user(manager).write({"email": "new@example.com"})


def test_own_partner_stays_editable(world):
    owner = world.users["owner"]
    owner.partner_id.with_user(owner).write({"phone": "+32 2 000 00 00", "email": "me@example.com"})
    assert owner.email == "me@example.com"


def test_change_password_is_the_way_to_a_new_password(world):
    owner = world.users["owner"]
    owner.password = "Initial-Pass-123"
    owner.with_user(owner).env["res.users"].change_password("Initial-Pass-123", "Second-Pass-456")
    assert world.env["res.users"]._check_credentials_for(owner.login, "Second-Pass-456") == owner.id


# -- import and export -----------------------------------------------------------------------------
def test_import_needs_create_and_the_rules(world):
    refused(world.env, lambda: as_(world, "none").load(["name"], [["by nobody"]]))
    # group B creates only its own notes: a row for somebody else is refused, not reported
    owner_login = world.users["owner"].login
    refused(world.env, lambda: as_(world, "group").load(["name", "user_id"], [["for owner", "Acl Owner"]]))
    result = as_(world, "group").load(["name"], [["by group"]])
    assert result["ids"] and not result["messages"], result
    assert as_(world, "group").browse(result["ids"]).user_id == world.users["group"]
    assert owner_login


def test_import_links_only_readable_records(world):
    group = as_(world, "group")
    refused(world.env, lambda: group.load(["name", "tag_ids/.id"], [["n", str(world.t2.id)]]))
    result = group.load(["name", "tag_ids/.id"], [["n", str(world.t1.id)]])
    assert result["ids"], result


def test_export_of_a_user_without_read_right_is_refused(world):
    refused(world.env, lambda: as_(world, "none").browse(world.alpha.id).export_data(["name"]))
    rows = as_(world, "owner").browse(world.alpha.id).export_data(["name", "secret", "partner_id", "tag_ids"])
    assert rows["datas"] == [["alpha", "alpha-secret", "Aardvark Hidden", "Tag One"]]
    rows = as_(world, "group").browse(world.beta_visible.id).export_data(["name", "tag_ids"])
    assert rows["datas"] == [["beta visible", "Tag One"]]


# -- sudo bypasses everything, the uid stays the real one (SEC-31) -----------------------------------
def test_sudo_bypasses_and_keeps_the_uid(world):
    model = as_(world, "none").sudo()
    note = model.create({"name": "sudo note", "secret": "s"})
    assert note.create_uid == world.users["none"]
    assert world.alpha.id in model.search([("partner_id.name", "=", "Aardvark Hidden")]).ids
    assert model.browse(world.beta_hidden.id).read(["partner_id"])[0]["partner_id"] == \
        (world.hidden.id, "Aardvark Hidden")


# -- the checks stay batched (no query per record) ----------------------------------------------------
def test_checks_cost_the_same_for_10_or_40_records(world, count_queries):
    env = world.env
    partners = [world.visible.id, world.hidden.id, world.hidden2.id]
    env[NOTE].create([{"name": f"bulk {i}", "company_id": world.c1.id, "user_id": world.users["group"].id,
                       "partner_id": partners[i % 3], "parent_id": world.alpha.id,
                       "tag_ids": [(6, 0, [world.t1.id, world.t2.id])]} for i in range(40)])
    fields = ["name", "partner_id", "partner_name", "parent_id", "parent_name", "parent_partner_name", "tag_ids"]
    counts = []
    for limit in (10, 10, 40):  # the first round fills the access caches
        env.invalidate_all()
        model = as_(world, "group")
        with count_queries(env) as counter:
            rows = model.search_read([("name", "like", "bulk")], fields, limit=limit, order="id")
            model.search([("name", "like", "bulk")], limit=limit, order="partner_id desc")
            model.read_group([("name", "like", "bulk")], ["amount:sum"], ["partner_id"])
            model.browse([row["id"] for row in rows]).export_data(["name", "partner_id", "tag_ids"])
        assert len(rows) == limit
        assert {row["partner_id"][1] for row in rows} == {"Visible Contact", RESTRICTED_NAME}
        assert all(row["parent_name"] is False and row["tag_ids"] == [world.t1.id] for row in rows)
        counts.append(counter.count)
    assert counts[1] == counts[2], counts
