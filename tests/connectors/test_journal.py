"""The journal connector: each row accepted or rejected with its reason; hand edits welcome."""

from hypothesis import given
from hypothesis import strategies as st

from connectors.base import ReadOptions
from connectors.journal import read, sniff
from connectors.registry import detect_file

HEAD = "date,kind,with,address,note\n"


def test_rows_become_records_and_interactions(tmp_path):
    path = tmp_path / "journal.csv"
    path.write_text(
        HEAD
        + "2026-11-30,in_person,Anna Berg,anna@example.com,Coffee at PyCon\n"
        + "2026-11-29T18:30,call,https://www.linkedin.com/in/bob,,Intro call\n"
        + "# 2026-01-01,call,Someone,,a comment\n"
        + '2026-11-28,message,Carl Ode,,"Texted him, re: the job"\n'
        + "yesterday,call,Dora,,bad date\n"
        + "2026-11-27,lunch,Eve,,bad kind\n"
        + "2026-11-27,call,,,nobody\n"
        + "2026-11-27,call\n"
    )
    assert detect_file(path) == "journal"
    e = read(path, ReadOptions())
    e.check_accounting()
    assert (e.items_read, e.items_accepted, e.items_rejected) == (8, 3, 4)
    assert e.skip_reasons == {"comment": 1}
    keys = sorted(e.records["source_key"])
    assert keys == ["anna@example.com", "https://www.linkedin.com/in/bob", "name:carl ode"]
    assert sorted(e.interactions["channel"]) == ["call", "in_person", "message"]
    assert set(e.interactions["direction"]) == {"outbound"}
    assert "Coffee at PyCon" in set(e.interactions["subject"])
    reasons = " | ".join(e.rejects["reason"])
    assert "yesterday" in reasons and "lunch" in reasons and "nobody" in reasons
    assert "expected 5 fields" in reasons


def test_sniff_needs_the_header():
    assert sniff(None, HEAD.encode())
    assert not sniff(None, b"First Name,Last Name,URL\n")


@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=6), max_size=8))
def test_any_hand_edit_is_accepted_or_rejected(tmp_path_factory, rows):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path = tmp_path_factory.mktemp("j") / "journal.csv"
    path.write_text(HEAD + buf.getvalue())
    e = read(path, ReadOptions())
    e.check_accounting()


def test_the_cli_offers_the_journal_kinds():
    from connectors.journal import KINDS
    from pipelines.cli_log import KINDS as CLI_KINDS

    assert CLI_KINDS == KINDS
