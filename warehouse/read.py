"""Readers: the current (or an older) snapshot as Arrow tables or DuckDB views.

DuckDB connections are sandboxed: they read files only inside the snapshot (plus what
the caller explicitly allows), write none outside it, and never install or load
extensions. ``check_read_only`` refuses every statement of user SQL that is not a
query, so nothing inside the snapshot is replaced either (see docs/reliability.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.layout import Layout, table_file
from warehouse.snapshot import current_snapshot


class NoSnapshot(LookupError):
    """The warehouse has no committed snapshot (or not the one asked for)."""


class NotReadOnly(ValueError):
    """User SQL that would change something: only queries are run."""


def snapshot_dir(warehouse: Path, as_of: str | None = None) -> Path:
    """The directory of the current snapshot, or of run ``as_of``."""
    if as_of:
        path = Layout(warehouse).snapshot(as_of)
        if not path.is_dir():
            raise NoSnapshot(f"{warehouse}: no snapshot for run {as_of!r}")
        return path
    path = current_snapshot(warehouse)
    if path is None:
        raise NoSnapshot(f"{warehouse}: no warehouse here yet; run `ties import PATH` first")
    if not path.is_dir():
        raise NoSnapshot(
            f"{Layout(warehouse).current}: points at {path}, which is gone; "
            "run `ties verify --repair` to point it at the newest intact snapshot"
        )
    return path


if TYPE_CHECKING:
    import pyarrow as pa


def read_table(warehouse: Path, name: str, as_of: str | None = None) -> pa.Table:
    """One table of the current snapshot, or of run ``as_of``."""
    return read_snapshot_table(snapshot_dir(warehouse, as_of), name)


def read_snapshot_table(snapshot: Path, name: str, columns: list[str] | None = None) -> pa.Table:
    """One table of the snapshot directory ``snapshot`` (the one reader of snapshot files)."""
    import pyarrow.parquet as pq

    return pq.read_table(table_file(snapshot, name), columns=columns)


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect(
    warehouse: Path,
    as_of: str | None = None,
    *,
    allow_read: Iterable[Path] = (),
    lock: bool = False,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per warehouse table.

    The views point at the snapshot's files (resolved now), so a commit that happens
    while the connection is open does not change what it reads.

    Args:
        warehouse: the warehouse directory.
        as_of: a run id to read an older snapshot.
        allow_read: the analyst's own files or folders that queries may also read.
        lock: lock the configuration too (for user SQL), so no setting can be changed.
    """
    directory = snapshot_dir(warehouse, as_of).resolve()
    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
        },
    )
    # A view per table file of the snapshot (its tables are schema.WAREHOUSE_TABLES),
    # found by listing it: `ties query` then starts without pyarrow and the schemas.
    for path in sorted(directory.glob(table_file(Path(), "*").name)):
        name = path.stem
        if name.isidentifier():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quoted(str(path))})")
    folders = [str(directory) + "/"]
    files: list[str] = []
    for extra in allow_read:
        extra = Path(extra).expanduser().resolve()
        if extra.is_dir():
            folders.append(str(extra) + "/")
        else:
            files.append(str(extra))
    con.execute(f"SET allowed_directories = [{', '.join(map(_quoted, folders))}]")
    if files:
        con.execute(f"SET allowed_paths = [{', '.join(map(_quoted, files))}]")
    # Once off, external access cannot be switched back on, nor the allowed list widened.
    con.execute("SET enable_external_access = false")
    if lock:
        con.execute("SET lock_configuration = true")
    return con


_EXPLAIN = re.compile(r"^\s*explain\s+(analy[sz]e\s+)?", re.IGNORECASE)


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse SQL with any statement but a query (SELECT, FROM, WITH, DESCRIBE, EXPLAIN).

    Raises:
        NotReadOnly: a statement would write, attach, install, load or change settings.
        duckdb.Error: the SQL does not parse.
    """
    for statement in con.extract_statements(sql):
        kind = statement.type
        if kind == duckdb.StatementType.EXPLAIN:
            # EXPLAIN ANALYZE runs its statement: what it explains must be a query too.
            check_read_only(con, _EXPLAIN.sub("", statement.query, count=1))
            continue
        if kind != duckdb.StatementType.SELECT:
            raise NotReadOnly(
                f"only queries run here (SELECT, WITH, FROM, DESCRIBE); refused a "
                f"{kind.name} statement: the warehouse is read-only"
            )
