import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.transforms.helpers import records
from transforms.resolve import Overrides, OverridesError, load_overrides, resolve

BILL = "https://www.linkedin.com/in/william-smith-4a1b2c"


def _same(res, a, b):
    return res.cluster_of[a] == res.cluster_of[b]


def _row(res, a, b):
    m = res.matches
    hit = m[
        ((m["record_id_a"] == a) & (m["record_id_b"] == b))
        | ((m["record_id_a"] == b) & (m["record_id_b"] == a))
    ]
    assert len(hit) == 1, f"no single match row for {a}, {b}"
    return hit.iloc[0]


def test_bill_william_phd_across_phone_linkedin_and_mail_is_one_person():
    recs = records(
        {
            "id": "phone",
            "source": "vcard",
            "name_raw": "Bill Smith",
            "phones_raw": ["(415) 555-0134"],
            "emails_raw": ["bsmith@acme.com"],
        },
        {
            "id": "linkedin",
            "source": "linkedin",
            "name_raw": "William Smith, PhD",
            "linkedin_url_raw": BILL,
            "company_raw": "Acme Corp.",
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": '"Smith, William"',
            "emails_raw": ["bsmith@acme.com"],
        },
        {
            "id": "john",
            "source": "linkedin",
            "name_raw": "John Smith",
            "linkedin_url_raw": "https://www.linkedin.com/in/jsmith",
            "company_raw": "Globex",
        },
    )
    res = resolve(recs)
    assert _same(res, "phone", "mail") and _same(res, "phone", "linkedin")
    assert not _same(res, "john", "phone")
    row = _row(res, "linkedin", "mail")
    assert row["decision"] == "merge"
    evidence = dict(row["evidence"])
    assert evidence["name"] > 0 and evidence["company"] > 0  # acme.com is Acme Corp.
    assert _row(res, "mail", "phone")["rule"] == "same_email"
    assert res.candidate_pairs >= 3


def test_shared_email_links_records_across_sources():
    recs = records(
        {
            "id": "v",
            "source": "vcard",
            "name_raw": "Bill Smith",
            "emails_raw": ["bsmith@acme.com"],
            "linkedin_url_raw": BILL,
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
            "linkedin_url_raw": BILL + "/",
        },
    )
    res = resolve(recs)
    assert _same(res, "v", "m") and _same(res, "v", "l")
    assert _row(res, "v", "m")["rule"] == "same_email"
    assert _row(res, "v", "l")["rule"] == "same_linkedin_url"
    assert set(res.matches["decision"]) == {"merge"}


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
        {"id": "b", "source": "vcard", "name_raw": "Kate  Lee", "company_raw": "INITECH"},
    )
    res = resolve(recs)
    assert _same(res, "a", "b")
    row = res.matches.iloc[0]
    assert row["rule"] == "similar_name_same_company"
    evidence = dict(row["evidence"])
    assert evidence["company_similarity"] == 1.0
    assert evidence["name"] > 0 and evidence["company"] > 0 and evidence["prior"] < 0


def test_shared_role_address_does_not_merge_two_people():
    recs = records(
        {"id": "a", "name_raw": "Ann Lee", "emails_raw": ["info@acme.com"], "company_raw": "Acme"},
        {"id": "b", "name_raw": "Bo Chan", "emails_raw": ["info@acme.com"], "company_raw": "Acme"},
        {"id": "c", "source": "mail", "emails_raw": ["info@acme.com"]},
    )
    res = resolve(recs)
    assert len(res.clusters()) == 3


def test_family_mailbox_of_two_relatives_does_not_merge_them():
    recs = records(
        {"id": "a", "name_raw": "Mary Whitford", "emails_raw": ["the.whitfords@outlook.com"]},
        {"id": "b", "name_raw": "Timothy Whitford", "emails_raw": ["the.whitfords@outlook.com"]},
    )
    res = resolve(recs)
    assert not _same(res, "a", "b")


def test_gmail_dot_and_plus_variants_are_one_mailbox():
    recs = records(
        {"id": "a", "name_raw": "Zoe Park", "emails_raw": ["zoe.park+news@gmail.com"]},
        {"id": "b", "source": "mail", "emails_raw": ["ZoePark@googlemail.com"]},
    )
    res = resolve(recs)
    assert _same(res, "a", "b")
    assert _row(res, "a", "b")["rule"] == "same_email"


def test_two_linkedin_profiles_are_never_merged_even_through_a_shared_email():
    recs = records(
        {
            "id": "a",
            "name_raw": "Ann Lee",
            "emails_raw": ["ann.lee@acme.com"],
            "linkedin_url_raw": "https://www.linkedin.com/in/annlee",
        },
        {
            "id": "b",
            "name_raw": "Ann Lee",
            "emails_raw": ["ann.lee@acme.com"],
            "linkedin_url_raw": "https://www.linkedin.com/in/annlee2",
        },
    )
    res = resolve(recs)
    assert not _same(res, "a", "b")
    row = res.matches.iloc[0]
    assert (row["decision"], row["rule"]) == ("keep_apart", "conflict_linkedin_url")
    assert row["score"] > 0.8  # the evidence said merge; the guard refused


def test_chain_whose_ends_have_two_profiles_is_split():
    # B shares an address with A and a phone with C; A and C are two LinkedIn profiles.
    recs = records(
        {
            "id": "a",
            "name_raw": "Sam Ortiz",
            "emails_raw": ["sam@ortiz.dev"],
            "linkedin_url_raw": "https://www.linkedin.com/in/sam-ortiz-1",
        },
        {
            "id": "b",
            "name_raw": "Sam Ortiz",
            "emails_raw": ["sam@ortiz.dev"],
            "phones_raw": ["+1 415 555 0199"],
        },
        {
            "id": "c",
            "name_raw": "Sam Ortiz",
            "phones_raw": ["+14155550199"],
            "linkedin_url_raw": "https://www.linkedin.com/in/sam-ortiz-2",
        },
    )
    res = resolve(recs)
    assert not _same(res, "a", "c")
    assert _same(res, "a", "b") != _same(res, "b", "c")
    # Split by the guard, or before it: B is one profile's at most, and its odds for the
    # weaker one (a phone against an address and a company) are shared with the other.
    rules = set(res.matches["rule"])
    rivals = [dict(ev).get("rival_profiles", 0.0) for ev in res.matches["evidence"]]
    assert "conflict_linkedin_url" in rules or min(rivals) < 0


def test_shared_phone_links_and_chains_transitively():
    recs = records(
        {"id": "a", "phones_raw": ["+1 415-555-0134"], "name_raw": "Zoe Park"},
        {"id": "b", "phones_raw": ["(415) 555-0134"], "emails_raw": ["zoe@park.io"]},
        {"id": "c", "emails_raw": ["zoe@park.io"], "source": "mail"},
    )
    res = resolve(recs)
    assert _same(res, "a", "b") and _same(res, "b", "c")
    assert len(res.clusters()) == 1


def test_rare_name_agreement_weighs_more_than_a_common_one():
    common = [
        {"id": f"js{i}", "name_raw": "John Smith", "company_raw": f"Firm {i}"} for i in range(30)
    ]
    recs = records(
        *common,
        {"id": "x1", "name_raw": "Xavi Okonkwo", "company_raw": "Initech"},
        {"id": "x2", "name_raw": "Xavi Okonkwo", "company_raw": "Globex"},
    )
    res = resolve(
        recs,
    )
    m = res.matches
    rare = dict(_row(res, "x1", "x2")["evidence"])["name"]
    johns = m[m["record_id_a"].str.startswith("js") & m["record_id_b"].str.startswith("js")]
    # Thirty John Smiths in 32 records: their names are too common here to make even a
    # near miss (none kept); any that is kept weighs less than the rare name.
    assert all(dict(e)["name"] < rare for e in johns["evidence"])
    assert len(johns) < 30


def test_overrides_must_link_and_cannot_link_by_identifier():
    specs = (
        {"id": "a", "name_raw": "Kim Ng", "emails_raw": ["kim@ng.dev"]},
        {"id": "b", "name_raw": "K. Ng", "linkedin_url_raw": "https://www.linkedin.com/in/kn-4417"},
        {
            "id": "c",
            "name_raw": "Kim Ng",
            "emails_raw": ["kim@ng.dev"],
            "phones_raw": ["+442079460000"],
        },
    )
    # (A profile URL spelling the name, /in/kimng, would tell: this one does not.)
    base = resolve(records(*specs))
    assert _same(base, "a", "c") and not _same(base, "a", "b")
    res = resolve(
        records(*specs),
        overrides=Overrides(
            must_link=[("KIM@ng.dev", "linkedin.com/in/kn-4417/")],
            cannot_link=[("c", "+44 20 7946 0000")],  # a record with itself: ignored
        ),
    )
    assert _same(res, "a", "b") and _same(res, "b", "c")
    res = resolve(records(*specs), overrides=Overrides(cannot_link=[("a", "c")]))
    assert not _same(res, "a", "c")
    assert _row(res, "a", "c")["rule"] == "cannot_link_override"


def test_load_overrides(tmp_path):
    path = tmp_path / "overrides.toml"
    path.write_text(
        'must_link = [["a@x.com", "b@x.com"]]\n'
        '[[cannot_link]]\na = "r1"\nb = "https://www.linkedin.com/in/x"\nnote = "namesake"\n'
    )
    got = load_overrides(path)
    assert got.must_link == [("a@x.com", "b@x.com")]
    assert got.cannot_link == [("r1", "https://www.linkedin.com/in/x")]
    path.write_text('must_link = [["only-one"]]\n')
    with pytest.raises(OverridesError, match="must_link\\[0\\]"):
        load_overrides(path)
    path.write_text("not toml [")
    with pytest.raises(OverridesError):
        load_overrides(path)


def test_empty_and_single_record():
    assert resolve(records()).cluster_of == {}
    res = resolve(records({"id": "a", "name_raw": "Ann"}))
    assert res.cluster_of == {"a": "a"} and len(res.matches) == 0


PEOPLE = [
    {"name_raw": "Bill Smith", "emails_raw": ["bsmith@acme.com"], "company_raw": "Acme"},
    {"name_raw": "William Smith", "linkedin_url_raw": BILL, "company_raw": "Acme Corp"},
    {"name_raw": "John Smith", "emails_raw": ["john@smith.org"]},
    {"name_raw": "Jon Smith", "phones_raw": ["+14155550134"], "company_raw": "Acme"},
    {"emails_raw": ["bsmith@acme.com"], "source": "mail"},
    {"name_raw": "Kate Lee", "emails_raw": ["kate.lee@gmail.com"]},
    {
        "name_raw": "Katherine Lee",
        "emails_raw": ["katelee@gmail.com"],
        "phones_raw": ["+14155550134"],
    },
    {"name_raw": "Ann Lee", "emails_raw": ["info@acme.com"]},
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(range(len(PEOPLE))), min_size=1, max_size=10), st.randoms())
def test_clustering_is_deterministic_and_order_free(picks, rnd):
    specs = [{"id": f"r{i}", **PEOPLE[p]} for i, p in enumerate(picks)]
    first = resolve(records(*specs))
    shuffled = list(specs)
    rnd.shuffle(shuffled)
    second = resolve(records(*shuffled))
    assert first.cluster_of == second.cluster_of
    cols = ["record_id_a", "record_id_b", "score", "decision", "rule"]
    key = ["record_id_a", "record_id_b"]
    pd.testing.assert_frame_equal(
        first.matches[cols].sort_values(key).reset_index(drop=True),
        second.matches[cols].sort_values(key).reset_index(drop=True),
    )


def test_overrides_apply_whatever_the_order_of_the_records():
    # The identifier index reads the records as given, each at its position among the
    # records in their content's order: any order of the input is the same input.
    specs = [
        {"id": "a", "name_raw": "Kim Ng", "emails_raw": ["kim@ng.dev"]},
        {"id": "b", "name_raw": "K. Ng", "linkedin_url_raw": "https://www.linkedin.com/in/kn-4417"},
        {"id": "c", "name_raw": "Kim Ng", "emails_raw": ["kim@ng.dev"]},
        {"id": "d", "name_raw": "Lee Park", "phones_raw": ["+442079460000"]},
    ]
    overrides = Overrides(
        must_link=[("kim@ng.dev", "linkedin.com/in/kn-4417")],
        cannot_link=[("c", "a"), ("d", "+44 20 7946 0000")],
    )
    results = [resolve(records(*s), overrides=overrides) for s in (specs, specs[::-1])]
    for res in results:
        # Both Kim Ngs carry the address the user linked to the profile, and the user
        # said they are two people: one of them joins the profile, never both.
        assert _same(res, "a", "b") != _same(res, "c", "b") and not _same(res, "a", "c")
    assert results[0].cluster_of == results[1].cluster_of
    key = ["record_id_a", "record_id_b"]
    first, second = (r.matches.sort_values(key).reset_index(drop=True) for r in results)
    pd.testing.assert_frame_equal(first, second)


_WEIGHT = st.floats(-30, 30, allow_nan=False)
_SIMILARITY = st.one_of(st.just(float("nan")), st.floats(0, 1))


@settings(max_examples=50, deadline=None)
@given(st.data(), st.integers(0, 12), st.sampled_from([1, 3, 16_384]))
def test_evidence_lists_each_pairs_shown_keys_in_order(data, k, chunk):
    import numpy as np

    from transforms import resolve as module
    from transforms.scoring import FEATURES

    def column(strategy):
        return np.array(data.draw(st.lists(strategy, min_size=k, max_size=k)), dtype=np.float64)

    weights = {name: column(_WEIGHT) for name in FEATURES}
    weights[module.RIVALS] = column(_WEIGHT)
    weights[module.RELATIVES] = column(_WEIGHT)
    levels = {
        name: np.array(data.draw(st.lists(st.integers(-1, 2), min_size=k, max_size=k)), np.int8)
        for name in FEATURES
    }
    prior, name_sim, company_sim = column(_WEIGHT), column(_SIMILARITY), column(_SIMILARITY)
    losses = [module.RIVALS] + ([module.RELATIVES] if (weights[module.RELATIVES] < 0).any() else [])

    def rounded(x, decimals=3):
        return float(np.round(x, decimals))

    want = []
    for i in range(k):
        entries = [(n, rounded(weights[n][i])) for n in FEATURES if levels[n][i] >= 0]
        entries += [(n, rounded(weights[n][i])) for n in losses if weights[n][i] < 0]
        entries.append(("prior", rounded(prior[i])))
        for n, sim in (("name_similarity", name_sim[i]), ("company_similarity", company_sim[i])):
            if not np.isnan(sim):
                entries.append((n, rounded(sim, 4)))
        want.append(entries)
    chunk_was = module.EVIDENCE_CHUNK
    module.EVIDENCE_CHUNK = chunk
    try:
        got = module._evidence(weights, prior, name_sim, company_sim, levels).to_pylist()
    finally:
        module.EVIDENCE_CHUNK = chunk_was
    assert got == want


def test_rows_of_a_connections_export_without_urls_are_profiles_all_the_same():
    from transforms.features import RecordFeatures
    from transforms.resolve import _profiles

    recs = records(
        {"id": "a", "source": "linkedin", "name_raw": "George Miller"},
        {"id": "b", "source": "linkedin", "name_raw": "George Miller"},
        {"id": "c", "source": "mail", "name_raw": "George Miller", "emails_raw": ["gm@x.com"]},
    )
    recs["source_file"] = ["/in/Connections.csv", "/in/Connections.csv", "/in/mail.mbox"]
    recs["locator"] = ["Connections.csv row 1", "Connections.csv row 2", "mail.mbox message 1"]
    f = RecordFeatures.from_records(recs)
    ids = recs["record_id"].tolist()
    rows = [ids.index("a"), ids.index("b")]
    assert f.connections_file[rows[0]] == f.connections_file[rows[1]] >= 0
    assert f.connections_file[ids.index("c")] == -1
    profiles = _profiles(f)
    assert profiles[rows[0]] != profiles[rows[1]] and min(profiles[rows]) >= 0
    assert profiles[ids.index("c")] == -1
