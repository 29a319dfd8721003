"""Derive transforms/data/name_ranks.tsv.gz from the names-dataset package (MIT licence).

names-dataset (Philippe Remy) ranks 727k first and 983k last names per country from
public Facebook profiles; loading it costs about 5 s and 0.9 GB per table (measured), far
too much for every run. ties needs only how common a name is: this keeps, per folded
name key, its best rank in any country, for names ranked within ``--max-rank`` somewhere.

Usage: python scripts/derive_name_frequencies.py DIR_WITH_names_dataset [--max-rank 20000]
(DIR holds names_dataset/v3/first_names.pkl.gz and last_names.pkl.gz, e.g. the unpacked
wheel of names-dataset 3.3.1.)
"""

from __future__ import annotations

import argparse
import gzip
import pickle
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from transforms.normalise import fold  # noqa: E402

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def best_ranks(table: dict, max_rank: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, facts in table.items():
        ranks = facts.get("rank") or {}
        ranked = [r for r in ranks.values() if r]
        if not ranked or min(ranked) > max_rank:
            continue
        key = _NOT_ALNUM.sub("", fold(name))
        if key:
            out[key] = min(out.get(key, max_rank + 1), min(ranked))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", type=Path)
    parser.add_argument("--max-rank", type=int, default=20_000)
    parser.add_argument(
        "--out", type=Path, default=REPO / "transforms" / "data" / "name_ranks.tsv.gz"
    )
    args = parser.parse_args()
    lines = [f"# best rank in any country, names-dataset 3.3.1 (MIT), max rank {args.max_rank}"]
    for kind, file in (("given", "first_names.pkl.gz"), ("family", "last_names.pkl.gz")):
        with gzip.open(args.source / "names_dataset" / "v3" / file) as fh:
            ranks = best_ranks(pickle.load(fh), args.max_rank)
        lines += [f"{kind}\t{k}\t{r}" for k, r in sorted(ranks.items())]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(args.out, "wb", mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{args.out}: {len(lines) - 1} names, {args.out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
