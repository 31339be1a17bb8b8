from bureau import fields, models


class AclDocument(models.Model):
    """A model without access rows in the module: tests grant rights by creating them."""

    _name = "test.orm.acl.doc"
    _description = "ACL document"

    name = fields.Char()
    partner_id = fields.Many2one("res.partner")
    user_id = fields.Many2one("res.users")
    company_id = fields.Many2one("res.company")
