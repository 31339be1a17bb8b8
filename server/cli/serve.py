"""``bureau serve``: the HTTP server (XML-RPC, JSON-RPC, web session routes).

With ``--workers 0`` (default) one process serves requests in threads; with ``--workers N`` a
prefork server (gunicorn, :mod:`bureau.cli.prefork`) runs N worker processes sharing PostgreSQL.
SIGTERM stops accepting connections and lets running requests finish. Either way the scheduled
actions run in a thread of the server (:mod:`bureau.service.cron`; one worker in prefork mode), and
the start-up log says whether PostgreSQL is durable (``fsync`` ...) and which expat parses XML.
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
    parser.add_argument("--proxy-mode", action="store_true",
                        help="trust X-Forwarded-For/-Proto/-Host (only behind a reverse proxy)")
    parser.set_defaults(func=run)


def make_app(config):
    """The WSGI application and its database server; every transaction it opens is bounded by
    ``limit_time_statement`` and ``limit_time_lock`` (security.md LIM-3)."""
    from ..db.runtime import open_database_server
    from ..rpc.wsgi import BureauApp
    from ..service.runtime import Runtime
    db_server = open_database_server(config)
    db_server.set_timeouts(statement=config["limit_time_statement"], lock=config["limit_time_lock"],
                           idle=config["limit_time_idle_transaction"])
    runtime = Runtime(config, db_server)
    return BureauApp(runtime, debug=config["debug"]), db_server


#: PostgreSQL settings without which a crash can lose committed data (security.md TRX-C)
DURABILITY_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes")
#: expat releases older than this are exposed to entity expansion and large tokens (XML-3)
MIN_EXPAT = (2, 6, 0)


def log_startup_checks(db_server, config):
    """Log what the operator must know at start: the durability settings of PostgreSQL (a warning
    for each one that is off) and the version of expat parsing XML-RPC requests."""
    import pyexpat
    try:
        settings = db_server.settings(*DURABILITY_SETTINGS)
    except Exception as exc:
        _logger.warning("cannot read the PostgreSQL settings: %s", exc)
        settings = {}
    _logger.info("PostgreSQL %s", " ".join(f"{name}={settings.get(name, '?')}" for name in DURABILITY_SETTINGS))
    for name in DURABILITY_SETTINGS:
        if settings.get(name) == "off":
            _logger.warning("PostgreSQL %s is off: a crash of the machine can lose or corrupt committed data",
                            name)
    version = pyexpat.version_info
    if version < MIN_EXPAT:
        _logger.warning("%s is older than 2.6.0: XML parsing is exposed to entity expansion and large "
                        "tokens; upgrade expat", pyexpat.EXPAT_VERSION)
    else:
        _logger.info("XML parser: %s", pyexpat.EXPAT_VERSION)


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
    if getattr(args, "proxy_mode", False):
        values["proxy_mode"] = True
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
    log_startup_checks(db_server, config)
    server = make_server(config["http_host"], config["http_port"], app, threaded=True)
    cron = None
    if config["cron_interval"] > 0:
        from ..service.cron import CronThread
        cron = CronThread(app.runtime, config["cron_interval"])
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
    if cron is not None:
        cron.start()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if cron is not None:
            cron.stop(timeout=10)
        from ..db.runtime import close_database_server
        close_database_server(db_server)
    return 0
