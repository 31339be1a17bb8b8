"""Bureau: an open business-application platform in the OpenERP/Odoo tradition.

The names addons use::

    from bureau import api, fields, models, Command, SQL, _
    from bureau.exceptions import UserError, ValidationError

``api``, ``fields`` and ``models`` are submodules, imported on first use; this file imports nothing,
so that importing a leaf module (``bureau.db.sql``) does not load the whole ORM.
"""

__version__ = "0.1.0"
version_info = (0, 1, 0, "final", 0)


def __getattr__(name):
    if name == "Command":
        from .orm.commands import Command
        return Command
    if name == "_":
        from .tools.translate import _
        return _
    if name == "SQL":
        from .db.sql import SQL
        return SQL
    if name == "SUPERUSER_ID":
        from .orm.environment import SUPERUSER_ID
        return SUPERUSER_ID
    if name in ("api", "fields", "models", "exceptions", "tests"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'bureau' has no attribute {name!r}")
