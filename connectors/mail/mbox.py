"""Stream an mbox file as (offset, separator line, header block) without decoding bodies.

A tight binary scan for separator lines over large blocks; whether a line is a separator
depends only on the bytes around it, so any byte range of a file can be scanned on its
own and the ranges' messages concatenate to the whole file's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple

from connectors import progress
from connectors.mail.dates import parse_date
from connectors.mail.headers import Address, MessageSummary
from connectors.mail.summary import HEADER_LINE_RE, summarize_safely

BLOCK_SIZE = 8 << 20
MAX_HEADER_BYTES = 512 << 10
MAX_SEPARATOR_LINE = 1024
LOOKAHEAD = 4096
BOM = b"\xef\xbb\xbf"

_SEP = b"\nFrom "
# "From <anything> <date>" with an asctime-style (mboxo, Takeout: "Mon Jan 01 00:00:00 +0000
# 2024") or RFC 5322-style date; strong enough to split even without a blank line before.
_DATED_RE = re.compile(
    rb"\S+ +(?:[A-Za-z]{3},? +)?(?:[A-Za-z]{3} +\d{1,2}|\d{1,2} +[A-Za-z]{3}) +"
    rb"(?:\d{2,4} +)?\d{1,2}:\d{2}(?::\d{2})?(?: +\S+){0,3}"
)
_YEAR_RE = re.compile(rb"\b(?:19|20)\d\d\b")


class RawMessage(NamedTuple):
    """One message as the scan finds it.

    Attributes:
        offset: byte offset of its separator line in the file.
        separator: the separator line after ``From `` (``- Mon Jun  3 12:50:27 1996``).
        header: the header block, without the separator line and the blank line.
    """

    offset: int
    separator: bytes
    header: bytes


def data_start(head: bytes) -> int:
    """Offset of the first line after a UTF-8 BOM and leading blank lines."""
    i = len(BOM) if head.startswith(BOM) else 0
    while i < len(head) and head[i] in b"\r\n":
        i += 1
    return i


def looks_like_mbox(head: bytes) -> bool:
    """True if the bytes start (after a BOM and blank lines) with an mbox ``From `` line."""
    start = data_start(head)
    if not head.startswith(b"From ", start):
        return False
    le = head.find(b"\n", start, start + MAX_SEPARATOR_LINE)
    if le < 0:
        return False
    line = head[start + 5 : le].strip()
    return bool(HEADER_LINE_RE.match(head, le + 1)) or _strong(line) or _weak(line)


def separator_date(separator: bytes) -> datetime | None:
    """The date on an mbox separator line (``MAILER-DAEMON Fri Jul  8 12:08:34 2011``)."""
    parts = separator.split(None, 1)
    if len(parts) < 2:
        return None
    return parse_date(parts[1].decode("ascii", "replace"))


def _strong(line: bytes) -> bool:
    # Netscape/Thunderbird write "From - <date>" or a bare "From - ", often with no blank
    # line before it (mimekit content-length.mbox).
    if line[:1] == b"-" and (len(line) == 1 or line[1:2] in (b" ", b"\t")):
        return True
    return bool(_DATED_RE.fullmatch(line)) and bool(_YEAR_RE.search(line))


def _weak(line: bytes) -> bool:
    # Gmail's "From 1844347792267117879@xxx" with no date at all.
    return b"@" in line and b" " not in line and b"\t" not in line


def _is_separator(buf: bytes, r: int, le: int) -> bool:
    """Whether the line buf[r:le] (which starts with ``From ``) separates two messages.

    It must look like a separator line and be followed by a header line; a weak form
    (an address but no date) must also follow a blank line, so that an unescaped
    ``From Russia with love`` in a body never splits a message.
    """
    if not HEADER_LINE_RE.match(buf, le + 1):
        return False
    line = buf[r + 5 : le].strip()
    if _strong(line):
        return True
    if not _weak(line):
        return False
    return r >= 2 and (buf[r - 2] == 10 or (r >= 3 and buf[r - 2] == 13 and buf[r - 3] == 10))


class _Scanner:
    """A buffered window over the file; positions given to and returned by it are absolute."""

    def __init__(self, f: BinaryIO, start: int, limit: int | None = None):
        self.f = f
        self.base = max(start - 4, 0)
        f.seek(self.base)
        self.buf = b""
        self.keep = self.base
        self.eof = False
        # Reads stop at ``limit`` unless asked for more: a shard needs only the header of
        # its last message past its end, not a whole block (8 MiB) for every shard.
        self.limit = limit

    def ensure(self, upto: int) -> None:
        """Read until the buffer reaches absolute offset ``upto`` or the end of the file."""
        while not self.eof and self.base + len(self.buf) < upto:
            size = BLOCK_SIZE
            if self.limit is not None:
                size = max(1, min(size, max(self.limit, upto) - self.base - len(self.buf)))
            # Drop what lies before ``keep`` (only bytes already in the buffer). The kept
            # tail is read again with the next block rather than copied in front of it:
            # it is short, the block is not.
            drop = min(max(self.keep - self.base, 0), len(self.buf))
            if drop:
                tail = len(self.buf) - drop
                self.base += drop
                if tail:
                    self.f.seek(self.base)
                data = self.f.read(tail + size)
                self.eof = len(data) <= tail
                self.buf = data
                progress.advance(max(len(data) - tail, 0))
            else:
                data = self.f.read(size)
                self.eof = not data
                self.buf += data
                progress.advance(len(data))

    def message_at(self, p: int, at_start: bool) -> tuple[RawMessage | None, int]:
        """The message whose separator line starts at p, and where to search on from."""
        self.keep = max(p - 4, 0)
        self.ensure(p + LOOKAHEAD)
        buf, base = self.buf, self.base
        r = p - base
        le = buf.find(b"\n", r, r + MAX_SEPARATOR_LINE)
        if le < 0 or not (at_start or _is_separator(buf, r, le)):
            if at_start:
                return RawMessage(p, buf[r + 5 : r + 80].strip(), b""), p
            return None, p
        separator = buf[r + 5 : le].strip()
        crlf = buf[le - 1] == 13
        hstart = base + le + 1
        self.ensure(hstart + MAX_HEADER_BYTES + LOOKAHEAD)
        buf, base = self.buf, self.base
        hs = hstart - base
        limit = min(len(buf), hs + MAX_HEADER_BYTES)
        # Look for the line ending the file uses first; the other only before it.
        first, second = (b"\n\r\n", b"\n\n") if crlf else (b"\n\n", b"\n\r\n")
        e = buf.find(first, hs - 1, limit)
        # A bare-LF header holds no CR: one memchr spares the second search.
        if e < 0 or crlf or buf.find(b"\r", hs, e) >= 0:
            e2 = buf.find(second, hs - 1, e + 1 if e >= 0 else limit)
            if e2 >= 0 and (e < 0 or e2 < e):
                e = e2
        hend, resume = (e + 1, e) if e >= 0 else (limit, max(limit - 1, hs))
        # A separator inside the header block (a message with no body and no blank line
        # before the next one) ends the block there.
        # It covers every "\n" before ``resume``, where the main search goes on.
        cut_end = hend - 2 + len(_SEP)
        q = buf.find(_SEP, hs - 1, cut_end)
        while q >= 0:
            qe = buf.find(b"\n", q + 1, q + 1 + MAX_SEPARATOR_LINE)
            if qe >= 0 and _is_separator(buf, q + 1, qe):
                hend, resume = q + 1, q
                break
            q = buf.find(_SEP, q + 1, cut_end)
        return RawMessage(p, separator, buf[hs:hend]), base + resume


def scan_mbox(path: Path, start: int = 0, end: int | None = None) -> Iterator[RawMessage]:
    """Yield each message whose separator line starts in the byte range [start, end).

    Scanning consecutive ranges of one file yields, concatenated, exactly the messages
    of scanning it whole, so a large archive can be split across processes.

    Args:
        path: the mbox file.
        start: first byte offset of the range.
        end: end of the range (exclusive); None for the end of the file.

    Yields:
        RawMessage for each message, in file order.
    """
    with open(path, "rb") as f:
        head = f.read(64 << 10)
        first = data_start(head)
        limit = None
        if end is None:
            end = f.seek(0, 2)
        else:
            limit = end + MAX_SEPARATOR_LINE + MAX_HEADER_BYTES + 2 * LOOKAHEAD
        scanner = _Scanner(f, start, limit)
        pos = max(start - 1, first)
        if start <= first < end:
            msg, pos = scanner.message_at(first, at_start=True)
            if msg is not None:
                yield msg
        while True:
            scanner.keep = max(pos - 4, 0)
            buf, base = scanner.buf, scanner.base
            rel = buf.find(_SEP, max(pos - base, 0))
            if rel < 0:
                if scanner.eof or base + len(buf) >= end + len(_SEP):
                    return
                pos = max(pos, base + len(buf) - len(_SEP) + 1)
                scanner.keep = max(pos - 4, 0)
                scanner.ensure(base + len(buf) + 1)
                continue
            p = base + rel + 1
            if p >= end:
                return
            msg, pos = scanner.message_at(p, at_start=False)
            if msg is not None:
                yield msg


def summarize_mbox_range(
    path: Path, start: int = 0, end: int | None = None
) -> list[MessageSummary]:
    """Summaries of the messages of an mbox whose separator starts in [start, end).

    The unit of work of a parallel read (see ``shard_ranges``): the shards of one file
    concatenate to the summaries of the whole file. It lives here, away from pandas, so
    that a worker process starts in a few tens of milliseconds.

    Args:
        path: the mbox file.
        start: first byte offset of the range.
        end: end of the range (exclusive); None for the end of the file.

    Returns:
        One MessageSummary per message, in file order; never a body.
    """
    out = []
    # One object per distinct mailbox: the user's own address is in nearly every message,
    # and a shared object is also pickled once per shard.
    shared: dict[Address, Address] = {}
    for raw in scan_mbox(path, start, end):
        sep = raw.separator
        summary = summarize_safely(
            raw.header,
            f"byte {raw.offset}",
            fallback_date=lambda sep=sep: separator_date(sep),
        )
        if summary.sender is not None:
            summary = summary._replace(
                sender=shared.setdefault(summary.sender, summary.sender),
                recipients=tuple(shared.setdefault(r, r) for r in summary.recipients),
            )
        out.append(summary)
    return out


def shard_ranges(size: int, n: int) -> list[tuple[int, int]]:
    """Split [0, size) into n contiguous byte ranges for scanning in parallel."""
    n = max(1, n)
    bounds = [size * i // n for i in range(n + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(n) if bounds[i] < bounds[i + 1]]
