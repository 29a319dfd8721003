"""Street addresses for matching: a street key (house number and street) and a locality key.

A vCard ADR holds the street line ("6 Tullaroop Street", "Flat 2, 14 Rue de la Paix")
and the locality ("St James", "Paris"); people write them with and without the street
type spelled out and in any case. The keys fold case and accents, write the street
type the short way (street -> st, road -> rd, avenue -> ave) and keep the house
number in front, so "6 tullaroop street" and "6 Tullaroop St." are one key. A unit or
flat ("2/14", "Apt 4") is kept out of the number: one building, one household.
"""

from __future__ import annotations

import re

from transforms.normalise import fold

# The usual street types and their short forms (Australia Post, USPS, Royal Mail).
_STREET_TYPES = {
    "street": "st",
    "str": "st",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "drive": "dr",
    "place": "pl",
    "court": "ct",
    "crescent": "cres",
    "cr": "cres",
    "circuit": "cct",
    "close": "cl",
    "lane": "ln",
    "terrace": "tce",
    "parade": "pde",
    "highway": "hwy",
    "boulevard": "blvd",
    "square": "sq",
    "grove": "gr",
    "way": "way",
    "parkway": "pkwy",
}
_WORD = re.compile(r"[a-z0-9]+")
# A unit before the number: "2/14", "unit 3", "apt 4b", "flat 2,"
_UNIT_WORDS = frozenset({"unit", "apt", "apartment", "flat", "suite", "ste", "u"})
_NUMBER = re.compile(r"^\d+[a-z]?$")


def street_key(raw: str | None) -> str | None:
    """ "6 tullaroop st" from "6 Tullaroop Street"; None without a street name.

    The house number, when there is one, is the key's first word; a unit number
    written before it ("2/14 Smith St", "Unit 3, 14 Smith St") is dropped.
    """
    if not raw:
        return None
    text = fold(raw)
    # "2/14" is unit 2 of number 14
    text = re.sub(r"\b\d+[a-z]?\s*/\s*(\d+[a-z]?)\b", r"\1", text)
    words = _WORD.findall(text)
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in _UNIT_WORDS and i + 1 < len(words) and any(c.isdigit() for c in words[i + 1]):
            i += 2  # "apt 4b"
            continue
        out.append(_STREET_TYPES.get(w, w))
        i += 1
    numbers = [w for w in out if _NUMBER.match(w)]
    names = [w for w in out if not _NUMBER.match(w)]
    if not any(len(w) >= 2 for w in names):
        return None
    # The number nearest the name is the house number ("Flat 2 14 ..." left "2 14").
    number = numbers[-1] if numbers else None
    return " ".join([number, *names]) if number else " ".join(names)


def street_name(key: str) -> str:
    """The street of a street key, without the house number."""
    first, _, rest = key.partition(" ")
    return rest if _NUMBER.match(first) and rest else key


def house_number(key: str) -> str | None:
    """The house number of a street key, None without one."""
    first = key.partition(" ")[0]
    return first if _NUMBER.match(first) and " " in key else None


def locality_key(raw: str | None) -> str | None:
    """Folded locality: "Mount Immaney" -> "mount immaney"; None when empty."""
    if not raw:
        return None
    words = _WORD.findall(fold(raw))
    key = " ".join(words)
    return key if len(key) >= 2 else None
