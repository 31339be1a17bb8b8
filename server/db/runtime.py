"""Reaching the PostgreSQL server a configuration designates.

With ``db_uri`` (``--db-uri``, ``BUREAU_DB_URI``) Bureau connects to that server; without it, it
starts (or joins) the embedded PostgreSQL under the data directory.
"""
import logging

from .embedded import EmbeddedPostgres
from .server import DatabaseServer

_logger = logging.getLogger(__name__)


def open_database_server(config):
    """A :class:`DatabaseServer` for ``config``; its ``embedded`` attribute is the embedded
    cluster Bureau started or joined (None for an external server)."""
    uri = config["db_uri"]
    embedded = None
    if not uri:
        embedded = EmbeddedPostgres(config.data_path)
        uri = embedded.start()
        _logger.info("using the embedded PostgreSQL in %s", embedded.pgdata)
    server = DatabaseServer(uri, maxconn=config["db_maxconn"])
    server.embedded = embedded
    return server


def close_database_server(server):
    server.close()
    if getattr(server, "embedded", None) is not None:
        server.embedded.stop()
