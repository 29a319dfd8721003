"""Mail extraction speed: ties' mbox reader against a plain standard-library mailbox pass.

Measures, in one run, on the same file(s):
  - stdlib: ``mailbox.mbox(path)``, iterating the messages and reading the headers ties
    uses (From, To, Cc, Bcc, Date, Message-ID, Subject, List-Id, ...), as one would by hand
  - ties, ``connectors.mail.read`` with TIES_MAIL_WORKERS=1 (in-process)
  - ties, ``connectors.mail.read`` with TIES_MAIL_WORKERS=2 (byte-range shards, 2 processes)
Each measurement runs in a fresh process, so that its peak RSS is its own; the
configurations are interleaved and repeated (the ties ones, being short, more often), and
both the best and the median are reported (a shared machine is noisy). The file is read
once first, so every run reads from the page cache. All ties runs must give identical
extracts (checked).

Usage:
  python benchmarks/bench_mail.py [--file PATH]... [--repeat 3] [--ties-runs 2] [--generate]
With --generate a missing file is made by benchmarks/generate_mbox.py (--size-mb, default
1024). Default file: /tmp/ties-bench/takeout-1g.mbox.
"""

# Only the standard library at module level: each measurement is a fresh process, and
# the stdlib one must not pay for importing pandas.
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FILE = Path("/tmp/ties-bench/takeout-1g.mbox")
CONFIGS = (("stdlib", None), ("ties", 1), ("ties", 2))
# What the baseline reads of each message: the fields ties' summaries use.
HEADERS = (
    "From",
    "To",
    "Cc",
    "Bcc",
    "Date",
    "Message-ID",
    "Subject",
    "List-Id",
    "List-Unsubscribe",
    "List-Post",
    "Precedence",
    "Auto-Submitted",
    "Content-Type",
    "Return-Path",
    "Sender",
    "Received",
    "X-Gmail-Labels",
)


# -- one measurement (runs in a child process) --------------------------------------------


class TreeRssSampler(threading.Thread):
    """Samples the RSS of this process and of all its descendants every 20 ms.

    Keeps the peak of their sum (the memory in use at once; pages a forked worker still
    shares with its server count in both) and each process's own peak. A process counts
    from its second sample on: just after a fork, before its exec, a child shows all of
    its parent's pages. For the same reason ``ru_maxrss`` of RUSAGE_CHILDREN cannot stand
    in for the workers: a child started by fork and exec keeps its parent's RSS at the
    fork as its maximum.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_total = 0
        self.peak_by_pid: dict[int, int] = {}
        self.stop = threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        ours = {os.getpid()}
        seen: set[int] = set(ours)
        settled: set[int] = set(ours)
        while not self.stop.is_set():
            parents = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit() and int(entry) not in seen:
                    try:
                        with open(f"/proc/{entry}/stat", "rb") as f:
                            parents[int(entry)] = int(f.read().rsplit(b")", 1)[1].split()[1])
                    except OSError:
                        continue
            grew = True
            while grew:  # a child may be listed before its parent
                grew = False
                for pid, ppid in list(parents.items()):
                    if ppid in ours:
                        ours.add(pid)
                        del parents[pid]
                        grew = True
            seen.update(parents, ours)
            total = 0
            for pid in list(ours):
                if pid not in settled:
                    settled.add(pid)
                    continue
                try:
                    with open(f"/proc/{pid}/statm", "rb") as f:
                        rss = int(f.read().split()[1]) * self.page
                except OSError:
                    ours.discard(pid)
                    continue
                total += rss
                self.peak_by_pid[pid] = max(self.peak_by_pid.get(pid, 0), rss)
            self.peak_total = max(self.peak_total, total)
            self.stop.wait(0.02)


def run_stdlib(path: Path) -> dict:
    import mailbox

    n = 0
    for message in mailbox.mbox(path, create=False):
        for name in HEADERS:
            message.get_all(name)
        n += 1
    return {"messages": n}


def describe(ex) -> dict:
    """What ties read, and a digest of the whole Extract to compare runs by."""
    import hashlib

    digest = hashlib.sha256()
    for frame in (ex.records, ex.interactions, ex.rejects):
        digest.update(frame.to_json(orient="split", date_format="iso").encode())
    digest.update(repr((ex.items_read, ex.items_accepted, ex.skip_reasons, ex.me_hints)).encode())
    return {
        "messages": ex.items_read,
        "accepted": ex.items_accepted,
        "skipped": ex.skip_reasons,
        "rejected": ex.items_rejected,
        "records": len(ex.records),
        "interactions": len(ex.interactions),
        "me": ex.me_hints,
        "digest": digest.hexdigest(),
    }


def cpu_snapshot() -> tuple[float, float]:
    """(CPU seconds the whole machine has been busy, CPU seconds of this process and its
    reaped descendants), to tell how much of the machine others used during a run."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:9]]
    busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # not idle, iowait
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return busy, me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child(kind: str, path: Path) -> None:
    if kind == "ties":
        # Imports (pandas) are the process's fixed cost, not the reader's: done first.
        from connectors import mail
        from connectors.base import ReadOptions
    with open("/proc/self/statm", "rb") as f:
        rss_start = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    sampler = TreeRssSampler()
    sampler.start()
    busy_before, ours_before = cpu_snapshot()
    start = time.perf_counter()
    if kind == "stdlib":
        result = run_stdlib(path)
    else:
        extract = mail.read(path, ReadOptions())
    seconds = time.perf_counter() - start
    sampler.stop.set()
    if kind == "ties":
        # Reap the forkserver (which reaped the workers): their CPU time then counts as ours.
        from multiprocessing import forkserver

        stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
        if stop is not None:
            stop()
    busy_after, ours_after = cpu_snapshot()
    sampler.join()
    if kind == "ties":
        result = describe(extract)
    others = [rss for pid, rss in sampler.peak_by_pid.items() if pid != os.getpid()]
    result.update(
        seconds=seconds,
        cpu=ours_after - ours_before,
        others_cores=max(0.0, (busy_after - busy_before) - (ours_after - ours_before)) / seconds,
        rss_start=rss_start,
        rss_self=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # KiB on Linux
        rss_children=max(others, default=0),
        rss_tree=sampler.peak_total,
    )
    print(json.dumps(result))


# -- the comparison ------------------------------------------------------------------------


def measure(kind: str, workers: int | None, path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if workers is not None:
        env["TIES_MAIL_WORKERS"] = str(workers)
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    mem_kib = first("/proc/meminfo", "MemTotal").split()[0]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "ram_gib": round(int(mem_kib) / (1 << 20), 1) if mem_kib.isdigit() else "?",
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def warm(path: Path) -> None:
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass


def bench_file(path: Path, repeat: int, ties_runs: int) -> dict:
    """``repeat`` rounds of: stdlib once, then each ties configuration ``ties_runs`` times."""
    warm(path)
    runs: dict[str, list[dict]] = {}
    for i in range(repeat):
        for kind, workers in CONFIGS:
            label = kind if workers is None else f"{kind}, workers={workers}"
            for _ in range(1 if kind == "stdlib" else ties_runs):
                result = measure(kind, workers, path)
                runs.setdefault(label, []).append(result)
                print(
                    f"  [{i + 1}/{repeat}] {label}: {result['seconds']:.2f} s "
                    f"(CPU {result['cpu']:.2f} s; other processes used "
                    f"{result['others_cores']:.1f} cores meanwhile)",
                    flush=True,
                )
    return runs


def report(path: Path, runs: dict[str, list[dict]], load: tuple[float, float]) -> bool:
    size = path.stat().st_size
    base = runs["stdlib"]
    base_best = min(r["seconds"] for r in base)
    base_median = statistics.median(r["seconds"] for r in base)
    ties_runs = [r for label, rs in runs.items() if label != "stdlib" for r in rs]
    digests = {r["digest"] for r in ties_runs}
    t = ties_runs[0]
    print()
    print(f"File: {path} ({size / (1 << 20):.0f} MiB)")
    print(
        f"  ties: {t['messages']} messages read, {t['accepted']} accepted, skipped "
        f"{t['skipped']}, {t['rejected']} rejected; {t['records']} correspondents, "
        f"{t['interactions']} interactions; me = {t['me']}"
    )
    print(
        f"  stdlib mailbox saw {base[0]['messages']} messages (it also splits at 'From ' "
        "lines inside bodies)"
    )
    print(f"  ties extracts identical across all runs and worker counts: {len(digests) == 1}")
    print(f"  load average before/after: {load[0]:.2f} / {load[1]:.2f}")
    print()
    print(
        "| configuration | wall time, best (median) | MB/s | messages/s | speedup vs stdlib, "
        "best (median) | CPU time, median | other processes' load, median | peak RSS, all "
        "processes | main process (after imports) | largest worker |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    mib = 1 << 20
    for label, rs in runs.items():
        best = min(r["seconds"] for r in rs)
        median = statistics.median(r["seconds"] for r in rs)
        rss_self = max(r["rss_self"] for r in rs)
        rss_start = max(r["rss_start"] for r in rs)
        rss_child = max(r["rss_children"] for r in rs)
        # The sampler may miss a short peak of one process; the total is at least that.
        rss_total = max(max(r["rss_tree"] for r in rs), rss_self)
        speedup = "1.0x" if label == "stdlib" else (
            f"**{base_best / best:.1f}x** ({base_median / median:.1f}x)"
        )  # fmt: skip
        worker = f"{rss_child / mib:.0f} MiB" if rss_child else "-"
        cpu = statistics.median(r["cpu"] for r in rs)
        others = statistics.median(r["others_cores"] for r in rs)
        print(
            f"| {label} | {best:.2f} s ({median:.2f} s) | {size / 1e6 / best:.0f} | "
            f"{t['messages'] / best:,.0f} | {speedup} | {cpu:.2f} s | {others:.1f} cores | "
            f"{rss_total / mib:.0f} MiB | {rss_self / mib:.0f} MiB ({rss_start / mib:.0f} MiB) "
            f"| {worker} |"
        )
    return len(digests) == 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, action="append", help=f"default {DEFAULT_FILE}")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument(
        "--ties-runs", type=int, default=2, help="runs of each ties configuration per round"
    )
    parser.add_argument("--generate", action="store_true", help="make a missing file")
    parser.add_argument("--size-mb", type=float, default=1024, help="size for --generate")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0
    files = args.file or [DEFAULT_FILE]
    info = machine()
    print(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM; "
        f"Python {info['python']} on {info['platform']}; {info['date']}"
    )
    ok = True
    for path in files:
        if not path.exists():
            if not args.generate:
                parser.error(f"{path} does not exist (add --generate to make it)")
            gen = REPO / "benchmarks" / "generate_mbox.py"
            cmd = [sys.executable, str(gen), "--out", str(path), "--size-mb", str(args.size_mb)]
            subprocess.run(cmd, check=True)
        print(f"{path}:")
        before = os.getloadavg()[0]
        runs = bench_file(path, args.repeat, args.ties_runs)
        ok = report(path, runs, (before, os.getloadavg()[0])) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
