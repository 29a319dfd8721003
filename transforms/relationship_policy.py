"""The thresholds of the relationship signals (transforms/relationship.py) as one typed object.

Kept apart from the signals so that reading a configuration, or explaining a tie
strength in `ties show`, needs neither numpy nor pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

THREAD_REVIVAL_DAYS = 90.0
CONVERSATION_GAP_DAYS = 14.0
RECENCY_HALF_LIFE_DAYS = 180.0
FREQUENCY_SCALE = 12.0  # contact days a year at which frequency reaches ~0.63
LATENCY_HALF_HOURS = 24.0  # a median reply time of a day scores 0.5
EVIDENCE_PRIOR = 2.0
WEIGHTS = {"recency": 0.35, "frequency": 0.20, "reciprocity": 0.20, "latency": 0.25}
STRONG_TIE_MIN = 0.5
REAL_TIE_MIN_MESSAGES = 3
MIN_EPISODES_FOR_CADENCE = 3
CADENCE_FACTOR = 2.0
RECONNECT_MIN_DAYS = 30.0
RECONNECT_MAX_DAYS = 365.0
RECONNECT_AFTER_DAYS = 180.0
OWED_AFTER_DAYS = 7.0
OWED_LOOKBACK_DAYS = 90.0
FOLLOW_UP_AFTER_DAYS = 3.0
FOLLOW_UP_LOOKBACK_DAYS = 30.0
# A LinkedIn connection or invitation is an event of the relationship, not an exchange:
# it counts for recency at this fraction of a message and not at all for frequency, so
# a bare connection made yesterday ranks below someone who wrote to you last year.
EVENT_WEIGHT = 0.25
MEETING_FOLLOW_UP_HOURS = 24.0

MESSAGE_CHANNELS = ("email", "linkedin_message", "message")
MEETING_CHANNELS = ("meeting", "in_person", "call")
MET_IN_PERSON_CHANNELS = ("meeting", "in_person")
TIE_CLASSES = ("strong", "weak", "dormant", "one-way", "none")
FOLLOW_UP_REASONS = ("new_connection", "invitation_received", "no_reply", "met_no_follow_up")


@dataclass(frozen=True)
class RelationshipPolicy:
    """The thresholds of the module docstring; defaults are the module constants."""

    thread_revival_days: float = THREAD_REVIVAL_DAYS
    conversation_gap_days: float = CONVERSATION_GAP_DAYS
    recency_half_life_days: float = RECENCY_HALF_LIFE_DAYS
    frequency_scale: float = FREQUENCY_SCALE
    latency_half_hours: float = LATENCY_HALF_HOURS
    evidence_prior: float = EVIDENCE_PRIOR
    weights: dict[str, float] = field(default_factory=lambda: dict(WEIGHTS))
    strong_tie_min: float = STRONG_TIE_MIN
    real_tie_min_messages: int = REAL_TIE_MIN_MESSAGES
    min_episodes_for_cadence: int = MIN_EPISODES_FOR_CADENCE
    cadence_factor: float = CADENCE_FACTOR
    reconnect_min_days: float = RECONNECT_MIN_DAYS
    reconnect_max_days: float = RECONNECT_MAX_DAYS
    reconnect_after_days: float = RECONNECT_AFTER_DAYS
    owed_after_days: float = OWED_AFTER_DAYS
    owed_lookback_days: float = OWED_LOOKBACK_DAYS
    follow_up_after_days: float = FOLLOW_UP_AFTER_DAYS
    follow_up_lookback_days: float = FOLLOW_UP_LOOKBACK_DAYS
    event_weight: float = EVENT_WEIGHT
    meeting_follow_up_hours: float = MEETING_FOLLOW_UP_HOURS

    @classmethod
    def from_mapping(cls, values: dict) -> RelationshipPolicy:
        """A policy from a config table (``[relationships]`` in ties.toml).

        Raises:
            ValueError: an unknown setting, a value that is not a positive number, or
                weights that do not name the four components.
        """
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown relationship setting(s) {unknown}; known: {sorted(known)}")
        out = {}
        for name, value in values.items():
            if name == "weights":
                out[name] = _weights(value)
            elif name in _COUNT_SETTINGS:
                out[name] = _positive(name, value, int)
            else:
                out[name] = _positive(name, value, float)
                if name in _SCALES and not out[name] > 0:
                    raise ValueError(f"{name} = {value!r}: give a number above 0")
        policy = cls(**out)
        if policy.reconnect_min_days > policy.reconnect_max_days:
            raise ValueError("reconnect_min_days is above reconnect_max_days")
        return policy


_COUNT_SETTINGS = ("real_tie_min_messages", "min_episodes_for_cadence")
# Settings that divide: zero would make every score 0 or undefined.
_SCALES = ("recency_half_life_days", "frequency_scale", "latency_half_hours", "cadence_factor")


def _positive(name: str, value, kind):
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{name} = {value!r}: give a number >= 0")
    if kind is int and value != int(value):
        raise ValueError(f"{name} = {value!r}: give a whole number")
    return kind(value)


def _weights(value) -> dict[str, float]:
    if not isinstance(value, dict) or set(value) != set(WEIGHTS):
        raise ValueError(f"weights: give all of {sorted(WEIGHTS)}, e.g. {WEIGHTS}")
    weights = {k: _positive(f"weights.{k}", v, float) for k, v in value.items()}
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("weights: at least one must be above 0")
    return {k: v / total for k, v in weights.items()}  # tie_strength stays within 0..1
