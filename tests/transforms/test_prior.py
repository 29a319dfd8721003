"""The prior that two records are one person, and term frequencies, without a floor
on the population: shrunk estimates that a file of two cards cannot overturn and a
network of a few hundred records mostly decides."""

import random

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tests.transforms.helpers import in_a_network, records
from transforms import scoring
from transforms.blocking import candidate_pairs
from transforms.features import RecordFeatures
from transforms.resolve import resolve


def _model(recs) -> scoring.Model:
    f = RecordFeatures.from_records(recs)
    a, b = candidate_pairs(f)
    return scoring.estimate(f, scoring.compare(f, a, b), len(a))


def _phone_book(size: int):
    """``size`` cards of different people, one card each, with made-up names no two of
    which are alike (names alike, as Persona1 / Persona7, look like typos to EM)."""
    rng = random.Random(5)

    def word() -> str:
        return "".join(rng.choice("bcdfghjklmnprstvz") + rng.choice("aeiou") for _ in range(3))

    return records(
        *({"id": f"c{i:03d}", "name_raw": f"{word()} {word()}".title()} for i in range(size))
    )


def test_a_file_of_two_cards_gets_the_reference_networks_prior():
    model = _model(
        records({"id": "a", "name_raw": "John Smith"}, {"id": "b", "name_raw": "John Smith"})
    )
    assert model.population == 2
    # One pair against PRIOR_PAIRS pseudo-pairs: at most a pair's worth above the rate.
    low = np.log2(scoring.PRIOR_MATCH_RATE)
    high = np.log2(scoring.PRIOR_MATCH_RATE + 1.0 / scoring.PRIOR_PAIRS)
    assert low - 0.01 <= model.prior_bits <= high + 0.01


def test_the_data_teach_the_prior_in_a_small_network():
    # 300 records: a phone book of 300 people against 150 people who appear twice.
    book, network = _model(_phone_book(300)), _model(in_a_network(people=150))
    assert book.prior_bits < np.log2(scoring.PRIOR_MATCH_RATE) < network.prior_bits
    # The network's share of matching pairs is 150 of 44,850; shrunk, it is above half of
    # that, and the phone book's below the reference rate's half.
    assert network.prior_bits > np.log2(0.5 * 150 / 44_850)
    assert book.prior_bits < np.log2(0.5 * scoring.PRIOR_MATCH_RATE)


def test_two_cards_with_one_common_name_and_nothing_else_are_not_merged():
    res = resolve(
        records({"id": "a", "name_raw": "John Smith"}, {"id": "b", "name_raw": "John Smith"})
    )
    assert res.cluster_of["a"] != res.cluster_of["b"]


def test_two_cards_with_two_different_common_names_are_not_merged():
    res = resolve(
        records(
            {"id": "a", "name_raw": "John Smith", "company_raw": "Acme"},
            {"id": "b", "name_raw": "John Brown", "company_raw": "Acme"},
        )
    )
    assert res.cluster_of["a"] != res.cluster_of["b"]


@given(
    st.integers(2, 10_000),
    st.floats(1e-6, 0.5),
    st.data(),
)
def test_a_term_frequency_lies_between_the_data_and_the_prior(n, prior, data):
    count = data.draw(st.integers(2, n))
    u = float(scoring._tf(np.array([count]), n, prior)[0])
    share = max(count - 1, 1) / (n - 1)
    assert min(share, prior) - 1e-12 <= u <= max(share, prior) + 1e-12
    # More records with the same count: a rarer value.
    assert float(scoring._tf(np.array([count]), n + 1000, prior)[0]) <= u + 1e-12


def test_a_rare_name_twice_in_a_phone_book_of_distinct_people_is_one_person():
    # The phone book teaches a prior below the reference's (it holds no one twice), and
    # a rare full name still outweighs it; a common one does not.
    book = _phone_book(298)
    for name, same in (("Denny Stadelmann", True), ("John Smith", False)):
        pair = records(
            {"id": "a", "name_raw": name, "emails_raw": ["d.s1980@gmail.com"]},
            {"id": "b", "name_raw": name, "company_raw": "Globex"},
        )
        res = resolve(pd.concat([book, pair], ignore_index=True))
        assert (res.cluster_of["a"] == res.cluster_of["b"]) is same


def _harness_model(people: int):
    from benchmarks.resolution_data import generate_population
    from transforms.normalise import normalise_records

    pop = generate_population(people, 0)
    recs = normalise_records(pop.records)
    per_person = pd.Series(list(pop.truth.values())).value_counts()
    true_c = float((per_person * (per_person - 1)).sum()) / len(recs)
    f = RecordFeatures.from_records(recs)
    a, b = candidate_pairs(f)
    cmp = scoring.compare(f, a, b)
    return scoring.estimate(f, cmp, len(a)), cmp, true_c


def test_the_prior_counts_matches_among_all_pairs_whatever_the_networks_size():
    # The candidates of a larger network hold more namesakes per person (their count
    # grows with the square of the file): a share of matches among the candidates
    # counted them as matches, 1.8x the truth at 2,000 people and 4x at 20,000.
    for people in (500, 4_000):
        model, _, true_c = _harness_model(people)
        assert 0.75 * true_c < model.matches_per_record < 1.25 * true_c, people


def test_log_odds_are_the_prior_plus_the_evidence_estimate_summed():
    model, cmp, _ = _harness_model(300)
    assert model.evidence_of is not None and model.evidence_of[0] is cmp
    fresh = model.prior(cmp) + model.evidence(cmp)
    assert np.array_equal(model.log_odds(cmp), fresh)
    # Taken over once: a second call sums the evidence again, to the same values.
    assert model.evidence_of is None
    assert np.array_equal(model.log_odds(cmp), fresh)
