"""Smoke test of the desktop client over everything installed in ``rpc_db`` (issue 6).

Every window action (``ir.actions.act_window``: those of the menus and any other) is opened as the
menu opens it (``/web/action/load``), in every view mode it declares: the modes the client renders
are shown and painted (lists load and paint their first page), the others must show the "not
supported" placeholder; the form is shown with the first record the action's list would show. No
exception may reach the event loop, no error dialog may open, nothing may be logged at ERROR by the
client. Unknown tags and widgets degrade with a warning (allowed). Kept short: one tab at a time,
closed after use. ``BUREAU_SMOKE_SCREENSHOTS=1`` saves every view to ``build/screenshots/smoke/``.
"""
import logging
import os
import re
import time

import pytest

from behaviour_helpers import (TIMEOUT, admin_session, delete_kept_widgets, open_window, rpc, screenshot,  # noqa: F401
                               visible_widgets)
from client_qt.views.registry import UnsupportedView, view_class

pytestmark = [pytest.mark.pg, pytest.mark.qt]


SHOTS = os.environ.get("BUREAU_SMOKE_SCREENSHOTS") == "1"


def shot(window, action, mode):
    if SHOTS:
        screenshot(window, "smoke/" + re.sub(r"\W+", "_", f"{action['name']}_{mode}").lower())


def settle(qtbot, session):
    """Wait until no call is pending, twice in a row (answers may start further calls)."""
    for _ in range(2):
        qtbot.waitUntil(lambda: not session.runner.pending, timeout=TIMEOUT)
        qtbot.wait(10)


def test_every_window_action_opens_in_every_view_mode_and_renders_a_record(qtbot, admin_session, caplog):
    caplog.set_level(logging.WARNING, logger="client_qt")
    started = time.monotonic()
    window = open_window(qtbot, admin_session)
    menu_actions = {int(menu["action"].split(",")[1]) for menu in window.menus.values()
                    if isinstance(menu, dict) and (menu.get("action") or "").startswith("ir.actions.act_window,")}
    actions = rpc(admin_session, "ir.actions.act_window", "search_read", [], ["name", "res_model", "target"],
                  order="id")
    assert len(actions) >= 20 and menu_actions <= {a["id"] for a in actions}
    problems, shown, degraded = [], [], []

    def check(where):
        boxes = visible_widgets("error_dialog")
        for box in boxes:
            problems.append(f"{where}: error dialog {box.windowTitle()!r}: {box.text()} {box.informativeText()}")
            box.close()
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("client_qt")]
        for record in errors:
            problems.append(f"{where}: logged {record.getMessage()}")
        degraded.extend(f"{where}: {r.getMessage()}" for r in caplog.records if r.levelno == logging.WARNING)
        caplog.clear()

    for action in actions:
        if action["target"] == "new":
            continue
        count = window.tabs.count()
        window.open_action(action["id"], title=action["name"])
        qtbot.waitUntil(lambda: window.tabs.count() == count + 1 or bool(visible_widgets("error_dialog")), timeout=TIMEOUT)
        check(f"{action['name']} (load)")
        if window.tabs.count() == count:
            continue
        tab = window.tabs.widget(count)
        qtbot.waitUntil(lambda: getattr(tab, "current", None) is not None or bool(visible_widgets("error_dialog")),
                        timeout=TIMEOUT)
        settle(qtbot, admin_session)
        check(f"{action['name']} (views)")
        for mode in tab.view_modes:
            where = f"{action['name']} [{mode}] {tab.model}"
            if mode == "form":
                ids = rpc(admin_session, tab.model, "search", tab.full_domain(), limit=1, context=tab.context)
                if not ids:
                    tab.switch_to("form")
                    settle(qtbot, admin_session)
                    check(where + " new")
                    shown.append((action["name"], mode, None))
                    continue
                tab.open_record(ids[0], ids)
                view = tab.views["form"]
                qtbot.waitUntil(lambda: (view.form.record is not None and view.form.record.id == ids[0])
                                or bool(visible_widgets("error_dialog")), timeout=TIMEOUT)
                settle(qtbot, admin_session)
                view.grab()
                shot(window, action, mode)
                shown.append((action["name"], mode, ids[0]))
            else:
                assert tab.switch_to(mode), where
                view = tab.views[mode]
                settle(qtbot, admin_session)
                view.grab()                      # paints: a list fetches the rows it shows
                settle(qtbot, admin_session)
                if view_class(mode) is None:
                    assert isinstance(view, UnsupportedView), where
                shot(window, action, mode)
                shown.append((action["name"], mode, None))
            check(where)
        window.close_tab(window.tabs.indexOf(tab))
        qtbot.waitUntil(lambda: window.tabs.count() == count, timeout=TIMEOUT)
        check(f"{action['name']} (close)")
    assert not problems, "\n".join(problems)
    forms = [item for item in shown if item[1] == "form" and item[2]]
    lists = [item for item in shown if item[1] == "list"]
    assert len(forms) >= 20 and len(lists) >= 20, shown
    print(f"smoke: {len(shown)} views of {len(actions)} actions in {time.monotonic() - started:.1f} s; "
          f"degraded (logged warnings): {len(degraded)}")
    for line in degraded:
        print("  ", line)
