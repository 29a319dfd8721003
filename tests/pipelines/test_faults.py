"""Fault injection: nothing lost when an input turns unreadable or its cache is damaged, and
a full disk ends the run in one line with nothing committed."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pyarrow.parquet as pq
import pytest

from pipelines import steps
from pipelines.cli_run import EXAMPLES
from tests.conftest import build_plain
from warehouse.faults import WarehouseWriteError
from warehouse.snapshot import current_snapshot

ZIP = next((EXAMPLES / "linkedin").glob("*.zip"))
CARDS = EXAMPLES / "vcard" / "iphone_contacts.vcf"


def _record_ids(wh) -> set[str]:
    table = pq.read_table(current_snapshot(wh) / "source_records.parquet")
    return set(table.column("record_id").to_pylist())


def _contact_ids(wh) -> set[str]:
    table = pq.read_table(current_snapshot(wh) / "contacts.parquet")
    return set(table.column("contact_id").to_pylist())


@pytest.fixture
def imported(tmp_path):
    """A warehouse holding a LinkedIn export and a vCard file."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(ZIP, inputs / "export.zip")
    shutil.copy(CARDS, inputs / "cards.vcf")
    wh = tmp_path / "wh"
    build_plain([inputs / "export.zip", inputs / "cards.vcf"], wh, incremental=True)
    return inputs, wh


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_an_unreadable_input_keeps_its_last_good_import(imported, damage):
    inputs, wh = imported
    before_records, before_contacts = _record_ids(wh), _contact_ids(wh)
    export = inputs / "export.zip"
    original = export.read_bytes()
    if damage == "truncate":  # an interrupted re-download
        export.write_bytes(original[: len(original) // 2])
    else:
        export.write_bytes(b"\x00garbage" * 100)
    summary = build_plain([export, inputs / "cards.vcf"], wh, incremental=True)
    assert _record_ids(wh) == before_records
    assert _contact_ids(wh) == before_contacts
    assert summary["errors"] == []
    (warning,) = summary["warnings"]
    assert str(export) in warning and "kept its last good import" in warning
    # Still unreadable next time: still kept (its cached extract was not dropped).
    build_plain([export, inputs / "cards.vcf"], wh, incremental=True)
    assert _record_ids(wh) == before_records
    # Restored: nobody counts as new.
    export.write_bytes(original)
    summary = build_plain([export, inputs / "cards.vcf"], wh, incremental=True)
    assert summary["counts"]["contacts_new"] == 0 and summary["warnings"] == []
    assert _contact_ids(wh) == before_contacts


def test_an_unreadable_input_inside_a_named_folder_keeps_its_last_import(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(ZIP, inputs / "export.zip")
    shutil.copy(CARDS, inputs / "cards.vcf")
    wh = tmp_path / "wh"
    build_plain([inputs], wh, incremental=True)
    before = _record_ids(wh)
    (inputs / "export.zip").write_bytes(b"PK\x03\x04 truncated")
    summary = build_plain([inputs], wh, incremental=True)
    assert _record_ids(wh) == before
    assert len(summary["warnings"]) == 1 and summary["errors"] == []


def test_a_gone_input_with_a_damaged_cache_is_never_silent(imported):
    inputs, wh = imported
    state = json.loads((wh / "state" / "inputs.json").read_text())
    export = str(inputs / "export.zip")
    (inputs / "export.zip").unlink()
    meta = wh / "state" / "extracts" / state[export]["extract_key"] / "extract.json"
    meta.write_text("{damaged")
    summary = build_plain([inputs / "cards.vcf"], wh, incremental=True)
    (error,) = summary["errors"]
    assert error.startswith(f"{export}: gone, and its last good extract")
    assert "restore the file" in error
    row = next(r for r in summary["inputs"] if r["source_file"] == export)
    assert row["error"] == error


def test_a_damaged_cache_of_an_existing_input_is_read_again(imported):
    inputs, wh = imported
    before = _record_ids(wh)
    state = json.loads((wh / "state" / "inputs.json").read_text())
    key = state[str(inputs / "cards.vcf")]["extract_key"]
    (wh / "state" / "extracts" / key / "records.parquet").write_bytes(b"garbage")
    summary = build_plain([inputs / "export.zip", inputs / "cards.vcf"], wh, incremental=True)
    row = next(r for r in summary["inputs"] if r["source_file"] == str(inputs / "cards.vcf"))
    assert row["from_cache"] is False and row["error"] is None
    assert _record_ids(wh) == before


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_while_caching_an_extract_fails_the_run(imported, monkeypatch):
    inputs, wh = imported
    before = current_snapshot(wh)
    state = (wh / "state" / "inputs.json").read_text()
    extra = inputs / "more.vcf"
    shutil.copy(EXAMPLES / "vcard" / "android_contacts.vcf", extra)
    monkeypatch.setattr(steps, "save_extract", _enospc)
    with pytest.raises(WarehouseWriteError) as info:
        build_plain([inputs / "export.zip", inputs / "cards.vcf", extra], wh, incremental=True)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{wh}: cannot write the warehouse (no space left on the device)")
    assert "nothing was committed, the previous snapshot stays" in message
    assert current_snapshot(wh) == before
    assert (wh / "state" / "inputs.json").read_text() == state


def test_a_full_disk_while_writing_the_snapshot_commits_nothing(imported, monkeypatch):
    inputs, wh = imported
    before = current_snapshot(wh)
    real_write = pq.write_table
    calls = []

    def write_then_fill(table, path, **kwargs):
        calls.append(path)
        if len(calls) == 3:  # some tables written, then the disk is full
            _enospc()
        return real_write(table, path, **kwargs)

    monkeypatch.setattr(pq, "write_table", write_then_fill)  # imported where used
    with pytest.raises(WarehouseWriteError, match=f"^{wh}: cannot write the warehouse"):
        build_plain([inputs / "export.zip", inputs / "cards.vcf"], wh, incremental=True)
    assert current_snapshot(wh) == before
    assert sorted(p.name for p in (wh / "snapshots").iterdir()) == [before.name]


TMPFS_SCRIPT = textwrap.dedent(
    """
    import shutil, sys
    from pathlib import Path
    from tests.conftest import build_plain
    from warehouse.faults import WarehouseWriteError
    from warehouse.snapshot import current_snapshot
    wh, small, big, filler = map(Path, sys.argv[1:5])
    build_plain([small], wh, me=(), incremental=True)
    before = current_snapshot(wh)
    free = shutil.disk_usage(wh).free
    filler.write_bytes(b"x" * max(free - 64 * 1024, 0))
    try:
        build_plain([small, big], wh, me=(), incremental=True)
    except WarehouseWriteError as exc:
        assert current_snapshot(wh) == before, "current moved"
        print("FAILED-CLEANLY", exc)
    else:
        print("COMMITTED")
    """
)


def test_a_real_full_disk_on_a_small_tmpfs(tmp_path):
    """The same through a real 8 MB file system, where root may mount one (else skipped)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a private tmpfs")
    mount = tmp_path / "small"
    mount.mkdir()
    probe = subprocess.run(
        ["unshare", "-m", "mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.decode().strip()}")
    repo = EXAMPLES.parent
    shell = (
        f"mount -t tmpfs -o size=8m tmpfs {mount} && "
        f'cd {repo} && {sys.executable} -c "$SCRIPT" '
        f"{mount / 'wh'} {CARDS} {ZIP} {mount / 'filler'}"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", shell],
        capture_output=True,
        text=True,
        env={**os.environ, "SCRIPT": TMPFS_SCRIPT, "PYTHONPATH": str(repo)},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "FAILED-CLEANLY" in done.stdout, done.stdout
    line = done.stdout.split("FAILED-CLEANLY", 1)[1].strip()
    assert "no space left on the device" in line and "\n" not in line


@pytest.mark.parametrize("damage", ["garbage", "truncate", "deleted"])
def test_a_run_over_a_damaged_current_builds_on_the_newest_intact_snapshot(imported, damage):
    inputs, wh = imported
    named = [inputs / "export.zip", inputs / "cards.vcf"]
    first_ids = _contact_ids(wh)
    build_plain(named, wh, incremental=False)  # a second snapshot, which gets damaged
    current = current_snapshot(wh)
    if damage == "garbage":
        (current / "contacts.parquet").write_bytes(b"garbage")
    elif damage == "truncate":
        path = current / "source_records.parquet"
        path.write_bytes(path.read_bytes()[:100])
    else:
        shutil.rmtree(current)
    summary = build_plain(named, wh, incremental=True)
    assert str(current) in summary["warnings"][0]  # names the damaged file or snapshot
    assert any("newest intact snapshot" in w for w in summary["warnings"])
    assert summary["counts"]["contacts_new"] == 0  # the run history was not lost
    assert _contact_ids(wh) == first_ids
    runs = pq.read_table(current_snapshot(wh) / "runs.parquet").num_rows
    assert runs == 2  # the first run and this one: the damaged run is gone with its snapshot


def test_a_warehouse_inside_an_input_folder_does_not_import_itself(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(CARDS, inputs / "cards.vcf")
    wh = inputs / "ties-warehouse"
    first = build_plain([inputs], wh, incremental=True)
    again = build_plain([inputs], wh, incremental=True)
    for summary in (first, again):
        assert [r["source_file"] for r in summary["inputs"]] == [str(inputs / "cards.vcf")]
        assert summary["errors"] == []
    assert again["counts"]["contacts"] == first["counts"]["contacts"]
