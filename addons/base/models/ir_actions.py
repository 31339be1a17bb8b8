"""Actions: what a menu or a button does (modules.md §12, XML-12).

Every kind of action has its own table, and all draw their ids from one sequence
(``ir_actions_id_seq``), so an action id identifies one action whatever its kind.
``ir.actions.actions`` is a read-only SQL view over all of them.
"""
import logging

from bureau import SQL, api, fields, models
from bureau.exceptions import UserError, ValidationError
from bureau.safe_records import ActingEnvironment, ActingRecords, unwrap
from bureau.tools.safe_eval import SafeEvalError, check_code, safe_eval, safe_exec

_logger = logging.getLogger(__name__)

ACTION_TABLES = {
    "ir.actions.act_window": "ir_act_window",
    "ir.actions.server": "ir_act_server",
    "ir.actions.act_url": "ir_act_url",
    "ir.actions.client": "ir_act_client",
    "ir.actions.report": "ir_act_report_xml",
}
COMMON_COLUMNS = ("name", "type", "help", "binding_model_id", "binding_type", "binding_view_types",
                  "create_uid", "create_date", "write_uid", "write_date")
#: what a toolbar entry carries (those the action's model has): enough to show and to run it
BINDING_FIELDS = ("id", "name", "type", "binding_type", "binding_view_types", "res_model", "view_mode",
                  "target", "context", "domain", "model", "report_name", "report_type")


class IrActions(models.Model):
    _name = "ir.actions.actions"
    _description = "Actions"
    _table = "ir_actions"
    _auto = False
    _sequence = "ir_actions_id_seq"
    _order = "name, id"

    name = fields.Char(string="Action Name", required=True, translate=True)
    type = fields.Char(string="Action Type", required=True)
    xml_id = fields.Char(string="External ID", compute="_compute_xml_id")
    help = fields.Html(string="Action Description", sanitize=True)
    binding_model_id = fields.Many2one("ir.model", ondelete="cascade",
                                       help="Show this action in the Action/Print menu of this model")
    binding_type = fields.Selection([("action", "Action"), ("report", "Report")], default="action", required=True)
    binding_view_types = fields.Char(default="list,form")

    def _compute_xml_id(self):
        xmlids = self.get_external_id()
        for action in self:
            action.xml_id = xmlids.get(action.id) or False

    def init(self):
        if self._name != "ir.actions.actions":
            return
        # a read-only view over every action table (ids are unique across them)
        cr = self.env.cr
        selects = []
        columns = SQL.join(", ", [SQL.identifier(column) for column in ("id",) + COMMON_COLUMNS])
        for model_name, table in ACTION_TABLES.items():
            cr.execute("SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'r'", [table])
            if cr.fetchone():
                selects.append(SQL("SELECT %s FROM %s", columns, SQL.identifier(table)))
        cr.execute("CREATE SEQUENCE IF NOT EXISTS ir_actions_id_seq")
        cr.execute("DROP VIEW IF EXISTS ir_actions")
        if selects:
            cr.execute(SQL("CREATE VIEW ir_actions AS %s", SQL.join(" UNION ALL ", selects)))

    @api.model
    def _action_model(self, action_id):
        """The model of the action with id ``action_id`` (e.g. ``'ir.actions.act_window'``), or None."""
        self.env.cr.execute("SELECT type FROM ir_actions WHERE id = %s", [int(action_id)])
        row = self.env.cr.fetchone()
        return row[0] if row and row[0] in self.env else None

    def _get_action_dict(self):
        """The action as the client receives it: every readable field, ``type`` included."""
        self.ensure_one()
        return self.read()[0]

    @api.model
    def _for_xml_id(self, full_xml_id):
        record = self.env.ref(full_xml_id)
        return record._get_action_dict()

    @api.model
    def get_bindings(self, model_name):
        """The actions bound to ``model_name`` that the user may run, for the Action and Print
        menus (orm.md API-16 toolbar): ``{'action': [...], 'report': [...]}``, each action a dict
        of its :data:`BINDING_FIELDS`, ordered by id. Actions of groups the user is not in, and
        window actions or reports on models the user cannot read, are left out."""
        result = {"action": [], "report": []}
        self.env.flush_all()
        self.env.cr.execute("SELECT a.id, a.type, a.binding_type FROM ir_actions a "
                            "JOIN ir_model m ON m.id = a.binding_model_id WHERE m.model = %s ORDER BY a.id",
                            [model_name])
        user_groups = None
        for action_id, action_model, binding_type in self.env.cr.fetchall():
            if action_model not in self.env or binding_type not in result:
                continue
            action = self.env[action_model].sudo().browse(action_id)
            if "groups_id" in action._fields and action.groups_id:
                user_groups = set(self.env.user.sudo().groups_id.ids) if user_groups is None else user_groups
                if not user_groups.intersection(action.groups_id.ids):
                    continue
            target = next((action[name] for name in ("res_model", "model") if name in action._fields), False)
            if target and (target not in self.env
                           or not self.env[target].check_access_rights("read", raise_exception=False)):
                continue
            names = [name for name in BINDING_FIELDS if name in action._fields]
            result[binding_type].append(action.read(names)[0])
        return result


class IrActionsActWindow(models.Model):
    _name = "ir.actions.act_window"
    _description = "Action Window"
    _inherit = "ir.actions.actions"
    _table = "ir_act_window"
    _order = "name, id"

    type = fields.Char(default="ir.actions.act_window")
    res_model = fields.Char(string="Destination Model", required=True)
    res_id = fields.Integer(string="Record ID")
    view_mode = fields.Char(required=True, default="list,form")
    view_id = fields.Many2one("ir.ui.view", string="View Ref.", ondelete="set null")
    view_ids = fields.One2many("ir.actions.act_window.view", "act_window_id", string="No of Views")
    views = fields.Json(compute="_compute_views", help="[(view_id, view_type)] the client opens, in order")
    search_view_id = fields.Many2one("ir.ui.view", string="Search View Ref.", ondelete="set null")
    domain = fields.Char(string="Domain Value", help="Python expression of a domain")
    context = fields.Char(string="Context Value", default="{}", required=True)
    target = fields.Selection([("current", "Current Window"), ("new", "New Window"), ("inline", "Inline Edit"),
                               ("fullscreen", "Full Screen"), ("main", "Main action of Current Window")],
                              default="current", string="Target Window")
    limit = fields.Integer(default=80, help="Default limit for the list view")
    groups_id = fields.Many2many("res.groups", "ir_act_window_group_rel", "act_id", "gid", string="Groups")

    @api.depends("view_mode", "view_id", "view_ids.view_mode", "view_ids.view_id")
    def _compute_views(self):
        for action in self:
            views = [(line.view_id.id or False, line.view_mode) for line in action.view_ids]
            modes = [mode.strip() for mode in (action.view_mode or "").split(",") if mode.strip()]
            modes = ["list" if mode == "tree" else mode for mode in modes]
            known = {mode for _, mode in views}
            for mode in modes:
                if mode in known:
                    continue
                view = action.view_id if action.view_id and action.view_id.type == mode else None
                views.append((view.id if view else False, mode))
            action.views = [list(view) for view in views]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("view_mode"):
                vals["view_mode"] = ",".join("list" if m.strip() == "tree" else m.strip()
                                             for m in vals["view_mode"].split(","))
        return super().create(vals_list)


class IrActionsActWindowView(models.Model):
    _name = "ir.actions.act_window.view"
    _description = "Action Window View"
    _order = "sequence, id"
    _rec_name = "view_id"

    sequence = fields.Integer()
    view_id = fields.Many2one("ir.ui.view", string="View")
    view_mode = fields.Selection([("list", "List"), ("form", "Form"), ("calendar", "Calendar"),
                                  ("graph", "Graph"), ("pivot", "Pivot"), ("kanban", "Kanban")],
                                 string="View Type", required=True)
    act_window_id = fields.Many2one("ir.actions.act_window", string="Action", ondelete="cascade")


class IrActionsServer(models.Model):
    """A server action: Python code or a simple write/create, run on the records in context.

    ``code`` is evaluated by the restricted evaluator with ``env``, ``model``, ``record``,
    ``records``, ``time``, ``datetime``, ``log`` and ``UserError``; a value assigned to ``action``
    is returned to the client.
    """

    _name = "ir.actions.server"
    _description = "Server Actions"
    _inherit = "ir.actions.actions"
    _table = "ir_act_server"
    _order = "sequence, name, id"

    type = fields.Char(default="ir.actions.server")
    usage = fields.Selection([("ir_actions_server", "Server Action"), ("ir_cron", "Scheduled Action")],
                             default="ir_actions_server", required=True)
    state = fields.Selection([("code", "Execute Python Code"), ("object_create", "Create a new Record"),
                              ("object_write", "Update the Record"), ("multi", "Execute several actions")],
                             string="Action To Do", default="code", required=True)
    sequence = fields.Integer(default=5)
    model_id = fields.Many2one("ir.model", string="Model", required=True, ondelete="cascade", index=True)
    model_name = fields.Char(related="model_id.model", string="Model Name", store=True)
    code = fields.Text(string="Python Code")
    crud_model_id = fields.Many2one("ir.model", string="Target Model", ondelete="cascade")
    values = fields.Json(string="Values", help="Field values written or used to create a record")
    child_ids = fields.Many2many("ir.actions.server", "rel_server_actions", "server_id", "action_id",
                                 string="Child Actions")
    groups_id = fields.Many2many("res.groups", "ir_act_server_group_rel", "act_id", "gid", string="Groups")

    def _eval_context(self, records):
        log_lines = []

        def log(message, level="info"):
            _logger.info("server action %s: %s", self.name, message)
            log_lines.append((level, str(message)))

        env = records.env  # the triggering user's rights, never the action's sudo
        return {
            "env": ActingEnvironment(env), "model": ActingRecords(env[self.model_id.model]),
            "record": ActingRecords(records[:1]), "records": ActingRecords(records),
            "log": log, "UserError": UserError, "uid": env.uid,
        }

    def run(self):
        """Run the actions on the records of ``context['active_model']``/``active_ids``; return the
        last action (dict) produced, if any."""
        result = False
        for action in self.sudo():
            if action.groups_id and not self.env.user.groups_id & action.groups_id and not self.env.su:
                raise UserError(self.env._("You are not allowed to run the action %s.", action.name))
            model = self.env[action.model_id.model]
            ids = self.env.context.get("active_ids") or ([self.env.context["active_id"]]
                                                          if self.env.context.get("active_id") else [])
            records = model.browse(ids) if self.env.context.get("active_model") == model._name else model.browse()
            result = action._run_one(records) or result
        return result

    @api.constrains("state", "code")
    def _check_code(self):
        for action in self:
            if action.state == "code" and action.code:
                try:
                    check_code(action.code)
                except SafeEvalError as exc:
                    raise ValidationError(self.env._("Invalid code in server action %s: %s", action.name, exc)) \
                        from None

    def _run_one(self, records):
        """Run as the user of ``records`` (the triggering user), never as the sudo action."""
        if self.state == "code":
            if not self.pool.config.get("server_action_code", True):
                raise UserError(self.env._("Server actions running code are switched off on this server."))
            context = self._eval_context(records)
            safe_exec(self.code or "", context)
            return unwrap(context.get("action")) or False
        if self.state == "object_write":
            records.write(dict(self.values or {}))
            return False
        if self.state == "object_create":
            target = records.env[(self.crud_model_id or self.model_id).model]
            target.create(dict(self.values or {}))
            return False
        result = False
        for child in self.child_ids:
            result = child._run_one(records) or result
        return result


class IrActionsActUrl(models.Model):
    _name = "ir.actions.act_url"
    _description = "Action URL"
    _inherit = "ir.actions.actions"
    _table = "ir_act_url"

    type = fields.Char(default="ir.actions.act_url")
    url = fields.Text(string="Action URL", required=True)
    target = fields.Selection([("new", "New Window"), ("self", "This Window")], default="new", required=True)


class IrActionsClient(models.Model):
    _name = "ir.actions.client"
    _description = "Client Action"
    _inherit = "ir.actions.actions"
    _table = "ir_act_client"

    type = fields.Char(default="ir.actions.client")
    tag = fields.Char(string="Client action tag", required=True)
    target = fields.Selection([("current", "Current Window"), ("new", "New Window")], default="current")
    res_model = fields.Char(string="Destination Model")
    params = fields.Json(string="Supplementary arguments")


class IrActionsReport(models.Model):
    _name = "ir.actions.report"
    _description = "Report Action"
    _inherit = "ir.actions.actions"
    _table = "ir_act_report_xml"

    type = fields.Char(default="ir.actions.report")
    model = fields.Char(string="Model Name", required=True)
    report_type = fields.Selection([("qweb-html", "HTML"), ("qweb-pdf", "PDF"), ("qweb-text", "Text")],
                                   default="qweb-pdf", required=True)
    report_name = fields.Char(string="Template Name", required=True)
    print_report_name = fields.Char(string="Printed Report Name")
    attachment = fields.Char(string="Save as Attachment Prefix")
    attachment_use = fields.Boolean(string="Reload from Attachment")
