"""Organisation signals: free mail, academic domains, companies from domains, coworkers."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.domains import (
    ACADEMIC_FILE,
    FREE_MAIL_FILE,
    is_academic,
    is_free_mail,
    org_domain,
    registrable_domain,
)
from transforms.organisation import (
    _LEGAL_WORDS,
    company_from_domain,
    company_key,
    company_names,
    organisation_signals,
)
from warehouse.read import connect


@pytest.mark.parametrize(
    ("domain", "registrable"),
    [
        ("acme.com", "acme.com"),
        ("mail.acme.com", "acme.com"),
        ("mail.acme.co.uk", "acme.co.uk"),
        ("cs.ox.ac.uk", "ox.ac.uk"),
        ("unimelb.edu.au", "unimelb.edu.au"),
        ("localhost", None),
        (None, None),
    ],
)
def test_registrable_domain(domain, registrable):
    assert registrable_domain(domain) == registrable


def test_free_mail_providers_are_not_organisations():
    for domain in ("gmail.com", "googlemail.com", "yahoo.co.uk", "yahoo.com.br", "outlook.de"):
        assert is_free_mail(domain), domain
    for domain in ("posteo.de", "icloud.com", "hotmail.com", "proton.me", "mail.ru"):
        assert is_free_mail(domain), domain
    for domain in ("acme.com", "northwind.io", "livenation.com", "contoso.com"):
        assert not is_free_mail(domain), domain
    assert org_domain("priya.raman@gmail.com") is None
    assert org_domain("bsmith@mail.acme.com") == "acme.com"
    assert org_domain("not-an-address") is None


def test_academic_domains():
    for domain in ("stanford.edu", "cs.ox.ac.uk", "unimelb.edu.au", "ethz.ch", "uni-heidelberg.de"):
        assert is_academic(domain), domain
    for domain in ("acme.com", "educative.io", "gmail.com", "edu.example.com"):
        assert not is_academic(domain), domain


def test_company_from_domain():
    assert company_key("Litware, Inc.") == "litware"
    assert company_key("Trey Research") == "treyresearch"
    assert company_key("Acme Corp.") == "acme"
    known = company_names(["Litware, Inc.", "Trey Research", "Trey Research", "trey research"])
    assert company_from_domain("litwareinc.com", known) == "Litware, Inc."
    assert company_from_domain("treyresearch.net", known) == "Trey Research"
    assert company_from_domain("litwareinc.com") == "Litware"
    assert company_from_domain("hirewell.co.uk") == "Hirewell"
    assert company_from_domain("wingtip-toys.com") == "Wingtip Toys"
    assert company_from_domain("zinc.com") == "Zinc"
    assert company_from_domain("newco.com") == "Newco"


def _contacts(rows):
    return pd.DataFrame(rows, columns=["contact_id", "emails", "company", "provenance"])


def _records(rows):
    return pd.DataFrame(rows, columns=["record_id", "contact_id", "source", "emails"])


def test_organisation_signals():
    contacts = _contacts(
        [
            ("c1", ["ann@gmail.com", "ann@hirewell.co.uk"], None, [("display_name", "r1")]),
            ("c2", ["bo@acme.com"], "Acme Corp", [("company", "r3")]),
            ("c3", ["cy@newco.com", "cy@northwind.io"], None, []),  # a former coworker
            ("c4", ["di@gmail.com"], None, []),  # gmail, like the user: not a coworker
            ("c5", ["ed@cs.stanford.edu"], None, []),
            ("c6", ["fa@ox.ac.uk"], None, []),
            ("c7", [], None, []),
        ]
    )
    records = _records(
        [
            ("r1", "c1", "vcard", ["ann@gmail.com"]),
            ("r2", "c1", "mail", ["ann@hirewell.co.uk"]),
            ("r3", "c2", "linkedin", []),
            ("r4", "c3", "mail", ["cy@newco.com"]),
            ("r5", "c3", "mail", ["cy@northwind.io"]),
            ("r6", "c5", "mail", ["ed@cs.stanford.edu"]),
            ("r7", "c6", "mail", ["fa@ox.ac.uk"]),
        ]
    )
    me = ["alex.morgan@gmail.com", "alex@northwind.io", "alex@stanford.edu", "https://x/in/a"]
    out = organisation_signals(contacts, records, me).set_index("contact_id")
    assert out.loc[
        "c1", ["company", "company_source", "company_record_id", "org_domain"]
    ].tolist() == [
        "Hirewell",
        "email_domain",
        "r2",
        "hirewell.co.uk",
    ]
    assert out.loc["c2", ["company", "company_source", "company_record_id"]].tolist() == [
        "Acme Corp",
        "linkedin",
        "r3",
    ]
    assert out.loc["c3", "company"] == "Newco" and out.loc["c3", "org_domain"] == "newco.com"
    assert out["coworker"].to_dict() == {
        "c1": False,
        "c2": False,
        "c3": True,
        "c4": False,
        "c5": False,
        "c6": False,
        "c7": False,
    }
    assert out.loc["c5", "academic_domain"] == "stanford.edu" and out.loc["c5", "alumni"]
    assert out.loc["c6", "academic_domain"] == "ox.ac.uk" and not out.loc["c6", "alumni"]
    # A university address is not an employer.
    assert pd.isna(out.loc["c5", "company"]) and pd.isna(out.loc["c5", "org_domain"])
    assert out.loc["c4"].drop("coworker").drop("alumni").isna().all()


@pytest.mark.parametrize("path", [FREE_MAIL_FILE, ACADEMIC_FILE])
def test_domain_lists_are_sorted_and_well_formed(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and any("Compiled by hand" in line for line in lines)
    entries = [line for line in lines if line and not line.startswith("#")]
    assert entries == sorted(set(entries)), "sorted, without repeats"
    for entry in entries:
        assert entry == entry.strip().lower() and "." in entry and " " not in entry, entry
    if path == ACADEMIC_FILE:
        # Entries the suffix rules already recognise would only be noise.
        redundant = [e for e in entries if e.endswith(".edu") or e.split(".")[-2] in ("ac", "edu")]
        assert redundant == []


def test_demo_companies_from_work_domains(plain_demo_warehouse):
    con = connect(plain_demo_warehouse)
    rows = con.execute(
        """select c.display_name, c.company, c.company_source, c.org_domain, c.coworker,
                  c.provenance['company'] as company_record,
                  list_contains(r.emails, 'oliver.grant@litwareinc.com') as has_address
           from contacts c left join source_records r on r.record_id = c.provenance['company']
           where c.company_source = 'email_domain' order by c.display_name"""
    ).fetchall()
    by_name = {r[0]: r for r in rows}
    # LinkedIn's spelling of the organisation wins over the bare domain name.
    assert by_name["Oliver Grant"][1:4] == ("Litware, Inc.", "email_domain", "litwareinc.com")
    assert by_name["Oliver Grant"][6] is True
    assert by_name["Helen Park"][1] == "Trey Research"
    assert by_name["Rebecca Stone"][1] == "Hirewell"
    # Free-mail people get no company; nobody in the demo works at northwind.io.
    free = con.execute(
        "select company, org_domain from contacts where emails = ['ana.silva@gmail.com']"
    ).fetchone()
    assert free == (None, None)
    assert con.execute("select count(*) from contacts where coworker").fetchone() == (0,)
    # A company from a source is kept as the source wrote it.
    bill = con.execute(
        "select company, company_source from contacts"
        " where list_contains(emails, 'bsmith@acme.com')"
    ).fetchone()
    assert bill == ("Acme Corp.", "linkedin")


@pytest.mark.parametrize(
    ("company", "domain", "expected"),
    [
        ("franklin and sons", "franklin", True),  # the first word
        ("acme corp", "acme", True),
        ("cedar analytics", "cedaranalytics", True),  # run together
        ("cedar analytics", "cedaran", True),  # truncated
        ("cedar maple robotics", "cmr", True),  # initials
        ("globex", "globexhq", True),  # the first word and a few letters
        ("cedar analytics", "maple", False),
        ("acme", "acmeglobalholdings", False),  # too much more than the name
        ("go", "gopher", False),  # a first word too short to name a company
    ],
)
def test_company_matches_domain(company, domain, expected):
    from transforms.organisation import company_matches_domain

    assert company_matches_domain(company, domain) is expected


_NOT_A_NAME_WORD = {"and", "the", "of", "und", "et", "y"} | set(_LEGAL_WORDS)
_NAME_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8).filter(
    lambda w: w not in _NOT_A_NAME_WORD and len(w) > 2
)


@given(st.lists(_NAME_WORDS, min_size=1, max_size=4))
def test_a_company_name_run_together_or_abbreviated_is_its_domain(words):
    from transforms.organisation import company_matches_domain

    name = " ".join(words)
    assert company_matches_domain(name, "".join(words))
    if len(words) >= 2:
        assert company_matches_domain(name, "".join(w[0] for w in words))


def test_the_work_domain_of_mail_agrees_with_the_company_on_linkedin():
    from tests.transforms.helpers import records
    from transforms.resolve import resolve

    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Wendell Okafor",
            "company_raw": "Franklin and Sons",
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "Wendell Okafor",
            "emails_raw": ["wokafor@franklin.io"],
        },
        {
            "id": "other",
            "source": "mail",
            "name_raw": "Wendell Okafor",
            "emails_raw": ["w.okafor@maple.com"],
        },
    )
    res = resolve(recs)
    rows = res.matches
    ev = {
        (a, b): dict(e)
        for a, b, e in zip(rows["record_id_a"], rows["record_id_b"], rows["evidence"], strict=True)
    }
    agree = ev.get(("li", "mail")) or ev.get(("mail", "li"))
    differ = ev.get(("li", "other")) or ev.get(("other", "li"))
    assert agree["company"] > 0
    assert differ is None or differ.get("company", 0) < 0


def test_company_key_of_a_missing_value_is_none():
    # pandas 3 string columns give NaN for a missing company (the Febrl benchmark has none).
    import pandas as pd

    from transforms.organisation import company_key

    column = pd.Series(["Litware, Inc.", None])
    assert [company_key(v) for v in column] == ["litware", None]
