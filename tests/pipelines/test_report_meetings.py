"""The report's job-change and follow-up sections, on what `ties demo` imports."""

from report import write_report
from report.charts import CHANNEL_LABELS
from warehouse.schema import CHANNELS


def test_changed_jobs_and_met_without_follow_up(full_demo_warehouse, tmp_path):
    out = write_report(full_demo_warehouse, tmp_path / "report.html")
    page = out.read_text()
    changed = page[page.index("Changed jobs") :]
    assert "Elena Petrova" in changed and "Contoso Ltd" in changed
    assert "Adventure Works" in changed and "2025-03-02 – 2026-11-01" in changed
    met = page[page.index("Met recently, no follow-up yet") : page.index("Changed jobs")]
    assert "Priya Raman" in met and "Coffee with Priya @ Blue Bottle Coffee, Market St" in met
    assert "Emma Larsen" in met and "Bill Smith" not in met  # his sync is a series


def test_every_channel_has_a_label_in_the_monthly_chart():
    assert set(CHANNELS) <= set(CHANNEL_LABELS)
