"""Country names to ISO regions, as address books and LinkedIn profiles write them.

phonenumbers' own country names in ten languages (data/country_names.tsv), ISO codes
and the spellings address books use. Shared by the vCard connector (an ADR country) and
the LinkedIn one (the profile's location); plain data, no other ties import.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import phonenumbers

# Spellings address books use that are no country's name in phonenumbers' data.
_EXTRA_NAMES = {
    "usa": "US",
    "u.s.a.": "US",
    "u.s.": "US",
    "united states of america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "great britain": "GB",
    "brd": "DE",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


# phonenumbers' own country names, written out once (its locale module takes ~13 s to
# import): see the file's first line.
COUNTRY_NAMES = Path(__file__).with_name("data") / "country_names.tsv"


@lru_cache(maxsize=1)
def _regions_by_name() -> dict[str, str]:
    names = {region.casefold(): region for region in phonenumbers.SUPPORTED_REGIONS}
    for line in COUNTRY_NAMES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, region = line.partition("\t")
            names.setdefault(name, region)
    return names | _EXTRA_NAMES


def region_of_country(country: str | None) -> str | None:
    """The ISO region of an ADR country ("Germany", "Deutschland", "DE"), or None."""
    if not country or not country.strip():
        return None
    return _regions_by_name().get(_fold(country))


def region_of_location(location: str | None) -> str | None:
    """The region of a place as LinkedIn writes it: ``London, England, United Kingdom``,
    ``Berlin Area, Germany``, ``Germany``, ``Greater Seattle Area`` (a US metropolitan
    area); None for ``Austin, TX``, ``Marlow`` and other places that name no country."""
    if not location:
        return None
    parts = [p for p in (part.strip() for part in location.split(",")) if p]
    for part in reversed(parts):
        # Two-letter parts are US states and Canadian provinces (Austin, TX; Wilmington,
        # DE), never LinkedIn's way of naming a country.
        name = re.sub(r"(?i)\s+area$", "", part)  # "Toronto, Canada Area"
        if len(name) > 3 and (region := region_of_country(name)):
            return region
    # LinkedIn's metropolitan areas name their country ("Berlin Area, Germany",
    # "Toronto, Canada Area", "Mumbai Area, India") except in the United States
    # ("San Francisco Bay Area", "Greater Seattle Area", "Dallas/Fort Worth Area").
    if len(parts) == 1 and parts[0].casefold().endswith(" area"):
        return "US"
    return None
