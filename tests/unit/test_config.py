"""Configuration precedence and validation (STYLE.md §6, modules.md DISC-1)."""
import logging

import pytest

from bureau.config import Config, ConfigError


def write(tmp_path, text):
    path = tmp_path / "bureau.conf"
    path.write_text(text)
    return path


def test_defaults_file_environment_command_line_in_that_order(tmp_path):
    path = write(tmp_path, "[options]\ndb_maxconn = 10\nprefetch_batch = 500\ncreate_batch = 50\n")
    config = Config.load(file=path, environ={"BUREAU_PREFETCH_BATCH": "700", "BUREAU_CREATE_BATCH": "70"},
                         overrides={"create_batch": 7, "db_uri": None})
    assert config["db_maxconn"] == 10
    assert config["prefetch_batch"] == 700
    assert config["create_batch"] == 7
    assert config["db_uri"] is None
    assert Config()["db_retry_attempts"] == 5


def test_relative_addons_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "extra").mkdir()
    config = Config.load(file=write(tmp_path, "[options]\naddons_path = extra, /abs/dir\n"))
    assert config["addons_path"] == [str(tmp_path / "extra"), "/abs/dir"]


def test_wrong_types_name_the_key(tmp_path):
    with pytest.raises(ConfigError, match="db_maxconn"):
        Config.load(file=write(tmp_path, "[options]\ndb_maxconn = many\n"))
    with pytest.raises(ConfigError, match="BUREAU_PREFETCH_BATCH"):
        Config.load(environ={"BUREAU_PREFETCH_BATCH": "x"})


def test_unknown_keys_are_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        Config.load(file=write(tmp_path, "[options]\nno_such_option = 1\n"))
    assert "no_such_option" in caplog.text


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        Config.load(file=tmp_path / "missing.conf")
