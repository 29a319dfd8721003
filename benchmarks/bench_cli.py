"""How long `ties` commands take to answer, as ratios to bare DuckDB measured in the same run.

Measures on this machine, each command a fresh process, in rounds that alternate the
commands (so a load spike hits them alike), the median of each:
  - the baseline: the same DuckDB query in a bare `python -c` (interpreter + duckdb);
  - `ties --help`, `ties query` (that query), `ties show PERSON`;
  - a no-op `ties import` (nothing changed) with `ties server start` up for the
    warehouse: through its warm runner (the default), and in-process (TIES_RUNNER=off),
    alternating; and with no server (Prefect's temporary server, the fallback);
  - `ties server start` itself (once; the Prefect server and the warm runner);
  - `python -c "import pipelines.flows"`: the imports an in-process import pays first,
    and where they go (`python -X importtime`, cumulative, by top-level package).
The warehouse is the bundled examples imported through `ties import`.
Usage: python benchmarks/bench_cli.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.cli_run import DEMO_INPUTS, DEMO_ME  # noqa: E402

TIES = str(Path(sys.executable).with_name("ties"))
QUERY = "select count(*), max(last_contact_at) from contacts"
RUNNER_LINE = "in the warm runner"  # the header of an import that ran there


def _timed(cmd: list, env: dict, in_runner: bool | None = None) -> float:
    extra = {}
    if cmd and isinstance(cmd[0], dict):  # [{VAR: value}, *argv]: this command's variables
        extra, cmd = cmd[0], cmd[1:]
    start = time.perf_counter()
    done = subprocess.run(cmd, env={**env, **extra}, cwd=REPO, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    if in_runner is not None and (RUNNER_LINE in done.stderr) != in_runner:
        where = "in the warm runner" if in_runner else "in-process"
        raise SystemExit(f"{' '.join(cmd)} did not run {where}:\n{done.stderr[-2000:]}")
    return elapsed


def _median_rounds(
    commands: dict[str, list], env: dict, rounds: int, runner: set[str] = frozenset()
) -> dict[str, float]:
    """Medians over ``rounds`` rounds that alternate the commands; those named in ``runner``
    must have run in the warm runner, the others not (a runner that refused, because the
    code changed meanwhile, would measure the in-process path under the runner's name)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            times[name].append(_timed(cmd, env, (name in runner) if runner else None))
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TIES_"))}
    with tempfile.TemporaryDirectory(prefix="ties-bench-cli-") as tmp:
        env.update(HOME=tmp, TIES_CONFIG="", NO_COLOR="1")
        wh = Path(tmp) / "wh"
        inputs = [str(p) for p in DEMO_INPUTS]
        me = [arg for m in DEMO_ME for arg in ("--me", m)]
        importing = [TIES, "import", *inputs, "--warehouse", str(wh), *me]

        t0 = time.perf_counter()
        started = subprocess.run(
            [TIES, "server", "start", "--warehouse", str(wh), "--port", "0"],
            env=env,
            capture_output=True,
            text=True,
        )
        server_start = time.perf_counter() - t0
        if started.returncode != 0:
            raise SystemExit(started.stderr)
        try:
            first = _timed(importing, env, in_runner=True)  # reads everything
            noop_server = _median_rounds(
                {"runner": importing, "in-process": [{"TIES_RUNNER": "off"}, *importing]},
                env,
                args.rounds,
                runner={"runner"},
            )
        finally:
            subprocess.run([TIES, "server", "stop", "--warehouse", str(wh)], env=env)
        noop_temporary = _median_rounds({"noop": importing}, env, 2)["noop"]
        # What any import pays before its first line of work: the interpreter importing
        # Prefect, pandas, pyarrow and the transforms (the flows module imports them all).
        floor = _median_rounds(
            {"imports": [sys.executable, "-c", "import pipelines.flows"]}, env, 3
        )["imports"]
        by_package = _import_times(env)

        contacts = wh / "current" / "contacts.parquet"
        bare = (
            "import duckdb; "
            f'print(duckdb.sql("{QUERY.replace("contacts", repr(str(contacts)))}").fetchall())'
        )
        reading = _median_rounds(
            {
                "bare duckdb query": [sys.executable, "-c", bare],
                "ties --help": [TIES, "--help"],
                "ties query": [TIES, "query", QUERY, "--warehouse", str(wh)],
                "ties show": [TIES, "show", "bsmith@acme.com", "--warehouse", str(wh)],
            },
            env,
            args.rounds,
        )
    base = reading["bare duckdb query"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python {platform.python_version()}, {args.rounds} rounds, medians")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    print(f"{'command':<34} {'seconds':>8} {'x bare':>7}")
    for name, seconds in reading.items():
        print(f"{name:<34} {seconds:8.2f} {seconds / base:7.2f}")
    print()
    print(f"{'ties server start (once)':<34} {server_start:8.2f}")
    print(f"{'first import, warm runner':<34} {first:8.2f}")
    print(f"{'no-op import, warm runner':<34} {noop_server['runner']:8.2f}")
    print(f"{'no-op import, server, in-process':<34} {noop_server['in-process']:8.2f}")
    print(f"{'no-op import, temporary server':<34} {noop_temporary:8.2f}")
    print(f"{'python -c import pipelines.flows':<34} {floor:8.2f}")
    print("  of which (-X importtime, cumulative):")
    for name, seconds in by_package.items():
        print(f"    {name:<30} {seconds:8.2f}")


def _import_times(env: dict) -> dict[str, float]:
    """Seconds to import each heavy package, the first time it is imported, from
    `python -X importtime -c "import pipelines.flows"` (one run)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pipelines.flows"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    wanted = ("prefect", "pandas", "pipelines.flows")
    found: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].strip()
        if name in wanted and name not in found:
            found[name] = int(parts[1]) / 1e6
    return {name: found[name] for name in wanted if name in found}


if __name__ == "__main__":
    main()
