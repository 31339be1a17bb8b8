"""The attachments panel of the form against the live server: add (file dialog, drop), open, save, delete."""
import base64
from pathlib import Path

import pytest

from client_fixtures import *  # noqa: F401,F403 (fixtures and helpers)
from client_fixtures import TIMEOUT, answer_next_question, form_tab, keep, unique
from client_qt.qt import QApplication, QFileDialog, QMessageBox, Qt, QtCore, QtGui

CONTENT = b"%PDF-1.4\n% a tiny document\n"


def attachments_of(rpc, book_id):
    return rpc("ir.attachment", "search_read", [["res_model", "=", "library.book"], ["res_id", "=", book_id]],
               ["name", "datas", "mimetype", "file_size"])


@pytest.fixture
def book(rpc):
    return rpc.create("library.book", {"name": unique("Attached book")})


def open_panel(qtbot, window, book_id):
    view = form_tab(qtbot, window, "library.book", book_id)
    button = view.attachments_button
    qtbot.waitUntil(lambda: button.isEnabled(), timeout=TIMEOUT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    panel = button.panel
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(lambda: panel.hint.text().startswith(("No attachment", "Drop")), timeout=TIMEOUT)
    return view, panel


def test_add_by_file_dialog_save_as_and_delete(qtbot, window, rpc, book, tmp_path, monkeypatch):
    source = tmp_path / "report.pdf"
    source.write_bytes(CONTENT)
    view, panel = open_panel(qtbot, window, book)
    assert view.attachments_button.text() == "Attachments"
    # add: the file dialog's answer is the only stub (a UI stub; the server is real)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *args, **kwargs: ([str(source)], "")))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=TIMEOUT)
    assert view.attachments_button.text() == "Attachments (1)"
    [stored] = attachments_of(rpc, book)
    assert stored["name"] == "report.pdf" and stored["mimetype"] == "application/pdf"
    assert base64.b64decode(stored["datas"]) == CONTENT and stored["file_size"] == len(CONTENT)
    assert panel.table.item(0, 0).text() == "report.pdf" and panel.table.item(0, 1).text() == f"{len(CONTENT)} B"

    # save as
    target = tmp_path / "saved" / "copy.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(target), "")))
    assert panel.select_name("report.pdf")
    with qtbot.waitSignal(panel.done, timeout=TIMEOUT):
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == CONTENT
    assert panel.status.text() == f"Saved {target}."

    # delete: No keeps it, Yes deletes it
    answer_next_question(QMessageBox.StandardButton.No)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert len(attachments_of(rpc, book)) == 1
    answer_next_question(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 0, timeout=TIMEOUT)
    assert attachments_of(rpc, book) == []
    assert view.attachments_button.text() == "Attachments"


def drop_files(widget, paths):
    """Drop local files on ``widget`` as a file manager would (drag enter, then drop)."""
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path)) for path in paths])
    position = QtCore.QPointF(widget.width() / 2, widget.height() / 2)
    enter = QtGui.QDragEnterEvent(position.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                  Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop


def test_files_dropped_on_the_panel_are_attached_and_open_from_a_temporary_file(qtbot, window, rpc, book, tmp_path):
    first, second = tmp_path / "notes.txt", tmp_path / "cover.png"
    first.write_text("shelf B4, second row\n")
    second.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(64)))
    view, panel = open_panel(qtbot, window, book)
    assert drop_files(panel, [first, second]).isAccepted()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2, timeout=TIMEOUT)
    stored = {a["name"]: base64.b64decode(a["datas"]) for a in attachments_of(rpc, book)}
    assert stored == {"notes.txt": first.read_bytes(), "cover.png": second.read_bytes()}
    assert view.attachments_button.text() == "Attachments (2)"
    # a drag of something that is not a file is refused
    mime = QtCore.QMimeData()
    mime.setText("just text")
    enter = QtGui.QDragEnterEvent(QtCore.QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                  Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)
    assert not enter.isAccepted()
    # open: written to a temporary file named after the attachment, then handed to the desktop
    opened = []
    panel.open_url = opened.append
    assert panel.select_name("notes.txt")
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=TIMEOUT)
    path = Path(opened[0].toLocalFile())
    assert path.name == "notes.txt" and path.read_bytes() == first.read_bytes()


def test_an_access_error_is_shown_readably(qtbot, live_server, rpc_db, rpc, book, tmp_path):
    """A library member may read books, not change them: attaching a file to one is refused."""
    from behaviour_helpers import close_session, login
    from client_qt.dialogs.attachments import AttachmentsDialog
    name = unique("member").replace(" ", "_")
    group = rpc("ir.model.data", "check_object_reference", "library", "group_library_member")[1]
    rpc.create("res.users", {"name": name, "login": name, "password": "member-pass-1", "groups_id": [(6, 0, [group])]})
    session = login(live_server.url, rpc_db, name, "member-pass-1")
    try:
        panel = keep(AttachmentsDialog(None, session, "library.book", book))
        panel.show()
        qtbot.waitUntil(lambda: panel.hint.text().startswith("No attachment"), timeout=TIMEOUT)
        source = tmp_path / "refused.txt"
        source.write_text("no")
        panel.add_files([str(source)])
        qtbot.waitUntil(lambda: panel.status.text().startswith("Access Error: "), timeout=TIMEOUT)
        assert "Traceback" not in panel.status.text() and len(panel.status.text()) < 400
        assert attachments_of(rpc, book) == []
    finally:
        close_session(session)


def test_screenshot_of_the_attachments_panel(qtbot, window, rpc, book, tmp_path, qapp):
    """docs/screenshots/attachments.png"""
    previous_style = qapp.style().name()
    qapp.setStyle("Fusion")
    try:
        files = {"contract.pdf": CONTENT * 300, "cover.png": b"\x89PNG\r\n\x1a\n" + bytes(2000),
                 "reading list.txt": b"Woolf, Whitman, Sagan\n"}
        for name, content in files.items():
            rpc("ir.attachment", "create", {"name": name, "datas": base64.b64encode(content).decode(),
                                            "res_model": "library.book", "res_id": book})
        view, panel = open_panel(qtbot, window, book)
        qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=TIMEOUT)
        assert view.attachments_button.text() == "Attachments (3)"
        panel.select_name("cover.png")
        panel.resize(640, 300)
        from client_fixtures import SCREENSHOTS as shots
        shots.mkdir(parents=True, exist_ok=True)
        assert panel.grab().save(str(shots / "attachments.png"))
    finally:
        qapp.setStyle(previous_style)
