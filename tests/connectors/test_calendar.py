"""The calendar connector: who counts as met, which events are contact, recurrences, rejects."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.base import ReadOptions
from connectors.calendar import LARGE_EVENT_MIN_PEOPLE, read, sniff
from connectors.registry import detect_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendar"
ME = ReadOptions(me=frozenset({"me@example.com"}))


def ics(*events: str, calname: str | None = None) -> str:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    if calname:
        head += f"X-WR-CALNAME:{calname}\r\n"
    return head + "".join(events) + "END:VCALENDAR\r\n"


def event(uid: str, start: str, *lines: str, stamp: str = "20260101T000000Z") -> str:
    body = "".join(line + "\r\n" for line in lines)
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{stamp}\r\nDTSTART:{start}\r\n"
        f"DTEND:{start[:9]}235900Z\r\nSUMMARY:Meeting {uid}\r\n{body}END:VEVENT\r\n"
    )


def write(tmp_path, text: str, name: str = "cal.ics") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_real_khal_partstat_file_keeps_who_came():
    extract = read(FIXTURES / "khal_event_dt_partstat.ics", ReadOptions())
    keys = set(extract.records["source_key"])
    # Declined and delegated (a non-participant) are not contact.
    assert keys == {
        "hcabot@example.com",
        "jdoe@example.com",
        "jqpublic@example.com",
        "tent@example.com",
    }
    assert set(extract.interactions["channel"]) == {"meeting"}
    assert str(extract.interactions["occurred_at"].iloc[0]) == "2014-04-09 07:30:00+00:00"
    assert extract.interactions["thread_key"].iloc[0] == "V042MJ8B3SJNFXQOJL6P53OFMHJE8Z3VZWOU"


def test_real_exports_without_attendees_are_skipped_with_reasons():
    google = read(FIXTURES / "icalendar_alarm_google_future.ics", ReadOptions())
    outlook = read(FIXTURES / "icalendar_alarm_outlook_closed.ics", ReadOptions())
    assert google.skip_reasons == {"no attendees (a personal event)": 1}
    # The VALARM's ATTENDEE (who gets the reminder) is not a meeting attendee.
    assert google.records.empty
    assert outlook.items_read == 3 and outlook.interactions.empty
    cancelled = read(FIXTURES / "khal_event_rrule_recuid_cancelled.ics", ReadOptions())
    assert cancelled.skip_reasons["cancelled event"] == 1


def test_sniff_by_content():
    assert sniff(Path("x.txt"), b"\xef\xbb\xbf\r\nBEGIN:VCALENDAR\r\n")
    assert not sniff(Path("x.ics"), b"BEGIN:VCARD\r\n")
    assert detect_file(FIXTURES / "khal_event_dt_partstat.ics") == "calendar"


def test_organiser_gives_direction(tmp_path):
    text = ics(
        event(
            "a",
            "20260301T100000Z",
            "ORGANIZER;CN=Me:mailto:me@example.com",
            "ATTENDEE;CN=Anna Berg;PARTSTAT=ACCEPTED:mailto:anna@contoso.com",
        ),
        event(
            "b",
            "20260302T100000Z",
            "ORGANIZER;CN=Bob Stone:mailto:bob@tailspin.com",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com",
            "ATTENDEE;CN=Anna Berg:mailto:anna@contoso.com",
        ),
    )
    extract = read(write(tmp_path, text), ME)
    rows = extract.interactions.merge(extract.records[["record_id", "source_key"]])
    got = sorted(zip(rows["thread_key"], rows["source_key"], rows["direction"], strict=True))
    assert got == [
        ("a", "anna@contoso.com", "outbound"),
        ("b", "anna@contoso.com", "inbound"),
        ("b", "bob@tailspin.com", "inbound"),
    ]
    assert "me@example.com" not in set(extract.records["source_key"])
    assert set(extract.interactions["subject"]) == {"Meeting a", "Meeting b"}


def test_declined_cancelled_large_and_personal_events_are_not_contact(tmp_path):
    crowd = [f"ATTENDEE:mailto:p{k}@corp.example" for k in range(LARGE_EVENT_MIN_PEOPLE)]
    text = ics(
        event(
            "declined",
            "20260301T100000Z",
            "ORGANIZER:mailto:x@y.org",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:me@example.com",
        ),
        event("cancelled", "20260302T100000Z", "STATUS:CANCELLED", "ATTENDEE:mailto:x@y.org"),
        event("allhands", "20260303T100000Z", *crowd),
        event("dentist", "20260304T100000Z"),
        event(
            "room",
            "20260305T100000Z",
            "ATTENDEE;CUTYPE=ROOM;CN=Room 4:mailto:c_1@resource.calendar.google.com",
        ),
        event("small", "20260306T100000Z", *crowd[: LARGE_EVENT_MIN_PEOPLE - 1]),
    )
    extract = read(write(tmp_path, text), ME)
    assert extract.skip_reasons == {
        "cancelled event": 1,
        "declined by you": 1,
        f"large event ({LARGE_EVENT_MIN_PEOPLE} people or more)": 1,
        "no attendees (a personal event)": 2,
    }
    assert extract.items_accepted == 1
    assert set(extract.interactions["thread_key"]) == {"small"}
    assert len(extract.interactions) == LARGE_EVENT_MIN_PEOPLE - 1


def test_attendee_without_address_is_kept_by_name(tmp_path):
    text = ics(event("n", "20260301T100000Z", 'ATTENDEE;CN="Anna Berg":Anna Berg'))
    extract = read(write(tmp_path, text), ME)
    assert list(extract.records["source_key"]) == ["name:anna berg"]
    assert list(extract.records["name_raw"]) == ["Anna Berg"]
    assert list(extract.records["emails_raw"].iloc[0]) == []


def test_recurrence_is_expanded_within_the_window(tmp_path):
    text = ics(
        "BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20260401T000000Z\r\n"
        "DTSTART:20260302T090000Z\r\nDTEND:20260302T093000Z\r\nSUMMARY:1:1\r\n"
        "RRULE:FREQ=WEEKLY\r\nEXDATE:20260309T090000Z\r\n"
        "ORGANIZER:mailto:me@example.com\r\nATTENDEE:mailto:anna@contoso.com\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20260401T000000Z\r\n"
        "RECURRENCE-ID:20260316T090000Z\r\nDTSTART:20260316T090000Z\r\n"
        "DTEND:20260316T093000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n",
    )
    extract = read(write(tmp_path, text), ME)
    assert extract.items_read == 2 and extract.skip_reasons == {"cancelled event": 1}
    days = sorted(str(t)[:10] for t in extract.interactions["occurred_at"])
    # Endless weekly series: expanded up to the export's stamp (2026-04-01), less the
    # excluded 9th and the cancelled 16th.
    assert days == ["2026-03-02", "2026-03-23", "2026-03-30"]


def test_bad_events_are_rejected_with_reasons_and_the_rest_read(tmp_path):
    text = ics(
        "BEGIN:VEVENT\r\nUID:nostart\r\nATTENDEE:mailto:a@b.org\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:baddate\r\nDTSTART:2026-13-45\r\nATTENDEE:mailto:a@b.org\r\n"
        "END:VEVENT\r\n",
        event("good", "20260301T100000Z", "ATTENDEE:mailto:a@b.org"),
        "BEGIN:VEVENT\r\nUID:open\r\nDTSTART:20260301T100000Z\r\n",
    )
    extract = read(write(tmp_path, text), ME)
    assert extract.items_read == 4 and extract.items_accepted == 1
    reasons = list(extract.rejects["reason"])
    assert any("DTSTART" in r for r in reasons)
    assert any("not closed" in r for r in reasons)
    assert len(reasons) == 3
    extract.check_accounting()


def test_the_owner_is_inferred_from_the_calendar(tmp_path):
    text = ics(
        event(
            "a",
            "20260301T100000Z",
            "ORGANIZER:mailto:owner@example.com",
            "ATTENDEE:mailto:anna@contoso.com",
        ),
        event(
            "b",
            "20260302T100000Z",
            "ORGANIZER:mailto:bob@x.org",
            "ATTENDEE:mailto:owner@example.com",
        ),
        event(
            "c",
            "20260303T100000Z",
            "ORGANIZER:mailto:owner@example.com",
            "ATTENDEE:mailto:carl@x.org",
        ),
    )
    extract = read(write(tmp_path, text), ReadOptions())
    assert extract.me_hints == ["owner@example.com"]
    assert "owner@example.com" not in set(extract.records["source_key"])
    named = read(write(tmp_path, ics(calname="boss@example.com"), "named.ics"), ReadOptions())
    assert named.me_hints == ["boss@example.com"]


def test_thousands_of_events_are_all_accounted_for(tmp_path):
    events = [
        event(
            f"e{k}",
            f"2025{1 + k % 12:02d}{1 + k % 28:02d}T100000Z",
            f"ATTENDEE:mailto:p{k % 300}@corp.example",
            *(["STATUS:CANCELLED"] if k % 10 == 0 else []),
        )
        for k in range(3000)
    ]
    extract = read(write(tmp_path, ics(*events)), ME)
    assert extract.items_read == 3000
    assert extract.skip_reasons == {"cancelled event": 300}
    assert len(extract.interactions) == 2700
    assert len(extract.records) == 270  # p0, p10, ... are only in cancelled events


_name = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=20)
_line = st.one_of(
    st.builds(
        lambda n, a: f"ATTENDEE;CN={n!r}:mailto:{a}@x.org",
        _name,
        st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    ),
    st.builds(
        lambda a: f"ORGANIZER:mailto:{a}@y.org", st.from_regex(r"[a-z]{1,8}", fullmatch=True)
    ),
    st.sampled_from(
        [
            "STATUS:CANCELLED",
            "RRULE:FREQ=DAILY;COUNT=3",
            "DTSTART:garbage",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:me@example.com",
            "RRULE:FREQ=NOPE",
        ]
    ),
    _name.map(lambda t: f"X-NOISE:{t}"),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(_line, max_size=6), max_size=6))
def test_any_event_is_accepted_skipped_or_rejected_never_a_crash(tmp_path, events):
    text = ics(*(event(f"u{k}", "20260301T100000Z", *lines) for k, lines in enumerate(events)))
    extract = read(write(tmp_path, text, "prop.ics"), ME)
    extract.check_accounting()
    assert extract.items_read == len(events)
    assert set(extract.interactions["record_id"]) <= set(extract.records["record_id"])


def test_a_series_the_expander_refuses_is_rejected_not_lost(tmp_path, monkeypatch):
    import recurring_ical_events

    def refuse(*args, **kwargs):
        raise ValueError("bad rule")

    text = ics(
        "BEGIN:VEVENT\r\nUID:w\r\nDTSTART:20260302T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
        "ATTENDEE:mailto:a@b.org\r\nEND:VEVENT\r\n"
    )
    path = write(tmp_path, text)
    assert len(read(path, ME).interactions) == 3
    monkeypatch.setattr(recurring_ical_events, "of", refuse)
    extract = read(path, ME)
    extract.check_accounting()
    assert (extract.items_accepted, extract.items_rejected) == (0, 1)
    assert list(extract.rejects["reason"]) == ["recurrence not expanded: bad rule"]
