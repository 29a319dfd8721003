"""The details of a run go to an owner-only log under state/logs/; the user sees one line.

Prefect's console output (its tracebacks, the shutdown noise of its background
services) is routed into the log of the run, and a failure's traceback is appended
there; the one-line error names the file.
"""

from __future__ import annotations

import logging
import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from warehouse.layout import Layout
from warehouse.private import private_dir

# Loggers Prefect configures not to propagate to the root: their records are routed too.
_OWN_HANDLER_LOGGERS = ("prefect._internal", "prefect.extra", "uvicorn", "fastapi")
# Prefect's logging.yml reads these: its console and debug handlers stay silent unless -v.
QUIET_CONSOLE = {
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL": "CRITICAL",
}

_current: Path | None = None


def current_log() -> Path | None:
    """The log of the run in progress in this process, if one was opened."""
    return _current


def new_log_path(warehouse: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return private_dir(Layout(warehouse).logs) / f"ties-{stamp}-{os.getpid()}.log"


def open_run_log(warehouse: Path) -> Path:
    """Create the run's owner-only log and send every logger's records to it."""
    global _current
    path = new_log_path(warehouse)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("", *_OWN_HANDLER_LOGGERS):
        logging.getLogger(name).addHandler(handler)
    _current = path
    return path


def record_failure(exc: BaseException, warehouse: Path | None) -> Path | None:
    """Append ``exc``'s traceback to the run's log (or a new one); None if none can be written."""
    path = _current
    try:
        if path is None:
            if warehouse is None or not Layout(warehouse).state.is_dir():
                return None
            path = new_log_path(warehouse)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(f"{datetime.now(UTC).isoformat()} ties failed:\n")
            f.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None
