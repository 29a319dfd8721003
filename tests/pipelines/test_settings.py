from pathlib import Path

import pytest

from pipelines.settings import ConfigError, load_settings
from transforms.relationship import RelationshipPolicy


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


def test_relationships_table_sets_the_policy(tmp_path, monkeypatch):
    cfg = tmp_path / "ties.toml"
    cfg.write_text(
        "[relationships]\nowed_after_days = 2\nreal_tie_min_messages = 5\n"
        "weights = { recency = 2, frequency = 1, reciprocity = 1, latency = 0 }\n"
    )
    monkeypatch.setenv("TIES_CONFIG", str(cfg))
    policy = load_settings().relationship_policy()
    assert policy.owed_after_days == 2.0
    assert policy.real_tie_min_messages == 5
    # weights are shares: tie_strength stays within 0..1
    assert policy.weights == {"recency": 0.5, "frequency": 0.25, "reciprocity": 0.25, "latency": 0}
    assert policy.reconnect_after_days == RelationshipPolicy().reconnect_after_days


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("owed_after_dayz = 2", "unknown relationship setting.*owed_after_dayz"),
        ('owed_after_days = "soon"', "owed_after_days.*number"),
        ("recency_half_life_days = 0", "recency_half_life_days.*above 0"),
        ("real_tie_min_messages = 2.5", "whole number"),
        ("weights = { recency = 1 }", "weights: give all of"),
        ("reconnect_min_days = 400", "reconnect_min_days is above reconnect_max_days"),
    ],
)
def test_bad_relationships_table_is_refused_with_the_setting(tmp_path, monkeypatch, table, message):
    cfg = tmp_path / "ties.toml"
    cfg.write_text(f"[relationships]\n{table}\n")
    monkeypatch.setenv("TIES_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_flags_add_me_and_name_the_warehouse(tmp_path, monkeypatch):
    """--me adds to the configured addresses; --warehouse wins and says it came from a flag."""
    cfg = tmp_path / "ties.toml"
    cfg.write_text('me = ["a@x.org"]\nwarehouse = "/from/config"\n')
    monkeypatch.setenv("TIES_CONFIG", str(cfg))
    monkeypatch.delenv("TIES_WAREHOUSE", raising=False)
    monkeypatch.delenv("TIES_ME", raising=False)
    base = load_settings()
    assert base.warehouse_from == "config"
    s = base.with_flags(me=("b@x.org", "a@x.org"), warehouse="/from/flag")
    assert s.me == ("a@x.org", "b@x.org")
    assert str(s.warehouse) == "/from/flag" and s.warehouse_from == "flag"
    assert base.with_flags().me == ("a@x.org",)
