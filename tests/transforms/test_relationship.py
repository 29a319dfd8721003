"""Relationship signals on hand-checked synthetic interactions, and on the demo's known truth."""

import csv
import io
import json
import math
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

from tests.conftest import AS_OF
from transforms.relationship import (
    RELATIONSHIP_COLUMNS,
    WEIGHTS,
    RelationshipPolicy,
    analyse_relationships,
    relationship_signals,
)
from warehouse.read import connect, read_table

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _interactions(rows):
    """Rows of (contact_id, occurred_at, channel, direction[, thread_key])."""
    rows = [(*r, None) if len(r) == 4 else r for r in rows]
    df = pd.DataFrame(
        rows, columns=["contact_id", "occurred_at", "channel", "direction", "thread_key"]
    )
    df["occurred_at"] = pd.to_datetime(df["occurred_at"], utc=True)
    df["interaction_id"] = [f"i{n:03d}" for n in range(len(df))]
    return df


def _ago(days: float, hours: float = 0) -> str:
    return (AS_OF - timedelta(days=days, hours=hours)).isoformat()


def test_last_contact_direction_and_counts():
    df = _interactions(
        [
            ("c1", "2025-01-01T10:00:00Z", "email", "inbound"),
            ("c1", "2026-10-01T09:30:00Z", "linkedin_message", "outbound"),
            ("c1", "2026-03-01T00:00:00Z", "email", "inbound"),
            ("c2", "2020-05-05T00:00:00Z", "linkedin_connection", "outbound"),
        ]
    )
    out = relationship_signals(df, AS_OF).set_index("contact_id")
    assert list(out.columns) == RELATIONSHIP_COLUMNS
    c1 = out.loc["c1"]
    assert c1["last_contact_at"] == pd.Timestamp("2026-10-01T09:30:00Z")
    assert c1["first_contact_at"] == pd.Timestamp("2025-01-01T10:00:00Z")
    assert (c1["last_contact_channel"], c1["last_contact_direction"]) == (
        "linkedin_message",
        "outbound",
    )
    assert c1["last_inbound_at"] == pd.Timestamp("2026-03-01T00:00:00Z")
    assert c1["last_outbound_at"] == pd.Timestamp("2026-10-01T09:30:00Z")
    assert (c1["n_interactions"], c1["n_inbound"], c1["n_outbound"]) == (3, 2, 1)
    assert (c1["n_interactions_12m"], c1["n_inbound_12m"], c1["n_outbound_12m"]) == (2, 1, 1)
    assert (c1["n_email_inbound"], c1["n_email_inbound_12m"]) == (2, 1)
    assert (c1["n_linkedin_message_outbound"], c1["n_linkedin_message_outbound_12m"]) == (1, 1)
    assert out.loc["c2", "n_linkedin_connection_outbound"] == 1
    assert out.loc["c2", "n_interactions_12m"] == 0
    assert pd.isna(out.loc["c2", "last_inbound_at"])
    assert out.loc["c1", "tie_strength"] > out.loc["c2", "tie_strength"]
    assert out["tie_strength"].between(0, 1).all()


def test_a_thread_key_makes_a_conversation_and_replies_are_timed_from_the_first_waiting():
    df = _interactions(
        [
            ("a", "2026-09-01T09:00:00Z", "email", "inbound", "t1"),
            ("a", "2026-09-02T09:00:00Z", "email", "inbound", "t1"),  # a nudge
            ("a", "2026-09-03T09:00:00Z", "email", "outbound", "t1"),  # 48 h after the first
            ("a", "2026-09-03T15:00:00Z", "email", "inbound", "t1"),  # 6 h
            ("a", "2026-09-04T09:00:00Z", "email", "outbound", "t2"),  # one-way thread
        ]
    )
    r = analyse_relationships(df, AS_OF)
    per = r.interactions.set_index("interaction_id")
    assert per.loc[["i000", "i001", "i002", "i003"], "conversation_id"].nunique() == 1
    assert per.loc["i004", "conversation_id"] != per.loc["i000", "conversation_id"]
    assert per["reply_latency_hours"].dropna().to_dict() == {"i002": 48.0, "i003": 6.0}
    a = r.signals.set_index("contact_id").loc["a"]
    assert (a["n_conversations"], a["n_two_way_conversations"], a["two_way_share"]) == (2, 1, 0.5)
    assert (a["n_your_replies"], a["your_reply_median_hours"]) == (1, 48.0)
    assert (a["n_their_replies"], a["their_reply_median_hours"]) == (1, 6.0)


def test_a_linkedin_conversation_revived_years_later_is_a_new_conversation():
    df = _interactions(
        [
            ("p", "2022-06-21T15:00:00Z", "linkedin_message", "inbound", "2-conv"),
            ("p", "2022-06-21T16:00:00Z", "linkedin_message", "outbound", "2-conv"),
            ("p", "2025-02-11T19:00:00Z", "linkedin_message", "inbound", "2-conv"),
        ]
    )
    r = analyse_relationships(df, AS_OF)
    assert r.interactions["conversation_id"].nunique() == 2
    assert r.interactions["reply_latency_hours"].dropna().tolist() == [1.0]


def test_without_threading_an_outbound_within_the_gap_is_a_reply():
    # Every mail its own thread (thread_key = Message-ID): messages chain per person.
    df = _interactions(
        [
            ("m", "2026-05-01T08:00:00Z", "email", "inbound", "<1@x>"),
            ("m", "2026-05-04T08:00:00Z", "email", "outbound", "<2@x>"),  # 72 h: a reply
            ("m", "2026-06-20T08:00:00Z", "email", "inbound", "<3@x>"),
            ("m", "2026-07-20T08:00:00Z", "email", "outbound", "<4@x>"),  # 30 days: not one
        ]
    )
    r = analyse_relationships(df, AS_OF)
    assert r.interactions["reply_latency_hours"].dropna().tolist() == [72.0]
    m = r.signals.iloc[0]
    assert (m["n_conversations"], m["n_two_way_conversations"]) == (3, 1)
    wider = analyse_relationships(df, AS_OF, RelationshipPolicy(conversation_gap_days=31))
    assert wider.interactions["reply_latency_hours"].dropna().tolist() == [72.0, 720.0]


def test_tie_strength_is_the_documented_weighted_sum():
    # One two-way conversation 10 days ago, replies after 24 h each way.
    df = _interactions(
        [
            ("x", _ago(12), "email", "inbound", "t"),
            ("x", _ago(11), "email", "outbound", "t"),
            ("x", _ago(10), "email", "inbound", "t"),
        ]
    )
    x = relationship_signals(df, AS_OF).iloc[0]
    recency = 2 ** (-10 / 180)
    frequency = 1 - math.exp(-3 / 12)
    reciprocity = 1 / (1 + 2)
    latency = 1 / (1 + 24 / 24) * 2 / (2 + 2)
    assert x["tie_recency"] == pytest.approx(recency, abs=1e-4)
    assert x["tie_frequency"] == pytest.approx(frequency, abs=1e-4)
    assert x["tie_reciprocity"] == pytest.approx(reciprocity, abs=1e-4)
    assert x["tie_latency"] == pytest.approx(latency, abs=1e-4)
    expected = (
        WEIGHTS["recency"] * recency
        + WEIGHTS["frequency"] * frequency
        + WEIGHTS["reciprocity"] * reciprocity
        + WEIGHTS["latency"] * latency
    )
    assert x["tie_strength"] == pytest.approx(expected, abs=1e-4)
    at_last = WEIGHTS["recency"] + expected - WEIGHTS["recency"] * recency
    assert x["tie_strength_at_last_contact"] == pytest.approx(at_last, abs=1e-4)
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def _exchange(contact: str, days_ago: float, thread: str, reply_hours: float = 2.0):
    """They write, you answer after reply_hours: one two-way conversation."""
    return [
        (contact, _ago(days_ago, reply_hours), "email", "inbound", thread),
        (contact, _ago(days_ago), "email", "outbound", thread),
    ]


def test_tie_classes():
    rows = []
    for k in range(8):  # every two weeks, quick replies: strong
        rows += _exchange("strong", 3 + 15 * k, f"s{k}", reply_hours=1)
    rows += _exchange("weak", 100, "w0", reply_hours=70)
    for k in range(4):  # monthly two years ago: dormant
        rows += _exchange("dormant", 700 + 30 * k, f"d{k}")
    rows += [
        ("oneway", _ago(5), "email", "inbound", "o1"),
        ("oneway", _ago(40), "email", "inbound"),
    ]
    rows += [("clicked", _ago(20), "linkedin_connection", "outbound")]
    out = relationship_signals(_interactions(rows), AS_OF).set_index("contact_id")["tie_class"]
    assert out.to_dict() == {
        "clicked": "one-way",
        "dormant": "dormant",
        "oneway": "one-way",
        "strong": "strong",
        "weak": "weak",
    }


def test_reconnect_uses_the_persons_own_cadence():
    rows = []
    for k in range(4):  # every 30 days, then quiet for 70: due (threshold 2 x 30 = 60)
        rows += _exchange("monthly", 70 + 30 * k, f"m{k}")
    for k in range(2):  # no known cadence, quiet for 70: not due (default 180)
        rows += _exchange("unknown", 70 + 30 * k, f"u{k}")
    for k in range(4):  # yearly, quiet for 300: not due (threshold capped at 365)
        rows += _exchange("yearly", 300 + 365 * k, f"y{k}")
    for k in range(4):  # every 15 days, quiet for 40: due (threshold 30, the floor)
        rows += _exchange("burst", 40 + 15 * k, f"b{k}")
    out = relationship_signals(_interactions(rows), AS_OF).set_index("contact_id")
    assert out["reconnect_due"].to_dict() == {
        "burst": True,
        "monthly": True,
        "unknown": False,
        "yearly": False,
    }
    assert out.loc["monthly", "usual_gap_days"] == 30.0
    assert out.loc["monthly", "reconnect_after_days"] == 60.0
    assert out.loc["burst", "reconnect_after_days"] == 30.0
    assert out.loc["yearly", "reconnect_after_days"] == 365.0
    assert pd.isna(out.loc["unknown", "usual_gap_days"])
    assert out.loc["unknown", "reconnect_after_days"] == 180.0
    quick = relationship_signals(
        _interactions(rows), AS_OF, RelationshipPolicy(reconnect_after_days=60)
    )
    assert quick.set_index("contact_id").loc["unknown", "reconnect_due"]


def test_reconnect_needs_a_real_tie_and_is_ranked_by_what_is_at_stake():
    rows = []
    for k in range(6):  # a close tie that went quiet a year ago: most at stake
        rows += _exchange("close", 365 + 20 * k, f"c{k}", reply_hours=1)
    for k in range(2):  # a thinner tie, quiet for longer
        rows += _exchange("thin", 900 + 20 * k, f"t{k}", reply_hours=48)
    rows += _exchange("once", 400, "o1")  # two messages: not a real tie yet
    rows += [(f"mail{k}", _ago(400 + k), "email", "outbound") for k in range(5)]  # never answered
    rows += [("oneway", _ago(400 + k), "email", "inbound") for k in range(5)]
    out = relationship_signals(_interactions(rows), AS_OF).set_index("contact_id")
    due = out[out["reconnect_due"]].sort_values("reconnect_rank")
    assert due.index.tolist() == ["close", "thin"]
    assert due["reconnect_rank"].tolist() == [1, 2]
    assert out.loc["once", "tie_class"] == "dormant" and not out.loc["once", "reconnect_due"]
    stake = out["tie_strength_at_last_contact"]
    assert stake["close"] > stake["thin"]


def test_reconnect_due_needs_a_two_way_tie_gone_quiet():
    df = _interactions(
        [
            ("quiet", "2025-01-01T00:00:00Z", "email", "inbound"),
            ("quiet", "2025-01-02T00:00:00Z", "email", "outbound"),
            ("quiet", "2025-02-01T00:00:00Z", "email", "inbound"),
            ("oneway", "2024-01-01T00:00:00Z", "email", "inbound"),
            ("oneway", "2024-01-02T00:00:00Z", "email", "inbound"),
            ("oneway", "2024-01-03T00:00:00Z", "email", "inbound"),
            ("recent", "2026-10-20T00:00:00Z", "email", "inbound"),
            ("recent", "2026-10-21T00:00:00Z", "email", "outbound"),
            ("recent", "2026-10-22T00:00:00Z", "email", "inbound"),
        ]
    )
    out = relationship_signals(df, AS_OF).set_index("contact_id")["reconnect_due"]
    assert out.to_dict() == {"oneway": False, "quiet": True, "recent": False}


def test_owed_replies_hand_checked():
    rows = [
        ("waiting", _ago(10), "email", "inbound", "w1"),  # owed: 10 days
        ("answered", _ago(10), "email", "inbound", "a1"),
        ("answered", _ago(9), "email", "outbound", "a1"),
        ("fresh", _ago(3), "email", "inbound", "f1"),  # not yet: under 7 days
        ("stale", _ago(200), "email", "inbound", "s1"),  # too old to list
        ("nudged", _ago(20), "email", "inbound", "n1"),  # owed from the first of two
        ("nudged", _ago(12), "email", "inbound", "n1"),
        ("elsewhere", _ago(15), "email", "inbound", "e1"),  # answered on LinkedIn
        ("elsewhere", _ago(14), "linkedin_message", "outbound", "2-e"),
        ("theirs", _ago(30), "email", "outbound", "r1"),  # you wrote, they answered
        ("theirs", _ago(10, 12), "email", "inbound", "r1"),
        ("linkedin", _ago(8), "linkedin_message", "inbound", "2-l"),
        ("invite", _ago(9), "linkedin_invitation", "inbound"),  # not a message
    ]
    owed = analyse_relationships(_interactions(rows), AS_OF).owed_replies
    got = {
        r.contact_id: (r.interaction_id, r.days_waiting, r.n_waiting, r.started_by, r.channel)
        for r in owed.itertuples()
    }
    assert got == {
        "nudged": ("i005", 20.0, 2, "them", "email"),
        "theirs": ("i010", 10.5, 1, "you", "email"),
        "waiting": ("i000", 10.0, 1, "them", "email"),
        "linkedin": ("i011", 8.0, 1, "them", "linkedin_message"),
    }
    assert owed["contact_id"].tolist() == ["nudged", "theirs", "waiting", "linkedin"]
    sooner = analyse_relationships(
        _interactions(rows), AS_OF, RelationshipPolicy(owed_after_days=2)
    )
    assert "fresh" in set(sooner.owed_replies["contact_id"])


def test_owed_reply_per_conversation_when_every_mail_is_its_own_thread():
    rows = [
        ("k", _ago(40), "email", "inbound", "<a>"),  # answered within the gap
        ("k", _ago(39), "email", "outbound", "<b>"),
        ("k", _ago(20), "email", "inbound", "<c>"),  # then two new mails, unanswered
        ("k", _ago(18), "email", "inbound", "<d>"),
    ]
    owed = analyse_relationships(_interactions(rows), AS_OF).owed_replies
    assert owed[["interaction_id", "n_waiting", "days_waiting"]].values.tolist() == [
        ["i002", 2, 20.0]
    ]


def test_follow_ups_hand_checked():
    rows = [
        ("connected", _ago(10), "linkedin_connection", "outbound"),  # no note since
        ("greeted", _ago(10), "linkedin_connection", "inbound"),
        ("greeted", _ago(8), "linkedin_message", "outbound", "2-g"),
        ("greeted", _ago(7), "linkedin_message", "inbound", "2-g"),
        ("sameday", "2026-10-20T00:00:00Z", "linkedin_connection", "outbound"),
        ("sameday", "2026-10-20T15:00:00Z", "linkedin_message", "outbound", "2-s"),
        ("justnow", _ago(1), "linkedin_connection", "outbound"),  # still within a few days
        ("longago", _ago(60), "linkedin_connection", "outbound"),  # no longer new
        ("invited", _ago(5), "linkedin_invitation", "inbound"),
        ("inviting", _ago(5), "linkedin_invitation", "outbound"),
        ("cold", _ago(6), "email", "outbound", "c1"),  # first message, no answer
        ("warm", _ago(6), "email", "outbound", "w1"),
        ("warm", _ago(5), "email", "inbound", "w1"),
        ("known", "2024-03-01T00:00:00Z", "email", "outbound", "k0"),  # not a first message
        ("known", _ago(6), "email", "outbound", "k1"),
        ("chased", _ago(10), "email", "outbound", "h1"),  # nudged already
        ("chased", _ago(4), "email", "outbound", "h1"),
    ]
    follow = analyse_relationships(_interactions(rows), AS_OF).follow_ups
    got = {(r.contact_id, r.reason): r.days_since for r in follow.itertuples()}
    assert got == {
        ("connected", "new_connection"): 10.0,
        ("invited", "invitation_received"): 5.0,
        ("cold", "no_reply"): 6.0,
        # the note sent on connecting has had no answer: nudge once
        ("sameday", "no_reply"): 11.4,
    }
    assert follow["days_since"].is_monotonic_increasing


def test_empty_interactions():
    r = analyse_relationships(_interactions([]), AS_OF)
    assert r.signals.empty and "tie_strength" in r.signals.columns
    assert r.owed_replies.empty and r.follow_ups.empty and r.interactions.empty


def test_result_does_not_depend_on_input_order():
    rows = []
    for k in range(5):
        rows += _exchange("a", 10 + 9 * k, "t")
        rows += _exchange("b", 50 + 40 * k, f"b{k}")
    df = _interactions(rows)
    one = analyse_relationships(df, AS_OF)
    two = analyse_relationships(df.sample(frac=1, random_state=7), AS_OF)
    pd.testing.assert_frame_equal(one.signals, two.signals)
    pd.testing.assert_frame_equal(
        one.interactions.sort_values("interaction_id").reset_index(drop=True),
        two.interactions.sort_values("interaction_id").reset_index(drop=True),
    )


# --------------------------------------------------------------------------- demo truth


def _linkedin_last_contact() -> dict[str, datetime]:
    """Per LinkedIn URL key: the newest direct LinkedIn interaction, read with csv only."""
    from tests.test_examples import _connections, _url_key, _zip_texts

    texts = _zip_texts()
    me = _url_key("https://www.linkedin.com/in/alexmorgan")
    newest: dict[str, datetime] = {}

    def seen(url: str, when: datetime) -> None:
        key = _url_key(url)
        if key != me:
            newest[key] = max(newest.get(key, when), when)

    for row in _connections(texts["Connections.csv"]):
        if row["URL"]:
            when = datetime.strptime(row["Connected On"], "%d %b %Y").replace(tzinfo=UTC)
            seen(row["URL"], when)
    for row in csv.DictReader(io.StringIO(texts["messages.csv"])):
        if row["IS MESSAGE DRAFT"] == "Yes" or row["FOLDER"] == "SPAM":
            continue
        when = datetime.strptime(row["DATE"], "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC)
        if _url_key(row["SENDER PROFILE URL"]) == me:
            for url in row["RECIPIENT PROFILE URLS"].split(","):
                seen(url, when)
        elif row["SENDER PROFILE URL"]:
            seen(row["SENDER PROFILE URL"], when)
    for row in csv.DictReader(io.StringIO(texts["Invitations.csv"])):
        when = datetime.strptime(row["Sent At"], "%m/%d/%y, %I:%M %p").replace(tzinfo=UTC)
        seen(row["inviterProfileUrl"], when)
        seen(row["inviteeProfileUrl"], when)
    return newest


def _mail_last_contact() -> tuple[dict[str, datetime], dict[str, datetime]]:
    """Per address: the newest direct mail exchanged with it, read with the email package.

    Returns two maps: mails they sent you or you sent them (a direct exchange), and any
    direct mail with them in From, To or Cc (truth.json's ``last_email_at``).
    """
    from tests.test_examples import _addresses, _kind, _mail

    truth = json.loads((EXAMPLES / "truth.json").read_text(encoding="utf-8"))
    me = set(truth["me"]["emails"])
    direct: dict[str, datetime] = {}
    anyhow: dict[str, datetime] = {}
    for _, msg in _mail():
        if _kind(msg) != "direct":
            continue
        when = parsedate_to_datetime(str(msg["Date"])).astimezone(UTC)
        sender = msg["From"].addresses[0].addr_spec.lower()
        counterparts = set(_addresses(msg)) - me if sender in me else {sender}
        for address in counterparts:
            direct[address] = max(direct.get(address, when), when)
        for address in set(_addresses(msg)) - me:
            anyhow[address] = max(anyhow.get(address, when), when)
    return direct, anyhow


def _newest(*candidates: datetime | None) -> datetime | None:
    present = [c for c in candidates if c is not None]
    return max(present) if present else None


def _linkedin_key(url: str | None) -> str | None:
    return "url:" + unquote(url.split("/in/", 1)[1]).strip("/").lower() if url else None


def test_last_contact_matches_the_known_truth(plain_demo_warehouse):
    truth = json.loads((EXAMPLES / "truth.json").read_text(encoding="utf-8"))
    con = connect(plain_demo_warehouse)
    rows = con.execute(
        "select contact_id, emails, phones, linkedin_url, last_contact_at from contacts"
    ).fetchall()
    linkedin = _linkedin_last_contact()
    direct_mail, any_mail = _mail_last_contact()

    def warehouse_last_contact(person):
        url = _linkedin_key(person["linkedin_url"])
        hits = [
            last
            for _, emails, phones, lurl, last in rows
            if set(emails) & set(person["emails"])
            or (url and _linkedin_key(lurl) == url)
            or (not person["emails"] and set(phones) & set(person["phones"]))
        ]
        assert len(hits) == 1, person["name"]
        return hits[0]

    bill = truth["all_three_sources"]
    bill_row = next(p for p in truth["contacts"] if p["emails"] == [bill["email"]])
    expected_bill = datetime.fromisoformat(bill["last_contact_at"].replace("Z", "+00:00"))
    assert warehouse_last_contact(bill_row) == expected_bill

    got, direct, participated = [], [], []
    for p in truth["contacts"]:
        on_linkedin = linkedin.get(_linkedin_key(p["linkedin_url"]))
        last_email = p["last_email_at"] and datetime.fromisoformat(
            p["last_email_at"].replace("Z", "+00:00")
        )
        assert last_email == _newest(*(any_mail.get(e) for e in p["emails"]))
        got.append(warehouse_last_contact(p))
        direct.append(_newest(on_linkedin, *(direct_mail.get(e) for e in p["emails"])))
        participated.append(_newest(on_linkedin, last_email or None))
    assert len(got) == truth["people"]
    # The newest direct interaction: a mail they sent you or you sent them, a LinkedIn
    # message, connection or invitation.
    right = [g == d for g, d in zip(got, direct, strict=True)]
    wrong = [p["name"] for p, ok in zip(truth["contacts"], right, strict=True) if not ok]
    assert sum(right) / len(right) >= 0.99, wrong
    # truth.json's last_email_at also counts a mail someone else sent you with them on
    # Cc. The mail connector records only the sender of an inbound mail, so those are
    # the only differences (Oliver Grant, copied on John Smith's reply).
    differ = [
        p["name"] for p, g, t in zip(truth["contacts"], got, participated, strict=True) if g != t
    ]
    cc_only = [
        p["name"] for p, d, t in zip(truth["contacts"], direct, participated, strict=True) if d != t
    ]
    assert differ == cc_only
    assert len(differ) <= 1


def test_lists_bots_and_the_user_never_become_contacts(plain_demo_warehouse):
    from tests.test_examples import _addresses, _kind, _mail

    truth = json.loads((EXAMPLES / "truth.json").read_text(encoding="utf-8"))
    direct, other = set(), set()
    for _, msg in _mail():
        (direct if _kind(msg) == "direct" else other).update(_addresses(msg))
    not_people = (other - direct) | set(truth["me"]["emails"])
    assert len(not_people) >= 10
    con = connect(plain_demo_warehouse)
    emails = {e for (es,) in con.execute("select emails from contacts").fetchall() for e in es}
    assert not emails & not_people
    assert not {e for e in emails if e.split("@")[0] in {"noreply", "no-reply", "mailer-daemon"}}
    mine = con.execute(
        "select count(*) from contacts where linkedin_url = ?", [truth["me"]["linkedin_url"]]
    ).fetchone()
    assert mine == (0,)
    assert con.execute("select count(*) from contacts").fetchone() == (truth["people"],)


def test_demo_lists_are_the_same_when_mail_is_threaded_by_its_root(plain_demo_warehouse):
    # The mail connector keys a mail by its thread's root (Gmail's X-GM-THRID here); with
    # every mail its own thread (no threading headers) the fallback must find the same
    # people owed, due and followed up.
    by_root = read_table(plain_demo_warehouse, "interactions").to_pandas()
    email = by_root["channel"] == "email"
    assert by_root.loc[email, "thread_key"].str.startswith("gm:").all()
    by_id = by_root.copy()
    by_id.loc[email, "thread_key"] = by_id.loc[email, "interaction_id"]
    assert by_root.loc[email, "thread_key"].nunique() < by_id.loc[email, "thread_key"].nunique()
    one, two = analyse_relationships(by_id, AS_OF), analyse_relationships(by_root, AS_OF)
    assert set(one.owed_replies["contact_id"]) == set(two.owed_replies["contact_id"])
    assert set(one.follow_ups["contact_id"]) == set(two.follow_ups["contact_id"])
    a, b = one.signals.set_index("contact_id"), two.signals.set_index("contact_id")
    assert a["tie_class"].equals(b["tie_class"])
    assert a["reconnect_due"].equals(b["reconnect_due"])
    assert one.interactions["reply_latency_hours"].notna().sum() == (
        two.interactions["reply_latency_hours"].notna().sum()
    )


def test_a_bare_connection_is_an_event_not_an_exchange():
    """Issue 14: a connection nobody wrote to ranks below someone who e-mailed last year."""
    df = _interactions(
        [
            ("connected", _ago(1), "linkedin_connection", "outbound"),
            ("wrote", _ago(330), "email", "inbound"),
            ("both", _ago(1), "linkedin_connection", "outbound"),
            ("both", _ago(330), "email", "inbound"),
        ]
    )
    out = relationship_signals(df, AS_OF).set_index("contact_id")
    assert out.loc["connected", "tie_strength"] < out.loc["wrote", "tie_strength"]
    # The connection counts for recency at a quarter of a message, never for frequency.
    assert out.loc["connected", "tie_recency"] == pytest.approx(0.25 * 2 ** (-1 / 180), abs=1e-4)
    assert out.loc["connected", "tie_frequency"] == 0
    assert out.loc["both", "tie_recency"] == out.loc["wrote", "tie_recency"]  # 0.28 > 0.25
    # It still is the last contact, shown as what it is.
    assert out.loc["connected", "last_contact_channel"] == "linkedin_connection"
    # The weight of an event is a setting like the others.
    policy = RelationshipPolicy.from_mapping({"event_weight": 1.0})
    alike = relationship_signals(df, AS_OF, policy).set_index("contact_id")
    assert alike.loc["connected", "tie_recency"] > alike.loc["wrote", "tie_recency"]
