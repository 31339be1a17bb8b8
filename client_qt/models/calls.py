"""Background calls made on behalf of a Qt object, forgotten when that object goes away.

A reply can arrive after the model, editor or dialog that asked for it was deleted (a tab closed, an
editor closed while ``name_search`` was running). :class:`OwnedCalls` cancels the pending jobs of its
owner when the owner is destroyed, so their callbacks never touch a deleted object.
"""
from ..qt import QObject


class OwnedCalls(QObject):
    """:param owner: the QObject whose callbacks the replies run
    :param session: the :class:`~client_qt.session.Session`
    """

    def __init__(self, owner, session):
        super().__init__(owner)
        self.session = session
        jobs = self.jobs = set()
        # the lambda holds the set, not the owner: it still runs while the owner is being destroyed
        owner.destroyed.connect(lambda *_: [job.cancel() for job in list(jobs)])

    def call(self, model, method, *args, on_result=None, on_error=None, **kwargs):
        """``session.call`` whose reply is dropped if the owner no longer exists."""
        return self._track(self.session.connection.call_kw, (model, method, list(args), kwargs), on_result,
                           on_error)

    def run(self, function, *args, on_result=None, on_error=None):
        """Any blocking ``function(*args)`` through the runner, owned the same way."""
        return self._track(function, args, on_result, on_error)

    def _track(self, function, args, on_result, on_error):
        holder = {}

        def finished(result):
            self.jobs.discard(holder.get("job"))
            if on_result is not None:
                on_result(result)

        def failed(error):
            self.jobs.discard(holder.get("job"))
            if on_error is not None:
                on_error(error)
            else:
                self.session.runner.job_failed.emit(error)

        job = self.session.runner.call(function, *args, on_result=finished, on_error=failed)
        holder["job"] = job
        if not job.done:
            self.jobs.add(job)
        return job

    def cancel_all(self):
        for job in list(self.jobs):
            job.cancel()
        self.jobs.clear()
