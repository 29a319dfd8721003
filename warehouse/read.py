"""Readers: the current (or an older) snapshot as Arrow tables or DuckDB views."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse import schema
from warehouse.snapshot import SNAPSHOTS, current_snapshot


class NoSnapshot(LookupError):
    """The warehouse has no committed snapshot (or not the one asked for)."""


def snapshot_dir(warehouse: Path, as_of: str | None = None) -> Path:
    """The directory of the current snapshot, or of run ``as_of``."""
    if as_of:
        path = warehouse / SNAPSHOTS / as_of
        if not path.is_dir():
            raise NoSnapshot(f"{warehouse}: no snapshot for run {as_of!r}")
        return path
    path = current_snapshot(warehouse)
    if path is None:
        raise NoSnapshot(f"{warehouse}: no warehouse here yet; run `ties import PATH` first")
    return path


def read_table(warehouse: Path, name: str, as_of: str | None = None) -> pa.Table:
    return pq.read_table(snapshot_dir(warehouse, as_of) / f"{name}.parquet")


def connect(warehouse: Path, as_of: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per warehouse table.

    The views point at the snapshot's files (resolved now), so a commit that happens
    while the connection is open does not change what it reads.
    """
    directory = snapshot_dir(warehouse, as_of)
    con = duckdb.connect(":memory:")
    for name in schema.WAREHOUSE_TABLES:
        path = directory / f"{name}.parquet"
        if path.exists():
            escaped = str(path).replace("'", "''")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{escaped}')")
    return con
