"""`ties report`: one self-contained HTML page with the charts and lists people look at.

Small aggregates come from DuckDB over a snapshot (report.queries); matplotlib draws
each chart as SVG (report.charts, text as paths, so no fonts or network are needed to
view it); the lists are tables (report.lists); the page is templates/report.html.j2,
rendered by jinja2 with autoescape, with its CSS and the SVG inline.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from markupsafe import Markup

from report.charts import (
    connections_per_year,
    inputs_chart,
    interactions_per_month,
    rejects_chart,
    source_overlap,
    tie_strength,
)
from report.fragments import Block, templates
from report.lists import (
    changed_jobs_list,
    inputs_table,
    met_no_follow_up_list,
    owed_list,
    reconnect_list,
    rejects_table,
)
from report.queries import headline, query_rows
from warehouse.read import connect, snapshot_dir


@dataclass
class Report:
    warehouse: Path
    run_id: str
    run_started: datetime | None
    headline: list[tuple[str, str, str]] = field(default_factory=list)
    charts: list[Block] = field(default_factory=list)
    lists: list[Block] = field(default_factory=list)
    quality_charts: list[Block] = field(default_factory=list)
    quality_tables: list[Block] = field(default_factory=list)


def write_report(warehouse: Path, out: Path, as_of: str | None = None) -> Path:
    """Write the HTML report of a warehouse snapshot.

    Args:
        warehouse: the warehouse directory.
        out: the HTML file to write (replaced atomically, readable by its owner only).
        as_of: a run id to report on an older snapshot instead of the current one.

    Returns:
        The path written.

    Raises:
        warehouse.read.NoSnapshot: the warehouse has no (such) snapshot.
    """
    warehouse = Path(warehouse)
    directory = snapshot_dir(warehouse, as_of)
    con = connect(warehouse, directory.name)  # this snapshot even if a commit lands now
    try:
        con.execute("SET TimeZone = 'UTC'")
        report = build_report(con, warehouse, directory)
    finally:
        con.close()
    _write_private(Path(out), render_html(report))
    return Path(out)


def build_report(con: duckdb.DuckDBPyConnection, warehouse: Path, directory: Path) -> Report:
    """Every block of the page, computed from the snapshot ``con`` reads."""
    run_id = directory.name
    run = query_rows(con, "select started_at from runs where run_id = ?", [run_id])
    report = Report(warehouse=warehouse, run_id=run_id, run_started=run[0][0] if run else None)
    report.headline = headline(con)
    report.charts = [
        interactions_per_month(con),
        connections_per_year(con),
        source_overlap(con),
        tie_strength(con),
    ]
    report.lists = [
        reconnect_list(con, report.run_started),
        owed_list(con, directory),
        met_no_follow_up_list(con),
        changed_jobs_list(con),
    ]
    report.quality_charts = [inputs_chart(con), rejects_chart(con)]
    report.quality_tables = [inputs_table(con), rejects_table(con)]
    return report


def render_html(report: Report) -> str:
    """The whole page: inline CSS and SVG, no scripts, no external references."""
    started = (
        report.run_started.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        if report.run_started
        else "unknown time"
    )
    return (
        templates()
        .get_template("report.html.j2")
        .render(
            report=report,
            warehouse_name=report.warehouse.name or str(report.warehouse),
            warehouse_path=str(report.warehouse.resolve()),
            started=started,
            written=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            body=lambda block: Markup(block.body),
        )
    )


def _write_private(out: Path, text: str) -> None:
    """Write ``text`` to ``out`` readable by its owner only, replacing it atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
