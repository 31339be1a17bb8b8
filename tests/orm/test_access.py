"""Access rights, record rules, field groups and group implication (orm.md §13, TST-3, TST-4).

Access tests follow the shape of Odoo's ``test_acl.py`` (STYLE §9): check the precondition,
restrict, assert the refusal (and that nothing changed), grant, assert the operation works again.
"""
import pytest

from bureau.exceptions import AccessError

DOC = "test.orm.acl.doc"
OPERATIONS = ("read", "write", "create", "unlink")


# -- helpers ------------------------------------------------------------------------------------
def make_user(env, login, groups=()):
    return env["res.users"].create({
        "name": login.replace("_", " ").title(),
        "login": login,
        "groups_id": [(6, 0, [group.id for group in groups])],
    })


def grant(env, group, model_name, *perms, name=None):
    """An ``ir.model.access`` row giving ``perms`` on ``model_name`` to ``group`` (None: everybody)."""
    return env["ir.model.access"].create({
        "name": name or f"{model_name} {group.name if group else 'all'}",
        "model_id": env["ir.model"].search([("model", "=", model_name)]).id,
        "group_id": group.id if group else False,
        **{f"perm_{perm}": True for perm in perms},
    })


def add_rule(env, model_name, domain, groups=(), **perms):
    return env["ir.rule"].create({
        "name": f"rule {domain}",
        "model_id": env["ir.model"].search([("model", "=", model_name)]).id,
        "domain_force": domain,
        "groups": [(6, 0, [group.id for group in groups])],
        **perms,
    })


def table_rows(env, table):
    """The rows of ``table`` as PostgreSQL has them (after flushing pending ORM writes)."""
    env.flush_all()
    env.cr.execute(f"SELECT * FROM {table} ORDER BY id")
    return env.cr.fetchall()


def run(operation, records):
    """Perform a CRUD ``operation`` with ``records``' environment; returns what it returned."""
    if operation == "read":
        return records.read(["name"])
    if operation == "write":
        return records.write({"name": "changed"})
    if operation == "create":
        return records.create({"name": "created"})
    if operation == "unlink":
        return records.unlink()
    raise AssertionError(operation)


# -- access rights (ir.model.access): the matrix of TST-3 ----------------------------------------
@pytest.fixture
def acl_setup(env):
    """Groups A (read, write) and B (read, create, unlink) on ``test.orm.acl.doc``; one user each,
    plus a user in no group at all; and one document."""
    group_a = env["res.groups"].create({"name": "ACL test A"})
    group_b = env["res.groups"].create({"name": "ACL test B"})
    grant(env, group_a, DOC, "read", "write")
    grant(env, group_b, DOC, "read", "create", "unlink")
    users = {
        "A": make_user(env, "acl_user_a", [group_a]),
        "B": make_user(env, "acl_user_b", [group_b]),
        "none": make_user(env, "acl_user_none"),
    }
    doc = env[DOC].create({"name": "original"})
    return {"groups": {"A": group_a, "B": group_b}, "users": users, "doc": doc}


MATRIX = {
    "A": {"read": True, "write": True, "create": False, "unlink": False},
    "B": {"read": True, "write": False, "create": True, "unlink": True},
    "none": {"read": False, "write": False, "create": False, "unlink": False},
}


@pytest.mark.parametrize("who,operation", [(who, op) for who in MATRIX for op in OPERATIONS])
def test_acl_matrix_allows_exactly_the_granted_operations(env, acl_setup, who, operation):
    user = acl_setup["users"][who]
    doc = acl_setup["doc"].with_user(user)
    before = table_rows(env, "test_orm_acl_doc")
    assert doc.check_access_rights(operation, raise_exception=False) is MATRIX[who][operation]

    if not MATRIX[who][operation]:
        with pytest.raises(AccessError):
            run(operation, doc)
        assert table_rows(env, "test_orm_acl_doc") == before
        return

    result = run(operation, doc)
    after = table_rows(env, "test_orm_acl_doc")
    if operation == "read":
        assert result == [{"id": doc.id, "name": "original"}]
        assert after == before
    elif operation == "write":
        assert len(after) == len(before)
        assert env[DOC].browse(doc.id).name == "changed"
    elif operation == "create":
        assert len(after) == len(before) + 1
        assert result.name == "created" and result.create_uid == user
    elif operation == "unlink":
        assert [row[0] for row in after] == [row[0] for row in before if row[0] != doc.id]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_sudo_bypasses_missing_access_rights(env, acl_setup, operation):
    user = acl_setup["users"]["none"]
    doc = acl_setup["doc"].with_user(user)
    with pytest.raises(AccessError):
        run(operation, doc)
    result = run(operation, doc.sudo())
    assert result
    if operation == "create":
        # sudo keeps the real user as author (SEC-31)
        assert result.create_uid == user


@pytest.mark.parametrize("operation", ["search", "search_count", "search_read", "read_group", "name_search"])
def test_read_access_governs_search_methods(env, acl_setup, operation):
    calls = {
        "search": lambda m: m.search([]),
        "search_count": lambda m: m.search_count([]),
        "search_read": lambda m: m.search_read([], ["name"]),
        "read_group": lambda m: m.read_group([], ["name"], ["name"]),
        "name_search": lambda m: m.name_search("orig"),
    }
    denied = env[DOC].with_user(acl_setup["users"]["none"])
    with pytest.raises(AccessError):
        calls[operation](denied)
    allowed = env[DOC].with_user(acl_setup["users"]["A"])
    assert calls[operation](allowed)


def test_copy_needs_create_right(env, acl_setup):
    doc = acl_setup["doc"]
    count = env[DOC].search_count([])
    with pytest.raises(AccessError):
        doc.with_user(acl_setup["users"]["A"]).copy()
    assert env[DOC].search_count([]) == count
    copy = doc.with_user(acl_setup["users"]["B"]).copy()
    assert copy.name == "original" and env[DOC].search_count([]) == count + 1


@pytest.mark.parametrize("operation,verb", [("read", "read"), ("write", "modify"),
                                            ("create", "create"), ("unlink", "delete")])
def test_acl_error_names_operation_model_and_granting_groups(env, acl_setup, operation, verb):
    user = acl_setup["users"]["none"]
    with pytest.raises(AccessError) as info:
        run(operation, acl_setup["doc"].with_user(user))
    message = str(info.value)
    assert verb in message
    assert "'ACL document' (test.orm.acl.doc)" in message
    granting = {"read": {"A", "B"}, "write": {"A"}, "create": {"B"}, "unlink": {"B"}}[operation]
    for key in ("A", "B"):
        assert (f"ACL test {key}" in message) is (key in granting)
    assert "administrator" in message


def test_acl_error_says_when_no_group_grants_the_operation(env):
    user = make_user(env, "acl_nobody")
    with pytest.raises(AccessError) as info:
        env[DOC].with_user(user).search([])
    assert "No group currently allows this operation" in str(info.value)


def test_model_without_access_rows_is_refused_to_everybody_but_sudo(env):
    admin = env.ref("base.user_admin")
    assert admin.has_group("base.group_system")
    assert not env[DOC].with_user(admin).check_access_rights("read", raise_exception=False)
    assert env[DOC].with_user(admin).sudo().check_access_rights("read")


def test_access_row_without_group_applies_to_every_user(env):
    user = make_user(env, "acl_plain")
    model = env[DOC].with_user(user)
    assert not model.check_access_rights("read", raise_exception=False)
    grant(env, None, DOC, "read")
    assert model.check_access_rights("read", raise_exception=False)
    assert not model.check_access_rights("write", raise_exception=False)


def test_inactive_access_row_grants_nothing(env, acl_setup):
    model = env[DOC].with_user(acl_setup["users"]["A"])
    assert model.check_access_rights("write", raise_exception=False)
    env["ir.model.access"].search([("group_id", "=", acl_setup["groups"]["A"].id)]).active = False
    assert not model.check_access_rights("write", raise_exception=False)


def test_access_cache_is_cleared_when_rows_and_memberships_change(env, acl_setup):
    user = acl_setup["users"]["none"]
    doc = acl_setup["doc"].with_user(user)
    group_a, group_b = acl_setup["groups"]["A"], acl_setup["groups"]["B"]
    with pytest.raises(AccessError):
        doc.write({"name": "x"})

    # membership added: the refusal cached above must be forgotten
    user.groups_id = [(4, group_a.id)]
    doc.write({"name": "by member of A"})
    assert acl_setup["doc"].name == "by member of A"

    # right withdrawn from the row
    access_a = env["ir.model.access"].search([("group_id", "=", group_a.id)])
    access_a.perm_write = False
    with pytest.raises(AccessError):
        doc.write({"name": "y"})
    assert acl_setup["doc"].name == "by member of A"

    # a new row granting the right to the user's group
    grant(env, group_a, DOC, "write", name="A writes again")
    doc.write({"name": "again"})

    # membership removed
    user.groups_id = [(3, group_a.id)]
    with pytest.raises(AccessError):
        doc.read(["name"])

    # row deleted: B loses its create right
    b_model = env[DOC].with_user(acl_setup["users"]["B"])
    assert b_model.check_access_rights("create")
    env["ir.model.access"].search([("group_id", "=", group_b.id)]).unlink()
    assert not b_model.check_access_rights("create", raise_exception=False)


def test_rolled_back_membership_change_leaves_no_stale_access_cache(env):
    admin = env.ref("base.user_admin")
    group_user = env.ref("base.group_user")
    category = env["test.orm.category"].with_user(admin)
    assert category.check_access_rights("read")
    # transitively implied too: remove every group implying group_user
    admin.groups_id = [(5, 0, 0)]
    assert not category.check_access_rights("read", raise_exception=False)
    env.cr.rollback()
    assert group_user in admin.groups_id
    assert category.check_access_rights("read")


# -- implied groups and has_group (SEC-30) -------------------------------------------------------
def test_group_system_implies_group_user_transitively(env):
    user = make_user(env, "acl_system", [env.ref("base.group_system")])
    assert user.has_group("base.group_system")
    assert user.has_group("base.group_erp_manager")
    assert user.has_group("base.group_user")
    assert env.ref("base.group_user") in user.groups_id
    # group_user's ACLs now apply
    assert env["test.orm.order"].with_user(user).check_access_rights("create")


def test_implication_added_later_reaches_existing_members(env):
    top = env["res.groups"].create({"name": "Implies test top"})
    middle = env["res.groups"].create({"name": "Implies test middle"})
    bottom = env["res.groups"].create({"name": "Implies test bottom"})
    middle.implied_ids = [(4, bottom.id)]
    user = make_user(env, "acl_implied", [top])
    assert not user.has_group(_xmlid(env, bottom))
    top.implied_ids = [(4, middle.id)]
    assert user.has_group(_xmlid(env, middle))
    assert user.has_group(_xmlid(env, bottom))
    assert bottom in user.groups_id


def test_has_group_is_cached_and_cleared_when_membership_changes(env, count_queries):
    group = env["res.groups"].create({"name": "Has group test"})
    xmlid = _xmlid(env, group)
    user = make_user(env, "acl_has_group")
    assert not user.has_group(xmlid)
    with count_queries(env) as counter:
        assert not user.has_group(xmlid)
    assert counter.count == 0
    user.groups_id = [(4, group.id)]
    assert user.has_group(xmlid)
    group.users = [(3, user.id)]
    assert not user.has_group(xmlid)


def _xmlid(env, record):
    """Give ``record`` an external id in module ``__test__`` and return it."""
    name = f"{record._table}_{record.id}"
    if not env["ir.model.data"].search([("module", "=", "__test__"), ("name", "=", name)]):
        env["ir.model.data"].create({"module": "__test__", "name": name, "model": record._name,
                                     "res_id": record.id})
    return f"__test__.{name}"


# -- record rules (ir.rule): TST-4 ---------------------------------------------------------------
@pytest.fixture
def rule_setup(env):
    """Documents 'alpha', 'beta', 'gamma', 'delta', a user in group_user and two groups G1/G2;
    everybody in group_user may do anything on the documents (ACL)."""
    group_user = env.ref("base.group_user")
    grant(env, group_user, DOC, *OPERATIONS)
    g1 = env["res.groups"].create({"name": "Rule group 1"})
    g2 = env["res.groups"].create({"name": "Rule group 2"})
    user = make_user(env, "rule_user", [group_user])
    docs = env[DOC].create([{"name": name} for name in ("alpha", "beta", "gamma", "delta")])
    return {"user": user, "g1": g1, "g2": g2, "docs": docs}


def visible_names(records):
    return sorted(records.search([]).mapped("name"))


def test_global_rule_and_group_rules_combine_as_and_of_or(env, rule_setup):
    user, g1, g2 = rule_setup["user"], rule_setup["g1"], rule_setup["g2"]
    model = env[DOC].with_user(user)
    assert visible_names(model) == ["alpha", "beta", "delta", "gamma"]

    add_rule(env, DOC, "[('name', '!=', 'delta')]")  # global
    add_rule(env, DOC, "[('name', '=', 'alpha')]", [g1])
    add_rule(env, DOC, "[('name', 'in', ['beta', 'delta'])]", [g2])
    # no group rule applies to the user: only the global one restricts
    assert visible_names(model) == ["alpha", "beta", "gamma"]

    user.groups_id = [(4, g1.id)]
    assert visible_names(model) == ["alpha"]

    user.groups_id = [(4, g2.id)]
    # global AND (g1 OR g2): delta stays excluded by the global rule
    assert visible_names(model) == ["alpha", "beta"]
    assert model.search_count([]) == 2
    assert [group["name"] for group in model.read_group([], ["name"], ["name"])] == ["alpha", "beta"]
    assert sorted(name for _, name in model.name_search("a")) == ["alpha", "beta"]


def test_rules_refuse_reading_writing_and_deleting_records_outside_them(env, rule_setup):
    user = rule_setup["user"]
    docs = rule_setup["docs"]
    add_rule(env, DOC, "[('name', 'in', ['alpha', 'beta'])]")
    alpha, gamma = docs[0].with_user(user), docs[2].with_user(user)
    assert alpha.read(["name"]) == [{"id": alpha.id, "name": "alpha"}]
    before = table_rows(env, "test_orm_acl_doc")
    for operation in ("read", "write", "unlink"):
        with pytest.raises(AccessError) as info:
            run(operation, gamma)
        assert "test.orm.acl.doc" in str(info.value)
        assert table_rows(env, "test_orm_acl_doc") == before
    # the whole batch is refused when one record is outside the rules
    with pytest.raises(AccessError):
        (alpha | gamma).write({"name": "changed"})
    assert table_rows(env, "test_orm_acl_doc") == before
    alpha.write({"name": "alpha2"})
    assert docs[0].name == "alpha2"


def test_rules_apply_to_values_already_cached_by_sudo(env, rule_setup):
    user = rule_setup["user"]
    gamma = rule_setup["docs"][2]
    add_rule(env, DOC, "[('name', '=', 'alpha')]")
    assert gamma.name == "gamma"  # cached by the superuser
    with pytest.raises(AccessError):
        gamma.with_user(user).read(["name"])


def test_rule_limited_to_one_operation_leaves_the_others_alone(env, rule_setup):
    user = rule_setup["user"]
    add_rule(env, DOC, "[('name', '=', 'alpha')]", perm_read=False, perm_create=False,
             perm_unlink=False, perm_write=True)
    gamma = rule_setup["docs"][2].with_user(user)
    assert gamma.read(["name"])[0]["name"] == "gamma"
    with pytest.raises(AccessError):
        gamma.write({"name": "changed"})
    gamma.unlink()
    assert not rule_setup["docs"][2].exists()


def test_create_outside_the_rules_fails_and_creates_nothing(env, rule_setup):
    user = rule_setup["user"]
    add_rule(env, DOC, "[('name', 'like', 'ok')]", perm_read=False, perm_write=False, perm_unlink=False)
    model = env[DOC].with_user(user)
    before = table_rows(env, "test_orm_acl_doc")
    with pytest.raises(AccessError):
        with env.cr.savepoint():
            model.create([{"name": "ok 1"}, {"name": "refused"}])
    assert table_rows(env, "test_orm_acl_doc") == before
    assert not env[DOC].search([("name", "in", ["ok 1", "refused"])])
    created = model.create({"name": "ok 2"})
    assert created.exists() and created.name == "ok 2"


def test_rule_on_user_partner_and_companies(env, rule_setup):
    user = rule_setup["user"]
    other_company = env["res.company"].create({"name": "Rule Company Two"})
    user.write({"company_ids": [(4, other_company.id)]})
    docs = rule_setup["docs"]
    docs[0].partner_id = user.partner_id
    docs[1].company_id = other_company
    docs[2].company_id = env["res.company"].create({"name": "Rule Company Three"})
    add_rule(env, DOC, "['|', ('partner_id', '=', user.partner_id.id), ('company_id', 'in', company_ids)]")
    model = env[DOC].with_user(user)
    # only the user's main company is allowed by default
    assert visible_names(model) == ["alpha"]
    both = user.company_id.ids + other_company.ids
    assert visible_names(model.with_context(allowed_company_ids=both)) == ["alpha", "beta"]
    # another user sees the documents of their own partner
    other = make_user(env, "rule_other_user", [env.ref("base.group_user")])
    docs[3].partner_id = other.partner_id
    assert visible_names(env[DOC].with_user(other)) == ["delta"]
    # the rule result follows a change of the user's partner
    user.partner_id = other.partner_id
    assert visible_names(model) == ["delta"]


def test_inherits_child_is_restricted_by_the_parent_rules(env):
    group_user = env.ref("base.group_user")
    user = make_user(env, "rule_pet_user", [group_user])
    rex = env["test.orm.pet"].create({"name": "Rex"})
    tom = env["test.orm.pet"].create({"name": "Tom"})
    pets = env["test.orm.pet"].with_user(user)
    assert {"Rex", "Tom"} <= set(pets.search([]).mapped("name"))
    add_rule(env, "test.orm.animal", "[('name', '!=', 'Tom')]")
    assert "Tom" not in pets.search([]).mapped("name")
    assert "Rex" in pets.search([]).mapped("name")
    with pytest.raises(AccessError):
        tom.with_user(user).read(["owner_id"])
    with pytest.raises(AccessError):
        tom.with_user(user).write({"owner_id": user.partner_id.id})
    assert rex.with_user(user).read(["name"])[0]["name"] == "Rex"


def test_superuser_bypasses_record_rules(env, rule_setup):
    user = rule_setup["user"]
    add_rule(env, DOC, "[(0, '=', 1)]")
    model = env[DOC].with_user(user)
    assert not model.search([])
    assert visible_names(model.sudo()) == ["alpha", "beta", "delta", "gamma"]
    rule_setup["docs"][0].with_user(user).sudo().write({"name": "sudo wrote"})
    assert rule_setup["docs"][0].name == "sudo wrote"


# -- field groups (SEC-20) -----------------------------------------------------------------------
@pytest.fixture
def secret_setup(env):
    user = make_user(env, "secret_user", [env.ref("base.group_user")])
    system = make_user(env, "secret_system", [env.ref("base.group_system")])
    secret = env["test.orm.secret"].create({"name": "s1", "code": "XYZ"})
    return user, system, secret


def test_restricted_field_is_refused_to_non_members(env, secret_setup):
    user, _, secret = secret_setup
    mine = secret.with_user(user)
    model = env["test.orm.secret"].with_user(user)
    refusals = {
        "read": lambda: mine.read(["code"]),
        "attribute": lambda: mine.invalidate_recordset() or mine.code,
        "write": lambda: mine.write({"code": "NEW"}),
        "create": lambda: model.create({"name": "s2", "code": "C"}),
        "search": lambda: model.search([("code", "=", "XYZ")]),
        "order": lambda: model.search([], order="code"),
        "read_group": lambda: model.read_group([], ["name"], ["code"]),
    }
    before = table_rows(env, "test_orm_secret")
    for name, call in refusals.items():
        with pytest.raises(AccessError, match="code"):
            call()
    assert table_rows(env, "test_orm_secret") == before
    # the rest of the record stays readable; reading all fields leaves the restricted one out
    assert mine.read(["name"]) == [{"id": secret.id, "name": "s1"}]
    assert "code" not in mine.read()[0]
    assert "code" not in model.fields_get()
    assert "name" in model.fields_get()


def test_restricted_field_is_available_to_members_and_sudo(env, secret_setup):
    user, system, secret = secret_setup
    for records in (secret.with_user(system), secret.with_user(user).sudo()):
        assert records.read(["code"])[0]["code"] == "XYZ"
        assert "code" in records.fields_get()
        assert records.search([("code", "=", "XYZ")], order="code") == secret
        records.write({"code": "ABC"})
        assert secret.code == "ABC"
        records.write({"code": "XYZ"})


def test_rule_definitions_are_validated_when_saved(env):
    from bureau.exceptions import ValidationError

    with pytest.raises(ValidationError):
        with env.cr.savepoint():
            add_rule(env, "ir.rule", "[]")
    with pytest.raises(ValidationError):
        with env.cr.savepoint():
            add_rule(env, DOC, "[('no_such_field', '=', 1)]")
    with pytest.raises(ValidationError):
        with env.cr.savepoint():
            add_rule(env, DOC, "[('name', '=', __import__('os').getcwd())]")
    assert not env["ir.rule"].search([("model_id.model", "in", ["ir.rule", DOC])])


def test_fields_get_needs_no_access_right(env):
    user = make_user(env, "acl_fields_get")
    model = env[DOC].with_user(user)
    assert not model.check_access_rights("read", raise_exception=False)
    assert {"name", "partner_id"} <= set(model.fields_get())


def test_unknown_operation_is_an_error(env):
    user = make_user(env, "acl_bad_operation")
    with pytest.raises(ValueError):
        env[DOC].with_user(user).check_access_rights("export")


def test_x2many_values_follow_the_comodel_rules(env):
    user = make_user(env, "rule_lines_user", [env.ref("base.group_user")])
    order = env["test.orm.order"].create({"name": "RULE-O2M", "line_ids": [
        (0, 0, {"name": "visible", "price": 1}), (0, 0, {"name": "hidden", "price": 2})]})
    add_rule(env, "test.orm.order.line", "[('name', '!=', 'hidden')]")
    env.invalidate_all()
    assert order.with_user(user).line_ids.mapped("name") == ["visible"]
    visible = env["test.orm.order.line"].search([("order_id", "=", order.id), ("name", "=", "visible")])
    assert order.with_user(user).read(["line_ids"])[0]["line_ids"] == visible.ids


def test_x2many_filtered_for_a_user_does_not_hide_lines_from_sudo(env):
    user = make_user(env, "rule_lines_user2", [env.ref("base.group_user")])
    order = env["test.orm.order"].create({"name": "RULE-O2M-2", "line_ids": [
        (0, 0, {"name": "visible", "price": 1}), (0, 0, {"name": "hidden", "price": 2})]})
    add_rule(env, "test.orm.order.line", "[('name', '!=', 'hidden')]")
    env.invalidate_all()
    assert order.with_user(user).line_ids.mapped("name") == ["visible"]
    assert order.line_ids.mapped("name") == ["visible", "hidden"]


def test_transient_records_are_visible_to_their_creator_only(env):
    group_user = env.ref("base.group_user")
    alice = make_user(env, "wizard_alice", [group_user])
    bob = make_user(env, "wizard_bob", [group_user])
    wizard = env["test.orm.wizard"].with_user(alice).create({"name": "alice's"})
    assert env["test.orm.wizard"].with_user(alice).search([]) == wizard
    assert not env["test.orm.wizard"].with_user(bob).search([])
    with pytest.raises(AccessError):
        wizard.with_user(bob).write({"name": "bob's"})
    assert wizard.name == "alice's"
