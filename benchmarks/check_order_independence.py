"""Do the same records give the same people whatever their ids and order?

Record ids hash the file's path, so the same address book imported from another
folder has other ids. This imports each data set once (as the side-by-side benchmark
does), then resolves its normalised records again under ``--relabel`` other sets of
ids with the rows shuffled, and says whether every partition is the one the first
gave, with pairwise P / R / F1 against the truth.

``--salts N`` also resolves under N other content orders (``transforms.record_order``'s
hash xor a salt): the spread of F1 there is what the arbitrary parts of the engine
still decide (the random pairs that teach u, a large block's neighbours, equal links),
the noise band of a figure measured once.

    .venv/bin/python benchmarks/check_order_independence.py --sets febrl1 febrl2 febrl4 \\
        --relabel 3 --salts 4
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_resolution_quality import pairwise_counts  # noqa: E402
from benchmarks.bench_splink_side_by_side import febrl, harness, run_ties  # noqa: E402

Key = tuple[str, str]


def relabelled(records: pd.DataFrame, salt: int) -> pd.DataFrame:
    """The records under other ids (as another folder gives), rows shuffled."""
    out = records.sample(frac=1.0, random_state=salt).reset_index(drop=True)
    out["record_id"] = [
        hashlib.sha1(f"{salt}:{x}".encode()).hexdigest()[:16] for x in out["record_id"]
    ]
    return out


def people(records: pd.DataFrame) -> dict[Key, Key]:
    """(source, source_key) -> that of its cluster's representative."""
    from transforms.resolve import resolve

    key = dict(
        zip(
            records["record_id"],
            zip(records["source"], records["source_key"], strict=True),
            strict=True,
        )
    )
    return {key[r]: key[c] for r, c in resolve(records).cluster_of.items()}


def partition(assign: dict[Key, Key]) -> frozenset[frozenset[Key]]:
    groups: dict[Key, set[Key]] = {}
    for record, root in assign.items():
        groups.setdefault(root, set()).add(record)
    return frozenset(frozenset(g) for g in groups.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["harness", "febrl1", "febrl2", "febrl4"])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--relabel", type=int, default=3, help="other sets of ids to try")
    parser.add_argument("--salts", type=int, default=0, help="other content orders to try")
    args = parser.parse_args(argv)
    import transforms.record_order as record_order

    hash_values = record_order._hash_values
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets:
            sets = [(f"harness-{s}", s) for s in args.seeds] if name == "harness" else [(name, 0)]
            for label, seed in sets:
                work = Path(tmp) / label
                data = (
                    harness(args.people, seed, work / "inputs")
                    if name == "harness"
                    else febrl(name, work / "inputs")
                )
                _, records = run_ties(data, work / "warehouse")
                records = records.drop(columns=["contact_id"])
                rows = []
                for salt in range(args.relabel + 1):
                    given = records if salt == 0 else relabelled(records, salt)
                    rows.append((f"ids {salt}", people(given)))
                for salt in range(1, args.salts + 1):
                    record_order._hash_values = lambda v, s=salt: (
                        hash_values(v) ^ np.uint64(s * 7919)
                    )
                    rows.append((f"content order {salt}", people(records)))
                    record_order._hash_values = hash_values
                first = partition(rows[0][1])
                same = sum(partition(p) == first for _, p in rows[: args.relabel + 1])
                print(f"\n== {label}: {len(records):,} records")
                print(f"  the same people under {args.relabel + 1} sets of ids: {same}")
                status |= same != args.relabel + 1
                for what, assign in rows:
                    c = pairwise_counts(assign, data.truth)
                    false = c.predicted_pairs - c.correct_pairs
                    print(
                        f"  {what:18s} P {c.precision:.4f} R {c.recall:.4f} F1 {c.f1:.4f}"
                        f"  correct {c.correct_pairs:,} false {false:,}"
                    )
    return status


if __name__ == "__main__":
    sys.exit(main())
