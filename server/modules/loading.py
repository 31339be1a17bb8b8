"""Installing addons into a database and loading a database's registry (modules.md §5).

``install_modules(server, 'tenant', ['library'])`` installs ``library`` and its dependencies,
``upgrade_modules`` and ``uninstall_modules`` the other operations (all run by
:class:`bureau.modules.lifecycle.ModuleLoader`); ``load_registry`` builds the registry of a database
at server start. The data file loaders and the bootstrap of ``base`` live here too.
"""
import logging

from ..db.sql import SQL
from ..orm.environment import SUPERUSER_ID, Environment
from ..orm.model_schema import table_exists
from ..orm.registry import Registry
from .data_csv import load_csv

_logger = logging.getLogger(__name__)


def available_manifests():
    """``{name: manifest}`` of every addon on the addons path."""
    from .lifecycle import available_manifests as manifests
    return manifests()


def installed_modules(cr):
    """Names of the modules installed in the database (empty for a fresh database)."""
    if not table_exists(cr, "ir_module_module"):
        return []
    cr.execute("SELECT name FROM ir_module_module WHERE state IN ('installed', 'to upgrade', 'to remove')")
    return [name for (name,) in cr.fetchall()]


def load_registry(server, dbname, config=None):
    """Build the registry of an initialised database from its installed modules; modules that
    cannot be loaded are left out with their dependants and logged (DEP-3)."""
    from .lifecycle import loadable_order, module_states
    with server.cursor(dbname) as cr:
        states = module_states(cr)
        if not any(state in ("installed", "to upgrade", "to remove") for state in states.values()):
            raise LookupError(f"database {dbname!r} is not initialised (no module installed)")
        order, _ = loadable_order(states, available_manifests(), ("installed", "to upgrade", "to remove"))
        return Registry.new(server, dbname, order, config, cr=cr)


def install_modules(server, dbname, modules, config=None, demo=False, admin_password=None, progress=None):
    """Install ``modules`` (and their dependencies) into ``dbname``; returns the registry.

    A database without ``base`` is initialised first (with demo data when ``demo``).

    :param admin_password: password of the ``admin`` user when the database is initialised
    """
    from .lifecycle import ModuleLoader
    wanted = [name for name in modules if name != "base"]
    return ModuleLoader(server, dbname, config, progress).run(install=wanted, demo=demo,
                                                                admin_password=admin_password)


def upgrade_modules(server, dbname, modules, config=None, progress=None):
    """Upgrade ``modules`` (``['all']`` for every installed one); returns the registry."""
    from .lifecycle import ModuleLoader
    return ModuleLoader(server, dbname, config, progress).run(upgrade=modules)


def uninstall_modules(server, dbname, modules, config=None, progress=None):
    """Uninstall ``modules`` and the modules depending on them; returns the registry."""
    from .lifecycle import ModuleLoader
    return ModuleLoader(server, dbname, config, progress).run(uninstall=modules)


def _load_data(env, module, manifest, kind, mode="init", loaded=None):
    """Load the ``data`` or ``demo`` files of a module in manifest order.

    :param mode: ``'init'`` (install) or ``'update'`` (upgrade)
    :param loaded: a set receiving the xml ids loaded (for the cleanup after an upgrade)
    :raises DataFileError: naming the file, the line and the record id (``ParseError`` for XML)
    """
    from pathlib import Path

    from .data_files import DataFileError, DeclaredIds
    from .data_xml import load_xml
    base = Path(manifest["path"])
    paths = [base / relative for relative in manifest[kind]]
    for path in paths:
        if path.suffix not in (".csv", ".xml"):
            raise DataFileError(f"{path}: unsupported data file type (.xml and .csv are)", path=str(path),
                                module=module)
    # the ids the files define, to refuse references to ids defined further down (LOAD-3)
    declared = DeclaredIds(module).scan(paths)
    for path in paths:
        loader = load_csv if path.suffix == ".csv" else load_xml
        loader(env, module, path, mode=mode, noupdate=(kind == "demo"), loaded=loaded, declared=declared)


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
