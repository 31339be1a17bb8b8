"""Attachments: files linked to records, and the storage of Binary fields (orm.md FLD-4)."""
import hashlib
import mimetypes

from bureau import api, fields, models


class IrAttachment(models.Model):
    _name = "ir.attachment"
    _description = "Attachment"
    _order = "id desc"

    name = fields.Char(required=True)
    description = fields.Text()
    res_model = fields.Char(string="Resource Model", index=True)
    res_field = fields.Char(string="Resource Field", index=True)
    res_id = fields.Many2oneReference(string="Resource ID", model_field="res_model", index=True)
    company_id = fields.Many2one("res.company", string="Company")
    type = fields.Selection([("url", "URL"), ("binary", "File")], default="binary", required=True)
    url = fields.Char(size=1024)
    datas = fields.Binary(string="File Content", compute="_compute_datas", inverse="_inverse_datas")
    db_datas = fields.Binary(string="Database Data", attachment=False)
    file_size = fields.Integer(readonly=True)
    checksum = fields.Char(size=64, readonly=True, index=True)
    mimetype = fields.Char()

    @api.depends("db_datas")
    def _compute_datas(self):
        for attachment in self:
            attachment.datas = attachment.db_datas

    def _inverse_datas(self):
        for attachment in self:
            attachment.write(self._content_values(attachment.datas or b"", attachment.name))

    @staticmethod
    def _content_values(content, name=None):
        return {
            "db_datas": content or False,
            "file_size": len(content or b""),
            "checksum": hashlib.sha1(content or b"").hexdigest(),
            "mimetype": (mimetypes.guess_type(name or "")[0] if name else None) or "application/octet-stream",
        }

    @api.model
    def _read_field_contents(self, model_name, field_name, ids):
        """``[(res_id, content)]`` of the attachments holding a Binary field's values."""
        self.flush_model()
        self.env.cr.execute("SELECT res_id, db_datas FROM ir_attachment WHERE res_model = %s AND res_field = %s "
                            "AND res_id = ANY(%s)", [model_name, field_name, list(ids)])
        return [(res_id, bytes(content) if content is not None else None)
                for res_id, content in self.env.cr.fetchall()]

    @api.model
    def _write_field_contents(self, model_name, field_name, ids, content):
        """Store ``content`` as the value of a Binary field for records ``ids`` (False deletes it)."""
        existing = self.search([("res_model", "=", model_name), ("res_field", "=", field_name),
                                ("res_id", "in", list(ids))])
        if not content:
            existing.unlink()
            return
        values = self._content_values(content)
        existing.write(values)
        missing = set(ids) - set(existing.mapped("res_id"))
        if missing:
            self.create([dict(values, name=field_name, res_model=model_name, res_field=field_name, res_id=res_id)
                         for res_id in sorted(missing)])

    @api.model
    def _delete_for_records(self, model_name, ids):
        """Delete the attachments of deleted records."""
        self.flush_model()
        self.env.cr.execute("DELETE FROM ir_attachment WHERE res_model = %s AND res_id = ANY(%s)",
                            [model_name, list(ids)])
        self.invalidate_model(flush=False)
