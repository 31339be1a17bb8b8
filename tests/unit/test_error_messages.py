"""Unexpected errors reach clients without SQL, server paths or addresses (security.md ERR-1)."""
import psycopg2
import pytest

from bureau.exceptions import ValidationError
from bureau.rpc.errors import DATABASE_MESSAGES, describe, jsonrpc_error, xmlrpc_fault


def test_paths_and_addresses_are_masked_in_unexpected_errors():
    exc = FileNotFoundError(2, "No such file", "/var/lib/bureau/filestore/demo/ab/abcdef")
    name, message, *_ = describe(exc)
    assert name == "builtins.FileNotFoundError"
    assert "/var/lib" not in message and "<path>" in message
    error = jsonrpc_error(ConnectionError("cannot reach 10.0.4.7:5432 or [fe80::1]:5432"))
    assert "10.0.4.7" not in str(error) and "fe80" not in str(error)
    assert error["data"]["message"] == "cannot reach <address> or <address>"


def test_database_errors_say_what_happened_without_sql(pg):
    with pg.cursor("postgres") as cr:
        with pytest.raises(psycopg2.Error) as info:
            cr.execute("SELECT * FROM no_such_table_here WHERE secret = 'x'")
    code, text = xmlrpc_fault(info.value)
    assert code == 1
    assert "no_such_table_here" not in text and "SELECT" not in text
    assert "SQLSTATE 42P01" in text
    with pg.cursor("postgres") as cr:
        cr.execute("SET LOCAL statement_timeout = 10")
        with pytest.raises(psycopg2.Error) as info:
            cr.execute("SELECT pg_sleep(1)")
    assert describe(info.value)[1] == DATABASE_MESSAGES["57014"]


def test_user_errors_and_debug_mode_keep_the_text():
    assert describe(ValidationError("Price must be positive in /a/b"))[1] == "Price must be positive in /a/b"
    assert "/srv/x/y" in describe(ValueError("bad /srv/x/y"), debug=True)[1]
