"""Which sources two records come from: the prior of each kind of pair, and differing
addresses of one mail file (one record per address) that are no evidence."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.transforms.helpers import compare_named, records
from transforms import scoring
from transforms.blocking import candidate_pairs
from transforms.features import RecordFeatures
from transforms.resolve import resolve


def _scored(recs):
    f = RecordFeatures.from_records(recs)
    a, b = candidate_pairs(f)
    cmp = scoring.compare(f, a, b)
    return f, a, b, cmp, scoring.estimate(f, cmp, len(a))


def _network(people: int = 120):
    """Each person a LinkedIn row and a mail record of their name (one address); a tenth
    of them a second address in the same mail file; a phone book of other people."""
    specs = []
    for i in range(people):
        name = f"Person{chr(97 + i % 26)}{i} Family{i}x"
        specs.append({"id": f"l{i:03d}", "source": "linkedin", "name_raw": name})
        specs.append(
            {
                "id": f"m{i:03d}",
                "source": "mail",
                "name_raw": name,
                "emails_raw": [f"p{i}@x.example"],
            }
        )
        if i % 10 == 0:
            specs.append(
                {
                    "id": f"w{i:03d}",
                    "source": "mail",
                    "name_raw": name,
                    "emails_raw": [f"p{i}@y.example"],
                }
            )
    for i in range(people):
        specs.append({"id": f"v{i:03d}", "name_raw": f"Other{chr(97 + i % 26)}{i} Kin{i}z"})
    return records(*specs)


def test_two_addresses_of_one_mail_file_are_no_evidence_but_elsewhere_they_differ():
    recs = records(
        {"id": "m1", "source": "mail", "name_raw": "Lei Ma", "emails_raw": ["lma@terra.example"]},
        {"id": "m2", "source": "mail", "name_raw": "Lei Ma", "emails_raw": ["leim@acme.example"]},
        {
            "id": "m3",
            "source": "mail",
            "source_file": "other.mbox",
            "name_raw": "Lei Ma",
            "emails_raw": ["lei.ma@gmail.example"],
        },
        {"id": "c1", "name_raw": "Lei Ma", "emails_raw": ["ma.lei@home.example"]},
    )
    pairs = [("m1", "m2"), ("m1", "m3"), ("m1", "c1")]
    _, cmp = compare_named(recs, pairs)
    level = dict(zip(pairs, cmp.levels["email"].tolist(), strict=True))
    assert level["m1", "m2"] == -1  # one file: one record per address
    assert level["m1", "m3"] == 0  # two files may hold one address twice
    assert level["m1", "c1"] == 0  # a card could have listed the address


def test_two_work_domains_of_one_mail_file_are_no_company_evidence():
    recs = records(
        {"id": "m1", "source": "mail", "name_raw": "Lei Ma", "emails_raw": ["lma@terracotta.com"]},
        {"id": "m2", "source": "mail", "name_raw": "Lei Ma", "emails_raw": ["lm@acmewidgets.com"]},
        {"id": "m3", "source": "mail", "name_raw": "Lei Ma", "emails_raw": ["lei@terracotta.com"]},
        {"id": "c1", "name_raw": "Lei Ma", "company_raw": "Globex"},
    )
    pairs = [("m1", "m2"), ("m1", "m3"), ("m1", "c1")]
    _, cmp = compare_named(recs, pairs)
    level = dict(zip(pairs, cmp.levels["company"].tolist(), strict=True))
    # One file holds a person's work and former work address as two records: two
    # companies either way.
    assert level["m1", "m2"] == -1
    assert level["m1", "m3"] == scoring.LEVELS["company"].index("agree")
    assert level["m1", "c1"] == scoring.LEVELS["company"].index("differ")


def test_each_kind_of_pair_gets_the_prior_its_pairs_teach():
    f, a, b, cmp, model = _scored(_network())
    assert model.type_bits is not None
    kinds = {"linkedin": 0, "mail": 1, "vcard": 2}  # numbered by the kind's name
    n = len(kinds)

    def bits(x: str, y: str) -> float:
        lo, hi = sorted((kinds[x], kinds[y]))
        return float(model.type_bits[lo * n + hi])

    # Every LinkedIn row has its mail; no card is anyone's: LinkedIn and mail pairs are
    # likelier than the file's average pair, cards with anything less likely.
    assert bits("linkedin", "mail") > 0
    assert bits("linkedin", "vcard") < 0 and bits("mail", "vcard") < 0
    assert bits("linkedin", "mail") > bits("mail", "mail")
    # The per-pair prior is the file's plus its kind's share.
    prior = model.prior(cmp)
    expected = model.prior_bits + model.type_bits[cmp.pair_type]
    assert np.allclose(prior, expected)


def test_a_file_of_one_kind_of_source_has_one_prior():
    recs = records(
        *({"id": f"c{i}", "name_raw": f"Card{chr(97 + i)} Holder{i}q"} for i in range(20))
    )
    _, _, _, cmp, model = _scored(recs)
    assert model.type_bits is None
    assert model.prior(cmp) == model.prior_bits


def test_matches_explain_each_merge_with_its_kinds_prior():
    res = resolve(_network())
    merged = res.matches[res.matches["decision"] == "merge"]
    assert len(merged) >= 100
    for score, evidence in zip(merged["score"], merged["evidence"], strict=True):
        bits = dict(evidence)
        total = bits["prior"] + sum(
            v
            for k, v in bits.items()
            if k not in ("prior", "name_similarity", "company_similarity")
        )
        assert abs(1.0 / (1.0 + 2.0**-total) - score) < 1e-3


@given(
    st.lists(st.sampled_from(["linkedin", "mail", "vcard", "calendar"]), min_size=2, max_size=12)
)
def test_a_pairs_kind_does_not_depend_on_which_record_comes_first(sources):
    recs = records(
        *({"id": f"r{i}", "source": s, "name_raw": f"Some{i} One"} for i, s in enumerate(sources))
    )
    f = RecordFeatures.from_records(recs)
    a, b = np.triu_indices(f.n, 1)
    forward, backward = scoring.pair_types(f, a, b), scoring.pair_types(f, b, a)
    assert np.array_equal(forward, backward)
    kinds = len(set(sources))
    assert forward.min() >= 0 and forward.max() < kinds * kinds
    # Two records of one kind: a kind of its own on the diagonal.
    same = f.source[a] == f.source[b]
    assert np.array_equal(forward[same], f.source[a][same].astype(int) * (kinds + 1))


def test_two_phone_books_that_hold_the_same_people_teach_cards_across_them_are_likelier():
    # Every person has a card in each of two phone books (an iCloud and a Google export);
    # neither book holds anyone twice.
    specs = []
    for i in range(150):
        name = f"Person{chr(97 + i % 26)}{i} Family{i}x"
        for book in ("icloud.vcf", "google.vcf"):
            specs.append({"id": f"{book[0]}{i:03d}", "source_file": book, "name_raw": name})
    f, a, b, cmp, model = _scored(records(*specs))
    assert model.type_bits is not None
    across = cmp.pair_type == 1  # one kind of source (0), two files: kinds * kinds + 0
    assert across.any() and (~across).any()
    assert model.type_bits[1] > 0 > model.type_bits[0]
    assert set(np.unique(f.file[a[across]] != f.file[b[across]]).tolist()) == {True}


def test_the_files_that_list_each_person_once_are_address_books_and_connections():
    recs = records(
        {"id": "card", "name_raw": "Ann Quast", "source_file": "book.vcf"},
        {"id": "other", "name_raw": "Ann Quast", "source_file": "phone.vcf"},
        {"id": "row", "source": "linkedin", "name_raw": "Ann Quast", "source_file": "c.csv"},
        {"id": "mail", "source": "mail", "emails_raw": ["ann@x.example"], "source_file": "m"},
    )
    f = RecordFeatures.from_records(recs)
    by_id = dict(zip(recs["record_id"], f.listing_file.tolist(), strict=True))
    assert by_id["mail"] == -1
    assert len({by_id["card"], by_id["other"], by_id["row"]}) == 3
    assert min(by_id["card"], by_id["other"], by_id["row"]) >= 0
    # A card and a LinkedIn row are two listings even in one file (a test's folder).
    recs["source_file"] = "one"
    f = RecordFeatures.from_records(recs)
    assert f.listing_file[0] >= 0 and f.listing_file[0] != f.listing_file[2]
