"""Plumbing shared by the benchmark scripts of ``tests/bench/``; it measures nothing itself.

The scripts are run by path (``python tests/bench/orm_bench.py``), so Python puts this directory on
``sys.path`` and they import this module as ``bench_common``. Importing it puts the repository root
on ``sys.path`` too (for ``bureau`` and ``client_qt``); child processes get it as ``PYTHONPATH``
(:func:`child_env`). What each script measures and how it reports it stays in the script; here is
only what they all did the same way:

* the run's PostgreSQL server: :func:`argument_parser` (the ``--db-uri`` option),
  :func:`database_server` (that URI, else ``BUREAU_BENCH_DB_URI``, else the embedded server in a
  temporary directory), :func:`drop_databases`, :func:`connect`, :func:`vacuum`;
* processes: :func:`free_port`, :func:`start_http_server`, :func:`start_bureau` (``bureau serve``
  on 127.0.0.1, waited for), :func:`stop_process`, :func:`run_json_child` (one repetition in a
  fresh process), :func:`run_rotated` (a workload's repetitions, the targets' order rotating);
* the desktop client in this process: :func:`qt_app`, :func:`wait_until`, :func:`show_main_window`;
* generated addons: :func:`write_addon`;
* reports: :func:`environment` and :func:`environment_line` (date, commit, CPUs, Python,
  PostgreSQL and its settings), :func:`platform_line`, :func:`per_call`, :func:`min_max`,
  :func:`write_results` (``bench-results/<name>-<stamp>.{md,json}``).

Nothing here asserts timings: benchmarks print, they do not fail (STYLE.md §9).
"""
import argparse
import contextlib
import datetime
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = ROOT / "bench-results"
#: the ``admin`` password of every benchmark database
ADMIN_PASSWORD = "bench-admin-pw"
#: the first lines of a generated addon's ``security/ir.model.access.csv``
ACCESS_CSV_HEADER = "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# -- the PostgreSQL server ---------------------------------------------------------------------------
def argument_parser(doc):
    """An argument parser described by the first line of ``doc``, with the ``--db-uri`` option."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--db-uri", help="PostgreSQL server (default: BUREAU_BENCH_DB_URI, else the embedded "
                                         "one in a temp dir)")
    return parser


@contextlib.contextmanager
def database_server(db_uri=None):
    """The URI of the run's PostgreSQL server, for a ``with`` block.

    :param db_uri: the ``--db-uri`` option; without it ``BUREAU_BENCH_DB_URI``, and without that
        the embedded server in ``$TMPDIR/bureau-bench-<uid>``, started here and stopped on leaving
    """
    uri = db_uri or os.environ.get("BUREAU_BENCH_DB_URI")
    if uri:
        yield uri
        return
    from bureau.db.embedded import EmbeddedPostgres
    embedded = EmbeddedPostgres(Path(tempfile.gettempdir()) / f"bureau-bench-{os.getuid()}")
    uri = embedded.start()
    try:
        yield uri
    finally:
        embedded.stop()


def drop_databases(server, *names):
    """Drop the databases ``names`` left by an earlier run (and forget their registries)."""
    from bureau.orm.registry import Registry
    for name in names:
        if server.exists(name):
            Registry.delete(name)
            server.drop_database(name)


def connection_params(uri, dbname):
    """psycopg2 connection keywords for database ``dbname`` on the server of ``uri``."""
    from bureau.db.server import parse_uri
    params = parse_uri(uri)
    params["dbname"] = dbname
    return params


def connect(uri, dbname):
    """A plain psycopg2 connection to ``dbname`` (no Bureau layer in between)."""
    import psycopg2
    return psycopg2.connect(**connection_params(uri, dbname))


def vacuum(uri, *names):
    """``VACUUM ANALYZE`` every database of ``names``."""
    for name in names:
        conn = connect(uri, name)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        conn.close()


# -- processes -----------------------------------------------------------------------------------------
def child_env(**extra):
    """The environment of a child process: this one's, the repository root as ``PYTHONPATH``, ``extra``."""
    return dict(os.environ, PYTHONPATH=str(ROOT), **extra)


def free_port():
    """A TCP port of 127.0.0.1 free at the time of the call."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_http_server(command, url, log_path, timeout=120):
    """Start ``command`` (output to ``log_path``, cron off) and wait until ``url`` answers.

    Any HTTP status counts as an answer.

    :returns: the :class:`subprocess.Popen`
    :raises RuntimeError: the process exited or did not answer within ``timeout`` seconds (with
        the end of its log)
    """
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   env=child_env(BUREAU_CRON_INTERVAL="0"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{Path(log_path).read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"the server did not answer:\n{Path(log_path).read_text()[-3000:]}")


def start_bureau(uri, data_dir, options=(), serve_options=(), log_name="server.log"):
    """``bureau serve`` in a subprocess on a free port of 127.0.0.1, once it answers on ``/web``.

    :param options: global options (``--addons-path``, ``--log-level`` ...)
    :param serve_options: options of ``serve`` (``--workers`` ...)
    :param log_name: the server's output, in ``data_dir``
    :returns: ``(process, url)``
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bureau", "--db-uri", uri, "--data-dir", str(data_dir), *options,
               "serve", "--http-port", str(port), *serve_options]
    return start_http_server(command, url + "/web", Path(data_dir) / log_name), url


def stop_process(process, timeout=60):
    """SIGTERM, then SIGKILL if ``process`` has not exited after ``timeout`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_json_child(script, args, what, timeout=1800):
    """Run ``python script *args`` in a fresh process and return the JSON of its last output line.

    :raises SystemExit: the process failed (``what`` and the end of its stderr)
    """
    out = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, env=child_env(),
                         timeout=timeout)
    if out.returncode != 0:
        raise SystemExit(f"{what} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_rotated(workload, targets, reps, runs, run):
    """``reps`` repetitions of ``workload``, one ``run(target, rep)`` (seconds) per target each, the
    order of the targets rotating between repetitions; the seconds are appended to
    ``runs[(workload, target)]`` and printed to stderr."""
    for rep in range(reps):
        shift = rep % len(targets)
        for target in targets[shift:] + targets[:shift]:
            seconds = run(target, rep)
            runs.setdefault((workload, target), []).append(seconds)
            print(f"  {workload} {target:6} rep {rep}: {seconds:.3f} s", file=sys.stderr)


# -- the desktop client in this process -------------------------------------------------------------
def qt_app():
    """The process's ``QApplication`` (offscreen unless ``QT_QPA_PLATFORM`` says otherwise), with the
    client's view types and main window loaded (before a first memory reading)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from client_qt.qt import QApplication
    app = QApplication.instance() or QApplication([])
    import client_qt.windows.main_window  # noqa: F401
    from client_qt.views.registry import load_view_modules
    load_view_modules()
    return app


def wait_until(condition, timeout=120):
    """Process Qt events until ``condition()`` holds.

    :raises TimeoutError: it did not within ``timeout`` seconds
    """
    from client_qt.qt import QApplication, QtCore
    app = QApplication.instance()
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)


def show_main_window(session):
    """The client's main window for ``session``, 1280x860, shown."""
    from client_qt.windows.main_window import MainWindow
    window = MainWindow(session)
    window.resize(1280, 860)
    window.show()
    return window


# -- generated addons -------------------------------------------------------------------------------
def write_addon(directory, name, title, files):
    """Write the addon ``name`` (depending on ``base``) into ``directory``.

    :param files: ``{path in the addon: text}``; the ``models/*.py`` are imported by the package,
        the ``.csv`` and ``.xml`` files are its data, loaded in this order
    :returns: the addon's directory
    """
    addon = Path(directory) / name
    for path, text in files.items():
        (addon / path).parent.mkdir(parents=True, exist_ok=True)
        (addon / path).write_text(text)
    (addon / "__manifest__.py").write_text(repr({
        "name": title, "depends": ["base"], "category": "Hidden/Tests",
        "data": [path for path in files if path.endswith((".csv", ".xml"))]}))
    (addon / "__init__.py").write_text("from . import models\n")
    (addon / "models" / "__init__.py").write_text("".join(
        f"from . import {Path(path).stem}\n" for path in files if path.startswith("models/")))
    return addon


# -- reports ----------------------------------------------------------------------------------------
def utc_now():
    """Now, in UTC, to the second, ISO 8601."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def environment(uri):
    """What a result depends on besides the code: date, CPUs, Python, the PostgreSQL server's version
    and settings, the commit (the first keys of the JSON of the ORM and RPC benchmarks)."""
    from bureau.db.server import DatabaseServer
    server = DatabaseServer(uri)
    try:
        settings = server.settings("shared_buffers", "fsync", "synchronous_commit")
        version = server.version()
    finally:
        server.close()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return {"date_utc": utc_now(), "nproc": os.cpu_count(), "python": platform.python_version(),
            "postgresql": version, "settings": settings, "bureau_commit": commit}


def environment_line(env):
    """``env`` (:func:`environment`) as the parenthesis of a report's first line."""
    settings = env["settings"]
    return (f"commit {env['bureau_commit']}, {env['nproc']} CPUs, PostgreSQL {env['postgresql']}, "
            f"fsync={settings.get('fsync')}, synchronous_commit={settings.get('synchronous_commit')}, "
            f"shared_buffers={settings.get('shared_buffers')}")


def platform_line():
    """Python and the machine, e.g. ``CPython 3.11.7, x86_64, 2 CPUs``."""
    return (f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
            f"{os.cpu_count()} CPUs")


def per_call(seconds, calls):
    """A table cell ``total s (ms per call)``."""
    return f"{seconds:.3f} ({seconds / calls * 1000:.2f})"


def min_max(values, spec=".3f"):
    """``min-max`` of ``values``, each formatted with ``spec``."""
    return f"{min(values):{spec}}-{max(values):{spec}}"


def write_results(name, text, data, date_utc=None):
    """Write ``bench-results/<name>-<stamp>.md`` (``text``) and ``.json`` (``data``).

    :param date_utc: the run's :func:`utc_now`, which the stamp is made of (default: now)
    """
    stamp = (date_utc or utc_now()).replace(":", "").replace("-", "")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}-{stamp}.json").write_text(json.dumps(data, indent=2))
    (RESULTS / f"{name}-{stamp}.md").write_text(text + "\n")
