"""Schema mapping and schema evolution (orm.md §2 SCH-1..7, CON-1, CMP-4; modules.md REG-6).

The first part reads the catalog of the test database. The second part installs the addon
``test_orm_schema`` (which changes ``test.orm.animal``, ``test.orm.all.types``,
``test.orm.order`` and its lines) into a copy of the test database holding rows, then checks what
the upgrade did to columns, constraints and data.
"""
import logging

import pytest

from conftest import make_env, new_db_name


def columns(cr, table):
    """``{column: (udt name, character maximum length, nullable)}``."""
    cr.execute("SELECT column_name, udt_name, character_maximum_length, is_nullable = 'YES' "
               "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s",
               [table])
    return {name: (udt, size, nullable) for name, udt, size, nullable in cr.fetchall()}


def foreign_key(cr, table, column):
    """``(constraint name, referenced table, ON DELETE action)`` of the foreign key on ``column``."""
    cr.execute("""
        SELECT con.conname, ref.relname, con.confdeltype
          FROM pg_constraint con
          JOIN pg_class tbl ON tbl.oid = con.conrelid
          JOIN pg_class ref ON ref.oid = con.confrelid
          JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
         WHERE con.contype = 'f' AND tbl.relname = %s AND att.attname = %s
    """, [table, column])
    rows = cr.fetchall()
    assert len(rows) == 1, rows
    name, referenced, action = rows[0]
    return name, referenced, {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL"}[action]


def indexes(cr, table):
    cr.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
               "AND tablename = %s", [table])
    return dict(cr.fetchall())


def constraint_definition(cr, name):
    cr.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [name])
    row = cr.fetchone()
    return row and row[0]


# -- the schema of installed models --------------------------------------------------------------------

def test_table_has_serial_primary_key(env):
    cr = env.cr
    cr.execute("SELECT column_default FROM information_schema.columns WHERE table_name = 'test_orm_order' "
               "AND column_name = 'id'")
    assert cr.fetchone()[0].startswith("nextval(")
    cr.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'test_orm_order'::regclass "
               "AND contype = 'p'")
    assert cr.fetchone() == ("PRIMARY KEY (id)",)


def test_one_column_per_stored_field_only(env):
    table = columns(env.cr, "test_orm_order")
    assert {"name", "partner_id", "total", "partner_country_code", "tag_names", "tree_total"} <= set(table)
    # one2many, many2many and non-stored computed fields have no column (SCH-1)
    assert set(table).isdisjoint({"line_ids", "tag_ids", "shown_total", "child_ids", "display_name"})


def test_required_stored_fields_are_not_null(env):
    order = columns(env.cr, "test_orm_order")
    assert order["name"][2] is False
    assert order["partner_id"][2] is True
    line = columns(env.cr, "test_orm_order_line")
    assert line["order_id"][2] is False


def test_sized_char_is_varchar_with_length(env):
    table = columns(env.cr, "test_orm_all_types")
    assert table["char_sized"][:2] == ("varchar", 5)
    assert table["name"][:2] == ("varchar", None)


@pytest.mark.parametrize("table, column, referenced, action", [
    ("test_orm_order_line", "order_id", "test_orm_order", "CASCADE"),     # ondelete='cascade'
    ("test_orm_order", "partner_id", "res_partner", "SET NULL"),           # default
    ("res_partner", "country_id", "res_country", "RESTRICT"),              # ondelete='restrict'
    ("test_orm_order", "create_uid", "res_users", "SET NULL"),             # magic field
    ("test_orm_pet", "animal_id", "test_orm_animal", "CASCADE"),           # _inherits link
])
def test_many2one_foreign_key_name_and_ondelete(env, table, column, referenced, action):
    assert foreign_key(env.cr, table, column) == (f"{table}_{column}_fkey", referenced, action)


def test_index_named_after_table_and_column(env):
    found = indexes(env.cr, "test_orm_order_line")
    assert "test_orm_order_line__order_id_index" in found
    assert "(order_id)" in found["test_orm_order_line__order_id_index"]
    assert not any("__price_" in name for name in found)


def test_parent_path_index_supports_prefix_search(env):
    found = indexes(env.cr, "test_orm_tag")
    assert "text_pattern_ops" in found["test_orm_tag__parent_path_index"]


def test_explicit_many2many_relation_table(env):
    cr = env.cr
    assert columns(cr, "test_orm_order_tag_rel") == {
        "order_id": ("int4", None, False), "tag_id": ("int4", None, False)}
    assert foreign_key(cr, "test_orm_order_tag_rel", "order_id")[1:] == ("test_orm_order", "CASCADE")
    assert foreign_key(cr, "test_orm_order_tag_rel", "tag_id")[1:] == ("test_orm_tag", "CASCADE")
    cr.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
               "WHERE conrelid = 'test_orm_order_tag_rel'::regclass AND contype = 'p'")
    assert cr.fetchone() == ("PRIMARY KEY (order_id, tag_id)",)
    assert any(definition.endswith("(tag_id, order_id)")
               for definition in indexes(cr, "test_orm_order_tag_rel").values())


def test_default_many2many_relation_is_shared_by_both_sides(env):
    """SCH-4: tables sorted and joined with '_' plus '_rel'; columns '<table>_id'."""
    field = env["test.orm.all.types"]._fields["tag_ids"]
    other = env["test.orm.tag"]._fields["all_types_ids"]
    assert (field.relation, field.column1, field.column2) == (
        "test_orm_all_types_test_orm_tag_rel", "test_orm_all_types_id", "test_orm_tag_id")
    assert (other.relation, other.column1, other.column2) == (
        "test_orm_all_types_test_orm_tag_rel", "test_orm_tag_id", "test_orm_all_types_id")
    assert set(columns(env.cr, "test_orm_all_types_test_orm_tag_rel")) == {
        "test_orm_all_types_id", "test_orm_tag_id"}
    tag = env["test.orm.tag"].create({"name": "shared"})
    record = env["test.orm.all.types"].create({"tag_ids": [(4, tag.id)]})
    assert tag.all_types_ids == record


def test_deleting_a_record_cascades_to_relation_rows(env):
    tag = env["test.orm.tag"].create({"name": "gone"})
    order = env["test.orm.order"].create({"name": "SO-rel", "tag_ids": [(4, tag.id)]})
    tag.unlink()
    env.cr.execute("SELECT count(*) FROM test_orm_order_tag_rel WHERE order_id = %s", [order.id])
    assert env.cr.fetchone() == (0,)
    assert not order.tag_ids


# -- schema evolution ----------------------------------------------------------------------------------

class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append((record.levelno, record.getMessage()))


@pytest.fixture(scope="module")
def evolved(pg, orm_db):
    """A copy of the test database with rows, then ``test_orm_schema`` installed:
    ``(database name, {key: id}, [(level, message)] logged by the upgrade)``."""
    from bureau.modules.loading import install_modules
    from bureau.orm.registry import Registry

    name = new_db_name("test_schema")
    pg.copy_database(orm_db, name)
    try:
        env = make_env(pg, name)
        try:
            ids = {
                "rex": env["test.orm.animal"].create({"name": "Rex", "sound": "woof", "color": "red"}).id,
                "felix": env["test.orm.animal"].create({"name": "Felix", "sound": "meow"}).id,
                "laika": env["test.orm.dog"].create({"name": "Laika", "sound": "wuff"}).id,
                "sized": env["test.orm.all.types"].create({"char_sized": "abcde", "integer": 3}).id,
            }
            env.cr.commit()
        finally:
            env.cr.close()
        Registry.delete(name)
        handler = _Collect()
        logger = logging.getLogger("bureau")
        previous = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            install_modules(pg, name, ["test_orm_schema"])
        finally:
            logger.removeHandler(handler)
            logger.setLevel(previous)
        yield name, ids, handler.messages
    finally:
        Registry.delete(name)
        pg.drop_database(name)


@pytest.fixture
def evolved_cr(pg, evolved):
    cr = pg.cursor(evolved[0])
    yield cr
    cr.rollback()
    cr.close()


def test_new_column_filled_with_default_for_existing_rows(evolved, evolved_cr):
    _, ids, _ = evolved
    evolved_cr.execute("SELECT id, weight FROM test_orm_animal WHERE id IN %s ORDER BY id",
                       [(ids["rex"], ids["felix"])])
    assert evolved_cr.fetchall() == [(ids["rex"], 7), (ids["felix"], 7)]
    # every row has a value: the required column is NOT NULL
    assert columns(evolved_cr, "test_orm_animal")["weight"] == ("int4", None, False)


def test_prototype_child_table_gets_the_new_column_too(evolved, evolved_cr):
    _, ids, _ = evolved
    evolved_cr.execute("SELECT weight, name_length FROM test_orm_dog WHERE id = %s", [ids["laika"]])
    assert evolved_cr.fetchone() == (7, 5)


def test_new_stored_computed_field_computed_for_existing_rows(evolved, evolved_cr):
    _, ids, _ = evolved
    evolved_cr.execute("SELECT name_length FROM test_orm_animal WHERE id IN %s ORDER BY id",
                       [(ids["rex"], ids["felix"])])
    assert evolved_cr.fetchall() == [(3,), (5,)]


def test_required_column_with_null_rows_stays_nullable_with_warning(evolved, evolved_cr):
    _, _, messages = evolved
    assert columns(evolved_cr, "test_orm_animal")["passport"] == ("varchar", None, True)
    warnings = [text for level, text in messages if level == logging.WARNING and "passport" in text]
    assert warnings and "test.orm.animal.passport" in warnings[0]


def test_varchar_widened_in_place(evolved, evolved_cr):
    _, ids, _ = evolved
    table = columns(evolved_cr, "test_orm_all_types")
    assert table["char_sized"][:2] == ("varchar", 12)
    assert not any(name.startswith("char_sized_moved") for name in table)
    evolved_cr.execute("SELECT char_sized FROM test_orm_all_types WHERE id = %s", [ids["sized"]])
    assert evolved_cr.fetchone() == ("abcde",)


def test_lossless_type_change_converted_in_place(evolved, evolved_cr):
    _, ids, _ = evolved
    table = columns(evolved_cr, "test_orm_all_types")
    assert table["integer"][0] == "float8"
    assert not any(name.startswith("integer_moved") for name in table)
    evolved_cr.execute("SELECT integer FROM test_orm_all_types WHERE id = %s", [ids["sized"]])
    assert evolved_cr.fetchone() == (3.0,)


def test_incompatible_type_change_moves_the_old_column(evolved, evolved_cr):
    _, ids, messages = evolved
    table = columns(evolved_cr, "test_orm_animal")
    assert table["sound"][0] == "int4"
    assert table["sound_moved1"][0] == "varchar"
    evolved_cr.execute("SELECT sound, sound_moved1 FROM test_orm_animal WHERE id = %s", [ids["rex"]])
    assert evolved_cr.fetchone() == (None, "woof")
    assert any(level == logging.WARNING and "sound_moved1" in text for level, text in messages)


def test_removed_index_is_dropped(evolved, evolved_cr):
    assert "test_orm_order_line__order_id_index" not in indexes(evolved_cr, "test_orm_order_line")


def test_changed_ondelete_recreates_the_foreign_key(evolved, evolved_cr):
    assert foreign_key(evolved_cr, "test_orm_order", "parent_id") == (
        "test_orm_order_parent_id_fkey", "test_orm_order", "CASCADE")


def test_changed_sql_constraint_is_replaced(evolved, evolved_cr):
    assert constraint_definition(evolved_cr, "test_orm_order_name_unique") == "UNIQUE (name, partner_id)"


def test_upgraded_models_work_on_the_evolved_schema(pg, evolved):
    """The registry of the upgraded database uses the new definitions."""
    env = make_env(pg, evolved[0])
    try:
        _, ids, _ = evolved
        rex = env["test.orm.animal"].browse(ids["rex"])
        assert (rex.weight, rex.name_length, rex.sound, rex.color) == (7, 3, 0, "red")
        rex.name = "Rexie"
        assert rex.name_length == 5
        created = env["test.orm.animal"].create({"name": "Nemo", "passport": "P1", "sound": 3})
        assert (created.weight, created.sound) == (7, 3)
    finally:
        env.cr.rollback()
        env.cr.close()


def test_schema_sync_is_idempotent(pg, evolved):
    """Running the sync again on an up-to-date schema changes nothing."""
    from bureau.orm.registry import Registry
    name = evolved[0]
    cr = pg.cursor(name)
    try:
        before = columns(cr, "test_orm_animal")
        Registry.get(name).init_models(cr)
        assert columns(cr, "test_orm_animal") == before
        assert not any(column.startswith("sound_moved2") for column in columns(cr, "test_orm_animal"))
    finally:
        cr.rollback()
        cr.close()
