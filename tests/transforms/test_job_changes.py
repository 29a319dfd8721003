"""Job changes from dated pictures and mail domains; cosmetic variants are not changes."""

from datetime import UTC, datetime

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from transforms.job_changes import (
    carry_pictures,
    detect_job_changes,
    export_date,
    mail_domain_spans,
    pictures_from_records,
    same_company,
)
from transforms.organisation import company_key


def ts(day: str):
    return pd.Timestamp(day, tz="UTC")


def records(*rows):
    cols = ["contact_id", "record_id", "source", "source_file", "company", "title", "observed_at"]
    frame = pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], columns=cols)
    frame["source_key"] = "key-" + frame["record_id"]
    return frame


OLD = "/in/Basic_LinkedInDataExport_03-02-2025.zip"
NEW = "/in/Basic_LinkedInDataExport_11-01-2026.zip"


def test_export_date_from_the_name():
    assert export_date(NEW) == datetime(2026, 11, 1, tzinfo=UTC)
    assert export_date("/x/Connections.csv") is None
    assert export_date("/x/13-45-2026.zip") is None


def test_a_move_between_two_exports_is_bracketed_by_their_dates():
    pics = pictures_from_records(
        records(
            ("anna", "r1", "linkedin", OLD, "Contoso Ltd", "Engineer", ts("2019-01-01")),
            ("anna", "r2", "linkedin", NEW, "Tailspin Toys", "Director", ts("2019-01-01")),
            ("bob", "r3", "linkedin", OLD, "Acme Corp", "VP Sales", ts("2020-01-01")),
            ("bob", "r4", "linkedin", NEW, "ACME Corporation", "VP Sales", ts("2020-01-01")),
            ("carl", "r5", "linkedin", OLD, "Fabrikam", "Manager", ts("2020-01-01")),
            ("carl", "r6", "linkedin", NEW, "Fabrikam, Inc.", "Senior Manager", ts("2020-01-01")),
        )
    )
    changes = detect_job_changes(pics).set_index("contact_id")
    assert "bob" not in changes.index  # cosmetic variant of one company
    anna = changes.loc["anna"]
    assert (anna["kind"], anna["old_company"], anna["new_company"]) == (
        "company",
        "Contoso Ltd",
        "Tailspin Toys",
    )
    assert (anna["seen_before_at"], anna["seen_after_at"]) == (ts("2025-03-02"), ts("2026-11-01"))
    assert "Basic_LinkedInDataExport_03-02-2025.zip (2025-03-02)" in anna["evidence"]
    carl = changes.loc["carl"]
    assert (carl["kind"], carl["old_title"], carl["new_title"]) == (
        "title",
        "Manager",
        "Senior Manager",
    )


def test_vcards_are_compared_with_vcards_by_rev():
    pics = pictures_from_records(
        records(
            ("anna", "v1", "vcard", "/a.vcf", "Contoso", None, ts("2019-05-01")),
            ("anna", "v2", "vcard", "/b.vcf", "Northwind", None, ts("2024-05-01")),
            ("anna", "l1", "linkedin", NEW, "Contoso", None, ts("2019-01-01")),
            ("dora", "v3", "vcard", "/a.vcf", "Contoso", None, None),  # no REV: file's newest
        )
    )
    changes = detect_job_changes(pics)
    assert list(changes["source"]) == ["vcard"]
    assert set(pics.loc[pics["contact_id"] == "dora", "seen_at"]) == {ts("2019-05-01")}


def test_remembered_pictures_follow_their_record_or_the_merged_id():
    now = pictures_from_records(
        records(("anna2", "r2", "linkedin", NEW, "Tailspin", None, ts("2019-01-01")))
    )
    before = pictures_from_records(
        records(
            ("anna", "r1", "linkedin", OLD, "Contoso", None, ts("2019-01-01")),
            ("old-id", "r9", "linkedin", OLD, "Gone Corp", None, ts("2019-01-01")),
        )
    )
    today = pd.DataFrame(
        {
            "record_id": ["r1", "r2", "r7"],
            "contact_id": ["anna2", "anna2", "bob"],
            "source": ["linkedin"] * 3,
            "source_key": ["key-r1", "key-r2", "key-r7"],
        }
    )
    carried = carry_pictures(now, before, today, {"old-id": "bob"})
    assert sorted(zip(carried["contact_id"], carried["record_id"], strict=True)) == [
        ("anna2", "r1"),
        ("anna2", "r2"),
        ("bob", "r9"),
    ]
    assert list(detect_job_changes(carried)["new_company"]) == ["Tailspin"]


def test_work_mail_moving_domains_is_a_change():
    recs = pd.DataFrame(
        {
            "record_id": ["m1", "m2", "m3", "m4"],
            "source": ["mail"] * 4,
            "source_key": [
                "anna@contoso.com",
                "anna@tailspintoys.com",
                "bob@contoso.com",
                "bob@contoso.co.uk",
            ],
        }
    )
    inter = pd.DataFrame(
        {
            "record_id": ["m1", "m1", "m2", "m3", "m4"],
            "contact_id": ["anna", "anna", "anna", "bob", "bob"],
            "channel": ["email"] * 5,
            "occurred_at": [
                ts("2024-01-01"),
                ts("2024-06-01"),
                ts("2025-02-01"),
                ts("2024-01-01"),
                ts("2025-01-01"),
            ],
        }
    )
    changes = detect_job_changes(pictures_from_records(records()), mail_domain_spans(recs, inter))
    assert list(changes["contact_id"]) == ["anna"]
    row = changes.iloc[0]
    assert (row["kind"], row["old_company"], row["new_company"]) == (
        "mail_domain",
        "Contoso",
        "Tailspintoys",  # no source spells it: named from the domain
    )
    assert row["seen_before_at"] == ts("2024-06-01")


_suffix = st.sampled_from(["", " Inc", " Inc.", " Corp", " Corporation", ", LLC", " GmbH", " Ltd"])


@given(
    st.from_regex(r"[A-Z][a-z]{3,10}( [A-Z][a-z]{2,8})?", fullmatch=True),
    _suffix,
    _suffix,
    st.booleans(),
)
def test_legal_suffixes_and_case_never_make_a_change(name, a, b, upper):
    other = (name + b).upper() if upper else name + b
    assert same_company(company_key(name + a), company_key(other))


def test_missing_company_or_title_from_a_pandas_string_column_is_none():
    # pandas 3 reads a missing string as NaN; the Febrl benchmark (no companies) crashed.
    import pandas as pd

    from transforms.companies import seniority
    from transforms.job_changes import PICTURE_COLUMNS, _tidy, _title_key

    pictures = pd.DataFrame({c: pd.Series(["x", None]) for c in PICTURE_COLUMNS})
    pictures["seen_at"] = pd.Timestamp("2026-01-01", tz="UTC")
    tidy = _tidy(pictures)
    assert list(tidy["title"]) == ["x", None] and list(tidy["company"]) == ["x", None]
    assert _title_key(float("nan")) is None
    assert seniority(float("nan")) == "individual"
