"""Fixtures shared by Bureau's test suite.

* ``pg`` (session): a :class:`~bureau.db.server.DatabaseServer` on a real PostgreSQL: the server
  named by ``BUREAU_TEST_DB_URI``, or else an embedded one started in a temporary directory.
* ``orm_db`` (session): a database with ``base`` and the test addons installed once.
* ``env`` (per test): a superuser environment in a transaction rolled back after the test.
* ``fresh_db`` (per test): a throw-away copy of ``orm_db`` for tests that commit.
"""
import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_ADDONS = ROOT / "tests" / "addons"
ADMIN_PASSWORD = "admin-test-password"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def test_data_dir():
    """Where the embedded test cluster lives (kept between runs; parents traversable by the
    service user when running as root)."""
    configured = os.environ.get("BUREAU_TEST_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"bureau-test-{os.getuid()}"


@pytest.fixture(scope="session")
def pg():
    from bureau.db.embedded import EmbeddedPostgres
    from bureau.db.server import DatabaseServer
    from bureau.modules.discovery import set_addons_path

    set_addons_path([TEST_ADDONS])
    uri = os.environ.get("BUREAU_TEST_DB_URI")
    embedded = None
    if not uri:
        embedded = EmbeddedPostgres(test_data_dir())
        uri = embedded.start()
    server = DatabaseServer(uri, maxconn=64)
    yield server
    server.close()
    if embedded is not None:
        embedded.stop()


def config_for_tests():
    """The configuration of test registries: the filestore lives under the test data directory."""
    from bureau.config import Config
    return Config({"data_dir": str(test_data_dir())})


def new_db_name(prefix):
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def orm_db(pg):
    from bureau.modules.loading import install_modules
    from bureau.orm.registry import Registry

    name = new_db_name("test_orm")
    pg.create_database(name)
    install_modules(pg, name, ["test_orm", "test_orm_ext"], config=config_for_tests(), admin_password=ADMIN_PASSWORD)
    yield name
    Registry.delete(name)
    pg.drop_database(name)
    shutil.rmtree(config_for_tests().filestore(name), ignore_errors=True)


def make_env(pg, dbname, uid=None, context=None):
    from bureau.orm.environment import SUPERUSER_ID, Environment
    from bureau.orm.registry import Registry
    from bureau.modules.loading import load_registry

    try:
        Registry.get(dbname)
    except KeyError:
        load_registry(pg, dbname, config=config_for_tests())
    cr = pg.cursor(dbname)
    return Environment(cr, SUPERUSER_ID if uid is None else uid, context or {})


@pytest.fixture
def env(pg, orm_db):
    env = make_env(pg, orm_db)
    yield env
    env.cr.rollback()
    env.cr.close()


@pytest.fixture
def fresh_db(pg, orm_db):
    """A copy of ``orm_db`` that tests may commit to; dropped afterwards."""
    from bureau.orm.registry import Registry

    name = new_db_name("test_fresh")
    pg.copy_database(orm_db, name)
    yield name
    Registry.delete(name)
    pg.drop_database(name)
    shutil.rmtree(config_for_tests().filestore(name), ignore_errors=True)


class QueryCounter:
    """``with count_queries(env) as counter: ...`` then ``counter.count``."""

    def __init__(self, cr):
        self.cr = cr
        self.count = 0

    def __enter__(self):
        self.start = self.cr.sql_count
        return self

    def __exit__(self, *exc):
        self.count = self.cr.sql_count - self.start


@pytest.fixture
def count_queries():
    def counter(env):
        return QueryCounter(env.cr)
    return counter


@contextlib.contextmanager
def assert_max_queries(env, maximum):
    """Fail when the block runs more than ``maximum`` statements."""
    counter = QueryCounter(env.cr)
    with counter:
        yield counter
    assert counter.count <= maximum, f"{counter.count} queries, expected at most {maximum}"


# -- a live server ---------------------------------------------------------------------------------
RPC_ADMIN_PASSWORD = "admin-rpc-password"


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def rpc_db(pg):
    """A committed database with base, library, calendar and the ORM test addons (demo data), for live servers."""
    from bureau.modules.loading import install_modules
    from bureau.orm.registry import Registry

    name = new_db_name("test_rpc")
    pg.create_database(name)
    install_modules(pg, name, ["library", "calendar", "test_orm"], demo=True, admin_password=RPC_ADMIN_PASSWORD)
    Registry.delete(name)
    yield name
    Registry.delete(name)
    pg.drop_database(name)


class LiveServer:
    """A ``bureau serve`` subprocess on 127.0.0.1 (see :func:`start_server`)."""

    def __init__(self, process, url, log_path):
        self.process = process
        self.url = url
        self.log_path = log_path

    def log(self):
        return Path(self.log_path).read_text(errors="replace")

    def stop(self, timeout=30):
        import signal
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except Exception:
                self.process.kill()
                self.process.wait(10)


#: login throttling limits of test servers: tests of other features check wrong passwords many
#: times from 127.0.0.1 on the shared ``rpc_db``, which the defaults (5 per login, security.md
#: AUTH-3) would turn into a lock-out of ``admin``; the throttle tests pass the defaults back
RELAXED_THROTTLE = {"BUREAU_LOGIN_ATTEMPTS_PER_LOGIN": "100000", "BUREAU_LOGIN_ATTEMPTS_PER_NETWORK": "100000",
                    "BUREAU_LOGIN_ATTEMPTS_SLOW_LOGIN": "100000"}


def start_server(pg, *extra_args, port=None, env_extra=None):
    """Start ``bureau serve`` against the test PostgreSQL; returns a :class:`LiveServer` once it answers."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = port or free_port()
    log_path = tempfile.mktemp(prefix="bureau-server-", suffix=".log")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # no scheduled actions in other tests' databases unless a test asks for the cron runner
    env.setdefault("BUREAU_CRON_INTERVAL", "0")
    for key, value in RELAXED_THROTTLE.items():
        env.setdefault(key, value)
    env.update(env_extra or {})
    command = [sys.executable, "-m", "bureau", "--db-uri", pg.uri, "--addons-path", str(TEST_ADDONS),
               "--data-dir", str(test_data_dir()), "--log-level", "info",
               "serve", "--http-port", str(port), *extra_args]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{Path(log_path).read_text()}")
        try:
            urllib.request.urlopen(url + "/web", timeout=1)
            return LiveServer(process, url, log_path)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not answer:\n{Path(log_path).read_text()}")


@pytest.fixture(scope="session")
def live_server(pg, rpc_db):
    """The real server in a subprocess on a free port, serving ``rpc_db``."""
    server = start_server(pg)
    yield server
    server.stop()
