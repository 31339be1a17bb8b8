"""Running RPC calls off the GUI thread, with results delivered on it.

``runner.call(connection.call_kw, 'res.partner', 'search_read', ..., on_result=fill, on_error=show)``
returns a :class:`Job` at once; the callbacks run later in the GUI thread.

* **Busy.** While calls are pending for more than :data:`BUSY_DELAY_MS` the runner reports
  ``busy_changed(True)`` (the window shows a busy indicator and a Cancel button).
* **Cancel.** :meth:`Runner.cancel_pending` is the user's "stop waiting": every pending call gets
  ``on_error(Cancelled)`` at once and its answer, when it comes, is dropped (the server may still
  do the work). A call already running keeps its thread until the answer arrives, so the pool
  grows by one thread meanwhile: the next calls do not queue behind it. :meth:`Job.cancel` alone
  forgets a call silently (its owner went away).
* **Session expired.** With :attr:`Runner.hold_expired` set (the main window does, since it can ask
  for the password), a call refused with "session expired" is parked instead of failing, and
  ``session_expired`` is emitted once; after a new login :meth:`Runner.resume` sends the parked
  calls again, :meth:`Runner.abandon` fails them.
"""
import logging

from ..qt import QObject, QRunnable, QThreadPool, QTimer, Signal
from .errors import Cancelled, SessionExpired

_logger = logging.getLogger(__name__)

BUSY_DELAY_MS = 200


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class Job(QRunnable):
    """One background call; its signals are emitted in the thread that created the job (GUI)."""

    def __init__(self, function, args, kwargs, on_result=None, on_error=None):
        super().__init__()
        self.setAutoDelete(False)
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.on_result = on_result
        self.on_error = on_error
        self.signals = _Signals()
        self.cancelled = False
        self.started = False
        self.done = False
        self.result = None
        self.error = None

    @property
    def label(self):
        """``model.method`` (or the function name) for logs and the busy indicator."""
        if getattr(self.function, "__name__", "") == "call_kw" and len(self.args) >= 2:
            return f"{self.args[0]}.{self.args[1]}"
        return getattr(self.function, "__name__", "call")

    def run(self):
        self.started = True
        try:
            result = self.function(*self.args, **self.kwargs)
        except Exception as exc:  # delivered to the GUI as a value, shown by the error dialog
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)

    def cancel(self):
        """Forget the result: the callbacks will not run (the server may still complete the call)."""
        self.cancelled = True


class Runner(QObject):
    """Runs jobs in a small thread pool; emits ``busy_changed`` after :data:`BUSY_DELAY_MS`."""

    busy_changed = Signal(bool)
    job_failed = Signal(object)
    #: a call was refused because the web session ended; it waits for :meth:`resume`/:meth:`abandon`
    session_expired = Signal()

    def __init__(self, parent=None, threads=4):
        super().__init__(parent)
        self.threads = threads
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self.pending = set()
        self.parked = []
        #: park calls refused for an ended session (someone listens to ``session_expired``)
        self.hold_expired = False
        self._abandoned = 0
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_busy)

    def call(self, function, *args, on_result=None, on_error=None, **kwargs):
        """Start ``function(*args, **kwargs)`` in the background; returns the :class:`Job`."""
        job = Job(function, args, kwargs, on_result, on_error)
        job.signals.finished.connect(lambda result: self._finished(job, result))
        job.signals.failed.connect(lambda error: self._failed(job, error))
        self._start(job)
        return job

    def _start(self, job):
        job.done = job.started = False
        self.pending.add(job)
        if not self._timer.isActive() and not self._busy:
            self._timer.start(BUSY_DELAY_MS)
        self.pool.start(job)

    def _finished(self, job, result):
        job.done, job.result = True, result
        self._forget(job)
        if not job.cancelled and job.on_result is not None:
            job.on_result(result)

    def _failed(self, job, error):
        job.done, job.error = True, error
        self._forget(job)
        if job.cancelled:
            return
        if isinstance(error, SessionExpired) and self.hold_expired:
            self.parked.append(job)
            if len(self.parked) == 1:
                _logger.info("session expired: %s waits for a new login", job.label)
                self.session_expired.emit()
            return
        self._deliver_error(job, error)

    def _deliver_error(self, job, error):
        if job.on_error is not None:
            job.on_error(error)
        else:
            self.job_failed.emit(error)

    # -- user actions ----------------------------------------------------------------------------
    def cancel_pending(self):
        """Stop waiting for every pending call: each gets ``on_error(Cancelled)`` now, its answer
        is dropped later. Returns the number of calls cancelled."""
        jobs = [job for job in list(self.pending) if not job.cancelled] + list(self.parked)
        self.parked = []
        for job in jobs:
            job.cancel()
            if job in self.pending and not self.pool.tryTake(job):
                # running: its thread stays busy until the server answers; lend the pool another one
                job.abandoned = True
                self._abandoned += 1
                self.pool.setMaxThreadCount(self.threads + self._abandoned)
            self._forget(job)
        for job in jobs:
            _logger.info("call %s cancelled by the user", job.label)
            self._deliver_error(job, Cancelled("Cancelled: the client stopped waiting for the server's answer "
                                               "(the server may still complete the operation)."))
        return len(jobs)

    def resume(self):
        """Send the calls parked for an ended session again (after a new login)."""
        jobs, self.parked = self.parked, []
        for job in jobs:
            if not job.cancelled:
                self._start(job)

    def abandon(self, error=None):
        """Fail the parked calls (the user did not log in again)."""
        jobs, self.parked = self.parked, []
        for job in jobs:
            if not job.cancelled:
                self._deliver_error(job, error or job.error)

    def cancel_all(self):
        """Forget every call silently (closing the window)."""
        for job in list(self.pending) + self.parked:
            job.cancel()
            self._forget(job)
        self.parked = []

    def is_busy(self):
        return bool(self.pending)

    def _forget(self, job):
        if job in self.pending:
            self.pending.discard(job)
        elif getattr(job, "abandoned", False) and job.done:
            # an abandoned call finally answered: give its extra thread back
            job.abandoned = False
            self._abandoned -= 1
            self.pool.setMaxThreadCount(self.threads + self._abandoned)
        if not self.pending:
            self._timer.stop()
            if self._busy:
                self._busy = False
                self.busy_changed.emit(False)

    def _show_busy(self):
        if self.pending and not self._busy:
            self._busy = True
            self.busy_changed.emit(True)

    def wait(self, timeout_ms=30000):
        """Block until the pool is idle (tests and shutdown)."""
        return self.pool.waitForDone(timeout_ms)
