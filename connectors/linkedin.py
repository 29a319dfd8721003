"""LinkedIn data export (zip, folder or one CSV) to records and interactions: Connections,
messages, Invitations, Imported Contacts; Profile and Email Addresses identify the user.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
import urllib.parse
import zipfile
import zlib
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path, PurePosixPath

from connectors.base import Extract, ExtractBuilder, ReadOptions, UnreadableInput, stable_id

CONNECTOR = "linkedin"
SOURCE = "linkedin"

log = logging.getLogger(__name__)

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
}
_EXPECTED_HEADER = {
    "connections": "First Name,Last Name,[URL,]Email Address,Company,Position,Connected On",
    "messages": "[CONVERSATION ID,...,]FROM,...,TO,...,DATE,...,CONTENT,FOLDER",
    "invitations": "From,To,Sent At,Message,Direction[,inviterProfileUrl,inviteeProfileUrl]",
    "profile": "First Name,Last Name,Maiden Name,...,Headline,...",
    "emails": "Email Address,Confirmed,Primary,Updated On",
    "imported": "First Name,Last Name,...,Email Address,Phone Numbers,... (or FirstName,...)",
}

_TRUE = frozenset({"yes", "true", "1", "y"})
# What unpacking one zip member can raise: a corrupt deflate stream is a zlib.error,
# a truncated one an EOFError, besides zipfile's own complaints.
_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    RuntimeError,
    NotImplementedError,
    EOFError,
    zlib.error,
)
_ANONYMOUS = "linkedin member"


# --- small normalisers ------------------------------------------------------------------


def _loose(name: str) -> str:
    """File and column names compared without case, spaces, underscores or hyphens."""
    return re.sub(r"[\s_\-\"'\ufeff]+", "", name).casefold()


def _kind_by_filename(name: str) -> str | None:
    base = PurePosixPath(name.replace("\\", "/")).name
    if base.startswith("._") or not base.casefold().endswith(".csv"):
        return None
    return _KIND_BY_FILENAME.get(_loose(base[:-4]))


@lru_cache(maxsize=65536)
def _fold(name: str) -> str:
    """A name as compared: NFC, whitespace collapsed, casefolded."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


def _clean(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


_PROFILE_URL = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)*linkedin\.com/(in|pub)/([^?#]+)", re.I)
_PROFILE_URL_IN_TEXT = re.compile(r"(?:https?://)?(?:[\w-]+\.)*linkedin\.com/in/[^\s,;\"'\[\]<>]+")


@lru_cache(maxsize=65536)
def _norm_url(value: str) -> str | None:
    """A profile URL as the key: percent-decoded, lower-case, https://www.linkedin.com/in/<slug>."""
    v = urllib.parse.unquote(value.strip()).strip().lower()
    m = _PROFILE_URL.match(v)
    if not m:
        return None
    kind, rest = m.groups()
    rest = rest.strip().strip("/")
    if not rest:
        return None
    if kind == "in":  # /in/<slug>/de (a language variant) is the same profile
        return f"https://www.linkedin.com/in/{rest.split('/')[0]}"
    return f"https://www.linkedin.com/pub/{rest}"


@lru_cache(maxsize=16384)
def _split_urls(value: str) -> tuple[tuple[str, str], ...]:
    """(normalised, raw) profile URLs from a comma-separated RECIPIENT PROFILE URLS cell."""
    out: dict[str, str] = {}
    for raw in re.split(r"[,\s]+", value):
        norm = _norm_url(raw) if raw.strip() else None
        if norm and norm not in out:
            out[norm] = raw.strip()
    return tuple(out.items())


# --- dates ------------------------------------------------------------------------------

_MONTH_NAMES = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
_MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, 1) for name in names} | {
    # Excel re-saves in other locales write local month abbreviations.
    "mär": 3,
    "mrz": 3,
    "mai": 5,
    "okt": 10,
    "dez": 12,  # fmt: skip
    "janv": 1,
    "févr": 2,
    "fév": 2,
    "mars": 3,
    "avr": 4,
    "juin": 6,
    "juil": 7,  # fmt: skip
    "août": 8,
    "déc": 12,
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "dic": 12,  # fmt: skip
}
_TIME = r"(?:[ t,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([ap])?\.?(?:m\.?)?)?"
_TZ = r"\s*(utc|gmt|z|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + _TZ)
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + _TZ)
_DAY_MON = re.compile(r"(\d{1,2})[ .-]([^\W\d_]{3,9})\.?[ ,.-]+(\d{4}|\d{2})" + _TIME + _TZ)
_MON_DAY = re.compile(r"([^\W\d_]{3,9})\.? (\d{1,2}),? (\d{4})" + _TIME + _TZ)
_UNIX = re.compile(r"[a-z]{3} ([a-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (?:utc|gmt) (\d{4})")
_SLASHED = re.compile(r"\s*(\d{1,2})[/-](\d{1,2})[/-]\d{2,4}\b")


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:  # strptime's %y pivot: 18 -> 2018, 85 -> 1985
        return y + (2000 if y < 69 else 1900)
    return y


def _build(y, mo, d, hh, mi, ss, ampm, tz) -> datetime | None:
    try:
        hour = int(hh) if hh else 0
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "p" else 0)
        if tz in (None, "utc", "gmt", "z"):
            tzinfo = UTC
        else:
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            tzinfo = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        value = datetime(y, mo, d, hour, int(mi or 0), int(ss or 0), tzinfo=tzinfo)
    except (ValueError, OverflowError):
        return None
    return value.astimezone(UTC)


def _parse_date(value: str | None, dayfirst: bool = False) -> datetime | None:
    """Any date LinkedIn or an Excel re-save writes, as aware UTC; None when unreadable.

    ``1/8/18, 6:14 PM``, ``17 Jun 2021``, ``23-Apr-23``, ``16.09.2021``,
    ``2024-12-05 14:03:11 UTC``, ``Sat Dec 14 08:57:55 UTC 2024``, ``Feb 6, 1989``.
    Times without a zone are taken as UTC. ``dayfirst`` settles ``05/01/2026``.
    """
    if not value:
        return None
    text = " ".join(value.replace("\u202f", " ").replace("\xa0", " ").split()).casefold()
    if not text or len(text) > 64:
        return None
    if m := _ISO.fullmatch(text):
        y, mo, d, hh, mi, ss, ap, tz = m.groups()
        return _build(int(y), int(mo), int(d), hh, mi, ss, ap, tz)
    if m := _NUMERIC.fullmatch(text):
        a, sep, b, y, hh, mi, ss, ap, tz = m.groups()
        a, b = int(a), int(b)
        # Dotted dates are European (16.09.2021); slashes are LinkedIn's M/D/YY unless
        # a field shows otherwise or the caller found day-first dates in the file.
        day_first = sep == "." or a > 12 or (dayfirst and b <= 12)
        mo, d = (b, a) if day_first else (a, b)
        return _build(_year(y), mo, d, hh, mi, ss, ap, tz)
    if m := _DAY_MON.fullmatch(text):
        d, mon, y, hh, mi, ss, ap, tz = m.groups()
        mo = _MONTHS.get(mon)
        return _build(_year(y), mo, int(d), hh, mi, ss, ap, tz) if mo else None
    if m := _MON_DAY.fullmatch(text):
        mon, d, y, hh, mi, ss, ap, tz = m.groups()
        mo = _MONTHS.get(mon)
        return _build(int(y), mo, int(d), hh, mi, ss, ap, tz) if mo else None
    if m := _UNIX.fullmatch(text):
        mon, d, hh, mi, ss, y = m.groups()
        mo = _MONTHS.get(mon)
        return _build(int(y), mo, int(d), hh, mi, ss, None, None) if mo else None
    return None


def _guess_dayfirst(values: list[str]) -> bool:
    """True when a file's slashed dates can only be D/M (some first field > 12)."""
    day_first = month_first = False
    for v in values:
        m = _SLASHED.match(v)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            day_first |= a > 12
            month_first |= b > 12
    return day_first and not month_first


def _midnight(value: datetime) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


# --- decoding and CSV framing -----------------------------------------------------------


def _decode(data: bytes) -> tuple[str, bool]:
    """Text of a CSV and whether it may hold undecodable bytes (as lone surrogates).

    LinkedIn writes UTF-8 (sometimes with a BOM); Excel re-saves write cp1252 or UTF-16.
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
    try:
        return data.decode("cp1252"), False
    except UnicodeDecodeError:
        return data.decode("cp1252", "surrogateescape"), True


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
class _Table:
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


def _find_header(text: str, wanted: str | None = None) -> tuple[str, list[str], str, int] | None:
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


def _table(label: str, data: bytes, wanted: str | None = None) -> _Table | None:
    text, suspect = _decode(data)
    found = _find_header(text, wanted)
    if found is None:
        return None
    kind, cols, delim, offset = found
    return _Table(label, kind, cols, delim, text[offset:], suspect)


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
class _Row:
    number: int  # data row, 1-based after the header
    fields: list[str] | None  # None when the row is refused
    raw: str
    problem: str | None = None


def _rows(table: _Table) -> Iterator[_Row]:
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
            yield _Row(number, None, lines[0] if lines else "", f"unparseable CSV row: {exc}")
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
                    yield _Row(number, None, lines[0], problem)
                    feed.give_back(lines[1:])
                else:
                    yield _Row(number, None, "".join(lines), problem)
                continue
        if table.suspect and any(_undecodable(f) for f in fields):
            yield _Row(number, None, "".join(lines), "undecodable text (neither UTF-8 nor cp1252)")
            continue
        yield _Row(number, fields, "".join(lines))


def _cell(fields: list[str], i: int | None) -> str:
    return fields[i].strip() if i is not None else ""


def _url_cell(fields: list[str], i: int | None) -> tuple[str, str] | None:
    """(normalised, raw) of a profile URL cell, or None when it holds no profile URL."""
    raw = _cell(fields, i)
    norm = _norm_url(raw) if raw else None
    return (norm, raw) if norm else None


# --- inputs: one CSV, a folder or a zip -------------------------------------------------


@dataclass
class _Member:
    label: str
    kind: str
    data: bytes | None
    error: str | None = None


def _folder_members(path: Path) -> list[_Member]:
    members = []
    for child in sorted(path.iterdir()):
        kind = _kind_by_filename(child.name)
        if kind is None or not child.is_file():
            continue
        try:
            members.append(_Member(child.name, kind, child.read_bytes()))
        except OSError as exc:
            members.append(_Member(child.name, kind, None, f"cannot be read: {exc}"))
    return members


def _zip_members(path: Path) -> list[_Member]:
    try:
        with zipfile.ZipFile(path) as zf:
            members = []
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                if info.is_dir() or info.filename.startswith("__MACOSX/"):
                    continue
                kind = _kind_by_filename(info.filename)
                if kind is None:
                    continue
                try:
                    members.append(_Member(info.filename, kind, zf.read(info)))
                except _MEMBER_ERRORS as exc:
                    error = f"cannot be unpacked: {exc}"
                    members.append(_Member(info.filename, kind, None, error))
            return members
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableInput(f"{path}: not a readable zip archive ({exc})") from exc


def _is_zip(head: bytes) -> bool:
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
            return any(_kind_by_filename(c.name) and c.is_file() for c in path.iterdir())
        if _is_zip(head):
            with zipfile.ZipFile(path) as zf:
                return any(_kind_by_filename(n) for n in zf.namelist())
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = head.decode("utf-16", "replace")
        else:
            text = head.decode("utf-8", "replace")
        return _find_header(text) is not None
    except Exception:  # sniffing must never fail discovery
        return False


# --- the user ---------------------------------------------------------------------------


@dataclass
class _Me:
    """Who the user is: never a record; the sender of outbound messages."""

    urls: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # folded
    emails: set[str] = field(default_factory=set)
    found_urls: set[str] = field(default_factory=set)  # in the input, for me_hints
    found_emails: set[str] = field(default_factory=set)

    @classmethod
    def from_options(cls, options: ReadOptions) -> _Me:
        """The user as given (``me``), else as other inputs name them (``me_hints``)."""
        me = cls()
        for value in options.me or options.me_hints:
            value = value.strip()
            if "@" in value and "linkedin.com" not in value.lower():
                me.emails.add(value.lower())
            elif url := _norm_url(value):
                me.urls.add(url)
        return me

    def add_url(self, url: str | None) -> None:
        if url:
            self.urls.add(url)
            self.found_urls.add(url)

    def add_name(self, name: str) -> None:
        if _clean(name) and _fold(name) != _ANONYMOUS:
            self.names.add(_fold(name))

    def known(self) -> bool:
        return bool(self.urls or self.names)

    def is_me(self, url: str | None, name: str) -> bool:
        # A URL is exact; a name decides only where no URL is there to compare.
        if url and self.urls:
            return url in self.urls
        return bool(name) and _fold(name) in self.names

    def hints(self) -> list[str]:
        return sorted(self.found_urls) + sorted(self.found_emails)


def _read_profile(table: _Table, me: _Me) -> None:
    first, last = table.index("firstname"), table.index("lastname")
    for row in _rows(table):
        if row.fields is None:
            continue
        me.add_name(f"{_cell(row.fields, first)} {_cell(row.fields, last)}")
        for cell in row.fields:
            for match in _PROFILE_URL_IN_TEXT.findall(cell):
                me.add_url(_norm_url(match))


def _read_email_addresses(table: _Table, me: _Me) -> None:
    col = table.index("emailaddress")
    for row in _rows(table):
        if row.fields is not None and "@" in (email := _cell(row.fields, col)):
            me.emails.add(email.lower())
            me.found_emails.add(email.lower())


_OWN_KINDS = ("profile", "emails")
# Profile.csv and Email Addresses.csv are a few KB; a "single CSV" larger than this is
# some other file and not read whole just to look for the user.
_OWN_CSV_MAX_BYTES = 8 * 1024 * 1024


def _own_tables(path: Path) -> list[_Table]:
    """Profile and Email Addresses tables of an export, its folder or one CSV; nothing else.

    A member that cannot be read is left out, as ``read`` rejects it and goes on.
    """
    tables: list[_Table] = []

    def add(label: str, kind: str, load) -> None:
        try:
            data = load()
        except _MEMBER_ERRORS as exc:
            log.debug("%s: %s cannot be read: %s", path, label, exc)
            return
        if table := _table(label, data, kind):
            tables.append(table)

    if path.is_dir():
        for child in sorted(path.iterdir()):
            kind = _kind_by_filename(child.name)
            if kind in _OWN_KINDS and child.is_file():
                add(child.name, kind, child.read_bytes)
        return tables
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    if _is_zip(head):
        with zipfile.ZipFile(path) as zf:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                kind = _kind_by_filename(info.filename)
                if kind not in _OWN_KINDS or info.filename.startswith("__MACOSX/"):
                    continue
                if not info.is_dir() and info.file_size <= _OWN_CSV_MAX_BYTES:
                    add(info.filename, kind, lambda info=info: zf.read(info))
        return tables
    found = _find_header(_decode(head)[0])
    if found and found[0] in _OWN_KINDS and path.stat().st_size <= _OWN_CSV_MAX_BYTES:
        add(path.name, found[0], path.read_bytes)
    return tables


def user_identifiers(path: Path) -> list[str]:
    """The user's own identifiers a LinkedIn export names, read cheaply before extraction.

    Only Profile.csv (profile URLs in any of its cells, such as Websites) and Email
    Addresses.csv (every address listed) are read: of the export zip, its unpacked
    folder, or when ``path`` is one of those two CSVs. Connections and messages are not
    parsed, so this takes milliseconds and other connectors can be told who the user is.

    Args:
        path: a LinkedIn export zip, its folder, or a single CSV from it.

    Returns:
        Normalised profile URLs, then lower-cased addresses, each sorted (as ``me_hints``
        of ``read``); [] for anything else, an unreadable file included. Never raises.
    """
    me = _Me()
    try:
        for table in _own_tables(Path(path)):
            if table.kind == "profile":
                _read_profile(table, me)
            else:
                _read_email_addresses(table, me)
    except Exception as exc:  # a hint is optional; the extract reports what is wrong
        log.debug("%s: no user identifiers read: %s", path, exc)
        return []
    return me.hints()


# --- parsed rows ------------------------------------------------------------------------


@dataclass(slots=True)
class _Connection:
    locator: str
    first: str
    last: str
    name: str
    url_raw: str
    url: str | None
    email: str
    urn: str
    company: str
    position: str
    connected_on: str


@dataclass(slots=True)
class _Invitation:
    locator: str
    raw: str
    from_name: str
    to_name: str
    sent_at: datetime
    direction: str  # INCOMING / OUTGOING / other
    inviter: tuple[str, str] | None  # (normalised, raw)
    invitee: tuple[str, str] | None


@dataclass(slots=True)
class _Message:
    locator: str
    conversation: str
    sender_name: str
    sender: tuple[str, str] | None
    to_raw: str
    recipients: tuple[tuple[str, str], ...]
    occurred_at: datetime
    direction: str  # the 2018 Direction column, else ""


@dataclass
class _State:
    """Everything one read learns before it emits rows."""

    builder: ExtractBuilder
    me: _Me
    connections: list[_Connection] = field(default_factory=list)
    invitations: list[_Invitation] = field(default_factory=list)
    messages: list[_Message] = field(default_factory=list)
    # folded full name -> connection source_key (None when two connections share it)
    connection_key_by_name: dict[str, str | None] = field(default_factory=dict)
    url_by_name: dict[str, str | None] = field(default_factory=dict)
    name_by_url: dict[str, str] = field(default_factory=dict)
    known_names: set[str] = field(default_factory=set)
    incoming_urls: set[str] = field(default_factory=set)
    incoming_names: set[str] = field(default_factory=set)
    incoming_names_without_url: set[str] = field(default_factory=set)
    _pairs_seen: set[tuple[str, str]] = field(default_factory=set)
    _record_ids: dict[tuple[str, str | None, str | None], str] = field(default_factory=dict)

    def learn_pair(self, url: str | None, name: str) -> None:
        if not url or (url, name) in self._pairs_seen:
            return
        self._pairs_seen.add((url, name))
        if not _clean(name) or _fold(name) == _ANONYMOUS:
            return
        self.name_by_url.setdefault(url, _clean(name))
        folded = _fold(name)
        self.known_names.add(folded)
        old = self.url_by_name.get(folded, url)
        self.url_by_name[folded] = url if old == url else None

    def record(self, key: str, locator: str, name: str | None, url: str | None) -> str:
        """builder.record for a counterpart, once per (key, name, url): messages repeat them."""
        cache_key = (key, name, url)
        record_id = self._record_ids.get(cache_key)
        if record_id is None:
            record_id = self.builder.record(key, locator=locator, name=name, linkedin_url=url)
            self._record_ids[cache_key] = record_id
        return record_id

    def name_key(self, name: str) -> str:
        """A counterpart known only by name: the connection with that name, else the name."""
        folded = _fold(name)
        return self.connection_key_by_name.get(folded) or f"name:{folded}"


def _printable(text: str) -> str:
    """Text safe for Arrow: undecodable bytes (lone surrogates) shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _reject(state: _State, locator: str, reason: str, raw: str) -> None:
    state.builder.reject(locator, reason, _printable(raw[:400]))


def _items(state: _State, table: _Table) -> Iterator[tuple[str, _Row]]:
    """Every data row of the table as an item: counted, and rejected when unreadable.

    Yields:
        (locator, row) for the rows whose fields could be read.
    """
    for row in _rows(table):
        state.builder.count_read()
        locator = f"{table.label} row {row.number}"
        if row.fields is None:
            _reject(state, locator, row.problem or "unreadable row", row.raw)
            continue
        yield locator, row


# --- Connections ------------------------------------------------------------------------


def _parse_connections(table: _Table, state: _State) -> None:
    ix = {
        "first": table.index("firstname"),
        "last": table.index("lastname"),
        "url": table.index("url", "profileurl", "linkedinurl"),
        "email": table.index("emailaddress", "email", "emails"),
        "company": table.index("company"),
        "position": table.index("position", "title"),
        "date": table.index("connectedon"),
    }
    builder = state.builder
    for locator, row in _items(state, table):
        get = {k: _cell(row.fields, i) for k, i in ix.items()}
        email_cell = get["email"]
        first, last = _clean(get["first"]), _clean(get["last"])
        url = _norm_url(get["url"]) if get["url"] else None
        conn = _Connection(
            locator=locator,
            first=first,
            last=last,
            name=_clean(f"{first} {last}"),
            url_raw=get["url"] if url else "",
            url=url,
            email=email_cell if "@" in email_cell else "",
            # 2018 exports put urn:li:member:<id> in Email Address for some rows
            urn=email_cell if email_cell.lower().startswith("urn:li:") else "",
            company=_clean(get["company"]),
            position=_clean(get["position"]),
            connected_on=get["date"],
        )
        if not conn.name and not conn.url and not conn.email:
            builder.skipped("hidden_profile")
            continue
        state.connections.append(conn)
    keys: dict[str, set[str]] = defaultdict(set)
    for conn in state.connections:
        if conn.name:
            keys[_fold(conn.name)].add(_connection_key(conn))
            state.known_names.add(_fold(conn.name))
            state.learn_pair(conn.url, conn.name)
    for folded, found in keys.items():
        state.connection_key_by_name[folded] = next(iter(found)) if len(found) == 1 else None


def _connection_key(conn: _Connection) -> str:
    if conn.url:
        return conn.url
    if conn.email:
        return conn.email.lower()
    if conn.urn:
        return conn.urn
    return "name:" + stable_id(_fold(conn.name), _fold(conn.company))


def _emit_connections(state: _State) -> None:
    builder, me = state.builder, state.me
    dayfirst = _guess_dayfirst([c.connected_on for c in state.connections])
    for conn in state.connections:
        if (conn.url and conn.url in me.urls) or (conn.email and conn.email.lower() in me.emails):
            builder.skipped("own_entry")
            continue
        key = _connection_key(conn)
        connected = _parse_date(conn.connected_on, dayfirst)
        day = _midnight(connected) if connected else None
        record_id = builder.record(
            key,
            locator=conn.locator,
            name=conn.name,
            given_name=conn.first,
            family_name=conn.last,
            emails=[conn.email] if conn.email else [],
            linkedin_url=conn.url_raw,
            company=conn.company,
            title=conn.position,
            observed_at=day,
        )
        if day is not None:
            # Names are shared by many people: they decide only where a URL is missing.
            if conn.url:
                inbound = conn.url in state.incoming_urls or (
                    _fold(conn.name) in state.incoming_names_without_url
                )
            else:
                inbound = _fold(conn.name) in state.incoming_names
            builder.interaction(
                record_id,
                occurred_at=day,
                channel="linkedin_connection",
                direction="inbound" if inbound else "outbound",
                identity=(key, day.date().isoformat()),
            )
        builder.accepted()


# --- Invitations ------------------------------------------------------------------------


def _parse_invitations(table: _Table, state: _State) -> None:
    ix_from, ix_to = table.index("from"), table.index("to")
    ix_sent, ix_dir = table.index("sentat"), table.index("direction")
    ix_inviter = table.index("inviterprofileurl", "inviterurl")
    ix_invitee = table.index("inviteeprofileurl", "inviteeurl")
    me = state.me
    for locator, row in _items(state, table):
        f = row.fields
        sent_raw = _cell(f, ix_sent)
        sent_at = _parse_date(sent_raw)
        if sent_at is None:
            _reject(state, locator, f"unreadable date in Sent At: {sent_raw!r}", row.raw)
            continue

        inv = _Invitation(
            locator=locator,
            raw=row.raw,
            from_name=_clean(_cell(f, ix_from)),
            to_name=_clean(_cell(f, ix_to)),
            sent_at=sent_at,
            direction=_cell(f, ix_dir).upper(),
            inviter=_url_cell(f, ix_inviter),
            invitee=_url_cell(f, ix_invitee),
        )
        # The Direction column says which side is the user, whatever the names say.
        if inv.direction == "OUTGOING":
            me.add_name(inv.from_name)
            me.add_url(inv.inviter[0] if inv.inviter else None)
        elif inv.direction == "INCOMING":
            me.add_name(inv.to_name)
            me.add_url(inv.invitee[0] if inv.invitee else None)
        state.invitations.append(inv)
    for inv in state.invitations:
        if inv.direction == "INCOMING":
            state.learn_pair(inv.inviter[0] if inv.inviter else None, inv.from_name)
        elif inv.direction == "OUTGOING":
            state.learn_pair(inv.invitee[0] if inv.invitee else None, inv.to_name)


def _note_incoming_invitations(state: _State) -> None:
    for inv in state.invitations:
        if _invitation_direction(inv, state.me) == "inbound":
            if inv.inviter:
                state.incoming_urls.add(inv.inviter[0])
            if inv.from_name:
                state.incoming_names.add(_fold(inv.from_name))
                if not inv.inviter:
                    state.incoming_names_without_url.add(_fold(inv.from_name))


def _invitation_direction(inv: _Invitation, me: _Me) -> str | None:
    if inv.direction in ("OUTGOING", "SENT"):
        return "outbound"
    if inv.direction in ("INCOMING", "RECEIVED"):
        return "inbound"
    if me.is_me(inv.inviter[0] if inv.inviter else None, inv.from_name):
        return "outbound"
    if me.is_me(inv.invitee[0] if inv.invitee else None, inv.to_name):
        return "inbound"
    return None


def _emit_invitations(state: _State) -> None:
    builder = state.builder
    for inv in state.invitations:
        direction = _invitation_direction(inv, state.me)
        if direction is None:
            reason = f"unknown Direction {inv.direction!r} and the user is on neither side"
            _reject(state, inv.locator, reason, inv.raw)
            continue
        if direction == "outbound":
            name, url = inv.to_name, inv.invitee
        else:
            name, url = inv.from_name, inv.inviter
        if not url and (not name or _fold(name) == _ANONYMOUS):
            builder.skipped("no_counterpart")
            continue
        key = url[0] if url else state.name_key(name)
        shown = name if _fold(name) != _ANONYMOUS else None
        record_id = state.record(key, inv.locator, shown, url[1] if url else None)
        builder.interaction(
            record_id,
            occurred_at=inv.sent_at,
            channel="linkedin_invitation",
            direction=direction,
            identity=(key, inv.sent_at.isoformat()),
        )
        builder.accepted()


# --- messages ---------------------------------------------------------------------------


def _parse_messages(table: _Table, state: _State) -> None:
    ix_conv = table.index("conversationid")
    ix_from, ix_sender = table.index("from"), table.index("senderprofileurl")
    ix_to, ix_recipients = table.index("to"), table.index("recipientprofileurls")
    ix_date, ix_content, ix_folder = (
        table.index("date"),
        table.index("content"),
        table.index("folder"),
    )
    ix_dir = table.index("direction")
    ix_drafts = [
        i
        for i in (table.index("ismessagedraft"), table.index("isconversationdraft"))
        if i is not None
    ]
    builder, me = state.builder, state.me
    for locator, row in _items(state, table):
        f = row.fields
        sender_raw = _cell(f, ix_sender)
        sender_url = _norm_url(sender_raw) if sender_raw else None
        sender_name = _clean(_cell(f, ix_from))
        to_raw = _cell(f, ix_to)
        recipients = _split_urls(_cell(f, ix_recipients))
        direction = _cell(f, ix_dir).upper()
        # Who is who is learnt from every row, drafts and spam included.
        state.learn_pair(sender_url, sender_name)
        if len(recipients) == 1 and "," not in to_raw:
            state.learn_pair(recipients[0][0], to_raw)
        if direction == "OUTGOING":
            me.add_name(sender_name)
        elif direction == "INCOMING" and "," not in to_raw:
            me.add_name(to_raw)
        folder = _cell(f, ix_folder).casefold()
        if folder in ("draft", "drafts") or any(
            f[i].strip().casefold() in _TRUE for i in ix_drafts
        ):
            builder.skipped("draft")
            continue
        if folder == "spam":
            builder.skipped("spam")
            continue
        if not sender_url and "spinmail" in _cell(f, ix_content):
            builder.skipped("sponsored")
            continue
        date_raw = _cell(f, ix_date)
        occurred_at = _parse_date(date_raw)
        if occurred_at is None:
            _reject(state, locator, f"unreadable date in DATE: {date_raw!r}", row.raw)
            continue
        state.messages.append(
            _Message(
                locator=locator,
                conversation=_cell(f, ix_conv),
                sender_name=sender_name,
                sender=(sender_url, sender_raw) if sender_url else None,
                to_raw=to_raw,
                recipients=recipients,
                occurred_at=occurred_at,
                direction=direction,
            )
        )


def _participant_key(state: _State, url: str | None, name: str) -> str | None:
    if url:
        return url
    if not name:
        return None
    return state.url_by_name.get(_fold(name)) or f"name:{_fold(name)}"


def _identify_me_in_messages(state: _State, label: str) -> None:
    """Complete the user's identity from the messages; guess it only when nothing says."""
    me = state.me
    for url, name in list(state.name_by_url.items()):
        if url in me.urls:
            me.add_name(name)
    for folded, url in state.url_by_name.items():
        if url and folded in me.names:
            me.add_url(url)
    counts: Counter[str] = Counter()
    for msg in state.messages:
        keys = {_participant_key(state, msg.sender[0] if msg.sender else None, msg.sender_name)}
        if msg.recipients:
            keys.update(url for url, _ in msg.recipients)
        else:
            keys.add(_participant_key(state, None, _clean(msg.to_raw)))
        keys.discard(None)
        keys.discard(f"name:{_ANONYMOUS}")
        counts.update(keys)
    if not counts or any(me.is_me(k, "") or k.removeprefix("name:") in me.names for k in counts):
        return
    if any(msg.direction in ("INCOMING", "OUTGOING") for msg in state.messages):
        return
    ranked = counts.most_common(2)
    top, n = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if n > runner_up and 2 * n >= len(state.messages):
        if top.startswith("name:"):
            me.names.add(top.removeprefix("name:"))
        else:
            me.add_url(top)
            if top in state.name_by_url:
                me.add_name(state.name_by_url[top])
        log.info(
            "%s: no Profile.csv or --me names the user; took %s, in %d of %d messages",
            label,
            top,
            n,
            len(state.messages),
        )


def _split_names(value: str, known: set[str]) -> list[str]:
    """Recipient names from a TO cell; names with commas in them are kept whole when known."""
    value = _clean(value)
    if not value:
        return []
    if _fold(value) in known or "," not in value:
        return [value]
    parts = value.split(",")
    names, i = [], 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            candidate = ",".join(parts[i:j]).strip()
            if j == i + 1 or _fold(candidate) in known:
                if candidate:
                    names.append(candidate)
                i = j
                break
    return names


def _recipients(msg: _Message, state: _State) -> list[tuple[str | None, str | None, str]]:
    """(normalised url, raw url, name) of each recipient of a message the user sent."""
    names = _split_names(msg.to_raw, state.known_names)
    if not msg.recipients:
        out: list[tuple[str | None, str | None, str]] = []
        for name in names:
            url = state.url_by_name.get(_fold(name))
            out.append((url, None, name))
        return out
    if len(names) == len(msg.recipients):
        return [(url, raw, name) for (url, raw), name in zip(msg.recipients, names, strict=True)]
    # Names may hold commas ("Lee, Ann"): the URL list says who the recipients are.
    return [(url, raw, state.name_by_url.get(url, "")) for url, raw in msg.recipients]


def _emit_messages(state: _State) -> None:
    builder, me = state.builder, state.me
    for msg in state.messages:
        sender_url = msg.sender[0] if msg.sender else None
        if msg.direction in ("OUTGOING", "INCOMING"):
            outbound = msg.direction == "OUTGOING"
        elif not me.known():
            builder.skipped("user_not_identified")
            continue
        else:
            outbound = me.is_me(sender_url, msg.sender_name)
        if outbound:
            counterparts = [
                (url, raw, name)
                for url, raw, name in _recipients(msg, state)
                if not me.is_me(url, name)
            ]
        else:
            raw = msg.sender[1] if msg.sender else None
            counterparts = [(sender_url, raw, msg.sender_name)]
        counterparts = [c for c in counterparts if c[0] or (c[2] and _fold(c[2]) != _ANONYMOUS)]
        if not counterparts:
            anonymous = _fold(msg.sender_name if not outbound else msg.to_raw) == _ANONYMOUS
            builder.skipped("anonymous_member" if anonymous else "no_counterpart")
            continue
        direction = "outbound" if outbound else "inbound"
        seen: set[str] = set()
        for url, raw, name in counterparts:
            key = url or state.name_key(name)
            if key in seen:
                continue
            seen.add(key)
            shown = name if name and _fold(name) != _ANONYMOUS else None
            record_id = state.record(key, msg.locator, shown, raw or url)
            builder.interaction(
                record_id,
                occurred_at=msg.occurred_at,
                channel="linkedin_message",
                direction=direction,
                identity=(msg.conversation, key, msg.occurred_at.isoformat(), direction),
                thread_key=msg.conversation or None,
            )
        builder.accepted()


# --- Imported Contacts ------------------------------------------------------------------


def _emit_imported(table: _Table, state: _State) -> None:
    ix = {
        "first": table.index("firstname"),
        "middle": table.index("middlename"),
        "last": table.index("lastname"),
        "full": table.index("fullname"),
        "company": table.index("companies", "company"),
        "title": table.index("title", "position"),
        "emails": table.index("emailaddress", "emails", "email"),
        "phones": table.index("phonenumbers", "phonenumber"),
        "created": table.index("createdat"),
    }
    builder = state.builder
    for locator, row in _items(state, table):
        get = {k: _cell(row.fields, i) for k, i in ix.items()}
        first, last = _clean(get["first"]), _clean(get["last"])
        name = _clean(get["full"]) or _clean(f"{first} {get['middle']} {last}")
        emails = [e for e in re.split(r"[\s,;]+", get["emails"]) if "@" in e]
        phones = [p.strip() for p in re.split(r"[,;]", get["phones"]) if re.search(r"\d", p)]
        company = _clean(get["company"])
        if any(e.lower() in state.me.emails for e in emails):
            builder.skipped("own_entry")
            continue
        if emails:
            key = emails[0].lower()
        elif phones:
            key = "tel:" + re.sub(r"[^\d+]", "", phones[0])
        elif name:
            key = "name:" + stable_id(_fold(name), _fold(company))
        else:
            builder.skipped("empty_contact")
            continue
        builder.record(
            key,
            locator=locator,
            name=name,
            given_name=first,
            family_name=last,
            emails=emails,
            phones=phones,
            company=company,
            title=_clean(get["title"]),
            observed_at=_parse_date(get["created"]),
        )
        builder.accepted()


# --- read -------------------------------------------------------------------------------


def _tables_from_members(members: list[_Member], state: _State) -> list[_Table]:
    tables = []
    for member in members:
        if member.data is None:
            state.builder.count_read()
            state.builder.reject(member.label, member.error or "cannot be read")
            continue
        if not member.data.strip(b"\r\n\t \xef\xbb\xbf"):
            continue  # an empty file holds no items
        table = _table(member.label, member.data, member.kind)
        if table is None:
            state.builder.count_read()
            state.builder.reject(
                member.label,
                f"no {member.kind} header in the first {HEADER_SEARCH_LINES} lines; "
                f"expected {_EXPECTED_HEADER[member.kind]}",
                member.data[:200],
            )
            continue
        tables.append(table)
    return tables


def read(path: Path, options: ReadOptions) -> Extract:
    """Read a LinkedIn export: the zip, the unpacked folder, or one CSV from it.

    Connections become records and ``linkedin_connection`` interactions, Invitations
    ``linkedin_invitation`` interactions, messages ``linkedin_message`` interactions
    (one per counterpart), Imported Contacts records. Profile.csv and Email
    Addresses.csv (rows not counted as items), ``options.me`` (else ``options.me_hints``),
    the Direction columns and, failing those, the participant of most messages identify
    the user, who never becomes a record; the user's profile URLs and addresses found
    go to ``me_hints``.

    Source keys: the normalised profile URL (``https://www.linkedin.com/in/<slug>``),
    else the e-mail address, else ``name:<folded name>`` (message and invitation
    counterparts; the matching connection's key when exactly one connection has that
    name) or ``name:<stable id of name and company>`` (connections).

    Args:
        path: the export zip, its unpacked folder, or a single CSV file from it.
        options: the user's own identifiers, if known.

    Returns:
        The Extract; locators read ``Connections.csv row 12`` (data rows, 1-based).

    Raises:
        UnreadableInput: the path cannot be read, a zip or folder holds no LinkedIn
            CSV, or a single CSV has no recognisable header in its first lines. In a
            zip or folder, one such CSV is one rejected item and the rest is read.
    """
    path = Path(path)
    builder = ExtractBuilder(CONNECTOR, SOURCE, _printable(str(path)))
    state = _State(builder, _Me.from_options(options))
    try:
        if path.is_dir():
            members = _folder_members(path)
            single = False
        else:
            with open(path, "rb") as fh:
                head = fh.read(8)
            single = not _is_zip(head)
            members = [] if single else _zip_members(path)
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot be read ({exc.strerror or exc})") from exc

    if single:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableInput(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        table = _table(path.name, data)
        if table is None:
            raise UnreadableInput(
                f"{path}: not a LinkedIn export CSV; expected a Connections, messages, "
                f"Invitations, Profile, Email Addresses or Imported Contacts header in the "
                f"first {HEADER_SEARCH_LINES} lines, e.g. {_EXPECTED_HEADER['connections']}"
            )
        tables = [table]
    else:
        if not members:
            raise UnreadableInput(
                f"{path}: no LinkedIn export CSV inside; expected Connections.csv, "
                f"messages.csv, Invitations.csv, Profile.csv, Email Addresses.csv or "
                f"Imported Contacts.csv"
            )
        tables = _tables_from_members(members, state)

    by_kind: dict[str, list[_Table]] = defaultdict(list)
    for table in tables:
        by_kind[table.kind].append(table)
    for table in by_kind["profile"]:
        _read_profile(table, state.me)
    for table in by_kind["emails"]:
        _read_email_addresses(table, state.me)
    for table in by_kind["invitations"]:
        _parse_invitations(table, state)
    for table in by_kind["connections"]:
        _parse_connections(table, state)
    for table in by_kind["messages"]:
        _parse_messages(table, state)
    if state.messages:
        _identify_me_in_messages(state, str(path))
    _note_incoming_invitations(state)
    _emit_connections(state)
    _emit_invitations(state)
    _emit_messages(state)
    for table in by_kind["imported"]:
        _emit_imported(table, state)
    builder.me_hints.extend(state.me.hints())
    return builder.build()
