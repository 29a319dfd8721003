"""Which files are mail (mbox, .eml; never Outlook's binary formats), and one file's summaries."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from connectors.base import UnreadableInput
from connectors.mail.headers import MessageSummary
from connectors.mail.mbox import (
    BOM,
    MAX_HEADER_BYTES,
    data_start,
    looks_like_mbox,
)
from connectors.mail.shards import summarize_mbox
from connectors.mail.summary import HEADER_LINE_RE, summarize_safely

HEAD_BYTES = 64 << 10

log = logging.getLogger(__name__)

# Outlook's binary formats: an OLE compound file (.msg) and a PST/OST store.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PST_MAGIC = b"!BDN"
_OUTLOOK_SUFFIXES = frozenset({".msg", ".pst", ".ost"})

_FIELD_NAME_RE = re.compile(rb"(?m)^([!-9;-~]{1,100})[ \t]*:")
_MAIL_FIELDS = frozenset(
    {
        b"from",
        b"to",
        b"cc",
        b"subject",
        b"date",
        b"received",
        b"message-id",
        b"return-path",
        b"mime-version",
        b"delivered-to",
        b"sender",
        b"reply-to",
        b"in-reply-to",
        b"references",
        b"x-mailer",
        b"user-agent",
        b"content-type",
        b"newsgroups",
    }
)
_CORE_FIELDS = frozenset(
    {b"from", b"to", b"received", b"message-id", b"return-path", b"delivered-to"}
)
# A file the user saved as a single message: its header block alone makes it one, as a
# message inside an mbox is one item whatever its fields (one without From is then
# rejected as an item, with the reason, not refused as a file).
MESSAGE_SUFFIXES = frozenset({".eml"})


def sniff(path: Path, head: bytes) -> bool:
    """Whether this connector reads the file: an mbox or a single RFC 822 message.

    Judged by content: an mbox starts with a ``From `` separator line followed by a
    header; a message starts with header lines that include mail fields, or, in a file
    named ``.eml``, with any header lines (binary content never). Outlook
    ``.msg``/``.pst`` files are not read.

    Args:
        path: the file (only its suffix is looked at).
        head: its first 64 KiB.

    Returns:
        True if ``read`` should be given this file.
    """
    if Path(path).suffix.lower() in _OUTLOOK_SUFFIXES or _is_outlook(head):
        return False
    if looks_like_mbox(head):
        return True
    block = header_block(head[data_start(head) :])
    if not HEADER_LINE_RE.match(block) or b"\0" in block:
        return False
    if Path(path).suffix.lower() in MESSAGE_SUFFIXES:
        return True
    names = {m.group(1).lower() for m in _FIELD_NAME_RE.finditer(block)}
    return len(names & _MAIL_FIELDS) >= 2 and bool(names & _CORE_FIELDS)


def summarize_file(path: Path) -> list[MessageSummary]:
    """Summaries of every message of an mbox or .eml file, in file order.

    Raises:
        UnreadableInput: the file cannot be opened or is not mail.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot be opened ({exc.strerror or exc})") from exc
    if _is_outlook(head):
        raise UnreadableInput(
            f"{path}: an Outlook .msg/.pst file, which ties does not read; "
            "export the mail as mbox or .eml"
        )
    start = data_start(head)
    if not head[start:].strip():
        return []
    if looks_like_mbox(head):
        return summarize_mbox(path)
    block = header_block(read_header_bytes(path, start))
    if not HEADER_LINE_RE.match(block) or b"\0" in block:
        raise UnreadableInput(
            f"{path}: not mail: expected an mbox file (starting with a 'From ' line) "
            "or a single .eml message (starting with header lines)"
        )
    return [summarize_safely(block, f"byte {start}")]


def _is_outlook(head: bytes) -> bool:
    return head.startswith(_OLE_MAGIC) or head.startswith(_PST_MAGIC)


def header_block(data: bytes) -> bytes:
    """The header block of a single message: everything before the first blank line."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    ends = [i for i in (data.find(b"\n\n"), data.find(b"\n\r\n")) if i >= 0]
    if ends:
        return data[: min(ends) + 1]
    if data[:1] in (b"\n", b"\r"):
        return b""
    return data[:MAX_HEADER_BYTES]


def read_header_bytes(path: Path, start: int = 0) -> bytes:
    """The start of a message file, enough to hold its header block (bodies stay unread)."""
    chunks = []
    size = 0
    with open(path, "rb") as f:
        f.seek(start)
        while size < MAX_HEADER_BYTES:
            chunk = f.read(HEAD_BYTES)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if b"\n\n" in chunk or b"\n\r\n" in chunk:
                break
    return b"".join(chunks)
