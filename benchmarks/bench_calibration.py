"""Calibration of the match model: do its probabilities say how often pairs match?

On the labelled harness (``resolution_data.generate_population``, in memory), blocking
and scoring run as ``resolve`` runs them; then, over the candidate pairs:
- the sum of the match probabilities against the true pairs among them (a calibrated
  model's sum estimates that count);
- the model's records per person (``Model.matches_per_record``, c in the prior
  c / (N - 1)) against the truth's;
- a reliability table: per band of probability, the pairs, the mean probability and
  the share that are truly one person.
A report: the exit status is always 0.

Usage: python benchmarks/bench_calibration.py [--n 2000] [--seeds 0 1]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.resolution_data import generate_population  # noqa: E402

BANDS = (0.0, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 1.0)


def calibration(records, truth: dict[str, str]) -> dict:
    """Calibration figures of the model ``resolve`` fits to these normalised records.

    Args:
        records: normalised records (``normalise_records``).
        truth: record_id -> entity.

    Returns:
        candidate_pairs, true_pairs (among them), all_true_pairs, probability_sum,
        model_c, true_c, and bands: (low, high, pairs, mean probability, share true).
    """
    from transforms.resolve import score_candidates

    sc = score_candidates(records)
    ids, f, a, b, model, log_odds = sc.ids, sc.features, sc.a, sc.b, sc.model, sc.log_odds
    p = 1.0 / (1.0 + np.exp2(-np.clip(log_odds, -1000, 1000)))
    entity = np.array([truth[r] for r in ids], dtype=object)
    same = entity[a] == entity[b]
    _, sizes = np.unique(entity, return_counts=True)
    all_true = int((sizes * (sizes - 1) // 2).sum())
    bands = []
    for low, high in zip(BANDS[:-1], BANDS[1:], strict=True):
        inside = (p >= low) & ((p < high) if high < 1.0 else (p <= high))
        k = int(inside.sum())
        bands.append(
            (
                low,
                high,
                k,
                float(p[inside].mean()) if k else 0.0,
                float(same[inside].mean()) if k else 0.0,
            )
        )
    return {
        "candidate_pairs": len(a),
        "true_pairs": int(same.sum()),
        "all_true_pairs": all_true,
        "probability_sum": float(p.sum()),
        "model_c": model.matches_per_record,
        "true_c": 2.0 * all_true / max(f.n, 1),
        "bands": bands,
    }


def main(argv: list[str] | None = None) -> int:
    from transforms.normalise import normalise_records

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="people in the harness")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args(argv)
    for seed in args.seeds:
        pop = generate_population(args.n, seed)
        c = calibration(normalise_records(pop.records), pop.truth)
        print(f"\n== harness {args.n} people, seed {seed}: {len(pop.records):,} records")
        print(
            f"candidate pairs {c['candidate_pairs']:,}; true pairs among them {c['true_pairs']:,} "
            f"(of {c['all_true_pairs']:,}); sum of probabilities {c['probability_sum']:,.0f} "
            f"({c['probability_sum'] / max(c['true_pairs'], 1) - 1:+.1%})"
        )
        print(f"other records per person: model {c['model_c']:.2f}, truth {c['true_c']:.2f}")
        print(f"  {'probability':<14}{'pairs':>8}{'mean p':>9}{'true':>8}")
        for low, high, k, mean, share in c["bands"]:
            print(f"  {low:.2f}-{high:.2f}{'':<5}{k:>8,}{mean:>9.3f}{share:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
