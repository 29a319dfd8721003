"""Meetings in the relationship signals: contact like mail, future ones left out, follow-ups."""

from datetime import UTC, datetime, timedelta

import pandas as pd

from transforms.relationship import RelationshipPolicy, analyse_relationships

AS_OF = datetime(2026, 11, 1, 12, tzinfo=UTC)


def rows(*items):
    """(contact, hours before AS_OF (negative: after), channel, direction[, subject])."""
    out = []
    for k, (cid, hours_ago, channel, direction, *subject) in enumerate(items):
        out.append(
            {
                "interaction_id": f"i{k:03d}",
                "contact_id": cid,
                "occurred_at": AS_OF - timedelta(hours=hours_ago),
                "channel": channel,
                "direction": direction,
                "thread_key": None,
                "subject": subject[0] if subject else None,
            }
        )
    return pd.DataFrame(out)


def test_meetings_are_contact_and_count_as_two_way():
    days = [24 * d for d in (450, 350, 250)]
    frame = rows(*[("anna", h, "meeting", "outbound") for h in days])
    signals = analyse_relationships(frame, AS_OF).signals.set_index("contact_id")
    anna = signals.loc["anna"]
    assert anna["n_meeting_days"] == 3
    assert anna["last_contact_channel"] == "meeting"
    assert anna["tie_reciprocity"] > 0
    # Quiet for 250 days, twice its 100-day cadence, met three times: due a reconnect.
    assert anna["tie_class"] == "dormant" and bool(anna["reconnect_due"])


def test_a_meeting_not_yet_held_is_not_contact():
    frame = rows(("anna", 48, "email", "inbound"), ("anna", -72, "meeting", "outbound"))
    anna = analyse_relationships(frame, AS_OF).signals.set_index("contact_id").loc["anna"]
    assert anna["last_contact_channel"] == "email"
    assert anna["n_interactions"] == 1


def test_met_and_not_written_to_is_a_follow_up_with_where():
    frame = rows(
        ("anna", 30, "meeting", "outbound", "Coffee @ PyCon"),  # met 30 h ago, no mail since
        ("bob", 30, "in_person", "outbound", "Lunch"),
        ("bob", 20, "email", "outbound"),  # written to the same day: followed up
        ("carl", 10, "meeting", "inbound"),  # under 24 h: not yet due
        ("dora", 24 * 40, "in_person", "outbound"),  # beyond the 30-day lookback
        ("eve", 30, "call", "outbound"),  # a call is not meeting in person
    )
    series = rows(("fay", 24 * 8, "meeting", "inbound"), ("fay", 30, "meeting", "inbound"))
    series["thread_key"] = "weekly-1-1"  # a recurring series is routine
    frame = pd.concat([frame, series.assign(interaction_id=["s1", "s2"])], ignore_index=True)
    follow = analyse_relationships(frame, AS_OF).follow_ups
    met = follow[follow["reason"] == "met_no_follow_up"]
    assert list(met["contact_id"]) == ["anna"]
    assert met["subject"].iloc[0] == "Coffee @ PyCon"
    assert met["days_since"].iloc[0] == 1.2
    shorter = RelationshipPolicy.from_mapping({"meeting_follow_up_hours": 6})
    again = analyse_relationships(frame, AS_OF, shorter).follow_ups
    assert set(again.loc[again["reason"] == "met_no_follow_up", "contact_id"]) == {"anna", "carl"}
