"""Install, upgrade and uninstall round trips (modules.md §4-§7), through the real command line.

An addon is written to a temporary addons directory, installed with ``bureau module install``,
rewritten (a new field, changed and removed data) and upgraded with ``bureau module upgrade`` —
a new process, since Python code changes need one — then uninstalled. The database is checked with
plain SQL after each step.
"""
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, TEST_ADDONS, new_db_name

MANIFEST_V1 = """{
    "name": "Lifecycle test addon",
    "version": "1.0",
    "depends": ["base"],
    "data": ["security/ir.model.access.csv", "data/life.thing.csv", "views/life_views.xml"],
}"""

MODELS_V1 = '''
from bureau import fields, models


class Thing(models.Model):
    _name = "life.thing"
    _description = "Thing"

    name = fields.Char(required=True)
    value = fields.Integer()
    partner_ids = fields.Many2many("res.partner", "life_thing_partner_rel", "thing_id", "partner_id")

    _sql_constraints = [("name_uniq", "unique(name)", "Thing names are unique.")]


class Partner(models.Model):
    _inherit = "res.partner"

    life_note = fields.Char()
    type = fields.Selection(selection_add=[("life", "Life")], ondelete={"life": "set default"})
'''

MODELS_V2 = MODELS_V1.replace('''    value = fields.Integer()''', '''    value = fields.Integer()
    color = fields.Char(default="blue")''')

ACCESS = """id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink
access_life_thing,life.thing,model_life_thing,base.group_user,1,1,1,1
"""
DATA_V1 = """id,name,value
thing_a,Thing A,1
thing_b,Thing B,2
"""
DATA_V2 = """id,name,value
thing_a,Thing A,10
"""

VIEWS = """<odoo>
    <record id="view_life_thing_form" model="ir.ui.view">
        <field name="name">life.thing.form</field>
        <field name="model">life.thing</field>
        <field name="arch" type="xml">
            <form><group><field name="name"/>%s</group></form>
        </field>
    </record>
    <record id="view_partner_form_life" model="ir.ui.view">
        <field name="name">res.partner.form.life</field>
        <field name="model">res.partner</field>
        <field name="inherit_id" ref="base.view_partner_form"/>
        <field name="arch" type="xml">
            <field name="email" position="after"><field name="life_note"/></field>
        </field>
    </record>
</odoo>"""


MIGRATION = '''
def migrate(cr, installed_version):
    cr.execute("INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)",
               ["life.migration.{stage}.{folder}", installed_version])
'''


def write_migrations(directory):
    """Scripts for 1.0 (already installed: never run), 1.1 (run) and 2.0 (not reached yet)."""
    for folder in ("1.0", "1.1", "2.0"):
        path = Path(directory) / "life_demo" / "migrations" / folder
        path.mkdir(parents=True, exist_ok=True)
        for stage in ("pre", "post", "end"):
            (path / f"{stage}-marker.py").write_text(MIGRATION.format(stage=stage, folder=folder))


def write_addon(directory, manifest, models_code, data, view_fields='<field name="value"/>'):
    addon = Path(directory) / "life_demo"
    (addon / "models").mkdir(parents=True, exist_ok=True)
    (addon / "security").mkdir(exist_ok=True)
    (addon / "data").mkdir(exist_ok=True)
    (addon / "__manifest__.py").write_text(manifest)
    (addon / "__init__.py").write_text("from . import models\n")
    (addon / "models" / "__init__.py").write_text("from . import thing\n")
    (addon / "models" / "thing.py").write_text(textwrap.dedent(models_code))
    (addon / "security" / "ir.model.access.csv").write_text(ACCESS)
    (addon / "data" / "life.thing.csv").write_text(data)
    (addon / "views").mkdir(exist_ok=True)
    (addon / "views" / "life_views.xml").write_text(VIEWS % view_fields)
    return addon


def bureau(pg, addons_dir, *args, check=True):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "bureau", "--db-uri", pg.uri, "--log-level", "warning",
         "--addons-path", f"{addons_dir},{TEST_ADDONS}", *args],
        capture_output=True, text=True, env=env, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"bureau {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def query(pg, dbname, sql, params=None):
    with pg.cursor(dbname) as cr:
        cr.execute(sql, params)
        return cr.fetchall() if cr.description else None


def columns(pg, dbname, table):
    return {row[0] for row in query(pg, dbname, "SELECT column_name FROM information_schema.columns "
                                                "WHERE table_name = %s", [table])}


def tables(pg, dbname):
    return {row[0] for row in query(pg, dbname, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


@pytest.fixture
def lifecycle_db(pg):
    name = new_db_name("test_life")
    addons_dir = tempfile.mkdtemp(prefix="bureau-addons-")
    write_addon(addons_dir, MANIFEST_V1, MODELS_V1, DATA_V1)
    bureau(pg, addons_dir, "db", "create", name, "--admin-password", "admin-life-pass")
    yield name, addons_dir
    from bureau.orm.registry import Registry
    Registry.delete(name)
    pg.drop_database(name)


def test_install_upgrade_uninstall_round_trip(pg, lifecycle_db):
    dbname, addons_dir = lifecycle_db
    partners_before = query(pg, dbname, "SELECT count(*) FROM res_partner")[0][0]

    bureau(pg, addons_dir, "module", "install", "-d", dbname, "life_demo")
    assert {"life_thing", "life_thing_partner_rel"} <= tables(pg, dbname)
    assert "life_note" in columns(pg, dbname, "res_partner")
    assert query(pg, dbname, "SELECT name, value FROM life_thing ORDER BY name") == [("Thing A", 1), ("Thing B", 2)]
    assert query(pg, dbname, "SELECT state, latest_version FROM ir_module_module WHERE name = 'life_demo'") == \
        [("installed", "17.0.1.0")]
    assert query(pg, dbname, "SELECT count(*) FROM pg_constraint WHERE conname = 'life_thing_name_uniq'") == [(1,)]
    query(pg, dbname, "UPDATE res_partner SET type = 'life' WHERE id = 3")

    # version 2: a new field with a default, changed data, a record removed from the data file
    write_addon(addons_dir, MANIFEST_V1.replace('"1.0"', '"1.1"'), MODELS_V2, DATA_V2,
                view_fields='<field name="value"/><field name="color"/>')
    write_migrations(addons_dir)
    bureau(pg, addons_dir, "module", "upgrade", "-d", dbname, "life_demo")
    assert "color" in columns(pg, dbname, "life_thing")
    assert query(pg, dbname, "SELECT name, value, color FROM life_thing ORDER BY name") == [("Thing A", 10, "blue")]
    assert query(pg, dbname, "SELECT count(*) FROM ir_model_data WHERE module = 'life_demo' AND name = 'thing_b'") \
        == [(0,)]
    assert query(pg, dbname, "SELECT latest_version FROM ir_module_module WHERE name = 'life_demo'") == \
        [("17.0.1.1",)]
    assert query(pg, dbname, "SELECT count(*) FROM ir_model_fields WHERE model = 'life.thing' "
                             "AND name = 'color'") == [(1,)]
    assert query(pg, dbname, "SELECT key, value FROM ir_config_parameter WHERE key LIKE 'life.migration.%%' "
                             "ORDER BY key") == [("life.migration.end.1.1", "17.0.1.0"),
                                                 ("life.migration.post.1.1", "17.0.1.0"),
                                                 ("life.migration.pre.1.1", "17.0.1.0")]
    arch = query(pg, dbname, "SELECT arch_db FROM ir_ui_view WHERE name = 'life.thing.form'")[0][0]
    assert 'name="color"' in arch

    bureau(pg, addons_dir, "module", "uninstall", "-d", dbname, "life_demo")
    assert not {"life_thing", "life_thing_partner_rel"} & tables(pg, dbname)
    assert "life_note" not in columns(pg, dbname, "res_partner")
    assert query(pg, dbname, "SELECT count(*) FROM ir_model_data WHERE module = 'life_demo'") == [(0,)]
    assert query(pg, dbname, "SELECT count(*) FROM ir_model WHERE model = 'life.thing'") == [(0,)]
    assert query(pg, dbname, "SELECT count(*) FROM ir_ui_view WHERE name LIKE '%%life%%'") == [(0,)]
    assert query(pg, dbname, "SELECT count(*) FROM ir_model_fields WHERE name = 'life_note'") == [(0,)]
    assert query(pg, dbname, "SELECT state FROM ir_module_module WHERE name = 'life_demo'") == [("uninstalled",)]
    # rows that held the removed selection value got the field default; other data is intact
    assert query(pg, dbname, "SELECT type FROM res_partner WHERE id = 3") == [("contact",)]
    assert query(pg, dbname, "SELECT count(*) FROM res_partner")[0][0] == partners_before


def test_upgrade_of_unknown_addon_is_refused_with_a_clear_message(pg, lifecycle_db):
    dbname, addons_dir = lifecycle_db
    result = bureau(pg, addons_dir, "module", "install", "-d", dbname, "no_such_addon", check=False)
    assert result.returncode == 1
    assert "no_such_addon" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_database_with_library_shows_the_demo_books_in_the_shell(pg):
    """modules.md/issue: `bureau db create demo --demo -i library` then `bureau shell -d demo`."""
    dbname = new_db_name("test_libdemo")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    base = [sys.executable, "-m", "bureau", "--db-uri", pg.uri]
    try:
        created = subprocess.run(base + ["db", "create", dbname, "--demo", "-i", "library"],
                                 capture_output=True, text=True, env=env, timeout=300)
        assert created.returncode == 0, created.stderr
        assert "Log in as 'admin' with the password:" in created.stdout
        shell = subprocess.run(base + ["shell", "-d", dbname], input="print(sorted(env['library.book'].search([]).mapped('name')))\n",
                               capture_output=True, text=True, env=env, timeout=300)
        assert shell.returncode == 0, shell.stderr
        assert "Pride and Prejudice" in shell.stdout and "Les Misérables" in shell.stdout
        modules = query(pg, dbname, "SELECT name, demo FROM ir_module_module WHERE state = 'installed' ORDER BY name")
        assert modules == [("base", True), ("library", True)]
    finally:
        from bureau.orm.registry import Registry
        Registry.delete(dbname)
        if pg.exists(dbname):
            pg.drop_database(dbname)
