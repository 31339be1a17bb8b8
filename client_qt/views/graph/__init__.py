"""The graph view (views.md §7): importing the package registers it for ``graph``."""
from .view import GraphView

__all__ = ["GraphView"]
