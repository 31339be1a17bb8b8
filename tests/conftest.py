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
