"""Starting the desktop client: the QApplication, settings, the exception hook, the first window."""
import argparse
import logging
import sys

from .qt import QApplication, QCoreApplication

_logger = logging.getLogger(__name__)


def create_application(argv=None):
    app = QApplication.instance() or QApplication(list(argv or sys.argv))
    QCoreApplication.setOrganizationName("Bureau")
    QCoreApplication.setApplicationName("Bureau")
    return app


def install_exception_hook(window_getter):
    """Unexpected exceptions in slots become an error dialog instead of killing the client."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        _logger.error("unexpected error", exc_info=(exc_type, exc, tb))
        window = window_getter()
        if window is not None:
            from .dialogs.error import show_error
            show_error(window, exc)
        else:
            previous(exc_type, exc, tb)

    sys.excepthook = hook


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="bureau-client", description="Bureau desktop client")
    parser.add_argument("--url", help="server URL [http://127.0.0.1:8069]")
    parser.add_argument("--db", help="database")
    parser.add_argument("--login", help="login")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input and log in directly")
    return parser.parse_args(argv)


def attach_journal(session, directory=None):
    """Give ``session`` the journal of unsaved edits of its profile (server, database, login)."""
    from .models.journal import Journal
    connection = session.connection
    try:
        journal = Journal.for_profile(connection.url, connection.db, connection.login, directory).start()
        journal.compact()
    except OSError:
        _logger.exception("no journal of unsaved edits: its directory cannot be written")
        return None
    session.journal = journal
    _logger.info("journal of unsaved edits: %s", journal.path)
    return journal


def main(argv=None, on_window=None):
    """Run the client; ``on_window(window)`` is called once the main window is shown (scripts)."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_application()
    from .views.registry import load_view_modules
    load_view_modules()
    state = {"window": None}
    install_exception_hook(lambda: state["window"])

    def open_main(session):
        from .windows.main_window import MainWindow
        attach_journal(session)
        window = MainWindow(session)
        state["window"] = window
        window.show()
        _logger.info("main window shown: %s on %s as %s", session.connection.db, session.connection.url,
                     session.connection.login)
        if on_window is not None:
            on_window(window)

    failure = None
    if args.password_stdin and args.url and args.db and args.login:
        from .rpc.errors import RpcError
        from .session import Session
        password = sys.stdin.readline().rstrip("\n")
        try:
            session = Session.login(args.url, args.db, args.login, password)
        except RpcError as exc:
            _logger.warning("login of %s on %s failed: %s", args.login, args.db, exc)
            failure = str(exc)
        else:
            open_main(session)
            return app.exec()
    from .dialogs.login import LoginDialog
    dialog = LoginDialog(url=args.url, db=args.db, login=args.login)
    if failure:
        dialog.message.setText(failure)
    dialog.logged_in.connect(open_main)
    if not dialog.exec():
        return 0
    return app.exec()
