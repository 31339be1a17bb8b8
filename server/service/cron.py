"""The scheduled-action runner: runs due ``ir.cron`` jobs of every served database.

One pass (:meth:`CronRunner.run_pending`) visits each database the server serves and, unless a
module operation is pending there (a module ``to install``/``to upgrade``/``to remove``: the models
may be half loaded), repeatedly:

1. opens a transaction and takes one due job with ``SELECT ... FOR NO KEY UPDATE SKIP LOCKED``: a
   job another runner (another worker, another server) holds is skipped, never run twice;
2. runs the job in that same transaction, inside a savepoint, so a failing job is rolled back,
   logged, and still rescheduled (a broken job must not run again at every pass);
3. sets ``nextcall`` from the *planned* time, not from now (modules.md ``ir.cron``: a job due at
   10:00 every hour stays on the hour whatever its run time), and ``lastcall``, then commits.

:class:`CronThread` repeats passes every ``cron_interval`` seconds in a daemon thread: in the
threaded server's process, or in one worker of the prefork server (``bureau.cli.prefork`` elects it
with a file lock).
"""
import datetime
import logging
import threading
import time

from ..exceptions import UserError
from ..orm.environment import SUPERUSER_ID, Environment

_logger = logging.getLogger(__name__)

#: module states during which no job runs in a database
PENDING_MODULE_STATES = ("to install", "to upgrade", "to remove")
#: jobs run per database and pass at most (bounds one pass when jobs keep becoming due)
MAX_JOBS_PER_PASS = 100


class CronRunner:
    """Runs the due jobs of the databases a :class:`~bureau.service.runtime.Runtime` serves.

    :param runtime: the process's runtime (registries, cursors, configuration)
    :ivar jobs_run: jobs run successfully by this runner (for operators and tests)
    :ivar jobs_failed: jobs that raised (logged, rolled back, rescheduled)
    """

    def __init__(self, runtime):
        self.runtime = runtime
        self.jobs_run = 0
        self.jobs_failed = 0

    def run_pending(self):
        """One pass over every served database; errors of one database do not stop the others."""
        try:
            names = self.runtime.list_databases()
        except Exception:
            _logger.exception("cron: cannot list the databases")
            return
        for dbname in names:
            try:
                self.run_database(dbname)
            except Exception:
                _logger.exception("cron: pass over database %s failed", dbname)

    def run_database(self, dbname):
        """Run the due jobs of ``dbname``; returns how many ran (failed ones included)."""
        if not self._ready(dbname):
            return 0
        try:
            registry = self.runtime.registry(dbname)
        except UserError:
            return 0
        done = []
        while len(done) < MAX_JOBS_PER_PASS:
            job_id = self._run_one(registry, dbname, done)
            if job_id is None:
                break
            done.append(job_id)
        return len(done)

    def _ready(self, dbname):
        """Whether ``dbname`` is a Bureau database with due jobs and no pending module operation
        (checked before its registry is loaded: databases with nothing to do cost one query)."""
        with self.runtime.cursor(dbname, readonly=True) as cr:
            cr.execute("SELECT to_regclass('ir_cron') IS NOT NULL AND to_regclass('ir_module_module') IS NOT NULL")
            if not cr.fetchone()[0]:
                return False
            cr.execute("SELECT 1 FROM ir_cron WHERE active AND nextcall <= (now() AT TIME ZONE 'UTC') LIMIT 1")
            if cr.fetchone() is None:
                return False
            cr.execute("SELECT name FROM ir_module_module WHERE state = ANY(%s) LIMIT 1",
                       [list(PENDING_MODULE_STATES)])
            pending = cr.fetchone()
        if pending:
            _logger.info("cron: %s skipped, module %s has a pending operation", dbname, pending[0])
            return False
        return True

    def _run_one(self, registry, dbname, done):
        """Take one due job not in ``done``, run it and reschedule it; its id, or None if none is due."""
        cr = self.runtime.cursor(dbname)
        try:
            cr.execute(
                "SELECT id, nextcall FROM ir_cron"
                " WHERE active AND nextcall <= (now() AT TIME ZONE 'UTC') AND NOT (id = ANY(%s))"
                " ORDER BY priority, nextcall, id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED",
                [done or [0]])
            row = cr.fetchone()
            if row is None:
                cr.rollback()
                return None
            job_id, planned = row
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            job = env["ir.cron"].browse(job_id)
            name = job.cron_name
            start = time.perf_counter()
            try:
                with cr.savepoint():
                    job._run_job()
                    env.flush_all()
            except Exception:
                self.jobs_failed += 1
                _logger.exception("cron: job %r (id %s) of %s failed after %.1f ms; rescheduled",
                                  name, job_id, dbname, (time.perf_counter() - start) * 1000)
            else:
                self.jobs_run += 1
                _logger.info("cron: job %r (id %s) of %s done in %.1f ms",
                             name, job_id, dbname, (time.perf_counter() - start) * 1000)
            job = env["ir.cron"].browse(job_id)
            job.write({"nextcall": job._next_call(planned), "lastcall": _utcnow()})
            cr.commit()
            return job_id
        except Exception:
            cr.rollback()
            raise
        finally:
            cr.close()


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)


class CronThread(threading.Thread):
    """A daemon thread running :meth:`CronRunner.run_pending` every ``interval`` seconds.

    :param runtime: the process's runtime
    :param interval: seconds between the starts of two passes
    :param gate: optional callable; a pass runs only while it returns true (the prefork server
        uses it so that one worker at a time runs the jobs)
    """

    def __init__(self, runtime, interval, gate=None):
        super().__init__(name="bureau-cron", daemon=True)
        self.runner = CronRunner(runtime)
        self.interval = interval
        self.gate = gate
        self._stop_event = threading.Event()

    def run(self):
        _logger.info("cron runner started (every %s s)", self.interval)
        while not self._stop_event.is_set():
            start = time.monotonic()
            try:
                if self.gate is None or self.gate():
                    self.runner.run_pending()
            except Exception:
                _logger.exception("cron: pass failed")
            self._stop_event.wait(max(0.0, self.interval - (time.monotonic() - start)))

    def stop(self, timeout=None):
        """Ask the thread to stop after the current job and wait for it (``timeout`` seconds)."""
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)
