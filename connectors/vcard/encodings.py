"""The encodings of vCard files: the file's own, and legacy charsets of values written
without a hint.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator

from connectors.vcard.legacy import choose_codec, file_codec

CHUNK_BYTES = 1 << 20
# The parameters of a property: (parameters, value encoding, charset).
Params = tuple[dict[str, list[str]], str, "str | None"]

# Multi-byte legacy codecs charset-normalizer tells apart reliably: a file in one of them
# is read in it throughout. Single-byte code pages are chosen per card
# (connectors.vcard.legacy), where statistical detectors misjudge short names.
_MULTIBYTE_LEGACY = frozenset(
    {
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


def guess_multibyte_codec(sample: bytes) -> str | None:
    """The file's multi-byte legacy codec (Shift-JIS, GBK, Big5, EUC-KR ...), or None."""
    if not sample:
        return None
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    try:
        best = charset_normalizer.from_bytes(sample).best()
    except Exception:  # a guess must never fail the file
        return None
    if best is not None and best.encoding in _MULTIBYTE_LEGACY:
        return best.encoding
    return None


class ValueDecoder:
    """Bytes to text per value: UTF-8 when valid, else the CHARSET parameter, else a
    legacy code page: the file's multi-byte one, else the one chosen for the card
    (``for_card``), else the one that reads the file's legacy lines best. The file's
    are guessed once, lazily, from a sample of its non-UTF-8 lines."""

    def __init__(self, legacy_sample: Callable[[], bytes]):
        self._legacy_sample = legacy_sample
        self._legacy: str | None = None
        self._multibyte = False
        self.params_cache: dict[bytes, Params] = {}

    @property
    def legacy(self) -> str:
        if self._legacy is None:
            sample = self._legacy_sample()
            multibyte = guess_multibyte_codec(sample)
            self._multibyte = multibyte is not None
            self._legacy = multibyte or file_codec(sample)
        return self._legacy

    def for_card(self, values: list[tuple[bytes, bool]], hints: set[str]) -> CardDecoder:
        """A decoder for one card whose undeclared legacy values are ``values``."""
        legacy = self.legacy
        if not self._multibyte and values:
            legacy = choose_codec(values, hints, legacy)
        return CardDecoder(self, legacy)

    def text(self, data: bytes, charset: str | None = None, legacy: str | None = None) -> str:
        if data.isascii():
            return data.decode("ascii")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if declared(charset):
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError, ValueError, TypeError):
                pass
        return data.decode(legacy or self.legacy, "replace")


def declared(charset: str | None) -> bool:
    """A CHARSET parameter that names a legacy codec (UTF-8 ones say nothing new)."""
    return bool(charset) and charset.lower().replace("_", "-") not in ("utf-8", "utf8")


def undeclared_legacy(data: bytes, charset: str | None) -> bool:
    """Bytes that only a guessed legacy code page can read: not UTF-8, no CHARSET."""
    if data.isascii() or declared(charset):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


class CardDecoder:
    """The file's decoder with one card's legacy code page."""

    def __init__(self, file_decoder: ValueDecoder, legacy: str):
        self.file_decoder = file_decoder
        self.legacy = legacy
        self.params_cache = file_decoder.params_cache

    def text(self, data: bytes, charset: str | None = None) -> str:
        return self.file_decoder.text(data, charset, self.legacy)


def raw_chunks(fh, first: bytes, codec: str) -> Iterator[bytes]:
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
