"""``many2one``: a type-ahead input over the comodel (views.md §11).

After a short pause in typing, :class:`Many2oneInput` calls ``name_search(text, domain, 'ilike',
limit=8)`` and offers the matches plus "Search More…", "Create "<text>"" (``name_create``) and
"Create and Edit…" (a form dialog with ``default_name``), as the ``no_create``,
``no_quick_create`` and ``no_create_edit`` options allow. Each search is numbered: an answer to
an older search than the latest is dropped, and leaving the input with unmatched text never takes
the first result of a stale search; it resolves the exact text (one match: take it; otherwise the
search dialog opens, pre-filled). A button opens the linked record in a form dialog
(unless ``no_open``).
"""
import html
import logging

from ..qt import (QCompleter, QLineEdit, QModelIndex, QStandardItem, QStandardItemModel, Qt, QTimer, QToolButton,
                  QtWidgets, Signal, tr)
from .base import FieldWidget

_logger = logging.getLogger(__name__)

SEARCH_DELAY_MS = 300
LIMIT = 8
ROLE = Qt.ItemDataRole.UserRole


def truthy(value):
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true")
    return bool(value)


class Many2oneInput(QLineEdit):
    """The type-ahead line edit; reused by ``many2many_tags`` and ``reference``.

    :param owner: gives ``session``, ``comodel()``, ``search_domain()``, ``search_context()``,
        ``options``, ``search_more(text, callback)`` and ``create_and_edit(text, callback)``
    """

    #: the user chose a record (``[id, name]``) or cleared the input (False)
    chosen = Signal(object)

    def __init__(self, owner, parent=None):
        super().__init__(parent)
        self.owner = owner
        self.current = False
        self.sequence = 0
        self.searches = 0
        self._typed = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search)
        self.results = QStandardItemModel(self)
        self.completer = QCompleter(self.results, self)
        self.completer.setWidget(self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.activated[QModelIndex].connect(self._activated)
        self.textEdited.connect(self._edited)
        self.editingFinished.connect(self.resolve)

    # -- showing ----------------------------------------------------------------------------------
    def set_current(self, value):
        """Show ``value`` (``[id, name]`` or False) without telling anyone."""
        self.current = value if value else False
        self._typed = False
        self.setText(self.current_name())

    def current_name(self):
        value = self.current
        if isinstance(value, (list, tuple)) and value:
            return str(value[1]) if len(value) > 1 and value[1] is not False else str(value[0])
        return ""

    # -- searching --------------------------------------------------------------------------------
    def _edited(self, _text):
        self._typed = True
        self.sequence += 1
        self.timer.start()

    def search(self, text=None):
        """Search the comodel for ``text`` (the input's text by default); results fill the pop-up."""
        self.timer.stop()
        text = self.text() if text is None else text
        sequence = self.sequence
        self.searches += 1
        owner = self.owner
        owner.session.call(owner.comodel(), "name_search", text, domain=owner.search_domain(), operator="ilike",
                           limit=LIMIT, context=owner.search_context(),
                           on_result=lambda rows: self._found(sequence, text, rows),
                           on_error=lambda error: _logger.info("name_search failed: %s", error))

    def _found(self, sequence, text, rows):
        if sequence != self.sequence or not self.hasFocus() and not self.isVisible():
            return  # a newer search was started, or the input is gone: this answer is stale
        self.fill(text, rows)
        self.completer.complete()

    def fill(self, text, rows):
        """Put ``rows`` (``[[id, name], ...]``) and the special entries in the pop-up."""
        self.results.clear()
        for record_id, name in rows:
            item = QStandardItem(str(name))
            item.setData(("record", [record_id, name]), ROLE)
            self.results.appendRow(item)
        options = self.owner.options
        more = QStandardItem(tr("Search More…"))
        more.setData(("more", text), ROLE)
        self.results.appendRow(more)
        no_create = truthy(options.get("no_create"))
        if text and not no_create and not truthy(options.get("no_quick_create")):
            item = QStandardItem(tr('Create "{0}"').format(text))
            item.setData(("create", text), ROLE)
            self.results.appendRow(item)
        if not no_create and not truthy(options.get("no_create_edit")):
            item = QStandardItem(tr("Create and Edit…"))
            item.setData(("create_edit", text), ROLE)
            self.results.appendRow(item)

    def entries(self):
        """The pop-up entries as ``(kind, payload, text)`` (tests and keyboard helpers)."""
        result = []
        for row in range(self.results.rowCount()):
            item = self.results.item(row)
            kind, payload = item.data(ROLE)
            result.append((kind, payload, item.text()))
        return result

    def choose_entry(self, row):
        """Activate pop-up entry ``row`` as a click would."""
        self._activated(self.results.index(row, 0))

    def _activated(self, index):
        data = index.data(ROLE)
        self.completer.popup().hide()
        if not data:
            return
        kind, payload = data
        owner = self.owner
        if kind == "record":
            self.take(payload)
        elif kind == "more":
            self.setText(self.current_name() if not self._typed else payload)
            owner.search_more(payload, self.take)
        elif kind == "create":
            owner.session.call(owner.comodel(), "name_create", payload, context=owner.search_context(),
                               on_result=self.take, on_error=owner.host.show_error)
        elif kind == "create_edit":
            owner.create_and_edit(payload, self.take)

    def take(self, value):
        """Make ``value`` (``[id, name]``) the chosen record."""
        if isinstance(value, (list, tuple)) and value:
            value = [value[0], value[1] if len(value) > 1 else ""]
        self.sequence += 1
        self.timer.stop()
        self.set_current(value)
        self.chosen.emit(self.current)

    def resolve(self):
        """Leaving the input: unmatched text resolves to its exact match or opens the search dialog."""
        if not self._typed:
            return
        self.timer.stop()
        self.sequence += 1
        sequence = self.sequence
        text = self.text().strip()
        if not text:
            self.take(False)
            return
        if self.current and text == self.current_name():
            self._typed = False
            return
        owner = self.owner
        self.searches += 1
        owner.session.call(owner.comodel(), "name_search", text, domain=owner.search_domain(), operator="ilike",
                           limit=LIMIT, context=owner.search_context(),
                           on_result=lambda rows: self._resolved(sequence, text, rows),
                           on_error=owner.host.show_error)

    def _resolved(self, sequence, text, rows):
        if sequence != self.sequence:
            return
        exact = [row for row in rows if str(row[1]).strip().lower() == text.lower()]
        if len(rows) == 1:
            self.take(rows[0])
        elif len(exact) == 1:
            self.take(exact[0])
        else:
            self.owner.search_more(text, self.take, on_cancel=lambda: self.set_current(self.current))


class Many2oneWidget(FieldWidget):
    """The many2one field: type-ahead input + open button; read-only: a link opening the record."""

    rich_display = True

    def create_editor(self):
        box = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.input = Many2oneInput(self)
        self.input.setObjectName(f"m2o_{self.name}")
        self.input.setPlaceholderText(self.placeholder())
        self.input.chosen.connect(self._chosen)
        self.open_button = QToolButton()
        self.open_button.setObjectName("open_record")
        self.open_button.setText("↗")
        self.open_button.setToolTip(tr("Open the record"))
        self.open_button.clicked.connect(self.open_record)
        layout.addWidget(self.input, 1)
        layout.addWidget(self.open_button)
        box.setFocusProxy(self.input)
        return box

    def __init__(self, spec, host, parent=None):
        super().__init__(spec, host, parent)
        self.display.setOpenExternalLinks(False)
        self.display.linkActivated.connect(lambda _link: self.open_record())

    # -- owner interface of Many2oneInput --------------------------------------------------------
    def comodel(self):
        return self.spec.relation

    def search_domain(self):
        return self.host.field_domain(self.spec)

    def search_context(self):
        return self.host.field_context(self.spec)

    def search_more(self, text, callback, on_cancel=None):
        from ..dialogs.search_dialog import SearchDialog
        dialog = SearchDialog(self.host.dialog_parent(), self.session, self.comodel(), self.search_domain(),
                              self.search_context(), text=text, title=tr("Search: {0}").format(self.spec.label))
        dialog.chosen.connect(lambda rows: rows and callback(rows[0]))
        if on_cancel is not None:
            dialog.rejected.connect(on_cancel)
        dialog.open()
        self.search_dialog = dialog
        return dialog

    def create_and_edit(self, text, callback):
        from ..dialogs.form_dialog import open_record_dialog
        context = dict(self.search_context())
        if text:
            context["default_name"] = text
        return open_record_dialog(self.host, self.comodel(), None, context, on_saved=callback,
                                  title=tr("Create: {0}").format(self.spec.label))

    # -- FieldWidget ------------------------------------------------------------------------------
    def show_value(self, value):
        self.input.set_current(value)
        self.open_button.setVisible(bool(value) and not truthy(self.options.get("no_open")))

    def format_value(self, value):
        if not value:
            return ""
        name = html.escape(value[1] if isinstance(value, (list, tuple)) and len(value) > 1 else str(value))
        if truthy(self.options.get("no_open")):
            return name
        return f'<a href="#open">{name}</a>'

    def commit_pending(self):
        if self.input._typed:
            self.input.resolve()

    def has_pending(self):
        return self.input._typed

    def _chosen(self, value):
        if value != self.value:
            self.commit(value)

    def open_record(self):
        """Open the linked record in a form dialog (its name is refreshed after a save)."""
        value = self.value
        if not value or truthy(self.options.get("no_open")):
            return None
        from ..dialogs.form_dialog import open_record_dialog
        record_id = value[0] if isinstance(value, (list, tuple)) else value

        def saved(new_value):
            if not self.readonly and new_value and new_value != self.value:
                self.commit(new_value)
            elif new_value:
                self.set_value(new_value)

        return open_record_dialog(self.host, self.comodel(), record_id, self.search_context(), on_saved=saved,
                                  title=self.spec.label, readonly=self.readonly)

    def set_invalid(self, invalid):
        if invalid == self.invalid:
            return
        self.invalid = invalid
        self.input.setStyleSheet("border: 1px solid #d9534f;" if invalid else "")
