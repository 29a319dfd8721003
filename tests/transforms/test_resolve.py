from tests.transforms.helpers import records
from transforms.resolve import resolve


def _same(res, a, b):
    return res.cluster_of[a] == res.cluster_of[b]


def test_shared_email_links_records_across_sources():
    recs = records(
        {
            "id": "v",
            "source": "vcard",
            "name_raw": "Bill Smith",
            "emails_raw": ["bsmith@acme.com"],
            "linkedin_url_raw": "https://www.linkedin.com/in/william-smith-4a1b2c",
        },
        {
            "id": "m",
            "source": "mail",
            "name_raw": "Smith, William",
            "emails_raw": ["BSmith@acme.com"],
        },
        {
            "id": "l",
            "source": "linkedin",
            "name_raw": "William Smith",
            "linkedin_url_raw": "https://www.linkedin.com/in/william-smith-4a1b2c/",
        },
    )
    res = resolve(recs)
    assert _same(res, "v", "m") and _same(res, "v", "l")
    merged = res.matches[res.matches["decision"] == "merge"]
    assert set(merged["rule"]) == {"same_email", "same_linkedin_url"}


def test_namesakes_without_shared_identifier_or_company_stay_apart():
    recs = records(
        {
            "id": "a",
            "source": "linkedin",
            "name_raw": "John Smith",
            "company_raw": "Globex",
            "linkedin_url_raw": "https://www.linkedin.com/in/jsmith1",
        },
        {"id": "b", "source": "mail", "name_raw": "John Smith", "emails_raw": ["john@smith.org"]},
    )
    res = resolve(recs)
    assert not _same(res, "a", "b")


def test_similar_name_at_same_company_merges_with_evidence():
    recs = records(
        {
            "id": "a",
            "source": "linkedin",
            "name_raw": "Katherine Lee",
            "company_raw": "Initech Inc.",
        },
        {"id": "b", "source": "vcard", "name_raw": "Katherine  Lee", "company_raw": "INITECH"},
    )
    res = resolve(recs)
    assert _same(res, "a", "b")
    row = res.matches.iloc[0]
    assert row["rule"] == "similar_name_same_company"
    assert dict(row["evidence"])["company"] == 1.0


def test_two_linkedin_profiles_are_never_merged_even_through_a_shared_email():
    recs = records(
        {
            "id": "a",
            "name_raw": "Ann Lee",
            "emails_raw": ["team@acme.com"],
            "linkedin_url_raw": "https://www.linkedin.com/in/annlee",
        },
        {
            "id": "b",
            "name_raw": "Bo Chan",
            "emails_raw": ["team@acme.com"],
            "linkedin_url_raw": "https://www.linkedin.com/in/bochan",
        },
    )
    res = resolve(recs)
    assert not _same(res, "a", "b")
    assert res.matches.iloc[0]["decision"] == "keep_apart"
    assert res.matches.iloc[0]["rule"] == "conflict_linkedin_url"


def test_shared_phone_links_and_chains_transitively():
    recs = records(
        {"id": "a", "phones_raw": ["+1 415-555-0134"], "name_raw": "Zoe Park"},
        {"id": "b", "phones_raw": ["(415) 555-0134"], "emails_raw": ["zoe@park.io"]},
        {"id": "c", "emails_raw": ["zoe@park.io"], "source": "mail"},
    )
    res = resolve(recs)
    assert _same(res, "a", "b") and _same(res, "b", "c")
    assert len(res.clusters()) == 1
