"""Tabs that can leave the main window: two records side by side, each in its own window.

* :class:`DetachableTabs` is the main window's tab widget: its tab bar has a context menu
  (**Detach**, **Close tab**) and a tab dragged well away from the bar detaches.
* :class:`DetachedWindow` holds one detached tab (the same :class:`ActionTab`, moved, with its views
  and unsaved edits). **Attach** (or the same key as Detach, Ctrl+Shift+D) puts it back as the last
  tab of the main window; closing it asks about unsaved changes like closing a tab, and a refusal
  keeps it open.

The main window keeps its detached windows (``window.detached``) and asks each of them too when it
is closed.
"""
from ..qt import (QAction, QKeySequence, QMainWindow, QMenu, QPoint, QTabWidget, QTimer, QtWidgets, Qt, Signal,
                  tr)

#: detach a tab / attach a detached window back
DETACH_KEY = "Ctrl+Shift+D"
#: how far (in tab-bar heights) a tab must be dragged from the bar to detach
DRAG_OUT_HEIGHTS = 2


class DetachableTabBar(QtWidgets.QTabBar):
    """A tab bar whose tabs detach when dragged out of it (``detach_requested(index, global_pos)``)."""

    detach_requested = Signal(int, QPoint)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("tab_bar")
        self.setMovable(True)
        self._pressed = -1

    def mousePressEvent(self, event):
        self._pressed = self.tabAt(event.position().toPoint()) \
            if event.button() == Qt.MouseButton.LeftButton else -1
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        if self._pressed >= 0 and event.buttons() & Qt.MouseButton.LeftButton:
            position = event.position().toPoint()
            margin = self.height() * DRAG_OUT_HEIGHTS
            if not self.rect().adjusted(-margin, -margin, margin, margin).contains(position):
                index, self._pressed = self._pressed, -1
                # end the tab bar's own move of the tab before the tab leaves
                release = type(event)(event.Type.MouseButtonRelease, event.position(), event.globalPosition(),
                                      Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton, event.modifiers())
                super().mouseReleaseEvent(release)
                self.detach_requested.emit(index, event.globalPosition().toPoint())
                return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event):
        self._pressed = -1
        super().mouseReleaseEvent(event)


class DetachableTabs(QTabWidget):
    """The main window's tabs (``detach_requested(index, global position or None)``)."""

    detach_requested = Signal(int, object)
    close_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        bar = DetachableTabBar(self)
        self.setTabBar(bar)
        # the tab leaves after the tab bar's mouse event is over
        bar.detach_requested.connect(
            lambda index, pos: QTimer.singleShot(0, lambda: self.detach_requested.emit(index, pos)))
        bar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        bar.customContextMenuRequested.connect(self._tab_menu)
        self.tab_menu = None

    def _tab_menu(self, position):
        index = self.tabBar().tabAt(position)
        if index < 0:
            return
        menu = self.tab_menu = QMenu(self)
        menu.setObjectName("tab_menu")
        detach = menu.addAction(tr("Detach"))
        detach.setObjectName("tab_detach")
        detach.setShortcut(QKeySequence(DETACH_KEY))
        detach.triggered.connect(lambda: self.detach_requested.emit(index, None))
        close = menu.addAction(tr("Close tab"))
        close.setObjectName("tab_close")
        close.triggered.connect(lambda: self.close_requested.emit(index))
        menu.popup(self.tabBar().mapToGlobal(position))
        return menu


class DetachedWindow(QMainWindow):
    """A top-level window holding one tab of ``window`` (``attach_requested`` asks to go back)."""

    attach_requested = Signal(object)

    def __init__(self, window, tab, title):
        super().__init__(window, Qt.WindowType.Window)
        self.setObjectName("detached_window")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.main_window = window
        self.tab = tab
        self.title = title
        self.setWindowTitle(tr("{0} — Bureau").format(title))
        self.setCentralWidget(tab)
        tab.show()
        menu = self.menuBar().addMenu(tr("&Window"))
        menu.setObjectName("menu_detached")
        self.attach_action = QAction(tr("Attach to the main window"), self)
        self.attach_action.setObjectName("action_attach")
        self.attach_action.setShortcut(QKeySequence(DETACH_KEY))
        self.attach_action.setWhatsThis(tr("Put this window back as a tab of the main window"))
        self.attach_action.triggered.connect(lambda: self.attach_requested.emit(self))
        menu.addAction(self.attach_action)
        self.close_action = QAction(tr("Close window"), self)
        self.close_action.setObjectName("action_close_window")
        keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
        if QKeySequence("Ctrl+W") not in keys:
            keys.append(QKeySequence("Ctrl+W"))
        self.close_action.setShortcuts(keys)
        self.close_action.setWhatsThis(tr("Close this window (asks about unsaved changes)"))
        self.close_action.triggered.connect(self.close)
        menu.addAction(self.close_action)
        from .window_menu import add_window_keys
        add_window_keys(window, self, menu)
        if hasattr(window, "bind_record_keys"):
            window.bind_record_keys(self.menuBar())
        self._released = False

    def current_view(self):
        return getattr(self.tab, "current", None)

    def release_tab(self):
        """Take the tab out (to attach it again); the window then closes without asking."""
        self._released = True
        tab, self.tab = self.tab, None
        self.takeCentralWidget()
        return tab

    def closeEvent(self, event):
        tab = self.tab
        if tab is not None and not self._released:
            if hasattr(tab, "can_close") and not tab.can_close():
                event.ignore()
                return
            if hasattr(tab, "dispose"):
                tab.dispose()
        if self in getattr(self.main_window, "detached", []):
            self.main_window.detached.remove(self)
        event.accept()


def detach_tab(window, index=None, position=None):
    """Move the tab ``index`` (the current one by default) of ``window`` into its own window."""
    index = window.tabs.currentIndex() if index is None else index
    tab = window.tabs.widget(index)
    if tab is None:
        return None
    title = window.tabs.tabText(index)
    size = window.tabs.size()
    window.tabs.removeTab(index)
    detached = DetachedWindow(window, tab, title)
    detached.attach_requested.connect(lambda which: attach_window(window, which))
    window.detached.append(detached)
    detached.resize(max(size.width(), 640), max(size.height(), 480))
    if position is not None:
        detached.move(position - QPoint(40, 10))
    else:
        detached.move(window.pos() + QPoint(40 * len(window.detached), 40 * len(window.detached)))
    detached.show()
    detached.raise_()
    detached.activateWindow()
    return detached


def attach_window(window, detached):
    """Put the tab of ``detached`` back as the last tab of ``window``; the detached window closes."""
    title = detached.title
    tab = detached.release_tab()
    if detached in window.detached:
        window.detached.remove(detached)
    detached.close()
    if tab is None:
        return -1
    index = window.tabs.addTab(tab, title)
    window.tabs.setCurrentIndex(index)
    window.activateWindow()
    return index
