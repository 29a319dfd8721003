"""`ties log` writes the journal; the next import reads it; ambiguous names are refused."""

import duckdb

from pipelines.cli import DEMO_INPUTS, main
from tests.conftest import build_plain


def test_log_then_import_reaches_contacts_and_follow_ups(tmp_path, capsys):
    wh = tmp_path / "wh"
    build_plain(DEMO_INPUTS, wh)
    args = ["--warehouse", str(wh), "--on", "2026-10-30"]
    assert main(["log", "Coffee with Priya at PyCon", "--with", "Priya Raman", *args]) == 0
    assert "priya" in capsys.readouterr().out
    # Two John Smiths: refused, both listed, nothing written.
    assert main(["log", "Lunch", "--with", "John Smith", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("John Smith <") == 2
    assert main(["log", "Call", "--with", "dora@example.org", "--kind", "call", *args]) == 0
    assert main(["log", "Drinks", "--with", "Nobody Known", *args]) == 0
    journal = (wh / "journal.csv").read_text().splitlines()
    assert journal[0] == "date,kind,with,address,note"
    assert len(journal) == 4 and "John" not in "".join(journal)
    assert oct((wh / "journal.csv").stat().st_mode & 0o777) == "0o600"

    build_plain(DEMO_INPUTS, wh, incremental=True)  # the journal is read on every run
    cur = wh / "current"
    priya = duckdb.sql(
        f"""select last_contact_channel, n_meeting_days from '{cur}/contacts.parquet'
            where display_name = 'Priya Raman'"""
    ).fetchall()
    assert priya == [("in_person", 1)]
    follow = duckdb.sql(
        f"""select c.display_name, f.subject from '{cur}/follow_ups.parquet' f
            join '{cur}/contacts.parquet' c using (contact_id)
            where reason = 'met_no_follow_up' order by 1"""
    ).fetchall()
    # Someone unknown met in person is a new person, due a follow-up as well.
    assert follow == [("Nobody Known", "Drinks"), ("Priya Raman", "Coffee with Priya at PyCon")]
    journal_input = duckdb.sql(
        f"""select items_read, items_accepted from '{cur}/inputs.parquet'
            where connector = 'journal'"""
    ).fetchall()
    assert journal_input == [(3, 3)]
    capsys.readouterr()
    assert main(["follow-ups", "--warehouse", str(wh), "--format", "json"]) == 0
    assert "Coffee with Priya at PyCon" in capsys.readouterr().out


def test_log_refuses_a_bad_date(tmp_path, capsys):
    assert (
        main(["log", "x", "--with", "a@b.org", "--on", "soon", "--warehouse", str(tmp_path / "w")])
        == 2
    )
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_log_with_a_contact_id_picks_that_namesake(tmp_path, capsys):
    wh = tmp_path / "wh"
    build_plain(DEMO_INPUTS, wh)
    [(cid,)] = duckdb.sql(
        f"""select contact_id from '{wh}/current/contacts.parquet'
            where list_contains(emails, 'jsmith@litwareinc.com')"""
    ).fetchall()
    assert main(["log", "Lunch", "--with", cid, "--on", "2026-10-30", "--warehouse", str(wh)]) == 0
    assert "John Smith <jsmith@litwareinc.com>" in capsys.readouterr().out
    assert (wh / "journal.csv").read_text().splitlines()[1] == (
        "2026-10-30,in_person,John Smith,jsmith@litwareinc.com,Lunch"
    )
