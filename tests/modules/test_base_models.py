"""Behaviour of the base addon's models (modules.md §12): defaults, currencies, sequences,
parameters, menus, server actions, scheduled actions, companies."""
import datetime

import pytest

from bureau.exceptions import AccessError, UserError, ValidationError


def make_user(env, login, *groups):
    return env["res.users"].create({"name": login.title(), "login": login,
                                    "groups_id": [(6, 0, [env.ref(g).id for g in groups])]})


# -- ir.default ----------------------------------------------------------------------------------
def test_user_defaults_apply_most_specific_first(env):
    be, fr = env.ref("base.be"), env.ref("base.fr")
    user = make_user(env, "defaults_user", "base.group_user", "base.group_partner_manager")
    Default = env["ir.default"]
    Default.set("res.partner", "country_id", fr.id)
    Default.set("res.partner", "country_id", be.id, user_id=user.id)
    assert env["res.partner"].create({"name": "Admin's"}).country_id == fr
    assert env["res.partner"].with_user(user).create({"name": "User's"}).country_id == be
    assert env["res.partner"].with_user(user).default_get(["country_id"]) == {"country_id": be.id}
    # the context still wins, and removing a default restores the field's own
    assert env["res.partner"].with_user(user).with_context(default_country_id=fr.id).create(
        {"name": "Ctx"}).country_id == fr
    Default.set("res.partner", "country_id", None, user_id=user.id)
    assert env["res.partner"].with_user(user).create({"name": "Again"}).country_id == fr
    assert Default.get("res.partner", "country_id") == fr.id


def test_default_json_is_validated(env):
    field = env["ir.model.fields"].search([("model", "=", "res.partner"), ("name", "=", "city")])
    with pytest.raises(ValidationError):
        env["ir.default"].create({"field_id": field.id, "json_value": "{not json"})


# -- currencies ----------------------------------------------------------------------------------
def test_currency_conversion_uses_the_rate_of_the_date(env):
    eur, usd = env.ref("base.EUR"), env.ref("base.USD")
    Rate = env["res.currency.rate"]
    Rate.create({"currency_id": usd.id, "name": "2026-01-01", "rate": 1.10, "company_id": False})
    Rate.create({"currency_id": usd.id, "name": "2026-06-01", "rate": 1.20, "company_id": False})
    assert eur._convert(100, usd, date=datetime.date(2026, 3, 1)) == 110.0
    assert eur._convert(100, usd, date=datetime.date(2026, 7, 1)) == 120.0
    assert usd._convert(120, eur, date=datetime.date(2026, 7, 1)) == 100.0
    assert usd.with_context(date="2026-02-01").rate == pytest.approx(1.10)
    assert eur.round(1.005) == 1.01 and eur.is_zero(0.004) and eur.compare_amounts(1.001, 1.0) == 0


# -- sequences -----------------------------------------------------------------------------------
@pytest.mark.parametrize("implementation", ["standard", "no_gap"])
def test_sequences_number_with_prefix_and_padding(env, implementation):
    seq = env["ir.sequence"].create({"name": "Test", "code": f"test.seq.{implementation}",
                                     "prefix": "T/%(year)s/", "padding": 4, "implementation": implementation})
    year = datetime.date.today().year
    first = env["ir.sequence"].next_by_code(f"test.seq.{implementation}")
    second = seq.next_by_id()
    assert (first, second) == (f"T/{year}/0001", f"T/{year}/0002")
    assert env["ir.sequence"].next_by_code("no.such.code") is False


def test_invalid_sequence_prefix_is_a_user_error(env):
    seq = env["ir.sequence"].create({"name": "Bad", "prefix": "%(nope)s"})
    with pytest.raises(UserError):
        seq.next_by_id()


# -- parameters ----------------------------------------------------------------------------------
def test_config_parameters_and_their_access(env):
    Param = env["ir.config_parameter"]
    assert Param.get_param("database.uuid")
    assert Param.set_param("test.key", "1") is False
    assert Param.get_param("test.key") == "1"
    user = make_user(env, "param_user", "base.group_user")
    with pytest.raises(AccessError):
        Param.with_user(user).get_param("database.secret")


# -- menus ---------------------------------------------------------------------------------------
def test_menus_are_filtered_by_groups_and_readable_models(env):
    user = make_user(env, "menu_user", "base.group_user")
    admin_menus = env["ir.ui.menu"].with_user(env.ref("base.user_admin")).load_menus()
    user_menus = env["ir.ui.menu"].with_user(user).load_menus()
    technical = env.ref("base.menu_custom").id
    contacts = env.ref("base.menu_contacts_all").id
    assert technical in admin_menus and technical not in user_menus
    assert contacts in user_menus
    assert env.ref("base.menu_contacts").id in user_menus["root"]["children"]
    assert user_menus[contacts]["action"] == f"ir.actions.act_window,{env.ref('base.action_partner_form').id}"


def test_action_ids_are_unique_across_action_kinds(env):
    window = env.ref("base.action_partner_form")
    server = env["ir.actions.server"].create({"name": "Noop", "model_id": env.ref("base.model_res_partner").id,
                                              "state": "code", "code": "action = {'type': 'ir.actions.act_window_close'}"})
    assert window.id != server.id
    Actions = env["ir.actions.actions"]
    assert Actions._action_model(window.id) == "ir.actions.act_window"
    assert Actions._action_model(server.id) == "ir.actions.server"
    assert Actions.browse(server.id).read(["name", "type"])[0]["type"] == "ir.actions.server"


# -- server actions and cron -----------------------------------------------------------------
def test_server_action_code_runs_on_the_active_records(env):
    partner = env["res.partner"].create({"name": "Target"})
    action = env["ir.actions.server"].create({
        "name": "Flag", "model_id": env.ref("base.model_res_partner").id, "state": "code",
        "code": "for rec in records:\n    rec.write({'comment': 'flagged'})\naction = {'type': 'ir.actions.act_window_close'}"})
    result = action.with_context(active_model="res.partner", active_ids=[partner.id]).run()
    assert result == {"type": "ir.actions.act_window_close"}
    assert "flagged" in partner.comment


def test_server_action_code_cannot_import(env):
    """Refused when saved, and again when run (code stored behind the ORM's back)."""
    values = {"name": "Evil", "model_id": env.ref("base.model_res_partner").id, "state": "code"}
    with pytest.raises(ValidationError, match="Import"):
        env["ir.actions.server"].create({**values, "code": "import os"})
    action = env["ir.actions.server"].create({**values, "code": "action = 1"})
    env.cr.execute("UPDATE ir_act_server SET code = 'import os' WHERE id = %s", [action.id])
    env.invalidate_all()
    with pytest.raises(ValidationError, match="Import"):
        action.run()


def test_scheduled_action_runs_as_its_user(env):
    cron = env["ir.cron"].create({"name": "Set param", "model_id": env.ref("base.model_ir_config_parameter").id,
                                  "state": "code", "code": "model.set_param('test.cron.ran', 'yes')",
                                  "interval_type": "days", "user_id": env.ref("base.user_root").id})
    cron.method_direct_trigger()
    assert env["ir.config_parameter"].get_param("test.cron.ran") == "yes"
    assert cron.lastcall
    assert env.ref("base.autovacuum_job").active


# -- companies -----------------------------------------------------------------------------------
def test_company_is_a_partner(env):
    company = env["res.company"].create({"name": "Second Co", "city": "Namur"})
    assert company.partner_id.name == "Second Co" and company.partner_id.city == "Namur"
    assert company.partner_id.is_company
    company.name = "Renamed Co"
    assert company.partner_id.name == "Renamed Co"
