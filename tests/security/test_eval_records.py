"""Records in evaluated expressions are data (security.md EVAL-3) and server actions act with the
rights of the user who triggered them (EVAL-5)."""
import pytest

from bureau.exceptions import AccessError, UserError, ValidationError
from bureau.orm.eval_records import ActingEnvironment, ActingRecords, RecordData
from bureau.tests import new_test_user
from bureau.tools.safe_eval import SafeEvalError, safe_eval, safe_exec


def test_record_data_exposes_fields_id_and_ids_only(env):
    partner = env["res.partner"].create({"name": "Data", "city": "Liège"})
    data = RecordData(partner)
    assert safe_eval("(record.name, record.city, record.id, record.ids)", {"record": data}) == \
        ("Data", "Liège", partner.id, [partner.id])
    assert safe_eval("record.company_id.id", {"record": data}) == partner.company_id.id
    for expression in ("record.write({'name': 'x'})", "record.sudo()", "record.env", "record._records",
                       "record.unlink()", "record['_records']", "record.with_user(1)"):
        with pytest.raises(SafeEvalError):
            safe_eval(expression, {"record": data})
    assert partner.name == "Data"


def test_a_rule_cannot_escalate_through_user(env):
    """A rule domain that tries to act (sudo/write) is refused when saved."""
    model = env.ref("base.model_res_partner").id
    name = env.user.name
    for domain in ("[('id', '=', user.sudo().id)]", "[('id', '=', user.write({'name': 'pwned'}))]",
                   "[('id', '=', user.env.uid)]"):
        with pytest.raises(ValidationError):
            env["ir.rule"].create({"name": "evil", "model_id": model, "domain_force": domain})
    assert env.user.name == name


def _code_action(env, code, model="base.model_res_partner"):
    return env["ir.actions.server"].create({"name": "Act", "model_id": env.ref(model).id,
                                            "state": "code", "code": code})


def test_server_actions_run_with_the_triggering_users_rights(env):
    clerk = new_test_user(env, "clerk_eval", groups="base.group_user")
    partner = env["res.partner"].create({"name": "Target"})
    # plain users may not write ir.config_parameter: the action cannot either, although it is
    # read as sudo to be run
    action = _code_action(env, "env['ir.config_parameter'].set_param('x.y', 'z')")
    with pytest.raises(AccessError):
        action.with_user(clerk).with_context(active_model="res.partner", active_ids=[partner.id]).run()
    assert not env["ir.config_parameter"].sudo().get_param("x.y")
    # what the user may do works
    action = _code_action(env, "records.write({'comment': 'by ' + env.user.name})\naction = records")
    result = action.with_user(clerk).with_context(active_model="res.partner", active_ids=[partner.id]).run()
    assert "by Clerk Eval" in partner.comment
    assert result == partner, "proxies are turned back into records when returned"


def test_server_actions_reach_no_orm_internals(env):
    for code in ("records.sudo()", "env.cr.execute('select 1')", "records._write({})",
                 "records.with_user(1)", "env.registry", "model.browse(1).env",
                 "records.invalidate_recordset()"):
        with pytest.raises((SafeEvalError, AccessError, ValidationError)):
            action = _code_action(env, code)
            action.with_context(active_model="res.partner", active_ids=[]).run()


def test_acting_records_call_public_methods_only(env):
    partner = env["res.partner"].create({"name": "Acting"})
    records = ActingRecords(partner)
    context = {"records": records, "env": ActingEnvironment(env)}
    safe_exec("names = records.read(['name'])\n"
              "found = env['res.partner'].search([('id', '=', records.id)])\n"
              "cities = records.mapped('name')", context)
    assert context["names"][0]["name"] == "Acting"
    assert context["found"].ids == [partner.id]
    assert context["cities"] == ["Acting"]
    with pytest.raises(AccessError):
        safe_exec("records.modified(['name'])", context)


def test_code_actions_can_be_switched_off(env, monkeypatch):
    action = _code_action(env, "action = {'type': 'ir.actions.act_window_close'}")
    assert action.run() == {"type": "ir.actions.act_window_close"}
    monkeypatch.setattr(env.registry, "config", env.registry.config.replace(server_action_code=False))
    with pytest.raises(UserError, match="switched off"):
        action.run()


def test_scheduled_actions_run_as_their_user_not_as_superuser(env):
    clerk = new_test_user(env, "cron_clerk", groups="base.group_user")
    cron = env["ir.cron"].create({"name": "Try param", "model_id": env.ref("base.model_ir_config_parameter").id,
                                  "state": "code", "code": "model.set_param('cron.clerk', 'yes')",
                                  "interval_type": "days", "user_id": clerk.id})
    with pytest.raises(AccessError):
        cron._run_job()
    assert not env["ir.config_parameter"].sudo().get_param("cron.clerk")
