"""The before/after identity check of the engine (benchmarks/check_resolution_identical.py)."""

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.check_resolution_identical import main


def test_an_unchanged_engine_is_identical_and_a_moved_probability_is_not(tmp_path, capsys):
    assert main(["--save", str(tmp_path), "--sets", "harness-3", "--n", "120"]) == 0
    assert main(["--against", str(tmp_path)]) == 0
    assert "harness-3: identical" in capsys.readouterr().out

    # One candidate pair's log-odds moved by the smallest step a float can take.
    path = tmp_path / "harness-3" / "pairs.parquet"
    pairs = pq.read_table(path)
    moved = pairs["log_odds"].to_numpy().copy()
    assert len(moved)
    moved[0] = moved[0] + abs(moved[0]) * 1e-15 + 1e-300
    pq.write_table(pairs.set_column(2, "log_odds", pa.array(moved)), path)
    # And one record put into another cluster.
    path = tmp_path / "harness-3" / "clusters.parquet"
    clusters = pq.read_table(path)
    changed = pc.if_else(
        pc.equal(clusters["record_id"], clusters["record_id"][0]), "elsewhere", clusters["cluster"]
    )
    pq.write_table(clusters.set_column(1, "cluster", changed), path)

    assert main(["--against", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "harness-3: DIFFERENT" in out
    assert "pairs.log_odds: 1 values differ" in out
    assert "clusters.cluster: 1 values differ" in out


def test_nothing_saved_is_a_failure_not_a_pass(tmp_path, capsys):
    assert main(["--against", str(tmp_path)]) == 1
    assert "no saved sets" in capsys.readouterr().out
