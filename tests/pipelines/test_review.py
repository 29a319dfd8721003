"""`ties review`: the uncertain pairs at a terminal (a pseudo-terminal here), as CSV, applied."""

import csv
import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipelines.cli import DEMO_INPUTS, main
from tests.conftest import build_plain
from transforms.resolve import load_overrides
from transforms.review import review_queue
from warehouse.read import read_table

TIES = Path(sys.executable).with_name("ties")


@pytest.fixture
def demo(tmp_path):
    wh = tmp_path / "wh"
    build_plain(DEMO_INPUTS, wh)
    return wh


def _export(capsys, wh: Path) -> list[dict]:
    assert main(["review", "--warehouse", str(wh), "--format", "csv", "--band", "0", "1"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_the_queue_is_most_consequential_first_and_leaves_user_decisions_out():
    matches = pd.DataFrame(
        {
            "record_id_a": ["a", "c", "e", "g"],
            "record_id_b": ["b", "d", "f", "h"],
            "score": [0.5, 0.6, 0.99, 0.7],
            "decision": ["keep_apart", "merge", "merge", "merge"],
            "rule": ["below_threshold", "probabilistic", "same_email", "must_link_override"],
            "evidence": [[("name", 3.0), ("company", -1.5), ("prior", -9.0)], [], [], []],
        }
    )
    records = pd.DataFrame({"record_id": list("abcdefgh"), "display_name": list("ABCDEFGH")})
    interactions = pd.DataFrame({"record_id": ["a", "b", "b", "c"]})
    queue = review_queue(matches, records, interactions, (0.3, 0.9))
    assert queue[["record_id_a", "at_stake"]].values.tolist() == [["a", 3], ["c", 1]]
    first = queue.iloc[0]
    assert (first.display_name_a, first.display_name_b, first.now) == ("A", "B", "apart")
    assert (first.evidence_for, first.evidence_against) == ("name +3.0", "company -1.5")


def test_csv_export_then_apply_writes_overrides_that_the_next_import_follows(
    demo, capsys, tmp_path
):
    rows = _export(capsys, demo)
    assert rows and all(r["decision"] == "" for r in rows)
    merged = next(r for r in rows if r["now"] == "merged")
    merged["decision"] = "different"
    filled = tmp_path / "pairs.csv"
    with filled.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["review", "--warehouse", str(demo), "--apply", str(filled)]) == 0
    assert "1 decision(s)" in capsys.readouterr().out
    overrides = demo / "overrides.toml"
    pair = (merged["record_id_a"], merged["record_id_b"])
    assert load_overrides(overrides).cannot_link == [pair]

    build_plain(DEMO_INPUTS, demo, overrides_file=overrides)
    records = read_table(demo, "source_records").to_pandas().set_index("record_id")
    assert records.loc[pair[0], "contact_id"] != records.loc[pair[1], "contact_id"]
    assert not any(
        r["record_id_a"] == pair[0] and r["record_id_b"] == pair[1] for r in _export(capsys, demo)
    )


def test_a_user_merge_is_recorded_as_the_users_in_matches(demo, capsys):
    pair = next((r["record_id_a"], r["record_id_b"]) for r in _export(capsys, demo))
    overrides = demo / "overrides.toml"
    from transforms.resolve import append_overrides

    append_overrides(overrides, [("must_link", *pair, "ties review")])
    build_plain(DEMO_INPUTS, demo, overrides_file=overrides)
    matches = read_table(demo, "matches").to_pandas()
    row = matches[(matches["record_id_a"] == pair[0]) & (matches["record_id_b"] == pair[1])]
    assert row["rule"].tolist() == ["must_link_override"]
    assert row["decision"].tolist() == ["merge"]


def _read_until(fd: int, text: str, timeout: float = 60.0) -> str:
    out, end = b"", time.monotonic() + timeout
    while text.encode() not in out:
        left = end - time.monotonic()
        assert left > 0, f"no {text!r} in {out.decode(errors='replace')!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the other side closed
                break
            out += chunk
    return out.decode(errors="replace")


def test_answers_at_a_terminal_go_to_the_overrides_file_at_once(demo, capsys):
    first, second = _export(capsys, demo)[:2]
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [str(TIES), "review", "--warehouse", str(demo), "--band", "0", "1"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    try:
        shown = _read_until(master, "[q]uit? ")
        assert "probability" in shown and "for:" in shown and "against:" in shown
        os.write(master, b"s\n")
        _read_until(master, "[q]uit? ")
        # Written at once: the first answer is in the file while the second is asked.
        assert load_overrides(demo / "overrides.toml").must_link == [
            (first["record_id_a"], first["record_id_b"])
        ]
        os.write(master, b"maybe\n")
        assert "answer s, d, k or q" in _read_until(master, "[q]uit? ")
        os.write(master, b"d\n")
        _read_until(master, "[q]uit? ")
        os.write(master, b"q\n")
        assert "2 decision(s) written" in _read_until(master, "written")
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    overrides = load_overrides(demo / "overrides.toml")
    assert overrides.cannot_link == [(second["record_id_a"], second["record_id_b"])]
