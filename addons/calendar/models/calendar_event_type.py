"""Event tags (``calendar.event.type``): "Meeting", "Customer", "Internal" ... put on events."""
from bureau import fields, models


class CalendarEventType(models.Model):
    _name = "calendar.event.type"
    _description = "Event Tag"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(string="Color Index")

    _sql_constraints = [
        ("name_uniq", "unique(name)", "An event tag with this name already exists."),
    ]
