"""The real import flow on examples/, checked through DuckDB over the committed parquet."""

import shutil
from datetime import datetime

import pytest

from tests.flows.conftest import EXAMPLES, INPUTS, ME
from warehouse.read import connect

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory):
    from pipelines.flows import import_contacts

    wh = tmp_path_factory.mktemp("wh") / "warehouse"
    summary = import_contacts(inputs=INPUTS, warehouse=str(wh), me=ME)
    return wh, summary


def _one(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()


def test_every_input_is_accounted_for(demo_warehouse):
    wh, summary = demo_warehouse
    con = connect(wh)
    bad = con.execute("""select source_file from inputs
                         where items_read != items_accepted + items_skipped + items_rejected
                            or error is not null""").fetchall()
    assert bad == []
    kinds = {r[0] for r in con.execute("select connector from inputs").fetchall()}
    assert kinds == {"linkedin", "vcard", "mail"}
    assert summary["counts"]["contacts"] == _one(con, "select count(*) from contacts")[0]


def test_counts_match_the_known_truth(demo_warehouse, truth):
    wh, _ = demo_warehouse
    con = connect(wh)
    mail = con.execute("""select sum(items_read), sum(items_accepted) from inputs
                          where connector = 'mail'""").fetchone()
    assert mail[0] == truth["mail"]["messages"]
    assert mail[1] == truth["mail"]["direct"]
    skip_sql = """select k, sum(v) from (select unnest(map_keys(skip_reasons)) k,
                  unnest(map_values(skip_reasons)) v from inputs) group by k"""
    skips = dict(con.execute(skip_sql).fetchall())
    assert skips.get("mailing_list") == truth["mail"]["mailing_list"]
    vrejects = _one(con, "select count(*) from rejects where source = 'vcard'")[0]
    assert vrejects == truth["vcard"]["broken"]
    n_people = _one(con, "select count(*) from contacts")[0]
    # Resolution in this first version may leave a few people split; never over-merge.
    assert truth["people"] <= n_people <= truth["people"] * 1.15


def test_one_person_merged_across_all_three_sources(demo_warehouse, truth):
    wh, _ = demo_warehouse
    p = truth["all_three_sources"]
    con = connect(wh)
    row = con.execute(
        """select contact_id, sources, linkedin_url, last_contact_at, emails from contacts
           where list_contains(emails, ?)""",
        [p["email"]],
    ).fetchall()
    assert len(row) == 1
    contact_id, sources, url, last_contact_at, emails = row[0]
    assert sorted(sources) == ["linkedin", "mail", "vcard"]
    assert url == p["linkedin_url"]
    assert last_contact_at == datetime.fromisoformat(p["last_contact_at"].replace("Z", "+00:00"))
    explained = con.execute(
        """select count(*) from matches m join source_records a
                               on m.record_id_a = a.record_id where a.contact_id = ?
                               and decision = 'merge'""",
        [contact_id],
    ).fetchone()[0]
    assert explained >= 2  # three records joined by at least two explained merges


def test_the_user_is_never_a_contact(demo_warehouse):
    wh, _ = demo_warehouse
    con = connect(wh)
    mine = con.execute(
        """select count(*) from contacts where list_has_any(emails, ?)
                          or linkedin_url = ?""",
        [ME[:2], ME[2]],
    ).fetchone()[0]
    assert mine == 0


def test_running_again_changes_nothing(demo_warehouse, tmp_path):
    from pipelines.flows import backfill, import_contacts

    wh, _ = demo_warehouse
    copy = tmp_path / "copy"
    shutil.copytree(wh, copy, symlinks=True)
    tables = ("contacts", "source_records", "interactions", "matches", "rejects")

    def snapshot(path):
        con = connect(path)
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}

    before = snapshot(copy)
    summary = import_contacts(inputs=INPUTS, warehouse=str(copy), me=ME)
    assert all(row["from_cache"] for row in summary["inputs"] if row["connector"] != "unknown")
    assert snapshot(copy) == before
    backfill(inputs=INPUTS, warehouse=str(copy), me=ME)
    assert snapshot(copy) == before
    con = connect(copy)
    assert con.execute("select count(*) from runs").fetchone()[0] == 3


def test_incremental_rereads_changed_and_keeps_removed_inputs(tmp_path):
    from pipelines.flows import import_contacts

    inputs = tmp_path / "in"
    shutil.copytree(EXAMPLES / "vcard", inputs / "vcard")
    shutil.copytree(EXAMPLES / "mail", inputs / "mail")
    wh = tmp_path / "wh"
    first = import_contacts(inputs=[str(inputs / "vcard")], warehouse=str(wh), me=ME)
    # A later run names only the mail; the vCards imported before stay in the warehouse.
    second = import_contacts(inputs=[str(inputs / "mail")], warehouse=str(wh), me=ME)
    cached = {r["source_file"]: r["from_cache"] for r in second["inputs"]}
    assert all(v for k, v in cached.items() if k.endswith(".vcf"))
    assert not cached[str(inputs / "mail" / "takeout.mbox")]
    assert second["counts"]["contacts"] > first["counts"]["contacts"]
    # A changed file is read again; a removed one keeps its last extract.
    android = inputs / "vcard" / "android_contacts.vcf"
    android.write_bytes(
        android.read_bytes() + b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:New Person\r\n"
        b"EMAIL:new.person@example.org\r\nEND:VCARD\r\n"
    )
    (inputs / "vcard" / "iphone_contacts.vcf").unlink()
    third = import_contacts(inputs=[str(inputs / "mail")], warehouse=str(wh), me=ME)
    rows = {r["source_file"]: r for r in third["inputs"]}
    assert not rows[str(android)]["from_cache"]
    assert rows[str(inputs / "vcard" / "iphone_contacts.vcf")]["from_cache"]
    assert third["counts"]["contacts"] == second["counts"]["contacts"] + 1
    # Changing who "me" is re-reads what depends on it.
    fourth = import_contacts(inputs=[str(inputs / "mail")], warehouse=str(wh), me=ME[:1])
    assert not {r["source_file"]: r for r in fourth["inputs"]}[
        str(inputs / "mail" / "takeout.mbox")
    ]["from_cache"]
