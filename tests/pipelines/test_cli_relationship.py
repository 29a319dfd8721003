"""`ties reconnect`, `owed`, `follow-ups` and `show` on the demo warehouse; docs/queries.md runs."""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from pipelines.cli import DEMO_INPUTS, main

QUERIES = Path(__file__).resolve().parents[2] / "docs" / "queries.md"


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _json(capsys, *argv):
    code, out, err = _run(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_reconnect(plain_demo_warehouse, capsys):
    wh = str(plain_demo_warehouse)
    rows = _json(capsys, "reconnect", "--warehouse", wh)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) >= 5
    names = [r["name"] for r in rows]
    # Recently in touch, one-way, or not enough of a tie: never on the list.
    for absent in ("Bill Smith", "Lucía Fernández", "Oliver Grant", "Tariq Hussein", "Dan Okafor"):
        assert absent not in names
    assert "Marcus Chen" in names and "Priya Raman" in names
    assert all(r["days_quiet"] > r["reconnect_after_days"] for r in rows)
    assert [r["at_stake"] for r in rows] == sorted((r["at_stake"] for r in rows), reverse=True)

    code, out, _ = _run(capsys, "reconnect", "--warehouse", wh, "--limit", "3")
    assert code == 0 and out.startswith("Reconnect") and "Marcus Chen" in out
    assert len(out.strip().splitlines()) == 2 + 3  # title, header, three people
    code, out, _ = _run(capsys, "reconnect", "--warehouse", wh, "--limit", "2", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["rank"] for r in table] == ["1", "2"] and "reach" in table[0]
    code, _, err = _run(capsys, "reconnect", "--warehouse", wh, "--limit", "0")
    assert code == 2 and "--limit" in err


def test_owed(plain_demo_warehouse, capsys):
    rows = _json(capsys, "owed", "--warehouse", str(plain_demo_warehouse))
    # Bill's and Lucía's answers of 20 Oct 2026 to Alex's mails are the newest inbound
    # mails without anything sent back.
    assert {(r["name"], r["started_by"], r["days_waiting"]) for r in rows} == {
        ("Bill Smith", "you", 11.3),
        ("Lucía Fernández", "you", 11.3),
    }
    assert {r["reach"] for r in rows} == {"bsmith@acme.com", "lucia.fernandez@gmail.com"}
    code, out, _ = _run(capsys, "owed", "--warehouse", str(plain_demo_warehouse))
    assert code == 0 and "Owed replies" in out and "Bill Smith" in out


def test_follow_ups(plain_demo_warehouse, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for every cell in full
    rows = _json(capsys, "follow-ups", "--warehouse", str(plain_demo_warehouse))
    assert [(r["name"], r["reason"]) for r in rows] == [("Tariq Hussein", "invitation_received")]
    code, out, _ = _run(capsys, "follow-ups", "--warehouse", str(plain_demo_warehouse))
    assert code == 0 and "invitation_received" in out


def test_show_a_person(plain_demo_warehouse, capsys):
    wh = str(plain_demo_warehouse)
    code, out, _ = _run(capsys, "show", "bsmith@acme.com", "--warehouse", wh)
    assert code == 0
    assert out.startswith("Bill Smith  (c_")
    assert "linkedin: https://www.linkedin.com/in/william-smith-4a1b2c" in out
    assert "last contact      2026-10-20 16:41  email inbound" in out
    assert "tie               strong" in out and "0.35 x recency" in out
    assert "birthday      1979-05-23" in out
    assert "owed reply" in out and "most recent of 19 interactions" in out

    bill = _json(capsys, "show", "Bill Smith", "--warehouse", wh, "--interactions", "3")
    assert bill["contact"]["last_contact_at"] == "2026-10-20T16:41:07Z"
    assert bill["tie"]["class"] == "strong"
    assert set(bill["tie"]["components"]) == {"recency", "frequency", "reciprocity", "latency"}
    assert {p["field"]: p["source"] for p in bill["provenance"]} == {
        "birthday": "vcard",
        "company": "linkedin",
        "display_name": "vcard",
        "linkedin_url": "linkedin",
        "title": "linkedin",
    }
    assert bill["email_sources"] == {"bsmith@acme.com": ["mail", "vcard"]}
    assert len(bill["recent_interactions"]) == 3
    assert bill["recent_interactions"][0]["occurred_at"] == "2026-10-20T16:41:07Z"
    assert len(bill["owed_replies"]) == 1 and bill["follow_ups"] == []

    code, out, _ = _run(capsys, "show", "bsmith@acme.com", "--warehouse", wh, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["section"] for r in table} >= {"contact", "provenance", "interaction"}
    # Plain cells, never JSON: a list is "a; b", a missing value is empty.
    cells = {r["key"]: r["value"] for r in table if r["section"] == "contact"}
    assert cells["emails"] == "bsmith@acme.com"
    assert cells["sources"] == "linkedin; mail; vcard"
    assert cells["last_contact_at"] == "2026-10-20T16:41:07Z"
    assert not any(v.startswith(("[", "{", '"')) for v in cells.values())


def test_show_inferred_company_and_no_interactions(plain_demo_warehouse, capsys):
    wh = str(plain_demo_warehouse)
    code, out, _ = _run(capsys, "show", "oliver.grant@litwareinc.com", "--warehouse", wh)
    assert code == 0 and "Litware, Inc." in out and "inferred from litwareinc.com" in out
    assert "one-way" in out
    code, out, _ = _run(capsys, "show", "Fiona", "--warehouse", wh)
    assert code == 0 and "no interactions yet" in out


def test_show_namesakes_and_nobody(plain_demo_warehouse, capsys):
    wh = str(plain_demo_warehouse)
    # A shared name is not an answer: exit 2, each candidate with company and address.
    for fmt in ("table", "json", "csv"):
        code, out, err = _run(capsys, "show", "john smith", "--warehouse", wh, "--format", fmt)
        assert code == 2 and out == ""
        assert err.startswith("ties: 2 contacts match") and "Globex" in err
        assert "(Litware, Inc., jsmith@litwareinc.com)" in err
    code, _, err = _run(capsys, "show", "zzz-nobody", "--warehouse", wh)
    assert code == 2 and "no contact matches" in err


def test_commands_without_a_warehouse(tmp_path, capsys):
    code, _, err = _run(capsys, "reconnect", "--warehouse", str(tmp_path / "none"))
    assert code == 2 and "no warehouse here yet" in err


def _queries() -> list[tuple[str, str]]:
    text = QUERIES.read_text(encoding="utf-8")
    out, title = [], None
    for part in re.split(r"^(## .*)$", text, flags=re.M):
        if part.startswith("## "):
            title = part[3:].strip()
        for sql in re.findall(r"```sql\n(.*?)```", part, flags=re.S):
            out.append((title, sql))
    return out


@pytest.mark.parametrize(("title", "sql"), _queries(), ids=[t for t, _ in _queries()])
def test_documented_queries_run_on_the_demo(full_demo_warehouse, capsys, title, sql):
    rows = _json(capsys, "query", sql, "--warehouse", str(full_demo_warehouse))
    assert rows, f"{title}: no rows on the demo warehouse"


def test_the_issue_queries_are_documented():
    titles = {t for t, _ in _queries()}
    assert {
        "Reconnect list: real ties gone quiet, most at stake first",
        "Strongest ties per company",
        "Network growth per year",
        "People known through one source only",
    } <= titles


def test_relationships_settings_reach_the_warehouse(plain_demo_warehouse, tmp_path, capsys):
    from tests.conftest import build_plain

    assert _json(capsys, "owed", "--warehouse", str(plain_demo_warehouse))  # defaults: some
    patient = tmp_path / "wh"
    build_plain(DEMO_INPUTS, patient, relationship_settings={"owed_after_days": 10_000})
    assert _json(capsys, "owed", "--warehouse", str(patient)) == []
