"""A loose .eml without From goes through run_import as one read and rejected item;
a file named .eml that is no mail is named in the run's errors as not a mail file."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import build_plain

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mail"


def test_a_message_without_from_is_counted_and_a_pdf_named_eml_is_named(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "ddeboer-missing_from-and-to.eml", folder / "saved.eml")
    (folder / "invoice.eml").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    summary = build_plain([folder], tmp_path / "wh", me=())
    rows = {Path(r["source_file"]).name: r for r in summary["inputs"]}
    saved = rows["saved.eml"]
    assert (saved["items_read"], saved["items_accepted"], saved["items_skipped"]) == (1, 0, 0)
    assert saved["items_rejected"] == 1
    assert ("no From header", 1) in summary["reject_reasons"]
    assert [e for e in summary["errors"] if "invoice.eml" in e][0].endswith(
        "invoice.eml: not a mail file: named .eml, but it starts with neither mail header "
        "lines nor an mbox 'From ' line (judged by content)"
    )
