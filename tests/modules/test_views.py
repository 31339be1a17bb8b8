"""Views in the database (views.md §9-§10, orm.md API-16/17): choice of the default view, inheritance
resolution, arch validation, post-processing for a user, ``get_views`` and ``fields_view_get``.

Every view is created in the test with ``env['ir.ui.view'].create`` on the models of the
``test_orm`` addon (``test.orm.order`` with its lines, tags and partner; ``test.orm.secret`` with a
field of ``base.group_system``) and rolled back afterwards.
"""
import logging

import pytest
from lxml import etree

from bureau.exceptions import UserError, ValidationError

ORDER = "test.orm.order"
LINE = "test.orm.order.line"
ORDER_FORM = """
<form string="Order">
    <group name="main">
        <field name="name"/>
    </group>
</form>
"""


# -- helpers ------------------------------------------------------------------------------------
def make_view(env, name, arch, model=ORDER, **vals):
    return env["ir.ui.view"].create({"name": name, "model": model, "arch": arch, **vals})


def extend(env, parent, name, arch, **vals):
    return env["ir.ui.view"].create({"name": name, "inherit_id": parent.id, "arch": arch, **vals})


def add_field(name, where="main"):
    """An extension arch adding ``<field name=name>`` at the end of the group named ``where``."""
    return f'<group name="{where}" position="inside"><field name="{name}"/></group>'


def make_user(env, login, *group_xmlids):
    groups = [env.ref(xmlid).id for xmlid in group_xmlids]
    return env["res.users"].create({"name": login.title(), "login": login, "groups_id": [(6, 0, groups)]})


def arch_of(env, model=ORDER, view_type="form", view_id=False, user=None):
    target = env[model] if user is None else env[model].with_user(user)
    return etree.fromstring(target.get_views([[view_id, view_type]])["views"][view_type]["arch"])


def field_names(node, xpath=".//field[not(ancestor::field)]"):
    """Names of the ``field`` nodes ``xpath`` selects (default: those outside x2many sub-views)."""
    return [field.get("name") for field in node.xpath(xpath)]


@pytest.fixture
def internal_user(env):
    return make_user(env, "view_internal", "base.group_user")


@pytest.fixture
def system_user(env):
    return make_user(env, "view_system", "base.group_user", "base.group_system")


# -- choice of the default view -----------------------------------------------------------------
def test_default_view_is_the_primary_view_with_the_lowest_priority_then_name_then_id(env):
    make_view(env, "b late", ORDER_FORM, priority=20)
    make_view(env, "b early", ORDER_FORM, priority=10)
    first_a = make_view(env, "a early", ORDER_FORM, priority=10)
    make_view(env, "a early", ORDER_FORM, priority=10)
    views = env[ORDER].get_views([[False, "form"]])["views"]
    assert views["form"]["id"] == first_a.id


def test_default_view_ignores_extensions_and_views_of_groups_the_user_lacks(env, internal_user):
    base = make_view(env, "order form", ORDER_FORM, priority=16)
    extend(env, base, "order ext", add_field("discount"), priority=1)
    restricted = make_view(env, "order form for admins", ORDER_FORM, priority=5,
                           groups_id=[(6, 0, [env.ref("base.group_system").id])])
    assert env[ORDER].with_user(internal_user).get_views([[False, "form"]])["views"]["form"]["id"] == base.id
    system = make_user(env, "view_admin", "base.group_system")
    assert env[ORDER].with_user(system).get_views([[False, "form"]])["views"]["form"]["id"] == restricted.id


def test_requesting_an_extension_gives_its_nearest_primary_ancestor_combined(env):
    base = make_view(env, "order form", ORDER_FORM)
    ext = extend(env, base, "order ext", add_field("discount"))
    ext_of_ext = extend(env, ext, "order ext 2", add_field("state"))
    result = env[ORDER].get_views([[ext_of_ext.id, "form"]])["views"]["form"]
    assert result["id"] == base.id
    assert field_names(etree.fromstring(result["arch"])) == ["name", "discount", "state"]


def test_context_view_ref_picks_the_view_by_external_id(env):
    make_view(env, "order form", ORDER_FORM, priority=1)
    other = make_view(env, "other order form", '<form><field name="state"/></form>', priority=50)
    env["ir.model.data"]._update_xmlids([{"xml_id": "test_orm.view_other_order_form", "model": "ir.ui.view",
                                          "res_id": other.id}])
    result = env[ORDER].with_context(form_view_ref="test_orm.view_other_order_form").get_views([[False, "form"]])
    assert result["views"]["form"]["id"] == other.id


def test_a_view_of_another_model_or_type_is_refused(env):
    tag_form = make_view(env, "tag form", '<form><field name="name"/></form>', model="test.orm.tag")
    order_list = make_view(env, "order list", '<list><field name="name"/></list>')
    with pytest.raises(UserError, match="tag form"):
        env[ORDER].get_views([[tag_form.id, "form"]])
    with pytest.raises(UserError, match="order list"):
        env[ORDER].get_views([[order_list.id, "form"]])


# -- resolution ---------------------------------------------------------------------------------
def test_extensions_apply_by_priority_then_id_depth_first(env):
    """B (priority 5) then its child D, then A (priority 10) and its child C, then E (priority
    10, created after A): a child and its children come before the next sibling."""
    base = make_view(env, "order form", ORDER_FORM)
    view_a = extend(env, base, "A", add_field("date_order"), priority=10)
    view_b = extend(env, base, "B", add_field("discount"), priority=5)
    extend(env, view_a, "C", add_field("partner_id"), priority=20)
    extend(env, view_b, "D", add_field("state"), priority=30)
    extend(env, base, "E", add_field("tag_ids"), priority=10)
    assert field_names(arch_of(env)) == ["name", "discount", "state", "date_order", "partner_id", "tag_ids"]


def test_later_extensions_see_what_earlier_ones_added(env):
    base = make_view(env, "order form", ORDER_FORM)
    extend(env, base, "adds discount", add_field("discount"), priority=1)
    extend(env, base, "after discount", '<field name="discount" position="after"><field name="state"/></field>',
           priority=2)
    assert field_names(arch_of(env)) == ["name", "discount", "state"]


def test_primary_mode_child_starts_from_the_parent_combination_and_keeps_the_parent_unchanged(env):
    base = make_view(env, "order form", ORDER_FORM)
    extend(env, base, "base ext", add_field("discount"))
    variant = extend(env, base, "variant", add_field("state"), mode="primary", priority=32)
    extend(env, variant, "variant ext", add_field("date_order"))
    assert field_names(arch_of(env, view_id=variant.id)) == ["name", "discount", "state", "date_order"]
    assert field_names(arch_of(env)) == ["name", "discount"]
    assert env[ORDER].get_views([[False, "form"]])["views"]["form"]["id"] == base.id


def test_primary_mode_child_may_describe_another_model(env):
    base = make_view(env, "generic form", '<form><group name="main"><field name="name"/></group></form>')
    tag_form = extend(env, base, "tag form", add_field("color"), model="test.orm.tag", mode="primary")
    result = env["test.orm.tag"].get_views([[False, "form"]])
    assert result["views"]["form"]["id"] == tag_form.id
    assert field_names(etree.fromstring(result["views"]["form"]["arch"])) == ["name", "color"]
    assert set(result["models"]["test.orm.tag"]["fields"]) == {"name", "color"}


def test_inactive_extensions_are_not_applied(env):
    base = make_view(env, "order form", ORDER_FORM)
    extend(env, base, "inactive", add_field("discount"), active=False)
    assert field_names(arch_of(env)) == ["name"]


def test_extension_of_a_group_applies_only_to_its_members_and_takes_its_children_along(env, internal_user,
                                                                                       system_user):
    base = make_view(env, "order form", ORDER_FORM)
    admin_ext = extend(env, base, "admin ext", add_field("discount"),
                       groups_id=[(6, 0, [env.ref("base.group_system").id])])
    extend(env, admin_ext, "child of admin ext", add_field("state"))
    assert field_names(arch_of(env, user=internal_user)) == ["name"]
    assert field_names(arch_of(env, user=system_user)) == ["name", "discount", "state"]


def test_stale_extension_spec_is_skipped_and_logged_at_runtime(env, caplog):
    base = make_view(env, "order form", '<form><group name="main"><field name="name"/>'
                                        '<field name="state"/></group></form>')
    extend(env, base, "stale ext", '<data><field name="state" position="after"><field name="discount"/></field>'
                                   + add_field("date_order") + "</data>")
    with caplog.at_level(logging.WARNING):
        base.write({"arch": ORDER_FORM})        # the extension's first spec no longer applies
        arch = arch_of(env)
    assert field_names(arch) == ["name", "date_order"]
    assert "'stale ext'" in caplog.text and 'name="state"' in caplog.text


# -- validation ---------------------------------------------------------------------------------
def test_malformed_arch_is_refused_naming_the_view(env):
    with pytest.raises(ValidationError, match="View 'broken'.*Invalid view architecture"):
        make_view(env, "broken", "<form><field name='name'></form>")


def test_root_tag_must_match_the_view_type(env):
    with pytest.raises(ValidationError, match=r"View 'mismatch'.*root of a form view must be <form>, not <list>"):
        make_view(env, "mismatch", "<list><field name='name'/></list>", type="form")


def test_type_comes_from_the_arch_root_and_tree_is_stored_as_list(env):
    assert make_view(env, "legacy list", "<tree><field name='name'/></tree>").type == "list"
    assert make_view(env, "search", "<search><field name='name'/></search>").type == "search"


def test_extension_gets_its_parent_model_and_type_and_the_extension_mode(env):
    base = make_view(env, "order form", ORDER_FORM)
    ext = env["ir.ui.view"].create({"name": "ext", "inherit_id": base.id, "arch": add_field("discount")})
    assert (ext.mode, ext.model, ext.type) == ("extension", ORDER, "form")


def test_unknown_field_is_refused_naming_the_view_field_and_model(env):
    with pytest.raises(ValidationError, match="View 'typo'.*field 'nmae' does not exist in model 'test.orm.order'"):
        make_view(env, "typo", "<form><field name='nmae'/></form>")


def test_fields_of_sub_views_are_checked_against_the_comodel(env):
    make_view(env, "good", "<form><field name='line_ids'><list><field name='price'/></list></field></form>")
    with pytest.raises(ValidationError, match="field 'discount' does not exist in model 'test.orm.order.line'"):
        make_view(env, "bad", "<form><field name='line_ids'><list><field name='discount'/></list></field></form>")


def test_extension_whose_spec_cannot_be_located_is_refused_with_the_spec(env):
    base = make_view(env, "order form", ORDER_FORM)
    with pytest.raises(ValidationError) as info:
        extend(env, base, "lost ext", '<field name="state" position="after"><field name="discount"/></field>')
    message = str(info.value)
    assert "View 'lost ext'" in message
    assert '<field name="state" position="after">' in message and "cannot be located" in message


def test_extension_adding_an_unknown_field_is_refused(env):
    base = make_view(env, "order form", ORDER_FORM)
    with pytest.raises(ValidationError, match="field 'nope' does not exist"):
        extend(env, base, "bad ext", add_field("nope"))


def test_writing_a_broken_arch_on_an_extension_is_refused(env):
    base = make_view(env, "order form", ORDER_FORM)
    ext = extend(env, base, "ext", add_field("discount"))
    with pytest.raises(ValidationError, match="View 'ext'.*cannot be located"):
        ext.write({"arch": add_field("discount", where="missing")})


def test_inactive_extension_is_still_validated(env):
    base = make_view(env, "order form", ORDER_FORM)
    with pytest.raises(ValidationError, match="cannot be located"):
        extend(env, base, "inactive ext", add_field("discount", where="missing"), active=False)


def test_extension_mode_needs_a_parent_and_the_same_model(env):
    with pytest.raises(ValidationError, match="must inherit"):
        make_view(env, "orphan", ORDER_FORM, mode="extension")
    base = make_view(env, "order form", ORDER_FORM)
    with pytest.raises(ValidationError, match="model of the view it extends"):
        extend(env, base, "other model", add_field("color"), model="test.orm.tag")


def test_inheritance_cycles_are_refused(env):
    base = make_view(env, "order form", ORDER_FORM)
    ext = extend(env, base, "ext", add_field("discount"))
    with pytest.raises(ValidationError, match="recursion"):
        base.write({"inherit_id": ext.id, "mode": "primary"})


# -- post-processing ----------------------------------------------------------------------------
def test_nodes_of_groups_the_user_lacks_are_removed_and_groups_attributes_dropped(env, internal_user,
                                                                                  system_user):
    make_view(env, "order form", """
        <form>
            <group name="main" groups="base.group_user">
                <field name="name"/>
                <field name="discount" groups="base.group_system"/>
                <field name="state" groups="!base.group_system"/>
            </group>
            <button name="action_x" string="Admin" groups="base.group_system,base.group_erp_manager"/>
        </form>""")
    internal = arch_of(env, user=internal_user)
    assert field_names(internal) == ["name", "state"]
    assert internal.find("button") is None
    assert not internal.xpath("//*[@groups]")
    admin = arch_of(env, user=system_user)
    assert field_names(admin) == ["name", "discount"]
    assert admin.find("button").get("string") == "Admin"


def test_fields_the_user_cannot_read_are_removed_with_their_label_and_description(env, internal_user,
                                                                                  system_user):
    make_view(env, "secret form", '<form><group><label for="code"/><field name="code"/>'
                                  '<field name="name"/></group></form>', model="test.orm.secret")
    result = env["test.orm.secret"].with_user(internal_user).get_views([[False, "form"]])
    arch = etree.fromstring(result["views"]["form"]["arch"])
    assert field_names(arch) == ["name"] and arch.find(".//label") is None
    assert set(result["models"]["test.orm.secret"]["fields"]) == {"name"}
    admin = arch_of(env, "test.orm.secret", user=system_user)
    assert field_names(admin) == ["code", "name"] and admin.find(".//label").get("for") == "code"


def test_root_flags_follow_the_access_rights_of_the_user(env, internal_user):
    make_view(env, "secret form", '<form><field name="name"/></form>', model="test.orm.secret")
    make_view(env, "secret list", '<list create="true"><field name="name"/></list>', model="test.orm.secret")
    form = arch_of(env, "test.orm.secret", user=internal_user)
    assert form.get("delete") == "false"          # the module grants read, write and create only
    assert form.get("create") is None and form.get("edit") is None
    assert arch_of(env, "test.orm.secret", "list", user=internal_user).get("delete") == "false"
    no_rights = make_user(env, "view_no_rights")
    with_nothing = arch_of(env, "test.orm.secret", "list", user=no_rights)
    assert [with_nothing.get(flag) for flag in ("create", "edit", "delete")] == ["false"] * 3


def test_on_change_marks_onchange_fields_and_dependencies_of_computed_fields_shown(env):
    make_view(env, "order form", '<form><field name="name"/><field name="date_order"/><field name="discount"/>'
                                 '<field name="total_with_tax"/></form>')
    make_view(env, "order list", '<list><field name="name"/><field name="discount"/></list>')
    flagged = {node.get("name") for node in arch_of(env).iter("field") if node.get("on_change") == "1"}
    assert flagged == {"date_order", "discount"}     # @api.onchange; total_with_tax depends on discount
    listed = arch_of(env, view_type="list")
    assert listed.find("field[@name='discount']").get("on_change") is None    # no dependant in the list


def test_external_id_references_in_attributes_are_resolved(env):
    make_view(env, "order form", '<form><field name="name"/><button name="%(base.group_user)d" type="action" '
                                 'context="{\'group\': %(base.group_system)d}"/></form>')
    button = arch_of(env).find("button")
    assert button.get("name") == str(env.ref("base.group_user").id)
    assert button.get("context") == "{'group': %d}" % env.ref("base.group_system").id


def test_labels_and_text_are_translated_to_the_user_language(env, monkeypatch):
    from bureau.tools import translate
    monkeypatch.setitem(translate.CATALOGUES, "fr_FR", {"Order": "Commande", "Reference": "Référence",
                                                        "Notes": "Remarques"})
    make_view(env, "order form", '<form string="Order"><field name="name" string="Reference"/>'
                                 '<separator string="Notes"/><label for="name"> Notes </label></form>')
    arch = arch_of(env[ORDER].with_context(lang="fr_FR").env)
    assert arch.get("string") == "Commande" and arch.find("field").get("string") == "Référence"
    assert arch.find("separator").get("string") == "Remarques" and arch.find("label").text == " Remarques "
    assert arch_of(env).get("string") == "Order"


def test_x2many_without_sub_views_gets_the_comodel_default_list_and_form(env):
    make_view(env, "line list", '<list><field name="name"/><field name="price"/></list>', model=LINE)
    make_view(env, "order form", '<form><field name="name"/><field name="line_ids"/>'
                                 '<field name="tag_ids" widget="many2many_tags"/></form>')
    result = env[ORDER].get_views([[False, "form"]])
    arch = etree.fromstring(result["views"]["form"]["arch"])
    lines = arch.find("field[@name='line_ids']")
    assert [child.tag for child in lines] == ["list", "form"]
    assert field_names(lines, "list/field") == ["name", "price"]
    assert "order_id" in field_names(lines, "form//field")        # generated: the line has no form view
    assert len(arch.find("field[@name='tag_ids']")) == 0          # tags need no sub-view
    line_fields = result["models"][LINE]["fields"]
    assert {"name", "price", "order_id", "quantity"} <= set(line_fields)
    assert "order_partner_id" not in line_fields                   # not stored: not in the generated form


def test_x2many_with_its_own_list_only_gets_the_missing_form(env):
    make_view(env, "order form", '<form><field name="line_ids" mode="list"><list editable="bottom">'
                                 '<field name="price"/></list></field></form>')
    lines = arch_of(env).find("field[@name='line_ids']")
    assert [child.tag for child in lines] == ["list", "form"]
    assert field_names(lines, "list/field") == ["price"]


def test_inlined_sub_views_are_not_inlined_again(env):
    """The order form inlines the default form of child orders, whose own x2many stay bare."""
    make_view(env, "order form", '<form><field name="name"/><field name="child_ids"/></form>')
    children = arch_of(env).find("field[@name='child_ids']")
    sub_form = children.find("form")
    assert sub_form is not None
    assert all(len(node) == 0 for node in sub_form.iter("field"))


# -- get_views and fields_view_get --------------------------------------------------------------
def test_get_views_shape_with_toolbar_and_filters(env):
    form = make_view(env, "order form", '<form><field name="name"/><field name="partner_id"/>'
                                        '<field name="line_ids"><list><field name="price"/></list></field></form>')
    search = make_view(env, "order search", '<search><field name="state"/><filter name="draft" string="Draft" '
                                            'domain="[(\'state\', \'=\', \'draft\')]"/></search>')
    result = env[ORDER].get_views([[False, "list"], [False, "form"], [False, "search"]],
                                  {"toolbar": True, "load_filters": True})
    assert set(result) == {"views", "models"}
    views = result["views"]
    assert set(views) == {"list", "form", "search"}
    assert set(views["form"]) == {"arch", "id", "model", "toolbar"}
    assert views["form"]["id"] == form.id and views["form"]["model"] == ORDER
    assert views["list"]["id"] is False                                # generated
    assert views["list"]["toolbar"] == {"print": [], "action": []}
    assert set(views["search"]) == {"arch", "id", "model", "filters"}
    assert views["search"]["id"] == search.id and views["search"]["filters"] == []
    assert set(result["models"]) == {ORDER, LINE}
    assert set(result["models"][ORDER]["fields"]) == {"name", "partner_id", "line_ids", "state"}
    assert set(result["models"][LINE]["fields"]) >= {"price"}
    assert result["models"][ORDER]["fields"]["line_ids"]["relation"] == LINE
    plain = env[ORDER].get_views([[False, "form"]])
    assert "toolbar" not in plain["views"]["form"]


def test_fields_view_get_has_the_legacy_shape_with_sub_views_in_fields(env):
    form = make_view(env, "order form", '<form><field name="name"/>'
                                        '<field name="line_ids"><tree><field name="price"/></tree></field></form>')
    result = env[ORDER].fields_view_get(view_type="form", toolbar=True)
    assert set(result) == {"model", "type", "view_id", "name", "arch", "fields", "field_parent", "toolbar"}
    assert (result["model"], result["type"], result["view_id"], result["name"]) == (ORDER, "form", form.id,
                                                                                   "order form")
    assert result["field_parent"] is False
    assert result["toolbar"] == {"print": [], "action": [], "relate": []}
    assert set(result["fields"]) == {"name", "line_ids"}
    sub_views = result["fields"]["line_ids"]["views"]
    assert set(sub_views) == {"tree", "form"}
    assert set(sub_views["tree"]) == {"arch", "fields"}
    assert etree.fromstring(sub_views["tree"]["arch"]).tag == "tree"
    assert set(sub_views["tree"]["fields"]) == {"price"}
    assert sub_views["tree"]["fields"]["price"]["type"] == "float"
    arch = etree.fromstring(result["arch"])
    assert len(arch.find("field[@name='line_ids']")) == 0             # sub-views are not left in the arch
    assert "toolbar" not in env[ORDER].fields_view_get(view_type="form")


def test_fields_view_get_of_a_generated_view(env):
    result = env[ORDER].fields_view_get(view_type="tree")
    assert (result["view_id"], result["name"], result["type"]) == (False, "default", "tree")
    assert result["arch"] == '<tree><field name="name"/></tree>'
    assert set(result["fields"]) == {"name"}


def test_toolbar_lists_bound_actions_and_reports_for_the_view_type(env, internal_user):
    model_id = env["ir.model"].search([("model", "=", ORDER)]).id
    for_forms = env["ir.actions.act_window"].create({
        "name": "Open lines", "res_model": LINE, "binding_model_id": model_id, "binding_view_types": "form"})
    everywhere = env["ir.actions.server"].create({
        "name": "Recompute", "model_id": model_id, "binding_model_id": model_id, "binding_view_types": "list,form",
        "code": "records.write({})"})
    report = env["ir.actions.report"].create({
        "name": "Order sheet", "model": ORDER, "report_name": "test_orm.order_sheet", "binding_model_id": model_id,
        "binding_type": "report", "binding_view_types": "list"})
    env["ir.actions.server"].create({
        "name": "Admins only", "model_id": model_id, "binding_model_id": model_id, "code": "",
        "groups_id": [(6, 0, [env.ref("base.group_system").id])]})
    env["ir.actions.act_window"].create({"name": "Not bound", "res_model": ORDER})
    views = env[ORDER].with_user(internal_user).get_views([[False, "list"], [False, "form"]],
                                                           {"toolbar": True})["views"]
    form_toolbar, list_toolbar = views["form"]["toolbar"], views["list"]["toolbar"]
    assert [action["id"] for action in form_toolbar["action"]] == [for_forms.id, everywhere.id]
    assert form_toolbar["print"] == []
    assert [action["id"] for action in list_toolbar["action"]] == [everywhere.id]
    assert [action["id"] for action in list_toolbar["print"]] == [report.id]
    entry = form_toolbar["action"][0]
    assert (entry["name"], entry["type"], entry["binding_view_types"], entry["res_model"]) == \
        ("Open lines", "ir.actions.act_window", "form", LINE)


# -- generated default views --------------------------------------------------------------------
def test_generated_form_lists_the_stored_non_magic_fields_in_a_group(env):
    arch = arch_of(env, view_type="form")
    assert arch.tag == "form" and arch[0].tag == "group"
    names = field_names(arch[0], "field")
    assert {"name", "partner_id", "line_ids", "discount", "total"} <= set(names)
    assert not {"id", "create_uid", "write_date", "display_name", "shown_total"} & set(names)


def test_generated_list_and_search_use_the_rec_name_or_id(env):
    assert etree.tostring(arch_of(env, view_type="list")) == b'<list><field name="name"/></list>'
    assert etree.tostring(arch_of(env, view_type="search")) == b'<search><field name="name"/></search>'
    assert etree.tostring(arch_of(env, "test.orm.nameless", "list")) == b'<list><field name="id"/></list>'


def test_no_view_of_a_type_that_cannot_be_generated_is_a_user_error(env):
    with pytest.raises(UserError, match="calendar"):
        env[ORDER].get_views([[False, "calendar"]])


def test_fields_named_by_root_attributes_are_described(env):
    """A calendar's date_start/date_stop/color and a kanban's default_group_by need descriptions
    although they are attributes, not ``field`` nodes."""
    make_view(env, "order calendar", '<calendar date_start="date_order" color="partner_id">'
                                     '<field name="name"/></calendar>')
    make_view(env, "order kanban", '<kanban default_group_by="state"><progressbar field="state" '
                                   'colors="{}"/><templates><t t-name="card"><field name="name"/></t>'
                                   '</templates></kanban>')
    result = env[ORDER].get_views([[False, "calendar"], [False, "kanban"]])
    assert set(result["models"][ORDER]["fields"]) == {"name", "date_order", "partner_id", "state"}
