"""vCard files (2.1, 3.0, 4.0 and what phones and mail clients really write) to records."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from connectors.base import Extract, ExtractBuilder, ReadOptions, UnreadableInput, stable_id
from connectors.phone_regions import region_of_number, usual_region, written_nationally
from connectors.vcard.cards import CardText, RawCard, iter_cards
from connectors.vcard.contact import CardContact, contact_from_fields
from connectors.vcard.encodings import head_text
from connectors.vcard.fields import parse_fields

CONNECTOR = "vcard"
SOURCE = "vcard"

log = logging.getLogger(__name__)

_SNIFF_START = re.compile(r"BEGIN[ \t]*:[ \t]*VCARD\b", re.I)
_SNIFF_ANY_LINE = re.compile(r"^\ufeff?[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*\r?$", re.I | re.M)
_VCARD_SUFFIXES = (".vcf", ".vcard")

REASON_EMPTY = "card has no name, e-mail, phone or URL"
REASON_GROUP = "contact group (KIND:group), not a person"
REASON_BINARY = "binary data, not vCard text (control bytes inside the card)"
# C0 control bytes but tab, CR and LF, and DEL: text never holds them, binary junk does
# (about one byte in eight); a card with more than a few is not a card.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def sniff(path: Path, head: bytes) -> bool:
    """True if the file is a vCard file: BEGIN:VCARD first (after BOM and blank space,
    any case, any of UTF-8/UTF-16/legacy), or anywhere in the head of a .vcf file.

    Args:
        path: the file, for its suffix.
        head: its first bytes (64 KiB).

    Returns:
        Whether this connector reads the file.
    """
    text = head_text(head).lstrip("\ufeff \t\r\n")
    if _SNIFF_START.match(text):
        return True
    return Path(path).suffix.lower() in _VCARD_SUFFIXES and bool(_SNIFF_ANY_LINE.search(text))


def read(path: Path, options: ReadOptions) -> Extract:
    """Read every card of a vCard file; each card is a record, a reject or a skip.

    Args:
        path: a .vcf file with one or more cards, in any vCard version and encoding.
        options: unused (vCards carry no interactions and no "me").

    Returns:
        The Extract: one record per accepted card, an empty interactions table.

    Raises:
        UnreadableInput: the file cannot be read or holds no BEGIN:VCARD at all.
    """
    path = Path(path)
    builder = ExtractBuilder(CONNECTOR, SOURCE, path)
    names_by_uid: dict[str, str] = {}
    found = False
    skipped_lines = 0
    international: list[str] = []  # regions of the file's numbers written with +CC
    unplaced: list[str] = []  # keys of records with national numbers and no ADR country
    try:
        for raw in iter_cards(path):
            found = True
            builder.count_read()
            read = _read_card(raw, builder, names_by_uid)
            skipped_lines += raw.skipped_lines
            if read is not None:
                key, contact = read
                international.extend(r for p in contact.phones if (r := region_of_number(p)))
                if contact.phone_region is None and any(map(written_nationally, contact.phones)):
                    unplaced.append(key)
    except OSError as exc:
        raise UnreadableInput(
            f"{path}: cannot read file ({exc.strerror or exc}); expected a vCard (.vcf) file"
        ) from exc
    if not found:
        raise UnreadableInput(f"{path}: no BEGIN:VCARD found; expected a vCard (.vcf) file")
    # Numbers without +CC on cards without a country: the file's usual country.
    if unplaced and (usual := usual_region(international)) is not None:
        for key in unplaced:
            builder.record(key, phone_region=usual)
    if skipped_lines:
        log.warning("%s: %d lines inside cards were not properties; skipped", path, skipped_lines)
    return builder.build()


def _looks_binary(raw: RawCard) -> bool:
    data = b"".join(raw.logical)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > max(2, len(data) // 100)


def _read_card(
    raw: RawCard, builder: ExtractBuilder, names_by_uid: dict[str, str]
) -> tuple[str, CardContact] | None:
    """Record, skip or reject one card; (source key, contact) of a record."""
    if _looks_binary(raw):  # `BEGIN:VCARD` then junk: never a person with a garbage name
        builder.reject(raw.locator, REASON_BINARY, raw.preview_text())
        return None
    try:
        card = raw.decode()
        contact = contact_from_fields(parse_fields(card))
    except Exception as exc:  # one card never takes the file down
        log.warning("%s %s: %s", builder.source_file, raw.locator, exc, exc_info=True)
        builder.reject(
            raw.locator, f"could not parse card: {type(exc).__name__}: {exc}", raw.preview_text()
        )
        return None
    if contact.kind == "group":
        builder.skipped(REASON_GROUP)
        return None
    if not contact.usable():
        builder.reject(card.locator, REASON_EMPTY, card.preview)
        return None
    key = _source_key(card, contact, names_by_uid)
    builder.record(
        key,
        locator=card.locator,
        name=contact.name,
        given_name=contact.given_name,
        family_name=contact.family_name,
        emails=contact.emails,
        phones=contact.phones,
        linkedin_url=contact.linkedin_url,
        company=contact.company,
        title=contact.title,
        observed_at=contact.observed_at,
        birthday=contact.birthday.iso() if contact.birthday else None,
        postcodes=contact.postcodes(),
        streets=contact.streets(),
        localities=contact.localities(),
        phone_region=contact.phone_region,
    )
    builder.accepted()
    return key, contact


def _source_key(card: CardText, contact: CardContact, names_by_uid: dict[str, str]) -> str:
    """The UID, else an id from the card's content; a UID reused for another name (some
    exporters number cards 1, 2, 3 in every file) gets the content id appended."""
    if not contact.uid:
        return "nouid:" + stable_id(*card.content_key())
    name_key = (contact.name or "").casefold()
    seen = names_by_uid.setdefault(contact.uid, name_key)
    if seen and name_key and seen != name_key:
        return f"{contact.uid}#{stable_id(*card.content_key(), length=8)}"
    return contact.uid
