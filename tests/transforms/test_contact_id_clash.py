"""No contact_id belongs to two contacts: after a split, a new id never repeats a known one."""

import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import build_plain
from transforms.contact_ids import assign_contact_ids, new_contact_id
from warehouse.snapshot import current_snapshot


def test_split_whose_smaller_part_holds_the_minting_record_gets_a_fresh_id():
    # a and b were one person, id minted from "a"; now b joins c and a is alone.
    prev = {"a": new_contact_id(["a", "b"]), "b": new_contact_id(["a", "b"])}
    old = prev["a"]
    ids = assign_contact_ids({"a": ["a"], "b": ["b", "c"]}, prev, {old: "r1"}, "r2")
    assert ids.contact_of["b"] == ids.contact_of["c"] == old
    assert ids.contact_of["a"] != old
    assert ids.created_run[ids.contact_of["a"]] == "r2"


def test_a_retired_id_is_never_minted_again():
    retired = new_contact_id(["a"])
    ids = assign_contact_ids({"a": ["a"]}, {}, {}, "r2", retired_ids=[retired])
    assert ids.contact_of["a"] != retired


record_ids = st.sampled_from([f"r{i:02d}" for i in range(12)])


@st.composite
def histories(draw):
    """A previous assignment (records -> ids) and a new partition of some records."""
    previous_records = draw(st.sets(record_ids, max_size=10))
    # Previous ids minted like the real thing, so that clashes are possible.
    prev_groups = draw(st.lists(st.sets(record_ids, min_size=1), max_size=5))
    prev: dict[str, str] = {}
    for group in prev_groups:
        group = sorted(group & previous_records - set(prev))
        for r in group:
            prev[r] = new_contact_id(group)
    created = {cid: f"run{i}" for i, cid in enumerate(sorted(set(prev.values())))}
    now = sorted(draw(st.sets(record_ids, min_size=1)))
    labels = draw(st.lists(st.integers(0, 4), min_size=len(now), max_size=len(now)))
    clusters: dict[str, list[str]] = {}
    for r, label in zip(now, labels, strict=True):
        clusters.setdefault(str(label), []).append(r)
    clusters = {m[0]: m for m in clusters.values()}
    retired = draw(st.sets(st.sampled_from([new_contact_id([r]) for r in now]), max_size=3))
    return clusters, prev, created, sorted(retired - set(prev.values()))


@settings(max_examples=300, deadline=None)
@given(histories())
def test_every_cluster_gets_its_own_id_and_new_ids_are_unknown(history):
    clusters, prev, created, retired = history
    ids = assign_contact_ids(clusters, prev, created, "now", retired_ids=retired)
    per_cluster = {rep: {ids.contact_of[r] for r in members} for rep, members in clusters.items()}
    assert all(len(v) == 1 for v in per_cluster.values())
    given_ids = [next(iter(v)) for v in per_cluster.values()]
    assert len(set(given_ids)) == len(given_ids)  # no id shared by two contacts
    known = set(prev.values()) | set(retired)
    minted = {cid for cid, run in ids.created_run.items() if run == "now"}
    assert not minted & known
    retired_now = {old for old, _ in ids.retired}
    assert not retired_now & set(given_ids)
    again = assign_contact_ids(clusters, prev, created, "now", retired_ids=retired)
    assert again.contact_of == ids.contact_of  # deterministic


def _card(name: str, email: str | None, phone: str | None) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", "N:Quill;Dana;;;"]
    if email:
        lines.append(f"EMAIL:{email}")
    if phone:
        lines.append(f"TEL:{phone}")
    return "\r\n".join([*lines, "END:VCARD", ""])


def test_cannot_link_then_a_new_record_never_gives_two_contacts_one_id(tmp_path):
    """The reported case: s1 and s2 are one contact; a cannot_link splits them while s3
    (sharing a phone) joins the part without the record the old id was minted from."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    wh = tmp_path / "wh"
    (inputs / "s1.vcf").write_text(_card("Dana Quill", "dana@quill.org", "+1 415 555 0101"))
    (inputs / "s2.vcf").write_text(_card("Dana Quill", "dana@quill.org", "+1 415 555 0199"))
    build_plain([inputs], wh, me=(), incremental=True)
    records = pq.read_table(current_snapshot(wh) / "source_records.parquet").to_pylist()
    assert len({r["contact_id"] for r in records}) == 1
    by_file = {r["source_file"].rsplit("/", 1)[-1]: r["record_id"] for r in records}
    # The part left alone holds the smallest record, from which the old id was minted.
    lone, other = sorted(by_file, key=by_file.get)
    phone = "+1 415 555 0101" if other == "s1.vcf" else "+1 415 555 0199"
    (inputs / "s3.vcf").write_text(_card("Dana Quill", None, phone))
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(f'cannot_link = [["{by_file[lone]}", "{by_file[other]}"]]\n')
    build_plain([inputs], wh, me=(), incremental=True, overrides_file=overrides)
    snap = current_snapshot(wh)
    records = pq.read_table(snap / "source_records.parquet").to_pylist()
    contact_of = {r["source_file"].rsplit("/", 1)[-1]: r["contact_id"] for r in records}
    assert contact_of[lone] != contact_of[other]
    assert contact_of["s3.vcf"] == contact_of[other]
    contacts = pq.read_table(snap / "contacts.parquet").column("contact_id").to_pylist()
    assert len(contacts) == len(set(contacts)) == 2
