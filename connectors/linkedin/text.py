"""Small normalisers of LinkedIn cells: names as compared, text safe for Arrow, URL lists."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from connectors.identity import linkedin_url_key


@lru_cache(maxsize=65536)
def fold_name(name: str) -> str:
    """A name as compared: NFC, whitespace collapsed, casefolded."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


def clean_text(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


@lru_cache(maxsize=16384)
def split_urls(value: str) -> tuple[tuple[str, str], ...]:
    """(normalised, raw) profile URLs from a comma-separated RECIPIENT PROFILE URLS cell."""
    out: dict[str, str] = {}
    for raw in re.split(r"[,\s]+", value):
        norm = linkedin_url_key(raw) if raw.strip() else None
        if norm and norm not in out:
            out[norm] = raw.strip()
    return tuple(out.items())


def printable(text: str) -> str:
    """Text safe for Arrow: undecodable bytes (lone surrogates) shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
