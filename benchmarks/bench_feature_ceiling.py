"""How far could any pairwise model get on ties' own comparisons of the harness?

A diagnostic, not a target: a gradient-boosted classifier (scikit-learn, which the
bench group brings with recordlinkage) is trained with the truth on the candidate
pairs of some harness seeds, each pair described by what ties compares (every
feature's level, term-frequency u and weight, the pair's kinds of source, the name
and company similarities, the model's log-odds and rival bits, the name's record
counts), and scored on other seeds. The pairs above a threshold are joined into
clusters (connected components, no guards), as are ties' own pairs with its own
probabilities, and both are scored pairwise against the truth.

Where the supervised model does no better than ties' unsupervised one, the
comparisons hold no more: a higher F1 needs new evidence, not another weighing of the
same. Truth is the generator's person behind each record, as in every harness figure.

    .venv/bin/python benchmarks/bench_feature_ceiling.py [--train 2 3 4] [--test 0 1]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.resolution_data import generate_population  # noqa: E402
from transforms.normalise import normalise_records  # noqa: E402
from transforms.resolve import MERGE_PROBABILITY, resolve, score_candidates  # noqa: E402
from transforms.scoring import FEATURES  # noqa: E402


def describe(seed: int, people: int):
    """(X, y, scored candidates, entity per ordered record, ties' resolution)."""
    pop = generate_population(people, seed)
    records = normalise_records(pop.records)
    sc = score_candidates(records)
    f, a, b, cmp = sc.features, sc.a, sc.b, sc.comparison
    weights = sc.model.weights(cmp)
    cols = []
    for name in FEATURES:
        cols.append(cmp.levels[name].astype(np.float64))
        tf = cmp.tf_u.get(name)
        tf = np.full(len(a), np.nan) if tf is None else np.asarray(tf[np.arange(len(a))])
        cols.append(np.log10(np.where(np.isnan(tf), 1.0, tf)))
        cols.append(np.asarray(weights[name], dtype=np.float64))
    kinds = cmp.pair_type if cmp.pair_type is not None else np.zeros(len(a))
    cols += [kinds.astype(np.float64), np.nan_to_num(cmp.name_similarity, nan=-1.0)]
    cols += [np.nan_to_num(cmp.company_similarity, nan=-1.0), sc.log_odds, sc.rivals]
    count = np.where(f.full >= 0, f.full_count[np.maximum(f.full, 0)], 0)
    profiles = np.where(f.full >= 0, f.full_profiles[np.maximum(f.full, 0)], 0)
    cols += [np.minimum(count[a], count[b]), np.maximum(count[a], count[b]), profiles[a]]
    entity = np.array([pop.truth[i] for i in sc.ids], dtype=object)
    return np.column_stack(cols), entity[a] == entity[b], sc, entity, resolve(records), pop


def _pairs(labels) -> int:
    return sum(c * (c - 1) // 2 for c in Counter(labels).values())


def pairwise(entity: np.ndarray, cluster: np.ndarray) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of clusters against the truth."""
    tp = _pairs(zip(cluster, entity, strict=True))
    pred, true = _pairs(cluster), _pairs(entity)
    p, r = tp / max(pred, 1), tp / max(true, 1)
    return p, r, 2 * p * r / max(p + r, 1e-12)


def components(n: int, a: np.ndarray, b: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Connected components of the kept pairs (union-find, path halving)."""
    parent = np.arange(n)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a[keep].tolist(), b[keep].tolist(), strict=True):
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[rx] = ry
    return np.array([find(x) for x in range(n)])


def main(argv: list[str] | None = None) -> int:
    from sklearn.ensemble import HistGradientBoostingClassifier

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument("--test", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.5, 0.65, 0.8])
    args = parser.parse_args(argv)
    train = [describe(s, args.people) for s in args.train]
    model = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=0)
    model.fit(np.vstack([t[0] for t in train]), np.concatenate([t[1] for t in train]))
    print(f"trained on seeds {args.train}; ties merges at p >= {MERGE_PROBABILITY}")
    print("| seed | threshold | supervised + components P / R / F1 | ties + components | ties |")
    print("|---|---|---|---|---|")
    for seed in args.test:
        x, _, sc, entity, resolution, _ = describe(seed, args.people)
        supervised = model.predict_proba(x)[:, 1]
        own = 1.0 / (1.0 + np.exp2(-sc.log_odds))
        cluster_of = resolution.cluster_of
        ties = pairwise(entity, np.array([cluster_of[i] for i in sc.ids], dtype=object))
        for t in args.thresholds:
            n = len(entity)
            sup = pairwise(entity, components(n, sc.a, sc.b, supervised >= t))
            mine = pairwise(entity, components(n, sc.a, sc.b, own >= t))
            cells = [" / ".join(f"{v:.4f}" for v in r) for r in (sup, mine, ties)]
            print(f"| {seed} | {t} | {cells[0]} | {cells[1]} | {cells[2]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
