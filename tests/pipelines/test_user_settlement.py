"""Who the user is, settled once per run over every mail input, through run_import.

The inputs are a `cur/`-only Maildir holding one thread of Ines's (she writes three
times, the user answers once: alone, counting takes Ines for its owner) and an mbox of
the user's own sent mail. Read one by one, the Maildir made the user a contact of
hers and turned Ines's mail outbound; settled over both, the user is the user.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from connectors.mail.user import settle_me
from tests.conftest import build_plain
from warehouse.snapshot import current_snapshot

ME = "maya@example.org"
INES = "ines@example.net"
OTHERS = ("olu@example.com", "pia@example.com", "quinn@example.com")


def message(frm: str, to: str, day: int, msgid: str) -> str:
    return (
        f"From: {frm}\nTo: {to}\nSubject: plans\n"
        f"Date: Tue, {day:02d} Jan 2024 09:00:00 +0100\nMessage-ID: <{msgid}@example.org>\n"
        "User-Agent: Mutt/2.2.12\n\nHello.\n"
    )


def write_inputs(root: Path) -> tuple[Path, Path]:
    maildir = root / "Ines"
    (maildir / "cur").mkdir(parents=True)  # copied by git: no empty new/ or tmp/
    thread = [
        (f"Ines Roy <{INES}>", f"Maya <{ME}>", 2),
        (f"Ines Roy <{INES}>", f"Maya <{ME}>", 3),
        (f"Maya <{ME}>", f"Ines Roy <{INES}>", 4),
        (f"Ines Roy <{INES}>", f"Maya <{ME}>", 5),
    ]
    for n, (frm, to, day) in enumerate(thread):
        name = f"170400{n}000.M{n}P1.host:2,S"
        (maildir / "cur" / name).write_text(message(frm, to, day, f"t{n}"))
    sent = root / "sent.mbox"
    sent.write_text(
        "".join(
            f"From {ME} Mon Jan  1 10:00:00 2024\n"
            + message(f"Maya <{ME}>", f"<{who}>", 10 + n, f"s{n}")
            + "\n"
            for n, who in enumerate(OTHERS)
        )
    )
    return maildir, sent


def snapshot_rows(wh: Path) -> dict[str, list[dict]]:
    snap = current_snapshot(wh)
    out = {}
    for name in ("contacts", "source_records", "interactions", "matches"):
        rows = pq.read_table(snap / f"{name}.parquet").to_pylist()
        for r in rows:
            r.pop("created_run_id", None)
        out[name] = rows
    return out


def directions(wh: Path) -> dict[str, list[str]]:
    rows = snapshot_rows(wh)
    key_of = {r["record_id"]: r["source_key"] for r in rows["source_records"]}
    out: dict[str, list[str]] = {}
    for i in rows["interactions"]:
        out.setdefault(key_of[i["record_id"]], []).append(i["direction"])
    return {k: sorted(v) for k, v in sorted(out.items())}


def test_a_cur_only_maildir_next_to_an_mbox_has_one_user(tmp_path):
    maildir, sent = write_inputs(tmp_path / "in")
    summary = build_plain([maildir, sent], tmp_path / "wh", me=())
    assert summary["you"] == {"source": "inferred", "identifiers": [ME]}
    assert directions(tmp_path / "wh") == {
        INES: ["inbound", "inbound", "inbound", "outbound"],
        **{who: ["outbound"] for who in OTHERS},
    }
    emails = {e for c in snapshot_rows(tmp_path / "wh")["contacts"] for e in c["emails"]}
    assert ME not in emails and INES in emails
    # The same as naming the user.
    build_plain([maildir, sent], tmp_path / "given", me=(ME,))
    assert directions(tmp_path / "given") == directions(tmp_path / "wh")


def test_the_settled_user_does_not_depend_on_cache_or_order(tmp_path):
    maildir, sent = write_inputs(tmp_path / "in")
    backfill = build_plain([maildir, sent], tmp_path / "wh", me=())
    before = snapshot_rows(tmp_path / "wh")
    # An incremental run with nothing new takes both extracts from the cache (the
    # Maildir's second read included) and gives the same snapshot.
    again = build_plain([maildir, sent], tmp_path / "wh", me=(), incremental=True)
    assert [row["from_cache"] for row in again["inputs"]] == [True, True]
    assert again["me"] == backfill["me"] == [ME]
    assert snapshot_rows(tmp_path / "wh") == before
    # Importing one input after the other, in either order, ends where the backfill did.
    for order, wh in (([sent, maildir], "a"), ([maildir, sent], "b")):
        build_plain(order[:1], tmp_path / wh, me=(), incremental=True)
        build_plain(order, tmp_path / wh, me=(), incremental=True)
        assert directions(tmp_path / wh) == directions(tmp_path / "wh")


def test_loose_messages_settle_the_user_together(tmp_path):
    # Three .eml files, each an input of its own: one message alone proves nothing, so
    # read alone each made the user a contact with an inbound message.
    folder = tmp_path / "in"
    folder.mkdir()
    for n, who in enumerate(OTHERS):
        (folder / f"{n}.eml").write_text(message(f"Maya <{ME}>", f"<{who}>", 10 + n, f"e{n}"))
    summary = build_plain(sorted(folder.iterdir()), tmp_path / "wh", me=())
    assert summary["me"] == [ME]
    assert directions(tmp_path / "wh") == {who: ["outbound"] for who in OTHERS}


def evidence(*groups: tuple[tuple[str, ...], int], sending=None, sent=()) -> dict:
    return {
        "sent": list(sent),
        "sending": dict(sending or {}),
        "groups": [[sorted(keys), n] for keys, n in groups],
    }


def test_settle_keeps_each_mailbox_owner_who_is_not_a_correspondent():
    home = evidence(((ME, "a@x.org"), 30), ((ME, "b@x.org"), 20), sending={ME: 25})
    work = evidence(
        (("maya@work.example", "c@y.org"), 15),
        (("maya@work.example", "d@y.org"), 5),
        sending={"maya@work.example": 10},
    )
    assert settle_me([home, work]) == {ME, "maya@work.example"}
    assert settle_me([work, home]) == {ME, "maya@work.example"}


def test_settle_never_takes_the_users_correspondent_for_a_second_owner():
    # Ines writes more than Maya answers in her folder, and Maya's own mailbox is
    # mostly mail with Ines: Ines is a correspondent however much she writes.
    folder = evidence(((ME, INES), 6), sending={INES: 5, ME: 1})
    box = evidence(((ME, INES), 4), ((ME, "a@x.org"), 2), sending={ME: 6})
    assert settle_me([folder, box]) == {ME}
    # Alone, the folder's guess is Ines, as before.
    assert settle_me([folder]) == {INES}


def test_settle_takes_gmail_sent_labels_and_hints_as_the_user():
    labelled = evidence(((ME, INES), 3), sent=[ME], sending={ME: 1, INES: 2})
    other = evidence((("x@y.org", "z@y.org"), 9), sending={"x@y.org": 9})
    assert settle_me([labelled]) == {ME}
    assert settle_me([labelled, other]) == {ME, "x@y.org"}
    assert settle_me([other], hints=["Maya@Example.org"]) >= {"maya@example.org", "x@y.org"}
    assert settle_me([], hints=[ME]) == {ME}
