"""The import as plain functions: plan the inputs, extract one input, build and commit a snapshot.

Prefect tasks in pipelines.flows call these; tests call them directly.
"""

from __future__ import annotations

import logging
import shutil
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.base import (
    AccountingError,
    ReadOptions,
    UnreadableInput,
    frame_from_rows,
    stable_id,
)
from connectors.identity import Me
from connectors.journal import FILE_NAME as JOURNAL_FILE
from connectors.registry import Input, discover, reader, user_identifiers
from pipelines.input_state import InputState, extract_key, fingerprint, load_state, save_state
from transforms.contact_ids import assign_contact_ids
from transforms.golden import build_golden
from transforms.job_changes import job_tables
from transforms.name_only import attach_name_only
from transforms.normalise import normalise_records
from transforms.organisation import organisation_signals
from transforms.relationship import RelationshipPolicy, analyse_relationships
from transforms.resolve import load_overrides, resolve
from warehouse import schema
from warehouse.extract_store import is_complete, load_extract, save_extract
from warehouse.read import NoSnapshot, read_table
from warehouse.snapshot import (
    check_schema_version,
    commit_snapshot,
    current_snapshot,
    read_manifest,
)

log = logging.getLogger("ties")


@dataclass
class PlannedInput:
    """An input of this run: where it is, who reads it, and whether its cache is fresh.

    ``me_hints`` are the run's hints of who the user is (no --me given): part of the
    extract key and handed to the connector. ``user_ids`` are those this input names
    itself (a LinkedIn export), remembered for the runs after it is gone.
    """

    path: str
    connector: str
    fingerprint: str
    extract_key: str
    cached: bool
    me_hints: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()


@dataclass
class InputResult:
    """What extracting one input gave: counts and where the extract was cached."""

    path: str
    connector: str
    fingerprint: str
    extract_key: str
    from_cache: bool
    error: str | None = None
    seconds: float = 0.0
    user_ids: tuple[str, ...] = ()


@dataclass
class Plan:
    inputs: list[PlannedInput]
    unknown: list[tuple[str, str]]
    # Inputs of earlier runs that were not named again: kept from their cached extract.
    carried: list[PlannedInput] = field(default_factory=list)
    # Who the user is by the LinkedIn exports of the run, when no --me is given.
    me_hints: tuple[str, ...] = ()


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def extracts_dir(warehouse: Path) -> Path:
    return warehouse / "state" / "extracts"


def plan_inputs(
    paths: list[str], warehouse: Path, incremental: bool, options: ReadOptions | None = None
) -> Plan:
    """Discover the inputs and decide which can be taken from the cache.

    Incremental runs also re-check every input imported before: one that still exists
    is read again if it changed; one that is gone keeps its last extract until a
    backfill. Backfills read exactly the given inputs, ignoring caches.

    Without ``options.me``, the user's identifiers named by the run's LinkedIn exports
    (Profile and Email Addresses, read again each run; those of a carried export as
    remembered) are hints for every connector, sorted so that the same inputs give the
    same extract keys. They change the keys, so a new hint re-reads what it may change.
    """
    options = options or ReadOptions()
    # The personal log (`ties log`) lives in the warehouse and is read on every run.
    journal = warehouse / JOURNAL_FILE
    if journal.is_file() and str(journal.resolve()) not in {str(Path(p).resolve()) for p in paths}:
        paths = [*paths, str(journal)]
    found = discover(paths)
    previous = load_state(warehouse / "state") if incremental else {}
    cache = extracts_dir(warehouse)
    items: list[Input] = list(found.inputs)
    named = {str(i.path) for i in items}
    carried: list[PlannedInput] = []
    for path, st in sorted(previous.items()):
        if path in named:
            continue
        if Path(path).exists():
            items.append(Input(Path(path), st.connector))
        elif is_complete(cache / st.extract_key):
            carried.append(
                PlannedInput(
                    path, st.connector, st.fingerprint, st.extract_key, True, user_ids=st.me_hints
                )
            )
    user_ids = {str(i.path): tuple(user_identifiers(i.connector, i.path)) for i in items}
    hints: tuple[str, ...] = ()
    if not options.me:
        gathered = {h for ids in user_ids.values() for h in ids}
        gathered.update(h for c in carried for h in c.user_ids)
        hints = tuple(sorted(gathered | options.me_hints))
        options = replace(options, me_hints=frozenset(hints))
    for c in carried:
        c.me_hints = hints
    planned: list[PlannedInput] = []
    for item in items:
        fp = fingerprint(item.path)
        key = extract_key(item.path, item.connector, fp, options)
        cached = incremental and is_complete(cache / key)
        ids = user_ids.get(str(item.path), ())
        planned.append(PlannedInput(str(item.path), item.connector, fp, key, cached, hints, ids))
    unknown = [(str(p), why) for p, why in found.unknown]
    return Plan(inputs=planned, unknown=unknown, carried=carried, me_hints=hints)


def extract_input(item: PlannedInput, warehouse: Path, options: ReadOptions) -> InputResult:
    """Read one input with its connector and cache the extract; never raises for bad data.

    A file no connector can read, or a connector bug, becomes an error result that
    names the file; the rest of the run goes on. Without ``options.me`` the connector
    gets the hints the input was planned with, as its extract key does.
    """
    started = time.perf_counter()
    result = InputResult(
        item.path,
        item.connector,
        item.fingerprint,
        item.extract_key,
        from_cache=item.cached,
        user_ids=tuple(item.user_ids),
    )
    if item.cached:
        return result
    if not options.me:
        options = replace(options, me_hints=frozenset(item.me_hints))
    try:
        extract = reader(item.connector)(Path(item.path), options)
        save_extract(extract, extracts_dir(warehouse) / item.extract_key)
    except UnreadableInput as exc:
        result.error = str(exc)
    except AccountingError as exc:
        result.error = f"internal error, items not accounted for: {exc}"
    except OSError as exc:
        result.error = f"{item.path}: cannot be read: {exc.strerror or exc}"
    except Exception as exc:  # a connector bug must not take the run down with it
        log.debug("connector failure on %s\n%s", item.path, traceback.format_exc())
        result.error = (
            f"{item.path}: internal error in the {item.connector} connector: "
            f"{type(exc).__name__}: {exc}"
        )
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _me_identifiers(settings_me: tuple[str, ...], hints: list[str]) -> set[str]:
    """The user's own addresses and profile URLs, normalised; hints only without --me."""
    return set(Me.of(settings_me or hints).identifiers)


def _previous(warehouse: Path) -> tuple[dict, dict, pd.DataFrame, pd.DataFrame]:
    """record->contact ids, contact->created run, contact_id_map and runs of `current`."""
    current = current_snapshot(warehouse)
    if current is not None:
        check_schema_version(current)
    try:
        recs = read_table(warehouse, "source_records").select(["record_id", "contact_id"])
        contacts = read_table(warehouse, "contacts").select(["contact_id", "created_run_id"])
        id_map = read_table(warehouse, "contact_id_map").to_pandas()
        runs = read_table(warehouse, "runs").to_pylist()
    except (NoSnapshot, FileNotFoundError):
        return {}, {}, pd.DataFrame(columns=["old_contact_id", "contact_id", "run_id"]), []
    contact_of = dict(
        zip(
            recs.column("record_id").to_pylist(), recs.column("contact_id").to_pylist(), strict=True
        )
    )
    created = dict(
        zip(
            contacts.column("contact_id").to_pylist(),
            contacts.column("created_run_id").to_pylist(),
            strict=True,
        )
    )
    return contact_of, created, id_map, runs


def _to_arrow(frame: pd.DataFrame, arrow_schema: pa.Schema) -> pa.Table:
    fields = [f for f in arrow_schema if f.name in frame.columns]
    if frame.empty:  # columns of an empty frame may have lost their types (float64)
        return pa.schema(fields).empty_table()
    return pa.Table.from_pandas(
        frame[[f.name for f in fields]], schema=pa.schema(fields), preserve_index=False
    )


def _identity(golden: pd.DataFrame, records: pd.DataFrame, me_ids: set[str]) -> pd.DataFrame:
    """Golden records with organisation signals: everything about a person but the timing.

    A company inferred from a work e-mail domain is traced to the record with that
    address in ``provenance``; a person without a name is shown by address or profile.
    """
    org = organisation_signals(golden, records, me_ids)
    contacts = golden.drop(columns="company").merge(org, on="contact_id", how="left")
    contacts["provenance"] = [
        [*p, ("company", rid)] if src == "email_domain" and isinstance(rid, str) else p
        for p, src, rid in zip(
            contacts["provenance"],
            contacts["company_source"],
            contacts["company_record_id"],
            strict=True,
        )
    ]
    contacts["display_name"] = [
        n if isinstance(n, str) else (es[0] if len(es) else u)
        for n, es, u in zip(
            contacts["display_name"], contacts["emails"], contacts["linkedin_url"], strict=True
        )
    ]
    return contacts


def _with_signals(identity: pd.DataFrame, signals: pd.DataFrame) -> pd.DataFrame:
    """Identity rows joined with the relationship signals, gaps filled.

    People without interactions get zero counts, tie_class ``none`` and no tie_strength.
    """
    contacts = identity.drop(
        columns=[c for c in signals.columns if c != "contact_id" and c in identity.columns]
    ).merge(signals, on="contact_id", how="left")
    for f in schema.CONTACTS:
        if f.name in signals.columns and pa.types.is_integer(f.type):
            if f.name == "reconnect_rank":
                contacts[f.name] = contacts[f.name].astype("Int64")
            else:
                contacts[f.name] = contacts[f.name].fillna(0).astype("int64")
    contacts["reconnect_due"] = contacts["reconnect_due"].astype("boolean").fillna(False)
    contacts["reconnect_due"] = contacts["reconnect_due"].astype(bool)
    contacts["tie_class"] = contacts["tie_class"].fillna("none")
    return contacts


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
    me_ids: set[str],
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


def _read_frame(snapshot: Path, name: str) -> pd.DataFrame:
    return pq.read_table(snapshot / f"{name}.parquet").to_pandas(types_mapper=pd.ArrowDtype)


def _previous_frame(snapshot: Path | None, name: str) -> pd.DataFrame | None:
    """A table of the previous snapshot, or None when it has none (older snapshots)."""
    if snapshot is None or not (snapshot / f"{name}.parquet").exists():
        return None
    return _read_frame(snapshot, name)


def _with_rows(matches: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """The matches table with extra decided pairs (name-only attachments)."""
    if not rows:
        return matches
    extra = frame_from_rows(rows, schema.MATCHES)
    return pd.concat([matches, extra], ignore_index=True) if len(matches) else extra


def _successors(id_map_rows: list[dict]) -> dict[str, str]:
    return {r["old_contact_id"]: r["contact_id"] for r in id_map_rows}


def _combine(results, unknown, extracts, me_ids, default_region):
    """Records (normalised, without the user), raw interactions and rejects of all inputs."""
    records = (
        pd.concat([e.records for e in extracts], ignore_index=True)
        if extracts
        else frame_from_rows([], schema.RECORDS)
    )
    interactions = (
        pd.concat([e.interactions for e in extracts], ignore_index=True)
        if extracts
        else frame_from_rows([], schema.INTERACTIONS)
    )
    reject_rows = [
        {
            "source": r.connector,
            "source_file": r.path,
            "locator": "file",
            "reason": r.error,
            "excerpt": "",
        }
        for r in results
        if r.error is not None
    ] + [
        {"source": "unknown", "source_file": p, "locator": "file", "reason": why, "excerpt": ""}
        for p, why in unknown
    ]
    rejects = pd.concat(
        [*(e.rejects for e in extracts), frame_from_rows(reject_rows, schema.REJECTS)],
        ignore_index=True,
    )
    records = normalise_records(records, default_region)
    # The user is never a contact, whatever source mentions them.
    is_me = [
        bool(me_ids & ({u} if isinstance(u, str) else set()) | (me_ids & set(es or [])))
        for u, es in zip(records["linkedin_url"].tolist(), records["emails"].tolist(), strict=True)
    ]
    # A boolean array, not a Series: an empty Series would select columns, not rows.
    records = records.loc[~np.array(is_me, dtype=bool)].reset_index(drop=True)
    records = records.sort_values("record_id", kind="stable").reset_index(drop=True)
    return records, interactions, rejects


def build_snapshot(
    *,
    warehouse: Path,
    run_id: str,
    flow: str,
    started_at: datetime,
    results: list[InputResult],
    unknown: list[tuple[str, str]],
    me: tuple[str, ...],
    default_region: str,
    keep_snapshots: int,
    as_of: datetime | None,
    overrides_file: Path | None = None,
    incremental: bool = True,
    relationship_settings: dict | None = None,
) -> dict:
    """Combine the extracts, resolve people, enrich, and commit one snapshot.

    When nothing that resolution depends on changed since the current snapshot (same
    cached extracts, user addresses, region, overrides and code), an incremental run
    reuses its people and computes only the time-dependent relationship signals again:
    the daily scheduled run with nothing new. A backfill always rebuilds.

    Returns:
        The run summary (counts per table and per input) as a plain dict.
    """
    ok = [r for r in results if r.error is None]
    cache = extracts_dir(warehouse)
    metas = [load_extract(cache / r.extract_key, tables=False) for r in ok]
    me_ids = _me_identifiers(me, [h for e in metas for h in e.me_hints])
    key = resolution_key(results, unknown, me_ids, default_region, overrides_file)
    prev_contact_of, prev_created, prev_map, prev_runs = _previous(warehouse)
    previous = current_snapshot(warehouse)
    reuse = (
        incremental
        and previous is not None
        and read_manifest(previous).get("resolution_key") == key
    )

    if reuse:
        records = _read_frame(previous, "source_records")
        matches = _read_frame(previous, "matches")
        rejects = _read_frame(previous, "rejects")
        derived = [
            f.name
            for f in schema.WAREHOUSE_INTERACTIONS
            if f.name not in schema.INTERACTIONS.names and f.name != "contact_id"
        ]
        interactions = _read_frame(previous, "interactions").drop(columns=derived)
        created_run = {cid: prev_created.get(cid, run_id) for cid in records["contact_id"]}
        retired: list[tuple[str, str]] = []
    else:
        extracts = [load_extract(cache / r.extract_key) for r in ok]
        records, interactions, rejects = _combine(
            results, unknown, extracts, me_ids, default_region
        )
        overrides = load_overrides(overrides_file) if overrides_file else None
        resolution = resolve(records, overrides)
        clusters, named = attach_name_only(resolution.clusters(), records)
        matches = _with_rows(resolution.matches, named)
        ids = assign_contact_ids(clusters, prev_contact_of, prev_created, run_id)
        created_run, retired = ids.created_run, ids.retired
        records["contact_id"] = records["record_id"].map(ids.contact_of).astype("string[pyarrow]")
        interactions = interactions.assign(contact_id=interactions["record_id"].map(ids.contact_of))
        interactions = interactions[interactions["contact_id"].notna()]
        interactions = (
            interactions.sort_values(["interaction_id", "source_file"], kind="stable")
            .drop_duplicates("interaction_id")
            .sort_values(["occurred_at", "interaction_id"], kind="stable")
            .reset_index(drop=True)
        )

    policy = RelationshipPolicy.from_mapping(relationship_settings or {})
    relationships = analyse_relationships(interactions, as_of or started_at, policy)
    interactions = interactions.merge(relationships.interactions, on="interaction_id", how="left")
    if reuse:
        identity = _read_frame(previous, "contacts").drop(columns="created_run_id")
    else:
        identity = _identity(build_golden(records), records, me_ids)
    contacts = _with_signals(identity, relationships.signals)
    contacts["created_run_id"] = contacts["contact_id"].map(created_run)
    contacts = contacts.sort_values("contact_id").reset_index(drop=True)

    successor = dict(retired)
    id_map_rows = [
        {
            "old_contact_id": row.old_contact_id,
            "contact_id": successor.get(row.contact_id, row.contact_id),
            "run_id": row.run_id,
        }
        for row in prev_map.itertuples()
    ] + [{"old_contact_id": old, "contact_id": new, "run_id": run_id} for old, new in retired]

    positions, job_changes = job_tables(
        records, interactions, _previous_frame(previous, "positions"), _successors(id_map_rows)
    )

    finished_at = datetime.now(UTC)
    inputs_rows = _inputs_rows(run_id, results, metas, unknown)
    counts = {
        "inputs": len(inputs_rows),
        "inputs_failed": sum(1 for r in results if r.error) + len(unknown),
        "items_read": sum(r["items_read"] for r in inputs_rows),
        "items_accepted": sum(r["items_accepted"] for r in inputs_rows),
        "items_skipped": sum(r["items_skipped"] for r in inputs_rows),
        "items_rejected": sum(r["items_rejected"] for r in inputs_rows),
        "source_records": len(records),
        "contacts": len(contacts),
        "interactions": len(interactions),
        "rejects": len(rejects),
        "merged_ids": len(retired),
        "contacts_new": int((contacts["created_run_id"] == run_id).sum()),
        "people_reused": int(reuse),
        "reconnect_due": int(contacts["reconnect_due"].sum()),
        "owed_replies": len(relationships.owed_replies),
        "follow_ups": len(relationships.follow_ups),
        "job_changes": len(job_changes),
    }
    runs_rows = [
        *prev_runs,
        {
            "run_id": run_id,
            "flow": flow,
            "started_at": started_at,
            "finished_at": finished_at,
            "status": "completed",
            "counts": list(counts.items()),
            "schema_version": schema.SCHEMA_VERSION,
        },
    ]
    tables = {
        "contacts": _to_arrow(contacts, schema.CONTACTS),
        "source_records": _to_arrow(records, schema.SOURCE_RECORDS),
        "interactions": _to_arrow(interactions, schema.WAREHOUSE_INTERACTIONS),
        "matches": _to_arrow(matches, schema.MATCHES),
        "contact_id_map": pa.Table.from_pylist(id_map_rows, schema=schema.CONTACT_ID_MAP),
        "rejects": _to_arrow(rejects, schema.REJECTS),
        "inputs": pa.Table.from_pylist(inputs_rows, schema=schema.INPUTS),
        "runs": pa.Table.from_pylist(runs_rows, schema=schema.RUNS),
        "owed_replies": _to_arrow(relationships.owed_replies, schema.OWED_REPLIES),
        "follow_ups": _to_arrow(relationships.follow_ups, schema.FOLLOW_UPS),
        "positions": _to_arrow(positions, schema.POSITIONS),
        "job_changes": _to_arrow(job_changes, schema.JOB_CHANGES),
    }
    snapshot = commit_snapshot(
        warehouse, run_id, tables, keep=keep_snapshots, manifest_extra={"resolution_key": key}
    )
    save_state(
        warehouse / "state",
        {
            r.path: InputState(r.connector, r.fingerprint, r.extract_key, tuple(r.user_ids))
            for r in ok
        },
    )
    _drop_unused_extracts(warehouse, {r.extract_key for r in ok})

    sources = records.groupby("source")["contact_id"].nunique().to_dict() if len(records) else {}
    return {
        "run_id": run_id,
        "flow": flow,
        "warehouse": str(warehouse),
        "snapshot": str(snapshot),
        "seconds": round((finished_at - started_at).total_seconds(), 2),
        "counts": counts,
        "people_by_source": {k: int(v) for k, v in sorted(sources.items())},
        "inputs": inputs_rows,
        "errors": [r.error for r in results if r.error] + [f"{p}: {w}" for p, w in unknown],
        "me": sorted(me_ids),
        "you": _whence_me(me, results, metas),
        "reject_reasons": _top_reasons(rejects),
    }


def _whence_me(me: tuple[str, ...], results: list[InputResult], metas: list) -> dict:
    """Where the user's identifiers of this run came from, for the summary.

    ``given`` (--me or the config), ``linkedin`` (hints from the run's LinkedIn exports;
    ``inferred`` then lists what mailboxes added) or ``inferred`` (per mailbox).
    """
    if me:
        return {"source": "given", "identifiers": sorted(set(me))}
    hints = sorted({h for r in results for h in r.user_ids})
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


def _inputs_rows(run_id, results, extracts, unknown) -> list[dict]:
    by_path = {e.source_file: e for e in extracts}
    rows = []
    for r in results:
        e = by_path.get(r.path)
        rows.append(
            {
                "run_id": run_id,
                "source_file": r.path,
                "connector": r.connector,
                "fingerprint": r.fingerprint,
                "items_read": e.items_read if e else 0,
                "items_accepted": e.items_accepted if e else 0,
                "items_skipped": e.items_skipped if e else 0,
                "items_rejected": e.items_rejected if e else 0,
                "skip_reasons": list((e.skip_reasons if e else {}).items()),
                "from_cache": r.from_cache,
                "error": r.error,
            }
        )
    rows += [
        {
            "run_id": run_id,
            "source_file": p,
            "connector": "unknown",
            "fingerprint": None,
            "items_read": 0,
            "items_accepted": 0,
            "items_skipped": 0,
            "items_rejected": 0,
            "skip_reasons": [],
            "from_cache": False,
            "error": why,
        }
        for p, why in unknown
    ]
    return sorted(rows, key=lambda r: r["source_file"])


def _drop_unused_extracts(warehouse: Path, keep: set[str]) -> None:
    cache = extracts_dir(warehouse)
    if not cache.is_dir():
        return
    for child in cache.iterdir():
        if child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
