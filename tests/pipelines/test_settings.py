from pathlib import Path

import pytest

from pipelines.settings import ConfigError, load_settings


def test_precedence_defaults_file_env_flags(tmp_path, monkeypatch):
    cfg = tmp_path / "ties.toml"
    cfg.write_text('warehouse = "/from/file"\nme = ["a@x.org"]\nkeep_snapshots = 3\n')
    monkeypatch.setenv("TIES_CONFIG", str(cfg))
    s = load_settings()
    assert (s.warehouse, s.me, s.keep_snapshots) == (Path("/from/file"), ("a@x.org",), 3)
    monkeypatch.setenv("TIES_WAREHOUSE", "/from/env")
    monkeypatch.setenv("TIES_ME", "b@x.org,c@x.org")
    s = load_settings()
    assert (s.warehouse, s.me) == (Path("/from/env"), ("b@x.org", "c@x.org"))
    s = load_settings(warehouse="/from/flag", me=("d@x.org",))
    assert (s.warehouse, s.me) == (Path("/from/flag"), ("d@x.org",))


def test_as_of_needs_a_timezone(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIES_AS_OF", "2026-01-01T00:00:00")
    with pytest.raises(ConfigError, match="timezone"):
        load_settings()
