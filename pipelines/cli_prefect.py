"""`ties server` and `ties worker`: the long-lived Prefect processes of a scheduled setup.

`ties server start` keeps a Prefect server up for the warehouse (later imports find it
and skip the temporary server's start-up); `ties worker` runs Prefect's process worker
so that it stops on SIGTERM even when started in the background of a script.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from pipelines.cli_support import CliError, add_warehouse_option
from pipelines.settings import Settings

DEFAULT_POOL = "ties-process"


def register(sub, settings: Settings) -> None:
    from pipelines.ties_server import DEFAULT_PORT

    s = sub.add_parser(
        "server",
        help="Keep a Prefect server up for this warehouse, so imports start at once.",
        description="Start, stop or check a Prefect server that keeps its state in the "
        "warehouse (state/prefect). `start` returns once it answers and prints its API "
        "URL on stdout (for PREFECT_API_URL); `ties import`, `ties worker` and the "
        "reading commands of the same warehouse find it by themselves. Without one, "
        "each import starts a temporary server. `start` also starts a warm runner: a "
        "process with Prefect and pandas imported in which each `ties import` and "
        "`ties backfill` of this warehouse runs, forked, in a fraction of the time "
        "(TIES_RUNNER=off runs them in-process).",
    )
    s.add_argument("action", choices=["start", "stop", "status"])
    add_warehouse_option(s, settings)
    s.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"loopback port to listen on; 0 picks a free one (default: {DEFAULT_PORT})",
    )
    s.add_argument(
        "--no-runner",
        action="store_true",
        help="do not start the warm runner (imports then import Prefect themselves)",
    )
    s.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run Prefect's scheduler (deployments' schedules then create no runs)",
    )
    s.set_defaults(handler=run_server)

    w = sub.add_parser(
        "worker",
        help="Run a Prefect process worker for the deployments; stops on SIGTERM.",
        description="Run `prefect worker start --pool POOL` with this environment's "
        "Prefect, against PREFECT_API_URL or else this warehouse's `ties server`. Unlike "
        "a bare `prefect worker start &` in a script, it stops at once on SIGTERM. "
        "Arguments after `--` go to the Prefect worker (e.g. -- --run-once).",
    )
    w.add_argument(
        "--pool", default=DEFAULT_POOL, help=f"work pool to serve (default: {DEFAULT_POOL})"
    )
    add_warehouse_option(w, settings)
    w.add_argument("extra", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    w.set_defaults(handler=run_worker)


def run_server(args: argparse.Namespace) -> int:
    from pipelines.ties_server import ServerError, find_server, start_server, stop_server
    from pipelines.warm_client import ping
    from pipelines.warm_runner import launch_runner, stop_runner, wait_for_runner

    warehouse = args.settings.warehouse.expanduser().resolve()
    if args.action == "start":
        runner: dict = {}

        def launch(url: str) -> None:  # while the server starts: both import at once
            if not args.no_runner:
                try:
                    runner["proc"] = launch_runner(warehouse, url)
                except RuntimeError as exc:
                    runner["error"] = exc

        try:
            server = start_server(
                warehouse, args.port, scheduler=not args.no_scheduler, on_launch=launch
            )
        except ServerError as exc:
            stop_runner(warehouse)
            if (proc := runner.get("proc")) is not None:
                proc.terminate()
            raise CliError(str(exc)) from None
        print(f"ties server: up for {warehouse} (pid {server.pid})", file=sys.stderr)
        if not args.no_runner:
            try:
                if "error" in runner:
                    raise runner["error"]
                if "proc" not in runner:  # the server was up already
                    runner["proc"] = launch_runner(warehouse, server.url)
                up = wait_for_runner(warehouse, runner["proc"])
                print(f"ties server: warm runner up (pid {up['pid']})", file=sys.stderr)
            except RuntimeError as exc:  # imports still work, in-process
                print(f"ties server: warning: no warm runner: {exc}", file=sys.stderr)
        print(server.url)
        return 0
    if args.action == "stop":
        runner_stopped = stop_runner(warehouse)
        stopped = stop_server(warehouse)
        print(
            "ties server: stopped" + (" with its warm runner" if runner_stopped else "")
            if stopped or runner_stopped
            else "ties server: none running",
            file=sys.stderr,
        )
        return 0
    server = find_server(warehouse)
    runner = ping(warehouse)
    if runner is not None:
        print(f"ties server: warm runner up (pid {runner['pid']})", file=sys.stderr)
    if server is None:
        print(f"ties server: none running for {warehouse}", file=sys.stderr)
        return 3
    print(server.url)
    return 0


def run_worker(args: argparse.Namespace) -> int:
    from pipelines.ties_server import find_server, prefect_executable

    extra = [a for a in args.extra if a != "--"]
    if "PREFECT_API_URL" not in os.environ:
        server = find_server(args.settings.warehouse)
        if server is None:
            raise CliError(
                "no Prefect server: set PREFECT_API_URL or run `ties server start` first"
            )
        os.environ["PREFECT_API_URL"] = server.url
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # A command started with `&` by a non-interactive shell inherits SIGINT ignored.
    # Prefect's worker turns SIGTERM into SIGINT to itself, so it then never stops:
    # SIGINT must be a live signal again in the worker.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    exe = prefect_executable()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp(exe, [exe, "worker", "start", "--pool", args.pool, *extra])
    return 0  # pragma: no cover - execv does not return
