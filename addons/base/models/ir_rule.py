"""Record rules: which rows of a model a user reaches (orm.md SEC-10 to SEC-14).

``domain_force`` is a Python expression evaluated with :func:`bureau.tools.safe_eval.safe_eval` and
the names ``user`` (the current user as read-only record data, security.md EVAL-3), ``time``, ``company_id`` and ``company_ids``.
Global rules (no group) are intersected; group rules of the user's groups are united, then
intersected with the global ones.
"""
from bureau import SQL, api, fields, models
from bureau.exceptions import ValidationError
from bureau.osv.expression import AND, OR, normalize_domain
from bureau.safe_records import RecordData
from bureau.tools.safe_eval import SafeEvalError, safe_eval

MODES = ("read", "write", "create", "unlink")


class IrRule(models.Model):
    _name = "ir.rule"
    _description = "Record Rule"
    _order = "model_id, name, id"

    name = fields.Char(index=True)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one("ir.model", string="Model", index=True, required=True, ondelete="cascade")
    groups = fields.Many2many("res.groups", "rule_group_rel", "rule_group_id", "group_id", ondelete="restrict")
    domain_force = fields.Text(string="Domain")
    perm_read = fields.Boolean(string="Apply for Read", default=True)
    perm_write = fields.Boolean(string="Apply for Write", default=True)
    perm_create = fields.Boolean(string="Apply for Create", default=True)
    perm_unlink = fields.Boolean(string="Apply for Delete", default=True)
    global_ = fields.Boolean(string="Global", compute="_compute_global", store=True)

    _sql_constraints = [("no_access_rights",
                         "CHECK (perm_read!=False or perm_write!=False or perm_create!=False or perm_unlink!=False)",
                         "A rule must apply to at least one operation.")]

    @api.depends("groups")
    def _compute_global(self):
        for rule in self:
            rule.global_ = not rule.groups

    @api.constrains("model_id", "domain_force")
    def _check_rule(self):
        for rule in self:
            if rule.model_id.model == "ir.rule":
                raise ValidationError("Rules cannot apply to the record-rule model itself.")
            if rule.model_id.model not in self.env:
                raise ValidationError(f"Unknown model {rule.model_id.model!r}.")
            try:
                domain = rule._eval_domain(self.env.user)
                self.env[rule.model_id.model].sudo()._where_calc(domain, active_test=False)
            except (SafeEvalError, ValueError) as exc:
                raise ValidationError(f"Invalid domain in rule {rule.name or rule.id}: {exc}") from None

    def _eval_context(self, user):
        return {
            "user": RecordData(user.with_context({})),
            "company_id": self.env.company.id,
            "company_ids": self.env.companies.ids,
        }

    def _eval_domain(self, user):
        self.ensure_one()
        if not self.domain_force:
            return []
        domain = safe_eval(self.domain_force, self._eval_context(user))
        return normalize_domain(domain)

    @api.model
    def _compute_domain(self, model_name, mode="read"):
        """The domain restricting ``mode`` on ``model_name`` for the current user ([] = no rule)."""
        if mode not in MODES:
            raise ValueError(f"Invalid mode: {mode!r}")
        env = self.env
        key = ("rules", env.uid, model_name, mode, tuple(env.context.get("allowed_company_ids") or ()))
        cache = self.pool.access_cache
        if key in cache:
            return cache[key]
        rules = self._get_rules(model_name, mode)
        if not rules:
            cache[key] = []
            return []
        user = env.user
        global_domains = []
        group_domains = []
        user_groups = set(user.sudo().groups_id.ids)
        for rule in rules.sudo():
            domain = rule._eval_domain(user)
            if not rule.groups:
                global_domains.append(domain)
            elif user_groups.intersection(rule.groups.ids):
                group_domains.append(domain)
        parts = list(global_domains)
        if group_domains:
            parts.append(OR(group_domains))
        result = AND(parts) if parts else []
        cache[key] = result
        return result

    @api.model
    def _get_rules(self, model_name, mode):
        self.env.cr.execute(SQL(
            "SELECT r.id FROM ir_rule r JOIN ir_model m ON m.id = r.model_id "
            "WHERE m.model = %s AND r.active AND %s ORDER BY r.id", model_name, SQL.identifier("r", f"perm_{mode}")))
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])

    @api.model_create_multi
    def create(self, vals_list):
        self.pool.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.pool.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.pool.clear_cache()
        return super().unlink()
