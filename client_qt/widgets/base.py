"""What every field widget shares: the field it shows, its host, value, read-only and required state.

A field widget shows one field of the record of its *host* (a form, a dialog form, an editable list
row). It never talks to the record directly: the host gives it values with :meth:`set_value`, and
the widget hands user edits back with :meth:`FieldWidget.commit`. Modifiers (views.md §2) switch
it live between its editable rendering and its read-only one (formatted text) with
:meth:`set_readonly`; nothing is rebuilt.

The host interface a widget relies on (:class:`client_qt.views.form.record_form.RecordForm`
implements it)::

    host.session            the logged-in session (RPC calls, user time zone)
    host.record             the record being shown
    host.commit(name, v)    store a user edit (read format)
    host.field_domain(spec) / host.field_context(spec)   evaluated node domain / context
    host.models             {model: {'fields': {...}}} of get_views (sub-views of x2many fields)
    host.dialog_parent()    the widget dialogs open over
    host.main_window        the main window (actions), or None
"""
import logging

from ..expr import parse_literal
from ..qt import QLabel, QSizePolicy, QtWidgets, QWidget, Qt, Signal

_logger = logging.getLogger(__name__)

INVALID_STYLE = "border: 1px solid #d9534f;"


class FieldSpec:
    """A ``<field>`` node of a view as the widgets see it.

    :param name: the field name
    :param description: its ``fields_get`` description
    :param attrs: the node attributes (``widget``, ``options``, ``placeholder``, ...)
    :param node: the lxml element (sub-views of x2many fields live inside it), or None
    """

    def __init__(self, name, description, attrs=None, node=None):
        self.name = name
        self.description = dict(description or {})
        self.attrs = dict(attrs or {})
        self.node = node
        self.options = parse_literal(self.attrs.get("options"), {}) if self.attrs.get("options") else {}
        if not isinstance(self.options, dict):
            self.options = {}

    @property
    def type(self):
        return self.description.get("type") or "char"

    @property
    def widget(self):
        return self.attrs.get("widget") or ""

    @property
    def label(self):
        return self.attrs.get("string") or self.description.get("string") or self.name

    @property
    def help(self):
        return self.attrs.get("help") or self.description.get("help") or ""

    @property
    def relation(self):
        return self.description.get("relation")

    def digits(self):
        """Decimal places: the view's ``digits`` > the field's > 2 (views.md §11 float)."""
        digits = parse_literal(self.attrs.get("digits"), None) if self.attrs.get("digits") else None
        digits = digits or self.options.get("digits") or self.description.get("digits")
        if isinstance(digits, (list, tuple)) and len(digits) == 2 and digits[1] is not None:
            return int(digits[1])
        return 2


class FieldWidget(QWidget):
    """Base class: an editor and a read-only rendering stacked on top of each other.

    Subclasses build their editor in :meth:`create_editor`, show values in :meth:`show_value` and
    format the read-only text in :meth:`format_value`. Widgets whose editor is also their read-only
    rendering (check boxes, embedded lists) set :attr:`separate_display` to False and override
    :meth:`apply_readonly`.

    :param spec: the :class:`FieldSpec`
    :param host: the form showing the record (see the module docstring)
    """

    #: whether the widget should grow vertically in a grid (text, html, x2many, image)
    stretch = False
    #: whether a grid gives the widget a label cell (statinfo and handle do not want one)
    labelled = True
    #: whether the read-only rendering is a separate text label
    separate_display = True
    #: whether that label shows rich text (links) rather than plain text
    rich_display = False
    #: emitted after the user changed the value (the host is already told)
    edited = Signal()

    def __init__(self, spec, host, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.host = host
        self.name = spec.name
        self.description = spec.description
        self.options = spec.options
        self.value = False
        self.readonly = False
        self.required = False
        self.invalid = False
        self.setObjectName(f"field_{spec.name}")
        self._stack = QtWidgets.QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self.editor = self.create_editor()
        self._stack.addWidget(self.editor)
        self.display = None
        if self.separate_display:
            self.display = QLabel()
            self.display.setObjectName(f"display_{spec.name}")
            self.display.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                 | Qt.TextInteractionFlag.LinksAccessibleByMouse)
            self.display.setOpenExternalLinks(True)
            self.display.setTextFormat(Qt.TextFormat.RichText if self.rich_display else Qt.TextFormat.PlainText)
            self.display.setWordWrap(self.stretch)
            self._stack.addWidget(self.display)
        if spec.help:
            self.setToolTip(spec.help)
        self.setFocusProxy(self.editor)
        # one-line widgets keep their height: the rows of a grid given more room do not grow
        policy = QSizePolicy.Policy.Expanding if self.stretch else QSizePolicy.Policy.Fixed
        self.setSizePolicy(QSizePolicy.Policy.Expanding, policy)

    # -- to override --------------------------------------------------------------------------------
    def create_editor(self):
        """The editable widget (a line edit by default)."""
        return QtWidgets.QLineEdit()

    def show_value(self, value):
        """Show ``value`` (read format) in the editor without committing it."""

    def format_value(self, value):
        """The read-only text of ``value``."""
        if value is False or value is None:
            return ""
        return str(value)

    def commit_pending(self):
        """Commit what the user typed but did not confirm yet (before a save or a button)."""

    def depends(self):
        """Other fields whose changes the widget shows (currency of an amount, file name ...)."""
        return ()

    def has_pending(self):
        """Whether the user typed something not committed yet (an onchange answer must not erase it)."""
        return bool(getattr(self, "_typed", False) or getattr(self, "_dirty", False))

    def pending_text(self):
        """The text typed but not committed yet (kept by the journal of unsaved edits), or None."""
        return None

    def restore_text(self, text):
        """Put back text typed in an earlier run (journal restore) and commit it as if typed."""

    def apply_readonly(self, readonly):
        """Switch the editor and the read-only rendering."""
        if self.display is not None:
            self._stack.setCurrentWidget(self.display if readonly else self.editor)
        else:
            self.editor.setEnabled(not readonly)

    # -- used by the host -----------------------------------------------------------------------
    def set_value(self, value):
        """Show the record's value (does not commit)."""
        self.value = value
        self.set_invalid(False)
        self.show_value(value)
        if self.display is not None:
            self.display.setText(self.format_value(value))

    def set_readonly(self, readonly):
        readonly = bool(readonly)
        if readonly and not self.readonly:
            self.commit_pending()
        self.readonly = readonly
        self.apply_readonly(readonly)

    def set_required(self, required):
        self.required = bool(required)

    def set_invalid(self, invalid):
        """Mark the value as not acceptable (unparsable number, bad e-mail address ...)."""
        if invalid == self.invalid:
            return
        self.invalid = invalid
        target = self.editor
        target.setStyleSheet(INVALID_STYLE if invalid else "")

    def is_empty(self):
        """Whether the value counts as missing for a required check."""
        value = self.value
        if isinstance(value, (list, tuple)):
            return len(value) == 0
        return value is False or value is None or value == ""

    def set_emphasis(self, scale):
        """Bigger text (``h1``..``h4``, ``oe_title``)."""
        for widget in (self.editor, self.display):
            if widget is None:
                continue
            font = widget.font()
            font.setPointSizeF(font.pointSizeF() * scale)
            font.setBold(True)
            widget.setFont(font)

    def commit(self, value):
        """Hand a user edit to the host (which stores it in the record and runs onchanges)."""
        self.value = value
        self.set_invalid(False)
        if self.display is not None:
            self.display.setText(self.format_value(value))
        self.host.commit(self.name, value)
        self.edited.emit()

    @property
    def session(self):
        return self.host.session

    @property
    def record(self):
        return self.host.record

    def placeholder(self):
        return self.spec.attrs.get("placeholder") or ""


class LineWidget(FieldWidget):
    """A field edited as one line of text, committed when editing finishes (Enter or focus out)."""

    align_right = False

    def create_editor(self):
        editor = QtWidgets.QLineEdit()
        editor.setPlaceholderText(self.placeholder())
        if self.align_right:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.editingFinished.connect(self.commit_pending)
        editor.textEdited.connect(lambda _text: setattr(self, "_typed", True))
        self._typed = False
        return editor

    def show_value(self, value):
        self._typed = False
        self.editor.setText(self.text_of(value))

    def text_of(self, value):
        """The editable text of ``value``."""
        return self.format_value(value)

    def parse(self, text):
        """The value of ``text``; raises ``ValueError`` when it is not acceptable."""
        return text or False

    def pending_text(self):
        return self.editor.text() if self._typed and not self.readonly else None

    def restore_text(self, text):
        self.editor.setText(text)
        self._typed = True
        self.commit_pending()

    def commit_pending(self):
        if not self._typed or self.readonly:
            return
        try:
            value = self.parse(self.editor.text().strip() if self.strip_text else self.editor.text())
        except ValueError:
            self.set_invalid(True)
            return
        self._typed = False
        if value != self.value:
            self.commit(value)
        else:
            self.set_invalid(False)

    strip_text = True
