from datetime import UTC, datetime

import pandas as pd

from transforms.relationship import relationship_signals

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


def _interactions(rows):
    df = pd.DataFrame(rows, columns=["contact_id", "occurred_at", "channel", "direction"])
    df["occurred_at"] = pd.to_datetime(df["occurred_at"], utc=True)
    return df


def test_last_contact_and_direction():
    df = _interactions(
        [
            ("c1", "2025-01-01T10:00:00Z", "email", "inbound"),
            ("c1", "2026-10-01T09:30:00Z", "linkedin_message", "outbound"),
            ("c1", "2026-03-01T00:00:00Z", "email", "inbound"),
            ("c2", "2020-05-05T00:00:00Z", "linkedin_connection", "outbound"),
        ]
    )
    out = relationship_signals(df, AS_OF).set_index("contact_id")
    c1 = out.loc["c1"]
    assert c1["last_contact_at"] == pd.Timestamp("2026-10-01T09:30:00Z")
    assert c1["first_contact_at"] == pd.Timestamp("2025-01-01T10:00:00Z")
    assert c1["last_contact_channel"] == "linkedin_message"
    assert c1["last_inbound_at"] == pd.Timestamp("2026-03-01T00:00:00Z")
    assert c1["last_outbound_at"] == pd.Timestamp("2026-10-01T09:30:00Z")
    assert (c1["n_interactions"], c1["n_inbound"], c1["n_outbound"]) == (3, 2, 1)
    assert pd.isna(out.loc["c2", "last_inbound_at"])
    assert out.loc["c1", "tie_strength"] > out.loc["c2", "tie_strength"]
    assert out["tie_strength"].min() >= 0 and out["tie_strength"].max() <= 1


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


def test_empty_interactions():
    out = relationship_signals(_interactions([]), AS_OF)
    assert out.empty and "tie_strength" in out.columns
