"""A calendar imported with the demo inputs, through the pipeline into the real warehouse."""

import duckdb

from pipelines.cli import DEMO_INPUTS
from tests.conftest import build_plain

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
    "X-WR-CALNAME:alex.morgan@gmail.com\r\n"
    "BEGIN:VEVENT\r\nUID:coffee-priya@google.com\r\nDTSTAMP:20261031T000000Z\r\n"
    "DTSTART:20261030T100000Z\r\nDTEND:20261030T110000Z\r\n"
    "SUMMARY:Coffee\r\nLOCATION:Blue Bottle\r\n"
    "ORGANIZER;CN=Alex Morgan:mailto:alex@northwind.io\r\n"
    "ATTENDEE;CN=Priya Raman;PARTSTAT=ACCEPTED:mailto:priya@contoso.com\r\n"
    "ATTENDEE;CN=Hannah Wright;PARTSTAT=ACCEPTED:Hannah Wright\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:next-week@google.com\r\nDTSTAMP:20261031T000000Z\r\n"
    "DTSTART:20261105T100000Z\r\nDTEND:20261105T110000Z\r\nSUMMARY:Not yet\r\n"
    "ORGANIZER:mailto:bsmith@acme.com\r\nATTENDEE:mailto:alex.morgan@gmail.com\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_meetings_reach_contacts_interactions_and_follow_ups(tmp_path):
    cal = tmp_path / "calendar" / "alex.ics"
    cal.parent.mkdir()
    cal.write_text(CALENDAR)
    wh = tmp_path / "wh"
    summary = build_plain([*DEMO_INPUTS, cal.parent], wh)
    assert not summary["errors"]
    con = duckdb.connect()
    cur = wh / "current"
    row = con.execute(
        f"""select items_read, items_accepted, items_skipped, items_rejected
            from '{cur}/inputs.parquet' where connector = 'calendar'"""
    ).fetchone()
    assert row == (2, 2, 0, 0)
    priya = con.execute(
        f"""select last_contact_at, last_contact_channel, n_meeting_days, list_contains(sources,
            'calendar') from '{cur}/contacts.parquet' where display_name = 'Priya Raman'"""
    ).fetchall()
    assert len(priya) == 1
    assert str(priya[0][0])[:16] == "2026-10-30 10:00"
    assert priya[0][1:] == ("meeting", 1, True)
    # The future meeting is kept as an interaction but is not contact yet.
    bill = con.execute(
        f"""select last_contact_channel from '{cur}/contacts.parquet'
            where list_contains(emails, 'bsmith@acme.com')"""
    ).fetchone()
    assert bill[0] != "meeting"
    follow = con.execute(
        f"""select c.display_name, f.subject from '{cur}/follow_ups.parquet' f
            join '{cur}/contacts.parquet' c using (contact_id)
            where f.reason = 'met_no_follow_up' order by 1"""
    ).fetchall()
    assert ("Priya Raman", "Coffee @ Blue Bottle") in follow
    # The attendee named only "Hannah Wright" is the one Hannah Wright of the LinkedIn export.
    hannah = con.execute(
        f"""select sources, last_contact_channel from '{cur}/contacts.parquet'
            where display_name = 'Hannah Wright'"""
    ).fetchall()
    assert hannah == [(["calendar", "linkedin"], "meeting")]
    # Resolution or, failing it, transforms.name_only merged them: either way explained.
    merged = con.execute(
        f"""select count(*) from '{cur}/matches.parquet' m
            join '{cur}/source_records.parquet' r
              on r.record_id in (m.record_id_a, m.record_id_b)
            where r.source = 'calendar' and m.decision = 'merge'"""
    ).fetchall()
    assert merged[0][0] >= 1
    meetings = con.execute(
        f"""select count(*) from '{cur}/interactions.parquet' where channel = 'meeting'"""
    ).fetchone()
    assert meetings == (3,)
