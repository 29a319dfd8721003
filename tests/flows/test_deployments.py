"""The deployments in prefect.yaml, end to end, as the README's scheduling section runs them.

A real Prefect server started by `ties server start` on a free loopback port (its
state in a warehouse under tmp_path) with its scheduler ON, `prefect work-pool create`,
`prefect deploy --all` from the checkout; then the server's scheduler must have created
the upcoming daily runs of `scheduled-import`. The first of them is moved to now, a
`prefect deployment run backfill/backfill` on the bundled examples is added, and a
process worker (`ties worker -- --run-once`, started as `&` in a script starts it) in
another directory runs both: the scheduled import with its empty parameters filled in
from the worker user's config file, the backfill with its explicit ones. Checks the
deployments, the flow runs' final states and the warehouses they wrote, and that a
worker started so stops on SIGTERM.

About 40 s on an idle 2-core machine (most of it Prefect's process start-ups), two
minutes or more under load. Deselect with `pytest -k "not deployments"` (a custom marker
would need registering in pyproject.toml or a conftest).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.cli import DEMO_INPUTS, DEMO_ME
from pipelines.prefect_env import QUIET_DEFAULTS

REPO = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 180
COMMAND_TIMEOUT = 120
FLOW_RUN_TIMEOUT = 300
# The recent-deployments pass of the scheduler runs every 5 s; its main pass every 60 s.
SCHEDULER_TIMEOUT = 150
# A liveness bound, not a speed target: the unfixed worker never stops at all.
SIGTERM_TIMEOUT = 60
# Loopback only: no proxy of the environment may see the test's requests.
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _ties_exe() -> str:
    """The checkout's `ties` console script, next to the interpreter running the tests."""
    return str(Path(sys.executable).parent / "ties")


def _prefect_exe() -> str:
    """The `prefect` of the interpreter running the tests (the checkout's .venv)."""
    exe = Path(sys.executable).parent / "prefect"
    return str(exe) if exe.exists() else "prefect"


def _env(tmp_path: Path, api_url: str | None) -> dict[str, str]:
    """A clean environment: no PREFECT_*/TIES_* of the caller, state under tmp_path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "TIES_")) and k.lower() not in PROXY_VARS
    }
    home = tmp_path / "home"  # keeps ~/.prefect and ~/.config/ties out of the test
    home.mkdir(exist_ok=True)
    # The server's background services are off as for the CLI's own server (see
    # pipelines/prefect_env.py), but the scheduler: creating the daily runs of
    # scheduled-import is what is tested here (SQLAlchemy 2.1 broke it; see pyproject).
    env.update(QUIET_DEFAULTS)
    env.update(
        HOME=str(home),
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="true",
        PREFECT_LOGGING_LEVEL="INFO",  # the worker's log shows the flow run
        PREFECT_CLI_WRAP_LINES="false",
        COLUMNS="200",
        NO_COLOR="1",
        PYTHONUNBUFFERED="1",
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def _tail(path: Path, n: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen | None) -> None:
    """End a process started here and its children (its own process group)."""
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(
    args: list[str], env: dict, cwd: Path, log: Path, background: bool = False
) -> subprocess.Popen:
    """Start a process in its own group; ``background``: as `cmd &` in a script starts it,
    with SIGINT ignored."""
    with log.open("wb") as out:
        return subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so _stop reaches children
            preexec_fn=_ignore_sigint if background else None,
        )


def _prefect(*args: str, env: dict, cwd: Path) -> str:
    t0 = time.monotonic()
    proc = subprocess.run(
        [_prefect_exe(), *args],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    output = proc.stdout + proc.stderr
    print(f"prefect {' '.join(args[:3])}: {time.monotonic() - t0:.1f}s")
    assert proc.returncode == 0, f"prefect {' '.join(args)} failed:\n{output}"
    return output


def _api(api_url: str, method: str, path: str, body: dict | None = None):
    """One call of the server's REST API (cheaper than a `prefect ... -o json`)."""
    request = urllib.request.Request(
        api_url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with _LOCAL.open(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def prefect_server(tmp_path):
    """`ties server start` as the README runs it (free port); yields (api_url, env)."""
    env = _env(tmp_path, api_url=None)  # the server itself needs no API URL
    server_wh = tmp_path / "server-warehouse"
    ties = [_ties_exe(), "server"]
    t0 = time.monotonic()
    started = subprocess.run(
        [*ties, "start", "--warehouse", str(server_wh), "--port", "0"],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=SERVER_START_TIMEOUT + 30,
    )
    log = server_wh / "state" / "prefect" / "server.log"
    assert started.returncode == 0, f"{started.stderr}\n{_tail(log)}"
    api_url = started.stdout.strip()
    print(f"ties server start (healthy): {time.monotonic() - t0:.1f}s")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api", api_url), started.stdout
    try:
        yield api_url, _env(tmp_path, api_url)
    finally:
        stopped = subprocess.run(
            [*ties, "stop", "--warehouse", str(server_wh)],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert stopped.returncode == 0 and "stopped" in stopped.stderr, stopped.stderr


def test_deployments_run_from_prefect_yaml(prefect_server, tmp_path):
    api_url, env = prefect_server
    started = time.monotonic()

    _prefect("work-pool", "create", "ties-process", "--type", "process", env=env, cwd=tmp_path)
    deploy_out = _prefect("--no-prompt", "deploy", "--all", env=env, cwd=REPO)
    # Every key of prefect.yaml is accepted as written (concurrency_limit included).
    assert not re.search(r"warn|deprecat|error", deploy_out, re.I), deploy_out

    # Both deployments exist; the scheduled one on a daily cron, the backfill manual.
    listed = _api(api_url, "POST", "/deployments/filter", {})
    assert sorted(d["name"] for d in listed) == ["backfill", "scheduled-import"]
    scheduled = _api(api_url, "GET", "/deployments/name/import_contacts/scheduled-import")
    backfill = _api(api_url, "GET", "/deployments/name/backfill/backfill")
    assert [s["schedule"].get("cron") for s in scheduled["schedules"]] == ["0 6 * * *"]
    assert scheduled["schedules"][0]["schedule"]["timezone"] == "UTC"
    assert scheduled["schedules"][0]["active"] is True
    assert backfill["schedules"] == []
    for d in (scheduled, backfill):
        assert d["work_pool_name"] == "ties-process"
        assert d["global_concurrency_limit"]["limit"] == 1  # concurrency_limit: 1
        # The pull step names this checkout, resolved when `prefect deploy` ran.
        ((step, args),) = [s for pull in d["pull_steps"] for s in pull.items()]
        assert step == "prefect.deployments.steps.set_working_directory"
        assert Path(args["directory"]).resolve() == REPO
        # The parameter schema: inputs list[str], warehouse str, me list[str] (all optional).
        props = d["parameter_openapi_schema"]["properties"]
        assert set(props) == {"inputs", "warehouse", "me"}
        for name, kind in (("inputs", "array"), ("warehouse", "string"), ("me", "array")):
            variants = props[name]["anyOf"]
            assert {"type": "null"} in variants
            (typed,) = [v for v in variants if v != {"type": "null"}]
            assert typed["type"] == kind
            if kind == "array":
                assert typed["items"] == {"type": "string"}
        assert d["enforce_parameter_schema"] is True

    # The server refuses a parameter of the wrong type, so no run is created with it.
    with pytest.raises(urllib.error.HTTPError) as refused:
        _api(
            api_url,
            "POST",
            f"/deployments/{backfill['id']}/create_flow_run",
            {"parameters": {"inputs": 5}},
        )
    assert 400 <= refused.value.code < 500

    # The server's scheduler creates the upcoming daily runs of scheduled-import (its
    # "recent deployments" pass runs every few seconds after a deploy).
    upcoming = _wait_scheduled_runs(api_url, scheduled["id"])
    times = [datetime.fromisoformat(r["expected_start_time"]) for r in upcoming]
    assert times == sorted(times) and times[0] > datetime.now(UTC) - timedelta(minutes=1)
    assert {(t.astimezone(UTC).hour, t.minute) for t in times} == {(6, 0)}
    assert all(r["parameters"] == {"inputs": [], "warehouse": None, "me": []} for r in upcoming)

    # The first scheduled run, moved to now, runs with its inputs, warehouse and
    # addresses from the config file of the worker's user (~/.config/ties/config.toml).
    scheduled_run = upcoming[0]
    scheduled_wh = tmp_path / "scheduled-warehouse"
    config = Path(env["HOME"]) / ".config" / "ties" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f"inputs = {json.dumps([str(p) for p in DEMO_INPUTS])}\n"
        f"warehouse = {json.dumps(str(scheduled_wh))}\n"
        f"me = {json.dumps(DEMO_ME)}\n"
    )
    _api(
        api_url,
        "POST",
        f"/flow_runs/{scheduled_run['id']}/set_state",
        {
            "state": {
                "type": "SCHEDULED",
                "name": "Scheduled",
                "state_details": {"scheduled_time": datetime.now(UTC).isoformat()},
            },
            "force": True,
        },
    )

    # The backfill on the bundled examples, into a warehouse named by its parameters.
    warehouse = tmp_path / "warehouse"
    run_out = _prefect(
        "deployment", "run", "backfill/backfill",
        "--param", "inputs=" + json.dumps([str(p) for p in DEMO_INPUTS]),
        "--param", "warehouse=" + json.dumps(str(warehouse)),
        "--param", "me=" + json.dumps(DEMO_ME),
        env=env,
        cwd=tmp_path,
    )  # fmt: skip
    match = re.search(r"UUID: ([0-9a-f-]{36})", run_out)
    assert match, run_out
    flow_run_id = match.group(1)

    # A process worker started elsewhere (not in the checkout) picks both runs up once,
    # waits for them to finish and exits.
    worker_dir = tmp_path / "worker"
    worker_dir.mkdir()
    worker_log = tmp_path / "worker.log"
    worker = None
    try:
        worker = _start(
            [_ties_exe(), "worker", "--", "--run-once"],
            env=env,
            cwd=worker_dir,
            log=worker_log,
            background=True,
        )
        t0 = time.monotonic()
        try:
            worker.wait(timeout=FLOW_RUN_TIMEOUT)
            print(f"prefect worker --run-once: {time.monotonic() - t0:.1f}s")
        except subprocess.TimeoutExpired:
            pytest.fail(f"worker still running after {FLOW_RUN_TIMEOUT}s:\n{_tail(worker_log)}")
    finally:
        _stop(worker)

    truth = json.loads((REPO / "examples" / "truth.json").read_text())

    flow_run = _api(api_url, "GET", f"/flow_runs/{scheduled_run['id']}")
    state = flow_run["state"]
    assert state["type"] == "COMPLETED", f"{state}\nworker log:\n{_tail(worker_log)}"
    assert flow_run["deployment_id"] == scheduled["id"]
    assert flow_run["auto_scheduled"] is True  # created by the scheduler, not by us
    contacts = scheduled_wh / "current" / "contacts.parquet"
    assert contacts.is_file(), f"no {contacts}\nworker log:\n{_tail(worker_log)}"
    assert pq.read_metadata(contacts).num_rows == truth["people"]
    runs = pq.read_table(scheduled_wh / "current" / "runs.parquet").to_pylist()
    assert [r["flow"] for r in runs] == ["import_contacts"]

    flow_run = _api(api_url, "GET", f"/flow_runs/{flow_run_id}")
    state = flow_run["state"]
    assert state["type"] == "COMPLETED", f"{state}\nworker log:\n{_tail(worker_log)}"
    assert flow_run["deployment_id"] == backfill["id"]
    assert flow_run["parameters"]["inputs"] == [str(p) for p in DEMO_INPUTS]
    contacts = warehouse / "current" / "contacts.parquet"
    assert contacts.is_file(), f"no {contacts}\nworker log:\n{_tail(worker_log)}"
    assert pq.read_metadata(contacts).num_rows == truth["people"]

    print(f"deployment round trip in {time.monotonic() - started:.1f}s")

    # `ties worker &` of the README, in a script: SIGTERM stops it (a bare
    # `prefect worker start` started so ignores SIGTERM: its SIGTERM handler sends the
    # SIGINT the shell told it to ignore).
    worker_log = tmp_path / "worker-sigterm.log"
    worker = _start(
        [_ties_exe(), "worker"], env=env, cwd=worker_dir, log=worker_log, background=True
    )
    try:
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while "started!" not in _tail(worker_log) and time.monotonic() < deadline:
            assert worker.poll() is None, _tail(worker_log)
            time.sleep(0.5)
        assert "started!" in _tail(worker_log), _tail(worker_log)
        t0 = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=SIGTERM_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"worker ignored SIGTERM for {SIGTERM_TIMEOUT}s:\n{_tail(worker_log)}")
        print(f"ties worker stopped {time.monotonic() - t0:.1f}s after SIGTERM")
    finally:
        _stop(worker)


def _wait_scheduled_runs(api_url: str, deployment_id: str) -> list[dict]:
    """The SCHEDULED runs of a deployment, earliest first, once the scheduler made some."""
    body = {
        "flow_runs": {
            "deployment_id": {"any_": [deployment_id]},
            "state": {"type": {"any_": ["SCHEDULED"]}},
        },
        "sort": "EXPECTED_START_TIME_ASC",
    }
    deadline = time.monotonic() + SCHEDULER_TIMEOUT
    while time.monotonic() < deadline:
        runs = _api(api_url, "POST", "/flow_runs/filter", body)
        if runs:
            return runs
        time.sleep(1)
    pytest.fail(f"no scheduled run of scheduled-import after {SCHEDULER_TIMEOUT}s")
