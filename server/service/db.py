"""The ``db`` service: creating, copying, dropping, backing up and restoring tenant databases
(rpc.md §13, security.md §7).

Transport-free: :func:`call` takes the method name and its positional arguments as they came over
XML-RPC, ``/jsonrpc`` or a ``/web/database/*`` form, and applies the rules every transport shares:

* ``list``, ``db_exist``, ``list_lang`` and ``server_version`` are public (``list`` is refused when
  the ``list_db`` option is off);
* for every other method the **first positional argument is the master password**. It is removed
  and checked before anything else: with ``list_db`` off the call is refused whatever the password
  (DBM-2); an empty or wrong password raises :class:`~bureau.exceptions.AccessDenied`, counted by
  :mod:`bureau.service.throttle` under its own key per client network, in Bureau's own database
  ``bureau_system`` (no tenant is involved, and every worker must see the same counts: DBM-1,
  AUTH-3);
* database names are checked on every path (VAL-6): a name that does not match
  ``^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`` or is longer than 63 bytes raises
  :class:`~bureau.exceptions.ValidationError` before PostgreSQL is touched; names outside
  ``db_filter`` are databases this server does not serve (ACL-6);
* nothing initialises a database that exists but holds no module (AUTH-6): ``create_database``
  refuses an existing name, ``migrate_databases`` an uninitialised database, and logins go through
  :meth:`~bureau.service.runtime.Runtime.registry`, which refuses them.

**The master password** is stored only as an argon2id hash, in the ``admin_passwd`` option of the
configuration file (mode 0600). There is no factory default: :func:`ensure_master_password`, run by
``bureau serve`` and ``bureau demo`` at start, generates a random one when none is configured and
stores its hash; the command prints the password once. ``change_admin_password`` and
``bureau config set-master-password`` replace it. Every process re-reads the hash when the file
changes, so a change made through one worker holds in all of them.

Example (what the RPC layer does)::

    call(runtime, "drop", ["the master password", "tenant1"], address="127.0.0.1")  # -> True
"""
import base64
import csv
import functools
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from pathlib import Path

from ..config import ConfigError, update_config_file
from ..db.server import SYSTEM_DB
from ..exceptions import AccessDenied, UserError, ValidationError
from .common import SERVER_VERSION
from .runtime import DatabaseNotFound

_logger = logging.getLogger(__name__)

#: database names accepted on every path (security.md VAL-6)
DBNAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
MAX_DBNAME_BYTES = 63
#: names PostgreSQL and Bureau keep for themselves: never created, copied, renamed or dropped here
RESERVED_NAMES = frozenset({"postgres", "template0", "template1", SYSTEM_DB})
#: ``dump`` formats: a Bureau archive (manifest, pg_dump, filestore) or a bare custom-format pg_dump
DUMP_FORMATS = ("zip", "dump")
MIN_MASTER_PASSWORD_LENGTH = 8
#: the throttle key of master password failures (counted apart from user logins, DBM-1)
THROTTLE_KEY = "db:master-password"


class InvalidDatabaseName(ValidationError):
    """A database name that does not match the accepted pattern (VAL-6)."""


class DatabaseExists(UserError):
    """The database name is already taken."""


# -- the master password -------------------------------------------------------------------------
def _hasher():
    import argon2
    return argon2.PasswordHasher()    # argon2id, RFC 9106 defaults; parameters kept in the hash


def hash_master_password(password):
    """The argon2id hash of ``password`` (the only form in which it is ever stored)."""
    return _hasher().hash(password)


def is_master_password_hash(value):
    return isinstance(value, str) and value.startswith("$argon2id$")


def verify_master_password(stored_hash, password):
    """Whether ``password`` matches ``stored_hash`` (argon2 compares in constant time)."""
    import argon2
    if not is_master_password_hash(stored_hash) or not isinstance(password, str) or not password:
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def check_new_master_password(password):
    """:raises ValidationError: ``password`` is too short to guard every database"""
    if not isinstance(password, str) or len(password) < MIN_MASTER_PASSWORD_LENGTH:
        raise ValidationError(f"The master password must have at least {MIN_MASTER_PASSWORD_LENGTH} characters.")
    return password


def generate_master_password():
    """A random master password (about 160 bits, URL-safe characters)."""
    return secrets.token_urlsafe(20)


def ensure_master_password(config):
    """Make sure a master password is configured (security.md DBM-1: no factory default).

    When ``admin_passwd`` is empty, a random password is generated and its hash stored in the
    configuration file (``config.file``: the ``--config`` file, or ``<data dir>/bureau.conf``,
    created when missing, mode 0600). Two servers starting together store one password: the file
    is re-read under a lock and a hash another process stored first wins.

    :returns: ``(config, password)``: the configuration holding the hash, and the generated password
        to show once (None when one was configured already, or another process generated it)
    :raises ConfigError: ``admin_passwd`` is not an argon2id hash, or there is no file to store it in
    """
    current = config.get("admin_passwd")
    if current:
        if not is_master_password_hash(current):
            raise ConfigError("configuration key 'admin_passwd' must hold an argon2id hash, not a password: "
                              "set the master password with 'bureau config set-master-password'")
        return config, None
    if config.file is None:
        raise ConfigError("no configuration file to store the generated master password in")
    password = generate_master_password()
    new_hash = hash_master_password(password)
    try:
        stored = update_config_file(config.file, {"admin_passwd": new_hash}, keep_existing=True)["admin_passwd"]
    except OSError as exc:
        raise ConfigError(f"cannot store the master password hash in {config.file}: {exc.strerror or exc}") \
            from None
    if not is_master_password_hash(stored):
        raise ConfigError(f"configuration key 'admin_passwd' in {config.file} must hold an argon2id hash")
    _logger.info("master password generated; its hash is stored in %s", config.file)
    return config.replace(admin_passwd=stored), (password if stored == new_hash else None)


def store_master_password(config_file, password):
    """Hash ``password`` and store the hash in ``config_file`` (created when missing, mode 0600).

    :raises ValidationError: the password is too short
    :raises OSError: the file cannot be written
    """
    check_new_master_password(password)
    new_hash = hash_master_password(password)
    update_config_file(config_file, {"admin_passwd": new_hash})
    return new_hash


class MasterPasswordStore:
    """The master password hash a running server checks against.

    It starts with the configured ``admin_passwd`` and follows the configuration file: when the
    file changes (``change_admin_password`` in another worker, ``bureau config
    set-master-password``), the hash is read again.
    """

    def __init__(self, config):
        self.file = config.file
        self._hash = config.get("admin_passwd")
        self._lock = threading.Lock()
        self._signature = self._file_signature()

    def _file_signature(self):
        try:
            st = os.stat(self.file) if self.file else None
        except OSError:
            return None
        return st and (st.st_ino, st.st_mtime_ns, st.st_size)

    def current(self):
        """The hash in force (None: no master password, every management call is refused)."""
        signature = self._file_signature()
        if signature is not None and signature != self._signature:
            with self._lock:
                self._signature = signature
                value = _read_option(self.file, "admin_passwd")
                if value:
                    self._hash = value
        return self._hash

    def replace(self, password):
        """Store the hash of ``password`` in the configuration file and use it from now on."""
        if self.file is None:
            raise UserError("The server has no configuration file to store the master password in.")
        try:
            new_hash = store_master_password(self.file, password)
        except OSError as exc:
            _logger.error("cannot store the master password hash in %s: %s", self.file, exc)
            raise UserError("The new master password could not be stored.") from None
        with self._lock:
            self._hash = new_hash
            self._signature = self._file_signature()


def _read_option(path, key):
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error) as exc:
        _logger.warning("cannot read %s: %s", path, exc)
        return None
    return parser.get("options", key, fallback=None)


_stores_lock = threading.Lock()


def master_password_store(runtime):
    """The :class:`MasterPasswordStore` of ``runtime`` (one per runtime)."""
    store = getattr(runtime, "_master_password_store", None)
    if store is None:
        with _stores_lock:
            store = getattr(runtime, "_master_password_store", None)
            if store is None:
                store = runtime._master_password_store = MasterPasswordStore(runtime.config)
    return store


# -- throttling of master password failures --------------------------------------------------------
_system_db_ready = False
_system_db_lock = threading.Lock()


def _system_cursor(runtime):
    """A cursor on Bureau's own database (created on first use), where master-password failures are
    counted: they belong to no tenant, and every worker must see the same counts (AUTH-3)."""
    global _system_db_ready
    if not _system_db_ready:
        with _system_db_lock:
            if not _system_db_ready:
                if not runtime.db_server.exists(SYSTEM_DB):
                    try:
                        runtime.db_server.create_database(SYSTEM_DB)
                    except Exception:
                        # another process created it in the meantime
                        if not runtime.db_server.exists(SYSTEM_DB):
                            raise
                _system_db_ready = True
    return runtime.db_server.cursor(SYSTEM_DB)


def check_master_password(runtime, password, address=None):
    """Check the master password of a management call, throttled like logins under its own key
    (failures per client network in Bureau's own database; the ``login_attempts_*`` limits).

    :raises AccessDenied: database management is disabled (``list_db`` off), the password is
        empty or wrong, or this network failed too often recently (the same reply for all)
    """
    from . import throttle
    if not runtime.config.get("list_db", True):
        _logger.warning("database management refused to %s: list_db is off", address or "?")
        raise AccessDenied()
    stored = master_password_store(runtime).current()

    def verify():
        if not verify_master_password(stored, password):
            raise AccessDenied()

    def spend_check_time():
        # a throttled attempt costs what a check costs
        verify_master_password(stored or _dummy_hash(), "not the master password")

    throttle.guarded(lambda: _system_cursor(runtime), THROTTLE_KEY, address, verify,
                     throttle.Limits.from_config(runtime.config), on_blocked=spend_check_time,
                     what="master password")


@functools.lru_cache(maxsize=1)
def _dummy_hash():
    return hash_master_password(secrets.token_urlsafe(16))


# -- names -----------------------------------------------------------------------------------------
def check_name(name):
    """:raises InvalidDatabaseName: ``name`` is not an acceptable database name (VAL-6)"""
    if (not isinstance(name, str) or not DBNAME_RE.match(name) or len(name.encode()) > MAX_DBNAME_BYTES
            or name in RESERVED_NAMES):
        shown = str(name)[:64] if isinstance(name, str) else type(name).__name__
        raise InvalidDatabaseName(f"Invalid database name {shown!r}: use 2 to 63 letters, digits, '_', "
                                  f"'-' or '.', starting with a letter or a digit.")
    return name


def _served_databases(runtime):
    """The databases this server manages: owned by its role, ``db_filter`` applied, restores in
    progress left out."""
    from ..db.dump import TEMP_DB_PREFIX
    return [name for name in runtime.list_databases() if not name.startswith(TEMP_DB_PREFIX)]


def _existing(runtime, name):
    """``name`` checked (VAL-6) and served by this server.

    :raises DatabaseNotFound: the database does not exist, or this server does not serve it
    """
    check_name(name)
    if name not in _served_databases(runtime):
        raise DatabaseNotFound(f'database "{name}" does not exist')
    return name


def _new_name(runtime, name):
    """``name`` checked (VAL-6), served by this server (``db_filter``) and free.

    :raises DatabaseExists: a database of that name exists
    """
    from ..db.dump import TEMP_DB_PREFIX
    check_name(name)
    if runtime.db_filter is not None and not runtime.db_filter.fullmatch(name):
        raise ValidationError(f'The database name "{name}" does not match the database filter of this server.')
    if name.startswith(TEMP_DB_PREFIX):
        raise InvalidDatabaseName(f'Database names starting with "{TEMP_DB_PREFIX}" are reserved.')
    if runtime.db_server.exists(name):
        raise DatabaseExists(f'database "{name}" already exists')
    return name


def _forget(name):
    """Drop the registry of ``name`` held by this process."""
    from ..orm.registry import Registry
    Registry.delete(name)


def _user_error(exc, runtime):
    """A database-layer error as a :class:`UserError` without server paths (ERR-1)."""
    message = str(exc)
    for path in {str(runtime.config.data_path), str(Path(tempfile.gettempdir()))}:
        message = message.replace(path, "<data>" if path == str(runtime.config.data_path) else "<tmp>")
    if "already exists" in message:
        return DatabaseExists(message)
    return UserError(message)


@functools.lru_cache(maxsize=1)
def _known_languages():
    """``[[code, name], ...]`` of the languages base knows (its ``res.lang`` data file)."""
    from ..modules.loading import available_manifests
    manifest = available_manifests().get("base")
    path = Path(manifest["path"]) / "data" / "res.lang.csv" if manifest else None
    if path is None or not path.exists():
        return [["en_US", "English (US)"]]
    with open(path, newline="", encoding="utf-8") as handle:
        return sorted(([row["code"], row["name"]] for row in csv.DictReader(handle)), key=lambda r: r[1])


# -- public methods ----------------------------------------------------------------------------------
def list_databases(runtime):
    """The names of the databases this server serves, sorted.

    :raises AccessDenied: listing is disabled (``list_db`` off)
    """
    runtime.refuse_unless_listing_allowed()
    return sorted(_served_databases(runtime))


def db_exist(runtime, name):
    """Whether database ``name`` exists and is served (False for an invalid name)."""
    try:
        _existing(runtime, name)
    except (InvalidDatabaseName, DatabaseNotFound):
        return False
    return True


def list_lang(runtime):
    """``[[code, name], ...]`` of the languages a new database can use."""
    return [list(row) for row in _known_languages()]


def server_version(runtime):
    return SERVER_VERSION


# -- management methods (the master password was checked by :func:`call`) ------------------------
def create_database(runtime, name, demo=False, lang=None, user_password="admin", login="admin",
                    country_code=None, phone=None):
    """Create database ``name`` with ``base`` and its administrator; returns True once ready.

    :param demo: load demo data
    :param lang: language code of the administrator, activated when base knows it
    :param user_password: the administrator's password (the password rules apply: a well-known
        password such as ``admin`` is refused, AUTH-6)
    :param login: the administrator's login
    :param country_code: ISO code of the main company's country (and currency)
    :param phone: the administrator's phone
    :raises DatabaseExists: the name is taken (an existing empty database is never initialised)
    :raises ValidationError: invalid name or password
    """
    from ..db.dump import remove_filestore
    from ..db.server import DatabaseError
    from ..modules.loading import install_modules
    _new_name(runtime, name)
    if not isinstance(login, str) or not login.strip():
        raise ValidationError("The administrator needs a login.")
    if not isinstance(user_password, str) or not user_password:
        raise ValidationError("The administrator needs a password.")
    server = runtime.db_server
    config = runtime.config
    try:
        server.create_database(name, template=config.get("db_template", "template0"))
    except DatabaseError as exc:
        raise _user_error(exc, runtime) from None
    except Exception as exc:
        # another request created it between the check and CREATE DATABASE
        if getattr(exc, "pgcode", None) == "42P04":
            raise DatabaseExists(f'database "{name}" already exists') from None
        raise
    try:
        install_modules(server, name, ["base"], config=config, demo=bool(demo), admin_password=user_password)
        _forget(name)
        registry = runtime.registry(name)
        with runtime.cursor(name) as cr:
            from ..orm.environment import SUPERUSER_ID, Environment
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            _configure_new_database(env, lang, login.strip(), country_code, phone)
    except BaseException:
        _forget(name)
        try:
            server.drop_database(name)
        except Exception:
            _logger.exception("could not drop the database %s after its creation failed", name)
        remove_filestore(config.filestore_root, name)
        raise
    _logger.info("database %s created (demo: %s, lang: %s)", name, bool(demo), lang or "en_US")
    return True


def _configure_new_database(env, lang, login, country_code, phone):
    """The administrator's login, language and phone, and the main company's country."""
    admin = env.ref("base.user_admin")
    values = {}
    if lang:
        language = env["res.lang"].with_context(active_test=False).search([("code", "=", lang)], limit=1)
        if language:
            if not language.active:
                language.write({"active": True})
            values["lang"] = lang
        else:
            _logger.info("language %r is unknown: the database keeps English", lang)
    if login != admin.login:
        values["login"] = login
    if "@" in login:
        values["email"] = login
    if phone:
        values["phone"] = phone
    if values:
        admin.write(values)
    if country_code:
        country = env["res.country"].search([("code", "=ilike", str(country_code))], limit=1)
        if country:
            company_values = {"country_id": country.id}
            if country.currency_id:
                company_values["currency_id"] = country.currency_id.id
            env.ref("base.main_company").write(company_values)
        else:
            _logger.info("country code %r is unknown: the main company has no country", country_code)


def duplicate_database(runtime, source, target, neutralize_database=False):
    """Copy database ``source`` and its files to ``target``; returns True.

    :param neutralize_database: the copy must not act in the world (DBM-6): crons and mail
        servers off, new ``database.uuid``
    """
    from ..db.dump import Duplicate
    from ..db.server import DatabaseError
    _existing(runtime, source)
    _new_name(runtime, target)
    try:
        Duplicate(runtime.db_server, runtime.config.filestore_root).run(
            source, target, neutralize=bool(neutralize_database))
    except DatabaseError as exc:
        raise _user_error(exc, runtime) from None
    _logger.info("database %s duplicated to %s%s", source, target, " (neutralized)" if neutralize_database else "")
    return True


def drop(runtime, name):
    """Drop database ``name`` and its files; returns False when it does not exist."""
    from ..db.dump import remove_filestore
    from ..db.server import DatabaseError
    try:
        _existing(runtime, name)
    except DatabaseNotFound:
        return False
    _forget(name)
    try:
        runtime.db_server.drop_database(name)
    except DatabaseError as exc:
        raise _user_error(exc, runtime) from None
    remove_filestore(runtime.config.filestore_root, name)
    _forget(name)
    _logger.info("database %s dropped", name)
    return True


def dump(runtime, name, format="zip"):
    """The backup of database ``name`` as a base64 string.

    :param format: ``"zip"``: a Bureau archive (manifest with SHA-256 of every member, custom-format
        pg_dump, filestore; DBM-4); ``"dump"``: the bare custom-format pg_dump (no files)
    """
    from ..db.dump import Backup, dump_custom
    from ..db.server import DatabaseError
    _existing(runtime, name)
    if format not in DUMP_FORMATS:
        raise ValidationError(f"Unknown backup format {format!r} (use 'zip' or 'dump').")
    with tempfile.TemporaryDirectory(prefix="bureau-dump-") as work:
        path = Path(work) / f"{name}.{format}"
        try:
            if format == "zip":
                Backup(runtime.db_server, name, runtime.config.filestore_root).run(path)
            else:
                dump_custom(runtime.db_server, name, path)
        except DatabaseError as exc:
            raise _user_error(exc, runtime) from None
        data = base64.b64encode(path.read_bytes()).decode("ascii")
    _logger.info("database %s dumped (%s, %d base64 characters)", name, format, len(data))
    return data


def backup_to_file(runtime, name, format, path):
    """Write the backup of database ``name`` to ``path`` (the web download streams it from there)."""
    from ..db.dump import Backup, dump_custom
    from ..db.server import DatabaseError
    _existing(runtime, name)
    if format not in DUMP_FORMATS:
        raise ValidationError(f"Unknown backup format {format!r} (use 'zip' or 'dump').")
    try:
        if format == "zip":
            Backup(runtime.db_server, name, runtime.config.filestore_root).run(path)
        else:
            dump_custom(runtime.db_server, name, path)
    except DatabaseError as exc:
        raise _user_error(exc, runtime) from None
    _logger.info("database %s backed up (%s)", name, format)


def restore(runtime, name, b64data, copy=False):
    """Create database ``name`` from a base64 backup (a Bureau archive or a custom-format pg_dump).

    :param copy: the database is a copy (DBM-6): crons and mail servers off, new ``database.uuid``
    :raises DatabaseExists: ``name`` exists
    :raises UserError: the backup is refused (nothing is left behind)
    """
    _new_name(runtime, name)
    if isinstance(b64data, (bytes, bytearray)):
        b64data = bytes(b64data).decode("ascii", "replace")
    if not isinstance(b64data, str) or not b64data:
        raise ValidationError("The backup data is missing.")
    try:
        data = base64.b64decode(b64data.encode("ascii", "replace"), validate=False)
    except ValueError:
        raise ValidationError("The backup data is not valid base64.") from None
    with tempfile.TemporaryDirectory(prefix="bureau-restore-") as work:
        path = Path(work) / "backup"
        path.write_bytes(data)
        del data
        restore_file(runtime, name, path, copy=copy)
    return True


def restore_file(runtime, name, path, copy=False):
    """Create database ``name`` from the backup file ``path`` (see :func:`restore`)."""
    from ..db.dump import Restore, archive_from_dump
    from ..db.server import DatabaseError
    _new_name(runtime, name)
    with open(path, "rb") as handle:
        magic = handle.read(5)
    try:
        with tempfile.TemporaryDirectory(prefix="bureau-restore-") as work:
            if magic == b"PGDMP":
                # a bare custom-format pg_dump ('dump' format): restored through the same checks
                archive = Path(work) / "archive.zip"
                archive_from_dump(path, archive)
                path = archive
            elif magic[:4] != b"PK\x03\x04":
                raise ValidationError("The backup is neither a Bureau archive nor a custom-format pg_dump.")
            Restore(runtime.db_server, runtime.config.filestore_root).run(path, name, copy=bool(copy))
    except DatabaseError as exc:
        raise _user_error(exc, runtime) from None
    _forget(name)
    _logger.info("database %s restored%s", name, " as a copy" if copy else "")
    return True


def rename(runtime, old_name, new_name):
    """Rename database ``old_name`` (and its filestore) to ``new_name``; returns True."""
    from ..db.server import DatabaseError
    _existing(runtime, old_name)
    _new_name(runtime, new_name)
    root = runtime.config.filestore_root
    old_files, new_files = root / old_name, root / new_name
    if new_files.exists() and (not new_files.is_dir() or any(new_files.iterdir())):
        raise UserError(f'Files of a former database "{new_name}" are still present; remove them first.')
    _forget(old_name)
    moved = False
    if old_files.exists():
        if new_files.exists():
            new_files.rmdir()
        os.rename(old_files, new_files)
        moved = True
    try:
        runtime.db_server.rename_database(old_name, new_name)
    except BaseException as exc:
        if moved:
            os.rename(new_files, old_files)
        if isinstance(exc, DatabaseError):
            raise _user_error(exc, runtime) from None
        raise
    _forget(new_name)
    _logger.info("database %s renamed to %s", old_name, new_name)
    return True


def change_admin_password(runtime, new_password):
    """Replace the master password (its hash is stored in the configuration file); returns True."""
    check_new_master_password(new_password)
    master_password_store(runtime).replace(new_password)
    _logger.info("master password changed")
    return True


def migrate_databases(runtime, names):
    """Upgrade every installed module of each database of ``names``; returns True.

    :raises UserError: a database is not initialised (it is not initialised here either, AUTH-6)
    """
    from ..modules.loading import installed_modules, upgrade_modules
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise ValidationError("migrate_databases expects a list of database names.")
    for name in names:
        _existing(runtime, name)
    for name in names:
        with runtime.cursor(name, readonly=True) as cr:
            if "base" not in installed_modules(cr):
                raise UserError(f'database "{name}" is not initialised')
    for name in names:
        upgrade_modules(runtime.db_server, name, ["all"], config=runtime.config)
        _forget(name)
        _logger.info("database %s migrated", name)
    return True


#: method name -> (function, needs the master password)
METHODS = {
    "list": (list_databases, False),
    "db_exist": (db_exist, False),
    "list_lang": (list_lang, False),
    "server_version": (server_version, False),
    "create_database": (create_database, True),
    "duplicate_database": (duplicate_database, True),
    "drop": (drop, True),
    "dump": (dump, True),
    "restore": (restore, True),
    "rename": (rename, True),
    "change_admin_password": (change_admin_password, True),
    "migrate_databases": (migrate_databases, True),
}


def call(runtime, method, params, address=None):
    """Run ``db.<method>(*params)`` with the rules of rpc.md §13 (see the module docstring).

    :raises KeyError: unknown method (the RPC layer answers ``Method not found``)
    :raises AccessDenied: management disabled, or empty/wrong master password
    """
    function, needs_master = METHODS[method]
    params = list(params or [])
    if needs_master:
        password = params.pop(0) if params else None
        check_master_password(runtime, password, address)
    start = time.perf_counter()
    try:
        result = function(runtime, *params)
    except TypeError as exc:
        # wrong argument count: say which method, not where in the server (ERR-1)
        if exc.__traceback__ is not None and exc.__traceback__.tb_next is None:
            raise TypeError(f"db.{method}: {exc}") from None
        raise
    if needs_master:
        _logger.info("db.%s from %s: done in %.0f ms", method, address or "?", (time.perf_counter() - start) * 1000)
    return result
