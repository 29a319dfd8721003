"""Output conventions every `ties` command shares, through the real entry point (main).

Each test names the item of issue 14 it covers.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines import cli_output
from pipelines.cli import build_parser, main
from pipelines.settings import Settings

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
TABLE_TS = re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d\b")


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert re.fullmatch(r"ties \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_every_subcommand_has_a_description():
    parser = build_parser(Settings())
    sub = next(a for a in parser._actions if isinstance(a, type(parser._subparsers._actions[-1])))
    assert len(sub.choices) >= 12
    helps = {c.dest: c.help for c in sub._choices_actions}
    for name, command in sub.choices.items():
        assert helps.get(name), f"ties --help lists {name} without a line"
        assert command.description, f"ties {name} --help has no description"


def test_help_shows_the_configured_defaults(tmp_path, monkeypatch, capsys):
    config = tmp_path / "ties.toml"
    config.write_text('warehouse = "/data/my-warehouse"\nme = ["me@example.org"]\n')
    monkeypatch.setenv("TIES_CONFIG", str(config))
    monkeypatch.delenv("TIES_WAREHOUSE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert "/data/my-warehouse" in out and str(config) in out
    assert "1 configured" in out  # --me


def test_json_never_escapes_slashes_and_uses_one_timestamp_format(plain_demo_warehouse, capsys):
    wh = str(plain_demo_warehouse)
    outputs = [
        _run(capsys, "query", "select linkedin_url, last_contact_at from contacts "
             "where linkedin_url is not null", "--warehouse", wh, "--format", "json"),
        _run(capsys, "show", "bsmith@acme.com", "--warehouse", wh, "--format", "json"),
        _run(capsys, "history", "--warehouse", wh, "--format", "json"),
        _run(capsys, "owed", "--warehouse", wh, "--format", "json"),
    ]  # fmt: skip
    assert "https://www.linkedin.com/in/" in outputs[0][1]
    stamps = []
    for code, out, _ in outputs:
        assert code == 0
        assert "\\/" not in out
        stamps += re.findall(r'"(\d{4}-\d\d-\d\d[T ][^"]*)"', out)
    assert stamps and all(ISO_Z.match(s) for s in stamps), stamps


def test_tables_use_the_same_timestamp_format(plain_demo_warehouse, capsys):
    wh = str(plain_demo_warehouse)
    for argv in (
        ["query", "select last_contact_at from contacts where last_contact_at is not null"],
        ["owed"],
        ["history"],
    ):
        code, out, _ = _run(capsys, *argv, "--warehouse", wh)
        assert code == 0 and TABLE_TS.search(out), argv
        assert "+00" not in out and "T" not in TABLE_TS.search(out).group()


def test_tables_fit_the_terminal(plain_demo_warehouse, capsys, monkeypatch):
    wh = str(plain_demo_warehouse)
    for width in (60, 100, 160):
        monkeypatch.setenv("COLUMNS", str(width))
        code, out, err = _run(capsys, "query", "select * from contacts", "--warehouse", wh)
        assert code == 0
        lines = out.splitlines()
        assert len(lines) == 1 + 43
        assert max(len(line) for line in lines) <= width
        assert "more column(s) not shown" in err  # contacts has ~90 columns
        assert "…" in out  # long cells are cut, not wrapped


def test_csv_cells_are_plain_values(plain_demo_warehouse, capsys):
    code, out, _ = _run(
        capsys, "query", "select emails, sources, last_contact_at, tie_strength from contacts",
        "--warehouse", str(plain_demo_warehouse), "--format", "csv",
    )  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 43
    for row in rows:
        assert not row["sources"].startswith("[") and "'" not in row["sources"]
        assert row["last_contact_at"] == "" or ISO_Z.match(row["last_contact_at"])


def test_json_alias_and_format_json_agree(plain_demo_warehouse, capsys):
    wh = str(plain_demo_warehouse)
    _, a, _ = _run(capsys, "reconnect", "--warehouse", wh, "--format", "json")
    _, b, _ = _run(capsys, "reconnect", "--warehouse", wh, "--json")
    assert json.loads(a) == json.loads(b) and json.loads(a)
    parser = build_parser(Settings())
    for command in ("import", "backfill", "demo", "query", "show", "explain", "history"):
        args = parser.parse_args(
            [command, *(["x"] if command in ("query", "show", "explain") else []), "--json"]
        )
        assert args.format == "json", command


def test_broken_pipe_ends_quietly(plain_demo_warehouse):
    """`ties query ... | head -1`: no BrokenPipeError traceback, the status a pipe gives."""
    code = (
        "import sys; from pipelines.cli import main; "
        f"sys.exit(main(['query', 'select * from range(200000)', '--warehouse', "
        f"{str(plain_demo_warehouse)!r}, '--format', 'csv']))"
    )
    ties = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    first = ties.stdout.readline()
    ties.stdout.close()  # the reader goes away, as head does
    err = ties.stderr.read().decode()
    assert ties.wait(timeout=120) == 141
    assert first.strip() == b"range"
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_show_explains_with_the_configured_weights(
    plain_demo_warehouse, tmp_path, monkeypatch, capsys
):
    config = tmp_path / "ties.toml"
    config.write_text(
        "[relationships]\n"
        "weights = { recency = 0.1, frequency = 0.1, reciprocity = 0.4, latency = 0.4 }\n"
    )
    monkeypatch.setenv("TIES_CONFIG", str(config))
    wh = str(plain_demo_warehouse)
    code, out, _ = _run(capsys, "show", "bsmith@acme.com", "--warehouse", wh, "--format", "json")
    assert code == 0
    assert json.loads(out)["tie"]["weights"] == {
        "recency": 0.1, "frequency": 0.1, "reciprocity": 0.4, "latency": 0.4,
    }  # fmt: skip
    code, out, _ = _run(capsys, "show", "bsmith@acme.com", "--warehouse", wh)
    assert "0.10 x recency" in out and "0.40 x latency" in out


def test_show_keeps_connections_apart_from_messages(plain_demo_warehouse, capsys):
    code, out, _ = _run(capsys, "show", "bsmith@acme.com", "--warehouse", str(plain_demo_warehouse))
    assert code == 0
    assert "connected on LinkedIn (events, not exchanges)" in out
    messages = re.search(r"messages\s+(\d+) \((\d+) in, (\d+) out\)", out)
    assert messages and int(messages.group(1)) == int(messages.group(2)) + int(messages.group(3))
    assert not re.search(r"linkedin_connection\s+outbound", out)


def test_colour_only_on_a_terminal_and_never_with_no_color():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert cli_output.colour_enabled(Tty(), {})
    assert not cli_output.colour_enabled(Tty(), {"NO_COLOR": "1"})
    assert not cli_output.colour_enabled(Tty(), {"TERM": "dumb"})
    assert not cli_output.colour_enabled(io.StringIO(), {})
    out = Tty()
    cli_output.emit(["a"], [(1,)], "table", title="T", out=out)
    assert "\033[1m" in out.getvalue()


def test_colour_is_off_in_pipes(plain_demo_warehouse, capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, out, _ = _run(capsys, "reconnect", "--warehouse", str(plain_demo_warehouse))
    assert "\033[" not in out


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.text(max_size=80), st.integers(), st.floats()), min_size=3,
                 max_size=3),
        max_size=8,
    ),
    st.integers(min_value=30, max_value=200),
)  # fmt: skip
def test_table_lines_never_exceed_the_width(rows, width):
    lines, hidden = cli_output.table_lines(["alpha", "beta", "gamma"], rows, width)
    assert len(lines) == 1 + len(rows)
    assert all(len(line) <= max(width, cli_output.MIN_CELL) for line in lines)
    assert hidden == ["alpha", "beta", "gamma"][3 - len(hidden) :]


@given(st.datetimes(timezones=st.just(UTC)))
def test_one_timestamp_format(moment: datetime):
    assert ISO_Z.match(cli_output.timestamp(moment))
    assert cli_output.timestamp(moment, for_table=True) == moment.strftime("%Y-%m-%d %H:%M")
    assert cli_output.cell(moment) == cli_output.timestamp(moment)


def test_list_help_shows_the_configured_thresholds(tmp_path, monkeypatch, capsys):
    config = tmp_path / "ties.toml"
    config.write_text("[relationships]\nowed_after_days = 3\nfollow_up_lookback_days = 45\n")
    monkeypatch.setenv("TIES_CONFIG", str(config))
    monkeypatch.setenv("COLUMNS", "200")
    for command, text in (("owed", "waiting 3 days or more"), ("follow-ups", "3 to 45 days old")):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert text in capsys.readouterr().out, command


def test_the_review_band_of_the_parser_is_the_transforms_one():
    from pipelines.cli_review import DEFAULT_BAND
    from transforms import review

    assert DEFAULT_BAND is review.DEFAULT_BAND  # one value, declared once


def test_help_imports_no_heavy_module():
    """`ties --help` (and so every command's start) loads neither pandas nor Prefect."""
    code = (
        "import sys; from pipelines.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'pandas', 'prefect', 'pyarrow', 'matplotlib', 'numpy'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
