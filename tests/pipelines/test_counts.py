"""One count of what was read and rejected: summary, inputs table, rejects table agree."""

from __future__ import annotations

import shutil
import zipfile

import pyarrow.parquet as pq

from pipelines.summary import summary_lines
from tests.conftest import build_plain

EXAMPLES_ZIP = "examples/linkedin/Basic_LinkedInDataExport_11-01-2026.zip"


def _tables(wh):
    return (
        pq.read_table(wh / "current" / "inputs.parquet").to_pylist(),
        pq.read_table(wh / "current" / "rejects.parquet").to_pylist(),
    )


def test_a_file_then_its_folder_is_counted_once(tmp_path):
    export = tmp_path / "export"
    zipfile.ZipFile(EXAMPLES_ZIP).extractall(export)
    wh = tmp_path / "wh"
    first = build_plain([export / "Connections.csv"], wh, me=(), incremental=True)
    then = build_plain([export], wh, me=(), incremental=True)
    inputs, _ = _tables(wh)
    assert [r["source_file"] for r in inputs] == [str(export.resolve())]
    assert then["counts"]["inputs"] == 1
    assert then["counts"]["items_read"] > first["counts"]["items_read"]
    # And the other way round: the folder covers the file named later.
    again = build_plain([export / "Connections.csv"], wh, me=(), incremental=True)
    assert again["counts"]["items_read"] == then["counts"]["items_read"]


def test_rejects_rejected_and_the_inputs_table_agree(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy("examples/vcard/android_contacts.vcf", src)  # one bad card
    (src / "notes.txt").write_text("not contacts\n")  # nobody reads this
    (src / "broken.vcf").write_bytes(b"\x00\x01 not a vcard at all")
    wh = tmp_path / "wh"
    summary = build_plain([src], wh, me=())
    c = summary["counts"]
    inputs, rejects = _tables(wh)
    assert (
        c["rejects"]
        == c["items_rejected"]
        == len(rejects)
        == sum(r["items_rejected"] for r in inputs)
    )
    assert c["items_rejected"] >= 2  # the bad card and at least the unreadable text file
    for row in inputs:
        assert row["items_read"] == (
            row["items_accepted"] + row["items_skipped"] + row["items_rejected"]
        ), row
    lines = "\n".join(summary_lines(summary))
    assert f"rejected {c['items_rejected']}" in lines
    assert f"rejects:      {c['rejects']} (" in lines and "whole file(s) not read" in lines
