"""CSV data files: one row per record, imported through the ORM's ``load`` (modules.md §9).

The model is the file name up to the first ``-`` (or the extension): ``res.country.state.csv``,
``res.partner-demo.csv``. The first row names the columns with ``load`` field paths
(orm.md API-19); an ``id`` column is mandatory. ``security/ir.model.access.csv`` for instance::

    id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink
    access_book_user,library.book user,model_library_book,base.group_user,1,0,0,0

Ids without a dot belong to the loading module, in the ``id`` column and in ``field:id`` columns
(comma-separated for Many2many fields). Rows of ``data`` files are loaded with ``noupdate=False``
(an upgrade rewrites them), rows of ``demo`` files with ``noupdate=True``. Any error aborts the
load with a :class:`DataFileError` naming the file, the line and the record id.
"""
import csv
import logging
from pathlib import Path

from ..orm.model_load import import_path
from .data_files import DataFileError, DeclaredIds, display_path, full_xmlid

_logger = logging.getLogger(__name__)

__all__ = ["DataFileError", "load_csv", "csv_model_name"]


def csv_model_name(path):
    """The model a CSV data file holds: its name up to the first ``-`` or the extension."""
    return Path(path).stem.split("-", 1)[0]


def _read_rows(path, shown):
    """``(header, rows, line numbers)``; empty lines are skipped."""
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header, rows, lines = None, [], []
            start = 1
            for row in reader:
                if any(cell.strip() for cell in row):
                    if header is None:
                        header = [cell.strip() for cell in row]
                    else:
                        rows.append(row)
                        lines.append(start)
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataFileError(f"{shown}: {exc}", path=shown) from None
    return header or [], rows, lines


def load_csv(env, module, path, mode="init", noupdate=False, loaded=None, declared=None):
    """Load one CSV data file of ``module``; returns the number of records loaded.

    :param mode: ``'init'`` (install) or ``'update'`` (upgrade: ``noupdate`` records are kept)
    :param noupdate: flag of the external ids created (True for demo files)
    :param loaded: a set receiving every xml id the file loads (for UPG-3), or None
    :param declared: the module's :class:`~.data_files.DeclaredIds` shared by the files of one load
    :raises DataFileError: naming the file, the line and the record id
    """
    path = Path(path)
    shown = display_path(module, path)
    model_name = csv_model_name(path)
    if model_name not in env:
        raise DataFileError(f"{shown}: unknown model {model_name!r} (the file name must start with the model name)",
                            path=shown, module=module)
    header, rows, lines = _read_rows(path, shown)
    if "id" not in header:
        raise DataFileError(f"{shown}, line 1: an 'id' column is required", path=shown, line=1, module=module)
    for row, line in zip(rows, lines):
        if len(row) != len(header):
            raise DataFileError(f"{shown}, line {line}: {len(row)} values for {len(header)} columns",
                                path=shown, line=line, module=module)
    declared = declared if declared is not None else DeclaredIds(module).scan([path])
    row_ids = _check_references(module, shown, header, rows, lines, declared)

    model = env[model_name].with_context(mode=mode, module=module, noupdate=noupdate)
    result = model.load(header, rows)
    for message in result["messages"]:
        if message["type"] != "error":
            index = message["rows"]["from"]
            _logger.warning("%s, line %s: %s", shown, lines[index] if index < len(lines) else "?",
                            message["message"])
    errors = [message for message in result["messages"] if message["type"] == "error"]
    if errors:
        first = errors[0]
        index = first["rows"]["from"] or 0
        line = lines[index] if index < len(lines) else 1
        xml_id = row_ids[index] if index < len(row_ids) else None
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        raise DataFileError(f"{shown}, line {line}, record {xml_id or '?'}: {first['message']}{more}",
                            path=shown, line=line, xml_id=xml_id, module=module)
    for xml_id in row_ids:
        if xml_id:
            declared.define(xml_id)
            if loaded is not None:
                loaded.add(xml_id)
    return len(result["ids"])


def _check_references(module, shown, header, rows, lines, declared):
    """Refuse ids used before the row (or file) defining them; returns the row ids (full)."""
    paths = [import_path(column) for column in header]
    id_column = header.index("id")
    references = [i for i, p in enumerate(paths) if len(p) > 1 and p[-1] == "id"]
    row_ids = []
    for row, line in zip(rows, lines):
        xml_id = row[id_column].strip() or None
        try:
            xml_id = xml_id and full_xmlid(module, xml_id)
            for column in references:
                for value in row[column].split(","):
                    if value.strip():
                        declared.check_reference(full_xmlid(module, value))
        except ValueError as exc:
            raise DataFileError(f"{shown}, line {line}, record {xml_id or '?'}: {exc}",
                                path=shown, line=line, xml_id=xml_id, module=module) from None
        if xml_id:
            declared.define(xml_id)
        row_ids.append(xml_id)
    return row_ids
