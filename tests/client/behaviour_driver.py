"""Drive the real desktop client in its own process, for tests that kill it (test_behaviour_journal.py).

    python tests/client/behaviour_driver.py edit RECORD_ID --url URL --db DB --login LOGIN   (password on stdin)
    python tests/client/behaviour_driver.py restore --url URL --db DB --login LOGIN

The client starts as ``python -m client_qt --password-stdin`` does (:func:`client_qt.app.main`); once
its main window is shown the driver acts as a user would, with key presses:

* ``edit``: opens the contact ``RECORD_ID``, types a city and confirms it, then types a street and
  leaves it unconfirmed (the cursor still in the field); prints ``READY`` once the journal file holds
  both, and goes on running until it is killed;
* ``restore``: waits for the dialog offering the unsaved edits, prints what it lists (``OFFER
  <json>``), clicks Restore, waits for the form, prints its state (``FORM <json>``) and exits at once
  (``os._exit``: no question about the unsaved changes).

The client's journal directory comes from ``BUREAU_CLIENT_DATA_DIR``.
"""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from client_qt.app import main  # noqa: E402
from client_qt.qt import QApplication, QTimer, Qt  # noqa: E402

CITY, STREET = "Typed City", "Half-typed street"


def say(*parts):
    print(*parts, flush=True)


def poll(condition, then, interval=50, limit=30000):
    """``then()`` once ``condition()`` is true (checked from the event loop)."""
    state = {"waited": 0}

    def check():
        try:
            value = condition()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            say("DRIVER-ERROR", repr(exc))
            os._exit(3)
        if value:
            then(value)
        elif state["waited"] > limit:
            say("DRIVER-TIMEOUT", getattr(condition, "__name__", "condition"))
            os._exit(4)
        else:
            state["waited"] += interval
            QTimer.singleShot(interval, check)

    QTimer.singleShot(0, check)


def edit(window, record_id):
    from PySide6.QtTest import QTest
    tab = window.run_action_dict({"type": "ir.actions.act_window", "res_model": "res.partner", "name": "Contacts",
                                  "views": [[False, "form"]], "res_id": record_id})

    def form_loaded():
        view = tab.views.get("form")
        return view if view is not None and view.form.record is not None and view.form.record.id == record_id \
            else None

    def type_keys(view):
        city = view.form.widget("city").editor
        city.setFocus()
        city.selectAll()
        QTest.keyClicks(city, CITY)
        QTest.keyClick(city, Qt.Key.Key_Return)          # confirmed: in the record
        street = view.form.widget("street").editor
        street.setFocus()
        street.selectAll()
        QTest.keyClicks(street, STREET)                   # not confirmed: only in the field
        journal = window.session.journal

        def written():
            text = journal.path.read_text() if journal.path.exists() else ""
            return CITY in text and STREET in text

        poll(written, lambda _ok: say("READY", journal.path))

    poll(form_loaded, type_keys)


def restore(window):
    from client_qt.qt import QTreeWidget

    def offered():
        dialog = window.recovery_dialog
        return dialog if dialog is not None and dialog.isVisible() else None

    def answer(dialog):
        tree = dialog.findChild(QTreeWidget, "recovery_list")
        listed = []
        for index in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(index)
            listed.append({"record": item.text(0),
                           "fields": {item.child(i).text(0): item.child(i).text(1) for i in range(item.childCount())}})
        say("OFFER", json.dumps(listed))
        if os.environ.get("DRIVER_SCREENSHOT_OFFER"):
            dialog.grab().save(os.environ["DRIVER_SCREENSHOT_OFFER"])
        dialog.restore_button.click()
        tab = window.tabs.currentWidget()

        def restored():
            view = tab.views.get("form") if tab is not None else None
            if view is None or view.form.record is None:
                return None
            form = view.form
            restored = form.record.get("city") == CITY and form.record.get("street") == STREET
            # and the restored form has written its own journal entry (it is modified)
            return form if restored and window.session.journal.keys else None

        def report(form):
            state = {"id": form.record.id, "city": form.widget("city").editor.text(),
                     "street": form.widget("street").editor.text(), "modified": form.is_modified(),
                     "dirty": sorted(form.record.dirty), "tab": window.tabs.tabText(window.tabs.currentIndex()),
                     "save_enabled": tab.current.save_button.isEnabled()}
            if os.environ.get("DRIVER_SCREENSHOT"):
                window.grab().save(os.environ["DRIVER_SCREENSHOT"])
            say("FORM", json.dumps(state))
            os._exit(0)

        poll(restored, report)

    poll(offered, answer)


def run():
    mode = sys.argv[1]
    if mode == "edit":
        record_id = int(sys.argv[2])
        rest = sys.argv[3:]
        on_window = lambda window: edit(window, record_id)  # noqa: E731
    elif mode == "restore":
        rest = sys.argv[2:]
        on_window = restore
    else:
        raise SystemExit(f"unknown mode {mode}")
    return main([*rest, "--password-stdin"], on_window=on_window)


if __name__ == "__main__":
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    sys.exit(run())
