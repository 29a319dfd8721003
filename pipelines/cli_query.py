"""`ties query`, `ties history` and `ties explain`: SQL over the tables, the runs, and why."""

from __future__ import annotations

import argparse

from pipelines.cli_output import emit, records, to_json
from pipelines.cli_support import (
    CliError,
    add_reading_options,
    ambiguous,
    fetch,
    open_warehouse,
    pick_one,
)
from pipelines.settings import Settings

HISTORY_SQL = """
    select run_id, flow, status, started_at, finished_at,
           counts['contacts'] as contacts, counts['interactions'] as interactions,
           counts['items_read'] as items_read, counts['items_rejected'] as items_rejected,
           list_contains($kept::varchar[], run_id) as snapshot_kept
    from runs order by run_id desc"""


def register(sub, settings: Settings) -> None:
    q = sub.add_parser(
        "query",
        help="Run SQL over the warehouse tables (DuckDB, read-only).",
        description="Run one SQL statement with a DuckDB view per table (contacts, "
        "interactions, source_records, matches, rejects, inputs, runs, ...).",
    )
    q.add_argument("sql", help='e.g. "select display_name, company from contacts limit 5"')
    add_reading_options(q, settings)
    q.add_argument(
        "--allow-read",
        action="append",
        default=[],
        metavar="PATH",
        help="also let the query read this file or folder of yours (repeatable; read-only)",
    )
    q.set_defaults(handler=run_query)

    h = sub.add_parser(
        "history",
        help="The runs of this warehouse, newest first.",
        description="Every run of this warehouse, newest first, with its counts and "
        "whether its snapshot is still kept (for --as-of).",
    )
    add_reading_options(h, settings)
    h.set_defaults(handler=run_history, as_of=None)

    e = sub.add_parser(
        "explain",
        help="Why a person's records were merged or kept apart.",
        description="A contact's source records, which value came from which record, "
        "the pairs merged with their evidence and the near misses kept apart.",
    )
    e.add_argument("person", help="contact_id, e-mail, LinkedIn URL or part of the name")
    add_reading_options(e, settings)
    e.set_defaults(handler=run_explain)


def run_query(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse.read import NotReadOnly, check_read_only

    con = open_warehouse(args.settings, args.as_of, allow_read=args.allow_read, lock=True)
    try:
        check_read_only(con, args.sql)
    except (duckdb.Error, NotReadOnly) as exc:
        raise CliError(f"query failed: {str(exc).splitlines()[0]}") from None
    columns, rows = fetch(con, args.sql)
    if columns:
        emit(columns, rows, args.format)
    return 0


def run_history(args: argparse.Namespace) -> int:
    from warehouse.snapshot import list_snapshots

    con = open_warehouse(args.settings)
    kept = list_snapshots(args.settings.warehouse)
    columns, rows = fetch(con, HISTORY_SQL, {"kept": kept})
    emit(columns, rows, args.format)
    return 0


def _frame_rows(frame) -> tuple[list[str], list[tuple]]:
    return [str(c) for c in frame.columns], list(frame.itertuples(index=False, name=None))


def run_explain(args: argparse.Namespace) -> int:
    from warehouse.explain import explain_contact

    con = open_warehouse(args.settings, args.as_of)
    found = pick_one(con, args.person)
    if len(found) > 1:
        raise ambiguous(con, args.person, found)
    x = explain_contact(con, found[0])
    sections = {
        "contact": x.contact,
        "records": x.records,
        "merges": x.merges,
        "kept_apart": x.kept_apart,
        "retired_ids": x.retired_ids,
    }
    if args.format == "json":
        print(to_json({k: records(*_frame_rows(f)) for k, f in sections.items()}))
        return 0
    if args.format == "csv":
        # One long table: a row per field of each record, merge and near miss.
        rows = []
        for section, frame in sections.items():
            columns, values = _frame_rows(frame)
            for i, row in enumerate(values):
                rows += [(found[0], section, i, c, v) for c, v in zip(columns, row, strict=True)]
        emit(["contact_id", "section", "item", "field", "value"], rows, "csv")
        return 0
    c = records(*_frame_rows(x.contact))[0]
    print(f"{c['display_name']}  ({c['contact_id']})")
    provenance = c["provenance"]
    pairs = provenance.items() if isinstance(provenance, dict) else provenance or []
    for field, record_id in pairs:
        print(f"  {field:<13} from record {record_id}")
    print()
    emit(
        *_frame_rows(x.records[["record_id", "source", "source_key", "display_name", "locator"]]),
        "table",
        title=f"{len(x.records)} source records:",
    )
    print()
    if len(x.merges):
        emit(*_frame_rows(x.merges), "table", title=f"merged because ({len(x.merges)} pairs):")
    else:
        print("merged because: (a single record)")
    if len(x.kept_apart):
        print()
        emit(
            *_frame_rows(x.kept_apart),
            "table",
            title=f"kept apart from ({len(x.kept_apart)} pairs):",
        )
    if len(x.retired_ids):
        print("\nearlier ids now pointing here: " + ", ".join(x.retired_ids["old_contact_id"]))
    return 0


__all__ = ["CliError", "register"]
