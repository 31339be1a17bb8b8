"""View types the client renders: ``VIEWS[type]`` is the widget class (views.md §1).

View modules register themselves with :func:`register`; a type without a class is shown as a
placeholder ("view type X is not supported") and the other views of the action keep working.
"""
import logging

from ..qt import QLabel, QVBoxLayout, QWidget, Qt, tr

_logger = logging.getLogger(__name__)

VIEWS = {}


def register(view_type):
    def decorate(cls):
        VIEWS[view_type] = cls
        cls.view_type = view_type
        return cls
    return decorate


class UnsupportedView(QWidget):
    """Stands in for a view type the client cannot render."""

    def __init__(self, tab, view_type, arch=None, fields=None, view_id=None):
        super().__init__()
        self.tab = tab
        self.view_type = view_type
        label = QLabel(tr("View type {0} is not supported").format(view_type))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        _logger.warning("view type %s is not supported", view_type)

    def activate(self, **kwargs):
        pass

    def search(self, domain, context=None, group_by=None):
        pass

    def can_close(self):
        return True


def load_view_modules():
    """Import the view modules so that they register (done once by the application)."""
    import importlib
    for name in ("list", "form", "search", "calendar", "graph", "pivot", "kanban"):
        try:
            importlib.import_module(f"client_qt.views.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"client_qt.views.{name}":
                raise


def view_class(view_type):
    return VIEWS.get(view_type)
