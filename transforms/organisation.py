"""Organisation signals from e-mail domains: a company when no source names one, coworkers, alumni.

A work address says where someone works; a free-mail one (transforms/data/
free_mail_domains.txt) says nothing and is ignored. Domains are compared by their
registrable part (mail.acme.co.uk -> acme.co.uk). A company inferred from a domain takes
the spelling another contact's source gave that organisation ("Trey Research" for
treyresearch.net) and is otherwise the domain's name ("Hirewell" for hirewell.co.uk).
A coworker shares an organisation domain with one of the user's own addresses, past or
present; an academic domain is one under .edu, .edu.XX or .ac.XX, a uni-/univ- name, or
listed in transforms/data/academic_domains.txt; alumni share one with the user.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from transforms.domains import (
    is_academic,
    org_domain,
)

# Words that end a company's name or domain without naming it (litwareinc -> litware).
_LEGAL_WORDS = (
    "incorporated",
    "corporation",
    "limited",
    "company",
    "group",
    "gmbh",
    "corp",
    "inc",
    "llc",
    "ltd",
    "plc",
    "co",
    "sa",
    "ag",
    "bv",
    "hq",
)
# The few a domain glues to the name (litwareinc.com); short ones like "co" would cut
# real names (newco, costco).
_DOMAIN_LEGAL_WORDS = ("gmbh", "corp", "inc", "llc", "ltd", "hq")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

ORGANISATION_COLUMNS = [
    "contact_id",
    "company",
    "company_source",
    "company_record_id",
    "org_domain",
    "coworker",
    "academic_domain",
    "alumni",
]


def _as_list(value) -> list:
    if value is None or isinstance(value, float):
        return []
    return list(value)


def company_key(name: str | None) -> str | None:
    """A folded company name for comparing with a domain: "Litware, Inc." -> "litware".

    Missing is None, and also NaN: pandas 3's string columns hold a missing value as NaN.
    """
    if not isinstance(name, str) or not name:
        return None
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = _NOT_ALNUM.sub(" ", text).split()
    while len(words) > 1 and words[-1] in _LEGAL_WORDS:
        words.pop()
    return "".join(words) or None


# Words a company name joins with, left out of its domain: Franklin and Sons -> franklin.
_JOINING_WORDS = frozenset({"and", "the", "of", "und", "et", "y"})
# A domain that starts with the company's first word may add at most this many letters
# (cedar -> cedarhq, cedaran for Cedar Analytics): beyond, it is another name.
_MAX_ADDED_LETTERS = 5
_MIN_FIRST_WORD = 4  # "acme" names a company; "go", "new" or "abc" do not


def company_initial(company_key: str) -> str:
    """The letter every domain ``company_matches_domain`` accepts starts with: the
    first letter of the company's first word ("" for none)."""
    words = [w for w in company_key.split() if w not in _JOINING_WORDS]
    return words[0][0] if words else ""


@lru_cache(maxsize=200_000)
def company_matches_domain(company_key: str, domain: str) -> bool:
    """Can this company's mail come from this domain (its org key, ``email_org``)?

    The domain is the company name run together (cedaranalytics), its first word
    (franklin for Franklin and Sons; with a few letters more: cedarhq), a truncation
    (cedaran) or its initials (cmr for Cedar Maple Robotics).

    Args:
        company_key: a folded company name, words separated by spaces (``company_key``).
        domain: a folded domain label without its suffix (``email_org``).
    """
    words = [w for w in company_key.split() if w not in _JOINING_WORDS]
    while len(words) > 1 and words[-1] in _LEGAL_WORDS:
        words.pop()
    if not words or len(domain) < 2:
        return False
    whole, first = "".join(words), words[0]
    if domain == whole:
        return True
    if len(words) >= 2 and domain == "".join(w[0] for w in words):
        return True
    if len(first) >= _MIN_FIRST_WORD and domain.startswith(first):
        return len(domain) - len(first) <= _MAX_ADDED_LETTERS
    return len(domain) >= _MIN_FIRST_WORD and len(domain) >= len(first) and whole.startswith(domain)


def _name_label(registrable: str) -> str:
    return registrable.split(".", 1)[0]


def _domain_keys(registrable: str) -> list[str]:
    """The domain's name as company keys to look up: litwareinc -> litwareinc, litware."""
    label = _NOT_ALNUM.sub("", _name_label(registrable).lower())
    keys = [label]
    for word in _DOMAIN_LEGAL_WORDS:
        if label.endswith(word) and len(label) - len(word) >= 3:
            keys.append(label[: -len(word)])
    return keys


def company_from_domain(registrable: str, known: dict[str, str] | None = None) -> str:
    """A company name for an organisation domain.

    Args:
        registrable: a registrable domain such as ``treyresearch.net``.
        known: company key -> the name sources use for it (from company_names).

    Returns:
        The known spelling when the domain names a known company, else the domain's
        name with a trailing legal word dropped, title-cased (wingtip-toys.com ->
        "Wingtip Toys").
    """
    known = known or {}
    keys = _domain_keys(registrable)
    for key in keys:
        if key in known:
            return known[key]
    label = _name_label(registrable)
    for word in _DOMAIN_LEGAL_WORDS:
        if label.endswith(word) and len(label) - len(word) >= 3:
            label = label[: -len(word)].rstrip("-")
            break
    return " ".join(part.capitalize() for part in label.split("-") if part)


def company_names(companies: Iterable[str | None]) -> dict[str, str]:
    """company key -> its most used spelling (ties: the alphabetically first)."""
    counts = Counter(c for c in companies if isinstance(c, str) and c.strip())
    out: dict[str, str] = {}
    for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        key = company_key(name)
        if key and key not in out:
            out[key] = name
    return out


def user_domains(me: Iterable[str]) -> tuple[set[str], set[str]]:
    """The user's work domains and academic domains."""
    domains = {d for d in (org_domain(m) for m in me if "@" in m) if d}
    schools = {d for d in domains if is_academic(d)}
    return domains - schools, schools


def organisation_signals(
    contacts: pd.DataFrame, records: pd.DataFrame, me: Iterable[str]
) -> pd.DataFrame:
    """Company (filled from a work domain when no source gave one), coworker and alumni.

    Args:
        contacts: golden contacts with contact_id, emails (best first), company and
            provenance (field, record_id) pairs. Only work domains give a company;
            a university address is shown as academic_domain, not as an employer.
        records: source records with record_id, contact_id, source and emails.
        me: the user's own addresses (any other identifiers are ignored).

    Returns:
        One row per contact: contact_id, company, company_source (the source of the
        record that gave it, or ``email_domain``), company_record_id, org_domain,
        coworker, academic_domain, alumni.
    """
    my_orgs, my_schools = user_domains(me)
    known = company_names(contacts["company"])
    source_of = dict(zip(records["record_id"], records["source"], strict=True))
    # The record that first showed each (contact, domain): an inferred company points there.
    domain_record: dict[tuple[str, str], str] = {}
    for rid, cid, emails in sorted(
        zip(records["record_id"], records["contact_id"], records["emails"], strict=True),
        key=lambda t: str(t[0]),
    ):
        for e in _as_list(emails):
            if d := org_domain(e):
                domain_record.setdefault((cid, d), rid)

    rows = []
    for cid, emails, company, provenance in zip(
        contacts["contact_id"],
        contacts["emails"],
        contacts["company"],
        contacts["provenance"],
        strict=True,
    ):
        domains = list(dict.fromkeys(d for d in map(org_domain, _as_list(emails)) if d))
        work = [d for d in domains if not is_academic(d)]
        schools = [d for d in domains if is_academic(d)]
        org = work[0] if work else None
        if isinstance(company, str) and company:
            record_id = dict(_as_list(provenance)).get("company")
            source = source_of.get(record_id)
        elif org is not None:
            company = company_from_domain(org, known)
            record_id = domain_record.get((cid, org))
            source = "email_domain"
        else:
            company, record_id, source = None, None, None
        rows.append(
            {
                "contact_id": cid,
                "company": company,
                "company_source": source,
                "company_record_id": record_id,
                "org_domain": org,
                "coworker": bool(my_orgs.intersection(work)),
                "academic_domain": schools[0] if schools else None,
                "alumni": bool(my_schools.intersection(schools)),
            }
        )
    return pd.DataFrame(rows, columns=ORGANISATION_COLUMNS)
