"""The files of a LinkedIn export: zip or folder members, decoding, CSV tables by header."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from connectors.base import UnreadableInput
from connectors.identity import linkedin_url_key

# The 2021+ Connections.csv has a 3-line "Notes:" preamble; users' edits leave BOMs
# and blank lines behind, so the header is searched for, never assumed on line 1.
HEADER_SEARCH_LINES = 30
HEADER_SEARCH_CHARS = 256 * 1024

# File names vary by era ("Phone Numbers.csv" / "PhoneNumbers.csv"): compared loosely.
_KIND_BY_FILENAME = {
    "connections": "connections",
    "messages": "messages",
    "invitations": "invitations",
    "profile": "profile",
    "emailaddresses": "emails",
    "importedcontacts": "imported",
    # The synced address book of complete exports (GOOGLE_CONTACTS, MOBILE_CONTACTS), in
    # the format of Imported Contacts.csv.
    "contacts": "imported",
}
# The export's other CSVs, read by nobody on purpose; the run summary names each with
# why. Files about the user's own account and activity say nothing of the network;
# these few name people, but hold no way to reach them that ties reads (yet).
_NAMES_PEOPLE = frozenset(
    {
        "recommendationsreceived",
        "recommendationsgiven",
        "endorsementreceivedinfo",
        "endorsementgiveninfo",
        "memberfollows",
        "savedcontacts",
    }
)
NOT_CONTACT_DATA = "not read: not contact data"
NAMES_PEOPLE = "not read: names people, but ties does not read this file"


# What unpacking one zip member can raise: a corrupt deflate stream is a zlib.error,
# a truncated one an EOFError, besides zipfile's own complaints.
MEMBER_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    RuntimeError,
    NotImplementedError,
    EOFError,
    zlib.error,
)
ANONYMOUS = "linkedin member"
# A zip member is unpacked in chunks and refused past these: a 1 MB zip may claim a 1 GiB
# CSV (a zip bomb). The biggest real export file, a heavy user's messages.csv, is tens of
# MB and compresses about 5:1; text rarely beats 20:1 and a bomb is 1000:1.
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 8 * 1024 * 1024
_CHUNK = 1024 * 1024


# --- file names -------------------------------------------------------------------------


def _loose(name: str) -> str:
    """File and column names compared without case, spaces, underscores or hyphens."""
    return re.sub(r"[\s_\-\"'\ufeff]+", "", name).casefold()


def kind_by_filename(name: str) -> str | None:
    base = PurePosixPath(name.replace("\\", "/")).name
    if base.startswith("._") or not base.casefold().endswith(".csv"):
        return None
    return _KIND_BY_FILENAME.get(_loose(base[:-4]))


def why_not_read(name: str) -> str | None:
    """Why a CSV of an export is deliberately not read; None for one that is read (or
    for anything that is not a CSV)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if base.startswith("._") or not base.casefold().endswith(".csv"):
        return None
    if kind_by_filename(base) is not None:
        return None
    return NAMES_PEOPLE if _loose(base[:-4]) in _NAMES_PEOPLE else NOT_CONTACT_DATA


def unread_csvs(names: list[str]) -> dict[str, str]:
    """The export's CSVs that are deliberately not read, each with why."""
    return {n: why for n in sorted(names) if (why := why_not_read(n)) is not None}


# --- decoding and CSV framing -----------------------------------------------------------


def decode_csv(data: bytes) -> tuple[str, bool]:
    """Text of a CSV and whether it may hold undecodable bytes (as lone surrogates).

    LinkedIn writes UTF-8 (sometimes with a BOM); Excel re-saves write cp1252 or UTF-16,
    and keep some rows in UTF-8.
    A UTF-8 file with a few broken bytes stays UTF-8 so only those rows are rejected.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), False
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    bad = len(re.findall("[\udc80-\udcff]", text))
    good = len(re.findall("[^\x00-\x7f\udc80-\udcff]", text))
    if good > bad:
        return text, True
    return _decode_lines(data)


def _decode_lines(data: bytes) -> tuple[str, bool]:
    """A cp1252 file line by line: Excel re-saves keep the UTF-8 rows LinkedIn wrote next
    to the rows Excel wrote in cp1252, so a line that is valid UTF-8 is read as UTF-8 (its
    "Á" holds the byte 0x81, which cp1252 does not define) and the others as cp1252."""
    lines, undecodable = [], False
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                lines.append(line.decode("cp1252", "surrogateescape"))
                undecodable = True
    return "\n".join(lines), undecodable


def _undecodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _kind_of_header(cols: set[str]) -> str | None:
    if {"from", "to", "sentat"} <= cols:
        return "invitations"
    if {"from", "to", "date"} <= cols and cols & {"content", "conversationid", "subject"}:
        return "messages"
    if "emailaddress" in cols and cols & {"confirmed", "primary"} and "firstname" not in cols:
        return "emails"
    if {"firstname", "lastname"} <= cols:
        if cols & {"companies", "emails", "phonenumbers"}:
            return "imported"
        if cols & {"headline", "maidenname", "birthdate", "summary"}:
            return "profile"
        if cols & {"connectedon", "url", "position"} and not cols & {"text", "skillname"}:
            return "connections"
    return None


@dataclass
class Table:
    """One recognised CSV: its label for locators, kind, columns and the text after its header."""

    label: str
    kind: str
    columns: list[str]
    delimiter: str
    body: str
    suspect: bool

    def index(self, *names: str) -> int | None:
        for n in names:
            if n in self.columns:
                return self.columns.index(n)
        return None


def find_header(text: str, wanted: str | None = None) -> tuple[str, list[str], str, int] | None:
    """(kind, columns, delimiter, offset of the first data line) of the header, if any."""
    buf = io.StringIO(text[:HEADER_SEARCH_CHARS], newline="")
    offset = 0
    for _ in range(HEADER_SEARCH_LINES):
        line = buf.readline()
        if not line:
            break
        offset += len(line)
        stripped = line.strip().lstrip("\ufeff").strip()
        if not stripped:
            continue
        counts = {d: stripped.count(d) for d in (",", ";", "\t")}
        for delim in sorted((d for d in counts if counts[d]), key=lambda d: -counts[d]):
            fields = next(csv.reader([stripped], delimiter=delim), [])
            cols = [_loose(f) for f in fields]
            kind = _kind_of_header(set(cols))
            if kind and (wanted is None or kind == wanted):
                return kind, cols, delim, offset
    return None


def find_table(label: str, data: bytes, wanted: str | None = None) -> Table | None:
    text, suspect = decode_csv(data)
    found = find_header(text, wanted)
    if found is None:
        return None
    kind, cols, delim, offset = found
    return Table(label, kind, cols, delim, text[offset:], suspect)


class _LineFeed:
    """Lines for csv.reader that remembers which lines made each record and takes lines back.

    A stray quote makes the csv module swallow the following lines into one field; the
    caller rejects the first line and feeds the rest again, so one bad row stays one.
    """

    def __init__(self, text: str):
        self._lines = io.StringIO(text, newline="")
        self._pending: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if self._pending:
            line = self._pending.popleft()
        else:
            line = self._lines.readline()
            if not line:
                raise StopIteration
        self.taken.append(line)
        return line

    def give_back(self, lines: list[str]) -> None:
        self._pending.extendleft(reversed(lines))


@dataclass(slots=True)
class Row:
    number: int  # data row, 1-based after the header
    fields: list[str] | None  # None when the row is refused
    raw: str
    problem: str | None = None


def iter_rows(table: Table) -> Iterator[Row]:
    """The data rows of a table; malformed ones carry the reason instead of fields."""
    feed = _LineFeed(table.body)
    reader = csv.reader(feed, delimiter=table.delimiter)
    ncols = len(table.columns)
    number = 0
    while True:
        feed.taken = []
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            lines = feed.taken
            number += 1
            yield Row(number, None, lines[0] if lines else "", f"unparseable CSV row: {exc}")
            feed.give_back(lines[1:])
            continue
        lines = feed.taken
        if not any(f.strip() for f in fields):
            continue  # blank or all-empty line: nothing there, not an item
        number += 1
        if len(fields) != ncols:
            if len(fields) > ncols and not any(f.strip() for f in fields[ncols:]):
                fields = fields[:ncols]  # trailing empty cells from a spreadsheet
            else:
                problem = f"expected {ncols} fields, found {len(fields)}"
                if len(lines) > 1 and any(
                    line.count(table.delimiter) + 1 == ncols for line in lines[1:]
                ):
                    yield Row(number, None, lines[0], problem)
                    feed.give_back(lines[1:])
                else:
                    yield Row(number, None, "".join(lines), problem)
                continue
        if table.suspect and any(_undecodable(f) for f in fields):
            yield Row(number, None, "".join(lines), "undecodable text (neither UTF-8 nor cp1252)")
            continue
        yield Row(number, fields, "".join(lines))


def cell_text(fields: list[str], i: int | None) -> str:
    return fields[i].strip() if i is not None else ""


def url_cell(fields: list[str], i: int | None) -> tuple[str, str] | None:
    """(normalised, raw) of a profile URL cell, or None when it holds no profile URL."""
    raw = cell_text(fields, i)
    norm = linkedin_url_key(raw) if raw else None
    return (norm, raw) if norm else None


# --- inputs: one CSV, a folder or a zip -------------------------------------------------


@dataclass
class Member:
    label: str
    kind: str
    data: bytes | None
    error: str | None = None


def folder_members(path: Path) -> list[Member]:
    members = []
    for child in sorted(path.iterdir()):
        kind = kind_by_filename(child.name)
        if kind is None or not child.is_file():
            continue
        try:
            members.append(Member(child.name, kind, child.read_bytes()))
        except OSError as exc:
            members.append(Member(child.name, kind, None, f"cannot be read: {exc}"))
    return members


class TooLarge(ValueError):
    """A member unpacks to more than the caps allow."""


def unpack_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The member's bytes, unpacked a chunk at a time and refused once past a cap.

    The header's sizes may lie, so the bytes actually unpacked are counted too.
    """
    limit = min(MAX_MEMBER_BYTES, budget)
    compressed = max(info.compress_size, 1)
    if info.file_size > limit:
        raise TooLarge(f"unpacks to {info.file_size:,} bytes, more than the {limit:,} allowed")
    parts, total = [], 0
    with zf.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise TooLarge(f"unpacks to more than the {limit:,} bytes allowed")
            if total > RATIO_CHECKED_ABOVE and total / compressed > MAX_RATIO:
                raise TooLarge(
                    f"unpacks to more than {MAX_RATIO} times its packed size "
                    f"({compressed:,} bytes): a zip bomb"
                )
            parts.append(chunk)
    return b"".join(parts)


def zip_members(path: Path) -> list[Member]:
    """The export's CSVs in a zip, each unpacked within the size and ratio caps.

    A member past a cap, or damaged, is a Member with the reason and no data.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            members = []
            budget = MAX_ARCHIVE_BYTES
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                if info.is_dir() or info.filename.startswith("__MACOSX/"):
                    continue
                kind = kind_by_filename(info.filename)
                if kind is None:
                    continue
                try:
                    data = unpack_member(zf, info, budget)
                except TooLarge as exc:
                    members.append(Member(info.filename, kind, None, f"refused: {exc}"))
                    continue
                except MEMBER_ERRORS as exc:
                    error = f"cannot be unpacked: {exc}"
                    members.append(Member(info.filename, kind, None, error))
                    continue
                budget -= len(data)
                members.append(Member(info.filename, kind, data))
            return members
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableInput(f"{path}: not a readable zip archive ({exc})") from exc


def zip_names(path: Path) -> list[str]:
    """The names of a zip's files (no folders, no macOS resource forks); [] if unreadable."""
    try:
        with zipfile.ZipFile(path) as zf:
            return [
                i.filename
                for i in zf.infolist()
                if not i.is_dir() and not i.filename.startswith("__MACOSX/")
            ]
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


def is_zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def sniff(path: Path, head: bytes) -> bool:
    """Whether this connector reads the input, judged by content.

    Args:
        path: a CSV file, a zip, or an unpacked export folder.
        head: the first 64 KiB of the file (empty for a folder).

    Returns:
        True for a zip or folder holding a LinkedIn export CSV, and for a CSV whose
        header (searched for past any preamble) is one of the export's files.
    """
    try:
        path = Path(path)
        if path.is_dir():
            return any(kind_by_filename(c.name) and c.is_file() for c in path.iterdir())
        if is_zip(head):
            with zipfile.ZipFile(path) as zf:
                return any(kind_by_filename(n) for n in zf.namelist())
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = head.decode("utf-16", "replace")
        else:
            text = head.decode("utf-8", "replace")
        return find_header(text) is not None
    except Exception:  # sniffing must never fail discovery
        return False
