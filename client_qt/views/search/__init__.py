"""The search view (views.md §5): importing the package registers it for ``search``."""
from .view import SearchView

__all__ = ["SearchView"]
