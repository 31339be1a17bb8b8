"""XML data files (modules.md §8, LOAD-3, UPG-1, IMD-3).

Two kinds of tests: the ``test_data_files`` addon installed once (with demo) into a copy of the
ORM test database, and small files written to ``tmp_path`` loaded straight into the rolled-back
``env`` as data of ``test_orm`` with :func:`load_xml`.
"""
import base64
import datetime

import pytest

from bureau.modules.data_files import DeclaredIds
from bureau.modules.data_xml import ParseError, load_xml
from conftest import make_env, new_db_name

MODULE = "test_orm"


@pytest.fixture(scope="module")
def data_db(pg, orm_db):
    """``test_data_files`` installed with its demo data (committed, shared by the module's tests)."""
    from bureau.modules.loading import install_modules
    from bureau.orm.registry import Registry

    name = new_db_name("test_data_xml")
    pg.copy_database(orm_db, name)
    with pg.cursor(name) as cr:
        cr.execute("UPDATE ir_module_module SET demo = true WHERE name = 'base'")
    install_modules(pg, name, ["test_data_files"])
    yield name
    Registry.delete(name)
    pg.drop_database(name)


@pytest.fixture
def data_env(pg, data_db):
    env = make_env(pg, data_db)
    yield env
    env.cr.rollback()
    env.cr.close()


def write_xml(tmp_path, body, name="data.xml", root="odoo"):
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<{root}>\n{body}\n</{root}>\n')
    return path


def line_of(path, marker):
    """The line number of the first line of ``path`` containing ``marker``."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")


def load(env, path, mode="init", **kwargs):
    load_xml(env, MODULE, path, mode=mode, **kwargs)


def imd_row(env, xml_id):
    return env["ir.model.data"]._xmlid_row(xml_id)


# -- the test addon, installed ----------------------------------------------------------------------
def test_install_creates_records_with_field_value_forms(data_env):
    env = data_env
    item = env.ref("test_data_files.item_one")
    assert (item.name, item.sequence, item.ratio, item.kind, item.level) == ("Item one", 7, 2.5, "b", 2)
    assert item.day == datetime.date(2024, 2, 29)
    assert item.partner_id == env.ref("test_data_files.partner_acme")
    assert item.tag_ids == env.ref("test_data_files.tag_red") | env.ref("test_data_files.tag_blue")
    assert item.line_ids.mapped("name") == ["L1", "L2"] and item.line_ids[0].quantity == 2
    assert item.target == env.ref("test_data_files.tag_red")
    assert item.blob == b"BLOB\x00\x01binary"
    assert item.note == "Note from a file\n"


def test_install_registers_xml_ids_with_noupdate_flags(data_env):
    env = data_env
    assert imd_row(env, "test_data_files.item_one")[3] is False
    assert imd_row(env, "test_data_files.tag_red")[3] is False
    assert imd_row(env, "test_data_files.item_protected")[3] is True
    assert imd_row(env, "test_data_files.item_once")[3] is True


def test_install_updates_another_modules_record(data_env):
    assert data_env.ref("base.partner_admin").function == "Data test administrator"
    assert not data_env["ir.model.data"]._xmlid_row("test_data_files.partner_admin")


def test_install_calls_functions_with_args_kwargs_and_context(data_env):
    env = data_env
    calls = env["test.data.call"].search([])
    assert calls.mapped("name") == ["noupdate function", "function"]
    call = calls[1]
    assert call.args == repr(("function", 1, env.ref("test_data_files.item_one").id))
    assert call.kwargs == repr([("label", "kw")])
    assert call.context_flag == "from-context"
    assert env.ref("test_data_files.item_kept").note == "noted by function"


def test_install_loads_menus(data_env):
    env = data_env
    root = env.ref("test_data_files.menu_root")
    items = env.ref("test_data_files.menu_items")
    nested = env.ref("test_data_files.menu_nested").with_context(active_test=False)
    action = env.ref("test_data_files.action_items")
    assert (root.name, root.sequence, root.parent_id, root.action) == ("Data Tests", 5, root.browse(), False)
    assert root.groups_id == env.ref("base.group_user")
    assert items.parent_id == root and items.sequence == 20
    assert items.name == "Data Items", "a menu without name takes its action's"
    assert items.action == action
    assert items.groups_id == env.ref("base.group_user") | env.ref("base.group_system")
    assert nested.parent_id == env.ref("test_data_files.menu_config"), "nesting gives the parent"
    assert nested.parent_id.parent_id == root
    assert nested.active is False and nested.name == "Nested" and nested.sequence == 10


def test_install_loads_csv_with_continuation_rows(data_env):
    env = data_env
    item = env.ref("test_data_files.item_csv")
    assert item.partner_id == env.ref("test_data_files.partner_acme"), "Many2one by name"
    assert [(line.name, line.quantity) for line in item.line_ids] == [("first", 1.0), ("second", 2.5)]
    assert set(item.tag_ids.ids) == {env.ref("test_data_files.tag_red").id, env.ref("test_data_files.tag_blue").id}


def test_install_loads_demo_after_data_as_noupdate(data_env):
    env = data_env
    item = env.ref("test_data_files.item_demo")
    assert item.tag_ids == env.ref("test_data_files.tag_demo")
    assert imd_row(env, "test_data_files.item_demo")[3] is True
    assert imd_row(env, "test_data_files.tag_demo")[3] is True


def test_data_load_collects_every_xml_id_in_the_loaded_set(data_env):
    """The set UPG-3 uses after an upgrade: data records, menus, noupdate records kept as they are."""
    from bureau.modules.lifecycle import available_manifests
    from bureau.modules.loading import _load_data
    loaded = set()
    _load_data(data_env, "test_data_files", available_manifests()["test_data_files"], "data", mode="update",
               loaded=loaded)
    expected = {"tag_red", "tag_blue", "partner_acme", "item_one", "item_protected", "item_kept", "item_once",
                "item_csv", "action_items", "menu_root", "menu_items", "menu_config", "menu_nested",
                "access_data_tag", "access_data_item", "access_data_line", "access_data_call"}
    assert {f"test_data_files.{name}" for name in expected} | {"base.partner_admin"} == loaded


def test_upgrade_rewrites_data_but_keeps_noupdate_records(pg, data_db):
    """UPG-1: changed records are rewritten, noupdate ones kept, deleted noupdate ones recreated
    unless forcecreate="0"; functions inside noupdate data do not run again."""
    from bureau.modules.loading import upgrade_modules
    from bureau.orm.registry import Registry

    name = new_db_name("test_data_upg")
    pg.copy_database(data_db, name)
    try:
        env = make_env(pg, name)
        env.ref("test_data_files.item_one").write({"name": "Changed", "code": "KEEP"})
        env.ref("test_data_files.item_kept").write({"name": "Changed kept"})
        protected_id = env.ref("test_data_files.item_protected").id
        env.ref("test_data_files.item_protected").unlink()
        env.ref("test_data_files.item_once").unlink()
        env.ref("test_data_files.menu_items").write({"sequence": 99})
        env.cr.commit()
        env.cr.close()

        upgrade_modules(pg, name, ["test_data_files"])

        env = make_env(pg, name)
        item = env.ref("test_data_files.item_one")
        assert item.name == "Item one", "rewritten from the file"
        assert item.code == "KEEP", "fields the file does not mention keep their value"
        assert env.ref("test_data_files.item_kept").name == "Changed kept"
        recreated = env.ref("test_data_files.item_protected")
        assert recreated.name == "Protected" and recreated.id != protected_id
        assert env.ref("test_data_files.item_once", raise_if_not_found=False) is None
        assert env.ref("test_data_files.menu_items").sequence == 20
        names = env["test.data.call"].search([]).mapped("name")
        assert names.count("noupdate function") == 1 and names.count("function") == 2
        assert len(env["test.data.item"].search([("name", "=", "Item one")])) == 1, "no duplicate"
        env.cr.close()
    finally:
        Registry.delete(name)
        pg.drop_database(name)


# -- roots, data, noupdate, context -----------------------------------------------------------------
@pytest.mark.parametrize("root", ["odoo", "openerp", "data"])
def test_accepted_root_elements(env, tmp_path, root):
    path = write_xml(tmp_path, '<record id="p_root" model="res.partner"><field name="name">R</field></record>',
                     root=root)
    load(env, path)
    assert env.ref("test_orm.p_root").name == "R"


def test_other_root_element_refused(env, tmp_path):
    path = write_xml(tmp_path, "", root="records")
    with pytest.raises(ParseError, match=r"data\.xml, line 2.*root element must be <odoo>"):
        load(env, path)


def test_noupdate_on_data_and_root(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="p_plain" model="res.partner"><field name="name">Plain</field></record>
        <data noupdate="1">
            <record id="p_frozen" model="res.partner"><field name="name">Frozen</field></record>
        </data>
        <data noupdate="0">
            <record id="p_open" model="res.partner"><field name="name">Open</field></record>
        </data>""")
    load(env, path)
    assert imd_row(env, "test_orm.p_plain")[3] is False
    assert imd_row(env, "test_orm.p_frozen")[3] is True
    assert imd_row(env, "test_orm.p_open")[3] is False
    frozen_root = tmp_path / "frozen.xml"
    frozen_root.write_text('<odoo noupdate="1"><record id="p_root_frozen" model="res.partner">'
                           '<field name="name">F</field></record></odoo>')
    load(env, frozen_root)
    assert imd_row(env, "test_orm.p_root_frozen")[3] is True


def test_data_and_record_context_merged(env, tmp_path):
    path = write_xml(tmp_path, """
        <data context="{'default_city': 'Ghent', 'default_zip': '9000'}">
            <record id="p_ctx" model="res.partner"><field name="name">Ctx</field></record>
            <record id="p_ctx2" model="res.partner" context="{'default_city': 'Namur'}">
                <field name="name">Ctx2</field>
            </record>
        </data>""")
    load(env, path)
    assert (env.ref("test_orm.p_ctx").city, env.ref("test_orm.p_ctx").zip) == ("Ghent", "9000")
    assert (env.ref("test_orm.p_ctx2").city, env.ref("test_orm.p_ctx2").zip) == ("Namur", "9000")


def test_record_uid_sets_the_user(env, tmp_path):
    path = write_xml(tmp_path, '<record id="p_uid" model="res.partner" uid="base.user_admin">'
                               '<field name="name">By admin</field></record>')
    load(env, path)
    assert env.ref("test_orm.p_uid").create_uid == env.ref("base.user_admin")


# -- update mode ------------------------------------------------------------------------------------
def test_update_mode_rewrites_only_records_not_noupdate(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="p_upd" model="res.partner"><field name="name">Upd</field></record>
        <data noupdate="1">
            <record id="p_keep" model="res.partner"><field name="name">Keep</field></record>
            <record id="p_back" model="res.partner"><field name="name">Back</field></record>
            <record id="p_gone" model="res.partner" forcecreate="0"><field name="name">Gone</field></record>
        </data>""")
    load(env, path)
    env.ref("test_orm.p_upd").write({"name": "x", "city": "Liège"})
    env.ref("test_orm.p_keep").write({"name": "x"})
    env.ref("test_orm.p_back").unlink()
    env.ref("test_orm.p_gone").unlink()
    loaded = set()
    load(env, path, mode="update", loaded=loaded)
    assert env.ref("test_orm.p_upd").name == "Upd"
    assert env.ref("test_orm.p_upd").city == "Liège", "unmentioned fields are kept"
    assert env.ref("test_orm.p_keep").name == "x"
    assert env.ref("test_orm.p_back").name == "Back", "a deleted noupdate record is recreated"
    assert env.ref("test_orm.p_gone", raise_if_not_found=False) is None, "forcecreate=0: not recreated"
    assert loaded == {"test_orm.p_upd", "test_orm.p_keep", "test_orm.p_back"}


def test_update_mode_respects_noupdate_flag_of_existing_xml_id(env, tmp_path):
    """A record made noupdate earlier stays untouched even when the file no longer says so."""
    frozen = write_xml(tmp_path, '<data noupdate="1"><record id="p_was_frozen" model="res.partner">'
                                 '<field name="name">A</field></record></data>', name="a.xml")
    load(env, frozen)
    env.ref("test_orm.p_was_frozen").write({"name": "edited"})
    plain = write_xml(tmp_path, '<record id="p_was_frozen" model="res.partner"><field name="name">B</field>'
                                '</record>', name="b.xml")
    load(env, plain, mode="update")
    assert env.ref("test_orm.p_was_frozen").name == "edited"
    load(env, plain, mode="init")
    assert env.ref("test_orm.p_was_frozen").name == "B", "mode init rewrites everything"


def test_functions_in_noupdate_data_skipped_in_update_mode(env, tmp_path):
    path = write_xml(tmp_path, """
        <data noupdate="1">
            <function model="res.partner" name="name_create"><value>Fn frozen</value></function>
        </data>
        <function model="res.partner" name="name_create"><value>Fn always</value></function>""")
    load(env, path)
    load(env, path, mode="update")
    Partner = env["res.partner"]
    assert Partner.search_count([("name", "=", "Fn frozen")]) == 1
    assert Partner.search_count([("name", "=", "Fn always")]) == 2


def test_record_without_id_created_each_time(env, tmp_path):
    path = write_xml(tmp_path, '<record model="res.partner"><field name="name">No id</field></record>')
    load(env, path)
    load(env, path, mode="update")
    assert env["res.partner"].search_count([("name", "=", "No id")]) == 2


# -- xml ids --------------------------------------------------------------------------------------
def test_reference_to_another_modules_id(env, tmp_path):
    path = write_xml(tmp_path, '<record id="p_other" model="res.partner"><field name="name">O</field>'
                               '<field name="parent_id" ref="base.main_partner"/></record>')
    load(env, path)
    assert env.ref("test_orm.p_other").parent_id == env.ref("base.main_partner")


def test_update_of_missing_record_of_another_module_refused(env, tmp_path):
    path = write_xml(tmp_path, '<record id="base.no_such_partner" model="res.partner">'
                               '<field name="name">N</field></record>')
    with pytest.raises(ParseError, match=r"line 3, <record> of record base\.no_such_partner: cannot update"):
        load(env, path)


def test_forcecreate_creates_missing_record_of_another_module(env, tmp_path):
    path = write_xml(tmp_path, '<record id="base.forced_partner" model="res.partner" forcecreate="1">'
                               '<field name="name">Forced</field></record>')
    load(env, path)
    assert env.ref("base.forced_partner").name == "Forced"


def test_xml_id_of_module_not_installed_refused(env, tmp_path):
    path = write_xml(tmp_path, '<record id="not_a_module.p" model="res.partner"><field name="name">N</field>'
                               '</record>')
    with pytest.raises(ParseError, match="module 'not_a_module', which is not installed"):
        load(env, path)


def test_xml_id_with_two_dots_refused(env, tmp_path):
    path = write_xml(tmp_path, '<record id="a.b.c" model="res.partner"><field name="name">N</field></record>')
    with pytest.raises(ParseError, match="at most one dot"):
        load(env, path)


def test_xml_id_of_other_model_refused(env, tmp_path):
    path = write_xml(tmp_path, '<record id="base.group_user" model="res.partner"><field name="name">N</field>'
                               '</record>')
    with pytest.raises(ParseError, match=r"base\.group_user is a record of res\.groups, not of res\.partner"):
        load(env, path)


def test_forward_reference_in_same_file_refused(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="p_first" model="res.partner">
            <field name="name">First</field>
            <field name="parent_id" ref="p_second"/>
        </record>
        <record id="p_second" model="res.partner"><field name="name">Second</field></record>""")
    with pytest.raises(ParseError) as info:
        load(env, path)
    message = str(info.value)
    assert f"line {line_of(path, 'ref=')}" in message and "test_orm.p_first" in message
    second_line = line_of(path, 'id="p_second"')
    assert f"defined later ({path}, line {second_line})" in message


def test_forward_reference_to_later_file_refused_even_in_update_mode(env, tmp_path):
    """The record exists from an earlier load, but the manifest order still forbids the reference."""
    first = write_xml(tmp_path, '<record id="p_a" model="res.partner"><field name="name">A</field>'
                                '<field name="parent_id" eval="ref(\'p_b\')"/></record>', name="first.xml")
    second = write_xml(tmp_path, '<record id="p_b" model="res.partner"><field name="name">B</field></record>',
                       name="second.xml")
    load(env, second)
    declared = DeclaredIds(MODULE).scan([first, second])
    with pytest.raises(ParseError, match=r"Reference to 'test_orm\.p_b', which is defined later"):
        load(env, first, mode="update", declared=declared)
    declared = DeclaredIds(MODULE).scan([second, first])
    load(env, second, mode="update", declared=declared)
    load(env, first, mode="update", declared=declared)
    assert env.ref("test_orm.p_a").parent_id == env.ref("test_orm.p_b")


def test_reference_to_unknown_xml_id_names_file_line_and_record(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="p_unknown_ref" model="res.partner">
            <field name="name">U</field>
            <field name="parent_id" ref="base.does_not_exist"/>
        </record>""")
    with pytest.raises(ParseError) as info:
        load(env, path)
    error = info.value
    assert error.line == line_of(path, "does_not_exist") and error.xml_id == "test_orm.p_unknown_ref"
    assert str(error).startswith(f"{path}, line {error.line}, <field> of record test_orm.p_unknown_ref:")
    assert "base.does_not_exist" in str(error)


# -- field value forms ------------------------------------------------------------------------------
def test_text_converted_by_field_type(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="t_types" model="test.orm.all.types">
            <field name="name">Types</field>
            <field name="integer">42</field>
            <field name="float_plain"> 1.25 </field>
            <field name="boolean">False</field>
            <field name="active">off</field>
            <field name="selection_int">2</field>
            <field name="date">2024-05-01</field>
            <field name="datetime">2024-05-01 10:20:30</field>
            <field name="partner_id">1</field>
        </record>""")
    load(env, path)
    record = env.ref("test_orm.t_types").with_context(active_test=False)
    assert (record.integer, record.float_plain, record.boolean, record.active) == (42, 1.25, False, False)
    assert record.selection_int == 2
    assert record.date == datetime.date(2024, 5, 1)
    assert record.datetime == datetime.datetime(2024, 5, 1, 10, 20, 30)
    assert record.partner_id.id == 1


def test_typed_values_and_lists(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="t_typed" model="test.orm.all.types">
            <field name="name" type="char">  spaced  </field>
            <field name="integer" type="int">7</field>
            <field name="float_plain" type="float">3.5</field>
            <field name="json_data" type="list">
                <value>a</value>
                <value type="int">2</value>
                <value type="tuple"><value type="float">1.5</value><value eval="None"/></value>
            </field>
        </record>""")
    load(env, path)
    record = env.ref("test_orm.t_typed")
    assert (record.name, record.integer, record.float_plain) == ("  spaced  ", 7, 3.5)
    record.invalidate_recordset()
    assert record.json_data == ["a", 2, [1.5, None]]


def test_eval_context_names(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="t_eval" model="test.orm.all.types">
            <field name="name" eval="'v' + version"/>
            <field name="date" eval="(DateTime(2024, 1, 31) + relativedelta(months=1)).date()"/>
            <field name="datetime" eval="datetime(2024, 1, 1) + timedelta(hours=5)"/>
            <field name="text" eval="time.strftime('%Y')"/>
            <field name="partner_id" eval="obj(ref('base.partner_admin')).parent_id.id or ref('base.main_partner')"/>
            <field name="tag_ids" eval="[Command.set([])]"/>
        </record>""")
    load(env, path)
    record = env.ref("test_orm.t_eval")
    assert record.name == "v17.0"
    assert record.date == datetime.date(2024, 2, 29)
    assert record.datetime == datetime.datetime(2024, 1, 1, 5)
    assert record.text == str(datetime.date.today().year)
    assert record.partner_id == env.ref("base.main_partner")


def test_obj_gives_read_only_records(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="t_obj" model="test.orm.all.types">
            <field name="partner_id" eval="obj(ref('base.main_partner')).write({'name': 'hacked'})"/>
        </record>""")
    with pytest.raises(ParseError, match="res.partner has no field 'write'"):
        load(env, path)
    assert env.ref("base.main_partner").name != "hacked"


@pytest.mark.parametrize("expression", ["__import__('os').getcwd()", "ref.__globals__", "().__class__"])
def test_eval_goes_through_safe_eval(env, tmp_path, expression):
    path = write_xml(tmp_path, f'<record id="t_unsafe" model="test.orm.all.types">'
                               f'<field name="name" eval="{expression}"/></record>')
    with pytest.raises(ParseError, match="forbidden"):
        load(env, path)


def test_search_and_use(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="t_search" model="test.orm.all.types">
            <field name="partner_id" search="[('id', '=', ref('base.main_partner'))]"/>
            <field name="name" model="res.country" search="[('code', '=', 'BE')]" use="code"/>
            <field name="tag_ids" model="test.orm.tag" search="[('name', 'like', 'xml-tag-')]"/>
        </record>""")
    Tag = env["test.orm.tag"]
    tags = Tag.create([{"name": "xml-tag-1"}, {"name": "xml-tag-2"}])
    load(env, path)
    record = env.ref("test_orm.t_search")
    assert record.partner_id == env.ref("base.main_partner")
    assert record.name == "BE"
    assert record.tag_ids == tags, "Many2many: all results"


def test_reference_field_from_ref(env, tmp_path):
    path = write_xml(tmp_path, '<record id="t_refd" model="test.orm.all.types">'
                               '<field name="reference" ref="base.main_partner"/></record>')
    load(env, path)
    assert env.ref("test_orm.t_refd").reference == env.ref("base.main_partner")


def test_relational_commands_as_tuples(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="t_tag" model="test.orm.tag"><field name="name">T</field></record>
        <record id="t_rel" model="test.orm.all.types">
            <field name="tag_ids" eval="[(4, ref('t_tag'))]"/>
            <field name="line_ids" eval="[(0, 0, {'name': 'one'}), Command.create({'name': 'two'})]"/>
        </record>""")
    load(env, path)
    record = env.ref("test_orm.t_rel")
    assert record.tag_ids == env.ref("test_orm.t_tag")
    assert sorted(record.line_ids.mapped("name")) == ["one", "two"]


def test_type_xml_serialises_inner_xml_and_substitutes_ids(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="t_xml" model="test.orm.all.types">
            <field name="text" type="xml">
                <form string="F"><button name="%(base.main_partner)d" type="action"/>
                    <field name="name" help="100%% sure, %(test_orm.t_xml_target)s"/></form>
            </field>
            <field name="note" type="xml"><a/><b/></field>
        </record>""")
    target = write_xml(tmp_path, '<record id="t_xml_target" model="res.partner"><field name="name">X</field>'
                                 '</record>', name="target.xml")
    load(env, target)
    load(env, path)
    record = env.ref("test_orm.t_xml")
    main_id = env.ref("base.main_partner").id
    target_id = env.ref("test_orm.t_xml_target").id
    assert record.text.startswith('<form string="F"><button name="%d" type="action"/>' % main_id)
    assert f'help="100% sure, {target_id}"' in record.text
    assert record.text.endswith("</form>")
    assert record.note == "<data><a/><b/></data>", "several children are wrapped in <data>"


def test_type_html(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="t_html" model="test.orm.all.types">
            <field name="text" type="html"><p>Hello <br/>world</p><p>%(base.main_partner)d</p></field>
        </record>""")
    load(env, path)
    assert env.ref("test_orm.t_html").text == "<p>Hello <br>world</p><p>%d</p>" % env.ref("base.main_partner").id


def test_file_outside_its_module_refused(env, tmp_path):
    path = write_xml(tmp_path, '<record id="t_file" model="test.orm.all.types">'
                               '<field name="text" file="test_data_files/../test_orm/__manifest__.py"/></record>')
    with pytest.raises(ParseError, match="points outside module"):
        load(env, path)


def test_file_base64_into_binary(env, tmp_path):
    path = write_xml(tmp_path, '<record id="t_bin" model="test.orm.all.types">'
                               '<field name="binary_db" type="base64" file="test_data_files/data/blob.bin"/>'
                               '</record>')
    load(env, path)
    record = env.ref("test_orm.t_bin")
    assert record.binary_db == b"BLOB\x00\x01binary"
    assert record.read(["binary_db"])[0]["binary_db"] == base64.b64encode(b"BLOB\x00\x01binary").decode()


# -- menuitem ---------------------------------------------------------------------------------------
def test_menuitem_groups_added_and_removed(env, tmp_path):
    first = write_xml(tmp_path, '<menuitem id="m_groups" name="G" groups="base.group_user,base.group_system"/>',
                      name="a.xml")
    load(env, first)
    menu = env.ref("test_orm.m_groups")
    assert menu.groups_id == env.ref("base.group_user") | env.ref("base.group_system")
    second = write_xml(tmp_path, '<menuitem id="m_groups" name="G" groups="-base.group_system,base.group_no_one"/>',
                       name="b.xml")
    load(env, second, mode="update")
    assert menu.groups_id == env.ref("base.group_user") | env.ref("base.group_no_one")


def test_menuitem_name_defaults_to_id_and_parent_reset(env, tmp_path):
    path = write_xml(tmp_path, """
        <menuitem id="m_parent" name="P"/>
        <menuitem id="m_child" parent="m_parent"/>""")
    load(env, path)
    child = env.ref("test_orm.m_child")
    assert child.name == "m_child" and child.parent_id == env.ref("test_orm.m_parent")
    top = write_xml(tmp_path, '<menuitem id="m_child" name="Top"/>', name="top.xml")
    load(env, top, mode="update")
    assert not child.parent_id, "without parent a menu is top-level"


def test_menuitem_unknown_action_names_line(env, tmp_path):
    path = write_xml(tmp_path, """
        <menuitem id="m_ok" name="ok">
            <menuitem id="m_bad" action="no_such_action"/>
        </menuitem>""")
    with pytest.raises(ParseError) as info:
        load(env, path)
    assert info.value.line == line_of(path, "m_bad") and info.value.xml_id == "test_orm.m_bad"


# -- delete -----------------------------------------------------------------------------------------
def test_delete_by_id_and_by_search(env, tmp_path):
    create = write_xml(tmp_path, """
        <record id="d_one" model="res.partner"><field name="name">Del one</field></record>
        <record id="d_two" model="res.partner"><field name="name">Del two</field></record>
        <record id="d_three" model="res.partner"><field name="name">Del three</field></record>""", name="c.xml")
    load(env, create)
    delete = write_xml(tmp_path, """
        <delete model="res.partner" id="d_one"/>
        <delete model="res.partner" search="[('name', '=', 'Del two')]"/>
        <delete model="res.partner" id="d_never_existed"/>""", name="d.xml")
    load(env, delete)
    assert env.ref("test_orm.d_one", raise_if_not_found=False) is None
    assert env.ref("test_orm.d_two", raise_if_not_found=False) is None
    assert env.ref("test_orm.d_three").name == "Del three"
    assert not imd_row(env, "test_orm.d_one"), "the xml id goes with the record"


# -- function ---------------------------------------------------------------------------------------
def test_function_on_records_receives_ids_first(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="f_partner" model="res.partner"><field name="name">Before</field></record>
        <function model="res.partner" name="write" eval="([ref('f_partner')], {'name': 'After'})"/>
        <function model="res.partner" name="write">
            <value eval="[ref('f_partner')]"/>
            <value eval="{'city': 'Mons'}"/>
        </function>""")
    load(env, path)
    partner = env.ref("test_orm.f_partner")
    assert (partner.name, partner.city) == ("After", "Mons")


def test_function_unknown_method_names_line(env, tmp_path):
    path = write_xml(tmp_path, '<function model="res.partner" name="no_such_method"/>')
    with pytest.raises(ParseError, match=r"line 3, <function>: model 'res.partner' has no method 'no_such_method'"):
        load(env, path)


# -- errors -----------------------------------------------------------------------------------------
def test_malformed_xml_names_file_and_line(env, tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<odoo>\n<record id='x' model='res.partner'>\n</odoo>\n")
    with pytest.raises(ParseError, match=r"broken\.xml: invalid XML: .*line 3"):
        load(env, path)


def test_doctype_refused(env, tmp_path):
    path = tmp_path / "dtd.xml"
    path.write_text('<!DOCTYPE odoo [<!ENTITY e SYSTEM "file:///etc/passwd">]><odoo>&e;</odoo>')
    with pytest.raises(ParseError, match="DTD"):
        load(env, path)


def test_unknown_model_names_record(env, tmp_path):
    path = write_xml(tmp_path, '<record id="e_model" model="no.such.model"><field name="name">N</field></record>')
    with pytest.raises(ParseError, match=r"line 3, <record> of record test_orm\.e_model: unknown model 'no\.such\.model'"):
        load(env, path)


def test_unknown_field_names_line_and_record(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="e_field" model="res.partner">
            <field name="name">N</field>
            <field name="no_such_field">x</field>
        </record>""")
    with pytest.raises(ParseError) as info:
        load(env, path)
    assert info.value.line == line_of(path, "no_such_field")
    assert "unknown field 'no_such_field' on model 'res.partner'" in str(info.value)
    assert "record test_orm.e_field" in str(info.value)


def test_eval_syntax_error_names_line_and_record(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="e_eval" model="res.partner">
            <field name="name" eval="'unclosed"/>
        </record>""")
    with pytest.raises(ParseError) as info:
        load(env, path)
    assert info.value.line == line_of(path, "unclosed") and info.value.xml_id == "test_orm.e_eval"


def test_orm_error_names_record_and_rolls_back_the_element(env, tmp_path):
    path = write_xml(tmp_path, """
        <record id="e_ok" model="test.orm.constrained"><field name="name">Fine</field></record>
        <record id="e_orm" model="test.orm.constrained">
            <field name="name">Negative</field>
            <field name="amount">-5</field>
        </record>""")
    with pytest.raises(ParseError) as info:
        load(env, path)
    assert info.value.line == line_of(path, 'id="e_orm"') and info.value.xml_id == "test_orm.e_orm"
    assert "The amount cannot be negative." in str(info.value)
    # the failing element was rolled back in its savepoint; the transaction is still usable
    assert env["test.orm.constrained"].search_count([("name", "=", "Negative")]) == 0
    assert env.ref("test_orm.e_ok").name == "Fine"


def test_required_field_missing_names_record(env, tmp_path):
    path = write_xml(tmp_path, '<record id="e_required" model="test.orm.tag"><field name="color">1</field></record>')
    with pytest.raises(ParseError, match=r"record test_orm\.e_required: .*required"):
        load(env, path)


@pytest.mark.parametrize("element", ["<report id='r'/>", "<unknown/>"])
def test_unsupported_elements_refused(env, tmp_path, element):
    path = write_xml(tmp_path, element)
    with pytest.raises(ParseError, match="unsupported element"):
        load(env, path)


def test_unexpected_child_of_record_refused(env, tmp_path):
    path = write_xml(tmp_path, '<record id="e_child" model="res.partner"><value>x</value></record>')
    with pytest.raises(ParseError, match=r"unexpected element <value> in <record>"):
        load(env, path)


def test_unknown_value_type_refused(env, tmp_path):
    path = write_xml(tmp_path, '<record id="e_type" model="res.partner"><field name="name" type="yaml">x</field>'
                               '</record>')
    with pytest.raises(ParseError, match="unknown value type 'yaml'"):
        load(env, path)
