from tests.transforms.helpers import records
from transforms.golden import build_golden


def _golden(*specs, contact_ids):
    recs = records(*specs)
    recs["contact_id"] = contact_ids
    return build_golden(recs).set_index("contact_id")


def test_survivorship_and_provenance():
    g = _golden(
        {
            "id": "v",
            "source": "vcard",
            "name_raw": "Bill Smith",
            "emails_raw": ["bill@gmail.com", "bsmith@acme.com"],
            "phones_raw": ["(415) 555-0134"],
        },
        {
            "id": "m",
            "source": "mail",
            "name_raw": "Smith, William",
            "emails_raw": ["bsmith@acme.com"],
        },
        {
            "id": "l",
            "source": "linkedin",
            "name_raw": "William Smith, PhD",
            "company_raw": "Acme Corp.",
            "title_raw": "CTO",
            "linkedin_url_raw": "https://www.linkedin.com/in/ws",
        },
        contact_ids=["c1", "c1", "c1"],
    )
    c1 = g.loc["c1"]
    assert c1["display_name"] == "Bill Smith"
    assert (c1["given_name"], c1["family_name"]) == ("Bill", "Smith")
    assert c1["company"] == "Acme Corp." and c1["title"] == "CTO"
    # The address seen in two records leads; the address book's order breaks ties.
    assert c1["emails"] == ["bsmith@acme.com", "bill@gmail.com"]
    assert c1["phones"] == ["+14155550134"]
    assert c1["sources"] == ["linkedin", "mail", "vcard"]
    assert dict(c1["provenance"]) == {
        "display_name": "v",
        "linkedin_url": "l",
        "company": "l",
        "title": "l",
    }


def test_newer_observation_wins_within_a_source():
    g = _golden(
        {
            "id": "old",
            "source": "linkedin",
            "name_raw": "Ann Lee",
            "company_raw": "Old Co",
            "observed_at": __import__("datetime").datetime(2019, 1, 1),
        },
        {
            "id": "new",
            "source": "linkedin",
            "name_raw": "Ann Lee",
            "company_raw": "New Co",
            "observed_at": __import__("datetime").datetime(2024, 1, 1),
        },
        contact_ids=["c", "c"],
    )
    assert g.loc["c", "company"] == "New Co"
    assert dict(g.loc["c", "provenance"])["company"] == "new"


def test_result_does_not_depend_on_row_order():
    specs = [
        {"id": f"r{i}", "source": src, "name_raw": name, "emails_raw": [f"p{i % 2}@x.org"]}
        for i, (src, name) in enumerate(
            [("mail", "A B"), ("vcard", "Ann B"), ("mail", "Ann Bee"), ("linkedin", "Ann Bee")]
        )
    ]
    a = _golden(*specs, contact_ids=["c"] * 4)
    b = _golden(*reversed(specs), contact_ids=["c"] * 4)
    assert a.equals(b)


def test_contact_without_name_keeps_empty_fields():
    g = _golden({"id": "x", "source": "mail", "emails_raw": ["x@y.org"]}, contact_ids=["c2"])
    assert g.loc["c2", "emails"] == ["x@y.org"]
    assert g.loc["c2", "provenance"] == []
