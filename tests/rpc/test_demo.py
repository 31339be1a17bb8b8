"""``bureau demo --no-client``: the demo database is created once with every shipped addon and its
demo data, then served on 127.0.0.1; a second start reuses it."""
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client

import pytest

from conftest import ROOT, free_port

pytestmark = [pytest.mark.pg, pytest.mark.slow]


def start_demo(pg, data_dir, port):
    command = [sys.executable, "-m", "bureau", "--db-uri", pg.uri, "--data-dir", str(data_dir),
               "demo", "--no-client", "--http-port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)))
    output = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("demo exited:\n" + "".join(output))
        output.append(line)
        if "Press Ctrl-C to stop." in line:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web", timeout=10)
            return process, "".join(output)
    process.kill()
    raise AssertionError("demo did not start:\n" + "".join(output))


def stop(process):
    process.send_signal(signal.SIGTERM)
    rest = process.communicate(timeout=60)[0]
    return process.returncode, rest


def test_demo_creates_the_database_once_and_serves_it(pg, tmp_path):
    from bureau.orm.registry import Registry
    if pg.exists("demo"):
        Registry.delete("demo")
        pg.drop_database("demo")
    port = free_port()
    try:
        process, output = start_demo(pg, tmp_path, port)
        try:
            assert "Demo database 'demo' created with: " in output and "library" in output
            password = re.search(r"Log in as 'admin' with the password in \S+: (\S+)", output).group(1)
            assert (tmp_path / "demo-admin-password").read_text().strip() == password
            assert oct((tmp_path / "demo-admin-password").stat().st_mode & 0o777) == "0o600"
            assert f"Bureau demo at http://127.0.0.1:{port}" in output
            url = f"http://127.0.0.1:{port}"
            uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate("demo", "admin", password, {})
            assert uid
            models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
            assert models.execute_kw("demo", uid, password, "library.book", "search_count", [[]]) > 0
        finally:
            code, _ = stop(process)
        assert code == 0
        # a second start serves the same database without recreating it nor upgrading it
        process, output = start_demo(pg, tmp_path, port)
        try:
            assert "created with" not in output and "upgrading" not in output and "Installing" not in output
            assert password in output
        finally:
            code, _ = stop(process)
        assert code == 0
        # shipped addons whose files changed since are upgraded
        (tmp_path / "demo-addons-fingerprint").write_text("an older fingerprint\n")
        process, output = start_demo(pg, tmp_path, port)
        stop(process)
        assert "The shipped addons changed: upgrading them in 'demo'" in output, output
        assert (tmp_path / "demo-addons-fingerprint").read_text().strip() != "an older fingerprint"
        # an addon shipped after the database was made is installed, with its demo data
        from bureau.modules.loading import uninstall_modules
        uninstall_modules(pg, "demo", ["calendar"])
        Registry.delete("demo")
        process, output = start_demo(pg, tmp_path, port)
        try:
            assert "addons shipped since it was created: calendar" in output, output
            uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate("demo", "admin", password, {})
            models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
            assert models.execute_kw("demo", uid, password, "calendar.event", "search_count", [[]]) > 0
        finally:
            code, _ = stop(process)
        assert code == 0
    finally:
        Registry.delete("demo")
        if pg.exists("demo"):
            pg.drop_database("demo")
