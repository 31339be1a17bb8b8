"""A model whose methods return the awkward values RPC transports must carry (rpc.md §5, §7)."""
import datetime

from bureau import api, fields, models
from bureau.exceptions import ConcurrencyError, RedirectWarning

#: exceptions :meth:`RpcProbe.rpc_raise` raises, by name
RAISED = {
    "redirect": lambda: RedirectWarning("Configure the journal first.", 42, "Open journals", {"active_id": 1}),
    "concurrency": lambda: ConcurrencyError("could not serialize access due to concurrent update"),
    "value": lambda: ValueError("bad value for the probe"),
    "lookup": lambda: KeyError("no such key"),
}


class RpcProbe(models.Model):
    _name = "test.orm.rpc"
    _description = "RPC probe"

    name = fields.Char()
    day = fields.Date()
    moment = fields.Datetime()

    def action_nothing(self):
        """A button that returns nothing (None must reach clients as False)."""
        self.write({"name": "pressed"})

    def rpc_environment(self, *args, **kwargs):
        """What the method sees of its call: ids, arguments, context, user and company."""
        return {"ids": self.ids, "args": list(args), "kwargs": sorted(kwargs),
                "context": dict(self.env.context), "uid": self.env.uid, "company_id": self.env.company.id}

    @api.model
    def rpc_int_keys(self):
        return {1: "one", 2: {3: "three"}}

    @api.model
    def rpc_big_int(self):
        return 2 ** 40

    @api.model
    def rpc_control_chars(self):
        return "a\x00b\x1fc\td\ne\rf\x0bg"

    @api.model
    def rpc_dates(self):
        return {"date": datetime.date(2024, 1, 31), "datetime": datetime.datetime(2024, 1, 31, 12, 30, 5)}

    @api.model
    def rpc_raise(self, kind):
        """Raise the exception named ``kind`` in :data:`RAISED`."""
        raise RAISED[kind]()

    @api.model
    def rpc_wait_lock(self, key, answer=True):
        """``answer`` once no test holds the advisory lock ``(7432, key)`` (a call as slow as a test
        wants: tests/client/test_behaviour_busy.py)."""
        self.env.cr.execute("SELECT pg_advisory_xact_lock_shared(7432, %s)", [int(key)])
        return answer

    @api.private
    def rpc_hidden(self):
        """Public name, but marked private: not callable remotely."""
        return True

    def flush_recordset(self, fnames=None):
        """An override of an ORM method: overriding it does not make it callable remotely."""
        return super().flush_recordset(fnames)
