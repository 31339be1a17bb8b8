"""Models of the access path matrix (``tests/security/test_acl_paths.py``, security.md ACL-3).

``test.orm.acl.note`` has rights per group (``security/ir.model.access.csv``), a group rule for
group B (own notes only), a global multi-company rule, a field restricted to group A and links of
every kind: to partners (group B reads only the partners of its companies), to tags (multi-company
rule) and to lines. Nothing is granted to plain internal users.
"""
from bureau import SQL, api, fields, models
from bureau.exceptions import AccessError

#: (table, columns, condition) of :meth:`AclNote.acl_snapshot` (fixed text, no input)
SNAPSHOT_TABLES = (
    ("test_orm_acl_note", "*", "TRUE"),
    ("test_orm_acl_tag", "*", "TRUE"),
    ("test_orm_acl_line", "*", "TRUE"),
    ("test_orm_acl_note_tag_rel", "*", "TRUE"),
    ("ir_attachment", "id, name, res_model, res_id, create_uid", "res_model LIKE 'test.orm.acl%%'"),
    ("ir_model_data", "id, module, name, model, res_id", "model LIKE 'test.orm.acl%%'"),
    ("res_users", "id, login, active, partner_id, company_id, share, signature, password_hash", "TRUE"),
    ("res_groups_users_rel", "*", "TRUE"),
    ("res_groups_implied_rel", "*", "TRUE"),
    ("res_company_users_rel", "*", "TRUE"),
    ("res_partner", "id, name, email, company_id, lang, tz, active", "TRUE"),
    ("res_company", "id, name, partner_id", "TRUE"),
)


class AclNote(models.Model):
    _name = "test.orm.acl.note"
    _description = "ACL path note"
    _order = "name, id"

    name = fields.Char()
    amount = fields.Integer(aggregator="sum")
    secret = fields.Char(groups="test_orm.group_acl_a")
    secret_level = fields.Integer(default=1, groups="test_orm.group_acl_a")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company.id or False)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.uid)
    partner_id = fields.Many2one("res.partner")
    parent_id = fields.Many2one("test.orm.acl.note")
    tag_ids = fields.Many2many("test.orm.acl.tag", "test_orm_acl_note_tag_rel", "note_id", "tag_id")
    line_ids = fields.One2many("test.orm.acl.line", "note_id")
    # a related field through a link the reader may not follow, and one to a restricted field
    partner_name = fields.Char(related="partner_id.name", string="Partner Name")
    parent_name = fields.Char(related="parent_id.name", string="Parent Name")
    parent_secret = fields.Char(related="parent_id.secret", string="Parent Secret")
    parent_partner_name = fields.Char(related="parent_id.partner_id.name", string="Parent Partner Name")
    # computed with the reader's rights (compute_sudo is off for non-stored fields)
    line_count = fields.Integer(compute="_compute_line_count")

    @api.depends("line_ids")
    def _compute_line_count(self):
        for note in self:
            note.line_count = len(note.line_ids)

    @api.model
    def acl_snapshot(self):
        """``{table: [row count, md5 of the rows]}`` of what the access matrix over RPC may touch
        (``tests/security/test_acl_rpc_matrix.py``), read in SQL; settings administrators only.

        :raises AccessError: the caller is not a settings administrator
        """
        if not self.env.user.has_group("base.group_system"):
            raise AccessError("Only settings administrators may take snapshots.")
        self.env.flush_all()
        result = {}
        for table, columns, where in SNAPSHOT_TABLES:
            self.env.cr.execute(SQL(
                "SELECT count(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) "
                "FROM (SELECT %s FROM %s WHERE %s) t",
                SQL(columns), SQL.identifier(table), SQL(where)))
            result[table] = list(self.env.cr.fetchone())
        return result


class AclTag(models.Model):
    _name = "test.orm.acl.tag"
    _description = "ACL path tag"
    _order = "name, id"

    name = fields.Char(required=True)
    company_id = fields.Many2one("res.company")


class AclLine(models.Model):
    _name = "test.orm.acl.line"
    _description = "ACL path line"
    _order = "id"

    name = fields.Char()
    amount = fields.Integer()
    note_id = fields.Many2one("test.orm.acl.note", required=True, ondelete="cascade", index=True)
