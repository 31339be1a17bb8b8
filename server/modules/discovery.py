"""Finding addons on the addons path (modules.md §1).

The addons path is the repository's ``addons/`` folder followed by the directories given with
``--addons-path``. An addon is a directory holding ``__manifest__.py``; it is importable as
``bureau.addons.<name>``.
"""
import logging
import re
from pathlib import Path

_logger = logging.getLogger(__name__)

ADDON_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MANIFEST = "__manifest__.py"


def addons_namespace():
    import bureau.addons
    return bureau.addons


def set_addons_path(paths):
    """Put extra addon directories after the shipped ones (``bureau.addons.__path__``).

    :raises ValueError: a directory does not exist
    """
    namespace = addons_namespace()
    for raw in paths or ():
        path = Path(raw).expanduser().resolve()
        if not path.is_dir():
            raise ValueError(f"addons path {raw!r} is not a directory")
        if str(path) not in namespace.__path__:
            namespace.__path__.append(str(path))


def addons_path():
    return [Path(p) for p in addons_namespace().__path__]


def find_addons():
    """``{name: directory}`` of every addon on the path (the first directory wins)."""
    found = {}
    for directory in addons_path():
        if not directory.is_dir():
            continue
        for child in sorted(directory.iterdir()):
            if (child / MANIFEST).is_file() and (child / "__init__.py").is_file() and ADDON_NAME_RE.match(child.name):
                if child.name in found:
                    if found[child.name] != child and child not in _SHADOW_LOGGED:
                        _SHADOW_LOGGED.add(child)
                        _logger.info("addon %s in %s is shadowed by %s", child.name, child.parent,
                                     found[child.name].parent)
                    continue
                found[child.name] = child
    return found


_SHADOW_LOGGED = set()


def addon_dir(name):
    """The directory of addon ``name``, or None."""
    for directory in addons_path():
        candidate = directory / name
        if (candidate / MANIFEST).is_file():
            return candidate
    return None
