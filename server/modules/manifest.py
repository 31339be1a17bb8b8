"""Reading and validating ``__manifest__.py`` (modules.md §2).

A manifest is a Python dict literal; it is read with :func:`ast.literal_eval`, never executed.
"""
import ast
from pathlib import Path

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


class ManifestError(ValueError):
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
    manifest["addon"] = Path(addon_dir).name
    manifest["path"] = str(Path(addon_dir))
    return manifest
