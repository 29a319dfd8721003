"""Every real sample either imports with all its items accounted for, or is refused with a
one-line reason that names it. Nothing raises."""

from pathlib import Path

import pytest

from connectors.base import ReadOptions
from connectors.registry import discover
from pipelines.input_state import extract_key, fingerprint
from pipelines.steps import PlannedInput, extract_input
from tests.samples import SAMPLES
from warehouse.extract_store import load_extract

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not available")


def _all_inputs():
    if not SAMPLES.is_dir():
        return [], []
    found = discover([SAMPLES])
    return found.inputs, found.unknown


def test_every_sample_file_is_seen():
    inputs, unknown = _all_inputs()
    covered = set()
    for item in inputs:
        covered |= {item.path} | (
            {p for p in item.path.rglob("*")} if item.path.is_dir() else set()
        )
    covered |= {p for p, _ in unknown}
    files = {p.resolve() for p in SAMPLES.rglob("*") if p.is_file() and p.name != "SOURCES.md"}
    assert files - covered == set()
    # Every refusal says why; Outlook files are named as such.
    for path, why in unknown:
        assert why and "\n" not in why, path
        if path.suffix.lower() in (".pst", ".msg"):
            assert "Outlook" in why


@pytest.mark.parametrize("kind", ["linkedin", "vcard", "mail"])
def test_every_sample_imports_or_is_refused_with_a_reason(kind, tmp_path):
    inputs = [i for i in _all_inputs()[0] if i.connector == kind]
    assert inputs, f"no {kind} samples discovered"
    imported = 0
    for item in inputs:
        fp = fingerprint(item.path)
        planned = PlannedInput(
            str(item.path),
            item.connector,
            fp,
            extract_key(item.path, item.connector, fp, ReadOptions()),
            cached=False,
        )
        result = extract_input(planned, tmp_path, ReadOptions())
        if result.error:
            assert item.path.name in result.error and "\n" not in result.error
            assert "internal error" not in result.error, result.error
            continue
        extract = load_extract(tmp_path / "state" / "extracts" / planned.extract_key)
        extract.check_accounting()
        assert extract.items_read == len(extract.rejects) + extract.items_accepted + sum(
            extract.skip_reasons.values()
        )
        imported += 1
    assert imported >= len(inputs) * 0.8, f"only {imported} of {len(inputs)} {kind} samples read"


def test_sample_dirs_are_discovered_as_expected():
    inputs, unknown = _all_inputs()
    by_kind = {}
    for item in inputs:
        by_kind.setdefault(item.connector, []).append(Path(item.path))
    # Each LinkedIn export folder is one input.
    assert len(by_kind["linkedin"]) >= 6
    assert len(by_kind["vcard"]) >= 50
    assert len(by_kind["mail"]) >= 25
