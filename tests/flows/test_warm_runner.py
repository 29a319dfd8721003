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


def test_sigint_reaches_the_child(served):
    wh, env = served
    # The child waits for the warehouse's writer lock, held here, until interrupted.
    lock = os.open(Layout(wh).lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        proc = subprocess.Popen(
            [TIES, "import", *INPUTS, "--warehouse", str(wh)],
            env={**env, "TIES_LOCK_WAIT_SECONDS": "600"},
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        header = proc.stderr.readline()
        assert RUNNER_LINE in header, header
        time.sleep(3.0)  # into the flow, waiting for the lock
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        os.close(lock)
    assert proc.returncode == 130, err
    assert "interrupted; the warehouse keeps its previous snapshot" in err


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
