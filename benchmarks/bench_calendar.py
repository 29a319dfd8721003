"""How the calendar connector scales: events per second and peak memory on a generated .ics.

Writes a calendar of N single events (one to four attendees each, one in ten
cancelled) plus N/50 weekly series over a year, reads it with connectors.calendar in a
fresh process, and prints events/s and the peak resident memory. Run:

    .venv/bin/python benchmarks/bench_calendar.py 2000 20000
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def write_calendar(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n")
        f.write("X-WR-CALNAME:me@example.com\r\n")
        for k in range(n):
            day = 1 + k % 28
            month = 1 + (k // 28) % 12
            lines = [
                "BEGIN:VEVENT",
                f"UID:e{k}@bench",
                "DTSTAMP:20261101T000000Z",
                f"DTSTART:2025{month:02d}{day:02d}T{9 + k % 8:02d}0000Z",
                f"DTEND:2025{month:02d}{day:02d}T{10 + k % 8:02d}0000Z",
                f"SUMMARY:Meeting {k}",
                "ORGANIZER:mailto:me@example.com",
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com",
            ]
            for _ in range(rng.randint(1, 4)):
                p = rng.randrange(5000)
                lines.append(f"ATTENDEE;CN=Person {p};PARTSTAT=ACCEPTED:mailto:p{p}@corp.example")
            if k % 10 == 0:
                lines.append("STATUS:CANCELLED")
            if k % 50 == 0:
                lines.append("RRULE:FREQ=WEEKLY;COUNT=52")
            lines.append("END:VEVENT")
            f.write("\r\n".join(lines) + "\r\n")
        f.write("END:VCALENDAR\r\n")


def measure(path: Path) -> dict:
    """Read the file in this process; time and peak RSS of the read alone."""
    sys.path.insert(0, str(REPO))
    from connectors.base import ReadOptions
    from connectors.calendar import read

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    extract = read(path, ReadOptions(me=frozenset({"me@example.com"})))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "events": extract.items_read,
        "interactions": len(extract.interactions),
        "seconds": round(seconds, 2),
        "events_per_s": round(extract.items_read / seconds),
        "peak_rss_mb": round(peak / 1024),
        "rss_growth_mb": round((peak - before) / 1024),
        "file_mb": round(path.stat().st_size / 1e6, 1),
    }


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--measure":
        print(json.dumps(measure(Path(argv[1]))))
        return 0
    sizes = [int(a) for a in argv] or [2000, 20000]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"cal_{n}.ics"
            write_calendar(path, n)
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            print(out.stdout.strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
