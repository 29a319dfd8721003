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


def test_a_mistyped_birthday_is_not_a_second_birthday():
    from transforms.clustering import _one_birthday, _two_birthdays

    assert _one_birthday((829, 1973), (826, 1973))  # one digit
    assert _one_birthday((805, 1944), (905, 1944))
    assert _one_birthday((1203, 1980), (312, 1980))  # day and month swapped
    assert _one_birthday((412, -1), (412, 1980))  # the year left out
    assert not _one_birthday((831, 1961), (614, 1985))
    assert not _one_birthday((303, 1979), (1120, 1981))
    assert _two_birthdays({(303, 1979), (303, 1979), (1120, 1981)})
    assert not _two_birthdays({(829, 1973), (826, 1973)})
