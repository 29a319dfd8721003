"""What every `ties` subcommand shares: the error type, opening the warehouse, printing frames.

Command modules (pipelines/cli_*.py) expose ``register(subparsers)``, which adds their
parsers and sets ``handler`` to a function taking the parsed args and returning the
exit status; pipelines.cli wires them in and turns errors into one line.
"""

from __future__ import annotations

import argparse
import sys

import duckdb
import pandas as pd

from pipelines.settings import load_settings


class CliError(Exception):
    """A failure to report as one line."""


def add_warehouse_options(parser: argparse.ArgumentParser, formats=("table", "csv", "json")):
    parser.add_argument(
        "--warehouse", help="warehouse directory (default: $TIES_WAREHOUSE, else ./ties-warehouse)"
    )
    parser.add_argument("--as-of", metavar="RUN_ID", help="read an older snapshot")
    parser.add_argument("--format", choices=list(formats), default=formats[0])


def open_warehouse(
    warehouse: str | None, as_of: str | None = None, allow_read=(), lock: bool = False
) -> duckdb.DuckDBPyConnection:
    """DuckDB views over the warehouse's current (or ``as_of``) snapshot, sandboxed.

    Queries read only the snapshot and the files in ``allow_read``; see warehouse.read.
    """
    from warehouse.read import NoSnapshot, connect

    settings = load_settings(warehouse=warehouse)
    try:
        return connect(settings.warehouse, as_of, allow_read=allow_read, lock=lock)
    except NoSnapshot as exc:
        raise CliError(str(exc)) from None


def emit(frame: pd.DataFrame, fmt: str, title: str | None = None) -> None:
    """Print a frame as a terminal table, CSV or JSON records."""
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        print(frame.to_json(orient="records", date_format="iso", indent=2, force_ascii=False))
    else:
        if title:
            print(title)
        if frame.empty:
            print("  (none)")
            return
        with pd.option_context(
            "display.width", 200, "display.max_colwidth", 50, "display.max_rows", 500
        ):
            print(frame.to_string(index=False))


def query_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict | None, missing: str
) -> pd.DataFrame:
    """A query's result; a snapshot without the tables it reads is a one-line CliError.

    Args:
        missing: what the snapshot lacks, for the message ("job tables").
    """
    try:
        return con.execute(sql, params or {}).df()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        raise CliError(
            f"this snapshot has no {missing} ({reason}); run `ties import` again"
        ) from None
