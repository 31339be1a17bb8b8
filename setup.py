"""Package mapping that pyproject.toml cannot express: the folder ``server/`` is the package ``bureau``."""
from setuptools import find_packages, setup

PACKAGES = (
    ["bureau"] + ["bureau." + name for name in find_packages("server")]
    + ["client_qt"] + ["client_qt." + name for name in find_packages("client_qt")]
)

setup(packages=PACKAGES, package_dir={"bureau": "server", "client_qt": "client_qt"})
