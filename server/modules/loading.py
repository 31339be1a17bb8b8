"""Installing addons into a database and loading a database's registry (modules.md §5).

``install_modules(server, 'tenant', ['library'])`` installs ``library`` and its dependencies:
registry built from the addons in dependency order, tables and columns created, models and fields
reflected into ``ir.model``/``ir.model.fields``, data files loaded, module states recorded, one
commit per call.
"""
import logging

from ..db.sql import SQL
from ..orm.environment import SUPERUSER_ID, Environment
from ..orm.model import MetaModel
from ..orm.model_schema import table_exists
from ..orm.registry import Registry
from .data_csv import load_csv
from .discovery import find_addons
from .graph import dependency_order
from .manifest import load_manifest

_logger = logging.getLogger(__name__)


def available_manifests():
    """``{name: manifest}`` of every addon on the addons path."""
    return {name: load_manifest(path) for name, path in find_addons().items()}


def installed_modules(cr):
    """Names of the modules installed in the database (empty for a fresh database)."""
    if not table_exists(cr, "ir_module_module"):
        return []
    cr.execute("SELECT name FROM ir_module_module WHERE state IN ('installed', 'to upgrade', 'to remove')")
    return [name for (name,) in cr.fetchall()]


def load_registry(server, dbname, config=None):
    """Build the registry of an initialised database from its installed modules."""
    with server.cursor(dbname) as cr:
        modules = installed_modules(cr)
        if not modules:
            raise LookupError(f"database {dbname!r} is not initialised (no module installed)")
        order = dependency_order(modules, available_manifests())
        return Registry.new(server, dbname, order, config, cr=cr)


def install_modules(server, dbname, modules, config=None, demo=False, admin_password=None):
    """Install ``modules`` (and their dependencies) into ``dbname``; returns the registry.

    :param admin_password: password of the ``admin`` user when ``base`` gets installed
    """
    manifests = available_manifests()
    with server.cursor(dbname) as cr:
        already = installed_modules(cr)
        order = dependency_order(list(dict.fromkeys(list(already) + list(modules) + ["base"])), manifests)
        new = [name for name in order if name not in already]
        registry = Registry.new(server, dbname, order, config, cr=cr)
        registry.init_models(cr)
        env = Environment(cr, SUPERUSER_ID, {})
        fresh_base = "base" in new
        for module in new:
            _logger.info("installing module %s", module)
            model_names = list(dict.fromkeys(cls._definition_name for cls in MetaModel.module_to_models[module]))
            model_names = [n for n in model_names if not registry[n]._abstract]
            if module == "base":
                _bootstrap_base(env, model_names)
            model_ids = env["ir.model"]._reflect_models(model_names, module)
            env["ir.model.fields"]._reflect_fields(model_names, module, model_ids)
            if module == "base" and fresh_base:
                _register_root_xmlids(env)
                env["ir.config_parameter"]._init_parameters()
            _load_data(env, module, manifests[module], "data")
            if demo:
                _load_data(env, module, manifests[module], "demo")
            _record_state(env, module, manifests[module], demo)
            if module == "base" and fresh_base and admin_password:
                env["res.users"].browse(2)._set_encrypted_password(admin_password)
            env.flush_all()
        registry.clear_cache()
    return registry


def _load_data(env, module, manifest, kind):
    from pathlib import Path
    base = Path(manifest["path"])
    for relative in manifest[kind]:
        path = base / relative
        if path.suffix == ".csv":
            load_csv(env, module, path, mode="init", noupdate=(kind == "demo"))
        else:
            raise ValueError(f"{path}: unsupported data file type")


def _record_state(env, module, manifest, demo):
    modules = env["ir.module.module"]
    existing = modules.search([("name", "=", module)])
    values = {"name": module, "shortdesc": manifest["name"], "summary": manifest["summary"] or False,
              "state": "installed", "latest_version": manifest["version"], "demo": demo,
              "application": manifest["application"], "auto_install": bool(manifest["auto_install"]),
              "license": manifest["license"], "website": manifest["website"] or False}
    if existing:
        existing.write(values)
    else:
        existing = modules.create(values)
    existing.dependencies_id.unlink()
    env["ir.module.module.dependency"].create([{"name": dep, "module_id": existing.id}
                                              for dep in manifest["depends"]])


def _bootstrap_base(env, model_names):
    """Insert the records everything else refers to: the main company, the superuser, admin.

    They are inserted with SQL because creating any record through the ORM needs the superuser
    (``create_uid``) to exist already.
    """
    cr = env.cr
    cr.execute("SELECT 1 FROM res_users WHERE id = %s", [SUPERUSER_ID])
    if cr.fetchone():
        return
    now = SQL("(now() AT TIME ZONE 'UTC')")
    cr.execute(SQL(
        "INSERT INTO res_partner (id, name, complete_name, active, is_company, type, lang, color, "
        "create_date, write_date) VALUES "
        "(1, 'My Company', 'My Company', true, true, 'contact', 'en_US', 0, %s, %s), "
        "(2, 'System', 'System', true, false, 'contact', 'en_US', 0, %s, %s), "
        "(3, 'Administrator', 'Administrator', true, false, 'contact', 'en_US', 0, %s, %s)",
        now, now, now, now, now, now))
    cr.execute(SQL("INSERT INTO res_company (id, name, partner_id, sequence, active, create_date, write_date) "
                   "VALUES (1, 'My Company', 1, 10, true, %s, %s)", now, now))
    cr.execute(SQL("INSERT INTO res_users (id, login, partner_id, company_id, active, share, create_date, "
                   "write_date) VALUES (1, '__system__', 2, 1, false, false, %s, %s), "
                   "(2, 'admin', 3, 1, true, false, %s, %s)", now, now, now, now))
    cr.execute("INSERT INTO res_company_users_rel (cid, user_id) VALUES (1, 1), (1, 2)")
    cr.execute("UPDATE res_partner SET company_id = 1, commercial_partner_id = id, "
               "create_uid = 1, write_uid = 1")
    cr.execute("UPDATE res_company SET create_uid = 1, write_uid = 1")
    cr.execute("UPDATE res_users SET create_uid = 1, write_uid = 1")
    for table in ("res_partner", "res_company", "res_users"):
        cr.execute(SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM %s))",
                       table, SQL.identifier(table)))
    env.invalidate_all(flush=False)


def _register_root_xmlids(env):
    env["ir.model.data"]._update_xmlids([
        {"xml_id": "base.main_partner", "model": "res.partner", "res_id": 1, "noupdate": True},
        {"xml_id": "base.partner_root", "model": "res.partner", "res_id": 2, "noupdate": True},
        {"xml_id": "base.partner_admin", "model": "res.partner", "res_id": 3, "noupdate": True},
        {"xml_id": "base.main_company", "model": "res.company", "res_id": 1, "noupdate": True},
        {"xml_id": "base.user_root", "model": "res.users", "res_id": 1, "noupdate": True},
        {"xml_id": "base.user_admin", "model": "res.users", "res_id": 2, "noupdate": True},
    ])
