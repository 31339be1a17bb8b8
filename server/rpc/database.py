"""Database management over HTTP (``/web/database/*`` forms) — see :mod:`bureau.service.db`."""
