"""Import and export of records as rows of text (orm.md API-19, API-20), and ``_load_records``, the
one path by which data files and imports create or update records under an external id.

Both directions name columns with *field paths*::

    id                  the record's external id (``module.name``; no dot: ``__import__.name``)
    .id                 the record's database id
    name                a plain field
    partner_id          a Many2one by name (exact ``name_search``)
    partner_id/id       ... by external id (``partner_id:id`` is the same)
    partner_id/.id      ... by database id
    tag_ids/id          a Many2many: comma-separated external ids (``tag_ids`` alone: names)
    line_ids/name       a One2many subfield: one line per row

One2many lines continue on the rows below their record: a row whose own columns (those not under a
One2many/Many2many) are all empty belongs to the record above it::

    id,name,line_ids/name
    rec1,First,line A
    ,,line B                 <- second line of rec1
    rec2,Second,line C

``load`` converts everything first, then writes each record in its own savepoint so that every
error of the file is reported; any error rolls the whole import back (``ids`` is False). Messages
are dicts ``{'type', 'message', 'record', 'field', 'rows': {'from', 'to'}}`` (rows 0-based, not
counting the header).
"""
import datetime
import json
import logging
import re
import uuid
import zoneinfo

from ..exceptions import AccessError, ValidationError
from . import access
from . import decorators as api
from .commands import Command

_logger = logging.getLogger(__name__)

#: subfield names that designate a related record rather than one of its fields
_REFERENCES = (None, "id", ".id")
_TRUE = frozenset({"1", "true", "yes", "y", "t", "on"})
_FALSE = frozenset({"0", "false", "no", "n", "f", "off", ""})


class ImportValueError(ValueError):
    """A cell cannot be converted; the message is shown to the user as is."""


class _Rollback(Exception):
    """Raised inside the import savepoint to undo everything once errors were collected."""


def import_path(name):
    """Split a column name into a field path: ``'partner_id:id'`` -> ``['partner_id', 'id']``."""
    name = re.sub(r"([^/])\.id", r"\1/.id", name)
    name = re.sub(r"([^/]):id", r"\1/id", name)
    return name.split("/")


def _x2many(model, name):
    field = model._fields.get(name)
    return field is not None and field.type in ("one2many", "many2many")


def _relational(model, name):
    field = model._fields.get(name)
    return field is not None and field.relational


class LoadMixin:
    """``load``, ``export_data`` and ``_load_records``."""

    # -- data files and imports: create or update under an external id ---------------------------
    @api.model
    def _load_records(self, data_list, update=False):
        """Create or update records, then register their external ids (modules.md XML-3, IMD).

        :param data_list: dicts with ``values`` (write format), optional ``xml_id``
            (``module.name``) and ``noupdate`` (flag stored on new external ids); ``values`` may
            hold ``id`` to update that database record when there is no external id
        :param update: module update mode: a record whose external id is ``noupdate`` is left
            untouched (but still returned)
        :returns: the records, in the order of ``data_list``
        :raises ValidationError: the external id belongs to a record of another model
        """
        imd = self.env["ir.model.data"].sudo()
        ids = []
        for data in data_list:
            values = dict(data.get("values") or {})
            xml_id = data.get("xml_id")
            record_id = values.pop("id", None)
            record, skip = None, False
            if xml_id:
                row = imd._xmlid_row(xml_id)
                if row is not None:
                    data_id, model_name, res_id, noupdate = row
                    if model_name != self._name:
                        raise ValidationError(self.env._(
                            "External ID %s is a record of %s, not of %s.", xml_id, model_name, self._name))
                    record = self.browse(res_id).exists()
                    if record:
                        skip = update and noupdate
                    else:
                        # the record was deleted behind the external id's back: forget the id
                        imd.browse(data_id).unlink()
                        record = None
            if record is None and record_id:
                record = self.browse(int(record_id))
            if record is None:
                record = self._load_records_create([values])
            elif not skip:
                record._load_records_write(values)
            if xml_id:
                imd._update_xmlids([{"xml_id": xml_id, "model": self._name, "res_id": record.id,
                                     "noupdate": bool(data.get("noupdate"))}])
            ids.append(record.id)
        return self.browse(ids)

    @api.model
    def _load_records_create(self, values_list):
        """Create records for data files and imports (a hook for models that need to know)."""
        return self.create(values_list)

    def _load_records_write(self, values):
        """Write data file or import values (a hook for models that need to know)."""
        self.write(values)

    # -- import ----------------------------------------------------------------------------------
    @api.model
    def load(self, fields, data):
        """Import ``data`` (rows of strings) into columns named by ``fields`` (field paths).

        Context keys: ``module`` (namespace of external ids without a dot, default
        ``__import__``), ``mode`` (``init``; ``update`` leaves ``noupdate`` records alone),
        ``noupdate`` (flag of the external ids created), ``import_dryrun`` (check every row, then
        roll everything back: the reply says what a real import would do), ``import_skip_errors``
        (keep the rows that load, report the others, instead of rolling back on the first error).

        :returns: ``{'ids': [ids] or False, 'messages': [...], 'nextrow': 0}``
        """
        context = self.env.context
        module = context.get("module") or "__import__"
        update = context.get("mode") == "update"
        noupdate = bool(context.get("noupdate"))
        importer = self.with_context(import_current_module=module)
        paths = [import_path(name) for name in fields]
        messages = []
        error = importer._check_import_paths(paths)
        if error:
            return {"ids": False, "messages": [error], "nextrow": 0}
        rows = [[("" if cell is None else str(cell)) for cell in row] for row in data]
        for row in rows:
            if len(row) != len(paths):
                return {"ids": False, "nextrow": 0, "messages": [self._import_message(
                    f"Row has {len(row)} values for {len(paths)} columns", None, None, 0, 0)]}
        self.env.flush_all()
        ids = []
        try:
            with self.env.cr.savepoint():
                for index, (record, rows_info) in enumerate(importer._extract_records(paths, rows)):
                    def log(field, message, index=index, rows_info=rows_info):
                        messages.append(importer._import_message(message, index, field, *rows_info))
                    before = len(messages)
                    xml_id, record_id, values = importer._convert_import_record(record, module, log)
                    if any(message["type"] == "error" for message in messages[before:]):
                        continue
                    if update and not xml_id and not record_id:
                        continue
                    if record_id:
                        values["id"] = record_id
                    try:
                        with self.env.cr.savepoint():
                            loaded = importer._load_records(
                                [{"xml_id": xml_id, "values": values, "noupdate": noupdate}], update)
                        ids.append(loaded.id)
                    except AccessError:
                        # a refusal is not a problem of the file: the whole call is refused
                        raise
                    except Exception as exc:  # noqa: BLE001 - any failure is reported, then rolled back
                        _logger.debug("import of row %s failed", rows_info[0], exc_info=True)
                        messages.append(importer._import_message(_error_text(exc), index, None, *rows_info))
                failed = any(message["type"] == "error" for message in messages)
                if context.get("import_dryrun") or (failed and not context.get("import_skip_errors")):
                    raise _Rollback
        except _Rollback:
            if context.get("import_dryrun") and not failed:
                return {"ids": ids, "messages": messages, "nextrow": 0, "dryrun": True}
            return {"ids": False, "messages": messages, "nextrow": 0}
        return {"ids": ids, "messages": messages, "nextrow": 0}

    @api.model
    def _import_message(self, message, record, field, row_from, row_to, type="error"):
        result = {"type": type, "message": message, "record": record, "field": field or False,
                  "rows": {"from": row_from, "to": row_to}}
        if field and field in self._fields:
            result["field_name"] = self._fields[field].string or field
        return result

    @api.model
    def _check_import_paths(self, paths):
        """An error message for the first path naming an unknown field, else None."""
        for path in paths:
            model = self
            for position, name in enumerate(path):
                if position == 0 and name in ("id", ".id") and len(path) == 1:
                    break
                if position > 0 and name in ("id", ".id"):
                    if position != len(path) - 1:
                        return self._import_message(f"Invalid column {'/'.join(path)!r}", None, path[0], 0, 0)
                    break
                field = model._fields.get(name)
                if field is None:
                    return self._import_message(
                        f"Unknown field {name!r} on model {model._name!r} (column {'/'.join(path)!r})",
                        None, path[0], 0, 0)
                if position < len(path) - 1:
                    if not field.relational:
                        return self._import_message(
                            f"Field {name!r} is not relational (column {'/'.join(path)!r})", None, path[0], 0, 0)
                    model = self.env[field.comodel_name]
        return None

    @api.model
    def _extract_records(self, paths, rows):
        """Group rows into records: yields ``(record, (row_from, row_to))`` where ``record`` maps
        field names to cells and relational fields to lists of sub-records (dicts keyed by
        subfield, ``None`` meaning "by name")."""
        own = [i for i, path in enumerate(paths) if not _x2many(self, path[0])]
        sub = [i for i, path in enumerate(paths) if _x2many(self, path[0])]
        relational = list(dict.fromkeys(path[0] for path in paths if _relational(self, path[0])))
        index = 0
        while index < len(rows):
            row = rows[index]
            end = index + 1
            while end < len(rows) and any(rows[end][i] for i in sub) and not any(rows[end][i] for i in own):
                end += 1
            span = rows[index:end]
            record = {path[0]: row[i] for i, path in enumerate(paths) if not _relational(self, path[0])}
            for name in relational:
                comodel = self.env[self._fields[name].comodel_name]
                columns = [(i, path[1:] or [None]) for i, path in enumerate(paths) if path[0] == name]
                subpaths = [subpath for _, subpath in columns]
                subrows = [[line[i] for i, _ in columns] for line in span]
                subrows = [line for line in subrows if any(line)]
                record[name] = [subrecord for subrecord, _ in comodel._extract_records(subpaths, subrows)]
            yield record, (index, end - 1)
            index = end

    @api.model
    def _convert_import_record(self, record, module, log):
        """``(xml_id, database id, write values)`` of an extracted record; errors go to ``log``."""
        xml_id = record.get("id") or None
        if xml_id:
            xml_id = xml_id.strip()
            if "." not in xml_id:
                xml_id = f"{module}.{xml_id}"
        record_id = None
        if record.get(".id"):
            try:
                record_id = int(record[".id"])
            except ValueError:
                log(".id", f"Invalid database id {record['.id']!r}")
            else:
                if not self.browse(record_id).exists():
                    log(".id", f"Unknown database id {record_id}")
                    record_id = None
        return xml_id, record_id, self._convert_import_values(record, log)

    @api.model
    def _convert_import_values(self, record, log):
        values = {}
        for name, value in record.items():
            if name in _REFERENCES:
                continue
            field = self._fields[name]
            if not value:
                values[name] = False
                continue
            converter = IMPORT_CONVERTERS.get(field.type, _import_text)
            try:
                values[name] = converter(self, field, value, log)
            except ImportValueError as exc:
                log(name, str(exc))
            except ValueError as exc:
                log(name, f"{exc} (field {field.string or name!r})")
        return values

    # -- export ----------------------------------------------------------------------------------
    def export_data(self, fields_to_export):
        """Export the records as rows of values under the field paths ``fields_to_export``.

        ``id`` columns hold external ids (``__export__.<table>_<id>_<8 hex>`` is created for records
        without one); a path through a Many2one exports the related record's value; paths under a
        One2many or Many2many spread the lines over continuation rows (``tag_ids/id`` alone gives
        one comma-separated cell, as ``load`` reads it back).

        :returns: ``{'datas': [[value, ...], ...]}``
        """
        paths = [import_path(name) for name in fields_to_export]
        error = self._check_import_paths(paths)
        if error:
            raise ValidationError(error["message"])
        return {"datas": self._export_rows(paths)}

    def _export_rows(self, paths, toplevel=True):
        """Rows of ``paths`` for ``self``; the records and those reached through the paths must be
        readable by the user (values already in the cache do not count, security.md ACL-3)."""
        if toplevel:
            self.check_access("read")
        access.check_field_groups(self, {p[0] for p in paths if p and p[0] not in ("id", ".id")}, "read")
        for name in {p[0] for p in paths if len(p) > 1 and p[1:] != ["display_name"]}:
            # one check per link for all the records (not one per record below)
            if self._fields[name].relational:
                self.mapped(name).check_access("read")
        lines = []
        for record in self:
            current = [""] * len(paths)
            lines.append(current)
            done = set()
            for index, path in enumerate(paths):
                if not path:
                    continue
                name = path[0]
                if name in done:
                    continue
                if name == ".id":
                    current[index] = str(record.id)
                    continue
                if name == "id":
                    # collected below, one query per model for the whole export
                    current[index] = (record._name, record.id)
                    continue
                field = record._fields[name]
                value = record[name]
                if not hasattr(value, "_ids") or (field.type == "many2one" and all(
                        p[1:] in ([], ["display_name"]) for p in paths if p and p[0] == name)):
                    # a many2one alone: the name the user may see (access.display_name_of)
                    current[index] = field.convert_to_export(value, record)
                    continue
                done.add(name)
                subpaths = [(p[1:] or ["display_name"]) if p and p[0] == name else [] for p in paths]
                if field.type == "many2many":
                    # one cell, comma separated, in the column of the first reference asked for
                    position = next((i for i, p in enumerate(subpaths) if p in (["id"], [".id"])), index)
                    if subpaths[position] == ["id"]:
                        current[position] = ",".join(xid for _, xid in value._ensure_xml_ids())
                    elif subpaths[position] == [".id"]:
                        current[position] = ",".join(str(i) for i in value.ids)
                    else:
                        current[position] = field.convert_to_export(value, record)
                    continue
                sublines = value._export_rows(subpaths, toplevel=False)
                if sublines:
                    for position, cell in enumerate(sublines[0]):
                        if cell or isinstance(cell, (int, float)):
                            current[position] = cell
                    lines.extend(sublines[1:])
        if toplevel:
            self._export_resolve_xml_ids(lines)
        return lines

    def _export_resolve_xml_ids(self, lines):
        """Replace the ``(model, id)`` placeholders of ``lines`` by external ids."""
        by_model = {}
        for line in lines:
            for cell in line:
                if isinstance(cell, tuple):
                    by_model.setdefault(cell[0], set()).add(cell[1])
        xml_ids = {}
        for model_name, ids in by_model.items():
            for record, xml_id in self.env[model_name].browse(sorted(ids))._ensure_xml_ids():
                xml_ids[(model_name, record.id)] = xml_id
        for line in lines:
            for position, cell in enumerate(line):
                if isinstance(cell, tuple):
                    line[position] = xml_ids[cell]

    def _ensure_xml_ids(self):
        """``[(record, 'module.name')]``, creating ``__export__`` external ids where missing (IMD-4)."""
        if not self:
            return []
        imd = self.env["ir.model.data"].sudo()
        imd.flush_model()
        self.env.cr.execute(
            "SELECT res_id, module, name FROM ir_model_data WHERE model = %s AND res_id = ANY(%s) "
            "ORDER BY module = '__export__', id", [self._name, list(self.ids)])
        existing = {}
        for res_id, module, name in self.env.cr.fetchall():
            existing.setdefault(res_id, f"{module}.{name}")
        missing = [record_id for record_id in self.ids if record_id not in existing]
        if missing:
            entries = [{"xml_id": f"__export__.{self._table}_{record_id}_{uuid.uuid4().hex[:8]}",
                        "model": self._name, "res_id": record_id, "noupdate": False} for record_id in missing]
            imd._update_xmlids(entries)
            existing.update((entry["res_id"], entry["xml_id"]) for entry in entries)
        return [(record, existing[record.id]) for record in self]

    # -- references ------------------------------------------------------------------------------
    @api.model
    def _import_reference(self, field, subfield, value):
        """The database id of the ``field.comodel`` record referenced by ``value``.

        :param subfield: ``'id'`` (external id), ``'.id'`` (database id) or None (exact name)
        :raises ImportValueError: nothing matches
        """
        comodel = self.env[field.comodel_name]
        label = field.string or field.name
        value = value.strip()
        if subfield == ".id":
            try:
                record_id = int(value)
            except ValueError:
                raise ImportValueError(f"Invalid database id {value!r} for field {label!r}") from None
            if not comodel.browse(record_id).exists():
                raise ImportValueError(f"No matching record found for database id {value!r} in field {label!r}")
            return record_id
        if subfield == "id":
            xml_id = value if "." in value else f"{self.env.context.get('import_current_module') or '__import__'}.{value}"
            res_model, res_id = self.env["ir.model.data"].sudo()._xmlid_to_res_model_res_id(xml_id)
            if not res_id or res_model != comodel._name or not comodel.browse(res_id).exists():
                raise ImportValueError(f"No matching record found for external id {xml_id!r} in field {label!r}")
            return res_id
        matches = comodel.name_search(name=value, operator="=", limit=2)
        if not matches:
            raise ImportValueError(f"No matching record found for name {value!r} in field {label!r}")
        return matches[0][0]


def _error_text(exc):
    message = getattr(exc, "message", None) or (exc.args[0] if exc.args else "") or type(exc).__name__
    return str(message)


def _reference_subfield(field, subrecord):
    keys = [key for key in subrecord if key in _REFERENCES]
    others = [key for key in subrecord if key not in _REFERENCES and subrecord[key]]
    if others or len(keys) != 1:
        raise ImportValueError(f"Field {field.string or field.name!r} can only be given by name, "
                               f"external id (/id) or database id (/.id)")
    return keys[0]


# -- cell converters (cell text -> write value) ----------------------------------------------------
def _import_text(model, field, value, log):
    return value


def _import_boolean(model, field, value, log):
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImportValueError(f"Unknown value {value!r} for boolean field {field.string or field.name!r}: "
                           f"use 1/0, true/false or yes/no")


def _import_integer(model, field, value, log):
    try:
        return int(value.strip())
    except ValueError:
        raise ImportValueError(f"{value!r} is not an integer (field {field.string or field.name!r})") from None


def _import_float(model, field, value, log):
    try:
        return float(value.strip())
    except ValueError:
        raise ImportValueError(f"{value!r} is not a number (field {field.string or field.name!r})") from None


def _import_date(model, field, value, log):
    try:
        return datetime.datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ImportValueError(f"{value!r} is not a date in the format YYYY-MM-DD "
                               f"(field {field.string or field.name!r})") from None


def _import_datetime(model, field, value, log):
    text = value.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    else:
        raise ImportValueError(f"{value!r} is not a datetime in the format YYYY-MM-DD HH:MM:SS "
                               f"(field {field.string or field.name!r})")
    tz_name = model.env.context.get("tz")
    if tz_name:
        try:
            zone = zoneinfo.ZoneInfo(tz_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return parsed
        # the file is in the user's time zone; the database in UTC
        parsed = parsed.replace(tzinfo=zone).astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed


def _import_selection(model, field, value, log):
    text = value.strip()
    selection = field.get_selection(model.env)
    for key, label in selection:
        if str(key) == text:
            return key
    lowered = text.lower()
    for key, label in selection:
        if isinstance(label, str) and lowered in (label.lower(), model.env._(label).lower()):
            return key
    raise ImportValueError(f"Value {value!r} not found in selection field {field.string or field.name!r}")


def _import_reference_field(model, field, value, log):
    model_name, _, target = value.partition(",")
    model_name, target = model_name.strip(), target.strip()
    if model_name not in model.env or not target:
        raise ImportValueError(f"{value!r} is not a reference 'model,id' (field {field.string or field.name!r})")
    if target.isdigit():
        return f"{model_name},{int(target)}"
    xml_id = target if "." in target else f"{model.env.context.get('import_current_module') or '__import__'}.{target}"
    res_model, res_id = model.env["ir.model.data"].sudo()._xmlid_to_res_model_res_id(xml_id)
    if res_model != model_name or not res_id:
        raise ImportValueError(f"No matching record found for external id {xml_id!r} in field "
                               f"{field.string or field.name!r}")
    return f"{model_name},{res_id}"


def _import_json(model, field, value, log):
    try:
        return json.loads(value)
    except ValueError:
        raise ImportValueError(f"{value!r} is not JSON (field {field.string or field.name!r})") from None


def _import_many2one(model, field, subrecords, log):
    if len(subrecords) > 1:
        raise ImportValueError(f"Field {field.string or field.name!r} takes a single value")
    subrecord = subrecords[0]
    subfield = _reference_subfield(field, subrecord)
    return model._import_reference(field, subfield, subrecord[subfield])


def _import_many2many(model, field, subrecords, log):
    ids = []
    for subrecord in subrecords:
        subfield = _reference_subfield(field, subrecord)
        values = subrecord[subfield].split(",")
        for value in values:
            if value.strip():
                ids.append(model._import_reference(field, subfield, value))
    return [Command.set(list(dict.fromkeys(ids)))]


def _import_one2many(model, field, subrecords, log):
    comodel = model.env[field.comodel_name]
    if len(subrecords) == 1 and all(key in _REFERENCES for key in subrecords[0]):
        # a single cell listing references: 'ref1,ref2' as for a Many2many
        subfield = _reference_subfield(field, subrecords[0])
        subrecords = [{subfield: item} for item in subrecords[0][subfield].split(",") if item.strip()]
    commands = []
    for subrecord in subrecords:
        refs = {key: value for key, value in subrecord.items() if key in _REFERENCES and value}
        line = {key: value for key, value in subrecord.items() if key not in _REFERENCES}
        values = comodel._convert_import_values(line, lambda _name, message: log(field.name, message))
        if refs:
            subfield = _reference_subfield(field, refs)
            line_id = model._import_reference(field, subfield, refs[subfield])
            commands.append(Command.link(line_id))
            if values:
                commands.append(Command.update(line_id, values))
        else:
            commands.append(Command.create(values))
    return commands


#: field type -> converter of a cell (or of sub-records for relational fields)
IMPORT_CONVERTERS = {
    "boolean": _import_boolean,
    "integer": _import_integer,
    "float": _import_float,
    "monetary": _import_float,
    "date": _import_date,
    "datetime": _import_datetime,
    "selection": _import_selection,
    "reference": _import_reference_field,
    "json": _import_json,
    "many2one_reference": _import_integer,
    "many2one": _import_many2one,
    "many2many": _import_many2many,
    "one2many": _import_one2many,
}
