"""`ties query` is read-only: no writes anywhere, no extensions, files outside the snapshot
only when the analyst names them with --allow-read (and then only read)."""

import hashlib

import pyarrow as pa
import pytest

from pipelines.cli import main
from warehouse import schema
from warehouse.read import connect
from warehouse.snapshot import commit_snapshot, current_snapshot


@pytest.fixture
def wh(tmp_path):
    tables = {name: s.empty_table() for name, s in schema.WAREHOUSE_TABLES.items()}
    tables["contacts"] = pa.Table.from_pylist(
        [{"contact_id": "c1", "display_name": "Ana Lopez", "emails": ["ana@x.org"]}],
        schema=schema.CONTACTS,
    )
    warehouse = tmp_path / "wh"
    commit_snapshot(warehouse, "run1", tables)
    return warehouse


def _files(root):
    return {
        p.relative_to(root): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _query(wh, sql, *extra):
    return main(["query", sql, "--warehouse", str(wh), *extra])


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (select 1 as x) TO '{current}/contacts.parquet'",
        "COPY (select * from contacts) TO '{tmp}/leak.csv'",
        "COPY contacts TO '{current}/extra.csv'",
        "ATTACH '{wh}/state/x.db' AS x",
        "EXPORT DATABASE '{tmp}/dump'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "CREATE TABLE t AS SELECT * FROM contacts",
        "select 1; COPY (select 1) TO '{tmp}/leak.csv'",
        "EXPLAIN ANALYZE COPY (select 1) TO '{tmp}/leak.csv'",
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('{tmp}/own.csv')",
        "select * from glob('{tmp}/*')",
    ],
)
def test_query_refuses_writes_extensions_and_files_outside_the_snapshot(wh, tmp_path, capsys, sql):
    (tmp_path / "own.csv").write_text("email,team\nana@x.org,red\n")
    before = _files(tmp_path)
    sql = sql.format(current=current_snapshot(wh), tmp=tmp_path, wh=wh)
    assert _query(wh, sql) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ties: error: query failed:") and "\n" not in err
    assert _files(tmp_path) == before  # nothing written, replaced or attached anywhere


def test_plain_queries_still_work(wh, capsys):
    assert _query(wh, "select display_name from contacts", "--format", "csv") == 0
    assert capsys.readouterr().out.splitlines() == ["display_name", "Ana Lopez"]
    assert _query(wh, "with c as (from contacts) select count(*) as n from c") == 0
    assert _query(wh, "describe contacts") == 0
    assert _query(wh, "explain select * from contacts") == 0


def test_allow_read_joins_the_analysts_own_file_but_still_writes_nothing(wh, tmp_path, capsys):
    own = tmp_path / "own" / "teams.csv"
    own.parent.mkdir()
    own.write_text("email,team\nana@x.org,red\n")
    sql = (
        f"select c.display_name, t.team from contacts c join read_csv('{own}') t "
        "on list_contains(c.emails, t.email)"
    )
    assert _query(wh, sql, "--format", "csv") == 2  # not without the flag
    capsys.readouterr()
    assert _query(wh, sql, "--format", "csv", "--allow-read", str(own.parent)) == 0
    assert capsys.readouterr().out.splitlines() == ["display_name,team", "Ana Lopez,red"]
    assert _query(wh, sql, "--format", "csv", "--allow-read", str(own)) == 0
    copy = f"COPY (select 1) TO '{own.parent}/out.csv'"
    assert _query(wh, copy, "--allow-read", str(own.parent)) == 2
    assert not (own.parent / "out.csv").exists()


def test_every_reader_connection_is_sandboxed(wh, tmp_path):
    con = connect(wh)
    with pytest.raises(Exception, match="disabled by configuration"):
        con.execute(f"COPY (select 1) TO '{tmp_path}/leak.csv'")
    with pytest.raises(Exception, match="disabled"):
        con.execute("select * from read_csv('/etc/passwd')")
    assert not (tmp_path / "leak.csv").exists()
