"""`ties completion bash`: the script bash loads completes commands, options and choices."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pipelines.cli import main

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _script(capsys, shell: str = "bash") -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def _complete(script: str, line: str) -> list[str]:
    """What bash offers for TAB at the end of ``line`` with the script loaded."""
    words = line.split(" ")
    program = (
        f"{script}\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_ties\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return [w for w in done.stdout.splitlines() if w]


def test_bash_completes_commands_options_and_choices(capsys, tmp_path):
    script = _script(capsys)
    assert "complete -o default -F _ties ties" in script
    assert set(_complete(script, "ties re")) == {"reconnect", "report", "review"}
    assert "completion" in _complete(script, "ties ")
    assert set(_complete(script, "ties query --f")) == {"--format"}
    assert set(_complete(script, "ties query --format ")) == {"table", "csv", "json"}
    assert set(_complete(script, "ties server ")) == {"start", "stop", "status"}
    assert "--json" not in _complete(script, "ties show --")  # hidden alias stays hidden
    assert {"--me", "--warehouse", "--dask"} <= set(_complete(script, "ties import --"))


def test_zsh_script_loads_bash_completion(capsys):
    script = _script(capsys, "zsh")
    assert "bashcompinit" in script and "complete -o default -F _ties ties" in script
