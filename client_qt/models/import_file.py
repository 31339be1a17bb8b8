"""Reading a file to import and mapping its columns to field paths (pure Python, no Qt).

* :func:`read_file` reads a CSV (encoding and delimiter sniffed) or an XLSX sheet (openpyxl) into an
  :class:`ImportData`: the header and the rows as text, as ``load`` wants them.
* :func:`import_options` turns a ``fields_get`` answer into the columns a file may fill: plain
  fields by name, relational ones by name, by external id (``partner_id/id``) or by database id
  (``partner_id/.id``), and the record's own external id (``id``) — the paths ``load`` reads
  (docs/orm.md "Import and export").
* :func:`guess_mapping` proposes a path for each file column from its title: the technical path,
  the field label, or "Label/External ID"-style titles (what an export writes).
* :func:`batches` cuts the rows into chunks that never split a record (rows continuing a record's
  one2many lines stay with it); :func:`line_messages` turns ``load`` messages of a chunk into
  messages about lines of the file.
"""
import codecs
import csv
import dataclasses
import datetime
import io
import os
import re

#: tried in this order; latin-1 decodes anything, so it is last
ENCODINGS = ("utf-8-sig", "utf-8", "cp1252", "latin-1")
DELIMITERS = ",;\t|"
#: fields no file sets (the server fills them)
MAGIC_FIELDS = frozenset({"id", "create_uid", "create_date", "write_uid", "write_date", "display_name",
                          "__last_update"})
#: field types a cell cannot fill
NOT_IMPORTED = frozenset({"binary", "image", "one2many"})
EXTERNAL_ID = "External ID"
DATABASE_ID = "Database ID"


class ImportFileError(ValueError):
    """The file cannot be read as a table; the message is meant for the user."""


@dataclasses.dataclass
class ImportData:
    """A table read from a file: ``header`` (column titles) and ``rows`` (lists of text, as long as
    the header); ``encoding`` and ``delimiter`` say how a CSV was read (None for XLSX)."""
    header: list
    rows: list
    encoding: str = None
    delimiter: str = None


@dataclasses.dataclass(frozen=True)
class ImportOption:
    """A column ``load`` accepts: ``path`` (``author_id/id``), ``label`` shown to the user, the
    field's ``name``, ``type`` and whether it is ``required``."""
    path: str
    label: str
    name: str
    type: str
    required: bool = False


# -- reading ---------------------------------------------------------------------------------------------
def read_file(path, sheet=None):
    """Read ``path`` (``.xlsx`` by openpyxl, anything else as CSV) into an :class:`ImportData`.

    :raises ImportFileError: unreadable or empty file
    """
    if os.path.splitext(path)[1].lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError as exc:
        raise ImportFileError(f"Cannot read {os.path.basename(path)}: {exc.strerror or exc}") from None
    return read_csv_bytes(content)


def decode(content):
    """``(text, encoding)`` of CSV bytes: the first of :data:`ENCODINGS` that decodes them."""
    if content.startswith(codecs.BOM_UTF16_LE) or content.startswith(codecs.BOM_UTF16_BE):
        return content.decode("utf-16"), "utf-16"
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError("The file is not text")  # unreachable: latin-1 decodes every byte


def sniff_delimiter(text):
    """The delimiter of CSV ``text``: the csv sniffer's guess among :data:`DELIMITERS`, else the
    candidate giving the same number (> 1) of columns on most of the first lines, else a comma."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    best, best_score = ",", 0
    lines = [line for line in sample.splitlines() if line.strip()]
    for delimiter in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in lines]
        if not counts or counts[0] < 2:
            continue
        score = sum(1 for count in counts if count == counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_bytes(content, delimiter=None, encoding=None):
    """An :class:`ImportData` of CSV bytes (encoding and delimiter sniffed unless given)."""
    if encoding:
        text = content.decode(encoding, errors="replace")
    else:
        text, encoding = decode(content)
    if not text.strip():
        raise ImportFileError("The file is empty")
    delimiter = delimiter or sniff_delimiter(text)
    table = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return _table(table, encoding, delimiter)


def read_xlsx(path, sheet=None):
    """An :class:`ImportData` of the first sheet (or ``sheet``) of an XLSX workbook."""
    import openpyxl
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for a bad file
        raise ImportFileError(f"Cannot read {os.path.basename(path)} as an XLSX workbook: {exc}") from None
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        table = [[cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(table, None, None)


def cell_text(value):
    """The text ``load`` reads for a spreadsheet cell (dates ISO, whole floats without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(table, encoding, delimiter):
    # trailing empty rows (spreadsheets keep formatted ones) are no data
    while table and not any(cell.strip() for cell in table[-1]):
        table.pop()
    if not table:
        raise ImportFileError("The file is empty")
    header = [cell.strip() for cell in table[0]]
    width = len(header)
    while width and not header[width - 1] and not any(len(row) >= width and row[width - 1] for row in table[1:]):
        width -= 1
    header = header[:width]
    rows = [(row + [""] * width)[:width] for row in table[1:]]
    return ImportData(header, rows, encoding, delimiter)


# -- mapping ---------------------------------------------------------------------------------------------
def import_options(fields):
    """The :class:`ImportOption` list of a ``fields_get`` answer, ``id`` first then by label."""
    options = [ImportOption("id", EXTERNAL_ID, "id", "id")]
    for name, description in sorted(fields.items(), key=lambda item: ((item[1].get("string") or item[0]).lower(),
                                                                       item[0])):
        kind = description.get("type")
        if name in MAGIC_FIELDS or kind in NOT_IMPORTED or description.get("store") is False:
            continue
        label = description.get("string") or name
        required = bool(description.get("required"))
        options.append(ImportOption(name, label, name, kind, required))
        if kind in ("many2one", "many2many"):
            options.append(ImportOption(f"{name}/id", f"{label}/{EXTERNAL_ID}", name, kind, required))
            options.append(ImportOption(f"{name}/.id", f"{label}/{DATABASE_ID}", name, kind, required))
    return options


def _key(text):
    """A title reduced for comparison: lower case, ``:id`` as ``/id``, spaces and separators folded."""
    text = text.strip().lower()
    text = re.sub(r"\s*\(\s*(external id|database id|id)\s*\)\s*$", r"/\1", text)
    text = re.sub(r"([^/]):id$", r"\1/id", text)
    text = re.sub(r"([^/])\.id$", r"\1/.id", text)
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"[\s_]+", " ", text)
    return text


def guess_mapping(header, options):
    """For each title of ``header``, the path of the option it names, or None.

    A title matches an option's technical path first (``author_id``, ``author_id/id``,
    ``author_id:id``), then its label (``Author``, ``Author/External ID``, ``Author (External ID)``,
    ``Author/id``); each path is used by one column at most.
    """
    by_path, by_label = {}, {}
    for option in options:
        by_path.setdefault(_key(option.path), option.path)
        by_label.setdefault(_key(option.label), option.path)
        if option.path.endswith("/id"):
            by_label.setdefault(_key(option.label.rsplit("/", 1)[0] + "/id"), option.path)
    mapping, used = [], set()
    for title in header:
        key = _key(title)
        path = by_path.get(key) or by_label.get(key)
        if key in (_key(EXTERNAL_ID), "external id", "xml id"):
            path = "id"
        if path in used:
            path = None
        mapping.append(path)
        if path:
            used.add(path)
    return mapping


def missing_required(mapping, options):
    """Labels of required fields no column fills (the server will refuse every row without them)."""
    mapped = {path.split("/")[0] for path in mapping if path}
    return [option.label for option in options if option.required and option.path == option.name
            and option.name not in mapped]


def mapped_columns(mapping):
    """``(fields, column indexes)`` of the mapped columns, for ``load``."""
    indexes = [index for index, path in enumerate(mapping) if path]
    return [mapping[index] for index in indexes], indexes


def project(rows, indexes):
    """The cells of ``rows`` at ``indexes`` (the columns sent to ``load``)."""
    return [[row[index] for index in indexes] for row in rows]


# -- batches and messages --------------------------------------------------------------------------------
def batches(rows, size, continues=None):
    """``[(offset, rows)]``: ``rows`` cut into chunks of about ``size`` rows, never before a row for
    which ``continues(row)`` is true (a row continuing the record above)."""
    result, start = [], 0
    while start < len(rows):
        end = min(start + size, len(rows))
        while continues is not None and end < len(rows) and continues(rows[end]):
            end += 1
        result.append((start, rows[start:end]))
        start = end
    return result


def line_messages(messages, offset):
    """``load`` messages of a chunk starting at row ``offset`` of the data, with ``line``: the line of
    the file (the header is line 1), None for a message about the whole file."""
    result = []
    for message in messages or []:
        rows = message.get("rows") or {}
        line = None
        if message.get("record") is not None and "from" in rows:
            line = offset + rows["from"] + 2
        text = message.get("message") or ""
        field = message.get("field_name") or message.get("field") or ""
        result.append({"line": line, "message": text, "field": field or "", "type": message.get("type", "error")})
    return result
