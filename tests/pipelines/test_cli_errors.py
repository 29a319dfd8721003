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


def _ties_without_prefect(args: list[str], cwd, env_extra: dict | None = None):
    """Run main() in a fresh interpreter; report whether Prefect was ever imported."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; from pipelines.cli import main; rc = main(sys.argv[1:]); "
        "print('prefect imported' if 'prefect' in sys.modules else 'no prefect'); sys.exit(rc)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TIES_"))}
    env.update(PYTHONPATH=str(REPO), HOME=str(cwd), **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True
    )


REPO = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_config_overrides_and_warehouse_are_checked_before_prefect(tmp_path):
    vcf = tmp_path / "a.vcf"
    vcf.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n")
    # The README's config example names an overrides file that may not exist yet.
    (tmp_path / "ties.toml").write_text('overrides = "~/ties-overrides.toml"\n')
    done = _ties_without_prefect(["import", str(vcf)], tmp_path)
    assert done.returncode == 2 and "no prefect" in done.stdout
    assert done.stderr.count("\n") == 1 and "ties-overrides.toml: no such file" in done.stderr

    (tmp_path / "ties.toml").write_text('overrides = "bad.toml"\n')
    (tmp_path / "bad.toml").write_text("must_link = [[1, 2, 3]]\n")
    done = _ties_without_prefect(["import", str(vcf)], tmp_path)
    assert done.returncode == 2 and "no prefect" in done.stdout and "bad.toml" in done.stderr

    (tmp_path / "ties.toml").unlink()
    (tmp_path / "a-file").write_text("")
    done = _ties_without_prefect(["import", str(vcf), "--warehouse", "a-file"], tmp_path)
    assert done.returncode == 2 and "no prefect" in done.stdout and "is a file" in done.stderr

    (tmp_path / "ties.toml").write_text("warehose = 1\n")
    done = _ties_without_prefect(["import", str(vcf)], tmp_path)
    assert done.returncode == 2 and "no prefect" in done.stdout and "warehose" in done.stderr


def test_an_empty_folder_is_not_passed_over_silently(tmp_path):
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    done = _ties_without_prefect(["import", str(empty)], tmp_path)
    assert done.returncode == 2 and "no prefect" in done.stdout
    assert "nothing to import" in done.stderr and "holds no files" in done.stderr
    from pipelines.cli_run import check_before_prefect
    from pipelines.settings import Settings

    vcf = tmp_path / "a.vcf"
    vcf.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n")
    warnings = check_before_prefect(
        Settings(warehouse=tmp_path / "wh", inputs=(str(empty), str(vcf)))
    )
    assert warnings == [f"{empty}: empty folder, nothing to read there"]


def test_telemetry_is_off_on_the_client_side_too(tmp_path):
    """The environment a CLI run gives Prefect: DO_NOT_TRACK for its client, whatever CI says."""
    import os
    import subprocess
    import sys

    code = (
        "import os; from pathlib import Path; from pipelines.prefect_env import configure_prefect; "
        f"configure_prefect(Path({str(tmp_path / 'wh')!r})); "
        "from prefect._internal.analytics.enabled import is_telemetry_enabled; "
        "print(os.environ['DO_NOT_TRACK'], is_telemetry_enabled())"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DO_NOT_TRACK", "CI")}
    env = {k: v for k, v in env.items() if not k.startswith("PREFECT_")}
    env.update(PYTHONPATH=str(REPO), HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "False"]
