"""``bureau serve``: the HTTP server (XML-RPC, JSON-RPC, web session routes).

With ``--workers 0`` (default) one process serves requests in threads; with ``--workers N`` a
prefork server runs N worker processes sharing PostgreSQL. SIGTERM stops accepting connections and
lets running requests finish.
"""
import logging
import signal
import threading

_logger = logging.getLogger(__name__)


def add_parser(subparsers):
    parser = subparsers.add_parser("serve", help="run the HTTP server",
                                   description="Serve XML-RPC, JSON-RPC and the web session routes.")
    parser.add_argument("--http-host", help="listen address [127.0.0.1]")
    parser.add_argument("--http-port", type=int, help="listen port [8069]")
    parser.add_argument("--workers", type=int, help="worker processes [0: threaded]")
    parser.add_argument("--db-filter", help="regular expression of the databases served")
    parser.add_argument("--no-database-list", action="store_true", help="refuse listing and managing databases")
    parser.add_argument("--debug", action="store_true", help="tracebacks for loopback clients")
    parser.set_defaults(func=run)


def make_app(config):
    from ..db.runtime import open_database_server
    from ..rpc.wsgi import BureauApp
    from ..service.runtime import Runtime
    db_server = open_database_server(config)
    runtime = Runtime(config, db_server)
    return BureauApp(runtime, debug=config["debug"]), db_server


def server_config(args, config):
    values = {}
    for key in ("http_host", "http_port", "workers", "db_filter"):
        value = getattr(args, key, None)
        if value is not None:
            values[key] = value
    if getattr(args, "no_database_list", False):
        values["list_db"] = False
    if getattr(args, "debug", False):
        values["debug"] = True
    return config.replace(**values) if values else config


def run(args, config):
    config = server_config(args, config)
    if config["workers"] > 0:
        from .prefork import run_prefork
        return run_prefork(config)
    return run_threaded(config)


def run_threaded(config, ready=None):
    """Serve until SIGTERM/SIGINT; ``ready`` (an Event) is set once listening."""
    from werkzeug.serving import make_server
    # requests are logged once, with their duration, by the application
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app, db_server = make_app(config)
    server = make_server(config["http_host"], config["http_port"], app, threaded=True)
    stopping = threading.Event()

    def stop(signum, frame):
        if not stopping.is_set():
            stopping.set()
            _logger.info("signal %s: stopping the server", signum)
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _logger.info("Bureau serving on http://%s:%s (threaded)", config["http_host"], server.server_port)
    print(f"Bureau serving on http://{config['http_host']}:{server.server_port}", flush=True)
    if ready is not None:
        ready.set()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        from ..db.runtime import close_database_server
        close_database_server(db_server)
    return 0
