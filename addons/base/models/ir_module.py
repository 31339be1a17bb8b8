"""Installed addons and their states (modules.md §4).

The ``button_*`` methods only mark modules (``to install``, ``to upgrade``, ``to remove``); the
``button_immediate_*`` ones also commit and run the module loader, then ask the client to reload.
"""
from bureau import api, fields, models
from bureau.exceptions import AccessError, UserError

STATES = [
    ("uninstallable", "Uninstallable"),
    ("uninstalled", "Not Installed"),
    ("installed", "Installed"),
    ("to upgrade", "To be upgraded"),
    ("to remove", "To be removed"),
    ("to install", "To be installed"),
    ("unknown", "Unknown"),
]


class IrModuleModule(models.Model):
    _name = "ir.module.module"
    _description = "Module"
    _order = "application desc, sequence, name"

    name = fields.Char(string="Technical Name", required=True, index=True, readonly=True)
    shortdesc = fields.Char(string="Module Name", readonly=True)
    summary = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    author = fields.Char(readonly=True)
    category = fields.Char(readonly=True)
    latest_version = fields.Char(string="Installed Version", readonly=True)
    installed_version = fields.Char(string="Latest Version", readonly=True)
    state = fields.Selection(STATES, default="uninstalled", required=True, readonly=True, index=True)
    demo = fields.Boolean(string="Demo Data", default=False, readonly=True)
    application = fields.Boolean(readonly=True)
    auto_install = fields.Boolean(readonly=True)
    sequence = fields.Integer(default=100)
    license = fields.Char(readonly=True)
    website = fields.Char(readonly=True)
    dependencies_id = fields.One2many("ir.module.module.dependency", "module_id", string="Dependencies")
    category_id = fields.Many2one("ir.module.category", string="Category", index=True)

    _sql_constraints = [("name_uniq", "UNIQUE (name)", "The name of the module must be unique!")]

    @api.model
    def _get_id(self, name):
        self.flush_model(["name"])
        self.env.cr.execute("SELECT id FROM ir_module_module WHERE name = %s", [name])
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def update_list(self, manifests=None):
        """Create rows for new addons and refresh the others from their manifests (DISC-3).

        :returns: ``[updated, added]``
        """
        if manifests is None:
            manifests = self.pool.available_manifests()
        existing = {module.name: module for module in self.with_context(active_test=False).search([])}
        updated = added = 0
        Dependency = self.env["ir.module.module.dependency"]
        for name, manifest in manifests.items():
            values = {"shortdesc": manifest["name"], "summary": manifest["summary"] or False,
                      "description": manifest["description"] or False, "author": manifest["author"] or False,
                      "website": manifest["website"] or False, "license": manifest["license"],
                      "category": manifest["category"], "application": bool(manifest["application"]),
                      "auto_install": manifest["auto_install"] is not False, "sequence": manifest["sequence"],
                      "installed_version": manifest["version"]}
            module = existing.get(name)
            if module is None:
                values.update(name=name, state="uninstalled" if manifest["installable"] else "uninstallable")
                module = self.create(values)
                added += 1
            else:
                changed = {k: v for k, v in values.items() if module[k] != v}
                if not manifest["installable"] and module.state == "uninstalled":
                    changed["state"] = "uninstallable"
                elif manifest["installable"] and module.state == "uninstallable":
                    changed["state"] = "uninstalled"
                if changed:
                    module.write(changed)
                    updated += 1
            depends = list(manifest["depends"])
            if sorted(module.dependencies_id.mapped("name")) != sorted(depends):
                module.dependencies_id.unlink()
                Dependency.create([{"name": dep, "module_id": module.id} for dep in depends])
        return [updated, added]

    @api.model
    def _find(self, names, manifests=None):
        """The module records named ``names``; unknown names are a UserError."""
        names = list(dict.fromkeys(names))
        modules = self.with_context(active_test=False).search([("name", "in", names)])
        missing = set(names) - set(modules.mapped("name"))
        if missing:
            raise UserError(self.env._("Unknown addons: %s", ", ".join(sorted(missing))))
        return modules

    def _upstream(self):
        """These modules and all their dependencies, transitively."""
        result = self
        todo = self
        while todo:
            names = set(todo.mapped("dependencies_id.name"))
            deps = self.search([("name", "in", list(names))]) - result
            missing = names - set(self.search([("name", "in", list(names))]).mapped("name"))
            if missing:
                raise UserError(self.env._("Missing dependencies: %s (needed by %s)",
                                           ", ".join(sorted(missing)), ", ".join(todo.mapped("name"))))
            result |= deps
            todo = deps
        return result

    def _downstream(self, states=("installed", "to upgrade")):
        """These modules and the modules depending on them, transitively, among ``states``."""
        result = self
        todo = self
        while todo:
            dependants = self.env["ir.module.module.dependency"].search(
                [("name", "in", todo.mapped("name"))]).mapped("module_id")
            dependants = dependants.filtered(lambda m: m.state in states) - result
            result |= dependants
            todo = dependants
        return result

    def button_install(self):
        """Mark the modules and their missing dependencies ``to install``, plus auto-install ones."""
        modules = self._upstream()
        bad = modules.filtered(lambda m: m.state == "uninstallable")
        if bad:
            raise UserError(self.env._("These addons cannot be installed: %s", ", ".join(bad.mapped("name"))))
        modules.filtered(lambda m: m.state == "uninstalled").write({"state": "to install"})
        self._mark_auto_install()
        return True

    @api.model
    def _mark_auto_install(self):
        while True:
            candidates = self.search([("state", "=", "uninstalled"), ("auto_install", "=", True)])
            ready = self.browse()
            manifests = self.pool.available_manifests()
            for module in candidates:
                manifest = manifests.get(module.name)
                if not manifest:
                    continue
                trigger = manifest["auto_install"]
                trigger = manifest["depends"] if trigger is True else list(trigger)
                deps = self.search([("name", "in", trigger)])
                if len(deps) == len(set(trigger)) and all(d.state in ("installed", "to install") for d in deps):
                    ready |= module
            if not ready:
                return
            ready._upstream().filtered(lambda m: m.state == "uninstalled").write({"state": "to install"})

    def button_install_cancel(self):
        self.filtered(lambda m: m.state == "to install").write({"state": "uninstalled"})
        return True

    def button_upgrade(self):
        """Mark installed modules and their installed dependants ``to upgrade``."""
        not_installed = self.filtered(lambda m: m.state not in ("installed", "to upgrade"))
        if not_installed:
            raise UserError(self.env._("Only installed addons can be upgraded: %s",
                                       ", ".join(not_installed.mapped("name"))))
        modules = self._downstream()
        modules.filtered(lambda m: m.state == "installed").write({"state": "to upgrade"})
        modules._upstream().filtered(lambda m: m.state == "uninstalled").write({"state": "to install"})
        return True

    def button_upgrade_cancel(self):
        self.filtered(lambda m: m.state == "to upgrade").write({"state": "installed"})
        return True

    def button_uninstall(self):
        """Mark the modules and their installed dependants ``to remove`` (not ``base``)."""
        if "base" in self.mapped("name"):
            raise UserError(self.env._("The base addon cannot be uninstalled."))
        not_installed = self.filtered(lambda m: m.state not in ("installed", "to upgrade"))
        if not_installed:
            raise UserError(self.env._("These addons are not installed: %s", ", ".join(not_installed.mapped("name"))))
        self._downstream().write({"state": "to remove"})
        return True

    def button_uninstall_cancel(self):
        self.filtered(lambda m: m.state == "to remove").write({"state": "installed"})
        return True

    def _button_immediate(self, method):
        if not self.env.is_system():
            raise AccessError(self.env._("Only administrators (Settings) can install, upgrade or remove addons."))
        method(self)
        self.env.cr.commit()
        self.pool.run_module_operations()
        return {"type": "ir.actions.client", "tag": "reload"}

    def button_immediate_install(self):
        """Install now: mark, commit, run the loader; the client reloads."""
        return self._button_immediate(type(self).button_install)

    def button_immediate_upgrade(self):
        return self._button_immediate(type(self).button_upgrade)

    def button_immediate_uninstall(self):
        return self._button_immediate(type(self).button_uninstall)


class IrModuleCategory(models.Model):
    _name = "ir.module.category"
    _description = "Application"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    parent_id = fields.Many2one("ir.module.category", string="Parent Application", index=True)
    sequence = fields.Integer()


class IrModuleModuleDependency(models.Model):
    _name = "ir.module.module.dependency"
    _description = "Module dependency"

    name = fields.Char(index=True)
    module_id = fields.Many2one("ir.module.module", string="Module", ondelete="cascade", index=True)
    depend_id = fields.Many2one("ir.module.module", string="Dependency", compute="_compute_depend")
    state = fields.Selection(STATES, string="Status", compute="_compute_state")

    @api.depends("name")
    def _compute_depend(self):
        names = list(set(self.mapped("name")))
        modules = self.env["ir.module.module"].search([("name", "in", names)])
        by_name = {module.name: module for module in modules}
        for dependency in self:
            dependency.depend_id = by_name.get(dependency.name, self.env["ir.module.module"])

    @api.depends("depend_id.state")
    def _compute_state(self):
        for dependency in self:
            dependency.state = dependency.depend_id.state or "unknown" if dependency.depend_id else "unknown"
