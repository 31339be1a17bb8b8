"""Writing records: create, write, unlink, copy; flushing and recomputation (orm.md §5, §8, §9).

``create`` inserts rows right away (one multi-row INSERT per ``create_batch`` rows); ``write``
updates the cache and queues column updates, which :meth:`WriteMixin.flush_model` sends as one
UPDATE per group of records receiving identical values (CCH-5). Every change calls
:meth:`WriteMixin.modified`, which follows the registry's trigger tree to mark dependent stored
fields for recomputation (CMP-6) and to invalidate dependent non-stored ones.
"""
import datetime
import json
import logging
from collections import defaultdict

from ..db.sql import SQL
from ..exceptions import UserError, ValidationError
from . import access
from . import decorators as api
from .commands import Command
from .errors import InputError, execute_checked, invalid_field, map_integrity_error

_logger = logging.getLogger(__name__)

LOG_ACCESS_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


def _is_missing(field, value):
    """Whether ``value`` given for ``field`` leaves it empty (required checks, FLD-12)."""
    if value is None or value is False:
        return True
    if field.type in ("char", "text", "html") and value == "":
        return True
    # an empty recordset (``'partner_id': self.partner_id`` on a record without partner)
    return hasattr(value, "_ids") and hasattr(value, "_name") and not value._ids


def _freeze(value):
    if isinstance(value, dict):
        return ("__dict__", tuple(sorted((k, _freeze(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("__list__", tuple(_freeze(v) for v in value))
    if isinstance(value, (bytes, memoryview)):
        return ("__bytes__", bytes(value))
    return value


def _invalidate_subtree(env, tree):
    """Forget every cached value of the non-stored fields of a trigger tree (all records)."""
    for field in tree.root:
        if not field.store:
            env.cache.invalidate([(field, None)])
        else:
            _logger.debug("%s cannot be marked for recomputation: its dependency path is not searchable", field)
    for subtree in tree.children.values():
        _invalidate_subtree(env, subtree)


class WriteMixin:
    """Creating, writing, deleting; cache flushing and recomputation."""

    # -- create ----------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """Create records from a dict or a list of dicts (orm.md API-1).

        :returns: the new records, in the order of ``vals_list``
        :raises AccessError: the user may not create such records
        :raises ValidationError: a required value is missing or a constraint fails
        :raises ValueError: an unknown field or an invalid value
        """
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        if not isinstance(vals_list, (list, tuple)) or not all(isinstance(v, dict) for v in vals_list):
            raise InputError("create() takes a dict or a list of dicts")
        if not vals_list:
            return self.browse()
        if self._abstract:
            raise UserError(self.env._("The model %s is abstract: it cannot hold records.", self._name))
        self.check_access_rights("create")
        env = self.env
        names = set()
        for vals in vals_list:
            for name in vals:
                if name not in self._fields:
                    raise invalid_field(self, name)
            names.update(vals)
        access.check_field_groups(self, names, "write")
        vals_list = self._add_missing_default_values(vals_list)
        for vals in vals_list:
            for name in ("id",) + LOG_ACCESS_COLUMNS:
                vals.pop(name, None)
        self._check_required_create(vals_list)
        self._add_precomputed_values(vals_list)
        vals_list = self._create_inherits_parents(vals_list)

        stored_names = []
        for vals in vals_list:
            for name in vals:
                field = self._fields[name]
                if field.column and name not in stored_names:
                    stored_names.append(name)
        records = self._insert_rows(vals_list, stored_names)

        given = set()
        for vals in vals_list:
            given.update(vals)
        # values without a column: x2many commands, attachments, translations, inverses
        others = [name for name in given if not self._fields[name].column]
        inverse_fields = [self._fields[n] for n in given if self._fields[n].inverse and self._fields[n].compute]
        computed_given = [self._fields[n] for n in given if self._fields[n].compute and self._fields[n].store]
        with env.protecting(computed_given + inverse_fields, records):
            for name in others:
                field = self._fields[name]
                if field.compute and not field.store and field.inverse:
                    env.cache.update(records, field, [field.convert_to_cache(v.get(name), records)
                                                      for v in vals_list])
                    continue
                if field.compute and not field.store:
                    continue
                sub = [(rec, vals[name]) for rec, vals in zip(records, vals_list) if name in vals]
                field.create_values(records.browse(tuple(r._ids[0] for r, _ in sub)), [v for _, v in sub])
            # stored computed fields not given are computed later (lazily, at flush or read)
            for field in self._fields.values():
                if field.compute and field.store:
                    todo = [rec._ids[0] for rec, vals in zip(records, vals_list) if field.name not in vals]
                    if todo:
                        env.add_to_compute(field, records.browse(tuple(todo)))
            self._call_inverses(records, inverse_fields, vals_list)
            records.modified([name for name in self._fields if name != "id"], create=True)
        if self._parent_store:
            records._parent_store_create()
        records.check_access_rule("create")
        records._validate_fields(given)
        return records

    def _add_missing_default_values(self, vals_list):
        """Complete each dict with the defaults of the fields it lacks (FLD-11, API-30)."""
        user_defaults = self._user_defaults()
        missing = [name for name, field in self._fields.items()
                   if name not in ("id",) + LOG_ACCESS_COLUMNS
                   and any(name not in vals for vals in vals_list)
                   and (field.default is not None or f"default_{name}" in self.env.context
                        or name in user_defaults)
                   and not field.inherited]
        for name, field in self._fields.items():
            if field.inherited and any(name not in vals for vals in vals_list):
                key = f"default_{name}"
                if key in self.env.context:
                    missing.append(name)
        if not missing:
            return [dict(vals) for vals in vals_list]
        # a field the user may not see keeps its own default (the server's value), but a
        # ``default_<field>`` context key is a value given by the caller: refused (security.md ACL-5)
        restricted = [name for name in missing if not access.has_field_access(self, self._fields[name])]
        if restricted:
            access.check_field_groups(self, [n for n in restricted if f"default_{n}" in self.env.context], "write")
            missing = [name for name in missing if name not in restricted]
        defaults = self.default_get(missing) if missing else {}
        if restricted:
            defaults.update(self.sudo().default_get(restricted))
        result = []
        for vals in vals_list:
            values = dict(vals)
            for name, value in defaults.items():
                values.setdefault(name, value)
            result.append(values)
        return result

    def _add_precomputed_values(self, vals_list):
        """Compute before the INSERT the stored computed fields whose column cannot stay NULL
        (``required``, hence ``NOT NULL``) or that ask for it (``precompute``), on an in-memory
        record holding the values; the result then counts as given (CMP-7)."""
        fields = [f for f in self._fields.values()
                  if f.compute and f.column and (f.required or f.precompute) and not f.inherited]
        for vals in vals_list:
            missing = [f for f in fields if f.name not in vals]
            if not missing:
                continue
            record = self.new(vals)
            for field in missing:
                vals[field.name] = field.convert_to_write(record[field.name], record)

    def _check_required_create(self, vals_list):
        required = [f for f in self._fields.values()
                    if f.required and f.store and not f.compute and f.name not in ("id",) + LOG_ACCESS_COLUMNS
                    and not f.inherited and f.type != "boolean"]
        link_names = set(self._inherits.values())
        missing = set()
        for vals in vals_list:
            for field in required:
                if field.name in link_names:
                    continue
                if _is_missing(field, vals.get(field.name)):
                    missing.add(field)
            for parent_model, link in self._inherits.items():
                if vals.get(link):
                    continue
                for field in self._fields.values():
                    if field.inherited and field.related[0] == link and field.related_field.required \
                            and not field.related_field.compute and field.related_field.type != "boolean" \
                            and field.related_field.default is None:
                        if _is_missing(field, vals.get(field.name)):
                            missing.add(field)
        if missing:
            labels = ", ".join(f"{f.string} ({f.name})" for f in sorted(missing, key=lambda f: f.name))
            raise ValidationError(self.env._(
                "The following required fields are missing on %s: %s", self._description, labels))

    def _create_inherits_parents(self, vals_list):
        """Create the ``_inherits`` parent records from the values of their fields (MOD-11)."""
        if not self._inherits:
            return vals_list
        result = [dict(v) for v in vals_list]
        for parent_model, link in self._inherits.items():
            to_create = []
            positions = []
            for index, vals in enumerate(result):
                parent_vals = {}
                for name in list(vals):
                    field = self._fields[name]
                    if field.inherited and field.related[0] == link:
                        parent_vals[field.related[1]] = vals.pop(name)
                if vals.get(link):
                    if parent_vals:
                        self.env[parent_model].browse(vals[link]).write(parent_vals)
                else:
                    to_create.append(parent_vals)
                    positions.append(index)
            if to_create:
                parents = self.env[parent_model].create(to_create)
                for index, parent_id in zip(positions, parents._ids):
                    result[index][link] = parent_id
        return result

    def _insert_rows(self, vals_list, stored_names):
        """INSERT the column values (one statement per batch) and fill the cache."""
        env = self.env
        cr = env.cr
        now = cr.now()
        columns = list(stored_names)
        magic = self._log_access
        if magic:
            columns += list(LOG_ACCESS_COLUMNS)
        fields = [self._fields[name] for name in stored_names]
        empty = self.browse()
        lang = env.lang or "en_US"
        rows = []
        cache_rows = []
        for vals in vals_list:
            row = []
            cache_row = []
            for field in fields:
                if field.name in vals:
                    cache_value = field.convert_to_cache_for_values(vals[field.name], self, vals)
                else:
                    cache_value = field.cache_null() if field.type not in ("integer", "float", "monetary", "boolean") \
                        else None
                cache_row.append(cache_value)
                if field.translate:
                    if cache_value is None:
                        row.append(None)
                    else:
                        translations = {"en_US": cache_value}
                        translations[lang] = cache_value
                        row.append(json.dumps(translations))
                elif cache_value is None:
                    row.append(None)
                else:
                    row.append(field.convert_to_column(cache_value, empty))
            if magic:
                row += [env.uid, now, env.uid, now]
            rows.append(tuple(row))
            cache_rows.append(cache_row)
        ids = []
        batch = self.pool.create_batch
        if columns:
            query = SQL("INSERT INTO %s (%s) VALUES ", SQL.identifier(self._table),
                        SQL.join(", ", [SQL.identifier(c) for c in columns])).code + "%s RETURNING id"
        else:
            query = SQL("INSERT INTO %s DEFAULT VALUES RETURNING id", SQL.identifier(self._table)).code
        try:
            if columns:
                for start in range(0, len(rows), batch):
                    result = cr.execute_values(query, rows[start:start + batch], page_size=batch, fetch=True)
                    ids.extend(r[0] for r in result)
            else:
                for _ in rows:
                    cr.execute(query)
                    ids.append(cr.fetchone()[0])
        except Exception as exc:
            import psycopg2
            if isinstance(exc, psycopg2.IntegrityError):
                mapped = map_integrity_error(env, exc)
                if mapped is not None:
                    raise mapped from exc
            raise
        records = self._browse(env, tuple(ids), tuple(ids))
        cache = env.cache
        for index, field in enumerate(fields):
            values = []
            for cache_row in cache_rows:
                value = cache_row[index]
                if value is None and field.type in ("integer", "float", "monetary", "boolean"):
                    value = field.convert_to_cache(None, empty)
                values.append(value)
            cache.update(records, field, values)
        for field in self._fields.values():
            if field.column and field.name not in stored_names and not field.compute and field.name != "id" \
                    and field.name not in LOG_ACCESS_COLUMNS:
                cache.update(records, field, [field.convert_to_cache(None, empty, validate=False)] * len(ids))
        # one2many values cached on the targets of the new records' many2one are stale now
        for index, field in enumerate(fields):
            if field.type == "many2one":
                inverses = self.pool.field_inverses.get(field)
                if inverses:
                    targets = {row[index] for row in cache_rows if row[index]}
                    if targets:
                        cache.invalidate([(inverse, targets) for inverse in inverses])
        if magic:
            for name, value in (("create_uid", env.uid), ("write_uid", env.uid), ("create_date", now),
                                ("write_date", now)):
                cache.update(records, self._fields[name], [value] * len(ids))
        return records

    def _call_inverses(self, records, inverse_fields, vals_list=None):
        done = set()
        for field in inverse_fields:
            key = field.inverse if isinstance(field.inverse, str) else id(field.inverse)
            if key in done:
                continue
            done.add(key)
            targets = records
            if vals_list is not None:
                targets = records.browse(tuple(r._ids[0] for r, v in zip(records, vals_list) if field.name in v))
            if not targets:
                continue
            if isinstance(field.inverse, str):
                getattr(targets, field.inverse)()
            else:
                field.inverse(targets)

    # -- write -----------------------------------------------------------------------------------
    def write(self, vals):
        """Write ``vals`` on every record (orm.md API-2); returns True.

        :raises AccessError: access rights, record rules or field groups refuse the write
        :raises ValidationError: a required field is emptied or a constraint fails
        :raises ValueError: an unknown field or an invalid value
        """
        if not isinstance(vals, dict):
            raise InputError("write() takes a dict of field values")
        if not self:
            return True
        for name in vals:
            if name not in self._fields:
                raise invalid_field(self, name)
        env = self.env
        if not all(self._ids):
            for name, value in vals.items():
                self._update_new(self._fields[name], value)
            return True
        self.check_access_rights("write")
        access.check_field_groups(self, vals, "write")
        self.check_access_rule("write")
        self._check_concurrency()
        vals = {k: v for k, v in vals.items() if k not in ("id",) + LOG_ACCESS_COLUMNS}
        if not vals:
            return True
        self._check_required_write(vals)
        # delegate the values of _inherits fields to the parent records
        for parent_model, link in self._inherits.items():
            parent_vals = {}
            for name in list(vals):
                field = self._fields[name]
                if field.inherited and field.related[0] == link:
                    parent_vals[field.related[1]] = vals.pop(name)
            if parent_vals:
                self.mapped(link).write(parent_vals)
        if not vals:
            return True
        fields = [self._fields[name] for name in vals]
        relational = [f.name for f in fields if f.relational]
        protected = [f for f in fields if f.compute and f.store] + [f for f in fields if f.inverse and f.compute]
        with env.protecting(protected, self):
            if relational:
                self.modified(relational, before=True)
            # relational values last; monetary amounts after their currency (rounding)
            for field in sorted(fields, key=lambda f: (f.type == "monetary", f.relational)):
                if field.compute and not field.store:
                    if field.inverse:
                        env.cache.update(self, field, [field.convert_to_cache(vals[field.name], self)] * len(self))
                    continue
                field.write(self, vals[field.name])
                if field.compute and field.store:
                    env.remove_to_compute(field, self)
            if self._log_access:
                self._fields["write_uid"].write(self, env.uid)
                self._fields["write_date"].write(self, env.cr.now())
            self.modified(list(vals))
            self._call_inverses(self, [f for f in fields if f.inverse and f.compute])
        if self._active_name and self._active_name in vals:
            # cached x2many values towards this model hide archived records (DOM-30): now stale
            env.cache.invalidate([(field, None) for model_name in self.pool
                                  for field in self.pool[model_name]._fields.values()
                                  if field.type in ("one2many", "many2many") and field.comodel_name == self._name])
        if self._parent_store and self._parent_name in vals:
            self._parent_store_update()
        self._validate_fields(vals)
        return True

    def _check_required_write(self, vals):
        missing = []
        for name, value in vals.items():
            field = self._fields[name]
            if field.required and field.type != "boolean" and not field.compute and _is_missing(field, value):
                missing.append(field)
        if missing:
            labels = ", ".join(f"{f.string} ({f.name})" for f in missing)
            raise ValidationError(self.env._(
                "The following required fields cannot be emptied on %s: %s", self._description, labels))

    def _check_concurrency(self):
        """Refuse the change when a record was modified after the client read it (TRX-7)."""
        last = self.env.context.get("__last_update")
        if not last or not self._log_access or not isinstance(last, dict):
            return
        keys = {f"{self._name},{i}": i for i in self.ids}
        wanted = {keys[k]: v for k, v in last.items() if k in keys and v}
        if not wanted:
            return
        self.flush_model(["write_date"])
        self.env.cr.execute(SQL("SELECT id, COALESCE(write_date, create_date) FROM %s WHERE id IN %s",
                                SQL.identifier(self._table), tuple(wanted)))
        from .fields.temporal import Datetime
        for record_id, stamp in self.env.cr.fetchall():
            try:
                seen = Datetime.to_datetime(wanted[record_id])
            except ValueError:
                raise InputError(f"Invalid __last_update value {wanted[record_id]!r}") from None
            if stamp and seen and stamp.replace(microsecond=0) > seen:
                raise ValidationError(self.env._(
                    "A document was modified by another user since you last viewed it (%s, id %s). "
                    "Reload it to see the changes.", self._description, record_id))

    # -- unlink ----------------------------------------------------------------------------------
    def unlink(self):
        """Delete the records (orm.md API-6); returns True.

        :raises AccessError: access rights or record rules refuse the deletion
        :raises UserError: other records still reference these and forbid their deletion
        """
        if not self:
            return True
        env = self.env
        real = self.browse(tuple(i for i in self._ids if i))
        if not real:
            return True
        self.check_access_rights("unlink")
        real.check_access_rule("unlink")
        real._check_concurrency()
        uninstalling = env.context.get("module_uninstall")
        for method in self.pool.ondelete_methods.get(self._name, ()):
            if uninstalling and not method._ondelete:
                continue
            method(real)
        for field in self._fields.values():
            if field.compute and field.store:
                env.remove_to_compute(field, real)
        env.flush_all()
        # what depends on these records is marked now and recomputed after the deletion
        real.modified([name for name in self._fields if name != "id"], before=True)
        ids = list(real._ids)
        if "ir.attachment" in env and self._name != "ir.attachment":
            env["ir.attachment"].sudo()._delete_for_records(self._name, ids)
        if "ir.model.data" in env and self._name != "ir.model.data":
            env.cr.execute(SQL("DELETE FROM ir_model_data WHERE model = %s AND res_id IN %s", self._name,
                               tuple(ids)))
            if env.cr.rowcount:
                # external id lookups are cached in the registry
                self.pool.clear_cache()
        for start in range(0, len(ids), 1000):
            chunk = tuple(ids[start:start + 1000])
            execute_checked(env, SQL("DELETE FROM %s WHERE id IN %s", SQL.identifier(self._table), chunk))
        self._forget_deleted(ids)
        return True

    def _forget_deleted(self, ids):
        """Remove every trace of deleted ids from the transaction (cache, pending work)."""
        env = self.env
        transaction = env.transaction
        pending = transaction.towrite.get(self._name)
        if pending:
            for record_id in ids:
                pending.pop(record_id, None)
        for field in self._fields.values():
            env.cache.invalidate([(field, ids)])
            todo = transaction.tocompute.get(field)
            if todo:
                todo.difference_update(ids)
        for field in self.pool.fields_by_comodel.get(self._name, ()):
            if field.type in ("one2many", "many2many"):
                env.cache.patch_x2many(field, ids)
            else:
                # database ON DELETE rules changed these values
                env.cache.invalidate([(field, None)])

    # -- copy ------------------------------------------------------------------------------------
    def copy_data(self, default=None):
        """The values to create a copy of the singleton: ``[vals]`` (orm.md API-7)."""
        self.ensure_one()
        default = dict(default or {})
        vals = {}
        for name, field in self._fields.items():
            if name in default or name == "id" or name in LOG_ACCESS_COLUMNS:
                continue
            if not field.copy:
                continue
            if not access.has_field_access(self, field):
                # the copy of a user who may not see a field gets the field's default instead
                continue
            if field.compute and not field.store and not field.inherited:
                continue
            if field.inherited:
                target = field.related_field
                if not target.copy:
                    continue
                field = target
            value = self[name]
            if field.type == "one2many":
                inverse = field.inverse_name
                lines = []
                for line in value:
                    data = line.copy_data()[0]
                    data.pop(inverse, None)
                    lines.append(Command.create(data))
                vals[name] = lines
            elif field.type == "many2many":
                vals[name] = [Command.set(value.ids)]
            else:
                vals[name] = field.convert_to_write(value, self)
        for link in self._inherits.values():
            vals.pop(link, None)
        vals.update(default)
        return [vals]

    def copy(self, default=None):
        """Duplicate the singleton; returns the new record."""
        self.ensure_one()
        vals_list = self.copy_data(default)
        new = self.create(vals_list)
        translated = [f for f in self._fields.values()
                      if f.translate and f.column and f.copy and f.name not in (default or {})]
        if translated:
            self.flush_model([f.name for f in translated])
            new.flush_model([f.name for f in translated])
            assignments = SQL.join(", ", [SQL("%s = src.%s", SQL.identifier(f.name), SQL.identifier(f.name))
                                          for f in translated])
            self.env.cr.execute(SQL("UPDATE %s SET %s FROM %s src WHERE %s.id = %s AND src.id = %s",
                                    SQL.identifier(self._table), assignments, SQL.identifier(self._table),
                                    SQL.identifier(self._table), new.id, self.id))
            new.invalidate_recordset([f.name for f in translated], flush=False)
        return new

    # -- constraints -----------------------------------------------------------------------------
    def _validate_fields(self, field_names):
        """Run the ``@api.constrains`` methods concerned by ``field_names`` (DEC-4)."""
        names = set(field_names)
        for method, fnames in self.pool.constraint_methods.get(self._name, ()):
            if names.intersection(fnames):
                method(self)

    # -- archiving and names ---------------------------------------------------------------------
    def action_archive(self):
        """Set the archive flag off on the active records."""
        return self.filtered(lambda r: r[self._active_name]).toggle_active()

    def action_unarchive(self):
        return self.filtered(lambda r: not r[self._active_name]).toggle_active()

    def toggle_active(self):
        name = self._active_name
        if not name:
            raise UserError(self.env._("The model %s cannot be archived.", self._name))
        active = self.filtered(lambda r: r[name])
        inactive = self - active
        active.write({name: False})
        inactive.write({name: True})
        return True

    @api.model
    def name_create(self, name):
        """Create a record from its name only; returns ``(id, display_name)``."""
        if not self._rec_name:
            raise UserError(self.env._("Cannot create a new %s from a name: it has no name field.",
                                       self._description))
        record = self.create({self._rec_name: name})
        return record.id, record.display_name

    # -- change propagation ----------------------------------------------------------------------
    def modified(self, fnames, create=False, before=False):
        """Mark what depends on ``fnames`` of ``self`` for recomputation or invalidation (CMP-6)."""
        if not self or not fnames:
            return
        self.env.transaction.rule_cache.clear()
        tree = self.pool.get_trigger_tree(self._name, tuple(fnames))
        if tree:
            self._modified_triggers(tree, create)

    def _modified_triggers(self, tree, create=False):
        if not self:
            return
        env = self.env
        protected = env.transaction.protected
        for field in tree.root:
            shielded = protected.get(field)
            records = self if not shielded else self.browse(tuple(i for i in self._ids if i not in shielded))
            if records and field.recursive:
                # records already marked were followed already: this also stops on cycles
                if field.store:
                    marked = env.transaction.tocompute.get(field, ())
                    records = records.browse(tuple(i for i in records._ids if not i or i not in marked))
                else:
                    cached = set(env.cache.cached_ids(env, field))
                    records = records.browse(tuple(i for i in records._ids if i in cached))
            if not records:
                continue
            if field.store:
                real = records.browse(tuple(i for i in records._ids if i))
                if real:
                    env.add_to_compute(field, real)
                    if field.context_dependent:
                        env.cache.invalidate([(field, real._ids)])
                fresh = [i for i in records._ids if not i]
                if fresh:
                    env.cache.invalidate([(field, fresh)])
            else:
                env.cache.invalidate([(field, records._ids)])
            if field.recursive:
                # the field depends on itself on related records (``child_ids.tree_total``): their
                # values change in turn, up the hierarchy (CMP-6.8)
                records._modified_triggers(self.pool.get_trigger_tree(records._name, (field.name,)))
        for key, subtree in tree.children.items():
            if create and key.type in ("many2one", "many2one_reference"):
                continue
            model = env[key.model_name]
            others = None
            for inverse in self.pool.field_inverses.get(key, ()):
                # an x2many value hides archived records (and those outside its domain): search then
                if inverse.model_name == self._name and not (inverse.type in ("one2many", "many2many")
                                                             and (inverse.domain or model._active_name)):
                    others = self.sudo()[inverse.name] if len(self) == 1 else self.sudo().mapped(inverse.name)
                    others = others.with_env(env)
                    break
            if others is None:
                real = [i for i in self._ids if i]
                if not real:
                    continue
                if not subtree.has_stored() or not (key.store or key.search or key.related):
                    # only non-stored values depend on it (no record to find: forget them
                    # everywhere), or the records cannot be found through a non-searchable
                    # computed field
                    _invalidate_subtree(env, subtree)
                    continue
                others = model.sudo().with_context(active_test=False).search(
                    [(key.name, "in", real)], order="id").with_env(env)
            if others:
                others._modified_triggers(subtree)

    def _recompute_field(self, field, ids=None):
        """Recompute the pending values of the stored computed ``field`` (for ``ids`` or all)."""
        env = self.env
        pending = env.transaction.tocompute.get(field)
        if not pending:
            return
        ids = list(pending) if ids is None else [i for i in ids if i in pending]
        # records whose value is being computed right now are not computed again (re-entrance)
        shielded = env.transaction.protected.get(field)
        if shielded:
            ids = [i for i in ids if i not in shielded]
        if not ids:
            return
        records = self.browse(tuple(ids)).exists()
        gone = set(ids) - set(records._ids)
        if gone:
            pending.difference_update(gone)
        if records and field.recursive:
            # one record at a time: computing a record reads the pending values of its relatives
            # (``parent_id.total``), which must then be computed first, not read stale (CMP-6.8)
            for record in records:
                if record._ids[0] in pending:
                    field.compute_value(record)
                    for other in self.pool.field_computed.get(field, [field]):
                        env.remove_to_compute(other, record)
            return
        if records:
            field.compute_value(records)
        for other in self.pool.field_computed.get(field, [field]):
            env.remove_to_compute(other, records)

    def _recompute_model(self, fnames=None):
        env = self.env
        for field in list(env.transaction.tocompute):
            if field.model_name == self._name and (fnames is None or field.name in fnames):
                self._recompute_field(field)

    # -- flush and invalidation ------------------------------------------------------------------
    def flush_model(self, fnames=None):
        """Recompute and send the pending changes of this model (CCH-6)."""
        self._recompute_model(fnames)
        if self.env.transaction.towrite.get(self._name):
            self._flush_updates()

    def flush_recordset(self, fnames=None):
        """Like :meth:`flush_model` (pending changes of the model are sent together)."""
        self.flush_model(fnames)

    def flush(self, fnames=None, records=None):
        """Legacy alias of :meth:`flush_model`."""
        self.flush_model(fnames)

    def _flush_updates(self):
        """Send the queued column updates of this model (CCH-5).

        Records receiving identical values share one ``UPDATE ... WHERE id IN (...)``; records
        receiving different values for the same columns (typically freshly computed fields) share
        one ``UPDATE ... FROM (VALUES ...)`` per batch, so flushing never costs a query per record.
        """
        env = self.env
        pending = env.transaction.towrite.pop(self._name, None)
        if not pending:
            return
        by_value = {}
        for record_id, values in pending.items():
            key = tuple(sorted((name, _freeze(value)) for name, value in values.items()))
            group = by_value.get(key)
            if group is None:
                by_value[key] = (values, [record_id])
            else:
                group[1].append(record_id)
        by_columns = defaultdict(list)
        for values, ids in by_value.values():
            if len(ids) == 1 and not any(self._fields[name].translate for name in values):
                by_columns[tuple(sorted(values))].append((ids[0], values))
            else:
                self._update_same_values(values, ids)
        for names, rows in by_columns.items():
            if len(rows) == 1:
                self._update_same_values(rows[0][1], [rows[0][0]])
            else:
                self._update_many_values(names, rows)

    def _update_same_values(self, values, ids):
        env = self.env
        empty = self.browse()
        assignments = []
        for name, value in sorted(values.items()):
            field = self._fields[name]
            column = SQL.identifier(name)
            if field.translate:
                translations = dict(value)
                first = next(iter(translations.values()))
                assignments.append(SQL("%s = COALESCE(%s, %s::jsonb) || %s::jsonb", column, column,
                                       json.dumps({"en_US": first}), json.dumps(translations)))
            else:
                param = None if value is None else field.convert_to_column(value, empty)
                assignments.append(SQL("%s = %s", column, param))
        for start in range(0, len(ids), 1000):
            chunk = tuple(sorted(ids[start:start + 1000]))
            execute_checked(env, SQL("UPDATE %s SET %s WHERE id IN %s", SQL.identifier(self._table),
                                     SQL.join(", ", assignments), chunk))

    def _update_many_values(self, names, rows):
        """One ``UPDATE ... FROM (VALUES ...)`` per batch of records with their own values."""
        import psycopg2
        env = self.env
        empty = self.browse()
        fields = [self._fields[name] for name in names]
        table = SQL.identifier(self._table).code
        assignments = ", ".join(f'"{name}" = "__values"."{name}"' for name in names)
        columns = ", ".join(["id"] + [f'"{name}"' for name in names])
        query = (f"UPDATE {table} SET {assignments} FROM (VALUES %s) AS \"__values\"({columns}) "
                 f"WHERE {table}.id = \"__values\".id")
        template = "(" + ", ".join(["%s::int4"] + [f"%s::{f.column_type[1]}" for f in fields]) + ")"
        params = [tuple([record_id] + [None if values[f.name] is None else f.convert_to_column(values[f.name], empty)
                                       for f in fields]) for record_id, values in sorted(rows)]
        try:
            env.cr.execute_values(query, params, template=template, page_size=1000)
        except psycopg2.IntegrityError as exc:
            mapped = map_integrity_error(env, exc)
            if mapped is None:
                raise
            raise mapped from exc

    def invalidate_model(self, fnames=None, flush=True):
        """Forget the cached values of the model (after raw SQL)."""
        if flush:
            self.flush_model(fnames)
        fields = [self._fields[n] for n in fnames] if fnames else list(self._fields.values())
        self.env.cache.invalidate([(field, None) for field in fields])

    def invalidate_recordset(self, fnames=None, flush=True):
        """Forget the cached values of these records."""
        if flush:
            self.flush_model(fnames)
        fields = [self._fields[n] for n in fnames] if fnames else list(self._fields.values())
        self.env.cache.invalidate([(field, self._ids) for field in fields])

    def invalidate_cache(self, fnames=None, ids=None):
        """Legacy: forget cached values (of ``fnames``, for ``ids``), without flushing."""
        fields = [self._fields[n] for n in fnames] if fnames else list(self._fields.values())
        self.env.cache.invalidate([(field, ids) for field in fields])

    def _lock_for_update(self, nowait=False, skip_locked=False):
        """Lock the rows (``SELECT ... FOR NO KEY UPDATE``); returns the records locked (TRX-6)."""
        if not self.ids:
            return self
        option = " NOWAIT" if nowait else (" SKIP LOCKED" if skip_locked else "")
        self.env.cr.execute(SQL(f"SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE{option}",
                                SQL.identifier(self._table), tuple(self.ids)))
        locked = {row[0] for row in self.env.cr.fetchall()}
        return self.browse(tuple(i for i in self._ids if i in locked))

    # -- hierarchies -----------------------------------------------------------------------------
    def _parent_store_create(self):
        """Compute ``parent_path`` of new records (MOD-13)."""
        parent = self._parent_name
        self.flush_model([parent])
        self.env.cr.execute(SQL(
            "UPDATE %s AS node SET parent_path = concat((SELECT p.parent_path FROM %s p WHERE p.id = node.%s), "
            "node.id, '/') WHERE node.id IN %s", SQL.identifier(self._table), SQL.identifier(self._table),
            SQL.identifier(parent), tuple(self.ids)))
        self.invalidate_recordset(["parent_path"], flush=False)

    def _parent_store_update(self):
        """Rewrite ``parent_path`` of the records and their subtrees after a parent change."""
        if not self._check_recursion():
            raise ValidationError(self.env._("Recursion detected: a record cannot be its own ancestor (%s).",
                                             self._description))
        parent = self._parent_name
        self.flush_model([parent, "parent_path"])
        table = SQL.identifier(self._table)
        by_parent = defaultdict(list)
        for record in self:
            by_parent[record[parent].id].append(record.id)
        updated = []
        for parent_id, ids in by_parent.items():
            prefix = ""
            if parent_id:
                self.env.cr.execute(SQL("SELECT parent_path FROM %s WHERE id = %s", table, parent_id))
                row = self.env.cr.fetchone()
                prefix = row[0] if row and row[0] else ""
            self.env.cr.execute(SQL(
                "UPDATE %s AS child SET parent_path = concat(%s::text, substr(child.parent_path, "
                "length(node.parent_path) - length(node.id || '/') + 1)) FROM %s AS node "
                "WHERE node.id IN %s AND child.parent_path LIKE concat(node.parent_path, '%%') "
                "RETURNING child.id", table, prefix, table, tuple(ids)))
            updated += [row[0] for row in self.env.cr.fetchall()]
        self.browse(tuple(updated)).invalidate_recordset(["parent_path"], flush=False)

    def _parent_store_compute(self):
        """Compute ``parent_path`` for every row (at install, or to repair)."""
        parent = SQL.identifier(self._parent_name)
        table = SQL.identifier(self._table)
        self.flush_model([self._parent_name])
        self.env.cr.execute(SQL(
            "WITH RECURSIVE tree(id, parent_path) AS ("
            " SELECT row.id, concat(row.id, '/') FROM %s row WHERE row.%s IS NULL"
            " UNION SELECT row.id, concat(tree.parent_path, row.id, '/') FROM %s row, tree"
            " WHERE row.%s = tree.id)"
            " UPDATE %s row SET parent_path = tree.parent_path FROM tree"
            " WHERE row.id = tree.id AND row.parent_path IS DISTINCT FROM tree.parent_path",
            table, parent, table, parent, table))
        self.invalidate_model(["parent_path"], flush=False)

    def _check_recursion(self, parent=None):
        """Whether the parent links of the records contain no cycle (True when they are sane)."""
        parent = parent or self._parent_name
        self.flush_model([parent])
        table = SQL.identifier(self._table)
        for record_id in self.ids:
            current = record_id
            seen = set()
            while current:
                if current in seen:
                    return False
                seen.add(current)
                self.env.cr.execute(SQL("SELECT %s FROM %s WHERE id = %s", SQL.identifier(parent), table, current))
                row = self.env.cr.fetchone()
                current = row[0] if row else None
                if current == record_id:
                    return False
        return True

    # -- transient models ------------------------------------------------------------------------
    def _transient_clean_rows(self):
        """Delete transient rows past the age limit and the oldest beyond the count limit (MOD-3)."""
        if not self._transient:
            return
        config = self.pool.config
        hours = self._transient_max_hours if self._transient_max_hours is not None \
            else config["transient_age_limit"]
        count = self._transient_max_count if self._transient_max_count is not None \
            else config["osv_memory_count_limit"]
        table = SQL.identifier(self._table)
        ids = set()
        recent = SQL("COALESCE(write_date, create_date, (now() AT TIME ZONE 'UTC')) "
                     "< (now() AT TIME ZONE 'UTC') - interval '5 minutes'")
        if hours:
            self.env.cr.execute(SQL(
                "SELECT id FROM %s WHERE COALESCE(write_date, create_date, (now() AT TIME ZONE 'UTC')) "
                "< (now() AT TIME ZONE 'UTC') - %s * interval '1 hour' AND %s", table, float(hours), recent))
            ids.update(row[0] for row in self.env.cr.fetchall())
        if count:
            # the surplus is counted over all rows; only rows not touched recently may go
            self.env.cr.execute(SQL("SELECT count(*) FROM %s", table))
            surplus = self.env.cr.fetchone()[0] - int(count)
            if surplus > 0:
                self.env.cr.execute(SQL(
                    "SELECT id FROM %s WHERE %s ORDER BY COALESCE(write_date, create_date), id LIMIT %s",
                    table, recent, surplus))
                ids.update(row[0] for row in self.env.cr.fetchall())
        if ids:
            self.sudo().browse(sorted(ids)).unlink()
            _logger.info("transient vacuum: %d rows of %s deleted", len(ids), self._name)
        return len(ids)
