import os
import stat
import threading

import pyarrow as pa
import pytest

from warehouse import schema
from warehouse.lock import WarehouseBusy, warehouse_lock
from warehouse.read import NoSnapshot, connect, read_table
from warehouse.snapshot import commit_snapshot, current_snapshot, list_snapshots


def _tables(n_contacts: int) -> dict[str, pa.Table]:
    tables = {name: s.empty_table() for name, s in schema.WAREHOUSE_TABLES.items()}
    tables["contacts"] = pa.Table.from_pylist(
        [
            {"contact_id": f"c{i}", "display_name": f"P {i}", "emails": [f"p{i}@x.org"]}
            for i in range(n_contacts)
        ],
        schema=schema.CONTACTS,
    )
    return tables


def test_commit_switches_current_and_readers_see_whole_snapshots(tmp_path):
    wh = tmp_path / "wh"
    with pytest.raises(NoSnapshot):
        connect(wh)
    commit_snapshot(wh, "run1", _tables(2))
    assert read_table(wh, "contacts").num_rows == 2
    con_old = connect(wh)  # opened before the next commit
    commit_snapshot(wh, "run2", _tables(3))
    assert current_snapshot(wh).name == "run2"
    assert con_old.execute("select count(*) from contacts").fetchone()[0] == 2
    assert connect(wh).execute("select count(*) from contacts").fetchone()[0] == 3
    assert connect(wh, as_of="run1").execute("select count(*) from contacts").fetchone()[0] == 2
    assert list_snapshots(wh) == ["run1", "run2"]


def test_every_table_is_written_with_its_schema(tmp_path):
    commit_snapshot(tmp_path, "r", _tables(1))
    for name, s in schema.WAREHOUSE_TABLES.items():
        assert read_table(tmp_path, name).schema.names[: len(s.names)] == s.names


def test_files_are_owner_only(tmp_path):
    wh = tmp_path / "wh"
    snap = commit_snapshot(wh, "r", _tables(1))
    for path in [wh, snap, *snap.iterdir()]:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


def test_leftover_partial_snapshot_is_ignored_and_cleaned(tmp_path):
    commit_snapshot(tmp_path, "run1", _tables(1))
    partial = tmp_path / "snapshots" / ".run2.partial"
    partial.mkdir()
    (partial / "contacts.parquet").write_bytes(b"half")
    assert current_snapshot(tmp_path).name == "run1"
    commit_snapshot(tmp_path, "run3", _tables(1))
    assert not partial.exists()
    assert list_snapshots(tmp_path) == ["run1", "run3"]


def test_old_snapshots_are_pruned(tmp_path):
    for i in range(4):
        commit_snapshot(tmp_path, f"run{i}", _tables(1), keep=2)
    assert list_snapshots(tmp_path) == ["run2", "run3"]


def test_missing_table_is_refused(tmp_path):
    tables = _tables(1)
    del tables["matches"]
    with pytest.raises(ValueError, match="matches"):
        commit_snapshot(tmp_path, "r", tables)
    assert current_snapshot(tmp_path) is None


def test_second_writer_is_refused_with_a_clear_message(tmp_path):
    held = threading.Event()
    release = threading.Event()

    def hold():
        with warehouse_lock(tmp_path):
            held.set()
            release.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    try:
        with pytest.raises(WarehouseBusy, match="another ties run"), warehouse_lock(tmp_path):
            pass
    finally:
        release.set()
        t.join()
    with warehouse_lock(tmp_path):  # free again
        pass


def test_newer_schema_is_refused_with_what_to_do(tmp_path):
    import json

    from warehouse.snapshot import IncompatibleWarehouse, check_schema_version

    snap = commit_snapshot(tmp_path, "r", _tables(1))
    assert check_schema_version(snap) == schema.SCHEMA_VERSION
    manifest = snap / "_manifest.json"
    data = json.loads(manifest.read_text())
    data["schema_version"] = schema.SCHEMA_VERSION + 1
    manifest.write_text(json.dumps(data))
    with pytest.raises(IncompatibleWarehouse, match="upgrade ties"):
        check_schema_version(snap)
