"""`ties demo` and the README's examples as a user runs them: a subprocess with a fresh HOME."""

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


def _readme_examples() -> list[list[str]]:
    """The README's example commands of the reading commands, as written there."""
    import re
    import shlex

    text = (REPO / "README.md").read_text()
    commands = []
    for block in re.findall(r"```\n(.*?)```", text, re.S):
        block = "\n".join(line.strip() for line in block.splitlines())
        joined = re.sub(r"\n(?!ties )", " ", block)  # a query's continuation lines
        for line in joined.splitlines():
            if re.search(r"\S {3,}\S", line):  # a synopsis line with its description
                continue
            words = shlex.split(line.split(" > ")[0]) if line.startswith("ties ") else []
            if words and words[1] in {"query", "reconnect", "owed", "follow-ups", "show",
                                      "explain", "history"}:  # fmt: skip
                commands.append(words[1:])
    return commands


def test_readme_examples_work_right_after_the_quick_start(tmp_path):
    """`make demo` (= `ties demo` in the checkout), then every README example as written."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TIES_"))}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(REPO))
    env.pop("DO_NOT_TRACK", None)
    done = _ties(["demo"], env, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "demo-warehouse" / "current").is_dir()
    # The sample's own day is the demo's "now", said plainly; no telemetry notice.
    assert "as of 2026-11-01" in done.stderr
    assert "telemetry" not in (done.stdout + done.stderr).lower()

    examples = _readme_examples()
    assert len(examples) >= 6, examples
    for args in examples:
        run = _ties(args, env, tmp_path)
        assert run.returncode == 0, f"ties {' '.join(args)}:\n{run.stderr}"
        assert run.stdout.strip(), f"ties {' '.join(args)} printed nothing"
        assert "reading ./demo-warehouse (the demo)" in run.stderr
    # The demo's lists are measured from the sample's day, so they never run empty.
    for listing in (["follow-ups"], ["owed"], ["reconnect"]):
        run = _ties([*listing, "--format", "json"], env, tmp_path)
        assert run.returncode == 0 and json.loads(run.stdout), listing
