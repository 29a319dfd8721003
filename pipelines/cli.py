"""The `ties` command line.

Every subcommand lives in a command module (pipelines/cli_*.py) with
``register(subparsers, settings)``. The settings (defaults, config file, TIES_*
variables) are loaded once here, before the parser is built, so help texts show the
defaults that apply; the command's flags are applied on top and the result reaches the
handler as ``args.settings``. Errors end with a one-line reason and a non-zero exit
status, never a traceback (set TIES_DEBUG=1 to see one).

Only light modules are imported at start-up: pandas, Prefect and the transforms load
inside the handlers that need them, so `ties --help`, `ties query` and `ties show`
start in a fraction of a second (benchmarks/bench_cli.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from pipelines import (
    cli_completion,
    cli_jobs,
    cli_log,
    cli_prefect,
    cli_query,
    cli_relationship,
    cli_report,
    cli_review,
    cli_run,
    cli_verify,
)
from pipelines.cli_run import (  # noqa: F401  (tests and benchmarks)
    DEMO_EXTRAS,
    DEMO_INPUTS,
    DEMO_ME,
    EXAMPLES,
)
from pipelines.cli_support import Ambiguous, CliError
from pipelines.settings import ConfigError, Settings, load_settings

# Each adds its subcommands; the order is the order of `ties --help`.
COMMAND_MODULES = (
    cli_run,
    cli_query,
    cli_relationship,
    cli_jobs,
    cli_log,
    cli_review,
    cli_report,
    cli_verify,
    cli_prefect,
    cli_completion,
)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("ties")
    except PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "unknown"


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ties",
        description="Turn LinkedIn exports, vCards and mail archives into one contact warehouse.",
        epilog="`ties COMMAND --help` describes a command. Settings: defaults, then "
        f"the config file ({settings.config_file or 'none found'}), then TIES_* "
        "variables, then flags.",
    )
    p.add_argument("--version", action="version", version=f"ties {version()}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub, settings)
    return p


def settings_for(args: argparse.Namespace, base: Settings) -> Settings:
    """The base settings with this command's flags; --me adds to the configured addresses."""
    flags = {}
    if getattr(args, "warehouse", None):
        flags["warehouse"] = args.warehouse
    if getattr(args, "paths", None):
        flags["inputs"] = tuple(args.paths)
    if getattr(args, "dask", None) is not None:
        flags["task_runner"] = "dask"
        flags["dask_address"] = args.dask
    return base.with_flags(me=tuple(getattr(args, "me", None) or ()), **flags)


def _stdout_gone() -> int:
    """The reader of our output left (`ties query ... | head`): stop quietly, like cat."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor
        pass
    return 141  # 128 + SIGPIPE, what a shell reports for a command killed by it


def main(argv: list[str] | None = None) -> int:
    # Everything ties writes is personal data: owner-only, whatever the user's umask.
    old_umask = os.umask(0o077)
    try:
        return _main(argv)
    finally:
        os.umask(old_umask)


def _main(argv: list[str] | None) -> int:
    try:
        base, config_error = load_settings(), None
    except ConfigError as exc:  # reported when a command runs; --help still works
        base, config_error = Settings(), exc
    parser = build_parser(base)
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # what a warm runner re-runs
    try:
        if config_error is not None:
            raise config_error
        args.settings = settings_for(args, base)
        code = args.handler(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _stdout_gone()
    except KeyboardInterrupt:
        print("ties: interrupted; the warehouse keeps its previous snapshot", file=sys.stderr)
        return 130
    except Ambiguous as exc:
        print(f"ties: {exc}", file=sys.stderr)
        return 2
    except (CliError, ConfigError, FileNotFoundError) as exc:
        print(f"ties: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the user gets one line, the log the traceback
        if os.environ.get("TIES_DEBUG"):
            raise
        from transforms.resolve import OverridesError

        if isinstance(exc, OverridesError):
            print(f"ties: error: {exc}", file=sys.stderr)
            return 2
        print(f"ties: error: {_failure_line(exc, args)}", file=sys.stderr)
        return 1


def _failure_line(exc: Exception, args: argparse.Namespace) -> str:
    """The one line for an unexpected failure; its traceback goes to the run's log."""
    from pipelines.input_state import DamagedState
    from pipelines.run_log import record_failure
    from warehouse.faults import WarehouseWriteError
    from warehouse.lock import WarehouseBusy
    from warehouse.snapshot import IncompatibleWarehouse
    from warehouse.verify import DamagedWarehouse

    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    # These say all there is in their one line, naming the file or the warehouse.
    one_liners = (
        WarehouseBusy,
        WarehouseWriteError,
        DamagedWarehouse,
        DamagedState,
        IncompatibleWarehouse,
    )
    if isinstance(exc, one_liners):
        return reason
    warehouse = None
    with contextlib.suppress(Exception):  # the settings may be what failed
        settings = getattr(args, "settings", None) or load_settings()
        warehouse = settings.warehouse.resolve()
    log = record_failure(exc, warehouse)
    where = f"details in {log}" if log else "TIES_DEBUG=1 shows details"
    return f"{type(exc).__name__}: {reason} ({where})"


if __name__ == "__main__":
    sys.exit(main())
