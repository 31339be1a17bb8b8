"""Dialog actions against the live server (views.md §3.4): the library's "Return Loans" wizard opened from
a button of the loan form runs its method and closes; ``confirm=`` asks first and No does nothing."""
import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, answer_next_question, dialogs, form_tab, unique
from client_qt.qt import QMessageBox, QPushButton


@pytest.fixture
def loan(rpc):
    """An ongoing loan (returned before the test's records are deleted)."""
    book = rpc.create("library.book", {"name": unique("Wizard book")})
    member = rpc.create("res.partner", {"name": unique("Wizard member")})
    loan_id = rpc.create("library.loan", {"book_id": book, "member_id": member, "date_start": "2024-03-01"})
    rpc("library.loan", "action_start", [loan_id])
    yield loan_id
    if rpc.read_one("library.loan", loan_id, ["state"])["state"] == "ongoing":
        rpc("library.loan", "action_return", [loan_id])


def open_return_wizard(qtbot, window, loan_id):
    view = form_tab(qtbot, window, "library.loan", loan_id)
    button = view.form.findChild(QPushButton, next(
        b.objectName() for b in view.form.findChildren(QPushButton) if b.text() == "Return on a Date…"))
    assert button.isVisible()
    button.click()
    qtbot.waitUntil(lambda: bool(dialogs("wizard_dialog")), timeout=TIMEOUT)
    [dialog] = dialogs("wizard_dialog")
    # the wizard's defaults come from the opener: active_ids of the loan
    qtbot.waitUntil(lambda: dialog.form.record is not None and bool(dialog.form.record.get("loan_ids")),
                    timeout=TIMEOUT)
    return view, dialog


def test_a_wizard_opened_from_a_form_button_runs_its_method_and_closes(qtbot, window, rpc, loan):
    view, dialog = open_return_wizard(qtbot, window, loan)
    assert dialog.isModal() and dialog.windowTitle() == "Return Loans"
    assert dialog.form.record.get("loan_ids") == [loan]
    dialog.form.commit("date_end", "2024-03-20")   # as the date widget does when the user picks a day
    answer_next_question(QMessageBox.StandardButton.Yes)
    dialog.findChild(QPushButton, "button_action_return").click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    stored = rpc.read_one("library.loan", loan, ["state", "date_end"])
    assert stored == {"id": loan, "state": "returned", "date_end": "2024-03-20"}
    # the opener reads its record again
    qtbot.waitUntil(lambda: view.form.record.get("state") == "returned", timeout=TIMEOUT)


def test_a_confirm_button_asks_first_and_no_does_nothing(qtbot, window, rpc, loan):
    view, dialog = open_return_wizard(qtbot, window, loan)
    answer_next_question(QMessageBox.StandardButton.No)
    dialog.findChild(QPushButton, "button_action_return").click()
    assert dialog.isVisible()
    assert window.session.connection.sent("action_return", "library.loan.return") == []
    assert rpc.read_one("library.loan", loan, ["state"])["state"] == "ongoing"
    # Cancel closes the wizard without running anything
    dialog.findChild(QPushButton, "button_cancel").click()
    assert not dialog.isVisible()
    assert rpc.read_one("library.loan", loan, ["state"])["state"] == "ongoing"


def test_a_confirm_button_of_the_form_runs_on_yes(qtbot, window, rpc, loan):
    """The loan form's "Reset to Draft" (``confirm="Reopen this loan?"``) on a returned loan."""
    rpc("library.loan", "action_return", [loan])
    view = form_tab(qtbot, window, "library.loan", loan)
    button = view.form.findChild(QPushButton, "button_action_draft")
    assert button.isVisible()
    answer_next_question(QMessageBox.StandardButton.No)
    button.click()
    assert rpc.read_one("library.loan", loan, ["state"])["state"] == "returned"
    answer_next_question(QMessageBox.StandardButton.Yes)
    button.click()
    qtbot.waitUntil(lambda: view.form.record.get("state") == "draft", timeout=TIMEOUT)
    assert rpc.read_one("library.loan", loan, ["state", "date_end"]) == {"id": loan, "state": "draft",
                                                                        "date_end": False}
