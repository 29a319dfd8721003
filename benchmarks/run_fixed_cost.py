"""Fixed cost of a run: `ties import` of one tiny file, against the same work without Prefect.

Measures, in one run on this machine:
  - the CLI end to end (cold: a new warehouse and Prefect home; warm: again, cached input)
  - the same plan + extract + build/commit as plain function calls (no Prefect)
The difference is the fixed cost: interpreter and imports, Prefect's ephemeral server,
flow/task bookkeeping. Usage: python benchmarks/run_fixed_cost.py [--repeat N]
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
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TIES = [sys.executable, "-m", "pipelines.cli"]
CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n"


def _cli(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(
        TIES + args,
        check=True,
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


@contextmanager
def _prefect_server(home: Path, env: dict, port: int = 4299):
    """A long-lived `prefect server start` on loopback, as a scheduled setup would have."""
    server_env = dict(env, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    prefect = str(Path(sys.executable).with_name("prefect"))
    proc = subprocess.Popen(
        [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(url + "/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("prefect server did not start") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def _plain(inputs: Path, warehouse: Path) -> float:
    from pipelines.importing import run_import
    from pipelines.settings import Settings

    start = time.perf_counter()
    run_import(Settings(warehouse=warehouse, inputs=(str(inputs),)), "backfill", flow="plain")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cold, warm, plain, imports, served = [], [], [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            card = tmp / "one.vcf"
            card.write_text(CARD)
            env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
            env["HOME"] = str(tmp)
            wh = tmp / "wh"
            cold.append(_cli(["import", str(card), "--warehouse", str(wh)], env))
            warm.append(_cli(["import", str(card), "--warehouse", str(wh)], env))
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", "import pipelines.flows"], check=True, cwd=REPO, env=env
            )
            imports.append(time.perf_counter() - start)
            plain.append(_plain(card, tmp / "wh-plain"))
            with _prefect_server(tmp / "server-home", env) as url:
                served_env = dict(env, PREFECT_API_URL=url)
                _cli(["import", str(card), "--warehouse", str(tmp / "wh-served")], served_env)
                served.append(
                    _cli(["import", str(card), "--warehouse", str(tmp / "wh-served")], served_env)
                )

    def fmt(xs):
        return f"{statistics.median(xs):6.2f} s (min {min(xs):.2f}, max {max(xs):.2f})"

    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}"
    )
    print(f"runs: {args.repeat}")
    print(f"ties import, cold (new warehouse, new Prefect home): {fmt(cold)}")
    print(f"ties import, warm (same warehouse, input cached):   {fmt(warm)}")
    print(f"python -c 'import pipelines.flows':                 {fmt(imports)}")
    print(f"ties import, warm, long-lived server (API_URL set): {fmt(served)}")
    print(f"same work as plain function calls (baseline):       {fmt(plain)}")
    print(
        f"fixed cost, warm = warm CLI - baseline:             "
        f"{statistics.median(warm) - statistics.median(plain):6.2f} s"
    )


if __name__ == "__main__":
    main()
