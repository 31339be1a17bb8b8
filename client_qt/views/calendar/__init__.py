"""The calendar view (views.md §6): importing the package registers it for ``calendar``."""
from .view import CalendarView

__all__ = ["CalendarView"]
