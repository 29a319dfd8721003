"""Which true pairs one engine links and the other does not, and why ties decided as it did.

Used by ``bench_splink_side_by_side.py --diff N``: after both engines ran on a data set,
the record pairs of one true person that Splink put in one cluster and ties did not
(and the reverse, and each engine's false pairs) are listed with both records' fields
and ties' evidence for the pair: its score, its rule in ``matches`` (a guard that
refused it, ``below_threshold``, ``transitive``) and every feature's weight in bits. A
pair blocking never offered is said to be so. Each list is also counted by a category
read off ties' levels, so one run says which cause is biggest.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from transforms.resolve import ScoredCandidates, resolve, score_candidates
from transforms.scoring import FEATURES, LEVELS

# The rules in ``matches`` of a pair a clustering guard kept apart.
REFUSALS = {
    "conflict_birthday",
    "conflict_linkedin_url",
    "weak_link",
    "ambiguous_link",
    "another_entry_fits_better",
    "cluster_too_large",
    "cannot_link_override",
}
SHOWN = (
    "given_name",
    "family_name",
    "birthday",
    "street_keys",
    "localities",
    "postcodes",
    "emails",
    "company",
)


@dataclass
class PairLists:
    """Record pairs (record_id, record_id) by who links them and whether they are true."""

    only_other: list[tuple[str, str]] = field(default_factory=list)  # true, ties misses
    only_ties: list[tuple[str, str]] = field(default_factory=list)  # true, the other misses
    ties_false: list[tuple[str, str]] = field(default_factory=list)
    other_false: list[tuple[str, str]] = field(default_factory=list)


def _pairs_of(groups: Mapping[Hashable, list[str]]) -> set[tuple[str, str]]:
    return {(x, y) for members in groups.values() for x, y in combinations(sorted(members), 2)}


def _groups(assign: Mapping[str, Hashable]) -> dict[Hashable, list[str]]:
    out: dict[Hashable, list[str]] = defaultdict(list)
    for record, label in assign.items():
        out[label].append(record)
    return out


def pair_lists(
    ties: Mapping[str, Hashable], other: Mapping[str, Hashable], truth: Mapping[str, Hashable]
) -> PairLists:
    """The four lists, over the records of ``truth`` (record_id -> entity)."""
    true = _pairs_of(_groups(truth))
    linked_ties = _pairs_of(_groups({r: ties.get(r, ("alone", r)) for r in truth}))
    linked_other = _pairs_of(_groups({r: other.get(r, ("alone", r)) for r in truth}))
    return PairLists(
        only_other=sorted((true & linked_other) - linked_ties),
        only_ties=sorted((true & linked_ties) - linked_other),
        ties_false=sorted(linked_ties - true),
        other_false=sorted(linked_other - true),
    )


@dataclass
class Explainer:
    """ties' evidence for any pair of the records: resolution and scored candidates."""

    records: pd.DataFrame
    sc: ScoredCandidates
    matches: pd.DataFrame
    position: dict[str, int]
    candidate: dict[tuple[int, int], int]
    rule: dict[tuple[str, str], str]

    @classmethod
    def of(cls, records: pd.DataFrame) -> Explainer:
        records = records.drop(columns=["contact_id"], errors="ignore")
        sc = score_candidates(records)
        resolution = resolve(records)
        position = {rid: i for i, rid in enumerate(sc.ids.tolist())}
        candidate = {(int(x), int(y)): i for i, (x, y) in enumerate(zip(sc.a, sc.b, strict=True))}
        m = resolution.matches
        rule = {
            tuple(sorted((str(x), str(y)))): str(r)
            for x, y, r in zip(m["record_id_a"], m["record_id_b"], m["rule"], strict=True)
        }
        return cls(sc.records, sc, m, position, candidate, rule)

    def evidence(self, x: str, y: str) -> dict:
        """Score, rule and per-feature levels and bits of the pair, or not blocked."""
        px, py = sorted((self.position[x], self.position[y]))
        i = self.candidate.get((px, py))
        if i is None:
            return {"blocked": False}
        rows = np.array([i])
        weights = self.sc.model.weights(self.sc.comparison, rows)
        bits = float(self.sc.log_odds[i])
        return {
            "blocked": True,
            "bits": bits,
            "p": 1.0 / (1.0 + 2.0**-bits),
            "prior": float(np.max(self.sc.model.prior(self.sc.comparison, rows))),
            "rule": self.rule.get(tuple(sorted((x, y))), "below_near_miss"),
            "levels": {k: int(self.sc.comparison.levels[k][i]) for k in FEATURES},
            "weights": {k: float(weights[k][0]) for k in FEATURES},
            "rivals": float(self.sc.rivals[i]),
            "relatives": float(self.sc.relatives[rows][0]),
        }

    def fields(self, record_id: str) -> str:
        row = self.records.iloc[self.position[record_id]]
        parts = []
        for column in SHOWN:
            value = row.get(column)
            if value is None or (np.ndim(value) == 0 and pd.isna(value)):
                continue
            if not isinstance(value, str):
                value = list(value)
                if not value:
                    continue
            parts.append(f"{column}={value}")
        return "; ".join(parts)


def category(ev: dict) -> str:
    """A short cause of ties' decision, read off its levels and rule."""
    if not ev["blocked"]:
        return "not blocked"
    levels = ev["levels"]

    def said(feature: str) -> str:
        level = levels[feature]
        return "-" if level < 0 else LEVELS[feature][level]

    rule = ev["rule"]
    if rule in REFUSALS:
        rule = f"refused ({rule})"
    elif rule not in ("below_threshold", "below_near_miss", "transitive"):
        rule = "merged"
    return f"{rule}: name {said('name')}, birthday {said('birthday')}, address {said('address')}"


def print_diff(lists: PairLists, explain: Explainer, limit: int, other: str = "splink") -> None:
    """Count each list by category and print up to ``limit`` pairs of each."""
    for title, pairs in (
        (f"true pairs {other} links and ties does not", lists.only_other),
        (f"true pairs ties links and {other} does not", lists.only_ties),
        ("false pairs of ties", lists.ties_false),
        (f"false pairs of {other}", lists.other_false),
    ):
        print(f"\n-- {title}: {len(pairs)}")
        if not pairs:
            continue
        evidence = [explain.evidence(x, y) for x, y in pairs]
        for cause, n in Counter(category(ev) for ev in evidence).most_common():
            print(f"   {n:5d}  {cause}")
        for (x, y), ev in list(zip(pairs, evidence, strict=True))[:limit]:
            print(f"   * {explain.fields(x)}")
            print(f"     {explain.fields(y)}")
            if not ev["blocked"]:
                print("     not a candidate pair")
                continue
            bits = ", ".join(
                f"{k} {LEVELS[k][ev['levels'][k]]} {ev['weights'][k]:+.1f}"
                for k in FEATURES
                if ev["levels"][k] >= 0
            )
            print(
                f"     p={ev['p']:.3f} ({ev['bits']:+.1f} bits, prior {ev['prior']:+.1f}, "
                f"rivals {ev['rivals']:+.1f}, relatives {ev['relatives']:+.1f}) "
                f"{ev['rule']}: {bits}"
            )
