"""What the XML and CSV data file loaders share: the error they raise, xml id naming, and the
bookkeeping that refuses forward references (modules.md LOAD-3).

A module's data files load strictly in manifest order. A reference to an xml id that one of the
module's files defines *further down* is an error, even during an upgrade where the record already
exists from the previous install: otherwise the module would install differently than it upgrades.
:class:`DeclaredIds` scans the files of one ``data`` (or ``demo``) list up front, remembers where
each of the module's xml ids is first defined, and forgets an id once its definition has loaded.
"""
import csv
from pathlib import Path

from ..exceptions import UserError
from ..tools.xml import UnsafeXMLError, parse
from .discovery import addon_dir


class DataFileError(UserError, ValueError):
    """A data file could not be loaded. The message names the file, the line and the record id;
    the same are available as attributes ``path``, ``line``, ``xml_id`` (and ``module``)."""

    def __init__(self, message, path=None, line=None, xml_id=None, module=None):
        super().__init__(message)
        self.path = path
        self.line = line
        self.xml_id = xml_id
        self.module = module


class ParseError(DataFileError):
    """An XML data file could not be loaded (modules.md LOAD-3)."""


def display_path(module, path):
    """``module/relative/path`` when ``path`` is inside the module's directory, else the path."""
    path = Path(path)
    directory = addon_dir(module)
    if directory is not None:
        try:
            return f"{module}/{path.resolve().relative_to(directory.resolve()).as_posix()}"
        except ValueError:
            pass
    return str(path)


def full_xmlid(module, xml_id):
    """``module.name`` for an xml id written in a data file of ``module``.

    :raises ValueError: more than one dot, or an empty part
    """
    xml_id = xml_id.strip()
    if xml_id.count(".") > 1:
        raise ValueError(f"Invalid xml id {xml_id!r}: at most one dot (module.name)")
    full = xml_id if "." in xml_id else f"{module}.{xml_id}"
    prefix, name = full.split(".")
    if not prefix or not name:
        raise ValueError(f"Invalid xml id {xml_id!r}")
    return full


class DeclaredIds:
    """The xml ids of ``module`` that its data files define and that have not loaded yet."""

    def __init__(self, module):
        self.module = module
        #: full xml id -> "file, line N" of its first definition
        self.pending = {}

    def scan(self, paths):
        """Remember the ids each file defines (the first definition wins); returns ``self``.

        :raises DataFileError: a file cannot be read or parsed
        """
        for path in paths:
            path = Path(path)
            if path.suffix == ".xml":
                self._scan_xml(path)
            elif path.suffix == ".csv":
                self._scan_csv(path)
        return self

    def _declare(self, xml_id, where):
        try:
            full = full_xmlid(self.module, xml_id)
        except ValueError:
            return  # reported when the element itself loads
        if full.startswith(self.module + "."):
            self.pending.setdefault(full, where)

    def _scan_xml(self, path):
        shown = display_path(self.module, path)
        try:
            root = parse(path, source_name=shown, remove_comments=True, remove_pis=True).getroot()
        except (UnsafeXMLError, OSError) as exc:
            raise ParseError(str(exc), path=shown, module=self.module) from None
        for element in root.iter("record", "menuitem", "template"):
            if element.get("id"):
                self._declare(element.get("id"), f"{shown}, line {element.sourceline}")

    def _scan_csv(self, path):
        shown = display_path(self.module, path)
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.reader(handle)
                header = next(reader, [])
                if "id" not in header:
                    return
                column = header.index("id")
                for row in reader:
                    if len(row) > column and row[column].strip():
                        self._declare(row[column], f"{shown}, line {reader.line_num}")
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise DataFileError(f"{shown}: {exc}", path=shown, module=self.module) from None

    def define(self, full_id):
        """``full_id`` has loaded: references to it are fine from now on."""
        self.pending.pop(full_id, None)

    def check_reference(self, full_id):
        """:raises ValueError: ``full_id`` is defined later in the module's files."""
        where = self.pending.get(full_id)
        if where:
            raise ValueError(f"Reference to {full_id!r}, which is defined later ({where}): data files load "
                             f"in manifest order, define it before using it")
