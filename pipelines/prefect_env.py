"""Prefect settings for CLI runs, applied before Prefect is imported.

With no Prefect server configured, the CLI runs flows in Prefect's ephemeral mode
with its state under the warehouse's state/ folder, never the user's ~/.prefect.
A user who points PREFECT_API_URL or PREFECT_HOME somewhere keeps their choice.
"""

from __future__ import annotations

import os
from pathlib import Path

QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def configure_prefect(warehouse: Path, verbose: bool = False) -> None:
    if "PREFECT_API_URL" not in os.environ and "PREFECT_HOME" not in os.environ:
        home = warehouse.resolve() / "state" / "prefect"
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ["PREFECT_HOME"] = str(home)
    for key, value in QUIET_DEFAULTS.items():
        if key == "PREFECT_LOGGING_LEVEL" and verbose:
            value = "INFO"
        os.environ.setdefault(key, value)
