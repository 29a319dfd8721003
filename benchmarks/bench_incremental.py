"""A scheduled run with nothing new against a full run, on the same generated inputs.

Target (issue: warehouse on a schedule): the no-op run costs at most a quarter of a
full run, not counting the fixed start-up cost. Both runs go through
pipelines.importing.run_import, the path the flows wrap, without Prefect, so start-up
is excluded by construction; benchmarks/run_fixed_cost.py measures that separately.

Usage: python benchmarks/bench_incremental.py [--people 20000] [--mail-mb 200]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from pipelines.importing import run_import  # noqa: E402
from pipelines.settings import Settings  # noqa: E402

ME = ("me@example.com",)


def _run(inputs: list[Path], warehouse: Path, incremental: bool) -> tuple[float, dict]:
    settings = Settings(
        warehouse=warehouse, me=ME, inputs=tuple(str(p) for p in inputs), keep_snapshots=3
    )
    start = time.perf_counter()
    summary = run_import(settings, "import" if incremental else "backfill", flow="bench")
    return time.perf_counter() - start, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--mail-mb", type=float, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from generate_mbox import generate as generate_mbox
    from resolution_data import generate_files

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        files = generate_files(args.people, 7, tmp / "inputs")
        takeout = tmp / "inputs" / "takeout.mbox"
        generate_mbox(takeout, int(args.mail_mb * 1024 * 1024))
        inputs = [*files.paths, takeout]
        size = sum(p.stat().st_size for p in inputs)
        print(
            f"generated {len(inputs)} inputs, {size / 2**20:.0f} MiB, in "
            f"{time.perf_counter() - t0:.0f}s"
        )
        full, noop = [], []
        for i in range(args.repeat):
            wh = tmp / f"wh{i}"
            seconds, summary = _run(inputs, wh, incremental=False)
            full.append(seconds)
            seconds, again = _run(inputs, wh, incremental=True)
            assert all(r["from_cache"] for r in again["inputs"])
            noop.append(seconds)
        counts = summary["counts"]
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}"
    )
    print(
        f"data: {counts['items_read']} items, {counts['source_records']} records, "
        f"{counts['contacts']} contacts, {counts['interactions']} interactions"
    )

    def runs(xs):
        return ", ".join(f"{x:.2f}" for x in xs)

    print(f"full run (backfill):          {min(full):7.2f} s  (runs: {runs(full)})")
    print(f"no-op run (nothing changed):  {min(noop):7.2f} s  (runs: {runs(noop)})")
    ratio = min(noop) / min(full)
    print(f"no-op / full: {ratio:.2f}  -> {'PASS' if ratio <= 0.25 else 'FAIL'} (target <= 0.25)")


if __name__ == "__main__":
    main()
