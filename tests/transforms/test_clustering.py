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


def test_rival_profiles_share_the_odds_of_a_record_without_one():
    from transforms.clustering import rival_profile_bits

    # 0: a mail without a profile; 1 and 2: two profiles; 3: a card of profile 1.
    url = np.array([-1, 7, 8, 7])
    a, b = np.array([0, 0, 0, 1]), np.array([1, 2, 3, 3])
    log_odds = np.array([3.0, 3.0, 5.0, 30.0])
    bits = rival_profile_bits(4, a, b, log_odds, url)
    # Against profile 1 (by its strongest pair, 0-3) rival 2 has odds 8: -log2(9) bits;
    # against 2 rival 1 has odds 32. Two records of one profile are no rivals.
    assert np.allclose(bits, [-np.log2(9), -np.log2(33), -np.log2(9), 0.0])
    # A record with a profile of its own has no rivals (two profiles never join anyway).
    assert (
        rival_profile_bits(2, np.array([0]), np.array([1]), np.array([9.0]), np.array([3, 4]))[0]
        == 0.0
    )


def test_a_mail_between_two_namesake_profiles_joins_neither():
    a, b = np.array([0, 0]), np.array([1, 2])
    log_odds = np.array([4.0, 3.5])  # each alone would merge (p >= 0.8 is 2 bits)
    guards = Guards(url=np.array([-1, 7, 8]))
    result = cluster(3, a, b, log_odds, log_odds >= 2.0, guards, merge_bits=2.0)
    assert len(set(result.labels.tolist())) == 3
    assert result.refused == {(0, 1): "ambiguous_link", (0, 2): "ambiguous_link"}
    # With one profile far ahead, the mail is that profile's.
    log_odds = np.array([9.0, 3.5])
    result = cluster(3, a, b, log_odds, log_odds >= 2.0, guards, merge_bits=2.0)
    assert result.labels.tolist() == [0, 0, 2]


def test_two_groups_join_only_when_their_summed_evidence_reaches_the_merge_bits():
    # 0~1 merge (6 bits); 2 merges with 1 (4 bits) but 0 and 2 disagree (-3 bits): the
    # evidence between {0, 1} and 2 sums to 1 bit, positive but short of a merge.
    a, b = np.array([0, 0, 1]), np.array([1, 2, 2])
    log_odds = np.array([6.0, -3.0, 4.0])
    guards = Guards(url=np.full(3, -1))
    merge = log_odds >= 2.0
    apart = cluster(3, a, b, log_odds, merge, guards, merge_bits=2.0)
    assert apart.labels.tolist() == [0, 0, 2]
    assert apart.refused == {(1, 2): "weak_link"}
    # Without the merge bits, a positive sum is enough (the rule before).
    assert len(set(cluster(3, a, b, log_odds, merge, guards).labels.tolist())) == 1


def test_a_record_of_another_file_merges_with_the_entry_of_a_listing_it_fits_best():
    from transforms.clustering import SECOND_ENTRY

    # 0: a mail record; 1 and 2: two cards of one address book (file 5), 3: a card of
    # another address book (file 6). The mail fits card 1 better than card 2.
    listing = np.array([-1, 5, 5, 6])
    a, b = np.array([0, 0, 0]), np.array([1, 2, 3])
    log_odds = np.array([9.0, 4.0, 3.0])
    guards = Guards(url=np.full(4, -1), listing=listing)
    result = cluster(4, a, b, log_odds, log_odds >= 2.0, guards)
    # Card 2 stays apart (the mail no longer bridges two cards); the other book's card
    # is the best of its own file.
    assert result.labels.tolist() == [0, 0, 2, 0]
    assert result.refused == {(0, 2): SECOND_ENTRY}
    # A second card of the same person joins through what it shares with the first.
    a, b = np.append(a, 1), np.append(b, 2)
    log_odds = np.append(log_odds, 5.0)
    assert len(set(cluster(4, a, b, log_odds, log_odds >= 2.0, guards).labels.tolist())) == 1


def test_entries_of_one_listing_and_equal_fits_are_not_second_entries():
    from transforms.clustering import _second_entries

    # 0-1, 0-2: duplicate cards within one address book (file 5) link as ever; 3 (mail)
    # fits cards 1 and 2 equally well: both merges stand.
    listing = np.array([5, 5, 5, -1])
    a, b = np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3])
    log_odds = np.array([9.0, 4.0, 6.0, 6.0])
    assert not _second_entries(a, b, log_odds, log_odds >= 2.0, listing).any()
    # The merge of record 3 with its second card, seen from the card's side as well
    # (record 3 first in one pair and second in the other).
    a, b = np.array([1, 3]), np.array([3, 4])
    listing = np.array([-1, 5, -1, -1, 5])
    log_odds = np.array([3.0, 8.0])
    assert _second_entries(a, b, log_odds, log_odds >= 2.0, listing).tolist() == [True, False]


def test_an_entry_found_through_an_identifier_is_never_a_second_entry():
    # A LinkedIn row (0) whose profile one card holds (1) and whose address another card
    # of the same book holds (2): two cards of one person, both merged.
    listing = np.array([3, 5, 5])
    a, b = np.array([0, 0]), np.array([1, 2])
    log_odds = np.array([32.2, 31.6])
    merge = log_odds >= 2.0
    guards = Guards(url=np.array([7, 7, -1]), listing=listing)
    assert cluster(3, a, b, log_odds, merge, guards).labels.tolist() == [0, 0, 2]
    guards.identified = np.array([True, True])
    assert cluster(3, a, b, log_odds, merge, guards).labels.tolist() == [0, 0, 0]


def _join(rows: list[list[float]], worst: list[bool]):
    from transforms.clustering import JoinEvidence

    table = np.array(rows, dtype=float)
    return JoinEvidence(lambda at: table[at], np.array(worst))


def test_a_name_shared_by_many_cross_pairs_counts_once_at_a_join():
    # {0, 1} is one person (a rare name, written the same); 2 shares their name and nothing
    # else. Columns: prior, name, company, mailbox. Pair 1-2 merges on the name alone
    # (+1 bit), 0-2 lacks it by a company that differs (-1.5 bits: a second employer or
    # another person). Summed pair by pair, the name counts twice; once per column, the
    # name counts once and the company's difference stands.
    a, b = np.array([0, 0, 1]), np.array([1, 2, 2])
    rows = [
        [-12.0, 42.0, np.nan, np.nan],
        [-12.0, 10.0, -2.5, np.nan],
        [-12.0, 13.0, np.nan, np.nan],
    ]
    log_odds = np.nansum(np.array(rows), axis=1)
    merge = log_odds >= 0.0
    guards = Guards(url=np.full(3, -1))
    summed = cluster(3, a, b, log_odds, merge, guards, prior_bits=-12.0, merge_bits=0.0)
    assert len(set(summed.labels.tolist())) == 1
    once = cluster(
        3,
        a,
        b,
        log_odds,
        merge,
        guards,
        merge_bits=0.0,
        join=_join(rows, [False, False, False, True]),
    )
    assert once.labels.tolist() == [0, 0, 2]
    assert once.refused == {(1, 2): "weak_link"}


def test_a_conflict_counts_at_its_worst_at_a_join():
    # 2 spells the name of {0, 1} and works where they do (pair 0-2: +3 bits), but it
    # holds a second mailbox at that employer next to 1's (pair 1-2: -4 bits of
    # mailbox): at their best the name and company say "same", the conflict says two.
    a, b = np.array([0, 0, 1]), np.array([1, 2, 2])
    rows = [[-12.0, 20.0, 5.0, np.nan], [-12.0, 10.0, 5.0, np.nan], [-12.0, 10.0, 5.0, -4.5]]
    log_odds = np.nansum(np.array(rows), axis=1)
    merge = log_odds >= 0.0
    guards = Guards(url=np.full(3, -1))
    worst = [False, False, False, True]
    result = cluster(3, a, b, log_odds, merge, guards, merge_bits=0.0, join=_join(rows, worst))
    assert result.labels.tolist() == [0, 0, 2]
    # Without the second mailbox the three are one person.
    rows[2][3] = np.nan
    log_odds = np.nansum(np.array(rows), axis=1)
    result = cluster(
        3, a, b, log_odds, log_odds >= 0.0, guards, merge_bits=0.0, join=_join(rows, worst)
    )
    assert len(set(result.labels.tolist())) == 1


def test_two_rows_of_one_connections_export_never_join_even_without_urls():
    # LinkedIn's exports of 2018 have no URL column: rows 0 and 2 of one export (file 4)
    # are two people, and a card (1) that fits both joins one of them only. A row of
    # another export (file 5, 3) may be the same person as row 0.
    connections = np.array([4, -1, 4, 5])
    a, b = np.array([0, 1, 0]), np.array([1, 2, 3])
    log_odds = np.array([6.0, 5.0, 4.0])
    merge = log_odds >= 0.0
    guards = Guards(url=np.full(4, -1), connections=connections)
    result = cluster(4, a, b, log_odds, merge, guards, merge_bits=0.0)
    assert result.labels.tolist() == [0, 0, 2, 0]
    assert result.refused == {(1, 2): "two_connections"}
