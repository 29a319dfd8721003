"""`ties report`: write the warehouse's HTML report (charts and lists) to one file."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli_support import CliError, add_warehouse_option, reading_warehouse
from pipelines.settings import Settings

DEFAULT_OUT = "ties-report.html"


def register(subparsers, settings: Settings) -> None:
    p = subparsers.add_parser(
        "report",
        help="Write a self-contained HTML report: charts, reconnect list, data quality.",
        description=(
            "Write one self-contained HTML file (no network needed to open it) with charts "
            "of your interactions, connections, source overlap and tie strength, the people "
            "due a reconnect, and the data quality of the last import."
        ),
    )
    add_warehouse_option(p, settings)
    p.add_argument("--as-of", metavar="RUN_ID", help="report on an older snapshot")
    p.add_argument(
        "--out",
        metavar="FILE",
        default=DEFAULT_OUT,
        help=f"the HTML file to write (default: ./{DEFAULT_OUT}); readable by you only",
    )
    p.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    from report import write_report
    from warehouse.read import NoSnapshot

    settings = args.settings
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise CliError(f"{out}: is a folder; name the HTML file to write")
    try:
        path = write_report(reading_warehouse(settings), out, as_of=args.as_of)
    except NoSnapshot as exc:
        raise CliError(str(exc)) from None
    print(f"report: {path.resolve()}")
    return 0
