"""Backup and restore archives (security.md DBM-4, DBM-5, DBM-6) with the real pg_dump/pg_restore,
a real database and a real filestore."""
import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile

import psycopg2
import pytest

from bureau.db.dump import DUMP_NAME, MANIFEST_NAME, Backup, BackupError, Duplicate, Restore
from bureau.db.server import DatabaseError
from bureau.orm.registry import Registry
from conftest import ROOT, config_for_tests, make_env, new_db_name

pytestmark = pytest.mark.pg

CONTENTS = [b"first attachment", b"second attachment", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40]


# -- fixtures and helpers -------------------------------------------------------------------------
def filestore_root():
    return config_for_tests().filestore_root


def drop(pg, name):
    Registry.delete(name)
    if pg.exists(name):
        pg.drop_database(name)
    shutil.rmtree(filestore_root() / name, ignore_errors=True)


@pytest.fixture(scope="module")
def source_db(pg, orm_db):
    """A database with committed data, attachment files (one shared by two attachments), a Binary
    field stored as an attachment and an active cron."""
    name = new_db_name("test_dump_src")
    pg.copy_database(orm_db, name)
    env = make_env(pg, name)
    try:
        Attachment = env["ir.attachment"]
        Attachment.create([{"name": f"file{i}.bin", "raw": content} for i, content in enumerate(CONTENTS)])
        Attachment.create({"name": "duplicate.bin", "raw": CONTENTS[0]})
        env["test.orm.all.types"].create({"name": "with binary", "binary": b"binary field content"})
        env["res.partner"].create([{"name": f"Dump partner {i}"} for i in range(20)])
        env["ir.cron"].create({"name": "Dump test cron", "model_id": env["ir.model"]._get_id("res.partner"),
                               "state": "code", "code": "pass", "interval_type": "days"})
        env.cr.commit()
    finally:
        env.cr.close()
    yield name
    drop(pg, name)


@pytest.fixture(scope="module")
def archive(pg, source_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("dumps") / "source.zip"
    Backup(pg, source_db, filestore_root()).run(path)
    return path


@pytest.fixture
def target(pg):
    name = new_db_name("test_restored")
    yield name
    drop(pg, name)


def fingerprint(pg, dbname):
    """``{table: (row count, md5 of the sorted rows)}`` plus the sequences' values."""
    conn = psycopg2.connect(dbname=dbname, **pg.dsn_params)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                        "AND table_type = 'BASE TABLE' ORDER BY table_name")
            tables = [name for (name,) in cur.fetchall()]
            result = {}
            for table in tables:
                cur.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text), \'\')) '
                            f'FROM "{table}" t')
                result[table] = cur.fetchone()
            cur.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
            result["<sequences>"] = sorted(cur.fetchall())
            return result
    finally:
        conn.close()


def query(pg, dbname, sql, params=None):
    conn = psycopg2.connect(dbname=dbname, **pg.dsn_params)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def files_of(dbname):
    """``{store name: sha1 of the content}`` of a database's filestore."""
    root = filestore_root() / dbname
    return {f"{p.parent.name}/{p.name}": hashlib.sha1(p.read_bytes()).hexdigest()
            for p in root.glob("??/*") if not p.name.startswith(".")}


def nothing_left(pg, restore, root):
    """No temporary database of ``restore`` and no work directory under ``root`` remain."""
    assert restore.temp_database is None or not pg.exists(restore.temp_database)
    assert not list(root.glob(".*")), "work directories left behind"
    return True


def rewrite(archive, path, change=None, drop_member=None, add_member=None, manifest=None):
    """Copy ``archive`` to ``path`` with members changed, dropped or added."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            if info.filename == drop_member:
                continue
            data = source.read(info)
            if info.filename == MANIFEST_NAME and manifest is not None:
                data = manifest(json.loads(data)) if callable(manifest) else manifest
                data = data if isinstance(data, bytes) else json.dumps(data).encode()
            elif change and info.filename in change:
                data = change[info.filename](data)
            out.writestr(info, data)
        if add_member:
            out.writestr(*add_member)
    return path


def flip(data, position=None):
    position = len(data) // 2 if position is None else position
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1:]


def a_file_member(archive):
    with zipfile.ZipFile(archive) as bundle:
        return next(name for name in bundle.namelist() if name.startswith("filestore/"))


def with_hashes(manifest, members):
    """A manifest whose entries for ``members`` (``{name: bytes}``) are recomputed (a consistent
    forgery: only the content checks can catch it)."""
    for name, data in members.items():
        manifest["members"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return manifest


# -- backup -----------------------------------------------------------------------------------------
def test_archive_holds_manifest_dump_and_referenced_files(pg, source_db, archive):
    with zipfile.ZipFile(archive) as bundle:
        manifest = json.loads(bundle.read(MANIFEST_NAME))
        names = set(bundle.namelist())
        for name, entry in manifest["members"].items():
            data = bundle.read(name)
            assert entry == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    import bureau
    assert manifest["format"] == "bureau-backup"
    assert manifest["format_version"] == 1
    assert manifest["bureau_version"] == bureau.__version__
    assert manifest["database"] == source_db
    assert manifest["created"]
    assert manifest["postgresql"]["server_version"]
    assert manifest["postgresql"]["pg_dump"].startswith("18")
    assert {"base", "test_orm"} <= set(manifest["modules"])
    assert manifest["missing_files"] == []
    expected_files = {f"filestore/{fname}" for fname in files_of(source_db)
                      if (fname,) in query(pg, source_db, "SELECT store_fname FROM ir_attachment")}
    assert names == {MANIFEST_NAME, DUMP_NAME} | expected_files
    assert len(expected_files) == len(CONTENTS) + 1  # deduplicated; plus the Binary field's file


def test_backup_of_a_missing_database_is_refused(pg, tmp_path):
    with pytest.raises(BackupError, match="does not exist"):
        Backup(pg, "no_such_database_here", filestore_root()).run(tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()
    assert list(tmp_path.iterdir()) == []


def test_backup_leaves_out_unreferenced_files(pg, source_db, tmp_path):
    garbage = filestore_root() / source_db / "ab" / ("ab" + "0" * 38)
    garbage.parent.mkdir(exist_ok=True)
    garbage.write_bytes(b"not referenced")
    try:
        Backup(pg, source_db, filestore_root()).run(tmp_path / "b.zip")
    finally:
        garbage.unlink()
    with zipfile.ZipFile(tmp_path / "b.zip") as bundle:
        assert f"filestore/ab/ab{'0' * 38}" not in bundle.namelist()


def test_backup_does_not_block_writers_and_holds_the_collector_off(pg, orm_db, tmp_path, target):
    """Writers commit while the backup runs; the collector cannot delete a file the snapshot
    refers to until the archive is complete (DBM-4)."""
    source = new_db_name("test_dump_live")
    pg.copy_database(orm_db, source)
    try:
        env = make_env(pg, source)
        env["ir.attachment"].create({"name": "doomed", "raw": b"deleted during the backup"})
        env.cr.commit()
        env.cr.close()
        seen = []

        def progress(done, total, step):
            if step != "database" or seen:
                return
            # the snapshot is taken: a writer deletes the attachment and adds another one
            writer = make_env(pg, source)
            try:
                writer["ir.attachment"].search([("name", "=", "doomed")]).unlink()
                writer["ir.attachment"].create({"name": "late", "raw": b"created during the backup"})
                writer.cr.commit()
                seen.append(writer["ir.attachment"]._gc_file_store(lock_timeout=0.2))
            finally:
                writer.cr.close()

        path = tmp_path / "live.zip"
        Backup(pg, source, filestore_root(), progress=progress).run(path)
        assert seen == [False]  # the collector was held off

        Restore(pg, filestore_root()).run(path, target)
        env = make_env(pg, target)
        try:
            names = env["ir.attachment"].search([("name", "in", ["doomed", "late"])]).mapped("name")
            assert names == ["doomed"]
            assert env["ir.attachment"].search([("name", "=", "doomed")]).raw == b"deleted during the backup"
        finally:
            env.cr.close()
        # once the backup is over the collector does its job in the source
        env = make_env(pg, source)
        try:
            assert env["ir.attachment"]._gc_file_store() == 1
        finally:
            env.cr.close()
    finally:
        drop(pg, source)


# -- restore ----------------------------------------------------------------------------------------
def test_restore_gives_an_identical_database(pg, source_db, archive, target):
    restore = Restore(pg, filestore_root())
    manifest = restore.run(archive, target)
    assert manifest["database"] == source_db
    assert fingerprint(pg, target) == fingerprint(pg, source_db)
    referenced = {fname for (fname,) in query(pg, target, "SELECT store_fname FROM ir_attachment "
                                                          "WHERE store_fname IS NOT NULL")}
    restored = files_of(target)
    assert set(restored) == referenced
    assert all(restored[fname] == fname.split("/")[1] for fname in restored)
    source = files_of(source_db)
    assert all(source[fname] == digest for fname, digest in restored.items())
    # the restored database works through the ORM, attachments included
    env = make_env(pg, target)
    try:
        contents = set(env["ir.attachment"].search([("res_field", "=", False)]).mapped("raw"))
        assert set(CONTENTS) <= contents
        record = env["test.orm.all.types"].search([("name", "=", "with binary")])
        assert record.binary == b"binary field content"
    finally:
        env.cr.close()
    assert query(pg, target, "SELECT active FROM ir_cron WHERE cron_name = 'Dump test cron'") == [(True,)]
    assert not pg.exists(restore.temp_database)


def test_restore_as_a_copy_is_neutralized(pg, source_db, archive, target):
    Restore(pg, filestore_root()).run(archive, target, copy=True)
    source_uuid = query(pg, source_db, "SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'")
    copy_uuid = query(pg, target, "SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'")
    assert len(copy_uuid) == 1 and copy_uuid != source_uuid
    assert query(pg, source_db, "SELECT count(*) FROM ir_cron WHERE active")[0][0] >= 1
    assert query(pg, target, "SELECT count(*) FROM ir_cron WHERE active") == [(0,)]
    assert query(pg, target, "SELECT value FROM ir_config_parameter WHERE key = 'database.is_neutralized'") \
        == [("True",)]


def test_restore_not_as_a_copy_keeps_uuid_and_crons(pg, source_db, archive, target):
    Restore(pg, filestore_root()).run(archive, target)
    sql = "SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'"
    assert query(pg, target, sql) == query(pg, source_db, sql)
    assert query(pg, target, "SELECT count(*) FROM ir_cron WHERE active") \
        == query(pg, source_db, "SELECT count(*) FROM ir_cron WHERE active")


def test_restore_refuses_an_existing_target(pg, source_db, archive):
    before = fingerprint(pg, source_db)
    files_before = files_of(source_db)
    restore = Restore(pg, filestore_root())
    with pytest.raises(BackupError, match="already exists"):
        restore.run(archive, source_db)
    assert restore.temp_database is None
    assert fingerprint(pg, source_db) == before
    assert files_of(source_db) == files_before


def test_restore_refuses_a_leftover_filestore(pg, archive, target, tmp_path):
    root = tmp_path / "filestore"
    stray = root / target / "ab" / ("ab" + "1" * 38)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"stray")
    restore = Restore(pg, root)
    with pytest.raises(BackupError, match="filestore directory"):
        restore.run(archive, target)
    assert not pg.exists(target)
    assert stray.read_bytes() == b"stray"
    assert nothing_left(pg, restore, root)


TAMPERINGS = {
    "changed byte in the dump": lambda a, p: rewrite(a, p, change={DUMP_NAME: flip}),
    "changed byte in a file": lambda a, p: rewrite(a, p, change={a_file_member(a): flip}),
    "missing dump": lambda a, p: rewrite(a, p, drop_member=DUMP_NAME),
    "missing file": lambda a, p: rewrite(a, p, drop_member=a_file_member(a)),
    "missing manifest": lambda a, p: rewrite(a, p, drop_member=MANIFEST_NAME),
    "member not in the manifest": lambda a, p: rewrite(a, p, add_member=(f"filestore/aa/aa{'2' * 38}", b"x")),
    "manifest not json": lambda a, p: rewrite(a, p, manifest=b"{not json"),
    "manifest of another format": lambda a, p: rewrite(a, p, manifest=lambda m: dict(m, format="odoo")),
    "manifest of a future version": lambda a, p: rewrite(a, p, manifest=lambda m: dict(m, format_version=99)),
    "wrong hash in the manifest": lambda a, p: rewrite(a, p, manifest=lambda m: {
        **m, "members": {**m["members"], DUMP_NAME: {**m["members"][DUMP_NAME], "sha256": "0" * 64}}}),
    "path outside the filestore": lambda a, p: rewrite(
        a, p, add_member=("../../evil", b"x"),
        manifest=lambda m: with_hashes(m, {"../../evil": b"x"})),
    "file not matching its name, manifest forged": lambda a, p: rewrite(
        a, p, change={a_file_member(a): lambda d: b"forged content"},
        manifest=lambda m: with_hashes(m, {a_file_member(a): b"forged content"})),
    "corrupt dump, manifest forged": lambda a, p: rewrite(
        a, p, change={DUMP_NAME: lambda d: d[:len(d) // 2]},
        manifest=lambda m: with_hashes(m, {DUMP_NAME: _half_dump(a)})),
    "not a zip file": lambda a, p: _write(p, b"PK\x03\x04 definitely not a zip archive"),
}


def _write(path, data):
    path.write_bytes(data)
    return path


#: tamperings only pg_restore can see (the archive is consistent)
PG_RESTORE_FAILURES = {"corrupt dump, manifest forged"}


def _half_dump(archive):
    with zipfile.ZipFile(archive) as bundle:
        data = bundle.read(DUMP_NAME)
    return data[:len(data) // 2]


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_tampered_archive_is_refused_and_leaves_nothing(pg, archive, target, tmp_path, tampering):
    bad = TAMPERINGS[tampering](archive, tmp_path / "bad.zip")
    root = tmp_path / "filestore"
    restore = Restore(pg, root)
    with pytest.raises(BackupError):
        restore.run(bad, target)
    if tampering in PG_RESTORE_FAILURES:
        assert restore.temp_database is not None
    else:
        assert restore.temp_database is None  # refused before PostgreSQL was touched
    assert not pg.exists(target)
    assert not (root / target).exists()
    assert nothing_left(pg, restore, root)


def test_flipped_byte_in_the_archive_file_is_refused(pg, archive, target, tmp_path):
    """A byte changed inside the stored dump's data (the zip's own CRC check catches it)."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as bundle:
        info = bundle.getinfo(DUMP_NAME)
    header = data[info.header_offset:info.header_offset + 30]
    start = info.header_offset + 30 + int.from_bytes(header[26:28], "little") \
        + int.from_bytes(header[28:30], "little")
    data[start + info.compress_size // 2] ^= 0xFF
    bad = tmp_path / "flipped.zip"
    bad.write_bytes(bytes(data))
    root = tmp_path / "filestore"
    restore = Restore(pg, root)
    with pytest.raises(BackupError, match="dump.pgdump"):
        restore.run(bad, target)
    assert restore.temp_database is None
    assert not pg.exists(target)
    assert nothing_left(pg, restore, root)


# -- copies -----------------------------------------------------------------------------------------
def test_neutralized_duplicate_has_files_new_uuid_and_no_active_cron(pg, source_db, target):
    Duplicate(pg, filestore_root()).run(source_db, target, neutralize=True)
    assert files_of(target) == {fname: digest for fname, digest in files_of(source_db).items()
                                if (fname,) in query(pg, target, "SELECT store_fname FROM ir_attachment")}
    sql = "SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'"
    assert query(pg, target, sql) != query(pg, source_db, sql)
    assert query(pg, target, "SELECT count(*) FROM ir_cron WHERE active") == [(0,)]
    with pytest.raises(DatabaseError, match="already exists"):
        Duplicate(pg, filestore_root()).run(source_db, target)


# -- command line -----------------------------------------------------------------------------------
def bureau_cli(pg, *args):
    return subprocess.run([sys.executable, "-m", "bureau.cli", "--db-uri", pg.uri,
                           "--data-dir", str(config_for_tests().data_path), *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_cli_dump_and_restore(pg, source_db, target, tmp_path):
    path = tmp_path / "cli.zip"
    dumped = bureau_cli(pg, "db", "dump", source_db, str(path))
    assert dumped.returncode == 0, dumped.stderr
    assert f"dumped to {path}" in dumped.stdout
    assert "[" not in dumped.stderr  # no progress bar when not on a terminal
    with zipfile.ZipFile(path) as bundle:
        assert MANIFEST_NAME in bundle.namelist()

    restored = bureau_cli(pg, "db", "restore", target, str(path), "--copy")
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout
    assert fingerprint(pg, target)["res_partner"] == fingerprint(pg, source_db)["res_partner"]
    assert query(pg, target, "SELECT count(*) FROM ir_cron WHERE active") == [(0,)]

    again = bureau_cli(pg, "db", "restore", target, str(path))
    assert again.returncode == 1
    assert "already exists" in again.stderr

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"garbage")
    refused = bureau_cli(pg, "db", "restore", target + "_x", str(broken))
    assert refused.returncode == 1
    assert "not a Bureau archive" in refused.stderr
    assert not pg.exists(target + "_x")


def test_progress_bar_draws_only_on_a_terminal():
    from bureau.cli.progress import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = ProgressBar("restore", stream)
        bar(5, 10, "database")
        bar.close()
    assert "restore [" in terminal.getvalue() and "5/10 database" in terminal.getvalue()
    assert pipe.getvalue() == ""
