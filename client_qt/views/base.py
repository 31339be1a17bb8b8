"""What the calendar, graph, pivot and kanban views share: the view protocol of
:class:`~client_qt.windows.action_tab.ActionTab` over a search.

A view is built with ``(tab, arch, fields, view_id)``; the tab calls :meth:`activate` when it is
shown, :meth:`search` when the search bar changes and :meth:`can_close` before it is left. The
first activation runs the tab's current search, later ones read the records again. Subclasses
implement :meth:`reload` and, when they use the search's group-bys, :meth:`apply_group_by`.
"""
from ..models.calls import OwnedCalls
from ..qt import QWidget


class SearchedView(QWidget):
    """:param tab: the :class:`~client_qt.windows.action_tab.ActionTab`
    :param fields: ``{name: description}`` of the model
    :param view_id: the view's id
    """

    #: set by :func:`~client_qt.views.registry.register`
    view_type = None

    def __init__(self, tab, fields, view_id=None):
        super().__init__()
        self.setObjectName(f"{self.view_type}_view")
        self.tab = tab
        self.session = tab.session
        self.calls = OwnedCalls(self, self.session)
        self.model_name = tab.model
        self.fields = fields
        self.view_id = view_id
        self.context = dict(getattr(tab, "context", {}) or {})
        self.domain = list(getattr(tab, "domain", []) or [])
        #: whether a search ran (the first activation runs the tab's)
        self.loaded = False

    def activate(self, **kwargs):
        """Shown by the tab: the first time run the tab's search, later read the records again."""
        if not self.loaded:
            domain = self.tab.full_domain() if hasattr(self.tab, "full_domain") else self.domain
            context = dict(self.context, **(getattr(self.tab, "search_context", {}) or {}))
            self.search(domain, context, list(getattr(self.tab, "group_by", []) or []))
        else:
            self.reload()

    def search(self, domain, context=None, group_by=None):
        """Show the records of a new search (group-bys on fields of the model only)."""
        self.loaded = True
        self.domain = list(domain or [])
        if context:
            self.context = dict(context)
        self.apply_group_by([g for g in (group_by or []) if g.split(":")[0] in self.fields])

    def apply_group_by(self, group_by):
        """Take the search's group-bys (ignored by default) and read the records again."""
        self.reload()

    def reload(self):
        raise NotImplementedError

    def can_close(self):
        return True
