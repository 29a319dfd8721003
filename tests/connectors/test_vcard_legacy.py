"""Legacy code pages without a CHARSET, chosen per card (connectors.vcard.legacy).

The texts are real: short excerpts of chardet's test corpus in each code page
(tests/fixtures/SOURCES.md), written as the values of vCard 2.1 cards the way old
phones and Outlook wrote them, with no CHARSET parameter.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from connectors import vcard
from connectors.base import ReadOptions
from connectors.vcard.encodings import ValueDecoder
from connectors.vcard.legacy import CANDIDATES, choose_codec, reading_penalty

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vcard"


def read(path: Path) -> list[tuple]:
    records = vcard.read(path, ReadOptions()).records
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in records[["name_raw", "company_raw", "title_raw"]].itertuples(index=False)
    ]


def card(codec: str, *lines: str) -> bytes:
    body = b"".join(line.encode(codec) + b"\r\n" for line in lines)
    return b"BEGIN:VCARD\r\nVERSION:2.1\r\n" + body + b"END:VCARD\r\n"


def test_six_code_pages_in_one_file_each_card_read_in_its_own():
    # Before, the file got one guess (cp1251) and five of six cards came out as
    # "айрфеог", "МбсЯб", "Regensteinmьhle", "VaљeDмti.cz".
    assert read(FIXTURES / "chardet-legacy-codepages.vcf") == [
        ("אינפומד", "אינפומד - אתר הרפואה הישראלי", "חדשות רפואיות"),
        ("אפרים", None, None),
        ("Яндекс", "ОАО Великолукский мясокомбинат", "Кассир выходного дня"),
        ("Μαρία", "ΑΝΙΜΑ - Σύλλογος Προστασίας και Περίθαλψης", None),
        ("Adolf Hinze", "Die Regensteinmühle", "Börnecker Landwirt"),
        ("Kristýnka", "VašeDěti.cz", "Výšlap na Pustevny k soše Radegasta"),
    ]


def test_a_short_hebrew_name_alone_is_not_cp1252_or_cp1251(tmp_path):
    # The case: Windows-1255 "אפרים" came out as "àôøéí".
    path = tmp_path / "one.vcf"
    path.write_bytes(card("cp1255", "N:;אפרים;;;", "FN:אפרים"))
    assert read(path) == [("אפרים", None, None)]


def test_the_cards_own_hints_decide_what_its_text_cannot(tmp_path):
    # "Tanečnice" read as cp1252 is "Taneènice", a French-looking word: alone it is
    # ambiguous, the card's Czech number or address settles it. A lone Greek word the
    # same with a +30 number.
    path = tmp_path / "hints.vcf"
    path.write_bytes(
        card("cp1250", "FN:Tanečnice", "TEL;CELL:+420 603 123 456")
        + card("cp1250", "FN:Tanečnice", "ADR;HOME:;;Náměstí 1;Rožnov;;75661;Czech Republic")
        + card("cp1250", "FN;LANGUAGE=cs:Tanečnice")
        + card("cp1253", "FN:Σύλλογος", "TEL:+30 21 0123 4567")
    )
    assert [r[0] for r in read(path)] == ["Tanečnice"] * 3 + ["Σύλλογος"]


def test_the_files_other_cards_decide_a_short_card(tmp_path):
    greek = card("cp1253", "FN:Μαρία", "ORG:ΑΝΙΜΑ - Σύλλογος Προστασίας και Περίθαλψης")
    path = tmp_path / "greek.vcf"
    path.write_bytes(greek * 3 + card("cp1253", "FN:Σύλλογος"))
    assert read(path)[-1][0] == "Σύλλογος"


def test_utf8_cards_next_to_legacy_ones_are_never_touched(tmp_path):
    path = tmp_path / "mixed.vcf"
    path.write_bytes(
        card("utf-8", "FN:àôøéí Ünal", "ORG:Société Générale")
        + card("cp1255", "FN:אפרים")
        + card("utf-8", "FN:Иван Петров")
    )
    assert [r[0] for r in read(path)] == ["àôøéí Ünal", "אפרים", "Иван Петров"]


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_valid_utf8_always_decodes_as_utf8(text):
    assert ValueDecoder(lambda: b"").text(text.encode("utf-8")) == text


@given(st.binary(max_size=60), st.booleans())
def test_any_bytes_get_a_candidate_that_reads_them(data, is_name):
    codec = choose_codec([(data, is_name)])
    assert codec in CANDIDATES
    if reading_penalty([(data, is_name)], codec) != float("inf"):
        data.decode(codec)
