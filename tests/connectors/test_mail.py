"""Tests of the mail connector: mbox variants, .eml, Maildir, classification and "me"."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from connectors import mail
from connectors.base import ReadOptions, UnreadableInput, stable_id
from connectors.mail import extract as mail_extract
from connectors.mail import mbox as mail_mbox
from connectors.mail import shards as mail_shards
from connectors.mail import summary as mail_summary
from connectors.mail.addresses import parse_addresses
from connectors.mail.dates import parse_date
from connectors.mail.headers import decode_words
from tests.samples import SAMPLES as ALL_SAMPLES

# The shared samples live next to the repository (../shared/samples); never copied in.
SAMPLES = ALL_SAMPLES / "mail"
NO_ME = ReadOptions()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def message(
    frm: str,
    to: str,
    *,
    date: str | None = "Mon, 01 Jan 2024 10:00:00 +0000",
    msgid: str | None = None,
    extra: str = "",
    body: str = "Hello.\n",
    cc: str | None = None,
) -> str:
    lines = [f"From: {frm}", f"To: {to}"]
    if cc:
        lines.append(f"Cc: {cc}")
    if date:
        lines.append(f"Date: {date}")
    if msgid:
        lines.append(f"Message-ID: {msgid}")
    lines.append("Subject: hi")
    text = "\n".join(lines) + "\n" + extra
    return text + "\n" + body


def mbox(
    *messages: str, separator: str = "From someone@example.com Mon Jan  1 10:00:00 2024"
) -> str:
    return "".join(f"{separator}\n{m}\n" for m in messages)


def interactions_by_key(extract) -> dict[str, list[dict]]:
    recs = dict(zip(extract.records["record_id"], extract.records["source_key"], strict=True))
    out: dict[str, list[dict]] = {}
    for row in extract.interactions.to_dict("records"):
        out.setdefault(recs[row["record_id"]], []).append(row)
    return out


def names(extract) -> dict[str, str | None]:
    return {
        k: (None if pd.isna(n) else n)
        for k, n in zip(extract.records["source_key"], extract.records["name_raw"], strict=True)
    }


# -- sniff -----------------------------------------------------------------------------------


def test_sniff_accepts_mbox_and_eml_and_refuses_others(tmp_path: Path) -> None:
    assert mail.sniff(tmp_path / "a", b"From - \nFrom: a@b.c\n\nbody\n")
    assert mail.sniff(tmp_path / "a", b"\xef\xbb\xbfFrom 1@xxx\nSubject: x\n\n")
    assert mail.sniff(tmp_path / "a.eml", b"Return-Path: <a@b.c>\nFrom: a@b.c\nTo: d@e.f\n\nhi")
    assert mail.sniff(tmp_path / "a.eml", b"\xef\xbb\xbfFrom: <a@b.c>\r\nDate: x\r\n\r\nhi")
    assert not mail.sniff(tmp_path / "c.vcf", b"BEGIN:VCARD\nVERSION:3.0\nFN:Jo\nEND:VCARD\n")
    assert not mail.sniff(tmp_path / "c.csv", b'Notes:\n"When exporting"\n\nFirst Name,Last Name\n')
    assert not mail.sniff(tmp_path / "t.txt", b"From here to eternity\nis a film.\n")
    assert not mail.sniff(tmp_path / "x.bin", bytes(range(256)))
    assert not mail.sniff(tmp_path / "e", b"")
    assert not mail.sniff(tmp_path / "m.msg", b"From: a@b.c\nTo: d@e.f\n\n")
    assert not mail.sniff(tmp_path / "m", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert not mail.sniff(tmp_path / "m", b"!BDN" + b"\0" * 100)


# -- real samples ----------------------------------------------------------------------------


def sample(rel: str) -> Path:
    path = SAMPLES / rel
    if not path.exists():
        pytest.skip(f"sample {rel} not available")
    return path


def test_sample_heads_are_sniffed_as_this_connector_reads_them() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("samples not available")
    files = sorted(p for p in SAMPLES.rglob("*") if p.is_file())
    for path in files:
        head = path.read_bytes()[:65536]
        expected = path.suffix not in (".msg", ".pst")
        assert mail.sniff(path, head) is expected, path.name


def test_netscape_content_length_mbox_reads_29_messages() -> None:
    ex = mail.read(sample("mimekit/mbox_content-length.mbox.txt"), NO_ME)
    assert ex.items_read == 29
    assert ex.items_accepted == 11
    # Return-Path: <> and a multipart/report from the post office; Precedence: bulk list
    # mail, and four posts of four people to smime-dev@rsa.com, a 1996 list that wrote
    # no list header; the mailbox owner's notes to himself.
    assert ex.skip_reasons == {"automated": 2, "mailing_list": 10, "to_self": 5}
    assert ex.rejects[["locator", "reason"]].values.tolist() == [
        ["byte 818963", "no usable From address"]
    ]
    # The broken address's shape, not the address.
    assert "aaaaaaa!aaaaaaaa@aaaaa@aaaaa.aaa.aaa" in ex.rejects["excerpt"][0]
    assert ex.me_hints == ["jwz@netscape.com"]
    assert "jwz@netscape.com" not in set(ex.records["source_key"])
    got = interactions_by_key(ex)
    chuck = got["chrlsim@futureone.com"]
    assert [(r["occurred_at"], r["direction"]) for r in chuck] == [
        (utc(1997, 8, 19, 4, 7, 7), "inbound")
    ]
    assert chuck[0]["thread_key"] == "<33F91BEB.10E2A9D5@futureone.com>"
    assert names(ex)["chrlsim@futureone.com"] == "Chuck Simmons"
    # "izzy@scr.atm.com (Dr. Mark K. Joseph)": the comment is the name.
    assert names(ex)["izzy@scr.atm.com"] == "Dr. Mark K. Joseph"
    # jwz writing to his other address is outbound; the inference knows one address only.
    assert [r["direction"] for r in got["jwz@urchin.mcom.com"]] == ["outbound"]
    # "Tue, 28 May 1996 12:24:23 cst" is a US zone name.
    assert "ray2@frontiertech.com" not in got  # his post reached jwz through smime-dev
    assert parse_date("Tue, 28 May 1996 12:24:23 cst") == utc(1996, 5, 28, 18, 24, 23)


def test_gmail_style_from_id_lines_without_dates() -> None:
    ex = mail.read(sample("mimekit/mbox_issue1189.mbox.txt"), NO_ME)
    assert ex.items_read == 4 and ex.items_accepted == 4
    assert ex.me_hints == ["sender@example.com"]
    assert ex.records["source_key"].tolist() == ["recipient@example.com"]
    assert ex.records["name_raw"].tolist() == ["Recipient"]
    rows = ex.interactions.sort_values("occurred_at")
    assert set(rows["direction"]) == {"outbound"}
    assert rows["occurred_at"].tolist()[0] == utc(2025, 9, 26, 17, 18, 40)
    assert rows["thread_key"].tolist()[1] == "<fb45a588-31d2-48f4-abec-9f0f2accfee7@example.com>"


def test_unmunged_from_lines_in_bodies_do_not_split_messages() -> None:
    path = sample("mimekit/mbox_unmunged.mbox.txt")
    raws = list(mail_mbox.scan_mbox(path))
    # BOM skipped; "From Russia with love" (twice) stays in the bodies.
    assert [r.offset for r in raws] == [3, 245]
    ex = mail.read(path, NO_ME)
    assert ex.items_read == 2
    # Neither message has a Date or Received header and "From -" carries no date: no
    # longer rejects for that; Jeff wrote both to nobody.
    assert ex.rejects.empty and ex.skip_reasons == {"no_recipients": 2}


def test_simple_mbox_notes_to_self() -> None:
    ex = mail.read(sample("mimekit/mbox_simple.mbox.txt"), NO_ME)
    assert ex.items_read == 3
    assert ex.skip_reasons == {"to_self": 3}
    assert ex.me_hints == ["fejj@gnome.org"]
    assert ex.records.empty


@pytest.mark.parametrize(
    ("rel", "reason"),
    [
        ("mimekit/messages_delivery-status.txt", "automated"),
        ("mimekit/messages_delivery-status2.txt", "automated"),
        ("mimekit/messages_disposition-notification.txt", "automated"),
        ("mimekit/messages_feedback-report.txt", "automated"),
        ("mimekit/messages_bounce.txt", "automated"),
        ("mimekit/messages_epilogue.txt", "mailing_list"),
        ("mail-parser/mail_malformed_2.eml", "automated"),
        ("mail-parser/mail_test_6.eml", "automated"),
        ("mail-parser/mail_test_15.eml", "automated"),
        ("mail-parser/mail_test_13.eml", "mailing_list"),
        ("mail-parser/mail_test_5.eml", "mailing_list"),
        ("mail-parser/mail_test_16.eml", "mailing_list"),
    ],
)
def test_sample_reports_bounces_and_lists_are_skipped(rel: str, reason: str) -> None:
    ex = mail.read(sample(rel), NO_ME)
    assert ex.items_read == 1
    assert ex.skip_reasons == {reason: 1}
    assert ex.records.empty and ex.interactions.empty


def test_sample_eml_encoded_names_and_8bit_headers() -> None:
    ex = mail.read(sample("mail-parser/mail_test_12.eml"), NO_ME)
    assert names(ex) == {"baoguan@hotmail.com": "张先生"}  # =?GB2312?B?...?=
    assert ex.interactions["occurred_at"].tolist() == [utc(2018, 5, 13, 4, 32, 22)]
    assert ex.interactions["direction"].tolist() == ["inbound"]

    ex = mail.read(sample("mail-parser/mail_test_1.eml"), NO_ME)
    assert names(ex) == {"suvorov.s@nalg.ru": "служба ФНС Даниил Суворов"}
    # No Date header: the first Received header's date.
    assert ex.interactions["occurred_at"].tolist() == [utc(2016, 8, 22, 14, 23, 1)]


def test_sample_address_as_display_name_and_comma_names() -> None:
    ex = mail.read(sample("mail-parser/mail_test_19.eml"), NO_ME)
    # "alice@example.com <bob@example.com>" is bob, and "alice@..." is no name.
    assert names(ex) == {"bob@example.com": None}
    assert ex.interactions["thread_key"].tolist() == ["<test-email-as-name@example.com>"]

    me = ReadOptions(me=frozenset({"comma.name@example.com"}))
    ex = mail.read(sample("mail-parser/mail_test_18.eml"), me)
    assert ex.me_hints == ["comma.name@example.com"]
    assert names(ex) == {
        "tony.stark@example.com": None,  # its encoded name is just the address
        "simple@example.net": None,
        "john.doe@example.com": 'John "Johnny" Doe',
    }
    assert set(ex.interactions["direction"]) == {"outbound"}
    ex = mail.read(sample("mail-parser/mail_test_18.eml"), NO_ME)
    assert names(ex) == {"comma.name@example.com": "LastßlName, FirstName"}


def test_sample_encoded_word_address_and_undisclosed_recipients() -> None:
    ex = mail.read(sample("mail-parser/mail_test_17.eml"), NO_ME)
    assert ex.records["source_key"].tolist() == ["notificaccion-clientes@bbva.mx"]
    assert parse_addresses("Undisclosed-Recipients:;") == []
    assert parse_addresses("unlisted-recipients:; (no To-header on input)") == []


def test_sample_without_any_date_still_names_its_correspondent() -> None:
    ex = mail.read(sample("mimekit/messages_rfc2060.txt"), NO_ME)
    assert ex.items_read == 1 and ex.items_accepted == 1
    assert ex.interactions.empty and ex.records["locator"].tolist() == ["byte 0"]


@pytest.mark.parametrize("rel", ["mail-parser/mail_outlook_1.msg", "pst/dist-list.pst"])
def test_outlook_files_are_unreadable_with_a_clear_message(rel: str) -> None:
    path = sample(rel)
    with pytest.raises(UnreadableInput, match="mbox") as info:
        mail.read(path, NO_ME)
    assert str(path) in str(info.value)


# -- mbox variants -----------------------------------------------------------------------------


TAKEOUT = (
    "From 1780000000000000001@xxx Mon Jan 01 09:00:00 +0000 2024\n"
    "X-GM-THRID: 1\nX-Gmail-Labels: Inbox,Opened\n"
    + message("Ann Other <ann@example.com>", "Me <me@gmail.com>", msgid="<a1@x>")
    + "\nFrom 1780000000000000002@xxx Mon Jan 01 10:00:00 +0000 2024\n"
    "X-GM-THRID: 1\nX-Gmail-Labels: Sent\n"
    + message(
        "Me <me@gmail.com>",
        "Ann Other <ann@example.com>, bob@example.com",
        cc='"Smith, John" <john@example.com>',
        msgid="<a2@x>",
        extra="Bcc: hidden@example.com\n",
    )
    + "\nFrom 1780000000000000003@xxx Mon Jan 01 11:00:00 +0000 2024\n"
    "X-Gmail-Labels: Drafts\n"
    + message("Me <me@gmail.com>", "ann@example.com", msgid="<a3@x>")
    + "\nFrom 1780000000000000004@xxx Mon Jan 01 12:00:00 +0000 2024\n"
    "X-Gmail-Labels: Spam,Unread\n"
    + message("Win <win@lottery.example>", "me@gmail.com", msgid="<a4@x>")
    + "\nFrom 1780000000000000005@xxx Mon Jan 01 13:00:00 +0000 2024\n"
    "X-Gmail-Labels: Inbox,Category Updates\n"
    + message(
        "News <news@example.org>",
        "me@gmail.com",
        msgid="<a5@x>",
        extra="List-Unsubscribe: <mailto:u@example.org>\n",
    )
    + "\nFrom 1780000000000000006@xxx Mon Jan 01 14:00:00 +0000 2024\n"
    "X-Gmail-Labels: Inbox\n"
    + message(
        "Carol <carol@example.com>",
        "ann@example.com, bob@example.com, dave@example.com",
        msgid="<a6@x>",
    )
)


def test_takeout_mbox_labels_decide_me_drafts_and_spam(tmp_path: Path) -> None:
    ex = mail.read(write(tmp_path, "All mail.mbox", TAKEOUT), NO_ME)
    assert ex.items_read == 6
    assert ex.skip_reasons == {"draft": 1, "mailing_list": 1, "spam": 1}
    assert ex.items_accepted == 3
    # ann@ takes part in more messages than me@, but Gmail's Sent label names the user.
    assert ex.me_hints == ["me@gmail.com"]
    got = interactions_by_key(ex)
    assert sorted(got) == [
        "ann@example.com",
        "bob@example.com",
        "carol@example.com",
        "hidden@example.com",
        "john@example.com",
    ]
    assert sorted(r["direction"] for r in got["ann@example.com"]) == ["inbound", "outbound"]
    assert [r["direction"] for r in got["hidden@example.com"]] == ["outbound"]
    # Carol wrote to others only; it is still in the user's mailbox, so inbound.
    assert [r["direction"] for r in got["carol@example.com"]] == ["inbound"]
    assert names(ex)["john@example.com"] == "Smith, John"
    assert names(ex)["ann@example.com"] == "Ann Other"
    assert "me@gmail.com" not in names(ex) and "win@lottery.example" not in names(ex)
    assert "news@example.org" not in names(ex)
    # Gmail's thread id groups the conversation (interaction_id still uses Message-ID).
    assert {r["thread_key"] for r in got["bob@example.com"]} == {"gm:1"}
    assert ex.records["emails_raw"].tolist()[0] == ["ann@example.com"]


def test_read_is_deterministic(tmp_path: Path) -> None:
    path = write(tmp_path, "a.mbox", TAKEOUT)
    a, b = mail.read(path, NO_ME), mail.read(path, NO_ME)
    assert a.records.equals(b.records) and a.interactions.equals(b.interactions)
    assert sorted(a.interactions["interaction_id"]) == sorted(b.interactions["interaction_id"])


def test_mboxrd_escaped_from_lines_stay_in_bodies(tmp_path: Path) -> None:
    body = (
        "Quoting:\n\n>From the archive\n>>From deeper\n\n"
        ">From x@y.z Mon Jan  1 00:00:00 2024\nA: b\n"
    )
    text = mbox(
        message("a@example.com", "me@example.com", msgid="<1@x>", body=body),
        message("b@example.com", "me@example.com", msgid="<2@x>", body=body),
    )
    ex = mail.read(write(tmp_path, "rd.mbox", text), NO_ME)
    assert ex.items_read == 2 and ex.items_accepted == 2
    assert ex.me_hints == ["me@example.com"]
    assert sorted(ex.records["source_key"]) == ["a@example.com", "b@example.com"]


def test_unescaped_from_lines_in_bodies(tmp_path: Path) -> None:
    body = (
        "Some text.\n\nFrom Russia with love\nYear: 1963\n\n"
        "From me@example.com: see below\n\nFrom here on\n"
        "From 10:30 to 12:00 in 2024\nRoom: 5\n"
    )
    text = mbox(
        message("a@example.com", "me@example.com", msgid="<1@x>", body=body),
        message("b@example.com", "me@example.com", msgid="<2@x>"),
        separator="From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
    )
    path = write(tmp_path, "o.mbox", text)
    assert len(list(mail_mbox.scan_mbox(path))) == 2
    assert mail.read(path, NO_ME).items_accepted == 2


def test_separators_without_blank_line_and_weak_separators(tmp_path: Path) -> None:
    m1 = message("a@example.com", "me@example.com", msgid="<1@x>", body="no trailing blank\n")
    m2 = message("b@example.com", "me@example.com", msgid="<2@x>")
    m3 = message("c@example.com", "me@example.com", msgid="<3@x>")
    # Thunderbird's "From - " and a dated line split even right after a body line; the
    # date-less "From id@xxx" only after a blank line.
    text = (
        "From - Mon Jun  3 12:50:27 1996\n" + m1
        + "From x@y Tue Jan  2 10:00:00 2024\n" + m2
        + "From 123@xxx\n" + m3
        + "\nFrom 456@xxx\n" + m3.replace("<3@x>", "<4@x>")
    )  # fmt: skip
    raws = list(mail_mbox.scan_mbox(write(tmp_path, "t.mbox", text)))
    assert [r.separator for r in raws] == [
        b"- Mon Jun  3 12:50:27 1996",
        b"x@y Tue Jan  2 10:00:00 2024",
        b"456@xxx",
    ]
    assert b"From: c@example.com" not in raws[1].header  # stayed in message 2's body


def test_message_without_body_before_next_separator(tmp_path: Path) -> None:
    text = (
        "From - \nFrom: a@example.com\nTo: me@example.com\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
        "From - \nFrom: b@example.com\nTo: me@example.com\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
    )
    raws = list(mail_mbox.scan_mbox(write(tmp_path, "nb.mbox", text)))
    assert [r.header.splitlines()[0] for r in raws] == [
        b"From: a@example.com",
        b"From: b@example.com",
    ]


def test_crlf_mbox_with_bom(tmp_path: Path) -> None:
    text = "\ufeff" + mbox(
        message("Ann <ann@example.com>", "me@example.com", msgid="<1@x>"),
        message("Bob <bob@example.com>", "me@example.com", msgid="<2@x>"),
        message("me@example.com", "Ann <ann@example.com>", msgid="<3@x>"),
    )
    path = write(tmp_path, "crlf.mbox", text.replace("\n", "\r\n"))
    ex = mail.read(path, NO_ME)
    assert ex.items_read == 3 and ex.items_accepted == 3
    assert ex.me_hints == ["me@example.com"]
    assert names(ex) == {"ann@example.com": "Ann", "bob@example.com": "Bob"}
    second = path.read_bytes().index(b"\r\nFrom someone") + 2
    assert ex.records["locator"].tolist() == ["byte 3", f"byte {second}"]


def test_offsets_after_bom_and_leading_blank_lines(tmp_path: Path) -> None:
    one = message("a@example.com", "me@example.com", msgid="<1@x>")
    path = write(tmp_path, "b.mbox", "\ufeff\n\n" + mbox(one, one.replace("<1@x>", "<2@x>")))
    data = path.read_bytes()
    offsets = [r.offset for r in mail_mbox.scan_mbox(path)]
    assert offsets == [5, data.index(b"\nFrom someone", 6) + 1]
    assert all(data[o : o + 5] == b"From " for o in offsets)


def test_dates_from_received_and_separator_and_timezones(tmp_path: Path) -> None:
    received = "Received: from mx by host; Tue, 2 Jan 2024 08:30:00 +0200 (EET)\n"
    text = mbox(
        message("a@example.com", "me@example.com", date=None, msgid="<1@x>", extra=received),
        message("b@example.com", "me@example.com", date=None, msgid="<2@x>"),
        message("c@example.com", "me@example.com", date="3 Jan 2024 10:00:00", msgid="<3@x>"),
        message("d@example.com", "me@example.com", date="garbage", msgid="<4@x>"),
        separator="From someone@example.com Fri Jul  8 12:08:34 2011",
    )
    ex = mail.read(write(tmp_path, "d.mbox", text), NO_ME)
    when = {k: v[0]["occurred_at"] for k, v in interactions_by_key(ex).items()}
    assert when == {
        "a@example.com": utc(2024, 1, 2, 6, 30),
        "b@example.com": utc(2011, 7, 8, 12, 8, 34),
        "c@example.com": utc(2024, 1, 3, 10, 0),  # naive -> UTC
        "d@example.com": utc(2011, 7, 8, 12, 8, 34),
    }
    assert all(ts.tzinfo is not None for ts in ex.interactions["occurred_at"])


def test_message_without_any_date_names_its_correspondent(tmp_path: Path) -> None:
    text = mbox(
        message("a@example.com", "me@example.com", date=None, msgid="<1@x>"),
        message("b@example.com", "me@example.com", date="not a date", msgid="<2@x>"),
        message("c@example.com", "me@example.com", msgid="<3@x>"),
        separator="From -",
    )
    ex = mail.read(write(tmp_path, "nd.mbox", text), NO_ME)
    assert ex.items_read == 3 and ex.items_accepted == 3 and ex.rejects.empty
    assert sorted(ex.records["source_key"]) == ["a@example.com", "b@example.com", "c@example.com"]
    assert ex.interactions["record_id"].tolist() == [
        r
        for r, k in zip(ex.records["record_id"], ex.records["source_key"], strict=True)
        if k == "c@example.com"
    ]


def test_garbage_messages_are_rejects_and_the_file_goes_on(tmp_path: Path) -> None:
    text = (
        "From - \nX-Junk: \x01\x02\xff\xfe\nnothing useful\n\n\x00\x00binary\n"
        "\nFrom - \nFrom: <>\nTo: me@example.com\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n"
        "\nFrom - \nTo: me@example.com\n\n"
        "\nFrom - \n" + message("a@example.com", "me@example.com", msgid="<1@x>")
    )
    ex = mail.read(write(tmp_path, "g.mbox", text.encode("latin-1")), NO_ME)
    assert ex.items_read == 4 and ex.items_accepted == 1
    assert ex.rejects["reason"].tolist() == [
        "no From header",
        "no usable From address",
        "no From header",
    ]
    assert ex.rejects["locator"].tolist()[0] == "byte 0"
    assert "From: <>" in ex.rejects["excerpt"].tolist()[1]


def test_not_mail_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match=r"notmail\.bin.*expected an mbox"):
        mail.read(write(tmp_path, "notmail.bin", bytes(range(256)) * 10), NO_ME)
    with pytest.raises(UnreadableInput, match="expected an mbox"):
        mail.read(write(tmp_path, "story.txt", "Once upon a time\nthere was mail.\n"), NO_ME)
    (tmp_path / "folder").mkdir()
    with pytest.raises(UnreadableInput, match="not a Maildir"):
        mail.read(tmp_path / "folder", NO_ME)
    ex = mail.read(write(tmp_path, "empty.mbox", b""), NO_ME)
    assert ex.items_read == 0 and ex.records.empty and ex.interactions.empty


# -- classification ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frm", "extra", "reason"),
    [
        ("a@example.com", "List-Id: <dev.lists.example.com>\n", "mailing_list"),
        ("a@example.com", "List-Unsubscribe: <https://u.example>\n", "mailing_list"),
        ("a@example.com", "Precedence: bulk\n", "mailing_list"),
        ("a@example.com", "Precedence: list\n", "mailing_list"),
        ("a@example.com", "Sender: owner-dev@lists.example.com\n", "mailing_list"),
        (
            "a@example.com",
            "Return-Path: <dev-bounces+me=example.com@lists.example>\n",
            "mailing_list",
        ),
        ("a@example.com", "Auto-Submitted: auto-replied\n", "automated"),
        ("a@example.com", "Return-Path: <>\n", "automated"),
        (
            "a@example.com",
            "Content-Type: multipart/report; report-type=delivery-status\n",
            "automated",
        ),
        ("a@example.com", "Precedence: auto_reply\n", "automated"),
        ("Shop <no-reply@shop.example>", "", "automated"),
        ("noreply@github.example", "", "automated"),
        ("DoNotReply@bank.example", "", "automated"),
        ("MAILER-DAEMON@mx.example", "", "automated"),
        ("notifications@service.example", "", "automated"),
        ("bounce-123@esp.example", "", "automated"),
        # Twitter's notices carry a person's name; Mailman writes from list+owner and
        # list-bounces; platforms send from their own domains.
        ('"Attractive Quotes (via Twitter)" <notify@twitter.com>', "", "automated"),
        ("dev+owner@lists.example.org", "", "automated"),
        # A platform's notice in a member's name, sent by its no-reply mailbox.
        (
            "Ann Lee via LinkedIn <member@linkedin.com>",
            "Sender: messages-noreply@bounce.linkedin.com\n",
            "automated",
        ),
        ("Twitter <n-abc=example.com-1f2e3@postmaster.twitter.com>", "", "automated"),
        ("Dev list <dev-bounces@lists.example.org>", "", "automated"),
        ("Acme <hello@mail.acme.sendgrid.net>", "", "automated"),
        ("Ann <ann@example.com>", "X-Mailing-List: dev@vger.example\n", "mailing_list"),
        ("Ann <ann@example.com>", "X-BeenThere: dev@lists.example\n", "mailing_list"),
        ("Ann <ann@example.com>", "Mailing-List: contact dev-help@x.example\n", "mailing_list"),
        ("a@example.com", "X-Gmail-Labels: Draft\n", "draft"),
        ("a@example.com", "X-Uniform-Type-Identifier: com.apple.mail-draft\n", "draft"),
    ],
)
def test_classification(tmp_path: Path, frm: str, extra: str, reason: str) -> None:
    ex = mail.read(write(tmp_path, "m.eml", message(frm, "me@example.com", extra=extra)), NO_ME)
    assert ex.skip_reasons == {reason: 1}
    assert ex.records.empty


@pytest.mark.parametrize(
    "extra",
    [
        "Auto-Submitted: no\n",
        "Precedence: first-class\n",
        "Return-Path: <a@example.com>\n",
        # An assistant sending for her manager is a person's Sender, not a platform's.
        "Sender: Pat Assistant <pat@example.com>\n",
    ],
)
def test_direct_messages_stay_direct(tmp_path: Path, extra: str) -> None:
    text = message("Noreen Replyman <noreen@example.com>", "me@example.com", extra=extra)
    ex = mail.read(write(tmp_path, "m.eml", text), NO_ME)
    assert ex.items_accepted == 1
    assert names(ex) == {"noreen@example.com": "Noreen Replyman"}


# -- names and addresses -------------------------------------------------------------------------


def test_encoded_name_with_comma_is_one_address(tmp_path: Path) -> None:
    text = message("=?utf-8?q?Smith=2C_John?= <js@example.com>", "me@example.com", msgid="<1@x>")
    ex = mail.read(write(tmp_path, "m.eml", text), NO_ME)
    assert names(ex) == {"js@example.com": "Smith, John"}
    got = parse_addresses('=?utf-8?Q?Smith, John?= <sj@x.com>, "Doe, Jane" <jd@x.org>, z@x.net')
    assert [(a.key, a.name) for a in got] == [
        ("sj@x.com", "Smith, John"),
        ("jd@x.org", "Doe, Jane"),
        ("z@x.net", None),
    ]


def test_raw_8bit_names_and_unknown_charsets(tmp_path: Path) -> None:
    head = b"From: J\xc3\xbcrgen M\xc3\xbcller <jm@example.de>\nTo: me@example.com\n"
    latin = b"From: Fran\xe7ois <fr@example.fr>\nTo: me@example.com\n"
    date = b"Date: Mon, 1 Jan 2024 00:00:00 +0000\n\nbody\n"
    assert names(mail.read(write(tmp_path, "u.eml", head + date), NO_ME)) == {
        "jm@example.de": "Jürgen Müller"
    }
    assert names(mail.read(write(tmp_path, "l.eml", latin + date), NO_ME)) == {
        "fr@example.fr": "François"
    }
    assert decode_words("=?x-made-up?q?Ann?=") == "Ann"
    assert decode_words("=?utf-8?b?QW5u?= =?utf-8?q?_Lee?=") == "Ann Lee"
    assert decode_words("=?utf-8?b?!!!?=") in ("", "=?utf-8?b?!!!?=")


def test_name_that_is_the_address_is_dropped_and_first_name_wins(tmp_path: Path) -> None:
    text = mbox(
        message('"ann@example.com" <ann@example.com>', "me@example.com", msgid="<1@x>"),
        message("Ann Example <ANN@example.com>", "me@example.com", msgid="<2@x>"),
        message("Annie <ann@example.com>", "me@example.com", msgid="<3@x>"),
    )
    ex = mail.read(write(tmp_path, "n.mbox", text), ReadOptions(me=frozenset({"me@example.com"})))
    assert names(ex) == {"ann@example.com": "Ann Example"}
    assert len(ex.interactions) == 3


def test_parse_date_forms() -> None:
    assert parse_date("Mon, 1 Jan 2024 10:00:00 -0800") == utc(2024, 1, 1, 18)
    assert parse_date("Wed, 20 Sep 1995 00:19:00 (EDT) -0400") == utc(1995, 9, 20, 4, 19)
    assert parse_date("Sun, 7 May 95 16:21:03 GMT") == utc(1995, 5, 7, 16, 21, 3)
    assert parse_date("Mon Jun  3 12:50:27 1996") == utc(1996, 6, 3, 12, 50, 27)
    assert parse_date("Mon, 31 Feb 2024 10:00:00 +0000") is None
    # An unset clock is still a date the message carries (issue 13: never rejected).
    assert parse_date("Thu, 01 Jan 1970 00:00:00 +0000") == utc(1970, 1, 1)
    assert parse_date("") is None


# -- the user ("me") ------------------------------------------------------------------------------


def test_me_from_options_and_notes_to_self(tmp_path: Path) -> None:
    text = mbox(
        message("Me <ME@example.com>", "me@example.com", msgid="<1@x>"),
        message("me@example.com", "ann@example.com, me@example.com", msgid="<2@x>"),
        message("ann@example.com", "other@example.com", msgid="<3@x>"),
        message("me@example.com", "undisclosed-recipients:;", msgid="<4@x>"),
    )
    opts = ReadOptions(me=frozenset({"me@example.com", "me@elsewhere.example"}))
    ex = mail.read(write(tmp_path, "me.mbox", text), opts)
    assert ex.me_hints == ["me@example.com"]
    assert ex.skip_reasons == {"no_recipients": 1, "to_self": 1}
    got = interactions_by_key(ex)
    assert sorted(r["direction"] for r in got["ann@example.com"]) == ["inbound", "outbound"]
    assert list(got) == ["ann@example.com"]


def test_me_inferred_from_participation_in_an_inbox(tmp_path: Path) -> None:
    # An Inbox: Ann writes most, but the user is in every message.
    text = mbox(
        message("ann@example.com", "me@example.com", msgid="<1@x>"),
        message("ann@example.com", "me@example.com", msgid="<2@x>"),
        message("ann@example.com", "me@example.com", msgid="<3@x>"),
        message("bob@example.com", "me@example.com", msgid="<4@x>"),
        message("me@example.com", "bob@example.com", msgid="<5@x>"),
    )
    ex = mail.read(write(tmp_path, "inbox.mbox", text), NO_ME)
    assert ex.me_hints == ["me@example.com"]
    assert sorted(ex.records["source_key"]) == ["ann@example.com", "bob@example.com"]


def test_single_message_infers_no_me(tmp_path: Path) -> None:
    ex = mail.read(write(tmp_path, "one.eml", message("a@example.com", "b@example.com")), NO_ME)
    assert ex.me_hints == []
    assert ex.records["source_key"].tolist() == ["a@example.com"]
    assert ex.interactions["direction"].tolist() == ["inbound"]


def test_duplicate_copies_and_missing_message_ids(tmp_path: Path) -> None:
    dup = message("ann@example.com", "me@example.com", msgid="<same@x>")
    no_id = message("bob@example.com", "me@example.com")
    text = mbox(dup, dup, no_id, no_id, message("me@example.com", "bob@example.com"))
    ex = mail.read(write(tmp_path, "dup.mbox", text), NO_ME)
    assert ex.items_read == 5
    assert ex.skip_reasons == {"duplicate": 2}
    assert len(ex.interactions) == 3
    got = interactions_by_key(ex)
    assert [r["thread_key"] for r in got["ann@example.com"]] == ["<same@x>"]
    assert sorted(r["direction"] for r in got["bob@example.com"]) == ["inbound", "outbound"]


# -- Maildir ---------------------------------------------------------------------------------


def test_maildir(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"):
        (root / sub).mkdir(parents=True)
    (root / "cur" / "1700000001.M1P1.host:2,S").write_text(
        message("Ann <ann@example.com>", "me@example.com", msgid="<1@x>")
    )
    (root / "new" / "1700000000.M2P2.host").write_text(
        message("bob@example.com", "me@example.com", date=None, msgid="<2@x>")
    )
    (root / "cur" / "1700000002.M3P3.host:2,DS").write_text(
        message("me@example.com", "carol@example.com", msgid="<3@x>")
    )
    (root / ".Sent" / "cur" / "1700000003.M4P4.host:2,S").write_text(
        message("me@example.com", "Carol <carol@example.com>", msgid="<4@x>")
    )
    (root / "cur" / ".hidden").write_text("not a message")
    (root / "tmp" / "1700000009.M9P9.host").write_text(message("zed@example.com", "me@x"))
    (root / "cur" / "1700000004.M5P5.host:2,").write_bytes(b"")
    ex = mail.read(root, NO_ME)
    assert ex.items_read == 5
    assert ex.skip_reasons == {"draft": 1}
    assert ex.rejects[["locator", "reason"]].values.tolist() == [
        ["cur/1700000004.M5P5.host:2,", "empty message file"]
    ]
    assert ex.me_hints == ["me@example.com"]
    locators = dict(zip(ex.records["source_key"], ex.records["locator"], strict=True))
    assert locators == {
        "carol@example.com": ".Sent/cur/1700000003.M4P4.host:2,S",
        "ann@example.com": "cur/1700000001.M1P1.host:2,S",
        "bob@example.com": "new/1700000000.M2P2.host",
    }
    got = interactions_by_key(ex)
    # No Date header: the delivery time in the Maildir file name.
    assert got["bob@example.com"][0]["occurred_at"] == utc(2023, 11, 14, 22, 13, 20)
    assert got["carol@example.com"][0]["direction"] == "outbound"


# -- parallel reading of large mbox files ------------------------------------------------------


def tricky_mbox(n: int = 70, crlf: bool = False) -> bytes:
    """An mbox whose messages end in every way the scanner knows, with bodies of many lengths
    so that byte-range shards start and end inside separators, headers and bodies."""
    parts = ["\ufeff"]
    for i in range(n):
        body = f"Line {i}.\n" + "x" * (i * 37 % 300) + "\n"
        frm = f"p{i % 9}@example.com"
        if i % 7 == 0:
            sent = i % 14 == 0
            labels = "Sent" if sent else "Inbox,Opened"
            head = f"From 17800000000000000{i:02d}@xxx Mon Jan 01 09:00:00 +0000 2024\n"
            head += f"X-GM-THRID: {i}\nX-Gmail-Labels: {labels}\n"
            who = ("me@gmail.com", frm) if sent else (frm, "Me <me@gmail.com>")
            parts.append(head + message(*who, msgid=f"<m{i}@x>", body=body) + "\n")
        elif i % 7 == 1:
            body += "\nFrom Russia with love\n>From the archive\nFrom - not a separator\n"
            parts.append("From - \n" + message(frm, "me@gmail.com", msgid=f"<m{i}@x>", body=body))
        elif i % 7 == 2:
            # A weak separator: only after a blank line.
            parts.append("\nFrom 123@xxx\n" + message(frm, "me@gmail.com", msgid=f"<m{i}@x>"))
        elif i % 7 == 3:
            # No body and no blank line before the next (strong) separator.
            parts.append(
                f"From x@y Tue Jan  2 10:00:00 2024\nFrom: {frm}\nTo: me@gmail.com\n"
                f"Date: Tue, 2 Jan 2024 10:00:{i:02d} +0000\nMessage-ID: <m{i}@x>\n"
            )
        elif i % 7 == 4:
            # A copy of the previous message.
            parts.append("From - \n" + message(f"p{(i - 1) % 9}@example.com", "me@gmail.com",
                                               msgid=f"<m{i - 1}@x>"))  # fmt: skip
        elif i % 7 == 5:
            parts.append("From - \nX-Junk: \x01\x02\nnothing useful\n\n\x00binary\n")
        else:
            body += "From me@example.com: see below\nFrom 10:30 to 12:00 in 2024\nRoom: 5\n"
            parts.append(
                "From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n"
                + message(frm, "me@gmail.com, Ann <ann@example.com>", date=None, body=body)
            )
    data = "".join(parts).encode("utf-8")
    return data.replace(b"\n", b"\r\n") if crlf else data


class CountingPool(mail_shards.ProcessPoolExecutor):
    """The connector's process pool, counting how often one is started."""

    started = 0

    def __init__(self, *args, **kwargs):
        type(self).started += 1
        super().__init__(*args, **kwargs)


@pytest.fixture
def pool_spy(monkeypatch: pytest.MonkeyPatch) -> type[CountingPool]:
    monkeypatch.setattr(CountingPool, "started", 0)
    monkeypatch.setattr(mail_shards, "ProcessPoolExecutor", CountingPool)
    return CountingPool


def assert_same_extract(a, b) -> None:
    for frame in ("records", "interactions", "rejects"):
        assert getattr(a, frame).equals(getattr(b, frame)), frame
    assert (a.items_read, a.items_accepted, a.items_rejected, a.skip_reasons, a.me_hints) == (
        b.items_read,
        b.items_accepted,
        b.items_rejected,
        b.skip_reasons,
        b.me_hints,
    )


@pytest.mark.parametrize(("crlf", "shard_bytes"), [(False, 97), (True, 1009)])
def test_parallel_read_equals_serial_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pool_spy: type[CountingPool],
    crlf: bool,
    shard_bytes: int,
) -> None:
    path = write(tmp_path, "tricky.mbox", tricky_mbox(crlf=crlf))
    monkeypatch.setenv(mail_shards.WORKERS_ENV, "1")
    serial = mail.read(path, NO_ME)
    assert pool_spy.started == 0
    # Every shard boundary lands somewhere else: in separators, headers, bodies, CRLFs.
    monkeypatch.setattr(mail_shards, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(mail_shards, "SHARD_BYTES", shard_bytes)
    monkeypatch.setenv(mail_shards.WORKERS_ENV, "2")
    parallel = mail.read(path, NO_ME)
    assert pool_spy.started == 1
    assert_same_extract(parallel, serial)
    assert mail_shards.summarize_mbox(path, workers=2) == mail_mbox.summarize_mbox_range(path)
    # The file has every outcome: accepted, duplicates (copies, and two messages without
    # Message-ID that agree on sender, date and subject), rejects, "me" from Sent.
    assert (serial.items_read, serial.items_accepted, serial.items_rejected) == (70, 49, 10)
    assert serial.skip_reasons == {"duplicate": 11}
    assert serial.me_hints == ["me@gmail.com"]


def test_parallel_read_from_a_thread_of_a_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool_spy: type[CountingPool]
) -> None:
    # Prefect runs extract tasks in threads; the workers must not be forked from there.
    from concurrent.futures import ThreadPoolExecutor

    path = write(tmp_path, "tricky.mbox", tricky_mbox())
    serial = mail.read(path, NO_ME)
    monkeypatch.setattr(mail_shards, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(mail_shards, "SHARD_BYTES", 2048)
    with ThreadPoolExecutor(2) as threads:
        results = list(threads.map(lambda _: mail_shards.summarize_mbox(path, workers=2), range(2)))
    assert pool_spy.started == 2
    assert results[0] == results[1] == mail_mbox.summarize_mbox_range(path)
    assert mail_shards._pool_context().get_start_method() in ("forkserver", "spawn")
    assert_same_extract(mail_extract.build_extract(path, results[0], NO_ME), serial)


def test_workers_do_not_import_the_callers_main_module(tmp_path: Path) -> None:
    # Under `ties` the main module is the CLI, which imports pandas: seconds per worker.
    import subprocess
    import sys

    path = write(tmp_path, "tricky.mbox", tricky_mbox())
    imported = tmp_path / "imported"
    script = tmp_path / "main.py"
    script.write_text(
        "import os, sys\n"
        f"with open({str(imported)!r}, 'a') as f:\n"
        "    f.write(f'{os.getpid()}\\n')\n"
        "from pathlib import Path\n"
        "from connectors.mail import mbox, shards\n"
        "if __name__ == '__main__':\n"
        "    shards.PARALLEL_MIN_BYTES, shards.SHARD_BYTES = 0, 1000\n"
        "    got = shards.summarize_mbox(Path(sys.argv[1]), workers=2)\n"
        "    assert got == mbox.summarize_mbox_range(Path(sys.argv[1]))\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, str(script), str(path)], env=env, check=True, timeout=120)
    assert len(imported.read_text().split()) == 1  # the parent only


def test_small_files_and_one_worker_stay_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool_spy: type[CountingPool]
) -> None:
    path = write(tmp_path, "tricky.mbox", tricky_mbox())
    monkeypatch.setenv(mail_shards.WORKERS_ENV, "4")
    mail.read(path, NO_ME)  # far below PARALLEL_MIN_BYTES
    monkeypatch.setattr(mail_shards, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setenv(mail_shards.WORKERS_ENV, "1")
    mail.read(path, NO_ME)
    assert pool_spy.started == 0


def test_a_pool_that_cannot_start_leaves_the_read_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NoPool:
        def __init__(self, *args, **kwargs):
            raise OSError(24, "Too many open files")

    path = write(tmp_path, "tricky.mbox", tricky_mbox())
    serial = mail.read(path, NO_ME)
    monkeypatch.setattr(mail_shards, "ProcessPoolExecutor", NoPool)
    monkeypatch.setattr(mail_shards, "PARALLEL_MIN_BYTES", 0)
    assert_same_extract(mail.read(path, NO_ME), serial)


def test_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(mail_shards.WORKERS_ENV, raising=False)
    assert mail_shards.mail_workers() >= 1
    monkeypatch.setenv(mail_shards.WORKERS_ENV, " 3 ")
    assert mail_shards.mail_workers() == 3
    monkeypatch.setenv(mail_shards.WORKERS_ENV, "0")
    assert mail_shards.mail_workers() == 1
    monkeypatch.setenv(mail_shards.WORKERS_ENV, "two")
    with pytest.raises(ValueError, match="TIES_MAIL_WORKERS"):
        mail_shards.mail_workers()


def test_shard_workers_import_no_pandas() -> None:
    # A worker process imports only mail_mbox (and mail_headers): with pandas it would
    # take seconds to start instead of tens of milliseconds.
    import subprocess
    import sys

    code = "import sys, connectors.mail.mbox; print('pandas' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "parts",
    [("a",), (None, "", "x"), ("2024-01-01T00:00:00+00:00", "ann@x.org", b"Subject"), ("\udc80",)],
)
def test_stable_id_of_shard_workers_is_the_shared_one(parts: tuple) -> None:
    # One definition (warehouse.ids) serves the shard workers too: no copy to drift.
    assert mail_summary.stable_id is stable_id
    assert mail_summary.stable_id(*parts) == stable_id(*parts)


def test_summaries_share_one_object_per_address(tmp_path: Path) -> None:
    text = mbox(*(message("Ann <ann@example.com>", "Me <me@example.com>") for _ in range(3)))
    summaries = mail_mbox.summarize_mbox_range(write(tmp_path, "s.mbox", text))
    assert len({id(s.sender) for s in summaries}) == 1
    assert len({id(s.recipients[0]) for s in summaries}) == 1


# -- properties ------------------------------------------------------------------------------

_LINES = [
    b"From - ",
    b"From -",
    b"From a@b.c Mon Jan  1 00:00:00 2024",
    b"From 123@xxx",
    b"From Russia with love",
    b">From x",
    b"From: Ann <ann@example.com>",
    b"To: me@example.com",
    b"Date: Mon, 1 Jan 2024 00:00:00 +0000",
    b"Subject: =?utf-8?q?hi?=",
    b"List-Id: <x>",
    b" folded",
    b"",
    b"",
    b"body text",
    b"\xff\xfe\x00",
]
_lines = st.lists(st.sampled_from(_LINES), max_size=40)


def _mbox_bytes(lines: list[bytes], crlf: bool) -> bytes:
    return (b"\r\n" if crlf else b"\n").join(lines)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=_lines,
    crlf=st.booleans(),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\n\n"]),
    max_header=st.sampled_from([mail_mbox.MAX_HEADER_BYTES, 40]),
    cuts=st.lists(st.integers(0, 2000), max_size=4),
)
# Found by this test: a BOM and a blank line before the first separator; a header block
# cut by the size limit just before a separator line.
@example(lines=[b"", b"From - "], crlf=True, prefix=b"\xef\xbb\xbf", max_header=1 << 19, cuts=[200])
@example(
    lines=[b"From - ", b"From 123@xxx", b"From Russia with love", b"From - ", b"From: A <a@b.c>"],
    crlf=False,
    prefix=b"",
    max_header=40,
    cuts=[1],
)
def test_byte_range_shards_concatenate_to_the_whole(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lines: list[bytes],
    crlf: bool,
    prefix: bytes,
    max_header: int,
    cuts: list[int],
) -> None:
    data = prefix + _mbox_bytes(lines, crlf)
    path = tmp_path / "p.mbox"
    path.write_bytes(data)
    monkeypatch.setattr(mail_mbox, "MAX_HEADER_BYTES", max_header)
    whole = list(mail_mbox.scan_mbox(path))
    bounds = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    monkeypatch.setattr(mail_mbox, "BLOCK_SIZE", 7)  # many refills inside lines
    parts = [
        m for a, b in zip(bounds, bounds[1:], strict=False) for m in mail_mbox.scan_mbox(path, a, b)
    ]
    assert parts == whole
    assert [m.offset for m in whole] == sorted({m.offset for m in whole})


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.one_of(st.binary(max_size=600), _lines.map(lambda ls: _mbox_bytes(ls, False))))
def test_read_never_fails_on_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "any.mbox"
    path.write_bytes(data)
    try:
        ex = mail.read(path, NO_ME)
    except UnreadableInput as exc:
        assert str(path) in str(exc)
        return
    ex.check_accounting()
    assert len(ex.rejects) == ex.items_rejected
    assert ex.interactions["record_id"].isin(ex.records["record_id"]).all()


def test_replies_share_the_thread_root(tmp_path):
    from connectors.base import ReadOptions
    from connectors.mail import read

    msgs = [
        "From a@x.org Mon Jan  1 10:00:00 2024\nFrom: Ann <ann@x.org>\nTo: me@me.org\n"
        "Date: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <root@x.org>\n\nhi\n",
        "From me@me.org Mon Jan  1 11:00:00 2024\nFrom: me@me.org\nTo: Ann <ann@x.org>\n"
        "Date: Mon, 1 Jan 2024 11:00:00 +0000\nMessage-ID: <r1@me.org>\n"
        "In-Reply-To: <root@x.org>\nReferences: <root@x.org>\n\nhello\n",
        "From a@x.org Mon Jan  1 12:00:00 2024\nFrom: Ann <ann@x.org>\nTo: me@me.org\n"
        "Date: Mon, 1 Jan 2024 12:00:00 +0000\nMessage-ID: <r2@x.org>\n"
        "In-Reply-To: <r1@me.org>\nReferences: <root@x.org> <r1@me.org>\n\nok\n",
        "From b@y.org Tue Jan  2 12:00:00 2024\nFrom: Bo <bo@y.org>\nTo: me@me.org\n"
        "Date: Tue, 2 Jan 2024 12:00:00 +0000\nMessage-ID: <other@y.org>\n"
        "X-GM-THRID: 1789\n\nnew\n",
    ]
    path = tmp_path / "t.mbox"
    path.write_text("\n".join(msgs))
    extract = read(path, ReadOptions(me=frozenset({"me@me.org"})))
    keys = extract.interactions.sort_values("occurred_at")["thread_key"].tolist()
    assert keys == ["<root@x.org>"] * 3 + ["gm:1789"]
    assert extract.interactions["interaction_id"].is_unique


def test_bytes_read_are_reported_for_progress(tmp_path: Path, monkeypatch) -> None:
    from connectors import progress

    path = write(tmp_path, "tricky.mbox", tricky_mbox())
    progress.reset()
    mail.read(path, NO_ME)
    assert progress.bytes_done() == path.stat().st_size
    monkeypatch.setattr(mail_shards, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(mail_shards, "SHARD_BYTES", 2048)
    progress.reset()
    mail_shards.summarize_mbox(path, workers=2)  # shards read in worker processes
    assert progress.bytes_done() == path.stat().st_size
