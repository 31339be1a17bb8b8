"""Installing, upgrading and uninstalling addons (modules.md §4-§7).

:class:`ModuleLoader` is the loader of modules.md LOAD-2. ``run(install=['library'])`` marks the
requested changes on ``ir.module.module`` (STATE-2), then loads every module of the database in
dependency order, building the registry module by module: a module being installed or upgraded gets
its tables synchronised, its models reflected and its data files loaded, and is committed on its
own. Stale data of upgraded modules is removed afterwards (UPG-3), then modules marked ``to remove``
are uninstalled (UNI-1) and the final registry replaces the database's cached one; other processes
learn about it through the registry signalling sequence (REG-8).

Only one module operation runs per database at a time (a PostgreSQL advisory lock, STATE-4).
"""
import importlib
import logging
from pathlib import Path

import psycopg2

from ..db.sql import SQL
from ..exceptions import UserError
from ..orm.environment import SUPERUSER_ID, Environment
from ..orm.model import MetaModel
from ..orm.model_schema import table_exists
from ..orm.registry import Registry
from .graph import DependencyError, dependency_order, downstream, module_depends
from .manifest import check_external_dependencies, load_manifest
from .discovery import find_addons

_logger = logging.getLogger(__name__)

#: advisory lock key of module operations ("bureau" in ASCII)
LOCK_KEY = 0x627572656175
REFLECTION_MODELS = ("ir.model", "ir.model.fields", "ir.model.constraint", "ir.model.relation",
                     "ir.model.data", "ir.module.module", "ir.module.module.dependency")
PENDING_STATES = ("to install", "to upgrade", "to remove")


def available_manifests():
    """``{name: manifest}`` of every addon on the addons path."""
    return {name: load_manifest(path) for name, path in find_addons().items()}


def module_states(cr):
    """``{name: state}`` from ``ir_module_module`` (empty for a fresh database)."""
    if not table_exists(cr, "ir_module_module"):
        return {}
    cr.execute("SELECT name, state FROM ir_module_module")
    return dict(cr.fetchall())


def loadable_order(states, manifests, wanted_states=("installed", "to upgrade", "to remove", "to install")):
    """The modules to load in dependency order; modules that cannot be loaded (missing from disk,
    missing dependency) are left out with their dependants and logged (DEP-3)."""
    names = [name for name, state in states.items() if state in wanted_states]
    skipped = set()
    while True:
        candidates = [n for n in names if n not in skipped]
        try:
            return dependency_order(candidates, manifests), sorted(skipped)
        except DependencyError as exc:
            broken = {n for n in candidates if n not in manifests or not all(
                d in manifests for d in module_depends(n, manifests[n]))}
            if not broken:
                raise
            skipped |= downstream(broken, manifests, candidates) | broken
            _logger.error("modules left out: %s (%s)", ", ".join(sorted(skipped)), exc)


def run_migrations(cr, module, manifest, stage, installed_version):
    """Run ``<addon>/migrations/<version>/<stage>-*.py`` scripts (UPG-2).

    Each script defines ``migrate(cr, installed_version)``; the versions run are those above the
    installed version and up to the manifest's, in order (``0.0.0`` runs on every upgrade).
    """
    import importlib.util
    from packaging.version import InvalidVersion, Version
    from .manifest import adapt_version
    root = Path(manifest["path"]) / "migrations"
    if not root.is_dir():
        return
    try:
        installed = Version(installed_version) if installed_version else None
        target = Version(manifest["version"])
    except InvalidVersion:
        _logger.warning("%s: cannot compare versions %s and %s", module, installed_version, manifest["version"])
        return
    folders = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        if folder.name == "0.0.0":
            folders.append((Version("0"), folder))
            continue
        try:
            version = Version(adapt_version(folder.name))
        except (ValueError, InvalidVersion):
            _logger.warning("%s: ignoring migration folder %s (not a version)", module, folder.name)
            continue
        if (installed is None or version > installed) and version <= target:
            folders.append((version, folder))
    for _, folder in sorted(folders):
        for script in sorted(folder.glob(f"{stage}-*.py")):
            spec = importlib.util.spec_from_file_location(f"bureau_migration_{module}_{folder.name}_{script.stem}",
                                                          script)
            code = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(code)
            _logger.info("%s: running migration %s/%s", module, folder.name, script.name)
            code.migrate(cr, installed_version)


class ModuleLoader:
    """Run module operations on one database.

    :param server: the :class:`~bureau.db.server.DatabaseServer`
    :param progress: optional callable ``progress(done, total, label)`` for a progress bar
    """

    def __init__(self, server, dbname, config=None, progress=None):
        self.server = server
        self.dbname = dbname
        self.config = config
        self.progress = progress or (lambda done, total, label: None)
        self.loaded_xmlids = set()

    # -- entry point -----------------------------------------------------------------------------
    def run(self, install=(), upgrade=(), uninstall=(), demo=None, admin_password=None):
        """Apply the requested changes; returns the new registry of the database.

        :param install: addon names to install (with their dependencies)
        :param upgrade: addon names to upgrade (``['all']`` for every installed addon)
        :param uninstall: addon names to uninstall (with their dependants)
        :param demo: load demo data (only read when the database is created)
        :param admin_password: password of ``admin`` when the database is created
        :raises UserError: a dependency is missing, a cycle exists, another operation runs ...
        """
        cr = self.server.cursor(self.dbname)
        try:
            self._lock(cr)
            manifests = available_manifests()
            states = module_states(cr)
            if not states:
                self._initialize(cr, manifests, bool(demo), admin_password)
                states = module_states(cr)
            if install or upgrade or uninstall:
                registry = self._registry_for(cr, states, manifests)
                env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
                Module = env["ir.module.module"]
                Module.update_list(manifests)
                if install:
                    Module._find(install, manifests).button_install()
                if upgrade:
                    names = [n for n, s in states.items() if s == "installed"] if "all" in upgrade else upgrade
                    Module._find(names, manifests).button_upgrade()
                if uninstall:
                    Module._find(uninstall, manifests).button_uninstall()
                env.flush_all()
                cr.commit()
                cr.transaction = None
            return self.process_pending(cr, manifests)
        except Exception:
            cr.rollback()
            self._reset_states(cr)
            raise
        finally:
            try:
                cr.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
            except psycopg2.Error:      # a broken connection: closing it releases the lock
                pass
            cr.close()

    def _lock(self, cr):
        cr.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cr.fetchone()[0]:
            raise UserError(f"Another module operation is running on database {self.dbname!r}; try again later.")

    def _reset_states(self, cr):
        """After a failure: pending states go back (to install -> uninstalled, others -> installed)."""
        try:
            if table_exists(cr, "ir_module_module"):
                cr.execute("UPDATE ir_module_module SET state = 'uninstalled' WHERE state = 'to install'")
                cr.execute("UPDATE ir_module_module SET state = 'installed' "
                           "WHERE state IN ('to upgrade', 'to remove')")
                cr.commit()
        except Exception:
            _logger.exception("could not reset module states of %s", self.dbname)
            cr.rollback()

    def _registry_for(self, cr, states, manifests):
        order, _ = loadable_order(states, manifests, ("installed", "to upgrade", "to remove"))
        cr.transaction = None
        return Registry.new(self.server, self.dbname, order, self.config, cr=cr)

    # -- a fresh database ------------------------------------------------------------------------
    def _initialize(self, cr, manifests, demo, admin_password):
        """Install ``base`` into an empty database (LOAD-1)."""
        from .loading import _bootstrap_base, _register_root_xmlids
        if "base" not in manifests:
            raise UserError("The base addon is not on the addons path.")
        registry = Registry(self.dbname, self.server, self.config)
        registry.load_modules(["base"])
        registry.setup_models(cr)
        cr.transaction = None
        registry.init_models(cr)
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        cr.execute("CREATE SEQUENCE IF NOT EXISTS base_registry_signaling")
        cr.execute("CREATE SEQUENCE IF NOT EXISTS base_cache_signaling")
        model_names = self._module_models(registry, "base")
        _bootstrap_base(env, model_names)
        self._reflect(env, "base")
        _register_root_xmlids(env)
        env["ir.config_parameter"]._init_parameters()
        self._load_data(env, "base", manifests["base"], "data", "init")
        if demo:
            self._load_demo(env, "base", manifests["base"])
        env["ir.module.module"].update_list(manifests)
        self._set_installed(env, "base", manifests["base"], demo)
        if admin_password:
            env["res.users"].browse(2)._set_encrypted_password(admin_password)
        env.flush_all()
        cr.commit()
        cr.transaction = None

    # -- the loading sequence --------------------------------------------------------------------
    def process_pending(self, cr, manifests):
        """Load every module, processing those marked ``to install``/``to upgrade``/``to remove``."""
        states = module_states(cr)
        order, _ = loadable_order(states, manifests)
        pending = [name for name in order if states.get(name) in ("to install", "to upgrade")]
        for name in pending:
            check_external_dependencies(manifests[name])
        cr.execute("SELECT demo FROM ir_module_module WHERE name = 'base'")
        row = cr.fetchone()
        demo = bool(row and row[0])
        registry = Registry(self.dbname, self.server, self.config)
        upgraded = []
        installed_versions = {}
        total = len(pending)
        done = 0
        for name in order:
            state = states.get(name)
            if state not in ("to install", "to upgrade"):
                registry.load_modules([name])
                continue
            registry.load_modules([name])
            registry.setup_models(cr)
            cr.transaction = None
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            manifest = manifests[name]
            mode = "init" if state == "to install" else "update"
            self.progress(done, total, f"{'installing' if mode == 'init' else 'upgrading'} {name}")
            _logger.info("%s module %s", "installing" if mode == "init" else "upgrading", name)
            module = importlib.import_module(f"bureau.addons.{name}")
            if mode == "init" and manifest.get("pre_init_hook"):
                getattr(module, manifest["pre_init_hook"])(env)
            if mode == "update":
                installed_versions[name] = self._installed_version(cr, name)
                run_migrations(cr, name, manifest, "pre", installed_versions[name])
            registry.init_models(cr, self._touched_models(registry, name))
            self._reflect(env, name)
            self._load_data(env, name, manifest, "data", mode)
            if demo and mode == "init":
                self._load_demo(env, name, manifest)
            if mode == "init" and manifest.get("post_init_hook"):
                getattr(module, manifest["post_init_hook"])(env)
            if mode == "update":
                upgraded.append(name)
                env.flush_all()
                run_migrations(cr, name, manifest, "post", installed_versions[name])
            self._set_installed(env, name, manifest, demo and mode == "init")
            env.flush_all()
            cr.commit()
            done += 1
            self.progress(done, total, name)
        registry.setup_models(cr)
        cr.transaction = None
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        if upgraded:
            self._remove_stale_data(env, upgraded)
            env.flush_all()
            for name in upgraded:
                run_migrations(cr, name, manifests[name], "end", installed_versions[name])
        removing = [name for name in order if states.get(name) == "to remove"]
        if removing:
            self._uninstall(env, removing)
        env.flush_all()
        cr.commit()
        cr.transaction = None
        states = module_states(cr)
        final_order, _ = loadable_order(states, manifests, ("installed",))
        new_registry = Registry.new(self.server, self.dbname, final_order, self.config, cr=cr)
        new_registry.signal_registry_change(cr)
        cr.commit()
        self._warn_missing_acl(cr, new_registry)
        return new_registry

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _module_models(registry, module):
        """Names of the models a module defines or extends (abstract ones included: they are
        reflected in ``ir.model`` too, e.g. for scheduled actions on ``ir.autovacuum``)."""
        names = dict.fromkeys(cls._definition_name for cls in MetaModel.module_to_models.get(module, ()))
        return [name for name in names if name in registry]

    def _touched_models(self, registry, module):
        """Models whose schema the module may change: its own and their inheriting children."""
        todo = list(dict.fromkeys(cls._definition_name for cls in MetaModel.module_to_models.get(module, ())))
        seen = []
        while todo:
            name = todo.pop(0)
            if name in seen or name not in registry:
                continue
            seen.append(name)
            model = registry[name]
            todo.extend(model._inherit_children)
            todo.extend(model._inherits_children)
            if name == "base":
                todo.extend(registry.models)
        return seen

    def _reflect(self, env, module):
        """Record the module's models, fields, SQL constraints and relation tables (REG-7)."""
        registry = env.registry
        names = self._module_models(registry, module)
        if not names:
            return
        model_ids = env["ir.model"]._reflect_models(names, module)
        env["ir.model.fields"]._reflect_fields(names, module, model_ids)
        module_id = env["ir.module.module"]._get_id(module)
        if module_id is None:
            module_id = env["ir.module.module"].create({"name": module, "state": "to install"}).id
        definitions = [cls for cls in MetaModel.module_to_models.get(module, ())]
        constraints = []
        relations = []
        for cls in definitions:
            name = cls._definition_name
            if name not in registry or registry[name]._abstract:
                continue
            model = registry[name]
            for key, definition, message in cls.__dict__.get("_sql_constraints", ()):
                from ..db.sql import make_identifier
                constraints.append((make_identifier(f"{model._table}_{key}"), definition, message, model_ids[name]))
            for attr, value in cls.__dict__.items():
                field = model._fields.get(attr)
                if field is not None and field.type == "many2many" and field.store and not field.compute:
                    relations.append((field.relation, model_ids[name]))
        Constraint = env["ir.model.constraint"]
        for cname, definition, message, model_id in constraints:
            existing = Constraint.search([("name", "=", cname), ("module", "=", module_id)])
            values = {"name": cname, "definition": definition, "message": message, "model": model_id,
                      "module": module_id, "type": "u" if "unique" in definition.lower() else "c"}
            if existing:
                existing.write(values)
            else:
                Constraint.create(values)
        Relation = env["ir.model.relation"]
        for rname, model_id in dict.fromkeys(relations):
            if not Relation.search([("name", "=", rname), ("module", "=", module_id)]):
                Relation.create({"name": rname, "model": model_id, "module": module_id})
        env.flush_all()
        env.cr.execute("SELECT module || '.' || name FROM ir_model_data WHERE module = %s "
                       "AND model IN ('ir.model', 'ir.model.fields')", [module])
        self.loaded_xmlids.update(row[0] for row in env.cr.fetchall())

    def _load_data(self, env, module, manifest, kind, mode):
        from .loading import _load_data
        _load_data(env, module, manifest, kind, mode=mode, loaded=self.loaded_xmlids)

    def _load_demo(self, env, module, manifest):
        """Demo data in a savepoint: on failure the module is installed without demo (DEMO-2)."""
        try:
            with env.cr.savepoint():
                self._load_data(env, module, manifest, "demo", "init")
        except Exception as exc:
            _logger.warning("demo data of %s could not be loaded, installed without demo: %s", module, exc)
            env.cr.execute("UPDATE ir_module_module SET demo = false WHERE name = %s", [module])

    def _set_installed(self, env, module, manifest, demo):
        Module = env["ir.module.module"]
        record = Module.search([("name", "=", module)], limit=1)
        values = {"state": "installed", "latest_version": manifest["version"]}
        if demo:
            values["demo"] = True
        if record:
            record.write(values)
        else:
            Module.create(dict(values, name=module, shortdesc=manifest["name"]))

    @staticmethod
    def _installed_version(cr, name):
        cr.execute("SELECT latest_version FROM ir_module_module WHERE name = %s", [name])
        row = cr.fetchone()
        return row[0] if row else None

    def _warn_missing_acl(self, cr, registry):
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        cr.execute("SELECT m.model FROM ir_model m WHERE NOT EXISTS "
                   "(SELECT 1 FROM ir_model_access a WHERE a.model_id = m.id)")
        missing = [name for (name,) in cr.fetchall() if name in registry and not registry[name]._abstract
                   and not registry[name]._transient]
        if missing:
            _logger.warning("models without access rights (only the superuser can use them): %s",
                            ", ".join(sorted(missing)))
        cr.transaction = None
        del env

    # -- upgrade cleanup -------------------------------------------------------------------------
    def _remove_stale_data(self, env, modules):
        """Delete the records of xml ids that the upgrade did not load any more (UPG-3)."""
        cr = env.cr
        cr.execute("SELECT id, module, name, model, res_id FROM ir_model_data "
                   "WHERE module = ANY(%s) AND NOT noupdate ORDER BY id DESC", [list(modules)])
        stale = [row for row in cr.fetchall() if f"{row[1]}.{row[2]}" not in self.loaded_xmlids]
        if not stale:
            return
        self._delete_owned_records(env, stale, modules)

    # -- uninstall -------------------------------------------------------------------------------
    def _uninstall(self, env, modules):
        """Remove everything the modules own, dependants first (UNI-1)."""
        cr = env.cr
        manifests = available_manifests()
        for name in reversed(modules):
            manifest = manifests.get(name)
            if manifest and manifest.get("uninstall_hook"):
                module = importlib.import_module(f"bureau.addons.{name}")
                getattr(module, manifest["uninstall_hook"])(env)
        self._apply_selection_ondelete(env, modules)
        cr.execute("SELECT id, module, name, model, res_id FROM ir_model_data WHERE module = ANY(%s) "
                   "ORDER BY id DESC", [list(modules)])
        self._delete_owned_records(env, cr.fetchall(), modules)
        cr.execute("DELETE FROM ir_model_data WHERE module = ANY(%s)", [list(modules)])
        cr.execute("UPDATE ir_module_module SET state = 'uninstalled', latest_version = NULL, demo = false "
                   "WHERE name = ANY(%s)", [list(modules)])
        env.invalidate_all(flush=False)
        _logger.info("uninstalled modules %s", ", ".join(modules))

    def _apply_selection_ondelete(self, env, modules):
        """Rows holding a selection value the modules added get the value's ondelete policy (FLD-1)."""
        registry = env.registry
        for module in modules:
            for cls in MetaModel.module_to_models.get(module, ()):
                name = cls._definition_name
                if name not in registry or not registry[name]._auto:
                    continue
                model = env[name].sudo().with_context(active_test=False)
                for attr, definition in cls.__dict__.items():
                    added = getattr(definition, "_def_args", {}).get("selection_add") if hasattr(
                        definition, "_def_args") else None
                    if not added:
                        continue
                    policies = definition._def_args.get("ondelete") or {}
                    for item in added:
                        if len(item) < 2:
                            continue
                        value, policy = item[0], policies.get(item[0], "set null")
                        records = model.search([(attr, "=", value)])
                        if not records:
                            continue
                        if callable(policy):
                            policy(records)
                        elif policy == "cascade":
                            records.with_context(module_uninstall=True).unlink()
                        elif policy == "set default":
                            field = model._fields[attr]
                            default = field.default(model) if field.default else False
                            records.write({attr: default})
                        else:
                            env.cr.execute(SQL("UPDATE %s SET %s = NULL WHERE id IN %s", SQL.identifier(model._table),
                                               SQL.identifier(attr), tuple(records.ids)))
                            records.invalidate_recordset([attr], flush=False)

    def _delete_owned_records(self, env, rows, modules):
        """Delete records whose xml ids (``rows``) belong only to ``modules``; reflection records
        last, dropping the columns, relation tables, constraints and tables they stand for."""
        cr = env.cr
        registry = env.registry
        keys = {(model, res_id) for _, _, _, model, res_id in rows}
        shared = set()
        if keys:
            cr.execute("SELECT model, res_id FROM ir_model_data WHERE NOT (module = ANY(%s))", [list(modules)])
            shared = {row for row in cr.fetchall() if row in keys}
        data_rows = []
        reflection = {"ir.model": [], "ir.model.fields": [], "ir.model.constraint": [], "ir.model.relation": []}
        for imd_id, module, name, model, res_id in rows:
            if (model, res_id) in shared:
                continue
            if model in reflection:
                reflection[model].append(res_id)
            elif model not in REFLECTION_MODELS:
                data_rows.append((imd_id, model, res_id))
        ctx_env = env(context={"module_uninstall": True, "active_test": False})
        for imd_id, model, res_id in data_rows:
            if model not in registry:
                continue
            record = ctx_env[model].sudo().browse(res_id).exists()
            if not record:
                continue
            try:
                with cr.savepoint():
                    record.unlink()
            except Exception as exc:
                _logger.warning("could not delete %s(%s) owned by %s: %s", model, res_id, ", ".join(modules), exc)
        cr.execute("SELECT id, name FROM ir_model_constraint WHERE module IN "
                   "(SELECT id FROM ir_module_module WHERE name = ANY(%s))", [list(modules)])
        for constraint_id, cname in cr.fetchall():
            cr.execute("SELECT conrelid::regclass::text FROM pg_constraint WHERE conname = %s", [cname])
            for (table,) in cr.fetchall():
                cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s", SQL(table), SQL.identifier(cname)))
                _logger.info("dropped constraint %s on %s", cname, table)
            cr.execute("DELETE FROM ir_model_constraint WHERE id = %s", [constraint_id])
        field_ids = reflection["ir.model.fields"]
        model_ids = set(reflection["ir.model"])
        doomed_tables = set()
        if model_ids:
            cr.execute("SELECT id, model FROM ir_model WHERE id = ANY(%s)", [list(model_ids)])
            for _, model_name in cr.fetchall():
                if model_name in registry and registry[model_name]._auto:
                    doomed_tables.add(registry[model_name]._table)
        if field_ids:
            cr.execute("SELECT f.id, f.model, f.name, f.store, f.ttype, f.relation_table FROM ir_model_fields f "
                       "WHERE f.id = ANY(%s)", [field_ids])
            for fid, model_name, fname, store, ttype, relation_table in cr.fetchall():
                model_class = registry.models.get(model_name)
                if model_class is None or not model_class._auto or model_class._table in doomed_tables:
                    continue
                field = model_class._fields.get(fname)
                if field is not None and field.column:
                    cr.execute(SQL("ALTER TABLE %s DROP COLUMN IF EXISTS %s CASCADE",
                                   SQL.identifier(model_class._table), SQL.identifier(fname)))
                    _logger.info("dropped column %s.%s", model_class._table, fname)
                cr.execute("DELETE FROM ir_model_fields WHERE id = %s", [fid])
        cr.execute("SELECT id, name FROM ir_model_relation WHERE module IN "
                   "(SELECT id FROM ir_module_module WHERE name = ANY(%s))", [list(modules)])
        for relation_id, rname in cr.fetchall():
            cr.execute("SELECT 1 FROM ir_model_relation WHERE name = %s AND module NOT IN "
                       "(SELECT id FROM ir_module_module WHERE name = ANY(%s))", [rname, list(modules)])
            if not cr.fetchone():
                cr.execute(SQL("DROP TABLE IF EXISTS %s CASCADE", SQL.identifier(rname)))
                _logger.info("dropped relation table %s", rname)
            cr.execute("DELETE FROM ir_model_relation WHERE id = %s", [relation_id])
        if model_ids:
            cr.execute("SELECT id, model FROM ir_model WHERE id = ANY(%s)", [list(model_ids)])
            for model_id, model_name in cr.fetchall():
                model_class = registry.models.get(model_name)
                if model_class is not None and model_class._auto:
                    cr.execute(SQL("DROP TABLE IF EXISTS %s CASCADE", SQL.identifier(model_class._table)))
                    _logger.info("dropped table %s", model_class._table)
                cr.execute("DELETE FROM ir_model_fields WHERE model_id = %s", [model_id])
                cr.execute("DELETE FROM ir_model_access WHERE model_id = %s", [model_id])
                cr.execute("DELETE FROM ir_rule WHERE model_id = %s", [model_id])
                cr.execute("DELETE FROM ir_model WHERE id = %s", [model_id])
        ids = [imd_id for imd_id, _, _, model, res_id in rows if (model, res_id) not in shared]
        if ids:
            cr.execute("DELETE FROM ir_model_data WHERE id = ANY(%s)", [ids])
        env.invalidate_all(flush=False)
        registry.clear_cache()


class _ModuleServices:
    """What the ORM registry needs from the module system (plugged into ``Registry``)."""

    @staticmethod
    def available_manifests():
        return available_manifests()

    @staticmethod
    def run_pending(server, dbname, config):
        return ModuleLoader(server, dbname, config).run()


Registry.module_services = _ModuleServices()
