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
