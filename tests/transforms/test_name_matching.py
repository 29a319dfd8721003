"""Name comparison in resolution: word order, initials spelled out by an address,
double surnames, diminutives beyond English, typos, and family mailboxes."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.transforms.helpers import compare_named, in_a_network, records
from transforms.features import RecordFeatures, compatible_given
from transforms.nicknames import canonical_given
from transforms.normalise import fold
from transforms.resolve import resolve
from transforms.scoring import LEVELS


def _same(res, a, b):
    return res.cluster_of[a] == res.cluster_of[b]


@pytest.mark.parametrize(
    ("nick", "canonical"),
    [
        ("pepe", "jose"),
        ("paco", "francisco"),
        ("pancho", "francisco"),
        ("beppe", "giuseppe"),
        ("venky", "venkatesh"),
        ("dima", "dmitri"),
        ("liam", "william"),
    ],
)
def test_diminutives_beyond_english(nick, canonical):
    assert canonical_given(nick) == canonical


def test_fold_spells_letters_without_a_decomposition():
    assert fold("Søren Ærø Łukasz Straße") == "soren aero lukasz strasse"


def test_name_written_family_name_first_with_a_nickname_is_the_same_name():
    recs = records(
        {"id": "li", "source": "linkedin", "name_raw": "Michael Fairwick"},
        {"id": "mail", "source": "mail", "name_raw": "Fairwick Mike"},
    )
    f = RecordFeatures.from_records(recs)
    assert f.full[0] == f.full[1] >= 0


def test_transposed_name_on_the_same_mailbox_is_one_reader_not_a_shared_box():
    recs = records(
        {
            "id": "card",
            "name_raw": "Nancy Williams",
            "emails_raw": ["nwilliams@gmail.com"],
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "Williams Nancy",
            "emails_raw": ["nwilliams@gmail.com"],
        },
    )
    res = resolve(recs)
    assert _same(res, "card", "mail")
    f = RecordFeatures.from_records(recs)
    assert not f.email_shared[: int(f.email_rows.codes.max()) + 1].any()


def test_family_mailbox_of_relatives_with_one_initial_is_still_shared():
    recs = records(
        {"id": "a", "name_raw": "Mario Rosotti", "emails_raw": ["teamrosotti@outlook.com"]},
        {"id": "b", "name_raw": "Martina Rosotti", "emails_raw": ["teamrosotti@outlook.com"]},
        {"id": "c", "source": "mail", "emails_raw": ["teamrosotti@outlook.com"]},
    )
    res = resolve(recs)
    assert not _same(res, "a", "b")


def test_initial_spelled_out_by_the_address_agrees_as_the_full_name():
    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Søren Larsen",
            "company_raw": "Acme Inc",
            "emails_raw": ["larsensoren@outlook.com"],
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "S. Larsen",
            "emails_raw": ["soren.larsen@acme.com"],
        },
        {
            "id": "john",
            "source": "mail",
            "name_raw": "J. Burwick",
            "emails_raw": ["john@willowstone.com"],
        },
        {
            "id": "card",
            "source": "linkedin",
            "name_raw": "John Burwick",
            "company_raw": "Willow Stone",
        },
    )
    res = resolve(recs)
    assert _same(res, "li", "mail")
    assert _same(res, "john", "card")


def test_double_surname_matches_on_the_first_family_name():
    # Among people who appear twice: a file of these two records alone cannot teach the
    # prior (transforms.scoring.PRIOR_PAIRS), and Velarte is as common as the world's
    # name tables rank any name.
    recs = in_a_network(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "José Velarte",
            "company_raw": "Union Networks",
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "Pepe Velarte Garcia",
            "emails_raw": ["jose.velarte@unionnetworks.com"],
        },
    )
    res = resolve(recs)
    assert _same(res, "li", "mail")


def test_given_names_one_keystroke_apart_are_compatible_different_ones_are_not():
    x = np.array(["john", "patricia", "s", "mario", "william"], dtype=object)
    y = np.array(["jon", "pat", "soren", "martina", "michael"], dtype=object)
    assert compatible_given(x, y).tolist() == [True, True, True, False, False]
    recs = records(
        {
            "id": "a",
            "source": "linkedin",
            "name_raw": "Juan Barrera",
            "company_raw": "Silver Opal Hotels",
        },
        {
            "id": "b",
            "source": "vcard",
            "name_raw": "Juwn Barrera",
            "company_raw": "Silver Opal Hotels Inc.",
        },
    )
    assert _same(resolve(recs), "a", "b")


def test_double_surname_blocks_on_its_first_part_at_one_company():
    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Dmitri Ramírez",
            "company_raw": "Proseware LLP",
        },
        {"id": "card", "name_raw": "Dima Ramírez Flores", "company_raw": "Proseware LLP"},
    )
    f = RecordFeatures.from_records(recs)
    assert f.alt_family[1] == f.family[0] >= 0
    assert _same(resolve(recs), "li", "card")


def test_a_job_change_does_not_keep_an_initial_apart_from_its_person():
    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Daniel Stanby",
            "company_raw": "Lumen Sterling",
            "linkedin_url_raw": "https://www.linkedin.com/in/daniel-stanby-bc6d37",
        },
        {
            "id": "card",
            "name_raw": "Danny Stanby",
            "company_raw": "Copper Security",
            "emails_raw": ["daniel.stanby@coppersecurity.com"],
            "linkedin_url_raw": "https://www.linkedin.com/in/daniel-stanby-bc6d37",
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "D. Stanby",
            "emails_raw": ["dstanby@lumensterling.com"],
        },
    )
    res = resolve(recs)
    assert _same(res, "li", "card") and _same(res, "li", "mail")


def test_family_name_first_against_an_initial_is_no_conflict():
    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Xin Chen",
            "company_raw": "Dune Software Inc",
            "emails_raw": ["chenxin@gmail.com"],
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "Chen Xin",
            "emails_raw": ["chenxin@gmail.com"],
        },
        {
            "id": "work",
            "source": "mail",
            "name_raw": "X. Chen",
            "emails_raw": ["xin.chen@dunesoftware.com"],
        },
    )
    res = resolve(recs)
    assert _same(res, "li", "mail") and _same(res, "li", "work")


def test_an_initial_may_stand_for_a_diminutive():
    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "José Bradwick",
            "company_raw": "Lotus Airlines",
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "P. Bradwick",
            "emails_raw": ["jbradwick@lotusairlines.io"],
        },
    )
    f = RecordFeatures.from_records(recs)
    assert f.given_initials[0] & (1 << (ord("p") - ord("a")))
    assert f.given_initials[0] & (1 << (ord("j") - ord("a")))
    assert _same(resolve(recs), "li", "mail")


def test_a_single_name_agrees_with_a_name_written_family_name_first():
    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Takashi Hashiuchi",
            "company_raw": "Foxglove Biotech",
            "emails_raw": ["takashihashiuchi@gmail.com"],
        },
        {
            "id": "first",
            "source": "mail",
            "name_raw": "Takashi",
            "emails_raw": ["takashihashiuchi@gmail.com"],
        },
        {
            "id": "work",
            "source": "mail",
            "name_raw": "Hashiuchi Takashi",
            "emails_raw": ["takashih@foxglovebiotech.com"],
        },
    )
    res = resolve(recs)
    assert _same(res, "li", "first") and _same(res, "li", "work")


def test_an_address_spelling_the_whole_name_outweighs_an_unknown_short_form():
    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Alejandro Esera",
            "company_raw": "Contoso AG",
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "Esera, Alex",
            "emails_raw": ["alejandro.esera@contoso.com"],
        },
    )
    assert _same(resolve(recs), "li", "mail")


def test_an_address_spelling_a_holders_whole_name_is_not_a_shared_mailbox():
    recs = records(
        {
            "id": "li",
            "source": "linkedin",
            "name_raw": "Alejandro Esera",
            "emails_raw": ["alejandro.esera@outlook.com"],
        },
        {
            "id": "mail",
            "source": "mail",
            "name_raw": "Esera, Alex",
            "emails_raw": ["alejandro.esera@outlook.com"],
        },
        {"id": "a", "name_raw": "Mario Rosotti", "emails_raw": ["teamrosotti@outlook.com"]},
        {"id": "b", "name_raw": "Martina Rosotti", "emails_raw": ["teamrosotti@outlook.com"]},
    )
    f = RecordFeatures.from_records(recs)
    shared = {recs["email_keys"][i][0]: bool(f.email_shared[f.email[i, 0]]) for i in range(4)}
    assert shared == {"alejandro.esera@outlook.com": False, "teamrosotti@outlook.com": True}
    res = resolve(recs)
    assert _same(res, "li", "mail") and not _same(res, "a", "b")


def test_a_profile_url_spells_its_owners_name_beside_a_mistyped_one():
    from transforms.features import _profile_slugs

    rows, values = _profile_slugs(
        pd.Series(
            [
                "https://www.linkedin.com/in/chinedu-nwasola-693d4c",
                None,
                "https://www.linkedin.com/in/colayemi25",
                "https://www.linkedin.com/in/paula-p%C3%A9rez-f4dc5b",
            ]
        ),
        10,
    )
    assert rows.rows.tolist() == [0, 2, 3]
    assert rows.codes.tolist() == [10, 11, 12]
    assert values.tolist() == ["chinedu-nwasola@in", "colayemi25@in", "paula-pérez@in"]

    def pair(slug):
        return records(
            {
                "id": "li",
                "source": "linkedin",
                "name_raw": "Amit Jkshi",
                "linkedin_url_raw": f"https://www.linkedin.com/in/{slug}",
            },
            {"id": "card", "name_raw": "Amit Joshi"},
        )

    f = RecordFeatures.from_records(pair("amit-joshi-392"))
    # The profile's local parts hold the slug's letters; the card has none.
    assert (f.local[0] >= 0).any() and not (f.local[1] >= 0).any()
    # A mistyped name alone is too little; the URL spelling the name in full says it.
    assert _same(resolve(pair("amit-joshi-392")), "li", "card")
    assert not _same(resolve(pair("amit-jkshi-392")), "li", "card")


def test_a_slipped_given_name_under_another_family_name_is_the_given_name():
    from transforms.resolve import score_candidates
    from transforms.scoring import LEVELS

    town = {"localities_raw": ["Whitfield"], "birthday_raw": "1995-03-20"}
    sc = score_candidates(
        records(
            {"id": "a", "name_raw": "Amberr Coulson", **town},
            {"id": "b", "name_raw": "Amber Whillas", **town},
            # a short form is no slip: another given name under another family name
            {"id": "c", "name_raw": "Amb Hartigan", **town},
        )
    )
    level = {
        frozenset((sc.ids[x], sc.ids[y])): LEVELS["name"][lv]
        for x, y, lv in zip(sc.a, sc.b, sc.comparison.levels["name"], strict=True)
    }
    assert level[frozenset("ab")] == "given"
    assert level[frozenset("bc")] == "differ"


def test_two_names_spelled_alike_are_close_not_one_name():
    """Steven and Stephen share a diminutive (Steve), so one key, but are two names: a
    person writes their own one way. Steve stays the same name as either."""
    from transforms import scoring

    recs = records(
        {"id": "stephen", "name_raw": "Stephen Fenmore"},
        {"id": "steven", "name_raw": "Steven Fenmore"},
        {"id": "steve", "name_raw": "Steve Fenmore"},
        {"id": "again", "name_raw": "Stephen Fenmore"},
        {"id": "phillip", "name_raw": "Phillip Langstone"},
        {"id": "philip", "name_raw": "Philip Langstone", "emails_raw": ["philip.langstone@x.com"]},
        # a diminutive whose address spells one of the two names is that one
        {"id": "katie", "name_raw": "Katie Blackford", "emails_raw": ["katherine.blackford@x.com"]},
        {"id": "cath", "name_raw": "Catherine Blackford"},
        {"id": "kath", "name_raw": "Katherine Blackford"},
        {"id": "kate", "name_raw": "Kate Blackford", "emails_raw": ["kbl@x.com"]},
    )
    pairs = [
        ("stephen", "steven"),
        ("stephen", "again"),
        ("steve", "steven"),
        ("steve", "stephen"),
        ("phillip", "philip"),
        ("katie", "cath"),
        ("katie", "kath"),
        ("kate", "cath"),
    ]
    level = compare_named(recs, pairs)[1].levels["name"].tolist()
    close, exact = (scoring.LEVELS["name"].index(x) for x in ("close", "exact"))
    # philip.langstone@ spells Philip's name, not Phillip's, though the key is one
    assert level == [close, exact, exact, exact, close, close, exact, exact]


def test_a_slip_whose_address_spells_one_of_two_names_is_not_the_other():
    """ "Pilip <philip.halworth@...>" is a Philip mistyped: against Phillip Halworth the
    slip is not weighed as Phillip's whole name, as it is against Philip Halworth."""
    from transforms import scoring

    recs = records(
        {"id": "pilip", "name_raw": "Pilip Halworth", "emails_raw": ["philip.halworth@x.com"]},
        {"id": "phillip", "name_raw": "Phillip Halworth"},
        {"id": "philip", "name_raw": "Philip Halworth"},
    )
    f = RecordFeatures.from_records(recs)
    ids = recs["record_id"].tolist()
    a = np.array([ids.index("pilip")] * 2)
    b = np.array([ids.index("phillip"), ids.index("philip")])
    cmp = scoring.compare(f, a, b)
    close, exact = (scoring.LEVELS["name"].index(x) for x in ("close", "exact"))
    assert cmp.levels["name"].tolist() == [close, exact]
    tf = np.asarray(cmp.tf_u["name"])
    assert tf[0] > tf[1]


def test_a_lone_given_name_is_read_whole_where_its_address_spells_the_family_name():
    recs = records(
        {
            "id": "yahoo",
            "source": "mail",
            "name_raw": "Anil",
            "emails_raw": ["anil.das90@yahoo.com"],
        },
        {
            "id": "work",
            "source": "mail",
            "name_raw": "Anil",
            "emails_raw": ["anil.das@lotusco.com"],
        },
        {"id": "li", "source": "linkedin", "name_raw": "Anil Das"},
        {"id": "juan", "source": "mail", "name_raw": "Juan", "emails_raw": ["juan@woodgrove.com"]},
        {"id": "garcia", "source": "linkedin", "name_raw": "Juan García"},
    )
    pairs = [("yahoo", "work"), ("yahoo", "li"), ("juan", "garcia")]
    f, cmp = compare_named(recs, pairs)
    assert f.family_from_address.tolist() == [True, True, False, False, False]
    assert f.family_str[0] == f.family_str[2] == "das"
    levels = [LEVELS["name"][x] for x in cmp.levels["name"]]
    # juan@ adds nothing to "Juan": the given name alone against the whole name
    assert levels == ["exact", "exact", "given_only"]
    # Two lone given names have the same display, as any two strangers' would: the
    # display is not compared where a name was completed.
    assert cmp.levels["display"].tolist() == [-1, -1, -1]


_DISPLAYS = st.sampled_from(
    ["Anil", "Anil Das", "Das, Anil", "A. Das", "Anil Kumar", "Dieter", "Juan", "Bill", None]
)
_ADDRESSES = st.sampled_from(
    [
        "anil.das90@yahoo.com",
        "adas@lotusco.com",
        "anil.kumar@lotusco.com",
        "dieter.hernandez66+linkedin@gmail.com",
        "dhernandez@pinnaclelabs.io",
        "juan@woodgrove.com",
        "william_smith@acme.com",
        "info@acme.com",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_DISPLAYS, st.lists(_ADDRESSES, max_size=2)), min_size=1, max_size=6))
def test_only_a_lone_given_name_is_completed_and_only_from_its_own_address(cards):
    recs = records(
        *(
            {"source": "mail", "name_raw": name, "emails_raw": addresses}
            for name, addresses in cards
        )
    )
    f = RecordFeatures.from_records(recs)
    written = recs["family_key"].tolist()
    for i, (name, addresses) in enumerate(cards):
        family = f.family_str[i]
        if not f.family_from_address[i]:
            # a display that is not a lone given name keeps its own family name
            assert family == (written[i] if isinstance(written[i], str) else None)
            continue
        assert name is not None and " " not in name and not isinstance(written[i], str)
        letters = [re.sub("[^a-z]", "", a.partition("@")[0]) for a in addresses]
        assert any(family in x for x in letters)


def test_an_initial_is_read_as_the_given_name_its_address_spells():
    recs = records(
        {"id": "hui", "source": "mail", "name_raw": "H. Li", "emails_raw": ["hui.li@lhr.com"]},
        {"id": "hao", "source": "mail", "name_raw": "H. Li", "emails_raw": ["hao.li@gmail.com"]},
        {"id": "whole", "source": "mail", "name_raw": "Hui Li", "emails_raw": ["hl@gmail.com"]},
        {"id": "d", "source": "mail", "name_raw": "D. Medina", "emails_raw": ["dmedina@yahoo.com"]},
        {
            "id": "diego",
            "source": "mail",
            "name_raw": "D. Medina",
            "emails_raw": ["diego.medina@alpine.com"],
        },
        {"id": "bill", "source": "mail", "name_raw": "B. Smith", "emails_raw": ["billsmith@x.com"]},
    )
    pairs = [("hui", "hao"), ("hui", "whole"), ("d", "diego"), ("bill", "whole")]
    f, cmp = compare_named(recs, pairs)
    assert f.given_from_address.tolist() == [True, True, False, False, True, True]
    assert [f.given_str[i] for i in (0, 1, 4, 5)] == ["hui", "hao", "diego", "william"]
    levels = [LEVELS["name"][x] for x in cmp.levels["name"][:3]]
    # two H. Lis whose addresses spell two given names agree on the family name alone,
    # as Hui Li and Hao Li do; one against Hui Li written out is that name; dmedina@
    # does not say which D, so as written
    assert levels == ["family", "exact", "exact"]
    # "H. Li" against "Hui Li": two shapes, for one person as for strangers; "D. Medina"
    # twice: one shape chosen twice
    assert cmp.levels["display"][:3].tolist() == [-1, -1, 1]


def test_an_initial_completed_is_one_more_record_of_the_initial_as_written():
    recs = records(
        {"id": "d", "source": "mail", "name_raw": "D. Medina", "emails_raw": ["dm@x.com"]},
        {"id": "e", "source": "mail", "name_raw": "D. Medina", "emails_raw": ["dmedina@y.com"]},
        {
            "id": "diego",
            "source": "mail",
            "name_raw": "D. Medina",
            "emails_raw": ["diego.medina@alpine.com"],
        },
    )
    f, cmp = compare_named(recs, [("d", "e"), ("d", "diego")])
    assert f.given_from_address.tolist() == [False, False, True]
    assert [LEVELS["name"][x] for x in cmp.levels["name"]] == ["exact", "exact"]
    # "D. Medina" as written three times, whichever two are compared
    tf = np.asarray(cmp.tf_u["name"])
    assert tf[0] == pytest.approx(tf[1])


_INITIALLED = st.sampled_from(
    ["H. Li", "Hui Li", "Li Hui", "H.", "Hui", "R. Singh", "Y. Zhao", "B. Smith", "Bill", None]
)
_THEIR_ADDRESSES = st.sampled_from(
    [
        "hui.li@lhr.com",
        "lihui@gmail.com",
        "hao.li@lhr.com",
        "rohan.singh@jades.com",
        "rsingh@jades.com",
        "zhaoyu@coho.co.uk",
        "yan_zhao@coho.co.uk",
        "william.smith@acme.com",
        "info@acme.com",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_INITIALLED, st.lists(_THEIR_ADDRESSES, max_size=2)), min_size=1, max_size=6)
)
def test_only_an_initial_is_completed_and_only_from_its_own_address(cards):
    recs = records(
        *(
            {"source": "mail", "name_raw": name, "emails_raw": addresses}
            for name, addresses in cards
        )
    )
    f = RecordFeatures.from_records(recs)
    written = recs["given_key"].tolist()
    for i, (name, addresses) in enumerate(cards):
        given = f.given_str[i]
        if not f.given_from_address[i]:
            # a record whose given name is not an initial keeps its own
            assert given == (written[i] if isinstance(written[i], str) else None)
            continue
        assert name is not None and name[1] == "." and f.family_str[i] is not None
        assert len(written[i]) == 1
        assert given[0] == written[i] and given == canonical_given(given)
        family = f.family_str[i]
        letters = [re.sub("[^a-z]", "", a.partition("@")[0]) for a in addresses]
        assert any(
            x in (g + family, family + g, g, g + family[0])
            for x in letters
            for g in [given, *(n for n in ("bill",) if canonical_given(n) == given)]
        )
