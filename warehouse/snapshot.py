"""The atomic commit: write every table into a new snapshot, then switch `current` to it.

A snapshot is written under a temporary name, fsynced, renamed into snapshots/, and
only then is the `current` symlink replaced (rename is atomic on POSIX). A run killed
at any point leaves the previous snapshot as `current`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.faults import write_failure
from warehouse.layout import CURRENT, SNAPSHOTS, Layout, manifest_file, table_file
from warehouse.private import private_dir, private_warehouse

# pyarrow and the schemas load where a snapshot is written or checked: finding and
# listing snapshots (every `ties query`) stays free of them.
if TYPE_CHECKING:
    import pyarrow as pa


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_table(table: pa.Table, path: Path) -> str:
    """Write, fsync and make owner-only; returns the file's sha256 for the manifest."""
    import pyarrow.parquet as pq

    pq.write_table(table, path, compression="zstd")
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
    os.chmod(path, 0o600)
    return file_sha256(path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def conform(table: pa.Table | list[dict], arrow_schema: pa.Schema) -> pa.Table:
    """The table with exactly the schema's columns first (extra columns kept after)."""
    import pyarrow as pa

    if isinstance(table, list):
        return pa.Table.from_pylist(table, schema=arrow_schema)
    columns, fields = [], []
    for f in arrow_schema:
        col = (
            table.column(f.name)
            if f.name in table.column_names
            else pa.nulls(table.num_rows, f.type)
        )
        columns.append(col.cast(f.type))
        fields.append(f)
    for name in table.column_names:
        if name not in arrow_schema.names:
            columns.append(table.column(name))
            fields.append(table.schema.field(name))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def commit_snapshot(
    warehouse: Path,
    run_id: str,
    tables: dict[str, pa.Table],
    keep: int = 5,
    manifest_extra: dict | None = None,
) -> Path:
    """Write a complete snapshot and make it `current`.

    Args:
        warehouse: the warehouse directory (created owner-only if missing).
        run_id: names the snapshot directory.
        tables: every table of schema.WAREHOUSE_TABLES.
        keep: how many snapshots to keep (older ones are deleted after the switch).

    Returns:
        The new snapshot's directory.
    """
    from warehouse import schema

    missing = set(schema.WAREHOUSE_TABLES) - set(tables)
    if missing:
        raise ValueError(f"snapshot is missing tables: {sorted(missing)}")
    old_umask = os.umask(0o077)
    tmp = final = None
    try:
        layout = Layout(private_warehouse(warehouse))
        snapshots = private_dir(layout.snapshots)
        final = layout.snapshot(run_id)
        tmp = layout.partial_snapshot(run_id)
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(mode=0o700)
        counts, checksums = {}, {}
        for name, table in tables.items():
            table = conform(table, schema.WAREHOUSE_TABLES[name])
            checksums[name] = _write_table(table, table_file(tmp, name))
            counts[name] = table.num_rows
        # rows and sha256 per table: what `ties verify` checks each file against.
        manifest = {
            **(manifest_extra or {}),
            "run_id": run_id,
            "schema_version": schema.SCHEMA_VERSION,
            "rows": counts,
            "sha256": checksums,
        }
        manifest_file(tmp).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        _fsync_dir(tmp)
        os.rename(tmp, final)
        _fsync_dir(snapshots)

        point_current(warehouse, run_id)
    except OSError as exc:
        # A full disk or a read-only folder: leave no half snapshot behind, and `current`
        # where it was (the switch is the last step, so it still names the previous one).
        committed = current_snapshot(warehouse)
        for leftover in (tmp, final):
            if leftover is not None and leftover.exists() and leftover.resolve() != committed:
                shutil.rmtree(leftover, ignore_errors=True)
        raise write_failure(warehouse, exc, f"writing snapshot {run_id}") from exc
    finally:
        os.umask(old_umask)
    prune_snapshots(warehouse, keep)
    return final


def point_current(warehouse: Path, run_id: str) -> None:
    """Replace the `current` link atomically so that it names snapshots/<run_id>."""
    link_tmp = warehouse / f".{CURRENT}.{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    os.symlink(Path(SNAPSHOTS) / run_id, link_tmp)
    os.replace(link_tmp, Layout(warehouse).current)
    _fsync_dir(warehouse)


def list_snapshots(warehouse: Path) -> list[str]:
    """Complete snapshots, oldest first (run ids sort by time)."""
    snapshots = Layout(warehouse).snapshots
    if not snapshots.is_dir():
        return []
    return sorted(
        p.name
        for p in snapshots.iterdir()
        if p.is_dir() and not p.name.startswith(".") and manifest_file(p).exists()
    )


def prune_snapshots(warehouse: Path, keep: int) -> None:
    current = current_snapshot(warehouse)
    snapshots = Layout(warehouse).snapshots
    for leftover in snapshots.glob(".*.partial"):
        shutil.rmtree(leftover, ignore_errors=True)  # from a run that was killed mid-write
    for run_id in list_snapshots(warehouse)[:-keep] if keep > 0 else []:
        if current is None or run_id != current.name:
            shutil.rmtree(Layout(warehouse).snapshot(run_id), ignore_errors=True)


class IncompatibleWarehouse(RuntimeError):
    """The warehouse was written by a newer ties; this version must not touch it."""


def check_schema_version(snapshot: Path) -> int:
    """The snapshot's schema version; refuses one newer than this code understands.

    Older versions are fine: a run rebuilds every table from the inputs and reads only
    the stable id columns (record_id, contact_id, created_run_id) of the previous one.
    """
    from warehouse import schema

    try:
        version = json.loads(manifest_file(snapshot).read_text())["schema_version"]
    except (OSError, ValueError, KeyError):
        version = 0
    if version > schema.SCHEMA_VERSION:
        raise IncompatibleWarehouse(
            f"{snapshot.parent.parent}: written by a newer ties (schema {version}, this is "
            f"{schema.SCHEMA_VERSION}); upgrade ties, or import into another --warehouse"
        )
    return version


def read_manifest(snapshot: Path) -> dict:
    try:
        return json.loads(manifest_file(snapshot).read_text())
    except (OSError, ValueError):
        return {}


def current_snapshot(warehouse: Path) -> Path | None:
    """The snapshot `current` points at, or None for a warehouse never committed.

    A link to a snapshot that is gone still gives its path: readers then name it, and a
    run falls back to an intact snapshot (warehouse.verify), instead of taking the
    warehouse for a new one and everyone for new people.
    """
    link = Layout(warehouse).current
    if not link.exists() and not link.is_symlink():
        return None
    return link.resolve()
