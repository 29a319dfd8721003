"""Who changed jobs: dated pictures of where each person works, compared over time.

Pictures (the ``positions`` table)
    Every LinkedIn export is a picture of each connection's Company and Position, dated
    by the export: the date in its name (``Basic_LinkedInDataExport_11-01-2026.zip``),
    else its newest "Connected On" (the export is at least that new). Every vCard with
    ORG or TITLE is one too, dated by its REV, else by the newest REV of its file. A
    picture without a date cannot bracket a change and is left out. Pictures are kept
    from snapshot to snapshot (``carry_pictures``), so replacing an old export by a new
    one at the same path still shows the move.

Changes (the ``job_changes`` table)
    Each person's pictures from one kind of source (LinkedIn with LinkedIn, vCards with
    vCards: an address book entry last touched in 2019 says nothing against this year's
    LinkedIn) are put in date order; a change is two consecutive pictures at different
    companies (``company``), or at the same company with different titles (``title``).
    Companies compare by their folded key without legal suffixes ("Acme Corp" and "ACME
    Corporation" are both ``acme``), and keys closer than SAME_COMPANY_SIMILARITY (92)
    count as one company, so a typo or "&"/"and" is not a move. The change is dated by
    the two pictures that bracket it: ``seen_before_at`` and ``seen_after_at``.

    A work address moving to another organisation's domain is a change too
    (``mail_domain``): the person's last message from or to the old domain comes before
    the first with the new one (free mail is no organisation; the same organisation
    under two suffixes, contoso.com and contoso.co.uk, is no move).

    The same move seen by two sources (LinkedIn and the mail domains) is kept once,
    from the source that brackets it most narrowly.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd
from rapidfuzz import fuzz

from transforms.domains import org_domain, registrable_domain
from transforms.organisation import company_from_domain, company_key, company_names

SAME_COMPANY_SIMILARITY = 92
PICTURE_SOURCES = ("linkedin", "vcard")
PICTURE_COLUMNS = [
    "contact_id",
    "record_id",
    "source",
    "source_file",
    "source_key",
    "company",
    "company_key",
    "title",
    "seen_at",
]
JOB_CHANGE_COLUMNS = [
    "contact_id",
    "kind",
    "old_company",
    "new_company",
    "old_title",
    "new_title",
    "seen_before_at",
    "seen_after_at",
    "source",
    "record_id_before",
    "record_id_after",
    "evidence",
]
_EXPORT_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")


def export_date(source_file: str) -> datetime | None:
    """The date a LinkedIn export names itself by (MM-DD-YYYY in the zip's name), or None."""
    for match in reversed(_EXPORT_DATE.findall(str(source_file))):
        month, day, year = (int(x) for x in match)
        try:
            return datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            continue
    return None


def picture_dates(records: pd.DataFrame) -> pd.Series:
    """When each record pictured the person: a LinkedIn export's date, else observed_at.

    A LinkedIn record's observed_at is when they connected, the same in every export;
    the export's own date (in its name, else its newest connection) says which of two
    exports is current.
    """
    observed = pd.to_datetime(records["observed_at"], utc=True)
    is_linkedin = (records["source"] == "linkedin").to_numpy(dtype=bool, na_value=False)
    if not is_linkedin.any():
        return observed
    newest = observed.groupby(records["source_file"]).transform("max")
    named = pd.to_datetime(records["source_file"].map(export_date), utc=True)
    exported = named.fillna(newest)
    return exported.where(is_linkedin, observed)


def _text(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = " ".join(str(value).split())
    return text or None


def pictures_from_records(records: pd.DataFrame) -> pd.DataFrame:
    """The dated pictures of where people work that this run's records give.

    Args:
        records: source_records rows with contact_id, record_id, source, source_file,
            company, title, observed_at.

    Returns:
        PICTURE_COLUMNS, one row per LinkedIn or vCard record with a company or title
        and a date.
    """
    if records.empty:
        return pd.DataFrame(columns=PICTURE_COLUMNS)
    df = records[records["source"].isin(PICTURE_SOURCES)]
    read = [c for c in PICTURE_COLUMNS if c not in ("company_key", "seen_at")]
    df = df[[*read, "observed_at"]].copy()
    df["company"] = [_text(v) for v in df["company"]]
    df["title"] = [_text(v) for v in df["title"]]
    df = df[df["company"].notna() | df["title"].notna()]
    if df.empty:
        return pd.DataFrame(columns=PICTURE_COLUMNS)
    # A vCard without REV is as new as the newest REV of its file.
    newest = pd.to_datetime(df["observed_at"], utc=True).groupby(df["source_file"]).transform("max")
    df["seen_at"] = picture_dates(df).fillna(newest)
    df = df[df["seen_at"].notna() & df["contact_id"].notna()]
    df["company_key"] = [company_key(c) for c in df["company"]]
    return _tidy(df)


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    out = df[PICTURE_COLUMNS].copy()
    # Missing text as None, not NaN (pandas 3 string columns, parquet read back): the
    # comparisons below take a company or title as a string or nothing.
    for column in ("company", "company_key", "title"):
        out[column] = pd.Series([_text(v) for v in out[column]], index=out.index, dtype=object)
    out["seen_at"] = pd.to_datetime(out["seen_at"], utc=True).astype("datetime64[us, UTC]")
    out = out.drop_duplicates(["record_id", "seen_at", "company_key", "title"])
    return out.sort_values(["contact_id", "seen_at", "record_id"], kind="stable").reset_index(
        drop=True
    )


def carry_pictures(
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    records: pd.DataFrame,
    successor: dict[str, str],
) -> pd.DataFrame:
    """This run's pictures plus those of the previous snapshot, under today's contact ids.

    A remembered picture follows its record when the record is still read (resolution
    may have moved it); else the record that has its source key today (the same LinkedIn
    profile in a newer export, the same vCard UID in another file); else its old contact
    through the contact_id_map successors.
    """
    if previous is None or previous.empty:
        return _tidy(current) if len(current) else pd.DataFrame(columns=PICTURE_COLUMNS)
    contact_of = dict(zip(records["record_id"], records["contact_id"], strict=True))
    by_key = dict(
        zip(
            zip(records["source"], records["source_key"], strict=True),
            records["contact_id"],
            strict=True,
        )
    )
    prev = previous[PICTURE_COLUMNS].copy()
    prev["contact_id"] = [
        contact_of.get(r) or by_key.get((s, k)) or _follow(successor, c)
        for r, s, k, c in zip(
            prev["record_id"], prev["source"], prev["source_key"], prev["contact_id"], strict=True
        )
    ]
    both = pd.concat([current[PICTURE_COLUMNS], prev], ignore_index=True)
    return _tidy(both[both["contact_id"].notna()])


def _follow(successor: dict[str, str], contact_id: str) -> str:
    seen = set()
    while contact_id in successor and contact_id not in seen:
        seen.add(contact_id)
        contact_id = successor[contact_id]
    return contact_id


def same_company(a: str | None, b: str | None) -> bool:
    """Whether two company keys name one company (equal, or a cosmetic variant)."""
    if not a or not b:
        return a == b
    return a == b or fuzz.ratio(a, b) >= SAME_COMPANY_SIMILARITY


def _title_key(title: str | None) -> str | None:
    if not isinstance(title, str) or not title:
        return None
    return " ".join(re.sub(r"[^\w]+", " ", title.casefold()).split())


def _day(ts) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


def _picture_changes(pictures: pd.DataFrame) -> list[dict]:
    out: list[dict] = []
    ordered = pictures.sort_values(["contact_id", "source", "seen_at", "record_id"], kind="stable")
    for (contact_id, source), group in ordered.groupby(["contact_id", "source"], sort=True):
        # One picture per date: two records of one export agree or are a resolution slip.
        rows = group.drop_duplicates("seen_at").to_dict("records")
        for before, after in zip(rows, rows[1:], strict=False):
            moved = (
                before["company_key"]
                and after["company_key"]
                and not same_company(before["company_key"], after["company_key"])
            )
            retitled = (
                not moved
                and same_company(before["company_key"], after["company_key"])
                and before["title"]
                and after["title"]
                and _title_key(before["title"]) != _title_key(after["title"])
            )
            if not (moved or retitled):
                continue
            out.append(
                {
                    "contact_id": contact_id,
                    "kind": "company" if moved else "title",
                    "old_company": before["company"],
                    "new_company": after["company"],
                    "old_title": before["title"],
                    "new_title": after["title"],
                    "seen_before_at": before["seen_at"],
                    "seen_after_at": after["seen_at"],
                    "source": source,
                    "record_id_before": before["record_id"],
                    "record_id_after": after["record_id"],
                    "evidence": (
                        f"{source}: {_name(before['source_file'])} ({_day(before['seen_at'])})"
                        f" -> {_name(after['source_file'])} ({_day(after['seen_at'])})"
                    ),
                }
            )
    return out


def _name(path: str) -> str:
    return str(path).replace("\\", "/").rsplit("/", 1)[-1]


def mail_domain_spans(records: pd.DataFrame, interactions: pd.DataFrame) -> pd.DataFrame:
    """Per person and organisation domain: the first and last message with that address."""
    columns = ["contact_id", "domain", "address", "record_id", "first_at", "last_at"]
    if records.empty or interactions.empty:
        return pd.DataFrame(columns=columns)
    mail = records.loc[records["source"] == "mail", ["record_id", "source_key"]]
    rows = interactions.loc[
        interactions["channel"] == "email", ["record_id", "contact_id", "occurred_at"]
    ].merge(mail, on="record_id")
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows["domain"] = [registrable_domain(org_domain(a)) for a in rows["source_key"]]
    rows = rows[rows["domain"].notna()]
    rows["occurred_at"] = pd.to_datetime(rows["occurred_at"], utc=True)
    spans = (
        rows.groupby(["contact_id", "domain"], sort=True)
        .agg(
            address=("source_key", "first"),
            record_id=("record_id", "first"),
            first_at=("occurred_at", "min"),
            last_at=("occurred_at", "max"),
        )
        .reset_index()
    )
    return spans[columns]


def _mail_changes(spans: pd.DataFrame, known: dict[str, str]) -> list[dict]:
    out: list[dict] = []
    for contact_id, group in spans.sort_values(["contact_id", "first_at"]).groupby("contact_id"):
        rows = group.to_dict("records")
        for before, after in zip(rows, rows[1:], strict=False):
            old = company_from_domain(before["domain"], known)
            new = company_from_domain(after["domain"], known)
            if before["last_at"] >= after["first_at"] or same_company(
                company_key(old), company_key(new)
            ):
                continue
            out.append(
                {
                    "contact_id": contact_id,
                    "kind": "mail_domain",
                    "old_company": old,
                    "new_company": new,
                    "old_title": None,
                    "new_title": None,
                    "seen_before_at": before["last_at"],
                    "seen_after_at": after["first_at"],
                    "source": "mail",
                    "record_id_before": before["record_id"],
                    "record_id_after": after["record_id"],
                    "evidence": (
                        f"mail: last from {before['address']} ({_day(before['last_at'])}), "
                        f"first from {after['address']} ({_day(after['first_at'])})"
                    ),
                }
            )
    return out


def detect_job_changes(
    pictures: pd.DataFrame, mail_spans: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Job changes from the dated pictures and the mail domains (module docstring).

    Args:
        pictures: PICTURE_COLUMNS (this run's and the remembered ones).
        mail_spans: from mail_domain_spans, or None.

    Returns:
        JOB_CHANGE_COLUMNS, newest change first per person.
    """
    known = company_names(pictures["company"]) if len(pictures) else {}
    rows = _picture_changes(pictures) if len(pictures) else []
    if mail_spans is not None and len(mail_spans):
        rows += _mail_changes(mail_spans, known)
    if not rows:
        return pd.DataFrame(columns=JOB_CHANGE_COLUMNS)
    out = pd.DataFrame(rows, columns=JOB_CHANGE_COLUMNS)
    for col in ("seen_before_at", "seen_after_at"):
        out[col] = pd.to_datetime(out[col], utc=True).astype("datetime64[us, UTC]")
    # One move seen by several sources: keep the most narrowly bracketed observation.
    out["_old"] = [company_key(c) for c in out["old_company"]]
    out["_new"] = [company_key(c) for c in out["new_company"]]
    out["_width"] = out["seen_after_at"] - out["seen_before_at"]
    out = out.sort_values(["contact_id", "_width", "source"], kind="stable")
    keep = []
    for _, group in out.groupby("contact_id", sort=False):
        kept: list[tuple[str | None, str | None, str]] = []
        for idx, row in group.iterrows():
            if row["kind"] != "title" and any(
                k != "title" and same_company(o, row["_old"]) and same_company(n, row["_new"])
                for o, n, k in kept
            ):
                continue
            kept.append((row["_old"], row["_new"], row["kind"]))
            keep.append(idx)
    out = out.loc[keep].drop(columns=["_old", "_new", "_width"])
    return out.sort_values(
        ["contact_id", "seen_after_at", "kind"], ascending=[True, False, True]
    ).reset_index(drop=True)[JOB_CHANGE_COLUMNS]


def job_tables(
    records: pd.DataFrame,
    interactions: pd.DataFrame,
    previous_positions: pd.DataFrame | None,
    successor: dict[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``positions`` and ``job_changes`` tables of a snapshot.

    Args:
        records: this snapshot's source_records (with contact_id).
        interactions: this snapshot's interactions (with contact_id, record_id).
        previous_positions: the previous snapshot's positions, or None.
        successor: retired contact_id -> the id it went to (contact_id_map).

    Returns:
        (positions, job_changes) as PICTURE_COLUMNS and JOB_CHANGE_COLUMNS frames.
    """
    positions = carry_pictures(
        pictures_from_records(records), previous_positions, records, successor
    )
    changes = detect_job_changes(positions, mail_domain_spans(records, interactions))
    # Remembered pictures of people no longer in the warehouse stay in positions (their
    # history), but a change is only listed for a current contact.
    changes = changes[changes["contact_id"].isin(set(records["contact_id"]))]
    return positions, changes.reset_index(drop=True)
