"""vCard files split into cards: lines unfolded, nested cards and broken endings handled."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from connectors.phone_regions import region_of_country, region_of_prefix
from connectors.vcard.encodings import (
    CHUNK_BYTES,
    ValueDecoder,
    detect_file_encoding,
    iter_lines,
    raw_chunks,
    undeclared_legacy,
)
from connectors.vcard.legacy import hinted_scripts
from connectors.vcard.properties import (
    PROP_START,
    Field,
    Prop,
    native_value,
    parse_property,
)

LEGACY_SAMPLE_BYTES = 64 << 10

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

# A UTF-8 BOM may start any card when files were concatenated (cat a.vcf b.vcf).
_BEGIN = re.compile(rb"(?:\xef\xbb\xbf)?[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", re.I)
_END_IN_CARD = re.compile(rb"(?:\xef\xbb\xbf)?END[ \t]*:[ \t]*VCARD[ \t]*$", re.I)
_AGENT_OPEN = re.compile(rb"(?:[A-Za-z0-9_-]+\.)*AGENT\b[^:]*:[ \t]*$", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
        return [Field(p.group, p.name, p.params, native_value(p.name, p.value)) for p in self.props]


# --- splitting and unfolding --------------------------------------------------------------


class RawCard:
    """One card as split from the file: its unfolded logical lines (kept properties only,
    still bytes) and where it was; ``decode`` turns it into a CardText."""

    __slots__ = ("number", "line", "terminated", "logical", "preview", "decoder", "skipped_lines")

    def __init__(self, number: int, line: int, decoder: ValueDecoder):
        self.number = number
        self.line = line
        self.terminated = True
        self.logical: list[bytes] = []
        self.preview: list[bytes] = []
        self.decoder = decoder
        self.skipped_lines = 0  # lines that were neither a property nor a continuation

    @property
    def locator(self) -> str:
        return f"card {self.number} (line {self.line})"

    def preview_text(self) -> str:
        """The card's first telling lines, for a reject's excerpt."""
        text = " ".join(self.decoder.text(b) for b in self.preview)
        return _CONTROL.sub(" ", text)

    def decode(self) -> CardText:
        """Decode and repair the card's properties.

        Values in a legacy code page without a CHARSET are read in the code page chosen
        for this card from its own bytes and hints (connectors.vcard.legacy): the
        properties are parsed once to find them, and again in that code page.
        """
        collector = _LegacyCollector(self.decoder)
        props = self._parse(collector)
        if collector.values:
            hints = hinted_scripts(_languages(self.logical), _regions(props))
            card_decoder = self.decoder.for_card(collector.values, hints)
            if card_decoder.legacy != self.decoder.legacy:  # else the first parse stands
                props = self._parse(card_decoder)
        version = next((p.value for p in props if p.name == "VERSION" and p.value), "")
        return CardText(
            self.number, self.line, self.terminated, version, props, self.preview_text()
        )

    def _parse(self, decoder) -> list[Prop]:
        props = []
        for buf in self.logical:
            if isinstance(decoder, _LegacyCollector):
                decoder.pending.clear()
            prop = parse_property(buf, decoder)
            if prop is None:
                continue
            if isinstance(decoder, _LegacyCollector):
                decoder.values += [(d, prop.name in _NAME_PROPS) for d in decoder.pending]
            props.append(prop)
        return props


_NAME_PROPS = frozenset({"N", "FN"})
_LANGUAGE_PARAM = re.compile(rb";[ \t]*LANGUAGE[ \t]*=[ \t]*\"?([A-Za-z]{2,3})", re.I)


class _LegacyCollector:
    """A decoder that notes the values only a guessed legacy code page can read."""

    def __init__(self, decoder: ValueDecoder):
        self.decoder = decoder
        self.params_cache = decoder.params_cache
        self.pending: list[bytes] = []
        self.values: list[tuple[bytes, bool]] = []

    def text(self, data: bytes, charset: str | None = None) -> str:
        if undeclared_legacy(data, charset):
            self.pending.append(data)
        return self.decoder.text(data, charset)


def _languages(logical: list[bytes]) -> list[str]:
    """The LANGUAGE parameters of a card's properties (``he``, ``ru-RU`` ...)."""
    return [
        m.group(1).decode("ascii")
        for buf in logical
        if b"anguage" in buf or b"ANGUAGE" in buf
        for m in _LANGUAGE_PARAM.finditer(buf.split(b":", 1)[0])
    ]


def _regions(props: list[Prop]) -> list[str]:
    """The countries a card names: its ADR countries and its international numbers'."""
    regions = []
    for prop in props:
        if prop.name == "ADR":
            parts = prop.value.split(";")
            if len(parts) >= 7 and (region := region_of_country(parts[6].replace("\\", ""))):
                regions.append(region)
        elif prop.name == "TEL" and (region := region_of_prefix(prop.value)):
            regions.append(region)
    return regions


def split_cards(lines: Iterable[tuple[int, bytes]], decoder: ValueDecoder) -> Iterator[RawCard]:
    """Cards from physical lines, unfolded; text outside BEGIN/END is ignored.

    A BEGIN:VCARD inside a card ends the card before it (a lost END:VCARD), except right
    after an empty 2.1 AGENT property, where it opens an embedded card that is skipped.
    Properties outside KEPT_PROPERTIES are dropped here, continuation lines and all.
    """
    # One flat loop with local state: this runs once per physical line (a photo alone
    # can be a hundred lines), so it avoids per-line method calls.
    begin, end, prop_start = _BEGIN.match, _END_IN_CARD.match, PROP_START.match
    card: RawCard | None = None
    logical: list[bytes] = []
    cur: bytearray | None = None  # the logical line being unfolded; None while dropping
    qp = soft = agent_open = dropping = False
    depth = count = 0
    suspended: list[RawCard] = []  # cards a BEGIN:VCARD interrupted, innermost last
    resumed = False  # the card goes on after a nested one and has had no line since
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
                card, resumed = (suspended.pop(), True) if suspended else (None, False)
                if card is not None:  # the card the ended one was nested in goes on
                    logical, cur, qp, soft, agent_open, dropping = card.logical, None, *[False] * 4
                continue
            if begin(line):
                if agent_open:
                    depth, agent_open = 1, False
                    continue
                if cur is not None:
                    logical.append(bytes(cur))
                if resumed:
                    # Nothing followed the card nested in this one: it (and any it was
                    # nested in) lost its END:VCARD.
                    for lost in (card, *reversed(suspended)):
                        lost.terminated = False
                        yield lost
                    suspended.clear()
                else:
                    # A card inside this one, or this one lost its END:VCARD: the lines
                    # after the inner card's END tell which. Until then this one waits.
                    suspended.append(card)
                resumed = False
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
            # Not a property (a "# comment", an X- name with a "/", junk after a cut-off
            # card) and not indented, so no continuation: skipped and counted. Gluing it
            # onto the value before corrupted UIDs, names and phones.
            if not dropping:
                card.skipped_lines += 1
                if len(card.preview) < 4:
                    card.preview.append(line[:100])
            if cur is not None:
                logical.append(bytes(cur))
                cur = None
            continue
        if cur is not None:
            logical.append(bytes(cur))
        resumed = False
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
        for lost in (card, *reversed(suspended)):
            lost.terminated = False
            yield lost


def _legacy_sample(path: Path) -> bytes:
    """Non-UTF-8 lines of a file, up to LEGACY_SAMPLE_BYTES, for the file's legacy codec."""
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
        yield from split_cards(iter_lines(raw_chunks(fh, first[bom:], codec)), decoder)
