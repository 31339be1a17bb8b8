"""The built distribution and the recipes of ``packaging/``.

The wheel is built by pip from the checkout; its unpacked contents (not the checkout) then create
a database with ``base`` and ``library`` on the test PostgreSQL: the shipped addons, their data,
views, security and demo files travel in the wheel.
"""
import configparser
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, new_db_name

pytestmark = [pytest.mark.slow]

PACKAGING = ROOT / "packaging"


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = out.glob("bureau-*.whl")
    target = out / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_the_wheel_carries_every_shipped_addon_file(unpacked_wheel):
    shipped = {path.relative_to(ROOT / "addons") for path in (ROOT / "addons").rglob("*")
               if path.is_file() and "__pycache__" not in path.parts}
    carried = {path.relative_to(unpacked_wheel / "bureau" / "shipped_addons")
               for path in (unpacked_wheel / "bureau" / "shipped_addons").rglob("*") if path.is_file()}
    assert shipped and carried == shipped
    assert (unpacked_wheel / "client_qt" / "qt.py").is_file()


def test_an_installed_bureau_creates_a_database_from_the_addons_it_carries(unpacked_wheel, pg, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(unpacked_wheel))
    where = subprocess.run([sys.executable, "-c", "import bureau.addons; print(bureau.addons.__path__[0])"],
                           env=env, cwd=tmp_path, check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where) == unpacked_wheel / "bureau" / "shipped_addons"
    name = new_db_name("test_wheel")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bureau", "--db-uri", pg.uri, "--data-dir", str(tmp_path / "data"),
             "db", "create", name, "--demo", "-i", "library"],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        with pg.cursor(name) as cr:
            cr.execute("SELECT count(*) FROM library_book")
            assert cr.fetchone()[0] > 0
            cr.execute("SELECT name, state FROM ir_module_module WHERE name IN ('base', 'library') ORDER BY name")
            assert cr.fetchall() == [("base", "installed"), ("library", "installed")]
    finally:
        from bureau.orm.registry import Registry
        Registry.delete(name)
        if pg.exists(name):
            pg.drop_database(name)


def test_the_example_configuration_names_only_known_options():
    from bureau.config import OPTIONS, Config
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(PACKAGING / "bureau.conf.example")
    known = {option.name for option in OPTIONS}
    assert set(parser.options("options")) <= known
    config = Config.load(file=str(PACKAGING / "bureau.conf.example"))
    assert config["workers"] == 2 and config["proxy_mode"] is True and config["list_db"] is False


def test_the_systemd_unit_and_the_desktop_entry_run_bureau_commands():
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str
    unit.read(PACKAGING / "bureau.service")
    command = unit["Service"]["ExecStart"].split()
    assert command[0].endswith("/bin/bureau") and command[-1] == "serve" and "--config" in command
    assert unit["Service"]["User"] == "bureau" and unit["Install"]["WantedBy"] == "multi-user.target"
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(PACKAGING / "bureau-client.desktop")
    entry = desktop["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"].split()[:2] == ["bureau", "client"]
