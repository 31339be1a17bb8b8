"""Reading files to import and guessing their mapping (client_qt.models.import_file, no Qt, no server)."""
import datetime

import pytest

from client_qt.models import import_file
from client_qt.models.import_file import ImportFileError, batches, guess_mapping, import_options, line_messages

FIELDS = {
    "name": {"string": "Title", "type": "char", "required": True, "store": True},
    "author_id": {"string": "Author", "type": "many2one", "relation": "res.partner", "store": True},
    "tag_ids": {"string": "Tags", "type": "many2many", "relation": "x.tag", "store": True},
    "loan_ids": {"string": "Loans", "type": "one2many", "store": True},
    "duration": {"string": "Duration", "type": "integer", "store": False},
    "create_date": {"string": "Created on", "type": "datetime", "store": True},
    "pages": {"string": "Number of Pages", "type": "integer", "store": True},
}


def test_options_offer_relational_fields_by_name_external_and_database_id():
    paths = [option.path for option in import_options(FIELDS)]
    assert paths == ["id", "author_id", "author_id/id", "author_id/.id", "pages", "tag_ids", "tag_ids/id",
                     "tag_ids/.id", "name"]


@pytest.mark.parametrize("title, path", [
    ("name", "name"), ("Title", "name"), (" title ", "name"), ("number_of pages", "pages"),
    ("Author", "author_id"), ("author_id:id", "author_id/id"), ("author_id/id", "author_id/id"),
    ("Author/External ID", "author_id/id"), ("Author (External ID)", "author_id/id"), ("Author/id", "author_id/id"),
    ("author_id/.id", "author_id/.id"), ("Author/Database ID", "author_id/.id"), ("External ID", "id"),
    ("id", "id"), ("Nothing", None), ("Duration", None), ("Loans", None),
])
def test_guess_by_technical_path_or_label(title, path):
    assert guess_mapping([title], import_options(FIELDS)) == [path]


def test_a_path_is_guessed_for_one_column_only():
    assert guess_mapping(["Title", "name"], import_options(FIELDS)) == ["name", None]


def test_missing_required_fields():
    options = import_options(FIELDS)
    assert import_file.missing_required(["pages"], options) == ["Title"]
    assert import_file.missing_required(["name"], options) == []


@pytest.mark.parametrize("content, delimiter, encoding", [
    ("a,b\n1,2\n".encode(), ",", "utf-8-sig"),
    ("a;b\n1,5;2\n".encode(), ";", "utf-8-sig"),
    ("a\tb\n1\t2\n".encode("utf-16"), "\t", "utf-16"),
    ("nom;prénom\nÉtienne;Zoé\n".encode("cp1252"), ";", "cp1252"),
    ("\ufeffa|b\n1|2\n".encode(), "|", "utf-8-sig"),
])
def test_csv_encoding_and_delimiter_are_sniffed(content, delimiter, encoding):
    data = import_file.read_csv_bytes(content)
    assert (data.delimiter, data.encoding) == (delimiter, encoding)
    assert len(data.header) == 2 and len(data.rows) == 1


def test_csv_rows_are_padded_to_the_header_and_trailing_empty_rows_dropped():
    data = import_file.read_csv_bytes(b'name,pages,\n"A, quoted",1\nB\n,,\n')
    assert data.header == ["name", "pages"]
    assert data.rows == [["A, quoted", "1"], ["B", ""]]


def test_empty_files_are_refused():
    with pytest.raises(ImportFileError):
        import_file.read_csv_bytes(b"  \n")


def test_xlsx_cells_become_load_text(tmp_path):
    import openpyxl
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "when", "at", "n", "x", "ok"])
    workbook.active.append(["A", datetime.date(2024, 2, 29), datetime.datetime(2024, 3, 1, 8, 30), 3.0, 2.5, True])
    workbook.save(tmp_path / "f.xlsx")
    data = import_file.read_file(str(tmp_path / "f.xlsx"))
    assert data.rows == [["A", "2024-02-29", "2024-03-01 08:30:00", "3", "2.5", "1"]]


def test_batches_never_split_continuation_rows():
    rows = [["a"], [""], ["b"], ["c"], [""], [""], ["d"]]
    cut = batches(rows, 2, continues=lambda row: not row[0])
    assert [(offset, len(chunk)) for offset, chunk in cut] == [(0, 2), (2, 4), (6, 1)]


def test_messages_name_lines_of_the_file():
    messages = [{"type": "error", "message": "bad", "record": 1, "field": "pages", "rows": {"from": 1, "to": 1}},
                {"type": "error", "message": "Unknown field", "record": None, "field": "x", "rows": {"from": 0, "to": 0}}]
    lines = line_messages(messages, 500)
    assert [message["line"] for message in lines] == [503, None]
