"""``bureau test`` runs addons' own tests (modules.md TEST-1..4) and nothing they do is committed."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT, TEST_ADDONS, new_db_name


@pytest.fixture(scope="module")
def testing_db(pg):
    from bureau.modules.loading import install_modules
    from bureau.orm.registry import Registry
    name = new_db_name("test_testing")
    pg.create_database(name)
    install_modules(pg, name, ["test_testing"], admin_password="admin-testing-pw")
    Registry.delete(name)
    yield name
    Registry.delete(name)
    pg.drop_database(name)


def bureau_test(pg, dbname, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bureau", "--db-uri", pg.uri, "--log-level", "warning",
                           "--addons-path", str(TEST_ADDONS), "test", "-d", dbname, *args],
                          capture_output=True, text=True, env=env, timeout=300)


def count_tags(pg, dbname):
    with pg.cursor(dbname) as cr:
        cr.execute("SELECT count(*) FROM test_orm_tag WHERE name LIKE 'tt-%%'")
        return cr.fetchone()[0]


def test_standard_tests_pass_and_commit_nothing(pg, testing_db):
    result = bureau_test(pg, testing_db, "-m", "test_testing")
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "test_b_not_seen" in output and "test_tagged" in output and "test_fails" not in output
    assert "Ran 10 tests" in output
    assert count_tags(pg, testing_db) == 0


def test_a_failing_test_gives_a_non_zero_exit_code(pg, testing_db):
    result = bureau_test(pg, testing_db, "--test-tags", "tt_failing/test_testing")
    assert result.returncode == 1
    assert "test_fails" in result.stdout + result.stderr
    assert "Ran 1 test" in result.stdout + result.stderr


def test_tag_selection_by_class_and_method(pg, testing_db):
    result = bureau_test(pg, testing_db, "--test-tags", "/test_testing:TestRollbackBetweenTests.test_b_not_seen")
    assert result.returncode == 0
    assert "Ran 1 test" in result.stdout + result.stderr


def test_unknown_tag_syntax_is_a_clear_error(pg, testing_db):
    result = bureau_test(pg, testing_db, "--test-tags", "bad tag!")
    assert result.returncode == 1
    assert "invalid test tag" in result.stderr
