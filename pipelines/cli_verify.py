"""`ties verify [--repair]`: check every snapshot against its manifest, and the state files."""

from __future__ import annotations

import argparse

from pipelines.cli_support import add_warehouse_option
from pipelines.settings import Settings


def register(subparsers, settings: Settings) -> None:
    p = subparsers.add_parser(
        "verify",
        help="Check every snapshot against its manifest (rows, checksums) and the state files.",
        description=(
            "Check each table of every snapshot against the row count and sha256 its commit "
            "recorded, that `current` points at an intact snapshot, and that state/inputs.json "
            "is readable. Exit status 1 when anything is damaged. With --repair, set damaged "
            "snapshots aside (snapshots/.damaged-RUN), point `current` at the newest intact "
            "one, and rebuild state/inputs.json from the cached extracts."
        ),
    )
    add_warehouse_option(p, settings)
    p.add_argument("--repair", action="store_true", help="fix what can be fixed (see above)")
    p.set_defaults(handler=run_verify)


def _print(found, warehouse) -> None:
    print(f"warehouse: {warehouse}")
    for run_id, problems in sorted(found.snapshots.items(), reverse=True):
        mark = " (current)" if run_id == found.current else ""
        if not problems:
            print(f"  ok       {run_id}{mark}")
        for problem in problems:
            print(f"  DAMAGED  {run_id}{mark}: {problem}")
    for problem in found.state:
        print(f"  DAMAGED  {problem}")
    if not found.snapshots and not found.state:
        print("  no snapshots yet")


def run_verify(args: argparse.Namespace) -> int:
    from warehouse.lock import warehouse_lock
    from warehouse.verify import repair_command, repair_warehouse, verify_warehouse

    settings = args.settings
    warehouse = settings.warehouse.resolve()
    if args.repair:
        with warehouse_lock(warehouse, settings.lock_wait_seconds):
            for line in repair_warehouse(warehouse):
                print(f"repaired: {line}")
    found = verify_warehouse(warehouse)
    _print(found, warehouse)
    if not found.ok and not args.repair:
        print(f"damaged: `{repair_command(warehouse)}` sets it aside and repoints `current`")
    return 0 if found.ok else 1
