"""Who you know at a company: fuzzy company matching and seniority ("hiring power") from titles.

Matching
    A query is a company name ("acme", "Acme Corp.") or a domain (``acme.com``); both
    become folded keys without legal suffixes (``acme``). A person matches by their
    current company, any dated picture of a past one (``positions``), an old company
    of a job change, their organisation domain or a work address. Keys match when equal
    or nearly so (transforms.job_changes.same_company), or when the person's key starts
    with a query of four letters or more ("tailspin" finds Tailspin Toys): ``matched_by``
    says which.

Still there
    ``yes`` when their current company matches; ``left`` when a job change or an older
    picture puts them there before (alumni, with where they went); ``work mail`` when
    only an address at the company's domain says so.

Seniority, by the first rule a title meets (lower rank = more hiring power)
    1 founder (founder, owner, Gründer, fondateur, fundador, oprichter, 創業者 ...)
    2 c-level (CEO, CTO, chief ..., president, managing director, Geschäftsführer, PDG,
      directeur général, amministratore delegato, 社長, 代表取締役 ...)
    3 vp (VP, vice president, SVP, vice-président, vicepresidente ...)
    4 director (director, directeur, directora, direttore, Direktor, 部長 ...)
    5 head (head of, Leiter, Leiterin, chef de, jefe, responsable, responsabile ...)
    6 manager (manager, gerente, Teamleiter, 課長, 经理 ...)
    7 individual (everything else, and assistants or interns to any of the above)
"""

from __future__ import annotations

import re

import pandas as pd

from transforms.domains import registrable_domain
from transforms.job_changes import same_company
from transforms.organisation import company_key

SENIORITY_LEVELS = ("founder", "c-level", "vp", "director", "head", "manager", "individual")
PREFIX_MIN_LETTERS = 4

_RULES: list[tuple[str, str]] = [
    (
        "founder",
        r"\bco-?\s?founder\b|\bfounder\b|\bowner\b|gründer|fondat(eur|rice|ore)|"
        r"\bfundador|\boprichter|創業|创始人",
    ),
    (
        "c-level",
        r"\bc[etfoimp]o\b|\bciso\b|\bchief\b|\bpresident\b(?<!vice president)|"
        r"managing director|geschäftsführ|\bpdg\b|directeur général|directrice générale|"
        r"director general|directora general|amministratore delegato|\bvorstand|"
        r"社長|代表取締役|总裁|首席",
    ),
    (
        "vp",
        r"\bvp\b|\bsvp\b|\bevp\b|vice[ -]president|vice-présidente?|vicepresident[ea]?|"
        r"vizepräsident",
    ),
    (
        "director",
        r"\bdirector\b|\bdirectora\b|\bdirect(eur|rice)\b|\bdirettore\b|"
        r"\bdirektor(in)?\b|\bdiretor(a)?\b|部長|总监",
    ),
    (
        "head",
        r"\bhead\b|\bleiter(in)?\b|\bchef de\b|\bjef[ea]\b|\bresponsable\b|"
        r"\bresponsabile\b|\bhoofd\b",
    ),
    ("manager", r"\bmanager\b|\bgerente\b|\bteamleiter|\bmanag(er|ing)\b|課長|经理|マネージャー"),
]
_COMPILED = [(level, re.compile(rule, re.IGNORECASE)) for level, rule in _RULES]
_NOT_THE_BOSS = re.compile(
    r"\bassistant|\bassistente|\basistente|\bintern\b|\bstagiaire|\bpraktikant|"
    r"\bexecutive assistant|\bsecretary|\bsekretär",
    re.IGNORECASE,
)


def seniority(title: str | None) -> str:
    """The seniority level a job title shows (module docstring), ``individual`` when none."""
    if not isinstance(title, str) or not title or _NOT_THE_BOSS.search(title):
        return "individual"
    # "Vice President" is VP, not president: test VP before C-level for that phrase.
    if re.search(r"vice[ -]?pr[eé]sident", title, re.IGNORECASE):
        return "vp"
    for level, rule in _COMPILED:
        if rule.search(title):
            return level
    return "individual"


def seniority_rank(title: str | None) -> int:
    return SENIORITY_LEVELS.index(seniority(title)) + 1


def query_keys(query: str) -> set[str]:
    """The company keys a query stands for: ``acme.com`` and "Acme Corp." both give acme."""
    text = query.strip().lower()
    if re.fullmatch(r"[\w.-]+\.[a-z]{2,}", text) and " " not in text:
        domain = registrable_domain(text.removeprefix("www.")) or text
        keys = {company_key(domain.split(".", 1)[0])}
        return {k for k in keys if k}
    key = company_key(query)
    return {key} if key else set()


def _matches(keys: set[str], candidate: str | None) -> str | None:
    """How a candidate key matches the query keys: ``exact``, ``similar``, ``prefix``."""
    if not candidate:
        return None
    for key in keys:
        if key == candidate:
            return "exact"
        if same_company(key, candidate):
            return "similar"
        if len(key) >= PREFIX_MIN_LETTERS and candidate.startswith(key):
            return "prefix"
    return None


def _key(name) -> str | None:
    return company_key(name) if isinstance(name, str) else None


def _domain_key(domain: str | None) -> str | None:
    if not isinstance(domain, str) or not domain:
        return None
    registrable = registrable_domain(domain) or domain
    return company_key(registrable.split(".", 1)[0])


def people_at(
    query: str,
    contacts: pd.DataFrame,
    positions: pd.DataFrame,
    job_changes: pd.DataFrame,
) -> pd.DataFrame:
    """The people at a company, present and past, hiring power and tie strength first.

    Args:
        query: a company name or domain.
        contacts: contact_id, display_name, company, title, org_domain, emails,
            linkedin_url, phones, tie_strength, last_contact_at, last_contact_channel.
        positions: the positions table (contact_id, company, title, seen_at).
        job_changes: the job_changes table.

    Returns:
        One row per person: name, company, title, seniority, still_there, went_to,
        tie_strength, last_contact_at, last_contact_channel, reach, matched_by,
        contact_id.
    """
    keys = query_keys(query)
    columns = [
        "name",
        "company",
        "title",
        "seniority",
        "still_there",
        "went_to",
        "tie_strength",
        "last_contact_at",
        "last_contact_channel",
        "reach",
        "matched_by",
        "contact_id",
    ]
    if not keys or contacts.empty:
        return pd.DataFrame(columns=columns)
    left: dict[str, tuple[str, str | None, str | None]] = {}  # contact -> (how, went to, title)
    for row in positions.itertuples():
        how = _matches(keys, _key(row.company))
        if how:
            left.setdefault(row.contact_id, (f"{how} past company", None, row.title))
    for row in job_changes.sort_values("seen_after_at").itertuples():
        how = _matches(keys, _key(row.old_company))
        if how and not _matches(keys, _key(row.new_company)):
            left[row.contact_id] = (f"{how} job change", row.new_company, row.old_title)
    rows = []
    for c in contacts.itertuples():
        emails = list(c.emails) if c.emails is not None and not _na(c.emails) else []
        work = [e for e in emails if _matches(keys, _domain_key(e.rsplit("@", 1)[-1]))]
        now = _matches(keys, _key(c.company)) or _matches(keys, _domain_key(c.org_domain))
        past = left.get(c.contact_id)
        if now:
            still, went, how, title = "yes", None, f"{now} company", c.title
        elif past:
            still, went, how, title = "left", past[1] or _str(c.company), past[0], past[2]
        elif work:
            still, went, how, title = "work mail", None, "work mail", c.title
        else:
            continue
        title = _str(title) or _str(c.title)
        reach = (work[0] if still != "left" and work else None) or (emails[0] if emails else None)
        reach = reach or _str(c.linkedin_url) or _first(c.phones)
        rows.append(
            {
                "name": c.display_name,
                "company": _str(c.company),
                "title": title,
                "seniority": seniority(title),
                "still_there": still,
                "went_to": went,
                "tie_strength": c.tie_strength,
                "last_contact_at": c.last_contact_at,
                "last_contact_channel": c.last_contact_channel,
                "reach": reach,
                "matched_by": how,
                "contact_id": c.contact_id,
            }
        )
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows, columns=columns)
    out["_here"] = (out["still_there"] == "left").astype(int)
    out["_rank"] = out["seniority"].map(SENIORITY_LEVELS.index)
    out["_tie"] = pd.to_numeric(out["tie_strength"], errors="coerce").fillna(-1.0)
    out = out.sort_values(
        ["_here", "_rank", "_tie", "name"], ascending=[True, True, False, True], kind="stable"
    )
    return out.drop(columns=["_here", "_rank", "_tie"]).reset_index(drop=True)


def _na(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _str(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _first(values) -> str | None:
    if values is None or _na(values):
        return None
    values = list(values)
    return values[0] if values else None
