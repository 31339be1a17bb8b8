"""System parameters: a key/value store for settings (``web.base.url`` ...)."""
import datetime
import secrets
import uuid

from bureau import api, fields, models


class IrConfigParameter(models.Model):
    _name = "ir.config_parameter"
    _description = "System Parameter"
    _rec_name = "key"
    _order = "key"

    key = fields.Char(required=True, index=True)
    value = fields.Text(required=True)

    _sql_constraints = [("key_uniq", "unique (key)", "Key must be unique.")]

    @api.model
    def get_param(self, key, default=False):
        """The value of ``key``, or ``default``."""
        self.check_access_rights("read")
        record = self.sudo().search([("key", "=", key)], limit=1)
        return record.value if record else default

    @api.model
    def set_param(self, key, value):
        """Set ``key`` to ``value`` (False or None deletes it); returns the old value."""
        record = self.search([("key", "=", key)], limit=1)
        old = record.value if record else False
        if value is False or value is None:
            record.unlink()
        elif record:
            record.write({"value": str(value)})
        else:
            self.create({"key": key, "value": str(value)})
        return old

    @api.model
    def _init_parameters(self):
        """Parameters every database has (created once)."""
        defaults = {
            "database.uuid": str(uuid.uuid1()),
            "database.create_date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S"),
            "database.secret": secrets.token_hex(32),
            "web.base.url": "http://127.0.0.1:8069",
        }
        for key, value in defaults.items():
            if not self.sudo().search([("key", "=", key)], limit=1):
                self.sudo().create({"key": key, "value": value})
