"""The demo's extra inputs (older export, calendar, journal) show a job change, meetings and
follow-ups, without adding or splitting anyone."""

import json

import duckdb
import pytest

from pipelines.cli import DEMO_EXTRAS, DEMO_INPUTS, EXAMPLES
from tests.conftest import build_plain


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    wh = tmp_path_factory.mktemp("demo-extras") / "wh"
    summary = build_plain(DEMO_INPUTS + DEMO_EXTRAS, wh)
    return wh / "current", summary


def q(cur, sql):
    return duckdb.sql(sql.replace("{cur}", str(cur))).fetchall()


def test_same_people(demo):
    cur, summary = demo
    truth = json.loads((EXAMPLES / "truth.json").read_text())
    assert summary["counts"]["contacts"] == truth["people"]
    assert not summary["errors"]


def test_calendar_and_journal_accounting(demo):
    cur, _ = demo
    rows = q(
        cur,
        """select connector, items_read, items_accepted, items_skipped,
                            items_rejected, skip_reasons from '{cur}/inputs.parquet'
                     where connector in ('calendar', 'journal') order by 1""",
    )
    assert rows == [
        (
            "calendar",
            8,
            3,
            5,
            0,
            {
                "cancelled event": 2,
                "declined by you": 1,
                "large event (11 people or more)": 1,
                "no attendees (a personal event)": 1,
            },
        ),
        ("journal", 3, 2, 1, 0, {"comment": 1}),
    ]


def test_job_change_meetings_and_follow_ups(demo):
    cur, _ = demo
    changes = q(
        cur,
        """select c.display_name, j.kind, j.old_company, j.new_company
                        from '{cur}/job_changes.parquet' j join '{cur}/contacts.parquet' c
                        using (contact_id) order by 1""",
    )
    assert changes == [
        ("Elena Petrova", "company", "Contoso Ltd", "Adventure Works"),
        ("Kenji Watanabe", "title", "Fourth Coffee", "Fourth Coffee"),
    ]
    met = dict(
        q(
            cur,
            """select display_name, n_meeting_days from '{cur}/contacts.parquet'
                        where n_meeting_days > 0""",
        )
    )
    # Bill's fortnightly sync: 7 occurrences to the export, one excluded, one cancelled.
    assert met == {
        "Bill Smith": 5,
        "Priya Raman": 1,
        "Hannah Wright": 1,
        "Kenji Watanabe": 1,
        "Emma Larsen": 1,
    }
    follow = q(
        cur,
        """select c.display_name, f.subject from '{cur}/follow_ups.parquet' f
                       join '{cur}/contacts.parquet' c using (contact_id)
                       where reason = 'met_no_follow_up' order by 1""",
    )
    assert follow == [
        ("Emma Larsen", "Lunch at Aamanns, Copenhagen"),
        ("Priya Raman", "Coffee with Priya @ Blue Bottle Coffee, Market St"),
    ]
