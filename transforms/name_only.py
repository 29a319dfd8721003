"""People named only by name (a calendar attendee without address, a log entry "Anna Berg").

Resolution will not merge a record on a name alone: two John Smiths are common. But a
meeting attendee or a journal entry that names someone without any identifier means a
person the user knows; when exactly one person in the warehouse carries that full
name (folded: case, accents and spacing do not matter), the record is theirs. With no
one or several of that name it stays apart: a new person, or one the user settles
with ``ties log --with ADDRESS`` or an override. Each attachment is written to
``matches`` with rule ``name_only`` so ``ties explain`` shows why.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

NAME_ONLY_SOURCES = ("calendar", "journal")
RULE = "name_only"


def _empty(values) -> bool:
    if values is None or values is pd.NA:
        return True
    if isinstance(values, float):
        return values != values
    if isinstance(values, str):
        return not values.strip()
    return len(values) == 0


def attach_name_only(
    clusters: dict[str, list[str]], records: pd.DataFrame
) -> tuple[dict[str, list[str]], list[dict]]:
    """Move name-only calendar and journal records into the one cluster with their name.

    Args:
        clusters: representative -> member record_ids (from resolution).
        records: normalised records with record_id, source, name_key, emails, phones,
            linkedin_url.

    Returns:
        The clusters after the moves, and one matches row per move.
    """
    if records.empty:
        return clusters, []
    cluster_of = {r: root for root, members in clusters.items() for r in members}
    name_of = dict(zip(records["record_id"], records["name_key"], strict=True))
    name_only = [
        rid
        for rid, source, emails, phones, url, name in zip(
            records["record_id"],
            records["source"],
            records["emails"],
            records["phones"],
            records["linkedin_url"],
            records["name_key"],
            strict=True,
        )
        if source in NAME_ONLY_SOURCES
        and isinstance(name, str)
        and " " in name.strip()  # a full name, not "Anna"
        and _empty(emails)
        and _empty(phones)
        and _empty(url)
        and len(clusters.get(cluster_of.get(rid), [])) == 1
    ]
    if not name_only:
        return clusters, []
    holders: dict[str, set[str]] = defaultdict(set)
    only = set(name_only)
    for rid, name in name_of.items():
        if rid not in only and isinstance(name, str):
            holders[name].add(cluster_of[rid])
    moved = {root: list(members) for root, members in clusters.items()}
    rows: list[dict] = []
    for rid in sorted(name_only):
        owners = holders.get(name_of[rid], set())
        if len(owners) != 1:
            continue
        (target,) = owners
        del moved[cluster_of[rid]]
        moved[target] = sorted([*moved[target], rid])
        rows.append(
            {
                "record_id_a": min(rid, target),
                "record_id_b": max(rid, target),
                "score": 1.0,
                "decision": "merge",
                "rule": RULE,
                "evidence": [("name", np.float64(1.0))],
            }
        )
    return moved, rows
