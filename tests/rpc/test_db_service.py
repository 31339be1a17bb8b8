"""The ``db`` service and the ``/web/database/*`` forms (rpc.md §13, security.md DBM-1/2/4/5/6,
AUTH-6, VAL-6) on the real server over HTTP, with real databases.

Each server here gets its own configuration file (``BUREAU_CONFIG``) holding the hash of a known
master password, except where the test is about generating one.
"""
import base64
import io
import json
import os
import re
import shutil
import stat
import urllib.request
import xmlrpc.client
import zipfile

import pytest
import requests

from bureau.cli.main import main as cli_main
from bureau.service.db import store_master_password
from conftest import config_for_tests, new_db_name, start_server

pytestmark = pytest.mark.pg

MASTER = "db-test-master-password"
ADMIN_PASSWORD = "Admin-password-of-db-tests"
BOSS = "boss@example.com"
ACCESS_DENIED = "odoo.exceptions.AccessDenied"


# -- helpers ---------------------------------------------------------------------------------------
def db_proxy(server, legacy=False):
    return xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/db" if legacy else f"{server.url}/xmlrpc/2/db")


def common_proxy(server):
    return xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")


def object_proxy(server):
    return xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")


def jsonrpc(server, service, method, *args):
    """The decoded reply of a ``/jsonrpc`` call (``result`` or ``error``), as OdooRPC sends it."""
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 7,
                       "params": {"service": service, "method": method, "args": list(args)}}).encode()
    request = urllib.request.Request(f"{server.url}/jsonrpc", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        return json.loads(response.read())


def fault_of(call, *args):
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(*args)
    return info.value


def config_with_master(tmp_path, password=MASTER):
    path = tmp_path / "bureau.conf"
    store_master_password(path, password)
    return path


def server_with_config(pg, config_path, *args, **env):
    return start_server(pg, *args, env_extra={"BUREAU_CONFIG": str(config_path), **env})


def remove_database(pg, name):
    from bureau.orm.registry import Registry
    Registry.delete(name)
    if pg.exists(name):
        pg.drop_database(name)
    shutil.rmtree(config_for_tests().filestore(name), ignore_errors=True)


def table_count(pg, name):
    import psycopg2
    conn = psycopg2.connect(dbname=name, **pg.dsn_params)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            return cur.fetchone()[0]
    finally:
        conn.close()


def sql_value(pg, name, query):
    import psycopg2
    conn = psycopg2.connect(dbname=name, **pg.dsn_params)
    try:
        with conn.cursor() as cur:
            cur.execute(query)
            return cur.fetchone()[0]
    finally:
        conn.close()


def our_databases(pg):
    """The databases of this module in this process (other tests, and other runs of this module,
    may create and drop theirs meanwhile)."""
    return [name for name in pg.list_databases() if name.startswith("dbs_") and f"_{os.getpid()}_" in name]


def login(server, name, user=BOSS, password=ADMIN_PASSWORD):
    return common_proxy(server).login(name, user, password)


# -- fixtures --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def created(pg):
    """Names of the databases a test made; dropped at the end of the module."""
    names = []
    yield names
    failures = []
    for name in names:
        try:
            remove_database(pg, name)
        except Exception as exc:
            failures.append(f"{name}: {exc}")
    assert not failures, failures


@pytest.fixture(scope="module")
def server(pg, tmp_path_factory):
    live = server_with_config(pg, config_with_master(tmp_path_factory.mktemp("db_service")))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def source_db(server, created):
    """A database made over XML-RPC (French administrator ``boss@example.com``, Belgian company)
    holding one attachment file."""
    name = new_db_name("dbs_src")
    created.append(name)
    assert db_proxy(server).create_database(MASTER, name, False, "fr_FR", ADMIN_PASSWORD, BOSS, "BE",
                                            "+32 2 555 00 00") is True
    uid = login(server, name)
    object_proxy(server).execute_kw(name, uid, ADMIN_PASSWORD, "ir.attachment", "create", [{
        "name": "note.txt", "datas": base64.b64encode(b"attachment of the source").decode()}])
    return name


def attachment_content(server, name):
    uid = login(server, name)
    rows = object_proxy(server).execute_kw(name, uid, ADMIN_PASSWORD, "ir.attachment", "search_read",
                                           [[("name", "=", "note.txt")]], {"fields": ["datas"]})
    return base64.b64decode(rows[0]["datas"]) if rows and rows[0]["datas"] else None


# -- creating and listing --------------------------------------------------------------------------
def test_create_database_sets_admin_login_password_language_and_company_country(server, source_db):
    uid = login(server, source_db)
    assert uid
    assert login(server, source_db, "admin", ADMIN_PASSWORD) is False    # the login was replaced
    objects = object_proxy(server)
    [admin] = objects.execute_kw(source_db, uid, ADMIN_PASSWORD, "res.users", "read", [[uid]],
                                 {"fields": ["login", "lang", "email", "phone"]})
    assert admin == {"id": uid, "login": BOSS, "lang": "fr_FR", "email": BOSS, "phone": "+32 2 555 00 00"}
    assert objects.execute_kw(source_db, uid, ADMIN_PASSWORD, "res.lang", "search_count",
                              [[("code", "=", "fr_FR"), ("active", "=", True)]]) == 1
    [company] = objects.execute_kw(source_db, uid, ADMIN_PASSWORD, "res.company", "read", [[1]],
                                   {"fields": ["country_id", "currency_id"]})
    assert company["country_id"][1] == "Belgium" and company["currency_id"][1] == "EUR"


def test_list_and_db_exist_show_the_database_on_every_transport(server, source_db):
    names = db_proxy(server).list()
    assert source_db in names and names == sorted(names)
    assert "bureau_system" not in names and "postgres" not in names
    assert source_db in db_proxy(server, legacy=True).list()
    assert jsonrpc(server, "db", "list")["result"] == names
    assert db_proxy(server).db_exist(source_db) is True
    assert jsonrpc(server, "db", "db_exist", "no_such_database_here")["result"] is False


def test_server_version_and_languages_need_no_master_password(server):
    assert db_proxy(server).server_version() == "17.0"
    assert ["fr_FR", "French / Français"] in db_proxy(server).list_lang()
    assert jsonrpc(server, "db", "server_version") == {"jsonrpc": "2.0", "id": 7, "result": "17.0"}


def test_unknown_method_of_the_db_service_is_method_not_found(server):
    fault = fault_of(db_proxy(server).exec_sql, MASTER)
    assert fault.faultCode == 1 and "Method not found: exec_sql" in fault.faultString


def test_create_database_refuses_the_well_known_admin_password_and_leaves_nothing(server, pg):
    name = new_db_name("dbs_weak")
    fault = fault_of(db_proxy(server).create_database, MASTER, name, False, "en_US", "admin")
    assert fault.faultCode == 2 and "at least 8 characters" in fault.faultString
    assert not pg.exists(name)


# -- copies, renames, drops ------------------------------------------------------------------------
def test_duplicate_neutralized_then_rename_then_drop_over_jsonrpc(server, source_db, created, pg):
    copy, renamed = new_db_name("dbs_copy"), new_db_name("dbs_renamed")
    created.extend([copy, renamed])
    assert jsonrpc(server, "db", "duplicate_database", MASTER, source_db, copy, True)["result"] is True
    assert attachment_content(server, copy) == b"attachment of the source"
    assert sql_value(pg, copy, "SELECT count(*) FROM ir_cron WHERE active") == 0
    assert sql_value(pg, copy, "SELECT value FROM ir_config_parameter WHERE key = 'database.is_neutralized'") == "True"

    assert jsonrpc(server, "db", "rename", MASTER, copy, renamed)["result"] is True
    assert jsonrpc(server, "db", "db_exist", copy)["result"] is False
    assert attachment_content(server, renamed) == b"attachment of the source"

    assert jsonrpc(server, "db", "drop", MASTER, renamed)["result"] is True
    assert not pg.exists(renamed)
    assert not config_for_tests().filestore(renamed).exists()
    assert jsonrpc(server, "db", "drop", MASTER, renamed)["result"] is False
    assert attachment_content(server, source_db) == b"attachment of the source"


def test_duplicate_onto_an_existing_name_is_refused(server, source_db):
    fault = fault_of(db_proxy(server).duplicate_database, MASTER, source_db, source_db)
    assert fault.faultCode == 2 and "already exists" in fault.faultString


# -- dumps and restores ----------------------------------------------------------------------------
def test_zip_dump_restores_with_its_files_and_an_existing_name_is_refused(server, source_db, created, pg):
    data = db_proxy(server).dump(MASTER, source_db, "zip")
    assert isinstance(data, str)
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(data))) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert "dump.pgdump" in names and any(n.startswith("filestore/") for n in names)
    assert manifest["database"] == source_db and "base" in manifest["modules"]

    restored = new_db_name("dbs_restored")
    created.append(restored)
    assert db_proxy(server).restore(MASTER, restored, data) is True
    assert attachment_content(server, restored) == b"attachment of the source"
    assert sql_value(pg, restored, "SELECT count(*) FROM ir_cron WHERE active") > 0   # not a copy

    fault = fault_of(db_proxy(server).restore, MASTER, restored, data)
    assert fault.faultCode == 2 and "already exists" in fault.faultString


def test_pg_custom_dump_format_restores_as_a_neutralized_copy(server, source_db, created, pg):
    reply = jsonrpc(server, "db", "dump", MASTER, source_db, "dump")
    assert base64.b64decode(reply["result"])[:5] == b"PGDMP"
    restored = new_db_name("dbs_custom")
    created.append(restored)
    assert jsonrpc(server, "db", "restore", MASTER, restored, reply["result"], True)["result"] is True
    assert login(server, restored)
    assert sql_value(pg, restored, "SELECT count(*) FROM ir_cron WHERE active") == 0


def test_restore_refuses_garbage_and_tampered_archives_and_leaves_no_database(server, source_db, pg):
    name = new_db_name("dbs_bad_restore")
    before = our_databases(pg)
    fault = fault_of(db_proxy(server).restore, MASTER, name, base64.b64encode(b"no backup at all").decode())
    assert fault.faultCode == 2
    archive = bytearray(base64.b64decode(db_proxy(server).dump(MASTER, source_db, "zip")))
    with zipfile.ZipFile(io.BytesIO(bytes(archive))) as bundle:
        info = bundle.getinfo("dump.pgdump")
    # the dump is stored uncompressed: flip a byte in the middle of its data
    archive[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0xFF
    fault = fault_of(db_proxy(server).restore, MASTER, name, base64.b64encode(bytes(archive)).decode())
    assert fault.faultCode == 2 and "invalid archive" in fault.faultString
    assert not pg.exists(name)
    assert our_databases(pg) == before


def test_migrate_databases_upgrades_an_initialised_database(server, source_db):
    assert db_proxy(server).migrate_databases(MASTER, [source_db]) is True
    assert login(server, source_db)


# -- the master password ---------------------------------------------------------------------------
def management_calls(source, victim):
    """(method, args after the master password) of every method guarded by the master password."""
    return [
        ("create_database", [new_db_name("dbs_never"), False, "en_US", ADMIN_PASSWORD]),
        ("duplicate_database", [source, new_db_name("dbs_never")]),
        ("drop", [victim]),
        ("dump", [source, "zip"]),
        ("restore", [new_db_name("dbs_never"), base64.b64encode(b"PK").decode()]),
        ("rename", [victim, new_db_name("dbs_never")]),
        ("change_admin_password", ["a-new-master-password"]),
        ("migrate_databases", [[source]]),
    ]


def test_wrong_empty_or_missing_master_password_is_refused_and_changes_nothing(server, source_db, created, pg):
    victim = new_db_name("dbs_victim")
    created.append(victim)
    assert db_proxy(server).duplicate_database(MASTER, source_db, victim) is True
    before = our_databases(pg)
    for number, (method, args) in enumerate(management_calls(source_db, victim)):
        password = ["wrong password", ""][number % 2]
        fault = fault_of(getattr(db_proxy(server), method), password, *args)
        assert (fault.faultCode, fault.faultString) == (3, "Access Denied"), method
        if number % 3 == 0:
            fault = fault_of(getattr(db_proxy(server, legacy=True), method), "Wrong", *args)
            assert fault.faultCode == "AccessDenied", method
        if number % 3 == 1:
            error = jsonrpc(server, "db", method, "", *args)["error"]
            assert error["data"]["name"] == ACCESS_DENIED and error["data"]["message"] == "Access Denied", method
        # a right password in between clears the failures of this network (no growing delays)
        assert db_proxy(server).drop(MASTER, "dbs_absent_database") is False
    assert jsonrpc(server, "db", "drop")["error"]["data"]["name"] == ACCESS_DENIED
    assert our_databases(pg) == before
    assert login(server, victim)
    # the master password did not change either
    assert db_proxy(server).drop(MASTER, "dbs_absent_database") is False


def test_master_password_is_refused_even_right_after_repeated_failures(pg, tmp_path):
    live = server_with_config(pg, config_with_master(tmp_path), BUREAU_LOGIN_ATTEMPTS_PER_LOGIN="3")
    try:
        db = db_proxy(live)
        for _ in range(3):
            assert fault_of(db.drop, "wrong password", "dbs_absent_database").faultCode == 3
        assert fault_of(db.drop, MASTER, "dbs_absent_database").faultCode == 3
        assert "master password from 127.0.0.1 refused: too many failed attempts" in live.log()
    finally:
        live.stop()


def test_list_db_off_refuses_listing_and_every_management_method(pg, tmp_path, source_db):
    live = server_with_config(pg, config_with_master(tmp_path), "--no-database-list")
    try:
        before = our_databases(pg)
        assert fault_of(db_proxy(live).list).faultCode == 3
        assert jsonrpc(live, "db", "list")["error"]["data"]["name"] == ACCESS_DENIED
        for method, args in management_calls(source_db, source_db):
            assert fault_of(getattr(db_proxy(live), method), MASTER, *args).faultCode == 3, method
        response = requests.post(f"{live.url}/web/database/drop", data={"master_pwd": MASTER, "name": source_db},
                                 allow_redirects=False)
        assert response.status_code == 403 and ">Could not drop database. Access Denied<" in response.text
        page = requests.get(f"{live.url}/web/database/manager")
        assert page.status_code == 200 and source_db not in page.text
        assert our_databases(pg) == before
    finally:
        live.stop()


def test_generated_master_password_is_printed_once_and_only_its_hash_is_stored(pg, tmp_path):
    config_path = tmp_path / "bureau.conf"
    config_path.write_text("[options]\n# kept as written\nlist_db = True\n")
    os.chmod(config_path, 0o644)
    live = server_with_config(pg, config_path)
    try:
        printed = re.findall(r"master password: (\S+)", live.log())
        assert len(printed) == 1
        password = printed[0]
        text = config_path.read_text()
        assert password not in text
        assert re.search(r"^admin_passwd = \$argon2id\$", text, re.MULTILINE)
        assert "# kept as written\nlist_db = True\n" in text
        assert stat.S_IMODE(os.stat(config_path).st_mode) == 0o600
        assert db_proxy(live).drop(password, "dbs_absent_database") is False
        assert fault_of(db_proxy(live).drop, "admin", "dbs_absent_database").faultCode == 3
    finally:
        live.stop()
    again = server_with_config(pg, config_path)
    try:
        assert "master password:" not in again.log()
        assert config_path.read_text() == text
        assert db_proxy(again).drop(password, "dbs_absent_database") is False
    finally:
        again.stop()


def test_change_admin_password_over_xmlrpc_the_web_form_and_the_cli_rewrites_the_hash(pg, tmp_path, monkeypatch):
    config_path = config_with_master(tmp_path)
    first_hash = config_path.read_text()
    live = server_with_config(pg, config_path)
    try:
        db = db_proxy(live)
        assert fault_of(db.change_admin_password, MASTER, "short").faultCode == 2
        assert db.change_admin_password(MASTER, "second-master-password") is True
        assert fault_of(db.drop, MASTER, "dbs_absent_database").faultCode == 3
        assert db.drop("second-master-password", "dbs_absent_database") is False
        text = config_path.read_text()
        assert text != first_hash and "second-master-password" not in text
        assert stat.S_IMODE(os.stat(config_path).st_mode) == 0o600

        response = requests.post(f"{live.url}/web/database/change_password", allow_redirects=False,
                                 data={"master_pwd": "second-master-password", "master_pwd_new": "third-master-pw"})
        assert response.status_code == 303 and response.headers["Location"].endswith("/web/database/manager")
        assert db.drop("third-master-pw", "dbs_absent_database") is False
        response = requests.post(f"{live.url}/web/database/change_password", allow_redirects=False,
                                 data={"master_pwd": "second-master-password", "master_pwd_new": "fourth-master-pw"})
        assert response.status_code == 403

        # set from the command line while the server runs: the server reads the file again
        monkeypatch.setattr("sys.stdin", io.StringIO("set-by-the-cli-password\n"))
        assert cli_main(["--config", str(config_path), "config", "set-master-password", "--stdin"]) == 0
        assert db.drop("set-by-the-cli-password", "dbs_absent_database") is False
        assert fault_of(db.drop, "third-master-pw", "dbs_absent_database").faultCode == 3
    finally:
        live.stop()


# -- names and uninitialised databases -------------------------------------------------------------
BAD_NAMES = ["bad name", "-leading-dash", "x", "x;DROP DATABASE postgres", "caf\u00e9", "a" * 64, "../etc",
             "postgres", "bureau_system", "x'--"]


def test_bad_database_names_are_refused_on_every_path(server, source_db, pg):
    before = our_databases(pg)
    db = db_proxy(server)
    for name in BAD_NAMES:
        fault = fault_of(db.create_database, MASTER, name, False, "en_US", ADMIN_PASSWORD)
        assert fault.faultCode == 2 and "Invalid database name" in fault.faultString, name
        assert db.db_exist(name) is False, name
        assert "does not exist" in fault_of(common_proxy(server).login, name, "admin", ADMIN_PASSWORD).faultString
    some = ["bad name", "x;DROP DATABASE postgres", "bureau_system"]
    payload = base64.b64encode(b"PK").decode()
    calls = [(db.duplicate_database, [source_db, "{}"]), (db.duplicate_database, ["{}", "dbs_never_made"]),
             (db.drop, ["{}"]), (db.dump, ["{}", "zip"]), (db.restore, ["{}", payload]),
             (db.rename, [source_db, "{}"]), (db.rename, ["{}", "dbs_never_made"]), (db.migrate_databases, [["{}"]])]
    for name in some:
        for call, args in calls:
            args = [[a.format(name) for a in arg] if isinstance(arg, list) else arg.format(name) for arg in args]
            assert fault_of(call, MASTER, *args).faultCode in (1, 2), (call, name)
    error = jsonrpc(server, "db", "create_database", MASTER, "bad name", False, "en_US", ADMIN_PASSWORD)["error"]
    assert error["data"]["name"] == "odoo.exceptions.ValidationError"
    fault = fault_of(object_proxy(server).execute_kw, "x;DROP", 2, ADMIN_PASSWORD, "res.users", "search", [[]])
    assert "does not exist" in fault.faultString
    response = requests.post(f"{server.url}/web/database/create", allow_redirects=False, data={
        "master_pwd": MASTER, "name": "bad name", "password": ADMIN_PASSWORD, "lang": "en_US", "demo": "False"})
    assert response.status_code == 422 and ">Could not create database. Invalid database name" in response.text
    assert our_databases(pg) == before
    assert source_db in before
    assert not any(pg.exists(name) for name in BAD_NAMES if name not in ("postgres", "bureau_system"))


def test_uninitialised_database_is_never_initialised_by_a_login_or_any_rpc(server, pg, created):
    empty = new_db_name("dbs_empty")
    created.append(empty)
    pg.create_database(empty)
    assert "not initialised" in fault_of(common_proxy(server).login, empty, "admin", "admin").faultString
    assert "not initialised" in fault_of(common_proxy(server).authenticate, empty, "admin", ADMIN_PASSWORD,
                                         {}).faultString
    assert "not initialised" in jsonrpc(server, "common", "login", empty, "admin", "admin")["error"]["data"]["message"]
    fault = fault_of(object_proxy(server).execute_kw, empty, 2, "admin", "res.users", "search", [[]])
    assert "not initialised" in fault.faultString or "does not exist" in fault.faultString
    requests.post(f"{server.url}/web/session/authenticate", json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {"db": empty, "login": "admin", "password": "admin"}})
    assert "not initialised" in fault_of(db_proxy(server).migrate_databases, MASTER, [empty]).faultString
    fault = fault_of(db_proxy(server).create_database, MASTER, empty, False, "en_US", ADMIN_PASSWORD)
    assert "already exists" in fault.faultString
    response = requests.post(f"{server.url}/web/database/create", allow_redirects=False, data={
        "master_pwd": MASTER, "name": empty, "password": ADMIN_PASSWORD, "lang": "en_US", "demo": "False"})
    assert response.status_code == 422
    assert table_count(pg, empty) == 0


# -- the web forms ---------------------------------------------------------------------------------
def test_web_forms_create_backup_restore_duplicate_and_drop_with_odooly_values(server, created, pg):
    name, restored, copy = new_db_name("dbs_web"), new_db_name("dbs_web_restored"), new_db_name("dbs_web_copy")
    created.extend([name, restored, copy])
    url = f"{server.url}/web/database"
    # Odooly posts Python's None and False as text
    response = requests.post(f"{url}/create", allow_redirects=False, data={
        "master_pwd": MASTER, "name": name, "lang": "en_US", "password": ADMIN_PASSWORD, "demo": "False",
        "login": "admin", "country_code": "None", "phone": "None"})
    assert response.status_code == 303
    assert requests.get(server.url + response.headers["Location"]).status_code == 200
    assert login(server, name, "admin")

    response = requests.post(f"{url}/backup", data={"master_pwd": MASTER, "name": name, "backup_format": "zip"})
    assert response.status_code == 200
    assert re.match(rf'attachment; filename="{name}_[0-9_-]+\.zip"', response.headers["Content-Disposition"])
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert json.loads(archive.read("manifest.json"))["database"] == name

    reply = requests.post(f"{url}/restore", allow_redirects=False,
                          data={"master_pwd": MASTER, "name": restored, "copy": "true"},
                          files={"backup_file": ("backup.zip", response.content, "application/zip")})
    assert reply.status_code == 303 and reply.headers["Location"].endswith("/web/database/manager")
    assert login(server, restored, "admin")
    assert sql_value(pg, restored, "SELECT count(*) FROM ir_cron WHERE active") == 0
    manager = requests.get(f"{url}/manager")
    assert manager.status_code == 200 and restored in manager.text

    response = requests.post(f"{url}/duplicate", allow_redirects=False, data={
        "master_pwd": MASTER, "name": name, "new_name": copy, "neutralize_database": "False"})
    assert response.status_code == 303
    assert login(server, copy, "admin")

    response = requests.post(f"{url}/drop", allow_redirects=False, data={"master_pwd": "wrong", "name": copy})
    assert response.status_code == 403
    assert re.search(r">Could not drop database\. Access Denied<", response.text)
    assert pg.exists(copy)
    response = requests.post(f"{url}/drop", allow_redirects=False, data={"master_pwd": MASTER, "name": copy})
    assert response.status_code == 303 and not pg.exists(copy)
    response = requests.post(f"{url}/drop", allow_redirects=False, data={"master_pwd": MASTER, "name": copy})
    assert response.status_code == 422 and "does not exist" in response.text

    response = requests.post(f"{url}/backup", data={"master_pwd": "", "name": name})
    assert response.status_code == 403
    response = requests.post(f"{url}/restore", allow_redirects=False, data={"master_pwd": MASTER, "name": restored},
                             files={"backup_file": ("backup.zip", b"not an archive", "application/zip")})
    assert response.status_code == 422
