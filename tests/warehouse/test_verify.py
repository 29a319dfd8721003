"""Corrupted state has a way back: `ties verify` finds it, a run builds on the newest intact
snapshot with a warning, and `--repair` sets the damage aside."""

import json
import shutil

import pyarrow as pa
import pytest

from pipelines.cli import main
from pipelines.input_state import DamagedState, load_state
from tests.conftest import build_plain
from warehouse import schema
from warehouse.layout import Layout
from warehouse.snapshot import commit_snapshot, current_snapshot, list_snapshots
from warehouse.verify import DamagedWarehouse, base_snapshot, check_snapshot, verify_warehouse

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lopez\r\nEMAIL:ana@x.org\r\nEND:VCARD\r\n"


def _tables(n: int) -> dict[str, pa.Table]:
    tables = {name: s.empty_table() for name, s in schema.WAREHOUSE_TABLES.items()}
    tables["contacts"] = pa.Table.from_pylist(
        [{"contact_id": f"c{i}", "display_name": f"P {i}"} for i in range(n)],
        schema=schema.CONTACTS,
    )
    return tables


@pytest.fixture
def wh(tmp_path):
    warehouse = tmp_path / "wh"
    commit_snapshot(warehouse, "run1", _tables(2))
    commit_snapshot(warehouse, "run2", _tables(3))
    return warehouse


def _garbage(path):
    path.write_bytes(b"not parquet at all")


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _replace_with_valid_parquet(path):
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": [1]}), path)


def _flip_a_byte(path):  # footer intact, row count intact: only the checksum sees it
    data = bytearray(path.read_bytes())
    data[8] ^= 0xFF
    path.write_bytes(bytes(data))


def test_an_intact_warehouse_verifies(wh, capsys):
    assert main(["verify", "--warehouse", str(wh)]) == 0
    out = capsys.readouterr().out
    assert "ok       run2 (current)" in out and "ok       run1" in out


@pytest.mark.parametrize("damage", [_garbage, _truncate, _replace_with_valid_parquet])
@pytest.mark.parametrize("table", ["contacts", "source_records"])
def test_damaged_current_falls_back_to_the_newest_intact_snapshot(wh, damage, table, capsys):
    damaged = wh / "snapshots" / "run2" / f"{table}.parquet"
    damage(damaged)
    base = base_snapshot(wh)
    assert base.path == wh / "snapshots" / "run1"
    assert str(damaged) in base.warnings[0]
    assert "ties verify --repair" in base.warnings[1]
    assert main(["verify", "--warehouse", str(wh)]) == 1
    out = capsys.readouterr().out
    assert f"DAMAGED  run2 (current): {damaged}: damaged" in out
    assert main(["verify", "--repair", "--warehouse", str(wh)]) == 0
    assert current_snapshot(wh).name == "run1"
    assert (wh / "snapshots" / ".damaged-run2").is_dir()  # kept for a look, never read
    assert list_snapshots(wh) == ["run1"]


def test_only_the_checksum_sees_some_damage(wh):
    path = wh / "snapshots" / "run2" / "contacts.parquet"
    _flip_a_byte(path)
    assert check_snapshot(path.parent, checksums=False) == []
    assert check_snapshot(path.parent) == [f"{path}: damaged (checksum differs from the manifest)"]
    assert not verify_warehouse(wh).ok


def test_current_pointing_at_a_deleted_snapshot_falls_back(wh, capsys):
    shutil.rmtree(wh / "snapshots" / "run2")
    base = base_snapshot(wh)
    assert base.path == wh / "snapshots" / "run1"
    assert "which is gone" in base.warnings[0]
    assert main(["query", "select 1", "--warehouse", str(wh)]) == 2
    err = capsys.readouterr().err
    assert "which is gone" in err and "ties verify --repair" in err
    assert main(["verify", "--repair", "--warehouse", str(wh)]) == 0
    assert current_snapshot(wh).name == "run1"


def test_no_intact_snapshot_stops_with_one_line_naming_the_file_and_the_repair(wh):
    for run in ("run1", "run2"):
        _garbage(wh / "snapshots" / run / "contacts.parquet")
    with pytest.raises(DamagedWarehouse) as info:
        base_snapshot(wh)
    message = str(info.value)
    assert "\n" not in message
    assert str(wh / "snapshots" / "run2" / "contacts.parquet") in message
    assert f"ties verify --repair --warehouse {wh}" in message
    assert main(["verify", "--repair", "--warehouse", str(wh)]) == 0
    assert current_snapshot(wh) is None and base_snapshot(wh).path is None


@pytest.mark.parametrize("content", ["", "{garbage", "[1, 2]", '{"a": 3}'])
def test_garbage_inputs_state_names_the_file_and_repair_rebuilds_it(tmp_path, content):
    card = tmp_path / "in" / "a.vcf"
    card.parent.mkdir()
    card.write_text(CARD)
    wh = tmp_path / "wh"
    build_plain([card], wh, me=(), incremental=True)
    state_file = wh / "state" / "inputs.json"
    good = json.loads(state_file.read_text())
    state_file.write_text(content)
    with pytest.raises(DamagedState, match=f"^{state_file}: damaged .*ties verify --repair"):
        load_state(Layout(wh).inputs_state)
    assert main(["verify", "--warehouse", str(wh)]) == 1
    assert main(["verify", "--repair", "--warehouse", str(wh)]) == 0
    rebuilt = load_state(Layout(wh).inputs_state)
    assert {k: v.extract_key for k, v in rebuilt.items()} == {
        k: v["extract_key"] for k, v in good.items()
    }
    # The next run reads the file again (fingerprint unknown) and keeps its person.
    summary = build_plain([card], wh, me=(), incremental=True)
    assert summary["counts"]["contacts"] == 1
