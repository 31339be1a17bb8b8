"""The shortcut sheet (Ctrl+F1): the keys active now in a window, grouped.

The sheet is built from what is registered, not from a text: the window's menu actions with a
shortcut (grouped by their menu), the ``QShortcut`` objects of the window and of the current view
that are enabled and on a visible widget (grouped as window, search or view keys), and the buttons
of the current view with a shortcut (form buttons with ``data-hotkey``). A shortcut's description is
its ``whatsThis`` text; the views' record keys, registered without one, are described by their
standard meaning (:data:`KEY_MEANINGS`). The in-place editing keys of an editable list are handled
by the table's key events rather than registered: they are listed when the current view is an
editable list.
"""
from ..qt import (QDialog, QDialogButtonBox, QKeySequence, QShortcut, QTreeWidget, QTreeWidgetItem,
                  QVBoxLayout, QtWidgets, Qt, tr)

NATIVE = QKeySequence.SequenceFormat.NativeText
PORTABLE = QKeySequence.SequenceFormat.PortableText


def _meanings():
    """Descriptions of keys registered without one (the record keys of the views), by portable text."""
    standard = QKeySequence.StandardKey
    table = {}
    for key, text in ((standard.Save, tr("Save the record")), (standard.New, tr("New record")),
                      (standard.Cancel, tr("Discard the changes")), (standard.Find, tr("Go to the search box")),
                      ("Ctrl+PgUp", tr("Previous record")), ("Ctrl+PgDown", tr("Next record"))):
        for sequence in ([QKeySequence(key)] if isinstance(key, str) else QKeySequence.keyBindings(key)):
            table[sequence.toString(PORTABLE)] = text
    return table


#: filled on first use (tr() needs the application's translators)
KEY_MEANINGS = {}


def _editable_list_keys():
    return [(tr("Tab / Shift+Tab"), tr("Next / previous editable cell (Tab on the last row: a new row)")),
            (tr("Enter"), tr("Save the row, go to the next one (after a new row: another new row)")),
            (tr("Esc"), tr("Discard the row's changes")),
            (tr("Up / Down"), tr("Previous / next row"))]


def _plain(text):
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _keys_text(sequences):
    texts = []
    for sequence in sequences:
        text = sequence.toString(NATIVE)
        if text and text not in texts:
            texts.append(text)
    if len(texts) > 3:
        return f"{texts[0]} … {texts[-1]}"
    return ", ".join(texts)


def _inside(ancestor, widget):
    return ancestor is not None and widget is not None and (ancestor is widget or ancestor.isAncestorOf(widget))


def active_keys(window):
    """``[(group, keys text, description)]`` of the keys active in ``window`` (main or detached)."""
    if not KEY_MEANINGS:
        KEY_MEANINGS.update(_meanings())
    view = window.current_view() if hasattr(window, "current_view") else None
    tab = getattr(view, "tab", None)
    search = getattr(tab, "search_view", None)
    view_group = tr("View: {0}").format(tr(getattr(view, "view_type", "") or "").title()) if view else ""
    groups = {}          # group -> {description: [sequences]}

    def note(group, description, sequences):
        groups.setdefault(group, {}).setdefault(description, []).extend(sequences)

    # menu actions, by menu
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None or not menu_action.isVisible():
            continue
        for action in menu.actions():
            if action.shortcuts() and action.isEnabled() and action.isVisible():
                note(_plain(menu.title()), _plain(action.text()), action.shortcuts())
    # shortcut objects on visible widgets
    for shortcut in window.findChildren(QShortcut):
        widget = shortcut.parent()
        if not shortcut.isEnabled() or not shortcut.keys() or not isinstance(widget, QtWidgets.QWidget) \
                or not widget.isVisible() or QtWidgets.QWidget.window(widget) is not window:
            continue
        description = shortcut.whatsThis() or KEY_MEANINGS.get(shortcut.key().toString(PORTABLE)) \
            or shortcut.key().toString(NATIVE)
        if _inside(search, widget):
            group = tr("Search")
        elif _inside(view, widget):
            group = view_group
        else:
            group = tr("Window")
        note(group, description, shortcut.keys())
    # buttons of the view with a key (form buttons with data-hotkey)
    if view is not None:
        for button in view.findChildren(QtWidgets.QAbstractButton):
            if not button.shortcut().isEmpty() and button.isVisible() and button.isEnabled():
                note(tr("Buttons"), _plain(button.text()) or button.toolTip(), [button.shortcut()])
        table = getattr(view, "table", None)
        if getattr(table, "editable", False) and table.isVisible():
            for keys, description in _editable_list_keys():
                groups.setdefault(tr("Editable list"), {})[description] = keys
    rows, seen = [], set()
    # the view's own keys first: the window passes the same record keys on to it
    order = sorted(groups, key=lambda group: group != view_group)
    for group, entries in ((group, groups[group]) for group in order):
        for description, sequences in entries.items():
            keys = sequences if isinstance(sequences, str) else _keys_text(sequences)
            if (keys, description) not in seen:       # the record keys passed on from several widgets
                seen.add((keys, description))
                rows.append((group, keys, description))
    return rows


class ShortcutSheet(QDialog):
    """The sheet of :func:`active_keys` for ``window``."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("shortcut_sheet")
        self.setWindowTitle(tr("Keyboard shortcuts"))
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcut_tree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr("Keys"), tr("What")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.rows = active_keys(window)
        parents = {}
        for group, keys, description in self.rows:
            parent = parents.get(group)
            if parent is None:
                parent = parents[group] = QTreeWidgetItem([group])
                font = parent.font(0)
                font.setBold(True)
                parent.setFont(0, font)
                parent.setFirstColumnSpanned(True)
                parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(parent)
                parent.setFirstColumnSpanned(True)
            parent.addChild(QTreeWidgetItem([keys, description]))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, self.tree.columnWidth(0) + 24)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        lines = len(self.rows) + len(parents)
        row_height = self.tree.sizeHintForRow(0) if lines else self.tree.fontMetrics().height()
        self.resize(620, min(640, 110 + lines * row_height))

    def groups(self):
        """``{group: {keys: description}}`` (for tests)."""
        result = {}
        for group, keys, description in self.rows:
            result.setdefault(group, {})[keys] = description
        return result


def show_shortcuts(window):
    sheet = ShortcutSheet(window)
    sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window._shortcut_sheet = sheet
    sheet.open()
    return sheet
