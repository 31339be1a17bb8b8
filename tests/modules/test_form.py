"""``bureau.tests.Form``: a test fills a form view as the desktop client would (modules.md TEST-5).

The views are created by each test on ``test.orm.order`` (see tests/orm/test_onchange.py for its
onchange methods: ``date_order`` names the order, ``partner_id`` gives companies a discount of 60
and warns about customers without email, ``parent_id`` copies the parent's lines).
"""
import pytest

from bureau import Command
from bureau.tests import Form

ORDER = "test.orm.order"

MODERN = """
<form>
  <header><field name="state"/></header>
  <sheet>
    <group>
      <field name="name"/>
      <field name="date_order"/>
      <field name="partner_id" required="discount > 0"/>
      <field name="discount" readonly="state != 'draft'"/>
      <field name="parent_id" invisible="state != 'draft'"/>
      <field name="tag_ids" widget="many2many_tags"/>
      <field name="tag_names"/>
      <field name="total"/>
      <field name="total_with_tax"/>
    </group>
    <field name="line_ids">
      <list><field name="name"/><field name="price"/><field name="quantity"/><field name="subtotal"/></list>
      <form>
        <field name="name"/><field name="price"/><field name="quantity"/><field name="subtotal"/>
        <field name="order_partner_id"/>
      </form>
    </field>
  </sheet>
</form>
"""

LEGACY = """
<form>
  <field name="name"/>
  <field name="state"/>
  <field name="discount" attrs="{'readonly': [('state', '=', 'confirmed')]}"/>
  <field name="partner_id" states="draft"/>
  <field name="date_order" attrs="{'required': [('partner_id', '!=', False)],
                                   'invisible': ['|', ('name', '=like', 'HID%'), ('discount', '&gt;', 90)]}"/>
  <field name="line_ids"/>
</form>
"""


def make_view(env, arch, name="order form test", priority=1, **values):
    return env["ir.ui.view"].create({"name": name, "model": ORDER, "arch": arch, "priority": priority, **values})


@pytest.fixture
def view(env):
    return make_view(env, MODERN)


@pytest.fixture
def partners(env):
    Partner = env["res.partner"]
    return Partner.create({"name": "FT Corp", "is_company": True, "email": "corp@example.com"}), \
        Partner.create({"name": "FT Quiet"})


@pytest.fixture
def order(env):
    return env[ORDER].create({"name": "FT-1", "line_ids": [
        Command.create({"name": "a", "price": 10.0, "quantity": 2.0}),
        Command.create({"name": "b", "price": 1.0, "quantity": 1.0}),
    ]})


# -- new records -----------------------------------------------------------------------------------
def test_new_form_has_the_defaults_and_save_creates_the_record(env, view, partners):
    _corp, quiet = partners
    form = Form(env[ORDER].with_context(default_discount=2.0))
    assert form.state == "draft" and form.discount == 2.0 and form.total_with_tax == -2.4
    form.name = "FT-new"
    form.partner_id = quiet
    record = form.save()
    assert record.name == "FT-new" and record.discount == 2.0 and record.state == "draft"
    assert record.partner_id == quiet
    assert form.record == record


def test_setting_a_field_runs_its_onchange(env, view, partners):
    corp, quiet = partners
    form = Form(env[ORDER])
    form.date_order = "2024-05-06 08:00:00"
    assert form.name == "Order of 2024-05-06"
    form.partner_id = corp
    assert form.discount == 60.0 and form.total_with_tax == -72.0
    assert form._warnings == []
    form.partner_id = quiet
    assert form._warnings[-1]["title"] == "No email"
    order = form.save()
    assert (order.name, order.discount, order.partner_id) == ("Order of 2024-05-06", 60.0, quiet)


def test_context_manager_saves_on_exit(env, view):
    with Form(env[ORDER]) as form:
        form.name = "FT-with"
    assert env[ORDER].search([("name", "=", "FT-with")]) == form.record


# -- lines -----------------------------------------------------------------------------------------
def test_lines_added_through_sub_forms_follow_their_onchanges_and_the_totals(env, view):
    form = Form(env[ORDER])
    form.name = "FT-lines"
    with form.line_ids.new() as line:
        assert line.quantity == 1.0                      # the line's default
        line.name = "first"
        line.price = 3.0
        assert line.subtotal == 3.0                      # the line's own onchange
        line.quantity = 2.0
    assert form.total == 6.0 and len(form.line_ids) == 1
    with form.line_ids.new() as line:
        line.price = 4.0
    assert form.total == 10.0 and form.line_ids[1].subtotal == 4.0
    order = form.save()
    assert order.line_ids.mapped("subtotal") == [6.0, 4.0] and order.total == 10.0


def test_line_sub_form_sees_the_values_of_its_parent_form(env, view, partners):
    _corp, quiet = partners
    form = Form(env[ORDER])
    form.name, form.partner_id = "FT-parent", quiet
    with form.line_ids.new() as line:
        assert line.order_partner_id == quiet
        with pytest.raises(AssertionError, match="readonly field order_partner_id"):
            line.order_partner_id = False
        line.price = 1.0
    assert form.save().line_ids.order_partner_id == quiet


def test_lines_of_an_existing_record_are_edited_and_removed(env, view, order):
    first, second = order.line_ids
    form = Form(order)
    assert len(form.line_ids) == 2 and form.total == 21.0
    with form.line_ids.edit(0) as line:
        assert line.price == 10.0
        line.price = 5.0
    assert form.total == 11.0
    form.line_ids.remove(1)
    assert form.total == 10.0
    assert order.line_ids == first + second and second.exists()      # nothing saved yet
    form.save()
    assert order.line_ids == first and not second.exists()
    assert first.price == 5.0 and order.total == 10.0


def test_lines_created_by_an_onchange_are_saved(env, view, order):
    form = Form(env[ORDER])
    form.name = "FT-child"
    form.parent_id = order
    assert len(form.line_ids) == 2 and form.total == 21.0
    child = form.save()
    assert child.line_ids.mapped("name") == ["a", "b"] and child.total == 21.0
    assert order.line_ids.mapped("name") == ["a", "b"]


def test_many2many_values_are_edited_through_the_proxy(env, view, order):
    tags = env["test.orm.tag"].create([{"name": "ft-b"}, {"name": "ft-a"}])
    form = Form(order)
    form.tag_ids.add(tags[0])
    form.tag_ids.add(tags[1])
    assert form.tag_names == "ft-a,ft-b" and list(form.tag_ids) == list(tags)
    form.tag_ids.remove(index=0)
    assert form.tag_names == "ft-a"
    form.save()
    assert order.tag_ids == tags[1]


# -- modifiers -------------------------------------------------------------------------------------
def test_writing_a_readonly_field_is_refused(env, view, order):
    form = Form(order)
    with pytest.raises(AssertionError, match="readonly field total"):
        form.total = 3.0
    order.state = "confirmed"
    form = Form(order)
    with pytest.raises(AssertionError, match="readonly field discount"):
        form.discount = 3.0
    with pytest.raises(AssertionError, match="invisible field parent_id"):
        form.parent_id = order
    with pytest.raises(AssertionError, match="not found in the view"):
        form.line_count = 3


def test_saving_with_a_required_field_empty_names_it(env, view):
    form = Form(env[ORDER])
    form.name = "FT-req"
    form.discount = 5.0                                  # partner_id becomes required
    with pytest.raises(AssertionError, match="partner_id"):
        form.save()
    form.name = False
    form.discount = 0.0
    with pytest.raises(AssertionError, match=r"required field\(s\) not set: name"):
        form.save()
    assert not env[ORDER].search([("name", "=", "FT-req")])


def test_readonly_fields_are_saved_only_with_force_save(env, partners):
    corp, _quiet = partners
    arch = '<form><field name="name"/><field name="partner_id"/><field name="discount" readonly="1"/></form>'
    make_view(env, arch)
    form = Form(env[ORDER])
    form.name, form.partner_id = "FT-ro", corp
    assert form.discount == 60.0
    assert form.save().discount == 0.0
    forced = make_view(env, arch.replace('readonly="1"', 'readonly="1" force_save="1"'), name="forced")
    form = Form(env[ORDER], view=forced)
    form.name, form.partner_id = "FT-forced", corp
    assert form.save().discount == 60.0


def test_legacy_attrs_and_states_modifiers(env, partners):
    corp, _quiet = partners
    legacy = make_view(env, LEGACY)
    form = Form(env[ORDER], view=legacy.id)
    form.name = "FT-legacy"
    form.partner_id = corp                               # date_order becomes required
    with pytest.raises(AssertionError, match="date_order"):
        form.save()
    form.discount = 95.0
    with pytest.raises(AssertionError, match="invisible field date_order"):
        form.date_order = "2024-01-01 00:00:00"          # '|' branch: discount > 90
    form.discount = 1.0
    form.date_order = "2024-01-01 00:00:00"
    form.name = "HIDDEN"
    with pytest.raises(AssertionError, match="invisible field date_order"):
        form.date_order = False                          # =like 'HID%'
    record = form.save()
    record.state = "confirmed"
    form = Form(record, view=legacy)
    with pytest.raises(AssertionError, match="readonly field discount"):
        form.discount = 2.0
    with pytest.raises(AssertionError, match="invisible field partner_id"):
        form.partner_id = False                          # states="draft"


def test_an_invisible_required_field_does_not_block_saving(env, partners):
    corp, _quiet = partners
    form = Form(env[ORDER], view=make_view(env, LEGACY))
    form.name, form.partner_id = "HIDDEN", corp          # date_order required but invisible
    assert not form.save().date_order


def test_form_on_an_existing_record_writes_only_what_changed(env, view, order):
    form = Form(order)
    form.name = "FT-renamed"
    env.flush_all()
    env.cr.execute("UPDATE test_orm_order SET discount = 7 WHERE id = %s", (order.id,))
    env.invalidate_all()
    form.save()
    assert order.name == "FT-renamed" and order.discount == 7.0
