"""The side-by-side diff: which true pairs each engine links, and ties' evidence for them."""

from benchmarks.resolution_diff import Explainer, category, pair_lists
from tests.transforms.helpers import card_at_home, records


def test_pair_lists_split_true_and_false_pairs_by_engine():
    truth = {"a": 1, "b": 1, "c": 2, "d": 2}
    ties = {"a": "x", "b": "x", "c": "y", "d": "z"}
    other = {"a": "p", "b": "q", "c": "r", "d": "r", "e": "r"}  # e is not in the truth
    lists = pair_lists(ties, other, truth)
    assert lists.only_other == [("c", "d")]
    assert lists.only_ties == [("a", "b")]
    assert lists.ties_false == [] and lists.other_false == []
    lists = pair_lists({"a": 1, "b": 1, "c": 1, "d": 2}, {}, truth)
    assert lists.ties_false == [("a", "c"), ("b", "c")]


def test_explainer_gives_ties_rule_and_bits_for_a_refused_pair():
    recs = records(
        card_at_home("a", "Deakin Sondergeld", "1960-02-10"),
        card_at_home("b", "Deakin Sondergeld", "1988-07-30"),
        {"id": "c", "name_raw": "Xavi Okonkwo"},
    )
    explain = Explainer.of(recs)
    ev = explain.evidence("b", "a")
    assert ev["blocked"] and ev["rule"] == "conflict_birthday"
    assert ev["weights"]["birthday"] < 0 < ev["weights"]["name"]
    assert category(ev).startswith("refused (conflict_birthday): name exact")
    assert explain.evidence("a", "c") == {"blocked": False}
    assert "birthday=1960-02-10" in explain.fields("a")
