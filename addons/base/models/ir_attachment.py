"""Attachments: files linked to records, and the storage of Binary fields (orm.md FLD-4).

Where the content lives is chosen by the system parameter ``ir_attachment.location``
(modules.md §12):

* ``file`` (default): in the *filestore*, ``<data_dir>/filestore/<db>/<sha1[:2]>/<sha1>``. Files are
  named by the SHA-1 of their content, so equal contents share one file (deduplication), a file is
  never modified once written, and a row only ever points at a complete file;
* ``db``: in the ``db_datas`` column.

The content of an attachment is read and written through ``raw`` (bytes) or ``datas`` (the same
field for Python code; base64 over RPC). ``store_fname``, ``checksum`` and ``file_size`` are derived
from the content and cannot be written directly.

Files and transactions (security.md TRX-D): a file is written *before* the transaction commits
(so a committed row never lacks its file) and is never deleted inline: a rolled-back transaction or
a deleted attachment only leaves an unreferenced file behind. Those are removed by the mark-and-sweep
garbage collector :meth:`IrAttachment._gc_file_store` (an ``@api.autovacuum`` method), which locks
``ir_attachment`` against writers while it decides. Writers take their ``ROW EXCLUSIVE`` lock on
``ir_attachment`` (by writing the row) *before* they look at or write a file, so the collector and a
writer never interleave.
"""
import hashlib
import logging
import mimetypes
import os
import re
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psycopg2.errors

from bureau import api, fields, models
from bureau.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

#: a filestore name: ``<first two hex digits>/<SHA-1>``; anything else is refused (path safety)
STORE_FNAME_RE = re.compile(r"^([0-9a-f]{2})/(\1[0-9a-f]{38})$")
#: values of ``raw``/``datas``/``db_datas`` in create/write are the content
CONTENT_FIELDS = ("raw", "datas", "db_datas")
#: derived from the content; never taken from create/write values
DERIVED_FIELDS = ("store_fname", "checksum", "file_size")
#: temporary files older than this (seconds) are left-overs of a crash; the collector removes them
STALE_TEMP_AGE = 3600
_READ_BLOCK = 1 << 16

#: signatures recognised when the name gives no mimetype
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
)


def guess_mimetype(name, content):
    """The mimetype of a file from its name, else from its first bytes, else ``octet-stream``."""
    mimetype = mimetypes.guess_type(name)[0] if name else None
    if not mimetype and content:
        mimetype = next((kind for magic, kind in _MAGIC if content.startswith(magic)), None)
    return mimetype or "application/octet-stream"


class IrAttachment(models.Model):
    _name = "ir.attachment"
    _description = "Attachment"
    _order = "id desc"

    name = fields.Char(required=True)
    description = fields.Text()
    res_model = fields.Char(string="Resource Model", index=True)
    res_field = fields.Char(string="Resource Field", index=True)
    res_id = fields.Many2oneReference(string="Resource ID", model_field="res_model", index=True)
    company_id = fields.Many2one("res.company", string="Company")
    type = fields.Selection([("url", "URL"), ("binary", "File")], default="binary", required=True)
    url = fields.Char(size=1024)
    public = fields.Boolean(string="Is public document")
    raw = fields.Binary(string="File Content (raw)", compute="_compute_raw", inverse="_inverse_raw")
    datas = fields.Binary(string="File Content", compute="_compute_datas", inverse="_inverse_datas")
    db_datas = fields.Binary(string="Database Data", attachment=False, copy=False)
    store_fname = fields.Char(string="Stored Filename", readonly=True, index=True, copy=False)
    file_size = fields.Integer(readonly=True, copy=False)
    checksum = fields.Char(size=64, readonly=True, index=True, copy=False)
    mimetype = fields.Char()

    # -- storage location -------------------------------------------------------------------------
    @api.model
    def _storage(self):
        """``'file'`` or ``'db'``: where new contents go (system parameter ``ir_attachment.location``)."""
        location = self.env["ir.config_parameter"].sudo().get_param("ir_attachment.location", "file")
        return "db" if location == "db" else "file"

    @api.model
    def _filestore(self):
        """This database's filestore directory (``<data_dir>/filestore/<db>``)."""
        return Path(self.pool.config.filestore(self.env.cr.dbname))

    @api.model
    def _full_path(self, fname):
        """The path of the file named ``fname`` (``ab/ab12...``); other names are refused."""
        if not isinstance(fname, str) or not STORE_FNAME_RE.match(fname):
            raise ValueError(f"invalid filestore name {fname!r}")
        return self._filestore() / fname

    # -- computed content ----------------------------------------------------------------------------
    @api.depends("store_fname", "db_datas")
    def _compute_raw(self):
        for attachment in self:
            if attachment.store_fname:
                attachment.raw = attachment._file_read(attachment.store_fname)
            else:
                attachment.raw = attachment.db_datas

    @api.depends("raw")
    def _compute_datas(self):
        for attachment in self:
            attachment.datas = attachment.raw

    def _inverse_raw(self):
        for attachment in self:
            attachment.write({"raw": attachment.raw or b""})

    def _inverse_datas(self):
        for attachment in self:
            attachment.write({"raw": attachment.datas or b""})

    # -- access: an attachment is reached through the record it is attached to -------------------
    def _check_linked_records(self, mode, values_list=()):
        """Raise AccessError unless the user may ``read`` (or, for any change, ``write``) every
        record the attachments belong to (security.md ACL-3). Attachments of no record are open to
        their creator, to administrators, or to everybody when ``public``."""
        if self.env.su:
            return
        operation = "read" if mode == "read" else "write"
        targets = defaultdict(set)
        if self.ids:
            self.flush_recordset(["res_model", "res_id", "public", "create_uid"])
            self.env.cr.execute("SELECT res_model, res_id, public, create_uid FROM ir_attachment WHERE id = ANY(%s)",
                                [self.ids])
            for res_model, res_id, public, create_uid in self.env.cr.fetchall():
                if res_model and res_id:
                    targets[res_model].add(res_id)
                elif not (public and mode == "read") and create_uid != self.env.uid and not self.env.is_system():
                    raise AccessError(self.env._("Sorry, you are not allowed to access this attachment."))
        for values in values_list:
            if values.get("res_model") and values.get("res_id"):
                targets[values["res_model"]].add(values["res_id"])
        for res_model, ids in targets.items():
            if res_model not in self.env:
                continue
            records = self.env[res_model].browse(sorted(ids))
            existing = records.sudo().exists()
            records = records.browse(existing.ids)
            records.check_access_rights(operation)
            records.check_access_rule(operation)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, active_test=True):
        """Attachments holding Binary field values are hidden unless ``res_field`` is searched on."""
        if not self.env.su and not any(isinstance(term, (list, tuple)) and term and term[0] == "res_field"
                                       for term in domain or []):
            domain = list(domain or []) + [("res_field", "=", False)]
        return super()._search(domain, offset=offset, limit=limit, order=order, active_test=active_test)

    @api.model
    def search(self, domain, offset=0, limit=None, order=None, count=False):
        """Only attachments of records the user may read (others are left out, not refused)."""
        records = super().search(domain, offset=offset, limit=limit, order=order, count=count)
        if count or self.env.su or not records:
            return records
        return records._filter_readable_links()

    def _filter_readable_links(self):
        rows = self.sudo().read(["res_model", "res_id", "public", "create_uid"], load=None)
        allowed_ids = set()
        by_model = defaultdict(list)
        for row in rows:
            if row["res_model"] and row["res_id"]:
                by_model[row["res_model"]].append(row)
            elif row["public"] or row["create_uid"] == self.env.uid or self.env.is_system():
                allowed_ids.add(row["id"])
        for res_model, model_rows in by_model.items():
            if res_model not in self.env:
                continue
            model = self.env[res_model]
            if not model.check_access_rights("read", raise_exception=False):
                continue
            readable = set(model.browse([row["res_id"] for row in model_rows])._filter_access_rules("read").ids)
            allowed_ids.update(row["id"] for row in model_rows if row["res_id"] in readable)
        return self.browse([i for i in self.ids if i in allowed_ids])

    def read(self, fields=None, load="_classic_read"):
        self._check_linked_records("read")
        return super().read(fields, load)

    def unlink(self):
        self._check_linked_records("unlink")
        return super().unlink()

    # -- create / write / copy ---------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        self.browse()._check_linked_records("create", vals_list)
        storage = None
        contents = {}
        prepared = []
        for vals in vals_list:
            vals = {k: v for k, v in vals.items() if k not in DERIVED_FIELDS}
            content = self._pop_content(vals)
            if content is not None:
                storage = storage or self._storage()
                vals.update(self._content_values(content, storage, vals.get("name"), vals.get("mimetype")))
                if vals.get("store_fname"):
                    contents[vals["checksum"]] = content
            prepared.append(vals)
        records = super().create(prepared)
        # the INSERT above holds ROW EXCLUSIVE on ir_attachment until the end of the transaction:
        # the garbage collector cannot run between now and the commit that references the files
        self._store_files(contents)
        return records

    def write(self, vals):
        self._check_linked_records("write", [vals])
        vals = {k: v for k, v in vals.items() if k not in DERIVED_FIELDS}
        content = self._pop_content(vals)
        if content is None or not self:
            return super().write(vals)
        values = self._content_values(content, self._storage(), mimetype=vals.get("mimetype") or "-")
        # the mimetype is guessed per record when not given (from the new or the current name)
        groups = {}
        for attachment in self:
            mimetype = vals.get("mimetype") or guess_mimetype(vals.get("name") or attachment.name, content)
            groups.setdefault(mimetype, []).append(attachment.id)
        for mimetype, ids in groups.items():
            super(IrAttachment, self.browse(ids)).write({**vals, **values, "mimetype": mimetype})
        if values["store_fname"]:
            # UPDATE first: holding ROW EXCLUSIVE on ir_attachment keeps the collector away (see create)
            self.flush_recordset(["store_fname", "checksum"])
            self._store_files({values["checksum"]: content})
        return True

    def copy_data(self, default=None):
        vals_list = super().copy_data(default)
        given = set(default or {})
        for vals in vals_list:
            for name in CONTENT_FIELDS + DERIVED_FIELDS:
                if name not in given:
                    vals.pop(name, None)
            if not given.intersection(CONTENT_FIELDS) and self.type == "binary":
                vals["raw"] = self.raw or False
        return vals_list

    def _pop_content(self, vals):
        """Remove the content from ``vals`` and return it as bytes (None when not given)."""
        content = None
        for name in CONTENT_FIELDS:
            if name in vals:
                value = vals.pop(name)
                content = self._fields["raw"].convert_to_cache(value, self) or b""
        return content

    @api.model
    def _content_values(self, content, storage, name=None, mimetype=None):
        """The stored values describing ``content`` for ``storage`` (``'file'`` or ``'db'``)."""
        checksum = hashlib.sha1(content).hexdigest()
        values = {
            "file_size": len(content),
            "checksum": checksum,
            "mimetype": mimetype or guess_mimetype(name, content),
            "store_fname": False,
            "db_datas": False,
        }
        if content:
            if storage == "file":
                values["store_fname"] = f"{checksum[:2]}/{checksum}"
            else:
                values["db_datas"] = content
        return values

    # -- filestore ----------------------------------------------------------------------------------
    def _store_files(self, contents):
        for checksum, content in contents.items():
            self._file_write(content, checksum)

    @api.model
    def _file_read(self, fname):
        """The content of file ``fname`` (empty, with a warning, when it is missing)."""
        try:
            return self._full_path(fname).read_bytes()
        except (OSError, ValueError):
            _logger.warning("attachment file %s of database %s cannot be read", fname, self.env.cr.dbname,
                            exc_info=True)
            return b""

    @api.model
    def _file_write(self, content, checksum):
        """Store ``content`` under its checksum unless a file already holds it; returns the name.

        The caller must hold a lock on ``ir_attachment`` (have written a row) so that the garbage
        collector cannot delete the file between this check and the commit. The file is written under
        a temporary name, synced, then renamed: a crash never leaves a truncated file under a
        content address (it would be trusted as complete forever after).

        :raises UserError: a different content already has that SHA-1 (a collision)
        """
        fname = f"{checksum[:2]}/{checksum}"
        path = self._full_path(fname)
        if path.exists():
            if not _same_content(content, path):
                raise UserError(self.env._("The attachment collides with an existing file."))
            return fname
        _make_dirs(path.parent)
        fd, temp = tempfile.mkstemp(prefix=f".{checksum}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
        _fsync_dir(path.parent)
        return fname

    @api.autovacuum
    def _gc_file_store(self, lock_timeout=10.0):
        """Remove the files of the filestore no attachment refers to (mark and sweep).

        Runs in a transaction of its own; returns False, leaving everything for the next run, when
        ``ir_attachment`` stays locked by writers for ``lock_timeout`` seconds.

        :returns: the number of files removed, or False
        """
        root = self._filestore()
        # candidates are listed before taking the lock: a file appearing later belongs to a writer
        # that held its lock first (we then wait for it) or that will wait for us, and is not swept
        candidates = _list_store_files(root)
        temps = _stale_temp_files(root)
        with self.pool.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = %s", [f"{int(lock_timeout * 1000)}ms"])
            # The LOCK must come before any query of the transaction (SET takes no snapshot and may
            # precede it). SHARE mode waits for every transaction that has written ir_attachment
            # (ROW EXCLUSIVE) to end, and makes new writers wait for us. At REPEATABLE READ the
            # snapshot is taken by the first query that reads or writes data: taken after the lock,
            # it holds every committed reference. Had any query run before (even reading the
            # location parameter), the snapshot would predate the transactions we waited for, and
            # the files they committed would look unreferenced.
            try:
                cr.execute("LOCK TABLE ir_attachment IN SHARE MODE")
            except psycopg2.errors.LockNotAvailable:
                _logger.info("filestore gc of %s skipped: ir_attachment is locked", cr.dbname)
                cr.rollback()
                return False
            cr.execute("SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")
            referenced = {fname for (fname,) in cr.fetchall()}
            removed = 0
            for fname in sorted(candidates - referenced):
                try:
                    (root / fname).unlink()
                    removed += 1
                except FileNotFoundError:
                    pass
                except OSError:
                    _logger.warning("filestore gc cannot remove %s", root / fname, exc_info=True)
            for path in temps:
                try:
                    path.unlink()
                except OSError:
                    pass
            # the commit at the end of the block releases the lock
        _logger.info("filestore gc of %s: %d files checked, %d removed", self.env.cr.dbname,
                     len(candidates), removed)
        return removed

    # -- Binary fields stored as attachments (FLD-4) ----------------------------------------------
    @api.model
    def _read_field_contents(self, model_name, field_name, ids):
        """``[(res_id, content)]`` of the attachments holding a Binary field's values."""
        self.flush_model()
        self.env.cr.execute("SELECT res_id, store_fname, db_datas FROM ir_attachment "
                            "WHERE res_model = %s AND res_field = %s AND res_id = ANY(%s)",
                            [model_name, field_name, list(ids)])
        result = []
        for res_id, fname, content in self.env.cr.fetchall():
            if fname:
                content = self._file_read(fname)
            result.append((res_id, bytes(content) if content is not None else None))
        return result

    @api.model
    def _write_field_contents(self, model_name, field_name, ids, content):
        """Store ``content`` as the value of a Binary field for records ``ids`` (False deletes it)."""
        existing = self.search([("res_model", "=", model_name), ("res_field", "=", field_name),
                                ("res_id", "in", list(ids))])
        if not content:
            existing.unlink()
            return
        existing.write({"raw": content})
        missing = set(ids) - set(existing.mapped("res_id"))
        if missing:
            self.create([{"name": field_name, "res_model": model_name, "res_field": field_name,
                          "res_id": res_id, "raw": content} for res_id in sorted(missing)])

    @api.model
    def _delete_for_records(self, model_name, ids):
        """Delete the attachments of deleted records (their files are left to the collector)."""
        self.flush_model()
        self.env.cr.execute("DELETE FROM ir_attachment WHERE res_model = %s AND res_id = ANY(%s)",
                            [model_name, list(ids)])
        self.invalidate_model(flush=False)


def _same_content(content, path):
    try:
        if path.stat().st_size != len(content):
            return False
        with open(path, "rb") as handle:
            offset = 0
            while True:
                block = handle.read(_READ_BLOCK)
                if not block:
                    return offset == len(content)
                if block != content[offset:offset + len(block)]:
                    return False
                offset += len(block)
    except OSError:
        return False


def _make_dirs(path):
    """Create ``path`` and its missing parents, private to the server's user (0700).

    Existing directories keep their mode: Bureau never changes directories it did not create
    (security.md DBM-7).
    """
    missing = []
    for directory in [path, *path.parents]:
        if directory.exists():
            break
        missing.append(directory)
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            pass


def _fsync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _list_store_files(root):
    """Names (``ab/ab12...``) of the content files under ``root``."""
    names = set()
    if not root.is_dir():
        return names
    for sub in root.iterdir():
        if len(sub.name) != 2 or not sub.is_dir():
            continue
        for entry in sub.iterdir():
            fname = f"{sub.name}/{entry.name}"
            if STORE_FNAME_RE.match(fname):
                names.add(fname)
    return names


def _stale_temp_files(root):
    """Temporary files of writes interrupted by a crash (older than :data:`STALE_TEMP_AGE`)."""
    if not root.is_dir():
        return []
    limit = time.time() - STALE_TEMP_AGE
    stale = []
    for path in root.glob("??/.*.tmp"):
        try:
            if path.stat().st_mtime < limit:
                stale.append(path)
        except OSError:
            pass
    return stale
