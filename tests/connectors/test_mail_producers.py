"""The mail connector on files other producers wrote (tests/fixtures/mail; SOURCES.md there).

mu's test Maildirs as git keeps them (cur/ only, nested), mu4e's encrypted mail through
Exim (Return-path: <>), RFC 5322's appendix messages as mrmime tests them, and a header
imap_tools keeps from a real bug report.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from connectors import mail
from connectors.base import ReadOptions
from connectors.mail.addresses import parse_addresses
from connectors.mail.dates import parse_date
from connectors.registry import discover

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
NO_ME = ReadOptions()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def keys(ex) -> list[str]:
    return sorted(ex.records["source_key"])


def test_a_tree_of_cur_only_maildirs_is_one_mail_input():
    # mu's testdir2 as git stores it: Foo/, bar/ and wom_bat/ with cur/ only (git keeps
    # no empty new/ or tmp/). Before, each message file was an input of its own.
    root = FIXTURES / "mu-testdir2"
    found = discover([root])
    assert [(i.path, i.connector) for i in found.inputs] == [(root.resolve(), "mail")]
    ex = mail.read(root, NO_ME)
    assert ex.items_read == 4 and ex.items_accepted == 4 and ex.rejects.empty
    assert keys(ex) == [
        "rpf@example.com",
        "soc@example.com",
        "test@example.com",
        "tommy@example.com",
    ]
    locators = set(ex.records["locator"])
    assert {"Foo/cur/fraiche.eml", "bar/cur/mail2", "wom_bat/cur/atomic"} <= locators


def copy_as(src: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / src, dest)


def test_maildir_plus_plus_and_nested_folders_are_read_once(tmp_path):
    # A Dovecot Maildir++ (.Sent) with an mbsync-style nested folder (Archive/2011),
    # filled with mu's messages: every message is one item of one input.
    root = tmp_path / "Maildir"
    (root / "new").mkdir(parents=True)
    copy_as("mu-testdir2/bar/cur/mail2", root / "cur" / "1.host:2,S")
    copy_as("mu-testdir2/bar/cur/mail7", root / ".Sent" / "cur" / "2.host:2,S")
    copy_as("mu-testdir2/wom_bat/cur/atomic", root / "Archive" / "2011" / "cur" / "3.host:2,S")
    (tmp_path / "notes.txt").write_text("not mail")
    found = discover([tmp_path])
    assert [(i.path, i.connector) for i in found.inputs] == [(root.resolve(), "mail")]
    ex = mail.read(root, NO_ME)
    assert ex.items_read == 3 and ex.items_accepted == 3
    assert sorted(ex.records["locator"]) == [
        ".Sent/cur/2.host:2,S",
        "Archive/2011/cur/3.host:2,S",
        "cur/1.host:2,S",
    ]


def test_mu4e_encrypted_mail_with_an_empty_return_path_is_person_to_person():
    ex = mail.read(FIXTURES / "mu-testdir" / "encrypted!2,S", NO_ME)
    assert ex.skip_reasons == {} and ex.items_accepted == 1
    assert keys(ex) == ["brian@example.com"]
    assert ex.interactions["occurred_at"].tolist() == [utc(2012, 5, 11, 13, 21, 42)]


def test_iso_dates_as_mu_writes_them():
    ex = mail.read(FIXTURES / "mu-testdir2" / "Foo" / "cur" / "fraiche.eml", NO_ME)
    assert ex.rejects.empty
    assert ex.interactions["occurred_at"].tolist() == [utc(2012, 12, 8, 0, 48)]


def test_rfc5322_group_message_of_1969():
    ex = mail.read(FIXTURES / "rfc5322" / "a1.3-group.eml", NO_ME)
    assert ex.rejects.empty and keys(ex) == ["pete@silly.example"]
    assert ex.interactions["occurred_at"].tolist() == [utc(1969, 2, 14, 3, 2, 54)]
    assert parse_date("31 Dec 1969 19:00 -0500") == utc(1970, 1, 1)


def test_rfc5322_comments_inside_addresses_and_a_folded_date():
    ex = mail.read(FIXTURES / "rfc5322" / "a5-white-space-and-comments.eml", NO_ME)
    assert ex.rejects.empty and keys(ex) == ["pete@silly.test"]
    assert ex.records["name_raw"].tolist() == ["Pete"]
    assert ex.interactions["occurred_at"].tolist() == [utc(1969, 2, 14, 3, 2)]
    to = "A Group(Some people) :Chris Jones <c@(Chris's host.)public.example>, joe@example.org"
    assert [a.key for a in parse_addresses(to)] == ["c@public.example", "joe@example.org"]


def test_display_name_words_never_join_the_address():
    ex = mail.read(FIXTURES / "imap-tools-big-bug.eml", NO_ME)
    assert keys(ex) == ["bb@bug.com"]
    assert ex.records["name_raw"].tolist() == ["Big Bug"]


def test_an_unnamed_invalid_address_makes_no_contact(tmp_path):
    # Headers of mu's mail2 with the sender's address broken (no domain dot): nothing
    # names a person, so no record; with a display name the record keeps the name.
    text = (FIXTURES / "mu-testdir2" / "bar" / "cur" / "mail2").read_text()
    broken = tmp_path / "broken.eml"
    broken.write_text(text.replace('"Socrates" <soc@example.com>', "soc@example"))
    ex = mail.read(broken, NO_ME)
    assert ex.records.empty and ex.rejects["reason"].tolist() == ["no usable From address"]
    broken.write_text(text.replace("<soc@example.com>", "<soc@example>"))
    assert mail.read(broken, NO_ME).records["name_raw"].tolist() == ["Socrates"]


def test_a_loose_message_without_from_is_a_rejected_item_as_in_an_mbox(tmp_path):
    # ddeboer/imap's missing_from.eml, and the same without its To: (derived): a file
    # named .eml that starts with header lines is a message; one without From is
    # rejected as an item, exactly as the same message inside an mbox is.
    for name in ("ddeboer-missing_from.eml", "ddeboer-missing_from-and-to.eml"):
        path = FIXTURES / name
        assert [(i.path, i.connector) for i in discover([path]).inputs] == [(path, "mail")]
        alone = mail.read(path, NO_ME)
        box = tmp_path / f"{name}.mbox"
        box.write_bytes(b"From x@y Wed Sep 13 13:05:45 2017\n" + path.read_bytes())
        inside = mail.read(box, NO_ME)
        for ex in (alone, inside):
            assert (ex.items_read, ex.items_accepted, ex.items_rejected) == (1, 0, 1)
            assert ex.rejects["reason"].tolist() == ["no From header"]


def test_a_file_named_eml_that_is_not_mail_is_still_refused_by_name(tmp_path):
    pdf = tmp_path / "invoice.eml"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    png = tmp_path / "photo.eml"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    nul = tmp_path / "nul.eml"
    nul.write_bytes(b"Subject: x\0y\n\nbody\n")
    found = discover([tmp_path])
    assert found.inputs == []
    assert {p.name: why.split(":")[0] for p, why in found.unknown} == {
        "invoice.eml": "not a mail file",
        "photo.eml": "not a mail file",
        "nul.eml": "not a mail file",
    }
    # A text file of header-like lines is not mail unless the user named it a message.
    notes = tmp_path / "notes.txt"
    notes.write_text("Subject: groceries\nDate: Monday\n\nmilk\n")
    assert discover([notes]).inputs == []


def test_a_mailman_bounce_notice_from_list_owner_is_no_person():
    # GNU Mailman 3's own bounce notice (its bounces.rst doctest): From list-owner.
    ex = mail.read(FIXTURES / "mailman-bounce-notice.eml", NO_ME)
    assert ex.records.empty and ex.skip_reasons == {"automated": 1}


def test_twitter_and_linkedin_notices_in_a_members_name_are_no_person():
    # The messages Zimbra's Sieve tests give its "twitter" and "linkedin" tests: Twitter's
    # older DM and mention notices from postmaster.twitter.com, its "Name (via Twitter)"
    # notify@ notice, and LinkedIn's notices sent by messages-noreply@bounce.linkedin.com
    # in LinkedIn's or a member's name. All but the notify@ one became people before.
    folder = FIXTURES / "zimbra-social"
    for path in sorted(folder.iterdir()):
        ex = mail.read(path, NO_ME)
        assert (ex.items_read, ex.skip_reasons) == (1, {"automated": 1}), path.name
        assert ex.records.empty and ex.interactions.empty, path.name
