"""Relationship signals per contact from its interactions: last contact, direction, tie strength.

tie_strength blends recency (half-life 180 days), frequency (interactions in the last
12 months, saturating) and reciprocity (both directions seen). reconnect_due marks
people with a real, two-way tie who have been quiet for longer than RECONNECT_AFTER.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

RECENCY_HALF_LIFE_DAYS = 180.0
FREQUENCY_SATURATION = 12.0  # interactions a year at which frequency reaches ~0.63
RECONNECT_AFTER = timedelta(days=180)
WEIGHTS = {"recency": 0.5, "frequency": 0.3, "reciprocity": 0.2}

RELATIONSHIP_COLUMNS = [
    "first_contact_at",
    "last_contact_at",
    "last_contact_channel",
    "last_inbound_at",
    "last_outbound_at",
    "n_interactions",
    "n_inbound",
    "n_outbound",
    "tie_strength",
    "reconnect_due",
]


def relationship_signals(interactions: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """Per-contact aggregates of the interactions.

    Args:
        interactions: rows with contact_id, occurred_at (UTC), channel, direction.
        as_of: the moment recency is measured from (the run's start).

    Returns:
        One row per contact_id that has interactions, with RELATIONSHIP_COLUMNS.
    """
    if interactions.empty:
        return pd.DataFrame(columns=["contact_id", *RELATIONSHIP_COLUMNS])
    df = interactions[["contact_id", "occurred_at", "channel", "direction"]].copy()
    df["occurred_at"] = df["occurred_at"].astype("datetime64[us, UTC]")
    df = df.sort_values(["contact_id", "occurred_at", "channel"], kind="stable")
    grouped = df.groupby("contact_id", sort=True)
    out = grouped["occurred_at"].agg(first_contact_at="min", last_contact_at="max")
    out["last_contact_channel"] = grouped["channel"].last()
    out["n_interactions"] = grouped.size()
    inbound = df[df["direction"] == "inbound"].groupby("contact_id")["occurred_at"]
    outbound = df[df["direction"] == "outbound"].groupby("contact_id")["occurred_at"]
    out["last_inbound_at"] = inbound.max()
    out["last_outbound_at"] = outbound.max()
    out["n_inbound"] = inbound.size().reindex(out.index, fill_value=0)
    out["n_outbound"] = outbound.size().reindex(out.index, fill_value=0)

    as_of_ts = pd.Timestamp(as_of).tz_convert("UTC")
    year_ago = as_of_ts - pd.Timedelta(days=365)
    recent = df[df["occurred_at"] >= year_ago].groupby("contact_id").size()
    days_quiet = (as_of_ts - out["last_contact_at"]).dt.total_seconds() / 86400.0
    recency = np.exp2(-days_quiet.clip(lower=0) / RECENCY_HALF_LIFE_DAYS)
    frequency = 1.0 - np.exp(-recent.reindex(out.index, fill_value=0) / FREQUENCY_SATURATION)
    reciprocity = ((out["n_inbound"] > 0) & (out["n_outbound"] > 0)).astype(float)
    out["tie_strength"] = (
        WEIGHTS["recency"] * recency
        + WEIGHTS["frequency"] * frequency
        + WEIGHTS["reciprocity"] * reciprocity
    ).round(4)
    out["reconnect_due"] = (
        (reciprocity > 0) & (out["n_interactions"] >= 3) & (days_quiet > RECONNECT_AFTER.days)
    )
    return out.reset_index()[["contact_id", *RELATIONSHIP_COLUMNS]]
