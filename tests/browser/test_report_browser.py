"""The report as a person sees it: opened offline in headless chromium, screenshotted, checked.

Chromium is Debian's package: `make test` installs it first (scripts/install-browser);
when it is missing here the fixture installs it if it can (root), else the test is skipped.
"""

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from report import write_report
from report.charts import ACCEPTED, CHANNEL_COLOURS
from report.queries import INPUT_ROWS, OWED_ROWS, RECONNECT_ROWS
from warehouse.read import connect

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "scripts" / "install-browser"
WIDTH, HEIGHT = 1280, 4000


def _find_chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture(scope="session")
def chromium() -> str:
    found = _find_chromium()
    if found:
        return found
    if os.geteuid() != 0:
        pytest.skip(
            "chromium is not installed and this is not root, so the test cannot install it: "
            "run scripts/install-browser as root (or apt-get install chromium)"
        )
    done = subprocess.run([str(INSTALL)], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        pytest.fail(f"scripts/install-browser failed:\n{done.stdout}\n{done.stderr}")
    found = _find_chromium()
    if not found:
        pytest.skip(f"no chromium after scripts/install-browser: {done.stdout.strip()}")
    return found


class _Dom(HTMLParser):
    """Counts what a person would see in the rendered DOM: charts, tables and their rows."""

    def __init__(self):
        super().__init__()
        self.svgs = 0
        self.figures_with_svg = 0
        self.tables: list[dict] = []  # {"title": nearest h3, "rows": body rows}
        self.h3: list[str] = []
        self._in_h3 = False
        self._in_tbody = False
        self._in_figure = False
        self._figure_has_svg = False

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svgs += 1
            self._figure_has_svg |= self._in_figure
        elif tag == "figure":
            self._in_figure, self._figure_has_svg = True, False
        elif tag == "h3":
            self._in_h3 = True
            self.h3.append("")
        elif tag == "table":
            self.tables.append({"title": self.h3[-1] if self.h3 else "", "rows": 0})
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            self.tables[-1]["rows"] += 1

    def handle_endtag(self, tag):
        if tag == "figure":
            self._in_figure = False
            self.figures_with_svg += self._figure_has_svg
        elif tag == "h3":
            self._in_h3 = False
        elif tag == "tbody":
            self._in_tbody = False

    def handle_data(self, data):
        if self._in_h3:
            self.h3[-1] += data


def _pixels_like(colours: list[tuple[int, tuple]], hex_colour: str, tolerance: int = 12) -> int:
    """How many pixels are (nearly) this colour, from Image.getcolors()' (count, rgb) pairs."""
    target = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return sum(
        n
        for n, rgb in colours
        if all(abs(c - t) <= tolerance for c, t in zip(rgb, target, strict=True))
    )


def test_report_renders_in_a_real_browser(chromium, plain_demo_warehouse, tmp_path):
    report = write_report(plain_demo_warehouse, tmp_path / "report.html")
    shot = tmp_path / "report.png"
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # No name resolves: the page must render with no network at all.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={shot}",
        "--dump-dom",
        f"--window-size={WIDTH},{HEIGHT}",
        report.as_uri(),
    ]
    env = {**os.environ, "HOME": str(tmp_path)}  # chromium writes caches under $HOME
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr[-3000:]

    # No console output at all: no JavaScript errors, no failed resource loads.
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console

    # The rendered DOM has every chart and the rows of every table.
    dom = _Dom()
    dom.feed(done.stdout)
    assert dom.svgs == 6 and dom.figures_with_svg == 6, (dom.svgs, dom.figures_with_svg)
    con = connect(plain_demo_warehouse)
    due = con.execute("select count(*) from contacts where reconnect_due").fetchone()[0]
    inputs = con.execute("select count(*) from inputs").fetchone()[0]
    groups = con.execute(
        "select count(*) from (select distinct reason, source_file from rejects)"
    ).fetchone()[0]
    expected = {
        "Due a reconnect": min(due, RECONNECT_ROWS),
        "Inputs": min(inputs, INPUT_ROWS),
        "Rejects": groups,
    }
    has_owed = con.execute(
        "select count(*) from information_schema.tables where table_name = 'owed_replies'"
    ).fetchone()[0]
    owed = con.execute("select count(*) from owed_replies").fetchone()[0] if has_owed else 0
    if owed:
        expected["Replies you owe"] = min(owed, OWED_ROWS)
    assert {t["title"]: t["rows"] for t in dom.tables} == expected
    assert due > 0 and inputs > 0 and groups > 0  # the demo exercises every table
    assert re.search(r"<h1>Your network at a glance</h1>", done.stdout)

    # The screenshot shows a page, with the charts' colours painted on it.
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (WIDTH, HEIGHT)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    assert len(colours) > 200  # text, charts and tables, not one flat colour
    background = max(colours)[0] / (WIDTH * HEIGHT)
    assert background < 0.9, f"{background:.0%} of the page is one colour"
    assert _pixels_like(colours, CHANNEL_COLOURS["email"]) > 2_000  # bars and histogram
    assert _pixels_like(colours, CHANNEL_COLOURS["linkedin_connection"]) > 500
    assert _pixels_like(colours, ACCEPTED) > 500  # the data quality chart
    print(f"screenshot: {shot}")
