"""Test case classes running against a real database in a transaction that is never committed.

* :class:`TransactionCase`: one transaction per class (``cls.env`` is a superuser environment);
  every test runs in a savepoint rolled back afterwards.
* :class:`SingleTransactionCase`: one transaction for the whole class, no rollback between tests.

While a class runs, every other cursor opened on the database (an RPC server started by the test,
a registry reload) shares the test transaction (TEST-2), and ``cr.commit()`` is refused.
"""
import contextlib
import logging
import unittest

from ..orm.environment import SUPERUSER_ID, Environment

_logger = logging.getLogger(__name__)

#: (server, dbname) the test classes run against; set by ``bureau test`` or the pytest plugin
_DATABASE = {}
#: called to create the database on first use when none was set (the pytest plugin sets it)
_PROVIDER = []


def set_test_database(server, dbname, config=None):
    _DATABASE.update(server=server, dbname=dbname, config=config)


def set_test_database_provider(provider):
    _PROVIDER[:] = [provider]


def get_test_database():
    if not _DATABASE and _PROVIDER:
        _PROVIDER[0]()
    if not _DATABASE:
        raise RuntimeError("no test database: run addon tests with `bureau test -d DB` or pytest")
    return _DATABASE["server"], _DATABASE["dbname"], _DATABASE.get("config")


def tagged(*tags):
    """Add tags to a test class (``'post_install'``), or remove them (``'-at_install'``).

    Default tags are ``standard`` and ``at_install``.
    """
    def decorate(cls):
        current = set(getattr(cls, "test_tags", {"standard", "at_install"}))
        for tag in tags:
            if tag.startswith("-"):
                current.discard(tag[1:])
            else:
                current.add(tag)
        cls.test_tags = current
        return cls
    return decorate


def _forbidden_commit(*args, **kwargs):
    raise AssertionError("cr.commit() is forbidden in tests: the test transaction is rolled back")


class BaseCase(unittest.TestCase):
    """Common helpers; subclasses decide how transactions are handled."""

    test_tags = {"standard", "at_install"}
    test_module = None

    @classmethod
    def _open_transaction(cls):
        from ..modules.loading import load_registry
        from ..orm.registry import Registry
        server, dbname, config = get_test_database()
        try:
            cls.registry = Registry.get(dbname)
        except KeyError:
            cls.registry = load_registry(server, dbname, config)
        cls._server = server
        cls._dbname = dbname
        cls.cr = server.cursor(dbname)
        cls._real_commit = cls.cr.commit
        cls.cr.commit = _forbidden_commit
        server.enter_test_mode(dbname, cls.cr)
        cls.env = Environment(cls.cr, SUPERUSER_ID, {})

    @classmethod
    def _close_transaction(cls):
        cls._server.leave_test_mode(cls._dbname)
        try:
            cls.cr.rollback()
        finally:
            cls.cr.close()

    # -- assertions ------------------------------------------------------------------------------
    def assertRaises(self, expected_exception, *args, **kwargs):
        """Like :meth:`unittest.TestCase.assertRaises`, inside a savepoint (the failed operation's
        changes are undone and the transaction stays usable)."""
        if args:
            func, *rest = args
            with self.assertRaises(expected_exception, **kwargs):
                func(*rest)
            return None
        return self._assert_raises(expected_exception, **kwargs)

    @contextlib.contextmanager
    def _assert_raises(self, expected_exception, msg=None):
        with super().assertRaises(expected_exception, msg=msg) as context:
            with self.cr.savepoint():
                yield context

    @contextlib.contextmanager
    def assertQueryCount(self, count):
        """Fail when the block (and the flush that ends it) runs more than ``count`` queries."""
        start = self.cr.sql_count
        yield
        self.env.flush_all()
        used = self.cr.sql_count - start
        self.assertLessEqual(used, count, f"{used} queries, expected at most {count}")

    def assertRecordValues(self, records, expected):
        """Compare records with a list of ``{field: value}`` dicts (many2one as ids, x2many as id lists)."""
        self.assertEqual(len(records), len(expected), f"{len(records)} records, expected {len(expected)}")
        for index, (record, values) in enumerate(zip(records, expected)):
            for name, value in values.items():
                actual = record[name]
                field = record._fields[name]
                if field.type == "many2one":
                    actual = actual.id
                elif field.type in ("one2many", "many2many"):
                    actual = actual.ids
                    value = list(value)
                self.assertEqual(actual, value, f"record #{index} ({record}): field {name}")


class TransactionCase(BaseCase):
    """Each test in its own savepoint of a class-wide transaction (modules.md TEST-1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._open_transaction()
        cls.addClassCleanup(cls._close_transaction)

    def setUp(self):
        super().setUp()
        savepoint = self.cr.savepoint(flush=True)
        savepoint.__enter__()

        def rollback():
            savepoint.__exit__(Exception, Exception("rollback"), None)
            self.env.invalidate_all(flush=False)
        self.addCleanup(rollback)


class SingleTransactionCase(BaseCase):
    """One transaction for the whole class: tests see each other's changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._open_transaction()
        cls.addClassCleanup(cls._close_transaction)


def new_test_user(env, login, groups="base.group_user", **values):
    """Create a user for a test: ``groups`` is a comma-separated list of group xml ids."""
    group_ids = [env.ref(xml_id.strip()).id for xml_id in groups.split(",") if xml_id.strip()]
    values.setdefault("name", login.replace("_", " ").title())
    values.setdefault("email", f"{login}@example.com")
    return env["res.users"].with_context(no_reset_password=True).create(
        dict(values, login=login, groups_id=[(6, 0, group_ids)]))
