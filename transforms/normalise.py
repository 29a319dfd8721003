"""Normalisers for names, e-mail addresses, phone numbers, LinkedIn URLs and companies.

Each works on one value and is cached; ``normalise_records`` applies them to an
extract's records and adds the normalised columns of ``source_records``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import pandas as pd
import phonenumbers
from email_validator import EmailNotValidError, validate_email

# Credentials and generational suffixes that decorate names in signatures and LinkedIn.
_NAME_DECORATIONS = {
    "phd",
    "ph.d",
    "ph.d.",
    "mba",
    "md",
    "m.d.",
    "cpa",
    "pe",
    "pmp",
    "cfa",
    "esq",
    "jr",
    "jr.",
    "sr",
    "sr.",
    "ii",
    "iii",
    "iv",
    "msc",
    "bsc",
    "ma",
    "ba",
    "mph",
    "rn",
    "dds",
    "dr",
    "dr.",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "prof",
    "prof.",
    "(he/him)",
    "(she/her)",
    "(they/them)",
}
_LEGAL_SUFFIXES = {
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "llc",
    "llp",
    "ltd",
    "limited",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "bv",
    "nv",
    "ab",
    "as",
    "oy",
    "spa",
    "srl",
    "pty",
    "kk",
    "lp",
    "pllc",
    "se",
}
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_LINKEDIN_PATH = re.compile(r"^/(in|pub)/([^/?#]+)", re.IGNORECASE)


def fold(text: str) -> str:
    """Case- and accent-folded text for matching keys (never for display)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def clean_name(raw: str | None) -> str | None:
    """A display name without credentials, honorifics and quotes; "Last, First" reordered.

    Returns None when nothing name-like is left (an address, empty, only decorations).
    """
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", raw).strip().strip("'\"").strip()
    if not text or "@" in text:
        return None
    # "Smith, William" and "Smith, William, PhD": the part after the first comma is the
    # given name unless it is only decorations ("William Smith, PhD").
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) >= 2:
        rest = [p for p in parts[1:] if p.casefold() not in _NAME_DECORATIONS]
        if rest and len(parts[0].split()) == 1:
            text = " ".join(rest + [parts[0]])
        else:
            text = parts[0] if not rest else " ".join(parts)
    tokens = [t for t in _SPACES.split(text) if t.casefold().strip(",") not in _NAME_DECORATIONS]
    text = " ".join(tokens).strip(" ,")
    return text or None


@lru_cache(maxsize=200_000)
def name_key(name: str | None) -> str | None:
    """Folded, punctuation-free name used for blocking and comparison."""
    if not name:
        return None
    key = _SPACES.sub(" ", _PUNCT.sub(" ", fold(name))).strip()
    return key or None


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """(given, family) from a clean display name: the last token is the family name."""
    if not name:
        return None, None
    tokens = name.split()
    if len(tokens) == 1:
        return tokens[0], None
    return " ".join(tokens[:-1]), tokens[-1]


@lru_cache(maxsize=500_000)
def normalise_email(raw: str | None) -> str | None:
    """A syntactically valid address, lower-cased, or None.

    Uses email-validator for syntax (no DNS); the whole address is lower-cased because
    in practice no provider treats the local part case-sensitively.
    """
    if not raw:
        return None
    text = raw.strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


@lru_cache(maxsize=200_000)
def normalise_phone(raw: str | None, default_region: str = "US") -> str | None:
    """E.164 form of a phone number, or None when it cannot be a phone number."""
    if not raw:
        return None
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:].split(";")[0]
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=200_000)
def normalise_linkedin_url(raw: str | None) -> str | None:
    """https://www.linkedin.com/in/<slug> from any spelling of a profile URL, else None.

    Percent-decoded and lower-cased; country sub-domains, query strings and trailing
    slashes dropped.
    """
    if not raw:
        return None
    text = raw.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:  # "[" reads as a broken IPv6 host
        return None
    host = parts.netloc.lower()
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return None
    match = _LINKEDIN_PATH.match(unquote(parts.path))
    if not match:
        return None
    slug = match.group(2).strip().lower()
    return f"https://www.linkedin.com/{match.group(1).lower()}/{slug}" if slug else None


@lru_cache(maxsize=200_000)
def company_key(raw: str | None) -> str | None:
    """Company name folded, punctuation and legal suffixes (Inc., GmbH, ...) dropped."""
    if not raw:
        return None
    tokens = _PUNCT.sub(" ", fold(raw)).split()
    while tokens and tokens[-1] in _LEGAL_SUFFIXES:
        tokens.pop()
    return " ".join(tokens) or None


def clean_company(raw: str | None) -> str | None:
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", raw).strip().strip(";").strip()
    return text or None


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _strings(series: pd.Series) -> list[str | None]:
    """Column values as str or None (Arrow-backed columns yield pd.NA for missing)."""
    return [v if isinstance(v, str) else None for v in series.tolist()]


def _lists(series: pd.Series) -> list[list]:
    return [list(v) if v is not None and not isinstance(v, float) else [] for v in series.tolist()]


def normalise_records(records: pd.DataFrame, default_region: str = "US") -> pd.DataFrame:
    """Add the normalised columns of ``source_records`` to extract records.

    Args:
        records: rows in the shape of ``warehouse.schema.RECORDS``.
        default_region: country for phone numbers written without a country code.

    Returns:
        A copy with display_name, given_name, family_name, name_key, emails, phones,
        linkedin_url, company, company_key and title added.
    """
    out = records.copy()
    raw_given, raw_family = _strings(out["given_name_raw"]), _strings(out["family_name_raw"])
    names = [
        clean_name(n) or clean_name(" ".join(x for x in (g, f) if x))
        for n, g, f in zip(_strings(out["name_raw"]), raw_given, raw_family, strict=True)
    ]
    given, family = [], []
    for name, g, f in zip(names, raw_given, raw_family, strict=True):
        sg, sf = split_name(name)
        given.append(clean_name(g) if g and g.strip() else sg)
        family.append(clean_name(f) if f and f.strip() else sf)
    out["display_name"] = pd.array(names, dtype="string[pyarrow]")
    out["given_name"] = pd.array(given, dtype="string[pyarrow]")
    out["family_name"] = pd.array(family, dtype="string[pyarrow]")
    out["name_key"] = pd.array([name_key(n) for n in names], dtype="string[pyarrow]")
    out["emails"] = [_unique(normalise_email(e) for e in v) for v in _lists(out["emails_raw"])]
    out["phones"] = [
        _unique(normalise_phone(p, default_region) for p in v) for v in _lists(out["phones_raw"])
    ]
    out["linkedin_url"] = pd.array(
        [normalise_linkedin_url(u) for u in _strings(out["linkedin_url_raw"])],
        dtype="string[pyarrow]",
    )
    companies = [clean_company(c) for c in _strings(out["company_raw"])]
    out["company"] = pd.array(companies, dtype="string[pyarrow]")
    out["company_key"] = pd.array([company_key(c) for c in companies], dtype="string[pyarrow]")
    out["title"] = pd.array(
        [t.strip() or None if t else None for t in _strings(out["title_raw"])],
        dtype="string[pyarrow]",
    )
    return out
