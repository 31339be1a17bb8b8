"""``bureau serve --workers N``: N worker processes run by gunicorn's arbiter.

Gunicorn does the process management Bureau needs (security.md TRX-E, LIM-3): it forks the
workers, replaces one that dies (crash, ``SIGKILL``, time limit), stops gracefully on ``SIGTERM``
(no new connections, running requests finish within the grace period, then the workers exit) and
kills a worker stuck on one request longer than ``limit_time_real`` (``SIGABRT``, then
``SIGKILL``). Bureau adds:

* **one process per worker, nothing shared but PostgreSQL.** The master starts (or joins) the
  embedded PostgreSQL and checks the server settings, then forks with no connection open; each
  worker builds its own application, connection pool and registries after the fork
  (``preload_app`` is off: a pool or registry inherited through ``fork`` would share sockets).
  Registry and cache changes made by one worker reach the others through the database's
  signalling sequences (modules.md REG-8, :mod:`bureau.service.runtime`).
* **a CPU limit per request** (``limit_time_cpu``): ``RLIMIT_CPU`` is set before each request to
  the CPU time already used plus the limit and lifted after it; the kernel's ``SIGXCPU`` makes the
  worker exit (its open transaction is rolled back by PostgreSQL) and gunicorn starts another.
* **the cron runner in one worker.** Every worker starts a :class:`~bureau.service.cron.CronThread`
  whose passes run only while that worker holds an exclusive ``flock`` on a file of the master's
  temporary directory: one worker runs the jobs; when it dies the kernel releases the lock and
  another worker takes over at its next pass. Jobs are claimed with ``SKIP LOCKED`` anyway, so a
  second runner (another server) is harmless.
* **recycling**: a worker is replaced after ``limit_request`` requests (memory growth bound).
"""
import atexit
import fcntl
import logging
import os
import resource
import shutil
import signal
import tempfile

from gunicorn.app.base import BaseApplication

_logger = logging.getLogger(__name__)

#: log format of the prefork server: the pid tells which worker did what
LOG_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


class PreforkServer(BaseApplication):
    """The gunicorn application running Bureau's WSGI app in worker processes.

    :param config: the :class:`~bureau.config.Config` (``workers``, ``http_host``, ``http_port``,
        ``limit_time_real``, ``limit_time_cpu``, ``limit_request``, ``cron_interval`` ...)
    :param worker_config: the configuration each worker builds its application from (the master's,
        with the URI of the PostgreSQL server it started or joined)
    :param lock_dir: a directory private to this server, holding the cron election lock file
    """

    def __init__(self, config, worker_config, lock_dir, master_db_server=None):
        self.bureau_config = config
        self.master_db_server = master_db_server
        self.worker_config = worker_config
        self.cron_lock_path = os.path.join(lock_dir, "cron.lock")
        self.db_server = None
        self.cron_thread = None
        super().__init__(prog="bureau serve")

    def load_config(self):
        config = self.bureau_config
        settings = {
            "bind": [f"{config['http_host']}:{config['http_port']}"],
            "workers": config["workers"],
            "worker_class": "sync",
            "timeout": config["limit_time_real"],
            # SIGTERM: running requests may finish within their own time limit
            "graceful_timeout": config["limit_time_real"],
            "max_requests": config["limit_request"],
            "max_requests_jitter": max(1, config["limit_request"] // 10),
            "preload_app": False,
            "proc_name": "bureau",
            "control_socket_disable": True,
            "accesslog": None,        # the application logs each request with its duration
            "errorlog": "-",
            "loglevel": (config["log_level"] or "info"),
            "post_fork": self._post_fork,
            "post_worker_init": self._post_worker_init,
            "pre_request": self._pre_request,
            "post_request": self._post_request,
            "worker_exit": self._worker_exit,
            "worker_abort": self._worker_abort,
        }
        for key, value in settings.items():
            if key in self.cfg.settings:      # control_socket_disable exists from gunicorn 25.1
                self.cfg.set(key, value)

    def load(self):
        """Build the application in the worker, after the fork."""
        from .serve import make_app
        app, self.db_server = make_app(self.worker_config)
        return app

    # -- worker hooks (run in the worker process) --------------------------------------------
    def _post_fork(self, server, worker):
        embedded = getattr(self.master_db_server, "embedded", None)
        if embedded is not None:
            # the master owns the embedded PostgreSQL: a worker's exit must not leave or stop it
            atexit.unregister(embedded.stop)

    def _post_worker_init(self, worker):
        signal.signal(signal.SIGXCPU, _cpu_limit_exceeded)
        interval = self.bureau_config["cron_interval"]
        if interval > 0:
            from ..service.cron import CronThread
            self.cron_thread = CronThread(worker.wsgi.runtime, interval, gate=CronLock(self.cron_lock_path))
            self.cron_thread.start()
        _logger.info("worker %s ready", os.getpid())

    def _pre_request(self, worker, req):
        limit = self.bureau_config["limit_time_cpu"]
        if limit > 0:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            used = int(usage.ru_utime + usage.ru_stime)
            _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
            soft = used + limit
            if hard != resource.RLIM_INFINITY:
                soft = min(soft, hard)
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))

    def _post_request(self, worker, req, environ, resp):
        if self.bureau_config["limit_time_cpu"] > 0:
            _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
            resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))

    def _worker_abort(self, worker):
        _logger.error("worker %s: request exceeded limit_time_real (%s s), the worker is replaced",
                      os.getpid(), self.bureau_config["limit_time_real"])

    def _worker_exit(self, server, worker):
        if self.cron_thread is not None:
            self.cron_thread.stop(timeout=5)
        if self.db_server is not None:
            self.db_server.close()


def _cpu_limit_exceeded(signum, frame):
    _logger.error("worker %s: request exceeded limit_time_cpu, the worker is replaced", os.getpid())
    # the open transaction dies with the connection; the arbiter starts a new worker
    os._exit(1)


class CronLock:
    """A gate for the cron thread: true while this process holds the exclusive lock on ``path``.

    ``flock`` locks belong to an open file: each worker opens the file itself, after the fork, and
    the kernel releases the lock when the worker exits, however it exits.
    """

    def __init__(self, path):
        self.path = path
        self._fd = None

    def __call__(self):
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        _logger.info("worker %s runs the scheduled actions", os.getpid())
        return True


def run_prefork(config):
    """Serve with ``config['workers']`` worker processes until SIGTERM/SIGINT; returns the exit code."""
    from ..db.runtime import close_database_server, open_database_server
    from .serve import log_startup_checks
    for handler in logging.getLogger().handlers:
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
    db_server = open_database_server(config)
    lock_dir = tempfile.mkdtemp(prefix="bureau-prefork-")
    master_pid = os.getpid()
    try:
        log_startup_checks(db_server, config)
        db_server.close()
        worker_config = config.replace(db_uri=db_server.uri)
        print(f"Bureau serving on http://{config['http_host']}:{config['http_port']} "
              f"({config['workers']} workers)", flush=True)
        PreforkServer(config, worker_config, lock_dir, db_server).run()
    finally:
        # a worker leaves through here too (gunicorn ends it with SystemExit): only the master cleans up
        if os.getpid() == master_pid:
            shutil.rmtree(lock_dir, ignore_errors=True)
            close_database_server(db_server)
    return 0
