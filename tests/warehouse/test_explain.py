import csv
import io
import json

from pipelines.cli import main
from warehouse.explain import explain_contact, find_contacts
from warehouse.read import connect


def test_explain_shows_the_merges_of_the_three_source_person(plain_demo_warehouse):
    con = connect(plain_demo_warehouse)
    [cid] = find_contacts(con, "bsmith@acme.com")
    assert find_contacts(con, "https://www.linkedin.com/in/william-smith-4a1b2c/") == [cid]
    x = explain_contact(con, cid)
    assert sorted(x.records["source"]) == ["linkedin", "mail", "vcard"]
    # The identifiers explain the merge; the engine may add name evidence on top.
    assert {"same_email", "same_linkedin_url"} <= set(x.merges["rule"])
    assert len(x.merges) >= 2
    assert dict(x.contact.iloc[0]["provenance"])["linkedin_url"] in set(x.records["record_id"])


def test_find_by_name_fragment_lists_namesakes(plain_demo_warehouse):
    con = connect(plain_demo_warehouse)
    assert len(find_contacts(con, "john smith")) == 2
    assert find_contacts(con, "nobody-like-this") == []
    # A name from any source finds the person, not only the golden name.
    assert find_contacts(con, "William Smith") == find_contacts(con, "bsmith@acme.com")


def test_cli_explain(plain_demo_warehouse, capsys):
    wh = str(plain_demo_warehouse)
    assert main(["explain", "bsmith@acme.com", "--warehouse", wh]) == 0
    out = capsys.readouterr().out
    assert "merged because (" in out and "same_email" in out
    assert main(["explain", "bsmith@acme.com", "--warehouse", wh, "--format", "json"]) == 0
    x = json.loads(capsys.readouterr().out)
    assert x["contact"][0]["display_name"] == "Bill Smith" and len(x["records"]) >= 3
    assert "\\/" not in json.dumps(x)
    # CSV too: one long table, a row per field of each record, merge and near miss.
    assert main(["explain", "bsmith@acme.com", "--warehouse", wh, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["section"] for r in rows} >= {"contact", "records", "merges"}
    assert {r["field"] for r in rows if r["section"] == "records"} >= {"source", "source_key"}
    # A name two people share: exit 2 listing both with their company.
    assert main(["explain", "John Smith", "--warehouse", wh, "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Globex" in captured.err and "Litware" in captured.err
    assert main(["explain", "zzz-nobody", "--warehouse", wh]) == 2
    assert "no contact matches" in capsys.readouterr().err
