"""Hostile and unlucky inputs: zip bombs, undecodable names, unreadable folders, binary junk
and rejected rows holding private text. Each is a reject with a reason; the rest imports."""

from __future__ import annotations

import os
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors import linkedin
from connectors.base import STRUCTURE_NAMES, ReadOptions, excerpt
from connectors.linkedin import files
from connectors.registry import discover

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


# --- discovery: a bad path is a reject naming it, and the rest imports ------------------

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lopez\r\nEMAIL:ana@x.org\r\nEND:VCARD\r\n"


def test_a_file_name_that_is_not_utf8_is_a_reject_and_the_folder_still_imports(tmp_path):
    from tests.conftest import build_plain

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.vcf").write_text(CARD)
    bad = os.path.join(os.fsencode(folder), b"caf\xe9.vcf")
    with open(bad, "wb") as f:
        f.write(CARD.replace("Ana Lopez", "Bo Chen").encode())
    found = discover([folder])
    assert [i.path.name for i in found.inputs] == ["good.vcf"]
    ((path, why),) = found.unknown
    assert str(path).endswith("caf\\xe9.vcf") and "not valid UTF-8" in why
    summary = build_plain([folder], tmp_path / "wh", me=(), incremental=True)
    assert summary["counts"]["contacts"] == 1
    assert any("caf\\xe9.vcf" in e and "UTF-8" in e for e in summary["errors"])


def test_an_unreadable_subfolder_is_a_reject_and_the_rest_imports(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "x.vcf").write_text(CARD)
    (folder / "good.vcf").write_text(CARD)
    if os.geteuid() != 0:
        os.chmod(folder / "locked", 0)
    else:  # root reads everything: the refusal is injected instead
        real_iterdir = Path.iterdir

        def iterdir(self):
            if self.name == "locked":
                raise PermissionError(13, "Permission denied", str(self))
            return real_iterdir(self)

        monkeypatch.setattr(Path, "iterdir", iterdir)
    try:
        found = discover([folder])
    finally:
        os.chmod(folder / "locked", 0o700)
    assert [i.path.name for i in found.inputs] == ["good.vcf"]
    ((path, why),) = found.unknown
    assert path.name == "locked" and why.startswith("folder cannot be read: Permission denied")


# --- rejects keep the shape of an item, never its content --------------------------------

SECRET = "Meet me at the Lisbon office about the merger"


def test_a_rejected_message_row_keeps_no_message_text(tmp_path):
    header = "CONVERSATION ID,FROM,TO,DATE,SUBJECT,CONTENT\n"
    # Too many fields: a reject, with the message content in its raw row.
    row = f"c1,Ana Lopez,Me Myself,2024-01-05 10:00:00 UTC,Hi,{SECRET},extra,more\n"
    path = tmp_path / "messages.csv"
    path.write_text(header + row)
    extract = linkedin.read(path, ReadOptions())
    (reject,) = extract.rejects.to_dict("records")
    assert "Lisbon" not in reject["excerpt"] and "Ana" not in reject["excerpt"]
    assert reject["excerpt"].count(",") == 7  # the shape: eight fields


def test_a_rejected_card_keeps_no_note_text(tmp_path):
    from connectors import vcard

    path = tmp_path / "a.vcf"
    path.write_text(f"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:{SECRET}\r\nEND:VCARD\r\n")
    extract = vcard.read(path, ReadOptions())
    (reject,) = extract.rejects.to_dict("records")
    assert "NOTE:" in reject["excerpt"] and "Lisbon" not in reject["excerpt"]


@given(st.text(max_size=300))
def test_an_excerpt_holds_no_word_but_structure_names(text):
    out = excerpt(text)
    for word in re.findall(r"[^\W\d_]+", out):
        assert set(word) == {"a"} or word.casefold() in STRUCTURE_NAMES, (text, out)
    assert not re.search(r"[0-8]", out)  # digits are all 9s


@pytest.mark.parametrize("prefix", [b"FN:", b"N:", b"", b"VERSION:3.0\r\nFN:"])
def test_begin_vcard_then_binary_junk_is_a_reject_not_a_person(tmp_path, prefix):
    from connectors import vcard
    from connectors.vcard.extract import REASON_BINARY

    junk = bytes((i * 131 + 7) % 256 for i in range(600)).replace(b"\n", b"").replace(b"\r", b"")
    path = tmp_path / "junk.vcf"
    good = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lopez\r\nEND:VCARD\r\n"
    path.write_bytes(good + b"BEGIN:VCARD\r\n" + prefix + junk + b"\r\nEND:VCARD\r\n")
    extract = vcard.read(path, ReadOptions())
    extract.check_accounting()
    assert extract.records["name_raw"].tolist() == ["Ana Lopez"]
    # Junk that is no property line at all leaves an empty card: rejected as that.
    expected = REASON_BINARY if prefix else "card has no name, e-mail, phone or URL"
    assert extract.rejects["reason"].tolist() == [expected]
