"""A tab running one window action: its views, the view switcher and the search bar.

The tab loads the views of the action with one ``get_views`` call, builds each view lazily when it
is first shown, and passes the search domain from the search view to the others.
"""
import logging

from ..expr import evaluate_literal, base_names
from ..qt import (QHBoxLayout, QLabel, QStackedWidget, QToolButton, QVBoxLayout, QWidget, Signal, tr)
from ..views.registry import UnsupportedView, view_class

_logger = logging.getLogger(__name__)

VIEW_LABELS = {"list": "List", "form": "Form", "kanban": "Kanban", "calendar": "Calendar", "graph": "Graph",
               "pivot": "Pivot"}


class ActionTab(QWidget):
    """:param window: the main window
    :param action: the action dict (``ir.actions.act_window`` read by ``/web/action/load``)
    """

    title_changed = Signal(str)
    #: a view was built: ``(mode, view widget)``
    view_ready = Signal(str, object)

    def __init__(self, window, action, extra_context=None):
        super().__init__()
        self.window = window
        self.session = window.session
        self.action = action
        self.model = action["res_model"]
        names = base_names(self.session.context, self.session.uid)
        self.context = dict(self.session.context)
        action_context = action.get("context")
        if isinstance(action_context, str):
            action_context = evaluate_literal(action_context, {}, names, default={})
        self.context.update(action_context or {})
        self.context.update(extra_context or {})
        domain = action.get("domain")
        if isinstance(domain, str):
            domain = evaluate_literal(domain, {"context": self.context}, names, default=[])
        self.domain = list(domain or [])
        self.view_modes = [mode for _, mode in (action.get("views") or [])] or \
            [m.strip() for m in (action.get("view_mode") or "list,form").split(",")]
        self.view_modes = ["list" if m == "tree" else m for m in self.view_modes]
        self.views_spec = action.get("views") or [[False, mode] for mode in self.view_modes]
        self.views = {}
        self.current = None
        self.search_domain = []
        self.search_context = {}
        self.group_by = []
        self.setObjectName("action_tab")
        self._build()
        self.window.session.runner.call(self._fetch_views, on_result=self._views_loaded,
                                        on_error=self.window.show_error)

    def _build(self):
        self.switcher = QHBoxLayout()
        self.switch_buttons = {}
        for mode in self.view_modes:
            button = QToolButton()
            button.setText(tr(VIEW_LABELS.get(mode, mode.title())))
            button.setObjectName(f"switch_{mode}")
            button.setCheckable(True)
            button.clicked.connect(lambda checked=False, m=mode: self.switch_to(m))
            self.switcher.addWidget(button)
            self.switch_buttons[mode] = button
        self.switcher.addStretch(1)
        self.search_slot = QVBoxLayout()
        self.stack = QStackedWidget()
        self.status = QLabel(tr("Loading…"))
        layout = QVBoxLayout(self)
        layout.addLayout(self.search_slot)
        layout.addLayout(self.switcher)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)

    def _fetch_views(self):
        specs = [list(spec) for spec in self.views_spec]
        if "search" not in [mode for _, mode in specs]:
            specs.append([self.action.get("search_view_id") and self.action["search_view_id"][0] or False, "search"])
        if "form" not in [mode for _, mode in specs]:
            specs.append([False, "form"])
        return self.session.get_views(self.model, specs, context=self.context)

    def _views_loaded(self, result):
        self.views_result = result
        self.fields = result["models"][self.model]["fields"]
        self.status.setText("")
        search = result["views"].get("search")
        search_class = view_class("search")
        if search and search_class is not None:
            self.search_view = search_class(self, search["arch"], self.fields, search.get("id"))
            self.search_slot.addWidget(self.search_view)
            if hasattr(self.window, "bind_record_keys"):
                # Ctrl+S, Ctrl+N ... typed in the search box go to the current view
                self.window.bind_record_keys(self.search_view)
        else:
            self.search_view = None
        first = self.view_modes[0] if self.view_modes else "list"
        res_id = self.action.get("res_id")
        if first == "form" and res_id:
            self.switch_to(first, record_id=res_id, ids=[res_id])
        else:
            self.switch_to(first)

    def view(self, mode):
        """The view widget of ``mode`` (built on first use)."""
        if mode not in self.views:
            spec = self.views_result["views"].get(mode)
            cls = view_class(mode)
            if spec is None or cls is None:
                widget = UnsupportedView(self, mode)
            else:
                widget = cls(self, spec["arch"], self.fields, spec.get("id"))
            self.views[mode] = widget
            self.stack.addWidget(widget)
            journal = getattr(self.session, "journal", None)
            if journal is not None and mode == "form" and hasattr(widget, "form"):
                from ..views.form.journaling import FormJournal
                widget.journal_watcher = FormJournal(widget, journal, self.action)
            self.view_ready.emit(mode, widget)
        return self.views[mode]

    def switch_to(self, mode, **kwargs):
        """Show the view ``mode`` (the current one may refuse, e.g. a dirty form cancelled)."""
        if self.current is not None and self.current is not self.views.get(mode):
            if not self.current.can_close():
                return False
        widget = self.view(mode)
        self.current = widget
        self.stack.setCurrentWidget(widget)
        for other, button in self.switch_buttons.items():
            button.setChecked(other == mode)
        widget.activate(**kwargs)
        return True

    def open_record(self, record_id, ids=None):
        """Open a record in the form view (``ids``: the list it came from, for navigation)."""
        self.switch_to("form", record_id=record_id, ids=ids or ([record_id] if record_id else []))

    def full_domain(self):
        return self.domain + self.search_domain

    def apply_search(self, domain, context=None, group_by=None):
        """Called by the search view: refresh the current (multi-record) view."""
        self.search_domain = list(domain or [])
        self.search_context = dict(context or {})
        self.group_by = list(group_by or [])
        if self.current is not None:
            self.current.search(self.full_domain(), dict(self.context, **self.search_context), self.group_by)

    def can_close(self):
        return all(view.can_close() for view in self.views.values())

    def dispose(self):
        """The tab is closed (its records saved or discarded): nothing of it stays in the journal."""
        for view in self.views.values():
            watcher = getattr(view, "journal_watcher", None)
            if watcher is not None:
                watcher.dispose()
