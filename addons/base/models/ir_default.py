"""User-defined default values (``ir.default``): per field, optionally per user and company.

``env['ir.default'].set('res.partner', 'country_id', be.id, user_id=uid)`` makes new contacts of
that user default to Belgium; ``default_get`` reads these after ``context['default_<field>']``
and before the field's own default (orm.md API-30).
"""
import json

from bureau import api, fields, models
from bureau.exceptions import ValidationError


class IrDefault(models.Model):
    _name = "ir.default"
    _description = "Default Values"
    _rec_name = "field_id"

    field_id = fields.Many2one("ir.model.fields", string="Field", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", string="User", ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", string="Company", ondelete="cascade", index=True)
    condition = fields.Char(help="If set, applies only when the condition holds (reserved for clients)")
    json_value = fields.Char(string="Default Value (JSON format)", required=True)

    @api.constrains("json_value")
    def _check_json_format(self):
        for record in self:
            try:
                json.loads(record.json_value)
            except ValueError:
                raise ValidationError(self.env._("Invalid JSON format in Default Value field.")) from None

    @api.constrains("field_id")
    def _check_field_access(self):
        """A user may only set defaults for fields they may change (security.md ACL-5): a default
        is a value given on their behalf.

        :raises AccessError: the field is restricted to groups the user lacks
        """
        if self.env.su:
            return
        for default in self.sudo():
            model_name, name = default.field_id.model, default.field_id.name
            if model_name in self.env:
                self.env[model_name].check_field_access_rights("write", [name])

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

    @api.model
    def set(self, model_name, field_name, value, user_id=False, company_id=False, condition=False):
        """Set (or with ``value=None``, remove) a default; ``user_id``/``company_id`` ``True`` mean the
        current user/company."""
        if user_id is True:
            user_id = self.env.uid
        if company_id is True:
            company_id = self.env.company.id
        model = self.env[model_name]
        field = model._fields.get(field_name)
        if field is None:
            raise ValidationError(self.env._("Invalid field %s.%s", model_name, field_name))
        if value is not None:
            value = field.convert_to_write(field.convert_to_record(field.convert_to_cache(value, model), model),
                                           model)
        self.env.cr.execute("SELECT id FROM ir_model_fields WHERE model = %s AND name = %s", [model_name, field_name])
        row = self.env.cr.fetchone()
        if not row:
            raise ValidationError(self.env._("Field %s.%s is not reflected", model_name, field_name))
        existing = self.search([("field_id", "=", row[0]), ("user_id", "=", user_id),
                                ("company_id", "=", company_id), ("condition", "=", condition)])
        if value is None:
            existing.unlink()
            return True
        json_value = json.dumps(value, ensure_ascii=False)
        if existing:
            existing.write({"json_value": json_value})
        else:
            self.create({"field_id": row[0], "user_id": user_id, "company_id": company_id,
                         "condition": condition, "json_value": json_value})
        return True

    @api.model
    def get(self, model_name, field_name, user_id=False, company_id=False, condition=False):
        """The default stored for exactly these user/company/condition, or None."""
        if user_id is True:
            user_id = self.env.uid
        if company_id is True:
            company_id = self.env.company.id
        record = self.search([("field_id.model", "=", model_name), ("field_id.name", "=", field_name),
                              ("user_id", "=", user_id), ("company_id", "=", company_id),
                              ("condition", "=", condition)], limit=1)
        return json.loads(record.json_value) if record else None

    @api.model
    def _get_model_defaults(self, model_name):
        """``{field: value}`` for the current user and company; the most specific default wins
        (user and company > user > company > everybody)."""
        key = ("ir_default", self.env.uid, model_name, self.env.company.id)
        cache = self.pool.access_cache
        if key not in cache:
            self.flush_model()
            self.env.cr.execute(
                "SELECT f.name, d.json_value FROM ir_default d JOIN ir_model_fields f ON f.id = d.field_id "
                "WHERE f.model = %s AND (d.user_id IS NULL OR d.user_id = %s) "
                "AND (d.company_id IS NULL OR d.company_id = %s) AND d.condition IS NULL "
                "ORDER BY d.user_id IS NULL DESC, d.company_id IS NULL DESC, d.id",
                [model_name, self.env.uid, self.env.company.id or None])
            result = {}
            for name, json_value in self.env.cr.fetchall():
                result[name] = json.loads(json_value)
            cache[key] = result
        return dict(cache[key])
