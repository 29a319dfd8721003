"""The vCard connector (and the names normalise makes of its records) on cards other
producers wrote (tests/fixtures/vcard; SOURCES.md there)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from connectors import vcard
from connectors.base import ReadOptions
from transforms.normalise import normalise_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vcard"


def names(path: Path) -> list[tuple]:
    out = normalise_records(vcard.read(path, ReadOptions()).records)
    cols = ["display_name", "given_name", "family_name"]
    return [
        tuple(None if v is None or v is pd.NA else v for v in row)
        for row in out[cols].itertuples(index=False)
    ]


def test_evolution_organisation_card_is_named_by_its_organisation():
    # Evolution's own first card: no N, no FN, X-EVOLUTION-FILE-AS and ORG only. It came
    # out as a person called "Inc. Ximian".
    assert names(FIXTURES / "evolution-initial-ximian.vcf") == [("Ximian, Inc.", None, None)]


def test_a_lone_given_name_gets_no_invented_family_name():
    # FolkerKinzel.VCards' WhatsApp card: N:;zzMad Perla 45;;; had family name "45".
    assert names(FIXTURES / "folkerkinzel-whatsapp.vcf") == [
        ("zzMad Perla 45", "zzMad Perla 45", None)
    ]


def test_lines_that_are_not_properties_never_join_a_value():
    # kcontacts' RFC 2426 card with KDE's X-messaging/twitter-All: line, whose "/" makes
    # it no property: it was glued onto the UID before.
    ex = vcard.read(FIXTURES / "kcontacts-vcard1-x-messaging.vcf", ReadOptions())
    assert ex.records["source_key"].tolist() == ["gDVbA6LY3t"]
    assert list(ex.records["phones_raw"].tolist()[0]) == ["+1-919-676-9515", "+1-919-676-9564"]
    assert ex.items_accepted == 1 and ex.rejects.empty


def test_kde_doctor_and_shop_cards():
    # kcontacts' vcard10: "Dr. med." gave "med. Surname Name"; the shop's card (ORG only)
    # is named by its organisation, no person's name made up.
    assert names(FIXTURES / "kcontacts-vcard10.vcf") == [
        ("Bike Shop", None, None),
        ("Surname Name", "Surname", "Name"),
    ]


def test_numbers_without_country_code_are_read_where_the_card_says(tmp_path):
    # No public address book with national numbers and an ADR country was found; the
    # numbers are the (Dresden, Saxony-Anhalt) on an ADR line as Apple writes it.
    book = tmp_path / "de.vcf"
    book.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Weber;Anna;;;\r\nFN:Anna Weber\r\n"
        "TEL;type=WORK:0351 223344\r\n"
        "item1.ADR;type=WORK:;;Hauptstr. 1;Dresden;;01067;Deutschland\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Roth;Karl;;;\r\nFN:Karl Roth\r\n"
        "TEL:034441/ 2 22 67\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lang;Eva;;;\r\nFN:Eva Lang\r\n"
        "TEL:+49 30 1234567\r\nEND:VCARD\r\n"
    )
    out = normalise_records(vcard.read(book, ReadOptions()).records, default_region="US")
    assert [list(p) for p in out["phones"]] == [
        ["+49351223344"],  # ADR country
        ["+493444122267"],  # the file's usual country code
        ["+49301234567"],
    ]


def records_of(name: str) -> list[tuple]:
    ex = vcard.read(FIXTURES / name, ReadOptions())
    assert ex.rejects.empty
    return [
        (r["name_raw"], list(r["emails_raw"]))
        for r in ex.records[["name_raw", "emails_raw"]].to_dict("records")
    ]


def test_ez_vcard_nested_agents_stay_inside_their_card():
    # ez-vcard's own vCard 2.1 output: an AGENT inside an AGENT, each with a folded NOTE.
    # One contact, the agents are part of it; nothing of them leaks into its values.
    ex = vcard.read(FIXTURES / "ezvcard-agent-21.vcf", ReadOptions())
    assert (ex.items_read, ex.items_accepted) == (1, 1)
    assert records_of("ezvcard-agent-21.vcf") == [("Michael Angstadt", [])]
    # ez-vcard's reader test: the parent's FN comes after both nested cards. (This one
    # passed before the nested-card fix too: that fix is for a BEGIN:VCARD with no AGENT.)
    assert records_of("ezvcard-reader-nested-agent.vcf") == [("John Doe", [])]


def test_qt_versit_card_with_groups_a_qp_folded_email_and_an_agent():
    # Qt Versit's reader test card: a vCard 2.1 group path (HOME.Springfield.EMAIL), a
    # quoted-printable EMAIL folded by a soft line break, then an AGENT. The EMAIL line
    # was skipped as "not a property" before: one group was all the parser knew.
    assert records_of("qtpim-versit-agent-qp-email.vcf") == [("Homer", ["homer@simpsons.com"])]


def test_qt_versit_latin1_card_is_not_read_as_big5():
    # Qt Versit's "Non-ASCII Latin-1" card: charset-normalizer takes these bytes for
    # Big5 ("P鳵kk霵en"); a single-byte code page that reads them cleanly comes first.
    assert records_of("qtpim-versit-latin1.vcf") == [("Pääkkönen", [])]


def test_a_device_card_folding_its_email_keeps_the_address():
    # The card Android's vCard parser documents from a device that folds a 2.1 EMAIL
    # after its quoted display name (AOSP VCardParserImpl_V21). Before, the value was
    # '"Omega" <omega@example.com' and the address was lost.
    ex = vcard.read(FIXTURES / "aosp-vcard21-folded-email.vcf", ReadOptions())
    assert ex.items_read == ex.items_accepted == 1 and ex.rejects.empty
    assert list(ex.records["emails_raw"].tolist()[0]) == ["omega@example.com"]
    assert names(FIXTURES / "aosp-vcard21-folded-email.vcf") == [("Omega", "Omega", None)]
