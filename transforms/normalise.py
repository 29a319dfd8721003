"""Normalisers for names, e-mail addresses, phone numbers, LinkedIn URLs and companies.

Each works on one value and is cached; ``normalise_records`` applies them to an
extract's records, once per distinct value, and adds the normalised columns of
``source_records`` plus the matching keys the resolver uses (e-mail match keys,
nickname-canonical given name, family name, phonetic keys, organisation keys).
Keys are for matching only: stored addresses and names keep their own spelling.

The column versions (``normalise_emails``, ``clean_names``, ``name_keys`` ...) give the
same results for a whole Arrow array: they answer the common spellings with Arrow
compute and pass only the rest to the per-value function.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata
from phonenumbers.phonenumberutil import (  # private: is_valid_phone is is_valid_number
    REGION_CODE_FOR_NON_GEO_ENTITY,
    _is_number_matching_desc,
)
from phonenumbers.re_util import re_compile

from connectors.identity import (  # the keys connectors compare too, defined once there
    PLAIN_ADDRESS,
    SPECIAL_USE_DOMAINS,
)
from connectors.identity import email_key as normalise_email
from connectors.identity import linkedin_url_key as normalise_linkedin_url
from transforms.arrow_columns import (
    Coded,
    Flat,
    choose,
    concat_flat,
    distinct_combinations,
    fast_or_slow,
    list_series_array,
)
from transforms.domains import org_domain
from transforms.nicknames import canonical_given
from transforms.personal_details import normalise_birthday, postcode_key
from transforms.phonetic import phonetic_key

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
    "cissp",
    "cism",
    "cisa",
    "cfp",
    "jd",
    "llm",
    "ceng",
    "acca",
}
NAME_DECORATIONS = frozenset(_NAME_DECORATIONS)
# Decorations that are also family names (Jun Ma, Li Ba): stripped only when written
# as a degree (MA, M.A.) after a name that still has two words.
# The faculty of a German or Austrian doctorate, written after "Dr." ("Dr. med.").
_DEGREE_FACULTIES = frozenset(
    {"med.", "rer.", "nat.", "phil.", "jur.", "dent.", "vet.", "oec.", "pol.", "habil.", "h.c."}
)
_AMBIGUOUS_DECORATIONS = {"ma", "ba", "md", "ms", "pe", "rn", "ii", "iv"}
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


# Letters that Unicode does not decompose into a base letter and an accent, spelled
# the way mail addresses and ASCII-only systems write them (Søren -> soren@).
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
    }
)


@lru_cache(maxsize=500_000)
def fold(text: str) -> str:
    """Case- and accent-folded text for matching keys (never for display)."""
    if text.isascii():
        return text.lower()  # NFKC, NFKD and the letter table leave ASCII as it is
    # NFKC first: compatibility forms (mathematical letters, ligatures) then case-fold.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)


# A credential's shape, listed or not: letters with a dot inside (P.Eng., Dipl.-Ing.,
# B.Sc.), or a registered mark (PMP®).
_CREDENTIAL_SHAPE = re.compile(
    r"^(?:[A-Za-z]{1,5}\.-?[A-Za-z]{1,5}\.?(?:[A-Za-z]{1,4}\.?)?|\S+[®™])$"
)
# After a comma in a mixed-case name, a word in capitals is a credential (", CPA",
# ", MSCE"); in "SMITH, JOHN" it is the given name.
_CAPITALS = re.compile(r"^[A-Z][A-Z0-9&]{1,6}\.?[®™]?$")


def _is_credential_part(part: str, before: str) -> bool:
    """Is a part after a comma only credentials ("P.Eng.", "CPA, CFA", "Esq.", "PMP®")?"""
    words = part.split()
    if not words:
        return False
    mixed_case = before != before.upper()
    return all(
        w.casefold().rstrip(".") in _NAME_DECORATIONS
        or w.casefold() in _NAME_DECORATIONS
        or _CREDENTIAL_SHAPE.match(w)
        or (mixed_case and _CAPITALS.match(w))
        for w in words
    )


def _is_decoration(token: str, position: int, n_words: int) -> bool:
    key = token.casefold().strip(",")
    if position > 0 and _CREDENTIAL_SHAPE.match(token.strip(",")):
        return True
    if key not in _NAME_DECORATIONS and key.rstrip(".") not in _NAME_DECORATIONS:
        return False
    if key.rstrip(".") in _AMBIGUOUS_DECORATIONS:
        written_as_title = token.strip(",").isupper() or "." in token or position == 0
        return n_words >= 3 and written_as_title
    return True


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
    if len(parts) == 2 and parts[1].casefold().rstrip(".") in _LEGAL_SUFFIXES:
        return text  # "Ximian, Inc." names a company, not Inc. Ximian
    if len(parts) >= 2:
        rest = [p for p in parts[1:] if not _is_credential_part(p, parts[0])]
        if rest and len(parts[0].split()) == 1:
            text = " ".join(rest + [parts[0]])
        else:
            text = parts[0] if not rest else " ".join(parts)
    words = _SPACES.split(text)
    tokens = []
    for i, t in enumerate(words):
        if _is_decoration(t, i, len(words)):
            continue
        # "Dr. med.", "Dr. rer. nat.": the faculty belongs to the title before it.
        if (
            t.casefold() in _DEGREE_FACULTIES
            and i
            and _is_decoration(words[i - 1], i - 1, len(words))
        ):
            words[i] = words[i - 1]  # so that a second faculty word is dropped as well
            continue
        tokens.append(t)
    text = " ".join(tokens).strip(" ,")
    return text or None


# Names clean_name leaves as they are: ASCII words of letters (inner apostrophes and
# hyphens, a final dot as in "Q.") between single spaces, none of them a decoration;
# and "Last, First ..." with such words, which it turns into "First ... Last". A word
# is a decoration when, lower-cased and without final dots, it is in the list (the
# ones with inner dots or brackets cannot be such a word).
_WORD = r"[A-Za-z](?:[A-Za-z'-]*[A-Za-z])?\.?"
_PLAIN_NAME = rf"^{_WORD}(?: {_WORD})*$"
_LAST_FIRST = rf"^({_WORD}), ({_WORD}(?: {_WORD})*)$"
_DECORATION_WORD = (
    r"(?i)(?:^| )(?:"
    + "|".join(sorted(d for d in _NAME_DECORATIONS if d.isalpha()))
    + r")\.?(?:,? |$)"
)


# "Ximian, Inc.": a legal form after the comma makes it a company, never "Last, First".
_COMPANY_AFTER_COMMA = r"(?i), (?:" + "|".join(sorted(_LEGAL_SUFFIXES)) + r")\.?$"


def clean_names(values: pa.Array) -> pa.Array:
    """``clean_name`` of every value of a string array."""
    undecorated = pc.invert(
        pc.or_(
            pc.match_substring_regex(values, _DECORATION_WORD),
            # "Bennett, MSCE", "Bennett, CPA CFA": capitals after the comma may be
            # credentials
            pc.match_substring_regex(values, r", ?[A-Z][A-Z0-9&]+\.?(?: [A-Z][A-Z0-9&]+\.?)*$"),
        )
    )
    plain = pc.and_(pc.match_substring_regex(values, _PLAIN_NAME), undecorated)
    last_first = pc.and_(
        pc.and_(pc.match_substring_regex(values, _LAST_FIRST), undecorated),
        pc.invert(pc.match_substring_regex(values, _COMPANY_AFTER_COMMA)),
    )
    reordered = pc.replace_substring_regex(values, _LAST_FIRST, r"\2 \1")
    fast = pc.if_else(plain, values, pc.if_else(last_first, reordered, None))
    return fast_or_slow(values, fast, clean_name)


@lru_cache(maxsize=200_000)
def name_key(name: str | None) -> str | None:
    """Folded, punctuation-free name used for blocking and comparison."""
    if not name:
        return None
    key = _SPACES.sub(" ", _PUNCT.sub(" ", fold(name))).strip()
    return key or None


# Python's \s and str.strip() in ASCII, spelled out for RE2 (whose \s lacks \v and
# the separators \x1c-\x1f).
_ASCII_SPACE = r"\t\n\v\f\r\x1c-\x1f "


def _ascii_only(values: pa.Array, keys: pa.Array) -> pa.Array:
    """``keys`` where the value is ASCII and the key not empty, else null."""
    return pc.if_else(
        pc.and_(pc.string_is_ascii(values), pc.greater(pc.binary_length(keys), 0)), keys, None
    )


def name_keys(names: pa.Array) -> pa.Array:
    """``name_key`` of every value of a string array."""
    # On ASCII fold() is lower(), \w is [A-Za-z0-9_] and \s is _ASCII_SPACE.
    punct_free = pc.replace_substring_regex(
        pc.ascii_lower(names), f"[^A-Za-z0-9_{_ASCII_SPACE}]", " "
    )
    keys = pc.utf8_trim(pc.replace_substring_regex(punct_free, f"[{_ASCII_SPACE}]+", " "), " ")
    return fast_or_slow(names, _ascii_only(names, keys), name_key)


def alnum_keys(values: pa.Array, fn: Callable[[str], str | None]) -> pa.Array:
    """``fn`` of every value, for ``fn`` family_key or org_key (folded, only letters
    and digits kept)."""
    keys = pc.replace_substring_regex(pc.ascii_lower(values), "[^a-z0-9]", "")
    return fast_or_slow(values, _ascii_only(values, keys), fn)


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """(given, family) from a clean display name: the last token is the family name."""
    tokens = name.split() if name else []
    if not tokens:
        return None, None
    if len(tokens) == 1:
        return tokens[0], None
    return " ".join(tokens[:-1]), tokens[-1]


def split_names(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """``split_name`` of every value of a string array, as (given, family) arrays."""
    # Printable ASCII words between single spaces: str.split() splits at those spaces.
    plain = pc.match_substring_regex(names, r"^[!-~]+(?: [!-~]+)*$")
    several = pc.match_substring(names, " ")
    given = pc.if_else(plain, pc.replace_substring_regex(names, " [!-~]+$", ""), None)
    family = pc.if_else(
        pc.and_(plain, several), pc.replace_substring_regex(names, "^.* ", ""), None
    )
    todo = pc.and_(pc.invert(plain), pc.is_valid(names))
    split = [split_name(name) for name in names.filter(todo).to_pylist()]
    return (
        pc.replace_with_mask(given, todo, pa.array([g for g, _ in split], pa.string())),
        pc.replace_with_mask(family, todo, pa.array([f for _, f in split], pa.string())),
    )


# The addresses normalise_email only lower-cases: plain ones (as _is_plain_address),
# written without surrounding spaces, brackets or mailto:. RE2's $ is stricter than
# Python's (no final newline), which only sends more to the per-value path.
_SPECIAL_USE_SUFFIX = r"(?i)[@.](?:" + "|".join(map(re.escape, sorted(SPECIAL_USE_DOMAINS))) + ")$"


def normalise_emails(values: pa.Array) -> pa.Array:
    """``normalise_email`` of every value of a string array."""
    plain = pc.and_(
        pc.and_(
            pc.match_substring_regex(values, PLAIN_ADDRESS.pattern),
            pc.less_equal(pc.utf8_length(values), 254),
        ),
        pc.and_(
            pc.less_equal(pc.find_substring(values, "@"), 64),
            pc.invert(
                pc.or_(
                    pc.match_substring_regex(values, r"(?i)[@.]xn--"),  # IDNA: validator
                    pc.match_substring_regex(values, _SPECIAL_USE_SUFFIX),
                )
            ),
        ),
    )
    return fast_or_slow(values, pc.if_else(plain, pc.ascii_lower(values), None), normalise_email)


# phonenumbers compiles each metadata pattern through re.compile on every use (3 million
# calls at a million records, most of the time it spends validating): keep them compiled.
phonenumbers.enable_pattern_cache()

_DESC_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


def _has_type(nsn: str, metadata) -> bool:
    """phonenumbers' ``_number_type_helper(nsn, metadata) != UNKNOWN``: the same tests,
    fixed line and mobile (what most numbers are) first, stopping at the first match."""
    matches = _is_number_matching_desc
    if not matches(nsn, metadata.general_desc):
        return False
    if matches(nsn, metadata.fixed_line):
        return True
    if not metadata.same_mobile_and_fixed_line_pattern and matches(nsn, metadata.mobile):
        return True
    return any(matches(nsn, getattr(metadata, name)) for name in _DESC_TYPES)


@cache
def _region_search(country_code: int) -> list:
    """region_code_for_number's walk through a shared calling code's regions, prepared
    once: ``(code, metadata)`` for a region without leading digits (it takes the first
    such whose types the number has), and a run of regions with leading digits as one
    pattern matching where any of theirs does, with each region's own pattern."""
    steps: list = []
    for code in COUNTRY_CODE_TO_REGION_CODE[country_code]:
        metadata = PhoneMetadata.metadata_for_region(code.upper(), None)
        if metadata is None:
            continue
        if metadata.leading_digits is None:
            steps.append((code, metadata))
            continue
        if not steps or not isinstance(steps[-1], list):
            steps.append([])
        steps[-1].append((code, re_compile(metadata.leading_digits)))
    return [
        step
        if isinstance(step, tuple)
        else (re.compile("|".join(f"(?:{p.pattern})" for _, p in step)), step)
        for step in steps
    ]


def is_valid_phone(number: phonenumbers.PhoneNumber) -> bool:
    """``phonenumbers.is_valid_number``, step for step (region_code_for_number, then
    is_valid_number_for_region), without testing the number's types twice against the
    region found by them, with _has_type for the type helper and the regions of a shared
    calling code walked as _region_search prepared them."""
    country_code = number.country_code
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if regions is None:
        return False
    nsn = phonenumbers.national_significant_number(number)
    region, known = None, None
    if len(regions) == 1:
        region = regions[0]
    else:
        for first, second in _region_search(country_code):
            if isinstance(first, str):
                if _has_type(nsn, second):
                    region, known = first, second
                    break
            elif first.match(nsn):
                region = next(code for code, pattern in second if pattern.match(nsn))
                break
    if region is None:
        return False
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region.upper())
    if metadata is None or (
        region != REGION_CODE_FOR_NON_GEO_ENTITY
        and country_code != phonenumbers.country_code_for_valid_region(region)
    ):
        return False
    return metadata is known or _has_type(nsn, metadata)


@lru_cache(maxsize=200_000)
def normalise_phone(raw: str | None, default_region: str = "US") -> str | None:
    """E.164 form of a phone number, or None unless it is a valid number."""
    if not raw:
        return None
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:].split(";")[0]
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    # Only numbers phonenumbers knows to exist in their region: a national number read
    # in the wrong region (Dresden's 0351 as +1 0351) is left out of matching, and the
    # raw value stays in phones_raw.
    if not is_valid_phone(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Numbers written with ASCII digits, spaces and - . ( ) after an optional leading +:
# phonenumbers reads nothing of them but the digits and whether a + leads (no letters
# for an extension or a tel: prefix, under its 250-character limit), so the spelling
# of + and digits alone stands for all of them and is parsed once. Fewer than three
# digits are left as written: there the punctuation decides whether parse() accepts.
_PUNCTUATED_PHONE = r"^ *\+?[0-9 ().-]*$"


def normalise_phones(values: pa.Array, default_region: str = "US") -> pa.Array:
    """``normalise_phone`` of every value of a string array."""
    canonical = pc.and_(
        pc.and_(
            pc.match_substring_regex(values, _PUNCTUATED_PHONE),
            pc.greater_equal(pc.count_substring_regex(values, "[0-9]"), 3),
        ),
        pc.less_equal(pc.utf8_length(values), 250),
    )
    spelling = pc.if_else(canonical, pc.replace_substring_regex(values, "[^0-9+]", ""), values)
    return Coded.encode(spelling).map(lambda p: normalise_phone(p, default_region)).to_arrow()


# Profile URLs as LinkedIn writes them: an optional http(s) scheme, a linkedin.com
# host, /in/, a slug of URL-safe ASCII, then anything. The result is just the slug
# lower-cased, which Arrow builds for all of them at once; other spellings (old /pub/
# URLs, percent-escapes, spaces, other hosts) go through normalise_linkedin_url. Without
# a scheme the tail has no ':', which keeps the fast path to what it reads the same way.
_LINKEDIN_PREFIX = r"(?i)^(?:https?://)?(?:[a-z0-9-]+\.)*linkedin\.com/in/[a-z0-9_.~-]+"
# In such a URL the first /in/ is the one after the host (which has no '/'): found
# without anchoring, which RE2 does much faster than matching the whole prefix.
_LINKEDIN_PROFILE = r"(?i)/(?P<kind>in)/(?P<slug>[a-z0-9_.~-]+)"
_LINKEDIN_TAIL = r"(?:[/?#][!-~]*)?$"
_LINKEDIN_TAIL_NO_COLON = r"(?:[/?#][!-9;-~]*)?$"


def normalise_linkedin_urls(values: pa.Array) -> pa.Array:
    """``normalise_linkedin_url`` of every value of a string array."""
    parts = pc.extract_regex(values, _LINKEDIN_PROFILE)
    with_scheme = pc.match_substring_regex(values, _LINKEDIN_PREFIX + _LINKEDIN_TAIL)
    without = pc.match_substring_regex(values, _LINKEDIN_PREFIX + _LINKEDIN_TAIL_NO_COLON)
    has_scheme = pc.match_substring_regex(values, r"(?i)^https?://")
    # ASCII only: case-insensitive matching would let the Kelvin sign pass for a k.
    plain = pc.and_(pc.string_is_ascii(values), pc.if_else(has_scheme, with_scheme, without))
    url = pc.binary_join_element_wise(
        "https://www.linkedin.com/",
        pc.ascii_lower(pc.struct_field(parts, "kind")),
        "/",
        pc.ascii_lower(pc.struct_field(parts, "slug")),
        "",
    )
    return fast_or_slow(values, pc.if_else(plain, url, None), normalise_linkedin_url)


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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Gmail ignores dots in the local part and both domains are one mailbox.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
# Local parts that name a function, not a person: shared by whoever does the job.
ROLE_LOCAL_PARTS = _words(
    """info contact contacts hello hi team office admin administrator sales support help
    helpdesk service services billing accounts accounting finance invoices hr jobs careers
    recruiting recruitment press media marketing pr events enquiries inquiries mail
    postmaster webmaster hostmaster abuse noreply no-reply donotreply do-not-reply
    notifications newsletter news reception frontdesk general legal privacy security
    orders shop store booking bookings feedback operations ops it dev all staff"""
)


@lru_cache(maxsize=500_000)
def email_match_key(email: str | None) -> str | None:
    """Provider-aware key of a normalised address: two spellings of one mailbox agree.

    The +tag of the local part is dropped everywhere (sub-addressing), and at Gmail
    the dots as well, with googlemail.com read as gmail.com. The stored address is
    never changed; this key is only compared.
    """
    if not email or "@" not in email:
        return None
    local, _, domain = email.rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def email_match_keys(emails: pa.Array) -> pa.Array:
    """``email_match_key`` of every value of a string array."""
    # Printable ASCII with one "@" splits into local part and domain by a regex.
    parts = pc.extract_regex(emails, r"^(?P<local>[!-?A-~]*)@(?P<domain>[!-?A-~]*)$")
    local, domain = pc.struct_field(parts, "local"), pc.struct_field(parts, "domain")
    untagged = pc.replace_substring_regex(local, r"^([^+]+)\+.*$", r"\1")  # "+x" stays
    dotless = pc.replace_substring(untagged, ".", "")
    dotless = pc.if_else(pc.equal(dotless, ""), untagged, dotless)
    providers = pa.array(list(_DOTLESS_DOMAINS), pa.string())
    provider = pc.index_in(domain, value_set=providers)
    keys = pc.binary_join_element_wise(
        pc.if_else(pc.is_valid(provider), dotless, untagged),
        pc.coalesce(pa.array(list(_DOTLESS_DOMAINS.values()), pa.string()).take(provider), domain),
        "@",
    )
    return fast_or_slow(emails, keys, email_match_key)


def is_role_address(email: str | None) -> bool:
    """True for shared function mailboxes (info@, sales@, team@...)."""
    if not email or "@" not in email:
        return False
    local = email.rpartition("@")[0].split("+", 1)[0]
    return local in ROLE_LOCAL_PARTS


_ROLE_LOCAL_PARTS = pa.array(sorted(ROLE_LOCAL_PARTS), pa.string())


def role_addresses(emails: pa.Array) -> np.ndarray:
    """``is_role_address`` of every address of a string array, in Arrow (a Python call
    per distinct address was half a second at a million records)."""
    has_at = pc.fill_null(pc.match_substring(emails, "@"), False)
    local = pc.replace_substring_regex(emails, "@[^@]*$", "")  # before the last "@"
    local = pc.replace_substring_regex(local, "(?s)[+].*$", "")  # before the first "+"
    role = pc.and_(has_at, pc.fill_null(pc.is_in(local, value_set=_ROLE_LOCAL_PARTS), False))
    return role.to_numpy(zero_copy_only=False).astype(bool)


@lru_cache(maxsize=200_000)
def email_org(email: str | None) -> str | None:
    """The organisation an address belongs to (bsmith@mail.acme.co.uk -> "acme").

    None for free-mail providers, which say nothing about the employer.
    """
    if not email or "@" not in email:
        return None
    return _domain_org(email.rpartition("@")[2])


@lru_cache(maxsize=100_000)
def _domain_org(domain: str) -> str | None:
    # org_domain reads only what follows the last "@" of an address.
    registrable = org_domain(f"@{domain}")
    return org_key(registrable.split(".", 1)[0]) if registrable else None


def email_orgs(emails: pa.Array) -> pa.Array:
    """``email_org`` of every address of a string array, worked out once per domain."""
    domains = pc.if_else(
        pc.match_substring(emails, "@"), pc.replace_substring_regex(emails, "(?s)^.*@", ""), None
    )
    return Coded.encode(domains).map(_domain_org).to_arrow()


@lru_cache(maxsize=200_000)
def org_key(company: str | None) -> str | None:
    """A company key without spaces ("acme labs" -> "acmelabs"), comparable to domains."""
    if not company:
        return None
    key = "".join(ch for ch in fold(company) if ch.isalnum())
    return key or None


@lru_cache(maxsize=200_000)
def given_key(given: str | None) -> str | None:
    """Folded first given name, nickname-canonical: "Bill" -> "william", "Kate" -> "katherine"."""
    if not given:
        return None
    tokens = _PUNCT.sub(" ", fold(given)).split()
    if not tokens:
        return None
    return canonical_given(tokens[0])


@lru_cache(maxsize=200_000)
def family_key(family: str | None) -> str | None:
    """Folded family name with spaces and punctuation removed ("O'Brien" -> "obrien")."""
    if not family:
        return None
    key = "".join(ch for ch in fold(family) if ch.isalnum())
    return key or None


@lru_cache(maxsize=200_000)
def name_phonetic(given: str | None, family: str | None) -> str | None:
    """Phonetic key of the name: family code and the given name's first phonetic letter.

    "Katherine Smyth" and "Catherine Smith" both give ``SM0|K``.
    """
    fam = _family_phonetic(family)
    if not fam:
        return None
    return f"{fam}|{_given_initial(given)}"


def _family_phonetic(family: str | None) -> str | None:
    return phonetic_key(family_key(family)) or None


def _given_initial(given: str | None) -> str:
    giv = phonetic_key(given_key(given))
    return giv[0] if giv else ""


def _name_phonetics(given: Coded, family: Coded) -> pa.Array:
    """``name_phonetic`` of each record, its two parts worked out once per name."""
    initials = pc.fill_null(given.map(_given_initial).to_arrow(), "")  # no given name: ""
    return pc.binary_join_element_wise(family.map(_family_phonetic).to_arrow(), initials, "|")


def _present(raw: Coded) -> np.ndarray:
    """Per row: the value is there and not only spaces."""
    written = [bool(v.strip()) for v in raw.values.to_pylist()]
    return np.append(np.array(written, dtype=bool), False)[raw.codes]


def _names(records: pd.DataFrame) -> tuple[Coded, Coded, Coded]:
    """(display, given, family) names of each record.

    The display name is the cleaned full name, or else the cleaned given and family
    names put together; given and family names are the raw ones cleaned where they
    were written, else split from the display name. Each step runs once per distinct
    value of its input column.
    """
    name = Coded.of(records["name_raw"]).map_array(clean_names)
    given_raw = Coded.of(records["given_name_raw"])
    family_raw = Coded.of(records["family_name_raw"])
    named = pc.is_valid(name.to_arrow()).to_numpy(zero_copy_only=False)
    unnamed = np.flatnonzero(~named)
    joined = _pair_map(
        Coded(given_raw.codes[unnamed], given_raw.values),
        Coded(family_raw.codes[unnamed], family_raw.values),
        lambda g, f: clean_name(" ".join(x for x in (g, f) if x)),
    )
    fallback = np.full(len(name.codes), -1, dtype=np.int64)
    fallback[unnamed] = joined.codes
    display = choose(named, name, Coded(fallback, joined.values)).distinct()
    split_given, split_family = (Coded(display.codes, v) for v in split_names(display.values))
    # A name is split only where the source wrote neither part: a card with only a
    # given name (N:;zzMad Perla 45;;;) has no family name to take from its FN, and an
    # organisation's card (its name is its company) names no person at all.
    given_written, family_written = _present(given_raw), _present(family_raw)
    split = ~given_written & ~family_written & ~_is_company_name(display, records)
    nothing = Coded(np.full(len(display.codes), -1, dtype=np.int64), pa.array([], pa.string()))
    given_clean = given_raw.map(clean_name)
    # "Eriksson, Henrik" typed whole into the first-name field (N:;Eriksson\, Henrik;;;)
    # is a whole name, its comma says so: split it as a display name would be.
    comma = np.append(
        np.array([v is not None and "," in v for v in given_raw.values.to_pylist()], bool),
        False,
    )[given_raw.codes]
    whole = given_written & ~family_written & comma
    whole_given, whole_family = (
        Coded(given_clean.codes, v) for v in split_names(given_clean.values)
    )
    given_clean = choose(whole, whole_given, given_clean)
    given = choose(given_written, given_clean, choose(split, split_given, nothing))
    family = choose(
        family_written,
        family_raw.map(clean_name),
        choose(split, split_family, choose(whole, whole_family, nothing)),
    )
    return display, given.distinct(), family.distinct()


def _is_company_name(display: Coded, records: pd.DataFrame) -> np.ndarray:
    """Per row: the display name is the record's own company (an organisation's card)."""
    company = Coded.of(records["company_raw"])
    rows = np.flatnonzero((display.codes >= 0) & (company.codes >= 0))
    # company_key once per distinct value either side (not twice per distinct pair of
    # them, 485k at a million records), each key numbered; -1 for an empty value.
    numbers: dict[str | None, int] = {}

    def key_numbers(coded: Coded) -> np.ndarray:
        values = coded.values.to_pylist()
        out = np.full(len(values), -1, dtype=np.int64)
        for code in np.unique(coded.codes[rows]).tolist():
            if values[code]:
                out[code] = numbers.setdefault(company_key(values[code]), len(numbers))
        return out

    name_number = key_numbers(display)[display.codes[rows]]
    company_number = key_numbers(company)[company.codes[rows]]
    same = np.zeros(len(display.codes), dtype=bool)
    same[rows] = (name_number >= 0) & (name_number == company_number)
    return same


def _pair_map(first: Coded, second: Coded, fn) -> Coded:
    """``fn(a, b)`` once per distinct pair of values of two columns (None where missing)."""
    first, second = first.distinct(), second.distinct()
    group, rows = distinct_combinations(first.codes, second.codes)
    a = np.array(first.values.to_pylist() + [None], dtype=object)[first.codes[rows]]
    b = np.array(second.values.to_pylist() + [None], dtype=object)[second.codes[rows]]
    mapped = [fn(x, y) for x, y in zip(a, b, strict=True)]
    return Coded(group, pa.array(mapped, pa.string()))


def _phones_by_region(records: pd.DataFrame, default_region: str) -> pa.ListArray:
    """E.164 phones of each record, numbers without +CC read in the record's own
    ``phone_region`` (what its source implies) where it has one, else ``default_region``."""
    flat = Flat.of(records["phones_raw"])
    regions = records.get("phone_region")
    if regions is None or not regions.notna().any():
        return flat.map_array(lambda p: normalise_phones(p, default_region)).to_arrow()
    row_region = regions.astype(object).where(regions.notna(), default_region).to_numpy()
    values = np.array(flat.elements.values.to_pylist() + [None], dtype=object)
    pairs = [
        None if v is None else f"{r}\x1f{v}"
        for r, v in zip(row_region[flat.parents], values[flat.elements.codes], strict=True)
    ]
    elements = Coded.encode(pa.array(pairs, pa.string())).map(
        lambda pair: normalise_phone(pair.partition("\x1f")[2], pair.partition("\x1f")[0])
    )
    return Flat(flat.n_rows, flat.parents, elements).to_arrow()


def normalise_records(records: pd.DataFrame, default_region: str = "US") -> pd.DataFrame:
    """Add the normalised columns of ``source_records`` to extract records.

    Every normaliser runs once per distinct value, so a million records that repeat
    addresses, phones and names cost what their distinct values cost. Columns are
    encoded, mapped and rebuilt by Arrow (see ``transforms.arrow_columns``): no Python
    object is made per record, and the list columns come back Arrow-backed.

    Args:
        records: rows in the shape of ``warehouse.schema.RECORDS``.
        default_region: country for phone numbers written without a country code.

    Returns:
        A copy with display_name, given_name, family_name, name_key, emails, phones,
        linkedin_url, company, company_key and title added, and the matching keys
        email_keys, given_key, family_key, name_phonetic and org_keys; birthday and
        postcodes (``transforms.personal_details``); street_keys and localities
        (``transforms.addresses``). String columns
        are ``string[pyarrow]``; the list columns are ``list<string>`` with one list,
        possibly empty, per record.
    """
    out = records.copy()
    n = len(out)
    names, given, family = _names(out)
    out["display_name"] = names.to_pandas()
    out["given_name"] = given.to_pandas()
    out["family_name"] = family.to_pandas()
    out["name_key"] = names.map_array(name_keys).to_pandas()
    out["given_key"] = given.map(given_key).to_pandas()
    out["family_key"] = family.map_array(lambda v: alnum_keys(v, family_key)).to_pandas()
    out["name_phonetic"] = pd.arrays.ArrowStringArray(_name_phonetics(given, family))

    emails = Flat.of(out["emails_raw"]).map_array(normalise_emails)
    out["emails"] = list_series_array(emails.to_arrow())
    out["email_keys"] = list_series_array(emails.map_array(email_match_keys).to_arrow())
    out["phones"] = list_series_array(_phones_by_region(out, default_region))
    urls = Coded.of(out["linkedin_url_raw"]).map_array(normalise_linkedin_urls)
    out["linkedin_url"] = urls.to_pandas()
    companies = Coded.of(out["company_raw"]).map(clean_company)
    out["company"] = companies.to_pandas()
    keys = companies.map(company_key)
    out["company_key"] = keys.to_pandas()
    # Where a person works, from the company field and from non-free-mail domains.
    company_orgs = Flat(
        n, np.arange(n, dtype=np.int64), keys.map_array(lambda v: alnum_keys(v, org_key))
    )
    out["org_keys"] = list_series_array(
        concat_flat(company_orgs, emails.map_array(email_orgs)).to_arrow()
    )
    out["title"] = Coded.of(out["title_raw"]).map(lambda t: t.strip() or None).to_pandas()
    # Phone-book details; extracts written before they existed have no such columns.
    if "birthday_raw" not in out:
        out["birthday_raw"] = pd.Series([None] * n, dtype="string[pyarrow]", index=out.index)
    for column in ("postcodes_raw", "streets_raw", "localities_raw"):
        if column not in out:
            out[column] = list_series_array(pa.array([[]] * n, pa.list_(pa.string())))
    out["birthday"] = Coded.of(out["birthday_raw"]).map(normalise_birthday).to_pandas()
    postcodes = Flat.of(out["postcodes_raw"]).map(postcode_key)
    out["postcodes"] = list_series_array(postcodes.to_arrow())
    # Imported here: transforms.addresses folds text with this module's ``fold``.
    from transforms.addresses import locality_key, street_key

    out["street_keys"] = list_series_array(Flat.of(out["streets_raw"]).map(street_key).to_arrow())
    out["localities"] = list_series_array(
        Flat.of(out["localities_raw"]).map(locality_key).to_arrow()
    )
    return out
