"""The addons namespace: ``bureau.addons.<name>`` is the addon ``<name>`` found on the addons path.

Its ``__path__`` starts with the shipped addons (the repository's ``addons/`` folder, or their copy
in an installed distribution); :func:`bureau.modules.discovery.
set_addons_path` adds the directories given with ``--addons-path``.
"""
from pathlib import Path

#: the checkout's ``addons/`` (source and editable installs), else the copy an installed
#: distribution carries (``bureau/shipped_addons``, see setup.py)
_CHECKOUT = Path(__file__).resolve().parent.parent.parent / "addons"
_INSTALLED = Path(__file__).resolve().parent.parent / "shipped_addons"
_SHIPPED = _CHECKOUT if (_CHECKOUT / "base" / "__manifest__.py").is_file() else _INSTALLED
__path__ = [str(_SHIPPED)] if _SHIPPED.is_dir() else []
