"""External identifiers: ``module.name`` -> (model, id) (modules.md §10)."""
from bureau import api, fields, models
from bureau.exceptions import AccessError, ValidationError


class IrModelData(models.Model):
    _name = "ir.model.data"
    _description = "Model Data"
    _order = "module, model, name"
    _rec_name = "complete_name"

    name = fields.Char(string="External Identifier", required=True)
    module = fields.Char(required=True, default="")
    model = fields.Char(string="Model Name", required=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="model")
    noupdate = fields.Boolean(string="Non Updatable", default=False)
    complete_name = fields.Char(compute="_compute_complete_name")

    _sql_constraints = [("name_nospaces", "CHECK(name NOT LIKE '%% %%')",
                         "External IDs cannot contain spaces"),
                        ("module_name_uniq", "UNIQUE(module, name)",
                         "An external ID must be unique within its module")]

    @api.depends("module", "name")
    def _compute_complete_name(self):
        for record in self:
            record.complete_name = f"{record.module}.{record.name}"

    @api.model
    def _xmlid_lookup(self, xml_id):
        """``(model, res_id, noupdate)`` of an external id.

        :raises ValueError: the external id does not exist
        """
        if "." not in xml_id:
            raise ValueError(f"External ID must be of the form module.name: {xml_id!r}")
        module, name = xml_id.split(".", 1)
        key = ("xmlid", module, name)
        cache = self.pool.access_cache
        if key not in cache:
            self.flush_model()
            self.env.cr.execute("SELECT model, res_id, noupdate FROM ir_model_data WHERE module = %s AND name = %s",
                                [module, name])
            row = self.env.cr.fetchone()
            if row is None:
                raise ValueError(f"External ID not found in the system: {xml_id}")
            cache[key] = row
        return cache[key]

    @api.model
    def _xmlid_to_res_model_res_id(self, xml_id, raise_if_not_found=False):
        try:
            model, res_id, _ = self._xmlid_lookup(xml_id)
            return model, res_id
        except ValueError:
            if raise_if_not_found:
                raise
            return False, False

    @api.model
    def _xmlid_to_res_id(self, xml_id, raise_if_not_found=False):
        return self._xmlid_to_res_model_res_id(xml_id, raise_if_not_found)[1]

    @api.model
    def check_object_reference(self, module, xml_id, raise_on_access_error=False):
        """``(model, res_id)`` of ``module.xml_id`` when the user may read the record, else
        ``(model, False)`` (what ``env.ref`` of RPC clients calls, rpc.md §8).

        :raises ValueError: the external id does not exist
        :raises AccessError: the user may not read the model, or the record when
            ``raise_on_access_error``
        """
        model, res_id, _ = self._xmlid_lookup(f"{module}.{xml_id}")
        if model in self.env and self.env[model].with_context(active_test=False).search([("id", "=", res_id)]):
            return model, res_id
        if raise_on_access_error:
            raise AccessError(f"Not enough access rights on the external ID '{module}.{xml_id}'")
        return model, False

    @api.model
    def _xmlid_row(self, xml_id):
        """``(id, model, res_id, noupdate)`` of the ``ir.model.data`` row of ``xml_id`` or None
        (read from the database, not from the lookup cache)."""
        module, name = xml_id.split(".", 1)
        self.flush_model()
        self.env.cr.execute("SELECT id, model, res_id, noupdate FROM ir_model_data WHERE module = %s AND name = %s",
                            [module, name])
        return self.env.cr.fetchone()

    @api.model
    def _load_xmlid(self, xml_id):
        """The record of ``xml_id`` if it exists, else None."""
        row = self._xmlid_row(xml_id)
        if row is None or row[1] not in self.env:
            return None
        return self.env[row[1]].browse(row[2]).exists() or None

    @api.model
    def _update_xmlids(self, data_list):
        """Create or update external ids: dicts with ``xml_id``, ``model``, ``res_id``, ``noupdate``."""
        if not data_list:
            return
        cr = self.env.cr
        self.flush_model()
        rows = []
        for data in data_list:
            module, name = data["xml_id"].split(".", 1)
            if " " in name:
                raise ValidationError(f"External IDs cannot contain spaces: {data['xml_id']!r}")
            rows.append((module, name, data["model"], data["res_id"], bool(data.get("noupdate"))))
        cr.execute_values(
            "INSERT INTO ir_model_data (module, name, model, res_id, noupdate, create_uid, write_uid, "
            "create_date, write_date) VALUES %s ON CONFLICT (module, name) DO UPDATE "
            "SET model = EXCLUDED.model, res_id = EXCLUDED.res_id, write_date = EXCLUDED.write_date",
            rows, template=f"(%s, %s, %s, %s, %s, {self.env.uid}, {self.env.uid}, "
                           f"(now() at time zone 'UTC'), (now() at time zone 'UTC'))", page_size=1000)
        # clear_cache() (not just the dict): a rollback of this transaction clears lookups cached
        # meanwhile, which would otherwise outlive the rows they were read from
        self.pool.clear_cache()
        self.invalidate_model(flush=False)

    def unlink(self):
        self.pool.clear_cache()
        return super().unlink()
