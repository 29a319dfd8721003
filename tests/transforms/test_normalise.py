import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.base import frame_from_rows
from transforms.normalise import (
    clean_name,
    company_key,
    name_key,
    normalise_email,
    normalise_linkedin_url,
    normalise_phone,
    normalise_records,
)
from warehouse import schema


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Smith, William", "William Smith"),
        ('"Smith, William"', "William Smith"),
        ("William Smith, PhD", "William Smith"),
        ("Dr. Jane Doe MBA", "Jane Doe"),
        ("José Núñez", "José Núñez"),
        ("alice@example.com", None),
        ("", None),
        ("PhD", None),
    ],
)
def test_clean_name(raw, expected):
    assert clean_name(raw) == expected


def test_name_key_folds_case_and_accents():
    assert name_key("José  NÚÑEZ-Díaz") == "jose nunez diaz"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bob.Smith@Example.COM", "bob.smith@example.com"),
        ("<bob@example.com>", "bob@example.com"),
        ("mailto:bob@example.com", "bob@example.com"),
        ("not an address", None),
        ("bob@", None),
        (None, None),
    ],
)
def test_normalise_email(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0134", "US", "+14155550134"),
        ("+1 415-555-0134", "US", "+14155550134"),
        ("tel:+44-7700-900123", "US", "+447700900123"),
        ("07700 900123", "GB", "+447700900123"),
        ("12", "US", None),
        ("call me", "US", None),
    ],
)
def test_normalise_phone(raw, region, expected):
    assert normalise_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "https://www.linkedin.com/in/William-Smith-4a1b2c/",
            "https://www.linkedin.com/in/william-smith-4a1b2c",
        ),
        ("http://uk.linkedin.com/in/jos%C3%A9?trk=x", "https://www.linkedin.com/in/josé"),
        ("linkedin.com/in/abc", "https://www.linkedin.com/in/abc"),
        ("https://example.com/in/abc", None),
        ("https://www.linkedin.com/company/acme", None),
    ],
)
def test_normalise_linkedin_url(raw, expected):
    assert normalise_linkedin_url(raw) == expected


def test_company_key_drops_legal_suffixes():
    assert company_key("Acme Corp.") == company_key("ACME, Inc") == "acme"
    assert company_key("Inc") is None


@given(st.text(max_size=80))
def test_normalisers_never_raise(text):
    clean_name(text)
    name_key(text)
    normalise_email(text)
    normalise_phone(text)
    normalise_linkedin_url(text)
    company_key(text)


@given(st.text(max_size=60))
def test_email_normalisation_is_idempotent(text):
    once = normalise_email(text)
    if once is not None:
        assert normalise_email(once) == once


@given(st.text(max_size=60))
def test_linkedin_normalisation_is_idempotent(text):
    once = normalise_linkedin_url("https://www.linkedin.com/in/" + text)
    if once is not None:
        assert normalise_linkedin_url(once) == once


def test_normalise_records_adds_columns():
    rows = [
        {
            "record_id": "r1",
            "source": "mail",
            "source_file": "f",
            "source_key": "bsmith@acme.com",
            "locator": "",
            "name_raw": "Smith, William",
            "given_name_raw": None,
            "family_name_raw": None,
            "emails_raw": ["BSmith@Acme.com", "junk"],
            "phones_raw": ["(415) 555-0134"],
            "linkedin_url_raw": None,
            "company_raw": "Acme Inc.",
            "title_raw": " CTO ",
            "observed_at": None,
        }
    ]
    out = normalise_records(frame_from_rows(rows, schema.RECORDS))
    row = out.iloc[0]
    assert row["display_name"] == "William Smith"
    assert (row["given_name"], row["family_name"]) == ("William", "Smith")
    assert list(row["emails"]) == ["bsmith@acme.com"]
    assert list(row["phones"]) == ["+14155550134"]
    assert row["company_key"] == "acme"
    assert row["title"] == "CTO"
    assert isinstance(out, pd.DataFrame)
