"""The main window: the menu tree, one tab per opened action, the status bar.

Menus come from ``ir.ui.menu.load_menus`` (already filtered for the user by the server). The menu
bar has **File** (unsaved edits, close tab, quit) and a menu named after the user (**Preferences…**,
**Log out**).

Keyboard: Alt+1..9 switch tabs, Ctrl+W closes the current one. The record keys (Ctrl+S save,
Ctrl+N new, Ctrl+F search, Ctrl+PgUp/PgDown previous/next, Esc discard) belong to the views, which
bind them for their own widgets; the window binds the same keys on what surrounds the views (menu
tree, tab bar, search box, view switcher) and passes them to the current view, so they work wherever
the focus is, without two bindings of one key competing.

The window also keeps the user's work safe: when a call finds the web session ended it asks for the
password again (the refused calls are then sent again, open forms keep their edits); at start it
offers back the unsaved edits a crashed or killed client left in the journal.
"""
import logging

from ..qt import (QKeySequence, QMainWindow, QShortcut, QSplitter, QTimer, QTreeWidget,
                  QTreeWidgetItem, Qt, tr)
from ..dialogs.error import show_error
from ..models.calls import OwnedCalls
from ..rpc.errors import SessionExpired
from .action_tab import ActionTab
from .detach import DetachableTabs
from .status import StatusArea

_logger = logging.getLogger(__name__)

#: record keys the window passes to the current view: (key, view method names tried in order)
RECORD_KEYS = (
    (QKeySequence.StandardKey.Save, ("save",)),
    (QKeySequence.StandardKey.New, ("new", "new_record")),
    ("Ctrl+PgUp", ("previous",)),
    ("Ctrl+PgDown", ("next",)),
)


class MainWindow(QMainWindow):
    """:param session: the logged-in :class:`~client_qt.session.Session`"""

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.setObjectName("main_window")
        self.setWindowTitle(tr("Bureau — {0}").format(session.connection.db))
        #: calls whose answers are dropped once the window is gone
        self.calls = OwnedCalls(self, session)
        self.menus = {}
        self.relogin_dialog = None
        self.recovery_dialog = None
        self.menu_tree = QTreeWidget()
        self.menu_tree.setObjectName("menu_tree")
        self.menu_tree.setHeaderHidden(True)
        self.menu_tree.itemActivated.connect(self._menu_activated)
        self.menu_tree.itemClicked.connect(self._menu_activated)
        self.tabs = DetachableTabs()
        self.tabs.setObjectName("tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        splitter = QSplitter()
        splitter.addWidget(self.menu_tree)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 900])
        self.setCentralWidget(splitter)
        self.status = StatusArea(self, session)
        self.user_label = self.status.user_label
        self.busy_label = self.status.busy_label
        session.runner.job_failed.connect(self.show_error)
        session.runner.hold_expired = True
        runner = session.runner
        self.destroyed.connect(lambda *_: setattr(runner, "hold_expired", False))
        session.runner.session_expired.connect(self.ask_relogin)
        self._menu_bar()
        self._shortcuts()
        from .window_menu import install_window_menu
        install_window_menu(self)   # Ctrl+K palette, detach tab, Ctrl+F1 shortcut sheet
        self.resize(1200, 800)
        self.load_menus()
        if getattr(session, "journal", None) is not None:
            QTimer.singleShot(0, self.offer_recovery)

    # -- menus and keys --------------------------------------------------------------------------
    def _menu_bar(self):
        file_menu = self.menuBar().addMenu(tr("&File"))
        file_menu.setObjectName("menu_file")
        self.recover_action = file_menu.addAction(tr("Unsaved edits…"))
        self.recover_action.setObjectName("action_recover")
        self.recover_action.setToolTip(tr("Edits kept from an earlier run or set aside: restore or discard them"))
        self.recover_action.triggered.connect(lambda: self.offer_recovery(always=True))
        self.recover_action.setEnabled(getattr(self.session, "journal", None) is not None)
        close_tab = file_menu.addAction(tr("Close tab"))
        close_tab.triggered.connect(lambda: self.close_tab(self.tabs.currentIndex()))
        file_menu.addSeparator()
        quit_action = file_menu.addAction(tr("Quit"))
        quit_action.setObjectName("action_quit")
        quit_action.triggered.connect(self.close)
        info = self.session.info or {}
        name = info.get("name") or info.get("username") or getattr(self.session.connection, "login", "") or tr("User")
        self.user_menu = self.menuBar().addMenu(name)
        self.user_menu.setObjectName("menu_user")
        self.preferences_action = self.user_menu.addAction(tr("Preferences…"))
        self.preferences_action.setObjectName("action_preferences")
        self.preferences_action.triggered.connect(self.open_preferences)
        self.user_menu.addSeparator()
        logout = self.user_menu.addAction(tr("Log out"))
        logout.setObjectName("action_logout")
        logout.triggered.connect(self.close)

    def _shortcuts(self):
        for index in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Alt+{index}"), self)
            shortcut.setWhatsThis(tr("Go to tab 1 … 9"))
            shortcut.activated.connect(lambda i=index: self.tabs.setCurrentIndex(i - 1))
        close = QShortcut(self)
        close.setWhatsThis(tr("Close the tab"))
        keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
        close.setKeys(keys + [QKeySequence("Ctrl+W")] if QKeySequence("Ctrl+W") not in keys else keys)
        close.activated.connect(lambda: self.close_tab(self.tabs.currentIndex()))
        self.bind_record_keys(self.menu_tree)
        self.bind_record_keys(self.tabs.tabBar())
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self.menu_tree)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self.tabs.tabBar())
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

    def bind_record_keys(self, widget):
        """Bind the record keys on ``widget`` (outside the views) to the current view."""
        for key, methods in RECORD_KEYS:
            shortcut = QShortcut(QKeySequence(key), widget)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda names=methods: self.run_on_view(names))

    def current_view(self):
        tab = self.tabs.currentWidget()
        return getattr(tab, "current", None)

    def run_on_view(self, names):
        view = self.current_view()
        for name in names:
            method = getattr(view, name, None)
            if callable(method):
                method()
                return True
        return False

    def focus_search(self):
        search = getattr(self.tabs.currentWidget(), "search_view", None)
        if search is not None:
            search.focus_box()

    def show_error(self, error):
        return show_error(self, error)

    # -- menus -----------------------------------------------------------------------------------
    def load_menus(self):
        self.calls.call("ir.ui.menu", "load_menus", on_result=self._menus_loaded, on_error=self.show_error)

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
        self.calls.run(self.session.connection.load_action, action,
                       on_result=lambda result: self.run_action_dict(result, title, context), on_error=self.show_error)

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
        if hasattr(widget, "dispose"):
            widget.dispose()
        self.tabs.removeTab(index)
        widget.deleteLater()

    def closeEvent(self, event):
        for detached in list(getattr(self, "detached", [])):
            if not detached.close():
                event.ignore()
                return
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if hasattr(widget, "can_close") and not widget.can_close():
                event.ignore()
                return
        self.session.runner.cancel_all()
        journal = getattr(self.session, "journal", None)
        if journal is not None:
            try:
                journal.close()
            except OSError:
                _logger.exception("the journal of unsaved edits could not be closed")
        event.accept()

    # -- keeping the user's work -----------------------------------------------------------------
    def ask_relogin(self):
        """The web session ended: ask for the password; the refused calls wait meanwhile."""
        if self.relogin_dialog is not None:
            return
        from ..dialogs.login import LoginDialog
        dialog = LoginDialog.for_relogin(self, self.session)
        self.relogin_dialog = dialog

        def done(code):
            self.relogin_dialog = None
            if code:
                self.status.update_user()
                self.statusBar().showMessage(tr("Logged in again: the waiting operations are sent again."), 8000)
                self.session.runner.resume()
            else:
                self.session.runner.abandon(SessionExpired(tr("The session has ended (not logged in again).")))
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()

    def offer_recovery(self, always=False):
        """Offer back the unsaved edits left by an earlier run (or set aside); ``always``: also
        say so when there are none (the File menu)."""
        journal = getattr(self.session, "journal", None)
        if journal is None or self.recovery_dialog is not None:
            return None
        try:
            entries = journal.recoverable()
        except OSError:
            _logger.exception("the journal of unsaved edits cannot be read")
            return None
        if not entries and not always:
            return None
        from ..dialogs.recover import RecoveryDialog
        dialog = RecoveryDialog(self, entries)
        self.recovery_dialog = dialog
        dialog.finished.connect(lambda _code: setattr(self, "recovery_dialog", None))
        dialog.open()
        return dialog

    def open_preferences(self):
        from ..dialogs.preferences import PreferencesDialog
        dialog = PreferencesDialog(self, self.session)
        dialog.applied.connect(lambda _values: self.status.update_user())
        dialog.open()
        return dialog
