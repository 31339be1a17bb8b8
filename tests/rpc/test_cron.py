"""The scheduled-action runner in a real server (modules.md ``ir.cron``): due jobs run once, each in
its own transaction, are rescheduled from their planned time, a failing job is logged and does not
stop the others, and nothing runs while a module operation is pending."""
import datetime
import os
import re
import signal
import time

import pytest

from conftest import start_server

pytestmark = [pytest.mark.pg, pytest.mark.slow]

HOUR = datetime.timedelta(hours=1)


def make_cron(pg, dbname, name, code, planned, interval_type="hours"):
    """Create a job (and deactivate the others but the test's); retried, as a running server's
    runner may be rescheduling a job at the same time."""
    from bureau.db.retry import retrying
    from bureau.orm.environment import SUPERUSER_ID, Environment
    from conftest import make_env
    make_env(pg, dbname).cr.close()  # loads the registry

    def work(cr):
        env = Environment(cr, SUPERUSER_ID, {})
        cron = env["ir.cron"].create({
            "name": name, "model_id": env.ref("base.model_ir_config_parameter").id, "state": "code",
            "code": code, "interval_number": 1, "interval_type": interval_type, "nextcall": planned,
            "user_id": env.ref("base.user_root").id})
        env["ir.cron"].search([("id", "!=", cron.id), ("name", "not like", "cron test %")]).write(
            {"active": False})
        env.flush_all()
        return cron.id

    return retrying(work, lambda: pg.cursor(dbname))


def read(pg, dbname, query, params=()):
    with pg.cursor(dbname) as cr:
        cr.execute(query, list(params))
        return cr.fetchall()


def param(pg, dbname, key):
    rows = read(pg, dbname, "SELECT value FROM ir_config_parameter WHERE key = %s", [key])
    return rows[0][0] if rows else None


def wait_for(predicate, timeout=30.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)


@pytest.mark.parametrize("workers", ["0", "2"])
def test_due_job_runs_once_and_is_rescheduled_from_its_planned_time(pg, fresh_db, workers):
    planned = utcnow() - datetime.timedelta(minutes=150)
    good = make_cron(pg, fresh_db, "cron test good",
                     "model.set_param('cron.test.runs', str(int(model.get_param('cron.test.runs', '0')) + 1))",
                     planned)
    bad = make_cron(pg, fresh_db, "cron test bad", "model.set_param('cron.test.bad', 'written')\n1 / 0",
                    planned - datetime.timedelta(minutes=1))
    server = start_server(pg, "--workers", workers, "--db-filter", f"^{fresh_db}$",
                          env_extra={"BUREAU_CRON_INTERVAL": "0.5"})
    try:
        wait_for(lambda: param(pg, fresh_db, "cron.test.runs"), message="the job to run")
        wait_for(lambda: "cron test bad" in server.log() and "failed" in server.log(),
                 message="the failing job")
        # a few more passes: nothing is due any more
        time.sleep(2)
    finally:
        server.stop()
    assert param(pg, fresh_db, "cron.test.runs") == "1"
    # the failing job's writes were rolled back, the job rescheduled like the good one
    assert param(pg, fresh_db, "cron.test.bad") is None
    assert "ZeroDivisionError" in server.log()
    rows = dict((row[0], row[1:]) for row in read(
        pg, fresh_db, "SELECT id, nextcall, lastcall FROM ir_cron WHERE id IN %s", [(good, bad)]))
    for cron_id, first in ((good, planned), (bad, planned - datetime.timedelta(minutes=1))):
        nextcall, lastcall = rows[cron_id]
        assert lastcall is not None
        # on the planned grid (planned + whole hours), in the future, the first such point
        assert (nextcall - first) % HOUR == datetime.timedelta(0)
        assert first + 3 * HOUR == nextcall
    if workers != "0":
        assert server.log().count("runs the scheduled actions") == 1


def test_no_job_runs_while_a_module_operation_is_pending(pg, fresh_db):
    make_cron(pg, fresh_db, "cron test pending", "model.set_param('cron.test.pending', 'ran')",
              utcnow() - HOUR)
    with pg.cursor(fresh_db) as cr:
        cr.execute("UPDATE ir_module_module SET state = 'to upgrade' WHERE name = 'test_orm_ext'")
    server = start_server(pg, "--db-filter", f"^{fresh_db}$", env_extra={"BUREAU_CRON_INTERVAL": "0.5"})
    try:
        wait_for(lambda: "has a pending operation" in server.log(), message="the runner to skip")
        assert param(pg, fresh_db, "cron.test.pending") is None
        with pg.cursor(fresh_db) as cr:
            cr.execute("UPDATE ir_module_module SET state = 'installed' WHERE name = 'test_orm_ext'")
        wait_for(lambda: param(pg, fresh_db, "cron.test.pending"), message="the job after the operation")
    finally:
        server.stop()


def test_another_worker_takes_over_the_jobs_when_the_cron_worker_dies(pg, fresh_db):
    server = start_server(pg, "--workers", "2", "--db-filter", f"^{fresh_db}$",
                          env_extra={"BUREAU_CRON_INTERVAL": "0.5"})
    elected = re.compile(r"worker (\d+) runs the scheduled actions")
    try:
        first = int(wait_for(lambda: elected.search(server.log()), message="a cron worker").group(1))
        os.kill(first, signal.SIGKILL)
        second = wait_for(lambda: [int(pid) for pid in elected.findall(server.log()) if int(pid) != first],
                          message="another cron worker")
        assert second[0] != first
        make_cron(pg, fresh_db, "cron test takeover", "model.set_param('cron.test.takeover', 'ran')",
                  utcnow() - HOUR)
        wait_for(lambda: param(pg, fresh_db, "cron.test.takeover"), message="the job to run")
    finally:
        server.stop()
