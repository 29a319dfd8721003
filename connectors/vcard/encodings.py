"""The encodings of vCard files: the file's own, and legacy charsets of values written
without a hint.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator

CHUNK_BYTES = 1 << 20
FALLBACK_CODEC = "cp1252"
# The parameters of a property: (parameters, value encoding, charset).
Params = tuple[dict[str, list[str]], str, "str | None"]

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
        self.params_cache: dict[bytes, Params] = {}

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
