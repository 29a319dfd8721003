"""`ties server`: a long-lived Prefect server for one warehouse, which later runs find and use.

Without a server, every `ties import` starts a temporary Prefect server
(pipelines/prefect_server.py: 10 s or more of a no-op import, see docs/benchmarks.md).
`ties server start` runs
`prefect server start` in the background with its state in the warehouse's
state/prefect (the same database the temporary servers use, so the run history
carries over), waits until its health endpoint answers and records where it listens
in state/prefect/server.json. A later `ties import`, `ties worker` or `ties server
status` of the same warehouse finds it there; when it is gone they fall back to the
temporary server.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SERVER_FILE = "server.json"
LOG_FILE = "server.log"
DEFAULT_PORT = 4200
START_TIMEOUT = 180.0
# Loopback only: a proxy of the environment must not see (or break) the health check.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ServerError(RuntimeError):
    """The server could not be started or stopped; the message says why."""


@dataclass(frozen=True)
class Server:
    url: str  # the API URL, for PREFECT_API_URL
    pid: int
    home: Path


def prefect_home(warehouse: Path) -> Path:
    """Prefect's state of this warehouse (also the temporary servers' home)."""
    from warehouse.layout import Layout

    return Layout(warehouse.expanduser().resolve()).prefect_home


def _healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with _LOCAL.open(f"{url}/health", timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError, ValueError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process reuses the id
        return False
    return True


def _is_prefect(pid: int) -> bool:
    """Whether process ``pid`` is a Prefect server (and not a process that reused the id)."""
    try:
        return b"prefect" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists() and _alive(pid)  # no /proc (macOS): trust it
    except OSError:
        return False


def _recorded(warehouse: Path) -> Server | None:
    record = prefect_home(warehouse) / SERVER_FILE
    try:
        data = json.loads(record.read_text())
        return Server(url=str(data["url"]), pid=int(data["pid"]), home=record.parent)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def find_server(warehouse: Path) -> Server | None:
    """The running server of this warehouse, or None (no record, dead, or not answering)."""
    server = _recorded(warehouse)
    if server is None or not _alive(server.pid) or not _is_prefect(server.pid):
        return None
    return server if _healthy(server.url) else None


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prefect_executable() -> str:
    """The `prefect` of this environment (the checkout's .venv), which runs ties' flows."""
    exe = Path(sys.executable).with_name("prefect")
    return str(exe) if exe.exists() else "prefect"


def start_server(
    warehouse: Path,
    port: int = DEFAULT_PORT,
    scheduler: bool = True,
    on_launch: Callable[[str], None] | None = None,
) -> Server:
    """Start (or find) the warehouse's server in the background; returns once it answers.

    Args:
        warehouse: the warehouse whose state/prefect holds the server's database.
        port: loopback port; 0 picks a free one.
        scheduler: run Prefect's scheduler, so deployments' schedules create runs.
        on_launch: called with the API URL once the server process is started, before
            it answers (`ties server start` launches its warm runner meanwhile).

    Raises:
        ServerError: the port is taken, or the server exited or did not answer in time
            (the message names its log).
    """
    if (running := find_server(warehouse)) is not None:
        return running
    from warehouse.private import private_dir, private_warehouse

    private_warehouse(warehouse.expanduser().resolve())
    home = private_dir(prefect_home(warehouse))
    port = port or _free_port()
    if not _port_free(port):
        raise ServerError(f"port {port} on 127.0.0.1 is taken; choose another with --port")
    url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="true" if scheduler else "false",
        PREFECT_UI_ENABLED="false",
    )
    log = home / LOG_FILE
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        proc = subprocess.Popen(
            [prefect_executable(), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=home,
            stdin=subprocess.DEVNULL,
            stdout=fd,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this command; stopped by its process group
        )
    finally:
        os.close(fd)
    if on_launch is not None:
        on_launch(url)
    deadline = time.monotonic() + START_TIMEOUT
    while not _healthy(url):
        if proc.poll() is not None:
            raise ServerError(f"the Prefect server exited with {proc.returncode}; see {log}")
        if time.monotonic() > deadline:
            _terminate(proc.pid)
            raise ServerError(f"the Prefect server did not answer in {START_TIMEOUT:.0f}s: {log}")
        time.sleep(0.25)
    record = home / SERVER_FILE
    fd = os.open(record, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump({"url": url, "pid": proc.pid, "port": port}, out)
    return Server(url=url, pid=proc.pid, home=home)


def _terminate(pid: int, wait: float = 30.0) -> None:
    """SIGTERM the server's process group, then SIGKILL what is left after ``wait``."""
    for sig, grace in ((signal.SIGTERM, wait), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG) != (0, 0):
                    return
            except ChildProcessError:  # not our child: poll whether it still exists
                if not _alive(pid):
                    return
            time.sleep(0.1)


def stop_server(warehouse: Path) -> bool:
    """Stop the warehouse's server; False when none was running."""
    record = prefect_home(warehouse) / SERVER_FILE
    server = _recorded(warehouse)
    running = server is not None and _alive(server.pid) and _is_prefect(server.pid)
    if running:
        _terminate(server.pid)
    record.unlink(missing_ok=True)
    return running
