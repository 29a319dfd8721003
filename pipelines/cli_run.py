"""`ties import`, `ties backfill` and `ties demo`: the commands that run the Prefect flows.

Everything that can be checked without Prefect is checked first (the config, the
inputs, the overrides file, the warehouse), so a mistake costs a second, not Prefect's
start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from pipelines.cli_support import (
    DEMO_WAREHOUSE,
    CliError,
    add_format_option,
    add_warehouse_option,
)
from pipelines.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO_INPUTS = [EXAMPLES / "linkedin", EXAMPLES / "vcard", EXAMPLES / "mail"]
DEMO_ME = ["alex.morgan@gmail.com", "alex@northwind.io", "https://www.linkedin.com/in/alexmorgan"]
# What `ties demo` adds to them: an older export (a job change), a calendar and the
# personal log (a meeting, and a follow-up due).
DEMO_EXTRAS = [EXAMPLES / "linkedin-2025", EXAMPLES / "calendar", EXAMPLES / "journal"]


def demo_today() -> datetime:
    """The demo's "now": the day the sample was made (examples/truth.json), not today.

    The sample's dates are fixed, so lists measured from the real today would empty
    out as the sample ages; measured from its own day they stay as documented.
    """
    truth = json.loads((EXAMPLES / "truth.json").read_text())
    return datetime.fromisoformat(truth["now"])


def register(sub, settings: Settings) -> None:
    for name, help_, description in (
        (
            "import",
            "Incremental import: read new and changed inputs into the warehouse.",
            "Read new and changed files, folders and zips (LinkedIn exports, vCards, "
            "mailboxes) into the warehouse; unchanged ones come from the cache.",
        ),
        (
            "backfill",
            "Rebuild the warehouse from exactly these inputs, ignoring caches.",
            "Rebuild every table from exactly these inputs, reading each again; "
            "people who did not change keep their contact_id.",
        ),
    ):
        s = sub.add_parser(name, help=help_, description=description)
        configured = (
            f"{len(settings.inputs)} path(s) from {settings.config_file or 'TIES_INPUTS'}"
            if settings.inputs
            else "none configured"
        )
        s.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help=f"files, folders or zips (default: `inputs` of the config: {configured})",
        )
        add_warehouse_option(s, settings)
        me_now = f"{len(settings.me)} configured" if settings.me else "none configured"
        s.add_argument(
            "--me",
            action="append",
            metavar="ADDRESS",
            help="your own e-mail address or LinkedIn URL, added to the configured ones "
            f"({me_now}) and those a LinkedIn export names (repeatable)",
        )
        s.add_argument(
            "--dask",
            metavar="ADDRESS",
            nargs="?",
            const="",
            help="run extract tasks on a Dask cluster (no address: a local cluster; "
            f"configured: {settings.task_runner})",
        )
        s.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")
        add_format_option(s, ("text", "json"))
        s.set_defaults(handler=run_import_command, kind=name)

    d = sub.add_parser(
        "demo",
        help="Import the bundled examples/ into ./demo-warehouse.",
        description="Import the bundled sample (examples/) into ./demo-warehouse, measured "
        f"as of the sample's own day ({demo_today():%Y-%m-%d}) so its lists do not go "
        "stale. Reading commands use ./demo-warehouse until ./ties-warehouse exists.",
    )
    d.add_argument(
        "--warehouse",
        metavar="DIR",
        default=DEMO_WAREHOUSE,
        help=f"where to write the demo (default: ./{DEMO_WAREHOUSE})",
    )
    d.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")
    add_format_option(d, ("text", "json"))
    d.set_defaults(handler=run_demo, kind="import", paths=[], me=None, dask=None)


def run_demo(args: argparse.Namespace) -> int:
    base: Settings = args.settings
    settings = Settings(
        warehouse=Path(args.warehouse),
        me=tuple(DEMO_ME),
        inputs=tuple(str(p) for p in DEMO_INPUTS + DEMO_EXTRAS),
        as_of=demo_today(),
        warehouse_from="flag",
        config_file=base.config_file,
    )
    print(
        f"ties demo: the sample as of {settings.as_of:%Y-%m-%d}, the day it was made "
        "(its lists are measured from then, not from today)",
        file=sys.stderr,
    )
    return _run_flow("import", settings, args.verbose, args.format)


def run_import_command(args: argparse.Namespace) -> int:
    from pipelines.warm_client import run_in_runner

    # With `ties server start` up, a process that has imported Prefect and pandas
    # already runs this very command in a fork (pipelines/warm_runner.py).
    if (code := run_in_runner(args.settings.warehouse, args.argv)) is not None:
        return code
    return _run_flow(args.kind, args.settings, args.verbose, args.format)


def check_before_prefect(settings: Settings) -> list[str]:
    """What would fail the run, found before Prefect starts; returns warnings to print.

    Raises:
        CliError: no inputs, an input that does not exist, every input an empty folder,
            a warehouse path that is a file, a broken overrides file or a snapshot of a
            newer schema.
    """
    if not settings.inputs:
        raise CliError("nothing to import: name files or folders, or set `inputs` in the config")
    warnings = []
    empty = []
    for p in settings.inputs:
        path = Path(p).expanduser()
        if not path.exists():
            raise CliError(f"{p}: no such file or folder")
        if path.is_dir() and not any(f.is_file() for f in path.rglob("*")):
            empty.append(p)
            warnings.append(f"{p}: empty folder, nothing to read there")
    if len(empty) == len(settings.inputs):
        raise CliError(f"nothing to import: {', '.join(empty)} holds no files")
    wh = settings.warehouse.expanduser()
    if wh.exists() and not wh.is_dir():
        raise CliError(f"{wh}: is a file; --warehouse names a folder")
    from warehouse.faults import check_writable

    check_writable(wh.resolve())  # a read-only warehouse: one line now, not a hang later
    if (overrides := settings.overrides_file()) is not None:
        from transforms.resolve import load_overrides

        load_overrides(overrides)
    from warehouse.snapshot import check_schema_version, current_snapshot

    if wh.is_dir() and (current := current_snapshot(wh)) is not None:
        check_schema_version(current)
    return warnings


def _run_flow(kind: str, settings: Settings, verbose: bool, fmt: str) -> int:
    for warning in check_before_prefect(settings):
        print(f"ties: warning: {warning}", file=sys.stderr)
    from pipelines import warm_client
    from pipelines.prefect_env import configure_prefect, settle_imported_prefect, start_run_server
    from pipelines.ties_server import find_server

    if "PREFECT_API_URL" not in os.environ and (found := find_server(settings.warehouse)):
        os.environ["PREFECT_API_URL"] = found.url  # `ties server start` of this warehouse
    configure_prefect(settings.warehouse, verbose)
    url = os.environ.get("PREFECT_API_URL")
    where = f"Prefect at {url}" if url else "starting a temporary Prefect server..."
    if not warm_client.DELEGATE:
        where += ", in the warm runner"
    print(
        f"ties {kind}: {len(settings.inputs)} path(s) -> {settings.warehouse.resolve()} ({where})",
        file=sys.stderr,
        flush=True,
    )
    from pipelines.run_log import open_run_log

    # The run's server stops at exit, after Prefect has sent its last logs and events
    # (which it does at exit too, registered later, so run first): stopping it when the
    # flow returns would leave those with nobody to send them to. None when one is up.
    start_run_server(settings.warehouse)
    open_run_log(settings.warehouse.resolve())
    settle_imported_prefect()
    from pipelines.cli_output import to_json
    from pipelines.flows import backfill, import_contacts, task_runner_for
    from pipelines.progress import RunProgress
    from pipelines.progress import install as install_progress
    from pipelines.settings import use_settings
    from pipelines.summary import summary_lines

    flow = import_contacts if kind == "import" else backfill
    flow = flow.with_options(task_runner=task_runner_for(settings))
    progress = RunProgress()
    install_progress(progress)
    try:
        with progress, use_settings(settings):
            # No parameters: the flow takes the settings resolved here, so the flow run
            # Prefect stores (and serves) holds no input path and no address of yours.
            summary = flow()
    finally:
        install_progress(None)
    if fmt == "json":
        print(to_json(summary))
    else:
        print("\n".join(summary_lines(summary)))
    return 0
