"""Applying inheriting arches (views.md §9) with ``bureau.tools.view_inheritance``: no database.

Arches are compared after serialisation; the helpers strip indentation so that the expected
results read like the arches in data files.
"""
import logging

import pytest
from lxml import etree

from bureau.exceptions import ValidationError
from bureau.tools.view_inheritance import (InheritanceError, InvalidArch, apply_inheritance_specs, locate_node,
                                           parse_arch)

BASE = """
<form string="Order">
    <sheet>
        <group name="main">
            <field name="name"/>
            <field name="partner_id"/>
        </group>
        <notebook>
            <page string="Lines" name="lines">
                <field name="line_ids">
                    <list><field name="name"/><field name="price"/></list>
                </field>
            </page>
            <page string="Notes" name="notes" invisible="state == 'done'" class="o_notes wide">
                <field name="note"/>
            </page>
        </notebook>
    </sheet>
</form>
"""


def compact(arch):
    """``arch`` (text or element) re-serialised without whitespace between elements."""
    if not isinstance(arch, str):
        arch = etree.tostring(arch, encoding="unicode")
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(arch, parser), encoding="unicode")


def apply(spec, source=BASE, **kwargs):
    return compact(apply_inheritance_specs(parse_arch(source), parse_arch(spec), **kwargs))


def names(arch, tag="field"):
    root = etree.fromstring(arch) if isinstance(arch, str) else arch
    return [node.get("name") for node in root.iter(tag)]


# -- positions ----------------------------------------------------------------------------------
def test_inside_is_the_default_position_and_appends_children_in_order():
    result = apply('<group name="main"><field name="ref"/><field name="date"/></group>')
    assert names(result)[:4] == ["name", "partner_id", "ref", "date"]


def test_after_inserts_the_children_right_after_the_node_in_order():
    result = apply('<field name="name" position="after"><field name="ref"/><field name="date"/></field>')
    assert names(result)[:4] == ["name", "ref", "date", "partner_id"]


def test_before_inserts_the_children_right_before_the_node_in_order():
    result = apply('<field name="partner_id" position="before"><field name="ref"/><field name="date"/></field>')
    assert names(result)[:4] == ["name", "ref", "date", "partner_id"]


def test_after_the_last_child_keeps_the_parent_tail_text():
    result = apply_inheritance_specs(parse_arch("<form><group><field name='a'/>tail</group>after</form>"),
                                     parse_arch("<field name='a' position='after'><field name='b'/></field>"))
    assert etree.tostring(result, encoding="unicode") == \
        '<form><group><field name="a"/><field name="b"/>tail</group>after</form>'


def test_replace_substitutes_the_children_for_the_node():
    result = apply('<field name="partner_id" position="replace"><field name="user_id"/><field name="ref"/></field>')
    assert names(result)[:3] == ["name", "user_id", "ref"]
    assert "partner_id" not in names(result)


def test_replace_with_no_children_removes_the_node_but_not_the_following_text():
    result = apply_inheritance_specs(parse_arch("<form><field name='a'/>text<field name='b'/></form>"),
                                     parse_arch("<field name='a' position='replace'/>"))
    assert etree.tostring(result, encoding="unicode") == '<form>text<field name="b"/></form>'


def test_replace_dollar_zero_wraps_a_copy_of_the_replaced_node():
    result = apply('<field name="partner_id" position="replace">'
                   '<div class="o_row">$0</div><field name="ref"/></field>')
    assert '<div class="o_row"><field name="partner_id"/></div><field name="ref"/>' in result


def test_replace_dollar_zero_in_a_nested_element_of_the_new_content():
    result = apply('<field name="name" position="replace"><div><h1>$0</h1></div></field>')
    assert '<div><h1><field name="name"/></h1></div>' in result
    assert "$0" not in result


def test_replace_of_the_root_makes_the_first_element_of_the_spec_the_new_root():
    result = apply('<form position="replace"><form string="Other"><field name="ref"/></form></form>')
    assert result == '<form string="Other"><field name="ref"/></form>'


def test_replace_of_the_root_with_dollar_zero_keeps_the_old_root_inside():
    result = apply('<form position="replace"><form string="Wrapper"><div>$0</div></form></form>',
                   source="<form><field name='a'/></form>")
    assert result == '<form string="Wrapper"><div><form><field name="a"/></form></div></form>'


def test_replace_mode_inner_replaces_only_the_children():
    result = apply('<page name="notes" position="replace" mode="inner"><field name="comment"/></page>')
    page = etree.fromstring(result).find(".//page[@name='notes']")
    assert page.get("string") == "Notes" and page.get("invisible") == "state == 'done'"
    assert names(page) == ["comment"]


def test_invalid_position_is_refused():
    with pytest.raises(InheritanceError, match="Invalid position 'around'"):
        apply('<field name="name" position="around"><field name="ref"/></field>')


def test_siblings_of_the_root_are_refused():
    with pytest.raises(InheritanceError, match="root"):
        apply('<form position="after"><form/></form>')


# -- attributes ---------------------------------------------------------------------------------
def test_attributes_sets_and_replaces_values():
    result = apply('<field name="name" position="attributes"><attribute name="required">1</attribute>'
                   '<attribute name="string">Reference</attribute></field>')
    node = etree.fromstring(result).find(".//field[@name='name']")
    assert node.get("required") == "1" and node.get("string") == "Reference"


def test_attributes_with_an_empty_value_removes_the_attribute():
    result = apply('<page name="notes" position="attributes"><attribute name="invisible"/></page>')
    assert etree.fromstring(result).find(".//page[@name='notes']").get("invisible") is None


def test_attributes_add_and_remove_items_of_a_comma_separated_list():
    source = '<form><field name="a" groups="base.group_user,base.group_system"/></form>'
    result = apply('<field name="a" position="attributes">'
                   '<attribute name="groups" add="base.group_erp_manager" remove="base.group_user"/></field>',
                   source=source)
    assert etree.fromstring(result)[0].get("groups") == "base.group_system,base.group_erp_manager"


def test_attributes_with_a_space_separator_squash_spaces():
    result = apply('<page name="notes" position="attributes">'
                   '<attribute name="class" add="o_extra" remove="wide" separator=" "/></page>')
    assert etree.fromstring(result).find(".//page[@name='notes']").get("class") == "o_notes o_extra"


def test_attributes_separator_and_combines_expressions():
    result = apply('<page name="notes" position="attributes">'
                   '<attribute name="invisible" add="not partner_id" separator="and"/></page>')
    node = etree.fromstring(result).find(".//page[@name='notes']")
    assert node.get("invisible") == "(state == 'done') and (not partner_id)"


def test_attributes_separator_or_combines_and_removes_operands():
    source = """<form><field name="a" readonly="state == 'done' or locked"/></form>"""
    result = apply('<field name="a" position="attributes">'
                   '<attribute name="readonly" add="partner_id and x" remove="locked" separator="or"/></field>',
                   source=source)
    assert etree.fromstring(result)[0].get("readonly") == "(state == 'done') or (partner_id and x)"


def test_attributes_expression_remove_compares_normalised_code_and_drops_neutral_literals():
    source = """<form><field name="a" invisible="(state=='done') and (not active)"/><field name="b" invisible="1"/></form>"""
    result = apply('<data><field name="a" position="attributes">'
                   '<attribute name="invisible" remove="state == &quot;done&quot;" separator="and"/></field>'
                   '<field name="b" position="attributes"><attribute name="invisible" add="x" separator="and"/>'
                   '</field></data>', source=source)
    root = etree.fromstring(result)
    assert root[0].get("invisible") == "not active"
    assert root[1].get("invisible") == "x"


def test_attribute_with_both_a_value_and_add_is_refused():
    with pytest.raises(InheritanceError, match="add/remove"):
        apply('<field name="name" position="attributes"><attribute name="class" add="x">y</attribute></field>')


# -- move ---------------------------------------------------------------------------------------
def test_move_takes_the_existing_node_instead_of_a_copy():
    result = apply('<field name="name" position="before"><field name="partner_id" position="move"/></field>')
    assert names(result)[:2] == ["partner_id", "name"]
    assert names(result).count("partner_id") == 1


def test_move_works_inside_and_after_and_with_xpath_locators():
    result = apply('<data><page name="notes" position="inside"><field name="name" position="move"/></page>'
                   '<xpath expr="//field[@name=\'note\']" position="after">'
                   '<xpath expr="//group[@name=\'main\']" position="move"/></xpath></data>')
    page = etree.fromstring(result).find(".//page[@name='notes']")
    assert [child.tag for child in page] == ["field", "group", "field"]
    assert names(page) == ["note", "partner_id", "name"]


def test_move_of_a_missing_node_is_refused():
    with pytest.raises(InheritanceError, match="cannot be located"):
        apply('<field name="name" position="after"><field name="missing" position="move"/></field>')


def test_move_with_children_is_refused():
    with pytest.raises(InheritanceError, match="moved node"):
        apply('<field name="name" position="after"><field name="partner_id" position="move"><x/></field></field>')


# -- locators -----------------------------------------------------------------------------------
def test_xpath_locator_uses_the_first_match():
    result = apply('<xpath expr="//page" position="attributes"><attribute name="string">First</attribute></xpath>')
    assert [page.get("string") for page in etree.fromstring(result).iter("page")] == ["First", "Notes"]


def test_field_locator_matches_the_first_field_in_document_order_even_inside_a_sub_view():
    source = "<form><field name='line_ids'><list><field name='name'/></list></field><field name='name'/></form>"
    result = apply('<field name="name" position="attributes"><attribute name="string">X</attribute></field>',
                   source=source)
    assert etree.fromstring(result).find("field/list/field").get("string") == "X"


def test_field_locator_ignores_other_attributes_of_the_spec():
    spec = parse_arch('<field name="partner_id" widget="other" position="after"/>')
    assert locate_node(parse_arch(BASE), spec).get("name") == "partner_id"


def test_element_locator_needs_every_attribute_equal_except_position():
    arch = parse_arch(BASE)
    assert locate_node(arch, parse_arch('<page string="Notes" position="inside"/>')).get("name") == "notes"
    assert locate_node(arch, parse_arch('<page string="Notes" name="lines"/>')) is None
    assert locate_node(arch, parse_arch('<notebook/>')).tag == "notebook"


def test_element_locator_ignores_the_mode_of_a_replace_spec():
    result = apply('<page name="lines" position="replace" mode="inner"><field name="x"/></page>')
    assert names(etree.fromstring(result).find(".//page[@name='lines']")) == ["x"]


def test_root_element_can_be_located():
    result = apply('<form position="attributes"><attribute name="create">false</attribute></form>')
    assert etree.fromstring(result).get("create") == "false"


def test_invalid_xpath_is_refused_with_the_expression():
    with pytest.raises(InheritanceError, match=r"Invalid XPath expression '//field\[@name='"):
        apply('<xpath expr="//field[@name=" position="inside"/>')


# -- several specs, failures --------------------------------------------------------------------
def test_specs_apply_in_order_each_on_the_result_of_the_previous():
    result = apply('<data>'
                   '<field name="name" position="after"><field name="ref"/></field>'
                   '<field name="ref" position="after"><field name="date"/></field>'
                   '<data><field name="date" position="attributes"><attribute name="string">D</attribute></field></data>'
                   '</data>')
    assert names(result)[:4] == ["name", "ref", "date", "partner_id"]
    assert etree.fromstring(result).find(".//field[@name='date']").get("string") == "D"


def test_spec_that_cannot_be_located_raises_naming_the_spec():
    with pytest.raises(InheritanceError) as info:
        apply('<field name="nope" position="after"><field name="x"/></field>', view_label="View 'ext' (id 7)")
    assert str(info.value) == ("View 'ext' (id 7): Element <field name=\"nope\" position=\"after\"> "
                               "cannot be located in parent view")
    assert info.value.spec == '<field name="nope" position="after">'
    assert isinstance(info.value, ValidationError)


def test_non_strict_application_skips_and_logs_a_failing_spec_and_applies_the_rest(caplog):
    with caplog.at_level(logging.WARNING, logger="bureau.tools.view_inheritance"):
        result = apply('<data><field name="nope" position="after"><field name="x"/></field>'
                       '<field name="name" position="after"><field name="ref"/></field></data>',
                       strict=False, view_label="View 'stale'")
    assert names(result)[:3] == ["name", "ref", "partner_id"]
    assert "View 'stale'" in caplog.text and 'name="nope"' in caplog.text


def test_the_spec_tree_is_left_untouched():
    spec = parse_arch('<field name="name" position="after"><field name="ref"/></field>')
    before = etree.tostring(spec)
    apply_inheritance_specs(parse_arch(BASE), spec)
    apply_inheritance_specs(parse_arch(BASE), spec)
    assert etree.tostring(spec) == before


def test_comments_in_the_spec_are_not_specs():
    result = apply('<data><!-- a comment --><field name="name" position="after"><field name="ref"/></field></data>')
    assert names(result)[:2] == ["name", "ref"]


# -- parsing ------------------------------------------------------------------------------------
def test_parse_refuses_malformed_xml():
    with pytest.raises(InvalidArch, match="Invalid view architecture"):
        parse_arch("<form><field name='a'></form>")


def test_parse_refuses_entity_declarations():
    evil = ('<?xml version="1.0"?><!DOCTYPE form [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<form string="&x;"/>')
    with pytest.raises(InvalidArch):
        parse_arch(evil)


def test_parse_refuses_an_empty_arch():
    with pytest.raises(InvalidArch):
        parse_arch("  ")
