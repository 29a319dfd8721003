"""Tests of the vCard connector: inline variants, the real samples, arbitrary bytes."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import vobject
import vobject.vcard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import vcard
from connectors.base import Extract, ReadOptions, UnreadableInput
from connectors.vcard import contact as vcard_contact
from connectors.vcard import extract as vcard_extract
from connectors.vcard import fields as vcard_fields
from connectors.vcard.cards import iter_cards
from connectors.vcard.dates import Birthday, parse_bday, parse_timestamp
from connectors.vcard.properties import Field
from tests.samples import SAMPLES as ALL_SAMPLES
from warehouse import schema

SAMPLES = ALL_SAMPLES / "vcard"


def vcf(*lines: str, nl: str = "\r\n") -> str:
    return nl.join(lines) + nl


def card(*props: str, version: str = "3.0", nl: str = "\r\n") -> str:
    return vcf("BEGIN:VCARD", f"VERSION:{version}", *props, "END:VCARD", nl=nl)


def read(tmp_path: Path, data: str | bytes, name: str = "book.vcf") -> Extract:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return vcard.read(path, ReadOptions())


def records(extract: Extract) -> list[dict]:
    return extract.records.to_dict("records")


def one(extract: Extract) -> dict:
    rows = records(extract)
    assert len(rows) == 1, rows
    return rows[0]


def contacts(path: Path) -> list[vcard_contact.CardContact]:
    """The extractor's full reading (with birthday, labels...) of every card of a file."""
    return [
        vcard_contact.contact_from_fields(vcard_fields.parse_fields(raw.decode()))
        for raw in iter_cards(path)
    ]


# --- sniff ----------------------------------------------------------------------------------

SIMPLE = card("FN:Ada Lovelace", "EMAIL:ada@example.org")


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.vcf", SIMPLE.encode(), True),
        ("a.txt", SIMPLE.encode(), True),
        ("a", b"\xef\xbb\xbf" + SIMPLE.encode(), True),
        ("a", b"\r\n\r\n  " + SIMPLE.lower().encode(), True),
        ("a", SIMPLE.encode("utf-16"), True),
        ("a", SIMPLE.encode("utf-16-be"), True),
        ("a", SIMPLE.encode("utf-16-le"), True),
        ("a.vcf", b"# exported by hand\n" + SIMPLE.encode(), True),
        ("a.txt", b"# exported by hand\n" + SIMPLE.encode(), False),
        ("a.csv", b"First Name,Last Name,URL\nAda,Lovelace,\n", False),
        ("a.mbox", b"From a@b Mon Jan  1 00:00:00 2024\nSubject: BEGIN:VCARD\n", False),
        ("a.vcf", b"", False),
        ("a.vcf", b"\x00\x01\x02binary", False),
    ],
)
def test_sniff_judges_content(name: str, head: bytes, expected: bool) -> None:
    assert vcard.sniff(Path(name), head) is expected


# --- whole-file errors ----------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"hello world\n", b"First,Last\nA,B\n", b"END:VCARD\n"])
def test_file_without_begin_is_unreadable(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(UnreadableInput, match=r"book\.vcf: no BEGIN:VCARD found; expected a vCard"):
        read(tmp_path, data)


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="cannot read file"):
        vcard.read(tmp_path / "nope.vcf", ReadOptions())


# --- fields ---------------------------------------------------------------------------------


def test_v3_card_fields(tmp_path: Path) -> None:
    ex = read(
        tmp_path,
        card(
            "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
            "N:Lovelace;Ada;King;Lady;",
            "FN:Ada King\\, Countess of Lovelace",
            "ORG:Analytical Engines Ltd.;Research",
            "TITLE:Programmer\\, first",
            "EMAIL;TYPE=INTERNET,WORK:ada@work.example",
            "EMAIL;TYPE=INTERNET,HOME,PREF:ada@home.example",
            "TEL;TYPE=CELL:+44 20 7946 0000",
            "REV:2023-01-17T10:34:14Z",
        ),
    )
    row = one(ex)
    assert row["source"] == "vcard"
    assert row["source_key"] == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert row["locator"] == "card 1 (line 1)"
    assert row["name_raw"] == "Ada King, Countess of Lovelace"
    assert (row["given_name_raw"], row["family_name_raw"]) == ("Ada", "Lovelace")
    assert row["emails_raw"] == ["ada@home.example", "ada@work.example"]  # PREF first
    assert row["phones_raw"] == ["+44 20 7946 0000"]
    assert (row["company_raw"], row["title_raw"]) == (
        "Analytical Engines Ltd.",
        "Programmer, first",
    )
    assert row["observed_at"] == datetime(2023, 1, 17, 10, 34, 14, tzinfo=UTC)
    assert row["linkedin_url_raw"] is None
    assert ex.interactions.empty
    assert list(ex.records.columns) == schema.RECORDS.names
    assert (ex.items_read, ex.items_accepted, ex.items_rejected) == (1, 1, 0)


def test_emails_pref_first_then_card_order_without_repeats(tmp_path: Path) -> None:
    ex = read(
        tmp_path,
        card(
            "FN:X",
            "EMAIL;PREF=3:c@x.org",
            "EMAIL:d@x.org",
            "EMAIL;PREF=1:a@x.org",
            "EMAIL;TYPE=pref:b@x.org",
            "EMAIL:mailto:e@x.org",
            "EMAIL:A@X.org",
            "EMAIL:",
            version="4.0",
        ),
    )
    assert one(ex)["emails_raw"] == ["a@x.org", "b@x.org", "c@x.org", "d@x.org", "e@x.org"]


@pytest.mark.parametrize(
    ("props", "name", "given", "family"),
    [
        (["N:Doe;John;Quincy;Dr.;Jr."], "Dr. John Quincy Doe Jr.", "John", "Doe"),
        (["FN:John Doe"], "John Doe", "John", "Doe"),
        (["FN:Mr. John Q. Doe"], "Mr. John Q. Doe", "John", "Doe"),
        (["FN:Doe\\, John"], "Doe, John", "John", "Doe"),
        (["FN:bug 195"], "bug 195", None, None),
        (["FN:contact with category"], "contact with category", None, None),
        (["FN:Cher"], "Cher", None, None),
        (["FN:john@example.com"], "john@example.com", None, None),
        (["FN:Doe Inc."], "Doe Inc.", None, None),
        (["N:;;;;", "FN:Jane Roe"], "Jane Roe", "Jane", "Roe"),
        (["ORG:ACME Inc.;Sales"], "ACME Inc.", None, None),
        (["KIND:org", "FN:Acme Widgets"], "Acme Widgets", None, None),
        (["X-ABShowAs:COMPANY", "FN:Acme Widgets"], "Acme Widgets", None, None),
        (["NICKNAME:Bobby,Rob", "EMAIL:b@x.org"], "Bobby", None, None),
        (["EMAIL:b@x.org"], None, None, None),
    ],
)
def test_name_from_fn_n_org(tmp_path: Path, props, name, given, family) -> None:
    row = one(read(tmp_path, card(*props)))
    assert (row["name_raw"], row["given_name_raw"], row["family_name_raw"]) == (name, given, family)


def test_org_only_card_is_named_by_its_company(tmp_path: Path) -> None:
    row = one(read(tmp_path, card("ORG:Company\\, The;Dept", "TEL:555-0100")))
    assert row["name_raw"] == row["company_raw"] == "Company, The"


def test_tel_uri_and_plain_numbers(tmp_path: Path) -> None:
    ex = read(
        tmp_path,
        card(
            "FN:Simon",
            'TEL;VALUE=uri;TYPE="work,voice";PREF=2:tel:+1-418-656-9254;ext=102',
            "TEL;VALUE=uri;PREF=1:tel:+1-555-0100",
            "TEL;TYPE=cell;VALUE=URI:67545678",
            "TEL:(905) 555-1234",
            version="4.0",
        ),
    )
    assert one(ex)["phones_raw"] == [
        "+1-555-0100",
        "+1-418-656-9254 ext. 102",
        "67545678",
        "(905) 555-1234",
    ]


def test_grouped_apple_items_and_labels(tmp_path: Path) -> None:
    path = tmp_path / "apple.vcf"
    path.write_text(
        card(
            "N:Doe;John;;;",
            "item1.EMAIL;type=INTERNET;type=pref:john@ibm.example",
            "item1.X-ABLabel:_$!<Other>!$_",
            "item2.EMAIL;type=INTERNET:jd@labs.example",
            "item2.X-ABLabel:Lab",
            "item3.TEL:905-222-1234",
            "item3.X-ABLabel:_$!<AssistantPhone>!$_",
        )
    )
    (contact,) = contacts(path)
    assert contact.emails == ["john@ibm.example", "jd@labs.example"]
    assert contact.email_labels == {"john@ibm.example": "Other", "jd@labs.example": "Lab"}
    assert contact.phones == ["905-222-1234"]


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (
            ["URL:https://www.linkedin.com/in/ada-lovelace"],
            "https://www.linkedin.com/in/ada-lovelace",
        ),
        (["URL;TYPE=WORK:http\\://de.linkedin.com/in/ada"], "http://de.linkedin.com/in/ada"),
        (
            ["item2.URL:linkedin.com/in/ada", "item2.X-ABLabel:LinkedIn"],
            "linkedin.com/in/ada",
        ),
        (
            ["X-SOCIALPROFILE;type=linkedin;x-user=ada:http\\://www.linkedin.com/in/ada"],
            "http://www.linkedin.com/in/ada",
        ),
        (
            ["X-SOCIALPROFILE;type=linkedin;x-user=ada:x-apple:ada"],
            "https://www.linkedin.com/in/ada",
        ),
        (["X-SOCIALPROFILE;TYPE=linkedin:ada-l"], "https://www.linkedin.com/in/ada-l"),
        (
            ["SOCIALPROFILE;SERVICE-TYPE=LinkedIn:https://linkedin.com/in/ada"],
            "https://linkedin.com/in/ada",
        ),
        (["URL:https://www.linkedin.com/company/acme"], None),
        (["X-SOCIALPROFILE;type=twitter;x-user=ada:x-apple:ada"], None),
        (["URL:https://example.org/in/ada"], None),
    ],
)
def test_linkedin_url(tmp_path: Path, props, expected) -> None:
    assert one(read(tmp_path, card("FN:Ada Lovelace", *props)))["linkedin_url_raw"] == expected


def test_url_only_card_is_kept(tmp_path: Path) -> None:
    row = one(read(tmp_path, card("URL:https://www.linkedin.com/in/anon")))
    assert row["name_raw"] is None
    assert row["linkedin_url_raw"] == "https://www.linkedin.com/in/anon"


# --- identity ---------------------------------------------------------------------------------


def test_card_without_uid_gets_a_stable_content_id(tmp_path: Path) -> None:
    a = one(
        read(tmp_path, card("FN:Ann Smith", "EMAIL:ann@x.org", "REV:20200101T000000Z"), "a.vcf")
    )
    b = one(
        read(tmp_path, card("FN:Ann Smith", "EMAIL:ann@x.org", "REV:20240101T000000Z"), "b.vcf")
    )
    c = one(read(tmp_path, card("FN:Ann Smith", "EMAIL:ann@y.org"), "c.vcf"))
    assert a["source_key"].startswith("nouid:")
    assert a["source_key"] == b["source_key"]  # REV is not content
    assert a["source_key"] != c["source_key"]


def test_same_uid_twice_is_one_record_unless_the_name_differs(tmp_path: Path) -> None:
    data = (
        card("UID:1", "FN:Ann Smith", "EMAIL:ann@x.org")
        + card("UID:1", "FN:Ann Smith", "TEL:555-0100")
        + card("UID:2", "FN:Bob Jones")
        + card("UID:2", "FN:Carol King")
    )
    ex = read(tmp_path, data)
    assert (ex.items_read, ex.items_accepted) == (4, 4)
    rows = records(ex)
    assert [r["source_key"][:2] for r in rows] == ["1", "2", "2#"]
    assert rows[0]["emails_raw"] == ["ann@x.org"]
    assert rows[0]["phones_raw"] == ["555-0100"]


def test_output_is_deterministic(tmp_path: Path) -> None:
    data = card("FN:Ann Smith", "EMAIL:ann@x.org") + card("UID:b", "FN:Bob")
    first, second = read(tmp_path, data, "x.vcf"), read(tmp_path, data, "x.vcf")
    assert first.records.equals(second.records)
    assert first.rejects.equals(second.rejects)


# --- splitting and accounting -----------------------------------------------------------------


def test_garbage_card_two_of_three_is_rejected_alone(tmp_path: Path) -> None:
    data = (
        card("FN:One")
        + "BEGIN:VCARD\r\n\x00\x01 junk ;;; ===\r\n:::\r\nNOTE:nothing useful\r\nEND:VCARD\r\n"
        + card("FN:Three")
    )
    ex = read(tmp_path, data.encode("latin-1") + b"\xff\xfe")
    assert (ex.items_read, ex.items_accepted, ex.items_rejected) == (3, 2, 1)
    assert [r["name_raw"] for r in records(ex)] == ["One", "Three"]
    (reject,) = ex.rejects.to_dict("records")
    assert reject["locator"] == "card 2 (line 5)"
    assert reject["reason"] == vcard_extract.REASON_EMPTY
    assert reject["source"] == "vcard"
    assert "aaaa ;;; ===" in reject["excerpt"] and "\x00" not in reject["excerpt"]
    assert "junk" not in reject["excerpt"] and "nothing useful" not in reject["excerpt"]


def test_text_outside_cards_is_ignored_and_line_numbers_count(tmp_path: Path) -> None:
    data = "Exported contacts\n\n" + card("FN:A", nl="\n") + "\n-- separator --\n" + card("FN:B")
    ex = read(tmp_path, data)
    assert [r["locator"] for r in records(ex)] == ["card 1 (line 3)", "card 2 (line 9)"]


def test_iphone_cr_cr_lf_counts_as_one_line(tmp_path: Path) -> None:
    data = card("FN:A", "EMAIL:a@x.org", nl="\r\r\n") + card("FN:B", nl="\r\r\n")
    ex = read(tmp_path, data)
    assert [r["locator"] for r in records(ex)] == ["card 1 (line 1)", "card 2 (line 6)"]
    assert records(ex)[0]["emails_raw"] == ["a@x.org"]


def test_lost_end_and_truncated_last_card(tmp_path: Path) -> None:
    ex = read(tmp_path, "BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD\nBEGIN:VCARD\nFN:C\n")
    # A is known to have lost its END only once B is over: it is read after B.
    assert sorted((r["locator"], r["name_raw"]) for r in records(ex)) == [
        ("card 1 (line 1)", "A"),
        ("card 2 (line 3)", "B"),
        ("card 3 (line 6)", "C"),
    ]


def test_embedded_agent_card_is_not_a_card(tmp_path: Path) -> None:
    data = vcf(
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N:Boss;Big",
        "AGENT:",
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N:Assistant;Ann",
        "TEL:555-0199",
        "END:VCARD",
        "EMAIL:big@boss.example",
        "END:VCARD",
    )
    row = one(read(tmp_path, data))
    assert (row["name_raw"], row["emails_raw"], row["phones_raw"]) == (
        "Big Boss",
        ["big@boss.example"],
        [],
    )


def test_contact_groups_are_skipped_with_a_reason(tmp_path: Path) -> None:
    data = (
        card("KIND:group", "FN:Family", "MEMBER:urn:uuid:1", version="4.0")
        + card("X-ADDRESSBOOKSERVER-KIND:group", "FN:Work")
        + card("FN:Ann")
    )
    ex = read(tmp_path, data)
    assert ex.skip_reasons == {vcard_extract.REASON_GROUP: 2}
    assert (ex.items_read, ex.items_accepted, ex.items_skipped) == (3, 1, 2)


def test_a_crash_inside_one_card_rejects_only_that_card(tmp_path: Path, monkeypatch) -> None:
    real = vcard_extract.contact_from_fields

    def flaky(fields: list[Field]) -> vcard_contact.CardContact:
        if any(f.name == "NOTE" for f in fields):
            raise ValueError("boom")
        return real(fields)

    monkeypatch.setattr(vcard_extract, "contact_from_fields", flaky)
    ex = read(tmp_path, card("FN:A") + card("FN:B", "NOTE:x") + card("FN:C"))
    assert (ex.items_accepted, ex.items_rejected) == (2, 1)
    assert ex.rejects.iloc[0]["reason"] == "could not parse card: ValueError: boom"


def test_vobject_refusal_falls_back_to_own_reading(tmp_path: Path, monkeypatch) -> None:
    data = card("N:Doe;John;;;", "EMAIL;TYPE=pref:j@x.org", "ORG:ACME\\, Inc.;Ops", "TEL:1")
    normal = one(read(tmp_path, data))

    def refuse(line: str, *args) -> None:
        raise vobject.base.ParseError("Failed to parse line", 1)

    monkeypatch.setattr(vcard_fields, "parseLine", refuse)
    assert one(read(tmp_path, data)) == normal


# --- encodings --------------------------------------------------------------------------------

GERMAN = card("N:Müller;Jürgen;;;", "FN:Jürgen Müller", "ORG:Société Générale", "EMAIL:j@x.de")


@pytest.mark.parametrize(
    "data",
    [
        GERMAN.encode("utf-8"),
        b"\xef\xbb\xbf" + GERMAN.encode("utf-8"),
        GERMAN.encode("utf-16"),
        GERMAN.encode("utf-16-le"),
        GERMAN.encode("utf-16-be"),
        GERMAN.encode("utf-32"),
        GERMAN.encode("cp1252"),
        GERMAN.replace("\r\n", "\r").encode("utf-8"),  # classic Mac line ends
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "utf32", "cp1252", "cr"],
)
def test_encodings(tmp_path: Path, data: bytes) -> None:
    row = one(read(tmp_path, data))
    assert row["name_raw"] == "Jürgen Müller"
    assert (row["given_name_raw"], row["family_name_raw"]) == ("Jürgen", "Müller")
    assert row["company_raw"] == "Société Générale"
    assert row["emails_raw"] == ["j@x.de"]


def test_concatenated_files_with_a_bom_per_card(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + card("FN:A").encode() + b"\xef\xbb\xbf" + card("FN:B").encode()
    assert [r["name_raw"] for r in records(read(tmp_path, data))] == ["A", "B"]


def test_utf8_and_cp1252_cards_in_one_file(tmp_path: Path) -> None:
    data = card("FN:Zoë Ångström").encode("utf-8") + card("FN:François Lefèvre").encode("cp1252")
    assert [r["name_raw"] for r in records(read(tmp_path, data))] == [
        "Zoë Ångström",
        "François Lefèvre",
    ]


def test_cp1251_legacy_bytes_are_recognised(tmp_path: Path) -> None:
    data = card("N:Петров;Иван;;;", "FN:Иван Петров", "ORG:Рога и копыта").encode("cp1251")
    row = one(read(tmp_path, data))
    assert (row["name_raw"], row["company_raw"]) == ("Иван Петров", "Рога и копыта")


def test_fold_inside_a_utf8_sequence(tmp_path: Path) -> None:
    # Folding is on octets (RFC 6350 3.2): writers may cut a multibyte character in two.
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\n"
    data += b"FN:J\xc3\r\n \xbcrgen M\xc3\xbc\r\n\tller \xe2\x82\r\n \xac\r\n"
    data += b"ORG:\xe6\x97\xa5\xe6\r\n \x9c\xac Corp\r\nEND:VCARD\r\n"
    row = one(read(tmp_path, data))
    assert (row["name_raw"], row["company_raw"]) == ("Jürgen Müller €", "日本 Corp")


def test_android_21_quoted_printable(tmp_path: Path) -> None:
    data = vcf(
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91o=C3=B1o;Jos=C3=A9;;;",
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 =C3=91o=C3=B1o, =",
        "Jefe de Ventas",
        "TEL;CELL;PREF:+34 600 000 000",
        "TEL;HOME:+34 910 000 000",
        "EMAIL;PREF;ENCODING=QUOTED-PRINTABLE:jose=40example.es",
        "NOTE;ENCODING=QUOTED-PRINTABLE:line one=0D=0Aline two=",
        "=0D=0A",
        "END:VCARD",
    )
    row = one(read(tmp_path, data))
    assert row["name_raw"] == "José Ñoño, Jefe de Ventas"
    assert (row["given_name_raw"], row["family_name_raw"]) == ("José", "Ñoño")
    assert row["phones_raw"] == ["+34 600 000 000", "+34 910 000 000"]
    assert row["emails_raw"] == ["jose@example.es"]


def test_quoted_printable_in_legacy_charsets(tmp_path: Path) -> None:
    data = vcf(
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen",
        "FN;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller",  # Outlook: no CHARSET, cp1252
        "TITLE;CHARSET=windows-1252;QUOTED-PRINTABLE:Gesch=E4ftsf=FChrer =96 Vertrieb",
        "ORG;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=93=FA=96=7B",
        "END:VCARD",
    )
    row = one(read(tmp_path, data))
    assert (row["name_raw"], row["family_name_raw"]) == ("Jürgen Müller", "Müller")
    assert row["title_raw"] == "Geschäftsführer – Vertrieb"
    assert row["company_raw"] == "日本"


def test_apple_escaped_quotes_in_parameters(tmp_path: Path) -> None:
    data = card(
        "N:Appleseed;Johnny;;;",
        "FN:Johnny Appleseed",
        'item1.EMAIL;type=INTERNET;type=\\"pref\\":johnny@example.com',
        "item1.X-ABLabel:_$!<Other>!$_",
        "EMAIL;type=INTERNET;type=WORK:jap@work.example",
        'item2.ADR;type=HOME;X-APPLE-SUBLOCALITY=Old \\"Town\\";x-title=\\"Home\\":;;1 Main St;;;;',
        'X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=Αεροδρόμιο \\"Μακεδονία\\" 551 03;X-TI',
        " TLE=Airport:geo:40.520833,22.972222",
        'X-SOCIALPROFILE;type=linkedin;x-user="johnny":http\\://www.linkedin.com/in/johnny',
    )
    with pytest.raises(vobject.base.ParseError):  # what this layer is for
        vobject.readOne(data)
    row = one(read(tmp_path, data))
    assert row["emails_raw"] == ["johnny@example.com", "jap@work.example"]
    assert row["linkedin_url_raw"] == "http://www.linkedin.com/in/johnny"


def test_photos_are_dropped_without_cost(tmp_path: Path) -> None:
    photo = base64.b64encode(bytes(range(256)) * 12_000).decode()  # ~4 MB of base64
    folded = "\r\n ".join(photo[i : i + 74] for i in range(0, len(photo), 74))
    data = (
        card("FN:Big Photo", "PHOTO;ENCODING=b;TYPE=JPEG:" + folded, "EMAIL:p@x.org")
        + card("FN:Data Uri", "PHOTO:data:image/png;base64\\," + photo[:5000], version="4.0")
        + vcf(  # 2.1: unindented base64 ended by a blank line
            "BEGIN:VCARD",
            "VERSION:2.1",
            "N:Old;Phone",
            "PHOTO;ENCODING=BASE64;TYPE=JPEG:",
            *[photo[i : i + 76] for i in range(0, 7600, 76)],
            "",
            "TEL;CELL:555-0100",
            "END:VCARD",
        )
    )
    ex = read(tmp_path, data)
    rows = records(ex)
    assert [r["name_raw"] for r in rows] == ["Big Photo", "Data Uri", "Phone Old"]
    assert rows[0]["emails_raw"] == ["p@x.org"]
    assert rows[2]["phones_raw"] == ["555-0100"]


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "omit", "expected"),
    [
        ("1980-03-22", None, Birthday(1980, 3, 22)),
        ("19800322", None, Birthday(1980, 3, 22)),
        ("--0415", None, Birthday(None, 4, 15)),
        ("--04-16", None, Birthday(None, 4, 16)),
        ("--0229", None, Birthday(None, 2, 29)),
        ("1996-04-15T201243+04:00", None, Birthday(1996, 4, 15)),
        ("1604-03-15", None, Birthday(None, 3, 15)),  # Apple's "no year"
        ("16040101", None, Birthday(None, 1, 1)),  # CardBook's
        ("1972-07-01", "1972", Birthday(None, 7, 1)),  # X-APPLE-OMIT-YEAR=1972
        ("0000-05-06", None, Birthday(None, 5, 6)),
        ("circa 1800", None, None),
        ("2019-02-29", None, None),
        ("--1301", None, None),
        ("---15", None, None),
        ("", None, None),
    ],
)
def test_parse_bday(value: str, omit: str | None, expected: Birthday | None) -> None:
    assert parse_bday(value, omit) == expected


def test_birthday_iso() -> None:
    assert Birthday(1980, 3, 22).iso() == "1980-03-22"
    assert Birthday(None, 4, 15).iso() == "--04-15"


def test_bday_read_from_cards(tmp_path: Path) -> None:
    path = tmp_path / "b.vcf"
    path.write_text(
        card("FN:A", "BDAY:--0415", version="4.0")
        + card("FN:B", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-24")
        + card("FN:C", "BDAY;VALUE=text:circa 1800", "BDAY:1970-01-02", version="4.0")
    )
    assert [c.birthday for c in contacts(path)] == [
        Birthday(None, 4, 15),
        Birthday(None, 12, 24),
        Birthday(1970, 1, 2),
    ]


def test_birthday_and_postcodes_reach_the_record(tmp_path: Path) -> None:
    extract = read(
        tmp_path,
        card(
            "FN:Ana Lima",
            "BDAY:19800322",
            "ADR;TYPE=HOME:;;1 Rua A;Lisboa;;1000-001;Portugal",
            "ADR;TYPE=WORK:;Suite 2;5 Main St;Austin;TX; 78701;USA",
            "ADR;TYPE=OTHER:;;5 Main St;Austin;TX;78701;USA",
        )
        + card("FN:Bo Chen", "BDAY:--0415", version="4.0")
        + card("FN:Cy Diaz", "ADR:;;Street only;;;;"),
    )
    rows = extract.records.sort_values("name_raw")
    assert rows["birthday_raw"].tolist() == ["1980-03-22", "--04-15", pd.NA]
    assert rows["postcodes_raw"].tolist() == [["1000-001", "78701"], [], []]
    assert rows["streets_raw"].tolist() == [["1 Rua A", "5 Main St"], [], ["Street only"]]
    assert rows["localities_raw"].tolist() == [["Lisboa", "Austin"], [], []]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20121012T210525Z", datetime(2012, 10, 12, 21, 5, 25, tzinfo=UTC)),
        ("2012-03-05T13:32:54Z", datetime(2012, 3, 5, 13, 32, 54, tzinfo=UTC)),
        ("2016-11-19T17:44:22.057Z", datetime(2016, 11, 19, 17, 44, 22, tzinfo=UTC)),
        ("2020-04-11T09:24:29+02:00", datetime(2020, 4, 11, 7, 24, 29, tzinfo=UTC)),
        ("20200411T092429-0500", datetime(2020, 4, 11, 14, 24, 29, tzinfo=UTC)),
        ("2014-01-01", datetime(2014, 1, 1, tzinfo=UTC)),
        ("2012-10-12 21:05:25", datetime(2012, 10, 12, 21, 5, 25, tzinfo=UTC)),
        ("yesterday", None),
        ("2012-13-01T00:00:00Z", None),
    ],
)
def test_parse_timestamp(value: str, expected: datetime | None) -> None:
    assert parse_timestamp(value) == expected


def test_unparseable_rev_leaves_observed_at_empty(tmp_path: Path) -> None:
    assert one(read(tmp_path, card("FN:A", "REV:last tuesday")))["observed_at"] is None


# --- escaping round trip ------------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() and s == s.strip())


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=TEXT, title=TEXT, family=TEXT)
def test_escaped_values_round_trip(tmp_path: Path, name: str, title: str, family: str) -> None:
    data = card(f"FN:{escape(name)}", f"TITLE:{escape(title)}", f"N:{escape(family)};;;;")
    row = one(read(tmp_path, data.encode("utf-8")))
    assert (row["name_raw"], row["title_raw"], row["family_name_raw"]) == (name, title, family)


# --- arbitrary input ----------------------------------------------------------------------------

FRAGMENTS = [
    b"BEGIN:VCARD",
    b"begin:vcard",
    b"END:VCARD",
    b"VERSION:2.1",
    b"VERSION:4.0",
    b"FN:Ann",
    b"N:;;;;",
    b"EMAIL;TYPE=pref:a@b.c",
    b"TEL;VALUE=uri:tel:+1;ext=",
    b"item1.URL:linkedin.com/in/x",
    b"item1.X-ABLabel:_$!<x>!$_",
    b'X-A;B="\\":\\"',
    b"NOTE;ENCODING=QUOTED-PRINTABLE:=C3=",
    b"ORG;CHARSET=x-bogus;ENCODING=QUOTED-PRINTABLE:=FF=",
    b"FN;ENCODING=B:////",
    b"PHOTO;ENCODING=b:AAAA",
    b" folded",
    b"\t",
    b"AGENT:",
    b"BDAY:--0230",
    b"REV:99999999T999999Z",
    b"KIND:group",
    b"UID:1",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\\",
    b"=",
    b":",
    b";",
]


def check_read(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.vcf"
    path.write_bytes(data)
    try:
        ex = vcard.read(path, ReadOptions())
    except UnreadableInput:
        return
    ex.check_accounting()
    assert ex.items_read >= 1
    assert ex.items_read == ex.items_accepted + ex.items_rejected + ex.items_skipped
    assert len(ex.records) <= ex.items_accepted
    assert ex.interactions.empty


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    check_read(tmp_path, data)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=12)),
        max_size=40,
    ),
    sep=st.sampled_from([b"\r\n", b"\n", b"\r", b"\r\r\n", b""]),
    encoding=st.sampled_from([None, "utf-16", "utf-16-be"]),
)
def test_vcard_like_bytes_never_crash(tmp_path: Path, parts, sep, encoding) -> None:
    data = sep.join(parts)
    if encoding:
        data = data.decode("latin-1").encode(encoding)
    check_read(tmp_path, data)


# --- the real samples ---------------------------------------------------------------------------


def sample_files() -> list[Path]:
    return sorted(SAMPLES.rglob("*.vcf")) if SAMPLES.is_dir() else []


def sample(relative: str) -> Path:
    path = SAMPLES / relative
    if not path.is_file():
        pytest.skip(f"sample {relative} not available")
    return path


def read_sample(relative: str) -> Extract:
    return vcard.read(sample(relative), ReadOptions())


@pytest.mark.skipif(not sample_files(), reason="shared samples not available")
@pytest.mark.parametrize("path", sample_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sample_reads_with_accounting_intact(path: Path) -> None:
    assert vcard.sniff(path, path.read_bytes()[:65536])
    ex = vcard.read(path, ReadOptions())
    ex.check_accounting()
    assert ex.items_read == path.read_bytes().upper().count(b"BEGIN:VCARD")
    # Every sample card has a name, an e-mail or a phone: none is rejected.
    assert (ex.items_accepted, ex.items_rejected, ex.items_skipped) == (ex.items_read, 0, 0)
    assert ex.interactions.empty
    assert ex.records["locator"].str.match(r"card \d+ \(line \d+\)$").all()


@pytest.mark.skipif(not sample_files(), reason="shared samples not available")
def test_samples_read_by_vobject_readone_the_same() -> None:
    """The line-level vobject reading, readOne and the pre-parser agree on every card."""

    def readone_fields(text: str) -> list[Field]:
        fields = []
        for line in vobject.readOne(text).lines():
            value = line.value
            if isinstance(value, vobject.vcard.Name):
                value = [vcard_fields.joined(getattr(value, k)) for k in vobject.vcard.NAME_ORDER]
            elif isinstance(value, vobject.vcard.Address):
                value = [
                    vcard_fields.joined(getattr(value, k), ", ")
                    for k in vobject.vcard.ADDRESS_ORDER
                ]
            elif isinstance(value, list):
                value = [vcard_fields.joined(v) for v in value]
            params = {k.upper(): list(v) for k, v in line.params.items()}
            fields.append(Field(line.group, line.name.upper(), params, value))
        return fields

    compared = 0
    for path in sample_files():
        for raw in iter_cards(path):
            text = raw.decode()
            ours = vcard_contact.contact_from_fields(vcard_fields.vobject_fields(text))
            assert vcard_contact.contact_from_fields(readone_fields(text.vcard3())) == ours, (
                text.locator
            )
            assert vcard_contact.contact_from_fields(text.fields()) == ours, text.locator
            compared += 1
    assert compared >= 60


def test_sample_android_21_quoted_printable() -> None:
    rows = records(read_sample("ez-vcard/John_Doe_ANDROID.vcf"))
    assert len(rows) == 6
    assert rows[0]["emails_raw"] == ["john.doe@company.com"] and rows[0]["name_raw"] is None
    assert rows[2]["name_raw"] == "Ñ Ñ Ñ Ñ Ñ"
    assert rows[2]["family_name_raw"] == "Ñ Ñ Ñ Ñ"
    assert rows[3]["name_raw"] == " ".join(["Ñ"] * 11)  # QP soft line breaks joined
    assert rows[3]["phones_raw"] == ["123456", "234567", "3456789", "45678901"]
    assert rows[4]["emails_raw"] == ["bob@company.com", "Ñ" * 14]
    assert rows[4]["company_raw"] == "Ñ" * 12
    assert rows[5]["locator"] == "card 6 (line 71)"


def test_sample_outlook_exports() -> None:
    row = one(read_sample("ez-vcard/outlook-2003.vcf"))
    assert row["emails_raw"] == ["jdoe@hotmail.com"]
    assert (row["name_raw"], row["company_raw"]) == ("John Doe III", "Company, The")
    assert row["observed_at"] == datetime(2012, 10, 12, 21, 5, 25, tzinfo=UTC)
    row = one(read_sample("ez-vcard/outlook-2007.vcf"))
    assert row["emails_raw"] == ["mike.angstadt@gmail.com"]
    assert row["phones_raw"][:2] == ["(111) 555-1111", "(111) 555-2222"]
    assert (row["name_raw"], row["title_raw"]) == ("Mr. Michael Angstadt Jr.", "TheJobTitle")
    row = one(read_sample("ez-vcard/John_Doe_MS_OUTLOOK.vcf"))
    assert row["emails_raw"] == ["john.doe@ibm.cm"]


def test_sample_iphone_grouped_email() -> None:
    row = one(read_sample("ez-vcard/John_Doe_IPHONE.vcf"))
    assert row["emails_raw"] == ["john.doe@ibm.com"]  # item1.EMAIL
    assert row["phones_raw"][0] == "905-555-1234"  # type=pref
    assert "905-222-1234" in row["phones_raw"]  # item2.TEL
    assert (row["company_raw"], row["title_raw"]) == ("IBM", "Money Counter")
    (contact,) = contacts(sample("ez-vcard/John_Doe_IPHONE.vcf"))
    assert contact.birthday == Birthday(2012, 6, 6)
    assert contact.urls == ["http://www.ibm.com"]


def test_sample_gmail_unescaped_comma_in_fn() -> None:
    row = one(read_sample("ez-vcard/John_Doe_GMAIL.vcf"))
    assert row["name_raw"] == "Mr. John Richter, James Doe Sr."
    assert (row["given_name_raw"], row["family_name_raw"]) == ("John", "Doe")
    contact = contacts(sample("ez-vcard/gmail-single2.vcf"))[0]
    assert contact.email_labels == {"customcategory@example.com": "CustomEmailCategory"}


def test_sample_vcard4_tel_uri_and_bday_without_year() -> None:
    row = one(read_sample("ez-vcard/rfc6350-example.vcf"))
    assert row["phones_raw"] == ["+1-418-656-9254 ext. 102", "+1-418-262-6501"]
    assert row["emails_raw"] == ["simon.perreault@viagenie.ca"]
    assert contacts(sample("ez-vcard/rfc6350-example.vcf"))[0].birthday == Birthday(None, 2, 3)
    assert contacts(sample("vcard4android/vcard4.vcf"))[0].birthday == Birthday(None, 4, 16)
    bday_1604 = contacts(sample("radicale/contact4-with-bday-no-year.vcf"))[0].birthday
    assert bday_1604 == Birthday(None, 1, 1)
    row = one(read_sample("ez-vcard/issue114.vcf"))
    assert row["phones_raw"] == ["+49 1234 56789", "+49 9876 54321"]
    assert row["observed_at"] == datetime(2021, 3, 14, 9, 28, 38, tzinfo=UTC)
    assert row["source_key"] == "8b574c60-fd7f-4e99-b584-c5db131ae687"


def test_sample_khard_and_radicale_oddities() -> None:
    row = one(read_sample("khard/vcards__unparsable.vcf"))  # no END:VCARD
    assert row["name_raw"] == "second contact with minimal Vcard"
    assert one(read_sample("khard/vcards__korean-c.vcf"))["name_raw"] == "최유림"
    assert one(read_sample("khard/vcards__tel-value-uri.vcf"))["phones_raw"] == ["67545678"]
    row = one(read_sample("radicale/broken-vcard.vcf"))  # no N, no FN
    assert (row["name_raw"], row["emails_raw"]) == (None, ["test-misses-N-or-FN@example.com"])
    rows = records(read_sample("radicale/broken-vcards2-no_uid.vcf"))
    assert rows[0]["source_key"] == "C68582D2-2E60-0001-C2C0-000000000000.vcf"
    assert rows[1]["source_key"].startswith("nouid:")
    row = one(read_sample("radicale/contact_photo_with_data_uri_v4.vcf"))
    assert (row["name_raw"], row["family_name_raw"]) == ("Contact", "Contact")


def test_sample_davx5_all_fields() -> None:
    row = one(read_sample("vcard4android/allfields-vcard3.vcf"))
    assert row["name_raw"] == "Ämi Display"
    assert (row["given_name_raw"], row["family_name_raw"]) == ("Firstname", "Lastname")
    assert row["emails_raw"] == ["private@example.com", "work@example.com"]
    assert (row["company_raw"], row["title_raw"]) == (
        "ABC, Inc.",
        "Director, Research and Development",
    )
    (contact,) = contacts(sample("vcard4android/allfields-vcard3.vcf"))
    assert contact.email_labels == {"work@example.com": "@work"}
    assert contact.categories == ["A", "B'C"]
    assert contact.birthday == Birthday(1996, 4, 15)
    row = one(read_sample("vcard4android/strange-rev.vcf"))
    assert row["observed_at"] == datetime(2016, 11, 19, 17, 44, 22, tzinfo=UTC)


def test_folded_email_with_a_display_name_keeps_its_address(tmp_path: Path) -> None:
    data = card("FN:Omega", 'EMAIL:\r\n "Omega"\r\n <omega@example.com>')
    assert one(read(tmp_path, data))["emails_raw"] == ["omega@example.com"]


def test_a_nested_card_leaves_its_parent_whole(tmp_path: Path) -> None:
    data = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Parent\nBEGIN:VCARD\nVERSION:3.0\nFN:Child\n"
        "EMAIL:child@example.org\nEND:VCARD\nEMAIL:parent@example.org\nTEL:+49 30 1234567\n"
        "END:VCARD\n"
    )
    got = {r["name_raw"]: r for r in records(read(tmp_path, data))}
    assert got["Parent"]["emails_raw"] == ["parent@example.org"]
    assert got["Parent"]["phones_raw"] == ["+49 30 1234567"]
    assert got["Child"]["emails_raw"] == ["child@example.org"]
