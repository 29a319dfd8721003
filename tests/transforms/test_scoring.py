import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from tests.transforms.helpers import compare_named, records
from transforms import scoring
from transforms.blocking import candidate_pairs
from transforms.features import RecordFeatures


def test_comparing_and_scoring_in_chunks_gives_the_same_results(monkeypatch):
    recs = records(
        {
            "id": "a",
            "name_raw": "Bill Smith",
            "emails_raw": ["bsmith@acme.com"],
            "company_raw": "Acme",
        },
        {
            "id": "b",
            "source": "mail",
            "name_raw": "Smith, William",
            "emails_raw": ["bsmith@acme.com"],
        },
        {"id": "c", "name_raw": "W. Smith", "company_raw": "Acme Inc"},
        {
            "id": "d",
            "source": "mail",
            "name_raw": "S. Larsen",
            "emails_raw": ["soren.larsen@acme.com"],
        },
        {"id": "e", "name_raw": "Søren Larsen", "company_raw": "Acme"},
    )
    f = RecordFeatures.from_records(recs)
    a, b = candidate_pairs(f)
    whole = scoring.compare(f, a, b)
    model = scoring.estimate(f, whole, len(a))
    whole_log_odds = model.log_odds(whole)
    monkeypatch.setattr(scoring, "COMPARE_CHUNK", 2)
    monkeypatch.setattr(scoring, "CPDIST_CHUNK", 1)
    chunked = scoring.compare(f, a, b)
    for name in scoring.FEATURES:
        assert np.array_equal(whole.levels[name], chunked.levels[name])
    assert whole.tf_u.keys() == chunked.tf_u.keys()
    for name in whole.tf_u:
        assert np.array_equal(whole.tf_u[name], chunked.tf_u[name], equal_nan=True)
    assert np.array_equal(whole.name_similarity, chunked.name_similarity, equal_nan=True)
    assert np.array_equal(whole.company_similarity, chunked.company_similarity, equal_nan=True)
    # Summed chunk by chunk, the log-odds are the same bit for bit.
    assert np.array_equal(model.log_odds(chunked), whole_log_odds)


_NAMES = np.array(["ann", "anna", "anne", "annika", "bob", "bobby", "b", "juan", "juwn"], object)
_CODE_PAIRS = st.lists(
    st.tuples(st.integers(0, len(_NAMES) - 1), st.integers(0, len(_NAMES) - 1)), max_size=60
)


@settings(max_examples=60, deadline=None)
@given(_CODE_PAIRS)
def test_scores_once_per_distinct_pair_are_the_scores_of_every_pair(pairs):
    x = np.array([p for p, _ in pairs], dtype=np.int64)
    y = np.array([q for _, q in pairs], dtype=np.int64)
    for scorer in (JaroWinkler.normalized_similarity, fuzz.token_set_ratio):
        got = scoring._pair_scores(scorer, _NAMES, x, y)
        want = process.cpdist(_NAMES[x].tolist(), _NAMES[y].tolist(), scorer=scorer)
        assert got.tolist() == np.asarray(want, dtype=np.float64).tolist()
    got = scoring._pair_scores(fuzz.token_set_ratio, _NAMES, x, y, symmetric=True)
    want = process.cpdist(_NAMES[x].tolist(), _NAMES[y].tolist(), scorer=fuzz.token_set_ratio)
    assert got.tolist() == np.asarray(want, dtype=np.float64).tolist()


_WORDS = st.lists(st.sampled_from(["ann", "anna", "lee", "park", "seo", "yeon", "a", "b"]))


@settings(max_examples=300, deadline=None)
@given(_WORDS, _WORDS)
def test_token_set_ratio_is_symmetric(x, y):
    # _pair_scores(symmetric=True) scores (y, x) as (x, y) for token_set_ratio
    left, right = " ".join(x), " ".join(y)
    assert fuzz.token_set_ratio(left, right) == fuzz.token_set_ratio(right, left)
    forward = process.cpdist([left], [right], scorer=fuzz.token_set_ratio)
    backward = process.cpdist([right], [left], scorer=fuzz.token_set_ratio)
    assert forward.tolist() == backward.tolist()


@settings(max_examples=60, deadline=None)
@given(_CODE_PAIRS)
def test_alike_given_names_are_prefixes_near_spellings_or_one_slip(pairs):
    x = np.array([p for p, _ in pairs], dtype=np.int64)
    y = np.array([q for _, q in pairs], dtype=np.int64)
    want = []
    for p, q in zip(_NAMES[x].tolist(), _NAMES[y].tolist(), strict=True):
        similar = np.float64(np.float32(JaroWinkler.normalized_similarity(p, q)))
        slip = len(p) >= 4 and len(q) >= 4 and Levenshtein.distance(p, q) <= 1
        want.append(p.startswith(q) or q.startswith(p) or similar >= 0.88 or slip)
    assert scoring._alike_given(_NAMES, x, y).tolist() == want


def test_every_match_feature_is_declared_whole():
    from transforms.scoring import FEATURES, MATCH_FEATURES

    assert tuple(f.name for f in MATCH_FEATURES) == FEATURES
    assert len(set(FEATURES)) == len(FEATURES)
    for f in MATCH_FEATURES:
        assert len(f.levels) == len(f.m) == len(f.u), f.name
        # defaults; estimation normalises u (the name u sums to 1.0001)
        assert abs(sum(f.m) - 1) < 1e-3 and abs(sum(f.u) - 1) < 1e-3, f.name
        for level in (f.identifier_level, f.neutral_level):
            assert level is None or 0 <= level < len(f.levels), f.name
        assert f.compare, f.name
        identifiers = {g.name for g in MATCH_FEATURES if g.identifier_level is not None}
        assert set(f.not_anchored_by) <= identifiers - {f.name}, f.name
    # EM codes a pattern in as many bits a feature as its levels -1.. need: in one int32
    # while they fit (half the memory of int64 at ten million pairs).
    assert sum(len(f.levels).bit_length() for f in MATCH_FEATURES) <= 31


def test_a_nameless_address_is_weighed_by_whether_it_spells_the_name():
    recs = records(
        {"id": "a", "name_raw": "Ramesh N. Singh", "company_raw": "Lighthouse Advisors"},
        {"id": "b", "source": "mail", "emails_raw": ["ramesh.singh@lighthousea.de"]},
        {"id": "c", "source": "mail", "emails_raw": ["rsingh@gmail.com"]},
        {"id": "d", "source": "mail", "emails_raw": ["bigfan1984@gmail.com"]},
        {"id": "e", "name_raw": "Priya Patel"},
    )
    f = RecordFeatures.from_records(recs)
    pos = {rid: i for i, rid in enumerate(recs["record_id"])}
    pairs = [("a", "b"), ("a", "c"), ("a", "d"), ("a", "e")]
    a = np.array([min(pos[x], pos[y]) for x, y in pairs])
    b = np.array([max(pos[x], pos[y]) for x, y in pairs])
    cmp = scoring.compare(f, a, b)
    # The name is not compared against a record that has none: the address is.
    assert cmp.levels["name"].tolist()[:3] == [-1, -1, -1]
    spelled = scoring.LEVELS["address_name"].index("spelled")
    assert cmp.levels["address_name"].tolist() == [spelled, spelled, 0, -1]
    assert cmp.levels["name"][3] >= 0
    # The whole name spelled out is rarer than an initial and the family name.
    assert cmp.tf_u["address_name"][0] < cmp.tf_u["address_name"][1]
    model = scoring.estimate(f, cmp, len(pairs))
    unspelled = model.weight(cmp, "address_name")[2]
    # An address that does not spell the name is weak evidence, not two names that differ.
    assert model.weight(cmp, "name")[3] < unspelled < 0
    assert model.weight(cmp, "address_name")[0] > model.weight(cmp, "address_name")[1] > 0


def test_world_name_shares_are_scaled_by_the_namesakes_among_profiles():
    def profiles(names):
        return records(
            *(
                {
                    "id": f"p{i}",
                    "source": "linkedin",
                    "name_raw": name,
                    "linkedin_url_raw": f"https://www.linkedin.com/in/person-{i}",
                }
                for i, name in enumerate(names)
            )
        )

    # No profiles, or distinct rare names: about the shares as they are.
    one = RecordFeatures.from_records(records({"name_raw": "A B"}))
    assert scoring.world_share_scale(one).tolist() == [1.0, 1.0]
    rare = [f"Xavi Okonkwo{chr(97 + i)}" for i in range(20)]
    assert (scoring.world_share_scale(RecordFeatures.from_records(profiles(rare))) <= 1).all()
    # Five profiles of one rare name are five people: names the data counts (a person's
    # own records aside) are commoner than their shares say. The world's shares, whose
    # names have no namesakes here, are not scaled up with them.
    f = RecordFeatures.from_records(profiles(rare + ["Denny Stadelmann"] * 5))
    world, data = scoring.world_share_scale(f)
    assert data > 1.5 and world <= 1
    shares, from_data = scoring._world_full_shares(f)
    stadelmann = np.array([len(rare)])
    assert from_data[stadelmann].all() and not from_data[: len(rare)].any()
    assert scoring._full_share(f, stadelmann)[0] == shares[stadelmann][0] * data
    assert scoring._full_share(f, np.array([0]))[0] == shares[0] * world


@given(
    st.lists(st.integers(1, 80), min_size=1, max_size=20),
    st.floats(1e-9, 0.05),
    st.floats(1.01, 10.0),
    st.integers(50, 2_000_000),
    st.floats(scoring.MU_MIN, scoring.MU_MAX),
)
@settings(max_examples=200, deadline=None)
def test_other_holders_records_are_bounded_and_grow_with_the_share(counts, share, more, n, mu):
    c = np.array(counts)
    low = scoring._other_holders_records(c, np.full(len(c), share), n, mu)
    high = scoring._other_holders_records(c, np.full(len(c), min(share * more, 1.0)), n, mu)
    # A record's own person holds at least that record; one record is its own person's.
    assert (low >= 0).all() and (low <= np.maximum(c - 1, 0) + 1e-9).all()
    assert (low[c == 1] == 0).all()
    # A commoner name has more namesakes behind the same count of records.
    assert (high >= low - 1e-9).all()


def test_a_name_on_few_records_is_one_persons_unless_common():
    n, mu = 3_000, 1.0
    rare, common = np.array([1e-7]), np.array([1e-3])
    two, four = np.array([2]), np.array([4])
    # Two cards of "Denny Stadelmann": one person's; two of "John Smith" may be two people.
    assert scoring._other_holders_records(two, rare, n, mu)[0] < 1e-3
    assert scoring._other_holders_records(two, common, n, mu)[0] > 0.3
    # Four records of a name are more likely two people's than two records are.
    assert (
        scoring._other_holders_records(four, common, n, mu)[0]
        > scoring._other_holders_records(two, common, n, mu)[0]
    )
    # Far more records than one person leaves: nearly all are other people's.
    assert scoring._other_holders_records(np.array([200]), common, n, mu)[0] >= 200 - 2


def test_work_address_links_do_not_teach_the_company_m():
    # Two records sharing a work address agree on the company by construction; only
    # the profile link says how often one person's company differs (a job change).
    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Ann Lee",
            "company_raw": "Globex",
            "linkedin_url_raw": "https://www.linkedin.com/in/annlee",
        },
        {
            "id": "card",
            "name_raw": "Ann Lee",
            "company_raw": "Initech",
            "linkedin_url_raw": "https://www.linkedin.com/in/annlee",
            "emails_raw": ["ann@initech.com"],
        },
        {"id": "mail", "source": "mail", "name_raw": "Ann Lee", "emails_raw": ["ann@initech.com"]},
    )
    f = RecordFeatures.from_records(recs)
    a, b = candidate_pairs(f)
    cmp = scoring.compare(f, a, b)
    model = scoring.estimate(f, cmp, len(a))
    # One anchored pair for the company (the profile link), and it differs.
    m0 = np.array(scoring.FEATURE["company"].m)
    pseudo = scoring.M_PSEUDO_PAIRS
    want = (np.array([1.0, 0.0, 0.0]) + pseudo * m0) / (1 + pseudo)
    assert np.allclose(model.m["company"], want)


def test_a_name_written_family_name_first_with_a_slip_is_close():
    recs = records(
        {"id": "a", "given_name_raw": "Maxin", "family_name_raw": "Musolino"},
        {"id": "b", "given_name_raw": "Musolino", "family_name_raw": "Maxni"},
        {"id": "c", "given_name_raw": "Musolino", "family_name_raw": "Tremblay"},
    )
    level = compare_named(recs, [("a", "b"), ("a", "c")])[1].levels["name"]
    close = scoring.LEVELS["name"].index("close")
    assert level[0] == close  # crossed, the other word one slip apart
    assert level[1] < close  # crossed, the other word another name


def test_a_name_written_family_name_first_with_slips_in_both_words_is_close():
    recs = records(
        {"id": "a", "given_name_raw": "John", "family_name_raw": "Coxon"},
        {"id": "b", "given_name_raw": "Cooxn", "family_name_raw": "Jonh"},
        {"id": "c", "given_name_raw": "Zhang", "family_name_raw": "Wei"},
        {"id": "d", "given_name_raw": "Wang", "family_name_raw": "Zhi"},
    )
    level = compare_named(recs, [("a", "b"), ("c", "d")])[1].levels["name"]
    close = scoring.LEVELS["name"].index("close")
    assert level[0] == close  # read in order, one slip in each word
    assert level[1] < close  # the same initials crossed, other names


def test_a_slip_in_a_given_name_weighs_as_the_known_spelling_not_as_any_alike_name():
    recs = records(
        {"id": "a", "name_raw": "Nicholas Campbell"},
        {"id": "b", "name_raw": "Nichooas Campbell"},  # no given name: a slip
        {"id": "c", "name_raw": "Brian Campbell"},
        {"id": "d", "name_raw": "Bryan Campbell"},  # two given names people have
        {"id": "e", "name_raw": "Nicholas Campbell"},
    )
    cmp = compare_named(recs, [("a", "b"), ("c", "d"), ("a", "e")])[1]
    close = scoring.LEVELS["name"].index("close")
    assert cmp.levels["name"].tolist() == [close, close, scoring.LEVELS["name"].index("exact")]
    slip, variant, exact = cmp.tf_u["name"]
    # As rare as "Nicholas Campbell" itself, the slipped card one more of its records
    # (three records of a name may be two people's: a little commoner than two).
    f = RecordFeatures.from_records(recs)
    code = f.full[list(recs["record_id"]).index("a")]
    others = scoring._name_others(f, np.array([code]), extra=1)
    count = f.full_count[[code]] + 1
    want = scoring._name_tf(count, np.array([0.0]), f.n, None, others)[0]
    assert np.isclose(slip, want) and exact <= slip
    assert variant > 10 * slip  # Brian / Bryan: any compatible given name of Campbell


def _book(with_mail: bool):
    """Six people with two cards each at their own house, one birth date each; three of
    them with the family name replaced on one card (the name's level "given")."""
    specs = []
    for i in range(6):
        family = ["Oderberg", "Marrable", "Whitlock", "Sondergeld", "Pellinore", "Quast"][i]
        other = ["Frencham", "Bastiaans", "Cosmetto", family, family, family][i]
        home = {
            "streets_raw": [f"{10 + i} Wattle St"],
            "localities_raw": ["Canterbury"],
            "postcodes_raw": [f"27{i}6"],
            "birthday_raw": f"19{50 + i}-0{1 + i}-1{i}",
        }
        if with_mail:
            home["emails_raw"] = [f"person{i}@example.org"]
        specs.append({"id": f"{i}a", "name_raw": f"Tamsin {family}", **home})
        specs.append({"id": f"{i}b", "name_raw": f"Tamsin {other}", **home})
    return records(*specs)


def test_an_address_book_teaches_how_often_names_are_replaced():
    # No identifier links anything: the name's m is read off the pairs the birthday and
    # the house link, and half of them carry another family name.
    f = RecordFeatures.from_records(_book(with_mail=False))
    a, b = candidate_pairs(f)
    model = scoring.estimate(f, scoring.compare(f, a, b), len(a))
    default = scoring.FEATURE["name"].m
    given, exact = scoring.LEVELS["name"].index("given"), scoring.LEVELS["name"].index("exact")
    assert model.m["name"][given] > default[given]
    assert model.m["name"][exact] < default[exact]


def test_identifier_linked_pairs_teach_the_name_once():
    # The same pairs linked by a shared address: they are the identifier-anchored m's
    # pairs, not counted again among the pairs the other features link.
    f = RecordFeatures.from_records(_book(with_mail=True))
    a, b = candidate_pairs(f)
    cmp = scoring.compare(f, a, b)
    model = scoring.estimate(f, cmp, len(a))
    linked = cmp.levels["email"] == 2
    m0 = np.array(scoring.FEATURE["name"].m)
    seen = np.bincount(cmp.levels["name"][linked], minlength=len(m0)).astype(float)
    anchored = (seen + scoring.M_PSEUDO_PAIRS * m0) / (seen.sum() + scoring.M_PSEUDO_PAIRS)
    assert np.allclose(model.m["name"], anchored, atol=0.02)


def test_the_same_given_name_under_two_family_names_is_weighed_by_the_given_name():
    recs = records(
        {"id": "a", "name_raw": "Sylvie Morcom"},
        {"id": "b", "name_raw": "Sylvie White"},
        {"id": "c", "name_raw": "Xanthe Morcom"},
        {"id": "d", "name_raw": "Xanthe Quast"},
        {"id": "e", "name_raw": "Mary Morcom"},
        {"id": "f", "name_raw": "Maria White"},  # two given names: "differ"
    )
    cmp = compare_named(recs, list(zip("ace", "bdf", strict=True)))[1]
    names = scoring.LEVELS["name"]
    assert [names[x] for x in cmp.levels["name"]] == ["given", "given", "differ"]
    sylvie, xanthe, _ = cmp.tf_u["name"]
    assert sylvie > xanthe  # Sylvie is the commoner given name


def test_a_family_name_with_a_slip_is_the_family_level():
    recs = records(
        {"id": "a", "name_raw": "Nicholas Prideaux"},
        {"id": "b", "name_raw": "Emily Prieaux"},  # given replaced, family one slip
        {"id": "c", "name_raw": "Emily Pridmore"},  # another family name
        {"id": "d", "family_name_raw": "Zimmermann"},  # a card with only a family name
        {"id": "e", "name_raw": "Erin Zimmermnn"},  # a given name missing, a slip: surname
    )
    names = scoring.LEVELS["name"]
    levels = compare_named(recs, list(zip("aad", "bce", strict=True)))[1].levels["name"]
    assert [names[x] for x in levels] == ["family", "differ", "surname"]


def test_a_name_read_two_ways_weighs_the_same_in_either_order():
    # "Park Min-jun" written family name first reads as given name Park, family name
    # Min-jun: a rare reading. Against "Min-jun Park" (an exact name through the
    # profile URL, or the same full key) the pair weighs by the commoner reading,
    # whichever record comes first.
    specs = [
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "Park Min-jun",
            "emails_raw": ["minjun_park@outlook.com"],
        },
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Min-jun Park",
            "linkedin_url_raw": "https://www.linkedin.com/in/minjun-park-56b67e",
        },
        {"id": "card", "name_raw": "Wei Zhang"},
    ]
    weights = []
    for order in (specs, specs[::-1]):
        recs = records(*order)
        f = RecordFeatures.from_records(recs)
        ids = recs["record_id"].tolist()
        for x, y in (("mail", "li"), ("li", "mail")):
            a, b = np.array([ids.index(x)]), np.array([ids.index(y)])
            cmp = scoring.compare(f, a, b)
            assert cmp.levels["name"][0] == scoring.LEVELS["name"].index("exact")
            weights.append(cmp.tf_u["name"][0])
    assert np.allclose(weights, weights[0])
    # ... and it is the commoner reading's share, not the family-first one's.
    f = RecordFeatures.from_records(records(*specs))
    ids = records(*specs)["record_id"].tolist()
    li, mail = np.array([ids.index("li")]), np.array([ids.index("mail")])
    assert scoring._full_share(f, li)[0] > scoring._full_share(f, mail)[0]


def test_an_initial_spelled_by_its_address_against_a_name_written_family_name_first():
    # "J. Johnson <james.johnson@...>" against "Johnson James": the address spells
    # James Johnson, and "Johnson James" is James Johnson written family name first.
    # The name is as common as James Johnson, not one of a kind (given name "Johnson").
    recs = records(
        {
            "id": "initial",
            "source": "mail",
            "name_raw": "J. Johnson",
            "emails_raw": ["james.johnson@wingtip.com"],
        },
        {
            "id": "turned",
            "source": "mail",
            "name_raw": "Johnson James",
            "emails_raw": ["jamesj@vogelco.com"],
        },
        {"id": "plain", "source": "mail", "name_raw": "James Johnson"},
    )
    f, cmp = compare_named(
        recs, [("initial", "turned"), ("turned", "initial"), ("initial", "plain")]
    )
    exact = scoring.LEVELS["name"].index("exact")
    assert (cmp.levels["name"] == exact).all()
    u = cmp.tf_u["name"]
    assert u[0] == u[1]
    assert u[0] >= u[2] * 0.99


def test_an_initial_and_a_family_name_are_as_common_as_the_letter_and_the_family_name():
    # "R. Singh" is any Singh whose given name starts with R: read as the given name
    # "R" (which no table knows) it would look one of a kind, and two "R. Singh"s, or
    # "R. Singh <rohan.singh@>" against another group's Rohan Singh, would merge on it.
    recs = records(
        {"id": "a", "source": "mail", "name_raw": "R. Singh", "emails_raw": ["rs@jades.com"]},
        {"id": "b", "source": "mail", "name_raw": "R. Singh", "emails_raw": ["rs@delta.com"]},
        {"id": "c", "name_raw": "Rohan Singh"},
        {"id": "d", "name_raw": "Raj Patel"},
    )
    f = RecordFeatures.from_records(recs)
    ids = recs["record_id"].tolist()
    initial, whole = ids.index("a"), ids.index("c")
    share = scoring._full_share(f, np.array([initial, whole]))
    assert share[0] > share[1]
    letters = scoring._initial_shares(f)
    singh = f.family_share[f.family[initial]]
    assert share[0] >= letters["r"] * singh * 0.99


def test_two_mailboxes_at_one_employer_are_evidence_of_two_people():
    recs = records(
        {
            "id": "phillip",
            "source": "mail",
            "name_raw": "Phillip Langstone",
            "emails_raw": ["phillip.langstone@willowsecu.com"],
        },
        {
            "id": "philip",
            "name_raw": "Philip Langstone",
            "company_raw": "Willow Security",
            "emails_raw": ["philiplangstone@hotmail.com", "philip.langstone@willowsecu.com"],
        },
        {
            "id": "again",
            "source": "mail",
            "name_raw": "Philip Langstone",
            "emails_raw": ["philip.langstone@willowsecu.com"],
        },
        {
            "id": "home",
            "source": "mail",
            "name_raw": "Philip Langstone",
            "emails_raw": ["philiplangstone@gmail.com"],
        },
    )
    pairs = [("phillip", "philip"), ("philip", "again"), ("phillip", "again"), ("home", "philip")]
    f, cmp = compare_named(recs, pairs)
    two, one = (scoring.LEVELS["mailbox"].index(x) for x in ("two", "one"))
    # two mailboxes at willowsecu.com; one shared; free mail is no employer's
    assert cmp.levels["mailbox"].tolist() == [two, one, two, -1]
    model = scoring.estimate(f, cmp, len(pairs))
    weight = model.weight(cmp, "mailbox")
    assert weight[0] < -3 and weight[1] == 0 and weight[3] == 0


def _profile(id_: str, name: str, company: str, slug: str) -> dict:
    """A LinkedIn connection row spec (for ``records``)."""
    return {
        "id": id_,
        "source": "linkedin",
        "name_raw": name,
        "company_raw": company,
        "linkedin_url_raw": f"https://www.linkedin.com/in/{slug}",
    }


def _blocked(recs):
    """Features, record ids by position, and the candidate pairs as sets of two ids."""
    f = RecordFeatures.from_records(recs)
    ids = recs["record_id"].tolist()
    a, b = candidate_pairs(f)
    found = {frozenset((ids[x], ids[y])) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    return f, ids, found


def test_a_nameless_address_with_the_given_name_and_initial_at_the_company_is_short():
    recs = records(
        _profile("linda", "Linda Radridge", "Acme LLC", "lr-1"),
        {"id": "initial", "source": "mail", "emails_raw": ["lindar@acme.com"]},
        {"id": "alone", "source": "mail", "emails_raw": ["linda@acmehq.com"]},
        {"id": "other", "source": "mail", "emails_raw": ["lindak@acme.com"]},
        {"id": "elsewhere", "source": "mail", "emails_raw": ["lindar@globex.com"]},
    )
    f, ids, found = _blocked(recs)
    # blocked by the given name at a domain that starts as the company does
    assert {frozenset(("linda", "initial")), frozenset(("linda", "alone"))} <= found
    assert frozenset(("linda", "elsewhere")) not in found
    pairs = [("linda", x) for x in ("initial", "alone", "other")]
    x = np.array([ids.index(p) for p, _ in pairs])
    y = np.array([ids.index(q) for _, q in pairs])
    cmp = scoring.compare(f, x, y)
    short = scoring.LEVELS["address_name"].index("short")
    assert cmp.levels["address_name"].tolist() == [short, short, 0]
    # The family initial narrows it down: rarer than the given name alone.
    u = cmp.tf_u["address_name"]
    assert u[0] < u[1]


def test_a_nameless_address_that_spells_a_profile_url_spells_its_owner():
    # A typo in the row's name ("Nwaola"); the URL keeps the name as registered.
    recs = records(
        _profile("li", "Chinedu Nwaola", "Tailspin Advisors Inc", "chinedu-nwasola-693d4c"),
        {"id": "mail", "source": "mail", "emails_raw": ["chinedu.nwasola@tailspinadvisors.com"]},
        {"id": "other", "source": "mail", "emails_raw": ["chinedu.okafor@gmail.com"]},
    )
    f, ids, found = _blocked(recs)
    assert frozenset(("li", "mail")) in found
    x = np.array([ids.index("li"), ids.index("li")])
    y = np.array([ids.index("mail"), ids.index("other")])
    cmp = scoring.compare(f, x, y)
    spelled = scoring.LEVELS["address_name"].index("spelled")
    assert cmp.levels["address_name"].tolist() == [spelled, 0]
    # weighed as the whole name, not the family name alone
    assert (
        cmp.tf_u["address_name"][0]
        == scoring._name_tf(f.full_count[f.full[x[:1]]], scoring._full_share(f, x[:1]), f.n)[0]
    )


def test_a_given_name_alone_whose_address_adds_the_family_initial_is_close():
    recs = records(
        _profile("li", "Timothy Ashcombe", "Globex Ltd", "timothy-ashcombe-535"),
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "Timothy",
            "emails_raw": ["timothya@globexhq.com"],
        },
        {
            "id": "plain",
            "source": "mail",
            "name_raw": "Timothy",
            "emails_raw": ["timothy@globexhq.com"],
        },
    )
    f, ids, found = _blocked(recs)
    assert frozenset(("li", "mail")) in found
    x = np.array([ids.index("li"), ids.index("li")])
    y = np.array([ids.index("mail"), ids.index("plain")])
    cmp = scoring.compare(f, x, y)
    close, given_only = (scoring.LEVELS["name"].index(k) for k in ("close", "given_only"))
    # the initial narrows Timothy down; the given name alone is the given name's share
    assert cmp.levels["name"].tolist() == [close, given_only]
    assert np.isfinite(cmp.tf_u["name"]).all()


def test_a_display_name_written_the_same_way_on_two_addresses():
    """Two mail records of one name: the display name written to the letter alike (one
    person's mail clients) or not (a namesake's own way); other sources say nothing."""
    recs = records(
        {
            "id": "work",
            "source": "mail",
            "name_raw": "Smith, John",
            "emails_raw": ["john.smith@acme.com"],
        },
        {
            "id": "home",
            "source": "mail",
            "name_raw": "Smith, John",
            "emails_raw": ["jsmith77@gmail.com"],
        },
        {
            "id": "other",
            "source": "mail",
            "name_raw": "John Smith",
            "emails_raw": ["john.smith@globex.com"],
        },
        {"id": "card", "name_raw": "John Smith"},
        {"id": "plain", "source": "mail", "name_raw": "John Smith", "emails_raw": ["js@x.org"]},
        {"id": "jane", "source": "mail", "name_raw": "Jane Doe", "emails_raw": ["jd@x.org"]},
    )
    pairs = [("work", "home"), ("work", "other"), ("other", "card"), ("other", "plain")]
    f, cmp = compare_named(recs, pairs)
    differ, same = (scoring.LEVELS["display"].index(x) for x in ("differ", "same"))
    assert cmp.levels["display"].tolist() == [same, differ, -1, same]
    # "Smith, John" is written by fewer mail records than "John Smith": rarer, stronger
    tf = np.asarray(cmp.tf_u["display"])
    assert tf[0] < tf[3]
    model = scoring.estimate(f, cmp, len(pairs))
    weight = model.weight(cmp, "display")
    assert weight[0] > weight[3] > weight[1] and weight[1] < 0 and weight[2] == 0


def _weight_per_pair(model, cmp, name, rows=None):
    """A feature's bits worked out pair by pair, as ``Model.weight`` did before it
    looked its levels' bits up: the reference it must equal bit for bit."""
    level = cmp.levels[name] if rows is None else cmp.levels[name][rows]
    lv = np.maximum(level, 0)
    u = model.u[name][lv]
    if (tf := cmp.tf_u.get(name)) is not None:
        tf = np.asarray(tf if rows is None else tf[rows])
        u = np.where(np.isnan(tf), u, tf)
    with np.errstate(divide="ignore"):
        w = np.log2(model.m[name][lv] / u)
    neutral = scoring.FEATURE[name].neutral_level
    return np.where((level >= 0) & (level != (-9 if neutral is None else neutral)), w, 0.0)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["email", "name", "company", "birthday", "mailbox"]),
    st.lists(st.integers(-1, 6), min_size=1, max_size=40),
    st.lists(st.floats(1e-9, 1.0) | st.none(), min_size=40, max_size=40),
    st.floats(1e-6, 1.0),
    st.booleans(),
    st.sampled_from(["all", "slice", "positions"]),
)
def test_weight_is_the_per_pair_formula_bit_for_bit(name, levels, tf, scale, sparse, rows):
    n_levels = len(scoring.FEATURE[name].m)
    level = np.clip(np.array(levels, dtype=np.int8), -1, n_levels - 1)
    k = len(level)
    tf_values = np.array([np.nan if x is None else x * scale for x in tf[:k]])
    if sparse:
        where = np.flatnonzero(~np.isnan(tf_values))
        tf_u = scoring.SparseColumn(k, where, tf_values[where], fill=np.nan)
    else:
        tf_u = tf_values
    model = scoring.Model(
        m={name: np.linspace(0.1, 0.7, n_levels)},
        u={name: np.linspace(0.9, 0.01, n_levels)},
        matches_per_record=1.0,
        population=100,
    )
    cmp = scoring.Comparison({name: level}, {name: tf_u}, np.zeros(k), np.zeros(k))
    at = {"all": None, "slice": slice(1, k), "positions": np.arange(0, k, 2)}[rows]
    got = model.weight(cmp, name, at)
    assert np.array_equal(got, _weight_per_pair(model, cmp, name, at))


def test_a_card_without_a_given_name_is_weighed_by_its_family_name():
    # The given name unknown is not two given names that differ: the family name is
    # all there is to compare, weighed by how common it is.
    recs = records(
        {"id": "a", "family_name_raw": "Zimmermann"},
        {"id": "b", "name_raw": "Erin Zimmermann"},
        {"id": "c", "family_name_raw": "Smith"},
        {"id": "d", "name_raw": "John Smith"},
        {"id": "e", "name_raw": "Mary Smith"},
        {"id": "f", "name_raw": "Erin Smith"},
        {"id": "g", "name_raw": "Tom Smith"},
        {"id": "h", "name_raw": "Ann Smith"},
    )
    _, cmp = compare_named(recs, list(zip("acd", "bde", strict=True)))
    names = scoring.LEVELS["name"]
    assert [names[x] for x in cmp.levels["name"]] == ["surname", "surname", "family"]
    zimmermann, smith, _ = cmp.tf_u["name"]
    assert smith > zimmermann


@pytest.mark.parametrize(
    ("lone", "other", "without_share"),
    [
        ({"name_raw": "Nobody"}, "family_name_raw", "_without_given_share"),
        ({"family_name_raw": "Nobody"}, "given_name_raw", "_without_family_share"),
    ],
)
def test_the_share_of_pairs_without_one_name_part_is_that_of_every_pair(lone, other, without_share):
    from itertools import combinations

    cards = [{"id": "n", **lone}, {"id": "x", "emails_raw": ["x@example.org"]}]
    cards += [{"id": f"o{i}", other: f"Quast{i % 3}"} for i in range(4)]
    cards += [{"id": f"t{i}", "name_raw": f"Ann Quast{i % 2}"} for i in range(7)]
    f = RecordFeatures.from_records(records(*cards))
    named = np.flatnonzero(f.has_name)
    pairs = list(combinations(named.tolist(), 2))
    has_given, has_family = f.given >= 0, f.family >= 0
    without = has_family & ~has_given if other == "family_name_raw" else has_given & ~has_family
    full = has_family & has_given
    want = sum((without[x] and full[y]) or (without[y] and full[x]) for x, y in pairs) / len(pairs)
    assert want > 0
    assert getattr(scoring, without_share)(f) == pytest.approx(want)


def test_an_address_book_teaches_how_often_streets_are_mistyped():
    # No identifier links anything: the address's m is read off the pairs the name and
    # the birth date link, and half of them write the street otherwise at one number.
    specs = []
    for i, family in enumerate(["Oderberg", "Marrable", "Whitlock", "Sondergeld", "Pellinore"]):
        street = ["Wattle", "Bottlebrush", "Jacaranda", "Waratah", "Banksia"][i]
        typo = ["Wattel", "Botlebrush", "Jacarnada", "Waratha", "Banksai"][i]
        for card, name in (("a", street), ("b", typo if i % 2 else street)):
            specs.append(
                {
                    "id": f"{i}{card}",
                    "name_raw": f"Tamsin {family}",
                    "streets_raw": [f"{10 + i} {name} St"],
                    "localities_raw": ["Canterbury"],
                    "birthday_raw": f"19{50 + i}-0{1 + i}-1{i}",
                }
            )
    f = RecordFeatures.from_records(records(*specs))
    a, b = candidate_pairs(f)
    model = scoring.estimate(f, scoring.compare(f, a, b), len(a))
    alike = scoring.LEVELS["address"].index("alike")
    assert model.m["address"][alike] > scoring.FEATURE["address"].m[alike]


def test_a_given_name_alone_with_a_slip_is_partly_the_name():
    # A card or a mail that writes the given name alone, mistyped: partly the name,
    # not another name (written right, it is the level "given_only").
    recs = records(
        {"id": "a", "given_name_raw": "Baiely"},
        {"id": "b", "name_raw": "Bailey Thrussell"},
        {"id": "c", "name_raw": "Morgan Thrussell"},
        {"id": "d", "given_name_raw": "Bailey"},
    )
    level = compare_named(recs, [("a", "b"), ("a", "c"), ("d", "b")])[1].levels["name"]
    names = scoring.LEVELS["name"]
    assert [names[x] for x in level] == ["partial", "differ", "given_only"]


def test_a_given_name_alone_is_weighed_by_how_common_the_given_name_is():
    # "Nicholas <nicholas@orionbank.com>" against Nicholas Miller: the mirror of a card
    # without a given name, weighed by the given name (not as a slip in a whole name).
    recs = records(
        {"id": "a", "given_name_raw": "Xanthippe"},
        {"id": "b", "name_raw": "Xanthippe Morcom"},
        {"id": "c", "given_name_raw": "John"},
        {"id": "d", "name_raw": "John Quast"},
        {"id": "e", "given_name_raw": "J."},  # an initial alone names nobody
        {"id": "f", "name_raw": "Mary Quast"},  # another given name
    )
    _, cmp = compare_named(recs, [("a", "b"), ("c", "d"), ("e", "d"), ("c", "f")])
    names = scoring.LEVELS["name"]
    level = [names[x] for x in cmp.levels["name"]]
    assert level[:2] == ["given_only", "given_only"]
    assert "given_only" not in level[2:]
    xanthippe, john = cmp.tf_u["name"][:2]
    assert john > xanthippe
