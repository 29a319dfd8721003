"""Birthdays and postcodes in resolution: namesakes told apart, one person joined."""

from tests.transforms.helpers import card_at_home, in_a_network, records
from transforms.resolve import resolve


def _same(res, a, b):
    return res.cluster_of[a] == res.cluster_of[b]


def _rows(res, a, b):
    m = res.matches
    return m[
        ((m["record_id_a"] == a) & (m["record_id_b"] == b))
        | ((m["record_id_a"] == b) & (m["record_id_b"] == a))
    ]


def test_namesakes_at_one_company_with_different_birthdays_stay_apart():
    # In a network whose people appear twice (a file of two records cannot say how
    # likely two records are one person; the prior comes from the data).
    recs = in_a_network(
        {"id": "a", "name_raw": "John Smith", "company_raw": "Acme", "birthday_raw": "1980-04-12"},
        {"id": "b", "name_raw": "John Smith", "company_raw": "Acme", "birthday_raw": "1975-09-30"},
    )
    assert not _same(resolve(recs), "a", "b")
    # without the birthdays, the same name at the same company is one person
    recs = in_a_network(
        {"id": "a", "name_raw": "John Smith", "company_raw": "Acme"},
        {"id": "b", "name_raw": "John Smith", "company_raw": "Acme"},
    )
    assert _same(resolve(recs), "a", "b")


def test_the_same_birth_date_joins_a_name_with_nothing_else_in_common():
    recs = records(
        {"id": "a", "name_raw": "Xavi Okonkwo", "birthday_raw": "1984-02-29"},
        {"id": "b", "source": "vcard", "name_raw": "Xavi Okonkwo", "birthday_raw": "1984-02-29"},
        {"id": "c", "name_raw": "Xavi Okonkwo", "birthday_raw": "--02-29"},  # Apple: no year
    )
    res = resolve(recs)
    assert _same(res, "a", "b") and _same(res, "a", "c")
    rule = _rows(res, "a", "b")["rule"].iloc[0]
    assert rule == "similar_name_same_birthday"
    evidence = dict(_rows(res, "a", "b")["evidence"].iloc[0])
    assert evidence["birthday"] > 10  # bits


def test_a_shared_mailbox_cannot_join_two_birthdays():
    # A couple's cards both carry the family address; their birthdays say two people.
    recs = records(
        {
            "id": "a",
            "name_raw": "Sam Rivera",
            "emails_raw": ["rivera.home@gmail.com"],
            "birthday_raw": "1979-03-03",
        },
        {
            "id": "b",
            "name_raw": "Sam Rivera",
            "emails_raw": ["rivera.home@gmail.com"],
            "birthday_raw": "1981-11-20",
        },
        {"id": "c", "source": "mail", "emails_raw": ["rivera.home@gmail.com"]},
    )
    res = resolve(recs)
    assert not _same(res, "a", "b")
    assert set(_rows(res, "a", "b")["rule"]) <= {"conflict_birthday", "below_threshold"}
    assert "conflict_birthday" in set(res.matches["rule"])


def test_a_postcode_shared_by_a_household_is_no_evidence_for_two_relatives():
    recs = records(
        {"id": "a", "name_raw": "Mary Whitford", "postcodes_raw": ["SW1A 1AA"]},
        {"id": "b", "name_raw": "Timothy Whitford", "postcodes_raw": ["sw1a1aa"]},
    )
    res = resolve(recs)
    assert not _same(res, "a", "b")
    for evidence in _rows(res, "a", "b")["evidence"]:
        assert "postcode" not in dict(evidence)


def test_a_postcode_adds_to_a_close_name():
    recs = records(
        {"id": "a", "name_raw": "Katherine Lindqvist", "postcodes_raw": ["94107-1234"]},
        {"id": "b", "name_raw": "Kate Lindqvist", "postcodes_raw": ["94107"]},
    )
    res = resolve(recs)
    evidence = dict(_rows(res, "a", "b")["evidence"].iloc[0])
    assert evidence["postcode"] > 0


def test_a_father_and_son_of_one_name_at_one_home_stay_two_people():
    res = resolve(
        records(
            card_at_home("a", "Deakin Sondergeld", "1960-02-10"),
            card_at_home("b", "Deakin Sondergeld", "1988-07-30"),
        )
    )
    assert res.cluster_of["a"] != res.cluster_of["b"]
    assert set(_rows(res, "a", "b")["rule"]) == {"conflict_birthday"}


def test_a_wrong_date_on_one_card_of_one_home_is_weighed_not_refused():
    # Not a generation apart: no parent and child, and no sibling shares a given name.
    res = resolve(
        records(
            card_at_home("a", "Deakin Sondergeld", "1960-02-10"),
            card_at_home("b", "Deakin Sondergeld", "1963-11-21"),
        )
    )
    assert _same(res, "a", "b")
    evidence = dict(_rows(res, "a", "b")["evidence"].iloc[0])
    assert evidence["birthday"] < 0  # still evidence against, outweighed


def test_namesakes_elsewhere_with_two_birthdays_stay_apart():
    recs = records(
        card_at_home("a", "Deakin Sondergeld", "1960-02-10"),
        {"id": "b", "name_raw": "Deakin Sondergeld", "birthday_raw": "1963-11-21"},
    )
    assert not _same(resolve(recs), "a", "b")


def test_namesakes_in_one_postcode_on_other_streets_of_other_suburbs_are_not_one_home():
    # A postcode covers several suburbs: with the addresses differing it is no home,
    # and two birth dates there are two people, as elsewhere.
    def card(id_, street, locality, birthday):
        return {
            "id": id_,
            "name_raw": "Lachlan Nguyen",
            "streets_raw": [street],
            "localities_raw": [locality],
            "postcodes_raw": ["5046"],
            "birthday_raw": birthday,
        }

    res = resolve(
        records(
            card("a", "70 Bushby Cl", "Wilson", "1960-02-10"),
            card("b", "23 Templestowe Ave", "O'Connor", "1963-11-21"),
        )
    )
    assert not _same(res, "a", "b")
    # one postcode with no street or suburb on one card may still be one home
    res = resolve(
        records(
            card("a", "70 Bushby Cl", "Wilson", "1960-02-10"),
            {**card("b", "", "", "1963-11-21"), "streets_raw": [], "localities_raw": []},
        )
    )
    assert set(_rows(res, "a", "b")["rule"]) != {"conflict_birthday"}
