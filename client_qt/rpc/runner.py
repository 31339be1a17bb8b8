"""Running RPC calls off the GUI thread, with results delivered on it.

``runner.call(connection.call_kw, 'res.partner', 'search_read', ..., on_result=fill, on_error=show)``
returns a :class:`Job` at once; the callbacks run later in the GUI thread. While calls are pending
for more than 200 ms the runner reports ``busy`` (the window shows a busy indicator); a job can be
cancelled, which drops its result.
"""
import logging

from ..qt import QObject, QRunnable, QThreadPool, QTimer, Signal

_logger = logging.getLogger(__name__)

BUSY_DELAY_MS = 200


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class Job(QRunnable):
    """One background call; its signals are emitted in the thread that created the job (GUI)."""

    def __init__(self, function, args, kwargs):
        super().__init__()
        self.setAutoDelete(False)
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.signals = _Signals()
        self.cancelled = False
        self.done = False
        self.result = None
        self.error = None

    def run(self):
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

    def __init__(self, parent=None, threads=2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self.pending = set()
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_busy)

    def call(self, function, *args, on_result=None, on_error=None, **kwargs):
        """Start ``function(*args, **kwargs)`` in the background; returns the :class:`Job`."""
        job = Job(function, args, kwargs)

        def finished(result):
            job.done, job.result = True, result
            self._forget(job)
            if not job.cancelled and on_result is not None:
                on_result(result)

        def failed(error):
            job.done, job.error = True, error
            self._forget(job)
            if job.cancelled:
                return
            if on_error is not None:
                on_error(error)
            else:
                self.job_failed.emit(error)

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        self.pending.add(job)
        if not self._timer.isActive() and not self._busy:
            self._timer.start(BUSY_DELAY_MS)
        self.pool.start(job)
        return job

    def cancel_all(self):
        for job in list(self.pending):
            job.cancel()
            self._forget(job)

    def is_busy(self):
        return bool(self.pending)

    def _forget(self, job):
        self.pending.discard(job)
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
