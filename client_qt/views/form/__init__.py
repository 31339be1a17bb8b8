"""The form view (views.md §3): importing the package registers it for the ``form`` view type."""
from .view import FormView

__all__ = ["FormView"]
