"""Field widgets read and write their values, render read-only, and fall back (views.md §11)."""
import base64

import pytest

from client_qt.models.record import Record
from client_qt.qt import QApplication, QMessageBox, Qt, QtCore, QtGui
from client_qt.widgets import registry
from client_qt.widgets.base import FieldSpec
from form_fakes import FakeServer, FakeSession, make_form

from form_fakes import keep_widgets_alive  # noqa: F401  (autouse)

pytestmark = pytest.mark.qt


def build(qtbot, fields, arch_fields, values, server=None, models=None):
    """A shown form with ``arch_fields`` (field node XML) in a group."""
    session = FakeSession(server or FakeServer())
    arch = f"<form><sheet><group>{arch_fields}</group></sheet></form>"
    form = make_form(session, "x.model", arch, fields, models=models)
    form.set_record(Record("x.model", fields, dict({"id": 1}, **values)))
    qtbot.addWidget(form)
    form.resize(800, 500)
    form.show()
    qtbot.waitExposed(form)
    return form


def one(qtbot, kind, value, attrs="", server=None, **description):
    fields = {"f": dict({"type": kind, "string": "F"}, **description)}
    form = build(qtbot, fields, f'<field name="f" {attrs}/>', {"f": value}, server=server)
    return form, form.widget("f")


def type_in(qtbot, line_edit, text):
    """Replace the text as a user would (select all, type or erase) and leave the input."""
    line_edit.setFocus()
    line_edit.selectAll()
    if text:
        qtbot.keyClicks(line_edit, text)
    else:
        qtbot.keyClick(line_edit, Qt.Key.Key_Backspace)
    line_edit.editingFinished.emit()


def click_indicator(qtbot, button):
    """Click a check box / radio button on its indicator."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(6, button.height() // 2))


@pytest.fixture
def english_locale():
    from client_qt.qt import QLocale
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(previous)


# -- registry -----------------------------------------------------------------------------------------
def test_unknown_widget_falls_back_to_the_type_default_and_unknown_type_to_char(caplog):
    assert registry.widget_class("no_such_widget", "integer").__name__ == "IntegerWidget"
    assert registry.widget_class("", "strange_type").__name__ == "CharWidget"
    assert registry.widget_class("priority", "char").__name__ == "CharWidget"
    assert registry.widget_class("many2many_tags", "many2many").__name__ == "Many2manyTagsWidget"


def test_field_spec_digits_prefer_the_view_then_the_field():
    assert FieldSpec("f", {"type": "float", "digits": [16, 3]}, {}).digits() == 3
    assert FieldSpec("f", {"type": "float", "digits": [16, 3]}, {"digits": "(14, 1)"}).digits() == 1
    assert FieldSpec("f", {"type": "float"}, {}).digits() == 2
    assert FieldSpec("f", {"type": "float"}, {"options": "{'bad"}).options == {}


# -- text-like ------------------------------------------------------------------------------------------
def test_char_reads_and_writes_with_size_placeholder_and_readonly(qtbot):
    form, widget = one(qtbot, "char", "Azure", attrs='placeholder="Name here"', size=10)
    assert widget.editor.text() == "Azure"
    assert widget.editor.maxLength() == 10 and widget.editor.placeholderText() == "Name here"
    type_in(qtbot, widget.editor, "Deco Addict Interiors")
    assert form.record.get("f") == "Deco Addic"
    type_in(qtbot, widget.editor, "  Deco  ")
    assert form.record.get("f") == "Deco"
    widget.set_readonly(True)
    assert widget.display.isVisible() and widget.display.text() == "Deco"


def test_char_password_is_masked_everywhere(qtbot):
    form, widget = one(qtbot, "char", "secret", attrs='password="1"')
    assert widget.editor.echoMode() == widget.editor.EchoMode.Password
    widget.set_readonly(True)
    assert "secret" not in widget.display.text()


def test_text_commits_multiline_text_when_leaving(qtbot):
    form, widget = one(qtbot, "text", "line 1")
    assert widget.editor.toPlainText() == "line 1"
    widget.editor.setFocus()
    widget.editor.setPlainText("line 1\nline 2")
    widget.commit_pending()
    assert form.record.get("f") == "line 1\nline 2"
    assert widget.stretch


def test_html_edits_rich_text_and_renders_without_scripts(qtbot):
    form, widget = one(qtbot, "html", "<p>Hello <b>world</b><script>alert(1)</script></p>")
    assert "Hello" in widget.text.toPlainText() and "alert" not in widget.text.toPlainText()
    cursor = widget.text.textCursor()
    cursor.movePosition(QtGui.QTextCursor.MoveOperation.End)
    widget.text.setTextCursor(cursor)
    widget.text.insertPlainText(" again")
    widget.commit_pending()
    value = form.record.get("f")
    assert "again" in value and "<body" not in value and "font-weight" in value or "<b>" in value
    widget.set_readonly(True)
    assert widget.browser.isVisible() and not widget.toolbar.isVisible()
    assert "alert" not in widget.browser.toPlainText()


def test_url_email_and_phone_show_links_when_readonly(qtbot):
    form = build(qtbot, {"u": {"type": "char"}, "e": {"type": "char"}, "p": {"type": "char"}},
                 '<field name="u" widget="url" readonly="1"/><field name="e" widget="email"/>'
                 '<field name="p" widget="phone" readonly="1"/>',
                 {"u": "example.com", "e": "ann@example.com", "p": "+32 2 123"})
    assert 'href="http://example.com"' in form.widget("u").display.text()
    assert 'href="tel:+322123"' in form.widget("p").display.text()
    email = form.widget("e")
    type_in(qtbot, email.editor, "not an address")
    assert email.invalid and form.record.get("e") == "ann@example.com"
    assert form.missing_fields()[0].name == "e"
    type_in(qtbot, email.editor, "bob@example.org")
    assert not email.invalid and form.record.get("e") == "bob@example.org"
    email.set_readonly(True)
    assert 'href="mailto:bob@example.org"' in email.display.text()


# -- numbers ----------------------------------------------------------------------------------------------
def test_integer_groups_digits_and_rejects_non_integers(qtbot, english_locale):
    form, widget = one(qtbot, "integer", 1234567)
    assert widget.editor.text() == "1,234,567"
    assert widget.editor.alignment() & Qt.AlignmentFlag.AlignRight
    type_in(qtbot, widget.editor, "12.5")
    assert widget.invalid and form.record.get("f") == 1234567
    type_in(qtbot, widget.editor, "2,000")
    assert form.record.get("f") == 2000 and not widget.invalid
    type_in(qtbot, widget.editor, "")
    assert form.record.get("f") == 0


def test_float_uses_digits_and_computes_simple_arithmetic(qtbot):
    form, widget = one(qtbot, "float", 3.14159, digits=[16, 3])
    assert widget.editor.text() == "3.142"
    type_in(qtbot, widget.editor, "=1.5*3+1")
    assert form.record.get("f") == 5.5
    type_in(qtbot, widget.editor, "=__import__('os')")
    assert widget.invalid


def test_float_time_shows_hours_and_minutes(qtbot):
    form, widget = one(qtbot, "float", 1.5, attrs='widget="float_time"')
    assert widget.editor.text() == "01:30"
    type_in(qtbot, widget.editor, "2:15")
    assert form.record.get("f") == 2.25


def test_monetary_shows_the_currency_symbol_on_its_side(qtbot):
    server = FakeServer()
    server.add("res.currency", id=2, name="EUR", symbol="€", position="after", decimal_places=2)
    fields = {"amount": {"type": "monetary", "string": "Amount", "currency_field": "currency_id"},
              "currency_id": {"type": "many2one", "relation": "res.currency", "string": "Currency"},
              "plain": {"type": "monetary", "string": "Plain", "currency_field": "company_currency_id"}}
    form = build(qtbot, fields, '<field name="amount"/><field name="currency_id"/><field name="plain"/>',
                 {"amount": 12.5, "currency_id": [2, "EUR"], "plain": 3.0}, server=server)
    amount = form.widget("amount")
    qtbot.waitUntil(lambda: amount.after.text() == "€")
    assert amount.line.text() == "12.50" and not amount.before.isVisible()
    assert amount.format_value(12.5) == "12.50\u00a0€"
    plain = form.widget("plain")
    assert plain.format_value(3) == "3.00"
    type_in(qtbot, amount.line, "99.999")
    assert form.record.get("amount") == 100.0


# -- choices -----------------------------------------------------------------------------------------------
def test_boolean_and_toggle_commit_on_click(qtbot):
    form = build(qtbot, {"a": {"type": "boolean"}, "b": {"type": "boolean"}},
                 '<field name="a"/><field name="b" widget="boolean_toggle"/>', {"a": False, "b": True})
    click_indicator(qtbot, form.widget("a").editor)
    assert form.record.get("a") is True
    toggle = form.widget("b").editor
    assert toggle.isChecked()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert form.record.get("b") is False
    form.widget("a").set_readonly(True)
    assert not form.widget("a").editor.isEnabled()


SELECTION = [["low", "Low"], ["normal", "Normal"], ["high", "High"]]


def test_selection_offers_labels_in_server_order_and_an_empty_choice_unless_required(qtbot):
    form, widget = one(qtbot, "selection", "normal", selection=SELECTION)
    combo = widget.editor
    assert [combo.itemText(i) for i in range(combo.count())] == ["", "Low", "Normal", "High"]
    assert combo.currentText() == "Normal"
    combo.setCurrentIndex(3)
    combo.activated.emit(3)
    assert form.record.get("f") == "high"
    widget.set_required(True)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Low", "Normal", "High"]
    assert combo.currentText() == "High"
    widget.set_readonly(True)
    assert widget.display.text() == "High"


def test_radio_and_badge_widgets(qtbot):
    fields = {"r": {"type": "selection", "selection": SELECTION}, "b": {"type": "selection", "selection": SELECTION}}
    form = build(qtbot, fields, '<field name="r" widget="radio" options="{\'horizontal\': true}"/>'
                                '<field name="b" widget="badge"/>', {"r": "low", "b": "high"})
    radio = form.widget("r")
    assert radio.buttons["low"].isChecked()
    click_indicator(qtbot, radio.buttons["high"])
    assert form.record.get("r") == "high"
    badge = form.widget("b")
    qtbot.mouseClick(badge.buttons["normal"], Qt.MouseButton.LeftButton)
    assert form.record.get("b") == "normal"
    badge.set_readonly(True)
    assert badge.badge.isVisible() and badge.badge.text() == "Normal"


def test_priority_stars_set_and_reset(qtbot):
    form, widget = one(qtbot, "selection", "0", attrs='widget="priority"',
                       selection=[["0", "Normal"], ["1", "Good"], ["2", "Very Good"], ["3", "Excellent"]])
    assert len(widget.stars) == 3
    qtbot.mouseClick(widget.stars[1], Qt.MouseButton.LeftButton)
    assert form.record.get("f") == "2"
    assert [star.text() for star in widget.stars] == ["★", "★", "☆"]
    qtbot.mouseClick(widget.stars[1], Qt.MouseButton.LeftButton)
    assert form.record.get("f") == "0"


def test_statusbar_shows_visible_values_plus_current_and_is_clickable(qtbot):
    states = [["draft", "Draft"], ["open", "Open"], ["cancel", "Cancelled"], ["done", "Done"]]
    form, widget = one(qtbot, "selection", "cancel",
                       attrs='widget="statusbar" statusbar_visible="draft,open,done" options="{\'clickable\': 1}"',
                       selection=states)
    assert [key for key, chip in widget.chips.items() if chip.isVisibleTo(widget)] == ["draft", "open", "cancel",
                                                                                       "done"]
    assert widget.chips["cancel"].isChecked()
    qtbot.mouseClick(widget.chips["open"], Qt.MouseButton.LeftButton)
    assert form.record.get("f") == "open"
    assert not widget.chips["cancel"].isVisibleTo(widget)
    widget.set_readonly(True)
    qtbot.mouseClick(widget.chips["done"], Qt.MouseButton.LeftButton)
    assert form.record.get("f") == "open"


def test_handle_hides_the_value_and_statinfo_shows_number_and_caption(qtbot):
    form = build(qtbot, {"seq": {"type": "integer"}, "count": {"type": "integer", "string": "Loans"}},
                 '<field name="seq" widget="handle"/><field name="count" widget="statinfo"/>', {"seq": 10, "count": 3})
    assert form.widget("seq").format_value(10) == ""
    assert form.label("seq") is None
    statinfo = form.widget("count")
    assert statinfo.number.text() == "3" and statinfo.caption.text() == "Loans"


# -- dates ---------------------------------------------------------------------------------------------------
def test_date_reads_and_writes_without_time_zone(qtbot):
    form, widget = one(qtbot, "date", "2024-03-05")
    assert widget.line.text() == "2024-03-05"
    type_in(qtbot, widget.line, "2024-12-31")
    assert form.record.get("f") == "2024-12-31"
    type_in(qtbot, widget.line, "31 02 2024")
    assert widget.invalid and form.record.get("f") == "2024-12-31"
    type_in(qtbot, widget.line, "")
    assert form.record.get("f") is False


def test_date_calendar_popup_picks_a_day(qtbot):
    form, widget = one(qtbot, "date", "2024-03-05")
    popup = widget.open_calendar()
    assert popup.calendar.selectedDate() == QtCore.QDate(2024, 3, 5)
    popup.calendar.clicked.emit(QtCore.QDate(2024, 3, 9))
    assert form.record.get("f") == "2024-03-09"
    assert not popup.isVisible()


def test_datetime_shows_the_user_time_zone_and_sends_utc(qtbot):
    form, widget = one(qtbot, "datetime", "2024-01-05 12:00:00")
    assert widget.line.text() == "2024-01-05 13:00"
    type_in(qtbot, widget.line, "2024-07-01 10:30")
    assert form.record.get("f") == "2024-07-01 08:30:00"
    popup = widget.open_calendar()
    popup.calendar.clicked.emit(QtCore.QDate(2024, 7, 3))
    assert form.record.get("f") == "2024-07-03 08:30:00"


# -- files ----------------------------------------------------------------------------------------------------
def png(colour="#3498db", size=8):
    """A small PNG image, base64-encoded."""
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtGui.QColor(colour))
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return base64.b64encode(bytes(buffer.data())).decode()


def test_binary_upload_keeps_the_base_name_and_save_as_reads_the_content(qtbot, tmp_path):
    server = FakeServer()
    server.add("x.model", id=1, f="aGVsbG8=", fname="old.txt")
    fields = {"f": {"type": "binary", "string": "File"}, "fname": {"type": "char"}}
    form = build(qtbot, fields, '<field name="f" filename="fname"/><field name="fname" invisible="1"/>',
                 {"f": "5.00 bytes", "fname": "old.txt"}, server=server)
    widget = form.widget("f")
    assert widget.info.text() == "old.txt (5.00 bytes)"
    target = tmp_path / "out.bin"
    saved = []
    widget.save_as(str(target), on_saved=saved.append)
    qtbot.waitUntil(lambda: bool(saved))
    assert target.read_bytes() == b"hello"
    source = tmp_path / "sub" / "report.pdf"
    source.parent.mkdir()
    source.write_bytes(b"%PDF-1.4 data")
    widget.upload(str(source))
    assert form.record.get("fname") == "report.pdf"
    assert base64.b64decode(form.record.get("f")) == b"%PDF-1.4 data"
    assert "report.pdf" in widget.info.text()
    widget.clear()
    assert form.record.get("f") is False and form.record.get("fname") is False


def test_image_loads_the_picture_on_demand_and_uploads(qtbot, tmp_path):
    server = FakeServer()
    server.add("x.model", id=1, f=png())
    form, widget = one(qtbot, "binary", "70.00 bytes", attrs='widget="image"', server=server)
    qtbot.waitUntil(lambda: widget.pixmap is not None)
    assert server.last("x.model", "read")[1]["context"]["bin_size"] is False
    widget.clear()
    assert widget.pixmap is None and form.record.get("f") is False
    path = tmp_path / "pic.png"
    path.write_bytes(base64.b64decode(png("#e74c3c")))
    widget.upload(str(path))
    assert widget.pixmap is not None
    dialog = widget.enlarge()
    assert dialog.isVisible()
    dialog.close()


# -- relational ---------------------------------------------------------------------------------------------------
@pytest.fixture
def partners():
    server = FakeServer()
    for record_id, name in ((1, "Azure Interior"), (2, "Deco Addict"), (3, "Deco Brothers"), (4, "Gemini")):
        server.add("res.partner", id=record_id, name=name)
    return server


def m2o(qtbot, server, value=False, attrs=""):
    fields = {"partner_id": {"type": "many2one", "relation": "res.partner", "string": "Partner"}}
    form = build(qtbot, fields, f'<field name="partner_id" {attrs}/>', {"partner_id": value}, server=server)
    return form, form.widget("partner_id")


def test_many2one_searches_after_a_pause_and_takes_the_chosen_match(qtbot, partners):
    form, widget = m2o(qtbot, partners)
    widget.input.setFocus()
    qtbot.keyClicks(widget.input, "deco")
    qtbot.waitUntil(lambda: widget.input.completer.popup().isVisible())
    assert partners.methods("res.partner").count(("res.partner", "name_search")) == 1
    entries = widget.input.entries()
    assert [e[2] for e in entries] == ["Deco Addict", "Deco Brothers", "Search More…", 'Create "deco"',
                                       "Create and Edit…"]
    assert partners.last("res.partner", "name_search")[1]["limit"] == 8
    popup = widget.input.completer.popup()
    popup.setCurrentIndex(widget.input.results.index(1, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.record.get("partner_id") == [3, "Deco Brothers"]
    assert widget.input.text() == "Deco Brothers"
    assert widget.open_button.isVisible()


def test_many2one_drops_answers_of_stale_searches(qtbot, partners):
    form, widget = m2o(qtbot, partners)
    widget.input.setFocus()
    widget.input._edited("ge")
    sequence = widget.input.sequence
    widget.input._found(sequence - 1, "de", [[2, "Deco Addict"]])
    assert widget.input.results.rowCount() == 0
    widget.input._found(sequence, "ge", [[4, "Gemini"]])
    assert widget.input.entries()[0][1] == [4, "Gemini"]


def test_many2one_leaving_with_text_resolves_the_exact_match_not_a_stale_first_result(qtbot, partners):
    form, widget = m2o(qtbot, partners)
    widget.input.setFocus()
    widget.input.setText("Gemini")
    widget.input._edited("Gemini")
    widget.input._found(widget.input.sequence - 1, "De", [[2, "Deco Addict"]])  # an old answer arrives late
    widget.input.editingFinished.emit()
    qtbot.waitUntil(lambda: form.record.get("partner_id") == [4, "Gemini"])


def test_many2one_ambiguous_text_opens_the_search_dialog(qtbot, partners):
    form, widget = m2o(qtbot, partners, value=[1, "Azure Interior"])
    partners.views = None
    widget.session.views["res.partner"] = {"views": {"list": {"arch": "<list><field name='name'/></list>"}},
                                           "models": {"res.partner": {"fields": {"name": {"type": "char",
                                                                                          "string": "Name"}}}}}
    widget.input.setFocus()
    widget.input.setText("Deco")
    widget.input._typed = True
    widget.input.editingFinished.emit()
    qtbot.waitUntil(lambda: getattr(widget, "search_dialog", None) is not None)
    dialog = widget.search_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    assert dialog.search_input.text() == "Deco"
    assert [dialog.table.item(r, 0).text() for r in range(2)] == ["Deco Addict", "Deco Brothers"]
    dialog.select_rows([1])
    dialog.accept_selection()
    assert form.record.get("partner_id") == [3, "Deco Brothers"]


def test_many2one_quick_create_and_options(qtbot, partners):
    form, widget = m2o(qtbot, partners)
    widget.input.fill("Nova", [])
    create = [i for i, e in enumerate(widget.input.entries()) if e[0] == "create"][0]
    widget.input.choose_entry(create)
    qtbot.waitUntil(lambda: form.record.get("partner_id") and form.record.get("partner_id")[1] == "Nova")
    assert partners.last("res.partner", "name_create")[0] == ["Nova"]
    form2, limited = m2o(qtbot, partners, attrs="options=\"{'no_create': True, 'no_open': True}\"")
    limited.input.fill("x", [])
    assert [e[0] for e in limited.input.entries()] == ["more"]
    limited.set_value([1, "Azure Interior"])
    assert not limited.open_button.isVisible()


def test_many2one_clearing_the_text_empties_the_field(qtbot, partners):
    form, widget = m2o(qtbot, partners, value=[1, "Azure Interior"])
    type_in(qtbot, widget.input, "")
    assert form.record.get("partner_id") is False


def test_reference_chooses_model_then_record(qtbot, partners):
    fields = {"ref": {"type": "reference", "string": "Ref",
                      "selection": [["res.partner", "Contact"], ["res.country", "Country"]]}}
    form = build(qtbot, fields, '<field name="ref"/>', {"ref": "res.partner,2"}, server=partners)
    widget = form.widget("ref")
    qtbot.waitUntil(lambda: widget.input.text() == "Deco Addict")
    assert widget.models.currentData() == "res.partner"
    widget.input.take([4, "Gemini"])
    assert form.record.get("ref") == "res.partner,4"
    widget.set_readonly(True)
    assert widget.display.text() == "Contact: Gemini"


def close_boxes():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.close()
