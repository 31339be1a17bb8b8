"""Models whose methods make concurrency visible: a read-modify-write increment, writers that
lock rows in a chosen order, and a create that writes for as long as the test wants."""
import time

from bureau import api, fields, models
from bureau.exceptions import UserError


def _append(path, line):
    with open(path, "a") as handle:
        handle.write(line)


class Counter(models.Model):
    _name = "test.faults.counter"
    _description = "Counter"

    name = fields.Char(required=True)
    value = fields.Integer(default=0)

    def increment(self, note_path=None, pause=0.0):
        """Read the value, then write it plus one: lost updates show when two calls overlap.

        :param note_path: a file receiving one line per committed call, from a post-commit hook
            (an external effect: a retried call must produce it once)
        :param pause: seconds between the read and the write (calls sent together then overlap)
        """
        for record in self:
            value = record.value
            time.sleep(pause)
            record.write({"value": value + 1})
            record.flush_recordset()
            if note_path:
                line = f"{record.id} {value + 1}\n"
                self.env.cr.postcommit.add(lambda: _append(note_path, line))
        return True

    @api.model
    def write_in_order(self, ids, pause=0.0):
        """Write the records one by one in the order of ``ids``, ``pause`` seconds apart (two calls
        with opposite orders deadlock unless one of them is retried)."""
        for record_id in ids:
            record = self.browse(record_id)
            record.write({"value": record.value + 1})
            record.flush_recordset()
            time.sleep(pause)
        return True

    @api.model
    def create_slowly(self, name, count, pause=0.05):
        """Create ``count`` records one at a time, written at once, ``pause`` seconds apart."""
        for number in range(count):
            self.create({"name": f"{name} {number}"}).flush_recordset()
            time.sleep(pause)
        return count

    @api.model
    def create_then_wait(self, name, seconds):
        """Create a record, then keep the transaction busy in one statement for ``seconds``."""
        self.create({"name": name}).flush_recordset()
        self.env.cr.execute("SELECT pg_sleep(%s)", [seconds])
        return True

    @api.model
    def create_then_idle(self, name, seconds):
        """Create a record, then keep the transaction open and idle (a stuck worker) for ``seconds``."""
        import time
        self.create({"name": name}).flush_recordset()
        time.sleep(seconds)
        self.env.cr.execute("SELECT 1")
        return True

    @api.model
    def search_count(self, domain, limit=None):
        """With ``report_transaction`` in the context: fail with the transaction's access mode."""
        if self.env.context.get("report_transaction"):
            self.env.cr.execute("SHOW transaction_read_only")
            raise UserError(f"transaction_read_only={self.env.cr.fetchone()[0]}")
        return super().search_count(domain, limit=limit)

    def read(self, fields=None, load="_classic_read"):
        """With ``write_on_read`` in the context: write before reading (an override that writes)."""
        if self.env.context.get("write_on_read"):
            for record in self:
                record.write({"value": record.value + 1})
            self.flush_recordset()
        return super().read(fields, load=load)

    @api.model
    def burn_cpu(self, seconds):
        """Compute for ``seconds`` of wall time (a request that exceeds a CPU limit)."""
        deadline = time.monotonic() + seconds
        total = 0
        while time.monotonic() < deadline:
            total += sum(range(1000))
        return total > 0


class Order(models.Model):
    _name = "test.faults.order"
    _description = "Order with lines (an object that must never be half written)"

    name = fields.Char(required=True)
    line_ids = fields.One2many("test.faults.order.line", "order_id")


class OrderLine(models.Model):
    _name = "test.faults.order.line"
    _description = "Order line"

    order_id = fields.Many2one("test.faults.order", required=True, ondelete="cascade")
    name = fields.Char()
