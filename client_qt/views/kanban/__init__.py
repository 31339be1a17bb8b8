"""The kanban view (views.md §8): template and board data apart from the widgets."""
from . import view  # noqa: F401 (registers "kanban")
