"""One card's fields to a contact: names, addresses, phones, organisation, LinkedIn profile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from connectors.phone_regions import region_of_country
from connectors.vcard.dates import Birthday, parse_bday, parse_timestamp
from connectors.vcard.fields import joined
from connectors.vcard.properties import Field

# Only a person's profile counts; a company page (linkedin.com/company/...) on a card
# would make everyone at that company look like one person downstream.
_LINKEDIN_PROFILE = re.compile(r"linkedin\.com/(?:in|pub)/[^\s/?#]+", re.I)
_LINKEDIN_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_%.-]{1,99}")
_ANGLE_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>")
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_COMPANY_WORDS = frozenset(
    {"inc", "ltd", "llc", "gmbh", "ag", "sa", "corp", "co", "plc", "bv", "team"}
)
_NOT_PREFERRED = 1000


@dataclass
class CardContact:
    """What ties reads from one card. The birthday and the addresses' postal codes go into
    the record (they help tell namesakes apart); note and categories are not used yet."""

    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    emails: list[str] = field(default_factory=list)
    email_labels: dict[str, str] = field(default_factory=dict)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    linkedin_url: str | None = None
    company: str | None = None
    title: str | None = None
    observed_at: datetime | None = None
    uid: str | None = None
    kind: str | None = None
    birthday: Birthday | None = None
    addresses: list[list[str]] = field(default_factory=list)
    note: str | None = None
    categories: list[str] = field(default_factory=list)

    @property
    def phone_region(self) -> str | None:
        """The region of the card's own ADR country (the first address that names one)."""
        for address in self.addresses:
            if len(address) > 6 and (region := region_of_country(joined(address[6]))):
                return region
        return None

    def postcodes(self) -> list[str]:
        """The postal code of each address (ADR's sixth part), as written, no repeats."""
        codes = (joined(a[5]).strip() for a in self.addresses if len(a) > 5)
        return list(dict.fromkeys(c for c in codes if c))

    def streets(self) -> list[str]:
        """The street line of each address (ADR's third part), as written, no repeats."""
        lines = (joined(a[2]).strip() for a in self.addresses if len(a) > 2)
        return list(dict.fromkeys(x for x in lines if x))

    def localities(self) -> list[str]:
        """The locality (city, suburb) of each address (ADR's fourth part), as written."""
        places = (joined(a[3]).strip() for a in self.addresses if len(a) > 3)
        return list(dict.fromkeys(x for x in places if x))

    def usable(self) -> bool:
        return bool(self.name or self.emails or self.phones or self.urls or self.linkedin_url)


def contact_from_fields(fields: list[Field]) -> CardContact:
    """Read names, e-mails, phones, LinkedIn, company and dates from a card's fields."""
    by_name: dict[str, list[Field]] = {}
    labels: dict[str, str] = {}
    for f in fields:
        by_name.setdefault(f.name, []).append(f)
        if f.name == "X-ABLABEL" and f.group:
            labels[f.group.lower()] = _label(_text(f.value))

    def first(name: str) -> str | None:
        for f in by_name.get(name, ()):
            text = _text(f.value).strip()
            if text:
                return text
        return None

    contact = CardContact()
    kind = (first("KIND") or first("X-ADDRESSBOOKSERVER-KIND") or "").lower() or None
    if kind is None and (first("X-ABSHOWAS") or "").upper() == "COMPANY":
        kind = "org"
    contact.kind = kind

    org = next((f.value for f in by_name.get("ORG", ()) if isinstance(f.value, list)), None)
    contact.company = (org[0].strip() or None) if org else first("ORG")
    contact.title = first("TITLE")
    _read_names(contact, by_name, first)

    emails = _ranked(by_name.get("EMAIL", ()), _clean_email)
    contact.emails = [e for e, _ in emails]
    contact.email_labels = {e: labels[g.lower()] for e, g in emails if g and g.lower() in labels}
    contact.phones = [p for p, _ in _ranked(by_name.get("TEL", ()), _clean_phone)]
    contact.urls = [u for f in by_name.get("URL", ()) if (u := _text(f.value).strip())]
    contact.linkedin_url = _linkedin(by_name)

    contact.uid = first("UID")
    rev = first("REV")
    contact.observed_at = parse_timestamp(rev) if rev else None
    for f in by_name.get("BDAY", ()):
        omit = f.params.get("X-APPLE-OMIT-YEAR", [None])[0]
        contact.birthday = parse_bday(_text(f.value), omit)
        if contact.birthday:
            break
    contact.addresses = [list(f.value) for f in by_name.get("ADR", ()) if isinstance(f.value, list)]
    contact.note = first("NOTE")
    contact.categories = [
        c.strip()
        for f in by_name.get("CATEGORIES", ())
        for c in (f.value if isinstance(f.value, list) else [f.value])
        if c.strip()
    ]
    return contact


def _read_names(contact: CardContact, by_name: dict[str, list[Field]], first) -> None:
    """FN and N complete each other; a card with neither is named by ORG, then NICKNAME."""
    n_parts: list[str] = []
    for f in by_name.get("N", ()):
        if isinstance(f.value, list) and any(p.strip() for p in f.value):
            n_parts = [p.strip() for p in f.value]
            break
    family, given, additional, prefix, suffix = (n_parts + [""] * 5)[:5]
    contact.given_name = given or None
    contact.family_name = family or None
    formatted = first("FN")
    composed = " ".join(p for p in (prefix, given, additional, family, suffix) if p) or None
    contact.name = formatted or composed
    if contact.name is None:
        contact.name = contact.company or first("NICKNAME")
        return
    if not n_parts and formatted and contact.kind != "org":
        contact.given_name, contact.family_name = split_display_name(formatted)


def split_display_name(name: str) -> tuple[str | None, str | None]:
    """Given and family name from a formatted name, for cards without N; (None, None)
    unless it plainly is one.

    "Doe, John" is family-first; "John Doe" and "Mr. John Q. Doe" give the first and last
    word. Anything else ("ACME Inc.", "bug 195", "contact with category", a mail address,
    a single word, a Korean name written without spaces) is not split: no guessing.
    """
    if "@" in name or any(ch.isdigit() for ch in name):
        return None, None
    if name.count(",") == 1:
        family, _, given = (part.strip() for part in name.partition(","))
        if _is_name_words(family.split()) and _is_name_words(given.split()):
            return given, family
        return None, None
    words = name.split()
    if len(words) > 1 and words[0].rstrip(".").lower() in _HONORIFICS:
        words = words[1:]
    if 2 <= len(words) <= 4 and _is_name_words(words):
        return words[0], words[-1]
    return None, None


def _is_name_words(words: list[str]) -> bool:
    """Capitalised words (or words in a script without case), no company suffixes."""
    return bool(words) and all(
        (w[0].isupper() or not w[0].islower() and w[0].isalpha())
        and w.rstrip(".").lower() not in _COMPANY_WORDS
        for w in words
    )


def _text(value: str | list[str]) -> str:
    return ";".join(value) if isinstance(value, list) else value


def _label(value: str) -> str:
    m = _APPLE_LABEL.fullmatch(value.strip())
    return m.group(1) if m else value.strip()


def _preference(f: Field) -> int:
    """RFC 6350 PREF=1..100 (1 is best); TYPE=pref (2.1/3.0) counts as PREF=1."""
    for value in f.params.get("PREF", ()):
        try:
            return max(1, min(int(value), 100))
        except ValueError:
            continue
    return 1 if "pref" in (t.lower() for t in f.params.get("TYPE", ())) else _NOT_PREFERRED


def _ranked(fields, clean) -> list[tuple[str, str | None]]:
    """Values preferred first, else in card order, without repeats; with their group."""
    ranked = sorted(
        ((_preference(f), i, f) for i, f in enumerate(fields)), key=lambda t: (t[0], t[1])
    )
    out: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for _, _, f in ranked:
        value = clean(_text(f.value))
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append((value, f.group))
    return out


def _clean_email(value: str) -> str | None:
    # A display name before the address ("Omega" <omega@example.com>, folded or not)
    # is not part of it.
    if (angle := _ANGLE_ADDRESS.search(value)) is not None:
        value = angle.group(1)
    value = value.strip().strip("<>").strip()
    if value[:7].lower() == "mailto:":
        value = value[7:].strip()
    return value or None


def _clean_phone(value: str) -> str | None:
    """The number as written; a 4.0 ``tel:`` URI loses its scheme and keeps its extension."""
    value = value.strip()
    if value[:4].lower() == "tel:":
        number, *uri_params = value[4:].split(";")
        ext = next((p[4:] for p in uri_params if p[:4].lower() == "ext="), None)
        value = number.strip() + (f" ext. {ext.strip()}" if ext and ext.strip() else "")
    return value or None


def _linkedin(by_name: dict[str, list[Field]]) -> str | None:
    """The person's LinkedIn profile from X-SOCIALPROFILE/SOCIALPROFILE/X-LINKEDIN or URL.

    Apple writes ``X-SOCIALPROFILE;type=linkedin;x-user=jdoe:http://www.linkedin.com/in/jdoe``
    and sometimes only the user (``x-apple:jdoe``); a user name alone becomes its
    linkedin.com/in/ URL.
    """
    for name in ("X-SOCIALPROFILE", "SOCIALPROFILE", "X-LINKEDIN"):
        for f in by_name.get(name, ()):
            value = _text(f.value).strip()
            if _LINKEDIN_PROFILE.search(value):
                return value
            types = {t.lower() for t in f.params.get("TYPE", ())}
            if name != "X-LINKEDIN" and "linkedin" not in types:
                continue
            user = (f.params.get("X-USER") or [""])[0].strip()
            if not user and ":" not in value.removeprefix("x-apple:") and "/" not in value:
                user = value.removeprefix("x-apple:")
            if _LINKEDIN_USER.fullmatch(user):
                return f"https://www.linkedin.com/in/{user}"
    for f in by_name.get("URL", ()):
        value = _text(f.value).strip()
        if _LINKEDIN_PROFILE.search(value):
            return value
    return None
