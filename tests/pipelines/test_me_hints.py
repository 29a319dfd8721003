"""A LinkedIn export in the run tells every connector who the user is when --me is not given.

The fixture is a mailbox where counting alone guesses wrong: Bram writes to the user
twice, the user answers once, so Bram takes part in as many messages as the user and
sends more. The export's Email Addresses.csv names the user's address; with it, the
user's mail is outbound and the user is nobody's contact, exactly as with --me.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from connectors.base import ReadOptions
from pipelines import steps
from pipelines.input_state import extract_key, fingerprint
from pipelines.summary import summary_lines
from tests.conftest import build_plain
from warehouse.snapshot import current_snapshot

ME = "ada@example.com"
BRAM = "bram@example.com"
CY = "cy@example.com"


def message(frm: str, to: str, day: int, msgid: str) -> str:
    return (
        f"From: {frm}\nTo: {to}\nSubject: hello\n"
        f"Date: Mon, {day:02d} Jan 2024 10:00:00 +0000\nMessage-ID: <{msgid}@example.com>\n"
        "\nHello.\n"
    )


def mbox(*messages: str) -> str:
    return "".join(f"From x@example.com Mon Jan  1 10:00:00 2024\n{m}\n" for m in messages)


def write_linkedin(folder: Path, emails: list[str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "Profile.csv").write_text(
        "First Name,Last Name,Maiden Name,Headline\nAda,Byron,,Engineer\n"
    )
    (folder / "Email Addresses.csv").write_text(
        "Email Address,Confirmed,Primary,Updated On\n"
        + "".join(f'{e},Yes,No,"3/14/19, 9:02 AM"\n' for e in emails)
    )
    (folder / "Connections.csv").write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        f'Bram,Okafor,{BRAM},Contoso,Dev,"10/31/18, 9:00 AM"\n'
        'Dee,Ito,dee@example.com,Fabrikam,PM,"11/30/18, 9:00 AM"\n'
    )
    return folder


def write_inputs(root: Path, emails: tuple[str, ...] = (ME,)) -> tuple[Path, Path, Path]:
    """A LinkedIn export folder, an mbox without Gmail labels and one sent .eml."""
    export = write_linkedin(root / "linkedin", list(emails))
    (root / "mail").mkdir()
    box = root / "mail" / "inbox.mbox"
    box.write_text(
        mbox(
            message(f"Bram Okafor <{BRAM}>", f"Ada <{ME}>", 1, "m1"),
            message(f"Bram Okafor <{BRAM}>", f"Ada <{ME}>", 2, "m2"),
            message(f"Ada <{ME}>", f"Bram Okafor <{BRAM}>", 3, "m3"),
        )
    )
    sent = root / "mail" / "to-cy.eml"  # one message alone infers nobody
    sent.write_text(message(f"Ada <{ME}>", f"Cy <{CY}>", 4, "m4"))
    return export, box, sent


def mail_directions(wh: Path) -> dict[str, list[str]]:
    snap = current_snapshot(wh)
    records = pq.read_table(snap / "source_records.parquet").to_pylist()
    key_of = {r["record_id"]: r["source_key"] for r in records}
    out: dict[str, list[str]] = {}
    for i in pq.read_table(snap / "interactions.parquet").to_pylist():
        if i["channel"] == "email":
            out.setdefault(key_of[i["record_id"]], []).append(i["direction"])
    return {k: sorted(v) for k, v in sorted(out.items())}


def contact_emails(wh: Path) -> set[str]:
    rows = pq.read_table(current_snapshot(wh) / "contacts.parquet").to_pylist()
    return {e for r in rows for e in r["emails"]}


def tables(wh: Path) -> dict[str, list[dict]]:
    snap = current_snapshot(wh)
    out = {}
    for name in ("contacts", "source_records", "interactions", "matches", "rejects"):
        rows = pq.read_table(snap / f"{name}.parquet").to_pylist()
        for r in rows:
            r.pop("created_run_id", None)
        out[name] = rows
    return out


def test_linkedin_addresses_decide_mail_direction_as_me_would(tmp_path):
    inputs = write_inputs(tmp_path / "in")
    hinted = build_plain(inputs, tmp_path / "hinted", me=())
    assert mail_directions(tmp_path / "hinted") == {
        BRAM: ["inbound", "inbound", "outbound"],
        CY: ["outbound"],
    }
    assert ME not in contact_emails(tmp_path / "hinted")
    assert hinted["you"] == {"source": "linkedin", "identifiers": [ME], "inferred": []}
    assert "you:          1 address from the LinkedIn export" in summary_lines(hinted)

    given = build_plain(inputs, tmp_path / "given", me=(ME,))
    assert given["you"] == {"source": "given", "identifiers": [ME]}
    assert "you:          1 address given (--me or config)" in summary_lines(given)
    assert tables(tmp_path / "hinted") == tables(tmp_path / "given")
    assert hinted["me"] == given["me"] == [ME]


def test_without_a_linkedin_export_the_user_is_settled_over_both_mail_inputs(tmp_path):
    _, box, sent = write_inputs(tmp_path / "in")
    summary = build_plain([box, sent], tmp_path / "wh", me=())
    # Counting the mbox alone takes Bram for its owner (he writes more than Ada
    # answers); over both inputs Ada takes part in more mail, so she is the user.
    assert summary["you"] == {"source": "inferred", "identifiers": [ME]}
    assert mail_directions(tmp_path / "wh") == {
        BRAM: ["inbound", "inbound", "outbound"],
        CY: ["outbound"],
    }
    assert "you:          inferred from the mail: ada@example.com" in "\n".join(
        summary_lines(summary)
    )
    plan = steps.plan_inputs([str(box)], tmp_path / "wh2", False)
    assert plan.me_hints == ()
    # The extract keys are those of the time before hints.
    assert plan.inputs[0].extract_key == extract_key(box, "mail", fingerprint(box), ReadOptions())


def test_me_adds_to_the_linkedin_addresses(tmp_path):
    """--me (say the work address) adds to what the export names; it never replaces it."""
    inputs = write_inputs(tmp_path / "in")
    work = "ada@work.example"
    plan = steps.plan_inputs([str(p) for p in inputs], tmp_path / "wh", False,
                             ReadOptions(me=frozenset({work})))  # fmt: skip
    assert plan.me_hints == (ME,)
    for p in plan.inputs:
        options = ReadOptions(me=frozenset({work, ME}))
        assert p.extract_key == extract_key(Path(p.path), p.connector, p.fingerprint, options)
    summary = build_plain(inputs, tmp_path / "wh", me=(work,))
    # The export's address is still the user's: her mail is outbound, she is no contact.
    assert mail_directions(tmp_path / "wh") == {
        BRAM: ["inbound", "inbound", "outbound"],
        CY: ["outbound"],
    }
    assert ME not in contact_emails(tmp_path / "wh") and work not in contact_emails(tmp_path / "wh")
    assert summary["me"] == sorted([ME, work])
    assert summary["you"] == {"source": "given", "identifiers": [work], "linkedin": [ME]}
    assert (
        "you:          1 address given (--me or config) + 1 address from the LinkedIn export"
        in summary_lines(summary)
    )


def test_hints_are_sorted_and_the_same_whatever_the_order_of_inputs(tmp_path):
    root = tmp_path / "in"
    export, box, sent = write_inputs(root, emails=("zed@example.com", ME))
    extra = write_linkedin(root / "older-export", ["ada.old@example.com", ME])
    forward = steps.plan_inputs([str(p) for p in (export, extra, box, sent)], tmp_path / "a", False)
    backward = steps.plan_inputs(
        [str(p) for p in (sent, box, extra, export)], tmp_path / "a", False
    )
    assert forward.me_hints == ("ada.old@example.com", ME, "zed@example.com")
    assert backward.me_hints == forward.me_hints
    keys = sorted((p.path, p.extract_key) for p in forward.inputs)
    assert keys == sorted((p.path, p.extract_key) for p in backward.inputs)
    by_path = {p.path: p for p in forward.inputs}
    assert by_path[str(extra.resolve())].user_ids == ("ada.old@example.com", ME)
    assert by_path[str(box.resolve())].user_ids == ()
    options = ReadOptions(me_hints=frozenset(forward.me_hints))
    assert by_path[str(box.resolve())].extract_key == extract_key(
        box.resolve(), "mail", fingerprint(box), options
    )


def test_incremental_runs_keep_the_hints_of_a_carried_export(tmp_path):
    export, box, sent = write_inputs(tmp_path / "in")
    wh = tmp_path / "wh"
    build_plain([export, box, sent], wh, me=(), incremental=True)
    first = tables(wh)
    state = json.loads((wh / "state" / "inputs.json").read_text())
    assert state[str(export.resolve())]["me_hints"] == [ME]
    assert "me_hints" not in state[str(box.resolve())]

    again = build_plain([export, box, sent], wh, me=(), incremental=True)
    assert all(r["from_cache"] for r in again["inputs"])
    assert again["counts"]["people_reused"] == 1

    # The export is deleted after its import: it is carried, and still names the user.
    shutil.rmtree(export)
    carried = build_plain([box, sent], wh, me=(), incremental=True)
    assert all(r["from_cache"] for r in carried["inputs"])
    assert carried["you"]["source"] == "linkedin"
    assert tables(wh) == first
    assert mail_directions(wh)[BRAM] == ["inbound", "inbound", "outbound"]


def test_a_new_linkedin_address_rereads_what_it_may_change(tmp_path):
    export, box, sent = write_inputs(tmp_path / "in")
    wh = tmp_path / "wh"
    build_plain([export, box, sent], wh, me=(), incremental=True)
    with (export / "Email Addresses.csv").open("a") as fh:
        fh.write('ada.new@example.com,Yes,No,"3/14/19, 9:02 AM"\n')
    summary = build_plain([export, box, sent], wh, me=(), incremental=True)
    assert not any(r["from_cache"] for r in summary["inputs"])
    assert summary["you"]["identifiers"] == ["ada.new@example.com", ME]
    assert mail_directions(wh)[CY] == ["outbound"]


def test_a_work_mailbox_keeps_its_owner_when_the_export_lists_a_private_address(tmp_path):
    """LinkedIn knows Ada's private address; the mailbox is her work one. The private
    address takes part once (a forward), the work address in every message: both are
    Ada's, so her work mail stays outbound and she is still nobody's contact."""
    work = "ada@work.example"
    root = tmp_path / "in"
    export = write_linkedin(root / "linkedin", ["ada.private@example.com"])
    (root / "mail").mkdir()
    box = root / "mail" / "work.mbox"
    box.write_text(
        mbox(
            message(f"Bram <{BRAM}>", work, 1, "w1"),
            message(work, f"Bram <{BRAM}>", 2, "w2"),
            message(f"Cy <{CY}>", work, 3, "w3"),
            message(work, f"Cy <{CY}>", 4, "w4"),
            message(work, "ada.private@example.com", 5, "w5"),
        )
    )
    summary = build_plain([export, box], tmp_path / "wh", me=())
    assert mail_directions(tmp_path / "wh") == {
        BRAM: ["inbound", "outbound"],
        CY: ["inbound", "outbound"],
    }
    assert not {work, "ada.private@example.com"} & contact_emails(tmp_path / "wh")
    assert summary["you"] == {
        "source": "linkedin",
        "identifiers": ["ada.private@example.com"],
        "inferred": [work],
    }
    assert any(
        line.endswith("1 address from the LinkedIn export, 1 address inferred from the mail")
        for line in summary_lines(summary)
    )
    assert summary["inputs"][1]["skip_reasons"] == [("to_self", 1)]


@pytest.mark.parametrize("carried", [False, True])
def test_state_of_an_older_version_without_hints_still_loads(tmp_path, carried):
    export, box, sent = write_inputs(tmp_path / "in")
    wh = tmp_path / "wh"
    build_plain([export, box, sent], wh, me=(), incremental=True)
    path = wh / "state" / "inputs.json"
    state = json.loads(path.read_text())
    for row in state.values():
        row.pop("me_hints", None)  # as written before hints were remembered
    path.write_text(json.dumps(state))
    if carried:
        shutil.rmtree(export)
    summary = build_plain([box, sent], wh, me=(), incremental=True)
    # Gone without remembered hints, the export no longer names the user: mail is read
    # again by counting. Present, it is read again for them, and nothing changes.
    assert summary["you"]["source"] == ("inferred" if carried else "linkedin")


def test_mail_connector_with_hints_keeps_what_the_mailbox_itself_shows(tmp_path):
    """Hints add to what a mailbox shows; they never hide its owner (connector level)."""
    from connectors import mail

    work = "ada@work.example"
    hints = ReadOptions(me_hints=frozenset({"ada.private@example.com"}))
    labelled = tmp_path / "takeout.mbox"
    labelled.write_text(
        mbox(
            "X-Gmail-Labels: Sent\n" + message(work, f"Bram <{BRAM}>", 1, "t1"),
            "X-Gmail-Labels: Inbox\n" + message(f"Bram <{BRAM}>", work, 2, "t2"),
        )
    )
    ex = mail.read(labelled, hints)
    assert ex.me_hints == [work]  # the Sent label; the hint takes part in nothing
    assert sorted(ex.interactions.direction) == ["inbound", "outbound"]
    # Hints that take part nowhere leave the counting as it was without them.
    _, box, _ = write_inputs(tmp_path / "in")
    plain, hinted = mail.read(box, ReadOptions()), mail.read(box, hints)
    assert hinted.me_hints == plain.me_hints == [BRAM]
    assert hinted.interactions.equals(plain.interactions)
    # Explicit --me stays exact: an address that takes part nowhere is all there is.
    given = mail.read(box, ReadOptions(me=frozenset({"ada.private@example.com"})))
    assert given.me_hints == [] and set(given.interactions.direction) == {"inbound"}
