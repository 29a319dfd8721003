"""Golden records: one row per contact, built field by field from its source records.

Survivorship: the user's own address book (vCard) is trusted most for names, LinkedIn
for company, title and profile (the person keeps it current), mail last; within a
source the most recently observed record wins, then the smallest record_id (so the
result never depends on input order). Every chosen value keeps the record_id it came
from in ``provenance``.
"""

from __future__ import annotations

import pandas as pd

NAME_PRIORITY = {"vcard": 0, "linkedin": 1, "mail": 2}
JOB_PRIORITY = {"linkedin": 0, "vcard": 1, "mail": 2}
NAME_FIELDS = ("display_name", "given_name", "family_name")
JOB_FIELDS = ("linkedin_url", "company", "title")


def _ranked(df: pd.DataFrame, priority: dict[str, int]) -> pd.DataFrame:
    """Records ordered best-first within each contact for one survivorship rule."""
    ranked = df.assign(_rank=df["source"].map(priority).fillna(9).astype("int64"))
    return ranked.sort_values(
        ["contact_id", "_rank", "_observed", "record_id"],
        ascending=[True, True, False, True],
        na_position="last",
        kind="stable",
    )


def _first_present(ranked: pd.DataFrame, field: str) -> pd.DataFrame:
    """Per contact: the best record's value of ``field`` and that record's id."""
    present = ranked[ranked[field].notna()].drop_duplicates("contact_id")
    return present.set_index("contact_id")[[field, "record_id"]].rename(
        columns={"record_id": f"{field}__from"}
    )


def _ordered_lists(ranked: pd.DataFrame, column: str, by_count: bool) -> pd.Series:
    """Per contact: the union of a list column, best first, without repeats.

    With ``by_count`` the values seen in more records lead (an address used in many
    places is more likely the live one); ties keep the survivorship order.
    """
    exploded = ranked[["contact_id", column]].reset_index(drop=True)
    exploded["_order"] = range(len(exploded))
    exploded = exploded.explode(column)
    exploded = exploded[exploded[column].notna()]
    if exploded.empty:
        return pd.Series(dtype=object)
    grouped = exploded.groupby(["contact_id", column], sort=False).agg(
        _n=("_order", "size"), _first=("_order", "min")
    )
    grouped = grouped.reset_index()
    keys = ["contact_id", "_n", "_first"] if by_count else ["contact_id", "_first"]
    ascending = [True, False, True] if by_count else [True, True]
    grouped = grouped.sort_values(keys, ascending=ascending, kind="stable")
    return grouped.groupby("contact_id", sort=False)[column].agg(list)


def build_golden(source_records: pd.DataFrame) -> pd.DataFrame:
    """One identity row per contact_id from its normalised source records.

    Args:
        source_records: normalised records with contact_id.

    Returns:
        contact_id, display_name, given_name, family_name, emails (best first), phones,
        linkedin_url, company, title, sources, n_records and provenance (field ->
        record_id that supplied it).
    """
    df = source_records.copy()
    df["_observed"] = df["observed_at"].astype("datetime64[us, UTC]")
    by_name = _ranked(df, NAME_PRIORITY)
    by_job = _ranked(df, JOB_PRIORITY)

    contacts = pd.DataFrame(index=pd.Index(sorted(df["contact_id"].unique()), name="contact_id"))
    # Given and family name come from the record that supplied the display name, so a
    # golden name is never stitched together from two different spellings.
    names = _first_present(by_name, "display_name")
    name_source = by_name.drop_duplicates("record_id").set_index("record_id")
    names["given_name"] = name_source["given_name"].reindex(names["display_name__from"]).array
    names["family_name"] = name_source["family_name"].reindex(names["display_name__from"]).array
    contacts = contacts.join(names)
    for field in JOB_FIELDS:
        contacts = contacts.join(_first_present(by_job, field))
    emails = _ordered_lists(by_name, "emails", by_count=True)
    phones = _ordered_lists(by_name, "phones", by_count=False)
    contacts["emails"] = emails.reindex(contacts.index)
    contacts["phones"] = phones.reindex(contacts.index)
    for column in ("emails", "phones"):
        contacts[column] = [v if isinstance(v, list) else [] for v in contacts[column]]
    grouped = df.groupby("contact_id", sort=True)
    contacts["sources"] = grouped["source"].agg(lambda s: sorted(set(s))).reindex(contacts.index)
    contacts["n_records"] = grouped.size().reindex(contacts.index).astype("int64")

    provenance_fields = [f for f in (*NAME_FIELDS[:1], *JOB_FIELDS)]
    sources = [contacts[f"{f}__from"].tolist() for f in provenance_fields]
    contacts["provenance"] = [
        [
            (field, rid)
            for field, rid in zip(provenance_fields, rids, strict=True)
            if isinstance(rid, str)
        ]
        for rids in zip(*sources, strict=True)
    ]
    contacts = contacts.drop(columns=[f"{f}__from" for f in provenance_fields])
    return contacts.reset_index()
