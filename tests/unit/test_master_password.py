"""The master password in the configuration file (security.md DBM-1, STYLE.md §6): generated when
missing, stored only as an argon2id hash in a file of mode 0600, set from the command line."""
import io
import os
import stat

import pytest

from bureau.cli.main import main
from bureau.config import Config, ConfigError, update_config_file
from bureau.service.db import ensure_master_password, verify_master_password


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_update_config_file_creates_a_private_file(tmp_path):
    path = tmp_path / "sub" / "bureau.conf"
    assert update_config_file(path, {"list_db": "False"}) == {"list_db": "False"}
    assert path.read_text() == "[options]\nlist_db = False\n"
    assert mode(path) == 0o600
    assert Config.load(file=path)["list_db"] is False


def test_update_config_file_keeps_other_lines_and_replaces_the_key_in_place(tmp_path):
    path = tmp_path / "bureau.conf"
    path.write_text("# site settings\n[options]\nhttp_port = 8070\nadmin_passwd = old\n  continued\n\n"
                    "[other]\nadmin_passwd = not this one\n")
    os.chmod(path, 0o644)
    update_config_file(path, {"admin_passwd": "$argon2id$new", "workers": "2"})
    assert path.read_text() == ("# site settings\n[options]\nhttp_port = 8070\nadmin_passwd = $argon2id$new\n"
                                "workers = 2\n\n[other]\nadmin_passwd = not this one\n")
    assert mode(path) == 0o600


def test_update_config_file_keep_existing_returns_the_stored_value(tmp_path):
    path = tmp_path / "bureau.conf"
    update_config_file(path, {"admin_passwd": "first"})
    assert update_config_file(path, {"admin_passwd": "second"}, keep_existing=True) == {"admin_passwd": "first"}
    assert "second" not in path.read_text()


def test_update_config_file_refuses_unknown_keys_and_multiline_values(tmp_path):
    with pytest.raises(ConfigError, match="no_such_key"):
        update_config_file(tmp_path / "c.conf", {"no_such_key": "1"})
    with pytest.raises(ConfigError, match="one line"):
        update_config_file(tmp_path / "c.conf", {"db_filter": "a\n[options]"})
    assert not (tmp_path / "c.conf").exists()


def test_ensure_master_password_generates_once_and_stores_only_the_hash(tmp_path):
    path = tmp_path / "bureau.conf"
    config = Config.load(file=path, missing_ok=True)
    config, password = ensure_master_password(config)
    assert password and password not in path.read_text()
    assert verify_master_password(config["admin_passwd"], password)
    assert not verify_master_password(config["admin_passwd"], password + "x")
    assert mode(path) == 0o600
    again, second = ensure_master_password(Config.load(file=path))
    assert second is None and again["admin_passwd"] == config["admin_passwd"]


def test_a_plain_text_master_password_in_the_file_is_refused(tmp_path):
    path = tmp_path / "bureau.conf"
    path.write_text("[options]\nadmin_passwd = admin\n")
    with pytest.raises(ConfigError, match="argon2id hash"):
        ensure_master_password(Config.load(file=path))


def test_cli_sets_the_master_password_from_stdin(tmp_path, monkeypatch):
    path = tmp_path / "bureau.conf"
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-master-password\n"))
    assert main(["--config", str(path), "config", "set-master-password", "--stdin"]) == 0
    stored = Config.load(file=path)["admin_passwd"]
    assert verify_master_password(stored, "a-long-master-password")
    assert mode(path) == 0o600
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--config", str(path), "config", "set-master-password", "--stdin"]) == 1
    assert Config.load(file=path)["admin_passwd"] == stored


def test_without_config_option_the_file_of_the_data_directory_is_used(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("BUREAU_CONFIG", raising=False)
    assert main(["--data-dir", str(tmp_path), "config", "set-master-password", "--generate"]) == 0
    printed = capsys.readouterr().out
    password = printed.split("Master password: ")[1].split()[0]
    assert verify_master_password(Config.load(file=tmp_path / "bureau.conf")["admin_passwd"], password)
