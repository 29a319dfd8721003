"""Per-input extracts cached under <warehouse>/state/extracts/.

Unchanged inputs are not read again: their cached extract is used instead.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse import schema
from warehouse.extract import Extract
from warehouse.layout import table_file
from warehouse.private import private_dir

_TABLES = {
    "records": schema.RECORDS,
    "interactions": schema.INTERACTIONS,
    "rejects": schema.REJECTS,
}
_META = "extract.json"
# Bump when the extract tables or a connector's output change meaning: older cached
# extracts are then read again instead of reused.
# 4: records carry phone_region; 5: interactions carry subject; 6: streets and
# localities from vCard ADR; 7: a mailbox's evidence of who its user is
# (user_evidence), an export's files deliberately not read and the country of the
# user's profile (user_region).
EXTRACT_FORMAT = 7


def save_extract(extract: Extract, directory: Path) -> Path:
    """Write the extract atomically (temp dir, then rename) and return its directory."""
    tmp = directory.with_name(directory.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    private_dir(directory.parent)
    tmp.mkdir(mode=0o700)
    for name, arrow_schema in _TABLES.items():
        frame: pd.DataFrame = getattr(extract, name)
        table = pa.Table.from_pandas(frame, schema=arrow_schema, preserve_index=False)
        pq.write_table(table, table_file(tmp, name), compression="zstd")
    meta = {
        "format": EXTRACT_FORMAT,
        "connector": extract.connector,
        "source_file": extract.source_file,
        "items_read": extract.items_read,
        "items_accepted": extract.items_accepted,
        "items_rejected": extract.items_rejected,
        "skip_reasons": extract.skip_reasons,
        "me_hints": extract.me_hints,
        "user_evidence": extract.user_evidence,
        "files_not_read": extract.files_not_read,
        "user_region": extract.user_region,
    }
    (tmp / _META).write_text(json.dumps(meta, indent=2, sort_keys=True))
    for written in tmp.iterdir():
        os.chmod(written, 0o600)
    if directory.exists():
        shutil.rmtree(directory)
    os.rename(tmp, directory)
    return directory


def load_extract(directory: Path, tables: bool = True) -> Extract:
    """The cached extract; with ``tables=False`` only its counts and hints (no parquet read)."""
    meta = json.loads((directory / _META).read_text())
    meta.pop("format", None)
    if not tables:
        empty = {
            name: s.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
            for name, s in _TABLES.items()
        }
        return Extract(**meta, **empty)
    frames = {
        name: pq.read_table(table_file(directory, name), schema=arrow_schema).to_pandas(
            types_mapper=pd.ArrowDtype
        )
        for name, arrow_schema in _TABLES.items()
    }
    return Extract(**meta, **frames)


def is_complete(directory: Path) -> bool:
    """A finished, undamaged extract in the current format (anything else is read again)."""
    try:
        meta = json.loads((directory / _META).read_text())
        if meta.get("format") != EXTRACT_FORMAT:
            return False
        for name in _TABLES:  # a damaged or truncated table has no readable footer
            pq.read_metadata(table_file(directory, name))
    except Exception:  # OSError, ValueError, pyarrow's errors: damaged either way
        return False
    return True


def record_keys(directory: Path) -> set[str]:
    """The source keys of a cached extract's records (one column read, not the tables)."""
    table = pq.read_table(table_file(directory, "records"), columns=["source_key"])
    return {k for k in table.column("source_key").to_pylist() if k is not None}
