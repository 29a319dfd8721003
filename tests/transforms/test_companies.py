"""Company matching and seniority from titles, in several languages."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.companies import people_at, query_keys, seniority


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Co-Founder & CTO", "founder"),
        ("Gründer und Geschäftsführer", "founder"),
        ("Fondatrice", "founder"),
        ("Chief Revenue Officer", "c-level"),
        ("CEO", "c-level"),
        ("Geschäftsführerin", "c-level"),
        ("PDG", "c-level"),
        ("代表取締役社長", "c-level"),
        ("Vice President, Sales", "vp"),
        ("SVP Engineering", "vp"),
        ("Vicepresidente de Ventas", "vp"),
        ("Director of Engineering", "director"),
        ("Directrice marketing", "director"),
        ("Head of Data", "head"),
        ("Leiterin Personal", "head"),
        ("Jefe de Proyecto", "head"),
        ("Engineering Manager", "manager"),
        ("Gerente Comercial", "manager"),
        ("Executive Assistant to the CEO", "individual"),
        ("Staff Data Engineer", "individual"),
        (None, "individual"),
    ],
)
def test_seniority(title, level):
    assert seniority(title) == level


def test_query_keys_name_and_domain_agree():
    assert query_keys("acme") == query_keys("Acme Corp.") == query_keys("acme.com") == {"acme"}
    assert query_keys("www.tailspintoys.co.uk") == {"tailspintoys"}
    assert query_keys("  ") == set()


@given(st.text(max_size=40))
def test_any_query_is_answered(query):
    contacts = pd.DataFrame(
        [
            {
                "contact_id": "c1",
                "display_name": "A",
                "company": "Acme",
                "title": None,
                "org_domain": None,
                "emails": [],
                "linkedin_url": None,
                "phones": [],
                "tie_strength": None,
                "last_contact_at": None,
                "last_contact_channel": None,
            }
        ]
    )
    empty = pd.DataFrame(columns=["contact_id", "company", "title", "seen_at"])
    changes = pd.DataFrame(
        columns=["contact_id", "old_company", "new_company", "old_title", "seen_after_at"]
    )
    people_at(query, contacts, empty, changes)


def test_people_at_ranks_hiring_power_then_tie_and_lists_alumni():
    def person(cid, name, company, title, tie, emails=(), domain=None):
        return {
            "contact_id": cid,
            "display_name": name,
            "company": company,
            "title": title,
            "org_domain": domain,
            "emails": list(emails),
            "linkedin_url": None,
            "phones": [],
            "tie_strength": tie,
            "last_contact_at": None,
            "last_contact_channel": None,
        }

    contacts = pd.DataFrame(
        [
            person("a", "Ann", "Acme Corporation", "Engineer", 0.9),
            person("b", "Bob", "ACME", "VP Sales", 0.1),
            person("c", "Cy", "Tailspin", "CTO", 0.5),
            person("d", "Di", None, None, 0.2, ["di@acme.com"], "acme.com"),
            person("e", "Ed", "Globex", "CEO", 0.9),
        ]
    )
    positions = pd.DataFrame(
        [{"contact_id": "c", "company": "Acme Corp", "title": "Director", "seen_at": None}]
    )
    changes = pd.DataFrame(
        [
            {
                "contact_id": "c",
                "old_company": "Acme Corp",
                "new_company": "Tailspin",
                "old_title": "Director",
                "seen_after_at": pd.Timestamp("2026-01-01", tz="UTC"),
            }
        ]
    )
    out = people_at("acme.com", contacts, positions, changes)
    assert list(out["name"]) == ["Bob", "Ann", "Di", "Cy"]
    assert list(out["still_there"]) == ["yes", "yes", "yes", "left"]
    cy = out.iloc[-1]
    assert (cy["went_to"], cy["title"], cy["seniority"]) == ("Tailspin", "Director", "director")
    assert out.iloc[2]["reach"] == "di@acme.com"
