"""A run with nothing new reuses the people of the current snapshot and still gives exactly
what a full rebuild gives; a change of what resolution depends on rebuilds them."""

import pyarrow.parquet as pq

from pipelines.cli import DEMO_INPUTS
from tests.conftest import build_plain
from warehouse.snapshot import current_snapshot

TABLES = (
    "contacts",
    "source_records",
    "interactions",
    "matches",
    "rejects",
    "owed_replies",
    "follow_ups",
    "contact_id_map",
)


def _tables(wh):
    snap = current_snapshot(wh)
    return {t: pq.read_table(snap / f"{t}.parquet").to_pylist() for t in TABLES}


def test_noop_run_reuses_people_and_equals_a_full_rebuild(tmp_path):
    wh = tmp_path / "wh"
    first = build_plain(DEMO_INPUTS, wh)
    assert first["counts"]["people_reused"] == 0
    full = _tables(wh)
    again = build_plain(DEMO_INPUTS, wh, incremental=True)
    assert again["counts"]["people_reused"] == 1
    assert all(r["from_cache"] for r in again["inputs"])
    assert _tables(wh) == full
    # A backfill ignores caches and rebuilds, with the same result.
    rebuilt = build_plain(DEMO_INPUTS, wh)
    assert rebuilt["counts"]["people_reused"] == 0
    assert _tables(wh) == full


def test_overrides_file_is_applied_and_forces_a_rebuild(tmp_path):
    wh = tmp_path / "wh"
    build_plain(DEMO_INPUTS, wh)
    (wh / "overrides.toml").write_text(
        'cannot_link = [["bsmith@acme.com", "https://www.linkedin.com/in/william-smith-4a1b2c"]]\n'
    )
    from pipelines.settings import Settings

    overrides = Settings(warehouse=wh).overrides_file()
    assert overrides == wh / "overrides.toml"
    summary = build_plain(DEMO_INPUTS, wh, incremental=True, overrides_file=overrides)
    assert summary["counts"]["people_reused"] == 0
    records = pq.read_table(current_snapshot(wh) / "source_records.parquet").to_pylist()
    contact_of = {(r["source"], r["source_key"]): r["contact_id"] for r in records}
    url = "https://www.linkedin.com/in/william-smith-4a1b2c"
    assert contact_of[("mail", "bsmith@acme.com")] != contact_of[("linkedin", url)]
