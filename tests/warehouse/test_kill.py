"""SIGKILL an import at several moments: the warehouse always reads as the previous or the
new complete snapshot, and the next run starts normally (no stale lock, no half state)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import build_plain
from warehouse import schema
from warehouse.snapshot import current_snapshot, list_snapshots

pytestmark = pytest.mark.slow  # each case imports in a subprocess, killed and run again

REPO = Path(__file__).resolve().parents[2]
RUN = """
import sys
from pathlib import Path
from tests.conftest import build_plain
build_plain([Path(sys.argv[1])], Path(sys.argv[2]))
print("done", flush=True)
"""


def _mbox(path: Path, n: int) -> None:
    parts = []
    for i in range(n):
        parts.append(
            f"From sender{i % 500}@example.org Mon Jan  1 00:00:00 2024\n"
            f"From: Person {i % 500} <sender{i % 500}@example.org>\n"
            f"To: alex.morgan@gmail.com\n"
            f"Date: Mon, 1 Jan 2024 {i % 24:02d}:{i % 60:02d}:00 +0000\n"
            f"Message-ID: <m{i}@example.org>\nSubject: hello {i}\n\nbody {i}\n\n"
        )
    path.write_text("".join(parts))


def _readable(wh: Path) -> str:
    snap = current_snapshot(wh)
    assert snap is not None
    for name in schema.WAREHOUSE_TABLES:
        pq.read_table(snap / f"{name}.parquet")
    return snap.name


@pytest.mark.parametrize("fraction", [0.15, 0.4, 0.65, 0.85, 0.97])
def test_sigkill_leaves_a_readable_snapshot_and_a_working_next_run(tmp_path, fraction):
    mbox = tmp_path / "big.mbox"
    _mbox(mbox, 20_000)
    wh = tmp_path / "wh"
    build_plain([REPO / "examples" / "vcard"], wh)  # the previous snapshot
    before = _readable(wh)

    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.monotonic()
    full = subprocess.run(
        [sys.executable, "-c", RUN, str(mbox), str(tmp_path / "timing")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert full.returncode == 0, full.stderr[-2000:]
    duration = time.monotonic() - start

    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, str(mbox), str(wh)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(duration * fraction)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)

    after = _readable(wh)
    assert after in (before, *list_snapshots(wh))
    # The next run is not blocked by the dead run's lock and completes.
    summary = build_plain([mbox], wh, incremental=True)
    assert _readable(wh) == summary["run_id"]
    assert summary["counts"]["items_read"] >= 20_000
