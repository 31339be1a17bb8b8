"""CSV data files: one row per record, the file name is the model (modules.md §9).

``security/ir.model.access.csv`` creates access rights::

    id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink
    access_book_user,library.book user,model_library_book,base.group_user,1,0,0,0

The ``id`` column is the record's external id (in the addon's namespace when it has no dot);
a column ``field:id`` (or ``field/id``) holds external ids of the records a relational field points
to, comma separated for x2many fields. Errors name the file, the line and the record id.
"""
import csv
import logging
from pathlib import Path

from ..orm.commands import Command

_logger = logging.getLogger(__name__)

TRUE_VALUES = ("1", "true", "yes", "y", "on", "t")
FALSE_VALUES = ("0", "false", "no", "n", "off", "f", "")


class DataFileError(ValueError):
    """A data file could not be loaded; the message names file, line and record id."""


def _full_xmlid(module, xml_id):
    return xml_id if "." in xml_id else f"{module}.{xml_id}"


def convert_cell(env, module, field, column, value):
    """The write value of a CSV cell for ``field``."""
    value = value.strip() if isinstance(value, str) else value
    if column.endswith((":id", "/id")):
        ids = []
        for ref in (v.strip() for v in value.split(",") if v.strip()):
            ids.append(env.ref(_full_xmlid(module, ref)).id)
        if field.type in ("one2many", "many2many"):
            return [Command.set(ids)]
        return ids[0] if ids else False
    if field.type == "boolean":
        lowered = value.lower()
        if lowered in TRUE_VALUES:
            return True
        if lowered in FALSE_VALUES:
            return False
        raise ValueError(f"{value!r} is not a boolean")
    if field.type == "integer":
        return int(value) if value else 0
    if field.type in ("float", "monetary"):
        return float(value) if value else 0.0
    if field.type == "many2one":
        return int(value) if value else False
    if field.type in ("one2many", "many2many"):
        return [Command.set([int(v) for v in value.split(",") if v.strip()])]
    return value if value != "" else False


def load_csv(env, module, path, mode="init", noupdate=False, loaded=None):
    """Load one CSV file of ``module``; returns the number of records created or updated.

    :param mode: ``'init'`` (install) or ``'update'`` (upgrade: ``noupdate`` records are kept)
    :raises DataFileError: naming the file, line and record id
    """
    path = Path(path)
    model_name = path.stem
    if model_name not in env:
        raise DataFileError(f"{path}: unknown model {model_name!r} (the file name must be the model name)")
    model = env[model_name]
    imd = env["ir.model.data"]
    count = 0
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        for column in columns:
            name = column.split(":")[0].split("/")[0]
            if column != "id" and name not in model._fields:
                raise DataFileError(f"{path}, line 1: unknown field {name!r} on {model_name}")
        for row in reader:
            line = reader.line_num
            xml_id = _full_xmlid(module, row["id"]) if row.get("id") else None
            try:
                values = {}
                for column, raw in row.items():
                    if column == "id" or column is None:
                        continue
                    fname = column.split(":")[0].split("/")[0]
                    values[fname] = convert_cell(env, module, model._fields[fname], column, raw or "")
                existing = None
                if xml_id:
                    res_model, res_id = imd._xmlid_to_res_model_res_id(xml_id)
                    if res_id:
                        existing = model.browse(res_id).exists()
                if existing:
                    if xml_id and loaded is not None:
                        loaded.add(xml_id)
                    if mode == "update" and noupdate:
                        continue
                    existing.write(values)
                else:
                    with env.cr.savepoint():
                        record = model.create(values)
                    if xml_id and loaded is not None:
                        loaded.add(xml_id)
                    if xml_id:
                        imd._update_xmlids([{"xml_id": xml_id, "model": model_name, "res_id": record.id,
                                             "noupdate": noupdate}])
                count += 1
            except Exception as exc:
                raise DataFileError(f"{path}, line {line}, record {xml_id or '?'}: {exc}") from exc
    return count
