"""The main window: the menu tree, one tab per opened action, the status bar.

Menus come from ``ir.ui.menu.load_menus`` (already filtered for the user by the server). Alt+1..9
switch tabs; Ctrl+W closes the current one.
"""
import logging

from ..qt import (QAction, QKeySequence, QLabel, QMainWindow, QShortcut, QSplitter, QTabWidget, QTreeWidget,
                  QTreeWidgetItem, Qt, tr)
from ..dialogs.error import show_error
from .action_tab import ActionTab

_logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """:param session: the logged-in :class:`~client_qt.session.Session`"""

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.setObjectName("main_window")
        self.setWindowTitle(tr("Bureau — {0}").format(session.connection.db))
        self.menus = {}
        self.menu_tree = QTreeWidget()
        self.menu_tree.setObjectName("menu_tree")
        self.menu_tree.setHeaderHidden(True)
        self.menu_tree.itemActivated.connect(self._menu_activated)
        self.menu_tree.itemClicked.connect(self._menu_activated)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        splitter = QSplitter()
        splitter.addWidget(self.menu_tree)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 900])
        self.setCentralWidget(splitter)
        info = session.info
        self.user_label = QLabel(f"{info.get('name') or info.get('username')} · {session.connection.db} · "
                                 f"{session.connection.url}")
        self.user_label.setObjectName("status_user")
        self.busy_label = QLabel("")
        self.busy_label.setObjectName("busy")
        self.statusBar().addWidget(self.user_label, 1)
        self.statusBar().addPermanentWidget(self.busy_label)
        session.runner.busy_changed.connect(self._busy)
        session.runner.job_failed.connect(self.show_error)
        self._shortcuts()
        self.resize(1200, 800)
        self.load_menus()

    def _shortcuts(self):
        for index in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Alt+{index}"), self)
            shortcut.activated.connect(lambda i=index: self.tabs.setCurrentIndex(i - 1))
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(lambda: self.close_tab(self.tabs.currentIndex()))
        logout = QAction(tr("Log out"), self)
        logout.triggered.connect(self.close)
        self.menuBar().addMenu(tr("&File")).addAction(logout)

    def _busy(self, busy):
        self.busy_label.setText(tr("Working…") if busy else "")

    def show_error(self, error):
        return show_error(self, error)

    # -- menus -----------------------------------------------------------------------------------
    def load_menus(self):
        self.session.call("ir.ui.menu", "load_menus", on_result=self._menus_loaded, on_error=self.show_error)

    def _menus_loaded(self, menus):
        self.menus = {str(key): value for key, value in menus.items()}
        self.menu_tree.clear()

        def add(parent_item, menu_id):
            menu = self.menus.get(str(menu_id))
            if menu is None:
                return
            item = QTreeWidgetItem([menu["name"]])
            item.setData(0, Qt.ItemDataRole.UserRole, menu_id)
            if parent_item is None:
                self.menu_tree.addTopLevelItem(item)
            else:
                parent_item.addChild(item)
            for child in menu.get("children") or []:
                add(item, child)

        for root_id in self.menus.get("root", {}).get("children", []):
            add(None, root_id)
        self.menu_tree.expandToDepth(0)

    def menu_item(self, path):
        """The tree item of a menu path like ``"Contacts/Contacts"`` (for tests and shortcuts)."""
        names = path.split("/")
        items = [self.menu_tree.topLevelItem(i) for i in range(self.menu_tree.topLevelItemCount())]
        item = None
        for name in names:
            item = next((candidate for candidate in items if candidate.text(0) == name), None)
            if item is None:
                return None
            items = [item.child(i) for i in range(item.childCount())]
        return item

    def _menu_activated(self, item, column=0):
        menu = self.menus.get(str(item.data(0, Qt.ItemDataRole.UserRole)))
        if not menu or not menu.get("action"):
            item.setExpanded(not item.isExpanded())
            return
        model, _, action_id = menu["action"].partition(",")
        self.open_action(int(action_id), title=menu["name"])

    # -- actions ---------------------------------------------------------------------------------
    def open_action(self, action, title=None, context=None):
        """Open an action (id, xml id or dict) in a new tab (window actions) or run it."""
        if isinstance(action, dict):
            return self.run_action_dict(action, title, context)
        self.session.runner.call(self.session.connection.load_action, action,
                                 on_result=lambda result: self.run_action_dict(result, title, context),
                                 on_error=self.show_error)

    def run_action_dict(self, action, title=None, context=None):
        kind = action.get("type")
        if kind == "ir.actions.act_window":
            if action.get("target") == "new":
                from ..dialogs.wizard import open_wizard
                return open_wizard(self, action, context)
            tab = ActionTab(self, action, context)
            index = self.tabs.addTab(tab, title or action.get("name") or action["res_model"])
            self.tabs.setCurrentIndex(index)
            return tab
        if kind == "ir.actions.act_window_close":
            return None
        _logger.warning("action type %s is not supported by the desktop client", kind)
        return None

    def close_tab(self, index):
        widget = self.tabs.widget(index)
        if widget is None:
            return
        if hasattr(widget, "can_close") and not widget.can_close():
            return
        self.tabs.removeTab(index)
        widget.deleteLater()

    def closeEvent(self, event):
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if hasattr(widget, "can_close") and not widget.can_close():
                event.ignore()
                return
        self.session.runner.cancel_all()
        event.accept()
