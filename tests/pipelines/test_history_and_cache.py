import json

from pipelines.cli import DEMO_INPUTS, main
from tests.conftest import build_plain
from warehouse.extract_store import is_complete


def test_history_lists_runs_newest_first(tmp_path, capsys):
    wh = tmp_path / "wh"
    build_plain(DEMO_INPUTS[1:2], wh)
    build_plain(DEMO_INPUTS[1:2], wh, incremental=True)
    assert main(["history", "--warehouse", str(wh), "--format", "json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert len(runs) == 2 and runs[0]["run_id"] > runs[1]["run_id"]
    assert all(r["snapshot_kept"] and r["status"] == "completed" for r in runs)


def test_an_extract_of_another_format_is_not_reused(tmp_path):
    wh = tmp_path / "wh"
    build_plain(DEMO_INPUTS[1:2], wh)
    cached = sorted((wh / "state" / "extracts").iterdir())[0]
    assert is_complete(cached)
    meta = cached / "extract.json"
    data = json.loads(meta.read_text())
    data["format"] = -1
    meta.write_text(json.dumps(data))
    assert not is_complete(cached)
    summary = build_plain(DEMO_INPUTS[1:2], wh, incremental=True)
    assert sum(not r["from_cache"] for r in summary["inputs"]) == 1
