"""Prefect settings for CLI runs, applied before Prefect is imported.

With no Prefect server configured, the CLI runs flows in Prefect's ephemeral mode
with its state under the warehouse's state/ folder, never the user's ~/.prefect.
A user who points PREFECT_API_URL or PREFECT_HOME somewhere keeps their choice.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.run_log import QUIET_CONSOLE
from warehouse.layout import Layout
from warehouse.private import private_dir, private_warehouse

# Measured in benchmarks/run_fixed_cost.py and docs/benchmarks.md. The temporary server
# of a CLI run needs none of the background services (schedules, automations, late-run
# and crash detection serve long-lived servers); analytics would try to reach the
# internet and, failing, lock the SQLite database.
QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED": "false",
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_CLEANUP_RECONCILER_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # The client side of telemetry (and its first-run notice on a terminal), which the
    # server setting above does not reach: personal data tools stay quiet.
    "DO_NOT_TRACK": "1",
}


# True in a warm runner's child (pipelines/warm_runner.py): Prefect was imported there
# before this run's environment was known, so its settings and logging are read again.
IMPORTED_EARLY = False


def settle_imported_prefect() -> None:
    """Where Prefect was imported early, make it see this run's environment now.

    Prefect reads its settings (the API URL, the logging levels) and configures logging
    when first imported; in-process that happens after configure_prefect and
    open_run_log. A runner's child replays that: the global settings are read from the
    environment again, and logging is configured afresh as a first import would (the
    console handler installed in the runner goes; the run's log handler stays).
    """
    if not IMPORTED_EARLY:
        return
    import logging

    import prefect.context
    from prefect.logging.configuration import setup_logging
    from prefect.logging.handlers import PrefectConsoleHandler

    prefect.context.refresh_global_settings_context()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, PrefectConsoleHandler)]:
        root.removeHandler(handler)
    setup_logging(incremental=False)


def configure_prefect(warehouse: Path, verbose: bool = False) -> None:
    """Point Prefect at the warehouse's state folder (unless configured) and quiet it.

    The database persists there, so its migrations run once per warehouse, not per run.
    With PREFECT_API_URL set (a long-lived server), none of this applies but the logging.
    """
    if "PREFECT_API_URL" not in os.environ and "PREFECT_HOME" not in os.environ:
        home = private_dir(Layout(private_warehouse(warehouse.resolve())).prefect_home)
        os.environ["PREFECT_HOME"] = str(home)
    for key, value in QUIET_DEFAULTS.items():
        if key == "PREFECT_LOGGING_LEVEL" and verbose:
            value = "INFO"
        os.environ.setdefault(key, value)
    if not verbose:  # tracebacks and shutdown noise go to the run's log (pipelines.run_log)
        for key, value in QUIET_CONSOLE.items():
            os.environ.setdefault(key, value)


def start_run_server(warehouse: Path):
    """Without a configured server (PREFECT_API_URL), start this run's private one.

    It requires a per-run secret and dies with this process (pipelines.prefect_server);
    Prefect's own ephemeral server would do neither. Returns it, or None when a server is
    configured (its hardening is the operator's: docs/reliability.md).
    """
    if "PREFECT_API_URL" in os.environ:
        return None
    from pipelines.prefect_server import TemporaryServer

    server = TemporaryServer(private_dir(Layout(private_warehouse(warehouse.resolve())).logs))
    server.start()
    return server
