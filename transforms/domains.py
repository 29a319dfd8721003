"""What a mail domain says: the organisation's registrable domain, free mail, academia.

Registrable domains come from tldextract with its bundled copy of the Public Suffix
List (never fetched at run time: the warehouse must build offline). The free-mail and
academic lists are maintained in transforms/data/.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import tldextract

DATA = Path(__file__).resolve().parent / "data"
FREE_MAIL_FILE = DATA / "free_mail_domains.txt"
ACADEMIC_FILE = DATA / "academic_domains.txt"

# suffix_list_urls=() keeps tldextract on its bundled snapshot: no network, no cache dir.
_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _read_list(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.startswith("#"))


@cache
def free_mail_domains() -> tuple[frozenset[str], frozenset[str]]:
    """The free-mail list as (exact domains, brands matched under any public suffix)."""
    entries = _read_list(FREE_MAIL_FILE)
    brands = frozenset(e[:-2] for e in entries if e.endswith(".*"))
    return frozenset(e for e in entries if not e.endswith(".*")), brands


@cache
def academic_domains() -> frozenset[str]:
    return _read_list(ACADEMIC_FILE)


def email_domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rpartition("@")[2].strip().strip(".").lower() or None


@lru_cache(maxsize=200_000)
def registrable_domain(domain: str | None) -> str | None:
    """The part of a domain an organisation registers: mail.acme.co.uk -> acme.co.uk."""
    if not domain:
        return None
    parts = _extract(domain.lower().strip("."))
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}"


@lru_cache(maxsize=200_000)
def is_free_mail(domain: str | None) -> bool:
    """True for consumer providers (gmail.com, yahoo.co.uk, mail.ru ...)."""
    reg = registrable_domain(domain)
    if reg is None:
        return False
    exact, brands = free_mail_domains()
    return domain in exact or reg in exact or reg.split(".", 1)[0] in brands


@lru_cache(maxsize=100_000)
def is_academic(domain: str | None) -> bool:
    """True for universities and schools (stanford.edu, ox.ac.uk, ethz.ch ...)."""
    reg = registrable_domain(domain)
    if reg is None:
        return False
    labels = reg.split(".")
    if labels[-1] == "edu" or (len(labels) == 3 and labels[-2] in ("ac", "edu")):
        return True
    return reg in academic_domains() or labels[0].startswith(("uni-", "univ-", "universit"))


def org_domain(email: str | None) -> str | None:
    """The organisation domain of an address; None for free mail and bad addresses."""
    domain = email_domain(email)
    if domain is None or is_free_mail(domain):
        return None
    return registrable_domain(domain)
