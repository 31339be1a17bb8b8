"""The pivot view (views.md §7): importing the package registers it for ``pivot``."""
from .view import PivotView

__all__ = ["PivotView"]
