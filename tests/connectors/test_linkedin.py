"""Tests of the LinkedIn export connector: inline variants, the real samples, arbitrary bytes."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import linkedin
from connectors.base import Extract, ReadOptions, UnreadableInput
from connectors.identity import linkedin_url_key
from connectors.linkedin.dates import guess_dayfirst, parse_date
from tests.samples import SAMPLES as ALL_SAMPLES

# ../shared/samples next to the repository; tests over it skip when it is absent.
SAMPLES = ALL_SAMPLES / "linkedin"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin"

NO_ME = ReadOptions()

NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
MSG_HEADER_2024 = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
    "DATE,SUBJECT,CONTENT,FOLDER,IS MESSAGE DRAFT,IS CONVERSATION DRAFT\n"
)
ME_URL = "https://www.linkedin.com/in/me-myself"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def by_key(extract: Extract) -> dict[str, dict]:
    return {r["source_key"]: r for r in extract.records.to_dict("records")}


def interactions_of(extract: Extract) -> list[dict]:
    keys = dict(zip(extract.records.record_id, extract.records.source_key, strict=True))
    rows = extract.interactions.to_dict("records")
    for row in rows:
        row["key"] = keys[row["record_id"]]
    return sorted(rows, key=lambda r: (r["occurred_at"], r["key"]))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assert_accounting(extract: Extract) -> None:
    extract.check_accounting()
    assert len(extract.rejects) == extract.items_rejected
    assert set(extract.interactions.record_id) <= set(extract.records.record_id)


# --- dates and URLs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/8/18, 6:14 PM", utc(2018, 1, 8, 18, 14)),
        ("11/17/17, 12:05 AM", utc(2017, 11, 17, 0, 5)),
        ("17 Jun 2021", utc(2021, 6, 17)),
        ("01 Feb 2023", utc(2023, 2, 1)),
        ("23-Apr-23", utc(2023, 4, 23)),
        ("5-Jan-26", utc(2026, 1, 5)),
        ("16.09.2021", utc(2021, 9, 16)),
        ("2024-12-05 14:03:11 UTC", utc(2024, 12, 5, 14, 3, 11)),
        ("2024/12/07 14:51:07 UTC", utc(2024, 12, 7, 14, 51, 7)),
        ("1823-07-18 11:00:00 UTC", utc(1823, 7, 18, 11)),
        ("Sat Dec 14 08:57:55 UTC 2024", utc(2024, 12, 14, 8, 57, 55)),
        ("Feb 6, 1989", utc(1989, 2, 6)),
        ("2024-12-05T14:03:11+01:00", utc(2024, 12, 5, 13, 3, 11)),
        ("25/12/2023", utc(2023, 12, 25)),
        ("1/8/18, 6:14\u202fPM", utc(2018, 1, 8, 18, 14)),
        ("", None),
        ("yesterday", None),
        ("31 Feb 2021", None),
        ("13/13/2021", None),
        ("1/8/18, 13:14 PM", None),
    ],
)
def test_parse_date_formats(text, expected):
    assert parse_date(text) == expected


def test_parse_date_dayfirst_settles_ambiguous_slashes():
    assert parse_date("05/01/2026", dayfirst=True) == utc(2026, 1, 5)
    assert parse_date("05/01/2026") == utc(2026, 5, 1)
    assert guess_dayfirst(["05/01/2026", "25/12/2025"]) is True
    assert guess_dayfirst(["05/01/2026", "12/25/2025"]) is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.linkedin.com/in/jane-doe", "https://www.linkedin.com/in/jane-doe"),
        ("http://linkedin.com/in/Jane-Doe/", "https://www.linkedin.com/in/jane-doe"),
        ("www.linkedin.com/in/hana-da-silva-68a173b04", "https://www.linkedin.com/in/hana-da-silva-68a173b04"),
        ("https://de.linkedin.com/in/jane-doe?trk=abc", "https://www.linkedin.com/in/jane-doe"),
        ("https://www.linkedin.com/in/%C3%A9hana-berg", "https://www.linkedin.com/in/éhana-berg"),
        ("https://www.linkedin.com/in/jane-doe/de/", "https://www.linkedin.com/in/jane-doe"),
        ("urn:li:member:199104033", None),
        ("https://example.com/in/jane", None),
        ("https://www.linkedin.com/in/", None),
    ],
)  # fmt: skip
def test_profile_url_normalisation(raw, expected):
    assert linkedin_url_key(raw) == expected


# --- Connections ------------------------------------------------------------------------


def test_connections_2018_layout(tmp_path):
    path = write(
        tmp_path,
        "Connections.csv",
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        'Ada,Yilmaz,Ada.Yilmaz@Example.com,"Fabrikam, Inc.","Engineering Manager, Platform",'
        '"1/8/18, 6:14 PM"\n'
        'Vera,Haddad,urn:li:member:199104033,,,"8/18/18, 12:37 AM"\n'
        'Rosa ,Ivanova,,Contoso,Volunteer,"11/11/17, 8:33 AM"\n',
    )
    e = linkedin.read(path, NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted, e.items_rejected) == (3, 3, 0)
    recs = by_key(e)
    ada = recs["ada.yilmaz@example.com"]
    assert ada["name_raw"] == "Ada Yilmaz"
    assert (ada["given_name_raw"], ada["family_name_raw"]) == ("Ada", "Yilmaz")
    assert list(ada["emails_raw"]) == ["Ada.Yilmaz@Example.com"]
    assert ada["company_raw"] == "Fabrikam, Inc."
    assert ada["title_raw"] == "Engineering Manager, Platform"
    assert ada["observed_at"] == utc(2018, 1, 8)
    assert ada["locator"] == "Connections.csv row 1"
    assert recs["urn:li:member:199104033"]["name_raw"] == "Vera Haddad"
    assert list(recs["urn:li:member:199104033"]["emails_raw"]) == []
    rosa = [r for k, r in recs.items() if k.startswith("name:")]
    assert [r["name_raw"] for r in rosa] == ["Rosa Ivanova"]
    ints = interactions_of(e)
    assert len(ints) == 3
    assert {i["channel"] for i in ints} == {"linkedin_connection"}
    assert {i["direction"] for i in ints} == {"outbound"}
    assert ints[-1]["occurred_at"] == utc(2018, 8, 18)  # midnight of the connected day


def test_connections_notes_preamble_and_url_column(tmp_path):
    path = write(
        tmp_path,
        "Connections.csv",
        NOTES + "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Goran,Zamora,https://www.linkedin.com/in/Goran-Zamora/,,Tailspin Toys,CTO,16 Dec 2024\n"
        "Tamar,Yilmaz,https://www.linkedin.com/in/%C3%A9tamar-y,t@example.com,Proseware,PM,"
        "12 Dec 2024\n"
        ",,,,,,10 Dec 2024\n"
        ",,https://www.linkedin.com/in/nameless,,,,09 Dec 2024\n",
    )
    e = linkedin.read(path, NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted) == (4, 3)
    assert e.skip_reasons == {"hidden_profile": 1}
    recs = by_key(e)
    goran = recs["https://www.linkedin.com/in/goran-zamora"]
    assert goran["linkedin_url_raw"] == "https://www.linkedin.com/in/Goran-Zamora/"
    assert goran["observed_at"] == utc(2024, 12, 16)
    # the URL is the key even when an address is present
    assert "https://www.linkedin.com/in/étamar-y" in recs
    assert recs["https://www.linkedin.com/in/nameless"]["name_raw"] is None


def test_connections_bom_and_blank_lines_before_header(tmp_path):
    body = (
        "\ufeff\r\n\r\nFirst Name,Last Name,Email Address,Company,Position,Connected On\r\n"
        "Emeka,Lindqvist,noor.kim79@example.com,Woodgrove Bank,Account Executive,01 Feb 2023\r\n"
        "Søren,Okafor,,,,01 Feb 2023\r\n"
    )
    e = linkedin.read(write(tmp_path, "Connections.csv", body), NO_ME)
    assert (e.items_read, e.items_accepted) == (2, 2)
    names = sorted(e.records.name_raw)
    assert names == ["Emeka Lindqvist", "Søren Okafor"]


def test_connections_excel_cp1252_semicolons_and_dropped_columns(tmp_path):
    body = (
        "First Name;Last Name;URL;Company;Connected On\r\n"
        "Tamar;Grünwald;https://www.linkedin.com/in/tamar-g;Relecloud;23-Apr-23\r\n"
        "Léa;Müller;https://www.linkedin.com/in/lea-m;Café Ltd;16.09.2021\r\n"
        "José;Núñez;https://www.linkedin.com/in/jose-n;;25/12/2022\r\n"
    ).encode("cp1252")
    e = linkedin.read(write(tmp_path, "Connections.csv", body), NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted, e.items_rejected) == (3, 3, 0)
    recs = by_key(e)
    assert recs["https://www.linkedin.com/in/tamar-g"]["name_raw"] == "Tamar Grünwald"
    assert recs["https://www.linkedin.com/in/tamar-g"]["observed_at"] == utc(2023, 4, 23)
    assert recs["https://www.linkedin.com/in/lea-m"]["company_raw"] == "Café Ltd"
    assert recs["https://www.linkedin.com/in/lea-m"]["observed_at"] == utc(2021, 9, 16)
    assert recs["https://www.linkedin.com/in/jose-n"]["observed_at"] == utc(2022, 12, 25)
    assert recs["https://www.linkedin.com/in/jose-n"]["title_raw"] is None


def test_connections_utf16_tab_separated_excel_save(tmp_path):
    body = (
        "First Name\tLast Name\tURL\tCompany\tPosition\tConnected On\r\n"
        "Łukasz\tWhitlock\thttps://www.linkedin.com/in/lukasz-w\tContoso\tCTO\t1/30/23\r\n"
    ).encode("utf-16")
    e = linkedin.read(write(tmp_path, "Connections.txt", body), NO_ME)
    rec = by_key(e)["https://www.linkedin.com/in/lukasz-w"]
    assert (rec["name_raw"], rec["title_raw"], rec["observed_at"]) == (
        "Łukasz Whitlock", "CTO", utc(2023, 1, 30),
    )  # fmt: skip


def test_connections_day_first_file_reads_ambiguous_dates_day_first(tmp_path):
    body = (
        "First Name,Last Name,URL,Connected On\n"
        "A,One,https://www.linkedin.com/in/a1,05/01/2026\n"
        "B,Two,https://www.linkedin.com/in/b2,25/12/2025\n"
    )
    recs = by_key(linkedin.read(write(tmp_path, "Connections.csv", body), NO_ME))
    assert recs["https://www.linkedin.com/in/a1"]["observed_at"] == utc(2026, 1, 5)


def test_connections_bad_rows_are_rejected_and_the_file_goes_on(tmp_path):
    body = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Good,One,https://www.linkedin.com/in/one,,Co,Dev,01 Jan 2024\n"
        "Too,Many,https://www.linkedin.com/in/two,,Co,Dev,01 Jan 2024,extra\n"
        "No,Date,https://www.linkedin.com/in/three,,Co,Dev,someday\n"
        'Stray,"Quote,https://www.linkedin.com/in/four,,Co,Dev,01 Jan 2024\n'
        "Good,Five,https://www.linkedin.com/in/five,,Co,Dev,02 Jan 2024\n"
        "Good,Six,https://www.linkedin.com/in/six,,Co,Dev,03 Jan 2024,,\n"
    )
    e = linkedin.read(write(tmp_path, "Connections.csv", body), NO_ME)
    assert_accounting(e)
    assert e.items_read == 6
    assert e.items_accepted == 4
    rejects = e.rejects.to_dict("records")
    assert [r["locator"] for r in rejects] == ["Connections.csv row 2", "Connections.csv row 4"]
    assert rejects[0]["reason"] == "expected 7 fields, found 8"
    # The row's shape (8 fields), never its content.
    assert (
        rejects[0]["excerpt"].startswith("aaa,aaaa,aaaaa://")
        and "Many" not in rejects[0]["excerpt"]
    )
    assert {r["source_file"] for r in rejects} == {str(tmp_path / "Connections.csv")}
    recs = by_key(e)
    # an unreadable date keeps the record but gives no connection interaction
    assert recs["https://www.linkedin.com/in/three"]["observed_at"] is None
    assert "https://www.linkedin.com/in/five" in recs  # read again after the stray quote
    assert "https://www.linkedin.com/in/six" in recs  # trailing empty cells tolerated
    assert len(e.interactions) == 3


def test_undecodable_row_is_rejected_in_an_otherwise_utf8_file(tmp_path):
    body = (
        "First Name,Last Name,URL,Connected On\n"
        "Zoë,Müller,https://www.linkedin.com/in/zoe,01 Jan 2024\n"
        "Chloé,Grünwald,https://www.linkedin.com/in/chloe,01 Jan 2024\n"
    ).encode() + b"Bad,\x81\xff\xfe,https://www.linkedin.com/in/bad,01 Jan 2024\n"
    e = linkedin.read(write(tmp_path, "Connections.csv", body), NO_ME)
    assert_accounting(e)
    assert (e.items_accepted, e.items_rejected) == (2, 1)
    assert e.rejects.reason[0].startswith("undecodable text")
    assert e.rejects.locator[0] == "Connections.csv row 3"
    assert by_key(e)["https://www.linkedin.com/in/zoe"]["name_raw"] == "Zoë Müller"


def test_csv_without_a_recognisable_header_is_unreadable(tmp_path):
    path = write(tmp_path, "Connections.csv", "Notes:\nhello\n\nName,When\nA,B\n")
    with pytest.raises(UnreadableInput, match=r"Connections\.csv.*First Name,Last Name"):
        linkedin.read(path, NO_ME)
    with pytest.raises(UnreadableInput, match="empty.csv"):
        linkedin.read(write(tmp_path, "empty.csv", b""), NO_ME)
    with pytest.raises(UnreadableInput, match="missing.csv"):
        linkedin.read(tmp_path / "missing.csv", NO_ME)


def test_zip_without_linkedin_csv_and_broken_zip_are_unreadable(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Positions.csv", "Company Name,Title\nA,B\n")
    with pytest.raises(UnreadableInput, match=r"export\.zip.*no LinkedIn export CSV"):
        linkedin.read(path, NO_ME)
    broken = write(tmp_path, "broken.zip", b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(UnreadableInput, match="broken.zip"):
        linkedin.read(broken, NO_ME)
    (tmp_path / "folder").mkdir()
    with pytest.raises(UnreadableInput, match="folder"):
        linkedin.read(tmp_path / "folder", NO_ME)


def test_folder_with_a_broken_member_rejects_that_file_only(tmp_path):
    write(tmp_path, "Connections.csv", "this is not,a connections file\n1,2\n")
    write(tmp_path, "Invitations.csv", "From,To,Sent At,Message,Direction\n"
          'Me Myself,Ann Lee,"1/30/23, 3:46 AM",,OUTGOING\n')  # fmt: skip
    write(tmp_path, "Positions.csv", "Company Name,Title\nA,B\n")
    e = linkedin.read(tmp_path, NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted, e.items_rejected) == (2, 1, 1)
    assert e.rejects.locator[0] == "Connections.csv"
    assert "expected First Name,Last Name" in e.rejects.reason[0]


def corrupt_member(export: Path, name: str) -> None:
    """Zero 40 bytes of a deflated member's body: unpacking it fails inside zlib."""
    data = bytearray(export.read_bytes())
    start = data.index(name.encode()) + len(name) + 10
    data[start : start + 40] = b"\0" * 40
    export.write_bytes(bytes(data))


def test_zip_with_a_corrupt_deflated_member_rejects_that_file_only(tmp_path):
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Invitations.csv", "From,To,Sent At,Message,Direction\n"
                    'Me Myself,Ann Lee,"1/30/23, 3:46 AM",,OUTGOING\n')  # fmt: skip
        zf.writestr("messages.csv", "From,To,Date,Subject,Content,Direction,Folder\n" + (
            'Bram Okafor,Me Myself,"11/1/18, 8:00 AM",,Hi,INCOMING,INBOX\n' * 50))  # fmt: skip
    corrupt_member(export, "messages.csv")
    e = linkedin.read(export, NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted, e.items_rejected) == (2, 1, 1)
    assert e.rejects.locator[0] == "messages.csv"
    assert e.rejects.reason[0].startswith("cannot be unpacked")


# --- messages ---------------------------------------------------------------------------


def test_messages_2018_layout_uses_direction_column(tmp_path):
    body = (
        "From,To,Date,Subject,Content,Direction,Folder\n"
        'Ishaan Uddin,Vera Øvergaard,"10/16/18, 8:36 AM",Hi,"Sit, amet\nsecond line",'
        "INCOMING,INBOX\n"
        'Vera Øvergaard,Ishaan Uddin,"10/16/18, 9:00 AM",,Do,OUTGOING,SENT\n'
        'Vera Øvergaard,Rosa  Ivanova,"11/11/17, 8:33 AM",,,OUTGOING,ARCHIVED\n'
        'Rosa Ivanova,Vera Øvergaard,"11/12/17, 11:06 PM",,x,INCOMING,ARCHIVED\n'
    )
    e = linkedin.read(write(tmp_path, "Messages.csv", body), NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted) == (4, 4)
    assert sorted(e.records.source_key) == ["name:ishaan uddin", "name:rosa ivanova"]
    ints = interactions_of(e)
    assert [(i["key"], i["direction"]) for i in ints] == [
        ("name:rosa ivanova", "outbound"),
        ("name:rosa ivanova", "inbound"),
        ("name:ishaan uddin", "inbound"),
        ("name:ishaan uddin", "outbound"),
    ]
    assert ints[2]["occurred_at"] == utc(2018, 10, 16, 8, 36)
    assert ints[0]["thread_key"] is None


def _msg(conv, frm, frm_url, to, to_urls, date, content="hi", folder="INBOX", draft="No"):
    cells = [conv, "", frm, frm_url, to, to_urls, date, "", content, folder, draft, "No"]
    return ",".join('"' + c.replace('"', '""') + '"' for c in cells) + "\n"


def test_messages_2024_drafts_spam_sponsored_anonymous_and_groups(tmp_path):
    quoted_header = ",".join(f'"{c}"' for c in MSG_HEADER_2024.strip().split(",")) + "\n"
    ann, bob, cy = (f"https://www.linkedin.com/in/{n}" for n in ("ann", "bob", "cy"))
    body = quoted_header + "".join(
        [
            _msg("c1", "Ann Lee", ann, "Me Myself", ME_URL, "2024-12-05 14:03:11 UTC",
                 "Hello,\n\nmulti-line, with \"quotes\""),
            _msg("c1", "Me Myself", ME_URL, "Ann Lee", ann, "2024-12-05 15:00:00 UTC"),
            # a group: names with commas are split by the URL list, one interaction each
            _msg("c2", "Me Myself", ME_URL, "Lee, Ann, Bob Ray, Cy", f"{ann},{bob},{cy}",
                 "2024-12-06 10:00:00 UTC"),
            _msg("c2", "Bob Ray", bob, "Me Myself, Lee, Ann, Cy", f"{ME_URL},{ann},{cy}",
                 "2024-12-06 11:00:00 UTC"),
            _msg("c3", "Me Myself", ME_URL, "Bob Ray", bob, "2024-12-07 10:00:00 UTC",
                 draft="Yes"),
            _msg("", "Me Myself", ME_URL, "", "", "2024-12-07 11:00:00 UTC", draft="Yes"),
            _msg("c4", "LinkedIn Member", "", "Me Myself", ME_URL, "2024-12-08 10:00:00 UTC",
                 folder="SPAM"),
            _msg("c5", "Acme Ads LinkedIn", "", "Me Myself", ME_URL, "2024-12-08 11:00:00 UTC",
                 '<p class="spinmail-quill-editor__spin-break">Buy</p>'),
            _msg("c6", "LinkedIn Member", "", "Me Myself", ME_URL, "2024-12-09 10:00:00 UTC"),
            _msg("c7", "Cy", cy, "Me Myself", ME_URL, "not a date"),
        ]
    )  # fmt: skip
    e = linkedin.read(write(tmp_path, "messages.csv", body), ReadOptions(me=frozenset({ME_URL})))
    assert_accounting(e)
    assert e.items_read == 10
    assert e.items_accepted == 4
    assert e.skip_reasons == {
        "anonymous_member": 1,
        "draft": 2,
        "spam": 1,
        "sponsored": 1,
    }
    assert e.rejects.to_dict("records")[0]["locator"] == "messages.csv row 10"
    assert "unreadable date" in e.rejects.reason[0]
    recs = by_key(e)
    assert ME_URL not in recs  # the user never becomes a record
    assert set(recs) == {ann, bob, cy}
    assert recs[ann]["name_raw"] == "Ann Lee"
    ints = interactions_of(e)
    group = [(i["key"], i["direction"]) for i in ints if i["thread_key"] == "c2"]
    assert group == [(ann, "outbound"), (bob, "outbound"), (cy, "outbound"), (bob, "inbound")]
    assert [i["occurred_at"] for i in ints if i["thread_key"] == "c1"] == [
        utc(2024, 12, 5, 14, 3, 11),
        utc(2024, 12, 5, 15),
    ]
    assert e.me_hints == [ME_URL]


def test_messages_2021_user_found_by_most_frequent_participant(tmp_path):
    header = (
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,"
        "FOLDER\n"
    )
    me = "https://www.linkedin.com/in/rosa-b"
    rows = [
        'c1,,Yara da Silva,https://www.linkedin.com/in/yara,"Rosa Berg, CHLOÉ",'
        "2021-06-15 16:37:00 UTC,,Hi,INBOX\n",
        f'c1,,"Rosa Berg, CHLOÉ",{me},Yara da Silva,2021-06-15 15:45:19 UTC,,Yo,INBOX\n',
        'c2,,Elif Yilmaz,https://www.linkedin.com/in/elif,"Rosa Berg, CHLOÉ",'
        "2021-06-14 19:31:17 UTC,,x,INBOX\n",
        f'c2,,"Rosa Berg, CHLOÉ",{me},Elif Yilmaz,2021-06-14 19:31:38 UTC,,y,INBOX\n',
        'c3,,LinkedIn Member,,"Rosa Berg, CHLOÉ",2021-05-27 16:52:18 UTC,,z,INBOX\n',
    ]
    e = linkedin.read(write(tmp_path, "messages.csv", header + "".join(rows)), NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted) == (5, 4)
    assert e.skip_reasons == {"anonymous_member": 1}
    assert e.me_hints == [me]
    assert sorted(e.records.name_raw) == ["Elif Yilmaz", "Yara da Silva"]
    directions = sorted((i["key"], i["direction"]) for i in interactions_of(e))
    assert directions == [
        ("https://www.linkedin.com/in/elif", "inbound"),
        ("https://www.linkedin.com/in/elif", "outbound"),
        ("https://www.linkedin.com/in/yara", "inbound"),
        ("https://www.linkedin.com/in/yara", "outbound"),
    ]


def test_messages_user_unknown_is_skipped_not_guessed(tmp_path):
    body = MSG_HEADER_2024 + _msg(
        "c1", "Ann Lee", "https://www.linkedin.com/in/ann", "Bob Ray",
        "https://www.linkedin.com/in/bob", "2024-12-05 14:03:11 UTC",
    )  # fmt: skip
    e = linkedin.read(write(tmp_path, "messages.csv", body), NO_ME)
    assert_accounting(e)
    assert e.skip_reasons == {"user_not_identified": 1}
    assert len(e.records) == 0


def test_duplicate_messages_give_one_interaction_and_ids_are_stable(tmp_path):
    row = _msg("c1", "Ann Lee", "https://www.linkedin.com/in/ann", "Me Myself", ME_URL,
               "2024-12-05 14:03:11 UTC")  # fmt: skip
    path = write(tmp_path, "messages.csv", MSG_HEADER_2024 + row + row)
    options = ReadOptions(me=frozenset({ME_URL}))
    first, second = linkedin.read(path, options), linkedin.read(path, options)
    assert (first.items_read, first.items_accepted) == (2, 2)
    assert len(first.interactions) == 1
    assert list(first.interactions.interaction_id) == list(second.interactions.interaction_id)
    assert list(first.records.record_id) == list(second.records.record_id)


# --- Invitations, Profile, Email Addresses, folders ---------------------------------------


def test_invitations_both_eras(tmp_path):
    old = (
        "From,To,Sent At,Message,Direction\n"
        'Vera Øvergaard,Sven da Silva,"8/18/18, 9:08 AM",,OUTGOING\n'
        'BRAM OKAFOR,Vera Øvergaard,"10/31/18, 7:52 AM","Hi, let\'s connect",INCOMING\n'
        'Jo Bloggs,Ann,"8/18/18",,SIDEWAYS\n'
        'Vera Øvergaard,Ann,"8/19/18",,\n'  # no Direction: the user is the sender
    )
    e = linkedin.read(write(tmp_path, "Invitations.csv", old), NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted, e.items_rejected) == (4, 3, 1)
    assert "unknown Direction 'SIDEWAYS'" in e.rejects.reason[0]
    assert e.rejects.locator[0] == "Invitations.csv row 3"
    ints = interactions_of(e)
    assert [(i["key"], i["direction"], i["channel"]) for i in ints] == [
        ("name:sven da silva", "outbound", "linkedin_invitation"),
        ("name:ann", "outbound", "linkedin_invitation"),
        ("name:bram okafor", "inbound", "linkedin_invitation"),
    ]
    assert ints[0]["occurred_at"] == utc(2018, 8, 18, 9, 8)

    new = (
        "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"
        f'Me Myself,Ayşe K,"12/15/24, 7:47 AM",,OUTGOING,{ME_URL},'
        "https://www.linkedin.com/in/hana-g\n"
        "Faramir G,Me Myself,1833-05-18 07:47:49 UTC,,INCOMING,"
        f"https://www.linkedin.com/in/faramir,{ME_URL}\n"
    )
    e = linkedin.read(write(tmp_path, "invites.csv", new), NO_ME)
    assert (e.items_read, e.items_accepted) == (2, 2)
    assert e.me_hints == [ME_URL]
    recs = by_key(e)
    assert set(recs) == {
        "https://www.linkedin.com/in/hana-g",
        "https://www.linkedin.com/in/faramir",
    }
    assert recs["https://www.linkedin.com/in/hana-g"]["name_raw"] == "Ayşe K"


def test_folder_links_files_and_infers_connection_direction(tmp_path):
    write(tmp_path, "Profile.csv", "First Name,Last Name,Maiden Name,Headline\nMe,Myself,,Boss\n")
    write(tmp_path, "Email Addresses.csv", "Email Address,Confirmed,Primary,Updated On\n"
          'Me@Example.com,Yes,Yes,"11/18/20, 12:32 PM"\n')  # fmt: skip
    write(tmp_path, "Connections.csv",
          "First Name,Last Name,Email Address,Company,Position,Connected On\n"
          'Bram,Okafor,bram@example.com,Co,Dev,"10/31/18, 9:00 AM"\n'
          'Sven,da Silva,sven@example.com,Co,Dev,"8/18/18, 10:00 AM"\n'
          'Me,Myself,me@example.com,Co,Boss,"1/1/18, 10:00 AM"\n')  # fmt: skip
    write(tmp_path, "Invitations.csv", "From,To,Sent At,Message,Direction\n"
          'Me Myself,Sven da Silva,"8/18/18, 9:08 AM",,OUTGOING\n'
          'Bram Okafor,Me Myself,"10/31/18, 7:52 AM",,INCOMING\n')  # fmt: skip
    write(tmp_path, "messages.csv", "From,To,Date,Subject,Content,Direction,Folder\n"
          'Bram Okafor,Me Myself,"11/1/18, 8:00 AM",,Hi,INCOMING,INBOX\n')  # fmt: skip
    write(tmp_path, "coach_messages.csv", MSG_HEADER_2024)
    e = linkedin.read(tmp_path, NO_ME)
    assert_accounting(e)
    # 3 connections + 2 invitations + 1 message; Profile and Email Addresses rows are not items
    assert (e.items_read, e.items_accepted) == (6, 5)
    assert e.skip_reasons == {"own_entry": 1}
    assert e.me_hints == ["me@example.com"]
    assert sorted(e.records.source_key) == ["bram@example.com", "sven@example.com"]
    got = {(i["key"], i["channel"], i["direction"]) for i in interactions_of(e)}
    assert got == {
        ("bram@example.com", "linkedin_connection", "inbound"),  # Bram invited the user
        ("sven@example.com", "linkedin_connection", "outbound"),
        ("sven@example.com", "linkedin_invitation", "outbound"),
        ("bram@example.com", "linkedin_invitation", "inbound"),
        ("bram@example.com", "linkedin_message", "inbound"),  # linked by name
    }
    assert set(e.records.source_file) == {str(tmp_path)}


def test_profile_and_email_addresses_alone_give_hints_and_no_items(tmp_path):
    profile = write(
        tmp_path,
        "Profile.csv",
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Websites\n"
        'Ada,Byron,,,1815-12-10,"Engineer, analyst",'
        '"[https://www.linkedin.com/in/Ada-B/, https://example.com]"\n',
    )
    e = linkedin.read(profile, NO_ME)
    assert (e.items_read, len(e.records)) == (0, 0)
    assert e.me_hints == ["https://www.linkedin.com/in/ada-b"]
    emails = write(tmp_path, "Email Addresses.csv", "Email Address,Confirmed,Primary,Updated On\n"
                   "ada@example.com,Yes,Yes,1833-06-05 14:00:00 UTC\n")  # fmt: skip
    assert linkedin.read(emails, NO_ME).me_hints == ["ada@example.com"]


# --- user_identifiers: who the user is, before any extraction -----------------------------

OWN_PROFILE = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Websites\n"
    'Ada,Byron,,,1815-12-10,"Engineer, analyst",'
    '"[https://www.linkedin.com/in/Ada-B/, https://example.com]"\n'
)
OWN_EMAILS = (
    "Email Address,Confirmed,Primary,Updated On\n"
    "Ada.Work@Example.com,Yes,No,1833-06-05 14:00:00 UTC\n"
    "ada@example.com,Yes,Yes,1833-06-05 14:00:00 UTC\n"
)
OWN_CONNECTIONS = (
    "First Name,Last Name,Email Address,Company,Position,Connected On\n"
    'Bram,Okafor,bram@example.com,Co,Dev,"10/31/18, 9:00 AM"\n'
)
OWN_IDS = [
    "https://www.linkedin.com/in/ada-b",
    "ada.work@example.com",
    "ada@example.com",
]


def _own_export(folder: Path) -> Path:
    folder.mkdir()
    write(folder, "Profile.csv", OWN_PROFILE)
    write(folder, "Email Addresses.csv", OWN_EMAILS)
    write(folder, "Connections.csv", OWN_CONNECTIONS)
    return folder


def test_user_identifiers_of_folder_zip_and_single_csv_match_read(tmp_path):
    folder = _own_export(tmp_path / "export")
    export = tmp_path / "Basic_LinkedInDataExport_01-01-2026.zip"
    with zipfile.ZipFile(export, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"Basic_LinkedInDataExport_01-01-2026/{f.name}")
        zf.writestr("__MACOSX/Basic_LinkedInDataExport_01-01-2026/._Profile.csv", b"\0junk")
    assert linkedin.user_identifiers(folder) == OWN_IDS
    assert linkedin.user_identifiers(export) == OWN_IDS
    assert linkedin.user_identifiers(folder / "Profile.csv") == OWN_IDS[:1]
    assert linkedin.user_identifiers(folder / "Email Addresses.csv") == OWN_IDS[1:]
    # The same identifiers, in the same order, as the full read finds.
    assert linkedin.read(folder, NO_ME).me_hints == OWN_IDS
    assert linkedin.read(export, NO_ME).me_hints == OWN_IDS


def test_user_identifiers_reads_neither_connections_nor_messages(tmp_path):
    conns = write(tmp_path, "Connections.csv", OWN_CONNECTIONS)
    assert linkedin.user_identifiers(conns) == []
    # A messages file names the user only by guessing from many messages: read()'s job.
    msgs = write(tmp_path, "messages.csv", MSG_HEADER_2024 + _msg(
        "c1", "Me", ME_URL, "Bram", "https://www.linkedin.com/in/bram", "2024-01-01 10:00:00 UTC",
    ))  # fmt: skip
    assert linkedin.user_identifiers(msgs) == []


def test_user_identifiers_of_anything_else_is_empty_and_never_raises(tmp_path):
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("a.jpg", b"\xff\xd8")
    renamed = write(tmp_path, "Email Addresses.csv", "just,some,csv\n1,2,3\n")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    for path in (
        tmp_path / "missing.zip",
        write(tmp_path, "broken.zip", b"PK\x03\x04 not really a zip"),
        other_zip,
        renamed,
        empty_dir,
        write(tmp_path, "mail.mbox", "From a@b Mon Jan  1 10:00:00 2024\nFrom: a@b\n\nhi\n"),
        write(tmp_path, "bytes.bin", bytes(range(256)) * 10),
    ):
        assert linkedin.user_identifiers(path) == [], path


def test_user_identifiers_skips_an_unreadable_member_keeps_the_other(tmp_path):
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Profile.csv", OWN_PROFILE)
        zf.writestr("Email Addresses.csv", OWN_EMAILS * 50)
    corrupt_member(export, "Email Addresses.csv")
    assert linkedin.user_identifiers(export) == OWN_IDS[:1]


@settings(max_examples=100, deadline=None)
@given(header=st.sampled_from([b"", OWN_EMAILS.encode()[:44], OWN_PROFILE.encode()[:60]]),
       body=st.binary(max_size=400))  # fmt: skip
def test_user_identifiers_of_arbitrary_bytes_never_raises(header, body):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Email Addresses.csv"
        path.write_bytes(header + body)
        ids = linkedin.user_identifiers(path)
        assert isinstance(ids, list) and all(isinstance(i, str) for i in ids)


def test_imported_contacts_both_headers(tmp_path):
    old = (
        "First Name,Last Name,Companies,Title,Email Address,Phone Numbers,Created At,"
        "Instant Message Handles,Addresses,Sites,Full Name,Birthday,Location,Bookmarked At,"
        "Profiles\n"
        'Noor,,,,," +560423960460, +19 68030 77820","4/20/16, 8:30 AM",,,,,,,,\n'
        ',,,,,,"4/20/16, 8:30 AM",,,,,,,,\n'
    )
    e = linkedin.read(write(tmp_path, "Imported Contacts.csv", old), NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted) == (2, 1)
    assert e.skip_reasons == {"empty_contact": 1}
    noor = by_key(e)["tel:+560423960460"]
    assert list(noor["phones_raw"]) == ["+560423960460", "+19 68030 77820"]
    assert noor["observed_at"] == utc(2016, 4, 20, 8, 30)

    new = (
        "FirstName,MiddleName,LastName,MaidenName,NickName,NamePrefix,NameSuffix,Title,Emails,"
        "PhoneNumbers,CreatedAt,UpdatedAt,CountryCode,RegionCode,ThirdPartyVerified,Location\n"
        'Xiu,Q,Varga,,,,,CTO,xiu@org3.example,,"7/22/12, 3:13 PM","7/22/12, 3:13 PM",,,,\n'
    )
    e = linkedin.read(write(tmp_path, "ImportedContacts.csv", new), NO_ME)
    xiu = by_key(e)["xiu@org3.example"]
    assert (xiu["name_raw"], xiu["title_raw"]) == ("Xiu Q Varga", "CTO")
    assert len(e.interactions) == 0


# --- sniff ------------------------------------------------------------------------------


def test_sniff(tmp_path):
    def sniff(path: Path) -> bool:
        head = b"" if path.is_dir() else path.read_bytes()[: 64 * 1024]
        return linkedin.sniff(path, head)

    assert sniff(write(tmp_path, "c.csv", NOTES + "First Name,Last Name,URL,Email Address,"
                       "Company,Position,Connected On\n"))  # fmt: skip
    assert sniff(write(tmp_path, "m.txt", MSG_HEADER_2024))
    assert sniff(write(tmp_path, "i.csv", "From,To,Sent At,Message,Direction\n"))
    assert not sniff(write(tmp_path, "p.csv", "Company Name,Title,Description\n"))
    assert not sniff(write(tmp_path, "a.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n"))
    assert not sniff(write(tmp_path, "x.csv", b"\xff\xd8\xff\xe0binary"))
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("Basic_LinkedInDataExport/Connections.csv", "First Name,Last Name\n")
    assert sniff(export)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("Positions.csv", "Company Name,Title\n")
    assert not sniff(other)
    folder = tmp_path / "folder"
    folder.mkdir()
    assert not sniff(folder)
    write(folder, "messages.csv", MSG_HEADER_2024)
    assert sniff(folder)


# --- arbitrary bytes --------------------------------------------------------------------

HEADERS = [
    b"",
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
    MSG_HEADER_2024.encode(),
    b"From,To,Date,Subject,Content,Direction,Folder\n",
    b"From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n",
    b"FirstName,MiddleName,LastName,Emails,PhoneNumbers,CreatedAt\n",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.sampled_from(HEADERS), body=st.binary(max_size=600))
def test_read_of_arbitrary_bytes_never_raises_anything_else(header, body):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.csv"
        path.write_bytes(header + body)
        try:
            extract = linkedin.read(path, NO_ME)
        except UnreadableInput as exc:
            assert "input.csv" in str(exc)
            return
        assert_accounting(extract)


FIELD = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.lists(FIELD, min_size=12, max_size=12), max_size=6),
    odd_rows=st.lists(st.lists(FIELD, min_size=1, max_size=15), max_size=3),
)
def test_read_of_arbitrary_rows_keeps_accounting(rows, odd_rows):
    import csv
    import io

    def extract_of(all_rows: list[list[str]]) -> Extract:
        buf = io.StringIO()
        buf.write(MSG_HEADER_2024)
        csv.writer(buf).writerows(all_rows)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "messages.csv"
            path.write_text(buf.getvalue(), encoding="utf-8")
            return linkedin.read(path, ReadOptions(me=frozenset({ME_URL})))

    well_formed = extract_of(rows)
    assert_accounting(well_formed)
    assert well_formed.items_read == sum(1 for r in rows if any(c.strip() for c in r))
    assert_accounting(extract_of(rows + odd_rows))


# --- scale ------------------------------------------------------------------------------


def test_large_connections_and_messages_all_accounted(tmp_path):
    # Timing lives in benchmarks/, not in unit tests.
    lines = [NOTES + "First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [
        f'F{i},L{i},https://www.linkedin.com/in/p-{i},,"Co {i % 97}, Inc.",Dev,'
        f"{i % 28 + 1:02d} Mar 20{10 + i % 15}"
        for i in range(3_000)
    ]
    write(tmp_path, "Connections.csv", "\n".join(lines) + "\n")
    out = [MSG_HEADER_2024]
    for i in range(10_000):
        p = i % 3000
        them = f"https://www.linkedin.com/in/p-{p}"
        when = f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d} {i % 24:02d}:{i % 60:02d}:00 UTC"
        if i % 2:
            out.append(_msg(f"c{p}", "Me Myself", ME_URL, f"F{p} L{p}", them, when, "a\nb"))
        else:
            out.append(_msg(f"c{p}", f"F{p} L{p}", them, "Me Myself", ME_URL, when, "a\nb"))
    write(tmp_path, "messages.csv", "".join(out))
    e = linkedin.read(tmp_path, NO_ME)
    assert (e.items_read, e.items_accepted) == (13_000, 13_000)
    assert len(e.records) == 3_000
    assert e.me_hints == [ME_URL]


# --- the real samples -------------------------------------------------------------------


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_dir():
        pytest.skip(f"sample {path} not present")
    return path


SAMPLE_COUNTS = {
    # folder: (read, accepted, rejected, skip_reasons, records, interactions)
    "derived_2018-11_complete_export": (116, 115, 0, {"own_entry": 1}, 86, 76),
    "derived_2021-06_export": (
        80, 69, 0, {"anonymous_member": 4, "sponsored": 7}, 43, 69,
    ),
    "derived_2023-02_bom_blank_preamble": (
        117, 106, 0,
        {"anonymous_member": 6, "no_counterpart": 1, "sponsored": 4}, 75, 106,
    ),
    "derived_2024-12_export": (
        139, 120, 0,
        {"anonymous_member": 3, "draft": 8, "spam": 4,
         "sponsored": 4},
        92, 120,
    ),
    "derived_2025_ImportedContacts_new_header": (4, 4, 0, {}, 1, 0),
    "derived_2026-01_excel_cp1252_resave": (40, 40, 0, {}, 40, 40),
    "silkyrich_synthetic_export": (2662, 2660, 0, {"draft": 2}, 2006, 2738),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SAMPLE_COUNTS))
def test_sample_exports_import_with_accounting_intact(name):
    e = linkedin.read(sample(name), NO_ME)
    assert_accounting(e)
    read, accepted, rejected, skips, records, interactions = SAMPLE_COUNTS[name]
    assert (e.items_read, e.items_accepted, e.items_rejected) == (read, accepted, rejected)
    assert e.skip_reasons == skips
    assert (len(e.records), len(e.interactions)) == (records, interactions)
    assert e.connector == "linkedin"
    assert set(e.records.source) <= {"linkedin"}
    assert not e.records.source_key.duplicated().any()


def test_sample_2018_values():
    e = linkedin.read(sample("derived_2018-11_complete_export"), NO_ME)
    assert e.me_hints == ["sren.abara91@example.com"]
    recs = by_key(e)
    ada = recs["goran.grnwald62@org41.example"]
    assert (ada["name_raw"], ada["company_raw"], ada["observed_at"]) == (
        "Ada Yilmaz", "Woodgrove Bank", utc(2018, 1, 8),
    )  # fmt: skip
    assert recs["urn:li:member:199104033"]["name_raw"] == "Vera Haddad"
    ints = interactions_of(e)
    counts = {}
    for i in ints:
        counts[(i["channel"], i["direction"])] = counts.get((i["channel"], i["direction"]), 0) + 1
    assert counts == {
        ("linkedin_connection", "inbound"): 3,
        ("linkedin_connection", "outbound"): 37,
        ("linkedin_invitation", "inbound"): 7,
        ("linkedin_invitation", "outbound"): 4,
        ("linkedin_message", "inbound"): 16,
        ("linkedin_message", "outbound"): 9,
    }
    # Messages carry names only: Uche Castillo's are tied to his connection row
    uche = [i for i in ints if i["key"] == "vera.mller21@org22.example"]
    assert [(i["channel"], i["direction"]) for i in uche] == [
        ("linkedin_connection", "outbound"),
        ("linkedin_message", "inbound"),
        ("linkedin_message", "outbound"),
    ]
    assert "Vera Øvergaard" not in set(e.records.name_raw)  # the user, also in Imported Contacts


def test_sample_2021_values():
    e = linkedin.read(sample("derived_2021-06_export"), NO_ME)
    assert e.me_hints == ["https://www.linkedin.com/in/wiremu-yilmaz-f66d5c57"]
    assert "Rosa Ivanova Berg, CHLOÉ" not in set(e.records.name_raw)
    zoe = e.records[e.records.name_raw == "Zoë Papadopoulos KIM"].iloc[0]
    assert zoe.source_key.startswith("name:")
    assert zoe.observed_at == utc(2021, 6, 17)
    elif_ = by_key(e)["https://www.linkedin.com/in/gustavo-moreau-04bbe475"]
    assert elif_["name_raw"] == "Elif Yilmaz"
    msgs = [i for i in interactions_of(e) if i["channel"] == "linkedin_message"]
    assert sum(i["direction"] == "outbound" for i in msgs) == 13
    assert msgs[-1]["occurred_at"] == utc(2021, 6, 15, 16, 37)


def test_sample_2023_bom_values():
    e = linkedin.read(sample("derived_2023-02_bom_blank_preamble"), NO_ME)
    assert e.me_hints == ["https://www.linkedin.com/in/lena-haddad"]
    emeka = by_key(e)["noor.kim79@example.com"]
    assert (emeka["name_raw"], emeka["observed_at"]) == ("Emeka Lindqvist", utc(2023, 2, 1))
    ints = interactions_of(e)
    assert sum(i["channel"] == "linkedin_invitation" for i in ints) == 40


def test_sample_2024_values():
    e = linkedin.read(sample("derived_2024-12_export"), NO_ME)
    assert e.me_hints == [
        "https://www.linkedin.com/in/jonas-da-silva",
        "dara.grnwald75@org14.example",
        "sven.vergaard94@org14.example",
    ]
    recs = by_key(e)
    assert "https://www.linkedin.com/in/jonas-da-silva" not in recs
    tamar = recs["https://www.linkedin.com/in/éhana-van-der-berg-af70cb114"]
    assert tamar["name_raw"] == "Tamar Yilmaz Rahman"
    assert list(tamar["emails_raw"]) == ["jos.uddin95@example.com"]
    ints = interactions_of(e)
    group = [i for i in ints if (i["thread_key"] or "").startswith("2-OTllNDFiNDYt")]
    assert [(i["key"], i["direction"]) for i in group] == [
        ("https://www.linkedin.com/in/yara-xu", "inbound")
    ]
    by_channel = {}
    for i in ints:
        by_channel[i["channel"]] = by_channel.get(i["channel"], 0) + 1
    assert by_channel == {"linkedin_connection": 60, "linkedin_invitation": 30,
                          "linkedin_message": 30}  # fmt: skip


def test_sample_cp1252_and_imported_contacts_values():
    e = linkedin.read(sample("derived_2026-01_excel_cp1252_resave"), NO_ME)
    tamar = by_key(e)["https://www.linkedin.com/in/ishaan-papadopoulos"]
    assert (tamar["name_raw"], tamar["company_raw"], tamar["observed_at"]) == (
        "Tamar Grünwald", "Relecloud", utc(2026, 1, 5),
    )  # fmt: skip
    e = linkedin.read(sample("derived_2025_ImportedContacts_new_header"), NO_ME)
    xiu = by_key(e)["ada.castillo4@org3.example"]
    assert (xiu["name_raw"], xiu["observed_at"]) == ("Xiu Varga", utc(2012, 7, 22, 15, 13))


def test_sample_synthetic_group_messages_and_directions():
    e = linkedin.read(sample("silkyrich_synthetic_export"), NO_ME)
    assert e.me_hints == [
        "https://www.linkedin.com/in/fake-ada-byron-lovelace",
        "ada.example@example.com",
        "ada.personal@example.com",
    ]
    ints = interactions_of(e)
    sent = [i["key"] for i in ints if i["thread_key"] == "conv-000009"
            and i["occurred_at"] == utc(1845, 10, 25, 15, 46)]  # fmt: skip
    assert sorted(sent) == [
        "https://www.linkedin.com/in/fake-dorothy-pembrook-1654",
        "https://www.linkedin.com/in/fake-john-herschel",
        "https://www.linkedin.com/in/fake-mary-somerville",
    ]
    conn_in = sum(1 for i in ints if i["channel"] == "linkedin_connection"
                  and i["direction"] == "inbound")  # fmt: skip
    assert conn_in == 73
    babbage = by_key(e)["https://www.linkedin.com/in/fake-charles-babbage"]
    assert (babbage["company_raw"], babbage["observed_at"]) == (
        "Analytical Engines (stealth)", utc(1833, 6, 5),
    )  # fmt: skip


def test_sample_as_zip_reads_like_the_folder(tmp_path):
    folder = sample("derived_2024-12_export")
    export = tmp_path / "Basic_LinkedInDataExport_12-16-2024.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"Basic_LinkedInDataExport_12-16-2024/{f.name}")
    assert linkedin.sniff(export, export.read_bytes()[:65536])
    z = linkedin.read(export, NO_ME)
    d = linkedin.read(folder, NO_ME)
    assert_accounting(z)
    assert (z.items_read, z.items_accepted, z.skip_reasons) == (
        d.items_read, d.items_accepted, d.skip_reasons,
    )  # fmt: skip
    assert sorted(z.records.source_key) == sorted(d.records.source_key)
    assert z.me_hints == d.me_hints
    assert set(z.records.source_file) == {str(export)}
    assert z.records.locator.str.startswith("Basic_LinkedInDataExport_12-16-2024/").all()


@pytest.mark.parametrize("name", sorted(SAMPLE_COUNTS))
def test_sample_user_identifiers_are_the_profile_and_address_hints_of_read(name):
    folder = sample(name)
    ids = linkedin.user_identifiers(folder)
    hints = linkedin.read(folder, NO_ME).me_hints
    # read() may add a profile URL it finds in the messages; addresses are the same.
    assert set(ids) <= set(hints)
    assert [h for h in hints if "@" in h] == [i for i in ids if "@" in i]
    assert ids == sorted(i for i in ids if "@" not in i) + sorted(i for i in ids if "@" in i)


def test_sample_user_identifiers_values():
    assert linkedin.user_identifiers(sample("silkyrich_synthetic_export")) == [
        "ada.example@example.com",
        "ada.personal@example.com",
    ]
    folder = sample("derived_2024-12_export")
    assert linkedin.user_identifiers(folder / "Email Addresses.csv") == [
        "dara.grnwald75@org14.example",
        "sven.vergaard94@org14.example",
    ]
    assert linkedin.user_identifiers(folder / "messages.csv") == []
    assert linkedin.user_identifiers(sample("derived_2021-06_export")) == []


def test_sample_single_csv_files():
    folder = sample("derived_2024-12_export")
    conns = linkedin.read(folder / "Connections.csv", NO_ME)
    assert (conns.items_read, conns.items_accepted) == (60, 60)
    msgs = linkedin.read(folder / "messages.csv", NO_ME)
    assert_accounting(msgs)
    assert msgs.me_hints == ["https://www.linkedin.com/in/jonas-da-silva"]  # by frequency
    assert (msgs.items_read, msgs.items_accepted) == (49, 30)
    with pytest.raises(UnreadableInput, match="Positions.csv"):
        linkedin.read(sample("derived_2018-11_complete_export") / "Positions.csv", NO_ME)
    for f in sorted(folder.iterdir()):
        head = f.read_bytes()[:65536]
        expected = f.name in {"Connections.csv", "messages.csv", "Invitations.csv",
                              "Profile.csv", "Email Addresses.csv", "coach_messages.csv",
                              "learning_coach_messages.csv"}  # fmt: skip
        assert linkedin.sniff(f, head) is expected, f.name


def test_contacts_csv_of_a_complete_export_is_read(tmp_path):
    # Complete exports hold the synced address book as Contacts.csv (the Imported
    # Contacts format; Source GOOGLE_CONTACTS or MOBILE_CONTACTS; "null" where the source
    # had nothing; several numbers in one cell), with the spaced headers of Imported
    # Contacts and a GOOGLE_CONTACTS row; test_a_real_contacts_csv_is_read has a real one.
    write(tmp_path, "Connections.csv",
          "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
          "Ann,Lee,https://www.linkedin.com/in/ann-lee,,Acme,CTO,01 Mar 2024\n")  # fmt: skip
    write(tmp_path, "Contacts.csv",
          "Source,First Name,Last Name,Companies,Title,Emails,Phone Numbers,Created At,"
          "Addresses,Sites,Instant Message Handles,Full Name,Birthday,Location,"
          "Bookmarked At,Profiles\n"
          'GOOGLE_CONTACTS,Bo,Berg,null,null,bo@example.org,"+46 8 123 456 +1 415 555 0100",'
          '"7/22/22, 3:13 PM",,,,Bo Berg,,,,\n'
          "MOBILE_CONTACTS,Cy,,null,,,0351 223344,,,,,Cy,,,,\n")  # fmt: skip
    e = linkedin.read(tmp_path, NO_ME)
    assert_accounting(e)
    got = by_key(e)
    assert got["bo@example.org"]["company_raw"] is None
    assert list(got["bo@example.org"]["phones_raw"]) == ["+46 8 123 456", "+1 415 555 0100"]
    assert got["tel:0351223344"]["name_raw"] == "Cy"
    assert e.items_read == 3 and e.items_accepted == 3


def test_a_real_contacts_csv_is_read(tmp_path):
    # The structure of a real export's Contacts.csv (tests/fixtures/linkedin, derived from
    # apk0703/linkdin_profile_analysis: every value replaced): headers without spaces,
    # MOBILE_CONTACTS rows, one number in two or three forms in a quoted cell with a
    # leading space, national numbers, an e-mail, a row with a number and no name.
    shutil.copyfile(FIXTURES / "Contacts-apk0703-derived.csv", tmp_path / "Contacts.csv")
    e = linkedin.read(tmp_path, NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted) == (15, 15) and e.rejects.empty
    got = by_key(e)
    assert list(got["tel:+918123456701"]["phones_raw"]) == ["+91 81234 56701", "+918123456701"]
    assert got["tel:+918123456701"]["name_raw"] == "Aarti"
    assert got["tel:+918123456701"]["observed_at"] == datetime(2022, 11, 22, 19, tzinfo=UTC)
    assert got["hari.pre@example.com"]["family_name_raw"] == "Pre"
    assert got["tel:+918123456710"]["name_raw"] is None
    # National numbers carry the file's usual country code for normalise to read them.
    assert got["tel:8123456703"]["phone_region"] == "IN"
    assert got["tel:+918123456705"]["phone_region"] is None


def test_linkedins_own_messages_are_automated(tmp_path):
    # Rows LinkedIn writes into the user's inbox (seen in 2021-2026 exports).
    body = MSG_HEADER_2024 + "".join(
        _msg(f"c{i}", sender, "", "Me Myself", ME_URL, "2024-12-05 14:03:11 UTC")
        for i, sender in enumerate(
            [
                "LinkedIn Marketing Solutions",
                "Maya from LinkedIn Premium",
                "LinkedIn Premium",
                "Nikita @ LinkedIn Learning",
            ]
        )
    )
    e = linkedin.read(write(tmp_path, "messages.csv", body), ReadOptions(me=frozenset({ME_URL})))
    assert_accounting(e)
    assert e.skip_reasons == {"automated": 4} and e.records.empty


def test_linkedins_premium_offers_in_a_real_messages_csv_are_no_people(tmp_path):
    # The structure of a real 2024-25 messages.csv (tests/fixtures/linkedin, derived from
    # predator-911/Portfolio2: values replaced): LinkedIn's Premium and Sales Navigator
    # offers come as "Sponsored Conversation" from "LinkedIn Member" without a profile
    # URL, next to sponsored InMail from a school and a named sender.
    path = FIXTURES / "messages-predator911-derived.csv"
    e = linkedin.read(path, NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted) == (7, 2) and e.skip_reasons == {"sponsored": 5}
    assert sorted(e.records["name_raw"]) == ["Meera Iyer", "Rohan Mehta"]
    assert e.me_hints == ["https://www.linkedin.com/in/asha-verma-0a1b2c3d4"]
    assert e.interactions["direction"].tolist() == ["inbound", "inbound"]
    # With one conversation left, nothing can be counted; the sponsored messages, all
    # sent to the account, still say who the user is (before: "user_not_identified").
    one = [line for line in path.read_text().splitlines() if "Meera" not in line]
    e = linkedin.read(write(tmp_path, "messages.csv", "\n".join(one) + "\n"), NO_ME)
    assert (e.items_accepted, e.skip_reasons) == (1, {"sponsored": 5})
    assert e.records["name_raw"].tolist() == ["Rohan Mehta"]
    assert e.interactions["direction"].tolist() == ["inbound"]


def test_a_real_2023_messages_csv_sponsored_rows_and_system_rows():
    # The structure of a real 2023 messages.csv (tests/fixtures/linkedin, derived from
    # 4annadaneshwari/LinkedIn-Data-Analysis: values replaced): a "Sponsored Conversation"
    # from "LinkedIn Member" in plain text (no spinmail markup; it counted as a person
    # who hid their profile before), "Nikita @ LinkedIn Learning", LinkedIn's empty
    # "Message request accepted" rows, a recruiter's InMail with a subject, a name in
    # Kannada script.
    e = linkedin.read(FIXTURES / "messages-annadaneshwari-derived.csv", NO_ME)
    assert_accounting(e)
    assert (e.items_read, e.items_accepted, e.items_rejected) == (9, 6, 0)
    assert e.skip_reasons == {"sponsored": 2, "no_counterpart": 1}
    assert e.me_hints == ["https://www.linkedin.com/in/kavyarao"]
    assert sorted(e.records["name_raw"]) == [
        "Arjun Shetty",
        "Divya Singh",
        "Neha Kulkarni",
        "ಅನನ್ಯ/ Ananya",
    ]
    assert e.interactions["direction"].value_counts().to_dict() == {"inbound": 3, "outbound": 3}


def test_excel_resave_keeps_utf8_rows_next_to_cp1252_ones(tmp_path):
    # The Excel re-save sample (cp1252) with one row as LinkedIn wrote it, in UTF-8: its
    # "Ágnes" holds byte 0x81, which cp1252 lacks, and that row was rejected.
    source = SAMPLES / "derived_2026-01_excel_cp1252_resave" / "Connections.csv"
    if not source.is_file():
        pytest.skip("shared samples not available")
    sample = source.read_bytes()
    utf8_row = "Ágnes,Kovács,https://www.linkedin.com/in/agnes-kovacs,,Contoso,CFO,3-Jan-26\n"
    path = write(tmp_path, "Connections.csv", sample + utf8_row.encode("utf-8"))
    e = linkedin.read(path, NO_ME)
    assert_accounting(e)
    assert e.rejects.empty
    got = by_key(e)["https://www.linkedin.com/in/agnes-kovacs"]
    assert (got["given_name_raw"], got["family_name_raw"]) == ("Ágnes", "Kovács")
    assert by_key(e)["https://www.linkedin.com/in/ishaan-papadopoulos"]["family_name_raw"] == (
        "Grünwald"
    )
