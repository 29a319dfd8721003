"""What every `ties` subcommand shares: the error type, the common options, opening the warehouse.

Each command module (pipelines/cli_*.py) has ``register(subparsers, settings)``, which
adds its parsers and sets ``handler``: a function of the parsed args returning the exit
status. pipelines.cli resolves the settings once, puts them on ``args.settings``, calls
the handler and turns errors into one line. Heavy modules (pandas, Prefect, the
transforms) are imported inside handlers, so `ties --help` and the readers start fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.settings import DEFAULT_WAREHOUSE, Settings

if TYPE_CHECKING:
    import duckdb

FORMATS = ("table", "csv", "json")
DEMO_WAREHOUSE = "demo-warehouse"


class CliError(Exception):
    """A failure to report as one line."""


class Ambiguous(CliError):
    """A name that matches more than one person; the message lists them."""


def warehouse_help(settings: Settings) -> str:
    """The --warehouse help, naming the directory that applies now and why."""
    where = settings.warehouse
    if settings.warehouse_from == "env":
        origin = "from $TIES_WAREHOUSE"
    elif settings.warehouse_from == "config":
        origin = f"from {settings.config_file}"
    else:
        origin = "no $TIES_WAREHOUSE or config setting"
    return f"warehouse directory (default: {where}, {origin}; else ./{DEFAULT_WAREHOUSE})"


def add_warehouse_option(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument("--warehouse", metavar="DIR", help=warehouse_help(settings))


def add_format_option(parser: argparse.ArgumentParser, formats=FORMATS) -> None:
    parser.add_argument(
        "--format",
        choices=list(formats),
        default=formats[0],
        help=f"output format (default: {formats[0]})",
    )
    # Older spelling of --format json, kept working but not advertised.
    parser.add_argument(
        "--json", dest="format", action="store_const", const="json", help=argparse.SUPPRESS
    )


def add_reading_options(parser: argparse.ArgumentParser, settings: Settings, formats=FORMATS):
    """--warehouse, --as-of and --format, as every reading command takes them."""
    add_warehouse_option(parser, settings)
    parser.add_argument("--as-of", metavar="RUN_ID", help="read an older snapshot (ties history)")
    add_format_option(parser, formats)


def reading_warehouse(settings: Settings) -> Path:
    """The warehouse a reading command reads: the setting, or the demo's right after it.

    With no warehouse named anywhere (flag, TIES_WAREHOUSE, config) and no
    ./ties-warehouse yet, the readers fall back to ./demo-warehouse when `ties demo`
    wrote one, and say so on stderr: the README's examples work right after the Quick
    start, and a first real import (into ./ties-warehouse) takes over.
    """
    from warehouse.snapshot import current_snapshot

    wh = settings.warehouse
    if settings.warehouse_from != "default" or current_snapshot(wh) is not None:
        return wh
    demo = Path(DEMO_WAREHOUSE)
    if current_snapshot(demo) is None:
        return wh
    print(
        f"ties: reading ./{DEMO_WAREHOUSE} (the demo): no ./{DEFAULT_WAREHOUSE} yet",
        file=sys.stderr,
    )
    return demo


def open_warehouse(
    settings: Settings, as_of: str | None = None, allow_read=(), lock: bool = False
) -> duckdb.DuckDBPyConnection:
    """DuckDB views over the warehouse's current (or ``as_of``) snapshot, sandboxed, in UTC.

    Queries read only the snapshot and the files in ``allow_read``; ``lock`` (for user
    SQL) then locks the configuration; see warehouse.read.
    """
    from warehouse.read import NoSnapshot, connect

    wh = reading_warehouse(settings)
    try:
        con = connect(wh, as_of, allow_read=allow_read)
    except NoSnapshot as exc:
        hint = ""
        if not wh.exists():
            hint = f" (no folder {wh}; `ties demo` writes ./{DEMO_WAREHOUSE})"
        raise CliError(f"{exc}{hint}") from None
    con.execute("SET TimeZone = 'UTC'")  # timestamps come back in UTC, as printed
    if lock:
        con.execute("SET lock_configuration = true")
    return con


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None):
    """(columns, rows) of a query; a DuckDB error becomes one line."""
    import duckdb

    try:
        cursor = con.execute(sql, params or {})
    except duckdb.Error as exc:
        raise CliError(f"query failed: {str(exc).splitlines()[0]}") from None
    if cursor.description is None:
        return [], []
    return [d[0] for d in cursor.description], cursor.fetchall()


def pick_one(con: duckdb.DuckDBPyConnection, person: str) -> list[str]:
    """The contact_ids a person's id, address, URL or name matches; none is an error."""
    from warehouse.explain import find_contacts

    found = find_contacts(con, person)
    if not found:
        raise CliError(f"no contact matches {person!r}")
    return found


def ambiguous(con: duckdb.DuckDBPyConnection, person: str, found: list[str]) -> Ambiguous:
    """The error for a name several people share: each with their company and address."""
    rows = con.execute(
        "select contact_id, display_name, company, emails[1] from contacts"
        " where list_contains($ids, contact_id) order by display_name, contact_id",
        {"ids": found},
    ).fetchall()
    lines = [f"{len(found)} contacts match {person!r}; name one by its id or address:"]
    for cid, name, company, email in rows:
        extra = ", ".join(x for x in (company, email) if x)
        lines.append(f"  {cid}  {name}" + (f"  ({extra})" if extra else ""))
    return Ambiguous("\n".join(lines))
