"""The journal of unsaved edits: nothing the user typed is lost to a crash, a lost connection or an
ended session.

One append-only file of JSON lines per profile (server, database, login) in the user data directory
(``platformdirs``: ``~/.local/share/Bureau/journal`` on Linux). While a form holds changes that are
not saved, its watcher (:mod:`client_qt.views.form.journaling`) appends a ``set`` line with the
record and the changed values (fields typed but not confirmed yet included); saving or discarding
appends a ``clear`` line. A line is written with one ``fsync`` and the watcher writes at most a few
lines per second, so the journal costs little and survives a power cut.

Each running client is an *instance* holding an exclusive lock on a small file for its lifetime; the
operating system releases it when the process dies, however it dies. At the next start the entries of
instances whose lock is free are offered back (:meth:`Journal.recoverable`), plus the edits set aside
when the user took another user's version of a record (:data:`SET_ASIDE`).

Never journaled: passwords (``password="1"`` fields and fields named like ``password``), binary
contents. The journal is a file of the user's own account (mode 0600).
"""
import json
import logging
import os
import re
import time
import uuid
from pathlib import Path

_logger = logging.getLogger(__name__)

VERSION = 1
#: pseudo-instance of edits set aside by the user (edit conflict: "Reload"); never alive
SET_ASIDE = "set-aside"
#: compact the file at start-up once it is larger than this
COMPACT_BYTES = 256 * 1024
#: field names never written to the journal, whatever the view says
SECRET_NAME = re.compile(r"pass(word|wd)|secret|token|api_?key|totp", re.IGNORECASE)

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


def default_directory():
    """The journal directory in the user data directory (``BUREAU_CLIENT_DATA_DIR`` overrides)."""
    configured = os.environ.get("BUREAU_CLIENT_DATA_DIR")
    if configured:
        return Path(configured) / "journal"
    import platformdirs
    return Path(platformdirs.user_data_dir("Bureau", appauthor=False)) / "journal"


def profile_name(url, db, login):
    """A file name for a profile: readable, and distinct for distinct (url, db, login)."""
    import hashlib
    text = f"{url.rstrip('/')}|{db}|{login}"
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{db}-{login}")[:40]
    return f"{readable}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def _lock(handle, blocking=True):
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    else:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK, 1)


def _unlock(handle):
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    else:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def _open_private(path, mode):
    fd = os.open(path, os.O_RDWR | os.O_CREAT | (os.O_APPEND if "a" in mode else 0), 0o600)
    return os.fdopen(fd, mode)


class Journal:
    """:param directory: where the journal files live
    :param profile: the profile's file name (:func:`profile_name`)
    """

    def __init__(self, directory, profile):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(self.directory, 0o700)
        except OSError:
            pass
        self.profile = profile
        self.path = self.directory / f"{profile}.jsonl"
        self.lock_path = self.directory / f"{profile}.lock"
        self.instance = uuid.uuid4().hex[:16]
        self._alive = None
        self.keys = set()
        self.writes = 0

    @classmethod
    def for_profile(cls, url, db, login, directory=None):
        return cls(directory or default_directory(), profile_name(url, db, login))

    # -- this instance ---------------------------------------------------------------------------
    def _instance_path(self, instance):
        return self.directory / f"{self.profile}.{instance}.alive"

    def start(self):
        """Mark this instance alive (its lock lasts as long as the process)."""
        if self._alive is None:
            self._alive = _open_private(self._instance_path(self.instance), "w")
            _lock(self._alive)
        return self

    def close(self):
        """A clean exit: every form was saved or discarded, nothing of this instance is kept."""
        self.clear_instance()
        if self._alive is not None:
            path = self._instance_path(self.instance)
            _unlock(self._alive)
            self._alive.close()
            self._alive = None
            try:
                path.unlink()
            except OSError:
                pass

    def _is_alive(self, instance):
        if instance == SET_ASIDE:
            return False
        if instance == self.instance:
            return self._alive is not None
        path = self._instance_path(instance)
        if not path.exists():
            return False
        try:
            with open(path, "a") as handle:
                try:
                    _lock(handle, blocking=False)
                except OSError:
                    return True
                _unlock(handle)
        except OSError:
            return False
        return False

    # -- writing ---------------------------------------------------------------------------------
    def _append(self, lines):
        data = "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)
        data = data.encode("utf-8")
        with _open_private(self.lock_path, "a") as lock:
            _lock(lock)
            try:
                with _open_private(self.path, "a+b") as handle:
                    size = handle.seek(0, os.SEEK_END)
                    if size:
                        handle.seek(size - 1)
                        if handle.read(1) != b"\n":
                            # a client died in the middle of a line: end it, so this one stays whole
                            data = b"\n" + data
                    handle.write(data)
                    handle.flush()
                    (getattr(os, "fdatasync", None) or os.fsync)(handle.fileno())
            finally:
                _unlock(lock)
        self.writes += 1

    def new_key(self):
        return f"{self.instance}:{uuid.uuid4().hex[:8]}"

    def set(self, key, entry, instance=None):
        """Record the unsaved state of one form: ``entry`` has ``model``, ``id``, ``title``,
        ``fields`` ({name: {label, value | text}}) and what reopens it (``view_id``, ``action``)."""
        line = dict(entry, v=VERSION, op="set", key=key, instance=instance or self.instance, t=time.time())
        self._append([line])
        self.keys.add(key)

    def clear(self, *keys):
        """The forms of ``keys`` were saved or discarded."""
        keys = [key for key in keys if key]
        if keys:
            self._append([{"v": VERSION, "op": "clear", "key": key, "t": time.time()} for key in keys])
            self.keys.difference_update(keys)

    def clear_instance(self):
        if self.keys:
            self.clear(*sorted(self.keys))

    def set_aside(self, entry):
        """Keep edits the user chose not to save now (offered at the next start and in the menu)."""
        key = f"{SET_ASIDE}:{uuid.uuid4().hex[:8]}"
        self.set(key, dict(entry, set_aside=True), instance=SET_ASIDE)
        self.keys.discard(key)
        return key

    # -- reading ---------------------------------------------------------------------------------
    def entries(self):
        """The latest ``set`` of every key not cleared since, oldest first."""
        state = {}
        try:
            with open(self.path, encoding="utf-8") as handle:
                for number, text in enumerate(handle, 1):
                    try:
                        line = json.loads(text)
                    except ValueError:
                        # a line cut by a crash in the middle of a write: the lines before it stand
                        _logger.warning("journal %s: line %d unreadable, skipped", self.path, number)
                        continue
                    key = line.get("key")
                    if line.get("op") == "set":
                        state.pop(key, None)
                        state[key] = line
                    elif line.get("op") == "clear":
                        state.pop(key, None)
        except FileNotFoundError:
            return []
        return list(state.values())

    def recoverable(self):
        """Entries of clients that are no longer running (crashed, killed) and set-aside edits."""
        return [entry for entry in self.entries() if not self._is_alive(entry.get("instance"))]

    def forget(self, entries):
        """Drop recovered or refused entries."""
        self.clear(*[entry["key"] for entry in entries])

    def compact(self):
        """Rewrite the file with the open entries only (at start-up, when it grew large)."""
        with _open_private(self.lock_path, "a") as lock:
            _lock(lock)
            try:
                if not self.path.exists() or self.path.stat().st_size < COMPACT_BYTES:
                    return
                entries = self.entries()
                temporary = self.path.with_suffix(".tmp")
                with _open_private(temporary, "w") as handle:
                    for entry in entries:
                        handle.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, self.path)
            finally:
                _unlock(lock)
        for path in self.directory.glob(f"{self.profile}.*.alive"):
            instance = path.name[len(self.profile) + 1:-len(".alive")]
            if instance != self.instance and not self._is_alive(instance):
                try:
                    path.unlink()
                except OSError:
                    pass


def journalable(name, description, attrs=None):
    """Whether a field's value may be written to the journal (never passwords nor file contents)."""
    attrs = attrs or {}
    if attrs.get("password") in ("1", "True", "true") or SECRET_NAME.search(name):
        return False
    return (description or {}).get("type") not in ("binary", "image")
