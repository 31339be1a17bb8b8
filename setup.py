"""Package mapping that pyproject.toml cannot express: the folder ``server/`` is the package ``bureau``,
and a built distribution carries the shipped addons (the repository's ``addons/``) as
``bureau/shipped_addons`` — an editable install reads them from the checkout instead."""
import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

PACKAGES = (
    ["bureau"] + ["bureau." + name for name in find_packages("server")]
    + ["client_qt"] + ["client_qt." + name for name in find_packages("client_qt")]
)
ADDONS = Path(__file__).resolve().parent / "addons"


class BuildWithAddons(build_py):
    """Copy ``addons/`` (code, data, views, security, demo, tests) into ``bureau/shipped_addons``."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "bureau" / "shipped_addons"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ADDONS, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(packages=PACKAGES, package_dir={"bureau": "server", "client_qt": "client_qt"},
      cmdclass={"build_py": BuildWithAddons})
