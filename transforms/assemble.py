"""The assemble stage: the run's extracts, the previous snapshot and the policies -> every table.

A pure function of its arguments (the clock is one of them): nothing here reads or
writes files, so the whole enrich stage is testable on tiny inline frames.
pipelines.importing loads the extracts and the previous snapshot, calls
``assemble_tables`` and commits what it returns.

The stage, in order:

1. ``combine_extracts``: the records (normalised, without the user), the raw
   interactions and the rejects of every input, plus one reject per input that
   could not be read at all.
2. ``resolve_people``: records -> people (transforms.resolve), each with a contact_id
   that is stable across runs (transforms.contact_ids); interactions are tied to
   their person and de-duplicated. Skipped when the previous snapshot's people are
   reused (nothing they depend on changed): then its tables stand in for this step.
3. ``describe_people``: golden records with organisation signals.
4. ``add_relationship_signals``: timing, counts, tie strength, reconnect due.
5. ``job_tables``: dated pictures of where people work (positions, carried from
   snapshot to snapshot) and the job changes they show (transforms.job_changes).
6. The bookkeeping tables: contact_id_map, inputs and runs.

Resolution is followed by transforms.name_only: a calendar attendee or log entry named
only by a full name joins the one person of that name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from transforms.contact_ids import assign_contact_ids
from transforms.golden import build_golden
from transforms.job_changes import job_tables
from transforms.name_only import attach_name_only
from transforms.normalise import normalise_records
from transforms.organisation import organisation_signals
from transforms.relationship import RelationshipPolicy, analyse_relationships
from transforms.resolve import Overrides, resolve
from warehouse import schema


@dataclass(frozen=True)
class InputOutcome:
    """One input of the run, as the inputs table records it.

    ``extract`` is what the connector gave (an Extract: its counts always, its tables
    when people are resolved again); None when the input failed (``error``) or is not
    a kind any connector reads (``connector`` is then ``unknown``).
    """

    source_file: str
    connector: str
    fingerprint: str | None
    from_cache: bool = False
    error: str | None = None
    extract: Any = None


@dataclass(frozen=True)
class Policies:
    """How this run resolves and rates people.

    Attributes:
        me_ids: the user's own identifiers, normalised; the user is never a contact.
        default_region: ISO country for phone numbers written without +CC.
        overrides: must-link / cannot-link corrections, or None.
        relationships: the thresholds of transforms.relationship.
        as_of: "now" for recency and reconnects.
    """

    me_ids: frozenset[str]
    default_region: str
    as_of: datetime
    overrides: Overrides | None = None
    relationships: RelationshipPolicy = field(default_factory=RelationshipPolicy)


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    flow: str
    started_at: datetime


@dataclass
class ReusedPeople:
    """The people of the previous snapshot, reused when nothing they depend on changed."""

    source_records: pd.DataFrame
    matches: pd.DataFrame
    rejects: pd.DataFrame
    interactions: pd.DataFrame
    contacts: pd.DataFrame


@dataclass
class PreviousSnapshot:
    """What the run needs of the snapshot before it; ``PreviousSnapshot()`` for a new warehouse.

    Attributes:
        contact_of: record_id -> contact_id.
        created_run: contact_id -> the run that minted it.
        contact_id_map: the retired ids so far (old_contact_id, contact_id, run_id).
        runs: the rows of the runs table.
        people: set only when this run reuses the previous people.
        positions: the dated pictures of where people work (None before there were any).
    """

    contact_of: dict[str, str] = field(default_factory=dict)
    created_run: dict[str, str] = field(default_factory=dict)
    contact_id_map: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["old_contact_id", "contact_id", "run_id"])
    )
    runs: list[dict] = field(default_factory=list)
    people: ReusedPeople | None = None
    positions: pd.DataFrame | None = None


@dataclass
class Assembled:
    """Every warehouse table of the run, with what the run summary reports."""

    tables: dict[str, pa.Table]
    counts: dict[str, int]
    source_records: pd.DataFrame
    rejects: pd.DataFrame
    inputs: list[dict]
    finished_at: datetime


@dataclass
class People:
    """Records tied to their person, and what resolving them decided."""

    source_records: pd.DataFrame
    interactions: pd.DataFrame
    matches: pd.DataFrame
    created_run: dict[str, str]
    retired: list[tuple[str, str]]


def _empty(arrow_schema: pa.Schema) -> pd.DataFrame:
    return arrow_schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)


def to_arrow(frame: pd.DataFrame, arrow_schema: pa.Schema) -> pa.Table:
    """The frame's columns that the schema names, typed by it."""
    fields = [f for f in arrow_schema if f.name in frame.columns]
    if frame.empty:  # columns of an empty frame may have lost their types (float64)
        return pa.schema(fields).empty_table()
    return pa.Table.from_pandas(
        frame[[f.name for f in fields]], schema=pa.schema(fields), preserve_index=False
    )


def without_the_user(records: pd.DataFrame, me_ids: frozenset[str] | set[str]) -> pd.DataFrame:
    """The records that are not the user: the user is never a contact, whatever source says."""
    is_me = [
        bool(me_ids & ({u} if isinstance(u, str) else set()) | (me_ids & set(es or [])))
        for u, es in zip(records["linkedin_url"].tolist(), records["emails"].tolist(), strict=True)
    ]
    # A boolean array, not a Series: an empty Series would select columns, not rows.
    return records.loc[~np.array(is_me, dtype=bool)].reset_index(drop=True)


def combine_extracts(
    outcomes: Sequence[InputOutcome], me_ids: frozenset[str], default_region: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Records (normalised, without the user), raw interactions and rejects of all inputs.

    An input that failed, or that no connector reads, is one reject naming the file.
    """
    extracts = [o.extract for o in outcomes if o.extract is not None]
    records = (
        pd.concat([e.records for e in extracts], ignore_index=True)
        if extracts
        else _empty(schema.RECORDS)
    )
    interactions = (
        pd.concat([e.interactions for e in extracts], ignore_index=True)
        if extracts
        else _empty(schema.INTERACTIONS)
    )
    failed = [
        {
            "source": o.connector,
            "source_file": o.source_file,
            "locator": "file",
            "reason": o.error,
            "excerpt": "",
        }
        for o in outcomes
        if o.error is not None
    ]
    failed_frame = pa.Table.from_pylist(failed, schema=schema.REJECTS).to_pandas(
        types_mapper=pd.ArrowDtype
    )
    rejects = pd.concat([*(e.rejects for e in extracts), failed_frame], ignore_index=True)
    records = without_the_user(normalise_records(records, default_region), me_ids)
    records = records.sort_values("record_id", kind="stable").reset_index(drop=True)
    return records, interactions, rejects


def unique_interactions(interactions: pd.DataFrame) -> pd.DataFrame:
    """One row per exchange, in time order: the same message seen in two inputs counts once."""
    return (
        interactions.sort_values(["interaction_id", "source_file"], kind="stable")
        .drop_duplicates("interaction_id")
        .sort_values(["occurred_at", "interaction_id"], kind="stable")
        .reset_index(drop=True)
    )


def resolve_people(
    records: pd.DataFrame,
    interactions: pd.DataFrame,
    overrides: Overrides | None,
    previous: PreviousSnapshot,
    run_id: str,
) -> People:
    """Resolve records into people with stable contact_ids; tie interactions to them.

    Interactions with nobody the warehouse knows (the user's own, or a dropped
    record's) are left out, and each exchange is kept once.
    """
    resolution = resolve(records, overrides)
    clusters, named = attach_name_only(resolution.clusters(), records)
    ids = assign_contact_ids(
        clusters,
        previous.contact_of,
        previous.created_run,
        run_id,
        retired_ids=previous.contact_id_map["old_contact_id"].dropna().tolist(),
    )
    records = records.assign(
        contact_id=records["record_id"].map(ids.contact_of).astype("string[pyarrow]")
    )
    interactions = interactions.assign(contact_id=interactions["record_id"].map(ids.contact_of))
    interactions = unique_interactions(interactions[interactions["contact_id"].notna()])
    matches = resolution.matches
    if named:
        extra = pa.Table.from_pylist(named, schema=schema.MATCHES).to_pandas(
            types_mapper=pd.ArrowDtype
        )
        matches = pd.concat([matches, extra], ignore_index=True) if len(matches) else extra
    return People(records, interactions, matches, ids.created_run, ids.retired)


def describe_people(
    golden: pd.DataFrame, records: pd.DataFrame, me_ids: frozenset[str]
) -> pd.DataFrame:
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


def add_relationship_signals(people: pd.DataFrame, signals: pd.DataFrame) -> pd.DataFrame:
    """People joined with their relationship signals, gaps filled.

    People without interactions get zero counts, tie_class ``none`` and no tie_strength.
    """
    contacts = people.drop(
        columns=[c for c in signals.columns if c != "contact_id" and c in people.columns]
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


def contact_id_map_rows(
    previous: pd.DataFrame, retired: list[tuple[str, str]], run_id: str
) -> list[dict]:
    """The retired ids so far, each pointing at its live successor, plus this run's."""
    successor = dict(retired)
    return [
        {
            "old_contact_id": row.old_contact_id,
            "contact_id": successor.get(row.contact_id, row.contact_id),
            "run_id": row.run_id,
        }
        for row in previous.itertuples()
    ] + [{"old_contact_id": old, "contact_id": new, "run_id": run_id} for old, new in retired]


def inputs_rows(run_id: str, outcomes: Sequence[InputOutcome]) -> list[dict]:
    """One row per input: what was read, accepted, skipped and rejected, or why it failed.

    One definition of a reject everywhere (this table, the rejects table, the run
    summary, the report): a file nobody could read is one item read and rejected, the
    file itself, next to its row in rejects; so sum(items_rejected) is the number of
    rejects rows and read = accepted + skipped + rejected holds per file.
    """
    rows = []
    for o in outcomes:
        e = o.extract
        unread = 1 if e is None and o.error is not None else 0
        rows.append(
            {
                "run_id": run_id,
                "source_file": o.source_file,
                "connector": o.connector,
                "fingerprint": o.fingerprint,
                "items_read": e.items_read if e else unread,
                "items_accepted": e.items_accepted if e else 0,
                "items_skipped": e.items_skipped if e else 0,
                "items_rejected": e.items_rejected if e else unread,
                "skip_reasons": list((e.skip_reasons if e else {}).items()),
                "from_cache": o.from_cache,
                "error": o.error,
            }
        )
    return sorted(rows, key=lambda r: r["source_file"])


def _reused_interactions(previous: pd.DataFrame) -> pd.DataFrame:
    """The previous snapshot's interactions without the columns this run derives again."""
    derived = [
        f.name
        for f in schema.WAREHOUSE_INTERACTIONS
        if f.name not in schema.INTERACTIONS.names and f.name != "contact_id"
    ]
    return previous.drop(columns=derived)


def assemble_tables(
    outcomes: Sequence[InputOutcome],
    previous: PreviousSnapshot,
    policies: Policies,
    run: RunInfo,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Assembled:
    """Every warehouse table of one run, from its inputs and the snapshot before it.

    With ``previous.people`` set, the people, matches and rejects of the previous
    snapshot are reused and only the time-dependent relationship signals are computed
    again (the daily scheduled run with nothing new); otherwise the extracts' tables
    are combined and people resolved again.

    Args:
        outcomes: every input of the run, in any order.
        previous: what the snapshot before this run holds (empty for a new warehouse).
        policies: the user's identifiers, region, overrides and relationship thresholds.
        run: the run's id, flow name and start.
        clock: when the run finishes (its ``runs`` row and summary say so).
    """
    reused = previous.people
    if reused is not None:
        people = People(
            source_records=reused.source_records,
            interactions=_reused_interactions(reused.interactions),
            matches=reused.matches,
            created_run={
                cid: previous.created_run.get(cid, run.run_id)
                for cid in reused.source_records["contact_id"]
            },
            retired=[],
        )
        rejects = reused.rejects
    else:
        records, interactions, rejects = combine_extracts(
            outcomes, policies.me_ids, policies.default_region
        )
        people = resolve_people(records, interactions, policies.overrides, previous, run.run_id)
    records = people.source_records

    relationships = analyse_relationships(
        people.interactions, policies.as_of, policies.relationships
    )
    interactions = people.interactions.merge(
        relationships.interactions, on="interaction_id", how="left"
    )
    if reused is not None:
        described = reused.contacts.drop(columns="created_run_id")
    else:
        described = describe_people(build_golden(records), records, policies.me_ids)
    contacts = add_relationship_signals(described, relationships.signals)
    contacts["created_run_id"] = contacts["contact_id"].map(people.created_run)
    contacts = contacts.sort_values("contact_id").reset_index(drop=True)

    id_map_rows = contact_id_map_rows(previous.contact_id_map, people.retired, run.run_id)
    positions, job_changes = job_tables(
        records,
        people.interactions,
        previous.positions,
        {r["old_contact_id"]: r["contact_id"] for r in id_map_rows},
    )

    finished_at = clock()
    inputs = inputs_rows(run.run_id, outcomes)
    counts = {
        "inputs": len(inputs),
        "inputs_failed": sum(1 for o in outcomes if o.error),
        "items_read": sum(r["items_read"] for r in inputs),
        "items_accepted": sum(r["items_accepted"] for r in inputs),
        "items_skipped": sum(r["items_skipped"] for r in inputs),
        "items_rejected": sum(r["items_rejected"] for r in inputs),
        "source_records": len(records),
        "contacts": len(contacts),
        "interactions": len(interactions),
        "rejects": len(rejects),
        "merged_ids": len(people.retired),
        "contacts_new": int((contacts["created_run_id"] == run.run_id).sum()),
        "people_reused": int(reused is not None),
        "reconnect_due": int(contacts["reconnect_due"].sum()),
        "owed_replies": len(relationships.owed_replies),
        "follow_ups": len(relationships.follow_ups),
        "job_changes": len(job_changes),
    }
    runs_rows = [
        *previous.runs,
        {
            "run_id": run.run_id,
            "flow": run.flow,
            "started_at": run.started_at,
            "finished_at": finished_at,
            "status": "completed",
            "counts": list(counts.items()),
            "schema_version": schema.SCHEMA_VERSION,
        },
    ]
    tables = {
        "contacts": to_arrow(contacts, schema.CONTACTS),
        "source_records": to_arrow(records, schema.SOURCE_RECORDS),
        "interactions": to_arrow(interactions, schema.WAREHOUSE_INTERACTIONS),
        "matches": to_arrow(people.matches, schema.MATCHES),
        "contact_id_map": pa.Table.from_pylist(id_map_rows, schema=schema.CONTACT_ID_MAP),
        "rejects": to_arrow(rejects, schema.REJECTS),
        "inputs": pa.Table.from_pylist(inputs, schema=schema.INPUTS),
        "runs": pa.Table.from_pylist(runs_rows, schema=schema.RUNS),
        "owed_replies": to_arrow(relationships.owed_replies, schema.OWED_REPLIES),
        "follow_ups": to_arrow(relationships.follow_ups, schema.FOLLOW_UPS),
        "positions": to_arrow(positions, schema.POSITIONS),
        "job_changes": to_arrow(job_changes, schema.JOB_CHANGES),
    }
    return Assembled(tables, counts, records, rejects, inputs, finished_at)
