"""The edit conflict dialog: someone else saved the record while this user was editing it.

The table lists, per field that differs, the value both saw when the form was opened (*Original*),
this user's value (*Yours*) and the value saved meanwhile (*Theirs*), and a *Keep* choice per field.
The user decides, knowing what each choice keeps:

* **Reload (take theirs)**: the form shows the saved version; the user's values are set aside in
  the journal of unsaved edits (File ▸ Unsaved edits…), not thrown away;
* **Overwrite (keep mine)**: the user's changed fields are written over theirs; fields only they
  changed keep their new value (only changed fields are ever written);
* **Merge**: each field as chosen in *Keep*;
* **Cancel**: nothing is written, the form keeps the user's values.
"""
from ..qt import (QComboBox, QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton, QTableWidget,
                  QTableWidgetItem, QVBoxLayout, Signal, Qt, tr)

RELOAD, OVERWRITE, MERGE, CANCEL = "reload", "overwrite", "merge", "cancel"


class ConflictRow:
    """One field in conflict: texts shown and the default choice (``"mine"`` or ``"theirs"``)."""

    def __init__(self, name, label, original, mine, theirs, default="mine", choosable=True):
        self.name, self.label = name, label
        self.original, self.mine, self.theirs = original, mine, theirs
        self.default, self.choosable = default, choosable


class ConflictDialog(QDialog):
    """:param parent: the form's window
    :param title: the record's name
    :param who: who saved it meanwhile (user name), or ""
    :param when: when (text in the user's time zone)
    :param rows: the :class:`ConflictRow` list
    """

    #: ``(action, {field: "mine" | "theirs"})``, action one of RELOAD, OVERWRITE, MERGE, CANCEL
    chosen = Signal(str, object)

    def __init__(self, parent, title, who, when, rows):
        super().__init__(parent)
        self.setObjectName("conflict_dialog")
        self.setWindowTitle(tr("Edit conflict"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(760, min(600, 170 + 32 * len(rows)))
        self.rows = rows
        self.answered = False
        layout = QVBoxLayout(self)
        self.message = QLabel(tr("“{0}” was changed by {1} on {2}, after you opened it. Choose what to keep: "
                                 "nothing is lost — Reload sets your values aside (File ▸ Unsaved edits…), "
                                 "Overwrite and Merge write only the fields you changed or chose.")
                              .format(title, who or tr("another user"), when))
        self.message.setObjectName("conflict_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.table = QTableWidget(len(rows), 5)
        self.table.setObjectName("conflict_table")
        self.table.setHorizontalHeaderLabels([tr("Field"), tr("Original"), tr("Yours"), tr("Theirs"), tr("Keep")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.choices = {}
        for index, row in enumerate(rows):
            for column, text in enumerate((row.label, row.original, row.mine, row.theirs)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 2 and row.default == "mine" or column == 3 and row.default == "theirs":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(index, column, item)
            combo = QComboBox()
            combo.setObjectName(f"keep_{row.name}")
            combo.addItem(tr("Yours"), "mine")
            combo.addItem(tr("Theirs"), "theirs")
            combo.setCurrentIndex(0 if row.default == "mine" else 1)
            combo.setEnabled(row.choosable)
            self.table.setCellWidget(index, 4, combo)
            self.choices[row.name] = combo
        layout.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox()
        self.reload_button = self._button("conflict_reload", tr("Reload (take theirs)"), RELOAD,
                                          tr("Show the saved version; your values are set aside, not lost"))
        self.overwrite_button = self._button("conflict_overwrite", tr("Overwrite (keep mine)"), OVERWRITE,
                                             tr("Write your changed fields over theirs"))
        self.merge_button = self._button("conflict_merge", tr("Merge"), MERGE,
                                         tr("Write each field as chosen in the Keep column"))
        self.cancel_button = self._button("conflict_cancel", tr("Cancel"), CANCEL,
                                          tr("Write nothing; keep editing your version"))
        layout.addWidget(self.buttons)
        self.rejected.connect(lambda: self._answer(CANCEL))

    def _button(self, name, text, action, tip):
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self._answer(action))
        self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        return button

    def choice(self, name):
        return self.choices[name].currentData()

    def set_choice(self, name, value):
        combo = self.choices[name]
        combo.setCurrentIndex(combo.findData(value))

    def _answer(self, action):
        if self.answered:
            return
        self.answered = True
        choices = {name: combo.currentData() for name, combo in self.choices.items()}
        self.chosen.emit(action, choices)
        if action != CANCEL:
            self.accept()
        self.close()
