"""The list view (views.md §4): importing the package registers it for ``list``."""
from .view import ListView

__all__ = ["ListView"]
