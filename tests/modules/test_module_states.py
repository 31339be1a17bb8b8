"""Module records and state transitions (modules.md STATE-1..4), in a rolled-back transaction."""
import pytest

from bureau.exceptions import UserError


@pytest.fixture
def Module(env):
    return env["ir.module.module"]


def state(Module, name):
    return Module.search([("name", "=", name)]).state


def test_update_list_creates_rows_for_addons_on_the_path(Module):
    updated, added = Module.update_list()
    assert added == 0  # the test database knows every addon already
    assert state(Module, "test_orm_schema") == "uninstalled"
    row = Module.search([("name", "=", "test_orm_ext")])
    assert row.dependencies_id.mapped("name") == ["test_orm"]
    assert row.dependencies_id.depend_id.name == "test_orm"


def test_button_install_marks_the_module(Module):
    Module.search([("name", "=", "test_orm_schema")]).button_install()
    assert state(Module, "test_orm_schema") == "to install"
    Module.search([("name", "=", "test_orm_schema")]).button_install_cancel()
    assert state(Module, "test_orm_schema") == "uninstalled"


def test_button_install_marks_uninstalled_dependencies(Module, env):
    env.cr.execute("UPDATE ir_module_module SET state = 'uninstalled' WHERE name = 'test_orm'")
    env.invalidate_all()
    Module.search([("name", "=", "test_orm_schema")]).button_install()
    assert state(Module, "test_orm") == "to install"


def test_button_upgrade_marks_installed_dependants(Module):
    Module.search([("name", "=", "test_orm")]).button_upgrade()
    assert state(Module, "test_orm") == "to upgrade"
    assert state(Module, "test_orm_ext") == "to upgrade"
    assert state(Module, "base") == "installed"


def test_button_uninstall_marks_dependants_and_refuses_base(Module):
    Module.search([("name", "=", "test_orm")]).button_uninstall()
    assert state(Module, "test_orm_ext") == "to remove"
    Module.search([("name", "=", "test_orm")]).button_uninstall_cancel()
    assert state(Module, "test_orm") == "installed"
    with pytest.raises(UserError, match="base addon cannot be uninstalled"):
        Module.search([("name", "=", "base")]).button_uninstall()


def test_upgrading_an_uninstalled_module_is_refused(Module):
    with pytest.raises(UserError, match="Only installed addons"):
        Module.search([("name", "=", "test_orm_schema")]).button_upgrade()


def test_immediate_install_requires_the_settings_group(Module, env):
    user = env["res.users"].create({"name": "Plain", "login": "plain_states",
                                    "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    from bureau.exceptions import AccessError
    with pytest.raises(AccessError):
        Module.with_user(user).search([("name", "=", "test_orm_schema")]).button_immediate_install()


def test_a_second_module_operation_waits_for_none(pg, orm_db):
    """STATE-4: while one operation holds the lock, another is refused at once."""
    from bureau.modules.lifecycle import LOCK_KEY, ModuleLoader
    holder = pg.cursor(orm_db)
    try:
        holder.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        with pytest.raises(UserError, match="Another module operation"):
            ModuleLoader(pg, orm_db).run(upgrade=["test_orm"])
    finally:
        holder.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        holder.close()
