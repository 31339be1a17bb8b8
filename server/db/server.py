"""One PostgreSQL server holding one database per tenant.

:class:`DatabaseServer` knows how to reach the server (parsed from a ``postgresql://`` URI), owns the
connection pool and opens cursors on any tenant database. Tenant management (create, drop, list,
copy from a template) lives here too, as plain SQL on the maintenance database.
"""
import logging
import re
import urllib.parse

import psycopg2
import psycopg2.extensions

from .cursor import Cursor, TestCursor
from .pool import ConnectionPool
from .sql import SQL

_logger = logging.getLogger(__name__)

#: tenant database names: 2 to 63 letters, digits, ``_``, ``-`` and ``.``, starting with a letter or
#: digit (security.md VAL-6; the same rule on every path, the CLI included)
DBNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,62}$")
MAINTENANCE_DB = "postgres"
#: Bureau's own database (not a tenant): state shared by every server process that belongs to no
#: tenant, such as the failed master-password attempts (security.md DBM-1); created on first use
SYSTEM_DB = "bureau_system"


class DatabaseError(Exception):
    """A tenant operation is impossible (bad name, existing or missing database ...)."""


def check_dbname(name):
    """:raises DatabaseError: the name is not an acceptable tenant database name"""
    if not isinstance(name, str) or not DBNAME_RE.match(name):
        raise DatabaseError(f"invalid database name {name!r}: use letters, digits, '_', '-' or '.'")
    return name


def parse_uri(uri):
    """Connection keywords from a ``postgresql://user:password@host:port/dbname?opt=v`` URI."""
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URI: {uri!r}")
    params = {}
    if parts.username:
        params["user"] = urllib.parse.unquote(parts.username)
    if parts.password:
        params["password"] = urllib.parse.unquote(parts.password)
    if parts.hostname:
        params["host"] = parts.hostname
    if parts.port:
        params["port"] = parts.port
    if parts.path.strip("/"):
        params["dbname"] = urllib.parse.unquote(parts.path.strip("/"))
    for key, values in urllib.parse.parse_qs(parts.query).items():
        params[key] = values[-1]
    return params


class DatabaseServer:
    """A PostgreSQL server reached with fixed credentials; the pool is shared by all tenants.

    :param uri: ``postgresql://`` URI of the server (a database in the path is ignored)
    :param maxconn: size of the connection pool
    """

    def __init__(self, uri, maxconn=32):
        self.uri = uri
        self.dsn_params = parse_uri(uri)
        self.dsn_params.pop("dbname", None)
        self.pool = ConnectionPool(self.dsn_params, maxconn=maxconn)
        self._test_cursors = {}

    def __repr__(self):
        return f"<DatabaseServer {self.display_uri()}>"

    def display_uri(self):
        """The URI without its password, for logs and messages."""
        params = dict(self.dsn_params)
        if "password" in params:
            params["password"] = "***"
        return " ".join(f"{k}={v}" for k, v in sorted(params.items()))

    def cursor(self, dbname, readonly=False):
        """Open a transaction on database ``dbname`` (in test mode: a savepoint of the test's)."""
        shared = self._test_cursors.get(dbname)
        if shared is not None:
            return TestCursor(shared)
        conn = self.pool.borrow(dbname)
        try:
            return Cursor(self.pool, dbname, conn, readonly=readonly)
        except Exception:
            self.pool.give_back(conn, dbname, keep=False)
            raise

    def enter_test_mode(self, dbname, cursor):
        """From now on every cursor opened on ``dbname`` works inside ``cursor``'s transaction
        (modules.md TEST-2): what a test does through RPC or other code is rolled back with it."""
        self._test_cursors[dbname] = cursor

    def leave_test_mode(self, dbname):
        self._test_cursors.pop(dbname, None)

    def _admin_connection(self):
        conn = psycopg2.connect(dbname=MAINTENANCE_DB, **self.dsn_params)
        conn.autocommit = True
        return conn

    def _admin(self, statement, fetch=False):
        conn = self._admin_connection()
        try:
            with conn.cursor() as cur:
                cur.execute(statement.code, statement.params)
                return cur.fetchall() if fetch else None
        finally:
            conn.close()

    def version(self):
        """The server's version as an integer (e.g. 180006)."""
        conn = self._admin_connection()
        try:
            return conn.server_version
        finally:
            conn.close()

    def settings(self, *names):
        """Current values of server settings, e.g. ``settings('fsync', 'shared_buffers')``."""
        rows = self._admin(SQL("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", list(names)),
                           fetch=True)
        return dict(rows)

    # -- tenants ---------------------------------------------------------------------------------
    def list_databases(self):
        """Names of the databases this role owns (the tenants), sorted."""
        rows = self._admin(SQL(
            "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba "
            "WHERE r.rolname = current_user AND NOT d.datistemplate AND d.datname NOT IN (%s, %s) "
            "ORDER BY datname", MAINTENANCE_DB, SYSTEM_DB), fetch=True)
        return [name for (name,) in rows]

    def exists(self, dbname):
        rows = self._admin(SQL("SELECT 1 FROM pg_database WHERE datname = %s", dbname), fetch=True)
        return bool(rows)

    def create_database(self, dbname, template="template0"):
        """Create an empty tenant database (UTF-8, from ``template``).

        :raises DatabaseError: the name is invalid or already taken
        """
        check_dbname(dbname)
        if self.exists(dbname):
            raise DatabaseError(f"database {dbname!r} already exists")
        self._admin(SQL("CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE %s",
                        SQL.identifier(dbname) if _plain(dbname) else SQL(_quote(dbname)),
                        SQL(_quote(template))))
        _logger.info("created database %s", dbname)

    def copy_database(self, source, target):
        """Create ``target`` as a copy of ``source`` (``CREATE DATABASE ... TEMPLATE``).

        PostgreSQL needs the source to have no other connection; idle pooled connections to it are
        closed first, and the idle sessions other processes of this role keep on it (the pools of
        other workers, which discard such connections when they next borrow them) are ended.
        """
        self._release_for_move(source, target)
        self._admin(SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid != pg_backend_pid() AND usename = current_user "
                        "AND backend_type = 'client backend' AND state = 'idle'", source))
        self._admin(SQL(f"CREATE DATABASE {_quote(target)} ENCODING 'UTF8' TEMPLATE {_quote(source)}"))
        _logger.info("copied database %s to %s", source, target)

    def _release_for_move(self, source, target):
        """Check that ``source`` exists and ``target`` does not, then close the pooled connections
        to ``source`` (copying or renaming needs it without other sessions).

        :raises DatabaseError: a name is invalid, ``source`` is missing or ``target`` exists
        """
        check_dbname(source)
        check_dbname(target)
        if not self.exists(source):
            raise DatabaseError(f"database {source!r} does not exist")
        if self.exists(target):
            raise DatabaseError(f"database {target!r} already exists")
        self.pool.close_all(source)

    def rename_database(self, old, new):
        """Rename database ``old`` to ``new`` (``ALTER DATABASE ... RENAME``), ending the sessions
        connected to ``old`` first.

        :raises DatabaseError: ``old`` does not exist or ``new`` already does
        """
        self._release_for_move(old, new)
        self._admin(SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid != pg_backend_pid() AND usename = current_user "
                        "AND backend_type = 'client backend'", old))
        self._admin(SQL(f"ALTER DATABASE {_quote(old)} RENAME TO {_quote(new)}"))
        _logger.info("renamed database %s to %s", old, new)

    def drop_database(self, dbname):
        """Drop a tenant database, ending the other sessions connected to it.

        :raises DatabaseError: the database does not exist
        """
        check_dbname(dbname)
        if not self.exists(dbname):
            raise DatabaseError(f"database {dbname!r} does not exist")
        self.pool.close_all(dbname)
        self._admin(SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid != pg_backend_pid() AND usename = current_user "
                        "AND backend_type = 'client backend'", dbname))
        self._admin(SQL(f"DROP DATABASE {_quote(dbname)}"))
        _logger.info("dropped database %s", dbname)

    def set_timeouts(self, statement=0, lock=0, idle=0):
        """Bound every transaction on the connections opened from now on (security.md LIM-3).

        Set as connection start-up options rather than ``SET LOCAL`` in each transaction: the same
        bound for every transaction at no extra round trip.

        :param statement: ``statement_timeout`` in seconds (0: none)
        :param lock: ``lock_timeout`` in seconds (0: none)
        :param idle: ``idle_in_transaction_session_timeout`` in seconds (0: none): a connection left
            idle inside a transaction (a stuck worker) is closed and its locks released
        """
        options = (f"-c statement_timeout={int(statement * 1000)} -c lock_timeout={int(lock * 1000)} "
                   f"-c idle_in_transaction_session_timeout={int(idle * 1000)}")
        existing = self.dsn_params.get("options")
        self.pool.dsn_params["options"] = f"{existing} {options}" if existing else options

    def close(self):
        self.pool.close_all()


def _plain(name):
    return re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name) is not None


def _quote(name):
    # names are validated by check_dbname; quoting keeps '-' and '.' legal
    return '"' + name.replace('"', '""') + '"'
