"""The temporary Prefect server of a CLI run: only its owner may call it, and it dies with
the run.

Prefect's own ephemeral server listens on 127.0.0.1 where any local user could read every
flow run, and survives a killed parent holding state/prefect/prefect.db and its port.
ties starts the same server (Prefect's ``create_app``, served by uvicorn) itself:

- it requires Prefect's basic-auth string (``PREFECT_SERVER_API_AUTH_STRING``), a fresh
  random secret per run that only this process and its children see (the environment of
  a process is owner-only in /proc), and the client sends it (``PREFECT_API_AUTH_STRING``);
- it asks the kernel for SIGTERM when its parent dies (Linux ``PR_SET_PDEATHSIG``), and a
  watchdog thread does the same where that does not exist;
- it listens on a socket the parent bound (port 0, 127.0.0.1), so no port can be stolen
  between choosing and binding it;
- its output goes to an owner-only log under state/logs/, not the user's terminal.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1
STARTUP_SECONDS = 120.0


class ServerStartError(RuntimeError):
    """The temporary server did not come up: one line naming its log."""


def _die_with(parent: int) -> None:
    """End this process when ``parent`` does (called first thing in the server process)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10.0)  # uvicorn's graceful shutdown hung: end it regardless
        os._exit(1)

    threading.Thread(target=watch, name="ties-parent-watchdog", daemon=True).start()


def serve(fd: int, parent: int) -> None:
    """Run Prefect's API on the inherited listening socket ``fd`` until the parent ends."""
    _die_with(parent)
    import uvicorn
    from prefect.server.api.server import create_app

    app = create_app(ephemeral=True, final=True)
    config = uvicorn.Config(app, log_level="error", lifespan="on")
    uvicorn.Server(config).run(sockets=[socket.socket(fileno=fd)])


class TemporaryServer:
    """A Prefect API server for one CLI run; ``start`` points this process at it."""

    def __init__(self, log_dir: Path):
        self.log_path = log_dir / "prefect-server.log"
        self.process: subprocess.Popen | None = None
        self.url: str | None = None

    def start(self, timeout: float = STARTUP_SECONDS) -> str:
        """Start the server, wait until it answers, and set PREFECT_API_URL and the auth.

        Returns:
            The API URL.

        Raises:
            ServerStartError: it exited or did not answer within ``timeout`` seconds.
        """
        import httpx

        secret = f"ties:{secrets.token_urlsafe(32)}"
        os.environ["PREFECT_SERVER_API_AUTH_STRING"] = secret
        os.environ["PREFECT_API_AUTH_STRING"] = secret
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        port = sock.getsockname()[1]
        fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from pipelines.prefect_server import serve; "
                    "serve(int(sys.argv[1]), int(sys.argv[2]))",
                    str(sock.fileno()),
                    str(os.getpid()),
                ],
                pass_fds=[sock.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=fd,
                stderr=fd,
                env={**os.environ, "PREFECT_UI_ENABLED": "false"},
                cwd=os.getcwd(),
            )
        finally:
            os.close(fd)
            sock.close()  # the child holds its own copy
        atexit.register(self.stop)
        url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=5.0) as client:
            while True:
                if self.process.poll() is not None:
                    raise ServerStartError(
                        f"the temporary Prefect server exited (status "
                        f"{self.process.returncode}); its log: {self.log_path}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{url}/health").status_code == 200:
                        break
                if time.monotonic() > deadline:
                    self.stop()
                    raise ServerStartError(
                        f"the temporary Prefect server did not answer in {timeout:.0f}s; "
                        f"its log: {self.log_path}"
                    )
                time.sleep(0.1)
        os.environ["PREFECT_API_URL"] = url
        self.url = url
        return url

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
