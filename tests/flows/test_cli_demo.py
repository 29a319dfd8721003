"""`ties demo` and `ties query` as a user runs them: a subprocess with a fresh HOME."""

import json
import os
import subprocess
import sys

from tests.flows.conftest import AS_OF, REPO


def _ties(args, env, cwd):
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_demo_then_query(tmp_path, truth):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TIES_"))}
    env.update(HOME=str(tmp_path), TIES_AS_OF=AS_OF, PYTHONPATH=str(REPO))
    wh = tmp_path / "demo-wh"
    done = _ties(["demo", "--warehouse", str(wh)], env, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (wh / "current" / "contacts.parquet").is_file()
    assert (wh / "state" / "prefect").is_dir()  # Prefect's state stays with the warehouse
    assert not (tmp_path / ".prefect").exists()
    out = done.stdout
    assert str(wh) in out
    assert f"people:       {truth['people']}" in out
    assert "rejects:" in out and "interactions:" in out and "linkedin" in out

    q = _ties(
        [
            "query",
            "select display_name, sources from contacts where "
            "list_contains(emails, 'bsmith@acme.com')",
            "--warehouse",
            str(wh),
            "--format",
            "json",
        ],
        env,
        tmp_path,
    )
    assert q.returncode == 0, q.stderr
    rows = json.loads(q.stdout)
    # Bill's fortnightly sync in the demo calendar adds a source.
    assert len(rows) == 1 and sorted(rows[0]["sources"]) == [
        "calendar",
        "linkedin",
        "mail",
        "vcard",
    ]

    # The demo shows a job change, meetings, and a follow-up due after one.
    changes = _ties(["changes", "--warehouse", str(wh), "--format", "json"], env, tmp_path)
    assert changes.returncode == 0, changes.stderr
    assert {r["name"] for r in json.loads(changes.stdout)} == {"Elena Petrova", "Kenji Watanabe"}
    follow = _ties(["follow-ups", "--warehouse", str(wh), "--format", "json"], env, tmp_path)
    assert follow.returncode == 0, follow.stderr
    met = [r for r in json.loads(follow.stdout) if r["reason"] == "met_no_follow_up"]
    assert {r["name"] for r in met} == {"Priya Raman", "Emma Larsen"}

    bad = _ties(["query", "select * from nosuchtable", "--warehouse", str(wh)], env, tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.startswith("ties: error: query failed") and bad.stderr.count("\n") == 1
