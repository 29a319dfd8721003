import numpy as np

from transforms.clustering import Guards, cluster


def _run(prior_bits):
    a, b = np.array([0, 0, 1]), np.array([1, 2, 2])
    log_odds = np.array([10.0, 5.0, -8.0])
    merge = log_odds >= 2.0
    guards = Guards(url=np.full(3, -1))
    return cluster(3, a, b, log_odds, merge, guards, prior_bits=prior_bits)


def test_pair_short_of_evidence_but_not_against_does_not_block_a_join():
    # 1 and 2 lack evidence (-8 bits with a -12 bit prior: +4 bits of evidence), which
    # is no sign of two people; without the prior known it counts against.
    assert len(set(_run(prior_bits=-12.0).labels.tolist())) == 1
    apart = _run(prior_bits=None)
    assert apart.labels[2] != apart.labels[0]
    assert apart.refused == {(0, 2): "weak_link"}


def test_pair_with_evidence_against_still_blocks_a_join():
    result = _run(prior_bits=-4.0)  # -8 bits with a -4 bit prior: evidence says apart
    assert result.labels[2] != result.labels[0]
