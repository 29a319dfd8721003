"""Tolerant vCard pre-parser: raw bytes in, one clean vCard 3.0 text per card out.

Real address books break strict parsers (BOMs, UTF-16, raw cp1252, 2.1 quoted-printable,
Apple's escaped quotes, 4.0 syntax); this layer repairs them so vobject sees plain 3.0.
"""

from __future__ import annotations

import binascii
import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

CHUNK_BYTES = 1 << 20
LEGACY_SAMPLE_BYTES = 64 << 10
FALLBACK_CODEC = "cp1252"

# Only these properties reach vobject and the extractor. Everything else (PHOTO, LOGO,
# SOUND, KEY, X-MS-CARDPICTURE, ...) is dropped while unfolding, so the lines of a 50 KiB
# base64 photo are glanced at and never joined, decoded or parsed.
KEPT_PROPERTIES = frozenset(
    {
        "VERSION",
        "KIND",
        "X-ADDRESSBOOKSERVER-KIND",
        "X-ABSHOWAS",
        "UID",
        "REV",
        "N",
        "FN",
        "NICKNAME",
        "ORG",
        "TITLE",
        "EMAIL",
        "TEL",
        "URL",
        "X-SOCIALPROFILE",
        "SOCIALPROFILE",
        "X-LINKEDIN",
        "X-ABLABEL",
        "ADR",
        "BDAY",
        "NOTE",
        "CATEGORIES",
    }
)
# Lines a reject's excerpt leaves out: they say nothing about the card, or are binary.
_NOT_PREVIEWED = frozenset({b"VERSION", b"PRODID", b"PHOTO", b"LOGO", b"SOUND", b"KEY"})
_KEPT_BYTES = frozenset(name.encode("ascii") for name in KEPT_PROPERTIES)
KEPT_PARAMS = frozenset({"TYPE", "PREF", "X-USER", "X-APPLE-OMIT-YEAR"})
_BARE_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})

# How each kept property treats ',' and ';' (RFC 2426): N and ADR are ';'-structured with
# ','-lists inside; ORG is ';'-structured only; CATEGORIES and NICKNAME are ','-lists.
_COMMA_IS_SEPARATOR = frozenset({"N", "ADR", "CATEGORIES", "NICKNAME"})
_SEMICOLON_IS_SEPARATOR = frozenset({"N", "ADR", "ORG"})

# Legacy 8-bit codecs we trust charset-normalizer to pick over cp1252: other scripts,
# where cp1252 would give mojibake. Between Western codecs (cp1250, latin-1, cp1254...) it
# guesses badly on short names, so those stay cp1252.
_TRUSTED_LEGACY = frozenset(
    {
        "cp1251",
        "koi8_r",
        "koi8_u",
        "mac_cyrillic",
        "cp1253",
        "cp1255",
        "cp1256",
        "cp1257",
        "cp1258",
        "cp874",
        "cp932",
        "shift_jis",
        "euc_jp",
        "iso2022_jp",
        "gb2312",
        "gbk",
        "gb18030",
        "big5",
        "cp950",
        "euc_kr",
        "cp949",
    }
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# A UTF-8 BOM may start any card when files were concatenated (cat a.vcf b.vcf).
_BEGIN = re.compile(rb"(?:\xef\xbb\xbf)?[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", re.I)
_END_IN_CARD = re.compile(rb"(?:\xef\xbb\xbf)?END[ \t]*:[ \t]*VCARD[ \t]*$", re.I)
_PROP_START = re.compile(rb"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)[ \t]*[;:]")
_AGENT_OPEN = re.compile(rb"(?:[A-Za-z0-9_-]+\.)?AGENT\b[^:]*:[ \t]*$", re.I)
_NEEDS_ESCAPING = re.compile(r"[\\,;\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")
_ESCAPES = re.compile(
    r"\\(.)|(\\)$|(,)|(;)|(\r\n|\r|\n)|([\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029])", re.S
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNESCAPE = re.compile(r"\\(.)", re.S)
_SAFE_PARAM = re.compile(r"[^A-Za-z0-9 ._+@/-]")


@dataclass(slots=True)
class Prop:
    """One property after repair: decoded, unescaped-then-re-escaped to canonical 3.0.

    ``value`` uses only the escapes ``\\\\ \\, \\; \\n``; ``params`` keep only what the
    extractor reads (TYPE lower-cased and split, PREF, X-USER, X-APPLE-OMIT-YEAR).
    """

    group: str | None
    name: str
    params: dict[str, list[str]]
    value: str

    def to_line(self) -> str:
        head = f"{self.group}.{self.name}" if self.group else self.name
        parts = [head]
        for key, values in self.params.items():
            if values:
                parts.append(f"{key}={','.join(values)}")
        return ";".join(parts) + ":" + self.value


@dataclass(slots=True)
class Field:
    """A property as the extractor reads it, whichever parser produced it.

    Structured properties (N, ADR, ORG, CATEGORIES) carry a list of components.
    """

    group: str | None
    name: str
    params: dict[str, list[str]]
    value: str | list[str]


@dataclass
class CardText:
    """One card, repaired: where it was, its properties, and its vCard 3.0 text."""

    number: int
    line: int
    terminated: bool
    version: str
    props: list[Prop]
    preview: str

    @property
    def locator(self) -> str:
        return f"card {self.number} (line {self.line})"

    def vcard3(self) -> str:
        """The card as vCard 3.0 text that vobject accepts."""
        body = "\r\n".join(p.to_line() for p in self.props if p.name != "VERSION")
        return f"BEGIN:VCARD\r\nVERSION:3.0\r\n{body}\r\nEND:VCARD\r\n"

    def content_key(self) -> tuple[str, ...]:
        """The card's normalised content, for an id when it has no UID (REV excluded)."""
        return tuple(p.to_line() for p in self.props if p.name not in ("REV", "VERSION"))

    def fields(self) -> list[Field]:
        """This parser's own reading of the properties (used when vobject refuses a card)."""
        return [
            Field(p.group, p.name, p.params, _native_value(p.name, p.value)) for p in self.props
        ]


@dataclass(frozen=True)
class Birthday:
    """A birthday as vCards write it; ``year`` is None for --MMDD or Apple's 1604 marker."""

    year: int | None
    month: int
    day: int

    def iso(self) -> str:
        return (
            f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
            if self.year
            else f"--{self.month:02d}-{self.day:02d}"
        )


# --- encodings ----------------------------------------------------------------------------


def detect_file_encoding(head: bytes) -> tuple[str, int]:
    """The file's text encoding and BOM length: a BOM, else UTF-16 by its NUL pattern.

    Returns ``("utf-8", n)`` for everything byte-oriented (UTF-8 and legacy 8-bit codecs,
    which are told apart per line later).
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    sample = head[:512]
    half = len(sample) // 2
    if half >= 4:
        even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
        if odd_nuls > half * 0.4 and even_nuls < half * 0.1:
            return "utf-16-le", 0
        if even_nuls > half * 0.4 and odd_nuls < half * 0.1:
            return "utf-16-be", 0
    return "utf-8", 0


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, good enough to judge what it is."""
    codec, bom = detect_file_encoding(head)
    if codec == "utf-8":
        return head[bom:].decode("utf-8", "replace")
    return codecs.getincrementaldecoder(codec)("replace").decode(head[bom:])


def guess_legacy_codec(sample: bytes) -> str:
    """The 8-bit codec of the non-UTF-8 lines in a file; cp1252 unless clearly another script."""
    if not sample:
        return FALLBACK_CODEC
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - it is a declared dependency
        return FALLBACK_CODEC
    try:
        results = charset_normalizer.from_bytes(sample)
    except Exception:  # a guess must never fail the file; cp1252 decodes every byte
        return FALLBACK_CODEC
    best = results.best()
    names = {m.encoding for m in results}
    if best is not None and best.encoding in _TRUSTED_LEGACY and FALLBACK_CODEC not in names:
        return best.encoding
    return FALLBACK_CODEC


class ValueDecoder:
    """Bytes to text per value: UTF-8 when valid, else the CHARSET parameter, else the
    file's legacy codec (guessed once, lazily, from a sample of its non-UTF-8 lines)."""

    def __init__(self, legacy_sample: Callable[[], bytes]):
        self._legacy_sample = legacy_sample
        self._legacy: str | None = None
        self.params_cache: dict[bytes, _Params] = {}

    @property
    def legacy(self) -> str:
        if self._legacy is None:
            self._legacy = guess_legacy_codec(self._legacy_sample())
        return self._legacy

    def text(self, data: bytes, charset: str | None = None) -> str:
        if data.isascii():
            return data.decode("ascii")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError, ValueError, TypeError):
                pass
        return data.decode(self.legacy, "replace")


def _raw_chunks(fh, first: bytes, codec: str) -> Iterator[bytes]:
    """The file as byte chunks; UTF-16/32 is re-encoded to UTF-8 so one splitter serves all."""
    if codec == "utf-8":
        yield first
        while chunk := fh.read(CHUNK_BYTES):
            yield chunk
        return
    decoder = codecs.getincrementaldecoder(codec)("replace")
    yield decoder.decode(first).encode("utf-8")
    while chunk := fh.read(CHUNK_BYTES):
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def iter_lines(chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """Physical lines with their 1-based numbers; CRLF, LF, CR and iPhone's CRCRLF each
    end one line."""
    pending: list[bytes] = []
    line_no = 1
    for chunk in chunks:
        if b"\n" not in chunk and b"\r" not in chunk:
            pending.append(chunk)
            continue
        buf = b"".join(pending) + chunk if pending else chunk
        # A CR at the end may be the first half of a CRLF split across chunks.
        cut = len(buf)
        while cut and buf[cut - 1] == 13:
            cut -= 1
        body, tail = buf[:cut], buf[cut:]
        body = body.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = body.split(b"\n")
        for line in lines[:-1]:
            yield line_no, line
            line_no += 1
        pending = [lines[-1] + tail] if lines[-1] or tail else []
    rest = b"".join(pending)
    if rest:
        rest = rest.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        for line in rest.split(b"\n"):
            yield line_no, line
            line_no += 1


# --- splitting and unfolding --------------------------------------------------------------


class RawCard:
    """One card as split from the file: its unfolded logical lines (kept properties only,
    still bytes) and where it was; ``decode`` turns it into a CardText."""

    __slots__ = ("number", "line", "terminated", "logical", "preview", "decoder")

    def __init__(self, number: int, line: int, decoder: ValueDecoder):
        self.number = number
        self.line = line
        self.terminated = True
        self.logical: list[bytes] = []
        self.preview: list[bytes] = []
        self.decoder = decoder

    @property
    def locator(self) -> str:
        return f"card {self.number} (line {self.line})"

    def preview_text(self) -> str:
        """The card's first telling lines, for a reject's excerpt."""
        text = " ".join(self.decoder.text(b) for b in self.preview)
        return _CONTROL.sub(" ", text)

    def decode(self) -> CardText:
        """Decode and repair the card's properties."""
        props = []
        version = ""
        for buf in self.logical:
            prop = parse_property(buf, self.decoder)
            if prop is None:
                continue
            if prop.name == "VERSION":
                version = version or prop.value
            props.append(prop)
        return CardText(
            self.number, self.line, self.terminated, version, props, self.preview_text()
        )


def split_cards(lines: Iterable[tuple[int, bytes]], decoder: ValueDecoder) -> Iterator[RawCard]:
    """Cards from physical lines, unfolded; text outside BEGIN/END is ignored.

    A BEGIN:VCARD inside a card ends the card before it (a lost END:VCARD), except right
    after an empty 2.1 AGENT property, where it opens an embedded card that is skipped.
    Properties outside KEPT_PROPERTIES are dropped here, continuation lines and all.
    """
    # One flat loop with local state: this runs once per physical line (a photo alone
    # can be a hundred lines), so it avoids per-line method calls.
    begin, end, prop_start = _BEGIN.match, _END_IN_CARD.match, _PROP_START.match
    card: RawCard | None = None
    logical: list[bytes] = []
    cur: bytearray | None = None  # the logical line being unfolded; None while dropping
    qp = soft = agent_open = dropping = False
    depth = count = 0
    for line_no, line in lines:
        if card is None:
            if begin(line):
                count += 1
                card = RawCard(count, line_no, decoder)
                logical, cur, qp, soft, agent_open, dropping = card.logical, None, *[False] * 4
            continue
        first = line[:1]
        if (first == b" " or first == b"\t") and not soft:
            if cur is not None:
                cur += line[1:]
            if qp:
                soft = line.endswith(b"=")
            continue
        if depth:
            if end(line):
                depth -= 1
            elif begin(line):
                depth += 1
            continue
        if first and first in b"EeBb\xef":
            if end(line):
                if cur is not None:
                    logical.append(bytes(cur))
                yield card
                card = None
                continue
            if begin(line):
                if agent_open:
                    depth, agent_open = 1, False
                    continue
                if cur is not None:
                    logical.append(bytes(cur))
                card.terminated = False
                yield card
                count += 1
                card = RawCard(count, line_no, decoder)
                logical, cur, qp, soft, agent_open, dropping = card.logical, None, *[False] * 4
                continue
        if soft:
            # Quoted-printable soft line break: "=" at the end continues the value on the
            # next line as it stands (Android and Outlook 2.1 write these unindented).
            if cur is not None:
                del cur[-1:]
                cur += line
            soft = line.endswith(b"=")
            continue
        if not line or line.isspace():
            continue
        match = prop_start(line)
        if match is None:
            # Neither a property nor indented: broken folding or unindented base64.
            if cur is not None:
                cur += line
            elif not dropping and len(card.preview) < 4:
                card.preview.append(line[:100])
            continue
        if cur is not None:
            logical.append(bytes(cur))
        name = match.group(2).upper()
        if len(card.preview) < 4 and name not in _NOT_PREVIEWED:
            card.preview.append(line[:100])
        colon = line.find(b":")
        qp = b"QUOTED-PRINTABLE" in line[:colon].upper()
        soft = qp and line.endswith(b"=")
        agent_open = name == b"AGENT" and bool(_AGENT_OPEN.match(line))
        dropping = name not in _KEPT_BYTES
        cur = None if dropping else bytearray(line)
    if card is not None:
        if cur is not None:
            logical.append(bytes(cur))
        card.terminated = False
        yield card


# --- properties ---------------------------------------------------------------------------


def _split_params_fast(header: bytes) -> list[tuple[bytes, list[bytes]]]:
    out = []
    for part in header.split(b";")[1:]:
        key, eq, value = part.partition(b"=")
        out.append((key.strip(), value.split(b",") if eq else []))
    return out


def _split_params_quoted(buf: bytes, i: int) -> tuple[list[tuple[bytes, list[bytes]]], int]:
    """Parameters with quoted values, from ``buf[i] == ';'``; returns them and the colon.

    Tolerates Apple's backslash-escaped quotes (``X-ADDRESS=... \\"Name\\" ...``), which
    RFC 6350 forbids and vobject rejects.
    """
    n = len(buf)
    params = []
    while i < n and buf[i] == 59:  # ;
        j = i + 1
        while j < n and buf[j] not in b"=;:":
            j += 1
        key = buf[i + 1 : j].strip()
        values: list[bytes] = []
        if j < n and buf[j] == 61:  # =
            j += 1
            while True:
                chunk = bytearray()
                if j < n and buf[j] == 34:  # "
                    j += 1
                    while j < n and buf[j] != 34:
                        if buf[j] == 92 and j + 1 < n and buf[j + 1] == 34:
                            j += 1
                        chunk.append(buf[j])
                        j += 1
                    j += 1
                    while j < n and buf[j] not in b",;:":
                        j += 1
                else:
                    while j < n and buf[j] not in b",;:":
                        if buf[j] == 92 and j + 1 < n:
                            j += 1
                        chunk.append(buf[j])
                        j += 1
                values.append(bytes(chunk))
                if j < n and buf[j] == 44:  # ,
                    j += 1
                    continue
                break
        params.append((key, values))
        i = j
    return params, (i if i < n and buf[i] == 58 else -1)


def _caret_decode(value: str) -> str:
    """RFC 6868 parameter escapes: ^n newline, ^' double quote, ^^ caret."""
    return value.replace("^n", "\n").replace("^'", '"').replace("^^", "^")


_Params = tuple[dict[str, list[str]], str, "str | None"]


def _normalise_params(raw: list[tuple[bytes, list[bytes]]]) -> _Params:
    """Parameters the extractor reads, plus the value's ENCODING (upper-case) and CHARSET."""
    params: dict[str, list[str]] = {}
    encoding, charset = "", None
    for key_bytes, values in raw:
        key = key_bytes.decode("latin-1").strip().upper()
        if not values:
            # vCard 2.1 bare parameters: TEL;CELL;PREF, NOTE;QUOTED-PRINTABLE.
            if key in _BARE_ENCODINGS:
                encoding = key
            elif key:
                params.setdefault("TYPE", []).append(_param_text(key.lower()))
            continue
        texts = [_caret_decode(v.decode("utf-8", "replace")) for v in values]
        if key == "TYPE":
            # TYPE="work,voice" (quoted, RFC 6350) is two types, as TYPE=work,voice is.
            types = (_param_text(t).lower() for v in texts for t in v.split(","))
            params.setdefault("TYPE", []).extend(t for t in types if t)
        elif key == "ENCODING":
            encoding = texts[0].strip().strip('"').upper()
        elif key == "CHARSET":
            charset = texts[0].strip().strip('"') or None
        elif key in KEPT_PARAMS:
            params.setdefault(key, []).extend(t for t in map(_param_text, texts) if t)
    return params, encoding, charset


def _param_text(value: str) -> str:
    """A parameter value vobject reads back unchanged: no quotes, separators or controls."""
    return _SAFE_PARAM.sub("", value).strip()


def canonical_value(text: str, name: str) -> str:
    """Re-escape a decoded value to the four escapes vobject and RFC 2426 agree on.

    Unescaped commas and semicolons in single-valued properties are escaped (vobject
    would otherwise keep only the text before the first comma: Gmail writes
    ``FN:Mr. John Richter, James Doe Sr.``); Gmail's ``\\:`` and Apple's ``\\"`` lose
    their backslash; an unknown escape keeps its backslash as a literal one.
    """
    if not _NEEDS_ESCAPING.search(text):
        return text
    keep_comma = name in _COMMA_IS_SEPARATOR
    keep_semicolon = name in _SEMICOLON_IS_SEPARATOR

    def repl(m: re.Match[str]) -> str:
        escaped = m.group(1)
        if escaped is not None:
            if escaped in "\\,;":
                return "\\" + escaped
            if escaped in "nN":
                return "\\n"
            if escaped in ":\"'":
                return escaped
            if escaped in "\r\n":
                return "\\\\\\n"
            return "\\\\" + (escaped if escaped.isprintable() else " ")
        if m.group(2):
            return "\\\\"
        if m.group(3):
            return "," if keep_comma else "\\,"
        if m.group(4):
            return ";" if keep_semicolon else "\\;"
        if m.group(5):
            return "\\n"
        return " "

    return _ESCAPES.sub(repl, text)


def unescape(value: str) -> str:
    """Undo canonical escaping."""
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def split_escaped(value: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not backslash-escaped; parts stay escaped."""
    if "\\" not in value:
        return value.split(sep)
    parts, start, i, n = [], 0, 0, len(value)
    while i < n:
        c = value[i]
        if c == "\\":
            i += 2
            continue
        if c == sep:
            parts.append(value[start:i])
            start = i + 1
        i += 1
    parts.append(value[start:])
    return parts


def _list_items(value: str) -> list[str]:
    """A ','-list as vobject reads it: a trailing empty item is dropped ("Alley 5,")."""
    items = split_escaped(value, ",")
    if len(items) > 1 and not items[-1]:
        items.pop()
    return items


def _native_value(name: str, value: str) -> str | list[str]:
    """What vobject makes of a canonical value, without vobject (the same rules)."""
    if name in ("N", "ADR"):
        glue, size = (" ", 5) if name == "N" else (", ", 7)
        parts = [glue.join(map(unescape, _list_items(c))) for c in split_escaped(value, ";")]
        return (parts + [""] * size)[:size]
    if name == "ORG":
        return [unescape(c) for c in split_escaped(value, ";")]
    if name == "CATEGORIES":
        return [unescape(c) for c in split_escaped(value, ",")]
    if name == "NICKNAME":
        return unescape(split_escaped(value, ",")[0])
    return unescape(value)


def parse_property(buf: bytes, decoder: ValueDecoder) -> Prop | None:
    """One logical line to a Prop, decoding its value; None when it is not a property."""
    match = _PROP_START.match(buf)
    if match is None:
        return None
    group_bytes, name_bytes = match.groups()
    group = group_bytes.decode("ascii").replace("_", "-") if group_bytes else None
    name = name_bytes.decode("ascii").upper().replace("_", "-")
    start = match.end() - 1
    colon = buf.find(b":", start)
    if colon < 0:
        return None
    header = buf[start:colon]
    # Parameter lists repeat across an address book (";type=INTERNET;type=pref"), so
    # each distinct one is parsed once per file.
    parsed = decoder.params_cache.get(header)
    if parsed is None:
        if b'"' in header:
            raw_params, quoted_colon = _split_params_quoted(buf, start)
            if quoted_colon < 0:
                raw_params = _split_params_fast(header)
            else:
                colon = quoted_colon
            parsed = _normalise_params(raw_params)
        else:
            parsed = _normalise_params(_split_params_fast(header))
            if len(decoder.params_cache) < 4096:
                decoder.params_cache[header] = parsed
    params, encoding, charset = parsed
    raw = buf[colon + 1 :]
    if encoding in ("QUOTED-PRINTABLE", "QP"):
        text = decoder.text(binascii.a2b_qp(raw), charset)
    elif encoding in ("B", "BASE64"):
        try:
            text = decoder.text(binascii.a2b_base64(raw), charset)
        except (binascii.Error, ValueError):
            text = decoder.text(raw, charset)
    else:
        text = decoder.text(raw, charset)
    if name == "VERSION":
        text = text.strip()
    return Prop(group, name, params, canonical_value(text, name))


def _legacy_sample(path: Path) -> bytes:
    """Non-UTF-8 lines of a file, up to LEGACY_SAMPLE_BYTES, for guess_legacy_codec."""
    sample = bytearray()
    with path.open("rb") as fh:
        for _, line in iter_lines(iter(lambda: fh.read(CHUNK_BYTES), b"")):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                sample += line + b"\n"
                if len(sample) >= LEGACY_SAMPLE_BYTES:
                    break
    return bytes(sample)


def iter_cards(path: Path) -> Iterator[RawCard]:
    """Every BEGIN:VCARD..END:VCARD of a file, split and unfolded, streamed with flat memory.

    Decoding is left to ``RawCard.decode`` so that a card that fails there fails alone.

    Raises:
        OSError: the file cannot be opened or read.
    """
    with path.open("rb") as fh:
        first = fh.read(CHUNK_BYTES)
        codec, bom = detect_file_encoding(first)
        decoder = ValueDecoder(lambda: _legacy_sample(path) if codec == "utf-8" else b"")
        yield from split_cards(iter_lines(_raw_chunks(fh, first[bom:], codec)), decoder)


# --- dates --------------------------------------------------------------------------------

_DATE = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.I,
)
_NO_YEAR = re.compile(r"--(?P<m>\d{2})-?(?P<d>\d{2})(?:T.*)?$")
_APPLE_NO_YEAR = 1604  # Apple Contacts and CardBook write 1604 for "year unknown"


def parse_timestamp(value: str) -> datetime | None:
    """A REV-style timestamp (basic or extended ISO 8601, date only allowed) in UTC."""
    m = _DATE.match(value.strip())
    if not m:
        return None
    try:
        dt = datetime(
            int(m["y"]),
            int(m["m"]),
            int(m["d"]),
            int(m["H"] or 0),
            int(m["M"] or 0),
            int(m["S"] or 0),
        )
    except ValueError:
        return None
    tz = m["tz"]
    if tz and tz.upper() != "Z":
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        if offset >= timedelta(hours=24):
            return None
        dt = dt.replace(tzinfo=timezone(sign * offset))
    else:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def parse_bday(value: str, omit_year: str | None = None) -> Birthday | None:
    """A BDAY value: ``1980-03-22``, ``19800322``, ``--0415``, ``--04-15``, with a time or not.

    Year 1604 (Apple's and CardBook's "no year"), year 0 and the year named by Apple's
    X-APPLE-OMIT-YEAR parameter mean the year is unknown. Text birthdays ("circa 1800")
    and impossible dates give None.
    """
    value = value.strip()
    year: int | None
    m = _NO_YEAR.match(value)
    if m:
        year, month, day = None, int(m["m"]), int(m["d"])
    else:
        m = re.match(r"(\d{4})-?(\d{2})-?(\d{2})(?:$|T)", value)
        if not m:
            return None
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if year in (0, _APPLE_NO_YEAR) or (omit_year and omit_year.strip() == m[1]):
            year = None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: --0229 is a real birthday
    except ValueError:
        return None
    return Birthday(year, month, day)
