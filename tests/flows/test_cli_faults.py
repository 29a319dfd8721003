"""Failures as the user meets them through `ties import`: one line on stderr, the details in
an owner-only log under state/logs/ that the line names; a read-only warehouse fails before
Prefect starts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows.conftest import AS_OF, REPO

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lopez\r\nEMAIL:ana@x.org\r\nEND:VCARD\r\n"
# Loaded by the ties subprocess only: a bug in the assemble stage, mid-run.
BUG = """
import transforms.assemble as assemble
def broken(*args, **kwargs):
    raise RuntimeError("injected failure in assemble")
assemble.assemble_tables = broken
import pipelines.importing as importing
importing.assemble_tables = broken
"""


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TIES_"))}
    env.update(HOME=str(tmp_path), TIES_AS_OF=AS_OF, PYTHONPATH=str(REPO), **extra)
    return env


def _ties(args, env, cwd, *, prefix=()):
    return subprocess.run(
        [*prefix, sys.executable, "-m", "pipelines.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_a_failure_inside_the_run_is_one_line_naming_an_owner_only_log(tmp_path):
    card = tmp_path / "a.vcf"
    card.write_text(CARD)
    bug = tmp_path / "bug"
    bug.mkdir()
    (bug / "sitecustomize.py").write_text(BUG)
    env = _env(tmp_path)
    env["PYTHONPATH"] = f"{bug}{os.pathsep}{REPO}"
    wh = tmp_path / "wh"
    done = _ties(["import", str(card), "--warehouse", str(wh)], env, tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "CancelledError" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ties: error: RuntimeError: injected failure in assemble (details in ")
    log = last.split("(details in ", 1)[1].rstrip(")")
    assert log.startswith(str(wh / "state" / "logs"))
    text = Path(log).read_text()
    assert "Traceback" in text and "injected failure in assemble" in text
    assert os.stat(log).st_mode & 0o077 == 0
    assert not (wh / "current").exists()  # nothing committed
    # The flow run Prefect stored holds none of the user's paths or addresses.
    import sqlite3

    with sqlite3.connect(wh / "state" / "prefect" / "prefect.db") as db:
        params = [row[0] for row in db.execute("select parameters from flow_run")]
    assert params and not any(str(card) in p or "ana@x.org" in p for p in params), params
    lines = done.stderr.strip().splitlines()
    # Only ties's own progress lines and the one error line: nothing of Prefect's.
    assert all(line.startswith("ties") for line in lines), done.stderr
    assert sum(line.startswith("ties: error:") for line in lines) == 1


def test_a_read_only_warehouse_fails_in_one_line_before_prefect_starts(tmp_path):
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a read-only file system")
    card = tmp_path / "a.vcf"
    card.write_text(CARD)
    mount = tmp_path / "ro"
    mount.mkdir()
    probe = subprocess.run(
        ["unshare", "-m", "mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount)],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.strip()}")
    wh = mount / "wh"
    script = (
        f"mount -t tmpfs -o size=4m tmpfs {mount} && mkdir -p {wh} && "
        f'mount -o remount,ro {mount} && exec "$@"'
    )
    done = _ties(
        ["import", str(card), "--warehouse", str(wh)],
        _env(tmp_path),
        tmp_path,
        prefix=("unshare", "-m", "sh", "-c", script, "sh"),
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == (
        f"ties: error: {wh}: cannot write the warehouse (the file system is read-only) while "
        "checking that it can be written; nothing was committed, the previous snapshot stays"
    )
