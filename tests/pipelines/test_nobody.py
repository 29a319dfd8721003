"""Inputs that mention nobody but the user still give a complete, empty warehouse."""

from pathlib import Path

from tests.conftest import build_plain
from warehouse.read import connect


def test_inputs_with_no_person_commit_an_empty_warehouse(tmp_path: Path) -> None:
    book = tmp_path / "groups.vcf"
    book.write_text("BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Friends\r\nEND:VCARD\r\n")
    summary = build_plain([book], tmp_path / "wh")
    assert summary["counts"]["contacts"] == 0
    assert summary["counts"]["items_read"] == 1  # the group card, skipped
    con = connect(tmp_path / "wh")
    assert con.execute("select count(*) from source_records").fetchone() == (0,)
    assert con.execute("select count(*) from inputs").fetchone() == (1,)
