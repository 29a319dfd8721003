"""`ties report`: one self-contained, owner-only HTML page with every section, escaped."""

import re
import stat
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main
from report import write_report
from warehouse import schema
from warehouse.read import connect
from warehouse.snapshot import commit_snapshot

SECTIONS = [
    "Your network at a glance",
    "Interactions per month, by channel",
    "New connections per year",
    "How the sources overlap",
    "Tie strength",
    "Due a reconnect",
    "Replies you owe",
    "What happened to each input&#x27;s items",
    "Rejects by reason and file",
    "Inputs",
    "Rejects",
]
# Anything that would make the browser fetch something: src/href/url() to a host, @import.
EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//"""
    r"""|url\(\s*["']?\s*(?:[a-z]+:)?//|@import|<link\b|<script\b|<iframe\b)""",
    re.IGNORECASE,
)
T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _contact(contact_id, name, **extra):
    row = {
        "contact_id": contact_id,
        "display_name": name,
        "emails": [f"{contact_id}@example.com"],
        "sources": ["vcard"],
        "tie_strength": 0.0,
        "reconnect_due": False,
        "n_interactions": 0,
        "n_inbound": 0,
        "n_outbound": 0,
    }
    return row | extra


def tiny_warehouse(path, run_id="20260105T093000000000Z", **tables):
    """A committed warehouse with the given rows (every other table empty)."""
    rows = dict.fromkeys(schema.WAREHOUSE_TABLES, [])
    rows["runs"] = [{"run_id": run_id, "flow": "test", "started_at": T0, "status": "completed"}]
    rows.update(tables)
    commit_snapshot(path, run_id, rows)
    return path


def test_demo_report_has_every_section_and_is_self_contained(plain_demo_warehouse, tmp_path):
    out = write_report(plain_demo_warehouse, tmp_path / "report.html")
    text = out.read_text(encoding="utf-8")
    for title in SECTIONS:
        assert f">{title}<" in text, title
    assert text.count("<svg ") == 6  # four about the network, two about data quality
    assert EXTERNAL.search(text) is None, EXTERNAL.search(text)
    run_id = (plain_demo_warehouse / "current").resolve().name
    assert run_id in text and str(plain_demo_warehouse) in text
    # the headline numbers are the warehouse's
    con = connect(plain_demo_warehouse)
    people = con.execute("select count(*) from contacts").fetchone()[0]
    interactions = con.execute("select count(*) from interactions").fetchone()[0]
    assert f'<div class="value">{people}</div>' in text
    assert f'<div class="value">{interactions}</div>' in text
    # the reconnect list starts with the person most at stake (else the strongest tie)
    columns = {r[0] for r in con.execute("describe contacts").fetchall()}
    rank = "reconnect_rank, " if "reconnect_rank" in columns else ""
    top = con.execute(
        "select display_name from contacts where reconnect_due"
        f" order by {rank}tie_strength desc, last_contact_at, display_name limit 1"
    ).fetchone()[0]
    reconnect = text[text.index(">Due a reconnect<") :]
    assert reconnect.index(top) < reconnect.index("</table>")


def test_report_is_owner_only_and_replaces_the_file(plain_demo_warehouse, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("old")
    out.chmod(0o644)
    write_report(plain_demo_warehouse, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left


def test_every_value_is_escaped(tmp_path):
    wh = tiny_warehouse(
        tmp_path / "wh",
        contacts=[
            _contact(
                "c_1",
                EVIL,
                company='"><b>Evil & Co</b>',
                tie_strength=0.5,
                reconnect_due=True,
                last_contact_at=T0,
                last_contact_channel="email",
                sources=["mail", "vcard"],
            )
        ],
        rejects=[
            {
                "source": "vcard",
                "source_file": "/x/<i>cards</i>.vcf",
                "locator": "card 1",
                "reason": "<u>bad</u> card",
                "excerpt": "FN:<script>",
            }
        ],
        inputs=[{"source_file": "/x/<i>cards</i>.vcf", "connector": "vcard", "items_read": 1}],
    )
    text = write_report(wh, tmp_path / "r.html").read_text()
    for raw in ("<script", "<img", "<b>", "<u>", "<i>"):
        assert raw not in text, raw
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "&quot;&gt;&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in text
    assert "&lt;u&gt;bad&lt;/u&gt; card" in text


def test_no_interactions_gives_notes_not_errors(tmp_path):
    wh = tiny_warehouse(
        tmp_path / "wh",
        contacts=[_contact("c_1", "Ada Lovelace"), _contact("c_2", "Grace Hopper")],
    )
    text = write_report(wh, tmp_path / "r.html").read_text()
    assert "No interactions in this snapshot yet." in text
    assert "No connections or dated interactions yet." in text
    assert "Nobody is due a reconnect" in text
    assert "No rejects" in text
    assert text.count("<svg ") == 2  # sources overlap and tie strength still have data
    for title in SECTIONS:
        assert f">{title}<" in text, title


def test_a_warehouse_with_nothing_in_it(tmp_path):
    wh = tiny_warehouse(tmp_path / "wh", runs=[])
    text = write_report(wh, tmp_path / "r.html").read_text()
    assert "<svg " not in text
    assert "No people in this snapshot yet." in text
    assert '<div class="value">0</div>' in text


def _owed_block(wh, tmp_path, owed: pa.Table | None) -> str:
    """The "Replies you owe" block of a report with this owed_replies table (None: none)."""
    path = wh / "current" / "owed_replies.parquet"
    path.unlink(missing_ok=True)
    if owed is not None:
        pq.write_table(owed, path)
    text = write_report(wh, tmp_path / "r.html").read_text()
    block = text[text.index(">Replies you owe<") :]
    return block[: block.index("</section>")]


def test_owed_replies(tmp_path):
    wh = tiny_warehouse(
        tmp_path / "wh",
        contacts=[_contact("c_1", "Ada Lovelace"), _contact("c_2", "Grace <Hopper>")],
    )
    ts = pa.timestamp("us", tz="UTC")
    owed = pa.table(
        {
            "contact_id": ["c_1", "c_2"],
            "occurred_at": pa.array([T0, T0.replace(year=2025)], ts),
            "channel": ["email", "linkedin_message"],
            "n_waiting": [1, 3],
            "last_inbound_at": pa.array([T0, T0], ts),
            "days_waiting": [10.0, 375.2],
        }
    )
    block = _owed_block(wh, tmp_path, owed)
    assert block.index("Grace &lt;Hopper&gt;") < block.index("Ada Lovelace")  # longest wait first
    assert ">375<" in block and "2025-01-05" in block and "LinkedIn message" in block
    assert block.count("<tr>") == 3  # header and two people

    # a table of another shape is still shown, its own columns as they are
    other = pa.table({"contact_id": ["c_1", "c_2"], "waiting_days": [3, 30], "note": ["a", "b"]})
    block = _owed_block(wh, tmp_path, other)
    assert block.index("Grace &lt;Hopper&gt;") < block.index("Ada Lovelace")
    assert "waiting days" in block and "note" in block

    assert "No replies owed" in _owed_block(wh, tmp_path, owed.slice(0, 0))
    assert "no owed_replies table yet" in _owed_block(wh, tmp_path, None)


def test_as_of_reports_an_older_snapshot(tmp_path):
    wh = tmp_path / "wh"
    tiny_warehouse(wh, run_id="20260101T000000000000Z", contacts=[_contact("c_1", "Old Name")])
    tiny_warehouse(wh, run_id="20260102T000000000000Z", contacts=[_contact("c_1", "New Name")])
    old = write_report(wh, tmp_path / "old.html", as_of="20260101T000000000000Z").read_text()
    assert "20260101T000000000000Z" in old and "20260102T000000000000Z" not in old


def test_cli_report(plain_demo_warehouse, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--warehouse", str(plain_demo_warehouse)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == f"report: {(tmp_path / 'ties-report.html').resolve()}"
    assert (tmp_path / "ties-report.html").stat().st_size > 10_000
    assert main(["report", "--warehouse", str(tmp_path / "none"), "--out", "x.html"]) == 2
    err = capsys.readouterr().err
    assert "no warehouse here yet" in err and err.count("\n") == 1
    with pytest.raises(SystemExit):
        main(["report", "--as-of"])
