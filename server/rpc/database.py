"""Database management over HTTP: the ``db`` service of XML-RPC and ``/jsonrpc``, and the
``/web/database/*`` form routes (rpc.md §13); the operations live in :mod:`bureau.service.db`.

The forms are what Odooly posts (``application/x-www-form-urlencoded``, ``multipart/form-data``
for ``restore``; no CSRF token, rpc.md §2). Their values arrive as text: ``""``, ``"None"`` and
``"False"`` mean empty, ``"True"``/``"on"``/``"1"`` mean true. Success answers ``303 See Other``
(``/web`` after ``create``, ``/web/database/manager`` after the others) or the file for
``backup``; errors answer 403 (master password refused, management disabled) or 422 (anything
else) with an HTML body whose only text is the message between tags
(``<p>Could not drop database. Access Denied</p>``), which Odooly turns into its error text.
"""
import datetime
import logging
import os
import shutil
import tempfile
from html import escape
from pathlib import Path

from werkzeug.utils import redirect
from werkzeug.wrappers import Response
from werkzeug.wsgi import wrap_file

from ..exceptions import AccessDenied, UserError
from ..service import db
from .dispatch import register_service
from .wsgi import route

_logger = logging.getLogger(__name__)

#: form values meaning "nothing" (Odooly urlencodes Python's None and False)
EMPTY_VALUES = frozenset({"", "none", "false"})
TRUE_VALUES = frozenset({"1", "true", "on", "yes"})
#: at most this many fields and files in a restore form (Werkzeug ``max_form_parts``)
MAX_FORM_PARTS = 16
MANAGER_URL = "/web/database/manager"


# -- the db service over XML-RPC and /jsonrpc --------------------------------------------------------
def _service_method(name):
    def method(runtime, params, request):
        return db.call(runtime, name, params, address=request.remote_addr)
    method.__name__ = f"db_{name}"
    return method


register_service("db", {name: _service_method(name) for name in db.METHODS})


# -- form helpers --------------------------------------------------------------------------------------
def _text(form, key):
    """The form value, or None when missing or empty (``""``, ``"None"``, ``"False"``)."""
    value = form.get(key)
    if value is None or value.strip().lower() in EMPTY_VALUES:
        return None
    return value.strip()


def _flag(form, key):
    return (form.get(key) or "").strip().lower() in TRUE_VALUES


def _page(body, status=200):
    return Response(f"<!DOCTYPE html>\n<html><body>{body}</body></html>\n", status=status,
                    content_type="text/html; charset=utf-8")


def _error(status, what, message):
    return _page(f"<p>{escape(f'Could not {what}. {message}')}</p>", status=status)


def _form_call(request, what, action):
    """Run ``action()``; errors become the 403/422 pages of rpc.md §13."""
    try:
        return action()
    except AccessDenied as exc:
        return _error(403, what, str(exc) or "Access Denied")
    except (UserError, TypeError) as exc:
        _logger.info("%s refused: %s", what, exc)
        return _error(422, what, str(exc))
    except Exception:
        _logger.exception("%s failed", what)
        return _error(422, what, "The server met an error; see its log.")


def _master(app, request, form=None):
    form = request.form if form is None else form
    db.check_master_password(app.runtime, form.get("master_pwd") or "", request.remote_addr)


# -- routes ------------------------------------------------------------------------------------------
@route("/web/database/create", limit="small")
def create(app, request):
    form = request.form

    def action():
        db.call(app.runtime, "create_database", [
            form.get("master_pwd") or "", form.get("name") or "", _flag(form, "demo"), _text(form, "lang"),
            _text(form, "password") or "", _text(form, "login") or "admin", _text(form, "country_code"),
            _text(form, "phone")], address=request.remote_addr)
        return redirect("/web", code=303)
    return _form_call(request, "create database", action)


@route("/web/database/duplicate", limit="small")
def duplicate(app, request):
    form = request.form

    def action():
        db.call(app.runtime, "duplicate_database", [
            form.get("master_pwd") or "", form.get("name") or "", form.get("new_name") or "",
            _flag(form, "neutralize_database")], address=request.remote_addr)
        return redirect(MANAGER_URL, code=303)
    return _form_call(request, "duplicate database", action)


@route("/web/database/drop", limit="small")
def drop(app, request):
    form = request.form

    def action():
        name = form.get("name") or ""
        if not db.call(app.runtime, "drop", [form.get("master_pwd") or "", name], address=request.remote_addr):
            raise UserError(f'database "{name}" does not exist')
        return redirect(MANAGER_URL, code=303)
    return _form_call(request, "drop database", action)


@route("/web/database/backup", limit="small")
def backup(app, request):
    form = request.form

    def action():
        _master(app, request)
        name = form.get("name") or ""
        backup_format = _text(form, "backup_format") or "zip"
        work = tempfile.mkdtemp(prefix="bureau-backup-")
        try:
            path = Path(work) / "backup"
            db.backup_to_file(app.runtime, name, backup_format, path)
            handle = open(path, "rb")
        finally:
            # the open handle keeps the file readable while it is streamed
            shutil.rmtree(work, ignore_errors=True)
        size = os.fstat(handle.fileno()).st_size
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d_%H-%M-%S")
        filename = f"{name}_{stamp}.{backup_format}"
        response = Response(wrap_file(request.environ, handle), direct_passthrough=True,
                            content_type="application/zip" if backup_format == "zip" else "application/octet-stream")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["Content-Length"] = str(size)
        return response
    return _form_call(request, "back up database", action)


@route("/web/database/restore", limit="restore")
def restore(app, request):
    request.max_form_parts = MAX_FORM_PARTS

    def action():
        form = request.form
        _master(app, request, form)
        upload = request.files.get("backup_file")
        if upload is None:
            raise UserError("No backup file was sent (field backup_file).")
        with tempfile.TemporaryDirectory(prefix="bureau-upload-") as work:
            path = Path(work) / "backup"
            upload.save(str(path))
            db.restore_file(app.runtime, form.get("name") or "", path, copy=_flag(form, "copy"))
        return redirect(MANAGER_URL, code=303)
    return _form_call(request, "restore database", action)


@route("/web/database/change_password", limit="small")
def change_password(app, request):
    form = request.form

    def action():
        db.call(app.runtime, "change_admin_password",
                [form.get("master_pwd") or "", form.get("master_pwd_new") or ""], address=request.remote_addr)
        return redirect(MANAGER_URL, code=303)
    return _form_call(request, "change the master password", action)


@route(MANAGER_URL, methods=("GET", "HEAD"))
def manager(app, request):
    """A plain page listing the databases (when listing is allowed) with the management forms."""
    if app.runtime.config.get("list_db", True):
        names = db.list_databases(app.runtime)
        listing = "".join(f"<li>{escape(name)}</li>" for name in names) or "<li>(none)</li>"
        body = f"<h1>Databases</h1><ul>{listing}</ul>{_FORMS}"
    else:
        body = "<h1>Databases</h1><p>Database management is disabled on this server.</p>"
    return _page(body)


def _form(action, title, fields, multipart=False):
    enctype = ' enctype="multipart/form-data"' if multipart else ""
    inputs = "".join(f'<label>{label} <input name="{name}" type="{kind}"></label> ' for name, label, kind in fields)
    return (f'<form method="post" action="/web/database/{action}"{enctype}><h2>{title}</h2>{inputs}'
            f'<button type="submit">{title}</button></form>')


_MASTER = ("master_pwd", "Master password", "password")
_FORMS = "".join([
    _form("create", "Create", [_MASTER, ("name", "Name", "text"), ("login", "Login", "text"),
                               ("password", "Password", "password"), ("lang", "Language", "text"),
                               ("country_code", "Country code", "text"), ("demo", "Demo data", "checkbox")]),
    _form("duplicate", "Duplicate", [_MASTER, ("name", "Name", "text"), ("new_name", "New name", "text"),
                                     ("neutralize_database", "Neutralize", "checkbox")]),
    _form("drop", "Delete", [_MASTER, ("name", "Name", "text")]),
    _form("backup", "Backup", [_MASTER, ("name", "Name", "text"), ("backup_format", "Format (zip/dump)", "text")]),
    _form("restore", "Restore", [_MASTER, ("name", "Name", "text"), ("backup_file", "File", "file"),
                                 ("copy", "This database is a copy", "checkbox")], multipart=True),
    _form("change_password", "Set master password", [_MASTER, ("master_pwd_new", "New master password", "password")]),
])
