"""Entity resolution: which source records are the same person.

Records that share a strong identifier (LinkedIn URL, e-mail, phone) are linked;
records with near-identical names at the same company are linked by a rapidfuzz
rule. A union-find joins them, refusing any union that would give one person two
different LinkedIn profiles. Every pair considered is returned with its evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from connectors.base import frame_from_rows
from warehouse import schema

NAME_SIMILARITY_MIN = 0.92
COMPANY_SIMILARITY_MIN = 0.90
# A name block larger than this is a common name; comparing all its pairs would be
# quadratic and the name rule would be weak evidence there anyway.
MAX_NAME_BLOCK = 200

# Identifier rules in the order they are applied: the most specific first.
IDENTIFIER_RULES = (
    ("linkedin_url", "same_linkedin_url"),
    ("emails", "same_email"),
    ("phones", "same_phone"),
)


@dataclass
class Resolution:
    """Result of resolving records.

    Attributes:
        cluster_of: record_id -> the cluster's representative record_id.
        matches: one row per pair considered (schema.MATCHES).
    """

    cluster_of: dict[str, str]
    matches: pd.DataFrame

    def clusters(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for record_id, root in self.cluster_of.items():
            groups[root].append(record_id)
        return {root: sorted(members) for root, members in groups.items()}


class _Clusters:
    """Union-find over record positions that remembers each cluster's LinkedIn URLs."""

    def __init__(self, linkedin_urls: list[str | None]):
        self.parent = list(range(len(linkedin_urls)))
        self.urls: list[set[str]] = [{u} if u else set() for u in linkedin_urls]

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def conflict(self, a: int, b: int) -> bool:
        ua, ub = self.urls[self.find(a)], self.urls[self.find(b)]
        return bool(ua and ub and ua.isdisjoint(ub))

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.urls[ra] |= self.urls[rb]


def _name_block_key(name_key: str) -> str | None:
    tokens = name_key.split()
    if len(tokens) < 2:
        return None  # a single token ("Alex") is too weak to link on
    return f"{tokens[0][0]}|{tokens[-1]}"


def resolve(records: pd.DataFrame) -> Resolution:
    """Cluster normalised records into people.

    Args:
        records: normalised records (columns of schema.SOURCE_RECORDS except contact_id).

    Returns:
        The clusters and the evidence for every pair that was considered.
    """
    ids: list[str] = records["record_id"].tolist()
    urls = [u if isinstance(u, str) else None for u in records["linkedin_url"].tolist()]
    clusters = _Clusters(urls)
    matches: list[dict] = []

    def decide(a: int, b: int, rule: str, score: float, evidence: dict[str, float]) -> None:
        if clusters.find(a) == clusters.find(b):
            decision = "merge"
        elif clusters.conflict(a, b):
            decision, rule = "keep_apart", "conflict_linkedin_url"
        else:
            decision = "merge"
            clusters.union(a, b)
        matches.append(
            {
                "record_id_a": ids[a],
                "record_id_b": ids[b],
                "score": score,
                "decision": decision,
                "rule": rule,
                "evidence": list(evidence.items()),
            }
        )

    for column, rule in IDENTIFIER_RULES:
        first_with: dict[str, int] = {}
        for i, value in enumerate(records[column].tolist()):
            values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
            for key in values:
                j = first_with.setdefault(key, i)
                if j != i:
                    decide(j, i, rule, 1.0, {rule.removeprefix("same_"): 1.0})

    blocks: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(records["name_key"].tolist()):
        if isinstance(key, str) and (block := _name_block_key(key)):
            blocks[block].append(i)
    name_keys = records["name_key"].tolist()
    company_keys = records["company_key"].tolist()
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_NAME_BLOCK:
            continue
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                if clusters.find(a) == clusters.find(b):
                    continue
                name_sim = JaroWinkler.normalized_similarity(name_keys[a], name_keys[b])
                ca, cb = company_keys[a], company_keys[b]
                if not (isinstance(ca, str) and isinstance(cb, str)):
                    continue  # a shared name alone never merges: namesakes are common
                company_sim = fuzz.token_set_ratio(ca, cb) / 100.0
                evidence = {"name": round(name_sim, 4), "company": round(company_sim, 4)}
                score = round(min(name_sim, company_sim), 4)
                if name_sim >= NAME_SIMILARITY_MIN and company_sim >= COMPANY_SIMILARITY_MIN:
                    decide(a, b, "similar_name_same_company", score, evidence)
                else:
                    matches.append(
                        {
                            "record_id_a": ids[a],
                            "record_id_b": ids[b],
                            "score": score,
                            "decision": "keep_apart",
                            "rule": "name_company_below_threshold",
                            "evidence": list(evidence.items()),
                        }
                    )

    cluster_of = {ids[i]: ids[clusters.find(i)] for i in range(len(ids))}
    return Resolution(cluster_of=cluster_of, matches=frame_from_rows(matches, schema.MATCHES))
