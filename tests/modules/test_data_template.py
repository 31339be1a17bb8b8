"""``<template>`` in XML data files: QWeb views (modules.md XML-9).

Small files written to ``tmp_path`` are loaded into the rolled-back ``env`` as data of ``test_orm``.
"""
import pytest
from lxml import etree

from bureau.modules.data_xml import ParseError, load_xml

MODULE = "test_orm"

HELLO = '<template id="tpl_hello" name="Hello card"><p class="hello">Hello <t t-esc="name"/></p></template>'


def write_xml(tmp_path, body, name="templates.xml"):
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<odoo>\n{body}\n</odoo>\n')
    return path


def load(env, path, mode="init"):
    load_xml(env, MODULE, path, mode=mode)


def combined(view):
    return etree.tostring(view._combined_arch(), encoding="unicode")


def test_template_becomes_a_qweb_view_named_after_its_external_id(env, tmp_path):
    load(env, write_xml(tmp_path, HELLO))
    view = env.ref("test_orm.tpl_hello")
    assert view._name == "ir.ui.view"
    assert (view.type, view.mode, view.name, view.key) == ("qweb", "primary", "Hello card", "test_orm.tpl_hello")
    assert not view.model and not view.inherit_id and view.priority == 16 and view.active
    assert view.arch == '<t t-name="test_orm.tpl_hello"><p class="hello">Hello <t t-esc="name"/></p></t>'


def test_template_without_name_is_named_by_its_id(env, tmp_path):
    load(env, write_xml(tmp_path, '<template id="tpl_bare"><div/></template>'))
    view = env.ref("test_orm.tpl_bare")
    assert view.name == "tpl_bare" and view.arch == '<t t-name="test_orm.tpl_bare"><div/></t>'


def test_inheriting_template_extends_its_parent(env, tmp_path):
    body = HELLO + '''
    <template id="tpl_hello_bye" inherit_id="tpl_hello" priority="20">
        <xpath expr="//p[@class='hello']" position="after"><p>Bye</p></xpath>
    </template>'''
    load(env, write_xml(tmp_path, body))
    parent, child = env.ref("test_orm.tpl_hello"), env.ref("test_orm.tpl_hello_bye")
    assert (child.type, child.mode, child.inherit_id, child.priority) == ("qweb", "extension", parent, 20)
    assert child.arch.startswith("<data>") and "t-name" not in child.arch
    assert combined(parent) == ('<t t-name="test_orm.tpl_hello"><p class="hello">Hello <t t-esc="name"/></p>'
                                '<p>Bye</p></t>')


def test_primary_template_is_a_new_template_from_its_parent(env, tmp_path):
    body = HELLO + '''
    <template id="tpl_hello_copy" inherit_id="tpl_hello" primary="True">
        <xpath expr="//p" position="inside">!</xpath>
    </template>'''
    load(env, write_xml(tmp_path, body))
    parent, copy = env.ref("test_orm.tpl_hello"), env.ref("test_orm.tpl_hello_copy")
    assert copy.mode == "primary" and copy.inherit_id == parent
    assert combined(copy) == '<t t-name="test_orm.tpl_hello_copy"><p class="hello">Hello <t t-esc="name"/>!</p></t>'
    assert combined(parent) == '<t t-name="test_orm.tpl_hello"><p class="hello">Hello <t t-esc="name"/></p></t>'


def test_template_groups_and_active(env, tmp_path):
    body = '<template id="tpl_admin" groups="base.group_system,base.group_erp_manager" active="False"><b/></template>'
    load(env, write_xml(tmp_path, body))
    view = env.ref("test_orm.tpl_admin")
    assert view.groups_id == env.ref("base.group_system") + env.ref("base.group_erp_manager")
    assert not view.active


def test_upgrade_rewrites_the_template_but_keeps_its_active_flag(env, tmp_path):
    load(env, write_xml(tmp_path, '<template id="tpl_up" active="False"><i>v1</i></template>'))
    view = env.ref("test_orm.tpl_up")
    view.active = True
    load(env, write_xml(tmp_path, '<template id="tpl_up" active="False"><i>v2</i></template>'), mode="update")
    assert view.arch == '<t t-name="test_orm.tpl_up"><i>v2</i></t>' and view.active


def test_xml_id_references_in_templates_are_resolved(env, tmp_path):
    body = '<template id="tpl_ref"><a t-att-href="\'/web#action=%(base.group_user)d\'"/></template>'
    load(env, write_xml(tmp_path, body))
    assert str(env.ref("base.group_user").id) in env.ref("test_orm.tpl_ref").arch


def test_template_errors_name_the_file_and_line(env, tmp_path):
    with pytest.raises(ParseError, match=r"templates.xml, line 4, <template>: <template> needs an id"):
        load(env, write_xml(tmp_path, '<template id="tpl_ok"><b/></template>\n<template><b/></template>'))
    path = write_xml(tmp_path, '<template id="tpl_bad" inherit_id="tpl_missing"><xpath expr="//b"/></template>')
    with pytest.raises(ParseError, match=r"line 3, .* of record test_orm.tpl_bad: External ID not found.*tpl_missing"):
        load(env, path)
