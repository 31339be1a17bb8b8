"""Reading and validating ``__manifest__.py`` (modules.md §2).

A manifest is a Python dict literal; it is read with :func:`ast.literal_eval`, never executed.
"""
import ast
from pathlib import Path

from ..exceptions import UserError

DEFAULTS = {
    "name": None,
    "version": "1.0",
    "summary": "",
    "description": "",
    "author": "",
    "website": "",
    "license": "LGPL-3",
    "category": "Uncategorized",
    "depends": [],
    "data": [],
    "demo": [],
    "installable": True,
    "auto_install": False,
    "application": False,
    "sequence": 100,
    "pre_init_hook": None,
    "post_init_hook": None,
    "uninstall_hook": None,
    "external_dependencies": {},
    "assets": {},
}
LIST_KEYS = ("depends", "data", "demo")
#: the Odoo series Bureau reports (rpc.md §1); manifest versions are prefixed with it (MAN-3)
SERVER_SERIES = "17.0"


class ManifestError(UserError, ValueError):
    """A manifest is missing, unreadable or invalid; the message names the file."""


def load_manifest(addon_dir):
    """The manifest of the addon in ``addon_dir`` completed with defaults.

    :raises ManifestError: naming the file and the problem
    """
    path = Path(addon_dir) / "__manifest__.py"
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read the manifest ({exc.strerror})") from None
    try:
        data = ast.literal_eval(source)
    except (SyntaxError, ValueError) as exc:
        raise ManifestError(f"{path}: the manifest must be a Python dict literal ({exc})") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: the manifest must be a dict")
    manifest = dict(DEFAULTS)
    manifest.update(data)
    if not manifest["name"]:
        raise ManifestError(f"{path}: 'name' is required")
    for key in LIST_KEYS:
        if not isinstance(manifest[key], list) or not all(isinstance(v, str) for v in manifest[key]):
            raise ManifestError(f"{path}: {key!r} must be a list of strings")
    if isinstance(manifest["auto_install"], list):
        extra = set(manifest["auto_install"]) - set(manifest["depends"])
        if extra:
            raise ManifestError(f"{path}: auto_install lists modules that are not dependencies: {sorted(extra)}")
    try:
        manifest["version"] = adapt_version(str(manifest["version"]))
    except ValueError as exc:
        if manifest["installable"]:
            raise ManifestError(f"{path}: {exc}") from None
    if not manifest["license"] or "license" not in data:
        manifest["license"] = manifest["license"] or "LGPL-3"
    manifest["addon"] = Path(addon_dir).name
    manifest["path"] = str(Path(addon_dir))
    return manifest


def adapt_version(version):
    """``x.y`` or ``x.y.z`` becomes ``<series>.x.y[.z]``; versions already in the series are kept.

    :raises ValueError: the version is not made of 2 or 3 numbers (or 4-5 with the series prefix)
    """
    if version == SERVER_SERIES or version.startswith(SERVER_SERIES + "."):
        rest = version[len(SERVER_SERIES) + 1:]
        parts = rest.split(".") if rest else []
        if len(parts) in (2, 3) and all(p.isdigit() for p in parts):
            return version
        raise ValueError(f"invalid version {version!r}: expected {SERVER_SERIES}.x.y or {SERVER_SERIES}.x.y.z")
    parts = version.split(".")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"invalid version {version!r}: expected x.y or x.y.z")
    return f"{SERVER_SERIES}.{version}"


def check_external_dependencies(manifest):
    """Raise :class:`ManifestError` when a Python distribution or a binary the addon needs is missing
    (modules.md MAN-4)."""
    import importlib.metadata
    import importlib.util
    import re
    import shutil
    external = manifest.get("external_dependencies") or {}
    for requirement in external.get("python", []):
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
        name, spec = match.group(1), match.group(2).strip()
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            if importlib.util.find_spec(name.replace("-", "_")) is None:
                raise ManifestError(f"The addon {manifest['addon']!r} needs the Python package {requirement!r}, "
                                    f"which is not installed.") from None
            continue
        if spec:
            from packaging.specifiers import SpecifierSet
            if installed not in SpecifierSet(spec):
                raise ManifestError(f"The addon {manifest['addon']!r} needs {requirement!r}; "
                                    f"version {installed} is installed.")
    for binary in external.get("bin", []):
        if shutil.which(binary) is None:
            raise ManifestError(f"The addon {manifest['addon']!r} needs the program {binary!r}, "
                                f"which was not found on the PATH.")
