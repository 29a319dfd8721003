"""Progress of a run for people: a live status line on a terminal, plain lines otherwise.

On a terminal (stderr is a TTY) a line is redrawn twice a second: the phase, inputs
done, bytes read, elapsed time. Elsewhere (scheduled runs, CI, pipes) each phase is
one log-friendly line and nothing is redrawn.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from connectors import progress as input_progress


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def input_size(path: Path) -> int:
    """Bytes of a file, or of every file in a folder (a Maildir, an unpacked export)."""
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return path.stat().st_size
    except OSError:
        return 0


class RunProgress:
    """Tracks inputs done and bytes read; renders itself while the run goes on."""

    def __init__(self, stream=None, interval: float = 0.5):
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.interval = interval
        self.phase = "starting"
        self.inputs_total = 0
        self.inputs_done = 0
        self.bytes_total = 0
        self._bytes_finished = 0  # bytes of inputs whose task has returned
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- what the run reports ----------------------------------------------------------
    def start_reading(self, inputs_total: int, bytes_total: int) -> None:
        input_progress.reset()
        self.inputs_total, self.bytes_total = inputs_total, bytes_total
        self.set_phase(f"reading {inputs_total} inputs ({_size(bytes_total)})")

    def input_done(self, nbytes: int) -> None:
        self.inputs_done += 1
        self._bytes_finished += nbytes

    def set_phase(self, phase: str) -> None:
        self.phase = phase
        if not self.live:
            # write, not print: flows with log_prints turn print() into log records
            self.stream.write(f"ties: {phase}\n")
            self.stream.flush()

    # -- rendering ---------------------------------------------------------------------
    def line(self) -> str:
        elapsed = time.monotonic() - self._started
        read = max(self._bytes_finished, input_progress.bytes_done())
        parts = [self.phase]
        if self.inputs_total:
            parts.append(f"{self.inputs_done}/{self.inputs_total} inputs")
        if self.bytes_total:
            pct = min(100.0, 100.0 * read / self.bytes_total)
            parts.append(f"{_size(read)} of {_size(self.bytes_total)} ({pct:.0f}%)")
        parts.append(f"{int(elapsed // 60):02d}:{int(elapsed % 60):02d}")
        return " · ".join(parts)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.stream.write("\r\x1b[2K" + self.line()[:200])
            self.stream.flush()

    def __enter__(self) -> RunProgress:
        if self.live:
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


_current: RunProgress | None = None


def current() -> RunProgress:
    """The progress of the run in this process (a silent one when nobody shows it)."""
    global _current
    if _current is None:
        _current = RunProgress(stream=_Null())
    return _current


def install(progress: RunProgress | None) -> None:
    global _current
    _current = progress


class _Null:
    def write(self, _: str) -> None:
        pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True  # "live" but never started: nothing printed
