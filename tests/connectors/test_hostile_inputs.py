"""Hostile and unlucky inputs: zip bombs, undecodable names, unreadable folders, binary junk
and rejected rows holding private text. Each is a reject with a reason; the rest imports."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest

from connectors import linkedin
from connectors.base import ReadOptions
from connectors.linkedin import files

CONNECTIONS = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
ROW = "Ana,Lopez,https://www.linkedin.com/in/ana-lopez,,Acme,CTO,05 Jan 2024\n"
INVITATIONS = (
    "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"
    "Bo Chen,Me Myself,1/8/18 6:14 PM,,INCOMING,https://www.linkedin.com/in/bo-chen,"
    "https://www.linkedin.com/in/me-myself\n"
)


def _bomb(path: Path, unpacked_mib: int) -> Path:
    """A zip whose Connections.csv unpacks to ``unpacked_mib`` MiB of one repeated row."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("Connections.csv", "w", force_zip64=True) as member:
            member.write(CONNECTIONS.encode())
            block = (ROW * (1024 * 1024 // len(ROW))).encode()
            for _ in range(unpacked_mib):
                member.write(block)
        zf.writestr("Invitations.csv", INVITATIONS)
    return path


def test_a_zip_bomb_member_is_refused_and_the_rest_of_the_export_is_read(tmp_path):
    bomb = _bomb(tmp_path / "export.zip", 40)
    assert bomb.stat().st_size < 1024 * 1024  # 40 MiB in well under 1 MB
    tracemalloc.start()
    extract = linkedin.read(bomb, ReadOptions())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    extract.check_accounting()
    reasons = extract.rejects["reason"].tolist()
    assert any("zip bomb" in r for r in reasons), reasons
    assert extract.rejects["locator"].tolist() == ["Connections.csv"]
    # Invitations.csv still imported: Bo Chen is there.
    assert "Bo Chen" in extract.records["name_raw"].tolist()
    # Refused after the ratio check's first few MiB, never unpacked whole.
    assert peak < 2 * files.RATIO_CHECKED_ABOVE + (16 << 20)


def test_a_member_claiming_more_than_the_cap_is_refused_before_unpacking(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_MEMBER_BYTES", 4 * 1024 * 1024)
    monkeypatch.setattr(files, "MAX_RATIO", 10**9)  # only the size cap speaks
    export = _bomb(tmp_path / "export.zip", 6)
    extract = linkedin.read(export, ReadOptions())
    (reason,) = extract.rejects["reason"].tolist()
    assert "more than the 4,194,304 allowed" in reason


def test_the_archive_budget_caps_the_sum_of_members(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_ARCHIVE_BYTES", 3 * 1024 * 1024)
    monkeypatch.setattr(files, "MAX_RATIO", 10**9)
    export = _bomb(tmp_path / "export.zip", 4)
    extract = linkedin.read(export, ReadOptions())
    assert "allowed" in extract.rejects["reason"].tolist()[0]
    assert "Bo Chen" in extract.records["name_raw"].tolist()  # small member still fits


@pytest.mark.parametrize("rows", [1, 2000])
def test_an_honest_export_is_read_whole(tmp_path, rows):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        body = "".join(
            f"P{i},Q{i},https://www.linkedin.com/in/p-{i},,Co {i},Role,05 Jan 2024\n"
            for i in range(rows)
        )
        zf.writestr("Connections.csv", CONNECTIONS + body)
    extract = linkedin.read(path, ReadOptions())
    assert extract.items_accepted == rows and extract.items_rejected == 0
