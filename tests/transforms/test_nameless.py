"""Two nameless mail addresses: reading a local part, and what two of them say."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.transforms.helpers import records
from transforms import scoring
from transforms.blocking import candidate_pairs
from transforms.features import MIN_LOCAL_LETTERS, RecordFeatures
from transforms.nameless import (
    DIFFER,
    SAME,
    SHORT,
    SPELLED,
    compare_readings,
    family_in_address,
    given_in_address,
    name_of_letters,
    read_address,
    spellings,
)

_LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEZ0123456789._-+éø", max_size=24)
_DOMAIN = st.sampled_from(["acme.com", "gmail.com", "Proton.me", "mail.globex.co.uk"])


@settings(max_examples=300, deadline=None)
@given(_LOCAL, _DOMAIN)
def test_a_reading_is_the_local_parts_letters_before_any_tag(local, domain):
    reading = read_address(f"{local}@{domain}")
    if reading is None:
        return
    assert reading.letters.isalpha() and reading.letters.islower()
    assert len(reading.letters) >= MIN_LOCAL_LETTERS
    assert reading.domain == domain.lower()
    # A "+tag" is the owner's filing, not the address: the same reading without it.
    assert read_address(f"{local}+news2@{domain}") == reading
    if reading.words:
        assert "".join(reading.words) == reading.letters
    assert reading.letters in spellings(reading)


@settings(max_examples=300, deadline=None)
@given(_LOCAL, _LOCAL, _DOMAIN, _DOMAIN)
def test_two_readings_compare_alike_either_way(x, y, dx, dy):
    rx, ry = read_address(f"{x}@{dx}"), read_address(f"{y}@{dy}")
    if rx is None or ry is None:
        return
    level, name = compare_readings(rx, ry)
    assert (level, name) == compare_readings(ry, rx)
    if rx.domain == ry.domain:
        assert level == -1  # one domain: never one person's by the local part alone
    elif level in (SPELLED, SAME):
        # what agrees is a key both addresses block on
        assert set(spellings(rx)) & set(spellings(ry))


def _level(x: str, y: str) -> int:
    return compare_readings(read_address(x), read_address(y))[0]


def test_what_two_local_parts_say():
    assert read_address("J.Smith-2@Acme.com").letters == "jsmith"
    assert read_address("ama.asante94@icloud.com").words == ("ama", "asante")
    assert read_address("js@acme.com") is None
    assert _level("takashi.ishiyama@a.com", "takashi.ishiyama@b.com") == SPELLED
    assert _level("galani.francesca@a.com", "francescagalani@b.com") == SPELLED
    assert _level("jorge.schneider@a.com", "jorgeschneider99@b.com") == SPELLED
    assert _level("cnwasola@a.com", "chinedu.nwasola@b.com") == SHORT
    assert _level("r.lopez@a.com", "rlopez@b.com") == SHORT
    assert _level("bigfan@a.com", "bigfan@b.com") == SAME
    assert _level("the.smiths@a.com", "thesmiths@b.com") == SAME  # a household's
    assert _level("nelson.home@a.com", "nelsonhome@b.com") == SAME
    assert _level("rohanj@a.com", "jalani.rohan@b.com") == DIFFER
    assert _level("takashi.ishiyama@a.com", "takashi.ishiyama@a.com") == -1


def test_an_undivided_local_part_is_read_with_the_worlds_names():
    assert name_of_letters("takashiishiyama") == (SPELLED, ("takashi", "ishiyama"))
    assert name_of_letters("rlopez") == (SHORT, ("r", "lopez"))
    # a name alone is not split into two ("ja" and "mes" are names somewhere)
    assert name_of_letters("james") is None


def _scored(*addresses: str):
    recs = records(
        *({"id": f"m{i}", "source": "mail", "emails_raw": [a]} for i, a in enumerate(addresses))
    )
    f = RecordFeatures.from_records(recs)
    a, b = candidate_pairs(f)
    ids = recs["record_id"].tolist()
    pairs = {
        frozenset((ids[x], ids[y])): i
        for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True))
    }
    return f, a, b, scoring.compare(f, a, b), pairs


def test_two_nameless_addresses_of_one_name_are_blocked_and_weighed_by_the_name():
    f, a, b, cmp, pairs = _scored(
        "takashi.ishiyama@deltamobility.io",
        "takashi.ishiyama@proton.me",
        "john.smith@acme.com",
        "john.smith@globex.com",
        "john.smith@initech.com",
    )
    level = cmp.levels["local_part"]
    u = np.asarray(cmp.tf_u["local_part"])
    rare, common = pairs[frozenset(("m0", "m1"))], pairs[frozenset(("m2", "m3"))]
    assert level[rare] == level[common] == SPELLED
    # A common name on three nameless records is weaker than a rare one on two.
    assert u[rare] < u[common]


def test_one_domain_or_a_name_on_either_side_is_not_compared():
    recs = records(
        {"id": "x", "source": "mail", "emails_raw": ["rlopez@umbrelladata.com"]},
        {"id": "y", "source": "mail", "emails_raw": ["rlopez2@umbrelladata.com"]},
        {"id": "z", "source": "mail", "name_raw": "Rosa Lopez", "emails_raw": ["rlopez@gmail.com"]},
    )
    f = RecordFeatures.from_records(recs)
    cmp = scoring.compare(f, np.array([0, 0]), np.array([1, 2]))
    assert cmp.levels["local_part"].tolist() == [-1, -1]


def test_a_nameless_address_that_spells_a_name_is_one_more_record_of_it():
    recs = records(
        {"id": "card", "name_raw": "Takashi Ishiyama"},
        {"id": "work", "source": "mail", "emails_raw": ["takashi.ishiyama@deltamobility.io"]},
        {"id": "home", "source": "mail", "emails_raw": ["ishiyamatakashi@proton.me"]},
        {"id": "other", "source": "mail", "emails_raw": ["tishiyama@proton.me"]},
    )
    f = RecordFeatures.from_records(recs)
    card = recs["record_id"].tolist().index("card")
    # the two addresses that spell the whole name, not the initial and family name
    assert f.full_count[f.full[card]] == 3


def _completed(givens: tuple[str, ...], address: str) -> str | None:
    return family_in_address(givens, read_address(address))


def test_a_lone_given_name_is_completed_by_the_family_name_its_address_spells():
    assert _completed(("anil",), "anil.das90@yahoo.com") == "das"
    assert _completed(("anil",), "anildas90@gmail.com") == "das"  # Gmail's key: no dots
    assert _completed(("juan",), "juan_garcia@gmail.com") == "garcia"
    assert _completed(("juan",), "garcia.juan@gmail.com") == "garcia"
    assert _completed(("dieter",), "dhernandez@pinnaclelabs.io") == "hernandez"
    assert _completed(("dieter",), "d.hernandez@pinnaclelabs.io") == "hernandez"
    assert _completed(("bill", "william"), "williamsmith@acme.com") == "smith"
    # a rare family name only where a separator divides it off
    assert _completed(("dieter",), "dieter.eisenmann@outlook.com") == "eisenmann"
    assert _completed(("dieter",), "deisenmann@outlook.com") is None
    # an address that adds nothing to the given name, or spells another's
    assert _completed(("juan",), "juan@woodgrove.com") is None
    assert _completed(("juan",), "juan2002@woodgrove.com") is None
    assert _completed(("juan",), "maria.lopez@woodgrove.com") is None
    assert _completed(("anil",), "the.das@yahoo.com") is None  # a household's
    # the rest of an undivided local part that is no family name, or is a given name
    assert _completed(("anna",), "annabelle@yahoo.com") is None
    assert _completed(("john",), "johnpaul@yahoo.com") is None
    assert _completed(("chris", "christopher"), "christian@acme.com") is None
    assert _completed(("soojin", "soo"), "spark@gmail.com") == "park"


_GIVENS = st.lists(st.sampled_from(["anil", "juan", "dieter", "jo", "ann", "d"]), min_size=1)
_LOCALS = st.text(alphabet="abcdehijlnorstuz._-0123456789", min_size=1, max_size=20)


@settings(max_examples=500, deadline=None)
@given(
    _GIVENS,
    _LOCALS
    | st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                ["anil", "juan", "dieter", "das", "garcia", "hernandez", ".", "_", "d", "j", "9"]
            ),
            max_size=4,
        ),
    ),
)
def test_a_completed_family_name_is_what_the_address_holds_beside_the_given_name(givens, local):
    reading = read_address(f"{local}@example.com")
    if reading is None:
        return
    givens = tuple(dict.fromkeys(givens))
    family = family_in_address(givens, reading)
    if family is None:
        return
    # never a family name the address does not hold, never the given name itself
    assert family not in givens
    beside = {g for g in givens if len(g) >= 2} | {g[0] for g in givens}
    assert any(reading.letters in (g + family, family + g) for g in beside)


def _given(initial: str, family: str, address: str) -> str | None:
    reading = read_address(address)
    return None if reading is None else given_in_address(initial, (family,), reading)


def test_an_initial_is_completed_by_the_given_name_its_address_spells():
    assert _given("h", "li", "hui.li@lighthouserealty.com") == "hui"
    assert _given("h", "li", "li_hui@lighthouserealty.com") == "hui"
    assert _given("h", "li", "huili@gmail.com") == "hui"  # Gmail's key: no dots
    assert _given("h", "li", "lihua88@163.com") == "hua"
    assert _given("r", "singh", "rohan.singh@jades.com") == "rohan"
    assert _given("y", "zhao", "zhaoyu@coho.co.uk") == "yu"
    assert _given("y", "zhao", "yu.zhao@coho.co.uk") == "yu"
    # the given name alone or with the family initial, as employers spell addresses
    assert _given("r", "singh", "rohan@jades.com") == "rohan"
    assert _given("h", "li", "huil@lhr.com") == "hui"
    assert _given("r", "singh", "rohan2@jades.com") == "rohan"
    assert _given("f", "ararte", "franciscoa@initech.com") == "francisco"
    # an address that adds nothing to the initial, or spells another name
    assert _given("h", "lin", "h.lin@x.com") is None
    assert _given("d", "nelson", "dnelson@x.com") is None
    assert _given("d", "nelson", "d.nelson@x.com") is None
    assert _given("h", "li", "huiz@x.com") is None
    assert _given("h", "li", "wei.li@x.com") is None
    assert _given("h", "li", "hui.lin@x.com") is None
    # two initials, a decoration, a household's word
    assert _given("j", "smith", "jp.smith@x.com") is None
    assert _given("j", "smith", "smith.jr@x.com") is None
    assert _given("f", "li", "lifamily@x.com") is None
    # a local part that is one given name is that name whole, not "Chris" and Tian
    assert _given("c", "tian", "christian@x.com") == "christian"
    # undivided, the rest must be a given name the tables rank
    assert _given("h", "li", "lihzq@x.com") is None


_FAMILIES = st.sampled_from(["li", "zhao", "singh", "smith", "kim"])
_PARTS = st.sampled_from(
    ["li", "zhao", "singh", "smith", "kim", "hui", "yu", "rohan", "sam", "h", "y", "s", "jr"]
)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from("hysrkj"),
    _FAMILIES,
    _LOCALS | st.builds("".join, st.lists(_PARTS | st.sampled_from([".", "_", "7"]), max_size=4)),
)
def test_a_completed_given_name_is_what_the_address_holds_beside_the_family_name(
    initial, family, local
):
    reading = read_address(f"{local}@example.com")
    if reading is None:
        return
    given = given_in_address(initial, (family,), reading)
    if given is None:
        return
    # never a given name the address does not hold beside the family name, always one
    # the initial stands for
    assert given[0] == initial and len(given) >= 2 and given != family
    assert reading.letters in (given + family, family + given, given, given + family[0])
