"""run_import: the one path from files to tables, for the CLI, the flows, tests and benchmarks.

plan -> extract -> assemble -> commit, under the warehouse's writer lock, with the
checks that must fail before hours of extraction (the schema of the current
snapshot, the overrides file). The Prefect flows in pipelines.flows wrap it: they
pass their own ``extract_all`` (one mapped task per input) and ``commit`` (a task);
everything else, and so everything tests and benchmarks exercise, is this module.

The enrich stage itself is transforms.assemble, a pure function; this module only
loads what it needs (extracts, the previous snapshot) and stores what it returns.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from connectors.base import ReadOptions
from connectors.identity import Me
from pipelines.input_state import InputState, save_state
from pipelines.phone_region import run_phone_region
from pipelines.settings import Settings
from pipelines.steps import (
    InputResult,
    Plan,
    extract_input,
    new_run_id,
    plan_inputs,
)
from pipelines.user_settlement import settle_user
from transforms.assemble import (
    InputOutcome,
    Policies,
    PreviousSnapshot,
    ReusedPeople,
    RunInfo,
    assemble_tables,
)
from transforms.resolve import load_overrides
from warehouse.extract_store import load_extract
from warehouse.faults import check_writable, write_failure
from warehouse.ids import stable_id
from warehouse.layout import Layout
from warehouse.lock import warehouse_lock
from warehouse.read import read_snapshot_table
from warehouse.snapshot import check_schema_version, commit_snapshot, read_manifest
from warehouse.verify import base_snapshot

# mode -> (the flow name the runs table records, incremental?)
MODES = {"import": ("import_contacts", True), "backfill": ("backfill", False)}

ExtractAll = Callable[[Plan, Path, ReadOptions], list[InputResult]]


@dataclass(frozen=True)
class CommitJob:
    """Everything the assemble-and-commit step needs, as one value (a Prefect task argument)."""

    settings: Settings
    warehouse: Path
    run: RunInfo
    incremental: bool
    results: list[InputResult]
    unknown: list[tuple[str, str]]
    overrides_file: Path | None
    # The snapshot the run builds on (warehouse.verify.base_snapshot): `current`, or the
    # newest intact one when `current` is damaged, which ``warnings`` then say.
    base: Path | None = None
    warnings: tuple[str, ...] = ()


def extract_serially(plan: Plan, warehouse: Path, options: ReadOptions) -> list[InputResult]:
    """Every input of the plan, one after the other, in plan order."""
    return [extract_input(item, warehouse, options) for item in plan.inputs + plan.carried]


def read_options(settings: Settings) -> ReadOptions:
    """What the connectors are told: the user's addresses as given, and the phone region."""
    return ReadOptions(me=Me.of(settings.me).identifiers, default_region=settings.default_region)


def run_import(
    settings: Settings,
    mode: str = "import",
    *,
    flow: str | None = None,
    extract_all: ExtractAll = extract_serially,
    commit: Callable[[CommitJob], dict] | None = None,
) -> dict:
    """Import ``settings.inputs`` into ``settings.warehouse`` and return the run summary.

    Args:
        settings: the run's settings, resolved once by the caller.
        mode: ``import`` (incremental: unchanged inputs come from the extract cache,
            inputs of earlier runs are kept) or ``backfill`` (exactly these inputs,
            every one read again; contact ids are kept).
        flow: the name the runs table records (default: the mode's flow name).
        extract_all: how the planned inputs are read (the flows map them on tasks).
        commit: how the assemble-and-commit step is run (the flows make it a task).

    Raises:
        ValueError: no inputs, or an unknown mode.
        WarehouseBusy: another run holds the warehouse.
        IncompatibleWarehouse: the current snapshot has a schema this code cannot read.
        OverridesError, ConfigError: the overrides file is broken or missing.
    """
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: use one of {sorted(MODES)}")
    if not settings.inputs:
        raise ValueError("no inputs given: name files or folders, or set `inputs` in config")
    flow_name, incremental = MODES[mode]
    started_at = datetime.now(UTC)
    run = RunInfo(new_run_id(started_at), flow or flow_name, started_at)
    warehouse = settings.warehouse.resolve()
    check_writable(warehouse)  # a read-only or full warehouse fails now, in one line
    with warehouse_lock(warehouse, settings.lock_wait_seconds):
        base = base_snapshot(warehouse)  # damaged `current`: the newest intact one, or stop
        if base.path is not None:
            check_schema_version(base.path)  # before hours of extraction, not after
        if (overrides_file := settings.overrides_file()) is not None:
            load_overrides(overrides_file)  # a broken file fails now, not after extraction
        options = read_options(settings)
        plan = plan_inputs(list(settings.inputs), warehouse, incremental, options)
        results = extract_all(plan, warehouse, options)
        # Who the user is, once for the run over every mailbox (after the cache).
        results = settle_user(plan, results, warehouse, options, incremental, extract_all)
        job = CommitJob(
            settings,
            warehouse,
            run,
            incremental,
            results,
            plan.unknown,
            overrides_file,
            base.path,
            tuple(base.warnings),
        )
        return (commit or commit_run)(job)


def user_identifiers(given: tuple[str, ...], hints: list[str]) -> frozenset[str]:
    """The user's own addresses and profile URLs, normalised: the given ones and the hints.

    --me (or the config) adds to what the run's LinkedIn exports name (DESIGN: Command
    line), so both are the user.
    """
    return Me.of([*given, *hints]).identifiers


def code_fingerprint() -> str:
    """Changes whenever the code or data that resolves people changes (transforms/)."""
    root = Path(__file__).resolve().parent.parent / "transforms"
    files = sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".csv", ".txt")
    )
    return stable_id(*(p.read_bytes() for p in files), length=24)


def resolution_key(
    results: list[InputResult],
    unknown: list[tuple[str, str]],
    me_ids: frozenset[str],
    default_region: str,
    overrides_file: Path | None,
) -> str:
    """What the people of a snapshot depend on: the same key means the same resolution."""
    overrides = overrides_file.read_bytes() if overrides_file else b""
    return stable_id(
        *sorted(r.extract_key for r in results if r.error is None),
        *sorted(f"{r.path}|{r.error}" for r in results if r.error is not None),
        *sorted(f"{p}|{w}" for p, w in unknown),
        *sorted(me_ids),
        default_region,
        overrides,
        code_fingerprint(),
        length=24,
    )


def load_previous(current: Path | None, reuse_people: bool) -> PreviousSnapshot:
    """What the run needs of the snapshot it builds on; its people too when they are reused."""
    if current is None:
        return PreviousSnapshot()
    check_schema_version(current)
    recs = read_snapshot_table(current, "source_records", ["record_id", "contact_id"])
    contacts = read_snapshot_table(current, "contacts", ["contact_id", "created_run_id"])
    id_map = read_snapshot_table(current, "contact_id_map").to_pandas()
    runs = read_snapshot_table(current, "runs").to_pylist()
    people = None
    if reuse_people:
        people = ReusedPeople(
            **{
                name: read_snapshot_table(current, name).to_pandas(types_mapper=pd.ArrowDtype)
                for name in ("source_records", "matches", "rejects", "interactions", "contacts")
            }
        )
    return PreviousSnapshot(
        contact_of=dict(
            zip(
                recs.column("record_id").to_pylist(),
                recs.column("contact_id").to_pylist(),
                strict=True,
            )
        ),
        created_run=dict(
            zip(
                contacts.column("contact_id").to_pylist(),
                contacts.column("created_run_id").to_pylist(),
                strict=True,
            )
        ),
        contact_id_map=id_map,
        runs=runs,
        people=people,
        # Dated pictures of where people work, remembered from snapshot to snapshot.
        positions=_previous_positions(current),
    )


def _previous_positions(current: Path) -> pd.DataFrame | None:
    """The snapshot's dated pictures of where people work; None before they existed."""
    try:
        table = read_snapshot_table(current, "positions")
    except FileNotFoundError:
        return None
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def commit_run(job: CommitJob) -> dict:
    """Assemble every table from the extracts and the current snapshot; commit them.

    When nothing that resolution depends on changed since the current snapshot (same
    cached extracts, user addresses, region, overrides and code), an incremental run
    reuses its people and computes only the time-dependent relationship signals again:
    the daily scheduled run with nothing new. A backfill always rebuilds.

    Returns:
        The run summary (counts per table and per input) as a plain dict.
    """
    settings, warehouse, results = job.settings, job.warehouse, job.results
    ok = [r for r in results if r.error is None]
    layout = Layout(warehouse)
    metas = [load_extract(layout.extract(r.extract_key), tables=False) for r in ok]
    me_ids = user_identifiers(settings.me, [h for e in metas for h in e.me_hints])
    phones = run_phone_region(
        (m.user_region for m in metas if m.connector == "linkedin"), settings.default_region
    )
    key = resolution_key(results, job.unknown, me_ids, phones.region, job.overrides_file)
    current = job.base if job.base is not None else base_snapshot(warehouse).path
    reuse = (
        job.incremental
        and current is not None
        and read_manifest(current).get("resolution_key") == key
    )
    previous = load_previous(current, reuse_people=reuse)
    # Counts only when the people are reused; the extracts' tables when they are resolved.
    extract_of = {
        r.path: m if reuse else load_extract(layout.extract(r.extract_key))
        for r, m in zip(ok, metas, strict=True)
    }
    outcomes = [
        InputOutcome(
            r.path, r.connector, r.fingerprint, r.from_cache, r.error, extract_of.get(r.path)
        )
        for r in results
    ] + [InputOutcome(p, "unknown", None, error=why) for p, why in job.unknown]
    policies = Policies(
        me_ids=me_ids,
        default_region=phones.region,
        as_of=settings.as_of or job.run.started_at,
        overrides=load_overrides(job.overrides_file) if job.overrides_file and not reuse else None,
        relationships=settings.relationship_policy(),
    )
    assembled = assemble_tables(outcomes, previous, policies, job.run)
    snapshot = commit_snapshot(
        warehouse,
        job.run.run_id,
        assembled.tables,
        keep=settings.keep_snapshots,
        manifest_extra={"resolution_key": key},
    )
    try:
        save_state(
            layout.inputs_state,
            {
                r.path: InputState(r.connector, r.fingerprint, r.extract_key, tuple(r.user_ids))
                for r in ok
            },
        )
    except OSError as exc:
        raise write_failure(warehouse, exc, "saving state/inputs.json", committed=True) from None
    _drop_unused_extracts(warehouse, {k for r in ok for k in (r.extract_key, r.guess_key) if k})

    records = assembled.source_records
    sources = records.groupby("source")["contact_id"].nunique().to_dict() if len(records) else {}
    return {
        "run_id": job.run.run_id,
        "flow": job.run.flow,
        "warehouse": str(warehouse),
        "snapshot": str(snapshot),
        "seconds": round((assembled.finished_at - job.run.started_at).total_seconds(), 2),
        "counts": assembled.counts,
        "people_by_source": {k: int(v) for k, v in sorted(sources.items())},
        "inputs": assembled.inputs,
        "errors": [r.error for r in results if r.error] + [f"{p}: {w}" for p, w in job.unknown],
        "warnings": [*job.warnings, *(r.warning for r in results if r.warning)],
        "me": sorted(me_ids),
        "you": _whence_me(settings.me, results, metas),
        "reject_reasons": _top_reasons(assembled.rejects),
        "phone_region": {"region": phones.region, "source": phones.source},
        # Files inside inputs deliberately not read (an export's other CSVs), with why.
        "not_read": {
            r.path: m.files_not_read for r, m in zip(ok, metas, strict=True) if m.files_not_read
        },
    }


def _whence_me(me: tuple[str, ...], results: list[InputResult], metas: list) -> dict:
    """Where the user's identifiers of this run came from, for the summary.

    ``given`` (--me or the config), ``linkedin`` (hints from the run's LinkedIn exports;
    ``inferred`` then lists what mailboxes added) or ``inferred`` (per mailbox).
    """
    hints = sorted({h for r in results for h in r.user_ids})
    if me:
        added = sorted(set(hints) - set(Me.of(me).identifiers) - set(me))
        given = {"source": "given", "identifiers": sorted(set(me))}
        return {**given, "linkedin": added} if added else given
    mailboxes = {h for e in metas if e.connector == "mail" for h in e.me_hints}
    if hints:
        return {
            "source": "linkedin",
            "identifiers": hints,
            "inferred": sorted(mailboxes - set(hints)),
        }
    return {"source": "inferred", "identifiers": sorted(mailboxes)}


def _top_reasons(rejects: pd.DataFrame, n: int = 5) -> list[tuple[str, int]]:
    """The most frequent reject reasons, for the run summary."""
    if rejects.empty:
        return []
    counts = rejects["reason"].astype(str).value_counts()
    return [(str(reason), int(k)) for reason, k in counts.head(n).items()]


def _drop_unused_extracts(warehouse: Path, keep: set[str]) -> None:
    cache = Layout(warehouse).extracts
    if not cache.is_dir():
        return
    for child in cache.iterdir():
        if child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
