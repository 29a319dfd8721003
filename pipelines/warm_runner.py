"""The warm runner of `ties server`: a process with Prefect, pandas and pyarrow already
imported that runs each `ties import`/`backfill` of its warehouse in a forked child.

Importing pipelines.flows costs several seconds before an import does any work
(docs/benchmarks.md); a fork of a process that has paid it costs milliseconds. The
runner listens on an owner-only Unix socket under the warehouse's state/ folder
(warehouse/layout.py). For each request of a thin client (pipelines/warm_client.py)
whose peer uid is the runner's own and whose code version matches, it forks a child
that takes the client's stdin/stdout/stderr, argv, working folder, environment and
umask, and runs the same entry point as the `ties` command (pipelines.cli.main), so
progress, colour and exit status are those of an in-process run. The runner itself
holds no threads and no event loop when it forks (it checks), reaps its children and
reports each one's exit status, forwards the client's signals, and terminates a child
whose client went away.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

from pipelines import warm_client
from pipelines.warm_client import (
    code_version,
    peer_uid,
    receive_message,
    send_message,
    socket_path,
)
from warehouse.layout import Layout

START_TIMEOUT = 180.0
LOG_FILE = "runner.log"
FORWARDED = {int(signal.SIGINT), int(signal.SIGTERM), int(signal.SIGHUP)}
# Imported in the runner, before any fork: every module of these packages of ties (the
# connectors load lazily in-process) and the modules of others that a run of the import
# flow imports late (found by listing what a child still imported; 0.8 s of a no-op
# run before). A module missing from a later Prefect is skipped with a line in the log.
WARM_PACKAGES = ("connectors", "transforms", "warehouse", "pipelines")
WARM_MODULES = (
    "prefect.flow_engine",
    "prefect.task_engine",
    "prefect.client.orchestration",
    "prefect.logging.handlers",
    "prefect.utilities.visualization",  # a flow call imports it (graphviz)
    "fastapi",  # Prefect's client imports it when it first talks to the server
    "anyio._backends._asyncio",
    "pyarrow.dataset",
)


class _Stop(Exception):
    """SIGTERM (or SIGINT) to the runner: stop accepting, end the children, clean up."""


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} runner {os.getpid()}: {message}", flush=True)


class Runner:
    """The fork server of one warehouse; ``serve`` runs until SIGTERM."""

    def __init__(self, warehouse: Path, version: str):
        self.layout = Layout(warehouse)
        self.version = version
        self.pid = os.getpid()
        self.children: dict[int, socket.socket | None] = {}  # child pid -> its client
        self.clients: dict[socket.socket, int] = {}  # client connection -> child pid

    def serve(self) -> None:
        path = socket_path(self.layout.root)
        path.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # the socket file is born owner-only
        try:
            with warm_client.short_address(path) as address:
                listener.bind(address)
        finally:
            os.umask(old)
        listener.listen(16)
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes select through wake_w

        def stop(*_):
            raise _Stop

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self._write_record(path)
        self._listener, self._wake = listener, (wake_r, wake_w)
        _log(f"ready on {path}, code version {self.version[:12]}")
        try:
            while True:
                watched = [listener, wake_r, *self.clients]
                readable, _, _ = select.select(watched, [], [])
                if wake_r in readable:
                    with contextlib.suppress(BlockingIOError):
                        while os.read(wake_r, 512):
                            pass
                    self._reap()
                for conn in readable:
                    if conn in self.clients:
                        self._client_said(conn)
                if listener in readable:
                    conn, _ = listener.accept()
                    self._accept(conn)
        except _Stop:
            _log("stopping")
        finally:
            if os.getpid() == self.pid:  # not in a child unwinding after its run
                self._shutdown(path)

    # -- requests ------------------------------------------------------------------------
    def _accept(self, conn: socket.socket) -> None:
        fds: list[int] = []
        try:
            conn.settimeout(5.0)
            if peer_uid(conn) != os.getuid():
                _log("refused a connection of another user")
                conn.close()
                return
            request, fds = receive_message(conn, max_fds=3)
            if request.get("ping"):
                send_message(conn, {"pid": self.pid, "version": self.version})
                conn.close()
                return
            reason = self._refusal(request, fds)
            if reason:
                send_message(conn, {"ok": False, "reason": reason})
                conn.close()
                return
            pid = os.fork()
            if pid == 0:
                self._become_child(conn, request, fds)  # never returns
            conn.settimeout(None)
            send_message(conn, {"ok": True, "pid": pid})
            self.children[pid] = conn
            self.clients[conn] = pid
            _log(f"child {pid}: ties {' '.join(request.get('argv', []))[:200]}")
        except (OSError, ValueError, ConnectionError) as exc:
            _log(f"a request failed: {exc}")
            conn.close()
        finally:
            if os.getpid() == self.pid:
                for fd in fds:
                    with contextlib.suppress(OSError):
                        os.close(fd)

    def _refusal(self, request: dict, fds: list[int]) -> str | None:
        if request.get("version") != self.version:
            return (
                "it runs other code than this ties (changed since `ties server start`; "
                "`ties server stop` and `ties server start` renew it)"
            )
        if len(fds) != 3 or not isinstance(request.get("argv"), list):
            return "the request was incomplete"
        if threading.active_count() != 1:  # forking a threaded process can deadlock
            return "the runner holds threads and cannot fork safely"
        return None

    def _client_said(self, conn: socket.socket) -> None:
        pid = self.clients[conn]
        try:
            message, _ = receive_message(conn)
        except (OSError, ValueError, ConnectionError):
            # The client is gone (killed, or its terminal closed): so goes its run, as an
            # in-process run would have; the warehouse keeps its previous snapshot.
            del self.clients[conn]
            self.children[pid] = None
            conn.close()
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            return
        signum = message.get("signal")
        if signum in FORWARDED:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if os.WIFSIGNALED(status):
                end = {"signal": os.WTERMSIG(status)}
            else:
                end = {"exit": os.waitstatus_to_exitcode(status)}
            _log(f"child {pid}: {end}")
            if conn is not None:
                self.clients.pop(conn, None)
                with contextlib.suppress(OSError):
                    send_message(conn, end)
                conn.close()

    # -- the child -----------------------------------------------------------------------
    def _become_child(self, conn: socket.socket, request: dict, fds: list[int]) -> None:
        """Take the client's place and run its command; ends the process with its status."""
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            for s in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
                signal.signal(s, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self._listener.close()
            for fd in self._wake:
                os.close(fd)
            for other in (conn, *self.clients):
                other.close()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            time.tzset()  # the C library's local time follows the client's TZ, as at start
            os.umask(int(request["umask"]))
            sys.argv = [request.get("argv0") or "ties", *request["argv"]]
            # As Python sets them up at start: stdout line-buffered on a terminal only.
            sys.stdout.reconfigure(line_buffering=sys.stdout.isatty())
            from pipelines import prefect_env
            from pipelines.cli import main

            warm_client.DELEGATE = False
            prefect_env.IMPORTED_EARLY = True
            code = main(list(request["argv"]))
        except SystemExit as exc:  # argparse's own exits
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except KeyboardInterrupt:
            traceback.print_exc()
            code = 130
        except BaseException:
            traceback.print_exc()
            code = 1
        # Unwinds to the top of the process, which then ends as any Python program does
        # (atexit handlers, Prefect's last logs and events); the runner's own clean-up is
        # skipped in a child (os.getpid() != self.pid).
        raise SystemExit(code)

    # -- book-keeping --------------------------------------------------------------------
    def _write_record(self, path: Path) -> None:
        record = self.layout.runner_record
        fd = os.open(record, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"pid": self.pid, "socket": str(path), "version": self.version}, out)

    def _shutdown(self, path: Path) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10.0
        while self.children and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        with contextlib.suppress(OSError):
            os.unlink(path)
        record = self.layout.runner_record
        with contextlib.suppress(OSError, ValueError):
            if json.loads(record.read_text()).get("pid") == self.pid:
                record.unlink()


def _warm_up() -> None:
    """First calls that fill pure caches, which every child would otherwise fill again.

    tldextract builds its suffix trie on first use: 0.3 s of each run (measured by
    profiling a first and a second run in one process). No thread, no file handle, no
    network: safe to fork after.
    """
    from transforms import domains

    domains.is_free_mail(domains.registrable_domain("mail.example.co.uk"))
    domains.academic_domains()


def serve(warehouse: Path) -> None:
    """The runner process: import everything a run needs, then serve until SIGTERM."""
    import importlib
    import pkgutil

    version = code_version()  # before the imports: an edit meanwhile makes it refuse
    started = time.monotonic()
    names = list(WARM_MODULES)
    for package in WARM_PACKAGES:
        path = [str(warm_client.ROOT / package)]
        names += [m.name for m in pkgutil.walk_packages(path, prefix=f"{package}.")]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:  # an optional extra (Dask) not installed
            _log(f"not imported ahead: {name} ({exc})")
    _warm_up()
    _log(f"imported {len(sys.modules)} modules in {time.monotonic() - started:.1f}s")
    Runner(warehouse, version).serve()


# -- `ties server` side ----------------------------------------------------------------
def _recorded_pid(warehouse: Path) -> int | None:
    try:
        return int(json.loads(Layout(warehouse).runner_record.read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _is_runner(pid: int) -> bool:
    try:
        return b"pipelines.warm_runner" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def start_runner(warehouse: Path, api_url: str, timeout: float = START_TIMEOUT) -> dict:
    """Start the warehouse's runner (or find it) and wait until it answers.

    Args:
        warehouse: the warehouse (resolved); its state/ folder holds socket and record.
        api_url: the Prefect server the runner's imports are configured for.
        timeout: seconds to wait for the imports.

    Returns:
        Its answer to a ping: {"pid", "version"}.

    Raises:
        RuntimeError: not on Linux, or it exited or did not answer (naming its log).
    """
    return wait_for_runner(warehouse, launch_runner(warehouse, api_url), timeout)


def launch_runner(warehouse: Path, api_url: str) -> subprocess.Popen | None:
    """Start the runner process without waiting for it; None when one of this code is up.

    `ties server start` launches it while Prefect's server starts: both spend their first
    seconds importing, on different cores when there are two.

    Raises:
        RuntimeError: not on Linux (SO_PEERCRED).
    """
    from pipelines.prefect_env import QUIET_DEFAULTS
    from pipelines.run_log import QUIET_CONSOLE
    from warehouse.private import private_dir, private_warehouse

    if not hasattr(socket, "SO_PEERCRED"):
        raise RuntimeError("the warm runner needs Linux (SO_PEERCRED)")
    if (answer := warm_client.ping(warehouse)) is not None:
        if answer.get("version") == code_version():
            return None
        stop_runner(warehouse)  # other code: renew it
    layout = Layout(private_warehouse(warehouse))
    log = private_dir(layout.logs) / LOG_FILE
    # Prefect reads its settings when imported: those of an import run against this
    # server (pipelines.prefect_env). A child reads its client's again before its run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(QUIET_DEFAULTS)
    env.update(QUIET_CONSOLE)
    env["PREFECT_API_URL"] = api_url
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "pipelines.warm_runner", str(warehouse)],
            env=env,
            cwd=layout.state,
            stdin=subprocess.DEVNULL,
            stdout=fd,
            stderr=fd,
            start_new_session=True,  # outlives `ties server start`; no terminal signals
        )
    finally:
        os.close(fd)


def wait_for_runner(
    warehouse: Path, proc: subprocess.Popen | None, timeout: float = START_TIMEOUT
) -> dict:
    """Wait until the runner ``proc`` (None: the one already up) answers; its ping answer.

    Raises:
        RuntimeError: it exited or did not answer in ``timeout`` seconds (naming its log).
    """
    log = Layout(warehouse).logs / LOG_FILE
    deadline = time.monotonic() + timeout
    while True:
        answer = warm_client.ping(warehouse)
        if answer is not None and (proc is None or answer.get("pid") == proc.pid):
            return answer
        if proc is None or proc.poll() is not None:
            code = "gone" if proc is None else f"exited with {proc.returncode}"
            raise RuntimeError(f"the warm runner {code}; see {log}")
        if time.monotonic() > deadline:
            _terminate(proc.pid)
            raise RuntimeError(f"the warm runner did not answer in {timeout:.0f}s; see {log}")
        time.sleep(0.1)


def _terminate(pid: int, grace: float = 15.0) -> None:
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG) != (0, 0):
                    return
            except ChildProcessError:  # not our child: poll whether it still exists
                if not _is_runner(pid):
                    return
            time.sleep(0.05)


def stop_runner(warehouse: Path) -> bool:
    """Stop the warehouse's runner; False when none was running."""
    layout = Layout(warehouse)
    pid = _recorded_pid(warehouse)
    running = pid is not None and _is_runner(pid)
    if running:
        _terminate(pid)
    for leftover in (layout.runner_record, socket_path(warehouse)):
        leftover.unlink(missing_ok=True)
    return running


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
