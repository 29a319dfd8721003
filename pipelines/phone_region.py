"""The run's region for phone numbers written without a country code, after the card's.

A record's own hints come first (a vCard's ADR country, else its file's usual country
code: connectors.phone_regions). For the rest the run decides once, in this order:
the country of the user's LinkedIn profile location, the machine's locale (its
telephone category), then the configured ``default_region``. With none of them a
national number cannot be placed: it stays raw, out of matching. Only pipelines
reads the locale; connectors and transforms are given the region.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import phonenumbers

# POSIX precedence for the telephone category: LC_ALL, then LC_TELEPHONE, then LANG.
_LOCALE_VARIABLES = ("LC_ALL", "LC_TELEPHONE", "LANG")
_LOCALE_RE = re.compile(r"^[a-z]{2,3}_([A-Z]{2})(?:[.@]|$)")


@dataclass(frozen=True)
class PhoneRegion:
    """The region numbers without +CC are read in, and where it came from.

    Attributes:
        region: an ISO region, or "" when nothing names one.
        source: ``linkedin profile``, ``locale``, ``config`` or ``none``.
    """

    region: str
    source: str


def locale_region(environ: Mapping[str, str] | None = None) -> str | None:
    """The territory of the machine's telephone locale (``de_DE.UTF-8`` is DE), or None
    for ``C``, ``POSIX``, ``C.UTF-8`` and locales without one."""
    environ = os.environ if environ is None else environ
    for name in _LOCALE_VARIABLES:
        value = environ.get(name)
        if value:  # the first one set decides, as for the C library
            match = _LOCALE_RE.match(value)
            if match and match.group(1) in phonenumbers.SUPPORTED_REGIONS:
                return match.group(1)
            return None
    return None


def run_phone_region(
    profile_regions: Iterable[str | None],
    configured: str = "",
    environ: Mapping[str, str] | None = None,
) -> PhoneRegion:
    """The run's region for national numbers that their own source cannot place.

    Args:
        profile_regions: the countries of the run's LinkedIn profiles (one per export;
            None where the location names no country). The most frequent wins; a tie
            goes to the first in alphabetical order, for a deterministic run.
        configured: the ``default_region`` setting ("" when not configured).
        environ: the environment whose locale is read (default: the process's).
    """
    counts = Counter(r for r in profile_regions if r)
    if counts:
        region = min(counts, key=lambda r: (-counts[r], r))
        return PhoneRegion(region, "linkedin profile")
    if region := locale_region(environ):
        return PhoneRegion(region, "locale")
    if configured:
        return PhoneRegion(configured.upper(), "config")
    return PhoneRegion("", "none")
