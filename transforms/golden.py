"""Golden records: one row per contact, built field by field from its source records.

Survivorship: the user's own address book (vCard) is trusted most for names, LinkedIn
for company, title and profile (the person keeps it current), mail last; within a
source the most recently observed record wins (a LinkedIn export as of its date, so
the newest export gives the current job), then the smallest record_id (so the
result never depends on input order). Every chosen value keeps the record_id it came
from in ``provenance``.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from transforms.job_changes import picture_dates

NAME_PRIORITY = {"vcard": 0, "linkedin": 1, "mail": 2}
JOB_PRIORITY = {"linkedin": 0, "vcard": 1, "mail": 2}
NAME_FIELDS = ("display_name", "given_name", "family_name")
# Personal details the user's own address book knows best (survivorship as for names).
PERSONAL_FIELDS = ("birthday",)
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


def _arrow(series: pd.Series, arrow_type: pa.DataType) -> pa.Array:
    """The column as one Arrow array without a trip through Python objects."""
    array = pa.array(series, type=arrow_type, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _ordered_lists(ranked: pd.DataFrame, column: str, by_count: bool) -> pd.Series:
    """Per contact: the union of a list column, best first, without repeats.

    With ``by_count`` the values seen in more records lead (an address used in many
    places is more likely the live one); ties keep the survivorship order. Runs on
    Arrow's group-by: pandas would call Python once per contact.
    """
    lists = _arrow(ranked[column], pa.list_(pa.string()))
    parents = pc.list_parent_indices(lists)
    flat = pa.table(
        {
            "contact_id": _arrow(ranked["contact_id"], pa.string()).take(parents),
            "value": pc.list_flatten(lists),
            "order": parents,
        }
    ).filter(pc.is_valid(pc.field("value")))
    if flat.num_rows == 0:
        return pd.Series(dtype=object)
    per_value = flat.group_by(["contact_id", "value"]).aggregate(
        [("order", "min"), ("order", "count")]
    )
    keys = [("contact_id", "ascending")]
    if by_count:
        keys.append(("order_count", "descending"))
    keys.append(("order_min", "ascending"))
    ordered = per_value.sort_by(keys)
    # use_threads=False keeps each group's values in the sorted order.
    grouped = ordered.group_by("contact_id", use_threads=False).aggregate([("value", "list")])
    return pd.Series(
        grouped.column("value_list").to_pylist(),
        index=grouped.column("contact_id").to_pylist(),
        dtype=object,
    )


def _sources(df: pd.DataFrame) -> pd.Series:
    pairs = (
        pa.table(
            {
                "contact_id": pa.array(df["contact_id"].tolist(), pa.string()),
                "source": pa.array(df["source"].tolist(), pa.string()),
            }
        )
        .group_by(["contact_id", "source"])
        .aggregate([])
    )
    grouped = (
        pairs.sort_by([("contact_id", "ascending"), ("source", "ascending")])
        .group_by("contact_id", use_threads=False)
        .aggregate([("source", "list")])
    )
    return pd.Series(
        grouped.column("source_list").to_pylist(),
        index=grouped.column("contact_id").to_pylist(),
        dtype=object,
    )


def build_golden(source_records: pd.DataFrame) -> pd.DataFrame:
    """One identity row per contact_id from its normalised source records.

    Args:
        source_records: normalised records with contact_id.

    Returns:
        contact_id, display_name, given_name, family_name, emails (best first), phones,
        linkedin_url, company, title, birthday, sources, n_records and provenance
        (field -> record_id that supplied it).
    """
    df = source_records.copy()
    df["_observed"] = picture_dates(df).astype("datetime64[us, UTC]")
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
    for field in PERSONAL_FIELDS:
        if field not in df:  # records normalised before the field existed
            df[field] = None
            by_name[field] = None
        contacts = contacts.join(_first_present(by_name, field))
    emails = _ordered_lists(by_name, "emails", by_count=True)
    phones = _ordered_lists(by_name, "phones", by_count=False)
    contacts["emails"] = emails.reindex(contacts.index)
    contacts["phones"] = phones.reindex(contacts.index)
    for column in ("emails", "phones"):
        contacts[column] = [v if isinstance(v, list) else [] for v in contacts[column]]
    grouped = df.groupby("contact_id", sort=True)
    contacts["sources"] = _sources(df).reindex(contacts.index)
    contacts["n_records"] = grouped.size().reindex(contacts.index).astype("int64")

    provenance_fields = [f for f in (*NAME_FIELDS[:1], *JOB_FIELDS, *PERSONAL_FIELDS)]
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
