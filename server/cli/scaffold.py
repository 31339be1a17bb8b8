"""``bureau scaffold NAME [DIR]``: a new addon that installs and passes its own test (modules.md SCAF-1).

The skeleton holds a model ``NAME.NAME`` (``name``, ``value`` and a stored computed field), its
list/form/search views, a window action and menus, access rights for internal users, demo data, a
``TransactionCase`` test and a README.
"""
import re
import string
from pathlib import Path

from .main import CommandError

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")

TEMPLATES = {
    "__init__.py": "from . import models\n",
    "__manifest__.py": '''{
    "name": "$title",
    "summary": "$title: a new Bureau addon",
    "version": "1.0",
    "license": "LGPL-3",
    "category": "Uncategorized",
    "depends": ["base"],
    "data": [
        "security/ir.model.access.csv",
        "views/views.xml",
    ],
    "demo": ["demo/demo.xml"],
    "application": False,
}
''',
    "models/__init__.py": "from . import models\n",
    "models/models.py": '''from bureau import api, fields, models


class $class_name(models.Model):
    _name = "$model"
    _description = "$title"

    name = fields.Char(required=True)
    value = fields.Integer()
    value2 = fields.Float(compute="_compute_value2", store=True)
    description = fields.Text()

    @api.depends("value")
    def _compute_value2(self):
        for record in self:
            record.value2 = record.value / 100
''',
    "views/views.xml": '''<?xml version="1.0" encoding="utf-8"?>
<odoo>
    <record id="view_${name}_list" model="ir.ui.view">
        <field name="name">$model.list</field>
        <field name="model">$model</field>
        <field name="arch" type="xml">
            <list>
                <field name="name"/>
                <field name="value"/>
                <field name="value2"/>
            </list>
        </field>
    </record>

    <record id="view_${name}_form" model="ir.ui.view">
        <field name="name">$model.form</field>
        <field name="model">$model</field>
        <field name="arch" type="xml">
            <form>
                <sheet>
                    <group>
                        <field name="name"/>
                        <field name="value"/>
                        <field name="value2"/>
                    </group>
                    <field name="description"/>
                </sheet>
            </form>
        </field>
    </record>

    <record id="view_${name}_search" model="ir.ui.view">
        <field name="name">$model.search</field>
        <field name="model">$model</field>
        <field name="arch" type="xml">
            <search>
                <field name="name"/>
            </search>
        </field>
    </record>

    <record id="action_${name}" model="ir.actions.act_window">
        <field name="name">$title</field>
        <field name="res_model">$model</field>
        <field name="view_mode">list,form</field>
    </record>

    <menuitem id="menu_${name}_root" name="$title" sequence="90"/>
    <menuitem id="menu_${name}" name="$title" parent="menu_${name}_root" action="action_${name}"/>
</odoo>
''',
    "security/ir.model.access.csv": '''id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink
access_${name},$model,model_${name}_${name},base.group_user,1,1,1,1
''',
    "demo/demo.xml": '''<?xml version="1.0" encoding="utf-8"?>
<odoo>
    <record id="${name}_demo_1" model="$model">
        <field name="name">First $title</field>
        <field name="value">10</field>
    </record>
    <record id="${name}_demo_2" model="$model">
        <field name="name">Second $title</field>
        <field name="value">20</field>
    </record>
</odoo>
''',
    "tests/__init__.py": "from . import test_$name\n",
    "tests/test_$name.py": '''from bureau.tests import TransactionCase


class Test$class_name(TransactionCase):
    def test_value2_is_computed_from_value(self):
        record = self.env["$model"].create({"name": "test", "value": 42})
        self.assertEqual(record.value2, 0.42)
        record.value = 50
        self.assertEqual(record.value2, 0.5)
''',
    "README.md": '''# $title

A Bureau addon created with `bureau scaffold $name`.

Install it with `bureau --addons-path <parent directory> module install -d <database> $name`
and run its tests with `bureau --addons-path <parent directory> test -d <database> -m $name`.
''',
}


def add_parser(subparsers):
    parser = subparsers.add_parser("scaffold", help="create a new addon skeleton",
                                   description="Create the skeleton of a new addon NAME in DIR.")
    parser.add_argument("name", help="technical name: lowercase letters, digits and _")
    parser.add_argument("directory", nargs="?", default=".", help="where to create it [current directory]")
    parser.set_defaults(func=run)


def scaffold(name, directory):
    """Write the addon skeleton; returns its path.

    :raises CommandError: invalid name or existing directory
    """
    if not NAME_RE.match(name):
        raise CommandError(f"invalid addon name {name!r}: use lowercase letters, digits and '_', "
                           f"starting with a letter")
    target = Path(directory) / name
    if target.exists():
        raise CommandError(f"{target} already exists")
    values = {"name": name, "model": f"{name}.{name}", "title": name.replace("_", " ").title(),
              "class_name": "".join(part.capitalize() for part in name.split("_"))}
    for relative, template in TEMPLATES.items():
        path = target / string.Template(relative).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(string.Template(template).substitute(values))
    return target


def run(args, config):
    target = scaffold(args.name, args.directory)
    print(f"Addon {args.name!r} created in {target}")
