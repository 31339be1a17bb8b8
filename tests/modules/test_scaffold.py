"""``bureau scaffold``: a fresh skeleton installs with demo data, its views load, its test passes
(modules.md SCAF-1, SCAF-2)."""
import os
import subprocess
import sys
import tempfile
import uuid

import pytest

from conftest import ROOT, new_db_name


def bureau(pg, addons_dir, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bureau", "--db-uri", pg.uri, "--log-level", "warning",
                           "--addons-path", addons_dir, *args], capture_output=True, text=True, env=env, timeout=300)


def test_scaffolded_addon_installs_loads_its_views_and_passes_its_test(pg):
    addons_dir = tempfile.mkdtemp(prefix="bureau-scaffold-")
    name = f"scaf_{uuid.uuid4().hex[:6]}"
    created = bureau(pg, addons_dir, "scaffold", name, addons_dir)
    assert created.returncode == 0, created.stderr
    for relative in ("__manifest__.py", "models/models.py", "views/views.xml", "security/ir.model.access.csv",
                     "demo/demo.xml", f"tests/test_{name}.py", "README.md"):
        assert os.path.isfile(os.path.join(addons_dir, name, relative)), relative

    dbname = new_db_name("test_scaffold")
    try:
        result = bureau(pg, addons_dir, "db", "create", dbname, "--demo", "-i", name,
                        "--admin-password", "scaffold-admin-pw")
        assert result.returncode == 0, result.stdout + result.stderr
        with pg.cursor(dbname) as cr:
            cr.execute(f"SELECT name, value, value2 FROM {name}_{name} ORDER BY value")
            assert cr.fetchall() == [(f"First {name.replace('_', ' ').title()}", 10, 0.1),
                                     (f"Second {name.replace('_', ' ').title()}", 20, 0.2)]
        probe = subprocess.run(
            [sys.executable, "-m", "bureau", "--db-uri", pg.uri, "--log-level", "warning", "--addons-path",
             addons_dir, "shell", "-d", dbname, "--no-commit"],
            input=(f"result = env['{name}.{name}'].get_views([[False, 'list'], [False, 'form'], [False, 'search']])\n"
                   f"print(sorted(result['views']), sorted(result['models']['{name}.{name}']['fields']))\n"),
            capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
        assert "['form', 'list', 'search']" in probe.stdout, probe.stderr
        assert "'value2'" in probe.stdout
        tests = bureau(pg, addons_dir, "test", "-d", dbname, "-m", name)
        assert tests.returncode == 0, tests.stdout + tests.stderr
        assert "Ran 1 test" in tests.stdout + tests.stderr
    finally:
        from bureau.orm.registry import Registry
        Registry.delete(dbname)
        if pg.exists(dbname):
            pg.drop_database(dbname)


def test_scaffold_refuses_invalid_names_and_existing_directories(pg):
    addons_dir = tempfile.mkdtemp(prefix="bureau-scaffold-")
    bad = bureau(pg, addons_dir, "scaffold", "Bad-Name", addons_dir)
    assert bad.returncode == 1 and "invalid addon name" in bad.stderr
    assert bureau(pg, addons_dir, "scaffold", "twice", addons_dir).returncode == 0
    again = bureau(pg, addons_dir, "scaffold", "twice", addons_dir)
    assert again.returncode == 1 and "already exists" in again.stderr
