"""pytest plugin: addon tests (``addons/<name>/tests``) get a database with the addons installed.

Enabled in ``pyproject.toml`` (``-p bureau.tests.pytest_plugin``). The database (every shipped addon
with demo data) is created once per session on the PostgreSQL named by ``BUREAU_TEST_DB_URI``, or
on the embedded test cluster.
"""
import importlib
import os
import tempfile
import uuid
from pathlib import Path

import pytest

from .common import BaseCase, set_test_database, set_test_database_provider

_STATE = {}


def _addon_of(item):
    parts = Path(str(item.fspath)).parts
    if "addons" in parts:
        index = len(parts) - 1 - parts[::-1].index("addons")
        if index + 2 < len(parts) and parts[index + 2] == "tests":
            return parts[index + 1]
    return None


def _addon_test_module(path):
    """``(addon, module)`` when ``path`` is ``addons/<addon>/tests/test_*.py``, else None."""
    parts = Path(str(path)).parts
    if len(parts) >= 4 and parts[-2] == "tests" and parts[-1].startswith("test_") and parts[-1].endswith(".py"):
        addon_dir = Path(*parts[:-2])
        if (addon_dir / "__manifest__.py").is_file():
            return parts[-3], parts[-1][:-3]
    return None


class AddonTestModule(pytest.Module):
    """Imports an addon's test module under its real name, ``bureau.addons.<addon>.tests.<name>``
    (imported by path, the addon's models would be defined outside any addon)."""

    def _getobj(self):
        from ..modules.discovery import set_addons_path
        addon, name = _addon_test_module(self.path)
        set_addons_path([str(Path(self.path).parents[2])])
        return importlib.import_module(f"bureau.addons.{addon}.tests.{name}")


def pytest_collect_directory(path, parent):
    """An addon (or its ``tests`` folder) is collected as a plain directory: as a package, pytest
    would import it under a top-level name instead of ``bureau.addons.<addon>``."""
    path = Path(path)
    if (path / "__manifest__.py").is_file() or (path.name == "tests" and (path.parent / "__manifest__.py").is_file()):
        return pytest.Dir.from_parent(parent, path=path)
    return None


def pytest_pycollect_makemodule(module_path, parent):
    if _addon_test_module(module_path):
        return AddonTestModule.from_parent(parent, path=module_path)
    return None


def pytest_collection_modifyitems(session, config, items):
    modules = set()
    directories = set()
    selected, deselected = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is not None and issubclass(cls, BaseCase):
            found = _addon_test_module(item.path)
            if found:
                if "standard" not in getattr(cls, "test_tags", {"standard"}):
                    deselected.append(item)
                    continue
                modules.add(found[0])
                directories.add(str(Path(item.path).parents[2]))
        selected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
    _STATE["modules"] = sorted(modules)
    _STATE["directories"] = sorted(directories)
    set_test_database_provider(_create_database)


def _create_database():
    """Create the session's addon database on first use (dropped at the end of the session)."""
    from ..db.embedded import EmbeddedPostgres
    from ..db.server import DatabaseServer
    from ..modules.discovery import set_addons_path
    from ..modules.loading import install_modules
    set_addons_path(_STATE.get("directories") or [])
    uri = os.environ.get("BUREAU_TEST_DB_URI")
    embedded = None
    if not uri:
        data_dir = os.environ.get("BUREAU_TEST_DATA_DIR") or str(Path(tempfile.gettempdir()) /
                                                                 f"bureau-test-{os.getuid()}")
        embedded = EmbeddedPostgres(data_dir)
        uri = embedded.start()
    server = DatabaseServer(uri, maxconn=16)
    dbname = f"test_addons_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    server.create_database(dbname)
    _STATE.update(server=server, dbname=dbname, embedded=embedded)
    install_modules(server, dbname, _STATE.get("modules") or ["base"], demo=True,
                    admin_password="admin-addon-tests")
    set_test_database(server, dbname)


def pytest_sessionfinish(session, exitstatus):
    from ..orm.registry import Registry
    server = _STATE.pop("server", None)
    if server is None:
        return
    dbname = _STATE.pop("dbname")
    Registry.delete(dbname)
    try:
        server.drop_database(dbname)
    finally:
        server.close()
        embedded = _STATE.pop("embedded", None)
        if embedded is not None:
            embedded.stop()
