"""The CLI answers bad requests with one line and a non-zero status, without starting Prefect."""

import pytest

from pipelines.cli import main


def test_missing_path_is_one_line_error(tmp_path, capsys):
    code = main(["import", str(tmp_path / "nope.mbox"), "--warehouse", str(tmp_path / "wh")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "nope.mbox: no such file or folder" in err


def test_query_without_warehouse(tmp_path, capsys):
    code = main(["query", "select 1", "--warehouse", str(tmp_path / "empty")])
    assert code == 2
    assert "no warehouse here yet" in capsys.readouterr().err


def test_bad_config_names_the_setting(tmp_path, capsys, monkeypatch):
    cfg = tmp_path / "ties.toml"
    cfg.write_text('warehose = "x"\n')
    monkeypatch.setenv("TIES_CONFIG", str(cfg))
    code = main(["query", "select 1"])
    err = capsys.readouterr().err
    assert code == 2 and "warehose" in err


def test_no_inputs(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TIES_INPUTS", raising=False)
    monkeypatch.setenv("TIES_CONFIG", "")
    assert main(["import"]) == 2
    assert "nothing to import" in capsys.readouterr().err


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
