"""The assemble stage on tiny inline extracts: no files, no warehouse, no Prefect."""

from datetime import UTC, datetime, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.base import ExtractBuilder
from transforms.assemble import (
    InputOutcome,
    Policies,
    PreviousSnapshot,
    ReusedPeople,
    RunInfo,
    assemble_tables,
    unique_interactions,
)
from warehouse import schema

ME = "me@example.com"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
AS_OF = datetime(2026, 4, 1, tzinfo=UTC)
FINISHED = datetime(2026, 4, 1, 0, 5, tzinfo=UTC)


def _card():
    b = ExtractBuilder("vcard", "vcard", "/in/ann.vcf")
    b.count_read()
    b.record("uid-ann", name="Ann Lee", emails=["ann@acme.com"], company="Acme")
    b.accepted()
    b.count_read()
    b.reject("card 2", "no name, address or phone", "BEGIN:VCARD")
    return b.build()


def _mailbox(path: str):
    """A mailbox with one message to Ann and the user's own address in its headers."""
    b = ExtractBuilder("mail", "mail", path)
    b.count_read(2)
    ann = b.record("ann@acme.com", emails=["ann@acme.com"])
    b.record(ME, emails=[ME])
    b.interaction(
        ann,
        occurred_at=T0,
        channel="email",
        direction="outbound",
        identity=("<m1@example.com>", "ann@acme.com"),
    )
    b.accepted()
    b.skipped("automated mail")
    return b.build()


def _outcomes(**extract_of):
    card, box, copy = _card(), _mailbox("/in/a.mbox"), _mailbox("/in/copy.mbox")
    return [
        InputOutcome("/in/ann.vcf", "vcard", "fp1", extract=extract_of.get("card", card)),
        InputOutcome("/in/a.mbox", "mail", "fp2", extract=extract_of.get("box", box)),
        InputOutcome("/in/copy.mbox", "mail", "fp3", from_cache=True, extract=copy),
        InputOutcome("/in/broken.csv", "linkedin", "fp4", error="/in/broken.csv: not a CSV"),
        InputOutcome("/in/notes.txt", "unknown", None, error="no connector reads this"),
    ]


POLICIES = Policies(me_ids=frozenset({ME}), default_region="US", as_of=AS_OF)


def _assemble(outcomes, previous=None, run_id="r1"):
    return assemble_tables(
        outcomes,
        previous or PreviousSnapshot(),
        POLICIES,
        RunInfo(run_id, "plain", T0),
        clock=lambda: FINISHED,
    )


def test_every_table_from_the_extracts_alone():
    out = _assemble(_outcomes())
    assert set(out.tables) == {
        "contacts",
        "source_records",
        "interactions",
        "matches",
        "contact_id_map",
        "rejects",
        "inputs",
        "runs",
        "owed_replies",
        "follow_ups",
        "positions",
        "job_changes",
    }
    contacts = out.tables["contacts"].to_pylist()
    # Ann's card and her address in two mailboxes are one person; the user is nobody.
    assert [c["display_name"] for c in contacts] == ["Ann Lee"]
    assert contacts[0]["created_run_id"] == "r1"
    assert contacts[0]["last_contact_at"] == T0
    assert ME not in {e for r in out.tables["source_records"].to_pylist() for e in r["emails"]}
    # The same message in both mailboxes is one interaction.
    assert out.tables["interactions"].num_rows == 1
    reasons = out.tables["rejects"].column("reason").to_pylist()
    assert reasons == [
        "no name, address or phone",
        "/in/broken.csv: not a CSV",
        "no connector reads this",
    ]
    assert out.counts["inputs"] == 5 and out.counts["inputs_failed"] == 2
    # The two files nobody could read are one rejected item each (issue 14: one
    # definition of a reject), so rejected items and rejects rows agree.
    assert out.counts["items_read"] == 6 + 2
    assert out.counts["items_rejected"] == out.counts["rejects"] == 3
    assert out.counts["items_read"] == (
        out.counts["items_accepted"] + out.counts["items_skipped"] + out.counts["items_rejected"]
    )
    inputs = {r["source_file"]: r for r in out.tables["inputs"].to_pylist()}
    assert inputs["/in/notes.txt"]["connector"] == "unknown"
    assert inputs["/in/copy.mbox"]["from_cache"] is True
    assert inputs["/in/a.mbox"]["skip_reasons"] == [("automated mail", 1)]
    (run,) = out.tables["runs"].to_pylist()
    assert (run["run_id"], run["flow"], run["finished_at"]) == ("r1", "plain", FINISHED)
    assert run["schema_version"] == schema.SCHEMA_VERSION
    for name, table in out.tables.items():
        expected = {f.name for f in schema.WAREHOUSE_TABLES[name]}
        assert set(table.column_names) <= expected, name


def _previous_of(out, people: bool = False) -> PreviousSnapshot:
    t = out.tables
    recs, contacts = t["source_records"].to_pylist(), t["contacts"].to_pylist()
    reused = None
    if people:

        def frame(name):
            return t[name].to_pandas(types_mapper=pd.ArrowDtype)

        reused = ReusedPeople(
            **{
                n: frame(n)
                for n in ("source_records", "matches", "rejects", "interactions", "contacts")
            }
        )
    return PreviousSnapshot(
        contact_of={r["record_id"]: r["contact_id"] for r in recs},
        created_run={c["contact_id"]: c["created_run_id"] for c in contacts},
        contact_id_map=t["contact_id_map"].to_pandas(),
        runs=t["runs"].to_pylist(),
        people=reused,
    )


def test_a_second_run_keeps_ids_and_appends_to_runs():
    first = _assemble(_outcomes())
    second = _assemble(_outcomes(), _previous_of(first), run_id="r2")
    (before,), (after,) = (
        first.tables["contacts"].to_pylist(),
        second.tables["contacts"].to_pylist(),
    )
    assert after["contact_id"] == before["contact_id"]
    assert after["created_run_id"] == "r1"
    assert second.counts["contacts_new"] == 0
    assert second.tables["runs"].column("run_id").to_pylist() == ["r1", "r2"]


def test_reused_people_need_no_extract_tables():
    first = _assemble(_outcomes())
    # Counts only, as when the people of the previous snapshot are reused: no rows.
    empty = ExtractBuilder("vcard", "vcard", "/in/ann.vcf").build()
    reused = _assemble(_outcomes(card=empty), _previous_of(first, people=True), run_id="r2")
    assert reused.counts["people_reused"] == 1
    assert reused.tables["contacts"].column("contact_id").to_pylist() == (
        first.tables["contacts"].column("contact_id").to_pylist()
    )
    assert reused.tables["interactions"].num_rows == 1
    assert reused.tables["rejects"].num_rows == first.tables["rejects"].num_rows


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcde"), st.integers(0, 5), st.sampled_from(["x", "y"])),
        max_size=20,
    )
)
def test_unique_interactions_keeps_each_exchange_once_in_time_order(rows):
    # The same interaction_id always has the same time (it is a hash of the exchange).
    frame = pd.DataFrame(
        {
            "interaction_id": [i for i, _, _ in rows],
            "occurred_at": [T0 + timedelta(days="abcde".index(i)) for i, _, _ in rows],
            "source_file": [f"{f}{n}" for _, n, f in rows],
        }
    )
    out = unique_interactions(frame)
    assert sorted(out["interaction_id"]) == sorted({i for i, _, _ in rows})
    assert out["occurred_at"].is_monotonic_increasing
    for iid in out["interaction_id"]:  # the copy from the first file by name is kept
        assert out.loc[out["interaction_id"] == iid, "source_file"].item() == min(
            f"{f}{n}" for i, n, f in rows if i == iid
        )
