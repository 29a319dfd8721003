"""The warm runner of `ties server`, end to end through the real `ties` command.

One `ties server start` (a real Prefect server and the runner, their state in a
warehouse under tmp_path) serves the module. Imports run as users run them, in fresh
processes: through the runner (the child takes the client's stdio, cwd, environment),
and with TIES_RUNNER=off in-process, and the two must answer alike: the same summary,
the same error lines and exit statuses, a live progress line on a terminal only. Then
the fallbacks: a client with other code runs in-process after one line, SIGINT reaches
the child, and `ties server stop` ends the runner and removes its socket.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.cli import DEMO_INPUTS
from warehouse.layout import Layout

REPO = Path(__file__).resolve().parents[2]
TIES = str(Path(sys.executable).with_name("ties"))
TIMEOUT = 300
# Relative to REPO, where the commands run: the runner's child must resolve them there.
INPUTS = [str(p.relative_to(REPO)) for p in DEMO_INPUTS]
RUNNER_LINE = "in the warm runner"


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TIES_"))}
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), TIES_CONFIG="", NO_COLOR="1", TIES_AS_OF="2026-11-01T00:00:00Z")
    env.update(extra)
    return env


def _ties(*args: str, env: dict, cwd: Path = REPO, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TIES, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, **kw
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A warehouse with `ties server start` up (Prefect server + warm runner)."""
    tmp = tmp_path_factory.mktemp("warm")
    wh = tmp / "wh"
    env = _env(tmp)
    started = _ties("server", "start", "--warehouse", str(wh), "--port", "0", env=env)
    assert started.returncode == 0, started.stderr
    assert "warm runner up" in started.stderr, started.stderr
    try:
        yield wh, env
    finally:
        stopped = _ties("server", "stop", "--warehouse", str(wh), env=env)
        assert "with its warm runner" in stopped.stderr, stopped.stderr
        assert not Layout(wh).runner_socket.exists()
        assert not Layout(wh).runner_record.exists()


def _summary(stdout: str) -> list[str]:
    """The summary without its first line (the run id and the seconds differ)."""
    lines = stdout.splitlines()
    assert lines and lines[0].startswith("warehouse:"), stdout
    return lines[1:]


def test_imports_through_the_runner_answer_as_in_process(served):
    wh, env = served
    args = ("import", *INPUTS, "--warehouse", str(wh), "--me", "alex.morgan@gmail.com")
    first = _ties(*args, env=env)
    assert first.returncode == 0, first.stderr
    assert RUNNER_LINE in first.stderr
    assert "people:       43" in first.stdout  # relative inputs read from the client's cwd
    warm = _ties(*args, env=env)
    cold = _ties(*args, env={**env, "TIES_RUNNER": "off"})
    assert warm.returncode == cold.returncode == 0, (warm.stderr, cold.stderr)
    assert RUNNER_LINE in warm.stderr and RUNNER_LINE not in cold.stderr
    assert _summary(warm.stdout) == _summary(cold.stdout)
    assert "new 0" in warm.stdout
    rebuilt = _ties("backfill", *args[1:], env=env)
    assert rebuilt.returncode == 0 and RUNNER_LINE in rebuilt.stderr, rebuilt.stderr
    assert _summary(rebuilt.stdout) == _summary(cold.stdout)
    # What the child wrote is owner-only, as an in-process run makes it.
    assert (wh / "current").resolve().stat().st_mode & 0o077 == 0

    status = _ties("server", "status", "--warehouse", str(wh), env=env)
    assert status.returncode == 0 and "warm runner up" in status.stderr


def test_errors_and_exit_statuses_are_the_same(served, tmp_path):
    wh, env = served
    for args in (
        ("import", "no-such-folder", "--warehouse", str(wh)),
        ("backfill", "--warehouse", str(wh)),  # no inputs named or configured
        ("import", str(tmp_path), "--warehouse", str(wh)),  # an empty folder
    ):
        warm = _ties(*args, env=env)
        cold = _ties(*args, env={**env, "TIES_RUNNER": "off"})
        assert (warm.returncode, warm.stdout, warm.stderr) == (
            cold.returncode,
            cold.stdout,
            cold.stderr,
        )
        assert warm.returncode == 2 and warm.stderr.startswith("ties: error:"), warm.stderr


def _run_on_terminal(args: list[str], env: dict) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal; returns the status and the output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        args, env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave
    )
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=TIMEOUT), out.decode(errors="replace")


def test_the_child_writes_to_the_clients_terminal(served):
    wh, env = served
    args = [TIES, "import", *INPUTS, "--warehouse", str(wh)]
    code, shown = _run_on_terminal(args, env)
    assert code == 0, shown
    assert RUNNER_LINE in shown
    assert "\x1b[2K" in shown  # the live progress line: stderr is a terminal in the child
    assert "ties: reading" not in shown  # the plain lines are for pipes and logs
    piped = _ties(*args[1:], env=env)
    assert "ties: reading" in piped.stderr and "\x1b[2K" not in piped.stderr


@contextlib.contextmanager
def _held_lock(wh: Path):
    """The warehouse's writer lock, held here: a run waits for it until a signal."""
    lock = os.open(Layout(wh).lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(lock)


def _started_children(wh: Path) -> list[int]:
    """The pids of the imports the runner has started, in order (from its log)."""
    log = Layout(wh).logs / "runner.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return [int(line.split("child ")[1].split(":")[0]) for line in lines if ": ties import" in line]


def _waiting_import(wh: Path, env: dict) -> tuple[subprocess.Popen, int]:
    """An import through the runner whose child waits for the writer lock (held by the
    caller) until a signal ends it; returned with the child's pid once the runner has
    logged that child (a loaded machine may log it after the client's header: the last
    child logged before then is an earlier test's)."""
    before = len(_started_children(wh))
    proc = subprocess.Popen(
        [TIES, "import", *INPUTS, "--warehouse", str(wh)],
        env={**env, "TIES_LOCK_WAIT_SECONDS": "600"},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A process group of its own under pytest's: never orphaned, so Ctrl-Z's SIGTSTP
        # stops the client however the tests were started (a group whose parent is in
        # another session, as under `setsid` or a detached CI job, discards SIGTSTP).
        process_group=0,
    )
    header = proc.stderr.readline()
    assert RUNNER_LINE in header, header
    _until(lambda: len(_started_children(wh)) > before, "child not logged")
    time.sleep(3.0)  # into the flow, waiting for the lock
    return proc, _started_children(wh)[before]


def _state(pid: int) -> str:
    """The kernel's one-letter state of a process (T: stopped)."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT  # a liveness bound, not a speed target
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_sigint_and_sigterm_reach_the_child(served):
    wh, env = served
    with _held_lock(wh):
        proc, _ = _waiting_import(wh, env)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 130, err  # main's KeyboardInterrupt, as in-process
        assert "interrupted; the warehouse keeps its previous snapshot" in err

        proc, _ = _waiting_import(wh, env)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == -signal.SIGTERM, err  # ended by it, as in-process


def test_ctrl_z_stops_the_child_with_the_client_and_fg_continues_both(served):
    wh, env = served
    with _held_lock(wh):
        proc, child = _waiting_import(wh, env)
        proc.send_signal(signal.SIGTSTP)
        _until(lambda: _state(child) == "T" and _state(proc.pid) == "T", "not stopped")
        proc.send_signal(signal.SIGCONT)
        _until(lambda: _state(child) != "T" and _state(proc.pid) != "T", "not continued")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130, err


def test_a_client_that_dies_takes_its_run_with_it(served):
    wh, env = served
    log = Layout(wh).logs / "runner.log"
    with _held_lock(wh):
        proc, _ = _waiting_import(wh, env)
        seen = log.read_text().count("{'signal': 15}")
        proc.kill()  # SIGKILL: nothing forwarded; the runner sees the connection close
        proc.communicate(timeout=TIMEOUT)
        _until(lambda: log.read_text().count("{'signal': 15}") > seen, "child not ended")


def test_a_client_with_other_code_runs_in_process(served, tmp_path):
    """A checkout that changed since `ties server start`: the runner refuses, one line."""
    wh, env = served
    other = tmp_path / "other-checkout"
    for package in ("connectors", "transforms", "warehouse", "pipelines", "report"):
        shutil.copytree(
            REPO / package, other / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    (other / "examples").symlink_to(REPO / "examples")
    summary = other / "pipelines" / "summary.py"
    summary.write_text(summary.read_text() + "\n# changed since the runner started\n")
    code = "import sys; from pipelines.cli import main; sys.exit(main())"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "import",
            *[str(REPO / p) for p in INPUTS],
            "--warehouse",
            str(wh),
        ],
        env={**env, "PYTHONPATH": str(other)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("ties: the warm runner is not used: it runs other code"), first
    assert first.endswith("running here")
    assert RUNNER_LINE not in done.stderr
    assert "people:       43" in done.stdout


def test_a_runner_whose_socket_is_gone_ends(tmp_path, monkeypatch):
    """A removed warehouse (or state/) leaves nobody able to reach its runner: it ends
    instead of holding its memory forever, and cleans up after itself."""
    from pipelines.warm_client import socket_path
    from pipelines.warm_runner import launch_runner, wait_for_runner

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    wh = tmp_path / "wh"
    proc = launch_runner(wh, "http://127.0.0.1:9/api")  # no server needed to import
    try:
        assert wait_for_runner(wh, proc)["pid"] == proc.pid
        socket_path(wh).unlink()
        assert proc.wait(timeout=TIMEOUT) == 0  # a liveness bound, not a speed target
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not Layout(wh).runner_record.exists()
    assert "is gone or another runner's: stopping" in (Layout(wh).logs / "runner.log").read_text()
