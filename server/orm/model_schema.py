"""Schema synchronisation: tables, columns, constraints and indexes from the model (orm.md §2).

:meth:`SchemaMixin._auto_init_table` creates the table and adds or converts columns;
:meth:`SchemaMixin._auto_init_constraints` adds foreign keys, indexes, many2many tables and SQL
constraints once every table exists. Nothing is ever dropped here (SCH-6): columns and tables go
away only when an addon is uninstalled.
"""
import logging

from ..db.sql import SQL, make_identifier

_logger = logging.getLogger(__name__)

#: in-place conversions that lose nothing: (from udt, to udt) (orm.md SCH-7)
SAFE_CONVERSIONS = {
    ("varchar", "text"), ("text", "varchar"), ("int4", "int8"), ("int4", "numeric"),
    ("int4", "float8"), ("float8", "numeric"), ("numeric", "float8"),
    ("varchar", "jsonb"), ("text", "jsonb"), ("jsonb", "varchar"), ("jsonb", "text"),
}
ONDELETE_CODES = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}


class SchemaError(Exception):
    """A column cannot be brought in line with its field; the message names the field."""


def table_columns(cr, table):
    cr.execute(SQL("SELECT column_name, udt_name, character_maximum_length, is_nullable "
                   "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s",
                   table))
    return {name: (udt, size, nullable == "YES") for name, udt, size, nullable in cr.fetchall()}


def table_exists(cr, table):
    cr.execute(SQL("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE c.relname = %s AND n.nspname = current_schema() AND c.relkind IN ('r', 'p')", table))
    return bool(cr.fetchone())


def existing_constraints(cr, table):
    """``{name: (type, definition)}`` of the constraints on ``table``."""
    cr.execute(SQL("SELECT con.conname, con.contype, pg_get_constraintdef(con.oid) FROM pg_constraint con "
                   "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE c.relname = %s AND n.nspname = current_schema()", table))
    return {name: (kind, definition) for name, kind, definition in cr.fetchall()}


def existing_indexes(cr, table):
    cr.execute(SQL("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                   "AND schemaname = current_schema()", table))
    return dict(cr.fetchall())


def foreign_keys(cr, table):
    """``{column: (constraint name, foreign table, ondelete)}`` for single-column foreign keys."""
    cr.execute(SQL(
        "SELECT con.conname, a.attname, fc.relname, con.confdeltype FROM pg_constraint con "
        "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class fc ON fc.oid = con.confrelid "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE con.contype = 'f' AND c.relname = %s AND n.nspname = current_schema() "
        "AND array_length(con.conkey, 1) = 1", table))
    result = {}
    for name, column, foreign, code in cr.fetchall():
        result.setdefault(column, []).append((name, foreign, ONDELETE_CODES.get(code, code)))
    return result


class SchemaMixin:
    """Creating and converting the model's table (mixed into BaseModel)."""

    def _auto_init_table(self):
        """Create the table and its columns, converting changed ones. Returns the new column fields."""
        if not self._auto:
            return []
        cr = self.env.cr
        table = self._table
        created = False
        if not table_exists(cr, table):
            if self._sequence:
                # ids drawn from a sequence shared with other tables (e.g. every kind of action)
                cr.execute(SQL("CREATE SEQUENCE IF NOT EXISTS %s", SQL.identifier(self._sequence)))
                cr.execute(SQL("CREATE TABLE %s (id INTEGER NOT NULL DEFAULT nextval(%s), PRIMARY KEY (id))",
                               SQL.identifier(table), self._sequence))
            else:
                cr.execute(SQL("CREATE TABLE %s (id SERIAL NOT NULL, PRIMARY KEY (id))", SQL.identifier(table)))
            if self._description:
                cr.execute(SQL(f"COMMENT ON TABLE %s IS %s", SQL.identifier(table), self._description))
            created = True
            _logger.debug("table %s created", table)
        columns = table_columns(cr, table)
        new_fields = []
        for field in sorted(self._fields.values(), key=lambda f: f._definition_seq):
            if not field.column or field.name == "id":
                continue
            udt, declaration = field.column_type
            current = columns.get(field.name)
            if current is None:
                cr.execute(SQL(f"ALTER TABLE %s ADD COLUMN %s {declaration}", SQL.identifier(table),
                               SQL.identifier(field.name)))
                new_fields.append(field)
                continue
            self._convert_column(field, current, columns)
        if not created:
            for field in new_fields:
                self._init_new_column(field)
        self._sync_not_null(table_columns(cr, table))
        return new_fields

    def _convert_column(self, field, current, columns):
        cr = self.env.cr
        table = self._table
        udt, declaration = field.column_type
        current_udt, current_size, _ = current
        if current_udt == udt:
            if udt == "varchar":
                wanted_size = field.size if getattr(field, "size", None) else None
                if wanted_size == current_size:
                    return
                if wanted_size is None or (current_size is not None and wanted_size >= current_size):
                    cr.execute(SQL(f"ALTER TABLE %s ALTER COLUMN %s TYPE {declaration}", SQL.identifier(table),
                                   SQL.identifier(field.name)))
                    _logger.info("%s: column size changed to %s", field, wanted_size or "unbounded")
                    return
                # shrinking a varchar may truncate: convert with an explicit cut, as Odoo does
                cr.execute(SQL(f"ALTER TABLE %s ALTER COLUMN %s TYPE {declaration} USING LEFT(%s, %s)",
                               SQL.identifier(table), SQL.identifier(field.name), SQL.identifier(field.name),
                               int(wanted_size)))
                _logger.warning("%s: column shortened to %s characters", field, wanted_size)
            return
        if (current_udt, udt) in SAFE_CONVERSIONS:
            using = SQL()
            name = SQL.identifier(field.name)
            if udt == "jsonb":
                using = SQL(" USING CASE WHEN %s IS NULL THEN NULL ELSE jsonb_build_object('en_US', %s) END",
                            name, name)
            elif current_udt == "jsonb":
                using = SQL(" USING %s->>'en_US'", name)
            cr.execute(SQL(f"ALTER TABLE %s ALTER COLUMN %s TYPE {declaration}%s", SQL.identifier(table),
                           name, using))
            _logger.info("%s: column converted from %s to %s", field, current_udt, udt)
            return
        # not convertible without loss: keep the old data aside and start a fresh column
        index = 1
        while f"{field.name}_moved{index}" in columns:
            index += 1
        moved = f"{field.name}_moved{index}"
        cr.execute(SQL("ALTER TABLE %s RENAME COLUMN %s TO %s", SQL.identifier(table), SQL.identifier(field.name),
                       SQL.identifier(moved)))
        cr.execute(SQL(f"ALTER TABLE %s ADD COLUMN %s {declaration}", SQL.identifier(table),
                       SQL.identifier(field.name)))
        columns[moved] = current
        _logger.warning("%s: type changed from %s to %s; the old values were moved to column %s",
                        field, current_udt, udt, moved)

    def _init_new_column(self, field):
        """Fill a column added to a table that already has rows (default, or computation)."""
        cr = self.env.cr
        if field.compute and field.store:
            cr.execute(SQL("SELECT id FROM %s", SQL.identifier(self._table)))
            ids = [row[0] for row in cr.fetchall()]
            if ids:
                self.env.add_to_compute(field, self.browse(tuple(ids)))
            return
        if field.default is None:
            return
        value = field.default(self.browse())
        cache_value = field.convert_to_cache(value, self.browse(), validate=False)
        if cache_value is None or (cache_value is False and field.type != "boolean"):
            return
        if field.translate:
            import json
            param = json.dumps({"en_US": cache_value})
        else:
            param = field.convert_to_column(cache_value, self.browse())
        cr.execute(SQL("UPDATE %s SET %s = %s WHERE %s IS NULL", SQL.identifier(self._table),
                       SQL.identifier(field.name), param, SQL.identifier(field.name)))

    def _sync_not_null(self, columns):
        cr = self.env.cr
        table = self._table
        for field in self._fields.values():
            if not field.column or field.name == "id":
                continue
            nullable = columns[field.name][2]
            wanted = bool(field.required)
            if wanted and nullable:
                if field.compute and self.env.transaction.tocompute.get(field):
                    continue
                cr.execute(SQL("SELECT 1 FROM %s WHERE %s IS NULL LIMIT 1", SQL.identifier(table),
                               SQL.identifier(field.name)))
                if cr.fetchone():
                    _logger.warning("%s is required but some rows have no value: column left nullable", field)
                    continue
                cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", SQL.identifier(table),
                               SQL.identifier(field.name)))
            elif not wanted and not nullable:
                cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", SQL.identifier(table),
                               SQL.identifier(field.name)))

    def _auto_init_constraints(self):
        """Foreign keys, indexes, many2many tables and SQL constraints (after all tables exist)."""
        if not self._auto:
            return
        cr = self.env.cr
        table = self._table
        fkeys = foreign_keys(cr, table)
        indexes = existing_indexes(cr, table)
        for field in self._fields.values():
            if field.type == "many2one" and field.column:
                comodel = self.env[field.comodel_name]
                if comodel._auto:
                    self._sync_foreign_key(field.name, comodel._table, field.ondelete, fkeys)
            if field.column and field.name != "id":
                self._sync_index(field, indexes)
            if field.type == "many2many" and field.store and not field.compute:
                self._sync_relation_table(field)
        self._sync_sql_constraints()

    def _sync_foreign_key(self, column, foreign_table, ondelete, fkeys):
        cr = self.env.cr
        table = self._table
        name = make_identifier(f"{table}_{column}_fkey")
        existing = fkeys.get(column, [])
        matching = [fk for fk in existing if fk[1] == foreign_table and fk[2] == ondelete]
        if matching:
            return
        for fk_name, _, _ in existing:
            cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(table), SQL.identifier(fk_name)))
        cr.execute(SQL(f"ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s(id) "
                       f"ON DELETE {ondelete.upper()}", SQL.identifier(table), SQL.identifier(name),
                       SQL.identifier(column), SQL.identifier(foreign_table)))

    def _sync_index(self, field, indexes):
        cr = self.env.cr
        table = self._table
        name = make_identifier(f"{table}__{field.name}_index")
        kind = field.index
        if field.name == "parent_path" and self._parent_store:
            kind = kind or "btree"
        if not kind:
            if name in indexes:
                cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
            return
        if name in indexes:
            return
        column = SQL.identifier(field.name)
        if kind == "btree_not_null":
            cr.execute(SQL("CREATE INDEX %s ON %s (%s) WHERE %s IS NOT NULL", SQL.identifier(name),
                           SQL.identifier(table), column, column))
        elif kind == "trigram":
            cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cr.fetchone():
                cr.execute(SQL("CREATE INDEX %s ON %s USING gin ((%s::text) gin_trgm_ops)", SQL.identifier(name),
                               SQL.identifier(table), column))
            else:
                cr.execute(SQL("CREATE INDEX %s ON %s (%s)", SQL.identifier(name), SQL.identifier(table), column))
        elif field.name == "parent_path":
            cr.execute(SQL("CREATE INDEX %s ON %s (%s text_pattern_ops)", SQL.identifier(name),
                           SQL.identifier(table), column))
        else:
            cr.execute(SQL("CREATE INDEX %s ON %s (%s)", SQL.identifier(name), SQL.identifier(table), column))

    def _sync_relation_table(self, field):
        cr = self.env.cr
        comodel = self.env[field.comodel_name]
        relation = field.relation
        if not table_exists(cr, relation):
            cr.execute(SQL(
                f"CREATE TABLE %s (%s INTEGER NOT NULL REFERENCES %s(id) ON DELETE CASCADE, "
                f"%s INTEGER NOT NULL REFERENCES %s(id) ON DELETE {field.ondelete.upper()}, "
                f"PRIMARY KEY (%s, %s))",
                SQL.identifier(relation), SQL.identifier(field.column1), SQL.identifier(self._table),
                SQL.identifier(field.column2), SQL.identifier(comodel._table),
                SQL.identifier(field.column1), SQL.identifier(field.column2)))
            cr.execute(SQL("CREATE INDEX ON %s (%s, %s)", SQL.identifier(relation), SQL.identifier(field.column2),
                           SQL.identifier(field.column1)))
            cr.execute(SQL("COMMENT ON TABLE %s IS %s", SQL.identifier(relation),
                           f"RELATION BETWEEN {self._table} AND {comodel._table}"))
            return
        fkeys = foreign_keys(cr, relation)
        wanted = {field.column1: (self._table, "cascade"), field.column2: (comodel._table, field.ondelete)}
        for column, (foreign, ondelete) in wanted.items():
            if not any(fk[1] == foreign and fk[2] == ondelete for fk in fkeys.get(column, [])):
                for fk_name, _, _ in fkeys.get(column, []):
                    cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(relation),
                                   SQL.identifier(fk_name)))
                cr.execute(SQL(f"ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s(id) ON DELETE {ondelete.upper()}",
                               SQL.identifier(relation), SQL.identifier(column), SQL.identifier(foreign)))

    def _sync_sql_constraints(self):
        cr = self.env.cr
        table = self._table
        if not self._sql_constraints:
            return
        existing = existing_constraints(cr, table)
        for key, definition, message in self._sql_constraints:
            name = make_identifier(f"{table}_{key}")
            current = existing.get(name)
            normalized = _normalize_definition(definition)
            if current and _normalize_definition(current[1]) == normalized:
                continue
            if current:
                cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(table), SQL.identifier(name)))
            try:
                with cr.savepoint(flush=False):
                    # the definition is trusted addon code (a class attribute), never user input
                    cr.execute(SQL(f"ALTER TABLE %s ADD CONSTRAINT %s {definition}", SQL.identifier(table),
                                   SQL.identifier(name)))
            except Exception as exc:
                _logger.warning("%s: cannot add SQL constraint %s (%s): %s", self._name, name, definition, exc)


def _normalize_definition(definition):
    text = definition.lower().replace(" ", "").replace('"', "")
    return text.replace("unique(", "unique(").rstrip(";")
