"""Mail header blocks to small message summaries: the fields ties uses, decoded addresses,
a UTC date and the verdict direct / mailing list / automated / draft / spam / reject.

Only the header block of a message is ever looked at; bodies are never decoded.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz
from functools import lru_cache
from typing import NamedTuple

# The fields a summary needs; everything else in the block is never sliced out. A
# compiled alternation anchored on the newline before each field is about 10x faster
# than email.parser with compat32 on a Gmail header block of 4 KB, which matters on a
# Takeout archive of a million messages.
WANTED_FIELDS = (
    b"from",
    b"to",
    b"cc",
    b"bcc",
    b"date",
    b"received",
    b"message-id",
    b"subject",
    b"list-id",
    b"list-unsubscribe",
    b"list-post",
    b"precedence",
    b"auto-submitted",
    b"content-type",
    b"return-path",
    b"sender",
    b"newsgroups",
    b"x-gmail-labels",
    b"x-uniform-type-identifier",
    b"references",
    b"in-reply-to",
    b"x-gm-thrid",
)
_FIELD_RE = re.compile(
    rb"\n(" + b"|".join(re.escape(n) for n in WANTED_FIELDS) + rb")[ \t]*:(.*(?:\n[ \t].*)*)",
    re.IGNORECASE,
)
# A header line: a field name of printable ASCII without ':' or space, then ':'.
HEADER_LINE_RE = re.compile(rb"[!-9;-~]{1,100}[ \t]*:")

_FOLD_RE = re.compile(r"\s*\r?\n\s*")
_COMMENT_RE = re.compile(r"\([^()]*\)")
_ENCODED_WORD_RE = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_BETWEEN_WORDS_RE = re.compile(r"(\?=)\s+(=\?)")
_QP_HEX_RE = re.compile(rb"=([0-9A-Fa-f]{2})")
# Tokens of an address list: quoted strings, comments, angle addresses and encoded-words
# are atomic, so a comma inside "Smith, John" or a broken =?utf-8?Q?Smith, John?= does
# not split an address.
_ADDR_TOKEN_RE = re.compile(
    r'"(?:[^"\\]|\\.)*"?'  # quoted string (an unterminated one runs to the end)
    r"|\((?:[^()\\]|\\.)*\)?"  # comment
    r"|<[^<>]*>?"  # angle address
    r"|=\?[^?\s]+\?[bBqQ]\?[^?]*\?="  # encoded-word
    r'|[,;:]|[^",;:()<>=]+|.',
    re.DOTALL,
)
_VALID_ADDR_RE = re.compile(r"[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\]+")
_SIMPLE_ANGLE_RE = re.compile(
    r'\s*(?:"([^"\\]*)"|([^"<>,;:()\\@]*?))\s*<([^\s@<>()\[\],;:"\\]+@[^\s@<>()\[\],;:"\\]+)>\s*'
)
# Characters that send a name or an address list down the slower, careful path.
_NAME_SPECIALS_RE = re.compile(r"[\"'\\=@]")
_ADDR_SPECIALS_RE = re.compile(r'["(:;\\]')
_SIMPLE_BARE_RE = re.compile(r'\s*([^\s@<>()\[\],;:"\\=]+@[^\s@<>()\[\],;:"\\]+)\s*')

_AUTOMATED_LOCAL_RE = re.compile(
    r"(?:^|[-_.+])(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|"
    r"notifications?|bounces?)(?:$|[-_.+])|noreply"
)
_LIST_ENVELOPE_RE = re.compile(
    rb"(?:^|[\s<,:])(?:owner-[^\s@<>]*|[^\s@<>]*-(?:owner|request|bounces)(?:\+[^\s@<>]*)?)@",
    re.IGNORECASE,
)
_LIST_PRECEDENCE = frozenset({b"list", b"bulk", b"junk"})

# Charsets that mail in the wild names but Python's codecs lack or read too narrowly.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "x-sjis": "shift_jis",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
}

_MIN_YEAR, _MAX_YEAR = 1971, 2100
# The common "Mon, 1 Jan 2024 10:00:00 -0800" form, parsed without email.utils (3x faster).
_RFC5322_DATE_RE = re.compile(
    r"\s*(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})"
    r"(?::(\d{2}))?\s+([+-])(\d{2})(\d{2})\s*"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
EXCERPT_BYTES = 200


class Address(NamedTuple):
    """One mailbox from a header: lower-cased key, the address as written, decoded name."""

    key: str
    addr: str
    name: str | None


class MessageSummary(NamedTuple):
    """What the connector keeps of one message between its two passes (small, picklable).

    status is ``direct``, ``skip`` or ``reject``; reason names the skip or reject.
    """

    locator: str
    status: str
    reason: str = ""
    excerpt: str = ""
    occurred_at: datetime | None = None
    sender: Address | None = None
    recipients: tuple[Address, ...] = ()
    thread_key: str | None = None
    identity_key: str = ""
    gmail_sent: bool = False


# -- field extraction -------------------------------------------------------------------


def extract_fields(block: bytes) -> dict[bytes, bytes]:
    """The first occurrence of each wanted field in a header block, raw and still folded.

    Args:
        block: the header block, up to (not including) the blank line.

    Returns:
        Lower-case field name to raw value bytes (leading whitespace kept).
    """
    # Reversed, so that the first occurrence of a field is the one that stays.
    return {name.lower(): value for name, value in reversed(_FIELD_RE.findall(b"\n" + block))}


def header_text(raw: bytes) -> str:
    """Raw header bytes as one unfolded line of text; 8-bit bytes read as UTF-8, else cp1252."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", "replace")
    if "\n" in text:
        text = _FOLD_RE.sub(" ", text)
    return text.strip()


# -- RFC 2047 ----------------------------------------------------------------------------


def _codec(charset: str) -> str:
    name = charset.split("*", 1)[0].strip().lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def _decode_word(m: re.Match[str]) -> str:
    charset, encoding, text = m.group(1), m.group(2).upper(), m.group(3)
    raw = text.encode("utf-8")
    try:
        if encoding == "B":
            raw = base64.b64decode(raw + b"=" * (-len(raw) % 4), validate=False)
        else:
            raw = _QP_HEX_RE.sub(lambda h: bytes([int(h.group(1), 16)]), raw.replace(b"_", b" "))
    except (binascii.Error, ValueError):
        return m.group(0)
    return raw.decode(_codec(charset), "replace")


def decode_words(text: str) -> str:
    """Decode RFC 2047 encoded-words, tolerating unknown charsets and bad base64.

    Whitespace between two adjacent encoded-words is dropped as RFC 2047 says; a word
    that cannot be decoded is left as it is.
    """
    if "=?" not in text:
        return text
    text = _BETWEEN_WORDS_RE.sub(r"\1\2", text)
    return _ENCODED_WORD_RE.sub(_decode_word, text)


# -- addresses ---------------------------------------------------------------------------


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text.replace('\\"', '"').replace("\\\\", "\\").strip()


def _clean_name(name: str, addr: str) -> str | None:
    if not _NAME_SPECIALS_RE.search(name):
        return " ".join(name.split()) or None
    name = " ".join(_unquote(decode_words(_unquote(name))).split())
    # A name that is itself an address ("alice@example.com <bob@example.com>") names nobody.
    if not name or _VALID_ADDR_RE.fullmatch(name.strip("<>")):
        return None
    return name


def _mailbox(tokens: list[str]) -> Address | None:
    """One mailbox from its tokens: ``name <addr>``, ``addr (name)`` or a bare ``addr``."""
    angle = [t for t in tokens if t.startswith("<")]
    if angle:
        addr = angle[-1].strip("<>").strip()
        # A source route <@relay:user@host> keeps only the mailbox.
        if ":" in addr:
            addr = addr.rsplit(":", 1)[1]
        last = tokens.index(angle[-1])
        name = "".join(t for t in tokens[:last] if not t.startswith("(")).strip()
        if not name:
            comments = [t for t in tokens if t.startswith("(")]
            name = comments[0][1:-1] if comments else ""
    else:
        comments = [t for t in tokens if t.startswith("(")]
        addr = "".join(t for t in tokens if not t.startswith("(")).strip()
        name = comments[0][1:-1] if comments else ""
        # Some senders put the whole address in an encoded-word.
        if "@" not in addr and "=?" in addr:
            decoded = decode_words(addr)
            if decoded != addr:
                return _mailbox(_ADDR_TOKEN_RE.findall(decoded))
    addr = "".join(addr.split()).strip("'\"")
    if not _VALID_ADDR_RE.fullmatch(addr):
        return None
    return Address(addr.lower(), addr, _clean_name(name, addr) if name else None)


def _simple_mailbox(text: str) -> Address | None:
    m = _SIMPLE_ANGLE_RE.fullmatch(text)
    if m:
        addr = m.group(3)
        name = m.group(1) if m.group(1) is not None else m.group(2)
        return Address(addr.lower(), addr, _clean_name(name, addr) if name else None)
    m = _SIMPLE_BARE_RE.fullmatch(text)
    if m:
        return Address(m.group(1).lower(), m.group(1), None)
    return None


def parse_addresses(value: str) -> list[Address]:
    """Split an address header into mailboxes, then decode each display name.

    Splitting happens on the raw text so that an encoded ``Smith, John`` stays one name;
    group syntax (``undisclosed-recipients:;``) and invalid entries yield nothing.
    """
    # Most headers are one plain mailbox or a plain comma list; skip the tokenizer then.
    if not _ADDR_SPECIALS_RE.search(value):
        pieces = value.split(",")
        boxes = [_simple_mailbox(p) for p in pieces]
        if all(b is not None or not p.strip() for b, p in zip(boxes, pieces, strict=True)):
            return [b for b in boxes if b is not None]
    else:
        box = _simple_mailbox(value)
        if box is not None:
            return [box]
    out: list[Address] = []
    current: list[str] = []
    for tok in [*_ADDR_TOKEN_RE.findall(value), ","]:
        if tok in (",", ";"):
            if current:
                box = _mailbox(current)
                if box is not None:
                    out.append(box)
            current = []
        elif tok == ":" and not any(t.startswith("<") for t in current):
            # "group-name:" opens a group; what came before it is the group's name.
            current = []
        else:
            current.append(tok)
    return out


@lru_cache(maxsize=4096)
def _header_addresses(raw: bytes) -> tuple[Address, ...]:
    """``parse_addresses`` of a raw header value, remembered: the same From and To values
    come back message after message (the user's own address in nearly every one), and
    parsing them is a third of the time spent on a header block."""
    return tuple(parse_addresses(header_text(raw)))


# -- dates -------------------------------------------------------------------------------


def parse_date(text: str | None) -> datetime | None:
    """A mail date (RFC 5322, asctime or a Received tail) as an aware UTC datetime, or None."""
    if not text:
        return None
    if "(" in text:
        text = _COMMENT_RE.sub(" ", text)
    m = _RFC5322_DATE_RE.fullmatch(text)
    try:
        if m:
            day, mon, year, hh, mm, ss, sign, oh, om = m.groups()
            month = _MONTHS.get(mon.lower())
            if month is not None:
                offset = timedelta(hours=int(oh or 0), minutes=int(om or 0))
                tz = timezone(-offset if sign == "-" else offset)
                dt = datetime(int(year), month, int(day), int(hh), int(mm), int(ss or 0), tzinfo=tz)
                return dt.astimezone(UTC) if _MIN_YEAR <= dt.year <= _MAX_YEAR else None
        parsed = parsedate_tz(text.strip())
        if parsed is None:
            return None
        offset = parsed[9] or 0
        dt = datetime(*parsed[:6], tzinfo=timezone(timedelta(seconds=offset)))
    except (ValueError, OverflowError, TypeError, IndexError):
        return None
    if not _MIN_YEAR <= dt.year <= _MAX_YEAR:
        return None
    return dt.astimezone(UTC)


# -- summary -----------------------------------------------------------------------------


def _stable_id(*parts: object, length: int = 16) -> str:
    """``connectors.base.stable_id``, repeated so that this module does not import pandas.

    The processes that read mbox shards import only this module and ``mail_mbox``; with
    pandas they would take 1-2 s each to start. A test checks that the two agree.
    """
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(b"\x1f" if p is None else str(p).encode("utf-8", "surrogatepass") + b"\x1e")
    return h.hexdigest()[:length]


def _excerpt(block: bytes, *names: bytes) -> str:
    for name in names:
        m = re.search(rb"(?im)^" + re.escape(name) + rb"[ \t]*:.*", block)
        if m:
            return m.group(0)[:EXCERPT_BYTES].decode("utf-8", "replace")
    return block[:EXCERPT_BYTES].decode("utf-8", "replace")


def _labels(fields: dict[bytes, bytes]) -> set[str]:
    raw = fields.get(b"x-gmail-labels")
    if raw is None:
        return set()
    return {p.strip().strip('"').lower() for p in decode_words(header_text(raw)).split(",")}


def _automated(fields: dict[bytes, bytes], sender: Address | None) -> bool:
    auto = fields.get(b"auto-submitted")
    if auto is not None:
        value = auto.split(b";", 1)[0].strip().lower()
        if value and value != b"no":
            return True
    ctype = fields.get(b"content-type")
    if ctype is not None and ctype.lstrip()[:16].lower() == b"multipart/report":
        return True
    rpath = fields.get(b"return-path")
    if rpath is not None and b"".join(rpath.split()) == b"<>":
        return True
    prec = fields.get(b"precedence")
    if prec is not None and prec.strip().lower().startswith(b"auto"):
        return True
    return sender is not None and bool(_AUTOMATED_LOCAL_RE.search(sender.key.split("@", 1)[0]))


def _mailing_list(fields: dict[bytes, bytes]) -> bool:
    if b"list-id" in fields or b"list-unsubscribe" in fields or b"list-post" in fields:
        return True
    if b"newsgroups" in fields:
        return True
    prec = fields.get(b"precedence")
    if prec is not None and prec.strip().lower() in _LIST_PRECEDENCE:
        return True
    # Majordomo/LISTSERV/Mailman lists that predate List-Id still say so in the envelope.
    for name in (b"sender", b"return-path"):
        raw = fields.get(name)
        if raw is not None and _LIST_ENVELOPE_RE.search(raw):
            return True
    return False


_MSG_ID_RE = re.compile(r"<[^<>\s]+>")


def _thread_root(fields: dict[bytes, bytes], message_id: str | None) -> str | None:
    """The id every message of a conversation shares: Gmail's thread id, else the first
    id in References (the thread's first message), else In-Reply-To, else its own id."""
    thrid = fields.get(b"x-gm-thrid")
    if thrid is not None and thrid.strip():
        return "gm:" + header_text(thrid).strip()
    for name in (b"references", b"in-reply-to"):
        raw = fields.get(name)
        if raw is not None and (m := _MSG_ID_RE.search(header_text(raw))):
            return m.group(0)
    return message_id


def _message_id(fields: dict[bytes, bytes]) -> str | None:
    raw = fields.get(b"message-id")
    if raw is None:
        return None
    text = header_text(raw)
    m = re.search(r"<[^<>\s]+>", text)
    if m:
        return m.group(0)
    return text.split()[0] if text.split() else None


def summarize(
    block: bytes,
    locator: str,
    *,
    fallback_date: Callable[[], datetime | None] | None = None,
    draft: bool = False,
) -> MessageSummary:
    """Summarise one message from its header block.

    Args:
        block: the header block (no mbox separator line, no body).
        locator: where the message is (``byte 1024``, ``cur/1700000000.M1.host:2,S``).
        fallback_date: called for a date when neither Date nor Received has one (the
            mbox separator line's date, a Maildir file name's delivery time).
        draft: the container already marks the message as a draft (Maildir ``D`` flag).

    Returns:
        A MessageSummary; ``reject`` when the block is no mail header or lacks a usable
        From address or any date, ``skip`` for drafts, spam, automated mail and lists.
    """
    if not HEADER_LINE_RE.match(block) or b"\0" in block:
        return MessageSummary(
            locator, "reject", "not a mail message: no header lines", _excerpt(block)
        )
    fields = extract_fields(block)
    labels = _labels(fields)
    if draft or "draft" in labels or "drafts" in labels:
        return MessageSummary(locator, "skip", "draft")
    uti = fields.get(b"x-uniform-type-identifier")
    if uti is not None and b"mail-draft" in uti:
        return MessageSummary(locator, "skip", "draft")
    if "spam" in labels:
        return MessageSummary(locator, "skip", "spam")

    from_raw = fields.get(b"from")
    senders = _header_addresses(from_raw) if from_raw is not None else ()
    sender = senders[0] if senders else None
    if _automated(fields, sender):
        return MessageSummary(locator, "skip", "automated")
    if _mailing_list(fields):
        return MessageSummary(locator, "skip", "mailing_list")
    if sender is None:
        reason = "no From header" if from_raw is None else "no usable From address"
        return MessageSummary(locator, "reject", reason, _excerpt(block, b"from"))

    occurred_at = None
    if b"date" in fields:
        occurred_at = parse_date(header_text(fields[b"date"]))
    if occurred_at is None and b"received" in fields:
        received = header_text(fields[b"received"])
        if ";" in received:
            occurred_at = parse_date(received.rsplit(";", 1)[1])
    if occurred_at is None and fallback_date is not None:
        occurred_at = fallback_date()
    if occurred_at is None:
        reason = "no Date header" if b"date" not in fields else "unparseable Date header"
        return MessageSummary(locator, "reject", reason, _excerpt(block, b"date", b"from"))

    recipients: list[Address] = []
    for name in (b"to", b"cc", b"bcc"):
        raw = fields.get(name)
        if raw is not None:
            recipients.extend(_header_addresses(raw))
    message_id = _message_id(fields)
    thread_key = _thread_root(fields, message_id)
    identity_key = message_id or "no-message-id:" + _stable_id(
        occurred_at.isoformat(), sender.key, fields.get(b"subject", b"").strip()
    )
    return MessageSummary(
        locator,
        "direct",
        occurred_at=occurred_at,
        sender=sender,
        recipients=tuple(recipients),
        thread_key=thread_key,
        identity_key=identity_key,
        gmail_sent="sent" in labels,
    )


def summarize_safely(block: bytes, locator: str, **kwargs) -> MessageSummary:
    """``summarize``, with any failure on a malformed block turned into a reject."""
    try:
        return summarize(block, locator, **kwargs)
    except Exception as exc:  # noqa: BLE001 - one bad message must never stop the file
        return MessageSummary(
            locator,
            "reject",
            f"unreadable headers ({type(exc).__name__})",
            block[:EXCERPT_BYTES].decode("utf-8", "replace"),
        )
