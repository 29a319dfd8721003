"""The `ties` command line: import, backfill, query, demo.

Errors end with a one-line reason and a non-zero exit status, never a traceback
(set TIES_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from pipelines.cli_support import CliError, open_warehouse
from pipelines.settings import ConfigError, load_settings
from transforms.resolve import OverridesError

# Modules that add subcommands through register(subparsers); see pipelines.cli_support.
COMMAND_MODULES: list[str] = [
    "pipelines.cli_report",
    "pipelines.cli_relationship",
    "pipelines.cli_verify",
    "pipelines.cli_jobs",
    "pipelines.cli_log",
]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO_INPUTS = [EXAMPLES / "linkedin", EXAMPLES / "vcard", EXAMPLES / "mail"]
# What `ties demo` adds to them: an older export (a job change), a calendar and the
# personal log (a meeting, and a follow-up due).
DEMO_EXTRAS = [EXAMPLES / "linkedin-2025", EXAMPLES / "calendar", EXAMPLES / "journal"]
DEMO_ME = ["alex.morgan@gmail.com", "alex@northwind.io", "https://www.linkedin.com/in/alexmorgan"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ties",
        description=("Turn LinkedIn exports, vCards and mail archives into one contact warehouse."),
    )
    sub = p.add_subparsers(dest="command", required=True)

    def add_run(name: str, help_: str) -> None:
        s = sub.add_parser(name, help=help_, description=help_)
        s.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="files, folders or zips (default: `inputs` from the config)",
        )
        s.add_argument(
            "--warehouse",
            help="warehouse directory (default: $TIES_WAREHOUSE, else ./ties-warehouse)",
        )
        s.add_argument(
            "--me",
            action="append",
            metavar="ADDRESS",
            help="your own e-mail address or LinkedIn URL (repeatable)",
        )
        s.add_argument(
            "--dask",
            metavar="ADDRESS",
            nargs="?",
            const="",
            help="run extract tasks on a Dask cluster (no address: a local cluster)",
        )
        s.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")
        s.add_argument("--json", action="store_true", help="print the run summary as JSON")

    add_run("import", "Incremental import: read new and changed inputs into the warehouse.")
    add_run("backfill", "Rebuild the warehouse from exactly these inputs, ignoring caches.")
    q = sub.add_parser("query", help="Run SQL over the warehouse tables (DuckDB).")
    q.add_argument("sql")
    q.add_argument("--warehouse")
    q.add_argument("--as-of", metavar="RUN_ID", help="read an older snapshot")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.add_argument(
        "--allow-read",
        action="append",
        default=[],
        metavar="PATH",
        help="also let the query read this file or folder of yours (repeatable; read-only)",
    )
    h = sub.add_parser("history", help="The runs of this warehouse, newest first.")
    h.add_argument("--warehouse")
    h.add_argument("--format", choices=["table", "csv", "json"], default="table")
    e = sub.add_parser("explain", help="Why a person's records were merged or kept apart.")
    e.add_argument("person", help="contact_id, e-mail, LinkedIn URL or part of the name")
    e.add_argument("--warehouse")
    e.add_argument("--as-of", metavar="RUN_ID", help="read an older snapshot")
    e.add_argument("--format", choices=["table", "json"], default="table")
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(sub)
    d = sub.add_parser("demo", help="Import the bundled examples/ into ./demo-warehouse.")
    d.add_argument("--warehouse", default="demo-warehouse")
    d.add_argument("-v", "--verbose", action="store_true")
    d.add_argument("--json", action="store_true")
    return p


def _run_flow(
    kind: str,
    paths: list[str],
    warehouse: str | None,
    me: list[str] | None,
    verbose: bool,
    as_json: bool,
    dask: str | None = None,
) -> int:
    overrides = {"task_runner": "dask", "dask_address": dask} if dask is not None else {}
    settings = load_settings(
        warehouse=warehouse, me=tuple(me or ()), inputs=tuple(paths), **overrides
    )
    if not settings.inputs:
        raise CliError("nothing to import: name files or folders, or set `inputs` in the config")
    for p in settings.inputs:
        if not Path(p).expanduser().exists():
            raise CliError(f"{p}: no such file or folder")
    from pipelines.prefect_env import configure_prefect

    configure_prefect(settings.warehouse, verbose)
    print(
        f"ties {kind}: {len(settings.inputs)} path(s) -> {settings.warehouse.resolve()} "
        "(starting Prefect...)",
        file=sys.stderr,
        flush=True,
    )
    from pipelines.prefect_env import start_run_server

    server = start_run_server(settings.warehouse)
    from pipelines.flows import backfill, import_contacts, task_runner_for
    from pipelines.progress import RunProgress
    from pipelines.progress import install as install_progress
    from pipelines.summary import summary_lines

    flow = import_contacts if kind == "import" else backfill
    flow = flow.with_options(task_runner=task_runner_for(settings))
    progress = RunProgress()
    install_progress(progress)
    try:
        with progress:
            summary = flow(
                inputs=list(settings.inputs),
                warehouse=str(settings.warehouse),
                me=list(settings.me),
            )
    finally:
        install_progress(None)
        if server is not None:
            server.stop()
    if as_json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print("\n".join(summary_lines(summary)))
    return 0


def _query(
    sql: str, warehouse: str | None, as_of: str | None, fmt: str, allow_read: list[str] = ()
) -> int:
    import duckdb

    from warehouse.read import NotReadOnly, check_read_only

    con = open_warehouse(warehouse, as_of, allow_read=allow_read, lock=True)
    try:
        check_read_only(con, sql)
        rel = con.sql(sql)
        if rel is None:
            return 0
        if fmt == "table":
            rel.show(max_rows=200, max_width=200)
            return 0
        df = rel.df()
    except (duckdb.Error, NotReadOnly) as exc:
        raise CliError(f"query failed: {str(exc).splitlines()[0]}") from None
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    else:
        print(df.to_json(orient="records", date_format="iso", indent=2))
    return 0


def _history(warehouse: str | None, fmt: str) -> int:
    from warehouse.snapshot import list_snapshots

    settings = load_settings(warehouse=warehouse)
    kept = list_snapshots(settings.warehouse)
    sql = f"""
        select run_id, flow, status, started_at, finished_at,
               counts['contacts'] as contacts, counts['interactions'] as interactions,
               counts['items_read'] as items_read, counts['rejects'] as rejects,
               list_contains({kept!r}::varchar[], run_id) as snapshot_kept
        from runs order by run_id desc"""
    return _query(sql, warehouse, None, fmt)


def _explain(person: str, warehouse: str | None, as_of: str | None, fmt: str) -> int:
    import pandas as pd

    from warehouse.explain import explain_contact, find_contacts

    con = open_warehouse(warehouse, as_of)
    found = find_contacts(con, person)
    if not found:
        raise CliError(f"no contact matches {person!r}")
    if len(found) > 1 and fmt == "table":
        names = con.execute(
            "select contact_id, display_name from contacts where list_contains($ids, contact_id)"
            " order by display_name",
            {"ids": found},
        ).fetchall()
        print(f"{len(found)} contacts match {person!r}; name one by its id:")
        for cid, name in names:
            print(f"  {cid}  {name}")
        return 0
    parts = [explain_contact(con, cid) for cid in found]
    if fmt == "json":
        out = [
            {
                k: json.loads(getattr(x, k).to_json(orient="records", date_format="iso"))
                for k in ("contact", "records", "merges", "kept_apart", "retired_ids")
            }
            for x in parts
        ]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    x = parts[0]
    with pd.option_context(
        "display.width", 200, "display.max_colwidth", 60, "display.max_rows", 200
    ):
        c = x.contact.iloc[0]
        print(f"{c['display_name']}  ({c['contact_id']})")
        provenance = c["provenance"]
        pairs = provenance.items() if isinstance(provenance, dict) else provenance or []
        for field, record_id in pairs:
            print(f"  {field:<13} from record {record_id}")
        print(f"\n{len(x.records)} source records:")
        print(
            x.records[["record_id", "source", "source_key", "display_name", "locator"]].to_string(
                index=False
            )
        )
        print(f"\nmerged because ({len(x.merges)} pairs):")
        print(x.merges.to_string(index=False) if len(x.merges) else "  (a single record)")
        if len(x.kept_apart):
            print(f"\nkept apart from ({len(x.kept_apart)} pairs):")
            print(x.kept_apart.to_string(index=False))
        if len(x.retired_ids):
            print("\nearlier ids now pointing here: " + ", ".join(x.retired_ids["old_contact_id"]))
    return 0


def main(argv: list[str] | None = None) -> int:
    # Everything ties writes is personal data: owner-only, whatever the user's umask.
    old_umask = os.umask(0o077)
    try:
        return _main(argv)
    finally:
        os.umask(old_umask)


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        if getattr(args, "handler", None) is not None:
            return args.handler(args)
        if args.command in ("import", "backfill"):
            return _run_flow(
                args.command,
                args.paths,
                args.warehouse,
                args.me,
                args.verbose,
                args.json,
                args.dask,
            )
        if args.command == "query":
            return _query(args.sql, args.warehouse, args.as_of, args.format, args.allow_read)
        if args.command == "history":
            return _history(args.warehouse, args.format)
        if args.command == "explain":
            return _explain(args.person, args.warehouse, args.as_of, args.format)
        if args.command == "demo":
            return _run_flow(
                "import",
                [str(p) for p in DEMO_INPUTS + DEMO_EXTRAS],
                args.warehouse,
                DEMO_ME,
                args.verbose,
                args.json,
            )
    except KeyboardInterrupt:
        print("ties: interrupted; the warehouse keeps its previous snapshot", file=sys.stderr)
        return 130
    except (CliError, ConfigError, OverridesError, FileNotFoundError) as exc:
        print(f"ties: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the user gets one line; TIES_DEBUG shows the traceback
        if os.environ.get("TIES_DEBUG"):
            raise
        from warehouse.lock import WarehouseBusy

        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if not isinstance(exc, WarehouseBusy):
            reason = f"{type(exc).__name__}: {reason} (TIES_DEBUG=1 shows details)"
        print(f"ties: error: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
