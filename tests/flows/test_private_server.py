"""The temporary Prefect server of a CLI run answers only its owner and dies with the run."""

import base64
import os
import signal
import subprocess
import sys
import time

import httpx

from tests.flows.conftest import REPO

PARENT = """
import os, sys, time
from pathlib import Path
from pipelines.prefect_server import TemporaryServer
server = TemporaryServer(Path(sys.argv[1]))
url = server.start()
print(url, server.process.pid, os.environ["PREFECT_API_AUTH_STRING"], flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie is gone too: it holds no port and no database.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(") ", 1)[1].startswith("Z")


def test_server_needs_the_runs_secret_and_dies_with_its_parent(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO))
    logs = tmp_path / "logs"
    logs.mkdir()
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(logs)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        url, pid, secret = parent.stdout.readline().split()
        pid = int(pid)
        # Any other local user: no credentials, or wrong ones.
        assert httpx.post(f"{url}/flow_runs/filter", json={}).status_code == 401
        wrong = base64.b64encode(b"ties:guess").decode()
        headers = {"Authorization": f"Basic {wrong}"}
        assert httpx.post(f"{url}/flow_runs/filter", json={}, headers=headers).status_code == 401
        token = base64.b64encode(secret.encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        assert httpx.post(f"{url}/flow_runs/filter", json={}, headers=headers).status_code == 200
        assert (logs / "prefect-server.log").stat().st_mode & 0o077 == 0
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        for _ in range(600):  # liveness, not speed: it must end, however loaded the machine
            if _gone(pid):
                break
            time.sleep(0.1)
        assert _gone(pid), "the Prefect server outlived its killed parent"
        try:
            httpx.get(f"{url}/health", timeout=2)
            raise AssertionError("the port still answers")
        except httpx.HTTPError:
            pass
    finally:
        if parent.poll() is None:
            parent.kill()
