"""The addons namespace: ``bureau.addons.<name>`` is the addon ``<name>`` found on the addons path.

Its ``__path__`` starts with the repository's ``addons/`` folder; :func:`bureau.modules.discovery.
set_addons_path` adds the directories given with ``--addons-path``.
"""
from pathlib import Path

_SHIPPED = Path(__file__).resolve().parent.parent.parent / "addons"
__path__ = [str(_SHIPPED)] if _SHIPPED.is_dir() else []
