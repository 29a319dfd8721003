"""Which country an address book's phone numbers belong to when written without +CC.

A vCard's own ADR country says it first; else, for vCard files and LinkedIn's synced
address books alike, the country code most of the file's international numbers carry
(an address book is mostly one country's). Country names are phonenumbers' own, in ten
languages address books are often written in (connectors.countries).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import phonenumbers

# Country names are shared with the LinkedIn profile's location (connectors.countries).
from connectors.countries import region_of_country as region_of_country


def region_of_number(raw: str) -> str | None:
    """The region of a number written with its country code (+49 ..., 0049 ...), or None."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    return region if region and region != "ZZ" else None


def region_of_prefix(raw: str) -> str | None:
    """The main region of an international number's country code (+30 ... is GR), read
    from the prefix alone: cheaper than ``region_of_number``, enough for a hint."""
    text = raw.strip()
    if text.startswith("00"):
        text = text[2:]
    elif text.startswith("+"):
        text = text[1:]
    else:
        return None
    digits = "".join(c for c in text[:8] if c.isdigit())
    for n in (1, 2, 3):
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:n] or 0))
        if regions:
            return None if regions[0] == "001" else regions[0]
    return None


def written_nationally(raw: str) -> bool:
    """True for a number without a country code (it needs a region to be read)."""
    text = raw.strip()
    return not text.startswith(("+", "00")) and any(c.isdigit() for c in text)


def usual_region(regions: Iterable[str]) -> str | None:
    """The region most numbers carry, or None when none leads (a tie says nothing)."""
    ranked = Counter(regions).most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]
