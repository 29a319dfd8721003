"""Relationship signals from the interactions: last contact, replies, tie strength, what is due.

Everything "now"-relative is measured from the run's ``as_of``. The module-level
constants below are the defaults of :class:`RelationshipPolicy`; a run can pass another.

Conversations (what counts as a reply)
    Only messages (``email``, ``linkedin_message``, a logged ``message``) converse;
    connections and invitations are contact, not conversation. Messages with one person that share a
    ``thread_key`` (the mail thread's root, a LinkedIn conversation id) form one
    conversation, split where it falls silent for more than THREAD_REVIVAL_DAYS (90: a
    LinkedIn conversation id lasts for years). Messages without a shared key (when every
    mail is its own thread) are chained per person while each follows the previous one
    within CONVERSATION_GAP_DAYS (14): an outbound within 14 days of an inbound is a
    reply. Within a conversation, the first message after a run of the other side's is a
    reply; its latency runs from the first message of that run (how long they waited).
    A conversation is named by the interaction_id of its first message.

Tie strength, 0..1: a weighted sum of four stored components (WEIGHTS)
    recency 0.35      2^(-days since the last message / RECENCY_HALF_LIFE_DAYS (180)), or
                      EVENT_WEIGHT (0.25) times that of the last connection or invitation
                      when that is more: an event of the relationship, not an exchange
    frequency 0.20    1 - exp(-days with a message in the last 12 months / FREQUENCY_SCALE
                      (12)); connections and invitations do not count
    reciprocity 0.20  conversations with both sides / (conversations + EVIDENCE_PRIOR (2))
    latency 0.25      1 / (1 + median reply hours / LATENCY_HALF_HOURS (24)),
                      times replies / (replies + EVIDENCE_PRIOR)
    Recency leads because days since the last exchange is among the strongest single
    predictors of tie strength (Gilbert & Karahalios, CHI 2009); response time comes
    next because it agrees with the ties people report better than volume or
    reciprocity do (Wuchty & Uzzi, PLOS ONE 2011). Frequency counts days, not
    messages, so one long thread is not a close friendship. The prior shrinks
    reciprocity and latency measured on one or two conversations: a single quick
    answer is weak evidence. ``tie_strength_at_last_contact`` is the same formula
    with recency 1 and frequency over the 12 months before the last contact: what the
    tie was worth when it went quiet, i.e. what is at stake.

Tie class
    ``none`` no interactions; ``one-way`` no conversation with both sides (a
    connection alone is a click, not a conversation); ``dormant`` two-way but quiet
    for longer than the person's reconnect threshold; ``strong`` two-way with
    tie_strength >= STRONG_TIE_MIN (0.5); ``weak`` the other two-way ties.

Reconnect
    A person's usual cadence is the median gap between the starts of their contact
    episodes (contact days within CONVERSATION_GAP_DAYS of each other form one), known
    from MIN_EPISODES_FOR_CADENCE (3) episodes. They are quiet too long after
    CADENCE_FACTOR (2) times that gap, kept between RECONNECT_MIN_DAYS (30) and
    RECONNECT_MAX_DAYS (365); without a known cadence, after RECONNECT_AFTER_DAYS (180).
    ``reconnect_due`` marks dormant real ties (two-way, at least REAL_TIE_MIN_MESSAGES
    (3) messages); ``reconnect_rank`` orders them by tie_strength_at_last_contact, then
    by how far past their threshold they are: dormant ties keep their value for years
    and revive quickly (Levin, Walter & Murnighan, Organization Science 2011), so an old
    close tie outranks a recent thin one.

Owed replies
    An inbound message is owed a reply when nothing was written to that person (any
    message channel) after it, it is at least OWED_AFTER_DAYS (7) old, and the
    conversation's newest inbound is at most OWED_LOOKBACK_DAYS (90) old. One row per
    conversation, from its first unanswered message.

Follow-ups (FOLLOW_UP_AFTER_DAYS (3) passed, within FOLLOW_UP_LOOKBACK_DAYS (30))
    ``new_connection``: a LinkedIn connection you have not written to since;
    ``invitation_received``: a pending LinkedIn invitation to you;
    ``no_reply``: your first message to someone has had no answer and no nudge
    (a note sent on connecting included: nudge once);
    ``met_no_follow_up``: you met someone (a calendar ``meeting`` or an ``in_person``
    log entry), MEETING_FOLLOW_UP_HOURS (24) have passed, and you have written them
    nothing since (any message channel). One row per person, from the latest such
    meeting, with its subject (what and where). A recurring meeting (the same event
    met twice or more: a weekly 1:1) is routine and never asks for a follow-up. Career
    advice is to write within a day; a message sent later still clears the row, since
    the list is what to act on.

Meetings (``meeting``, ``in_person``, ``call``)
    They are contact like a message: they set last contact, cadence, frequency and
    recency. A day with a meeting counts as one conversation with both sides
    (``n_meeting_days``), so people you only meet still get reciprocity, a tie class
    and a place on the reconnect list. A meeting after as_of is scheduled, not held:
    it is left out of every signal until its day has come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from transforms.relationship_policy import (  # noqa: F401  (the module's defaults)
    _COUNT_SETTINGS,
    _SCALES,
    CADENCE_FACTOR,
    CONVERSATION_GAP_DAYS,
    EVENT_WEIGHT,
    EVIDENCE_PRIOR,
    FOLLOW_UP_AFTER_DAYS,
    FOLLOW_UP_LOOKBACK_DAYS,
    FOLLOW_UP_REASONS,
    FREQUENCY_SCALE,
    LATENCY_HALF_HOURS,
    MEETING_CHANNELS,
    MEETING_FOLLOW_UP_HOURS,
    MESSAGE_CHANNELS,
    MET_IN_PERSON_CHANNELS,
    MIN_EPISODES_FOR_CADENCE,
    OWED_AFTER_DAYS,
    OWED_LOOKBACK_DAYS,
    REAL_TIE_MIN_MESSAGES,
    RECENCY_HALF_LIFE_DAYS,
    RECONNECT_AFTER_DAYS,
    RECONNECT_MAX_DAYS,
    RECONNECT_MIN_DAYS,
    STRONG_TIE_MIN,
    THREAD_REVIVAL_DAYS,
    TIE_CLASSES,
    WEIGHTS,
    RelationshipPolicy,
    _positive,
    _weights,
)
from warehouse.schema import CHANNELS, DIRECTIONS

COUNT_COLUMNS = [f"n_{c}_{d}" for c in CHANNELS for d in DIRECTIONS]
RELATIONSHIP_COLUMNS = [
    "first_contact_at",
    "last_contact_at",
    "last_contact_channel",
    "last_contact_direction",
    "last_inbound_at",
    "last_outbound_at",
    "n_interactions",
    "n_inbound",
    "n_outbound",
    "n_interactions_12m",
    "n_inbound_12m",
    "n_outbound_12m",
    *COUNT_COLUMNS,
    *(f"{c}_12m" for c in COUNT_COLUMNS),
    "contact_days_12m",
    "n_meeting_days",
    "n_conversations",
    "n_two_way_conversations",
    "two_way_share",
    "n_your_replies",
    "your_reply_median_hours",
    "n_their_replies",
    "their_reply_median_hours",
    "days_since_last_contact",
    "usual_gap_days",
    "reconnect_after_days",
    "tie_recency",
    "tie_frequency",
    "tie_reciprocity",
    "tie_latency",
    "tie_strength",
    "tie_strength_at_last_contact",
    "tie_class",
    "reconnect_due",
    "reconnect_rank",
]
OWED_COLUMNS = [
    "contact_id",
    "interaction_id",
    "occurred_at",
    "channel",
    "thread_key",
    "conversation_id",
    "started_by",
    "n_waiting",
    "last_inbound_at",
    "days_waiting",
]
FOLLOW_UP_COLUMNS = [
    "contact_id",
    "reason",
    "since",
    "interaction_id",
    "channel",
    "days_since",
    "subject",
]
# Per-interaction results, for the interactions table.
INTERACTION_COLUMNS = ["interaction_id", "conversation_id", "reply_latency_hours"]


US_PER_HOUR = 3_600_000_000
US_PER_DAY = 24 * US_PER_HOUR
YEAR_US = 365 * US_PER_DAY
_NEVER = np.iinfo(np.int64).min


@dataclass
class Relationships:
    """What the interactions say: per contact, per interaction, and the to-do lists."""

    signals: pd.DataFrame  # per contact with interactions: contact_id + RELATIONSHIP_COLUMNS
    interactions: pd.DataFrame  # INTERACTION_COLUMNS, one row per message
    owed_replies: pd.DataFrame  # OWED_COLUMNS
    follow_ups: pd.DataFrame  # FOLLOW_UP_COLUMNS


@dataclass
class _Frame:
    """The interactions as arrays sorted by (contact, time, channel, id); cid indexes ids."""

    ids: pd.Index  # contact_ids, sorted; cid is a position in it
    cid: np.ndarray
    t: np.ndarray  # occurred_at in microseconds since the epoch
    ch: np.ndarray  # position in CHANNELS, -1 for anything else
    inbound: np.ndarray
    tk: np.ndarray  # thread_key code, -1 without one
    order: np.ndarray  # interaction_id sort code, for deterministic ties
    rows: pd.DataFrame  # interaction_id, occurred_at, channel, direction, thread_key, subject

    @property
    def n_contacts(self) -> int:
        return len(self.ids)


def _as_us(values: pd.Series) -> np.ndarray:
    return values.astype("datetime64[us, UTC]").dt.tz_convert(None).to_numpy().view("int64")


def _prepare(interactions: pd.DataFrame) -> _Frame:
    df = interactions
    n = len(df)
    iid = (
        df["interaction_id"]
        if "interaction_id" in df
        else pd.Series([f"i{k:09d}" for k in range(n)])
    )
    thread = df["thread_key"] if "thread_key" in df else pd.Series([None] * n)
    subject = df["subject"] if "subject" in df else pd.Series([None] * n)
    rows = pd.DataFrame(
        {
            "interaction_id": iid.array,
            "occurred_at": df["occurred_at"].astype("datetime64[us, UTC]").array,
            "channel": df["channel"].array,
            "direction": df["direction"].array,
            "thread_key": thread.array,
            "subject": subject.array,
        }
    )
    cid, ids = pd.factorize(df["contact_id"], sort=True)
    t = _as_us(df["occurred_at"])
    ch = pd.Categorical(rows["channel"], categories=list(CHANNELS)).codes.astype(np.int64)
    order = pd.factorize(rows["interaction_id"], sort=True)[0]
    tk = pd.factorize(rows["thread_key"].where(rows["thread_key"] != "", None))[0]
    sort = np.lexsort((order, ch, t, cid))
    return _Frame(
        ids=pd.Index(ids),
        cid=cid[sort],
        t=t[sort],
        ch=ch[sort],
        inbound=(rows["direction"] == "inbound").to_numpy(dtype=bool, na_value=False)[sort],
        tk=tk[sort],
        order=order[sort],
        rows=rows.iloc[sort].reset_index(drop=True),
    )


def _shift(a: np.ndarray, fill) -> np.ndarray:
    out = np.empty_like(a)
    if len(a):
        out[0] = fill
        out[1:] = a[:-1]
    return out


@dataclass
class _Messages:
    """The messages (email, LinkedIn) in conversation order, with their conversations."""

    pos: np.ndarray  # row positions in _Frame
    cid: np.ndarray
    t: np.ndarray
    inbound: np.ndarray
    seg: np.ndarray  # conversation number, 0..n_conversations-1
    start: np.ndarray  # first message of its conversation
    reply: np.ndarray  # answers the other side
    latency_h: np.ndarray  # hours since the first message of the other side's turn; NaN
    conversation_ids: np.ndarray  # per conversation number


def _conversations(f: _Frame, policy: RelationshipPolicy) -> _Messages:
    is_msg = np.isin(f.ch, [CHANNELS.index(c) for c in MESSAGE_CHANNELS])
    pos = np.flatnonzero(is_msg)
    cid, t, tk, inbound = f.cid[pos], f.t[pos], f.tk[pos], f.inbound[pos]
    per_key = pd.Series(np.ones(len(pos))).groupby([cid, tk]).transform("size").to_numpy()
    keyed = (tk >= 0) & (per_key >= 2)
    group = np.where(keyed, tk, -1)
    limit = np.where(
        keyed, policy.thread_revival_days * US_PER_DAY, policy.conversation_gap_days * US_PER_DAY
    )
    sort = np.lexsort((f.order[pos], t, group, cid))
    pos, cid, t, group, limit, inbound = (a[sort] for a in (pos, cid, t, group, limit, inbound))
    same = (cid == _shift(cid, -1)) & (group == _shift(group, -2))
    start = ~same | ((t - _shift(t, 0)) > limit)
    seg = np.cumsum(start) - 1
    turn = start | (inbound != _shift(inbound, False))
    turn_pos = np.flatnonzero(turn)
    turn_t, turn_seg = t[turn_pos], seg[turn_pos]
    answers = turn_seg == _shift(turn_seg, -1)
    latency = np.full(len(pos), np.nan)
    latency[turn_pos[answers]] = (turn_t - _shift(turn_t, 0))[answers] / US_PER_HOUR
    starts = np.flatnonzero(start)
    # Interaction ids are already per counterpart: the first one names the conversation.
    conversation_ids = f.rows["interaction_id"].iloc[pos[starts]].to_numpy(dtype=object)
    return _Messages(
        pos=pos,
        cid=cid,
        t=t,
        inbound=inbound,
        seg=seg,
        start=start,
        reply=~np.isnan(latency),
        latency_h=np.round(latency, 3),
        conversation_ids=conversation_ids,
    )


def _per_contact(values: np.ndarray, cid: np.ndarray, n: int, how: str) -> pd.Series:
    """A groupby aggregate over contact positions, reindexed to all n contacts."""
    series = pd.Series(values).groupby(cid).agg(how)
    return series.reindex(range(n))


def _count(cid: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(cid if mask is None else cid[mask], minlength=n).astype(np.int64)


def _distinct_days(cid: np.ndarray, t: np.ndarray, n: int) -> np.ndarray:
    pairs = pd.DataFrame({"c": cid, "d": t // US_PER_DAY}).drop_duplicates()
    return _count(pairs["c"].to_numpy(), n)


def _median_gap_of_episodes(f: _Frame, policy: RelationshipPolicy) -> tuple[np.ndarray, pd.Series]:
    """Per contact: episodes of contact, and the median gap in days between their starts."""
    gap = policy.conversation_gap_days * US_PER_DAY
    new = (f.cid != _shift(f.cid, -1)) | ((f.t - _shift(f.t, 0)) > gap)
    cid, t = f.cid[new], f.t[new]
    n_episodes = _count(cid, f.n_contacts)
    follows = cid == _shift(cid, -1)
    between = (t - _shift(t, 0))[follows] / US_PER_DAY
    return n_episodes, _per_contact(between, cid[follows], f.n_contacts, "median")


def _to_ts(us: np.ndarray | pd.Series) -> pd.Series:
    values = pd.Series(us, dtype="float64") if not isinstance(us, pd.Series) else us
    out = pd.to_datetime(values.where(values.notna()), unit="us", utc=True)
    return out.astype("datetime64[us, UTC]")


def _signals(f: _Frame, m: _Messages, as_of: int, policy: RelationshipPolicy) -> pd.DataFrame:
    n, p = f.n_contacts, policy
    cid, t = f.cid, f.t
    first = np.flatnonzero(cid != _shift(cid, -1))
    last = np.r_[first[1:], len(cid)] - 1
    out = pd.DataFrame({"contact_id": f.ids.to_numpy()})
    out["first_contact_at"] = _to_ts(t[first])
    out["last_contact_at"] = _to_ts(t[last])
    out["last_contact_channel"] = f.rows["channel"].iloc[last].to_numpy(dtype=object)
    out["last_contact_direction"] = f.rows["direction"].iloc[last].to_numpy(dtype=object)
    last_t = t[last]
    inbound = f.inbound
    for name, mask in (("last_inbound_at", inbound), ("last_outbound_at", ~inbound)):
        out[name] = _to_ts(_per_contact(t[mask], cid[mask], n, "max"))
    out["n_interactions"] = _count(cid, n)
    out["n_inbound"] = _count(cid, n, inbound)
    out["n_outbound"] = _count(cid, n, ~inbound)
    recent = (t > as_of - YEAR_US) & (t <= as_of)
    out["n_interactions_12m"] = _count(cid, n, recent)
    out["n_inbound_12m"] = _count(cid, n, recent & inbound)
    out["n_outbound_12m"] = _count(cid, n, recent & ~inbound)
    known = f.ch >= 0
    cell = f.ch * len(DIRECTIONS) + (~inbound).astype(np.int64)
    width = len(CHANNELS) * len(DIRECTIONS)
    for suffix, mask in (("", known), ("_12m", known & recent)):
        table = np.bincount(cid[mask] * width + cell[mask], minlength=n * width).reshape(n, width)
        for k, name in enumerate(COUNT_COLUMNS):
            out[f"{name}{suffix}"] = table[:, k].astype(np.int64)
    out["contact_days_12m"] = _distinct_days(cid[recent], t[recent], n)
    # Tie strength weighs exchanges (messages); a connection or invitation is an event
    # of the relationship and counts for recency at p.event_weight, never for frequency.
    is_msg = np.isin(f.ch, [CHANNELS.index(c) for c in MESSAGE_CHANNELS])
    last_msg = _per_contact(t[is_msg], cid[is_msg], n, "max").to_numpy()
    last_event = _per_contact(t[~is_msg], cid[~is_msg], n, "max").to_numpy()
    exchange_days_12m = _distinct_days(cid[recent & is_msg], t[recent & is_msg], n)
    then = is_msg & (t > np.nan_to_num(last_msg, nan=0).astype(np.int64)[cid] - YEAR_US)
    days_then = _distinct_days(cid[then], t[then], n)

    met = np.isin(f.ch, [CHANNELS.index(c) for c in MEETING_CHANNELS])
    meeting_days = _distinct_days(cid[met], t[met], n)
    out["n_meeting_days"] = meeting_days

    # Conversations and replies.
    n_seg = len(m.conversation_ids)
    seg_cid = m.cid[m.start]
    has_in = np.bincount(m.seg[m.inbound], minlength=n_seg) > 0
    has_out = np.bincount(m.seg[~m.inbound], minlength=n_seg) > 0
    out["n_conversations"] = _count(seg_cid, n)
    out["n_two_way_conversations"] = _count(seg_cid, n, has_in & has_out)
    convs = out["n_conversations"]
    out["two_way_share"] = (out["n_two_way_conversations"] / convs).where(convs > 0)
    for who, mask in (("your", m.reply & ~m.inbound), ("their", m.reply & m.inbound)):
        out[f"n_{who}_replies"] = _count(m.cid, n, mask)
        median = _per_contact(m.latency_h[mask], m.cid[mask], n, "median")
        out[f"{who}_reply_median_hours"] = median.round(2).to_numpy()
    n_replies = _count(m.cid, n, m.reply)
    median_hours = _per_contact(m.latency_h[m.reply], m.cid[m.reply], n, "median").to_numpy()

    # Components and strength.
    quiet = np.clip((as_of - last_t) / US_PER_DAY, 0, None)
    out["days_since_last_contact"] = np.round(quiet, 2)

    def decay(last):  # 0 where there was no such interaction
        days = np.clip((as_of - np.nan_to_num(last, nan=as_of)) / US_PER_DAY, 0, None)
        return np.where(np.isnan(last), 0.0, np.exp2(-days / p.recency_half_life_days))

    recency = np.maximum(decay(last_msg), p.event_weight * decay(last_event))
    frequency = 1.0 - np.exp(-exchange_days_12m / p.frequency_scale)
    frequency_then = 1.0 - np.exp(-days_then / p.frequency_scale)
    # A day met is a conversation with both sides (module docstring, Meetings).
    two_way = out["n_two_way_conversations"].to_numpy() + meeting_days
    reciprocity = two_way / (convs.to_numpy() + meeting_days + p.evidence_prior)
    speed = np.nan_to_num(1.0 / (1.0 + median_hours / p.latency_half_hours))
    latency = speed * n_replies / (n_replies + p.evidence_prior)
    w = p.weights
    out["tie_recency"] = np.round(recency, 4)
    out["tie_frequency"] = np.round(frequency, 4)
    out["tie_reciprocity"] = np.round(reciprocity, 4)
    out["tie_latency"] = np.round(latency, 4)
    shared = w["reciprocity"] * reciprocity + w["latency"] * latency
    strength = w["recency"] * recency + w["frequency"] * frequency + shared
    out["tie_strength"] = np.round(strength, 4)
    recency_then = np.where(np.isnan(last_msg), p.event_weight, 1.0)
    out["tie_strength_at_last_contact"] = np.round(
        w["recency"] * recency_then + w["frequency"] * frequency_then + shared, 4
    )

    # Cadence, class and reconnect.
    n_episodes, gap = _median_gap_of_episodes(f, p)
    known_cadence = n_episodes >= p.min_episodes_for_cadence
    gap = gap.to_numpy()
    out["usual_gap_days"] = np.where(known_cadence, np.round(gap, 1), np.nan)
    threshold = np.clip(p.cadence_factor * gap, p.reconnect_min_days, p.reconnect_max_days)
    after = np.round(np.where(known_cadence, threshold, p.reconnect_after_days), 1)
    out["reconnect_after_days"] = after
    dormant = (two_way > 0) & (quiet > after)
    out["tie_class"] = np.select(
        [two_way == 0, dormant, strength >= p.strong_tie_min],
        ["one-way", "dormant", "strong"],
        "weak",
    )
    due = dormant & (_count(m.cid, n) + meeting_days >= p.real_tie_min_messages)
    out["reconnect_due"] = due
    stake = out["tie_strength_at_last_contact"].to_numpy()
    ranked = np.flatnonzero(due)[
        np.lexsort((f.ids.to_numpy()[due], -(quiet - after)[due], -stake[due]))
    ]
    rank = pd.array([pd.NA] * n, dtype="Int64")
    rank[ranked] = np.arange(1, len(ranked) + 1)
    out["reconnect_rank"] = rank
    return out[["contact_id", *RELATIONSHIP_COLUMNS]]


def _owed(f: _Frame, m: _Messages, as_of: int, policy: RelationshipPolicy) -> pd.DataFrame:
    n = f.n_contacts
    past = m.t <= as_of
    out_mask = past & ~m.inbound
    last_out = _per_contact(m.t[out_mask], m.cid[out_mask], n, "max")
    last_out = last_out.fillna(_NEVER).to_numpy().astype(np.int64)
    waiting = np.flatnonzero(past & m.inbound & (m.t > last_out[m.cid]))
    if not len(waiting):
        return pd.DataFrame(columns=OWED_COLUMNS)
    seg = m.seg[waiting]
    # Messages are in conversation order, so a conversation's first waiting row is its oldest.
    firsts = waiting[np.flatnonzero(seg != _shift(seg, -1))]
    n_waiting = np.bincount(seg)[m.seg[firsts]]
    newest = pd.Series(m.t[waiting]).groupby(seg).max().loc[m.seg[firsts]].to_numpy()
    seg_start = np.flatnonzero(m.start)
    started_inbound = m.inbound[seg_start][m.seg[firsts]]
    rows = f.rows.iloc[m.pos[firsts]].reset_index(drop=True)
    owed = pd.DataFrame(
        {
            "contact_id": f.ids.to_numpy()[m.cid[firsts]],
            "interaction_id": rows["interaction_id"],
            "occurred_at": rows["occurred_at"],
            "channel": rows["channel"],
            "thread_key": rows["thread_key"],
            "conversation_id": m.conversation_ids[m.seg[firsts]],
            "started_by": np.where(started_inbound, "them", "you"),
            "n_waiting": n_waiting.astype(np.int64),
            "last_inbound_at": _to_ts(newest),
            "days_waiting": np.round((as_of - m.t[firsts]) / US_PER_DAY, 1),
        }
    )
    keep = (owed["days_waiting"] >= policy.owed_after_days) & (
        (as_of - newest) / US_PER_DAY <= policy.owed_lookback_days
    )
    owed = owed[keep].sort_values(["days_waiting", "contact_id"], ascending=[False, True])
    return owed[OWED_COLUMNS].reset_index(drop=True)


def _follow_ups(f: _Frame, m: _Messages, as_of: int, policy: RelationshipPolicy) -> pd.DataFrame:
    n = f.n_contacts
    age = (as_of - f.t) / US_PER_DAY
    window = (age >= policy.follow_up_after_days) & (age <= policy.follow_up_lookback_days)
    last_out = _per_contact(m.t[~m.inbound], m.cid[~m.inbound], n, "max")
    last_out = last_out.fillna(_NEVER).to_numpy().astype(np.int64)
    any_in = _count(m.cid, n, m.inbound) > 0
    picks: list[tuple[np.ndarray, str]] = []
    # A connection is dated to the day: a message sent that day counts as the follow-up.
    connected = window & (f.ch == CHANNELS.index("linkedin_connection"))
    picks.append((np.flatnonzero(connected & (last_out[f.cid] < f.t)), "new_connection"))
    invited = window & (f.ch == CHANNELS.index("linkedin_invitation")) & f.inbound
    picks.append((np.flatnonzero(invited), "invitation_received"))
    # The first message with each person, when it was yours and has had no answer or nudge.
    by_time = np.lexsort((f.order[m.pos], m.t, m.cid))
    mc = m.cid[by_time]
    first_msg = by_time[mc != _shift(mc, -1)]
    first_pos = m.pos[first_msg]
    lonely = (
        ~m.inbound[first_msg]
        & window[first_pos]
        & ~any_in[m.cid[first_msg]]
        & (last_out[m.cid[first_msg]] <= m.t[first_msg])
    )
    picks.append((first_pos[lonely], "no_reply"))
    # Met (calendar or in person) a day ago or more, within the lookback, nothing written since.
    met = np.isin(f.ch, [CHANNELS.index(c) for c in MET_IN_PERSON_CHANNELS])
    # A recurring series (the same event met twice or more) is routine, not a first meeting.
    series = pd.Series(np.ones(len(f.cid))).groupby([f.cid, f.tk]).transform("size").to_numpy()
    met &= (f.tk < 0) | (series < 2)
    met_window = (
        met
        & ((as_of - f.t) >= policy.meeting_follow_up_hours * US_PER_HOUR)
        & (age <= policy.follow_up_lookback_days)
    )
    picks.append((np.flatnonzero(met_window & (last_out[f.cid] <= f.t)), "met_no_follow_up"))
    frames = [pd.DataFrame({"pos": pos, "reason": reason}) for pos, reason in picks if len(pos)]
    if not frames:
        return pd.DataFrame(columns=FOLLOW_UP_COLUMNS)
    pick = pd.concat(frames, ignore_index=True)
    pos = pick["pos"].to_numpy()
    rows = f.rows.iloc[pos].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "contact_id": f.ids.to_numpy()[f.cid[pos]],
            "reason": pick["reason"],
            "since": rows["occurred_at"],
            "interaction_id": rows["interaction_id"],
            "channel": rows["channel"],
            "days_since": np.round(age[pos], 1),
            "subject": rows["subject"],
        }
    )
    out = out.sort_values(["since", "contact_id", "reason"]).drop_duplicates(
        ["contact_id", "reason"], keep="last"
    )
    return out[FOLLOW_UP_COLUMNS].sort_values(["days_since", "contact_id"]).reset_index(drop=True)


def analyse_relationships(
    interactions: pd.DataFrame, as_of: datetime, policy: RelationshipPolicy | None = None
) -> Relationships:
    """Relationship signals, conversations, owed replies and follow-ups.

    Args:
        interactions: rows with contact_id, occurred_at (UTC), channel, direction, and
            where known interaction_id and thread_key.
        as_of: the moment "now" is measured from (the run's as_of or its start).
        policy: thresholds; the module defaults when None.

    Returns:
        A Relationships with per-contact signals (contact_id + RELATIONSHIP_COLUMNS),
        per-message conversation ids and reply latencies, owed replies and follow-ups.
    """
    policy = policy or RelationshipPolicy()
    # A meeting after as_of is scheduled, not held (module docstring, Meetings).
    held = ~(
        interactions["channel"].isin(MEETING_CHANNELS).to_numpy(dtype=bool, na_value=False)
        & (pd.to_datetime(interactions["occurred_at"], utc=True) > pd.Timestamp(as_of)).to_numpy(
            dtype=bool, na_value=False
        )
    )
    if not held.all():
        interactions = interactions[held]
    if interactions.empty:
        return Relationships(
            signals=pd.DataFrame(columns=["contact_id", *RELATIONSHIP_COLUMNS]),
            interactions=pd.DataFrame(columns=INTERACTION_COLUMNS),
            owed_replies=pd.DataFrame(columns=OWED_COLUMNS),
            follow_ups=pd.DataFrame(columns=FOLLOW_UP_COLUMNS),
        )
    now = int(pd.Timestamp(as_of).tz_convert("UTC").value) // 1000  # ns -> us
    f = _prepare(interactions)
    m = _conversations(f, policy)
    per_message = pd.DataFrame(
        {
            "interaction_id": f.rows["interaction_id"].iloc[m.pos].to_numpy(dtype=object),
            "conversation_id": m.conversation_ids[m.seg],
            "reply_latency_hours": m.latency_h,
        }
    )
    return Relationships(
        signals=_signals(f, m, now, policy),
        interactions=per_message,
        owed_replies=_owed(f, m, now, policy),
        follow_ups=_follow_ups(f, m, now, policy),
    )


def relationship_signals(
    interactions: pd.DataFrame, as_of: datetime, policy: RelationshipPolicy | None = None
) -> pd.DataFrame:
    """Per-contact signals only (see analyse_relationships)."""
    return analyse_relationships(interactions, as_of, policy).signals
