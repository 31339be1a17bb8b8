"""Field widgets read and write their values, render read-only, and fall back (views.md §11).

Against the live server: each test's record is a ``test.orm.client.doc`` (a field per widget kind,
``tests/addons/test_orm/models/client.py``) read by the form, in a form view of field nodes written
here; field descriptions (sizes, digits, selections, labels) are the server's.
"""
import base64
import datetime
import zoneinfo

import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, english_locale, load, make_form, show, type_into, unique  # noqa: F401
from client_qt.qt import QApplication, QLocale, QMessageBox, Qt, QtCore, QtGui
from client_qt.widgets import registry
from client_qt.widgets.base import FieldSpec

pytestmark = [pytest.mark.pg, pytest.mark.qt]

DOC = "test.orm.client.doc"


@pytest.fixture
def build(qtbot, session, views, rpc):
    """``build(field_nodes, values)``: a shown form of a new record with ``values`` and the nodes in a group."""
    def make(arch_fields, values=None, width=800):
        doc = rpc.create(DOC, dict({"name": unique("Widgets")}, **(values or {})))
        result = views(DOC, f"<form><sheet><group>{arch_fields}</group></sheet></form>")
        form = show(qtbot, make_form(session, DOC, result), width, 500)
        load(qtbot, form, doc)
        return form
    return make


@pytest.fixture
def one(build):
    """``one(name, value, attrs="")``: a form showing the field ``name``; returns ``(form, widget)``."""
    def make(name, value, attrs=""):
        form = build(f'<field name="{name}" {attrs}/>', {name: value})
        return form, form.widget(name)
    return make


def type_in(qtbot, line_edit, text):
    """Replace the text as a user would (select all, type or erase) and leave the input."""
    type_into(qtbot, line_edit, text)


def click_indicator(qtbot, button):
    """Click a check box / radio button on its indicator."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QtCore.QPoint(6, button.height() // 2))


def labels(form, name):
    return [label for _key, label in form.fields[name]["selection"]]


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
def test_char_reads_and_writes_with_size_placeholder_and_readonly(qtbot, one):
    form, widget = one("code", "Azure", attrs='placeholder="Name here"')
    size = form.fields["code"]["size"]
    assert widget.editor.text() == "Azure"
    assert widget.editor.maxLength() == size and widget.editor.placeholderText() == "Name here"
    type_in(qtbot, widget.editor, "Deco Addict Interiors")
    assert form.record.get("code") == "Deco Addict Interiors"[:size]
    type_in(qtbot, widget.editor, "  Deco  ")
    assert form.record.get("code") == "Deco"
    widget.set_readonly(True)
    assert widget.display.isVisible() and widget.display.text() == "Deco"


def test_char_password_is_masked_everywhere(qtbot, one):
    form, widget = one("secret", "secret", attrs='password="1"')
    assert widget.editor.echoMode() == widget.editor.EchoMode.Password
    widget.set_readonly(True)
    assert "secret" not in widget.display.text()


def test_text_commits_multiline_text_when_leaving(qtbot, one):
    form, widget = one("notes", "line 1")
    assert widget.editor.toPlainText() == "line 1"
    widget.editor.setFocus()
    widget.editor.setPlainText("line 1\nline 2")
    widget.commit_pending()
    assert form.record.get("notes") == "line 1\nline 2"
    assert widget.stretch


def test_html_edits_rich_text_and_renders_without_scripts(qtbot, one):
    form, widget = one("body", "<p>Hello <b>world</b><script>alert(1)</script></p>")
    assert "<script>" in form.record.get("body"), "the server sends the script (this field is not sanitized)"
    assert "Hello" in widget.text.toPlainText() and "alert" not in widget.text.toPlainText()
    cursor = widget.text.textCursor()
    cursor.movePosition(QtGui.QTextCursor.MoveOperation.End)
    widget.text.setTextCursor(cursor)
    widget.text.insertPlainText(" again")
    widget.commit_pending()
    value = form.record.get("body")
    assert "again" in value and "<body" not in value and "font-weight" in value or "<b>" in value
    widget.set_readonly(True)
    assert widget.browser.isVisible() and not widget.toolbar.isVisible()
    assert "alert" not in widget.browser.toPlainText()


def test_url_email_and_phone_show_links_when_readonly(qtbot, build):
    form = build('<field name="website" widget="url" readonly="1"/><field name="email" widget="email"/>'
                 '<field name="phone" widget="phone" readonly="1"/>',
                 {"website": "example.com", "email": "ann@example.com", "phone": "+32 2 123"})
    assert 'href="http://example.com"' in form.widget("website").display.text()
    assert 'href="tel:+322123"' in form.widget("phone").display.text()
    email = form.widget("email")
    type_in(qtbot, email.editor, "not an address")
    assert email.invalid and form.record.get("email") == "ann@example.com"
    assert form.missing_fields()[0].name == "email"
    type_in(qtbot, email.editor, "bob@example.org")
    assert not email.invalid and form.record.get("email") == "bob@example.org"
    email.set_readonly(True)
    assert 'href="mailto:bob@example.org"' in email.display.text()


# -- numbers ----------------------------------------------------------------------------------------------
def test_integer_groups_digits_and_rejects_non_integers(qtbot, one, english_locale):
    form, widget = one("score", 1234567)
    assert widget.editor.text() == "1,234,567"
    assert widget.editor.alignment() & Qt.AlignmentFlag.AlignRight
    type_in(qtbot, widget.editor, "12.5")
    assert widget.invalid and form.record.get("score") == 1234567
    type_in(qtbot, widget.editor, "2,000")
    assert form.record.get("score") == 2000 and not widget.invalid
    type_in(qtbot, widget.editor, "")
    assert form.record.get("score") == 0


def test_float_uses_digits_and_computes_simple_arithmetic(qtbot, one):
    form, widget = one("quantity", 3.14159)
    digits = form.fields["quantity"]["digits"][1]
    assert digits == 3
    assert widget.editor.text() == QLocale().toString(round(3.14159, digits), "f", digits)
    type_in(qtbot, widget.editor, "=1.5*3+1")
    assert form.record.get("quantity") == 5.5
    type_in(qtbot, widget.editor, "=__import__('os')")
    assert widget.invalid


def test_float_time_shows_hours_and_minutes(qtbot, one):
    form, widget = one("duration", 1.5, attrs='widget="float_time"')
    assert widget.editor.text() == "01:30"
    type_in(qtbot, widget.editor, "2:15")
    assert form.record.get("duration") == 2.25


def test_monetary_shows_the_currency_symbol_on_its_side(qtbot, build, rpc):
    [eur] = rpc("res.currency", "search_read", [["name", "=", "EUR"]], ["symbol", "position", "decimal_places"],
                context={"active_test": False})
    form = build('<field name="amount"/><field name="currency_id"/><field name="plain"/>',
                 {"amount": 12.5, "currency_id": eur["id"], "plain": 3.0})
    amount = form.widget("amount")
    side, other = (amount.after, amount.before) if eur["position"] == "after" else (amount.before, amount.after)
    qtbot.waitUntil(lambda: side.text() == eur["symbol"], timeout=TIMEOUT)
    assert amount.line.text() == "12.50" and not other.isVisible()
    expected = f"12.50\u00a0{eur['symbol']}" if eur["position"] == "after" else f"{eur['symbol']}\u00a012.50"
    assert amount.format_value(12.5) == expected
    plain = form.widget("plain")
    assert plain.format_value(3) == "3.00", "no currency: a plain amount"
    type_in(qtbot, amount.line, "99.999")
    assert form.record.get("amount") == round(99.999, eur["decimal_places"])


# -- choices -----------------------------------------------------------------------------------------------
def test_boolean_and_toggle_commit_on_click(qtbot, build):
    form = build('<field name="is_company"/><field name="toggle" widget="boolean_toggle"/>',
                 {"is_company": False, "toggle": True})
    click_indicator(qtbot, form.widget("is_company").editor)
    assert form.record.get("is_company") is True
    toggle = form.widget("toggle").editor
    assert toggle.isChecked()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert form.record.get("toggle") is False
    form.widget("is_company").set_readonly(True)
    assert not form.widget("is_company").editor.isEnabled()


def test_selection_offers_labels_in_server_order_and_an_empty_choice_unless_required(qtbot, one):
    form, widget = one("level", "normal")
    names = labels(form, "level")
    combo = widget.editor
    assert [combo.itemText(i) for i in range(combo.count())] == [""] + names
    assert combo.currentText() == dict(form.fields["level"]["selection"])["normal"]
    combo.setCurrentIndex(3)
    combo.activated.emit(3)
    assert form.record.get("level") == form.fields["level"]["selection"][2][0]
    widget.set_required(True)
    assert [combo.itemText(i) for i in range(combo.count())] == names
    assert combo.currentText() == names[2]
    widget.set_readonly(True)
    assert widget.display.text() == names[2]


def test_radio_and_badge_widgets(qtbot, build):
    form = build('<field name="level" widget="radio" options="{\'horizontal\': true}"/>'
                 '<field name="state" widget="badge"/>', {"level": "low", "state": "done"})
    radio = form.widget("level")
    assert radio.buttons["low"].isChecked()
    click_indicator(qtbot, radio.buttons["high"])
    assert form.record.get("level") == "high"
    badge = form.widget("state")
    qtbot.mouseClick(badge.buttons["sent"], Qt.MouseButton.LeftButton)
    assert form.record.get("state") == "sent"
    badge.set_readonly(True)
    assert badge.badge.isVisible() and badge.badge.text() == dict(form.fields["state"]["selection"])["sent"]


def test_priority_stars_set_and_reset(qtbot, one):
    form, widget = one("priority", "0", attrs='widget="priority"')
    values = [key for key, _label in form.fields["priority"]["selection"]]
    assert len(widget.stars) == len(values) - 1
    qtbot.mouseClick(widget.stars[1], Qt.MouseButton.LeftButton)
    assert form.record.get("priority") == values[2]
    assert [star.text() for star in widget.stars] == ["★", "★"] + ["☆"] * (len(values) - 3)
    qtbot.mouseClick(widget.stars[1], Qt.MouseButton.LeftButton)
    assert form.record.get("priority") == values[0]


def test_statusbar_shows_visible_values_plus_current_and_is_clickable(qtbot, one):
    form, widget = one("state", "cancel",
                       attrs='widget="statusbar" statusbar_visible="draft,open,done" options="{\'clickable\': 1}"')
    order = [key for key, _label in form.fields["state"]["selection"]]
    assert [key for key, chip in widget.chips.items() if chip.isVisibleTo(widget)] == \
        [key for key in order if key in ("draft", "open", "done", "cancel")]
    assert widget.chips["cancel"].isChecked()
    qtbot.mouseClick(widget.chips["open"], Qt.MouseButton.LeftButton)
    assert form.record.get("state") == "open"
    assert not widget.chips["cancel"].isVisibleTo(widget)
    widget.set_readonly(True)
    qtbot.mouseClick(widget.chips["done"], Qt.MouseButton.LeftButton)
    assert form.record.get("state") == "open"


def test_handle_hides_the_value_and_statinfo_shows_number_and_caption(qtbot, build):
    form = build('<field name="sequence" widget="handle"/><field name="loan_count" widget="statinfo"/>',
                 {"sequence": 10, "loan_count": 3})
    assert form.widget("sequence").format_value(10) == ""
    assert form.label("sequence") is None
    statinfo = form.widget("loan_count")
    assert statinfo.number.text() == "3" and statinfo.caption.text() == form.fields["loan_count"]["string"]


# -- dates ---------------------------------------------------------------------------------------------------
def test_date_reads_and_writes_without_time_zone(qtbot, one):
    form, widget = one("date", "2024-03-05")
    assert widget.line.text() == "2024-03-05"
    type_in(qtbot, widget.line, "2024-12-31")
    assert form.record.get("date") == "2024-12-31"
    type_in(qtbot, widget.line, "31 02 2024")
    assert widget.invalid and form.record.get("date") == "2024-12-31"
    type_in(qtbot, widget.line, "")
    assert form.record.get("date") is False


def test_date_calendar_popup_picks_a_day(qtbot, one):
    form, widget = one("date", "2024-03-05")
    popup = widget.open_calendar()
    assert popup.calendar.selectedDate() == QtCore.QDate(2024, 3, 5)
    popup.calendar.clicked.emit(QtCore.QDate(2024, 3, 9))
    assert form.record.get("date") == "2024-03-09"
    assert not popup.isVisible()


def test_datetime_shows_the_user_time_zone_and_sends_utc(qtbot, one, session):
    zone = zoneinfo.ZoneInfo(session.user_tz)
    utc = datetime.timezone.utc

    def local(stamp):
        return datetime.datetime.fromisoformat(stamp).replace(tzinfo=utc).astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def to_utc(text):
        moment = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=zone)
        return moment.astimezone(utc).strftime("%Y-%m-%d %H:%M:%S")

    form, widget = one("moment", "2024-01-05 12:00:00")
    assert widget.line.text() == local("2024-01-05 12:00:00") != "2024-01-05 12:00"
    type_in(qtbot, widget.line, "2024-07-01 10:30")
    assert form.record.get("moment") == to_utc("2024-07-01 10:30") != "2024-07-01 10:30:00"
    popup = widget.open_calendar()
    popup.calendar.clicked.emit(QtCore.QDate(2024, 7, 3))
    assert form.record.get("moment") == to_utc("2024-07-03 10:30")


# -- files ----------------------------------------------------------------------------------------------------
def png(colour="#3498db", size=8):
    """A small PNG image, base64-encoded."""
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtGui.QColor(colour))
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return base64.b64encode(bytes(buffer.data())).decode()


def test_binary_upload_keeps_the_base_name_and_save_as_reads_the_content(qtbot, build, rpc, tmp_path):
    form = build('<field name="attachment" filename="attachment_name"/>'
                 '<field name="attachment_name" invisible="1"/>',
                 {"attachment": base64.b64encode(b"hello").decode(), "attachment_name": "old.txt"})
    size = rpc(DOC, "read", [form.record.id], ["attachment"], context={"bin_size": True})[0]["attachment"]
    widget = form.widget("attachment")
    assert form.record.get("attachment") == size
    assert widget.info.text() == f"old.txt ({size})"
    target = tmp_path / "out.bin"
    saved = []
    widget.save_as(str(target), on_saved=saved.append)
    qtbot.waitUntil(lambda: bool(saved), timeout=TIMEOUT)
    assert target.read_bytes() == b"hello"
    source = tmp_path / "sub" / "report.pdf"
    source.parent.mkdir()
    source.write_bytes(b"%PDF-1.4 data")
    widget.upload(str(source))
    assert form.record.get("attachment_name") == "report.pdf"
    assert base64.b64decode(form.record.get("attachment")) == b"%PDF-1.4 data"
    assert "report.pdf" in widget.info.text()
    widget.clear()
    assert form.record.get("attachment") is False and form.record.get("attachment_name") is False


def test_image_loads_the_picture_on_demand_and_uploads(qtbot, one, session, tmp_path):
    form, widget = one("image", png(), attrs='widget="image"')
    qtbot.waitUntil(lambda: widget.pixmap is not None, timeout=TIMEOUT)
    [form_read, picture_read] = session.connection.sent("read", DOC)
    assert form_read.context["bin_size"] is True and picture_read.context["bin_size"] is False
    assert picture_read.args[1] == ["image"] and picture_read.result[0]["image"] == png()
    widget.clear()
    assert widget.pixmap is None and form.record.get("image") is False
    path = tmp_path / "pic.png"
    path.write_bytes(base64.b64decode(png("#e74c3c")))
    widget.upload(str(path))
    assert widget.pixmap is not None
    dialog = widget.enlarge()
    assert dialog.isVisible()
    dialog.close()


# -- relational ---------------------------------------------------------------------------------------------------
@pytest.fixture
def partners(rpc):
    """Four partners of this test: ``{'tag', 'azure', 'deco', 'brothers', 'gemini'}`` as ``[id, name]``."""
    tag = unique("m2o")
    found = {"tag": tag}
    for key, name in (("azure", "Azure Interior"), ("deco", "Deco Addict"), ("brothers", "Deco Brothers"),
                      ("gemini", "Gemini")):
        partner_id = rpc.create("res.partner", {"name": f"{tag} {name}", "email": f"{key}@example.com"})
        found[key] = [partner_id, rpc.read_one("res.partner", partner_id, ["display_name"])["display_name"]]
    return found


@pytest.fixture
def m2o(build):
    def make(value=False, attrs=""):
        form = build(f'<field name="partner_id" {attrs}/>', {"partner_id": value})
        return form, form.widget("partner_id")
    return make


def test_many2one_searches_after_a_pause_and_takes_the_chosen_match(qtbot, m2o, partners, rpc, session):
    form, widget = m2o()
    text = f"{partners['tag']} deco"
    widget.input.setFocus()
    qtbot.keyClicks(widget.input, text)
    qtbot.waitUntil(lambda: widget.input.completer.popup().isVisible(), timeout=TIMEOUT)
    [search] = session.connection.sent("name_search", "res.partner")
    assert search.kwargs["limit"] == 8
    matches = rpc("res.partner", "name_search", text, operator="ilike", limit=8)
    assert [match[0] for match in matches] == [partners["deco"][0], partners["brothers"][0]]
    assert search.result == matches
    entries = widget.input.entries()
    assert [e[2] for e in entries] == [match[1] for match in matches] + [
        "Search More…", f'Create "{text}"', "Create and Edit…"]
    popup = widget.input.completer.popup()
    popup.setCurrentIndex(widget.input.results.index(1, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.record.get("partner_id") == matches[1]
    assert widget.input.text() == matches[1][1]
    assert widget.open_button.isVisible()


def test_many2one_drops_answers_of_stale_searches(qtbot, m2o, partners, rpc):
    form, widget = m2o()
    older = rpc("res.partner", "name_search", f"{partners['tag']} de", limit=8)
    newer = rpc("res.partner", "name_search", f"{partners['tag']} ge", limit=8)
    widget.input.setFocus()
    widget.input._edited("ge")
    sequence = widget.input.sequence
    widget.input._found(sequence - 1, "de", older)
    assert widget.input.results.rowCount() == 0
    widget.input._found(sequence, "ge", newer)
    assert widget.input.entries()[0][1] == partners["gemini"]


def test_many2one_leaving_with_text_resolves_the_exact_match_not_a_stale_first_result(qtbot, m2o, partners, rpc):
    form, widget = m2o()
    widget.input.setFocus()
    widget.input.setText(partners["gemini"][1])
    widget.input._edited(partners["gemini"][1])
    stale = rpc("res.partner", "name_search", f"{partners['tag']} De", limit=8)
    widget.input._found(widget.input.sequence - 1, "De", stale)  # an old answer arrives late
    widget.input.editingFinished.emit()
    qtbot.waitUntil(lambda: form.record.get("partner_id") == partners["gemini"], timeout=TIMEOUT)


def test_many2one_ambiguous_text_opens_the_search_dialog(qtbot, m2o, partners, rpc):
    form, widget = m2o(value=partners["azure"][0])
    text = f"{partners['tag']} Deco"
    widget.input.setFocus()
    widget.input.setText(text)
    widget.input._typed = True
    widget.input.editingFinished.emit()
    qtbot.waitUntil(lambda: getattr(widget, "search_dialog", None) is not None, timeout=TIMEOUT)
    dialog = widget.search_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=TIMEOUT)
    assert dialog.search_input.text() == text
    [first_column] = [name for name, _description in dialog.columns[:1]]
    expected = rpc("res.partner", "read", [partners["deco"][0], partners["brothers"][0]], [first_column])
    assert [dialog.table.item(r, 0).text() for r in range(2)] == [row[first_column] for row in expected]
    dialog.select_rows([1])
    dialog.accept_selection()
    assert form.record.get("partner_id") == partners["brothers"]


def test_many2one_quick_create_and_options(qtbot, m2o, partners, rpc, session):
    form, widget = m2o()
    name = unique("Nova")
    widget.input.fill(name, [])
    create = [i for i, e in enumerate(widget.input.entries()) if e[0] == "create"][0]
    widget.input.choose_entry(create)
    qtbot.waitUntil(lambda: form.record.get("partner_id") and form.record.get("partner_id")[1] == name,
                    timeout=TIMEOUT)
    [name_create] = session.connection.sent("name_create", "res.partner")
    assert name_create.args == [name]
    rpc.created.append(("res.partner", [name_create.result[0]]))
    assert form.record.get("partner_id") == name_create.result
    assert rpc.read_one("res.partner", name_create.result[0], ["name"])["name"] == name
    form2, limited = m2o(attrs="options=\"{'no_create': True, 'no_open': True}\"")
    limited.input.fill("x", [])
    assert [e[0] for e in limited.input.entries()] == ["more"]
    limited.set_value(partners["azure"])
    assert not limited.open_button.isVisible()


def test_many2one_clearing_the_text_empties_the_field(qtbot, m2o, partners):
    form, widget = m2o(value=partners["azure"][0])
    assert form.record.get("partner_id") == partners["azure"]
    type_in(qtbot, widget.input, "")
    assert form.record.get("partner_id") is False


def test_reference_chooses_model_then_record(qtbot, build, partners):
    form = build('<field name="target"/>', {"target": f"res.partner,{partners['deco'][0]}"})
    widget = form.widget("target")
    qtbot.waitUntil(lambda: widget.input.text() == partners["deco"][1], timeout=TIMEOUT)
    assert widget.models.currentData() == "res.partner"
    widget.input.take(partners["gemini"])
    assert form.record.get("target") == f"res.partner,{partners['gemini'][0]}"
    widget.set_readonly(True)
    label = dict(form.fields["target"]["selection"])["res.partner"]
    assert widget.display.text() == f"{label}: {partners['gemini'][1]}"


def close_boxes():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.close()
