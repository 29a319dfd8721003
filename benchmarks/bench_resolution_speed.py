"""Entity-resolution speed: normalise_records + resolve at 10k, 100k and 1M source records.

Each size is generated once (benchmarks/resolution_data.py, cached as parquet; generation
time is reported apart and excluded) and then measured in a fresh subprocess, so the peak
memory is that size's own: load, normalise, resolve. A size that runs past --timeout or
above --max-rss-gb is stopped and reported as such rather than left to hang.

Usage: python benchmarks/bench_resolution_speed.py [--sizes 10k,100k,1M] [--seed 0]
       [--timeout 600] [--max-rss-gb 16] [--cache DIR] [--json PATH]
Target (the engine's, from the issue): 1M records in at most 60 s and 4 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_CACHE = Path("/tmp/ties-bench/resolution")
TARGET_SECONDS = 60.0
TARGET_GB = 4.0
POLL_SECONDS = 0.2


def parse_size(text: str) -> int:
    """10k -> 10000, 1M -> 1000000, 2500 -> 2500."""
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ------------------------------------------------------------------------------ children


def child_generate(n_records: int, seed: int, out: Path) -> dict:
    """Generate n_records records and write them as parquet (schema.RECORDS)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from benchmarks.resolution_data import generate_records
    from warehouse import schema

    started = time.perf_counter()
    records, truth = generate_records(n_records, seed)
    seconds = time.perf_counter() - started
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    pq.write_table(pa.Table.from_pandas(records, schema=schema.RECORDS, preserve_index=False), tmp)
    tmp.replace(out)
    return {
        "records": len(records),
        "people": len(set(truth.values())),
        "seconds": round(seconds, 2),
    }


def child_measure(path: Path) -> dict:
    """Load the records, then time normalise_records and resolve; peak RSS of the process."""
    import pandas as pd
    import pyarrow.parquet as pq

    from transforms.normalise import normalise_records
    from transforms.resolve import resolve

    t0 = time.perf_counter()
    records = pq.read_table(path).to_pandas(types_mapper=pd.ArrowDtype)
    t1 = time.perf_counter()
    rss_loaded = _peak_rss_mb()
    normalised = normalise_records(records)
    t2 = time.perf_counter()
    resolution = resolve(normalised)
    t3 = time.perf_counter()
    candidates = getattr(resolution, "candidate_pairs", None)
    source = "resolution.candidate_pairs"
    if candidates is None:
        candidates, source = len(resolution.matches), "len(resolution.matches)"
    return {
        "records": len(records),
        "load_s": round(t1 - t0, 2),
        "normalise_s": round(t2 - t1, 2),
        "resolve_s": round(t3 - t2, 2),
        "rss_after_load_mb": round(rss_loaded),
        "peak_rss_mb": round(_peak_rss_mb()),
        "candidate_pairs": int(candidates),
        "candidate_pairs_source": source,
        "matches": len(resolution.matches),
        "merges": int((resolution.matches["decision"] == "merge").sum()),
        "clusters": len(set(resolution.cluster_of.values())),
    }


# -------------------------------------------------------------------------------- parent


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_child(args: list[str], timeout: float, max_rss_mb: float) -> dict:
    """Run this script as a child; its last stdout line is JSON. Stop it past the limits."""
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_seen = 0.0
    outcome = None
    while proc.poll() is None:
        time.sleep(POLL_SECONDS)
        peak_seen = max(peak_seen, _rss_mb(proc.pid))
        elapsed = time.perf_counter() - started
        if elapsed > timeout:
            outcome = f"timed out after {timeout:.0f} s"
        elif peak_seen > max_rss_mb:
            outcome = f"stopped above {max_rss_mb / 1024:.0f} GB RSS"
        if outcome:
            proc.kill()
            proc.wait()
            break
    stdout, stderr = proc.communicate()
    wall = round(time.perf_counter() - started, 2)
    if outcome:
        return {"status": outcome, "wall_s": wall, "peak_rss_seen_mb": round(peak_seen)}
    if proc.returncode != 0:
        last = (stderr.strip().splitlines() or ["no output"])[-1]
        return {"status": f"failed (exit {proc.returncode}): {last}", "wall_s": wall}
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(status="ok", wall_s=wall)
    return result


def machine() -> dict:
    mem_gb = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    engine = "unknown"
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "transforms"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        engine = head + (" + uncommitted transforms/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "ram_gb": mem_gb,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "engine": engine,
    }


def generator_digest() -> str:
    """Short digest of the generator's source: a changed generator never reuses a cache."""
    source = (REPO / "benchmarks" / "resolution_data.py").read_bytes()
    return hashlib.blake2b(source, digest_size=4).hexdigest()


def measure_size(n: int, args) -> dict:
    path = args.cache / f"records-{n}-seed{args.seed}-{generator_digest()}.parquet"
    row: dict = {"size": label(n)}
    if path.exists() and not args.regenerate:
        row["generate"] = "cached"
    else:
        gen = run_child(
            ["--child-generate", str(n), "--seed", str(args.seed), "--out", str(path)],
            timeout=args.generate_timeout,
            max_rss_mb=args.max_rss_gb * 1024,
        )
        if gen["status"] != "ok":
            row["status"] = "generation " + gen["status"]
            return row
        row["generate"] = f"{gen['seconds']:.1f} s ({gen['people']:,} people)"
    result = run_child(
        ["--child-measure", str(path)], timeout=args.timeout, max_rss_mb=args.max_rss_gb * 1024
    )
    row.update(result)
    return row


def print_table(m: dict, rows: list[dict]) -> None:
    print(
        f"machine: {m['cores']} cores, {m['ram_gb']} GB RAM, {m['platform']}, "
        f"Python {m['python']}; {m['date']}; engine at {m['engine']}"
    )
    header = (
        f"{'size':>6} {'status':<10} {'normalise':>10} {'resolve':>9} {'total':>8} "
        f"{'records/s':>10} {'peak RSS':>9} {'candidates':>11} {'clusters':>9}  generate"
    )
    print(header)
    for r in rows:
        if r.get("status") != "ok":
            seen = f" (RSS seen {r['peak_rss_seen_mb']:,} MB)" if "peak_rss_seen_mb" in r else ""
            print(f"{r['size']:>6} {r.get('status', '?')}{seen}  generate {r.get('generate')}")
            continue
        total = r["normalise_s"] + r["resolve_s"]
        rate = r["records"] / total if total else float("inf")
        print(
            f"{r['size']:>6} {'ok':<10} {r['normalise_s']:>9.1f}s {r['resolve_s']:>8.1f}s "
            f"{total:>7.1f}s {rate:>10,.0f} {r['peak_rss_mb']:>6,} MB {r['candidate_pairs']:>11,} "
            f"{r['clusters']:>9,}  {r['generate']}"
        )
    for r in rows:
        if r.get("status") == "ok" and r["records"] >= 1_000_000:
            total = r["normalise_s"] + r["resolve_s"]
            ok = total <= TARGET_SECONDS and r["peak_rss_mb"] <= TARGET_GB * 1024
            print(
                f"{'PASS' if ok else 'FAIL'}: {label(r['records'])} records in {total:.1f} s, "
                f"peak {r['peak_rss_mb'] / 1024:.1f} GB "
                f"(target <= {TARGET_SECONDS:.0f} s and <= {TARGET_GB:.0f} GB)"
            )
    if rows and all(r.get("status") == "ok" for r in rows):
        print(f"candidate pairs counted as {rows[0]['candidate_pairs_source']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated record counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per size (measure)")
    parser.add_argument("--generate-timeout", type=float, default=1800, help=argparse.SUPPRESS)
    parser.add_argument("--max-rss-gb", type=float, default=16, help="stop a size above this")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="generated records")
    parser.add_argument("--regenerate", action="store_true", help="ignore cached records")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--engine", help="names the engine measured (default: git HEAD)")
    parser.add_argument("--child-generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child_generate is not None:
        print(json.dumps(child_generate(args.child_generate, args.seed, args.out)))
        return 0
    if args.child_measure is not None:
        print(json.dumps(child_measure(args.child_measure)))
        return 0

    m = machine()
    if args.engine:
        m["engine"] = args.engine
    rows = []
    for n in (parse_size(s) for s in args.sizes.split(",") if s.strip()):
        print(f"measuring {label(n)} ...", file=sys.stderr, flush=True)
        rows.append(measure_size(n, args))
    print_table(m, rows)
    if args.json:
        args.json.write_text(json.dumps({"machine": m, "sizes": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
