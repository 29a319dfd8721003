"""The review queue: pairs the data cannot decide, most consequential first.

A pair of records is uncertain when the match probability resolution gave it falls in a
band (``DEFAULT_BAND``): merged on thin evidence, or kept apart though it came close.
What is at stake is the interactions the two records carry (whose person gets them
depends on the answer); pairs are ordered by that, then by probability. Pairs a user
already decided (an override) are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transforms.review_policy import DEFAULT_BAND

# Evidence entries that are not a feature's weight.
_NOT_FEATURES = {"prior", "name_similarity", "company_similarity"}
USER_RULES = {"must_link_override", "cannot_link_override"}
SIDE_COLUMNS = ("source", "display_name", "emails", "phones", "company", "linkedin_url")


def evidence_text(evidence) -> tuple[str, str]:
    """("name +21.6, postcode +9.0", "birthday -5.1"): feature weights in bits, for and
    against "same person", strongest first."""
    if isinstance(evidence, dict):
        items = evidence.items()
    else:  # Arrow's map as pandas gives it: (key, value) pairs
        items = evidence if evidence is not None else []
    weights = [(k, float(v)) for k, v in items if k not in _NOT_FEATURES]
    pro = sorted((w for w in weights if w[1] > 0), key=lambda w: -w[1])
    con = sorted((w for w in weights if w[1] < 0), key=lambda w: w[1])
    return (
        ", ".join(f"{k} {v:+.1f}" for k, v in pro),
        ", ".join(f"{k} {v:+.1f}" for k, v in con),
    )


def _text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    return "" if pd.isna(value) else str(value)


def review_queue(
    matches: pd.DataFrame,
    records: pd.DataFrame,
    interactions: pd.DataFrame,
    band: tuple[float, float] = DEFAULT_BAND,
) -> pd.DataFrame:
    """The uncertain pairs, side by side, most consequential first.

    Args:
        matches: the ``matches`` table.
        records: ``source_records`` (record_id and the SIDE_COLUMNS).
        interactions: the warehouse's ``interactions`` (record_id per row).
        band: (low, high): pairs with low <= probability <= high.

    Returns:
        One row per pair: record_id_a, record_id_b, probability, now ("merged" or
        "apart"), at_stake, the SIDE_COLUMNS of each side (``*_a``, ``*_b``, as text),
        evidence_for, evidence_against and an empty ``decision`` to fill in
        (same / different).
    """
    low, high = band
    score = matches["score"].astype(float)
    keep = (score >= low) & (score <= high) & ~matches["rule"].isin(USER_RULES)
    pairs = matches.loc[keep].reset_index(drop=True)
    counts = interactions["record_id"].value_counts() if len(interactions) else pd.Series()
    per_record = counts.to_dict()
    side = records.set_index("record_id")
    out = pd.DataFrame(
        {
            "record_id_a": pairs["record_id_a"].astype(str),
            "record_id_b": pairs["record_id_b"].astype(str),
            "probability": pairs["score"].astype(float).round(3),
            "now": np.where(pairs["decision"] == "merge", "merged", "apart"),
        }
    )
    out["at_stake"] = [
        int(per_record.get(a, 0)) + int(per_record.get(b, 0))
        for a, b in zip(out["record_id_a"], out["record_id_b"], strict=True)
    ]
    for column in SIDE_COLUMNS:
        for suffix, ids in (("a", out["record_id_a"]), ("b", out["record_id_b"])):
            values = side[column].reindex(ids.tolist()).tolist() if column in side else []
            out[f"{column}_{suffix}"] = [_text(v) for v in values] or ""
    texts = [evidence_text(e) for e in pairs["evidence"].tolist()]
    out["evidence_for"] = [t[0] for t in texts]
    out["evidence_against"] = [t[1] for t in texts]
    out["decision"] = ""
    out = out.sort_values(
        ["at_stake", "probability", "record_id_a", "record_id_b"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    return out.reset_index(drop=True)


ANSWERS = {
    "same": "must_link",
    "s": "must_link",
    "yes": "must_link",
    "y": "must_link",
    "different": "cannot_link",
    "d": "cannot_link",
    "no": "cannot_link",
    "n": "cannot_link",
}


def decision_kind(answer: str | None) -> str | None:
    """ "must_link", "cannot_link" or None (skip) for an answer: same / different / blank."""
    return ANSWERS.get((answer or "").strip().lower())
