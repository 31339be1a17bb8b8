"""Model classes and inheritance (orm.md §1 MOD-*, modules.md REG-2/REG-3).

Test models: ``test.orm.named.mixin`` (abstract), ``test.orm.animal`` (extended in ``test_orm``
and again in ``test_orm_ext``), ``test.orm.dog`` (prototype of animal), ``test.orm.pet``
(``_inherits`` animal), ``test.orm.multi`` (two abstract parents), ``test.orm.tag`` (parent store)
and the extension of ``base`` in ``test_orm_ext``.
"""
import logging

import pytest

from bureau.exceptions import UserError, ValidationError


def table_columns(env, table):
    env.cr.execute("SELECT column_name FROM information_schema.columns "
                   "WHERE table_schema = current_schema() AND table_name = %s", [table])
    return {name for (name,) in env.cr.fetchall()}


def table_exists(env, table):
    env.cr.execute("SELECT 1 FROM information_schema.tables "
                   "WHERE table_schema = current_schema() AND table_name = %s", [table])
    return bool(env.cr.fetchone())


# -- MOD-1, MOD-2: models and abstract models -----------------------------------------------------

def test_model_kinds_have_the_documented_flags(env):
    animal, mixin, wizard = env["test.orm.animal"], env["test.orm.named.mixin"], env["test.orm.wizard"]
    assert (animal._auto, animal._abstract, animal._transient) == (True, False, False)
    assert (mixin._auto, mixin._abstract, mixin._transient) == (False, True, False)
    assert (wizard._auto, wizard._abstract, wizard._transient) == (True, False, True)


def test_abstract_model_has_no_table_and_refuses_records(env):
    assert not table_exists(env, "test_orm_named_mixin")
    with pytest.raises((UserError, TypeError)):
        env["test.orm.named.mixin"].create({"nickname": "x"})


def test_mixin_fields_and_methods_are_copied_into_the_inheritor(env):
    animal = env["test.orm.animal"].create({"name": "Rex"})
    assert "nickname" in table_columns(env, "test_orm_animal")
    assert animal.nickname == "nick"
    assert animal._fields["nickname"] is not env["test.orm.named.mixin"]._fields["nickname"]
    assert animal._fields["nickname"].model_name == "test.orm.animal"
    assert animal.describe().endswith("|mixin:nick")


# -- MOD-4: the abstract model 'base' ------------------------------------------------------------------

def test_method_added_to_base_is_available_on_every_model(env):
    assert env["res.partner"].bureau_test_marker() == "marked:res.partner"
    assert env["test.orm.order"].bureau_test_marker() == "marked:test.orm.order"
    assert env["ir.model"].bureau_test_marker() == "marked:ir.model"


# -- MOD-5, MOD-6: class attributes and magic fields -----------------------------------------------------

def test_table_name_defaults_to_model_name_with_underscores(env):
    assert env["test.orm.order.line"]._table == "test_orm_order_line"
    assert table_exists(env, "test_orm_order_line")


def _probe_registry():
    """A registry holding ``base`` only, to build probe definition classes into (no database)."""
    from bureau.orm.registry import Registry
    registry = Registry("probe_registry")
    registry.load_modules(["base"])
    return registry


def test_model_name_must_be_dotted_lowercase():
    from bureau import models
    with pytest.raises(TypeError):
        type("BadName", (models.Model,), {"_name": "Bad Name", "_module": "test_orm_probe",
                                          "__module__": __name__})


def test_table_name_longer_than_63_bytes_is_a_setup_error():
    from bureau import models
    probe = type("LongTable", (models.Model,), {"_name": "test.orm.probe." + "x" * 60,
                                                "_module": "test_orm_probe", "__module__": __name__})
    with pytest.raises(TypeError, match="63 bytes"):
        _probe_registry()._build_model(probe)


def test_description_defaults_to_model_name_with_a_warning(caplog):
    from bureau import models
    probe = type("NoDescription", (models.Model,), {"_name": "test.orm.probe.nodesc",
                                                    "_module": "test_orm_probe", "__module__": __name__})
    registry = _probe_registry()
    with caplog.at_level(logging.WARNING, logger="bureau.orm.registry"):
        registry._build_model(probe)
    assert any("test.orm.probe.nodesc" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert registry["test.orm.probe.nodesc"]._description == "test.orm.probe.nodesc"
    assert registry["test.orm.probe.nodesc"]._table == "test_orm_probe_nodesc"


def test_rec_name_defaults_to_name_field(env):
    assert env["test.orm.order"]._rec_name == "name"
    order = env["test.orm.order"].create({"name": "SO-recname"})
    assert order.display_name == "SO-recname"


def test_display_name_without_rec_name_is_model_and_id(env):
    Nameless = env["test.orm.nameless"]
    assert Nameless._rec_name is None
    record = Nameless.create({"value": 1})
    assert record.display_name == f"test.orm.nameless,{record.id}"


def test_rec_name_through_delegation(env):
    pet = env["test.orm.pet"].create({"name": "Tom"})
    assert env["test.orm.pet"]._rec_name == "name"
    assert pet.display_name == "Tom"


def test_magic_fields_are_set_by_the_orm_only(env):
    order = env["test.orm.order"].create({
        "name": "SO-magic", "create_date": "2000-01-01 00:00:00", "create_uid": 2, "write_uid": 2, "id": 999999,
    })
    assert order.id != 999999
    assert order.create_uid.id == env.uid == order.write_uid.id
    env.cr.execute("SELECT date_trunc('second', now() AT TIME ZONE 'UTC')")
    (now,) = env.cr.fetchone()
    assert order.create_date == order.write_date == now
    assert {"id", "create_uid", "create_date", "write_uid", "write_date"} <= table_columns(env, "test_orm_order")


def test_records_written_in_one_transaction_share_write_date(env):
    first = env["test.orm.order"].create({"name": "SO-date-1"})
    second = env["test.orm.order"].create({"name": "SO-date-2"})
    first.name = "SO-date-1b"
    assert first.write_date == second.create_date


# -- MOD-8: extensions -----------------------------------------------------------------------------------

def test_extension_adds_columns_to_the_same_table(env):
    columns = table_columns(env, "test_orm_animal")
    assert {"name", "legs", "sound", "color", "habitat"} <= columns
    assert not table_exists(env, "test_orm_animal_extension")


def test_super_goes_through_every_extension_newest_first(env):
    animal = env["test.orm.animal"].create({"name": "Rex"})
    assert animal.describe() == "more|ext|animal:Rex|mixin:nick"


def test_extension_in_another_addon_sees_fields_of_all_definitions(env):
    animal = env["test.orm.animal"].create({"name": "Rex", "habitat": "air"})
    assert (animal.color, animal.habitat, animal.sound) == ("grey", "air", "...")


# -- MOD-9: field redefinitions ------------------------------------------------------------------------------

def test_redefinition_with_same_type_merges_attributes(env):
    sound = env["test.orm.animal"]._fields["sound"]
    assert sound.string == "Sound it makes"   # from the original definition
    assert sound.required is False
    assert env["test.orm.animal"].default_get(["sound"]) == {"sound": "..."}
    color = env["test.orm.animal"]._fields["color"]
    assert color.required is True and color.type == "char"


def test_redefinition_adds_selection_items(env):
    habitat = env["test.orm.animal"]._fields["habitat"]
    keys = [key for key, _ in habitat.selection]
    assert keys == ["land", "sea", "air"]


def test_redefinition_with_another_type_replaces_the_field(env):
    field = env["test.orm.all.types"]._fields["json"]
    assert field.type == "text"
    record = env["test.orm.all.types"].create({"json": "plain text"})
    assert record.json == "plain text"
    env.cr.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 'test_orm_all_types' "
                   "AND column_name = 'json'")
    assert env.cr.fetchone() == ("text",)


# -- MOD-10: prototype inheritance ----------------------------------------------------------------------

def test_prototype_has_its_own_table(env):
    dog = env["test.orm.dog"].create({"name": "Laika", "breed": "mixed"})
    assert env["test.orm.dog"]._table == "test_orm_dog"
    assert {"name", "legs", "breed"} <= table_columns(env, "test_orm_dog")
    assert "breed" not in table_columns(env, "test_orm_animal")
    assert not env["test.orm.animal"].search([("name", "=", "Laika")])
    assert dog.legs == 4


def test_prototype_sees_fields_added_to_the_parent_by_other_addons(env):
    Dog = env["test.orm.dog"]
    assert {"color", "habitat", "nickname"} <= set(Dog._fields)
    assert {"color", "habitat", "nickname"} <= table_columns(env, "test_orm_dog")
    assert [key for key, _ in Dog._fields["habitat"].selection] == ["land", "sea", "air"]
    dog = Dog.create({"name": "Laika"})
    assert (dog.color, dog.habitat, dog.sound) == ("grey", "land", "...")


def test_prototype_method_chain_includes_the_parent_extensions(env):
    dog = env["test.orm.dog"].create({"name": "Laika"})
    assert dog.describe() == "dog|more|ext|animal:Laika|mixin:nick"


def test_prototype_fields_are_distinct_objects(env):
    assert env["test.orm.dog"]._fields["name"] is not env["test.orm.animal"]._fields["name"]
    assert env["test.orm.dog"]._fields["name"].model_name == "test.orm.dog"


# -- MOD-11: delegation --------------------------------------------------------------------------------

def test_delegation_create_creates_the_parent(env):
    pet = env["test.orm.pet"].create({"name": "Tom", "legs": 3})
    animal = pet.animal_id
    assert animal and animal._name == "test.orm.animal"
    assert (animal.name, animal.legs) == ("Tom", 3)
    assert set(table_columns(env, "test_orm_pet")).isdisjoint({"name", "legs"})


def test_delegation_create_with_existing_parent(env):
    animal = env["test.orm.animal"].create({"name": "Felix"})
    pet = env["test.orm.pet"].create({"animal_id": animal.id})
    assert pet.name == "Felix"


def test_delegation_reads_and_writes_go_to_the_parent(env):
    pet = env["test.orm.pet"].create({"name": "Tom"})
    pet.write({"legs": 2, "color": "black"})
    assert (pet.animal_id.legs, pet.animal_id.color) == (2, "black")
    pet.animal_id.name = "Thomas"
    assert pet.name == "Thomas"
    assert pet.read(["name", "legs"])[0] == {"id": pet.id, "name": "Thomas", "legs": 2}


def test_delegation_child_sees_fields_added_to_the_parent_by_other_addons(env):
    """MOD-11 with REG-4: fields of ``test_orm_ext`` on animal appear on pet as well."""
    pet = env["test.orm.pet"].create({"name": "Tom", "habitat": "sea"})
    assert pet._fields["habitat"].inherited
    assert (pet.habitat, pet.color, pet.animal_id.habitat) == ("sea", "grey", "sea")


def test_delegation_search_joins_through_the_link(env):
    Pet = env["test.orm.pet"]
    pets = Pet.create([{"name": "Tom", "legs": 3}, {"name": "Jerry", "legs": 4}])
    assert Pet.search([("name", "=", "Tom"), ("id", "in", pets.ids)]) == pets[0]
    assert Pet.search([("legs", "<", 4), ("id", "in", pets.ids)]) == pets[0]
    assert Pet.search([("id", "in", pets.ids)], order="name") == pets[1] + pets[0]


def test_delegation_unlink_keeps_the_parent(env):
    pet = env["test.orm.pet"].create({"name": "Tom"})
    animal = pet.animal_id
    pet.unlink()
    assert animal.exists()
    assert not pet.exists()


def test_delegation_parent_unlink_cascades_to_the_child(env):
    pet = env["test.orm.pet"].create({"name": "Tom"})
    pet.animal_id.unlink()
    assert not pet.exists()


def test_delegation_does_not_delegate_methods(env):
    pet = env["test.orm.pet"].create({"name": "Tom"})
    with pytest.raises(AttributeError):
        pet.describe()


def test_delegation_link_field_is_required_cascade(env):
    link = env["test.orm.pet"]._fields["animal_id"]
    assert link.required and link.ondelete == "cascade" and link.delegate
    name = env["test.orm.pet"]._fields["name"]
    assert name.inherited and name.related == ("animal_id", "name")


# -- MOD-12: multiple inheritance ---------------------------------------------------------------------------

def test_multiple_inheritance_copies_fields_of_both_parents(env):
    record = env["test.orm.multi"].create({"name": "m", "label": "L"})
    assert (record.from_a, record.from_b, record.label) == ("a", "b", "L")
    assert {"from_a", "from_b", "label"} <= table_columns(env, "test_orm_multi")


def test_multiple_inheritance_methods_follow_the_mro_last_parent_first(env):
    assert env["test.orm.multi"].chain() == "multi>b>a"


def test_multiple_inheritance_last_parent_wins_for_shared_fields(env):
    label = env["test.orm.multi"]._fields["label"]
    assert (label.string, label.size) == ("Label from B", 20)


# -- MOD-13: parent store -------------------------------------------------------------------------------------

@pytest.fixture
def tag_tree(env):
    Tag = env["test.orm.tag"]
    root = Tag.create({"name": "root"})
    child = Tag.create({"name": "child", "parent_id": root.id})
    grandchild = Tag.create({"name": "grandchild", "parent_id": child.id})
    other = Tag.create({"name": "other"})
    return root, child, grandchild, other


def test_parent_path_is_maintained_on_create(env, tag_tree):
    root, child, grandchild, other = tag_tree
    assert root.parent_path == f"{root.id}/"
    assert child.parent_path == f"{root.id}/{child.id}/"
    assert grandchild.parent_path == f"{root.id}/{child.id}/{grandchild.id}/"
    assert env["test.orm.tag"]._fields["parent_path"].index


def test_moving_a_subtree_rewrites_paths_with_one_update(env, tag_tree, caplog):
    root, child, grandchild, other = tag_tree
    env.flush_all()
    with caplog.at_level(logging.DEBUG, logger="bureau.db.cursor"):
        child.parent_id = other
        env.flush_all()
    updates = [r.getMessage() for r in caplog.records if "parent_path" in r.getMessage()
               and "UPDATE" in r.getMessage()]
    assert len(updates) == 1, updates
    assert child.parent_path == f"{other.id}/{child.id}/"
    assert grandchild.parent_path == f"{other.id}/{child.id}/{grandchild.id}/"
    assert env["test.orm.tag"].search([("id", "child_of", other.id)]) == other + child + grandchild
    child.parent_id = False
    assert grandchild.parent_path == f"{child.id}/{grandchild.id}/"


def test_parent_store_recursion_is_refused(env, tag_tree):
    root, child, grandchild, other = tag_tree
    with pytest.raises(ValidationError):
        root.parent_id = grandchild
    with pytest.raises(ValidationError):
        root.parent_id = root


def test_moving_several_records_and_refusing_a_move_under_a_descendant(env, tag_tree):
    root, child, grandchild, other = tag_tree
    (grandchild + other).write({"parent_id": root.id})
    assert grandchild.parent_path == f"{root.id}/{grandchild.id}/"
    assert other.parent_path == f"{root.id}/{other.id}/"
    with pytest.raises(ValidationError):
        with env.cr.savepoint():
            root.parent_id = other
    assert root.parent_path == f"{root.id}/"
    assert not root.parent_id


def test_recursion_check_without_parent_store(env):
    Partner = env["res.partner"]
    company = Partner.create({"name": "Co", "is_company": True})
    person = Partner.create({"name": "Pers", "parent_id": company.id})
    assert company._check_recursion()
    with pytest.raises(ValidationError):
        company.parent_id = person


# -- REG-2, REG-3: registries only use the classes of their modules --------------------------------------------

@pytest.fixture
def registry_without_ext(pg, env):
    """A registry of the same database built from ``base`` and ``test_orm`` only, although the
    classes of ``test_orm_ext`` are imported in this process."""
    from bureau.orm.environment import SUPERUSER_ID, Environment
    from bureau.orm.registry import Registry

    name = f"{env.cr.dbname}_without_ext"
    cr = pg.cursor(env.cr.dbname)
    try:
        registry = Registry.new(pg, name, ["base", "test_orm"], cr=cr)
        yield Environment(cr, SUPERUSER_ID, {}, registry=registry)
    finally:
        Registry.delete(name)
        cr.rollback()
        cr.close()


def test_registry_ignores_classes_of_addons_outside_its_modules(env, registry_without_ext):
    other = registry_without_ext
    assert "bureau.addons.test_orm_ext" in __import__("sys").modules
    assert "habitat" not in other["test.orm.animal"]._fields
    assert "habitat" not in other["test.orm.dog"]._fields
    assert other["test.orm.animal"]._fields["color"].required is False
    assert other["test.orm.all.types"]._fields["json"].type == "json"
    assert not hasattr(other["res.partner"], "bureau_test_marker")
    modules = {klass._module for klass in type(other["test.orm.animal"]).__mro__ if "_module" in vars(klass)}
    assert "test_orm_ext" not in modules
    # the registry of the database with the extension is untouched
    assert "habitat" in env["test.orm.animal"]._fields
    assert env["res.partner"].bureau_test_marker() == "marked:res.partner"


def test_registry_without_extension_has_the_shorter_method_chain(env, registry_without_ext):
    animal = registry_without_ext["test.orm.animal"].create({"name": "Rex", "color": "brown"})
    assert animal.describe() == "ext|animal:Rex|mixin:nick"
    assert env["test.orm.animal"].create({"name": "Rex"}).describe() == "more|ext|animal:Rex|mixin:nick"
