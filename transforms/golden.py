"""Golden records: one row per contact, built field by field from its source records.

Survivorship: the user's own address book (vCard) is trusted most for names and
phones, LinkedIn for company and title (it is kept current by the person), mail last.
Within a source the most recently observed record wins.
"""

from __future__ import annotations

import pandas as pd

NAME_PRIORITY = {"vcard": 0, "linkedin": 1, "mail": 2}
JOB_PRIORITY = {"linkedin": 0, "vcard": 1, "mail": 2}


def _first(values) -> object:
    for v in values:
        if isinstance(v, str) and v:
            return v
    return None


def _merged_list(lists) -> list[str]:
    seen: dict[str, None] = {}
    for values in lists:
        if values is None:
            continue
        for v in values:
            if v:
                seen.setdefault(v, None)
    return list(seen)


def build_golden(source_records: pd.DataFrame) -> pd.DataFrame:
    """One identity row per contact_id from its normalised source records.

    Args:
        source_records: normalised records with contact_id.

    Returns:
        contact_id, display_name, given_name, family_name, emails (best first), phones,
        linkedin_url, company, title, sources, n_records.
    """
    df = source_records.copy()
    df["_name_rank"] = df["source"].map(NAME_PRIORITY).astype("int64")
    df["_job_rank"] = df["source"].map(JOB_PRIORITY).astype("int64")
    # Newer observations first within a source; records without a date last.
    df["_observed"] = df["observed_at"].astype("datetime64[us, UTC]")
    rows = []
    for contact_id, group in df.groupby("contact_id", sort=True):
        by_name = group.sort_values(
            ["_name_rank", "_observed", "record_id"],
            ascending=[True, False, True],
            na_position="last",
        )
        by_job = group.sort_values(
            ["_job_rank", "_observed", "record_id"],
            ascending=[True, False, True],
            na_position="last",
        )
        named = by_name[by_name["display_name"].notna()]
        best = named.iloc[0] if len(named) else None
        # An address seen in more records is more likely the one in use: rank by count,
        # then by the name order so the address book's first address leads on ties.
        email_counts: dict[str, list] = {}
        for pos, emails in enumerate(by_name["emails"].tolist()):
            for k, e in enumerate(emails if emails is not None else []):
                entry = email_counts.setdefault(e, [0, pos, k])
                entry[0] += 1
        emails = sorted(
            email_counts,
            key=lambda e: (-email_counts[e][0], email_counts[e][1], email_counts[e][2]),
        )
        rows.append(
            {
                "contact_id": contact_id,
                "display_name": None if best is None else best["display_name"],
                "given_name": None if best is None else best["given_name"],
                "family_name": None if best is None else best["family_name"],
                "emails": emails,
                "phones": _merged_list(by_name["phones"].tolist()),
                "linkedin_url": _first(by_job["linkedin_url"].tolist()),
                "company": _first(by_job["company"].tolist()),
                "title": _first(by_job["title"].tolist()),
                "sources": sorted(set(group["source"].tolist())),
                "n_records": len(group),
            }
        )
    return pd.DataFrame(rows)
