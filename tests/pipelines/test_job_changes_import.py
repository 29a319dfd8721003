"""Job changes through the pipeline: two LinkedIn exports, in one run or across snapshots."""

import zipfile

import duckdb

from pipelines.cli import EXAMPLES
from tests.conftest import build_plain

DEMO_ZIP = EXAMPLES / "linkedin" / "Basic_LinkedInDataExport_11-01-2026.zip"
EDITS = {
    # What the connections looked like in the spring of 2025.
    "Adventure Works,VP Engineering": "Contoso Ltd,Director of Engineering",
    '"Litware, Inc.",Solutions Architect': "LITWARE INCORPORATED,Solutions Architect",
    "Fourth Coffee,ML Platform Lead": "Fourth Coffee,ML Engineer",
}


def older_export(folder):
    """The demo export as it was on 2025-03-02: three people's jobs as they were."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Basic_LinkedInDataExport_03-02-2025.zip"
    with zipfile.ZipFile(DEMO_ZIP) as src, zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "Connections.csv":
                text = data.decode()
                for new, old in EDITS.items():
                    assert new in text
                    text = text.replace(new, old)
                data = text.encode()
            dst.writestr(name, data)
    return path


def changes(wh):
    return duckdb.sql(
        f"""select c.display_name, j.kind, j.old_company, j.new_company, j.old_title,
                   j.new_title, j.seen_before_at::date::varchar, j.seen_after_at::date::varchar
            from '{wh}/current/job_changes.parquet' j
            join '{wh}/current/contacts.parquet' c using (contact_id) order by 1"""
    ).fetchall()


EXPECTED = [
    (
        "Elena Petrova",
        "company",
        "Contoso Ltd",
        "Adventure Works",
        "Director of Engineering",
        "VP Engineering",
        "2025-03-02",
        "2026-11-01",
    ),
    (
        "Kenji Watanabe",
        "title",
        "Fourth Coffee",
        "Fourth Coffee",
        "ML Engineer",
        "ML Platform Lead",
        "2025-03-02",
        "2026-11-01",
    ),
]


def test_two_exports_in_one_run(tmp_path):
    old = older_export(tmp_path / "old")
    wh = tmp_path / "wh"
    build_plain([old, DEMO_ZIP], wh)
    assert changes(wh) == EXPECTED  # Litware, Inc. vs LITWARE INCORPORATED: no change


def test_a_replaced_export_is_remembered_across_snapshots(tmp_path):
    wh = tmp_path / "wh"
    build_plain([older_export(tmp_path / "old")], wh)
    assert changes(wh) == []
    # A backfill of only the new export: the old pictures live on in the snapshot.
    build_plain([DEMO_ZIP], wh)
    assert changes(wh) == EXPECTED
    kept = duckdb.sql(f"select count(distinct seen_at) from '{wh}/current/positions.parquet'")
    assert kept.fetchall() == [(2,)]


def test_ties_changes_and_ties_at_read_the_warehouse(tmp_path, capsys):
    import json

    from pipelines.cli import DEMO_INPUTS, main

    wh = tmp_path / "wh"
    build_plain([older_export(tmp_path / "old"), *DEMO_INPUTS], wh)
    assert main(["changes", "--warehouse", str(wh), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    # Strongest ties first: Kenji (mail and LinkedIn) before Elena (LinkedIn only).
    assert [r["name"] for r in rows] == ["Kenji Watanabe", "Elena Petrova"]
    assert main(["changes", "--warehouse", str(wh), "--since", "2027-01-01"]) == 0
    assert "Job changes (0)" in capsys.readouterr().out
    assert main(["changes", "--warehouse", str(wh), "--since", "soon"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err

    # Elena's current job is the newest export's, and Contoso lists her as alumna.
    assert main(["at", "Contoso Ltd.", "--warehouse", str(wh), "--format", "json"]) == 0
    people = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert people["Elena Petrova"]["still_there"] == "left"
    assert people["Elena Petrova"]["went_to"] == "Adventure Works"
    assert people["Priya Raman"]["still_there"] == "yes"
    assert main(["at", "adventure-works.com", "--warehouse", str(wh), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "Elena Petrova,Adventure Works,VP Engineering,vp,yes" in out
