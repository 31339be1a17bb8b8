"""ir.attachment storage (modules.md §12, orm.md FLD-4, security.md TRX-D): content-addressed
filestore, deduplication, the ``db`` location, Binary fields on top, and the garbage collector."""
import base64
import hashlib
import os
import time

import pytest

from conftest import make_env

MODEL = "test.orm.all.types"


def sha1(content):
    return hashlib.sha1(content).hexdigest()


def path_of(env, content):
    digest = sha1(content)
    return env["ir.attachment"]._filestore() / digest[:2] / digest


def store_files(env):
    root = env["ir.attachment"]._filestore()
    return {f"{p.parent.name}/{p.name}" for p in root.glob("??/*") if not p.name.startswith(".")}


@pytest.fixture
def committed_env(pg, fresh_db):
    """An environment on a database of its own, for tests that commit (the collector runs in a
    transaction of its own and only sees committed rows)."""
    env = make_env(pg, fresh_db)
    yield env
    env.cr.rollback()
    env.cr.close()


# -- filestore --------------------------------------------------------------------------------
def test_content_is_stored_in_the_filestore_under_its_sha1(env):
    content = b"hello filestore"
    attachment = env["ir.attachment"].create({"name": "hello.txt", "raw": content})
    digest = sha1(content)
    assert attachment.store_fname == f"{digest[:2]}/{digest}"
    assert attachment.checksum == digest
    assert attachment.file_size == len(content)
    assert attachment.mimetype == "text/plain"
    assert attachment.db_datas is False
    path = env["ir.attachment"]._filestore() / digest[:2] / digest
    assert path == env.registry.config.data_path / "filestore" / env.cr.dbname / digest[:2] / digest
    assert path.read_bytes() == content
    attachment.invalidate_recordset()
    assert attachment.raw == content
    assert attachment.datas == content
    assert attachment.read(["datas"])[0]["datas"] == base64.b64encode(content).decode()


def test_datas_written_as_base64_is_stored_as_raw_content(env):
    attachment = env["ir.attachment"].create({"name": "doc", "datas": base64.b64encode(b"\x00\x01bin").decode()})
    attachment.invalidate_recordset()
    assert attachment.raw == b"\x00\x01bin"
    assert path_of(env, b"\x00\x01bin").read_bytes() == b"\x00\x01bin"


def test_equal_contents_share_one_file(env):
    content = b"same bytes in two attachments"
    first, second = env["ir.attachment"].create([{"name": "a", "raw": content}, {"name": "b", "raw": content}])
    assert first.store_fname == second.store_fname
    assert [p.name for p in path_of(env, content).parent.iterdir() if p.name.startswith(sha1(content))] \
        == [sha1(content)]


def test_new_content_goes_to_a_new_file_and_the_old_one_stays_for_the_collector(env):
    attachment = env["ir.attachment"].create({"name": "v", "raw": b"version one"})
    attachment.write({"raw": b"version two"})
    assert attachment.store_fname == f"{sha1(b'version two')[:2]}/{sha1(b'version two')}"
    assert attachment.checksum == sha1(b"version two")
    assert attachment.file_size == len(b"version two")
    assert path_of(env, b"version two").read_bytes() == b"version two"
    # never deleted inline (TRX-D): the transaction may still roll back
    assert path_of(env, b"version one").exists()
    attachment.invalidate_recordset()
    assert attachment.raw == b"version two"


def test_assigning_raw_stores_the_content(env):
    attachment = env["ir.attachment"].create({"name": "assign.bin"})
    attachment.raw = b"assigned"
    assert attachment.checksum == sha1(b"assigned")
    assert path_of(env, b"assigned").exists()


def test_empty_content_has_no_file(env):
    attachment = env["ir.attachment"].create({"name": "empty", "raw": b""})
    assert attachment.store_fname is False
    assert attachment.file_size == 0
    assert attachment.checksum == sha1(b"")
    assert attachment.raw is False


def test_mimetype_from_the_name_then_the_content_unless_given(env):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    Attachment = env["ir.attachment"]
    assert Attachment.create({"name": "report.pdf", "raw": b"%PDF-1.4"}).mimetype == "application/pdf"
    assert Attachment.create({"name": "image", "raw": png}).mimetype == "image/png"
    assert Attachment.create({"name": "blob", "raw": b"\x00\x01"}).mimetype == "application/octet-stream"
    assert Attachment.create({"name": "x.png", "raw": png, "mimetype": "image/x-custom"}).mimetype \
        == "image/x-custom"


def test_derived_fields_are_not_taken_from_values(env):
    attachment = env["ir.attachment"].create({"name": "evil", "raw": b"payload", "store_fname": "../../etc/passwd",
                                              "checksum": "0" * 40, "file_size": 1})
    assert attachment.store_fname == f"{sha1(b'payload')[:2]}/{sha1(b'payload')}"
    assert attachment.checksum == sha1(b"payload")
    assert attachment.file_size == 7
    attachment.write({"store_fname": "../../etc/passwd"})
    assert attachment.store_fname == f"{sha1(b'payload')[:2]}/{sha1(b'payload')}"


def test_a_tampered_store_fname_is_not_followed(env):
    attachment = env["ir.attachment"].create({"name": "t", "raw": b"content"})
    env.cr.execute("UPDATE ir_attachment SET store_fname = '../../../../etc/passwd' WHERE id = %s", [attachment.id])
    attachment.invalidate_recordset()
    assert attachment.raw is False


def test_copy_keeps_the_content(env):
    original = env["ir.attachment"].create({"name": "orig.txt", "raw": b"copied content"})
    duplicate = original.copy()
    duplicate.invalidate_recordset()
    assert duplicate.raw == b"copied content"
    assert duplicate.store_fname == original.store_fname


def test_db_location_keeps_the_content_in_the_table(env):
    env["ir.config_parameter"].set_param("ir_attachment.location", "db")
    files_before = store_files(env)
    attachment = env["ir.attachment"].create({"name": "indb.txt", "raw": b"kept in db_datas"})
    assert attachment.store_fname is False
    assert attachment.db_datas == b"kept in db_datas"
    assert attachment.checksum == sha1(b"kept in db_datas")
    assert not path_of(env, b"kept in db_datas").exists()
    assert store_files(env) == files_before
    attachment.invalidate_recordset()
    assert attachment.raw == b"kept in db_datas"
    # back to files: new contents go to the filestore, existing ones keep being readable
    env["ir.config_parameter"].set_param("ir_attachment.location", "file")
    attachment.write({"raw": b"now in a file"})
    assert attachment.db_datas is False
    assert path_of(env, b"now in a file").exists()


# -- Binary fields stored as attachments (FLD-4) -------------------------------------------------------
def test_binary_field_content_lives_in_the_filestore(env):
    record = env[MODEL].create({"binary": b"field content"})
    attachment = env["ir.attachment"].search([("res_model", "=", MODEL), ("res_field", "=", "binary"),
                                              ("res_id", "=", record.id)])
    assert attachment.store_fname == f"{sha1(b'field content')[:2]}/{sha1(b'field content')}"
    assert path_of(env, b"field content").read_bytes() == b"field content"
    record.invalidate_recordset()
    assert record.binary == b"field content"
    record.binary = b"other content"
    record.invalidate_recordset()
    assert record.binary == b"other content"
    record.binary = False
    assert not attachment.exists()
    record.invalidate_recordset()
    assert record.binary is False


def test_binary_field_with_db_location(env):
    env["ir.config_parameter"].set_param("ir_attachment.location", "db")
    record = env[MODEL].create({"binary": b"field in db"})
    attachment = env["ir.attachment"].search([("res_model", "=", MODEL), ("res_field", "=", "binary"),
                                              ("res_id", "=", record.id)])
    assert attachment.store_fname is False
    assert attachment.db_datas == b"field in db"
    record.invalidate_recordset()
    assert record.binary == b"field in db"


def test_binary_fields_of_several_records_share_a_file(env):
    records = env[MODEL].create([{"binary": b"shared field"}, {"binary": b"shared field"}])
    attachments = env["ir.attachment"].search([("res_model", "=", MODEL), ("res_id", "in", records.ids)])
    assert len(attachments) == 2
    assert len(set(attachments.mapped("store_fname"))) == 1


# -- garbage collector ------------------------------------------------------------------------------
def test_collector_is_an_autovacuum_method(env):
    assert "_gc_file_store" in [m.__name__ for m in env.registry.autovacuum_methods["ir.attachment"]]


def test_collector_removes_only_unreferenced_files(committed_env):
    env = committed_env
    Attachment = env["ir.attachment"]
    kept = Attachment.create({"name": "kept", "raw": b"kept"})
    deleted = Attachment.create({"name": "deleted", "raw": b"deleted"})
    shared = Attachment.create([{"name": "s1", "raw": b"shared"}, {"name": "s2", "raw": b"shared"}])
    replaced = Attachment.create({"name": "replaced", "raw": b"old version"})
    record = env[MODEL].create({"binary": b"field file"})
    env.cr.commit()
    deleted.unlink()
    shared[0].unlink()
    replaced.raw = b"new version"
    env.cr.commit()
    # a rolled-back transaction leaves its file behind
    Attachment.create({"name": "rolled back", "raw": b"rolled back"})
    env.cr.rollback()
    for content in (b"deleted", b"old version", b"rolled back"):
        assert path_of(env, content).exists()

    removed = Attachment._gc_file_store()

    assert removed == 3
    for content in (b"deleted", b"old version", b"rolled back"):
        assert not path_of(env, content).exists()
    for content in (b"kept", b"shared", b"new version", b"field file"):
        assert path_of(env, content).exists()
    kept.invalidate_recordset()
    record.invalidate_recordset()
    assert kept.raw == b"kept"
    assert shared[1].raw == b"shared"
    assert record.binary == b"field file"
    assert Attachment._gc_file_store() == 0


def test_collector_waits_for_writers_and_gives_up_when_locked(pg, committed_env):
    env = committed_env
    Attachment = env["ir.attachment"]
    garbage = Attachment.create({"name": "garbage", "raw": b"garbage"})
    env.cr.commit()
    garbage.unlink()
    env.cr.commit()
    # another transaction is writing an attachment: its file exists, its row is not committed
    writer = make_env(pg, env.cr.dbname)
    try:
        writer["ir.attachment"].create({"name": "in flight", "raw": b"in flight"})
        assert path_of(env, b"in flight").exists()

        assert Attachment._gc_file_store(lock_timeout=0.2) is False

        assert path_of(env, b"garbage").exists()
        assert path_of(env, b"in flight").exists()
        writer.cr.commit()
    finally:
        writer.cr.close()
    assert Attachment._gc_file_store() == 1
    assert not path_of(env, b"garbage").exists()
    assert path_of(env, b"in flight").exists()


def test_vacuum_cleaner_runs_the_collector(committed_env):
    env = committed_env
    garbage = env["ir.attachment"].create({"name": "garbage", "raw": b"vacuumed"})
    env.cr.commit()
    garbage.unlink()
    env.cr.commit()
    env["ir.autovacuum"].run_vacuum_cleaner()
    assert not path_of(env, b"vacuumed").exists()


def test_collector_removes_stale_temporary_files_only(committed_env):
    env = committed_env
    env["ir.attachment"].create({"name": "x", "raw": b"x"})
    env.cr.commit()
    directory = path_of(env, b"x").parent
    stale = directory / ".deadbeef.crashed.tmp"
    fresh = directory / ".deadbeef.writing.tmp"
    stale.write_bytes(b"partial")
    fresh.write_bytes(b"partial")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    env["ir.attachment"]._gc_file_store()
    assert not stale.exists()
    assert fresh.exists()
    assert path_of(env, b"x").exists()
