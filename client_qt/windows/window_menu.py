"""The **Window** menu of the main window: the keys for working fast (issue 7 item 8).

* **Command palette…** (Ctrl+K): :mod:`client_qt.dialogs.palette`;
* **Detach tab** (Ctrl+Shift+D; the tab's context menu; dragging a tab out of the bar):
  :mod:`client_qt.windows.detach`;
* **Keyboard shortcuts** (Ctrl+F1): :mod:`client_qt.dialogs.shortcuts`, built from the keys
  registered on the window and the current view.

Detached windows get the palette and the shortcut sheet too (:func:`add_window_keys`).
"""
from ..qt import QAction, QKeySequence, QMenu, tr
from .detach import DETACH_KEY, attach_window, detach_tab

PALETTE_KEY = "Ctrl+K"
SHEET_KEY = "Ctrl+F1"


def _action(parent, name, text, keys, slot, what):
    action = QAction(text, parent)
    action.setObjectName(name)
    action.setShortcut(QKeySequence(keys))
    action.setWhatsThis(what)
    action.triggered.connect(slot)
    return action


def install_window_menu(window):
    """Add the Window menu (before the user's menu) and connect the tab widget's detach requests."""
    from ..dialogs.palette import open_palette
    from ..dialogs.shortcuts import show_shortcuts
    window.detached = []
    menu = QMenu(tr("&Window"), window)
    menu.setObjectName("menu_window")
    window.palette_action = _action(window, "action_palette", tr("Command palette…"), PALETTE_KEY,
                                    lambda: open_palette(window), tr("Find a menu, a command or a record"))
    window.detach_action = _action(window, "action_detach", tr("Detach tab"), DETACH_KEY,
                                   lambda: detach_tab(window), tr("Move the current tab into its own window"))
    window.shortcuts_action = _action(window, "action_shortcuts", tr("Keyboard shortcuts"), SHEET_KEY,
                                      lambda: show_shortcuts(window), tr("List the active keys"))
    for action in (window.palette_action, window.detach_action, window.shortcuts_action):
        menu.addAction(action)
    user_menu = getattr(window, "user_menu", None)
    if user_menu is not None:
        window.menuBar().insertMenu(user_menu.menuAction(), menu)
    else:
        window.menuBar().addMenu(menu)
    tabs = window.tabs
    if hasattr(tabs, "detach_requested"):
        tabs.detach_requested.connect(lambda index, position: detach_tab(window, index, position))
        tabs.close_requested.connect(window.close_tab)
    return menu


def add_window_keys(window, detached, menu):
    """The palette and the shortcut sheet in a detached window (its own actions, its own view)."""
    from ..dialogs.palette import open_palette
    from ..dialogs.shortcuts import show_shortcuts
    menu.addSeparator()
    menu.addAction(_action(detached, "action_palette", tr("Command palette…"), PALETTE_KEY,
                           lambda: open_palette(window, detached), tr("Find a menu, a command or a record")))
    menu.addAction(_action(detached, "action_shortcuts", tr("Keyboard shortcuts"), SHEET_KEY,
                           lambda: show_shortcuts(detached), tr("List the active keys")))


__all__ = ["install_window_menu", "add_window_keys", "attach_window", "detach_tab"]
