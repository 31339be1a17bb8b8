"""A session talking to an in-memory server, for form and widget tests without a live server.

Calls go through the real :class:`~client_qt.rpc.runner.Runner` (a worker thread, results on the
GUI thread), so widgets meet the same asynchrony as with a server. ``get_views`` answers come from
the recorded replies in ``tests/fixtures/client/`` or from arches given by the test.
"""
import copy
import json
import threading
from pathlib import Path

import pytest

from client_qt.rpc.runner import Runner
from client_qt.views.arch import parse_arch

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "client"


def recorded_views(name):
    """A recorded ``get_views`` reply (``res_partner``, ``library_loan``, ``library_book``, ``test_orm_order``)."""
    return json.loads((FIXTURES / f"{name}_views.json").read_text())


class FakeServer:
    """Tables of records in ``read`` format and the usual model methods; ``handlers`` override."""

    def __init__(self):
        self.tables = {}
        self.handlers = {}
        self.calls = []
        self.lock = threading.Lock()
        self.next_id = 1000

    def add(self, model, **values):
        with self.lock:
            self.next_id += 1
            record_id = values.pop("id", None) or self.next_id
        values["id"] = record_id
        values.setdefault("display_name", values.get("name", f"{model},{record_id}"))
        values.setdefault("write_date", "2024-01-01 10:00:00")
        self.tables.setdefault(model, {})[record_id] = values
        return record_id

    def on(self, model, method, function):
        self.handlers[(model, method)] = function

    def methods(self, model=None):
        return [(m, name) for m, name, _a, _k in self.calls if model is None or m == model]

    def last(self, model, method):
        for m, name, args, kwargs in reversed(self.calls):
            if (m, name) == (model, method):
                return args, kwargs
        return None

    def handle(self, model, method, args, kwargs):
        # through JSON, as over the wire: tuples become lists, non-serializable values fail here
        args, kwargs = json.loads(json.dumps(list(args or []))), json.loads(json.dumps(dict(kwargs or {})))
        with self.lock:
            self.calls.append((model, method, args, kwargs))
        handler = self.handlers.get((model, method))
        if handler is not None:
            return handler(*args, **kwargs)
        default = getattr(self, f"_{method}", None)
        if default is None:
            raise AttributeError(f"the fake server has no {model}.{method}")
        return default(model, *args, **kwargs)

    # -- default methods ------------------------------------------------------------------------
    def _read(self, model, ids, fields=None, context=None, **kwargs):
        table = self.tables.get(model, {})
        rows = []
        for record_id in ids:
            if record_id not in table:
                continue
            values = table[record_id]
            names = fields or list(values)
            rows.append(dict({name: copy.deepcopy(values.get(name, False)) for name in names}, id=record_id))
        return rows

    def _to_read(self, model, values):
        result = {}
        for name, value in values.items():
            if isinstance(value, list) and value and isinstance(value[0], (list, tuple)):
                continue  # x2many commands: the fake keeps no lines
            result[name] = value
        return result

    def _write(self, model, ids, values, context=None, **kwargs):
        for record_id in ids:
            self.tables[model][record_id].update(self._to_read(model, values))
            self.tables[model][record_id]["write_date"] = "2024-01-02 10:00:00"
        return True

    def _create(self, model, values, context=None, **kwargs):
        return self.add(model, **self._to_read(model, values))

    def _unlink(self, model, ids, context=None, **kwargs):
        for record_id in ids:
            self.tables.get(model, {}).pop(record_id, None)
        return True

    def _copy(self, model, ids, default=None, context=None, **kwargs):
        values = dict(self.tables[model][ids[0]])
        values.pop("id")
        values["name"] = f"{values.get('name')} (copy)"
        values.pop("display_name", None)
        return self.add(model, **values)

    def _name_search(self, model, name="", domain=None, operator="ilike", limit=100, context=None, **kwargs):
        excluded = set()
        for leaf in domain or []:
            if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and leaf[0] == "id" and leaf[1] == "not in":
                excluded.update(leaf[2])
        rows = [[record_id, values.get("display_name") or values.get("name")]
                for record_id, values in sorted(self.tables.get(model, {}).items())
                if name.lower() in str(values.get("display_name") or values.get("name") or "").lower()
                and record_id not in excluded]
        return rows[:limit]

    def _name_create(self, model, name, context=None, **kwargs):
        record_id = self.add(model, name=name)
        return [record_id, name]

    def _onchange(self, model, ids, values, names, spec, context=None, **kwargs):
        return {"value": {}}

    def _search_read(self, model, domain=None, fields=None, **kwargs):
        return self._read(model, sorted(self.tables.get(model, {})), fields)


class FakeConnection:
    def __init__(self, server):
        self.server = server
        self.uid = 2
        self.db = "fake"
        self.url = "http://fake"
        self.session_info = {"uid": 2, "name": "Admin", "user_context": {"lang": "en_US", "tz": "Europe/Brussels"}}
        self.buttons = []

    @property
    def user_context(self):
        return dict(self.session_info["user_context"])

    def call_kw(self, model, method, args=None, kwargs=None, context=None):
        kwargs = dict(kwargs or {})
        ctx = self.user_context
        ctx.update(kwargs.pop("context", None) or {})
        ctx.update(context or {})
        kwargs["context"] = ctx
        return self.server.handle(model, method, args, kwargs)

    def call_button(self, model, method, ids, context=None):
        return self.server.handle(model, method, [list(ids)], {"context": dict(context or {})})

    def load_action(self, action_id, context=None):
        return self.server.handle("ir.actions.actions", "load", [action_id], {"context": dict(context or {})})


class FakeSession:
    """The :class:`~client_qt.session.Session` interface over a :class:`FakeServer`."""

    def __init__(self, server=None, views=None):
        self.server = server or FakeServer()
        self.connection = FakeConnection(self.server)
        self.runner = Runner()
        self.views = dict(views or {})

    uid = 2

    @property
    def user_tz(self):
        return self.connection.user_context.get("tz")

    @property
    def context(self):
        return self.connection.user_context

    @property
    def info(self):
        return self.connection.session_info

    def call(self, model, method, *args, on_result=None, on_error=None, **kwargs):
        return self.runner.call(self.connection.call_kw, model, method, list(args), kwargs, on_result=on_result,
                                on_error=on_error)

    def get_views(self, model, views, context=None):
        if model not in self.views:
            raise KeyError(f"no recorded views for {model}")
        return self.views[model]


def form_result(model, arch, fields, extra_models=None):
    """A ``get_views`` reply with one form view."""
    models = {model: {"fields": fields}}
    models.update(extra_models or {})
    return {"views": {"form": {"arch": arch, "id": 1, "model": model}}, "models": models}


class FakeTab:
    """What a view needs from its action tab."""

    def __init__(self, session, model, views_result, context=None, window=None):
        self.session = session
        self.model = model
        self.views_result = views_result
        self.fields = views_result["models"][model]["fields"]
        self.context = dict(session.context, **(context or {}))
        self.window = window


_ALIVE = []


def keep(widget):
    """Keep a top-level widget alive until the end of the test.

    pytest-qt only holds weak references: a top-level widget the test no longer references would
    be garbage-collected (and its C++ object deleted) in the middle of a later paint event.
    """
    _ALIVE.append(widget)
    return widget


@pytest.fixture(autouse=True)
def keep_widgets_alive():
    """Import into a test module: deletes the kept widgets through Qt after each test."""
    yield
    from client_qt.qt import QApplication, QEvent
    import shiboken6
    for widget in _ALIVE:
        if shiboken6.isValid(widget):
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    _ALIVE.clear()


def make_form(session, model, arch, fields, models=None, context=None, main_window=None, readonly=False):
    """A :class:`RecordForm` over a given arch (kept alive until the end of the test)."""
    from client_qt.views.form.record_form import RecordForm
    return keep(RecordForm(session, model, parse_arch(arch), fields, models,
                           context=dict(session.context, **(context or {})), main_window=main_window,
                           readonly=readonly))


def answer_next_question(button):
    """Click ``button`` (a ``QMessageBox.StandardButton``) on the next Yes/No or Save/Discard question.

    The questions are modal and block in ``exec()``: the answer is given from the event loop they run.
    """
    from client_qt.qt import QApplication, QMessageBox, QTimer

    def poll():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() in ("confirm_dialog", "save_changes_dialog"):
            box.button(button).click()
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def open_notices():
    """The message boxes shown without blocking (warnings, missing fields), newest last."""
    from client_qt.qt import QApplication, QMessageBox
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() in ("notice_dialog", "error_dialog")]


def close_notices():
    for box in open_notices():
        box.close()
