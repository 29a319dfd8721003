"""The warehouse layout of DESIGN.md, as the modules that write it lay it out."""

import pyarrow as pa

from pipelines.input_state import InputState, load_state, save_state
from warehouse import schema
from warehouse.layout import Layout, manifest_file, table_file
from warehouse.lock import warehouse_lock
from warehouse.read import read_snapshot_table, read_table
from warehouse.snapshot import commit_snapshot, current_snapshot


def test_paths_are_those_of_the_contract(tmp_path):
    layout = Layout(tmp_path)
    assert layout.snapshot("r1") == tmp_path / "snapshots" / "r1"
    assert layout.current == tmp_path / "current"
    assert layout.lock == tmp_path / "state" / "lock"
    assert layout.extract("k") == tmp_path / "state" / "extracts" / "k"
    assert layout.inputs_state == tmp_path / "state" / "inputs.json"
    assert layout.prefect_home == tmp_path / "state" / "prefect"
    assert table_file(layout.current, "contacts") == tmp_path / "current" / "contacts.parquet"


def test_commit_lock_and_state_write_where_the_layout_says(tmp_path):
    layout = Layout(tmp_path)
    tables = {name: s.empty_table() for name, s in schema.WAREHOUSE_TABLES.items()}
    tables["runs"] = pa.Table.from_pylist(
        [{"run_id": "r1", "flow": "plain", "status": "completed"}], schema=schema.RUNS
    )
    with warehouse_lock(tmp_path):
        assert layout.lock.exists()
        snap = commit_snapshot(tmp_path, "r1", tables)
        save_state(layout.inputs_state, {"/in/a.vcf": InputState("vcard", "fp", "key")})
    assert snap == layout.snapshot("r1") == current_snapshot(tmp_path)
    assert layout.current.is_symlink() and manifest_file(snap).is_file()
    assert read_table(tmp_path, "runs") == read_snapshot_table(snap, "runs")
    assert load_state(layout.inputs_state) == {"/in/a.vcf": InputState("vcard", "fp", "key")}
    assert oct(layout.inputs_state.stat().st_mode & 0o777) == "0o600"
